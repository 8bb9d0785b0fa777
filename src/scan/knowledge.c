#include "scan/knowledge.h"
#include "base/array.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/err.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/banned.h"

bool build_parse(struct view v, bool parts3, build_t *out)
{
	build_t b = 0;
	int part, nparts = parts3 ? 3 : 4;

	for (part = 0; part < nparts; part++) {
		struct view num;
		uint64_t n;
		bool more = view_split(&v, '.', &num);
		if ((part < nparts - 1) != more)
			return false;
		if (!view_to_u64(num, 65535, &n))
			return false;
		b = (b << 16) | n;
	}
	if (parts3)
		b <<= 16;
	*out = b;
	return true;
}

void build_format(build_t b, bool cu_only, char dst[BUILD_STRLEN])
{
	if (cu_only)
		snprintf(dst, BUILD_STRLEN, "%u.%u.%u", (unsigned)(b >> 48),
		         (unsigned)(b >> 32) & 0xffff,
		         (unsigned)(b >> 16) & 0xffff);
	else
		snprintf(dst, BUILD_STRLEN, "%u.%u.%u.%u", (unsigned)(b >> 48),
		         (unsigned)(b >> 32) & 0xffff,
		         (unsigned)(b >> 16) & 0xffff, (unsigned)b & 0xffff);
}

/* Calls row() for each data line of a CSV table (skipping '#' comments and
 * the header). */
static int each_row(const char *dir, const char *name, int want_fields,
                    int (*row)(struct kb *, struct view *, int, const char *,
                               int),
                    struct kb *kb)
{
	struct buf data;
	struct view all, line;
	int rc, lineno = 0, header_seen = 0, rows = 0;

	rc = data_load(dir, name, &data);
	if (rc)
		return rc;
	all = (struct view){data.p, data.len};
	while (all.len) {
		struct view f[LIM_CSV_FIELDS];
		int n;
		view_split(&all, '\n', &line);
		lineno++;
		line = view_trim(line);
		if (line.len == 0 || line.p[0] == '#')
			continue;
		if (!header_seen) {
			header_seen = 1;
			continue;
		}
		n = csv_split(line, ',', f, LIM_CSV_FIELDS);
		if (n != want_fields) {
			log_error("%s:%d: expected %d fields, found %d", name,
			          lineno, want_fields, n);
			rc = EXH_EINVAL;
			break;
		}
		if (++rows > LIM_DATA_ROWS) {
			log_error("%s: more than %d rows", name, LIM_DATA_ROWS);
			rc = EXH_ELIMIT;
			break;
		}
		rc = row(kb, f, n, name, lineno);
		if (rc)
			break;
	}
	buf_release(&data);
	return rc;
}

static int field(struct view v, char *dst, size_t cap, const char *name,
                 int lineno, const char *what)
{
	if (!view_cstr(view_trim(v), dst, cap)) {
		log_error("%s:%d: %s is too long", name, lineno, what);
		return EXH_EINVAL;
	}
	return 0;
}

static int product_row(struct kb *kb, struct view *f, int n, const char *name,
                       int lineno)
{
	struct kb_product *p;

	if (kb->nproducts == KB_MAX_PRODUCTS) {
		log_error("%s:%d: too many product lines", name, lineno);
		return EXH_ELIMIT;
	}
	p = &kb->products[kb->nproducts];
	if (field(f[0], p->name, sizeof p->name, name, lineno, "product") ||
	    field(f[2], p->title, sizeof p->title, name, lineno, "name") ||
	    field(f[3], p->eos, sizeof p->eos, name, lineno, "end_of_support"))
		return EXH_EINVAL;
	if (!build_parse(view_trim(f[1]), false, &p->first)) {
		log_error("%s:%d: first_build is not a build number", name,
		          lineno);
		return EXH_EINVAL;
	}
	kb->nproducts++;
	return 0;
}

static int build_row(struct kb *kb, struct view *f, int n, const char *name,
                     int lineno)
{
	struct kb_build *b;
	char prod[8];

	if (array_reserve(&kb->builds, &kb->capbuilds, (size_t)kb->nbuilds + 1,
	                  sizeof *kb->builds, 64))
		return EXH_ENOMEM;
	b = &kb->builds[kb->nbuilds];
	memset(b, 0, sizeof *b);
	if (!build_parse(view_trim(f[0]), false, &b->build)) {
		log_error("%s:%d: '%.*s' is not a build number", name, lineno,
		          (int)f[0].len, f[0].p);
		return EXH_EINVAL;
	}
	if (field(f[1], prod, sizeof prod, name, lineno, "product") ||
	    field(f[2], b->cu, sizeof b->cu, name, lineno, "cu") ||
	    field(f[3], b->update, sizeof b->update, name, lineno, "update") ||
	    field(f[4], b->date, sizeof b->date, name, lineno, "date"))
		return EXH_EINVAL;
	b->product = kb_product_find(kb, prod);
	if (b->product < 0) {
		log_error("%s:%d: product '%s' is not in products.csv", name,
		          lineno, prod);
		return EXH_EINVAL;
	}
	kb->nbuilds++;
	return 0;
}

static int cve_row(struct kb *kb, struct view *f, int n, const char *name,
                   int lineno)
{
	struct kb_cve *c;
	struct view list, item;

	if (array_reserve(&kb->cves, &kb->capcves, (size_t)kb->ncves + 1,
	                  sizeof *kb->cves, 16))
		return EXH_ENOMEM;
	c = &kb->cves[kb->ncves];
	memset(c, 0, sizeof *c);
	if (field(f[0], c->id, sizeof c->id, name, lineno, "cve") ||
	    field(f[1], c->campaign, sizeof c->campaign, name, lineno,
	          "campaign"))
		return EXH_EINVAL;
	list = view_trim(f[2]);
	while (list.len) {
		char prod[8];
		int p;
		view_split(&list, ' ', &item);
		if (item.len == 0)
			continue;
		if (!view_cstr(item, prod, sizeof prod) ||
		    (p = kb_product_find(kb, prod)) < 0) {
			log_error(
			    "%s:%d: product '%.*s' is not in products.csv",
			    name, lineno, (int)item.len, item.p);
			return EXH_EINVAL;
		}
		c->products |= 1u << p;
	}
	list = view_trim(f[3]);
	while (list.len) {
		view_split(&list, ' ', &item);
		if (item.len == 0)
			continue;
		if (c->nfix == KB_MAX_FIXES ||
		    !view_cstr(item, c->fix[c->nfix], sizeof c->fix[0])) {
			log_error("%s:%d: too many or too long fix names", name,
			          lineno);
			return EXH_EINVAL;
		}
		c->nfix++;
	}
	if (c->nfix == 0 || c->products == 0) {
		log_error("%s:%d: a CVE needs products and a fix", name,
		          lineno);
		return EXH_EINVAL;
	}
	kb->ncves++;
	return 0;
}

static int cmp_build(const void *a, const void *b)
{
	const struct kb_build *x = a, *y = b;

	return x->build < y->build ? -1 : x->build > y->build;
}

static int load_paths(struct kb *kb, const char *dir)
{
	struct buf data;
	struct view all, line;
	int rc = data_load(dir, "webshell-paths.txt", &data);

	if (rc)
		return rc;
	all = (struct view){data.p, data.len};
	while (all.len && !rc) {
		view_split(&all, '\n', &line);
		line = view_trim(line);
		if (line.len == 0 || line.p[0] == '#')
			continue;
		if (line.p[0] != '/' || line.len > 512) {
			log_error(
			    "webshell-paths.txt: '%.*s' is not a URL path",
			    (int)(line.len > 80 ? 80 : line.len), line.p);
			rc = EXH_EINVAL;
			break;
		}
		if (array_reserve(&kb->webshell_paths, &kb->capwebshell_paths,
		                  (size_t)kb->nwebshell_paths + 1,
		                  sizeof *kb->webshell_paths, 64) ||
		    !(kb->webshell_paths[kb->nwebshell_paths] =
		          strndup(line.p, line.len))) {
			rc = EXH_ENOMEM;
			break;
		}
		kb->nwebshell_paths++;
	}
	buf_release(&data);
	if (!rc && kb->nwebshell_paths &&
	    !(kb->webshell_folder =
	          calloc((size_t)kb->nwebshell_paths, sizeof(int))))
		rc = EXH_ENOMEM;
	for (int i = 0; !rc && i < kb->nwebshell_paths; i++) {
		const char *pi = kb->webshell_paths[i];
		size_t li = (size_t)(strrchr(pi, '/') - pi);
		int f;
		for (f = 0; f < kb->nwebshell_folders; f++) {
			const char *pf =
			    kb->webshell_paths[kb->webshell_folder_first[f]];
			if ((size_t)(strrchr(pf, '/') - pf) == li &&
			    strncasecmp(pf, pi, li) == 0)
				break;
		}
		if (f == kb->nwebshell_folders) {
			if (f == KB_MAX_FOLDERS) {
				log_error("webshell-paths.txt: more than %d "
				          "folders",
				          KB_MAX_FOLDERS);
				rc = EXH_EINVAL;
				break;
			}
			kb->webshell_folder_first[kb->nwebshell_folders++] = i;
		}
		kb->webshell_folder[i] = f;
	}
	return rc;
}

/* For each CVE, the CUs that received one of its fixing updates and the
 * build there (the lowest, where the tables disagree: data/SOURCES.md). */
static int derive_fixes(struct kb *kb)
{
	int c, i, k, j;

	for (c = 0; c < kb->ncves; c++) {
		struct kb_cve *cve = &kb->cves[c];
		for (i = 0; i < kb->nbuilds; i++) {
			const struct kb_build *b = &kb->builds[i];
			if (!(cve->products & (1u << b->product)))
				continue;
			for (k = 0; k < cve->nfix; k++)
				if (strcmp(b->update, cve->fix[k]) == 0)
					break;
			if (k == cve->nfix)
				continue;
			if (BUILD_CU(b->build) > cve->top[b->product])
				cve->top[b->product] = BUILD_CU(b->build);
			for (j = 0; j < cve->nat; j++)
				if (cve->at[j].cu == BUILD_CU(b->build))
					break;
			if (j < cve->nat) {
				if (b->build < cve->at[j].fix) {
					cve->at[j].fix = b->build;
					cve->at[j].update = b->update;
				}
				continue;
			}
			if (array_reserve(&cve->at, &cve->capat,
			                  (size_t)cve->nat + 1, sizeof *cve->at,
			                  8))
				return EXH_ENOMEM;
			cve->at[cve->nat].product = b->product;
			cve->at[cve->nat].cu = BUILD_CU(b->build);
			cve->at[cve->nat].fix = b->build;
			cve->at[cve->nat].update = b->update;
			cve->nat++;
		}
	}
	return 0;
}

int kb_load(const char *dir, struct kb **out)
{
	struct kb *kb = calloc(1, sizeof *kb);
	int rc;

	if (!kb)
		return EXH_ENOMEM;
	rc = each_row(dir, "products.csv", 4, product_row, kb);
	if (!rc)
		rc = each_row(dir, "builds.csv", 5, build_row, kb);
	if (!rc)
		rc = each_row(dir, "cves.csv", 4, cve_row, kb);
	if (!rc)
		rc = load_paths(kb, dir);
	if (rc) {
		kb_free(kb);
		return rc;
	}
	qsort(kb->builds, (size_t)kb->nbuilds, sizeof *kb->builds, cmp_build);
	rc = derive_fixes(kb);
	if (rc) {
		kb_free(kb);
		return rc;
	}
	*out = kb;
	return 0;
}

void kb_free(struct kb *kb)
{
	int i;

	if (!kb)
		return;
	for (i = 0; i < kb->nwebshell_paths; i++)
		free(kb->webshell_paths[i]);
	free(kb->webshell_paths);
	free(kb->webshell_folder);
	for (i = 0; i < kb->ncves; i++)
		free(kb->cves[i].at);
	free(kb->builds);
	free(kb->cves);
	free(kb);
}

int kb_product_find(const struct kb *kb, const char *name)
{
	int i;

	for (i = 0; i < kb->nproducts; i++)
		if (strcmp(kb->products[i].name, name) == 0)
			return i;
	return -1;
}

int kb_product_of(const struct kb *kb, build_t b)
{
	int i, best = -1;

	for (i = 0; i < kb->nproducts; i++)
		if (kb->products[i].first <= b &&
		    (best < 0 ||
		     kb->products[i].first > kb->products[best].first))
			best = i;
	return best;
}

/* Index of the last build <= b, or -1. */
static int floor_index(const struct kb *kb, build_t b)
{
	int lo = 0, hi = kb->nbuilds;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (kb->builds[mid].build <= b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

const struct kb_build *kb_nearest(const struct kb *kb, build_t b)
{
	int i = floor_index(kb, b);

	if (i >= 0 && BUILD_CU(kb->builds[i].build) == BUILD_CU(b))
		return &kb->builds[i];
	if (i + 1 < kb->nbuilds &&
	    BUILD_CU(kb->builds[i + 1].build) == BUILD_CU(b))
		return &kb->builds[i + 1];
	return NULL;
}

const struct kb_build *kb_cu_release(const struct kb *kb, build_t cu)
{
	int i = floor_index(kb, BUILD_CU(cu)) + 1;

	for (; i < kb->nbuilds && BUILD_CU(kb->builds[i].build) == BUILD_CU(cu);
	     i++)
		if (strcmp(kb->builds[i].update, "RTM") == 0)
			return &kb->builds[i];
	return NULL;
}

int kb_cve_find(const struct kb *kb, const char *id)
{
	int i;

	for (i = 0; i < kb->ncves; i++)
		if (strcmp(kb->cves[i].id, id) == 0)
			return i;
	return -1;
}

enum kb_fix_kind kb_fix(const struct kb *kb, int c, build_t b, build_t *fix,
                        const char **update)
{
	const struct kb_cve *cve = &kb->cves[c];
	int p = kb_product_of(kb, b), i;

	if (p < 0 || !(cve->products & (1u << p)))
		return FIX_NOT_AFFECTED;
	for (i = 0; i < cve->nat; i++)
		if (cve->at[i].product == p && cve->at[i].cu == BUILD_CU(b)) {
			*fix = cve->at[i].fix;
			*update = cve->at[i].update;
			return FIX_AT_BUILD;
		}
	if (!kb_nearest(kb, b))
		return FIX_UNKNOWN;
	if (cve->top[p] && BUILD_CU(b) > cve->top[p])
		return FIX_SHIPPED;
	return FIX_NONE;
}
