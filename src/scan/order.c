#include "scan/order.h"
#include "base/err.h"
#include "base/rng.h"
#include <stddef.h>
#include "base/banned.h"

uint64_t order_mulmod(uint64_t a, uint64_t b, uint64_t m)
{
	return (uint64_t)((unsigned __int128)a * b % m);
}

uint64_t order_powmod(uint64_t a, uint64_t e, uint64_t m)
{
	uint64_t r = 1 % m;

	a %= m;
	while (e) {
		if (e & 1)
			r = order_mulmod(r, a, m);
		a = order_mulmod(a, a, m);
		e >>= 1;
	}
	return r;
}

/* Deterministic Miller-Rabin for all 64-bit n. */
bool order_is_prime(uint64_t n)
{
	static const uint64_t bases[] = {2,  3,  5,  7,  11, 13,
	                                 17, 19, 23, 29, 31, 37};
	uint64_t d = n - 1;
	int s = 0;
	size_t i;

	if (n < 2)
		return false;
	for (i = 0; i < sizeof bases / sizeof bases[0]; i++) {
		if (n == bases[i])
			return true;
		if (n % bases[i] == 0)
			return false;
	}
	while ((d & 1) == 0) {
		d >>= 1;
		s++;
	}
	for (i = 0; i < sizeof bases / sizeof bases[0]; i++) {
		uint64_t x = order_powmod(bases[i], d, n);
		int r;
		if (x == 1 || x == n - 1)
			continue;
		for (r = 1; r < s; r++) {
			x = order_mulmod(x, x, n);
			if (x == n - 1)
				break;
		}
		if (r == s)
			return false;
	}
	return true;
}

/* Is g a generator of Z_p^*? Tests g^((p-1)/q) != 1 for each prime q. */
static bool is_generator(uint64_t g, uint64_t p)
{
	uint64_t m = p - 1, q;

	for (q = 2; q * q <= m; q++) {
		if (m % q)
			continue;
		if (order_powmod(g, (p - 1) / q, p) == 1)
			return false;
		while (m % q == 0)
			m /= q;
	}
	if (m > 1 && order_powmod(g, (p - 1) / m, p) == 1)
		return false;
	return true;
}

int order_init(struct order *o, uint64_t total, uint64_t seed, uint64_t shard,
               uint64_t nshards)
{
	struct rng r = {rng_mix(seed ^ 0x6578687574ull)};
	uint64_t q;

	if (total == 0 || nshards == 0 || shard >= nshards ||
	    total > (1ull << 48))
		return EXH_EINVAL;
	o->total = total;
	o->p = total + 1;
	while (!order_is_prime(o->p))
		o->p++;
	/* Z_2^* = {1}: a one-target space. */
	if (o->p == 2) {
		o->g = 1;
	} else {
		do
			o->g = 2 + rng_below(&r, o->p - 2);
		while (!is_generator(o->g, o->p));
	}
	o->step = order_powmod(o->g, nshards, o->p);
	q = o->p - 1; /* walk positions in the whole group */
	o->npos = q / nshards + (shard < q % nshards ? 1 : 0);
	o->first = order_mulmod(1 + rng_below(&r, o->p - 1),
	                        order_powmod(o->g, shard, o->p), o->p);
	o->x = o->first;
	o->pos = 0;
	return 0;
}

void order_seek(struct order *o, uint64_t pos)
{
	if (pos > o->npos)
		pos = o->npos;
	o->pos = pos;
	o->x = order_mulmod(o->first, order_powmod(o->step, pos, o->p), o->p);
}

bool order_next(struct order *o, uint64_t *index, uint64_t *pos_out)
{
	while (o->pos < o->npos) {
		uint64_t x = o->x, pos = o->pos;
		o->x = order_mulmod(o->x, o->step, o->p);
		o->pos++;
		if (x - 1 < o->total) {
			*index = x - 1;
			*pos_out = pos;
			return true;
		}
	}
	return false;
}
