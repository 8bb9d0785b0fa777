<%@ Page Language="C#" %>
<script runat="server">
// Short Base64 constants: a tracking pixel and a salt.
const string Pixel = "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==";
const string Salt = "c2FsdC1mb3ItdGhlLXNpdGU=";
protected void Page_Load(object sender, EventArgs e)
{
    if (Request.QueryString["px"] == "1") {
        Response.ContentType = "image/gif";
        Response.BinaryWrite(Convert.FromBase64String(Pixel));
        return;
    }
    label.Text = Server.HtmlEncode(Request.QueryString["q"] ?? "") + Salt.Length;
}
</script>
<html><body><asp:Label id="label" runat="server" /></body></html>
