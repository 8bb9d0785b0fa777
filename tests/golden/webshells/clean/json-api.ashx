<%@ WebHandler Language="C#" Class="Api" %>
using System.IO;
using System.Web;
using System.Web.Script.Serialization;
// an application's handler: JSON read into a fixed type, no type names
// taken from the request
public class Api : IHttpHandler {
	public class Req { public string Name; public int Count; }
	public bool IsReusable { get { return true; } }
	public void ProcessRequest(HttpContext c) {
		string body = new StreamReader(c.Request.InputStream).ReadToEnd();
		var r = new JavaScriptSerializer().Deserialize<Req>(body);
		c.Response.ContentType = "application/json";
		c.Response.Write(new JavaScriptSerializer().Serialize(r));
	}
}
