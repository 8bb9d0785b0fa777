<%@ Page language="c#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.Logon" %>
<%@ Import namespace="Microsoft.Exchange.Clients.Owa.Core"%>
<!DOCTYPE html>
<html><head><title>Contoso Mail</title><link rel="stylesheet" href="/owa/auth/custom/contoso.css"></head>
<body class="signInBg">
<div class="banner"><img src="/owa/auth/custom/contoso-logo.png" alt="Contoso"></div>
<% string reason = Request.QueryString["reason"]; if (reason == "2") { %><div class="err">Your session has expired.</div><% } %>
<form action="/owa/auth.owa" method="POST" name="logonForm" autocomplete="off">
<input type="hidden" name="destination" value="<%=Server.HtmlEncode(Destination)%>">
<input id="username" name="username" type="email"><input id="password" name="password" type="password">
<input type="submit" value="Sign in"></form>
<script>function clkLgn(){var u=document.getElementById("username");if(u.value.indexOf("@")<0){u.value=u.value+"@contoso.com";}document.logonForm.submit();}</script>
</body></html>
