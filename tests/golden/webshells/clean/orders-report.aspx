<%@ Page Language="C#" %>
<%@ Import Namespace="System.Configuration" %>
<%@ Import Namespace="System.Data.SqlClient" %>
<script runat="server">
/* an application's page: its connection string from web.config, the
 * request only a parameter of a fixed statement */
void Page_Load(object sender, EventArgs e)
{
	var cs = ConfigurationManager.ConnectionStrings["Orders"].ConnectionString;
	using (var c = new SqlConnection(cs))
	{
		c.Open();
		var cmd = new SqlCommand("SELECT Id, Total FROM Orders WHERE Customer = @c", c);
		cmd.Parameters.AddWithValue("@c", Request.QueryString["customer"]);
		using (var r = cmd.ExecuteReader())
			while (r.Read())
				Out.Text += r.GetInt32(0) + ": " + r.GetDecimal(1) + "<br/>";
	}
}
</script>
<asp:Literal ID="Out" runat="server" />
