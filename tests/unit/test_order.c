/* The cyclic-group order: a permutation, shardable and resumable. */
#include "scan/order.h"
#include "check.h"
#include <stdlib.h>

static int walk(uint64_t total, uint64_t seed, uint64_t shard, uint64_t n,
                unsigned char *seen, uint64_t *first)
{
	struct order o;
	uint64_t idx, pos, count = 0;

	if (order_init(&o, total, seed, shard, n))
		return -1;
	while (order_next(&o, &idx, &pos)) {
		if (idx >= total || seen[idx]++)
			return -1;
		if (count == 0 && first)
			*first = idx;
		count++;
	}
	return (int)count;
}

int main(void)
{
	uint64_t total;
	unsigned char *seen = calloc(70000, 1);

	/* Every size: each index exactly once. */
	for (total = 1; total <= 600; total++) {
		memset(seen, 0, total);
		CHECK(walk(total, total * 7, 0, 1, seen, NULL) == (int)total);
	}
	/* Shards: union is everything, no overlap, for several N. */
	{
		uint64_t n;
		for (n = 2; n <= 7; n++) {
			uint64_t s, sum = 0;
			memset(seen, 0, 65536);
			for (s = 0; s < n; s++) {
				int c = walk(65536, 42, s, n, seen, NULL);
				CHECK(c > 0);
				sum += (uint64_t)c;
			}
			CHECK(sum == 65536);
		}
	}
	/* Different seeds give different orders; the same seed the same. */
	{
		uint64_t a, b, c;
		memset(seen, 0, 65536);
		walk(65536, 1, 0, 1, seen, &a);
		memset(seen, 0, 65536);
		walk(65536, 2, 0, 1, seen, &b);
		memset(seen, 0, 65536);
		walk(65536, 1, 0, 1, seen, &c);
		CHECK(a != b && a == c);
	}
	/* Seeking to a position continues the same walk. */
	{
		struct order o1, o2;
		uint64_t i, x1, x2, p1, p2, k;
		order_init(&o1, 10000, 9, 1, 3);
		order_init(&o2, 10000, 9, 1, 3);
		for (k = 0; k < 500; k++)
			order_next(&o1, &x1, &p1);
		order_seek(&o2, o1.pos);
		for (i = 0; i < 100; i++) {
			CHECK(order_next(&o1, &x1, &p1) &&
			      order_next(&o2, &x2, &p2) && x1 == x2 &&
			      p1 == p2);
		}
	}
	/* The whole IPv4 space sets up without per-target state. */
	{
		struct order o;
		CHECK(order_init(&o, 1ull << 32, 5, 0, 1) == 0);
		CHECK(o.p > (1ull << 32) && order_is_prime(o.p));
	}
	CHECK(order_is_prime(4294967311ull) && !order_is_prime(4294967297ull));
	free(seen);
	return check_done();
}
