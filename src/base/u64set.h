/* A set of 64-bit keys (open addressing, kept at most half full): the
 * targets a resumed scan has done, the rows an adopted scan had. Keys
 * are any value but UINT64_MAX. */
#ifndef EXH_BASE_U64SET_H
#define EXH_BASE_U64SET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u64set {
	uint64_t *slot; /* key + 1, 0 for a free slot */
	size_t cap, n;
	size_t max; /* keys beyond which adding fails (0: no limit) */
};

bool u64set_has(const struct u64set *s, uint64_t key);
/* 0 (added, or there already), 1 when the set holds max keys (not
 * added), EXH_ENOMEM. */
int u64set_add(struct u64set *s, uint64_t key);
void u64set_free(struct u64set *s);

#endif
