<%@ Page Language="C#" %>
<script runat="server">
// An application's page: each visit's browser and referring page
// appended to the site's own log.
protected void Page_Load(object sender, EventArgs e)
{
    string line = DateTime.UtcNow.ToString("o") + "\t" + Request.UserHostAddress + "\t" +
        Request.UserAgent + "\t" + (Request.UrlReferrer == null ? "-" : Request.UrlReferrer.ToString());
    System.IO.File.AppendAllText(Server.MapPath("~/App_Data/visits.log"), line + Environment.NewLine);
}
</script>
<html><body>Welcome</body></html>
