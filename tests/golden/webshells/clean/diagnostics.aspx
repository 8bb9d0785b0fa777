<%@ Page Language="C#" %>
<% Response.Write(Environment.MachineName + " " + System.Diagnostics.Process.GetCurrentProcess().StartTime + " " + Server.HtmlEncode(Request.Url.ToString())); %>
