/* The probe plan: a small state machine that knows Exchange and not
 * sockets. The engine asks it for the next request, sends it, and feeds
 * back the response (or NULL when the server aborted the connection).
 * Every request sent is listed in docs/scan.md with its safety class. */
#ifndef EXH_SCAN_PROBE_H
#define EXH_SCAN_PROBE_H
#include "net/http_resp.h"
#include "scan/observation.h"

struct probe_req {
	char path[768];
	char headers[256]; /* extra header lines, each ending in \r\n */
};

struct probe {
	const struct kb *kb;
	unsigned checks;
	struct observation *obs;
	int step, sub, redirects;
	unsigned answered; /* responses seen for this target */
	bool owa_page, owa_redirect, fe_header;
	char follow[768]; /* a same-host redirect to follow next */
};

void probe_init(struct probe *p, const struct kb *kb, unsigned checks,
                struct observation *obs);
/* Fills req with the next request; false when the plan is done. */
bool probe_next(struct probe *p, struct probe_req *req);
/* Takes the response to the last request; r is NULL when the connection
 * was reset or closed before any response (a URL-rewrite abort). */
void probe_feed(struct probe *p, const struct http_resp *r);

#endif
