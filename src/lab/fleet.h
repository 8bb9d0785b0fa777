/* The emulated fleet: one HTTPS (and optionally HTTP) server per address of
 * a loopback range, all in one event loop, answering as its persona. */
#ifndef EXH_LAB_FLEET_H
#define EXH_LAB_FLEET_H
#include "lab/persona.h"
#include <stdint.h>

struct fleet_opts {
	uint32_t base;     /* first address */
	uint64_t count;    /* addresses */
	int https_port;    /* 0: none */
	int http_port;     /* 0: none */
	int dns_port;      /* -1: none, 0: any free port */
	int delay_ms;      /* added to every response */
	int slow_ms;       /* a slow persona's time per answer (default
	                    * LAB_SLOW_MS, 400) */
	int run_for_s;     /* 0: until signalled */
	const char *truth; /* path of the truth JSONL, or NULL */
};

/* Runs the fleet until SIGINT/SIGTERM or opts->run_for_s. Prints one
 * "ready" line on stdout once every socket listens. Returns an exit code. */
int fleet_run(const struct lab_world *w, const struct fleet_opts *opts);

#endif
