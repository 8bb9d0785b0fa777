/* Scan order: a seeded walk of the multiplicative group modulo a prime p
 * just above the target count (as zmap's cyclic.c). Every index appears
 * exactly once, in an order that looks random, with O(1) state. Shard i of
 * n takes walk positions i, i+n, i+2n...; the union of the shards is the
 * whole space and no two overlap. */
#ifndef EXH_SCAN_ORDER_H
#define EXH_SCAN_ORDER_H
#include <stdbool.h>
#include <stdint.h>

struct order {
	uint64_t total; /* indices 0..total-1 */
	uint64_t p;     /* prime > total */
	uint64_t g;     /* generator of Z_p^* */
	uint64_t step;  /* g^nshards mod p */
	uint64_t x;     /* current element */
	uint64_t pos;   /* walk positions taken by this shard so far */
	uint64_t npos;  /* walk positions this shard owns */
	uint64_t first; /* x at this shard's position 0 */
};

/* Sets up shard (0-based) of nshards over total indices. */
int order_init(struct order *o, uint64_t total, uint64_t seed, uint64_t shard,
               uint64_t nshards);
/* Moves to this shard's walk position pos (for resume). */
void order_seek(struct order *o, uint64_t pos);
/* The next index, or false when the shard is done. *pos_out gets the walk
 * position of the index (what a checkpoint records). */
bool order_next(struct order *o, uint64_t *index, uint64_t *pos_out);

uint64_t order_mulmod(uint64_t a, uint64_t b, uint64_t m);
uint64_t order_powmod(uint64_t a, uint64_t e, uint64_t m);
bool order_is_prime(uint64_t n);

#endif
