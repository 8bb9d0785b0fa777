/* How a persona answers HTTP requests (persona_answer in persona.h),
 * following ../shared/reference/remote-detection.md §1 and §2. */
#include "lab/persona.h"
#include "base/err.h"
#include "base/text.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

/* The IIS of the Windows each product ran on: 2007 and 2010 on Windows
 * 2008 R2 (7.5), 2013 on 2012 R2 (8.5), 2016 and later on 2016+ (10.0). */
static const char *iis(const struct persona *p)
{
	unsigned major = (unsigned)(p->build >> 48),
	         minor = (unsigned)(p->build >> 32) & 0xffff;

	if (major < 15)
		return "Microsoft-IIS/7.5";
	return minor == 0 ? "Microsoft-IIS/8.5" : "Microsoft-IIS/10.0";
}

static void head(struct buf *o, int status, const char *reason,
                 const char *server)
{
	buf_printf(o, "HTTP/1.1 %d %s\r\nServer: %s\r\n", status, reason,
	           server);
}

static void finish(struct buf *o, const char *type, const char *body)
{
	size_t n = strlen(body);

	if (n)
		buf_printf(o, "Content-Type: %s\r\n", type);
	buf_printf(o, "Content-Length: %zu\r\n\r\n", n);
	buf_add(o, body, n);
}

static void plain_answer(const struct persona *p, const struct http_req *req,
                         struct buf *o)
{
	bool root = view_eq(req->target, VIEW_LIT("/"));

	switch (p->kind) {
	case P_IIS:
		if (root) {
			head(o, 200, "OK", "Microsoft-IIS/10.0");
			finish(o, "text/html",
			       "<!DOCTYPE html><html><head><title>IIS Windows "
			       "Server</title></head><body><img "
			       "src=\"iisstart.png\""
			       " alt=\"IIS\"></body></html>");
		} else {
			head(o, 404, "Not Found", "Microsoft-IIS/10.0");
			finish(o, "text/html",
			       "<html><body><h2>404 - File or directory not "
			       "found.</h2></body></html>");
		}
		break;
	case P_NGINX:
		if (root) {
			head(o, 200, "OK", "nginx/1.22.1");
			finish(o, "text/html",
			       "<html><head><title>Welcome to nginx!</title>"
			       "</head><body></body></html>");
		} else {
			head(o, 404, "Not Found", "nginx/1.22.1");
			finish(o, "text/html",
			       "<html><head><title>404 Not Found</title></head>"
			       "<body><center>nginx</center></body></html>");
		}
		break;
	default:
		/* A catch-all default page: 200 for every path, the classic
		 * source of false web-shell findings. */
		head(o, 200, "OK", "Apache/2.4.57 (Debian)");
		finish(o, "text/html",
		       "<html><body><h1>It works!</h1></body></html>");
		break;
	}
}

static void redirect(struct buf *o, const struct persona *p, const char *loc)
{
	head(o, 302, "Found", iis(p));
	buf_printf(o, "Location: %s\r\n", loc);
	if ((p->build >> 48) >= 15)
		buf_printf(o, "X-FEServer: %s\r\n", p->name);
	finish(o, "", "");
}

static void not_found(const struct persona *p, struct buf *o)
{
	head(o, 404, "Not Found", iis(p));
	finish(o, "text/html",
	       "<html><body><h2>404 - File or directory not found.</h2>"
	       "</body></html>");
}

/* OWA or ECP with standard authentication (DEP_HTTP_AUTH): IIS asks for
 * credentials before Exchange's code runs, so nothing names Exchange or
 * its build: Basic with the server's name as realm, or Windows
 * authentication, by server. */
static void auth_answer(const struct persona *p, struct buf *o)
{
	head(o, 401, "Unauthorized", iis(p));
	if ((p->ip * 2654435761u) >> 31)
		buf_printf(o, "WWW-Authenticate: Basic realm=\"%s\"\r\n",
		           p->hostname);
	else
		buf_adds(o, "WWW-Authenticate: Negotiate\r\n"
		            "WWW-Authenticate: NTLM\r\n");
	buf_adds(o, "X-Powered-By: ASP.NET\r\n");
	finish(o, "text/html",
	       "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\">\n"
	       "<html><head><title>401 - Unauthorized: Access is denied due "
	       "to invalid credentials.</title></head><body><div id=\"header\">"
	       "<h1>Server Error</h1></div><div id=\"content\"><fieldset>"
	       "<h2>401 - Unauthorized: Access is denied due to invalid "
	       "credentials.</h2><h3>You do not have permission to view this "
	       "directory or page using the credentials that you supplied."
	       "</h3></fieldset></div></body></html>");
}

/* The bulk of a real logon page: style rules and script, none of which
 * names a build, FILLER_LINES of each at most; a page takes the first n
 * (its size varies by server). Written once: printing them for every
 * answer was a sixth of the lab's time, which it shares with the
 * scanner it serves. */
#define FILLER_LINES 700
static struct {
	char style[FILLER_LINES * 64], script[FILLER_LINES * 64];
	size_t style_end[FILLER_LINES], script_end[FILLER_LINES];
} filler;
static pthread_once_t filler_once = PTHREAD_ONCE_INIT;

static void filler_build(void)
{
	size_t a = 0, b = 0;
	int i;

	for (i = 0; i < FILLER_LINES; i++) {
		a += (size_t)snprintf(filler.style + a, sizeof filler.style - a,
		                      ".signInInputText%d{border:1px solid "
		                      "#%06x;padding:%dpx}\n",
		                      i, (unsigned)(i * 2654435761u) & 0xffffff,
		                      i % 9);
		filler.style_end[i] = a;
		b += (size_t)snprintf(filler.script + b,
		                      sizeof filler.script - b,
		                      "function g_fLogon%d(a){var b=a+%d;return "
		                      "b.toString(16);}\n",
		                      i, i);
		filler.script_end[i] = b;
	}
}

/* OWA's logon page as each product shows it, at its real size (about
 * 25 to 60 KB of inline script and style), build in the resource paths:
 * a.b.c under /owa/auth/ for 2013 and later, a.b.c.d under /owa/ before. */
static void logon_page(const struct lab_world *w, const struct persona *p,
                       struct buf *o)
{
	char bs[BUILD_STRLEN], path[64];
	bool modern = (p->build >> 48) >= 15, old = (p->build >> 48) < 14;
	const char *title = old ? "Microsoft Exchange - Outlook Web Access"
	                    : !modern || (p->build >> 32) == ((15ull << 16) | 0)
	                        ? "Outlook Web App"
	                        : "Outlook";
	struct buf page;
	int n;

	(void)w;
	if (modern) {
		build_format(p->build, true, bs);
		snprintf(path, sizeof path, "/owa/auth/%s", bs);
	} else {
		build_format(p->build, false, bs);
		snprintf(path, sizeof path, "/owa/%s", bs);
	}
	buf_init(&page, 1 << 20);
	buf_printf(
	    &page,
	    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">\n"
	    "<!-- OwaPage = ASP.auth_logon_aspx -->\n<html><head>\n"
	    "<meta http-equiv=\"X-UA-Compatible\" content=\"IE=10\" />\n"
	    "<link rel=\"shortcut icon\" href=\"%s/themes/resources/"
	    "favicon.ico\" type=\"image/x-icon\">\n<title>%s</title>\n"
	    "<style>@font-face{font-family:\"Segoe UI WPC\";src:url(\"%s/"
	    "themes/resources/segoeui-regular.eot?#iefix\")}\n",
	    path, title, path);
	n = 300 + (int)(p->ip % 400);
	pthread_once(&filler_once, filler_build);
	buf_add(&page, filler.style, filler.style_end[n - 1]);
	buf_adds(&page, "</style>\n<script>function IsOwaPremiumBrowser()"
	                "{return true;}\n");
	buf_add(&page, filler.script, filler.script_end[n / 2 - 1]);
	buf_adds(&page,
	         "</script>\n</head><body><noscript>To use Outlook, browser "
	         "settings must allow scripts to run.</noscript><form "
	         "action=\"/owa/auth.owa\" method=\"POST\" "
	         "name=\"logonForm\"></form></body></html>\n");
	head(o, 200, "OK", iis(p));
	if (modern)
		buf_printf(o, "X-FEServer: %s\r\n", p->name);
	buf_adds(o, "Cache-Control: no-cache, no-store\r\n");
	buf_printf(o,
	           "Content-Type: text/html; charset=utf-8\r\n"
	           "Content-Length: %zu\r\n\r\n",
	           page.len);
	buf_add(o, page.p, page.len);
	buf_release(&page);
}

/* The manifest names the CU's release build, as every public example
 * does; whether an update changes it is not known, so the lab does not
 * pretend it does. */
static void manifest(const struct lab_world *w, const struct persona *p,
                     struct buf *o)
{
	char bs[BUILD_STRLEN], xml[1024];
	const struct kb_build *rel = kb_cu_release(w->kb, BUILD_CU(p->build));

	build_format(rel ? rel->build : p->build, false, bs);
	snprintf(
	    xml, sizeof xml,
	    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<asmv1:assembly "
	    "xsi:schemaLocation=\"urn:schemas-microsoft-com:asm.v1 "
	    "assembly.adaptive.xsd\" manifestVersion=\"1.0\" "
	    "xmlns:asmv1=\"urn:schemas-microsoft-com:asm.v1\">"
	    "<assemblyIdentity name=\"microsoft.exchange.ediscovery."
	    "exporttool.application\" version=\"%s\" publicKeyToken="
	    "\"b1d1a6c45aa418ce\" language=\"neutral\" processorArchitecture"
	    "=\"msil\" xmlns=\"urn:schemas-microsoft-com:asm.v1\" />"
	    "<dependency><dependentAssembly dependencyType=\"install\" "
	    "codebase=\"microsoft.exchange.ediscovery.exporttool.exe."
	    "manifest\"><assemblyIdentity name=\"microsoft.exchange."
	    "ediscovery.exporttool\" version=\"%s\" publicKeyToken="
	    "\"b1d1a6c45aa418ce\" /></dependentAssembly></dependency>"
	    "</asmv1:assembly>\r\n",
	    bs, bs);
	head(o, 200, "OK", iis(p));
	buf_printf(o, "X-FEServer: %s\r\n", p->name);
	finish(o, "application/x-ms-application", xml);
}

static void b64(const unsigned char *in, size_t n, struct buf *o)
{
	static const char t[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 |
		             in[i + 2];
		char q[4] = {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63],
		             t[v & 63]};
		buf_add(o, q, 4);
	}
	if (n - i == 1) {
		unsigned v = (unsigned)in[i] << 16;
		char q[4] = {t[v >> 18], t[(v >> 12) & 63], '=', '='};
		buf_add(o, q, 4);
	} else if (n - i == 2) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		char q[4] = {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63],
		             '='};
		buf_add(o, q, 4);
	}
}

static size_t av_pair(unsigned char *m, size_t at, unsigned id, const char *s)
{
	size_t n = strlen(s), i;

	m[at] = (unsigned char)id;
	m[at + 1] = 0;
	m[at + 2] = (unsigned char)(n * 2);
	m[at + 3] = (unsigned char)((n * 2) >> 8);
	for (i = 0; i < n; i++) {
		m[at + 4 + 2 * i] = (unsigned char)s[i];
		m[at + 5 + 2 * i] = 0;
	}
	return at + 4 + 2 * n;
}

/* An NTLM CHALLENGE_MESSAGE naming the server, as IIS sends to a NEGOTIATE. */
static void ntlm_challenge(const struct persona *p, struct buf *o)
{
	unsigned char m[512] = {0};
	char dns[96], domain[32], dnsdomain[64];
	size_t ti = 56, end;

	snprintf(domain, sizeof domain, "CORP%02u", (unsigned)(p->ip & 63));
	snprintf(dnsdomain, sizeof dnsdomain, "corp%02u.example",
	         (unsigned)(p->ip & 63));
	snprintf(dns, sizeof dns, "%s.%s", p->name, dnsdomain);
	memcpy(m, "NTLMSSP", 8);
	m[8] = 2;
	m[20] = 0x05;
	m[21] = 0x02;
	m[22] = 0x89;
	m[23] = 0x02; /* flags */
	memcpy(m + 24, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	m[48] = 10;
	m[49] = 0;
	m[50] = 0x63;
	m[51] = 0x45;
	m[55] = 15;
	end = av_pair(m, ti, 2, domain);
	end = av_pair(m, end, 1, p->name);
	end = av_pair(m, end, 4, dnsdomain);
	end = av_pair(m, end, 3, dns);
	end += 4; /* MsvAvEOL */
	m[40] = (unsigned char)(end - ti);
	m[41] = (unsigned char)((end - ti) >> 8);
	m[42] = m[40];
	m[43] = m[41];
	m[44] = (unsigned char)ti;
	/* Target name (the domain) is not sent; its fields stay zero. */
	head(o, 401, "Unauthorized", iis(p));
	buf_adds(o, "WWW-Authenticate: NTLM ");
	b64(m, end, o);
	buf_printf(o, "\r\nX-FEServer: %s\r\n", p->name);
	finish(o, "", "");
}

/* What a WAF in front sends for an attack-shaped request. */
static void waf_answer(const struct persona *p, struct buf *o,
                       struct lab_answer *a)
{
	char body[512];

	switch (p->front) {
	case FRONT_WAF_RESET: a->abort = true; return;
	case FRONT_WAF_REDIRECT:
		head(o, 302, "Moved Temporarily", "BigIP");
		buf_adds(o, "Location: https://portal.corp.example/blocked.html"
		            "\r\nConnection: close\r\n");
		finish(o, "", "");
		return;
	default:
		snprintf(body, sizeof body,
		         "<html><head><title>Request Rejected</title></head>"
		         "<body>The requested URL was rejected. Please consult "
		         "with your administrator.<br><br>Your support ID is: "
		         "%u</body></html>",
		         (unsigned)(p->ip * 2654435761u) % 1000000000u);
		if (p->block_200)
			head(o, 200, "OK", "");
		else
			head(o, 403, "Forbidden", "");
		buf_adds(o, "Cache-Control: no-cache\r\nConnection: close\r\n");
		finish(o, "text/html", body);
		return;
	}
}

/* A site-wide rule that answers 200 to any path (a portal in front, a
 * custom error page served as 200). */
static void catch_all_page(const struct persona *p, struct buf *o)
{
	head(o, 200, "OK", iis(p));
	buf_printf(o, "X-FEServer: %s\r\n", p->name);
	finish(o, "text/html",
	       "<html><head><title>Contoso Intranet</title></head><body>"
	       "<h1>Page not available</h1><p>Please go back to the "
	       "start page.</p></body></html>");
}

/* An Exchange Online front door: every browser is sent to Azure AD; the
 * headers name cloud front ends and a 15.20 build. */
static void online_answer(const struct persona *p, const struct http_req *req,
                          struct buf *o)
{
	unsigned h = p->ip * 2654435761u;
	bool owa = view_starts_ci(req->target, VIEW_LIT("/owa"));

	if (owa) {
		head(o, 302, "Found", "Microsoft-IIS/10.0");
		buf_adds(o,
		         "Location: https://login.microsoftonline.com/common/"
		         "oauth2/authorize?client_id=00000002-0000-0ff1-ce00-"
		         "000000000000&redirect_uri=https%3a%2f%2foutlook."
		         "office365.com%2fowa%2f&resource=00000002-0000-0ff1-"
		         "ce00-000000000000&response_mode=form_post\r\n");
		buf_printf(o, "X-OWA-Version: 15.20.%u.%u\r\n", 7000 + h % 900,
		           10 + h % 40);
	} else {
		head(o, 401, "Unauthorized", "Microsoft-IIS/10.0");
		buf_adds(o,
		         "WWW-Authenticate: Bearer client_id=\"00000002-0000-"
		         "0ff1-ce00-000000000000\", trusted_issuers=\"00000001-"
		         "0000-0000-c000-000000000000@*\"\r\n");
	}
	buf_printf(
	    o,
	    "request-id: %08x-1d2e-4c3b-9a8f-%012x\r\n"
	    "X-CalculatedFETarget: MN2PR%02uCU%03u.internal.outlook."
	    "com\r\nX-BackEndHttpStatus: %d\r\n"
	    "X-FEServer: MN2PR%02uCA%04u\r\nX-Proxy-RoutingCorrectness: 1"
	    "\r\nX-FirstHopCafeEFZ: MNZ\r\n",
	    h, h & 0xfffffff, h % 20, h % 1000, owa ? 302 : 401, (h >> 8) % 20,
	    (h >> 4) % 10000);
	finish(o, "", "");
}

/* Federated sign-in: to the organisation's AD FS, or (every other
 * server) to Azure AD, as OWA with Hybrid Modern Authentication does:
 * Microsoft's sign-in page, sending the browser back to this server. */
static void adfs_redirect(const struct persona *p, struct buf *o,
                          const char *vdir)
{
	head(o, 302, "Found", iis(p));
	if (((p->ip * 2654435761u) >> 29) & 1) {
		buf_printf(
		    o,
		    "Location: https://login.microsoftonline.com/"
		    "%08x-4e2a-4b1c-9d3e-5f6a7b8c9d0e/oauth2/authorize?"
		    "client_id=00000002-0000-0ff1-ce00-000000000000&"
		    "redirect_uri=https%%3a%%2f%%2f%s%%2f%s%%2f&resource="
		    "00000002-0000-0ff1-ce00-000000000000&response_mode="
		    "form_post&response_type=code+id_token&scope=openid\r\n",
		    p->ip * 2246822519u, p->hostname, vdir);
		buf_printf(o, "X-FEServer: %s\r\n", p->name);
		finish(o, "", "");
		return;
	}
	buf_printf(
	    o,
	    "Location: https://adfs.corp%02u.example/adfs/ls/?wa=wsignin1.0"
	    "&wtrealm=https%%3a%%2f%%2f%s%%2f%s%%2f&wctx=rm%%3d0%%26id%%3d"
	    "passive%%26ru%%3d%%252f%s%%252f\r\n",
	    (unsigned)(p->ip & 63), p->hostname, vdir, vdir);
	buf_printf(o, "X-FEServer: %s\r\n", p->name);
	finish(o, "", "");
}

/* A pre-authenticating reverse proxy: its own login page for everything,
 * or (every other server) HTTP Basic authentication for every path. */
static void preauth_answer(const struct persona *p, const struct http_req *req,
                           struct buf *o)
{
	if (((p->ip * 2654435761u) >> 30) & 1) {
		head(o, 401, "Unauthorized", "nginx");
		buf_adds(o, "WWW-Authenticate: Basic realm=\"Restricted\"\r\n");
		finish(o, "text/html",
		       "<html><head><title>401 Authorization Required</title>"
		       "</head><body><center><h1>401 Authorization Required"
		       "</h1></center><hr><center>nginx</center></body>"
		       "</html>");
		return;
	}
	if (view_starts_ci(req->target, VIEW_LIT("/my.policy"))) {
		head(o, 200, "OK", "BigIP");
		buf_adds(o, "Set-Cookie: MRHSession=0; path=/; secure\r\n");
		finish(o, "text/html",
		       "<html><head><title>Secure Logon for Contoso</title>"
		       "</head><body><form method=\"post\" action=\"/my."
		       "policy\"><input name=\"username\"><input type=\""
		       "password\" name=\"password\"></form></body></html>");
		return;
	}
	head(o, 302, "Found", "BigIP");
	buf_adds(o, "Location: /my.policy\r\nSet-Cookie: LastMRH_Session=0; "
	            "path=/; secure\r\n");
	finish(o, "", "");
}

/* Payloads a hostile server puts in every field it controls: a
 * spreadsheet formula, terminal escapes, a right-to-left override, JSON,
 * CSV and HTML breakers, a NUL-free control run. */
#define INJECT_NAME                                                            \
	"=HYPERLINK(\"http://x\")\x1b[2J\xe2\x80\xae\"},\"a\":\"<b>,\x01"

static void hostile_answer(const struct lab_world *w, const struct persona *p,
                           const struct http_req *req, struct lab_answer *a)
{
	struct buf *o = &a->out;
	static const char *const away[] = {
	    "https://10.20.30.40/owa/auth/logon.aspx", "//203.0.113.9/owa/",
	    "http://[2001:db8::1]/owa/auth/logon.aspx",
	    "https://192.0.2.1:8443/owa/"};

	switch (p->hostile) {
	case H_LOOP:
		/* Every path sends to the next one of its own. */
		head(o, 302, "Found", "Microsoft-IIS/10.0");
		buf_printf(o, "Location: /owa/auth/logon.aspx?loop=%d\r\n",
		           a->member + 1);
		buf_adds(o, "X-FEServer: LOOPER\r\n");
		finish(o, "", "");
		return;
	case H_OFFHOST:
		head(o, 302, "Found", "Microsoft-IIS/10.0");
		buf_printf(o, "Location: %s\r\nX-FEServer: AWAY\r\n",
		           away[a->member % 4]);
		finish(o, "", "");
		return;
	default: break;
	}
	/* H_INJECT: Exchange-shaped, every server-controlled field a
	 * payload; a Location a naive client would write into its next
	 * request line. */
	if (view_starts_ci(req->target, VIEW_LIT("/owa/auth/logon.aspx"))) {
		head(o, 200, "OK", "Microsoft-IIS/10.0\x1b]0;pwned\x07");
		buf_adds(o, "X-FEServer: " INJECT_NAME "\r\n"
		            "X-OWA-Version: 15.9.65535.65535\r\n");
		finish(
		    o, "text/html",
		    "<!-- OwaPage = ASP.auth_logon_aspx --><link href=\"/owa/"
		    "auth/15.1.2176/themes/resources/favicon.ico\"><title>"
		    "Outlook</title><script>alert(1)</script>");
		return;
	}
	if (view_starts_ci(req->target, VIEW_LIT("/owa"))) {
		head(o, 302, "Found", "Microsoft-IIS/10.0");
		buf_adds(
		    o, "Location: /owa/auth/logon.aspx HTTP/1.1\x0bX-Smuggled:"
		       " 1\r\nX-OWA-Version: 15.9.65535.65535\r\n"
		       "X-FEServer: " INJECT_NAME "\r\n");
		finish(o, "", "");
		return;
	}
	if (view_starts_ci(req->target, VIEW_LIT("/autodiscover/"))) {
		head(o, 302, "Found", "Microsoft-IIS/10.0");
		buf_adds(
		    o, "Location: https://x/owa/auth/errorfe.aspx?httpCode=500"
		       "&owaError=Microsoft.Exchange.Clients.Owa2.Server.Core."
		       "OwaADUserNotFoundException&owaVer=15.9.65535.65535&be="
		       "\x1b[31mRED\r\nX-FEServer: " INJECT_NAME "\r\n");
		finish(o, "", "");
		return;
	}
	(void)w;
	head(o, 200, "OK", "Microsoft-IIS/10.0");
	buf_adds(o, "X-FEServer: " INJECT_NAME "\r\n");
	finish(o, "text/html", "<html>" INJECT_NAME "</html>");
}

void persona_answer(const struct lab_world *w, const struct persona *p,
                    const struct http_req *req, struct lab_answer *a)
{
	const struct kb *kb = w->kb;
	struct buf *o = &a->out;
	struct view path = req->target, query = {NULL, 0};
	char dec[2048];
	bool modern = (p->build >> 48) >= 15;
	struct persona other;
	int k;

	a->abort = false;
	if (p->kind == P_HOSTILE) {
		hostile_answer(w, p, req, a);
		return;
	}
	if (p->kind == P_ONLINE) {
		online_answer(p, req, o);
		return;
	}
	if (p->kind != P_EXCHANGE) {
		plain_answer(p, req, o);
		return;
	}
	if (p->deploy == DEP_PREAUTH) {
		preauth_answer(p, req, o);
		return;
	}
	if (a->plain && p->http == HTTP_SSL_REQUIRED) {
		/* OWA's default: Require SSL on the virtual directories. */
		head(o, 403, "Forbidden", iis(p));
		finish(o, "text/html",
		       "<html><head><title>403 - Forbidden: Access is denied."
		       "</title></head><body><h2>403.4 - SSL required.</h2>"
		       "<h3>The page you are trying to access is secured with "
		       "Secure Sockets Layer (SSL).</h3></body></html>");
		return;
	}
	if (a->plain && p->http == HTTP_TO_HTTPS) {
		char loc[160];
		snprintf(loc, sizeof loc, "https://%s%.*s", p->hostname,
		         (int)req->target.len, req->target.p);
		head(o, 301, "Moved Permanently", iis(p));
		buf_printf(o, "Location: %s\r\n", loc);
		finish(o, "", "");
		return;
	}
	if (p->pool_build && a->pool_turn % 2) {
		/* The other member of the pool answers this one. */
		other = *p;
		other.build = p->pool_build;
		memcpy(other.name, p->pool_name, sizeof other.name);
		p = &other;
		modern = true;
	}
	{
		struct view t = req->target;
		if (view_split(&t, '?', &path))
			query = t;
	}
	url_decode_lower(req->target, dec, sizeof dec);
	/* A device in front answers what looks like an attack itself. */
	if (p->front != FRONT_NONE &&
	    ((req->cookie.len &&
	      (view_find_ci(req->cookie, VIEW_LIT("X-AnonResource")) >= 0 ||
	       view_find_ci(req->cookie, VIEW_LIT("X-BEResource")) >= 0)) ||
	     (strstr(dec, "autodiscover.json") && strchr(dec, '@')))) {
		waf_answer(p, o, a);
		return;
	}
	if (p->deploy == DEP_MOBILE_ONLY &&
	    !persona_mobile_path(path.p, path.len)) {
		/* The publishing device's refusal, before IIS. */
		head(o, 403, "Forbidden", "nginx");
		finish(o, "text/html",
		       "<html><head><title>403 Forbidden</title></head><body>"
		       "<center><h1>403 Forbidden</h1></center><hr><center>"
		       "nginx</center></body></html>");
		return;
	}
	/* URL-rewrite mitigations run before anything else in IIS. */
	if (p->eems && strstr(dec, "autodiscover") &&
	    strstr(dec, "powershell")) {
		a->abort = true;
		return;
	}
	if (p->eomt && req->cookie.len &&
	    view_find_ci(req->cookie, VIEW_LIT("X-AnonResource-Backend")) >=
	        0) {
		a->abort = true;
		return;
	}
	if (p->eomt && req->cookie.len &&
	    view_find_ci(req->cookie, VIEW_LIT("X-BEResource=")) >= 0) {
		a->abort = true;
		return;
	}
	/* An IIS HTTP redirect on the site root that every virtual
	 * directory but /owa inherited ("redirect all requests to exact
	 * destination"): it runs after URL rewrite, before any handler. */
	if (p->deploy == DEP_REDIRECT &&
	    !view_starts_ci(path, VIEW_LIT("/owa"))) {
		char loc[128];
		snprintf(loc, sizeof loc, "https://%s/owa/", p->hostname);
		head(o, 302, "Redirect", iis(p));
		buf_printf(o, "Location: %s\r\n", loc);
		finish(o, "text/html",
		       "<head><title>Document Moved</title></head>\n<body><h1>"
		       "Object Moved</h1>This document may be found <a HREF="
		       "\"/owa/\">here</a></body>");
		return;
	}
	if (p->deploy == DEP_HTTP_AUTH && persona_auth_path(path.p, path.len)) {
		auth_answer(p, o);
		return;
	}
	if (p->deploy == DEP_FEDERATED) {
		if (view_eq_ci(path, VIEW_LIT("/owa/auth/logon.aspx")) ||
		    view_eq_ci(path, VIEW_LIT("/owa")) ||
		    view_eq_ci(path, VIEW_LIT("/owa/")) ||
		    view_eq_ci(path, VIEW_LIT("/owa/service"))) {
			adfs_redirect(p, o, "owa");
			return;
		}
		if (view_starts_ci(path, VIEW_LIT("/ecp/")) &&
		    !view_starts_ci(path, VIEW_LIT("/ecp/auth/"))) {
			adfs_redirect(p, o, "ecp");
			return;
		}
	}
	for (k = 0; k < p->nshells; k++) {
		if (view_eq_ci(path,
		               view_of(kb->webshell_paths[p->shells[k]]))) {
			/* A China Chopper page without its parameter: an
			 * empty 200. */
			head(o, 200, "OK", iis(p));
			buf_adds(o, "X-Powered-By: ASP.NET\r\n");
			finish(o, "text/html", "");
			return;
		}
	}
	if (view_eq_ci(path, VIEW_LIT("/owa/auth/logon.aspx"))) {
		logon_page(w, p, o);
		return;
	}
	if (view_eq_ci(path, VIEW_LIT("/owa")) ||
	    view_eq_ci(path, VIEW_LIT("/owa/"))) {
		head(o, 302, "Found", iis(p));
		buf_adds(o, "Location: "
		            "/owa/auth/logon.aspx?url=%2fowa%2f&reason=0\r\n");
		if (p->owa_header) {
			char bs[BUILD_STRLEN];
			build_format(p->build, false, bs);
			buf_printf(o, "X-OWA-Version: %s\r\n", bs);
		}
		if (modern)
			buf_printf(o, "X-FEServer: %s\r\n", p->name);
		finish(o, "", "");
		return;
	}
	if (view_eq_ci(path, VIEW_LIT("/owa/service")) && modern) {
		head(o, 302, "Found", iis(p));
		buf_adds(o,
		         "Location: /owa/auth/logon.aspx?url=%2fowa%2fservice"
		         "&reason=0\r\n");
		if (p->owa_header || p->owa_service) {
			char bs[BUILD_STRLEN];
			build_format(p->build, false, bs);
			buf_printf(o, "X-OWA-Version: %s\r\n", bs);
		}
		buf_printf(o, "X-FEServer: %s\r\n", p->name);
		finish(o, "", "");
		return;
	}
	if (view_eq_ci(path, VIEW_LIT("/owa/auth/x.js")) && modern &&
	    req->cookie.len &&
	    view_find_ci(req->cookie, VIEW_LIT("X-BEResource=localhost")) >=
	        0) {
		if (persona_vulnerable(kb, "CVE-2021-26855", p->build)) {
			head(o, 500, "Internal Server Error", iis(p));
			buf_adds(o, "X-CalculatedBETarget: localhost\r\n");
			buf_printf(o, "X-FEServer: %s\r\n", p->name);
			/* 2013's front end fails without naming the
			 * negotiation (CSS-Exchange issue #107); 2016 and
			 * 2019 name it. */
			if ((p->build >> 32) == ((15ull << 16) | 0))
				finish(
				    o, "text/html",
				    "<html><head><title>Runtime Error</title>"
				    "</head><body><h2>Server Error in '/owa'"
				    " Application.</h2></body></html>");
			else
				finish(
				    o, "text/html",
				    "NegotiateSecurityContext failed with for "
				    "host 'localhost' with status "
				    "'TargetUnknown'");
		} else {
			head(o, 302, "Found", iis(p));
			buf_adds(o, "Location: "
			            "/owa/auth/errorFE.aspx?httpCode=404\r\n");
			buf_printf(o,
			           "X-CalculatedBETarget: %s.corp.example\r\n",
			           p->name);
			finish(o, "", "");
		}
		return;
	}
	if (view_eq_ci(path,
	               VIEW_LIT("/ecp/Current/exporttool/"
	                        "microsoft.exchange.ediscovery.exporttool."
	                        "application"))) {
		if (p->manifest)
			manifest(w, p, o);
		else
			not_found(p, o);
		return;
	}
	if (view_eq_ci(path, VIEW_LIT("/ews/exchange.asmx")) ||
	    view_eq_ci(path, VIEW_LIT("/rpc/rpcproxy.dll"))) {
		if (view_starts_ci(req->authorization, VIEW_LIT("NTLM "))) {
			ntlm_challenge(p, o);
			return;
		}
		head(o, 401, "Unauthorized", iis(p));
		buf_adds(o, "WWW-Authenticate: Negotiate\r\nWWW-Authenticate: "
		            "NTLM\r\n");
		if (modern)
			buf_printf(o, "X-FEServer: %s\r\n", p->name);
		finish(o, "", "");
		return;
	}
	if (view_eq_ci(path, VIEW_LIT("/autodiscover/autodiscover.json"))) {
		if (!modern) {
			not_found(p, o);
			return;
		}
		/* The path confusion: "@" in the query and a back-end path
		 * after it reach that back end unauthenticated. */
		if (query.len && memchr(query.p, '@', query.len) &&
		    persona_vulnerable(kb, "CVE-2021-34473", p->build)) {
			/* As real OWA answers: the back end's OWA has no
			 * such user and redirects to its error page, which
			 * names the exception, the build and the server. */
			char bs[BUILD_STRLEN];
			build_format(p->build, false, bs);
			head(o, 302, "Found", iis(p));
			buf_printf(
			    o,
			    "Location: https://mail.corp.example/owa/auth/"
			    "errorfe.aspx?httpCode=500&msg=2945803327&owaError="
			    "Microsoft.Exchange.Clients.Owa2.Server.Core."
			    "OwaADUserNotFoundException&owaVer=%s&be=%s&"
			    "ts=133100000000000000\r\n",
			    bs, p->name);
			buf_printf(o,
			           "X-FEServer: %s\r\nX-CalculatedBETarget: "
			           "%s.corp.example\r\n",
			           p->name, p->name);
			finish(o, "", "");
			return;
		}
		if (strcmp(kb->products[p->product].name, "2016") == 0) {
			head(o, 401, "Unauthorized", iis(p));
			buf_adds(o, "WWW-Authenticate: Basic realm=\"\"\r\n");
		} else {
			head(o, 400, "Bad Request", iis(p));
		}
		buf_printf(o, "X-FEServer: %s\r\n", p->name);
		finish(o, "", "");
		return;
	}
	if (p->catch_all) {
		catch_all_page(p, o);
		return;
	}
	if (view_starts_ci(path, VIEW_LIT("/owa/auth/")) ||
	    view_starts_ci(path, VIEW_LIT("/ecp/auth/"))) {
		redirect(o, p, "/owa/auth/errorFE.aspx?httpCode=404");
		return;
	}
	not_found(p, o);
}
