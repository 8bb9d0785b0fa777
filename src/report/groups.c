#include "report/groups.h"
#include "base/array.h"
#include "base/err.h"
#include "base/log.h"
#include "store/db.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

/* One group of one dimension: its key ("DE", "AS64500", "unknown"), the
 * largest network name its rows gave at the last scan, and per scan i
 * servers [3i], open [3i+1] and back-doored [3i+2]. */
struct group_acc {
	char key[32], name[96];
	uint64_t *per;
};

/* A server's group beyond its first in one scan. */
struct group_pair {
	long long id;
	int dim, grp;
	unsigned char flags;
};

/* An address with enrichment: where its text and network name are in
 * text (name_off 0: none; text starts with a NUL), and its groups. */
struct group_addr {
	size_t off, name_off;
	unsigned len;
	int grp[GROUP_DIMS];
};

enum { F_OPEN = 1, F_SHELL = 2 };

static int intern(struct groups *g, int d, const char *key);
static uint64_t bytes_hash(const char *p, size_t n);

static size_t text_add(struct groups *g, const char *p, size_t n)
{
	size_t at = g->text_len;

	if (array_reserve(&g->text, &g->text_cap, g->text_len + n + 1, 1,
	                  (size_t)1 << 16)) {
		g->failed = true;
		return 0;
	}
	memcpy(g->text + at, p, n);
	g->text[at + n] = '\0';
	g->text_len += n + 1;
	return at;
}

/* The slot of address ip, or of the free place it would take. */
static size_t addr_slot(const struct groups *g, const char *ip, size_t len)
{
	size_t mask = g->addr_nslots - 1;
	size_t s = (size_t)bytes_hash(ip, len) & mask;

	for (;; s = (s + 1) & mask) {
		const struct group_addr *a;
		if (!g->addr_slot[s])
			return s;
		a = &g->addr[g->addr_slot[s] - 1];
		if (a->len == len && memcmp(g->text + a->off, ip, len) == 0)
			return s;
	}
}

/* One row of table addresses; the first of a repeated address counts
 * (the table's key is the address: there is none). */
static void addr_add(struct groups *g, const char *ip, size_t len,
                     const char *country, const long long *asn,
                     const char *name)
{
	char key[32];
	struct group_addr *a;
	size_t s;
	int d;

	if (len > UINT32_MAX || g->naddr >= UINT32_MAX - 1)
		return;
	s = addr_slot(g, ip, len);
	if (g->addr_slot[s])
		return;
	if (array_reserve(&g->addr, &g->addr_cap, g->naddr + 1, sizeof *g->addr,
	                  1024)) {
		g->failed = true;
		return;
	}
	a = &g->addr[g->naddr];
	a->off = text_add(g, ip, len);
	a->len = (unsigned)len;
	a->name_off = name ? text_add(g, name, strlen(name)) : 0;
	/* the keys as the grouping queries spelled them, cut at the
	 * width the report shows */
	snprintf(key, sizeof key, "%s", country ? country : "unknown");
	a->grp[GROUP_COUNTRY] = intern(g, GROUP_COUNTRY, key);
	if (asn)
		snprintf(key, sizeof key, "AS%lld", *asn);
	else
		snprintf(key, sizeof key, "unknown");
	a->grp[GROUP_NETWORK] = intern(g, GROUP_NETWORK, key);
	for (d = 0; d < GROUP_DIMS; d++)
		if (a->grp[d] < 0)
			g->failed = true;
	if (g->failed)
		return;
	g->addr_slot[s] = (unsigned)++g->naddr;
	if (g->naddr * 2 > g->addr_nslots) {
		size_t n = g->addr_nslots * 2, i;
		unsigned *slot = calloc(n, sizeof *slot);
		if (!slot) {
			g->failed = true;
			return;
		}
		free(g->addr_slot);
		g->addr_slot = slot;
		g->addr_nslots = n;
		for (i = 0; i < g->naddr; i++) {
			const struct group_addr *x = &g->addr[i];
			g->addr_slot[addr_slot(g, g->text + x->off, x->len)] =
			    (unsigned)i + 1;
		}
	}
}

int groups_init(struct groups *g, struct db *db, size_t nservers, int nscans)
{
	struct dbq *st = NULL;
	int d, step;

	memset(g, 0, sizeof *g);
	g->nscans = nscans;
	g->nservers = nservers;
	g->stamp = calloc(nservers, sizeof *g->stamp);
	for (d = 0; d < GROUP_DIMS; d++) {
		g->grp[d] = calloc(nservers, sizeof *g->grp[d]);
		g->flags[d] = calloc(nservers, 1);
		g->nslots[d] = 1024;
		g->slot[d] = calloc(g->nslots[d], sizeof *g->slot[d]);
		if (!g->grp[d] || !g->flags[d] || !g->slot[d])
			g->failed = true;
	}
	g->addr_nslots = 4096;
	g->addr_slot = calloc(g->addr_nslots, sizeof *g->addr_slot);
	text_add(g, "", 0); /* offset 0: no name */
	if (!g->stamp || !g->addr_slot || g->failed)
		return EXH_ENOMEM;
	if (db_prepare(db,
	               "SELECT ip, country, asn, as_name FROM addresses "
	               "WHERE ip IS NOT NULL",
	               &st)) {
		log_error("%s: %s", db_name(db), db_errmsg(db));
		return EXH_EIO;
	}
	dbq_stream(st);
	while (!g->failed && (step = dbq_step(st)) == DB_ROW) {
		long long asn = dbq_null(st, 2) ? 0 : dbq_int(st, 2);
		addr_add(g, dbq_text(st, 0), dbq_len(st, 0),
		         dbq_null(st, 1) ? NULL : dbq_text(st, 1),
		         dbq_null(st, 2) ? NULL : &asn,
		         dbq_null(st, 3) ? NULL : dbq_text(st, 3));
	}
	if (!g->failed && step != DB_DONE) {
		log_error("%s: %s", db_name(db), db_errmsg(db));
		dbq_free(st);
		return EXH_EIO;
	}
	dbq_free(st);
	return g->failed ? EXH_ENOMEM : 0;
}

/* FNV-1a */
static uint64_t bytes_hash(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

static size_t key_slot(const struct groups *g, int d, const char *key)
{
	size_t mask = g->nslots[d] - 1;
	size_t s = (size_t)bytes_hash(key, strlen(key)) & mask;

	while (g->slot[d][s] &&
	       strcmp(g->g[d][g->slot[d][s] - 1].key, key) != 0)
		s = (s + 1) & mask;
	return s;
}

static bool grow_slots(struct groups *g, int d)
{
	size_t n = g->nslots[d] * 2, i;
	int *old = g->slot[d];
	size_t nold = g->nslots[d];

	g->slot[d] = calloc(n, sizeof *g->slot[d]);
	if (!g->slot[d]) {
		g->slot[d] = old;
		return false;
	}
	g->nslots[d] = n;
	for (i = 0; i < nold; i++)
		if (old[i])
			g->slot[d][key_slot(g, d, g->g[d][old[i] - 1].key)] =
			    old[i];
	free(old);
	return true;
}

/* The index of the group with key, added when new; -1 without memory. */
static int intern(struct groups *g, int d, const char *key)
{
	size_t s = key_slot(g, d, key);
	struct group_acc *a;

	if (g->slot[d][s])
		return g->slot[d][s] - 1;
	if ((g->n[d] + 1) * 2 > g->nslots[d]) {
		if (!grow_slots(g, d))
			return -1;
		s = key_slot(g, d, key);
	}
	if (g->n[d] >= INT32_MAX - 1 ||
	    array_reserve(&g->g[d], &g->cap[d], g->n[d] + 1, sizeof *g->g[d],
	                  64))
		return -1;
	a = &g->g[d][g->n[d]];
	memset(a, 0, sizeof *a);
	snprintf(a->key, sizeof a->key, "%s", key);
	a->per = calloc((size_t)g->nscans * 3, sizeof *a->per);
	if (!a->per)
		return -1;
	g->slot[d][s] = (int)++g->n[d];
	return (int)g->n[d] - 1;
}

void groups_feed(struct groups *g, int scan, long long id, bool open,
                 bool shell, const char *ip, size_t len)
{
	unsigned char f = (open ? F_OPEN : 0) | (shell ? F_SHELL : 0);
	const struct group_addr *ad;
	size_t s;
	int d;

	if (g->failed || !ip || id <= 0 || (size_t)id >= g->nservers)
		return;
	s = addr_slot(g, ip, len);
	if (!g->addr_slot[s])
		return; /* no enrichment: not counted */
	ad = &g->addr[g->addr_slot[s] - 1];
	if (scan == g->nscans - 1 && ad->name_off)
		for (d = 0; d < GROUP_DIMS; d++) {
			struct group_acc *a = &g->g[d][ad->grp[d]];
			const char *name = g->text + ad->name_off;
			if (strcmp(name, a->name) > 0)
				snprintf(a->name, sizeof a->name, "%s", name);
		}
	if (g->stamp[id] != scan + 1) {
		g->stamp[id] = scan + 1;
		for (d = 0; d < GROUP_DIMS; d++) {
			g->grp[d][id] = ad->grp[d];
			g->flags[d][id] = f;
		}
		return;
	}
	for (d = 0; d < GROUP_DIMS; d++) {
		struct group_pair *p;
		if (g->grp[d][id] == ad->grp[d]) {
			g->flags[d][id] |= f;
			continue;
		}
		if (array_reserve(&g->extra, &g->extra_cap, g->nextra + 1,
		                  sizeof *g->extra, 256)) {
			g->failed = true;
			return;
		}
		p = &g->extra[g->nextra++];
		p->id = id;
		p->dim = d;
		p->grp = ad->grp[d];
		p->flags = f;
	}
}

static int pair_cmp(const void *a, const void *b)
{
	const struct group_pair *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->dim != y->dim)
		return x->dim < y->dim ? -1 : 1;
	return (x->grp > y->grp) - (x->grp < y->grp);
}

static void count(struct groups *g, int d, int grp, int scan, unsigned char f)
{
	uint64_t *per = g->g[d][grp].per + 3 * scan;

	per[0]++;
	per[1] += (f & F_OPEN) != 0;
	per[2] += (f & F_SHELL) != 0;
}

void groups_scan_end(struct groups *g, int scan)
{
	size_t i, j;
	int d;

	if (g->failed)
		return;
	if (g->nextra)
		qsort(g->extra, g->nextra, sizeof *g->extra, pair_cmp);
	/* a further group that is the server's first after all was
	 * joined there; the others once each, their flags joined */
	for (i = 0; i < g->nextra; i = j) {
		const struct group_pair *p = &g->extra[i];
		unsigned char f = p->flags;
		for (j = i + 1; j < g->nextra && pair_cmp(p, &g->extra[j]) == 0;
		     j++)
			f |= g->extra[j].flags;
		count(g, p->dim, p->grp, scan, f);
	}
	g->nextra = 0;
	for (i = 1; i < g->nservers; i++)
		if (g->stamp[i] == scan + 1)
			for (d = 0; d < GROUP_DIMS; d++)
				count(g, d, g->grp[d][i], scan, g->flags[d][i]);
}

/* Largest first, then by key ("unknown" last); in C, so that both
 * stores (and any collation) give the same order. */
static int row_cmp(const void *a, const void *b)
{
	const struct group_row *x = a, *y = b;
	bool xu = strcmp(x->key, "unknown") == 0;
	bool yu = strcmp(y->key, "unknown") == 0;

	if (x->servers != y->servers)
		return x->servers > y->servers ? -1 : 1;
	if (xu != yu)
		return xu ? 1 : -1;
	return strcmp(x->key, y->key);
}

static int table(struct groups *g, int d, struct group_table *t)
{
	int last = g->nscans - 1, i;
	size_t k, j;

	for (k = 0; k < g->n[d]; k++) {
		const struct group_acc *a = &g->g[d][k];
		struct group_row *r;
		if (!a->per[3 * last])
			continue; /* not seen at the last scan */
		if (array_reserve(&t->rows, &t->cap, t->n + 1, sizeof *t->rows,
		                  64))
			return EXH_ENOMEM;
		r = &t->rows[t->n++];
		memset(r, 0, sizeof *r);
		snprintf(r->key, sizeof r->key, "%s", a->key);
		snprintf(r->name, sizeof r->name, "%s", a->name);
		r->servers = a->per[3 * last];
		r->open = a->per[3 * last + 1];
		r->backdoored = a->per[3 * last + 2];
	}
	if (t->n)
		qsort(t->rows, t->n, sizeof *t->rows, row_cmp);
	t->nseries = t->n < REPORT_SERIES_GROUPS ? t->n : REPORT_SERIES_GROUPS;
	for (j = 0; j < t->nseries; j++) {
		/* keys are unique in a dimension */
		const struct group_acc *a =
		    &g->g[d][g->slot[d][key_slot(g, d, t->rows[j].key)] - 1];
		t->rows[j].series =
		    calloc((size_t)g->nscans * 2, sizeof(uint64_t));
		if (!t->rows[j].series)
			return EXH_ENOMEM;
		for (i = 0; i < g->nscans; i++) {
			t->rows[j].series[2 * i] = a->per[3 * i];
			t->rows[j].series[2 * i + 1] = a->per[3 * i + 1];
		}
	}
	return 0;
}

int groups_tables(struct groups *g, struct group_table *countries,
                  struct group_table *networks)
{
	if (g->failed)
		return EXH_ENOMEM;
	if (g->nscans < 1)
		return 0;
	if (table(g, GROUP_COUNTRY, countries))
		return EXH_ENOMEM;
	return table(g, GROUP_NETWORK, networks);
}

void groups_free(struct groups *g)
{
	int d;
	size_t k;

	for (d = 0; d < GROUP_DIMS; d++) {
		for (k = 0; k < g->n[d]; k++)
			free(g->g[d][k].per);
		free(g->g[d]);
		free(g->slot[d]);
		free(g->grp[d]);
		free(g->flags[d]);
	}
	free(g->stamp);
	free(g->extra);
	free(g->addr);
	free(g->addr_slot);
	free(g->text);
	memset(g, 0, sizeof *g);
}
