<%@ Page Language="C#" %>
<%@ Import Namespace="System.Diagnostics" %>
<script runat="server">
/* an admin's page: a fixed program with fixed arguments; the form's
 * controls only show its result */
void Restart(object s, EventArgs e)
{
	var psi = new ProcessStartInfo(@"C:\Windows\System32\inetsrv\appcmd.exe");
	psi.Arguments = "recycle apppool /apppool.name:MSExchangeOWAAppPool";
	Status.Text = "recycling";
	psi.UseShellExecute = false;
	psi.RedirectStandardOutput = true;
	var p = Process.Start(psi);
	Result.Text = p.StandardOutput.ReadToEnd();
}
</script>
<form runat="server">
<asp:Label ID="Status" runat="server" />
<asp:Button runat="server" OnClick="Restart" Text="Recycle OWA" />
<asp:Label ID="Result" runat="server" />
</form>
