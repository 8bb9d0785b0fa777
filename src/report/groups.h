/* Countries and networks of a campaign, counted in the report's own pass
 * over the observations (report.c's scan_pass) instead of a grouping
 * query per scan and dimension: at ten million observations those
 * queries took most of the report's time. The enrichment (table
 * addresses) is read once into memory, each address with its groups, so
 * that an observation costs one look-up by its address, not a join.
 *
 * Each Exchange observation whose address has enrichment (table
 * addresses) is fed with its country and network; per scan and group the
 * distinct servers, those open to any followed campaign and the
 * back-doored ones are counted, a server's flags joined over its
 * observations in that group (a server at two addresses of one group
 * counts once; at addresses of two groups, once in each). */
#ifndef EXH_REPORT_GROUPS_H
#define EXH_REPORT_GROUPS_H
#include "report/report.h"
#include <stdbool.h>
#include <stddef.h>

enum { GROUP_COUNTRY, GROUP_NETWORK, GROUP_DIMS };

struct group_acc;
struct group_pair;
struct group_addr;
struct db;

struct groups {
	int nscans;
	size_t nservers;
	struct group_acc *g[GROUP_DIMS];
	size_t n[GROUP_DIMS], cap[GROUP_DIMS];
	int *slot[GROUP_DIMS]; /* key hash -> group index + 1 */
	size_t nslots[GROUP_DIMS];
	/* per server: the scan it was last fed in (index + 1), and there
	 * its first group and the flags joined in it, per dimension */
	int *stamp;
	int *grp[GROUP_DIMS];
	unsigned char *flags[GROUP_DIMS];
	/* a server's further groups in the scan, merged at its end */
	struct group_pair *extra;
	size_t nextra, extra_cap;
	/* the addresses with enrichment: by address, open addressing */
	struct group_addr *addr;
	size_t naddr, addr_cap;
	unsigned *addr_slot; /* index + 1 */
	size_t addr_nslots;
	char *text; /* the addresses and network names, one after another */
	size_t text_len, text_cap;
	bool failed; /* out of memory */
};

/* Servers have ids below nservers. Reads the table addresses of db:
 * EXH_EIO (printed) or EXH_ENOMEM. */
int groups_init(struct groups *g, struct db *db, size_t nservers, int nscans);
/* One Exchange observation of scan (index) at address ip (len bytes):
 * counted when the address has enrichment. */
void groups_feed(struct groups *g, int scan, long long id, bool open,
                 bool shell, const char *ip, size_t len);
/* After the scan's last observation. */
void groups_scan_end(struct groups *g, int scan);
/* The last scan's groups, largest first, and the series of the largest
 * REPORT_SERIES_GROUPS over every scan, into t (one per dimension). */
int groups_tables(struct groups *g, struct group_table *countries,
                  struct group_table *networks);
void groups_free(struct groups *g);

#endif
