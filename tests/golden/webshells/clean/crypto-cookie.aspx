<%@ Page Language="C#" %>
<script runat="server">
string Decrypt(string s) {
  var aes = new System.Security.Cryptography.RijndaelManaged();
  aes.Key = System.Text.Encoding.UTF8.GetBytes(System.Configuration.ConfigurationManager.AppSettings["k"]);
  var d = aes.CreateDecryptor(); byte[] b = Convert.FromBase64String(s);
  return System.Text.Encoding.UTF8.GetString(d.TransformFinalBlock(b, 0, b.Length));
}
void Page_Load(object o, EventArgs e) { var c = Request.Cookies["pref"]; if (c != null) Session["pref"] = Decrypt(c.Value); }
</script>
