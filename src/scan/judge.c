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
	static const char *const w[] = {"not-run", "vulnerable",
	                                "not-vulnerable", "mitigated",
	                                "inconclusive"};
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

void judge(const struct kb *kb, const struct judge_in *in,
           struct judge_out *out)
{
	struct range r, r0, r1;
	unsigned long long by_ssrf = 0, by_ps = 0;
	enum verdict forced[JUDGE_MAX];
	int c;

	out->n = 0;
	if (in->precision == PREC_NONE)
		return;
	if (in->precision == PREC_SU) {
		r.lo = in->build;
		r.hi = in->build + 1;
	} else {
		r.lo = BUILD_CU(in->build);
		r.hi = BUILD_CU(in->build) + 0x10000;
	}
	r0 = r;
	apply_check(kb, "CVE-2021-26855", in->ssrf, in->build, &r, &by_ssrf,
	            forced);
	r1 = r;
	apply_check(kb, "CVE-2021-34473", in->proxyshell, in->build, &r, &by_ps,
	            forced);
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
