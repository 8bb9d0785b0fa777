/* The knowledge base: Exchange builds, product lines and the CVE map, read
 * from data/ (builds.csv, products.csv, cves.csv). Pure data; the judge
 * (judge.h) turns it into verdicts. */
#ifndef EXH_SCAN_KNOWLEDGE_H
#define EXH_SCAN_KNOWLEDGE_H
#include "base/view.h"
#include <stdbool.h>
#include <stdint.h>

/* A build a.b.c.d packed as four 16-bit fields, so packed builds compare as
 * the versions do. */
typedef uint64_t build_t;
#define BUILD(a, b, c, d)                                                      \
	(((build_t)(a) << 48) | ((build_t)(b) << 32) | ((build_t)(c) << 16) |  \
	 (build_t)(d))
#define BUILD_CU(x) ((x) & ~(build_t)0xffff) /* a.b.c.0 */
#define BUILD_STRLEN 24

/* Parses "a.b.c.d" (or "a.b.c" with parts3) allowing leading zeros as in
 * "15.01.2176.009" (X-ServerApplication writes them so). */
bool build_parse(struct view v, bool parts3, build_t *out);
/* Writes a.b.c.d, or a.b.c when cu_only. */
void build_format(build_t b, bool cu_only, char dst[BUILD_STRLEN]);

#define KB_MAX_PRODUCTS 8
#define KB_MAX_FIXES 4
#define KB_MAX_FOLDERS 32 /* folders of webshell-paths.txt */

struct kb_product {
	char name[8]; /* "2010", "2013", "2016", "2019", "SE" */
	char title[48];
	build_t first;
	char eos[11]; /* end of extended support, YYYY-MM-DD */
};

struct kb_build {
	build_t build;
	int product;     /* index into kb->products */
	char cu[8];      /* "CU19", "SP3", "RTM" */
	char update[12]; /* "RTM" for the CU release itself, else "Mar21SU" */
	char date[11];
};

struct kb_fix_at {
	int product;
	build_t cu;  /* a.b.c.0 */
	build_t fix; /* lowest build of that CU carrying the fix */
	const char *update;
};

struct kb_cve {
	char id[24];
	char campaign[16];
	unsigned products; /* bit i: affects kb->products[i] */
	char fix[KB_MAX_FIXES][12];
	int nfix;
	/* Derived at load: the CUs that got a fixing update, and per product
	 * the newest such CU. */
	struct kb_fix_at *at;
	int nat;
	size_t capat;
	build_t top[KB_MAX_PRODUCTS];
};

struct kb {
	struct kb_product products[KB_MAX_PRODUCTS];
	int nproducts;
	struct kb_build *builds; /* sorted by build */
	int nbuilds;
	size_t capbuilds;
	struct kb_cve *cves;
	int ncves;
	size_t capcves;
	char **webshell_paths;
	int nwebshell_paths;
	size_t capwebshell_paths;
	/* The folders of those paths: folder index per path, and the first
	 * path of each folder (a probe asks each folder once for a name no
	 * server has). */
	int *webshell_folder;
	int webshell_folder_first[KB_MAX_FOLDERS];
	int nwebshell_folders;
};

/* Loads the tables from dir, or from the compiled-in copies when dir is
 * NULL. Errors name the file and line on stderr. *out is the caller's, to
 * release with kb_free. */
int kb_load(const char *dir, struct kb **out);
void kb_free(struct kb *kb);

/* The product line of a build, or -1 below every line. */
int kb_product_of(const struct kb *kb, build_t b);
int kb_product_find(const struct kb *kb, const char *name);
/* The known build equal to b, else the nearest lower one of the same CU
 * (a.b.c), else the lowest of that CU; NULL when the CU is unknown. */
const struct kb_build *kb_nearest(const struct kb *kb, build_t b);
/* The release build of the CU a.b.c (update "RTM"); NULL if unknown. */
const struct kb_build *kb_cu_release(const struct kb *kb, build_t cu);
int kb_cve_find(const struct kb *kb, const char *id);

enum kb_fix_kind {
	FIX_NOT_AFFECTED, /* the CVE does not affect this product line */
	FIX_AT_BUILD,     /* this CU got the fix in an update: see *fix */
	FIX_SHIPPED, /* this CU is newer than every CU that got an update */
	FIX_NONE,    /* this CU is older and got no update: no fix */
	FIX_UNKNOWN, /* the CU is not in the build table */
};

/* How CVE c is fixed for the CU of build b. For FIX_AT_BUILD, *fix is the
 * lowest build of that CU that carries it and *update its name. */
enum kb_fix_kind kb_fix(const struct kb *kb, int c, build_t b, build_t *fix,
                        const char **update);

#endif
