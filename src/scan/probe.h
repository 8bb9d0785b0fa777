/* The probe plan: a small state machine that knows Exchange and not
 * sockets. The engine asks it for the next request, sends it, and feeds
 * back the response (or NULL when the server aborted the connection).
 * Every request sent is listed in docs/scan.md with its safety class.
 *
 * The plan is sequential up to the web-shell paths. Those do not depend
 * on each other: while probe_spare() is nonzero, probe_next() hands out
 * the next path again before the last is answered, so that several
 * connections can ask them at once; each answer is fed back with the
 * request it answers. On a server the engine found slow (probe.slow),
 * the steps between telling Exchange and the paths are handed out the
 * same way (a fan-out): each costs the server's time per answer, and
 * asked one after another they would make its scan last seconds. */
#ifndef EXH_SCAN_PROBE_H
#define EXH_SCAN_PROBE_H
#include "net/http_resp.h"
#include "scan/observation.h"

struct probe_req {
	char path[768];
	char headers[256]; /* extra header lines, each ending in \r\n */
	int shell;         /* the web-shell path asked (kb index), or -1 */
	int step, sub;     /* the plan's step it asks, and its folder */
};

struct probe {
	const struct kb *kb;
	unsigned checks;
	struct observation *obs;
	int step, sub, redirects;
	unsigned answered; /* responses seen for this target */
	bool owa_page, owa_redirect, fe_header;
	bool owa_auth;   /* /owa/ answered 401, asking for credentials */
	bool owa_unseen; /* Exchange told by EWS alone: /owa/ shows nothing */
	char follow[768]; /* a same-host redirect to follow next */
	bool seq_out;     /* a request of the sequential steps is out */
	int shell_next;   /* web-shell paths from here on not handed out */
	int shell_out;    /* handed out and not yet answered */
	int requeue[LIM_TARGET_CONNS]; /* handed back unanswered */
	int nrequeue;
	bool slow; /* set by the engine: an answer took LIM_SLOW_ANSWER_MS */
	uint64_t fan_todo, fan_out; /* a fan-out's steps to hand out, out */
	/* Build facts of a fan-out's answers, applied in the plan's order
	 * once all are in (in turn, when the plan is sequential). */
	bool svc_seen;
	build_t svc_build, manifest_build, owaver_build;
};

void probe_init(struct probe *p, const struct kb *kb, unsigned checks,
                struct observation *obs);
/* Fills req with the next request; false when there is nothing to ask
 * now: the plan is done (probe_done) or every remaining request is out
 * waiting for its answer. */
bool probe_next(struct probe *p, struct probe_req *req);
/* Takes the response to req; r is NULL when the connection was reset or
 * closed before any response (a URL-rewrite abort). */
void probe_feed(struct probe *p, const struct probe_req *req,
                const struct http_resp *r);
/* req was handed out but will not be asked on its connection (the
 * connection was given up): it is handed out again. */
void probe_return(struct probe *p, const struct probe_req *req);
bool probe_done(const struct probe *p);
/* Requests that may be handed out now besides those already out: the
 * web-shell paths not yet asked, once the plan has reached them; else 0. */
int probe_spare(const struct probe *p);

#endif
