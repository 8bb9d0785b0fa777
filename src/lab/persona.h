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

/* P_ONLINE: an Exchange Online front door (outlook.office365.com), which a
 * scan of an organisation's addresses meets through its DNS names; it is
 * not an on-premises server and must not be counted as one. */
enum persona_kind {
	P_EXCHANGE,
	P_IIS,
	P_NGINX,
	P_DEFAULT,
	P_ONLINE,
	P_HOSTILE, /* a server built against scanners: see enum hostile */
};

/* The hostile personas (mix "hostile"): each attacks one way a scanner
 * can be stalled, bloated or fed bytes meant for another format. */
enum hostile {
	H_NONE,
	H_TICKETS,   /* after the handshake, TLS session tickets forever */
	H_SLOWLORIS, /* answers one byte a second, forever */
	H_HEADERS,   /* header lines, endless and fast */
	H_CHUNKS,    /* a chunked body that never ends */
	H_LENGTH,    /* Content-Length of 100 TB, then bytes forever */
	H_BIG_STALL, /* 15 KB of headers, a 1 MB body, then silence */
	H_RESET,     /* resets every connection at once */
	H_STALL_TLS, /* accepts and never answers the ClientHello */
	H_LOOP,      /* every path redirects to another of its own */
	H_OFFHOST,   /* redirects to other hosts, public and private */
	H_INJECT,    /* Exchange-shaped, with injection payloads in every
	              * field it controls */
	H_COUNT,
};

/* How the organisation publishes OWA. */
enum persona_deploy {
	DEP_PLAIN,
	DEP_FEDERATED, /* AD FS claims login: OWA and ECP redirect to AD FS,
	                * no logon page, no build on it */
	DEP_PREAUTH,   /* a reverse proxy that shows its own login page for
	                * every path: Exchange cannot be seen */
	DEP_REDIRECT,  /* an IIS HTTP redirect on the site root, inherited
	                * by every virtual directory but /owa */
	/* OWA and ECP with standard (HTTP) authentication instead of forms:
	 * Basic, or Windows (Negotiate, NTLM), as Exchange allows on every
	 * version and as Exchange 2007 and 2010 often were published: /owa
	 * and /ecp answer 401 and nothing more, the rest of the site as
	 * usual. */
	DEP_HTTP_AUTH,
	/* A device publishing only what mail clients need (ActiveSync, EWS,
	 * Autodiscover, MAPI, OAB, RPC) and refusing the rest with its own
	 * 403: no OWA, no ECP, no aspnet_client (Exchange 2013+). */
	DEP_MOBILE_ONLY,
};

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
	int tls_max;   /* highest TLS version: TLS1_VERSION ... */
	char name[16]; /* NetBIOS computer name, e.g. EXCH-004D2A */
	enum persona_front front;
	bool block_200;       /* FRONT_WAF_BLOCK answers 200 rather than 403 */
	bool catch_all;       /* unknown paths answer 200 (a site-wide rule) */
	bool proxyshell_open; /* open to CVE-2021-34473 (kept with the build) */
	char hostname[64];    /* DNS name served by the lab resolver */
	enum persona_deploy deploy;
	enum hostile hostile; /* P_HOSTILE only */
	char cert_cn[64];     /* its certificate's subject, e.g.
	                         mail.o1a2b3c.example */
	/* TLS without its name (SNI) reaches another site on the same IIS:
	 * that site's certificate and default page. */
	bool sni_foreign;
	/* One of two servers (addresses a and a^1) installed from the same
	 * image: same computer name, same certificate name. */
	bool twin;
	/* Plain HTTP: served like HTTPS, refused with IIS's 403.4 (SSL
	 * required, the OWA default) or redirected to HTTPS. */
	enum { HTTP_SERVE, HTTP_SSL_REQUIRED, HTTP_TO_HTTPS } http;
	bool owa_service; /* X-OWA-Version on /owa/service only */
	bool close_each;  /* closes the connection after every answer */
	/* Behind a device that resets a client's connections past this many
	 * at once (0: no limit). */
	int conn_limit;
	/* A load-balanced pool: a second server of the same CU at another
	 * update answers every other request (0: no pool). */
	build_t pool_build;
	char pool_name[16];
};

#define LAB_SLOW_MS 400
#define LAB_CONN_LIMIT 2

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
/* The day the world stands at: its mix's date, 14 days later per epoch
 * (Unix time, noon UTC). */
int64_t lab_world_date(const struct lab_world *w);
/* Is build b still open to cve (no fix at or below it for its CU)? */
bool persona_vulnerable(const struct kb *kb, const char *cve, build_t b);
/* The persona of address ip. */
void persona_make(const struct lab_world *w, uint32_t ip, struct persona *p);

/* How the persona answers: either abort (reset the connection, as an IIS
 * URL-rewrite AbortRequest rule does) or a complete response in out. */
struct lab_answer {
	int member; /* in: the request count on this connection */
	/* in: which pool member answers: the server's own request count,
	 * across connections (an L7 balancer: a scanner that reconnects
	 * still meets both members) */
	unsigned pool_turn;
	bool plain; /* in: the request came over plain HTTP */
	bool abort;
	struct buf out; /* status line, headers and body */
};
void persona_answer(const struct lab_world *w, const struct persona *p,
                    const struct http_req *req, struct lab_answer *a);

/* The checks' results a correct scanner sees on this persona. */
struct persona_checks {
	enum check_result ssrf, proxyshell;
	const char *mitigation; /* "none", "eomt", "eems", "eomt+eems" */
	const char *webshells;  /* "found", "none-found", "cannot-tell",
	                         * "incomplete" */
};
void persona_checks(const struct lab_world *w, const struct persona *p,
                    struct persona_checks *c);
/* The TLS version a client offering 1.0 to 1.3 gets, as OpenSSL names
 * it ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"). */
const char *persona_tls_name(const struct persona *p);
/* What the fingerprint can reach: build and precision. */
void persona_visible(const struct persona *p, build_t *b, enum precision *pr);
/* Can a scanner see that this is Exchange at all? (Not behind a
 * pre-authenticating proxy.) */
bool persona_seen(const struct persona *p);
/* Is the path (n bytes) in OWA's or ECP's virtual directory, which
 * DEP_HTTP_AUTH protects? */
bool persona_auth_path(const char *path, size_t n);
/* Does a DEP_MOBILE_ONLY device let the path (n bytes) through? */
bool persona_mobile_path(const char *path, size_t n);
/* Is web-shell path k (kb->webshell_paths) reachable, rather than
 * redirected away by a site-wide rule? */
bool persona_path_served(const struct lab_world *w, const struct persona *p,
                         int k);
/* One line of the truth file (JSONL, docs/lab.md), newline included. */
int persona_truth(const struct lab_world *w, const struct persona *p,
                  struct buf *out);

#endif
