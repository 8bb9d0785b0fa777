<%@ Page Language="C#" %>
<html><body><script language="javascript">
function ValidatorHookupControl(control, val) {
    if (typeof(control.Validators) == "undefined") { control.Validators = new Array; var ev = control.onchange; var func = new Function("ValidatorOnChange(); " + ev); control.onchange = func; }
}
function ValidatorConvert(op, dataType, val) {
    var num = eval("val.evaluationfunction"); return num;
}
</script></body></html>
