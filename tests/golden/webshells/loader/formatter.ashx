<%@ WebHandler Language="C#" Class="H" %>
using System.Web;
using System.Runtime.Serialization.Formatters.Binary;
// written for exhunt's tests: the request body deserialized by a
// formatter that builds whatever type it names (a gadget chain runs)
public class H : IHttpHandler {
	public bool IsReusable { get { return false; } }
	public void ProcessRequest(HttpContext c) {
		var f = new BinaryFormatter();
		object o = f.Deserialize(c.Request.InputStream);
		c.Response.Write(o == null ? "" : "ok");
	}
}
