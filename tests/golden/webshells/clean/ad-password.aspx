<%@ Page Language="C#" %>
<%@ Import Namespace="System.DirectoryServices" %>
<script runat="server">
/* self-service page of an intranet: a user changes their own password
 * in Active Directory, then their "password last changed" note is
 * written back to their entry */
void Change(object s, EventArgs e)
{
	string user = User.Identity.Name.Split('\\')[1];
	using (var root = new DirectoryEntry("LDAP://DC=corp,DC=example"))
	using (var find = new DirectorySearcher(root, "(sAMAccountName=" + user + ")")) {
		SearchResult r = find.FindOne();
		using (DirectoryEntry me = r.GetDirectoryEntry()) {
			me.Invoke("ChangePassword", new object[] { Old.Text, New.Text });
			me.Properties["info"].Value = "password changed on the intranet " +
			                              DateTime.UtcNow.ToString("u");
			me.CommitChanges();
		}
	}
	Done.Text = "changed";
}
</script>
<form runat="server">
<asp:TextBox ID="Old" TextMode="Password" runat="server" />
<asp:TextBox ID="New" TextMode="Password" runat="server" />
<asp:Button runat="server" OnClick="Change" Text="Change" />
<asp:Label ID="Done" runat="server" />
</form>
