/* Detectors over log records: one callback per log source, each turning
 * matching records into findings (hunt.h). The patterns follow
 * ../shared/reference/host-hunting.md §1.4 and §1.8; where an attempt and a
 * success look alike but for the status, the status decides. */
#include "hunt/detect.h"
#include "hunt/webreq.h"
#include "base/text.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "base/banned.h"

static bool has_ci(struct view v, const char *s)
{
	return view_find_ci(v, view_of(s)) >= 0;
}

/* Does v contain needle (lower case), in any case? Linear whatever the
 * line holds (view_find_ci). */
static bool find_fast(struct view v, const char *needle)
{
	return view_find_ci(v, view_of(needle)) >= 0;
}

/* The time at the start of a raw line ("2021-03-03T06:49:53.772Z," or
 * "2021-03-03 06:49:53 "), when the time is the first field. */
static void raw_time(struct view raw, char *iso, size_t cap)
{
	size_t n = 0;

	/* A log saved again by a spreadsheet or Export-Csv quotes it */
	if (raw.len && raw.p[0] == '"') {
		raw.p++;
		raw.len--;
	}
	while (n < raw.len && n + 1 < cap && raw.p[n] != ',' &&
	       raw.p[n] != '"' && !(n >= 19 && raw.p[n] == ' '))
		n++;
	memcpy(iso, raw.p, n);
	iso[n] = '\0';
	if (n >= 19 && iso[10] == ' ')
		iso[10] = 'T';
}

static void copy(char *dst, size_t cap, struct view v)
{
	if (v.len >= cap)
		v.len = cap - 1;
	memcpy(dst, v.p, v.len);
	dst[v.len] = '\0';
}

static void stamp(struct finding *f, struct view time, struct view ip,
                  struct view ua)
{
	if (!f)
		return;
	copy(f->time, sizeof f->time, time);
	copy(f->client_ip, sizeof f->client_ip, ip);
	copy(f->user_agent, sizeof f->user_agent, ua);
}

static bool status_in(struct view st, const char *list);
static void mail_access(struct hunt *h, const char *path, uint64_t line,
                        const char *iso, struct view raw, bool failed,
                        const char *detail);
static bool autodiscover_ssrf(struct detect_ctx *d, struct log_rec *r,
                              const char *iso, struct view s, struct view q,
                              struct view st, bool anon, struct view ip,
                              struct view ua, const char *detail);

/* --- HttpProxy (CSV, Exchange 2013+) --------------------------------- */

/* Is there "ServerInfo~" or "Server~" (any case) in the line? */
static bool server_tilde(struct view raw)
{
	const char *p = raw.p, *end = raw.p + raw.len;

	while (p < end && (p = memchr(p, '~', (size_t)(end - p)))) {
		size_t before = (size_t)(p - raw.p);
		if ((before >= 10 &&
		     strncasecmp(p - 10, "serverinfo", 10) == 0) ||
		    (before >= 6 && strncasecmp(p - 6, "server", 6) == 0))
			return true;
		p++;
	}
	return false;
}

/* OWASSRF's shape: POST /owa/<address>/powershell (s decoded, lower
 * case), not from Exchange's own remote PowerShell client or probes. */
static bool owassrf_shape(struct view s, struct view method, struct view ua)
{
	return view_starts_ci(s, VIEW_LIT("/owa/")) &&
	       memchr(s.p, '@', s.len) && has_ci(s, "/powershell") &&
	       view_eq_ci(method, VIEW_LIT("POST")) &&
	       !has_ci(ua, "Microsoft+WinRM+Client") &&
	       !has_ci(ua, "Microsoft WinRM Client") &&
	       !has_ci(ua, "Exchange+BackEnd+Probes") &&
	       !has_ci(ua, "Exchange BackEnd Probes");
}

/* OWASSRF found (IIS's log or OWA's proxy log): answered 200, it reached
 * remote PowerShell (CVE-2022-41080, then -41082); otherwise tried. */
static void owassrf_report(struct detect_ctx *d, struct log_rec *r,
                           const char *iso, struct view st, struct view ip,
                           struct view ua, const char *detail)
{
	bool ok = status_in(st, "200");
	struct finding *f;

	f = hunt_add(d->h, ok ? "owassrf" : "owassrf-attempt", HC_41080,
	             ok ? HL_EXPLOITED : HL_ATTEMPTED,
	             ok ? SEV_HIGH : SEV_MEDIUM, d->path, r->line, detail);
	stamp(f, (struct view){iso, strlen(iso)}, ip, ua);
	if (ok) {
		f = hunt_add(d->h, "owassrf-powershell", HC_41082, HL_EXPLOITED,
		             SEV_CRITICAL, d->path, r->line, detail);
		stamp(f, (struct view){iso, strlen(iso)}, ip, ua);
	}
}

static void owassrf_proxy(struct detect_ctx *d, struct log_rec *r,
                          const char *iso)
{
	struct view stem = log_get(r, d->i[6]), st = log_get(r, d->i[5]);
	struct view ua = log_get(r, d->i[4]), user = log_get(r, d->i[8]);
	char sbuf[1024], detail[700];
	struct view s = url_decode_lower(stem, sbuf, sizeof sbuf);

	if (!owassrf_shape(s, log_get(r, d->i[9]), ua))
		return;
	snprintf(detail, sizeof detail, "POST %.*s status %.*s user %.*s",
	         (int)(stem.len > 300 ? 300 : stem.len), stem.p,
	         (int)(st.len > 6 ? 6 : st.len), st.p,
	         (int)(user.len > 100 ? 100 : user.len), user.p);
	owassrf_report(d, r, iso, st, log_get(r, d->i[3]), ua, detail);
}

int detect_httpproxy(void *vctx, const struct log_fields *fl, struct log_rec *r)
{
	struct detect_ctx *d = vctx;
	struct view am, cookie, t, ip, ua, st, stem;
	bool ecp_reset;
	char iso[32];

	if (!fl)
		return 0;
	if (d->bound != fl || d->gen != fl->gen) {
		d->bound = fl;
		d->gen = fl->gen;
		d->i[0] = log_field(fl, "DateTime");
		d->i[1] = log_field(fl, "AnchorMailbox");
		d->i[2] = log_field(fl, "BackEndCookie");
		d->i[3] = log_field(fl, "ClientIpAddress");
		d->i[4] = log_field(fl, "UserAgent");
		d->i[5] = log_field(fl, "HttpStatus");
		d->i[6] = log_field(fl, "UrlStem");
		d->i[7] = log_field(fl, "UrlQuery");
		d->i[8] = log_field(fl, "AuthenticatedUser");
		d->i[9] = log_field(fl, "Method");
	}
	if (d->i[0] == 0) {
		raw_time(r->raw, iso, sizeof iso);
	} else {
		t = log_get(r, d->i[0]);
		copy(iso, sizeof iso, t);
	}
	hunt_cover(d->h, LS_HTTPPROXY, iso);
	/* ProxyShell and ProxyNotShell as the Autodiscover proxy saw them. */
	if (find_fast(r->raw, "json") &&
	    find_fast(r->raw, "autodiscover.json")) {
		char qbuf[2048], sbuf[1024], detail[1200];
		struct view q, s, user = log_get(r, d->i[8]);
		struct view m = log_get(r, d->i[9]),
		            query = log_get(r, d->i[7]);
		stem = log_get(r, d->i[6]);
		st = log_get(r, d->i[5]);
		q = url_decode_lower(query, qbuf, sizeof qbuf);
		s = url_decode_lower(stem, sbuf, sizeof sbuf);
		snprintf(detail, sizeof detail,
		         "%.*s %.*s%.*s status %.*s user %.*s",
		         (int)(m.len > 10 ? 10 : m.len), m.p,
		         (int)(stem.len > 300 ? 300 : stem.len), stem.p,
		         (int)(query.len > 600 ? 600 : query.len), query.p,
		         (int)(st.len > 6 ? 6 : st.len), st.p,
		         (int)(user.len > 100 ? 100 : user.len), user.p);
		if (autodiscover_ssrf(d, r, iso, s, q, st, user.len == 0,
		                      log_get(r, d->i[3]), log_get(r, d->i[4]),
		                      detail))
			return 0;
	}
	/* OWASSRF as OWA's proxy saw it (its log folder, HttpProxy/Owa):
	 * /owa/<address>/powershell posted, which only the front end's
	 * own remote PowerShell should reach */
	if (find_fast(view_of(d->path), "httpproxy/owa/") &&
	    find_fast(r->raw, "owershell"))
		owassrf_proxy(d, r, iso);
	/* Only lines with "ServerInfo~" or "Server~" matter. */
	if (!server_tilde(r->raw))
		return 0;
	t = log_get(r, d->i[0]);
	am = log_get(r, d->i[1]);
	cookie = log_get(r, d->i[2]);
	if (!view_starts_ci(am, VIEW_LIT("ServerInfo~")) &&
	    !view_starts_ci(cookie, VIEW_LIT("Server~")))
		return 0;
	ip = log_get(r, d->i[3]);
	ua = log_get(r, d->i[4]);
	st = log_get(r, d->i[5]);
	stem = log_get(r, d->i[6]);
	/* AnchorMailbox ServerInfo~<host>/<path>: the front end was told
	 * which back end to call (CVE-2021-26855). Only "/autodiscover" or
	 * localhost means the attacker found nothing to aim at. */
	if (view_starts_ci(am, VIEW_LIT("ServerInfo~")) &&
	    memchr(am.p, '/', am.len)) {
		bool weak =
		    has_ci(am, "/autodiscover") ||
		    view_starts_ci(am, VIEW_LIT("ServerInfo~localhost"));
		char detail[600];
		struct finding *f;
		snprintf(detail, sizeof detail,
		         "AnchorMailbox %.*s, %.*s status %.*s",
		         (int)(am.len > 300 ? 300 : am.len), am.p,
		         (int)(stem.len > 200 ? 200 : stem.len), stem.p,
		         (int)(st.len > 8 ? 8 : st.len), st.p);
		f = hunt_add(
		    d->h, weak ? "ssrf-attempt" : "ssrf-anchor-mailbox",
		    HC_26855, weak ? HL_ATTEMPTED : HL_EXPLOITED,
		    weak ? SEV_MEDIUM : SEV_HIGH, d->path, r->line, detail);
		stamp(f, t, ip, ua);
		ecp_reset =
		    has_ci(am, "Reset") && has_ci(am, "VirtualDirectory#");
		if (ecp_reset && view_eq(st, VIEW_LIT("200"))) {
			f = hunt_add(d->h, "vdir-reset", HC_27065, HL_EXPLOITED,
			             SEV_CRITICAL, d->path, r->line,
			             "Reset*VirtualDirectory through the SSRF, "
			             "status 200: a file was written");
			stamp(f, t, ip, ua);
		}
		return 0;
	}
	if (view_starts_ci(cookie, VIEW_LIT("Server~")) &&
	    memchr(cookie.p, '/', cookie.len) &&
	    memchr(cookie.p + 7, '~', cookie.len - 7)) {
		bool weak =
		    has_ci(cookie, "/autodiscover") ||
		    view_starts_ci(cookie, VIEW_LIT("Server~localhost"));
		char detail[400];
		struct finding *f;
		snprintf(detail, sizeof detail, "BackEndCookie %.*s",
		         (int)(cookie.len > 300 ? 300 : cookie.len), cookie.p);
		f = hunt_add(
		    d->h, weak ? "ssrf-attempt" : "ssrf-backend-cookie",
		    HC_26855, weak ? HL_ATTEMPTED : HL_EXPLOITED,
		    weak ? SEV_MEDIUM : SEV_HIGH, d->path, r->line, detail);
		stamp(f, t, ip, ua);
	}
	return 0;
}

/* --- ECP Server log --------------------------------------------------- */

/* Is there a markup element (<x ...> ... </x>) in v? */
static bool has_tag_pair(struct view v)
{
	size_t i;

	for (i = 0; i + 1 < v.len; i++) {
		unsigned char c = (unsigned char)v.p[i + 1];
		if (v.p[i] == '<' && ((c | 32) >= 'a' && (c | 32) <= 'z')) {
			struct view rest = {v.p + i + 2, v.len - i - 2};
			return view_find(rest, VIEW_LIT("</")) >= 0;
		}
	}
	return false;
}

int detect_ecp(void *vctx, const struct log_fields *fl, struct log_rec *r)
{
	struct detect_ctx *d = vctx;
	struct view raw = r->raw, t = {"", 0};
	char iso[32];

	if (fl && (d->bound != fl || d->gen != fl->gen)) {
		d->bound = fl;
		d->gen = fl->gen;
		d->i[0] = log_field(fl, "TimeStamp");
	}
	raw_time(raw, iso, sizeof iso);
	hunt_cover(d->h, LS_ECP, iso);
	/* mail access set through ECP (an inbox rule that forwards, as
	 * ProxyToken made; a permission, a search) */
	if (find_fast(raw, "s:cmd=") && !find_fast(raw, "virtualdirectory")) {
		if (detect_cmdlet_named(raw)) {
			char detail[700];
			snprintf(detail, sizeof detail, "%.*s",
			         (int)(raw.len > 500 ? 500 : raw.len), raw.p);
			mail_access(d->h, d->path, r->line, iso, raw, false,
			            detail);
		}
		return 0;
	}
	if (!find_fast(raw, "virtualdirectory"))
		return 0;
	if (fl)
		t = log_get(r, d->i[0]);
	if (has_ci(raw, "S:CMD=Set-") && has_ci(raw, "Url=") &&
	    has_tag_pair(raw)) {
		char detail[700];
		struct finding *f;
		snprintf(detail, sizeof detail,
		         "Set-*VirtualDirectory with markup in a URL: %.*s",
		         (int)(raw.len > 500 ? 500 : raw.len), raw.p);
		f = hunt_add(d->h, "vdir-url-script", HC_27065, HL_EXPLOITED,
		             SEV_CRITICAL, d->path, r->line, detail);
		stamp(f, t, (struct view){"", 0}, (struct view){"", 0});
	} else if (has_ci(raw, "S:CMD=Remove-OabVirtualDirectory") ||
	           has_ci(raw, "S:CMD=New-OabVirtualDirectory")) {
		struct finding *f = hunt_add(
		    d->h, "vdir-recreated", HC_NONE, HL_NOT_SEEN, SEV_INFO,
		    d->path, r->line,
		    "OAB virtual directory removed or created (clean-up after "
		    "CVE-2021-27065, or administration)");
		stamp(f, t, (struct view){"", 0}, (struct view){"", 0});
	}
	return 0;
}

/* --- Remote PowerShell's HTTP log (CmdletInfra/Powershell-Proxy/Http) -- */

/* The clients that reach remote PowerShell on a healthy server: Windows'
 * own (WinRM, as the Exchange Management Shell and EAC use it), the
 * managed availability probes, and none named. */
static bool rps_own_client(struct view ci)
{
	ci = view_trim(ci);
	return ci.len == 0 || view_eq(ci, VIEW_LIT("-")) ||
	       has_ci(ci, "Microsoft WinRM Client") ||
	       has_ci(ci, "Microsoft+WinRM+Client") ||
	       has_ci(ci, "Exchange BackEnd Probes") ||
	       has_ci(ci, "Exchange+BackEnd+Probes");
}

/* Rps_Http_*.LOG: every request remote PowerShell served. A client other
 * than WinRM or the probes is how ProxyNotShell's and OWASSRF's tools
 * reached it (CVE-2022-41082 through either SSRF); answered 200, the
 * session was opened. (CrowdStrike's OWASSRF write-up checks the same
 * field.) */
int detect_rps_http(void *vctx, const struct log_fields *fl,
                    struct log_rec *r)
{
	struct detect_ctx *d = vctx;
	struct view ci, st, user, ip, fe, be;
	char iso[32], detail[700];
	bool ok;
	struct finding *f;

	if (!fl)
		return 0;
	if (d->bound != fl || d->gen != fl->gen) {
		d->bound = fl;
		d->gen = fl->gen;
		d->i[0] = log_field(fl, "DateTime");
		d->i[1] = log_field(fl, "ClientInfo");
		d->i[2] = log_field(fl, "HttpStatus");
		d->i[3] = log_field(fl, "AuthenticatedUser");
		d->i[4] = log_field(fl, "ClientIpAddress");
		d->i[5] = log_field(fl, "FrontEndServer");
		d->i[6] = log_field(fl, "ServerHostName");
	}
	if (d->i[0] < 0)
		raw_time(r->raw, iso, sizeof iso);
	else
		copy(iso, sizeof iso, log_get(r, d->i[0]));
	hunt_cover(d->h, LS_CMDLET, iso);
	if (d->i[1] < 0)
		return 0;
	ci = log_get(r, d->i[1]);
	if (rps_own_client(ci))
		return 0;
	st = log_get(r, d->i[2]);
	user = log_get(r, d->i[3]);
	ip = log_get(r, d->i[4]);
	fe = log_get(r, d->i[5]);
	be = log_get(r, d->i[6]);
	ok = status_in(st, "200");
	snprintf(detail, sizeof detail,
	         "remote PowerShell reached by client \"%.*s\" (not WinRM), "
	         "status %.*s, user %.*s, from %.*s through %.*s to %.*s",
	         (int)(ci.len > 160 ? 160 : ci.len), ci.p,
	         (int)(st.len > 6 ? 6 : st.len), st.p,
	         (int)(user.len > 100 ? 100 : user.len), user.p,
	         (int)(ip.len > 60 ? 60 : ip.len), ip.p,
	         (int)(fe.len > 80 ? 80 : fe.len), fe.p,
	         (int)(be.len > 80 ? 80 : be.len), be.p);
	f = hunt_add(d->h, ok ? "rps-odd-client" : "rps-odd-client-attempt",
	             HC_41082, ok ? HL_EXPLOITED : HL_ATTEMPTED,
	             ok ? SEV_HIGH : SEV_MEDIUM, d->path, r->line, detail);
	stamp(f, (struct view){iso, strlen(iso)}, ip, ci);
	return 0;
}

/* --- OABGeneratorLog (text) ------------------------------------------ */

int detect_oab(void *vctx, const struct log_fields *fl, struct log_rec *r)
{
	struct detect_ctx *d = vctx;
	struct view raw = r->raw;
	long at =
	    view_find(raw, VIEW_LIT("Download failed and temporary file "));
	char iso[32];

	(void)fl;
	copy(iso, sizeof iso, raw);
	if (strlen(iso) >= 19)
		iso[19] = '\0';
	hunt_cover(d->h, LS_OAB, iso);
	if (at >= 0) {
		struct view path = {raw.p + at + 35, raw.len - (size_t)at - 35};
		long end = view_find(path, VIEW_LIT(" needs to be removed"));
		if (end >= 0)
			path.len = (size_t)end;
		if (!has_ci(path, "\\ClientAccess\\OAB\\")) {
			char detail[600];
			struct finding *f;
			snprintf(detail, sizeof detail,
			         "OAB generator wrote outside "
			         "ClientAccess\\OAB: %.*s",
			         (int)(path.len > 400 ? 400 : path.len),
			         path.p);
			f = hunt_add(d->h, "oab-write-outside", HC_26858,
			             HL_EXPLOITED, SEV_CRITICAL, d->path,
			             r->line, detail);
			if (f)
				snprintf(f->time, sizeof f->time, "%s", iso);
		}
	}
	return 0;
}

/* --- IIS W3C ----------------------------------------------------------- */

static bool status_in(struct view st, const char *list)
{
	char s[8];
	const char *p;

	copy(s, sizeof s, st);
	for (p = strstr(list, s); p && s[0]; p = strstr(p + 1, s))
		if ((p == list || p[-1] == ' ') &&
		    (p[strlen(s)] == ' ' || p[strlen(s)] == '\0'))
			return true;
	return false;
}

/* The user a forged X-Rps-CAT token names (ProxyShell, CVE-2021-34523):
 * the token is Base64 of a serialised identity; its readable runs are the
 * user's address and SID. */
static void rps_cat_user(struct view q, char *out, size_t cap)
{
	long at = view_find_ci(q, VIEW_LIT("x-rps-cat="));
	unsigned char dec[768];
	size_t i, n, o = 0, run = 0;

	out[0] = '\0';
	if (at < 0)
		return;
	n = text_b64_decode(
	    (struct view){q.p + at + 10, q.len - (size_t)at - 10}, false, dec,
	    sizeof dec, NULL);
	for (i = 0; i <= n && o + 2 < cap; i++) {
		bool pr = i < n && dec[i] >= 0x21 && dec[i] < 0x7f;
		if (pr) {
			run++;
			continue;
		}
		if (run >= 6) {
			size_t k = run < cap - o - 2 ? run : cap - o - 2;
			if (o)
				out[o++] = ' ';
			memcpy(out + o, dec + i - run, k);
			o += k;
		}
		run = 0;
	}
	out[o] = '\0';
}

/* ProxyShell and ProxyNotShell: the autodiscover.json path confusion
 * ("?@x/<back end>&Email=autodiscover/autodiscover.json%3F@x") in any log
 * that keeps the decoded lower-case stem s, query q and status. A back
 * end's 200 is success; 302 (the error page of a vulnerable server) and
 * 401 are attempts; the public scanners' own addresses stay attempts.
 * Returns true when the line was this shape. */
static bool autodiscover_ssrf(struct detect_ctx *d, struct log_rec *r,
                              const char *iso, struct view s, struct view q,
                              struct view st, bool anon, struct view ip,
                              struct view ua, const char *detail)
{
	bool ps, rps, backend, ok, scanner;
	struct finding *f;
	struct view t = {iso, strlen(iso)};
	char who[200], full[1600];

	if (!has_ci(s, "/autodiscover/autodiscover.json") ||
	    !(memchr(q.p, '@', q.len) || has_ci(q, "email=autodiscover")))
		return false;
	ps = has_ci(q, "powershell");
	rps = has_ci(q, "x-rps-cat=");
	backend = ps || rps || has_ci(q, "/mapi/") || has_ci(q, "/ews") ||
	          has_ci(q, "/owa") || has_ci(q, "/ecp") ||
	          has_ci(q, "autodiscover.xml") || has_ci(q, "/oab") ||
	          has_ci(q, "/rpc") ||
	          has_ci(q, "/microsoft-server-activesync");
	ok = status_in(st, "200");
	scanner = has_ci(q, "@test.com") || has_ci(q, "@foo.var");
	if (!backend) {
		/* The confusion without a back-end path (a scanner's probe
		 * sending the front end to a host of its own): tried. An
		 * "@" alone is a client's own address. */
		if (!has_ci(q, "email=autodiscover/autodiscover.json"))
			return true;
		if (anon)
			f = hunt_add(d->h,
			             scanner ? "proxyshell-scan"
			                     : "proxyshell-attempt",
			             HC_34473, HL_ATTEMPTED, SEV_MEDIUM, d->path,
			             r->line, detail);
		else
			f = hunt_add(d->h, "proxynotshell-attempt", HC_41040,
			             HL_ATTEMPTED, SEV_MEDIUM, d->path, r->line,
			             detail);
		stamp(f, t, ip, ua);
		return true;
	}
	rps_cat_user(q, who, sizeof who);
	snprintf(full, sizeof full, "%s%s%s", detail,
	         who[0] ? "; token impersonates " : "", who);
	if (anon || rps) {
		/* ProxyShell: unauthenticated (or a forged token). */
		f = hunt_add(d->h,
		             scanner ? "proxyshell-scan"
		             : ok    ? "proxyshell-ssrf"
		                     : "proxyshell-attempt",
		             HC_34473,
		             ok && !scanner ? HL_EXPLOITED : HL_ATTEMPTED,
		             ok && !scanner ? SEV_HIGH : SEV_MEDIUM, d->path,
		             r->line, full);
		stamp(f, t, ip, ua);
		if ((ps || rps) && !scanner) {
			f = hunt_add(d->h, "proxyshell-powershell", HC_34523,
			             ok ? HL_EXPLOITED : HL_ATTEMPTED,
			             ok ? SEV_CRITICAL : SEV_MEDIUM, d->path,
			             r->line, full);
			stamp(f, t, ip, ua);
		}
	} else if (ps) {
		/* ProxyNotShell: the same confusion, authenticated,
		 * reaching remote PowerShell. */
		f = hunt_add(
		    d->h, ok ? "proxynotshell-ssrf" : "proxynotshell-attempt",
		    HC_41040, ok ? HL_EXPLOITED : HL_ATTEMPTED,
		    ok ? SEV_HIGH : SEV_MEDIUM, d->path, r->line, full);
		stamp(f, t, ip, ua);
		f = hunt_add(
		    d->h,
		    ok ? "proxynotshell-powershell" : "proxynotshell-attempt",
		    HC_41082, ok ? HL_EXPLOITED : HL_ATTEMPTED,
		    ok ? SEV_CRITICAL : SEV_MEDIUM, d->path, r->line, full);
		stamp(f, t, ip, ua);
	}
	return true;
}

/* lit (len bytes) in p: memchr to each of its first byte, rare in a log
 * line, where memmem's set-up costs more than the search on lines this
 * short. */
static const char *find_lit(const char *p, const char *end, const char *lit,
                            size_t len)
{
	while ((size_t)(end - p) >= len &&
	       (p = memchr(p, lit[0], (size_t)(end - p) - len + 1))) {
		if (!memcmp(p + 1, lit + 1, len - 1))
			return p;
		p++;
	}
	return NULL;
}

/* Whether raw holds "__viewstate=" in any case: a look at each "__",
 * rare in a log line, where a case-blind search would stop at every
 * underscore. */
static bool dunder_viewstate(struct view raw)
{
	const char *p = raw.p, *end = raw.p + raw.len, *hit;

	while ((hit = find_lit(p, end, "__", 2))) {
		if ((size_t)(end - hit) >= 12 &&
		    view_starts_ci((struct view){hit + 2, 10},
		                   VIEW_LIT("viewstate=")))
			return true;
		p = hit + 2;
	}
	return false;
}

static bool static_file(struct view stem);
static void viewstate_query(struct detect_ctx *d, struct log_rec *r,
                            const char *iso);
static void static_post(struct detect_ctx *d, struct log_rec *r,
                        const char *iso);

/* The checks every IIS line gets before the gate below: a ViewState in
 * the query of a page, a POST to a static file. In IIS's default order
 * (the method, then the stem) the line's first '/' starts the stem, and
 * the rest is looked at only for a page (.aspx); in another order every
 * line is searched. */
static bool ends_ci(struct view v, const char *tail)
{
	size_t n = strlen(tail);

	/* the last letter first: most stems differ there */
	return n && v.len >= n &&
	       (v.p[v.len - 1] | 32) == (tail[n - 1] | 32) &&
	       !strncasecmp(v.p + v.len - n, tail, n);
}

/* ECP's back end (W3SVC2) setting or resetting a virtual directory as the
 * server's own machine account (CORP\EXCH01$): ProxyLogon's SSRF wrote
 * the OAB directory's ExternalUrl with a script, then reset it to a file
 * (CVE-2021-27065). An administrator doing the same in ECP is logged
 * under their own name and is left alone. */
static void ddi_vdir(struct detect_ctx *d, struct log_rec *r, const char *iso)
{
	struct view q = log_get(r, d->i[4]), user = log_get(r, d->i[5]);
	struct view st = log_get(r, d->i[8]), ip, ua;
	char qbuf[1024], detail[700];
	struct finding *f;
	bool reset, ok;

	if (!user.len || user.p[user.len - 1] != '$')
		return;
	q = url_decode_lower(q, qbuf, sizeof qbuf);
	if (!has_ci(q, "virtualdirectory"))
		return;
	reset = has_ci(q, "schema=reset");
	ok = status_in(st, "200");
	ip = log_get(r, d->i[6]);
	ua = log_get(r, d->i[7]);
	snprintf(detail, sizeof detail,
	         "ECP's DDIService SetObject (%.*s) as the machine account "
	         "%.*s, status %.*s: %s",
	         (int)(q.len > 200 ? 200 : q.len), q.p,
	         (int)(user.len > 80 ? 80 : user.len), user.p,
	         (int)(st.len > 6 ? 6 : st.len), st.p,
	         reset ? "a virtual directory reset to a file through the "
	                 "SSRF (ProxyLogon's write)"
	               : "a virtual directory's settings written through the "
	                 "SSRF (ProxyLogon puts its script in ExternalUrl so)");
	f = hunt_add(d->h, reset ? "vdir-reset" : "vdir-set-ssrf", HC_27065,
	             ok ? HL_EXPLOITED : HL_ATTEMPTED,
	             ok ? (reset ? SEV_CRITICAL : SEV_HIGH) : SEV_MEDIUM,
	             d->path, r->line, detail);
	stamp(f, (struct view){iso, strlen(iso)}, ip, ua);
}

/* A request for a script where back doors are dropped, kept to be joined
 * with the back doors found (hunt/webreq.c). */
static void web_request(struct detect_ctx *d, struct log_rec *r,
                        const char *iso, struct view stem)
{
	webreq_note(d->h, stem, iso, log_get(r, d->i[8]), log_get(r, d->i[2]),
	            log_get(r, d->i[6]), log_get(r, d->i[7]), d->path,
	            r->line);
}

static void iis_quick(struct detect_ctx *d, struct log_rec *r, const char *iso)
{
	const char *p = r->raw.p, *end = p + r->raw.len, *s, *e;

	if (d->i[3] != d->i[2] + 1 || d->i[2] < 0) {
		if (dunder_viewstate(r->raw))
			viewstate_query(d, r, iso);
		if (find_lit(p, end, "POST", 4))
			static_post(d, r, iso);
		if (d->i[3] >= 0 && webreq_wanted(log_get(r, d->i[3])))
			web_request(d, r, iso, log_get(r, d->i[3]));
		if (d->i[3] >= 0 &&
		    ends_ci(log_get(r, d->i[3]), "/SetObject"))
			ddi_vdir(d, r, iso);
		return;
	}
	if (!(s = memchr(p, '/', r->raw.len)))
		return;
	if (!(e = memchr(s, ' ', (size_t)(end - s))))
		e = end;
	if (webreq_wanted((struct view){s, (size_t)(e - s)}))
		web_request(d, r, iso, (struct view){s, (size_t)(e - s)});
	if (ends_ci((struct view){s, (size_t)(e - s)}, "/SetObject"))
		ddi_vdir(d, r, iso);
	/* a stem with no escape is judged as it stands (most of ECP's
	 * posts go to its services); one with escapes is decoded first */
	if (s - p >= 5 && !memcmp(s - 5, "POST ", 5) &&
	    (memchr(s, '%', (size_t)(e - s)) ||
	     static_file((struct view){s, (size_t)(e - s)})))
		static_post(d, r, iso);
	if (e - s >= 5 && !strncasecmp(e - 5, ".aspx", 5) &&
	    dunder_viewstate((struct view){e, (size_t)(end - e)}))
		viewstate_query(d, r, iso);
}

/* Whether stem (decoded, lower case) is a static file of ECP or OWA's
 * sign-in folder: a script, style, filter or image no client posts to.
 * ProxyLogon's SSRF was posted to such paths (/ecp/y.js, /ecp/main.css,
 * /ecp/default.flt, /owa/auth/Current/themes/resources/...), its real
 * target in the X-BEResource cookie, which the log does not keep. */
static bool static_file(struct view stem)
{
	static const char *const exts[] = {".js",   ".css", ".flt", ".gif",
	                                   ".png",  ".jpg", ".svg", ".ttf",
	                                   ".woff", ".eot", ".ico", NULL};
	size_t k;

	if (!view_starts_ci(stem, VIEW_LIT("/ecp/")) &&
	    !view_starts_ci(stem, VIEW_LIT("/owa/auth/")))
		return false;
	for (k = 0; exts[k]; k++)
		if (ends_ci(stem, exts[k]))
			return true;
	return false;
}

static void static_post(struct detect_ctx *d, struct log_rec *r,
                        const char *iso)
{
	struct view method = log_get(r, d->i[2]), stem, st, ip, ua;
	char sbuf[512], detail[700];
	struct finding *f;
	bool ok;

	if (!view_eq_ci(method, VIEW_LIT("POST")))
		return;
	stem = url_decode_lower(log_get(r, d->i[3]), sbuf, sizeof sbuf);
	if (!static_file(stem))
		return;
	st = log_get(r, d->i[8]);
	ip = log_get(r, d->i[6]);
	ua = log_get(r, d->i[7]);
	ok = status_in(st, "200 241");
	snprintf(
	    detail, sizeof detail,
	    "POST %.*s, status %.*s: a static file of ECP or OWA's sign-in "
	    "no client posts to; ProxyLogon's SSRF (CVE-2021-26855) was "
	    "sent so, its target in a cookie the log does not keep%s",
	    (int)(stem.len > 300 ? 300 : stem.len), stem.p,
	    (int)(st.len > 6 ? 6 : st.len), st.p,
	    ok ? "; answered 200: the back end took it" : "");
	f = hunt_add(d->h, ok ? "ssrf-static-post" : "ssrf-static-attempt",
	             HC_26855, ok ? HL_EXPLOITED : HL_ATTEMPTED,
	             ok ? SEV_HIGH : SEV_MEDIUM, d->path, r->line, detail);
	stamp(f, (struct view){iso, strlen(iso)}, ip, ua);
}

/* CVE-2020-0688 and its kind: a forged ViewState sent in the query
 * string (a form posts its own in the body, which the log does not
 * keep). One that carries a gadget was an attempt to run code: on
 * Exchange's ECP before the February 2020 update (one key on every
 * server) it ran as SYSTEM, and the answer is 500 either way. */
static void viewstate_query(struct detect_ctx *d, struct log_rec *r,
                            const char *iso)
{
	struct view stem = log_get(r, d->i[3]), query = log_get(r, d->i[4]);
	struct view ip = log_get(r, d->i[6]), ua = log_get(r, d->i[7]);
	struct view st = log_get(r, d->i[8]);
	long at = view_find_ci(query, VIEW_LIT("__viewstate="));
	const char *g;
	char detail[900];
	struct finding *f;
	size_t len;

	if (at < 0)
		return;
	query.p += at + 12;
	query.len -= (size_t)at + 12;
	for (len = 0; len < query.len && query.p[len] != '&'; len++)
		;
	g = detect_b64_gadget((struct view){query.p, len});
	if (!g && len < 1000)
		return;
	snprintf(detail, sizeof detail,
	         "%s ViewState of %zu characters in the query of %.*s, status "
	         "%.*s%s%s%s",
	         g ? "a forged" : "a", len,
	         (int)(stem.len > 200 ? 200 : stem.len), stem.p,
	         (int)(st.len > 6 ? 6 : st.len), st.p,
	         g ? ", carrying a deserialization gadget (" : "", g ? g : "",
	         g ? "): CVE-2020-0688 on Exchange's ECP; without the "
	             "February 2020 update (or with keys that leaked) it ran "
	             "code as SYSTEM, whatever the status"
	           : ": forms post theirs in the body; check what sent it");
	f = hunt_add(d->h, g ? "viewstate-exploit" : "viewstate-in-query", -1,
	             HL_ATTEMPTED, g ? SEV_HIGH : SEV_MEDIUM, d->path, r->line,
	             detail);
	stamp(f, (struct view){iso, strlen(iso)}, ip, ua);
}

/* The value of cookie name (with its '=') in a logged Cookie header, to
 * ';', a space or the end; empty when absent. */
static struct view cookie_value(struct view raw, const char *name)
{
	long at = view_find_ci(raw, view_of(name));
	size_t i, n = strlen(name);

	if (at < 0)
		return (struct view){"", 0};
	raw.p += at + (long)n;
	raw.len -= (size_t)at + n;
	for (i = 0; i < raw.len && raw.p[i] != ';' && raw.p[i] != ' ' &&
	            raw.p[i] != ',';
	     i++)
		;
	return (struct view){raw.p, i};
}

/* ProxyLogon's SSRF named its back-end target in a cookie: X-BEResource
 * (or X-AnonResource-Backend) = host/path?...~version. IIS keeps it only
 * where cs(Cookie) is logged; EOMT's rewrite rule blocks the same shape.
 * Answered 200 or 241, the front end proxied it. */
static void cookie_ssrf(struct detect_ctx *d, struct log_rec *r,
                        const char *iso)
{
	static const char *const names[] = {"X-BEResource=",
	                                    "X-AnonResource-Backend=", NULL};
	struct view v = {"", 0}, st, stem, ip, ua;
	char detail[700], vbuf[400];
	struct finding *f;
	bool ok;
	int k;

	for (k = 0; names[k]; k++) {
		v = cookie_value(r->raw, names[k]);
		v = url_decode_lower(v, vbuf, sizeof vbuf);
		if (memchr(v.p, '/', v.len) && memchr(v.p, '~', v.len))
			break;
	}
	if (!names[k])
		return;
	st = log_get(r, d->i[8]);
	stem = log_get(r, d->i[3]);
	ip = log_get(r, d->i[6]);
	ua = log_get(r, d->i[7]);
	ok = status_in(st, "200 241");
	snprintf(detail, sizeof detail,
	         "%.*s with cookie %s%.*s, status %.*s: ProxyLogon's SSRF "
	         "naming its back-end target%s",
	         (int)(stem.len > 200 ? 200 : stem.len), stem.p, names[k],
	         (int)(v.len > 200 ? 200 : v.len), v.p,
	         (int)(st.len > 6 ? 6 : st.len), st.p,
	         ok ? "; answered: the front end proxied it" : "");
	f = hunt_add(d->h, ok ? "ssrf-cookie" : "ssrf-cookie-attempt",
	             HC_26855, ok ? HL_EXPLOITED : HL_ATTEMPTED,
	             ok ? SEV_HIGH : SEV_MEDIUM, d->path, r->line, detail);
	stamp(f, (struct view){iso, strlen(iso)}, ip, ua);
}

int detect_iis(void *vctx, const struct log_fields *fl, struct log_rec *r)
{
	struct detect_ctx *d = vctx;
	struct view date, time, method, stem, query, user, ip, ua, st, q, s;
	char qbuf[2048], sbuf[1024], iso[40], detail[1200];
	struct finding *f;
	bool anon;

	if (!fl)
		return 0;
	if (d->bound != fl || d->gen != fl->gen) {
		d->bound = fl;
		d->gen = fl->gen;
		d->i[0] = log_field(fl, "date");
		d->i[1] = log_field(fl, "time");
		d->i[2] = log_field(fl, "cs-method");
		d->i[3] = log_field(fl, "cs-uri-stem");
		d->i[4] = log_field(fl, "cs-uri-query");
		d->i[5] = log_field(fl, "cs-username");
		d->i[6] = log_field(fl, "c-ip");
		d->i[7] = log_field(fl, "cs(User-Agent)");
		d->i[8] = log_field(fl, "sc-status");
		d->i[9] = log_field(fl, "cs(Cookie)");
		if (d->i[8] < 0 && !d->i[15]) { /* once per log */
			d->i[15] = 1;
			d->h->iis_no_status++;
		}
	}
	if (d->i[0] == 0 && d->i[1] == 1 && r->raw.len >= 19 &&
	    r->raw.p[10] == ' ') {
		memcpy(iso, r->raw.p, 19);
		iso[10] = 'T';
		iso[19] = 'Z';
		iso[20] = '\0';
	} else {
		date = log_get(r, d->i[0]);
		time = log_get(r, d->i[1]);
		snprintf(iso, sizeof iso, "%.*sT%.*sZ",
		         (int)(date.len > 10 ? 10 : date.len), date.p,
		         (int)(time.len > 8 ? 8 : time.len), time.p);
	}
	hunt_cover(d->h, LS_IIS, iso);
	iis_quick(d, r, iso);
	/* a site that logs cookies (cs(Cookie)) keeps ProxyLogon's target */
	if (d->i[9] >= 0 && memmem(r->raw.p, r->raw.len, "Resource", 8))
		cookie_ssrf(d, r, iso);
	/* Everything below needs one of these in the line. */
	if (!find_fast(r->raw, "json") && !find_fast(r->raw, "owershell") &&
	    !memchr(r->raw.p, '@', r->raw.len) && !find_fast(r->raw, "%40"))
		return 0;
	stem = log_get(r, d->i[3]);
	/* Cheap rejection first: everything below is about these stems. */
	if (!has_ci(stem, "autodiscover.json") &&
	    !has_ci(stem, "/powershell") &&
	    !(view_starts_ci(stem, VIEW_LIT("/ecp/")) &&
	      memchr(stem.p, '@', stem.len)))
		return 0;
	method = log_get(r, d->i[2]);
	query = log_get(r, d->i[4]);
	user = log_get(r, d->i[5]);
	ip = log_get(r, d->i[6]);
	ua = log_get(r, d->i[7]);
	st = log_get(r, d->i[8]);
	q = url_decode_lower(query, qbuf, sizeof qbuf);
	s = url_decode_lower(stem, sbuf, sizeof sbuf);
	anon = user.len == 0 || view_eq(user, VIEW_LIT("-"));
	static const char status_unlogged[] =
	    "not logged (so it may have succeeded)";

	snprintf(detail, sizeof detail, "%.*s %.*s?%.*s status %.*s user %.*s",
	         (int)(method.len > 10 ? 10 : method.len), method.p,
	         (int)(stem.len > 300 ? 300 : stem.len), stem.p,
	         (int)(query.len > 600 ? 600 : query.len), query.p,
	         /* a log without sc-status cannot tell "exploited" */
	         st.len ? (int)(st.len > 6 ? 6 : st.len)
	                : (int)sizeof status_unlogged - 1,
	         st.len ? st.p : status_unlogged,
	         (int)(user.len > 100 ? 100 : user.len), user.p);
	if (autodiscover_ssrf(d, r, iso, s, q, st, anon, ip, ua, detail))
		return 0;
	/* The back-end site's view of ProxyShell: /powershell with the
	 * forged token in the query (W3SVC2, port 444). */
	if (view_starts_ci(s, VIEW_LIT("/powershell")) &&
	    has_ci(q, "x-rps-cat=")) {
		char who[200], full[1600];
		bool ok = status_in(st, "200");
		rps_cat_user(q, who, sizeof who);
		snprintf(full, sizeof full, "%s%s%s", detail,
		         who[0] ? "; token impersonates " : "", who);
		f = hunt_add(
		    d->h, ok ? "proxyshell-powershell" : "proxyshell-attempt",
		    HC_34523, ok ? HL_EXPLOITED : HL_ATTEMPTED,
		    ok ? SEV_CRITICAL : SEV_MEDIUM, d->path, r->line, full);
		stamp(f, (struct view){iso, strlen(iso)}, ip, ua);
		if (ok) {
			f = hunt_add(d->h, "proxyshell-ssrf", HC_34473,
			             HL_EXPLOITED, SEV_HIGH, d->path, r->line,
			             full);
			stamp(f, (struct view){iso, strlen(iso)}, ip, ua);
		}
		return 0;
	}
	/* OWASSRF: POST /owa/<address>/powershell answered 200. */
	if (owassrf_shape(s, method, ua) && !has_ci(ua, "ClientInfo")) {
		owassrf_report(d, r, iso, st, ip, ua, detail);
		return 0;
	}
	/* ProxyToken: /ecp/<x>@<y>/... with a SecurityToken or a new inbox
	 * rule (a forwarding rule set on someone else's mailbox). */
	if (view_starts_ci(s, VIEW_LIT("/ecp/")) && memchr(s.p, '@', s.len) &&
	    (has_ci(s, "inboxrules.svc/newobject") ||
	     has_ci(q, "securitytoken"))) {
		bool ok = status_in(st, "200 500");
		f = hunt_add(d->h, ok ? "proxytoken" : "proxytoken-attempt",
		             HC_33766, ok ? HL_EXPLOITED : HL_ATTEMPTED,
		             ok ? SEV_HIGH : SEV_MEDIUM, d->path, r->line,
		             detail);
		stamp(f, (struct view){iso, strlen(iso)}, ip, ua);
	}
	return 0;
}

/* --- Cmdlet traces (CmdletInfra, exported MSExchange Management) ------ */

/* A letter, digit, '-' or '_': a cmdlet's or a flag's name goes on. */
static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Whether raw names the cmdlet (a whole name: Set-Mailbox is not
 * Set-MailboxDatabase). */
static bool cmdlet_in(struct view raw, const char *name)
{
	struct view rest = raw;
	size_t n = strlen(name);
	long at;

	while ((at = view_find_ci(rest, view_of(name))) >= 0) {
		size_t end = (size_t)at + n;
		if ((at == 0 || !ident_char(rest.p[at - 1])) &&
		    (end >= rest.len || !ident_char(rest.p[end])))
			return true;
		rest.p += end;
		rest.len -= end;
	}
	return false;
}

/* The value of a cmdlet's flag in raw (quotes dropped), lower-cased,
 * into path; "" when the flag is absent. The flag is a whole word: its
 * name is not the start of a longer one (-CopyTo is not -CopyToFolder).
 * ECP's log writes ".Name='value'": a flag ending in '=' finds that. */
static void flag_value(struct view raw, const char *flag, char *path,
                       size_t cap)
{
	struct view rest = raw;
	size_t flen = strlen(flag), i = 0, n = 0;
	long at;

	path[0] = '\0';
	if (cap == 0)
		return;
	for (;;) {
		if ((at = view_find_ci(rest, view_of(flag))) < 0)
			return;
		i = (size_t)(rest.p - raw.p) + (size_t)at + flen;
		if (i >= raw.len || !ident_char(raw.p[i]) ||
		    flag[flen - 1] == '=')
			break;
		rest = (struct view){raw.p + i, raw.len - i};
	}
	while (i < raw.len && (raw.p[i] == ' ' || raw.p[i] == '"' ||
	                       raw.p[i] == '\'' || raw.p[i] == ':'))
		i++;
	while (i < raw.len && n + 1 < cap && raw.p[i] != '"' &&
	       raw.p[i] != '\'' &&
	       !(raw.p[i] == ' ' && i + 1 < raw.len && raw.p[i + 1] == '-')) {
		char c = raw.p[i++];
		path[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	path[n] = '\0';
	while (n && path[n - 1] == ' ')
		path[--n] = '\0';
}

/* Whether a flag's value (flag_value) ends in a type IIS runs as code,
 * or points into a web folder. */
static bool script_path(const char *path)
{
	const char *base;

	if (!path[0])
		return false;
	base = strrchr(path, '\\');
	base = base ? base + 1 : path;
	if (detect_is_code_name(base))
		return true;
	return strstr(path, "\\inetpub\\") || strstr(path, "\\httpproxy\\") ||
	       strstr(path, "aspnet_client") ||
	       strstr(path, "\\clientaccess\\");
}

static bool flag_to_script(struct view raw, const char *flag)
{
	char to[512];

	flag_value(raw, flag, to, sizeof to);
	return script_path(to);
}

/* A mailbox exported into a folder attackers stage in (not a web folder:
 * script_path), ready to be carried off. */
static bool drop_path(const char *path)
{
	static const char *const drops[] = {"\\programdata\\",
	                                    "\\temp\\",
	                                    "\\users\\public\\",
	                                    "\\perflogs\\",
	                                    "\\windows\\",
	                                    "\\recycle",
	                                    NULL};

	return detect_any(path, drops);
}

static void add_cmdlet(struct hunt *h, const char *path, uint64_t line,
                       const char *iso, const char *kind, int cve,
                       enum hunt_level level, enum severity sev,
                       const char *detail)
{
	struct finding *f = hunt_add(h, kind, cve, level, sev, path, line, detail);

	if (f)
		snprintf(f->time, sizeof f->time, "%s", iso);
}

/* A parameter's value, lower case: "-Name value" in the cmdlet logs and
 * the event log, ".Name='value'" in ECP's; "" when absent. */
static void param_value(struct view raw, const char *name, char *out,
                        size_t cap)
{
	char flag[64];

	snprintf(flag, sizeof flag, "-%s", name);
	flag_value(raw, flag, out, cap);
	if (!out[0]) {
		snprintf(flag, sizeof flag, ".%s=", name);
		flag_value(raw, flag, out, cap);
	}
}

/* Whether a parameter is given and does something: a value that is not
 * $null, $false or an empty list (how a setting is taken away). */
static bool param_on(struct view raw, const char *name)
{
	static const char *const off[] = {"$null", "$false", "false", "0",
	                                  "@()",   "none",   "\"\"", NULL};
	char v[256];
	int k;

	param_value(raw, name, v, sizeof v);
	if (!v[0])
		return false;
	for (k = 0; off[k]; k++)
		if (!strcmp(v, off[k]))
			return false;
	return true;
}

static bool param_has(struct view raw, const char *name, const char *word)
{
	char v[256];

	param_value(raw, name, v, sizeof v);
	return strstr(v, word) != NULL;
}

/* Mail opened, copied or sent on beyond its owner: what an intruder came
 * for, and a way to go on reading it once the web shells are gone
 * (impersonation for EWS, full access, forwarding rules, a transport
 * rule's blind copy, searches, audit switched off). Administrators do
 * some of this for delegates, shared mailboxes and journals, so most
 * are leads to check; high where nobody needs it (every mailbox read,
 * all mail copied, the audit silenced, forwarding that hides itself). */
static void mail_access(struct hunt *h, const char *path, uint64_t line,
                        const char *iso, struct view raw, bool failed,
                        const char *detail)
{
	const char *kind = NULL;
	enum severity sev = SEV_MEDIUM;

	if (cmdlet_in(raw, "New-ManagementRoleAssignment")) {
		if (param_has(raw, "Role", "applicationimpersonation"))
			kind = "impersonation-role", sev = SEV_HIGH;
		else if (param_has(raw, "Role", "mailbox search"))
			kind = "search-role";
	} else if (cmdlet_in(raw, "Add-RoleGroupMember")) {
		if (has_ci(raw, "Organization Management"))
			kind = "org-admin-added", sev = SEV_HIGH;
		else if (has_ci(raw, "Discovery Management"))
			kind = "search-role";
	} else if (cmdlet_in(raw, "Add-MailboxPermission")) {
		static const char *const broad[] = {
		    "everyone", "anonymous", "authenticated users", "domain users",
		    "nt authority", NULL};
		char who[256];
		param_value(raw, "User", who, sizeof who);
		/* a delegate or a shared mailbox's members are routine */
		if (param_has(raw, "AccessRights", "fullaccess"))
			kind = "mailbox-full-access",
			sev = detect_any(who, broad) ? SEV_HIGH : SEV_INFO;
	} else if (cmdlet_in(raw, "Add-MailboxFolderPermission") ||
	           cmdlet_in(raw, "Set-MailboxFolderPermission")) {
		/* a mail folder opened to everyone in the organization
		 * (Default) or to anyone (Anonymous): any account, or none,
		 * reads it through EWS; a calendar or contacts shared so is
		 * routine */
		static const char *const everyone[] = {
		    "default", "anonymous", "everyone", "authenticated users",
		    "domain users", NULL};
		static const char *const reading[] = {
		    "reviewer", "readitems", "owner", "editor", "author",
		    "fullaccess", NULL};
		static const char *const shared[] = {
		    "calendar", "kalender", "calendrier", "agenda",
		    "calendario", "contacts", "kontakte", "tasks", NULL};
		char who[256], rights[256], id[512];
		param_value(raw, "User", who, sizeof who);
		param_value(raw, "AccessRights", rights, sizeof rights);
		param_value(raw, "Identity", id, sizeof id);
		if (detect_any(who, everyone) && detect_any(rights, reading) &&
		    !detect_any(id, shared))
			kind = "mailbox-folder-open",
			sev = strstr(who, "anonymous") ? SEV_HIGH : SEV_MEDIUM;
	} else if (cmdlet_in(raw, "Add-ADPermission")) {
		/* Receive-As on a database or server: every mailbox in it */
		if (param_has(raw, "ExtendedRights", "receive-as") ||
		    param_has(raw, "AccessRights", "genericall"))
			kind = "mailbox-full-access", sev = SEV_HIGH;
	} else if (cmdlet_in(raw, "New-InboxRule") ||
	           cmdlet_in(raw, "Set-InboxRule")) {
		if (param_on(raw, "ForwardTo") ||
		    param_on(raw, "ForwardAsAttachmentTo") ||
		    param_on(raw, "RedirectTo")) {
			kind = "inbox-rule-forward";
			/* and the owner never sees what went */
			if (param_on(raw, "DeleteMessage") ||
			    param_on(raw, "MarkAsRead") ||
			    param_has(raw, "MoveToFolder", "rss") ||
			    param_has(raw, "MoveToFolder", "deleted") ||
			    param_has(raw, "MoveToFolder", "conversation history"))
				sev = SEV_HIGH;
		}
	} else if (cmdlet_in(raw, "Set-Mailbox")) {
		/* to an address anywhere; a recipient of the organization
		 * (ForwardingAddress) is a leaver's mail kept in the house */
		if (param_on(raw, "ForwardingSmtpAddress"))
			kind = "mailbox-forwarding";
		else if (param_on(raw, "ForwardingAddress"))
			kind = "mailbox-forwarding", sev = SEV_INFO;
		else if (param_has(raw, "AuditEnabled", "false"))
			kind = "audit-off";
	} else if (cmdlet_in(raw, "New-TransportRule") ||
	           cmdlet_in(raw, "Set-TransportRule")) {
		if (param_on(raw, "BlindCopyTo") ||
		    param_on(raw, "RedirectMessageTo") ||
		    param_on(raw, "AddToRecipients") ||
		    param_on(raw, "CopyTo"))
			kind = "transport-rule-copy", sev = SEV_HIGH;
	} else if (cmdlet_in(raw, "New-JournalRule")) {
		kind = "journal-rule";
	} else if (cmdlet_in(raw, "New-MailboxSearch") ||
	           cmdlet_in(raw, "Search-Mailbox") ||
	           cmdlet_in(raw, "New-ComplianceSearch") ||
	           cmdlet_in(raw, "New-ComplianceSearchAction")) {
		/* eDiscovery is a compliance officer's work; one after
		 * passwords is an intruder's */
		static const char *const secrets[] = {
		    "password", "passwort", "credential", "vpn", "secret",
		    "kennwort", "mot de passe", NULL};
		char q[256];
		param_value(raw, "SearchQuery", q, sizeof q);
		if (!q[0])
			param_value(raw, "ContentMatchQuery", q, sizeof q);
		kind = "mailbox-search";
		sev = detect_any(q, secrets) ? SEV_MEDIUM : SEV_INFO;
	} else if (cmdlet_in(raw, "Set-AdminAuditLogConfig")) {
		if (param_has(raw, "AdminAuditLogEnabled", "false"))
			kind = "audit-off", sev = SEV_HIGH;
	} else if (cmdlet_in(raw, "Set-MailboxAuditBypassAssociation")) {
		if (param_on(raw, "AuditBypassEnabled"))
			kind = "audit-off", sev = SEV_HIGH;
	}
	if (!kind)
		return;
	if (failed) /* tried and refused: nothing was granted */
		sev = sev == SEV_HIGH ? SEV_MEDIUM : sev > SEV_LOW ? SEV_LOW : sev;
	add_cmdlet(h, path, line, iso, kind, HC_NONE, HL_NOT_SEEN, sev, detail);
}

bool detect_cmdlet_named(struct view s)
{
	static const char *const names[] = {
	    "MailboxExportRequest", "ManagementRoleAssignment",
	    "TransportAgent",       "VirtualDirectory",
	    "ExchangeCertificate",  "InboxRule",
	    "Set-Mailbox",          "MailboxPermission",
	    "ADPermission",         "TransportRule",
	    "JournalRule",          "MailboxSearch",
	    "Search-Mailbox",       "ComplianceSearch",
	    "RoleGroupMember",      "AdminAuditLogConfig",
	    "AuditBypass",          "MailboxFolderPermission",
	    NULL};

	for (int k = 0; names[k]; k++)
		if (view_find_ci(s, view_of(names[k])) >= 0)
			return true;
	return false;
}

void detect_cmdlet_text(struct hunt *h, const char *path, uint64_t line,
                        const char *iso, struct view raw, bool failed)
{
	char detail[700], to[512];
	/* a cmdlet that failed was tried, not done */
	enum hunt_level done = failed ? HL_ATTEMPTED : HL_EXPLOITED;

	snprintf(detail, sizeof detail, "%s%.*s", failed ? "(failed) " : "",
	         (int)(raw.len > 500 ? 500 : raw.len), raw.p);
	if (has_ci(raw, "New-MailboxExportRequest")) {
		/* ProxyShell's drop: a mailbox exported as a script. */
		flag_value(raw, "-FilePath", to, sizeof to);
		if (script_path(to))
			add_cmdlet(h, path, line, iso, "mailbox-export-to-aspx",
			           HC_31207, done, SEV_CRITICAL, detail);
		else
			/* mail carried off: staged where attackers stage;
			 * an administrator's export to a share is routine */
			add_cmdlet(h, path, line, iso, "mailbox-export",
			           HC_NONE, HL_NOT_SEEN,
			           drop_path(to) ? SEV_HIGH : SEV_INFO, detail);
	} else if (has_ci(raw, "New-ManagementRoleAssignment") &&
	           has_ci(raw, "Mailbox Import Export")) {
		add_cmdlet(h, path, line, iso, "import-export-role", HC_34523,
		           done, SEV_HIGH, detail);
	} else if (has_ci(raw, "Remove-MailboxExportRequest")) {
		add_cmdlet(h, path, line, iso, "export-request-removed",
		           HC_NONE, HL_NOT_SEEN, SEV_MEDIUM, detail);
	} else if (has_ci(raw, "New-ExchangeCertificate") &&
	           has_ci(raw, "RequestFile") &&
	           flag_to_script(raw, "-RequestFile")) {
		add_cmdlet(h, path, line, iso, "cert-request-to-aspx", HC_31207,
		           done, SEV_CRITICAL, detail);
	} else if (has_ci(raw, "VirtualDirectory") && has_ci(raw, "Set-") &&
	           has_ci(raw, "<script")) {
		add_cmdlet(h, path, line, iso, "vdir-url-script", HC_27065,
		           done, SEV_CRITICAL, detail);
	} else if (has_ci(raw, "Install-TransportAgent") ||
	           has_ci(raw, "Enable-TransportAgent")) {
		add_cmdlet(h, path, line, iso, "transport-agent", HC_NONE,
		           HL_NOT_SEEN, SEV_HIGH, detail);
	} else {
		mail_access(h, path, line, iso, raw, failed, detail);
	}
}

int detect_cmdlets(void *vctx, const struct log_fields *fl, struct log_rec *r)
{
	struct detect_ctx *d = vctx;
	struct view raw = r->raw;
	char iso[32];

	(void)fl;
	copy(iso, sizeof iso, raw);
	if (strlen(iso) >= 19)
		iso[19] = '\0';
	hunt_cover(d->h, LS_CMDLET, iso);
	detect_cmdlet_text(d->h, d->path, r->line, iso, raw, false);
	return 0;
}
