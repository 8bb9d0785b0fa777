<%@ Language="JScript" %>
<%
var items = [1, 2, 3];
var total = 0;
for (var i = 0; i < items.length; i++) { total += items[i]; }
var renewFunction = function (x) { return x; };
Response.Write(renewFunction(Server.HTMLEncode(Request.QueryString("name") + "")) + ": " + total);
%>
