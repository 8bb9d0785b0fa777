/* The probe plan, fed scripted responses: which requests it asks for and
 * what it concludes. No network. */
#include "scan/probe.h"
#include "check.h"
#include <stdbool.h>
#include <stdlib.h>

static struct kb *kb;

/* A scripted server: answers by path prefix; NULL raw = abort. */
struct script {
	const char *path, *raw;
};

/* Requests out at once: 1 is one connection; more is a target's own
 * connection and its lanes, each answered in another order than asked,
 * and now and then one given up (its request handed back). */
static int lanes = 1;
/* A device that answers every request with its own 200 page from the
 * Nth request on (a rate limit's block page); 0: never. */
static int flip_after;
/* The engine found the server slow: the steps between telling Exchange
 * and the web-shell paths are handed out at once. */
static bool slow;

static const char *answer(const struct script *s, size_t n,
                          const struct probe_req *req)
{
	size_t i;

	for (i = 0; i < n; i++) {
		/* "PATH#ssrf" answers only the SSRF probe (the one with
		 * X-BEResource); plain x.js paths the others. */
		const char *hash = strchr(s[i].path, '#');
		size_t plen =
		    hash ? (size_t)(hash - s[i].path) : strlen(s[i].path);
		bool ssrf_req = strstr(req->headers, "X-BEResource") != NULL;
		if (strncmp(req->path, s[i].path, plen) != 0)
			continue;
		if (strstr(s[i].path, "x.js") && ssrf_req != (hash != NULL))
			continue;
		return s[i].raw;
	}
	return "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
}

static int run(const struct script *s, size_t n, unsigned checks,
               struct observation *o, char *asked, size_t cap)
{
	struct probe p;
	struct probe_req out[LIM_TARGET_CONNS];
	int requests = 0, nout = 0, round = 0;

	memset(o, 0, sizeof *o);
	asked[0] = '\0';
	probe_init(&p, kb, checks, o);
	p.slow = slow;
	for (;;) {
		const char *raw;
		struct probe_req req;
		while (nout < lanes && requests + nout < 200 &&
		       probe_next(&p, &out[nout]))
			nout++;
		if (nout == 0)
			break;
		round++;
		if (nout > 1 && round % 5 == 0) {
			/* A lane that could not connect: its path goes
			 * back and is asked on another connection. */
			probe_return(&p, &out[0]);
			out[0] = out[--nout];
			continue;
		}
		/* The last asked is answered first. */
		req = out[--nout];
		requests++;
		if (strlen(asked) + strlen(req.path) + 2 < cap &&
		    requests < 12) {
			strncat(asked, req.path, cap - strlen(asked) - 1);
			strncat(asked, " ", cap - strlen(asked) - 1);
		}
		raw = flip_after && requests > flip_after
		          ? "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n"
		            "Rate limited"
		          : answer(s, n, &req);
		if (!raw) {
			probe_feed(&p, &req, NULL);
		} else {
			struct http_resp r;
			size_t used;
			http_resp_init(&r, false);
			/* A response without length ends at close, as here. */
			if (http_resp_feed(&r, raw, strlen(raw), &used) != 0 &&
			    http_resp_eof(&r) != 0)
				abort();
			probe_feed(&p, &req, &r);
			http_resp_release(&r);
		}
	}
	/* Nothing is left out or handed back once the plan says no more. */
	CHECK(probe_done(&p) && p.shell_out == 0 && p.nrequeue == 0 &&
	      p.fan_out == 0 && p.fan_todo == 0);
	return requests;
}

#define PAGE(build)                                                            \
	"HTTP/1.1 200 OK\r\nX-FEServer: FE1\r\n\r\n"                           \
	"<!-- OwaPage = ASP.auth_logon_aspx --><link href=\"/owa/auth/" build  \
	"/themes/a.ico\">    "

/* Every case holds whether the web-shell paths are asked one at a time
 * or on several connections at once. */
static void cases(void)
{
	struct observation o;
	char asked[2048], bs[BUILD_STRLEN];
	int n;

	/* CU from the page; the manifest's version is kept but proves only
	 * the CU (whether updates change it is not known). */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/owa/",
		     "HTTP/1.1 302 Found\r\nLocation: "
		     "/owa/auth/logon.aspx\r\nContent-Length: 0\r\n\r\n"},
		    {"/ecp/Current/exporttool/",
		     "HTTP/1.1 200 OK\r\n\r\n"
		     "<assemblyIdentity name=\"m.application\" "
		     "version=\"15.1.2176.9\" "
		     "publicKeyToken=\"b1d1a6c45aa418ce\" />"},
		};
		n = run(s, 3, 0, &o, asked, sizeof asked);
		CHECK(o.exchange && o.precision == PREC_CU &&
		      o.build == BUILD(15, 1, 2176, 0));
		CHECK(o.manifest == BUILD(15, 1, 2176, 9));
		CHECK_STR(o.build_source, "owa-path");
		CHECK(strstr(asked, "/ecp/Current/exporttool/") != NULL);
		/* logon, owa, owa/service (no X-OWA-Version on /owa/),
		 * manifest, ntlm */
		CHECK(n == 5);
		CHECK(strstr(asked, "/owa/service") != NULL);
		CHECK_STR(o.fe_server, "FE1");
	}
	/* Missing X-OWA-Version and no manifest: CU precision. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.0.1497")}};
		run(s, 1, 0, &o, asked, sizeof asked);
		build_format(o.build, true, bs);
		CHECK(o.exchange && o.precision == PREC_CU);
		CHECK_STR(bs, "15.0.1497");
		CHECK_STR(o.build_source, "owa-path");
	}
	/* X-OWA-Version on /owa/: exact build, no manifest request. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.2.858")},
		    {"/owa/",
		     "HTTP/1.1 302 Found\r\nx-owa-version: "
		     "15.2.858.12\r\nLocation: "
		     "/owa/auth/logon.aspx\r\nContent-Length: 0\r\n\r\n"},
		};
		run(s, 2, 0, &o, asked, sizeof asked);
		CHECK(o.precision == PREC_SU &&
		      o.build == BUILD(15, 2, 858, 12));
		CHECK(!strstr(asked, "exporttool"));
	}
	/* Redirects are followed (federated or moved logon pages). */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx",
		     "HTTP/1.1 302 Found\r\nLocation: "
		     "https://mail.example.org/owa/auth/"
		     "moved.aspx?x=1\r\nContent-Length: 0\r\n\r\n"},
		    {"/owa/auth/moved.aspx", PAGE("15.1.2375")},
		};
		run(s, 2, 0, &o, asked, sizeof asked);
		CHECK(o.exchange && o.precision == PREC_CU &&
		      BUILD_CU(o.build) == BUILD(15, 1, 2375, 0));
		CHECK(o.first_status == 302);
	}
	/* Exchange 2010: the four-part build in the page. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx",
		     "HTTP/1.1 200 OK\r\n\r\n<title>Outlook Web "
		     "App</title><link href=\"/owa/14.3.509.0/\">"}};
		run(s, 1, 0, &o, asked, sizeof asked);
		CHECK(o.exchange && o.precision == PREC_SU &&
		      o.build == BUILD(14, 3, 509, 0));
		CHECK(!strstr(asked, "exporttool"));
	}
	/* Not Exchange: a catch-all page is asked three times (logon page,
	 * /owa/, EWS), then nothing. */
	{
		const struct script s[] = {
		    {"/",
		     "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nIt works!"}};
		n = run(s, 1, CHECK_ALL, &o, asked, sizeof asked);
		CHECK(!o.exchange && n == 3 && o.checks_run == 0);
	}
	/* Checks, positive: SSRF echo, ProxyShell 302, web shell 200. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/owa/auth/x.js#ssrf",
		     "HTTP/1.1 500 Error\r\nX-CalculatedBETarget: "
		     "localhost\r\nContent-Length: 0\r\n\r\n"},
		    {"/autodiscover/autodiscover.json?@test.com",
		     "HTTP/1.1 302 Found\r\nLocation: https://m.example/owa/"
		     "auth/errorfe.aspx?httpCode=500&owaError=Microsoft."
		     "Exchange.Clients.Owa2.Server.Core."
		     "OwaADUserNotFoundException&owaVer=15.1.2176.2&be=EX1\r\n"
		     "X-FEServer: FE1\r\nContent-Length: 0\r\n\r\n"},
		    {"/aspnet_client/supp0rt.aspx",
		     "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"},
		    {"/owa/auth/",
		     "HTTP/1.1 302 Found\r\nLocation: "
		     "/owa/auth/errorFE.aspx?httpCode=404\r\nContent-Length: "
		     "0\r\n\r\n"},
		};
		run(s, 5, CHECK_ALL, &o, asked, sizeof asked);
		CHECK(o.ssrf == CHK_VULNERABLE &&
		      o.proxyshell == CHK_VULNERABLE);
		/* The error page's owaVer is the exact build. */
		CHECK(o.precision == PREC_SU &&
		      o.build == BUILD(15, 1, 2176, 2));
		CHECK_STR(o.build_source, "proxyshell-owaver");
		CHECK_STR(observation_shells(&o), "found");
		CHECK(o.nshells == 1 && !strcmp(kb->webshell_paths[o.shells[0]],
		                                "/aspnet_client/supp0rt.aspx"));
		CHECK(!o.eomt && !o.eems);
		CHECK_STR(observation_mitigation(&o), "none");
	}
	/* Three sources of the build at once: /owa/service's exact build
	 * wins, the manifest is not read (the plan asks it only without an
	 * exact build), the ProxyShell page's owaVer adds nothing; the same
	 * whichever answer comes first (a fan-out answers in any order). */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/owa/service", "HTTP/1.1 440 Login Timeout\r\n"
		                     "X-OWA-Version: 15.1.2176.14\r\n"
		                     "Content-Length: 0\r\n\r\n"},
		    {"/ecp/Current/exporttool/",
		     "HTTP/1.1 200 OK\r\n\r\n"
		     "<assemblyIdentity name=\"m.application\" "
		     "version=\"15.1.2044.4\" "
		     "publicKeyToken=\"b1d1a6c45aa418ce\" />"},
		    {"/autodiscover/autodiscover.json?@test.com",
		     "HTTP/1.1 302 Found\r\nLocation: https://m.example/owa/"
		     "auth/errorfe.aspx?httpCode=500&owaError=Microsoft."
		     "Exchange.Clients.Owa2.Server.Core."
		     "OwaADUserNotFoundException&owaVer=15.1.2176.2&be=EX1\r\n"
		     "X-FEServer: FE1\r\nContent-Length: 0\r\n\r\n"},
		};
		run(s, 4, CHECK_PROXYSHELL, &o, asked, sizeof asked);
		CHECK(o.precision == PREC_SU &&
		      o.build == BUILD(15, 1, 2176, 14));
		CHECK_STR(o.build_source, "x-owa-version");
		CHECK(o.manifest == 0 && o.proxyshell == CHK_VULNERABLE);
		CHECK(o.product >= 0);
	}
	/* Checks, negative: patched answers; errorFE redirects are absent. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/owa/auth/x.js#ssrf",
		     "HTTP/1.1 302 Found\r\nX-CalculatedBETarget: "
		     "exch1.corp.example\r\nLocation: "
		     "/owa/auth/errorFE.aspx\r\nContent-Length: 0\r\n\r\n"},
		    {"/autodiscover/autodiscover.json?@test.com",
		     "HTTP/1.1 401 Unauthorized\r\nServer: "
		     "Microsoft-IIS/10.0\r\n"
		     "Content-Length: 0\r\n\r\n"},
		    {"/owa/auth/",
		     "HTTP/1.1 302 Found\r\nLocation: "
		     "/owa/auth/errorFE.aspx?httpCode=404\r\nContent-Length: "
		     "0\r\n\r\n"},
		};
		run(s, 4, CHECK_ALL, &o, asked, sizeof asked);
		CHECK(o.ssrf == CHK_NOT_VULNERABLE &&
		      o.proxyshell == CHK_NOT_VULNERABLE);
		CHECK(o.nshells == 0);
		CHECK_STR(observation_shells(&o), "none-found");
	}
	/* A bare redirect is not the vulnerable shape: from Exchange it is
	 * inconclusive; from a device in front, blocked. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/autodiscover/autodiscover.json?@test.com",
		     "HTTP/1.1 302 Found\r\nLocation: /owa/\r\nX-FEServer: "
		     "EX1\r\nContent-Length: 0\r\n\r\n"}};
		run(s, 2, CHECK_PROXYSHELL, &o, asked, sizeof asked);
		CHECK(o.proxyshell == CHK_INCONCLUSIVE);
	}
	/* A WAF's block page (403 or 200 with a support ID) or its own
	 * redirect: blocked, never "not vulnerable". */
	{
		static const char *const waf[] = {
		    "HTTP/1.1 403 Forbidden\r\n\r\n"
		    "<html>Request Rejected. Your support ID is: 123</html>",
		    "HTTP/1.1 200 OK\r\n\r\n"
		    "<html>Request Rejected. Your support ID is: 123</html>",
		    "HTTP/1.1 302 Found\r\nServer: BigIP\r\nLocation: "
		    "https://portal.example/blocked.html\r\nContent-Length: "
		    "0\r\n\r\n"};
		for (int k = 0; k < 3; k++) {
			const struct script s[] = {
			    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
			    {"/owa/auth/x.js#ssrf", waf[k]},
			    {"/autodiscover/autodiscover.json?@test.com",
			     waf[k]}};
			run(s, 3, CHECK_SSRF | CHECK_PROXYSHELL, &o, asked,
			    sizeof asked);
			CHECK(o.ssrf == CHK_BLOCKED &&
			      o.proxyshell == CHK_BLOCKED);
		}
	}
	/* A catch-all: the random control path answers 200, so no shell
	 * can be told from it: "cannot-tell", nothing listed. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/aspnet_client/",
		     "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nhome"}};
		int k, elsewhere = 0;
		n = run(s, 2, CHECK_WEBSHELLS, &o, asked, sizeof asked);
		CHECK(o.nshells == 0);
		CHECK_STR(observation_shells(&o), "cannot-tell");
		/* The two /aspnet_client folders are not asked; the others
		 * (404 there) are: 5 fingerprint requests, one control per
		 * folder. */
		for (k = 0; k < kb->nwebshell_paths; k++)
			elsewhere += strncmp(kb->webshell_paths[k],
			                     "/aspnet_client/", 15) != 0;
		CHECK(n == 5 + kb->nwebshell_folders + elsewhere);
	}
	/* Shells found in a folder that answers missing names as missing,
	 * beside a catch-all folder: found. A folder redirected away by a
	 * site-wide rule: its paths are not seen (incomplete, not
	 * none-found). */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/owa/auth/shell.aspx", "HTTP/1.1 200 OK\r\n\r\n"},
		    {"/owa/auth/", "HTTP/1.1 302 Found\r\nLocation: /owa/auth/"
		                   "errorFE.aspx?httpCode=404\r\n\r\n"},
		    {"/aspnet_client/",
		     "HTTP/1.1 302 Found\r\nLocation: https://mail.example/"
		     "owa/\r\nContent-Length: 0\r\n\r\n"}};
		run(s, 4, CHECK_WEBSHELLS, &o, asked, sizeof asked);
		CHECK(o.nshells == 1);
		CHECK_STR(observation_shells(&o), "found");
		CHECK(o.shells_checked < o.shells_total);
		{
			const struct script s2[] = {s[0], s[2], s[3]};
			run(s2, 3, CHECK_WEBSHELLS, &o, asked, sizeof asked);
			CHECK_STR(observation_shells(&o), "incomplete");
		}
	}
	/* Two shells: listed in the path list's order however their
	 * answers arrived. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/owa/auth/shell.aspx", "HTTP/1.1 200 OK\r\n\r\n"},
		    {"/aspnet_client/supp0rt.aspx",
		     "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"},
		    {"/owa/auth/", "HTTP/1.1 302 Found\r\nLocation: /owa/auth/"
		                   "errorFE.aspx?httpCode=404\r\n\r\n"}};
		run(s, 4, CHECK_WEBSHELLS, &o, asked, sizeof asked);
		CHECK(o.nshells == 2 && o.shells[0] < o.shells[1]);
		CHECK_STR(observation_shells(&o), "found");
	}
	/* A device that turns to answering everything with 200 while the
	 * paths are asked: the random path asked again shows it, and what
	 * was "found" in those folders cannot be told. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/owa/auth/", "HTTP/1.1 302 Found\r\nLocation: /owa/auth/"
		                   "errorFE.aspx?httpCode=404\r\n\r\n"}};
		flip_after = 40;
		run(s, 2, CHECK_WEBSHELLS, &o, asked, sizeof asked);
		flip_after = 0;
		CHECK(o.nshells == 0);
		CHECK_STR(observation_shells(&o), "cannot-tell");
	}
	/* A pool: two front ends answer, one of them shows its exact
	 * build; it does not speak for the other: CU precision. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/owa/", "HTTP/1.1 302 Found\r\nX-FEServer: FE2\r\n"
		              "X-OWA-Version: 15.1.2176.14\r\nLocation: "
		              "/owa/auth/logon.aspx\r\n\r\n"}};
		run(s, 2, 0, &o, asked, sizeof asked);
		CHECK(o.exchange && o.pool);
		CHECK_STR(o.pool_other, "FE2");
		CHECK(o.precision == PREC_CU &&
		      o.build == BUILD(15, 1, 2176, 0));
		CHECK_STR(o.build_source, "pool");
	}
	/* AD FS: OWA sends browsers to another host (not followed); the
	 * front end's header still says Exchange; no build; the SSRF probe
	 * decides ProxyLogon. */
	{
		const struct script s[] = {
		    {"/owa/auth/x.js#ssrf",
		     "HTTP/1.1 500 Error\r\nX-CalculatedBETarget: localhost\r\n"
		     "Content-Length: 0\r\n\r\n"},
		    {"/owa", "HTTP/1.1 302 Found\r\nX-FEServer: FE1\r\n"
		             "Location: https://adfs.corp.example/adfs/ls/?wa="
		             "wsignin1.0\r\nContent-Length: 0\r\n\r\n"}};
		struct judge_out v;
		int c = kb_cve_find(kb, "CVE-2021-26855"), i, got = -1;
		n = run(s, 2, CHECK_SSRF, &o, asked, sizeof asked);
		CHECK(strstr(asked, "/adfs/") == NULL);
		CHECK(o.exchange && o.precision == PREC_NONE);
		CHECK(o.ssrf == CHK_VULNERABLE);
		observation_judge(kb, &o, &v);
		for (i = 0; i < v.n; i++)
			if (v.v[i].cve == c)
				got = (int)v.v[i].verdict;
		CHECK(got == V_VULNERABLE);
	}
	/* Exchange Online: a 15.20 build and cloud front ends: not an
	 * on-premises server, no build, no checks. */
	{
		const struct script s[] = {
		    {"/owa/",
		     "HTTP/1.1 302 Found\r\nX-FEServer: MN2PR01CA0001\r\n"
		     "X-OWA-Version: 15.20.7452.28\r\nLocation: "
		     "https://login.microsoftonline.com/common/oauth2/"
		     "authorize\r\nContent-Length: 0\r\n\r\n"},
		    {"/owa/auth/logon.aspx",
		     "HTTP/1.1 302 Found\r\nX-CalculatedFETarget: MN2PR01CU001."
		     "internal.outlook.com\r\nLocation: /owa/\r\n"
		     "Content-Length: 0\r\n\r\n"}};
		n = run(s, 2, CHECK_ALL, &o, asked, sizeof asked);
		CHECK(o.online && !o.exchange && o.precision == PREC_NONE);
		CHECK(o.checks_run == 0);
	}
	/* Shell paths cut short (resets): incomplete, never none-found. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/aspnet_client/exh", "HTTP/1.1 404 Not Found\r\n"
		                           "Content-Length: 0\r\n\r\n"},
		    {"/aspnet_client/", NULL}};
		run(s, 3, CHECK_WEBSHELLS, &o, asked, sizeof asked);
		CHECK_STR(observation_shells(&o), "incomplete");
	}
	/* A folder refused to us (403) was not looked into. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/aspnet_client/", "HTTP/1.1 403 Forbidden\r\n"
		                        "Content-Length: 0\r\n\r\n"}};
		run(s, 2, CHECK_WEBSHELLS, &o, asked, sizeof asked);
		CHECK_STR(observation_shells(&o), "incomplete");
		CHECK(o.nshells == 0 && o.shells_checked < o.shells_total);
	}
	/* A Location with a space or line break is never followed; a
	 * crafted version is no build. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx",
		     "HTTP/1.1 302 Found\r\nLocation: /owa/auth/x.aspx "
		     "HTTP/1.1\r\nX-OWA-Version: 15.9.65535.65535\r\n"
		     "Content-Length: 0\r\n\r\n"}};
		run(s, 1, 0, &o, asked, sizeof asked);
		CHECK(strstr(asked, "x.aspx") == NULL);
		CHECK(o.precision == PREC_NONE && !o.exchange);
	}
	/* Mitigated: the rewrite rules abort the probe URLs only. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/owa/auth/x.js#ssrf", NULL},
		    {"/owa/auth/x.js", NULL},
		    {"/autodiscover/autodiscover.json?a@foo.var", NULL},
		    {"/autodiscover/autodiscover.json?@test.com",
		     "HTTP/1.1 400 Bad Request\r\nServer: "
		     "Microsoft-IIS/10.0\r\n"
		     "Content-Length: 0\r\n\r\n"},
		};
		run(s, 5, CHECK_ALL, &o, asked, sizeof asked);
		CHECK(o.ssrf == CHK_MITIGATED &&
		      o.proxyshell == CHK_NOT_VULNERABLE);
		CHECK(o.eomt && o.eems);
		CHECK_STR(observation_mitigation(&o), "eomt+eems");
	}
	/* OWA with HTTP authentication (no logon page, no build): /owa
	 * alone asks for credentials, a path no site has is missing:
	 * Exchange, build unknown. The SSRF probe stopped by the same
	 * authentication proves nothing, and paths behind it were not
	 * seen. */
	{
#define AUTH401                                                                	"HTTP/1.1 401 Unauthorized\r\nServer: Microsoft-IIS/7.5\r\n"          	"WWW-Authenticate: Basic realm=\"mail.example.org\"\r\n"              	"Content-Length: 0\r\n\r\n"
		const struct script s[] = {{"/owa", AUTH401}, {"/ecp", AUTH401}};
		run(s, 2, CHECK_ALL, &o, asked, sizeof asked);
		CHECK(o.exchange && o.precision == PREC_NONE && o.product < 0);
		CHECK(o.ssrf == CHK_INCONCLUSIVE);
		CHECK_STR(observation_shells(&o), "incomplete");
		CHECK(o.shells_checked < o.shells_total && o.nshells == 0);
	}
	/* Oracle's PL/SQL gateway's /owa/ behind Basic authentication, from
	 * Apache: not Exchange, and no control asked. */
	{
		const struct script s[] = {
		    {"/owa", "HTTP/1.1 401 Unauthorized\r\nServer: Oracle-"
		             "Application-Server-11g\r\nWWW-Authenticate: Basic "
		             "realm=\"XDB\"\r\nContent-Length: 0\r\n\r\n"}};
		run(s, 1, CHECK_ALL, &o, asked, sizeof asked);
		CHECK(!o.exchange && !strstr(asked, "/exh"));
	}
	/* A second front end's name on a later answer (here the NTLM
	 * step's) is a pool: one member's exact build is not the pool's. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/owa/",
		     "HTTP/1.1 302 Found\r\nX-OWA-Version: 15.1.2176.9\r\n"
		     "Location: /owa/auth/logon.aspx\r\n"
		     "Content-Length: 0\r\n\r\n"},
		    {"/EWS/", "HTTP/1.1 401 Unauthorized\r\nX-FEServer: FE2\r\n"
		              "WWW-Authenticate: NTLM\r\nContent-Length: 0\r\n"
		              "\r\n"}};
		run(s, 3, 0, &o, asked, sizeof asked);
		CHECK(o.exchange && o.pool && o.precision == PREC_CU);
		CHECK_STR(o.pool_other, "FE2");
	}
	/* The same 401 for every path (a proxy asking first): not told. */
	{
		const struct script s[] = {{"/", AUTH401}};
		n = run(s, 1, CHECK_ALL, &o, asked, sizeof asked);
		CHECK(!o.exchange && o.checks_run == 0 && n == 4);
		CHECK(strstr(asked, "/exh") != NULL);
	}
	/* A site whose /owa/ is missing asks no control. */
	{
		const struct script s[] = {
		    {"/", "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
		          "\r\n"}};
		n = run(s, 1, CHECK_ALL, &o, asked, sizeof asked);
		CHECK(!o.exchange && n == 3 && !strstr(asked, "/exh"));
	}
	/* Only mail clients' paths published (a device refuses /owa): EWS's
	 * front-end name tells Exchange; the SSRF probe refused by the
	 * device is blocked, answered 404 by an IIS in front inconclusive,
	 * never not-vulnerable. */
	{
		const struct script s[] = {
		    {"/EWS/", "HTTP/1.1 401 Unauthorized\r\nX-FEServer: EX9\r\n"
		              "WWW-Authenticate: Negotiate\r\n"
		              "Content-Length: 0\r\n\r\n"},
		    {"/", "HTTP/1.1 403 Forbidden\r\nServer: nginx\r\n"
		          "Content-Length: 0\r\n\r\n"}};
		run(s, 2, CHECK_ALL, &o, asked, sizeof asked);
		CHECK(o.exchange && o.precision == PREC_NONE);
		CHECK_STR(o.fe_server, "EX9");
		CHECK(o.ssrf == CHK_BLOCKED);
		CHECK_STR(observation_shells(&o), "incomplete");
	}
	{
		const struct script s[] = {
		    {"/EWS/", "HTTP/1.1 401 Unauthorized\r\nX-FEServer: EX9\r\n"
		              "WWW-Authenticate: Negotiate\r\n"
		              "Content-Length: 0\r\n\r\n"},
		    {"/", "HTTP/1.1 404 Not Found\r\nServer: Microsoft-IIS/10.0"
		          "\r\nContent-Length: 0\r\n\r\n"}};
		run(s, 2, CHECK_SSRF, &o, asked, sizeof asked);
		CHECK(o.exchange && o.ssrf == CHK_INCONCLUSIVE);
	}
	/* ProxyShell on a server without autodiscover.json: inconclusive. */
	{
		const struct script s[] = {
		    {"/owa/auth/logon.aspx", PAGE("15.1.2176")},
		    {"/autodiscover/", "HTTP/1.1 404 Not Found\r\nServer: "
		                       "Microsoft-IIS/10.0\r\nContent-Length: "
		                       "0\r\n\r\n"}};
		run(s, 2, CHECK_PROXYSHELL, &o, asked, sizeof asked);
		CHECK(o.proxyshell == CHK_INCONCLUSIVE);
	}
}

/* On a slow server the steps after telling Exchange are handed out at
 * once (one per step and per web-shell folder's control path); on a
 * fast one, one at a time. */
static void fan_width(void)
{
	const char *raw[] = {
	    PAGE("15.1.2176"),
	    "HTTP/1.1 302 Found\r\nLocation: "
	    "/owa/auth/logon.aspx\r\nContent-Length: 0\r\n\r\n"};
	for (int sl = 0; sl < 2; sl++) {
		struct observation o;
		struct probe p;
		struct probe_req req;
		int i, out = 0;

		memset(&o, 0, sizeof o);
		probe_init(&p, kb, CHECK_ALL, &o);
		p.slow = sl;
		for (i = 0; i < 2; i++) {
			struct http_resp r;
			size_t used;
			CHECK(probe_next(&p, &req));
			http_resp_init(&r, false);
			if (http_resp_feed(&r, raw[i], strlen(raw[i]), &used) !=
			        0 &&
			    http_resp_eof(&r) != 0)
				abort();
			probe_feed(&p, &req, &r);
			http_resp_release(&r);
		}
		CHECK(o.exchange);
		/* owa/service, manifest, ntlm, ssrf, proxyshell, two
		 * mitigations, a control path per folder */
		CHECK(probe_spare(&p) == (sl ? 7 + kb->nwebshell_folders : 0));
		while (probe_next(&p, &req))
			out++;
		CHECK(out == (sl ? 7 + kb->nwebshell_folders : 1));
	}
}

int main(void)
{
	static const int widths[] = {1, 2, 6, LIM_TARGET_CONNS};
	size_t i;

	if (kb_load(getenv("EXHUNT_DATA"), &kb))
		return 1;
	for (i = 0; i < 2 * sizeof widths / sizeof widths[0]; i++) {
		lanes = widths[i % (sizeof widths / sizeof widths[0])];
		slow = i >= sizeof widths / sizeof widths[0];
		cases();
	}
	fan_width();
	kb_free(kb);
	return check_done();
}
