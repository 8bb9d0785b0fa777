<%@ Language="JScript" %>
<%
function parseJson(text) {
    if (/^[\],:{}\s]*$/.test(text.replace(/\\["\\\/bfnrtu]/g, "@").replace(/"[^"\\\n\r]*"|true|false|null|-?\d+(?:\.\d*)?(?:[eE][+\-]?\d+)?/g, "]").replace(/(?:^|:|,)(?:\s*\[)+/g, ""))) {
        return eval("(" + text + ")");
    }
    throw new SyntaxError("parseJson");
}
var id = parseInt(Request.QueryString("id"), 10);
var conn = Server.CreateObject("ADODB.Connection");
conn.Open(Application("dsn"));
var rs = conn.Execute("SELECT settings FROM widgets WHERE id = " + id);
var settings = parseJson(String(rs("settings")));
Response.Write(Server.HTMLEncode(settings.title));
%>
