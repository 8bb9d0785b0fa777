<%@ Page Language="C#" %>
<script runat="server">
// Reads the site's settings from its own folder.
protected void Page_Load(object sender, EventArgs e)
{
    string xml = System.IO.File.ReadAllText(Request.ServerVariables["APPL_PHYSICAL_PATH"] + "settings.xml");
    Title = xml.Length > 0 ? "Portal" : "Portal (no settings)";
}
</script>
