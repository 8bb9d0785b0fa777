#include "lab/persona.h"
#include "base/err.h"
#include "base/ip4.h"
#include "base/json.h"
#include "base/rng.h"
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/banned.h"

struct lab_mix {
	const char *name;
	const char *date; /* builds released after this are unknown */
	int weight[6];    /* 2007, 2010, 2013, 2016, 2019, SE (percent) */
	int not_exchange; /* percent of addresses */
	int eomt;         /* percent of ProxyLogon-vulnerable Exchange */
	int eems;         /* percent of ProxyNotShell-vulnerable Exchange */
	int shells;       /* percent of Exchange 2013+ with web shells */
	int fronts;       /* percent of Exchange 2013+ behind a WAF (3 kinds) */
	int catch_all;    /* percent of Exchange 2013+ answering 200 anywhere */
	int online;       /* percent of the others: Exchange Online doors */
	int deploys;      /* percent of Exchange 2013+ federated, behind a
	                   * pre-authenticating proxy or an inherited
	                   * redirect (a third each) */
	int pools;        /* percent of Exchange 2013+ in a mixed pool */
	int close_each;   /* percent of Exchange closing after each answer */
	bool hostile;     /* every address a hostile persona */
	int hostile_kind; /* that kind only (enum hostile); 0: each in turn */
	int sni_foreign;  /* percent of Exchange behind another site without
	                   * SNI */
	int twins;        /* percent of address pairs that are twins */
	int http_refused; /* percent of Exchange refusing plain HTTP (403.4
	                   * or a redirect to HTTPS, half each) */
	int conn_limits;  /* percent of Exchange behind a device that resets
	                   * a client's connections past two at once */
	int http_auth;    /* percent of Exchange (any version) otherwise
	                   * plain whose OWA asks for HTTP authentication */
	int mobile_only;  /* percent of Exchange 2013+ otherwise plain that
	                   * publish only what mail clients need */
};

/* Each mix names its fields: a new field is 0 in the mixes that do not
 * set it. */
/* clang-format off */
static const struct lab_mix mixes[] = {
    {.name = "2021-03", .date = "2021-03-16",
     .weight = {1, 10, 28, 41, 20, 0}, .not_exchange = 12, .eomt = 15,
     .shells = 12, .fronts = 3, .catch_all = 2, .online = 10, .deploys = 3,
     .pools = 2, .close_each = 3, .sni_foreign = 2, .twins = 1,
     .http_refused = 10, .conn_limits = 2, .http_auth = 3, .mobile_only = 2},
    {.name = "2021-08", .date = "2021-08-10",
     .weight = {1, 8, 25, 44, 22, 0}, .not_exchange = 12, .eomt = 5,
     .shells = 8, .fronts = 3, .catch_all = 2, .online = 10, .deploys = 3,
     .pools = 2, .close_each = 3, .sni_foreign = 2, .twins = 1,
     .http_refused = 10, .conn_limits = 2, .http_auth = 3, .mobile_only = 2},
    {.name = "2022-11", .date = "2022-11-15",
     .weight = {1, 5, 20, 44, 30, 0}, .not_exchange = 12, .eomt = 2,
     .eems = 40, .shells = 5, .fronts = 3, .catch_all = 2, .online = 10,
     .deploys = 3, .pools = 2, .close_each = 3, .sni_foreign = 2,
     .twins = 1, .http_refused = 10, .conn_limits = 2, .http_auth = 2, .mobile_only = 2},
    {.name = "current", .date = "2026-11-01",
     .weight = {0, 3, 12, 40, 35, 10}, .not_exchange = 12, .eems = 10,
     .shells = 3, .fronts = 3, .catch_all = 2, .online = 10, .deploys = 3,
     .pools = 2, .close_each = 3, .sni_foreign = 2, .twins = 1,
     .http_refused = 10, .conn_limits = 2, .http_auth = 2, .mobile_only = 2},
    /* What the real internet adds to a plain fleet, often enough to
     * test on a small range: devices in front, catch-all sites, old
     * products, federated and pre-authenticated logins, pools. */
    {.name = "variety", .date = "2021-08-10",
     .weight = {6, 10, 25, 37, 22, 0}, .not_exchange = 10, .eomt = 5,
     .shells = 15, .fronts = 30, .catch_all = 10, .online = 40,
     .deploys = 30, .pools = 15, .close_each = 15, .sni_foreign = 8,
     .twins = 8, .http_refused = 40, .conn_limits = 10, .http_auth = 15, .mobile_only = 10},
    /* Servers built against scanners, every kind in turn by address. */
    {.name = "hostile", .date = "2021-08-10",
     .weight = {0, 0, 0, 100, 0, 0}, .hostile = true},
    /* Only the memory attack: 15 KB of headers, a large body, a stall. */
    {.name = "hostile-stall", .date = "2021-08-10",
     .weight = {0, 0, 0, 100, 0, 0}, .hostile = true,
     .hostile_kind = H_BIG_STALL},
};
/* clang-format on */

const char *const lab_mix_names[] = {"2021-03",       "2021-08", "2022-11",
                                     "current",       "variety", "hostile",
                                     "hostile-stall", NULL};

int lab_world_init(struct lab_world *w, const struct kb *kb, const char *mix,
                   uint64_t seed)
{
	size_t m;
	int p, i;

	memset(w, 0, sizeof *w);
	w->kb = kb;
	w->seed = seed;
	for (m = 0; m < sizeof mixes / sizeof mixes[0]; m++)
		if (!mix || strcmp(mixes[m].name, mix) == 0)
			break;
	if (m == sizeof mixes / sizeof mixes[0])
		return EXH_EINVAL;
	w->mix = &mixes[m];
	for (p = 0; p < kb->nproducts; p++) {
		w->cands[p] = malloc((size_t)kb->nbuilds * sizeof(int));
		if (!w->cands[p]) {
			lab_world_release(w);
			return EXH_ENOMEM;
		}
		for (i = 0; i < kb->nbuilds; i++)
			if (kb->builds[i].product == p &&
			    strcmp(kb->builds[i].date, w->mix->date) <= 0)
				w->cands[p][w->ncands[p]++] = i;
	}
	return 0;
}

void lab_world_release(struct lab_world *w)
{
	int p;

	for (p = 0; p < KB_MAX_PRODUCTS; p++)
		free(w->cands[p]);
	memset(w->cands, 0, sizeof w->cands);
}

static int weight_product(const struct lab_world *w, struct rng *r)
{
	static const char *const names[] = {"2007", "2010", "2013",
	                                    "2016", "2019", "SE"};
	int roll = (int)rng_below(r, 100), k;

	for (k = 0; k < 6; k++) {
		int p = kb_product_find(w->kb, names[k]);
		roll -= w->mix->weight[k];
		if (roll < 0 && p >= 0 && w->ncands[p])
			return p;
	}
	return kb_product_find(w->kb, "2016");
}

/* Chooses a build of product p: a CU (recent ones likelier), then an
 * update of it (latest, release, or any). */
static build_t pick_build(const struct lab_world *w, int p, struct rng *r)
{
	const int *c = w->cands[p];
	int n = w->ncands[p], ncu = 0, i, cu_pick, lo = 0, hi, k;
	build_t cus[256];
	const struct kb_build *b = w->kb->builds;

	for (i = 0; i < n; i++)
		if ((ncu == 0 || cus[ncu - 1] != BUILD_CU(b[c[i]].build)) &&
		    ncu < 256)
			cus[ncu++] = BUILD_CU(b[c[i]].build);
	if (rng_below(r, 100) < 55)
		cu_pick = ncu - 1 - (int)rng_below(r, ncu >= 2 ? 2 : 1);
	else
		cu_pick = (int)rng_below(r, (uint64_t)ncu);
	while (lo < n && BUILD_CU(b[c[lo]].build) != cus[cu_pick])
		lo++;
	hi = lo;
	while (hi < n && BUILD_CU(b[c[hi]].build) == cus[cu_pick])
		hi++;
	k = (int)rng_below(r, 100);
	if (k < 35)
		return b[c[hi - 1]].build;
	if (k < 65)
		return b[c[lo]].build;
	return b[c[lo + (int)rng_below(r, (uint64_t)(hi - lo))]].build;
}

bool persona_vulnerable(const struct kb *kb, const char *cve, build_t b)
{
	int c = kb_cve_find(kb, cve);
	build_t fix;
	const char *upd;

	if (c < 0)
		return false;
	switch (kb_fix(kb, c, b, &fix, &upd)) {
	case FIX_AT_BUILD: return b < fix;
	case FIX_NONE: return true;
	default: return false;
	}
}

/* A second server of the same CU at another update that stands as p does
 * to the checks (the same answer to the ProxyLogon and ProxyShell probes),
 * so the pool's checks do not depend on which member answers. */
static void make_pool(const struct lab_world *w, struct persona *p,
                      struct rng *r)
{
	const struct kb *kb = w->kb;
	const int *c = w->cands[p->product];
	int n = w->ncands[p->product], i, pick = -1, seen = 0;

	for (i = 0; i < n; i++) {
		build_t b = kb->builds[c[i]].build;
		if (BUILD_CU(b) != BUILD_CU(p->build) || b == p->build ||
		    persona_vulnerable(kb, "CVE-2021-26855", b) !=
		        persona_vulnerable(kb, "CVE-2021-26855", p->build) ||
		    persona_vulnerable(kb, "CVE-2021-34473", b) !=
		        persona_vulnerable(kb, "CVE-2021-34473", p->build))
			continue;
		if (rng_below(r, (uint64_t)++seen) == 0)
			pick = c[i];
	}
	if (pick < 0)
		return;
	p->pool_build = kb->builds[pick].build;
	snprintf(p->pool_name, sizeof p->pool_name, "%.11s-B", p->name);
}

static void persona_base(const struct lab_world *w, uint32_t ip,
                         struct persona *p)
{
	struct rng r = {rng_mix(w->seed * 0x100000001b3ull ^ ip)};
	const struct kb *kb = w->kb;
	bool modern, bare;
	int k;

	memset(p, 0, sizeof *p);
	p->ip = ip;
	snprintf(p->hostname, sizeof p->hostname, "ex-%u-%u-%u-%u." LAB_ZONE,
	         ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
	snprintf(p->name, sizeof p->name, "EXCH-%06X",
	         (unsigned)(rng_mix(ip ^ w->seed) & 0xffffff));
	p->tls_max = TLS1_3_VERSION;
	if (w->mix->hostile) {
		p->kind = P_HOSTILE;
		p->hostile = w->mix->hostile_kind
		                 ? (enum hostile)w->mix->hostile_kind
		                 : (enum hostile)(1 + ip % (H_COUNT - 1));
		p->build = BUILD(15, 1, 2176, 2);
		p->product = kb_product_find(w->kb, "2016");
		return;
	}
	snprintf(p->cert_cn, sizeof p->cert_cn, "mail.o%06x.example",
	         (unsigned)(rng_mix(ip * 0x9e3779b9ull ^ w->seed) & 0xffffff));
	{
		/* Twins come in pairs of addresses, both Exchange. */
		struct rng t = {rng_mix((w->seed ^ 0x7417ull) + (ip & ~1u))};
		p->twin = (int)rng_below(&t, 100) < w->mix->twins;
	}
	if ((int)rng_below(&r, 100) < w->mix->not_exchange && !p->twin) {
		k = (int)rng_below(&r, 100);
		p->kind = k < w->mix->online ? P_ONLINE
		                             : (enum persona_kind)(1 + k % 3);
		return;
	}
	p->kind = P_EXCHANGE;
	p->product = weight_product(w, &r);
	p->build = pick_build(w, p->product, &r);
	modern = (p->build >> 48) >= 15;
	p->sni_only = rng_below(&r, 100) < 4;
	p->slow = rng_below(&r, 100) < 3;
	p->owa_header = modern && rng_below(&r, 100) < 45;
	p->manifest = modern && rng_below(&r, 100) < 30;
	p->eomt = modern &&
	          persona_vulnerable(kb, "CVE-2021-26855", p->build) &&
	          (int)rng_below(&r, 100) < w->mix->eomt;
	p->eems = modern &&
	          persona_vulnerable(kb, "CVE-2022-41040", p->build) &&
	          (int)rng_below(&r, 100) < w->mix->eems;
	/* Old Windows under old Exchange: TLS 1.0 only on half the 2010
	 * servers, 1.1 or 1.2 at most on 2013, 1.2 on some later ones. */
	k = (int)rng_below(&r, 100);
	if (!modern)
		p->tls_max = k < 50 ? TLS1_VERSION : TLS1_2_VERSION;
	else if ((p->build >> 32) == ((15ull << 16) | 0))
		p->tls_max = k < 20 ? TLS1_1_VERSION : TLS1_2_VERSION;
	else if (k < 30)
		p->tls_max = TLS1_2_VERSION;
	if (modern && kb->nwebshell_paths &&
	    (int)rng_below(&r, 100) < w->mix->shells) {
		p->nshells = 1 + (int)rng_below(&r, PERSONA_MAX_SHELLS);
		for (k = 0; k < p->nshells; k++) {
			int s, j;
		again:
			s = (int)rng_below(&r, (uint64_t)kb->nwebshell_paths);
			for (j = 0; j < k; j++)
				if (p->shells[j] == s)
					goto again;
			p->shells[k] = s;
		}
	}
	p->proxyshell_open =
	    modern && persona_vulnerable(kb, "CVE-2021-34473", p->build);
	/* Drawn last, so the rest of a fleet stays what it was. */
	if (modern) {
		k = (int)rng_below(&r, 100);
		if (k < w->mix->fronts) {
			p->front = (enum persona_front)(1 + k % 3);
			p->block_200 = (k / 3) % 2;
		} else if (k < w->mix->fronts + w->mix->catch_all) {
			p->catch_all = true;
		}
		k = (int)rng_below(&r, 100);
		if (k < w->mix->deploys)
			p->deploy = (enum persona_deploy)(1 + k % 3);
		p->owa_service = !p->owa_header && rng_below(&r, 100) < 30;
		if ((int)rng_below(&r, 100) < w->mix->pools)
			make_pool(w, p, &r);
	}
	p->close_each = (int)rng_below(&r, 100) < w->mix->close_each &&
	                !p->pool_build && !p->slow;
	p->sni_foreign = (int)rng_below(&r, 100) < w->mix->sni_foreign &&
	                 !p->sni_only && !p->twin;
	k = (int)rng_below(&r, 100);
	p->http = k < w->mix->http_refused / 2 ? HTTP_SSL_REQUIRED
	          : k < w->mix->http_refused   ? HTTP_TO_HTTPS
	                                       : HTTP_SERVE;
	/* Drawn last, so that the fleets drawn before it stay as they were. */
	p->conn_limit =
	    (int)rng_below(&r, 100) < w->mix->conn_limits ? LAB_CONN_LIMIT : 0;
	/* Drawn after that, for the same reason. (Not in a pool: its
	 * members' names show on too few answers to tell it one.) */
	bare = p->front == FRONT_NONE && !p->catch_all && !p->pool_build;
	if ((int)rng_below(&r, 100) < w->mix->http_auth &&
	    p->deploy == DEP_PLAIN && bare)
		p->deploy = DEP_HTTP_AUTH;
	if ((int)rng_below(&r, 100) < w->mix->mobile_only && modern &&
	    p->deploy == DEP_PLAIN && bare)
		p->deploy = DEP_MOBILE_ONLY;
	if (p->twin) {
		snprintf(p->name, sizeof p->name, "EXCHANGE");
		snprintf(p->cert_cn, sizeof p->cert_cn, "mail.o%06x.example",
		         (unsigned)(rng_mix((ip & ~1u) ^ w->seed) & 0xffffff));
		p->sni_only = false;
	}
}

bool persona_seen(const struct persona *p)
{
	return p->kind == P_EXCHANGE && p->deploy != DEP_PREAUTH;
}

void persona_visible(const struct persona *p, build_t *b, enum precision *pr)
{
	/* The ProxyShell check's answer names the exact build (owaVer in
	 * the error page's address) when nothing stands in front and the
	 * autodiscover path is not redirected away. */
	bool owaver = p->front == FRONT_NONE && p->proxyshell_open &&
	              p->deploy != DEP_REDIRECT;

	*pr = PREC_NONE;
	*b = 0;
	if (!persona_seen(p))
		return;
	*b = p->build;
	if (p->deploy == DEP_FEDERATED || p->deploy == DEP_HTTP_AUTH ||
	    p->deploy == DEP_MOBILE_ONLY) {
		/* OWA and ECP send every browser to AD FS, or ask for HTTP
		 * authentication: no logon page, no manifest, no version
		 * header; only the ProxyShell answer, which comes from the
		 * back end, names the build. */
		if (owaver && !p->pool_build) {
			*pr = PREC_SU;
		} else if (owaver) {
			*pr = PREC_CU;
			*b = BUILD_CU(p->build);
		} else {
			*b = 0;
		}
		return;
	}
	if ((p->build >> 48) < 15 ||
	    ((p->owa_header || p->owa_service || owaver) && !p->pool_build)) {
		*pr = PREC_SU;
	} else {
		/* A pool's members differ in their update: one member's
		 * exact build does not speak for the address. */
		*pr = PREC_CU;
		*b = BUILD_CU(p->build);
	}
}

/* Is the path (n bytes) one of dirs (NULL-terminated) or under it? */
static bool path_under(const char *path, size_t n, const char *const *dirs)
{
	for (; *dirs; dirs++) {
		size_t k = strlen(*dirs);
		if (n >= k && strncasecmp(path, *dirs, k) == 0 &&
		    (n == k || path[k] == '/' || path[k] == '?'))
			return true;
	}
	return false;
}

bool persona_auth_path(const char *path, size_t n)
{
	static const char *const dirs[] = {"/owa", "/ecp", NULL};

	return path_under(path, n, dirs);
}

bool persona_mobile_path(const char *path, size_t n)
{
	static const char *const dirs[] = {
	    "/microsoft-server-activesync", "/ews", "/autodiscover", "/mapi",
	    "/oab", "/rpc", NULL};

	return path_under(path, n, dirs);
}

bool persona_path_served(const struct lab_world *w, const struct persona *p,
                         int k)
{
	const char *path = w->kb->webshell_paths[k];

	if (p->deploy == DEP_HTTP_AUTH)
		return !persona_auth_path(path, strlen(path));
	if (p->deploy == DEP_MOBILE_ONLY)
		return persona_mobile_path(path, strlen(path));
	return p->deploy != DEP_REDIRECT || strncmp(path, "/owa/", 5) == 0;
}

void persona_checks(const struct lab_world *w, const struct persona *p,
                    struct persona_checks *c)
{
	bool modern = (p->build >> 48) >= 15;

	int k, served = 0;

	c->ssrf = c->proxyshell = CHK_NOT_RUN;
	c->mitigation = NULL;
	c->webshells = NULL;
	if (!persona_seen(p))
		return;
	for (k = 0; k < p->nshells; k++)
		served += persona_path_served(w, p, p->shells[k]);
	/* Paths redirected away by a site-wide rule cannot be told. */
	/* (A folder behind HTTP authentication cannot be looked into
	 * either.) */
	c->webshells = p->catch_all ? "cannot-tell"
	               : served     ? "found"
	               : p->deploy == DEP_REDIRECT ||
	                       p->deploy == DEP_HTTP_AUTH ||
	                       p->deploy == DEP_MOBILE_ONLY
	                   ? "incomplete"
	                   : "none-found";
	if (p->front == FRONT_WAF_RESET)
		c->ssrf = CHK_MITIGATED; /* a reset, as the EOMT rule does */
	else if (p->front != FRONT_NONE)
		c->ssrf = CHK_BLOCKED;
	else if (p->deploy == DEP_MOBILE_ONLY)
		c->ssrf = CHK_BLOCKED; /* the device refuses /owa first */
	else if (p->eomt)
		c->ssrf = CHK_MITIGATED;
	else if (p->deploy == DEP_HTTP_AUTH)
		c->ssrf = CHK_INCONCLUSIVE; /* asked for credentials first */
	else if (modern &&
	         persona_vulnerable(w->kb, "CVE-2021-26855", p->build))
		c->ssrf = CHK_VULNERABLE;
	else
		c->ssrf = CHK_NOT_VULNERABLE;
	if (!modern)
		c->proxyshell = CHK_INCONCLUSIVE;
	else if (p->front != FRONT_NONE || p->deploy == DEP_REDIRECT)
		c->proxyshell = CHK_BLOCKED;
	else if (persona_vulnerable(w->kb, "CVE-2021-34473", p->build))
		c->proxyshell = CHK_VULNERABLE;
	else
		c->proxyshell = CHK_NOT_VULNERABLE;
	/* Behind a device that resets attack-shaped requests, the
	 * mitigation probes see resets too. */
	if (p->front == FRONT_WAF_RESET)
		c->mitigation = "eomt+eems";
	else if (p->front != FRONT_NONE)
		c->mitigation = "none";
	else if (p->deploy == DEP_MOBILE_ONLY)
		/* the EOMT probe goes to /owa, which the device refuses */
		c->mitigation = p->eems ? "eems" : "none";
	else
		c->mitigation = p->eomt && p->eems ? "eomt+eems"
		                : p->eomt          ? "eomt"
		                : p->eems          ? "eems"
		                                   : "none";
}

const char *persona_tls_name(const struct persona *p)
{
	switch (p->tls_max) {
	case TLS1_VERSION: return "TLSv1";
	case TLS1_1_VERSION: return "TLSv1.1";
	case TLS1_2_VERSION: return "TLSv1.2";
	default: return "TLSv1.3";
	}
}

/* Days since 1970-01-01 of "YYYY-MM-DD" (civil calendar). */
static long days_of(const char *d)
{
	long y = strtol(d, NULL, 10), m = strtol(d + 5, NULL, 10),
	     dd = strtol(d + 8, NULL, 10), era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t lab_world_date(const struct lab_world *w)
{
	return ((int64_t)days_of(w->mix->date) + 14 * (int64_t)w->epoch) *
	           86400 +
	       12 * 3600;
}

/*
 * Epochs: the fleet a week or two later, and later again. Per epoch and
 * server, drawn from (seed, address, epoch): an unpatched server installs
 * the newest update of its CU released by then (35%), or, when its CU has
 * none, puts on the EOMT mitigation (50%); an unpatched one gains a web
 * shell (8%); a back-doored one is cleaned (25%). Patching does not remove
 * a back door, as in 2021.
 */
static void evolve(const struct lab_world *w, struct persona *p)
{
	const struct kb *kb = w->kb;
	uint32_t e;

	if (p->kind != P_EXCHANGE || (p->build >> 48) < 15)
		return;
	for (e = 1; e <= w->epoch; e++) {
		struct rng r = {
		    rng_mix((w->seed + e * 0x9e37ull) ^ (uint64_t)p->ip << 20)};
		long by = days_of(w->mix->date) + 14 * (long)e;
		bool open = persona_vulnerable(kb, "CVE-2021-26855", p->build);
		int roll = (int)rng_below(&r, 100), i;
		if (open && roll < 35) {
			build_t best = p->build;
			for (i = 0; i < kb->nbuilds; i++)
				if (BUILD_CU(kb->builds[i].build) ==
				        BUILD_CU(p->build) &&
				    kb->builds[i].build > best &&
				    days_of(kb->builds[i].date) <= by)
					best = kb->builds[i].build;
			if (best != p->build)
				p->build = best;
			else if (rng_below(&r, 2) == 0)
				p->eomt = true;
		}
		roll = (int)rng_below(&r, 100);
		if (open && !p->nshells && roll < 8 && kb->nwebshell_paths) {
			p->nshells = 1;
			p->shells[0] =
			    (int)rng_below(&r, (uint64_t)kb->nwebshell_paths);
		} else if (p->nshells && roll >= 75) {
			p->nshells = 0;
		}
	}
	/* EEMS applies only to what is still open to ProxyNotShell. */
	if (p->eems && !persona_vulnerable(kb, "CVE-2022-41040", p->build))
		p->eems = false;
	if (p->eomt && !persona_vulnerable(kb, "CVE-2021-26855", p->build))
		p->eomt = false;
	p->proxyshell_open = persona_vulnerable(kb, "CVE-2021-34473", p->build);
	if (p->pool_build &&
	    (BUILD_CU(p->pool_build) != BUILD_CU(p->build) ||
	     p->pool_build == p->build ||
	     persona_vulnerable(kb, "CVE-2021-26855", p->pool_build) !=
	         persona_vulnerable(kb, "CVE-2021-26855", p->build) ||
	     persona_vulnerable(kb, "CVE-2021-34473", p->pool_build) !=
	         p->proxyshell_open))
		p->pool_build = 0; /* the pool was patched as one */
}

/*
 * Moves: at each epoch the addresses of a /24 pair up (a with a ^ m, m
 * drawn per epoch) and 2% of the pairs swap what they host, so a server
 * shows up at another address under its own name. The address a server
 * started at (epoch 0) is its origin; its history is drawn from that.
 */
static uint32_t origin_of(const struct lab_world *w, uint32_t ip)
{
	uint32_t a = ip, e;

	for (e = w->epoch; e >= 1; e--) {
		uint32_t m =
		    1 +
		    (uint32_t)(rng_mix(w->seed ^ (e * 0x5bd1e995ull)) % 255);
		uint32_t lo = a < (a ^ m) ? a : a ^ m;
		struct rng r = {rng_mix((w->seed + e * 0x2545f491ull) ^
		                        ((uint64_t)lo << 24))};
		if (rng_below(&r, 100) < 2)
			a ^= m;
	}
	return a;
}

void persona_make(const struct lab_world *w, uint32_t ip, struct persona *p)
{
	if (!w->epoch) {
		persona_base(w, ip, p);
		return;
	}
	persona_base(w, origin_of(w, ip), p);
	evolve(w, p);
	p->ip = ip;
	snprintf(p->hostname, sizeof p->hostname, "ex-%u-%u-%u-%u." LAB_ZONE,
	         ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

static const char *front_word(enum persona_front f)
{
	static const char *const w[] = {"none", "waf-block", "waf-redirect",
	                                "waf-reset"};
	return w[f];
}

static const char *deploy_word(enum persona_deploy d)
{
	static const char *const w[] = {"plain", "federated", "preauth-proxy",
	                                "inherited-redirect", "http-auth",
	                                "mobile-only"};
	return w[d];
}

static const char *kind_word(enum persona_kind k)
{
	static const char *const w[] = {"exchange",        "iis",
	                                "nginx",           "default-page",
	                                "exchange-online", "hostile"};
	return w[k];
}

int persona_truth(const struct lab_world *w, const struct persona *p,
                  struct buf *out)
{
	const struct kb *kb = w->kb;
	char ip[IP4_STRLEN], bs[BUILD_STRLEN];
	struct judge_in in = {0};
	struct judge_out v;
	struct persona_checks c;
	int k, n;

	ip4_format(p->ip, ip);
	persona_visible(p, &in.build, &in.precision);
	persona_checks(w, p, &c);
	in.ssrf = c.ssrf;
	in.proxyshell = c.proxyshell;
	judge(kb, &in, &v);
	buf_printf(out, "{\"ip\":\"%s\",\"hostname\":", ip);
	json_cstr(out, p->hostname);
	buf_printf(out, ",\"persona\":\"%s\"", kind_word(p->kind));
	if (p->kind == P_HOSTILE) {
		static const char *const hw[] = {
		    "",          "tickets", "slowloris", "headers",
		    "chunks",    "length",  "big-stall", "reset",
		    "stall-tls", "loop",    "offhost",   "inject"};
		buf_printf(out, ",\"hostile\":\"%s\"", hw[p->hostile]);
	}
	buf_printf(out, ",\"exchange\":%s,\"visible\":%s",
	           p->kind == P_EXCHANGE ? "true" : "false",
	           persona_seen(p) ? "true" : "false");
	if (p->kind == P_EXCHANGE) {
		const struct kb_build *kbb = kb_nearest(kb, p->build);
		build_format(p->build, false, bs);
		buf_printf(out, ",\"product\":\"%s\",\"build\":\"%s\"",
		           kb->products[p->product].name, bs);
		buf_printf(out, ",\"cu\":\"%s\",\"update\":\"%s\"",
		           kbb ? kbb->cu : "", kbb ? kbb->update : "");
		build_format(in.build, in.precision == PREC_CU, bs);
		if (in.precision == PREC_NONE)
			buf_adds(out, ",\"visible_build\":null,"
			              "\"build_precision\":null");
		else
			buf_printf(out,
			           ",\"visible_build\":\"%s\",\"build_"
			           "precision\":\"%s\"",
			           bs, precision_word(in.precision));
		buf_printf(out,
		           ",\"shows\":{\"x_owa_version\":%s,"
		           "\"exporttool_manifest\":%s}",
		           p->owa_header ? "true" : "false",
		           p->manifest ? "true" : "false");
		buf_printf(out, ",\"mitigations\":{\"eomt\":%s,\"eems\":%s}",
		           p->eomt ? "true" : "false",
		           p->eems ? "true" : "false");
		buf_printf(out, ",\"server_name\":\"%s\"", p->name);
		buf_printf(out, ",\"deploy\":\"%s\",\"owa_service_header\":%s",
		           deploy_word(p->deploy),
		           p->owa_service ? "true" : "false");
		if (p->pool_build) {
			build_format(p->pool_build, false, bs);
			buf_printf(out,
			           ",\"pool\":{\"server_name\":\"%s\","
			           "\"build\":\"%s\"}",
			           p->pool_name, bs);
		}
	} else {
		buf_adds(out, ",\"product\":null,\"build\":null");
	}
	buf_printf(out, ",\"tls_version\":\"%s\"", persona_tls_name(p));
	if (p->kind == P_EXCHANGE) {
		buf_adds(out, ",\"cert_cn\":");
		json_cstr(out, p->cert_cn);
		buf_printf(out, ",\"sni_foreign\":%s,\"twin\":%s",
		           p->sni_foreign ? "true" : "false",
		           p->twin ? "true" : "false");
		buf_printf(out, ",\"http\":\"%s\"",
		           p->http == HTTP_SSL_REQUIRED ? "403.4"
		           : p->http == HTTP_TO_HTTPS   ? "redirect-https"
		                                        : "serve");
	}
	buf_printf(out,
	           ",\"sni_only\":%s,\"slow\":%s,\"close_each\":%s,"
	           "\"conn_limit\":%d",
	           p->sni_only ? "true" : "false", p->slow ? "true" : "false",
	           p->close_each ? "true" : "false", p->conn_limit);
	if (p->kind == P_EXCHANGE)
		buf_printf(out, ",\"front\":\"%s\",\"catch_all\":%s",
		           front_word(p->front),
		           p->catch_all ? "true" : "false");
	buf_adds(out, ",\"webshells\":[");
	/* Behind a catch-all site a scanner cannot tell shells apart. */
	for (k = 0, n = 0; !p->catch_all && persona_seen(p) && k < p->nshells;
	     k++) {
		if (!persona_path_served(w, p, p->shells[k]))
			continue;
		if (n++)
			buf_addc(out, ',');
		json_cstr(out, kb->webshell_paths[p->shells[k]]);
	}
	buf_adds(out, "],\"checks\":{");
	if (persona_seen(p))
		buf_printf(out,
		           "\"ssrf-26855\":\"%s\",\"proxyshell\":\"%s\","
		           "\"mitigation\":\"%s\",\"webshells\":\"%s\"",
		           check_word(c.ssrf), check_word(c.proxyshell),
		           c.mitigation, c.webshells);
	/* verdicts: what a scan by address alone reaches; an SNI-only server
	 * shows nothing without its name. verdicts_by_name: with the name. */
	buf_adds(out, "},\"verdicts\":");
	if ((p->sni_only || p->sni_foreign))
		buf_adds(out, "{}");
	else
		buf_latch(out, judge_json(kb, &v, false, out));
	buf_adds(out, ",\"verdicts_by_name\":");
	buf_latch(out, judge_json(kb, &v, false, out));
	buf_adds(out, "}\n");
	return buf_error(out);
}
