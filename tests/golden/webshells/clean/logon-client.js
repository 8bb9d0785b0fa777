// A sign-in page's own script: checks the boxes are filled, asks the
// site itself (a relative URL) whether the account must change its
// password, then submits the form. The password never leaves the form.
function gbid(s)
{
	return document.getElementById(s);
}
function clkLgn()
{
	var u = gbid("username"), p = gbid("password");
	if (u.value == "" || document.getElementById("password").value == "") {
		gbid("err").style.display = "block";
		return false;
	}
	var x = new XMLHttpRequest();
	x.open("GET", "/owa/auth/expiry.ashx?u=" + encodeURIComponent(u.value),
	       false);
	x.send();
	if (x.status == 200 && x.responseText == "expired") {
		window.location = "/owa/auth/expiredpassword.aspx?url=" +
		                  encodeURIComponent("/owa/");
		return false;
	}
	document.forms[0].submit();
	return true;
}
