#include "notify/geo.h"
#include "base/err.h"
#include "base/file.h"
#include "base/log.h"
#include "notify/netdata.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
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
	geo_init(g);
}

int geo_add_mmdb(struct geo *g, const char *path)
{
	int rc;

	if (g->ndb == GEO_MAX_MMDB) {
		log_error("%s: at most %d MMDB files", path, GEO_MAX_MMDB);
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

void geo_lookup(const struct geo *g, uint32_t ip, struct geo_answer *a)
{
	int i;

	memset(a, 0, sizeof *a);
	for (i = 0; i < g->ndb && (!a->asn || !a->country[0]); i++)
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
