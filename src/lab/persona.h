/* Lab personas: what one emulated server is (product, build, mitigations,
 * shells), drawn deterministically from (seed, mix, address), and how it
 * answers each request. The truth a scanner must reach is derived from the
 * same persona, so the answers and the truth cannot disagree. */
#ifndef EXH_LAB_PERSONA_H
#define EXH_LAB_PERSONA_H
#include "base/buf.h"
#include "net/http_req.h"
#include "scan/judge.h"
#include "scan/knowledge.h"
#include <stdbool.h>
#include <stdint.h>

enum persona_kind { P_EXCHANGE, P_IIS, P_NGINX, P_DEFAULT };

/* A device in front of Exchange that answers attack-shaped requests (the
 * safe checks' probes) itself. */
enum persona_front {
	FRONT_NONE,
	FRONT_WAF_BLOCK,    /* its own block page: 403, or 200, support ID */
	FRONT_WAF_REDIRECT, /* a redirect to a fixed URL of its own */
	FRONT_WAF_RESET,    /* the connection reset */
};

#define PERSONA_MAX_SHELLS 3
#define LAB_ZONE "lab.exhunt.test"

struct persona {
	uint32_t ip;
	enum persona_kind kind;
	bool sni_only;   /* TLS only with a server name (SNI) */
	bool slow;       /* answers each request after LAB_SLOW_MS */
	int product;     /* kb product index, Exchange only */
	build_t build;   /* exact build, Exchange only */
	bool owa_header; /* sends X-OWA-Version on /owa/ */
	bool manifest;   /* serves the exporttool manifest */
	bool eomt;       /* ProxyLogon URL-rewrite mitigation (EOMT) */
	bool eems;       /* ProxyNotShell URL-rewrite mitigation (EEMS) */
	int nshells;
	int shells[PERSONA_MAX_SHELLS]; /* indices into kb->webshell_paths */
	int tls_max;       /* highest TLS version: TLS1_VERSION ... */
	char name[16];     /* NetBIOS computer name, e.g. EXCH-004D2A */
	enum persona_front front;
	bool block_200;    /* FRONT_WAF_BLOCK answers 200 rather than 403 */
	bool catch_all;    /* unknown paths answer 200 (a site-wide rule) */
	bool proxyshell_open; /* open to CVE-2021-34473 (kept with the build) */
	char hostname[64]; /* DNS name served by the lab resolver */
};

#define LAB_SLOW_MS 150

/* A mix: the era a fleet resembles. */
struct lab_mix;
struct lab_world {
	const struct kb *kb;
	const struct lab_mix *mix;
	uint64_t seed;
	uint32_t epoch;
	/* per product: the builds available at the mix date, sorted */
	int *cands[KB_MAX_PRODUCTS];
	int ncands[KB_MAX_PRODUCTS];
};

/* Names of the mixes, NULL-terminated (for --help and errors). */
extern const char *const lab_mix_names[];
/* Prepares the world for mix (NULL: the default, "2021-03"). EXH_EINVAL
 * for an unknown mix. */
int lab_world_init(struct lab_world *w, const struct kb *kb, const char *mix,
                   uint64_t seed);
void lab_world_release(struct lab_world *w);
/* Is build b still open to cve (no fix at or below it for its CU)? */
bool persona_vulnerable(const struct kb *kb, const char *cve, build_t b);
/* The persona of address ip. */
void persona_make(const struct lab_world *w, uint32_t ip, struct persona *p);

/* How the persona answers: either abort (reset the connection, as an IIS
 * URL-rewrite AbortRequest rule does) or a complete response in out. */
struct lab_answer {
	bool abort;
	struct buf out; /* status line, headers and body */
};
void persona_answer(const struct lab_world *w, const struct persona *p,
                    const struct http_req *req, struct lab_answer *a);

/* The checks' results a correct scanner sees on this persona. */
struct persona_checks {
	enum check_result ssrf, proxyshell;
	const char *mitigation; /* "none", "eomt", "eems", "eomt+eems" */
	const char *webshells;  /* "found", "none-found", "cannot-tell" */
};
void persona_checks(const struct lab_world *w, const struct persona *p,
                    struct persona_checks *c);
/* The TLS version a client offering 1.0 to 1.3 gets, as OpenSSL names
 * it ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"). */
const char *persona_tls_name(const struct persona *p);
/* What the fingerprint can reach: build and precision. */
void persona_visible(const struct persona *p, build_t *b, enum precision *pr);
/* One line of the truth file (JSONL, docs/lab.md), newline included. */
int persona_truth(const struct lab_world *w, const struct persona *p,
                  struct buf *out);

#endif
