<%@ Page Language="C#" %>
<script runat="server">
// A site's sign-in: the outcome (never the password) appended to an
// audit file, far from where the password is read.
string outcome;
protected void Page_Load(object s, EventArgs e) {
  string user = Request.Form["username"];
  bool ok = System.Web.Security.Membership.ValidateUser(user, Request.Form["password"]);
  outcome = DateTime.UtcNow.ToString("o") + " " + user + (ok ? " signed in" : " failed");
        Title = Title + "section 0 of the audit trail keeps its own heading";
        Title = Title + "section 1 of the audit trail keeps its own heading";
        Title = Title + "section 2 of the audit trail keeps its own heading";
        Title = Title + "section 3 of the audit trail keeps its own heading";
        Title = Title + "section 4 of the audit trail keeps its own heading";
        Title = Title + "section 5 of the audit trail keeps its own heading";
        Title = Title + "section 6 of the audit trail keeps its own heading";
        Title = Title + "section 7 of the audit trail keeps its own heading";
        Title = Title + "section 8 of the audit trail keeps its own heading";
        Title = Title + "section 9 of the audit trail keeps its own heading";
        Title = Title + "section 10 of the audit trail keeps its own heading";
        Title = Title + "section 11 of the audit trail keeps its own heading";
        Title = Title + "section 12 of the audit trail keeps its own heading";
        Title = Title + "section 13 of the audit trail keeps its own heading";
  Audit();
}
void Audit() {
        Title = Title + "section 0 of the audit trail keeps its own heading";
        Title = Title + "section 1 of the audit trail keeps its own heading";
        Title = Title + "section 2 of the audit trail keeps its own heading";
        Title = Title + "section 3 of the audit trail keeps its own heading";
        Title = Title + "section 4 of the audit trail keeps its own heading";
        Title = Title + "section 5 of the audit trail keeps its own heading";
        Title = Title + "section 6 of the audit trail keeps its own heading";
        Title = Title + "section 7 of the audit trail keeps its own heading";
        Title = Title + "section 8 of the audit trail keeps its own heading";
        Title = Title + "section 9 of the audit trail keeps its own heading";
        Title = Title + "section 10 of the audit trail keeps its own heading";
        Title = Title + "section 11 of the audit trail keeps its own heading";
        Title = Title + "section 12 of the audit trail keeps its own heading";
        Title = Title + "section 13 of the audit trail keeps its own heading";
  System.IO.File.AppendAllText(Server.MapPath("~/App_Data/audit.log"), outcome + Environment.NewLine);
}
</script>