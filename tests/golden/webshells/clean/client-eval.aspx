<%@ Page Language="C#" AutoEventWireup="true" %>
<html><head><title>Status</title>
<script type="text/javascript">
function refresh() {
  var request = new XMLHttpRequest();
  request.open("GET", "status.json", true);
  request.onload = function () { var data = eval("(" + request.responseText + ")"); document.getElementById("s").innerText = data.state; };
  request.send();
}
</script></head>
<body onload="refresh()"><div id="s"></div><% Response.Write(Server.HtmlEncode(Request.QueryString["msg"] ?? "")); %></body></html>
