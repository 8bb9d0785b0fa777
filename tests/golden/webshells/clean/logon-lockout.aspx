<%@ Page Language="C#" AutoEventWireup="true" %>
<%@ Import Namespace="System.DirectoryServices.AccountManagement" %>
<script runat="server">
// A site's own sign-in page: failed attempts counted per user name in
// the application state, a lock-out kept in the cache, the client's
// host name looked up for the audit trail. The password is checked
// against the directory and kept nowhere.
protected void Page_Load(object sender, EventArgs e)
{
    if (Request.HttpMethod != "POST") return;
    string user = Request.Form["username"];
    string pass = Request.Form["password"];
    string key = "fail:" + user;
    if (Cache["lock:" + user] != null) { Status.Text = "Locked, try later."; return; }
    string host = "";
    try { host = System.Net.Dns.GetHostEntry(Request.UserHostAddress).HostName; } catch { }
    using (var ctx = new PrincipalContext(ContextType.Domain)) {
        if (ctx.ValidateCredentials(user, pass)) {
            Application[key] = 0;
            Session["user"] = user;
            Response.Redirect("~/default.aspx");
        } else {
            int n = Application[key] == null ? 1 : (int)Application[key] + 1;
            Application[key] = n;
            if (n >= 5) Cache.Insert("lock:" + user, host, null, DateTime.UtcNow.AddMinutes(15), System.Web.Caching.Cache.NoSlidingExpiration);
            Status.Text = "Wrong user name or password.";
        }
    }
}
</script>
<html><body><form runat="server">
<input name="username"><input name="password" type="password">
<asp:Label id="Status" runat="server" /></form></body></html>
