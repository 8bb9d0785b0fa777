#include "notify/pmap.h"
#include "base/array.h"
#include "base/err.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

void pmap_init(struct pmap *m)
{
	m->e = NULL;
	m->n = m->cap = 0;
}

void pmap_release(struct pmap *m)
{
	free(m->e);
	pmap_init(m);
}

static uint32_t mask(uint8_t len)
{
	return len ? ~(uint32_t)0 << (32 - len) : 0;
}

int pmap_add(struct pmap *m, uint32_t base, uint8_t len, uint32_t value)
{
	if (len > 32)
		return EXH_EINVAL;
	if (array_reserve(&m->e, &m->cap, m->n + 1, sizeof *m->e, 1024))
		return EXH_ENOMEM;
	m->e[m->n++] = (struct pmap_entry){base & mask(len), len, -1, value};
	return 0;
}

static int by_prefix(const void *a, const void *b)
{
	const struct pmap_entry *x = a, *y = b;

	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	/* the same prefix twice: the first given wins (stable by value
	 * position is not kept by qsort, so break ties on parent, which
	 * pmap_add set to the insertion order) */
	return x->parent < y->parent ? -1 : x->parent > y->parent;
}

static int contains(const struct pmap_entry *p, uint32_t ip)
{
	return (ip & mask(p->len)) == p->base;
}

void pmap_finish(struct pmap *m)
{
	int32_t stack[33];
	size_t i, o = 0;
	int top = -1;

	/* Remember the insertion order for ties. */
	for (i = 0; i < m->n; i++)
		m->e[i].parent = (int32_t)i;
	if (m->n)
		qsort(m->e, m->n, sizeof *m->e, by_prefix);
	for (i = 0; i < m->n; i++) {
		if (o && m->e[o - 1].base == m->e[i].base &&
		    m->e[o - 1].len == m->e[i].len)
			continue; /* duplicate: keep the first */
		m->e[o++] = m->e[i];
	}
	m->n = o;
	for (i = 0; i < m->n; i++) {
		struct pmap_entry *e = &m->e[i];
		while (top >= 0 && !contains(&m->e[stack[top]], e->base))
			top--;
		e->parent = top >= 0 ? stack[top] : -1;
		if (top < 32)
			stack[++top] = (int32_t)i;
	}
}

size_t upper_bound_u32(const void *base, size_t n, size_t size, size_t off,
                       uint32_t key)
{
	const unsigned char *p = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t v;
		memcpy(&v, p + mid * size + off, sizeof v);
		if (v <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct pmap_entry *pmap_lookup(const struct pmap *m, uint32_t ip)
{
	/* from the last entry whose base is <= ip, up its parents */
	int32_t i =
	    (int32_t)upper_bound_u32(m->e, m->n, sizeof *m->e,
	                             offsetof(struct pmap_entry, base), ip) -
	    1;

	for (; i >= 0; i = m->e[i].parent)
		if (contains(&m->e[i], ip))
			return &m->e[i];
	return NULL;
}

void ranges_init(struct ranges *r)
{
	r->e = NULL;
	r->n = r->cap = 0;
}

void ranges_release(struct ranges *r)
{
	free(r->e);
	ranges_init(r);
}

int ranges_add(struct ranges *r, uint32_t first, uint32_t last, uint32_t value)
{
	if (last < first)
		return EXH_EINVAL;
	if (array_reserve(&r->e, &r->cap, r->n + 1, sizeof *r->e, 1024))
		return EXH_ENOMEM;
	r->e[r->n++] = (struct range_entry){first, last, value};
	return 0;
}

static int by_first(const void *a, const void *b)
{
	const struct range_entry *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

void ranges_finish(struct ranges *r)
{
	if (r->n)
		qsort(r->e, r->n, sizeof *r->e, by_first);
}

const struct range_entry *ranges_lookup(const struct ranges *r, uint32_t ip)
{
	size_t lo = upper_bound_u32(r->e, r->n, sizeof *r->e,
	                            offsetof(struct range_entry, first), ip);

	/* delegated ranges do not overlap: the last one starting at or
	 * below ip is the only candidate */
	if (lo > 0 && ip <= r->e[lo - 1].last)
		return &r->e[lo - 1];
	return NULL;
}
