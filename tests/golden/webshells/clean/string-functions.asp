<%
' An application's page: string functions on literals and on input
Dim title, name
title = StrReverse("emocleW")
name = Replace(Request.QueryString("name"), "<", "&lt;")
name = Replace(name, ">", "&gt;")
Response.Write "<h1>" & Replace("Hello, NAME", "NAME", name) & "</h1>"
Response.Write "<p>" & StrReverse(title) & "</p>"
%>
