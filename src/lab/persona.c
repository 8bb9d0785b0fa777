#include "lab/persona.h"
#include "base/err.h"
#include "base/ip4.h"
#include "base/json.h"
#include "base/rng.h"
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

struct lab_mix {
	const char *name;
	const char *date; /* builds released after this are unknown */
	int weight[5];    /* 2010, 2013, 2016, 2019, SE (percent) */
	int not_exchange; /* percent of addresses */
	int eomt;         /* percent of ProxyLogon-vulnerable Exchange */
	int eems;         /* percent of ProxyNotShell-vulnerable Exchange */
	int shells;       /* percent of Exchange 2013+ with web shells */
	int fronts;       /* percent of Exchange 2013+ behind a WAF (3 kinds) */
	int catch_all;    /* percent of Exchange 2013+ answering 200 anywhere */
};

static const struct lab_mix mixes[] = {
    {"2021-03", "2021-03-16", {10, 28, 42, 20, 0}, 12, 15, 0, 12, 3, 2},
    {"2021-08", "2021-08-10", {8, 25, 45, 22, 0}, 12, 5, 0, 8, 3, 2},
    {"2022-11", "2022-11-15", {5, 20, 45, 30, 0}, 12, 2, 40, 5, 3, 2},
    {"current", "2026-11-01", {3, 12, 40, 35, 10}, 12, 0, 10, 3, 3, 2},
    /* What the real internet adds to a plain fleet, often enough to
     * test on a small range: devices in front, catch-all sites. */
    {"variety", "2021-08-10", {8, 25, 45, 22, 0}, 10, 5, 0, 15, 45, 15},
};

const char *const lab_mix_names[] = {"2021-03", "2021-08", "2022-11", "current",
                                     "variety", NULL};

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
	static const char *const names[] = {"2010", "2013", "2016", "2019",
	                                    "SE"};
	int roll = (int)rng_below(r, 100), k;

	for (k = 0; k < 5; k++) {
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

static void persona_base(const struct lab_world *w, uint32_t ip,
                         struct persona *p)
{
	struct rng r = {rng_mix(w->seed * 0x100000001b3ull ^ ip)};
	const struct kb *kb = w->kb;
	bool modern;
	int k;

	memset(p, 0, sizeof *p);
	p->ip = ip;
	snprintf(p->hostname, sizeof p->hostname, "ex-%u-%u-%u-%u." LAB_ZONE,
	         ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
	snprintf(p->name, sizeof p->name, "EXCH-%06X",
	         (unsigned)(rng_mix(ip ^ w->seed) & 0xffffff));
	p->tls_max = TLS1_3_VERSION;
	if ((int)rng_below(&r, 100) < w->mix->not_exchange) {
		p->kind = (enum persona_kind)(1 + rng_below(&r, 3));
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
	}
}

void persona_visible(const struct persona *p, build_t *b, enum precision *pr)
{
	if (p->kind != P_EXCHANGE) {
		*pr = PREC_NONE;
		*b = 0;
		return;
	}
	*b = p->build;
	/* The ProxyShell check's answer names the exact build (owaVer in
	 * the error page's address) when nothing stands in front. */
	if ((p->build >> 48) < 15 || p->owa_header || p->manifest ||
	    (p->front == FRONT_NONE && p->proxyshell_open)) {
		*pr = PREC_SU;
	} else {
		*pr = PREC_CU;
		*b = BUILD_CU(p->build);
	}
}

void persona_checks(const struct lab_world *w, const struct persona *p,
                    struct persona_checks *c)
{
	bool modern = (p->build >> 48) >= 15;

	c->ssrf = c->proxyshell = CHK_NOT_RUN;
	c->mitigation = NULL;
	c->webshells = NULL;
	if (p->kind != P_EXCHANGE)
		return;
	c->webshells = p->catch_all ? "cannot-tell"
	               : p->nshells ? "found"
	                            : "none-found";
	if (p->front == FRONT_WAF_RESET)
		c->ssrf = CHK_MITIGATED; /* a reset, as the EOMT rule does */
	else if (p->front != FRONT_NONE)
		c->ssrf = CHK_BLOCKED;
	else if (p->eomt)
		c->ssrf = CHK_MITIGATED;
	else if (modern &&
	         persona_vulnerable(w->kb, "CVE-2021-26855", p->build))
		c->ssrf = CHK_VULNERABLE;
	else
		c->ssrf = CHK_NOT_VULNERABLE;
	if (!modern)
		c->proxyshell = CHK_INCONCLUSIVE;
	else if (p->front != FRONT_NONE)
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

static const char *kind_word(enum persona_kind k)
{
	static const char *const w[] = {"exchange", "iis", "nginx",
	                                "default-page"};
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
	int rc, k;

	ip4_format(p->ip, ip);
	persona_visible(p, &in.build, &in.precision);
	persona_checks(w, p, &c);
	in.ssrf = c.ssrf;
	in.proxyshell = c.proxyshell;
	judge(kb, &in, &v);
	rc = buf_printf(out, "{\"ip\":\"%s\",\"hostname\":", ip);
	rc = rc ? rc : json_cstr(out, p->hostname);
	rc = rc ? rc
	        : buf_printf(out, ",\"persona\":\"%s\"", kind_word(p->kind));
	rc = rc ? rc
	        : buf_printf(out, ",\"exchange\":%s",
	                     p->kind == P_EXCHANGE ? "true" : "false");
	if (p->kind == P_EXCHANGE) {
		const struct kb_build *kbb = kb_nearest(kb, p->build);
		build_format(p->build, false, bs);
		rc =
		    rc ? rc
		       : buf_printf(out, ",\"product\":\"%s\",\"build\":\"%s\"",
		                    kb->products[p->product].name, bs);
		rc =
		    rc ? rc
		       : buf_printf(out, ",\"cu\":\"%s\",\"update\":\"%s\"",
		                    kbb ? kbb->cu : "", kbb ? kbb->update : "");
		build_format(in.build, in.precision == PREC_CU, bs);
		rc = rc ? rc
		        : buf_printf(out,
		                     ",\"visible_build\":\"%s\",\"build_"
		                     "precision\":\"%s\"",
		                     bs, precision_word(in.precision));
		rc = rc ? rc
		        : buf_printf(out,
		                     ",\"shows\":{\"x_owa_version\":%s,"
		                     "\"exporttool_manifest\":%s}",
		                     p->owa_header ? "true" : "false",
		                     p->manifest ? "true" : "false");
		rc = rc ? rc
		        : buf_printf(
		              out, ",\"mitigations\":{\"eomt\":%s,\"eems\":%s}",
		              p->eomt ? "true" : "false",
		              p->eems ? "true" : "false");
		rc = rc ? rc
		        : buf_printf(out, ",\"server_name\":\"%s\"", p->name);
	} else {
		rc =
		    rc ? rc : buf_adds(out, ",\"product\":null,\"build\":null");
	}
	rc = rc ? rc
	        : buf_printf(out, ",\"tls_version\":\"%s\"",
	                     persona_tls_name(p));
	rc = rc ? rc
	        : buf_printf(out, ",\"sni_only\":%s,\"slow\":%s",
	                     p->sni_only ? "true" : "false",
	                     p->slow ? "true" : "false");
	if (!rc && p->kind == P_EXCHANGE)
		rc = buf_printf(out, ",\"front\":\"%s\",\"catch_all\":%s",
		                front_word(p->front),
		                p->catch_all ? "true" : "false");
	rc = rc ? rc : buf_adds(out, ",\"webshells\":[");
	/* Behind a catch-all site a scanner cannot tell shells apart. */
	for (k = 0; !rc && !p->catch_all && k < p->nshells; k++) {
		if (k)
			rc = buf_addc(out, ',');
		rc = rc ? rc : json_cstr(out, kb->webshell_paths[p->shells[k]]);
	}
	rc = rc ? rc : buf_adds(out, "],\"checks\":{");
	if (!rc && p->kind == P_EXCHANGE)
		rc = buf_printf(out,
		                "\"ssrf-26855\":\"%s\",\"proxyshell\":\"%s\","
		                "\"mitigation\":\"%s\",\"webshells\":\"%s\"",
		                check_word(c.ssrf), check_word(c.proxyshell),
		                c.mitigation, c.webshells);
	/* verdicts: what a scan by address alone reaches; an SNI-only server
	 * shows nothing without its name. verdicts_by_name: with the name. */
	rc = rc ? rc : buf_adds(out, "},\"verdicts\":");
	if (!rc && p->sni_only)
		rc = buf_adds(out, "{}");
	else if (!rc)
		rc = judge_json(kb, &v, false, out);
	rc = rc ? rc : buf_adds(out, ",\"verdicts_by_name\":");
	rc = rc ? rc : judge_json(kb, &v, false, out);
	return rc ? rc : buf_adds(out, "}\n");
}
