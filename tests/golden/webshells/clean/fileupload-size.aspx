<%@ Page Language="C#" %>
<script runat="server">
protected void Check_Click(object sender, EventArgs e)
{
    if (photo.HasFile)
        result.Text = "The picture has " + photo.PostedFile.ContentLength + " bytes; at most 2 MB are taken.";
}
</script>
<html><body><form runat="server">
<asp:FileUpload ID="photo" runat="server" />
<asp:Button ID="check" runat="server" Text="Check" OnClick="Check_Click" />
<asp:Label ID="result" runat="server" />
</form></body></html>
