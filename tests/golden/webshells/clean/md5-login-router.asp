<%@ Language="VBScript" %>
<%
Option Explicit
' An old intranet's sign-in and page router: a hash of numbers with Xor,
' the user kept in the session, and Execute of a fixed routine's name.
Private Function AddUnsigned(lX, lY)
    Dim lX4, lY4, lX8, lY8, lResult
    lX8 = (lX And &H80000000)
    lY8 = (lY And &H80000000)
    lX4 = (lX And &H40000000)
    lY4 = (lY And &H40000000)
    lResult = (lX And &H3FFFFFFF) + (lY And &H3FFFFFFF)
    If lX4 And lY4 Then
        lResult = lResult Xor &H80000000 Xor lX8 Xor lY8
    Else
        lResult = lResult Xor lX8 Xor lY8
    End If
    AddUnsigned = lResult
End Function
Private Function Mix(a, b, c)
    Mix = AddUnsigned(a Xor b, c)
End Function
Sub Render_Home()
    Response.Write "<h1>Welcome, " & Server.HTMLEncode(Session("user")) & "</h1>"
End Sub
Sub Render_Login()
    Response.Write "<form method=""post""><input name=""user""><input type=""password"" name=""password""><input type=""submit""></form>"
End Sub
Dim page
If Request.Form("user") <> "" Then
    If Mix(Len(Request.Form("password")), 7, 11) > 0 Then Session("user") = Request.Form("user")
End If
Select Case Request.QueryString("p")
    Case "home": page = "Home"
    Case Else: page = "Login"
End Select
Execute("Call Render_" & page)
%>
