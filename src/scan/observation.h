/* An observation: what probing one target saw, before and after judging.
 * The JSONL, CSV and SQLite outputs are views of this struct. */
#ifndef EXH_SCAN_OBSERVATION_H
#define EXH_SCAN_OBSERVATION_H
#include "base/limits.h"
#include "scan/fingerprint.h"
#include "scan/judge.h"
#include <stdbool.h>
#include <stdint.h>

struct observation {
	uint64_t index; /* position in the target space */
	uint32_t ip;
	int port;
	const char *hostname; /* NULL when scanned by address */
	int64_t time;         /* Unix seconds when the probe finished */

	bool exchange; /* an on-premises Exchange server */
	bool online;   /* an Exchange Online front door (not counted) */
	/* A load-balanced pool: answers came from more than one front end
	 * (X-FEServer); the other name seen. */
	bool pool;
	char pool_other[FP_NAME_MAX];
	int product; /* kb product index, -1 unknown */
	build_t build;
	enum precision precision;
	const char *build_source; /* "x-owa-version", "exporttool", "owa-path",
	                           * "proxyshell-owaver", "pool" */
	int first_status; /* status of GET /owa/auth/logon.aspx, 0 none */
	build_t manifest; /* the exporttool manifest's version, 0 none */
	char fe_server[FP_NAME_MAX]; /* X-FEServer */
	struct ntlm_info ntlm;
	bool have_ntlm;

	unsigned checks_run; /* CHECK_* bits */
	enum check_result ssrf, proxyshell;
	bool eomt, eems;            /* mitigation check: rewrite rules seen */
	int shells[LIM_OBS_SHELLS]; /* kb->webshell_paths indices */
	int nshells;
	int shells_total;      /* paths the check meant to ask */
	int shells_checked;    /* paths answered */
	bool shells_catch_all; /* a random path answered with content */
	uint32_t shells_catch_all_folders; /* bit f: kb folder f did */

	char tls_version[16];
	char cert_sha256[65];
	char cert_cn[128];
	char error[160]; /* "" when none */
	uint64_t bytes;
};

enum {
	CHECK_SSRF = 1,
	CHECK_PROXYSHELL = 2,
	CHECK_MITIGATION = 4,
	CHECK_WEBSHELLS = 8,
	CHECK_ALL = 15,
};

/* Parses a --checks list ("ssrf-26855,proxyshell", "all", "none"). */
int checks_parse(const char *list, unsigned *out, const char **bad);
/* Judges the observation (no verdicts unless it is Exchange). */
void observation_judge(const struct kb *kb, const struct observation *o,
                       struct judge_out *v);
/* The web-shell check's result word: "found", "none-found" (every path
 * answered, none with content), "cannot-tell" (a random path answered
 * with content: a catch-all), "incomplete" (cut short by a deadline, a
 * cap or a reset); NULL when it did not run. */
const char *observation_shells(const struct observation *o);
/* The mitigation check's result word, or NULL when it did not run. */
const char *observation_mitigation(const struct observation *o);

#endif
