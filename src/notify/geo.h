/* IP address to AS number, AS name and country, from the offline data a
 * user has: MaxMind-format MMDB files (GeoLite2/GeoIP2 ASN and Country,
 * DB-IP and the like) through libmaxminddb, and, without them, RouteViews
 * prefix2as (AS) and RIR delegated stats (registry country). */
#ifndef EXH_NOTIFY_GEO_H
#define EXH_NOTIFY_GEO_H
#include "base/limits.h"
#include "notify/pmap.h"
#include <maxminddb.h>
#include <stdbool.h>
#include <stdint.h>

/* Bulk lookups: past GEO_FLATTEN_AFTER lookups, the IPv4 part of the
 * MMDB files is read once (libmaxminddb's node API) into sorted ranges
 * with every file's answers merged, so that a lookup is one binary search
 * instead of a tree walk per file. The answers are the same. */
#define GEO_FLATTEN_AFTER 16384

struct geo_range {
	uint32_t first, last;
	uint32_t asn;
	uint32_t name; /* offset into names, 0: none */
	char cc[2];    /* "\0\0": none */
};

struct geo {
	MMDB_s db[LIM_MMDB_FILES];
	int ndb;
	struct pmap pfx;   /* prefix2as */
	struct ranges rir; /* delegated stats */
	uint64_t lookups;
	int flat_state; /* 0 not yet, 1 built, -1 failed (tree walks stay) */
	struct geo_range *flat;
	size_t nflat;
	char *names; /* AS names, NUL-separated; offset 0 is "" */
	size_t names_len, names_cap;
};

struct geo_answer {
	uint32_t asn; /* 0: unknown */
	char as_name[128];
	char country[3]; /* "" unknown */
	char source[48]; /* which data answered: "mmdb", "prefix2as", ... */
};

void geo_init(struct geo *g);
void geo_release(struct geo *g);
/* Each adds one file; errors name the file and what is wrong. */
int geo_add_mmdb(struct geo *g, const char *path);
int geo_add_prefix2as(struct geo *g, const char *path);
int geo_add_delegated(struct geo *g, const char *path);
/* Call once after the last add. */
void geo_finish(struct geo *g);
bool geo_empty(const struct geo *g);
/* Fills *a from the MMDB files first (in the order given), then the
 * text tables for what they left unknown. */
void geo_lookup(struct geo *g, uint32_t ip, struct geo_answer *a);
/* Builds the flat ranges now (geo_lookup does it by itself past
 * GEO_FLATTEN_AFTER lookups). EXH_ENOMEM or EXH_EINVAL (a file whose
 * tree does not read) leave the tree walks in use. */
int geo_flatten(struct geo *g);

#endif
