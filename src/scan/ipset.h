/* A set of IPv4 addresses built from prefixes: the blocklist, the --allow
 * list and the IANA special-purpose registry. Sorted, merged intervals;
 * memory is proportional to the prefixes given, not the addresses. */
#ifndef EXH_SCAN_IPSET_H
#define EXH_SCAN_IPSET_H
#include "base/ip4.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ipset {
	struct {
		uint64_t lo, hi; /* [lo, hi) */
	} * iv;
	size_t n, cap;
	bool sorted;
};

void ipset_init(struct ipset *s);
void ipset_release(struct ipset *s);
int ipset_add(struct ipset *s, struct cidr4 c);
/* Sorts and merges; call after the last add, before lookups. */
void ipset_finish(struct ipset *s);
bool ipset_contains(const struct ipset *s, uint32_t ip);
/* Number of addresses in the set. */
uint64_t ipset_size(const struct ipset *s);

/* Adds the IANA special-purpose, multicast and reserved IPv4 ranges. */
int ipset_add_special(struct ipset *s);
/* The special-purpose registry entry holding ip ("loopback", ...) or NULL. */
const char *ipset_special_name(uint32_t ip);

/* Reads zmap's blocklist format: one address or prefix per line, '#'
 * comments anywhere. Errors are printed naming path:line. */
int ipset_load_file(struct ipset *s, const char *path);
/* The same, from text (used by ipset_load_file and the fuzz harness). */
int ipset_parse(struct ipset *s, const char *text, size_t len,
                const char *name);

#endif
