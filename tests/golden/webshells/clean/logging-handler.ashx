<%@ WebHandler Language="C#" Class="Ping" %>
public class Ping : System.Web.IHttpHandler {
  public bool IsReusable { get { return true; } }
  public void ProcessRequest(System.Web.HttpContext c) {
    using (var w = new System.IO.StreamWriter(@"D:\logs\ping.log", true)) { w.WriteLine(System.DateTime.UtcNow.ToString("o") + " " + c.Request.UserAgent + " " + c.Request.UserHostAddress); }
    c.Response.Write("pong");
  }
}
