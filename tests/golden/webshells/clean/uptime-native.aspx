<%@ Page Language="C#" %>
<%@ Import Namespace="System.Runtime.InteropServices" %>
<script runat="server">
/* an admin's status page calling Win32 for the uptime: native calls,
 * none that allocate or run code */
[DllImport("kernel32")] static extern ulong GetTickCount64();
void Page_Load(object s, EventArgs e)
{
	Up.Text = TimeSpan.FromMilliseconds(GetTickCount64()).ToString();
}
</script>
<asp:Label ID="Up" runat="server" />
