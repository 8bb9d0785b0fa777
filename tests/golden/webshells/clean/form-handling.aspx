<%@ Page Language="C#" %>
<script runat="server">
protected void Save(object sender, EventArgs e) {
  string name = Request.Form["name"];
  if (string.IsNullOrEmpty(name)) { msg.Text = "Please enter a name."; return; }
  Session["name"] = name;
  msg.Text = "Thank you, " + Server.HtmlEncode(name);
}
</script>
<html><body><form runat="server">
<asp:TextBox id="name" runat="server"/><asp:Button runat="server" OnClick="Save" Text="Save"/>
<asp:Label id="msg" runat="server"/></form></body></html>
