<%@ Page Language="C#" %>
<%@ Import Namespace="System.Reflection" %>
<script runat="server">
// An application's report plug-in, loaded from the site's own folder.
protected void Page_Load(object sender, EventArgs e)
{
    var asm = Assembly.LoadFrom(Server.MapPath("~/bin/plugins/Contoso.Reports.dll"));
    var report = asm.CreateInstance("Contoso.Reports.Monthly");
    Output.Text = report.ToString();
}
</script>
<html><body><form runat="server"><asp:Literal id="Output" runat="server" /></form></body></html>
