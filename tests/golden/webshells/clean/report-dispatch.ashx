<%@ WebHandler Language="C#" Class="ReportHandler" %>
using System;
using System.Web;

// An application's handler: a report class of its own namespace picked
// by a request field, and an operation of its own picked by name.
public class ReportHandler : IHttpHandler
{
    public void ProcessRequest(HttpContext context)
    {
        Type t = Type.GetType("Contoso.Reports." + context.Request.QueryString["report"] + "Report");
        if (t == null) { context.Response.StatusCode = 404; return; }
        var report = (Contoso.Reports.IReport)Activator.CreateInstance(t);
        var op = GetType().GetMethod(context.Request["op"]);
        if (op != null) op.Invoke(this, new object[] { context, report });
    }
    public void Render(HttpContext c, Contoso.Reports.IReport r) { c.Response.Write(r.Html()); }
    public bool IsReusable { get { return true; } }
}
