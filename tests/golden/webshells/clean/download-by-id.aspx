<%@ Page Language="C#" %>
<script runat="server">
// An intranet download page: the query gives a number, the file comes
// from the site's own list.
static readonly string[] Docs = { "handbook.pdf", "holidays-2026.pdf", "canteen.pdf" };
protected void Page_Load(object sender, EventArgs e)
{
    int id;
    if (!int.TryParse(Request.QueryString["id"], out id) || id < 0 || id >= Docs.Length)
    { Response.StatusCode = 404; return; }
    string path = Server.MapPath("~/App_Data/docs/" + Docs[id]);
    Response.ContentType = "application/pdf";
    Response.TransmitFile(path);
}
</script>
