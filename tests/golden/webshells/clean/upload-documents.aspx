<%@ Page Language="C#" %>
<%@ Import Namespace="System.IO" %>
<script runat="server">
// Staff hand in their expense receipts: PDF or pictures only, under a
// name the server chooses.
protected void Send_Click(object sender, EventArgs e)
{
    if (!receipt.HasFile) { msg.Text = "Choose a file first."; return; }
    string ext = Path.GetExtension(receipt.FileName).ToLowerInvariant();
    if (ext != ".pdf" && ext != ".jpg" && ext != ".png") { msg.Text = "PDF, JPG or PNG only."; return; }
    string name = Guid.NewGuid().ToString("N") + ext;
    receipt.SaveAs(Path.Combine(Server.MapPath("~/receipts"), name));
    msg.Text = "Thank you: your receipt is in.";
}
</script>
<html><body><form runat="server">
<asp:FileUpload ID="receipt" runat="server" />
<asp:Button ID="send" runat="server" Text="Send" OnClick="Send_Click" />
<asp:Label ID="msg" runat="server" />
</form></body></html>
