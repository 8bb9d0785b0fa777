#include "scan/probe.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

enum {
	S_LOGON,       /* GET /owa/auth/logon.aspx (following redirects) */
	S_OWA,         /* GET /owa/ for X-OWA-Version */
	S_AUTH_CONTROL, /* /owa/ asked for HTTP authentication and nothing
	                 * else told Exchange: a path no site has, to tell
	                 * OWA's own authentication from a whole site's */
	S_EWS,          /* still nothing: GET /EWS/Exchange.asmx, where a
	                 * 2013+ front end names itself even when only mail
	                 * clients' paths are published */
	S_OWA_SERVICE, /* GET /owa/service: X-OWA-Version where /owa/ has none
	                */
	S_MANIFEST,    /* the exporttool ClickOnce manifest */
	S_NTLM,        /* NTLM NEGOTIATE on /EWS/Exchange.asmx: server names */
	S_SSRF,        /* ssrf-26855 */
	S_PROXYSHELL,
	S_MIT_EOMT,      /* mitigation: the EOMT cookie rule */
	S_MIT_EEMS,      /* mitigation: the autodiscover+powershell rule */
	S_SHELL_CONTROL, /* webshells: a random path first (a catch-all?) */
	S_SHELLS,        /* webshells: one GET per known path */
	S_SHELL_RECHECK, /* webshells: the random path again where one was
	                  * found (a device that began answering everything
	                  * mid-check, a rate limit's block page) */
	S_DONE,
	/* A slow server: the steps from S_OWA_SERVICE to S_SHELL_CONTROL
	 * asked at once (they do not depend on each other), so that the
	 * engine's lanes can ask them side by side. */
	S_FAN,
};

/* Fan-out bits: 1 << step for the steps, 1 << (FAN_FOLDER + f) for the
 * control path of web-shell folder f. */
#define FAN_FOLDER 16
_Static_assert(S_SHELL_CONTROL < FAN_FOLDER &&
                   FAN_FOLDER + KB_MAX_FOLDERS <= 64,
               "fan-out bits");

/* An NTLM NEGOTIATE_MESSAGE asking for the target info (no credentials). */
#define NTLM_NEGOTIATE                                                         \
	"TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGNFAAAADw=="
#define SSRF_COOKIE                                                            \
	"Cookie: X-AnonResource=true; "                                        \
	"X-AnonResource-Backend=localhost/ecp/default.flt?~3; "                \
	"X-BEResource=localhost/owa/auth/logon.aspx?~3;\r\n"
#define PROXYSHELL_PATH                                                        \
	"/autodiscover/autodiscover.json?@test.com/owa/?&Email=autodiscover/"  \
	"autodiscover.json%3F@test.com"
#define EEMS_PATH                                                              \
	"/autodiscover/autodiscover.json?a@foo.var/owa/?&Email=autodiscover/"  \
	"autodiscover.json?a@foo.var&Protocol=XYZ&FooProtocol=Powershell"

void probe_init(struct probe *p, const struct kb *kb, unsigned checks,
                struct observation *obs)
{
	memset(p, 0, sizeof *p);
	p->kb = kb;
	p->checks = checks;
	p->obs = obs;
	p->step = S_LOGON;
	obs->product = -1;
}

static bool modern(const struct probe *p)
{
	return p->obs->precision == PREC_NONE || (p->obs->build >> 48) >= 15;
}

static bool shell_skipped(const struct probe *p, int k)
{
	return (p->obs->shells_catch_all_folders >> p->kb->webshell_folder[k]) &
	       1u;
}

/* The first path at or after k that is asked. */
static int next_shell(const struct probe *p, int k)
{
	while (k < p->kb->nwebshell_paths && shell_skipped(p, k))
		k++;
	return k;
}

/* The first folder at or after f holding a path found, or nfolders. */
static int next_found_folder(const struct probe *p, int f)
{
	for (; f < p->kb->nwebshell_folders; f++)
		for (int i = 0; i < p->obs->nshells; i++)
			if (p->kb->webshell_folder[p->obs->shells[i]] == f)
				return f;
	return f;
}

/* Whether a step of the plan before the web-shell paths is asked, from
 * what is known now. */
static bool applies(const struct probe *p, int step)
{
	const struct observation *o = p->obs;

	switch (step) {
	case S_OWA: return true;
	case S_AUTH_CONTROL: return !o->exchange && !o->online && p->owa_auth;
	case S_EWS: return !o->exchange && !o->online;
	case S_OWA_SERVICE:
	case S_MANIFEST:
		return o->exchange && modern(p) && o->precision != PREC_SU;
	case S_NTLM: return o->exchange;
	case S_SSRF: return o->exchange && (p->checks & CHECK_SSRF);
	case S_PROXYSHELL: return o->exchange && (p->checks & CHECK_PROXYSHELL);
	case S_MIT_EOMT:
	case S_MIT_EEMS: return o->exchange && (p->checks & CHECK_MITIGATION);
	case S_SHELL_CONTROL:
		return o->exchange && (p->checks & CHECK_WEBSHELLS) &&
		       p->kb->nwebshell_paths;
	}
	return false;
}

/* Moves to the next step that applies. */
static void advance(struct probe *p)
{
	struct observation *o = p->obs;

	for (;;) {
		p->step++;
		p->sub = 0;
		if (p->step >= S_DONE) {
			p->step = S_DONE;
			return;
		}
		switch (p->step) {
		case S_SHELLS:
			if (o->checks_run & CHECK_WEBSHELLS) {
				int k;
				/* Folders that answer any name with content
				 * cannot show a shell: not asked. */
				for (k = 0; k < p->kb->nwebshell_paths; k++)
					if (!shell_skipped(p, k))
						o->shells_total++;
				p->shell_next = next_shell(p, 0);
				p->shell_out = p->nrequeue = 0;
				if (p->shell_next < p->kb->nwebshell_paths)
					return;
			}
			break;
		case S_SHELL_RECHECK:
			p->sub = next_found_folder(p, 0);
			if (p->sub < p->kb->nwebshell_folders)
				return;
			break;
		default:
			if (applies(p, p->step)) {
				if (p->step == S_SHELL_CONTROL)
					o->checks_run |= CHECK_WEBSHELLS;
				return;
			}
			break;
		}
	}
}

/* On a slow server, once S_OWA has told Exchange: every step up to the
 * web-shell paths that applies now, handed out at once. The manifest is
 * asked even where /owa/service will show the exact build; its answer is
 * then dropped, as the sequential plan would not have asked it. False
 * (the plan stays sequential) when fewer than two steps apply. */
static bool start_fan(struct probe *p)
{
	uint64_t todo = 0;
	int s, f;

	for (s = S_OWA_SERVICE; s <= S_SHELL_CONTROL; s++) {
		if (!applies(p, s))
			continue;
		if (s != S_SHELL_CONTROL) {
			todo |= 1ull << s;
			continue;
		}
		for (f = 0; f < p->kb->nwebshell_folders; f++)
			todo |= 1ull << (FAN_FOLDER + f);
	}
	if (__builtin_popcountll(todo) < 2)
		return false;
	if (todo >> FAN_FOLDER)
		p->obs->checks_run |= CHECK_WEBSHELLS;
	p->fan_todo = todo;
	p->fan_out = 0;
	p->step = S_FAN;
	return true;
}

static uint64_t fan_bit(const struct probe_req *req)
{
	if (req->step == S_SHELL_CONTROL)
		return 1ull << (FAN_FOLDER + req->sub);
	if (req->step >= S_OWA_SERVICE && req->step < S_SHELL_CONTROL)
		return 1ull << req->step;
	return 0;
}

bool probe_done(const struct probe *p)
{
	return p->step == S_DONE;
}

int probe_spare(const struct probe *p)
{
	int k, n = p->nrequeue;

	if (p->step == S_FAN)
		return __builtin_popcountll(p->fan_todo);
	if (p->step != S_SHELLS)
		return 0;
	for (k = p->shell_next; k < p->kb->nwebshell_paths; k++)
		n += !shell_skipped(p, k);
	return n;
}

void probe_return(struct probe *p, const struct probe_req *req)
{
	uint64_t bit = fan_bit(req);

	if (p->step == S_FAN && (p->fan_out & bit)) {
		p->fan_out &= ~bit;
		p->fan_todo |= bit;
		return;
	}
	if (p->step != S_SHELLS || req->shell < 0 || p->shell_out <= 0 ||
	    p->nrequeue == LIM_TARGET_CONNS)
		return;
	p->requeue[p->nrequeue++] = req->shell;
	p->shell_out--;
}

/* The request of a step before the web-shell paths (sub: the folder of a
 * control path). */
static void fill(const struct probe *p, int step, int sub,
                 struct probe_req *req)
{
	req->step = step;
	req->sub = sub;
	switch (step) {
	case S_LOGON:
		snprintf(req->path, sizeof req->path, "%s",
		         p->follow[0] ? p->follow : "/owa/auth/logon.aspx");
		break;
	case S_OWA:
		snprintf(req->path, sizeof req->path, "%s",
		         p->follow[0] ? p->follow : "/owa/");
		break;
	case S_AUTH_CONTROL: {
		/* Derived from the address, so reruns ask the same. */
		uint32_t h = p->obs->ip * 2246822519u ^ 0x27d4eb2fu;
		snprintf(req->path, sizeof req->path, "/exh%08x/", h);
		break;
	}
	case S_EWS:
		snprintf(req->path, sizeof req->path, "/EWS/Exchange.asmx");
		break;
	case S_OWA_SERVICE:
		snprintf(req->path, sizeof req->path, "/owa/service");
		break;
	case S_MANIFEST:
		snprintf(
		    req->path, sizeof req->path,
		    "/ecp/Current/exporttool/microsoft.exchange.ediscovery."
		    "exporttool.application");
		break;
	case S_NTLM:
		snprintf(req->path, sizeof req->path, "/EWS/Exchange.asmx");
		snprintf(req->headers, sizeof req->headers,
		         "Authorization: NTLM " NTLM_NEGOTIATE "\r\n");
		break;
	case S_SSRF:
		snprintf(req->path, sizeof req->path, "/owa/auth/x.js");
		snprintf(req->headers, sizeof req->headers, "%s", SSRF_COOKIE);
		break;
	case S_PROXYSHELL:
		snprintf(req->path, sizeof req->path, "%s", PROXYSHELL_PATH);
		break;
	case S_MIT_EOMT:
		/* The EOMT rule matches the cookie name alone; without
		 * X-AnonResource=true nothing is routed anywhere. */
		snprintf(req->path, sizeof req->path, "/owa/auth/x.js");
		snprintf(req->headers, sizeof req->headers,
		         "Cookie: X-AnonResource-Backend=localhost/ecp/"
		         "default.flt?~3\r\n");
		break;
	case S_MIT_EEMS:
		snprintf(req->path, sizeof req->path, "%s", EEMS_PATH);
		break;
	case S_SHELL_CONTROL:
	case S_SHELL_RECHECK: {
		/* In each folder, a name no server has: what a missing page
		 * looks like there. Derived from the address, so reruns ask
		 * the same. */
		uint32_t h = p->obs->ip * 2654435761u ^ 0x5bd1e995u;
		const char *first =
		    p->kb->webshell_paths[p->kb->webshell_folder_first[sub]];
		int len = (int)(strrchr(first, '/') - first);
		snprintf(req->path, sizeof req->path, "%.*s/exh%08x%04x.aspx",
		         len, first, h, (unsigned)(h >> 7) & 0xffff);
		break;
	}
	}
}

bool probe_next(struct probe *p, struct probe_req *req)
{
	req->headers[0] = '\0';
	req->shell = -1;
	if (p->step == S_FAN) {
		int b;
		if (!p->fan_todo)
			return false; /* the rest are out */
		b = __builtin_ctzll(p->fan_todo);
		p->fan_todo &= ~(1ull << b);
		p->fan_out |= 1ull << b;
		if (b >= FAN_FOLDER)
			fill(p, S_SHELL_CONTROL, b - FAN_FOLDER, req);
		else
			fill(p, b, 0, req);
		return true;
	}
	if (p->seq_out)
		return false; /* its answer decides what comes next */
	p->seq_out = p->step != S_SHELLS && p->step != S_DONE;
	if (p->step == S_SHELLS) {
		int k;
		/* At most one path out per connection the engine may open;
		 * returned ones plus those out never pass it either. */
		if (p->shell_out >= LIM_TARGET_CONNS)
			return false;
		if (p->nrequeue) {
			k = p->requeue[--p->nrequeue];
		} else {
			k = next_shell(p, p->shell_next);
			if (k >= p->kb->nwebshell_paths)
				return false; /* the rest are out */
			p->shell_next = k + 1;
		}
		p->shell_out++;
		req->step = S_SHELLS;
		req->sub = 0;
		req->shell = k;
		snprintf(req->path, sizeof req->path, "%s",
		         p->kb->webshell_paths[k]);
		return true;
	}
	if (p->step == S_DONE)
		return false;
	fill(p, p->step, p->sub, req);
	return true;
}

/* Does the answer come from Exchange (or the IIS in front of it) rather
 * than from a device of its own? Only then may a "not vulnerable" be read
 * from it. */
static bool exchange_shaped(const struct http_resp *r)
{
	static const char *const h[] = {
	    "X-FEServer", "X-BEServer", "X-CalculatedBETarget", "X-OWA-Version",
	    "X-DiagInfo", "request-id", "X-BackEndCookie",      NULL};
	const struct view *srv, *loc;
	int k;

	for (k = 0; h[k]; k++)
		if (http_resp_header(r, h[k]))
			return true;
	/* Exchange 2013's front end answers this probe from IIS itself;
	 * OWA's own error page is Exchange's answer too. */
	srv = http_resp_header(r, "Server");
	if (r->status >= 300 && r->status < 400 &&
	    (loc = http_resp_header(r, "Location")) &&
	    view_find_ci(*loc, VIEW_LIT("/owa/auth/errorfe.aspx")) >= 0)
		return true;
	return srv && view_starts_ci(*srv, VIEW_LIT("Microsoft-IIS/")) &&
	       (r->status == 400 || r->status == 401 || r->status == 404) &&
	       r->body.len < 2048;
}

/* An answer asking for HTTP authentication: the request stopped at IIS
 * (or whatever answered), before any of Exchange's code ran. */
static bool asks_auth(const struct http_resp *r)
{
	return r->status == 401 && http_resp_header(r, "WWW-Authenticate");
}

/* An answer from IIS or ASP.NET (Exchange's web server), or asking for
 * Windows authentication: Oracle's PL/SQL gateway also serves "/owa/"
 * paths behind Basic authentication, from Apache. */
static bool windows_answer(const struct http_resp *r)
{
	const struct view *v = http_resp_header(r, "Server");

	if (v && (view_starts_ci(*v, VIEW_LIT("Microsoft-IIS/")) ||
	          view_starts_ci(*v, VIEW_LIT("Microsoft-HTTPAPI/"))))
		return true;
	if ((v = http_resp_header(r, "X-Powered-By")) &&
	    view_find_ci(*v, VIEW_LIT("ASP.NET")) >= 0)
		return true;
	for (int i = 0; i < r->nh; i++)
		if (view_eq_ci(r->h[i].name, VIEW_LIT("WWW-Authenticate")) &&
		    (view_starts_ci(r->h[i].value, VIEW_LIT("Negotiate")) ||
		     view_starts_ci(r->h[i].value, VIEW_LIT("NTLM"))))
			return true;
	return false;
}

/* The real shape of a ProxyShell-vulnerable answer: the back end's OWA
 * found no such user and redirected to its error page naming the
 * exception (or showed it, or the MAPI endpoint answered). A bare
 * redirect proves nothing: a WAF or a site rule redirects too. */
static bool proxyshell_shape(const struct http_resp *r, const struct view *loc)
{
	struct view body = {r->body.p, r->body.len};

	if (r->status >= 300 && r->status < 400 && loc &&
	    view_find_ci(*loc, VIEW_LIT("errorfe.aspx")) >= 0 &&
	    (view_find_ci(*loc, VIEW_LIT("OwaADUserNotFoundException")) >= 0 ||
	     (view_find_ci(*loc, VIEW_LIT("httpCode=500")) >= 0 &&
	      view_find_ci(*loc, VIEW_LIT("owaError=")) >= 0)))
		return true;
	if (view_find(body, VIEW_LIT("OwaADUserNotFoundException")) >= 0)
		return true;
	return r->status == 200 &&
	       view_find(body, VIEW_LIT("Exchange MAPI/HTTP Connectivity "
	                                "Endpoint")) >= 0;
}

/* owaVer=<build> in the error page's address: the back end's exact build. */
static bool owa_ver(const struct view *loc, build_t *b)
{
	long at = view_find_ci(*loc, VIEW_LIT("owaVer="));
	struct view v;
	size_t n = 0;

	if (at < 0)
		return false;
	v.p = loc->p + at + 7;
	v.len = loc->len - (size_t)at - 7;
	while (n < v.len && ((v.p[n] >= '0' && v.p[n] <= '9') || v.p[n] == '.'))
		n++;
	v.len = n;
	return fp_version_header(v, b);
}

/* A Location to follow on this server, as the path to request next, or
 * false. An absolute address naming this target is followed; one naming
 * another host only into OWA (a server sends browsers from its address to
 * its public name); anything else (AD FS, Azure AD, a portal) is another
 * site and ends the step. */
static bool same_host_path(const struct probe *p, const struct view *loc,
                           char *dst, size_t cap)
{
	struct view v = *loc;

	if (view_starts_ci(v, VIEW_LIT("https://")) ||
	    view_starts_ci(v, VIEW_LIT("http://"))) {
		size_t skip = v.p[4] == 's' || v.p[4] == 'S' ? 8 : 7, n = 0;
		const char *slash;
		char ip[16];
		struct view host;
		v.p += skip;
		v.len -= skip;
		slash = memchr(v.p, '/', v.len);
		if (!slash)
			return false;
		host = (struct view){v.p, (size_t)(slash - v.p)};
		while (n < host.len && host.p[n] != ':')
			n++;
		host.len = n;
		v.len -= (size_t)(slash - v.p);
		v.p = slash;
		snprintf(ip, sizeof ip, "%u.%u.%u.%u", p->obs->ip >> 24,
		         (p->obs->ip >> 16) & 255, (p->obs->ip >> 8) & 255,
		         p->obs->ip & 255);
		if (!view_eq_ci(host, view_of(ip)) &&
		    !(p->obs->hostname &&
		      view_eq_ci(host, view_of(p->obs->hostname))) &&
		    !view_starts_ci(v, VIEW_LIT("/owa/")))
			return false;
	}
	if (v.len == 0 || v.p[0] != '/' || v.len >= cap)
		return false;
	return view_cstr(v, dst, cap);
}

/* A Location with spaces or control bytes is never followed: written
 * into our next request line it could smuggle headers into it. */
static bool clean_location(const struct view *loc)
{
	for (size_t i = 0; i < loc->len; i++) {
		unsigned char c = (unsigned char)loc->p[i];
		if (c <= 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

static void note_fe(struct probe *p, const struct http_resp *r)
{
	const struct view *fe = http_resp_header(r, "X-FEServer");

	if (fp_online_response(r))
		p->obs->online = true;
	if (fe && fe->len) {
		struct view name = {
		    fe->p, fe->len < FP_NAME_MAX ? fe->len : FP_NAME_MAX - 1};
		p->fe_header = true;
		if (!p->obs->fe_server[0])
			view_cstr(name, p->obs->fe_server, FP_NAME_MAX);
		else if (!p->obs->pool &&
		         !view_eq_ci(name, view_of(p->obs->fe_server))) {
			/* Another front end answered: a pool behind one
			 * address. */
			p->obs->pool = true;
			view_cstr(name, p->obs->pool_other, FP_NAME_MAX);
		}
	}
}

/* The exact build in an answer's X-OWA-Version header. */
static bool version_header(const struct http_resp *r, build_t *b)
{
	const struct view *v = http_resp_header(r, "X-OWA-Version");

	return v && fp_version_header(*v, b);
}

static void take_version_header(struct probe *p, const struct http_resp *r)
{
	build_t b;

	if (version_header(r, &b)) {
		p->obs->build = b;
		p->obs->precision = PREC_SU;
		p->obs->build_source = "x-owa-version";
	}
}

static void feed_page(struct probe *p, const struct http_resp *r)
{
	struct view body = {r->body.p, r->body.len};
	struct observation *o = p->obs;
	build_t b;
	enum precision prec;

	note_fe(p, r);
	take_version_header(p, r);
	if (fp_is_owa_page(body))
		p->owa_page = true;
	if (o->precision != PREC_SU && fp_owa_path(body, &b, &prec)) {
		o->build = b;
		o->precision = prec;
		o->build_source = "owa-path";
	}
}

static void decide_exchange(struct probe *p)
{
	struct observation *o = p->obs;

	if (o->cert_cn[0] && fp_online_cn(o->cert_cn))
		o->online = true;
	o->exchange = !o->online && (p->owa_page || o->precision != PREC_NONE ||
	                             p->fe_header || p->owa_redirect);
	if (o->online) {
		/* Microsoft's cloud, not a server of the organisation: no
		 * build, no checks, not counted. */
		o->precision = PREC_NONE;
		o->build = 0;
		o->build_source = NULL;
	}
	if (o->exchange && o->precision != PREC_NONE)
		o->product = kb_product_of(p->kb, o->build);
}

/* After the last step: an exact build seen from one member of a pool
 * does not speak for the others, which may lack the update. */
static void settle(struct probe *p)
{
	struct observation *o = p->obs;

	if (o->exchange && o->pool && o->precision == PREC_SU &&
	    (o->build >> 48) >= 15) {
		o->build = BUILD_CU(o->build);
		o->precision = PREC_CU;
		o->build_source = "pool";
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The build facts of the steps a fan-out asks at once, applied in the
 * sequential plan's order whatever order their answers came in: the
 * exact build of /owa/service, then the manifest's CU (only where no
 * exact build is known, as the plan asks it only then), then the build in
 * the ProxyShell answer's error page. */
static void apply_facts(struct probe *p)
{
	struct observation *o = p->obs;
	build_t b;

	if (p->svc_seen) {
		if (p->svc_build) {
			o->build = p->svc_build;
			o->precision = PREC_SU;
			o->build_source = "x-owa-version";
		}
		if (o->precision != PREC_NONE)
			o->product = kb_product_of(p->kb, o->build);
	}
	if ((b = p->manifest_build) && o->precision != PREC_SU) {
		/* Whether security updates change the manifest's version is
		 * not shown anywhere public (every example is a CU release
		 * build), so it proves the CU, not the update: reading it as
		 * the exact build would call a patched server vulnerable.
		 * Its version is kept in the record. */
		o->manifest = b;
		if (o->precision == PREC_NONE ||
		    BUILD_CU(o->build) != BUILD_CU(b)) {
			o->build = BUILD_CU(b);
			o->precision = PREC_CU;
			o->build_source = "exporttool";
			o->product = kb_product_of(p->kb, b);
		}
	}
	if ((b = p->owaver_build) && o->precision != PREC_SU) {
		o->build = b;
		o->precision = PREC_SU;
		o->build_source = "proxyshell-owaver";
		o->product = kb_product_of(p->kb, b);
	}
	p->svc_seen = false;
	p->svc_build = p->manifest_build = p->owaver_build = 0;
}

/* The answer to one of the steps from S_OWA_SERVICE to S_SHELL_CONTROL
 * (sub: the control path's folder). Build facts wait in the probe for
 * apply_facts; the rest is taken at once. */
static void take_answer(struct probe *p, int step, int sub,
                        const struct http_resp *r)
{
	struct observation *o = p->obs;
	const struct view *v;
	build_t b;

	/* Every front end that answers is noted (a pool shows itself where
	 * OWA hides behind HTTP authentication or AD FS). */
	if (r && step != S_SHELL_CONTROL)
		note_fe(p, r);
	switch (step) {
	case S_OWA_SERVICE:
		if (r) {
			if (version_header(r, &b))
				p->svc_build = b;
			p->svc_seen = true;
		}
		break;
	case S_MANIFEST:
		if (r && r->status == 200 &&
		    fp_manifest((struct view){r->body.p, r->body.len}, &b) &&
		    (b >> 48) >= 15)
			p->manifest_build = b;
		break;
	case S_NTLM:
		if (r && (v = http_resp_header(r, "WWW-Authenticate"))) {
			int i;
			for (i = 0; i < r->nh; i++)
				if (view_eq_ci(r->h[i].name,
				               VIEW_LIT("WWW-Authenticate")) &&
				    fp_ntlm(r->h[i].value, &o->ntlm)) {
					o->have_ntlm = true;
					break;
				}
		}
		break;
	case S_SSRF:
		o->checks_run |= CHECK_SSRF;
		if (!r)
			o->ssrf = CHK_MITIGATED;
		else if ((v = http_resp_header(r, "X-CalculatedBETarget")) &&
		         view_find_ci(*v, VIEW_LIT("localhost")) >= 0)
			o->ssrf = CHK_VULNERABLE;
		else if (asks_auth(r))
			/* OWA with HTTP authentication: the probe never
			 * reached the proxy it tests. */
			o->ssrf = CHK_INCONCLUSIVE;
		else if (exchange_shaped(r))
			/* where OWA was never seen, the probe may not have
			 * reached the front end's proxy */
			o->ssrf = p->owa_unseen ? CHK_INCONCLUSIVE
			                        : CHK_NOT_VULNERABLE;
		else
			o->ssrf =
			    CHK_BLOCKED; /* a device answered, not Exchange */
		break;
	case S_PROXYSHELL:
		o->checks_run |= CHECK_PROXYSHELL;
		v = r ? http_resp_header(r, "Location") : NULL;
		if (!r) {
			o->proxyshell = CHK_BLOCKED;
		} else if (proxyshell_shape(r, v)) {
			o->proxyshell = CHK_VULNERABLE;
			if (v && owa_ver(v, &b))
				p->owaver_build = b;
		} else if (!exchange_shaped(r)) {
			o->proxyshell = CHK_BLOCKED;
		} else if (r->status == 400 || r->status == 401 ||
		           r->status == 403) {
			o->proxyshell = CHK_NOT_VULNERABLE;
		} else {
			o->proxyshell = CHK_INCONCLUSIVE;
		}
		break;
	case S_MIT_EOMT:
		o->checks_run |= CHECK_MITIGATION;
		o->eomt = !r;
		break;
	case S_MIT_EEMS: o->eems = !r; break;
	case S_SHELL_CONTROL:
		/* A page no server has answered with content: every path of
		 * that folder would; a shell cannot be told from it. */
		if (r && (r->status == 200 || r->status == 500)) {
			o->shells_catch_all = true;
			o->shells_catch_all_folders |= 1u << sub;
		}
		break;
	}
}

/* After the last step of the plan before the paths, or of a fan-out. */
static void next_step(struct probe *p)
{
	advance(p);
	if (p->step == S_DONE)
		settle(p);
}

void probe_feed(struct probe *p, const struct probe_req *req,
                const struct http_resp *r)
{
	struct observation *o = p->obs;
	const struct view *v;

	if (r)
		p->answered++;
	if (p->step == S_FAN) {
		uint64_t bit = fan_bit(req);
		if (!(p->fan_out & bit))
			return; /* not an answer to a step handed out */
		p->fan_out &= ~bit;
		take_answer(p, req->step, req->sub, r);
		if (p->fan_todo || p->fan_out)
			return;
		apply_facts(p);
		p->step = S_SHELL_CONTROL; /* the fan-out's last step */
		next_step(p);
		return;
	}
	if (req->step != p->step)
		return; /* not an answer to the step asked */
	if (req->shell < 0)
		p->seq_out = false;
	switch (p->step) {
	case S_LOGON:
	case S_OWA:
		if (!r)
			break;
		if (p->step == S_LOGON && p->redirects == 0)
			o->first_status = r->status;
		if (r->status >= 300 && r->status < 400 &&
		    (v = http_resp_header(r, "Location")) &&
		    clean_location(v) && p->redirects < LIM_REDIRECTS) {
			note_fe(p, r);
			take_version_header(p, r);
			/* /owa/ sending a browser to the logon page is OWA;
			 * the logon page's own address sent elsewhere (to
			 * HTTPS, say) proves nothing. */
			if (p->step == S_OWA &&
			    view_find_ci(*v,
			                 VIEW_LIT("/owa/auth/logon.aspx")) >= 0)
				p->owa_redirect = true;
			/* /owa/ sends us to the logon page we already have. */
			if (!(p->step == S_OWA && p->owa_page) &&
			    same_host_path(p, v, p->follow, sizeof p->follow)) {
				p->redirects++;
				return; /* same step, following */
			}
		}
		feed_page(p, r);
		if (p->step == S_OWA && asks_auth(r) && windows_answer(r))
			p->owa_auth = true;
		break;
	case S_AUTH_CONTROL:
		/* Only /owa/ asks for credentials (the path no site has is
		 * missing, or answered as the site's other pages): OWA with
		 * standard authentication, which shows nothing else. The
		 * same question there: a device asking for every path. */
		if (r && !asks_auth(r) && r->status != 407)
			o->exchange = true;
		p->follow[0] = '\0';
		p->redirects = 0;
		if (o->exchange && p->slow && start_fan(p))
			return;
		next_step(p);
		return;
	case S_EWS:
		/* A front end's name on EWS: Exchange, though /owa/ showed
		 * nothing (a device publishing only ActiveSync, EWS and
		 * Autodiscover). Its SSRF probe, aimed at /owa/, proves
		 * nothing when refused. */
		if (r) {
			note_fe(p, r);
			if (p->fe_header && !o->online) {
				o->exchange = true;
				p->owa_unseen = true;
			}
		}
		if (o->exchange && p->slow && start_fan(p))
			return;
		next_step(p);
		return;
	case S_OWA_SERVICE:
	case S_MANIFEST:
	case S_NTLM:
	case S_SSRF:
	case S_PROXYSHELL:
	case S_MIT_EOMT:
	case S_MIT_EEMS:
		take_answer(p, p->step, 0, r);
		apply_facts(p);
		break;
	case S_SHELL_CONTROL:
		take_answer(p, p->step, p->sub, r);
		if (++p->sub < p->kb->nwebshell_folders)
			return;
		break;
	case S_SHELL_RECHECK:
		/* The name no server has, asked again after the paths: if it
		 * now answers with content, so would every path of the folder
		 * (a device that turned to answering everything while we
		 * asked): what was found there cannot be told from it. */
		if (r && (r->status == 200 || r->status == 500)) {
			int i, n = 0;
			for (i = 0; i < o->nshells; i++)
				if (p->kb->webshell_folder[o->shells[i]] !=
				    p->sub)
					o->shells[n++] = o->shells[i];
			o->nshells = n;
			o->shells_catch_all = true;
			o->shells_catch_all_folders |= 1u << p->sub;
		}
		p->sub = next_found_folder(p, p->sub + 1);
		if (p->sub < p->kb->nwebshell_folders)
			return;
		break;
	case S_SHELLS:
		if (req->shell < 0 || p->shell_out <= 0)
			return; /* not an answer to a path handed out */
		p->shell_out--;
		/* Present: answered with content rather than a redirect to
		 * errorFE.aspx or a 404. A GET without parameters runs no
		 * command in the shells seen in 2021. */
		/* A redirect elsewhere than OWA's not-found page is a rule
		 * over the whole folder: the path was not seen. */
		/* Nor was it refused (401: behind authentication; 403: an
		 * address restriction or a device's rule over the folder):
		 * the file may be there. */
		if (r && r->status != 401 && r->status != 403 &&
		    !(r->status >= 300 && r->status < 400 &&
		      !((v = http_resp_header(r, "Location")) &&
		        view_find_ci(*v, VIEW_LIT("errorfe.aspx")) >= 0)))
			o->shells_checked++;
		if (r && (r->status == 200 || r->status == 500) &&
		    o->nshells < LIM_OBS_SHELLS)
			o->shells[o->nshells++] = req->shell;
		if (p->shell_out || probe_spare(p))
			return;
		/* Answers came in any order: listed in the paths' order. */
		qsort(o->shells, (size_t)o->nshells, sizeof o->shells[0],
		      cmp_int);
		break;
	default: return;
	}
	p->follow[0] = '\0';
	p->redirects = 0;
	if (p->step == S_OWA) {
		decide_exchange(p);
		if (p->slow && start_fan(p))
			return;
	}
	next_step(p);
}
