#include "notify/geo.h"
#include "base/array.h"
#include "base/err.h"
#include "base/file.h"
#include "base/log.h"
#include "notify/netdata.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

void geo_init(struct geo *g)
{
	memset(g, 0, sizeof *g);
	pmap_init(&g->pfx);
	ranges_init(&g->rir);
}

void geo_release(struct geo *g)
{
	int i;

	for (i = 0; i < g->ndb; i++)
		MMDB_close(&g->db[i]);
	pmap_release(&g->pfx);
	ranges_release(&g->rir);
	free(g->flat);
	free(g->names);
	geo_init(g);
}

int geo_add_mmdb(struct geo *g, const char *path)
{
	int rc;

	if (g->ndb == LIM_MMDB_FILES) {
		log_error("%s: at most %d MMDB files", path, LIM_MMDB_FILES);
		return EXH_EINVAL;
	}
	rc = MMDB_open(path, MMDB_MODE_MMAP, &g->db[g->ndb]);
	if (rc != MMDB_SUCCESS) {
		log_error("%s: not a readable MMDB file: %s", path,
		          MMDB_strerror(rc));
		return EXH_EINVAL;
	}
	g->ndb++;
	return 0;
}

static int add_text(const char *path,
                    int (*parse)(const char *, size_t, const char *, void *),
                    void *into)
{
	struct buf b;
	const char *why = NULL;
	int rc;

	buf_init(&b, (size_t)4 << 30);
	rc = file_read(path, (size_t)4 << 30, &b, &why);
	if (rc) {
		log_error("%s: %s", path, why ? why : "cannot read");
	} else {
		rc = parse(b.p, b.len, path, into);
	}
	buf_release(&b);
	return rc;
}

static int parse_pfx(const char *t, size_t n, const char *name, void *into)
{
	return prefix2as_parse(t, n, name, into);
}

static int parse_rir(const char *t, size_t n, const char *name, void *into)
{
	return delegated_parse(t, n, name, into);
}

int geo_add_prefix2as(struct geo *g, const char *path)
{
	return add_text(path, parse_pfx, &g->pfx);
}

int geo_add_delegated(struct geo *g, const char *path)
{
	return add_text(path, parse_rir, &g->rir);
}

void geo_finish(struct geo *g)
{
	pmap_finish(&g->pfx);
	ranges_finish(&g->rir);
}

bool geo_empty(const struct geo *g)
{
	return g->ndb == 0 && g->pfx.n == 0 && g->rir.n == 0;
}

static void add_source(struct geo_answer *a, const char *s)
{
	if (strstr(a->source, s))
		return;
	snprintf(a->source + strlen(a->source),
	         sizeof a->source - strlen(a->source), "%s%s",
	         a->source[0] ? "+" : "", s);
}

static void from_mmdb(const MMDB_s *db, uint32_t ip, struct geo_answer *a)
{
	struct sockaddr_in sin;
	MMDB_lookup_result_s res;
	MMDB_entry_data_s d;
	int err = 0;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(ip);
	res = MMDB_lookup_sockaddr(db, (const struct sockaddr *)&sin, &err);
	if (err != MMDB_SUCCESS || !res.found_entry)
		return;
	if (!a->asn &&
	    MMDB_get_value(&res.entry, &d, "autonomous_system_number", NULL) ==
	        MMDB_SUCCESS &&
	    d.has_data && d.type == MMDB_DATA_TYPE_UINT32) {
		a->asn = d.uint32;
		add_source(a, "mmdb");
		if (MMDB_get_value(&res.entry, &d,
		                   "autonomous_system_organization",
		                   NULL) == MMDB_SUCCESS &&
		    d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING)
			snprintf(a->as_name, sizeof a->as_name, "%.*s",
			         (int)(d.data_size < 127 ? d.data_size : 127),
			         d.utf8_string);
	}
	if (!a->country[0]) {
		int found = MMDB_get_value(&res.entry, &d, "country",
		                           "iso_code", NULL) == MMDB_SUCCESS &&
		            d.has_data;
		if (!found)
			found =
			    MMDB_get_value(&res.entry, &d, "registered_country",
			                   "iso_code", NULL) == MMDB_SUCCESS &&
			    d.has_data;
		if (found && d.type == MMDB_DATA_TYPE_UTF8_STRING &&
		    d.data_size == 2) {
			a->country[0] = d.utf8_string[0];
			a->country[1] = d.utf8_string[1];
			a->country[2] = '\0';
			add_source(a, "mmdb");
		}
	}
}

/* One file's IPv4 answers as sorted, disjoint ranges. */
struct file_ranges {
	struct geo_range *r;
	size_t n, cap;
};

/* Answers of one data record, kept by its offset: many networks share
 * a record. */
struct rec_cache {
	uint32_t *off; /* offset + 1; 0 empty */
	struct geo_range *val;
	size_t cap, used; /* filled to 3/4 at most; past that, not cached */
};

static int names_add(struct geo *g, const char *s, size_t n, uint32_t *at)
{
	if (n == 0) {
		*at = 0;
		return 0;
	}
	if (array_reserve(&g->names, &g->names_cap, g->names_len + n + 1, 1,
	                  4096))
		return EXH_ENOMEM;
	memcpy(g->names + g->names_len, s, n);
	g->names[g->names_len + n] = '\0';
	*at = (uint32_t)g->names_len;
	g->names_len += n + 1;
	return 0;
}

static int record_answer(struct geo *g, struct rec_cache *c, MMDB_entry_s *e,
                         struct geo_range *out)
{
	MMDB_entry_data_s d;
	size_t i;

	for (i = (e->offset * 0x9e3779b1u) & (c->cap - 1); c->off[i];
	     i = (i + 1) & (c->cap - 1))
		if (c->off[i] == e->offset + 1) {
			*out = c->val[i];
			return 0;
		}
	memset(out, 0, sizeof *out);
	if (MMDB_get_value(e, &d, "autonomous_system_number", NULL) ==
	        MMDB_SUCCESS &&
	    d.has_data && d.type == MMDB_DATA_TYPE_UINT32) {
		out->asn = d.uint32;
		if (MMDB_get_value(e, &d, "autonomous_system_organization",
		                   NULL) == MMDB_SUCCESS &&
		    d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING &&
		    names_add(g, d.utf8_string,
		              d.data_size < 127 ? d.data_size : 127,
		              &out->name))
			return EXH_ENOMEM;
	}
	if ((MMDB_get_value(e, &d, "country", "iso_code", NULL) ==
	         MMDB_SUCCESS &&
	     d.has_data) ||
	    (MMDB_get_value(e, &d, "registered_country", "iso_code", NULL) ==
	         MMDB_SUCCESS &&
	     d.has_data))
		if (d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size == 2)
			memcpy(out->cc, d.utf8_string, 2);
	if (c->used < c->cap / 4 * 3) {
		c->off[i] = e->offset + 1;
		c->val[i] = *out;
		c->used++;
	}
	return 0;
}

static int push_range(struct file_ranges *f, const struct geo_range *r)
{
	if (array_reserve(&f->r, &f->cap, f->n + 1, sizeof *f->r, 4096))
		return EXH_ENOMEM;
	f->r[f->n++] = *r;
	return 0;
}

/* Depth-first over the IPv4 subtree, left before right, so that ranges
 * come out sorted. A stack item is a node to expand or a data record to
 * emit. */
struct walk_item {
	bool leaf;
	uint64_t node;      /* node number */
	MMDB_entry_s entry; /* leaf */
	uint32_t prefix;
	int depth;
};

static void push_side(struct walk_item *st, int *top, uint8_t type,
                      uint64_t record, MMDB_entry_s entry, uint32_t prefix,
                      int depth)
{
	if (type == MMDB_RECORD_TYPE_SEARCH_NODE)
		st[(*top)++] =
		    (struct walk_item){false, record, entry, prefix, depth};
	else if (type == MMDB_RECORD_TYPE_DATA)
		st[(*top)++] =
		    (struct walk_item){true, 0, entry, prefix, depth};
}

static int walk_file(struct geo *g, const MMDB_s *db, struct file_ranges *f)
{
	struct walk_item st[80];
	struct rec_cache c = {0};
	MMDB_search_node_s n;
	uint64_t node = 0;
	int top = 0, i, rc = 0;

	c.cap = 1u << 18;
	c.off = calloc(c.cap, sizeof *c.off);
	c.val = calloc(c.cap, sizeof *c.val);
	if (!c.off || !c.val) {
		rc = EXH_ENOMEM;
		goto out;
	}
	/* IPv4 lives at ::/96 in an IPv6 tree. */
	for (i = 0; db->metadata.ip_version == 6 && i < 96; i++) {
		if (MMDB_read_node(db, (uint32_t)node, &n) != MMDB_SUCCESS) {
			rc = EXH_EINVAL;
			goto out;
		}
		if (n.left_record_type != MMDB_RECORD_TYPE_SEARCH_NODE) {
			push_side(st, &top, n.left_record_type, 0,
			          n.left_record_entry, 0, 0);
			break;
		}
		node = n.left_record;
	}
	if (top == 0 && i >= (db->metadata.ip_version == 6 ? 96 : 0))
		st[top++] = (struct walk_item){false, node, {0}, 0, 0};
	while (top > 0 && !rc) {
		struct walk_item it = st[--top];
		uint32_t half;
		if (it.leaf) {
			struct geo_range r;
			rc = record_answer(g, &c, &it.entry, &r);
			r.first = it.prefix;
			r.last = it.prefix +
			         (it.depth == 0
			              ? UINT32_MAX
			              : (((uint32_t)1 << (32 - it.depth)) - 1));
			rc = rc ? rc : push_range(f, &r);
			continue;
		}
		if (it.depth >= 32 || top > 76 ||
		    MMDB_read_node(db, (uint32_t)it.node, &n) != MMDB_SUCCESS) {
			rc = EXH_EINVAL;
			break;
		}
		half = (uint32_t)1 << (31 - it.depth);
		push_side(st, &top, n.right_record_type, n.right_record,
		          n.right_record_entry, it.prefix | half, it.depth + 1);
		push_side(st, &top, n.left_record_type, n.left_record,
		          n.left_record_entry, it.prefix, it.depth + 1);
	}
out:
	free(c.off);
	free(c.val);
	return rc;
}

/* Merges the files' ranges: for each stretch of addresses, the first
 * file (in the order given) with an AS gives the AS, the first with a
 * country the country, as geo_lookup's tree walks do. */
int geo_flatten(struct geo *g)
{
	struct file_ranges fr[LIM_MMDB_FILES];
	size_t at[LIM_MMDB_FILES] = {0}, cap = 0;
	uint64_t pos = 0;
	int i, rc = 0;

	memset(fr, 0, sizeof fr);
	if (!g->names) { /* offset 0 is "" */
		if (array_reserve(&g->names, &g->names_cap, 1, 1, 4096))
			return EXH_ENOMEM;
		g->names[0] = '\0';
		g->names_len = 1;
	}
	for (i = 0; i < g->ndb && !rc; i++)
		rc = walk_file(g, &g->db[i], &fr[i]);
	while (!rc && pos <= UINT32_MAX) {
		struct geo_range r = {0};
		uint64_t end = UINT32_MAX,
		         next_start = (uint64_t)UINT32_MAX + 1;
		bool any = false;
		for (i = 0; i < g->ndb; i++) {
			const struct file_ranges *f = &fr[i];
			while (at[i] < f->n && f->r[at[i]].last < pos)
				at[i]++;
			if (at[i] == f->n)
				continue;
			if (f->r[at[i]].first <= pos) {
				const struct geo_range *x = &f->r[at[i]];
				if (x->last < end)
					end = x->last;
				if (!r.asn && x->asn) {
					r.asn = x->asn;
					r.name = x->name;
				}
				if (!r.cc[0] && x->cc[0])
					memcpy(r.cc, x->cc, 2);
				any = true;
			} else if (f->r[at[i]].first < next_start) {
				next_start = f->r[at[i]].first;
			}
		}
		if (next_start - 1 < end)
			end = next_start - 1;
		if (any && (r.asn || r.cc[0])) {
			r.first = (uint32_t)pos;
			r.last = (uint32_t)end;
			if (g->nflat &&
			    g->flat[g->nflat - 1].last + 1 == r.first &&
			    g->flat[g->nflat - 1].asn == r.asn &&
			    g->flat[g->nflat - 1].name == r.name &&
			    memcmp(g->flat[g->nflat - 1].cc, r.cc, 2) == 0) {
				g->flat[g->nflat - 1].last = r.last;
			} else {
				if (array_reserve(&g->flat, &cap, g->nflat + 1,
				                  sizeof *g->flat, 65536)) {
					rc = EXH_ENOMEM;
					break;
				}
				g->flat[g->nflat++] = r;
			}
		}
		pos = end + 1;
	}
	for (i = 0; i < g->ndb; i++)
		free(fr[i].r);
	g->flat_state = rc ? -1 : 1;
	return rc;
}

static const struct geo_range *flat_find(const struct geo *g, uint32_t ip)
{
	size_t lo = upper_bound_u32(g->flat, g->nflat, sizeof *g->flat,
	                            offsetof(struct geo_range, first), ip);

	return lo > 0 && ip <= g->flat[lo - 1].last ? &g->flat[lo - 1] : NULL;
}

void geo_lookup(struct geo *g, uint32_t ip, struct geo_answer *a)
{
	int i;

	memset(a, 0, sizeof *a);
	if (g->ndb && g->flat_state == 0 && ++g->lookups > GEO_FLATTEN_AFTER)
		geo_flatten(g);
	if (g->flat_state == 1) {
		const struct geo_range *r = flat_find(g, ip);
		if (r) {
			a->asn = r->asn;
			snprintf(a->as_name, sizeof a->as_name, "%s",
			         g->names + r->name);
			if (r->cc[0]) {
				a->country[0] = r->cc[0];
				a->country[1] = r->cc[1];
			}
			add_source(a, "mmdb");
		}
	}
	for (i = 0;
	     g->flat_state != 1 && i < g->ndb && (!a->asn || !a->country[0]);
	     i++)
		from_mmdb(&g->db[i], ip, a);
	if (!a->asn && g->pfx.n) {
		const struct pmap_entry *e = pmap_lookup(&g->pfx, ip);
		if (e) {
			a->asn = e->value;
			add_source(a, "prefix2as");
		}
	}
	if (!a->country[0] && g->rir.n) {
		const struct range_entry *e = ranges_lookup(&g->rir, ip);
		if (e) {
			cc_unpack(e->value, a->country);
			add_source(a, "delegated");
		}
	}
}
