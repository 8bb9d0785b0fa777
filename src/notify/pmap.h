/* Longest-prefix match over IPv4 prefixes (RouteViews prefix2as, contact
 * lists) and lookup in sorted address ranges (RIR delegated stats). Built
 * once, then read-only: lookups are a binary search and at most 32 steps
 * up the enclosing prefixes. */
#ifndef EXH_NOTIFY_PMAP_H
#define EXH_NOTIFY_PMAP_H
#include <stddef.h>
#include <stdint.h>

struct pmap_entry {
	uint32_t base;
	uint8_t len;
	int32_t parent; /* nearest enclosing prefix, -1 if none */
	uint32_t value; /* the caller's: an AS number, a row index */
};

struct pmap {
	struct pmap_entry *e;
	size_t n, cap;
};

void pmap_init(struct pmap *m);
void pmap_release(struct pmap *m);
/* Adds base/len (host bits are cleared). EXH_ENOMEM on failure. */
int pmap_add(struct pmap *m, uint32_t base, uint8_t len, uint32_t value);
/* Sorts and links; call once after the last pmap_add. A prefix given
 * twice keeps its first value. */
void pmap_finish(struct pmap *m);
/* The most specific prefix containing ip, or NULL. */
const struct pmap_entry *pmap_lookup(const struct pmap *m, uint32_t ip);

/* How many of the n elements (each size bytes, sorted by the uint32_t at
 * offset off) have that key <= key: the index after the last such one. */
size_t upper_bound_u32(const void *base, size_t n, size_t size, size_t off,
                       uint32_t key);

struct range_entry {
	uint32_t first, last;
	uint32_t value;
};

struct ranges {
	struct range_entry *e;
	size_t n, cap;
};

void ranges_init(struct ranges *r);
void ranges_release(struct ranges *r);
int ranges_add(struct ranges *r, uint32_t first, uint32_t last, uint32_t value);
/* Sorts. Ranges are expected not to overlap (delegated files do not);
 * where they do, an address gets the last range starting at or below it. */
void ranges_finish(struct ranges *r);
const struct range_entry *ranges_lookup(const struct ranges *r, uint32_t ip);

#endif
