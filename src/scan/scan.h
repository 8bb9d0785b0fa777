/* One scan from options to outputs: targets, order, safety, engine and
 * sinks wired together. The CLI fills scan_opts; the demo reuses it. */
#ifndef EXH_SCAN_SCAN_H
#define EXH_SCAN_SCAN_H
#include "scan/engine.h"
#include "scan/output.h"

struct scan_opts {
	struct engine_opts eng;
	struct targets targets;
	struct ipset allow, block;
	uint64_t seed;
	bool seed_set;
	uint64_t shard, nshards;
	bool dry_run;
	bool quiet;
	bool stats;          /* print engine counters on stderr at the end */
	const char *dry_out; /* dry run output path or NULL (stdout) */
	const char *scope;   /* the targets as given, for the scans table */
	struct scan_output out;
	/* Optional: called for each result after the sinks (the demo's
	 * truth check). */
	int (*also)(void *ctx, const struct observation *o);
	void *also_ctx;
};

/* Runs the scan; returns an exit code (docs/exit-codes.md). */
int scan_run(struct scan_opts *so, const struct kb *kb);

#endif
