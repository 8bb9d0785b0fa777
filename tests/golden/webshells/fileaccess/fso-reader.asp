<%
' Classic ASP: the file the query names, read through the FSO.
Dim fso, ts
Set fso = Server.CreateObject("Scripting.FileSystemObject")
If Request.QueryString("n") <> "" Then
    Set ts = fso.OpenTextFile(Request.QueryString("n"), 1)
    Response.Write Server.HTMLEncode(ts.ReadAll)
    ts.Close
End If
%>
