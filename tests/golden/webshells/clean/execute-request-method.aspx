<%@ Page Language="C#" %>
<script runat="server">
// An application's own method names, not VBScript's Execute statement.
private string ExecuteRequest(string name)
{
    return "Hello, " + Server.HtmlEncode(name);
}
private bool EvalRequest(string s) { return s.Length < 64; }
protected void Page_Load(object sender, EventArgs e)
{
    string n = Request.QueryString["name"] ?? "guest";
    if (EvalRequest(n))
        greeting.InnerText = ExecuteRequest(n);
}
</script>
<html><body><p id="greeting" runat="server"></p></body></html>
