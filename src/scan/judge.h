/* The judge: (what the fingerprint saw, what the checks found, knowledge)
 * -> a verdict per CVE. Pure; no I/O. */
#ifndef EXH_SCAN_JUDGE_H
#define EXH_SCAN_JUDGE_H
#include "scan/knowledge.h"

enum verdict {
	V_VULNERABLE,
	V_PATCHED,
	V_LIKELY, /* CU known, SU not visible, and a fix exists for that CU */
	V_UNKNOWN,
};

enum precision {
	PREC_NONE, /* no build seen */
	PREC_CU,   /* a.b.c: the CU (OWA resource paths) */
	PREC_SU,   /* a.b.c.d: the exact build (X-OWA-Version, manifest) */
};

/* Results of the active checks, in the scan output's words. */
enum check_result {
	CHK_NOT_RUN,
	CHK_VULNERABLE,
	CHK_NOT_VULNERABLE,
	CHK_MITIGATED, /* the probe was aborted by a URL-rewrite rule */
	CHK_INCONCLUSIVE,
	CHK_BLOCKED, /* something not Exchange answered the probe (a WAF's
	              * block page or redirect, a reset): no verdict */
};

struct judge_in {
	build_t build; /* meaningful when precision != PREC_NONE */
	enum precision precision;
	enum check_result ssrf;       /* ssrf-26855 */
	enum check_result proxyshell; /* proxyshell */
};

#define JUDGE_MAX 64

struct judge_out {
	int n;
	struct {
		int cve; /* index into kb->cves */
		enum verdict verdict;
		const char *basis; /* "build", or the check that decided */
	} v[JUDGE_MAX];
};

const char *verdict_word(enum verdict v);
const char *precision_word(enum precision p);
const char *check_word(enum check_result r);

/* Fills out with a verdict for every CVE that affects the product line of
 * in->build. No build seen: no verdicts. */
void judge(const struct kb *kb, const struct judge_in *in,
           struct judge_out *out);

#include "base/buf.h"
/* Appends {"CVE-...":"word",...} (basis false) or the basis of each
 * verdict (basis true) to b. */
int judge_json(const struct kb *kb, const struct judge_out *out, bool basis,
               struct buf *b);

#endif
