/* exhunt report: campaign figures over the scans in a database (the scan
 * SQLite store, docs/scan-output.md), as text, CSV and an HTML dashboard. */
#ifndef EXH_REPORT_REPORT_H
#define EXH_REPORT_REPORT_H
#include "base/limits.h"
#include "base/buf.h"
#include <stdint.h>
#include <stdio.h>

#define REPORT_CVES 5
/* Countries and networks followed scan by scan: the largest, by servers
 * at the last scan. */
#define REPORT_SERIES_GROUPS 50

/* The campaigns followed, by the CVE that stands for each. */
extern const char *const report_cves[REPORT_CVES];
extern const char *const report_campaigns[REPORT_CVES];

struct scan_figures {
	char id[64], time[32];
	uint64_t exchange, backdoored, eol;
	uint64_t vuln[REPORT_CVES], likely[REPORT_CVES], patched[REPORT_CVES];
	/* ProxyLogon servers open (vulnerable or likely) at the first scan,
	 * and how many of those are patched now. */
	uint64_t first_open, first_open_patched;
	/* Since the previous scan (by server identity, docs/report.md). */
	uint64_t newly_patched, newly_backdoored, cleaned, disappeared;
};

struct cu_count {
	char name[96];  /* "2016 CU19" */
	uint64_t build; /* a build it names (build_t): the chart's order */
	uint64_t n;
};

/* One country or network of the last scan (enrichment joined by
 * address). */
struct group_row {
	char key[32];  /* country code or "AS64500"; "unknown" */
	char name[96]; /* the network's name, when known */
	uint64_t servers, open, backdoored;
	/* the first nseries rows: per scan i, servers [2i] and open [2i+1]
	 * (where each server was at that scan) */
	uint64_t *series;
};

struct group_table {
	struct group_row *rows; /* largest first */
	size_t n, cap, nseries;
};

/* The follow-up of notices (exhunt notify), per contact and overall:
 * servers notified, and their state at the last scan. A server counts as
 * patched when none of the CVEs it was notified about is open any more,
 * clean when also no web shell answers; days_to_patch is from the
 * notice to the first later scan that saw it patched. */
struct funnel_row {
	char contact[256];
	uint64_t notified, gone, patched, clean, still_backdoored;
	uint64_t timed; /* patched servers with a time to patch */
	double days_mean, days_median;
};

struct funnel {
	uint64_t found; /* servers with a finding in a notified round */
	struct funnel_row all;
	struct funnel_row *rows; /* per contact, by contact address */
	size_t n, cap;
};

struct report {
	struct scan_figures *s;
	int n;
	long long last_no; /* the last scan's number in the store */
	struct cu_count cus[LIM_REPORT_CUS]; /* last scan */
	int ncus;
	struct group_table countries, networks;
	struct funnel funnel;
};

/* Reads the figures from the database at path. Errors are printed. */
int report_load(const char *path, struct report *r);
void report_release(struct report *r);
void report_text(const struct report *r, FILE *f);
int report_csv(const struct report *r, struct buf *out);
/* Countries and networks of the last scan, every row:
 * dimension,key,name,servers,open,backdoored. */
int report_groups_csv(const struct report *r, struct buf *out);
/* The countries and networks followed scan by scan:
 * dimension,key,scan_id,time,servers,open,open_share. */
int report_series_csv(const struct report *r, struct buf *out);
/* The follow-up: contact,notified,gone,patched,clean,still_backdoored,
 * patched_timed,days_to_patch_mean,days_to_patch_median; the first row
 * is "(all)". */
int report_funnel_csv(const struct report *r, struct buf *out);
/* The builds of the last scan in version order:
 * product_line,build_name,build,servers. */
int report_builds_csv(const struct report *r, struct buf *out);
/* Every figure as one JSON object for other dashboards (docs/report.md:
 * scans, builds, countries, networks, notices). */
int report_json(const struct report *r, struct buf *out);
/* One self-contained page: SVG charts written here, a sortable server
 * table of the last scan from the database. */
int report_html(const struct report *r, const char *db_path, struct buf *out);

/* Imports the JSONL results in path ("-": standard input) into the
 * database at db_path (created when needed). Idempotent: records already
 * there are skipped. *added counts new records, *lines all records read.
 * A malformed line stops the import with an error naming path:line;
 * batches before it stay imported. */
int report_import(const char *db_path, const char *path, uint64_t *added,
                  uint64_t *lines);

#endif
