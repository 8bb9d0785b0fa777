<%@ Page Language="C#" %>
<%@ Import Namespace="System.DirectoryServices.AccountManagement" %>
<%@ Import Namespace="System.Diagnostics" %>
<script runat="server">
// Sign-in for the intranet timesheet application: checks the user's
// domain password and records the outcome (never the password) in the
// Application event log.
protected void SignIn_Click(object sender, EventArgs e)
{
    string user = Request.Form["username"];
    bool ok;
    using (var ctx = new PrincipalContext(ContextType.Domain, "CORP"))
        ok = ctx.ValidateCredentials(user, Request.Form["password"]);
    EventLog.WriteEntry("Timesheet", (ok ? "sign-in: " : "failed sign-in: ") + user,
        ok ? EventLogEntryType.Information : EventLogEntryType.Warning);
    if (ok)
    {
        FormsAuthentication.RedirectFromLoginPage(user, false);
    }
    else
    {
        Message.Text = "The user name or password is incorrect.";
    }
}
</script>
<html><body>
<form id="f" runat="server">
<input name="username" /><input name="password" type="password" />
<asp:Button ID="SignIn" runat="server" Text="Sign in" OnClick="SignIn_Click" />
<asp:Label ID="Message" runat="server" />
</form>
</body></html>
