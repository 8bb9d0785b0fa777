<%@ Page Language="VB" %>
<script runat="server">
' The monthly timesheet spreadsheet, kept for payroll where the site
' serves nothing.
Sub Upload(ByVal s As Object, ByVal e As EventArgs)
    If Request.Files.Count > 0 Then
        Dim f As HttpPostedFile = Request.Files(0)
        f.SaveAs(Server.MapPath("~/App_Data/timesheets/") & Date.Now.ToString("yyyyMM") & "-" & User.Identity.Name.Replace("\", "_") & ".xlsx")
        result.Text = "Saved."
    End If
End Sub
</script>
<html><body><form runat="server" enctype="multipart/form-data">
<input type="file" name="sheet" /><asp:Button runat="server" Text="Upload" OnClick="Upload" />
<asp:Label ID="result" runat="server" />
</form></body></html>
