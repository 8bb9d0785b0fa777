/* IP address to AS number, AS name and country, from the offline data a
 * user has: MaxMind-format MMDB files (GeoLite2/GeoIP2 ASN and Country,
 * DB-IP and the like) through libmaxminddb, and, without them, RouteViews
 * prefix2as (AS) and RIR delegated stats (registry country). */
#ifndef EXH_NOTIFY_GEO_H
#define EXH_NOTIFY_GEO_H
#include "notify/pmap.h"
#include <maxminddb.h>
#include <stdbool.h>
#include <stdint.h>

#define GEO_MAX_MMDB 8

struct geo {
	MMDB_s db[GEO_MAX_MMDB];
	int ndb;
	struct pmap pfx;   /* prefix2as */
	struct ranges rir; /* delegated stats */
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
void geo_lookup(const struct geo *g, uint32_t ip, struct geo_answer *a);

#endif
