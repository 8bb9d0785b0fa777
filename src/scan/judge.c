#include "scan/judge.h"
#include "base/json.h"
#include <string.h>
#include "base/banned.h"

const char *verdict_word(enum verdict v)
{
	static const char *const w[] = {"vulnerable", "patched",
	                                "likely-vulnerable", "unknown"};
	return w[v];
}

const char *precision_word(enum precision p)
{
	static const char *const w[] = {NULL, "cu", "su"};
	return w[p];
}

const char *check_word(enum check_result r)
{
	static const char *const w[] = {"not-run",   "vulnerable",
	                                "not-vulnerable", "mitigated",
	                                "inconclusive", "blocked"};
	return w[r];
}

/*
 * What is known of the build is an interval [lo, hi): one build at SU
 * precision, the whole CU at CU precision. A CVE fixed at build F in this
 * CU is vulnerable when hi <= F, patched when lo >= F, and likely
 * vulnerable in between. Updates are cumulative within a CU, so a check
 * that proves its own fix absent (present) also moves hi down (lo up) for
 * every other CVE of the CU.
 */
struct range {
	build_t lo, hi;
};

static enum verdict by_range(const struct kb *kb, int c, struct range r,
                             build_t any)
{
	build_t fix = 0;
	const char *upd;

	switch (kb_fix(kb, c, any, &fix, &upd)) {
	case FIX_AT_BUILD:
		if (r.hi <= fix)
			return V_VULNERABLE;
		if (r.lo >= fix)
			return V_PATCHED;
		return V_LIKELY;
	case FIX_SHIPPED: return V_PATCHED;
	case FIX_NONE: return V_VULNERABLE;
	default: return V_UNKNOWN;
	}
}

/* Applies one check's result for the CVE it tests, narrowing r. Sets the
 * bit of every CVE fixed by the same update as `cve` in *decided. */
static void apply_check(const struct kb *kb, const char *cve,
                        enum check_result res, build_t any, struct range *r,
                        unsigned long long *decided, enum verdict *forced)
{
	int c = kb_cve_find(kb, cve), k;
	build_t fix = 0, f2 = 0;
	const char *upd = NULL, *u2 = NULL;
	enum kb_fix_kind kind;

	if (c < 0 || (res != CHK_VULNERABLE && res != CHK_NOT_VULNERABLE))
		return;
	kind = kb_fix(kb, c, any, &fix, &upd);
	if (kind == FIX_NOT_AFFECTED || kind == FIX_UNKNOWN)
		return;
	if (kind == FIX_AT_BUILD) {
		if (res == CHK_VULNERABLE && fix < r->hi)
			r->hi = fix;
		if (res == CHK_NOT_VULNERABLE && fix > r->lo)
			r->lo = fix;
	}
	for (k = 0; k < kb->ncves && k < JUDGE_MAX; k++) {
		enum kb_fix_kind k2 = kb_fix(kb, k, any, &f2, &u2);
		bool same =
		    k == c ||
		    (k2 == kind && (kind != FIX_AT_BUILD || f2 == fix) &&
		     strcmp(kb->cves[k].fix[0], kb->cves[c].fix[0]) == 0);
		if (!same)
			continue;
		*decided |= 1ull << k;
		forced[k] = res == CHK_VULNERABLE ? V_VULNERABLE : V_PATCHED;
	}
}

/* Is CVE c fixed by the same update as `cve` for build b's CU? */
static bool same_fix(const struct kb *kb, int c, const char *cve, build_t b)
{
	int k = kb_cve_find(kb, cve);
	build_t f1 = 0, f2 = 0;
	const char *u1, *u2;

	if (k < 0)
		return false;
	if (k == c)
		return true;
	return kb_fix(kb, k, b, &f1, &u1) == FIX_AT_BUILD &&
	       kb_fix(kb, c, b, &f2, &u2) == FIX_AT_BUILD && f1 == f2 &&
	       strcmp(kb->cves[k].fix[0], kb->cves[c].fix[0]) == 0;
}

/* Does a conclusive check contradict what the exact build says? */
static bool disagrees(const struct kb *kb, const char *cve,
                      enum check_result res, struct range r, build_t b)
{
	int c = kb_cve_find(kb, cve);
	enum verdict v;

	if (c < 0 || (res != CHK_VULNERABLE && res != CHK_NOT_VULNERABLE))
		return false;
	v = by_range(kb, c, r, b);
	return (res == CHK_VULNERABLE && v == V_PATCHED) ||
	       (res == CHK_NOT_VULNERABLE && v == V_VULNERABLE);
}

/* No build seen (a federated logon page shows none): the checks still
 * decide their own campaign's CVEs, which one update fixed for every CU
 * (March 2021 for ProxyLogon, April 2021 for ProxyShell's first two). */
static void judge_no_build(const struct kb *kb, const struct judge_in *in,
                           struct judge_out *out)
{
	static const char *const proxylogon[] = {
	    "CVE-2021-26855", "CVE-2021-26857", "CVE-2021-26858",
	    "CVE-2021-27065", NULL};
	static const char *const proxyshell[] = {"CVE-2021-34473",
	                                         "CVE-2021-34523", NULL};
	const struct {
		enum check_result res;
		const char *const *cves;
		const char *basis;
	} sets[] = {{in->ssrf, proxylogon, "check:ssrf-26855"},
	            {in->proxyshell, proxyshell, "check:proxyshell"}};

	for (size_t k = 0; k < 2; k++) {
		if (sets[k].res != CHK_VULNERABLE &&
		    sets[k].res != CHK_NOT_VULNERABLE)
			continue;
		for (int i = 0; sets[k].cves[i] && out->n < JUDGE_MAX; i++) {
			int c = kb_cve_find(kb, sets[k].cves[i]);
			if (c < 0)
				continue;
			out->v[out->n].cve = c;
			out->v[out->n].verdict = sets[k].res == CHK_VULNERABLE
			                             ? V_VULNERABLE
			                             : V_PATCHED;
			out->v[out->n].basis = sets[k].basis;
			out->n++;
		}
	}
}

void judge(const struct kb *kb, const struct judge_in *in,
           struct judge_out *out)
{
	struct range r, r0, r1;
	unsigned long long by_ssrf = 0, by_ps = 0;
	enum verdict forced[JUDGE_MAX];
	enum check_result ssrf, ps, incons_ssrf = CHK_NOT_RUN,
	                            incons_ps = CHK_NOT_RUN;
	/* A check that contradicted the exact build: both facts named. */
	struct {
		enum check_result res;
		const char *cve, *vuln, *not_vuln;
	} incons[2] = {
	    {CHK_NOT_RUN, "CVE-2021-26855",
	     "inconsistent:check:ssrf-26855=vulnerable,build=patched",
	     "inconsistent:check:ssrf-26855=not-vulnerable,build=vulnerable"},
	    {CHK_NOT_RUN, "CVE-2021-34473",
	     "inconsistent:check:proxyshell=vulnerable,build=patched",
	     "inconsistent:check:proxyshell=not-vulnerable,build=vulnerable"},
	};
	int c;

	out->n = 0;
	if (in->precision == PREC_NONE) {
		judge_no_build(kb, in, out);
		return;
	}
	if (in->precision == PREC_SU) {
		r.lo = in->build;
		r.hi = in->build + 1;
	} else {
		r.lo = BUILD_CU(in->build);
		r.hi = BUILD_CU(in->build) + 0x10000;
	}
	r0 = r;
	/* A check never overrides an exact build silently: when they
	 * disagree, both facts go into the basis and the worse verdict
	 * stands. */
	ssrf = in->ssrf;
	ps = in->proxyshell;
	if (in->precision == PREC_SU) {
		if (disagrees(kb, "CVE-2021-26855", ssrf, r0, in->build)) {
			incons_ssrf = ssrf;
			ssrf = CHK_NOT_RUN;
		}
		if (disagrees(kb, "CVE-2021-34473", ps, r0, in->build)) {
			incons_ps = ps;
			ps = CHK_NOT_RUN;
		}
	}
	incons[0].res = incons_ssrf;
	incons[1].res = incons_ps;
	apply_check(kb, "CVE-2021-26855", ssrf, in->build, &r, &by_ssrf,
	            forced);
	r1 = r;
	apply_check(kb, "CVE-2021-34473", ps, in->build, &r, &by_ps, forced);
	if (r.lo >= r.hi) {
		/* The checks contradict each other or the build; trust the
		 * checks for their own CVEs and nothing else. */
		r = r1 = r0;
	}
	for (c = 0; c < kb->ncves && c < JUDGE_MAX; c++) {
		build_t fix;
		const char *upd;
		enum verdict v, v0;
		const char *basis = "build";

		if (kb_fix(kb, c, in->build, &fix, &upd) == FIX_NOT_AFFECTED)
			continue;
		v0 = by_range(kb, c, r0, in->build);
		v = by_range(kb, c, r, in->build);
		if ((by_ssrf | by_ps) & (1ull << c)) {
			v = forced[c];
			basis = (by_ps & (1ull << c)) ? "check:proxyshell"
			                              : "check:ssrf-26855";
		} else if (by_range(kb, c, r1, in->build) != v0) {
			basis = "check:ssrf-26855";
		} else if (v != v0) {
			basis = "check:proxyshell";
		}
		for (size_t k = 0; k < 2; k++) {
			if (incons[k].res == CHK_NOT_RUN ||
			    !same_fix(kb, c, incons[k].cve, in->build))
				continue;
			basis = incons[k].res == CHK_VULNERABLE ? incons[k].vuln
			                                        : incons[k].not_vuln;
			v = V_VULNERABLE;
		}
		out->v[out->n].cve = c;
		out->v[out->n].verdict = v;
		out->v[out->n].basis = basis;
		out->n++;
	}
}

int judge_json(const struct kb *kb, const struct judge_out *out, bool basis,
               struct buf *b)
{
	int i, rc = buf_addc(b, '{');

	for (i = 0; !rc && i < out->n; i++) {
		rc = json_key(b, kb->cves[out->v[i].cve].id, i == 0);
		if (!rc)
			rc = json_cstr(b,
			               basis ? out->v[i].basis
			                     : verdict_word(out->v[i].verdict));
	}
	return rc ? rc : buf_addc(b, '}');
}
