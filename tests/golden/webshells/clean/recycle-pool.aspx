<%@ Page Language="C#" %>
<%@ Import Namespace="Microsoft.Web.Administration" %>
<script runat="server">
/* an operator's page behind Windows authentication: recycles one of the
 * site's application pools, named in the query string, and shows the
 * pools' states; nothing in IIS's configuration is changed */
void Page_Load(object s, EventArgs e)
{
	using (var sm = new ServerManager()) {
		string name = Request.QueryString["pool"];
		if (!string.IsNullOrEmpty(name) && sm.ApplicationPools[name] != null)
			sm.ApplicationPools[name].Recycle();
		foreach (ApplicationPool p in sm.ApplicationPools)
			Response.Write(Server.HtmlEncode(p.Name) + ": " + p.State + "<br>");
	}
}
</script>
