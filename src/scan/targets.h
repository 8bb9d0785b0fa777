/* The target space of a scan: address ranges plus named hosts, indexed
 * 0..total-1 so that the order (order.h) can permute indices without
 * holding per-target state. Memory grows with the input lines, never with
 * the addresses a prefix covers. */
#ifndef EXH_SCAN_TARGETS_H
#define EXH_SCAN_TARGETS_H
#include "base/ip4.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct target_name {
	uint32_t ip;    /* 0 when the name must be resolved */
	char *hostname; /* used as SNI and Host */
};

struct targets {
	struct {
		uint64_t lo, hi; /* [lo, hi) of addresses, sorted, disjoint */
		uint64_t first;  /* index of lo */
	} * iv;
	size_t niv, capiv;
	struct target_name *names;
	size_t nnames, capnames;
	uint64_t naddrs; /* addresses in iv; names follow at index naddrs */
};

/* One target: the address (0 if it must be resolved) and the hostname or
 * NULL. hostname points into the set. */
struct target {
	uint64_t index;
	uint32_t ip;
	const char *hostname;
};

void targets_init(struct targets *t);
void targets_release(struct targets *t);

/* Adds one target written as a user would: "a.b.c.d", "a.b.c.d/n",
 * "host.name", "a.b.c.d,host.name", or a line of masscan's list output
 * ("open tcp 443 a.b.c.d ...") or its console output ("Discovered open
 * port 443/tcp on a.b.c.d"). Blank lines and '#' comments add nothing.
 * On bad input returns EXH_EINVAL with *why saying what is wrong. */
int targets_add(struct targets *t, struct view spec, const char **why);
/* Reads targets, one per line, from text; errors name "name:line". */
int targets_parse(struct targets *t, const char *text, size_t len,
                  const char *name);
/* Reads a file, or standard input when path is "-". */
int targets_load(struct targets *t, const char *path);
/* Sorts and merges the ranges; call once after the last add. */
void targets_finish(struct targets *t);
static inline uint64_t targets_total(const struct targets *t)
{
	return t->naddrs + t->nnames;
}
/* The target at index i < targets_total(t). */
void targets_get(const struct targets *t, uint64_t i, struct target *out);
/* Is v a syntactically valid DNS host name? */
bool hostname_valid(struct view v);

#endif
