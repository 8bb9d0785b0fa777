/* The scan engine: many concurrent targets on one event loop, each a
 * connection (plain or TLS) driven by a probe plan. Knows sockets, TLS and
 * HTTP/1.1; what to ask is the plan's business (probe.h). */
#ifndef EXH_SCAN_ENGINE_H
#define EXH_SCAN_ENGINE_H
#include "scan/ipset.h"
#include "scan/knowledge.h"
#include "scan/observation.h"
#include "scan/order.h"
#include "scan/targets.h"
#include <signal.h>
#include <stdbool.h>

struct engine_opts {
	int port;
	bool tls;
	unsigned checks;
	int concurrency;
	int threads;               /* event loops; 0: one per CPU */
	int max_handshakes;        /* TLS handshakes in progress; 0: 1024 */
	int conns_per_target;      /* at once, for the web-shell paths */
	double rate;               /* new targets per second; 0 unlimited */
	int connect_timeout_ms;    /* connect and TLS handshake, each */
	int timeout_ms;            /* whole target */
	const char *resolver;      /* "ip:port" or NULL for the system's */
	const struct ipset *allow; /* special-purpose ranges let through */
	const struct ipset *block; /* never probed */
	bool progress;             /* a status line on stderr */
	volatile sig_atomic_t *stop;
	const char *user_agent;
};

struct engine_stats {
	uint64_t launched, done, exchange, errors;
	uint64_t refused_special, refused_block, skipped_done;
	uint64_t peak_inflight;
	uint64_t handshakes, requests;
	uint64_t resumed; /* handshakes that resumed the target's session */
	uint64_t lanes; /* helper connections opened for web-shell paths */
	double launch_seconds; /* from the first new target to the last */
	double seconds;
};

struct engine_sink {
	/* Called for each finished target; nonzero stops the scan. */
	int (*emit)(void *ctx, struct observation *o);
	/* Called about once a second and at the end with the lowest walk
	 * position not yet finished; everything before it is emitted. */
	int (*checkpoint)(void *ctx, uint64_t low_pos);
	/* Resume: indices already in the output. */
	bool (*done)(void *ctx, uint64_t index);
	void *ctx;
};

/* Why ip may not be probed: NULL if it may, else a reason for people. */
const char *engine_refusal(const struct engine_opts *o, uint32_t ip);

/* The event loops (threads) a scan with these options runs: --threads,
 * else one per CPU; at most LIM_SCAN_THREADS, and at least 64
 * connections each. */
int engine_threads(const struct engine_opts *o);

/* Runs the scan over the order's walk, on engine_threads(o) event loops
 * that share the walk and the sink (its calls are made one at a time).
 * Returns 0 when the walk finished,
 * EXH_EAGAIN when stopped by *stop (resumable), or an error. */
int engine_run(const struct engine_opts *o, const struct kb *kb,
               const struct targets *t, struct order *ord,
               const struct engine_sink *sink, struct engine_stats *st);

#endif
