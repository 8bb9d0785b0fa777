#include "report/report.h"
#include "report/groups.h"
#include "base/err.h"
#include "base/log.h"
#include "scan/knowledge.h"
#include "store/store.h"
#include "base/array.h"
#include "base/csv.h"
#include "base/json.h"
#include <stdbool.h>
#include <stdio.h>
#include "store/db.h"
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

const char *const report_cves[REPORT_CVES] = {
    "CVE-2021-26855", "CVE-2021-34473", "CVE-2021-33766",
    "CVE-2022-41040", "CVE-2022-41080",
};
const char *const report_campaigns[REPORT_CVES] = {
    "ProxyLogon", "ProxyShell", "ProxyToken", "ProxyNotShell", "OWASSRF",
};

/* A server's state in one scan, one byte: seen as Exchange, ProxyLogon
 * open / patched, back-doored. */
enum {
	ST_SEEN = 1,
	ST_OPEN = 2,
	ST_PATCHED = 4,
	ST_SHELL = 8,
};

static int prepare(struct db *db, const char *path, const char *sql,
                   struct dbq **st)
{
	if (db_prepare(db, sql, st) == 0)
		return 0;
	log_error("%s: not an exhunt scan database (%s)", path, db_errmsg(db));
	return EXH_EINVAL;
}

/* Positions of the followed CVEs in the verdict strings (0: none). */
static void cve_positions(struct db *db, int pos[REPORT_CVES])
{
	struct dbq *st;
	int k;

	for (k = 0; k < REPORT_CVES; k++) {
		pos[k] = 0;
		if (db_prepare(db, "SELECT idx FROM cves WHERE id=?", &st) != 0)
			continue;
		dbq_bind_text(st, 1, report_cves[k], -1);
		if (dbq_step(st) == DB_ROW)
			pos[k] = dbq_int(st, 0);
		dbq_free(st);
	}
}

static bool is_open(char c)
{
	return c == 'V' || c == 'L';
}

/* One pass over a scan's Exchange observations (a range of keys, in key
 * order): per-scan counts, and each server's state in cur. A server seen
 * at several addresses counts once, by its first observation. With gs,
 * each observation with enrichment is also counted in its country and
 * network (report/groups.h). */
static int scan_pass(struct dbq *st, long long no, const int pos[],
                     uint8_t *cur, size_t nservers, struct scan_figures *f,
                     struct groups *gs, int scan)
{
	int k, step;

	dbq_reset(st);
	dbq_bind_int(st, 1, no * STORE_SEQ_LIMIT);
	dbq_bind_int(st, 2, (no + 1) * STORE_SEQ_LIMIT - 1);
	while ((step = dbq_step(st)) == DB_ROW) {
		long long id = dbq_int(st, 0);
		const char *v = dbq_text(st, 1);
		int vlen = v ? (int)dbq_len(st, 1) : 0;
		uint8_t s = ST_SEEN;
		if (gs && !dbq_null(st, 4)) {
			bool open = false;
			for (k = 0; k < REPORT_CVES; k++)
				open |= pos[k] && pos[k] <= vlen &&
				        is_open(v[pos[k] - 1]);
			groups_feed(gs, scan, id, open, dbq_int(st, 2) > 0,
			            dbq_text(st, 4), dbq_len(st, 4));
		}
		if (id <= 0 || (size_t)id >= nservers)
			continue;
		if (cur[id] & ST_SEEN) {
			if (dbq_int(st, 2) > 0 && !(cur[id] & ST_SHELL)) {
				cur[id] |= ST_SHELL;
				f->backdoored++;
			}
			continue;
		}
		f->exchange++;
		for (k = 0; k < REPORT_CVES; k++) {
			char c = pos[k] && pos[k] <= vlen ? v[pos[k] - 1] : '-';
			f->vuln[k] += c == 'V';
			f->likely[k] += c == 'L';
			f->patched[k] += c == 'P';
			if (k == 0)
				s |= is_open(c) ? ST_OPEN
				     : c == 'P' ? ST_PATCHED
				                : 0;
		}
		if (dbq_int(st, 2) > 0) {
			s |= ST_SHELL;
			f->backdoored++;
		}
		f->eol += dbq_int(st, 3) != 0;
		cur[id] = s;
	}
	dbq_reset(st);
	return step == DB_DONE ? 0 : EXH_EIO;
}

/* Changes between the previous scan and this one, and against the first. */
static void compare(const uint8_t *first, const uint8_t *prev,
                    const uint8_t *cur, size_t n, struct scan_figures *f)
{
	size_t i;

	for (i = 1; i < n; i++) {
		f->first_open += (first[i] & ST_OPEN) != 0;
		f->first_open_patched +=
		    (first[i] & ST_OPEN) && (cur[i] & ST_PATCHED);
		if (!prev)
			continue;
		f->newly_patched +=
		    (prev[i] & ST_OPEN) && (cur[i] & ST_PATCHED);
		f->newly_backdoored += (prev[i] & ST_SEEN) &&
		                       !(prev[i] & ST_SHELL) &&
		                       (cur[i] & ST_SHELL);
		f->cleaned += (prev[i] & ST_SHELL) && (cur[i] & ST_SEEN) &&
		              !(cur[i] & ST_SHELL);
		f->disappeared += (prev[i] & ST_SEEN) && !(cur[i] & ST_SEEN);
	}
}

static int cu_cmp(const void *a, const void *b)
{
	const struct cu_count *x = a, *y = b;

	if (x->build != y->build)
		return x->build < y->build ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Build distribution of the last scan: "2016 CU19" from the build name. */
static void cu_histogram(struct db *db, long long no, struct report *r)
{
	struct dbq *st;

	if (db_prepare(db,
	               "SELECT build_name, count(DISTINCT server_id), "
	               "max(build) FROM observations WHERE key BETWEEN ?1 AND "
	               "?2 AND exchange != 0 AND build_name IS NOT NULL AND "
	               "build_name != '' GROUP BY build_name",
	               &st) != 0)
		return;
	dbq_bind_int(st, 1, no * STORE_SEQ_LIMIT);
	dbq_bind_int(st, 2, (no + 1) * STORE_SEQ_LIMIT - 1);
	while (dbq_step(st) == DB_ROW) {
		char name[96], *sp;
		int j;
		snprintf(name, sizeof name, "%s", dbq_text(st, 0));
		sp = strstr(name, "Exchange Server ");
		if (sp)
			memmove(name, sp + 16, strlen(sp + 16) + 1);
		sp = strchr(name, ' ');
		if (sp && (sp = strchr(sp + 1, ' ')))
			*sp = '\0';
		for (j = 0; j < r->ncus && strcmp(r->cus[j].name, name); j++)
			;
		if (j == r->ncus && r->ncus < LIM_REPORT_CUS) {
			const char *v = (const char *)dbq_text(st, 2);
			struct cu_count *c = &r->cus[r->ncus++];
			snprintf(c->name, sizeof c->name, "%s", name);
			c->build = 0; /* build_parse sets it only on success */
			if (v && !build_parse(view_of(v), false, &c->build))
				build_parse(view_of(v), true, &c->build);
		}
		if (j < LIM_REPORT_CUS)
			r->cus[j].n += (uint64_t)dbq_int(st, 1);
	}
	dbq_free(st);
	/* version order: 2013 CU2 before CU10, product lines in turn */
	qsort(r->cus, (size_t)r->ncus, sizeof r->cus[0], cu_cmp);
}

/* Per notified server: its contact, when it was first notified, its
 * state at the last scan, and when (if) it was first seen patched of
 * every CVE it was notified about. */
#define FUNNEL_SQL                                                             \
	"WITH nf AS (SELECT contact, server_id, sent, CASE WHEN finding LIKE " \
	"'%:webshell:%' THEN NULL ELSE substr(finding, instr(finding, ':') + " \
	"1) END AS cve FROM notices), lastobs AS (SELECT server_id, "          \
	"verdicts, webshells FROM observations WHERE key BETWEEN ?1 AND ?2 "   \
	"AND exchange != 0), pair AS (SELECT nf.contact, nf.server_id, "       \
	"nf.sent, "                                                            \
	"nf.cve, (SELECT min(s.started) FROM observations o JOIN scans s ON "  \
	"s.id=o.scan_id JOIN cves c ON c.id=nf.cve WHERE "                     \
	"o.server_id=nf.server_id AND o.exchange != 0 AND s.started > "        \
	"nf.sent AND "                                                         \
	"substr(o.verdicts, c.idx, 1) NOT IN ('V','L')) AS fixed FROM nf) "    \
	"SELECT p.contact, p.server_id, min(p.sent), (SELECT count(*) FROM "   \
	"lastobs lo WHERE lo.server_id=p.server_id), (SELECT count(*) FROM "   \
	"lastobs lo JOIN cves c ON c.id IN (SELECT cve FROM nf n2 WHERE "      \
	"n2.server_id=p.server_id AND n2.contact=p.contact) WHERE "            \
	"lo.server_id=p.server_id AND substr(lo.verdicts, c.idx, 1) IN "       \
	"('V','L')), (SELECT count(*) FROM lastobs lo WHERE "                  \
	"lo.server_id=p.server_id AND lo.webshells>0), CASE WHEN "             \
	"count(p.cve)=count(p.fixed) AND count(p.cve)>0 THEN "                 \
	"julianday(max(p.fixed))-julianday(min(p.sent)) END FROM pair p "      \
	"GROUP BY p.contact, p.server_id ORDER BY p.contact"

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void funnel_finish(struct funnel_row *f, double *days, size_t n)
{
	size_t i;
	double sum = 0;

	f->timed = n;
	if (!n)
		return;
	for (i = 0; i < n; i++)
		sum += days[i];
	qsort(days, n, sizeof *days, by_double);
	f->days_mean = sum / (double)n;
	f->days_median =
	    n % 2 ? days[n / 2] : (days[n / 2 - 1] + days[n / 2]) / 2;
}

static int funnel_load(struct db *db, long long no, struct funnel *fu)
{
	struct dbq *st;
	double *all = NULL, *one = NULL;
	size_t nall = 0, none = 0, all_cap = 0, one_cap = 0;
	int rc = 0, step;

	if (db_prepare(db, "SELECT count(DISTINCT server_id) FROM routes",
	               &st) != 0)
		return 0; /* a database notify never touched */
	if (dbq_step(st) == DB_ROW)
		fu->found = (uint64_t)dbq_int(st, 0);
	dbq_free(st);
	if (db_prepare(db, FUNNEL_SQL, &st) != 0) {
		log_error("funnel: %s", db_errmsg(db));
		return EXH_EIO;
	}
	dbq_bind_int(st, 1, no * STORE_SEQ_LIMIT);
	dbq_bind_int(st, 2, (no + 1) * STORE_SEQ_LIMIT - 1);
	snprintf(fu->all.contact, sizeof fu->all.contact, "(all)");
	while ((step = dbq_step(st)) == DB_ROW) {
		const char *contact = (const char *)dbq_text(st, 0);
		bool seen = dbq_int(st, 3) > 0;
		bool open = dbq_int(st, 4) > 0;
		bool shell = dbq_int(st, 5) > 0;
		struct funnel_row *f, *both[2];
		int k;
		if (!fu->n || strcmp(fu->rows[fu->n - 1].contact, contact)) {
			if (array_reserve(&fu->rows, &fu->cap, fu->n + 1,
			                  sizeof *fu->rows, 16)) {
				rc = EXH_ENOMEM;
				break;
			}
			if (fu->n)
				funnel_finish(&fu->rows[fu->n - 1], one, none);
			none = 0;
			memset(&fu->rows[fu->n], 0, sizeof fu->rows[0]);
			snprintf(fu->rows[fu->n].contact,
			         sizeof fu->rows[0].contact, "%s", contact);
			fu->n++;
		}
		f = &fu->rows[fu->n - 1];
		both[0] = f;
		both[1] = &fu->all;
		for (k = 0; k < 2; k++) {
			both[k]->notified++;
			both[k]->gone += !seen;
			both[k]->patched += seen && !open;
			both[k]->clean += seen && !open && !shell;
			both[k]->still_backdoored += seen && shell;
		}
		if (seen && !open && !dbq_null(st, 6)) {
			double d = dbq_double(st, 6);
			if (array_reserve(&all, &all_cap, nall + 1, sizeof *all,
			                  256) ||
			    array_reserve(&one, &one_cap, none + 1, sizeof *one,
			                  256)) {
				rc = EXH_ENOMEM;
				break;
			}
			all[nall++] = d;
			one[none++] = d;
		}
	}
	if (!rc && step != DB_DONE) {
		log_error("funnel: %s", db_errmsg(db));
		rc = EXH_EIO;
	}
	if (!rc) {
		if (fu->n)
			funnel_finish(&fu->rows[fu->n - 1], one, none);
		funnel_finish(&fu->all, all, nall);
	}
	dbq_free(st);
	free(all);
	free(one);
	return rc;
}

int report_load(const char *path, struct report *r)
{
	struct db *db = NULL;
	struct dbq *st = NULL, *obs = NULL;
	long long *nos = NULL;
	uint8_t *first = NULL, *prev = NULL, *cur = NULL;
	size_t nservers = 1;
	int rc = 0, i, pos[REPORT_CVES];
	bool enriched = false;
	struct groups gs;

	memset(r, 0, sizeof *r);
	memset(&gs, 0, sizeof gs);
	if (db_open(path, DB_READONLY, &db))
		return EXH_EIO;
	path = db_name(db);
	/* One read transaction: a scan or import writing meanwhile is not
	 * seen half-way. */
	db_begin(db, false);
	if (prepare(db, path,
	            "SELECT value FROM meta WHERE key='schema_version'", &st)) {
		rc = EXH_EINVAL;
		goto out;
	}
	if (dbq_step(st) != DB_ROW || dbq_int(st, 0) != STORE_SCHEMA_VERSION) {
		log_error("%s: schema %d; open it once with this exhunt's scan "
		          "or report import to migrate it",
		          path, (int)dbq_int(st, 0));
		rc = EXH_EINVAL;
		goto out;
	}
	dbq_free(st);
	st = NULL;
	/* countries and networks when addresses have enrichment */
	if (db_prepare(db, "SELECT 1 FROM addresses LIMIT 1", &st) == 0)
		enriched = dbq_step(st) == DB_ROW;
	dbq_free(st);
	st = NULL;
	_Static_assert(STORE_SEQ_LIMIT == 1099511627776ll,
	               "the scans query spells STORE_SEQ_LIMIT out");
	/* A scan that never reached its first checkpoint (killed at once,
	 * or just starting) has no result at all: it is left out, not shown
	 * as a scan that found nothing. */
	if (prepare(db, path,
	            "SELECT no, id, started FROM scans s WHERE finished IS "
	            "NOT NULL OR EXISTS (SELECT 1 FROM observations WHERE key "
	            "BETWEEN s.no * 1099511627776 AND (s.no + 1) * "
	            "1099511627776 - 1) ORDER BY started, id",
	            &st) ||
	    prepare(db, path,
	            enriched
	                ? "SELECT server_id, verdicts, webshells, eol, ip FROM "
	                  "observations WHERE key BETWEEN ?1 AND ?2 AND "
	                  "exchange != 0 ORDER BY key"
	                : "SELECT server_id, verdicts, webshells, eol FROM "
	                  "observations WHERE key BETWEEN ?1 AND ?2 AND "
	                  "exchange != 0 ORDER BY key",
	            &obs)) {
		rc = EXH_EINVAL;
		goto out;
	}
	/* a scan's observations can outgrow memory: they stream */
	dbq_stream(obs);
	r->s = calloc(LIM_REPORT_SCANS, sizeof *r->s);
	nos = calloc(LIM_REPORT_SCANS, sizeof *nos);
	if (!r->s || !nos) {
		rc = EXH_ENOMEM;
		goto out;
	}
	while (dbq_step(st) == DB_ROW && r->n < LIM_REPORT_SCANS) {
		struct scan_figures *f = &r->s[r->n];
		nos[r->n++] = dbq_int(st, 0);
		snprintf(f->id, sizeof f->id, "%s", dbq_text(st, 1));
		snprintf(f->time, sizeof f->time, "%s", dbq_text(st, 2));
	}
	dbq_free(st);
	st = NULL;
	if (prepare(db, path, "SELECT count(*) FROM scans", &st) == 0 &&
	    dbq_step(st) == DB_ROW && dbq_int(st, 0) > (int64_t)r->n &&
	    r->n < LIM_REPORT_SCANS)
		log_warn("%s: %lld scan%s without any result (killed before "
		         "its first checkpoint, or just starting) left out",
		         path, (long long)(dbq_int(st, 0) - (int64_t)r->n),
		         dbq_int(st, 0) - (int64_t)r->n == 1 ? "" : "s");
	dbq_free(st);
	st = NULL;
	if (prepare(db, path, "SELECT coalesce(max(id),0)+1 FROM servers",
	            &st) ||
	    dbq_step(st) != DB_ROW) {
		rc = EXH_EINVAL;
		goto out;
	}
	nservers = (size_t)dbq_int(st, 0);
	dbq_free(st);
	st = NULL;
	first = calloc(nservers, 1);
	prev = calloc(nservers, 1);
	cur = calloc(nservers, 1);
	if (!first || !prev || !cur) {
		rc = EXH_ENOMEM;
		goto out;
	}
	cve_positions(db, pos);
	enriched = enriched && r->n > 0;
	if (enriched && (rc = groups_init(&gs, db, nservers, r->n))) {
		if (rc == EXH_ENOMEM)
			log_error("%s: out of memory reading the addresses' "
			          "enrichment",
			          path);
		goto out;
	}
	for (i = 0; i < r->n && !rc; i++) {
		uint8_t *t;
		memset(cur, 0, nservers);
		rc = scan_pass(obs, nos[i], pos, cur, nservers, &r->s[i],
		               enriched ? &gs : NULL, i);
		if (enriched)
			groups_scan_end(&gs, i);
		if (i == 0)
			memcpy(first, cur, nservers);
		compare(first, i ? prev : NULL, cur, nservers, &r->s[i]);
		t = prev;
		prev = cur;
		cur = t;
	}
	if (rc) {
		log_error("%s: %s", path, db_errmsg(db));
		goto out;
	}
	if (r->n) {
		cu_histogram(db, nos[r->n - 1], r);
		if (enriched &&
		    (rc = groups_tables(&gs, &r->countries, &r->networks)))
			log_error("%s: out of memory counting countries and "
			          "networks",
			          path);
		r->last_no = nos[r->n - 1];
		rc = rc ? rc : funnel_load(db, r->last_no, &r->funnel);
	}
out:
	if (enriched)
		groups_free(&gs);
	dbq_free(st);
	dbq_free(obs);
	db_exec(db, "COMMIT");
	db_close(db);
	free(nos);
	free(first);
	free(prev);
	free(cur);
	return rc;
}

static void group_free(struct group_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->rows[i].series);
	free(t->rows);
}

void report_release(struct report *r)
{
	free(r->s);
	group_free(&r->countries);
	group_free(&r->networks);
	free(r->funnel.rows);
	memset(&r->funnel, 0, sizeof r->funnel);
	memset(&r->countries, 0, sizeof r->countries);
	memset(&r->networks, 0, sizeof r->networks);
	r->s = NULL;
	r->n = 0;
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

void report_text(const struct report *r, FILE *f)
{
	int i, k;

	fprintf(f, "%-30s %9s", "scan", "Exchange");
	for (k = 0; k < REPORT_CVES; k++)
		fprintf(f, " %14s", report_campaigns[k]);
	fprintf(f, " %9s %9s %8s %8s %8s %8s %5s\n", "patched%", "backdoor",
	        "+patched", "+backdr", "cleaned", "gone", "EoL%");
	for (i = 0; i < r->n; i++) {
		const struct scan_figures *s = &r->s[i];
		fprintf(f, "%-30.30s %9llu", s->id,
		        (unsigned long long)s->exchange);
		for (k = 0; k < REPORT_CVES; k++)
			fprintf(f, " %6llu/%-7llu",
			        (unsigned long long)(s->vuln[k] + s->likely[k]),
			        (unsigned long long)s->patched[k]);
		fprintf(f, " %8.1f%% %9llu %8llu %8llu %8llu %8llu %4.0f%%\n",
		        pct(s->first_open_patched, s->first_open),
		        (unsigned long long)s->backdoored,
		        (unsigned long long)s->newly_patched,
		        (unsigned long long)s->newly_backdoored,
		        (unsigned long long)s->cleaned,
		        (unsigned long long)s->disappeared,
		        pct(s->eol, s->exchange));
	}
	for (k = 0; k < 2; k++) {
		const struct group_table *t = k ? &r->networks : &r->countries;
		size_t j;
		if (!t->n)
			continue;
		fprintf(f, "\n%-10s %9s %9s %9s  (last scan, top 10)\n",
		        k ? "network" : "country", "servers", "open",
		        "backdoor");
		for (j = 0; j < t->n && j < 10; j++)
			fprintf(f, "%-10s %9llu %9llu %9llu  %s\n",
			        t->rows[j].key,
			        (unsigned long long)t->rows[j].servers,
			        (unsigned long long)t->rows[j].open,
			        (unsigned long long)t->rows[j].backdoored,
			        t->rows[j].name);
	}
	if (r->funnel.all.notified) {
		const struct funnel_row *a = &r->funnel.all;
		fprintf(
		    f,
		    "\nfollow-up of notices (last scan): %llu servers with "
		    "findings, %llu notified, %llu patched of what they were "
		    "told (%llu of those clean), %llu still back-doored, "
		    "%llu gone",
		    (unsigned long long)r->funnel.found,
		    (unsigned long long)a->notified,
		    (unsigned long long)a->patched,
		    (unsigned long long)a->clean,
		    (unsigned long long)a->still_backdoored,
		    (unsigned long long)a->gone);
		if (a->timed)
			fprintf(f, "; notice to patch: median %.1f days",
			        a->days_median);
		fputc('\n', f);
	}
	fprintf(f,
	        "\n(campaign columns: open (vulnerable + likely) / patched; "
	        "patched%%: of the ProxyLogon-open servers at the first scan, "
	        "the share patched since)\n");
}

int report_csv(const struct report *r, struct buf *b)
{
	int i, k;

	buf_adds(b, "scan_id,time,exchange");

	for (k = 0; k < REPORT_CVES; k++)
		buf_printf(b, ",%s_vulnerable,%s_likely,%s_patched",
		           report_cves[k], report_cves[k], report_cves[k]);
	buf_adds(b, ",first_open,first_open_patched,backdoored,"
	            "newly_patched,newly_backdoored,cleaned,"
	            "disappeared,eol\n");
	for (i = 0; i < r->n; i++) {
		const struct scan_figures *s = &r->s[i];
		csv_field(b, s->id, false);
		csv_field(b, s->time, false);
		buf_printf(b, "%llu", (unsigned long long)s->exchange);
		for (k = 0; k < REPORT_CVES; k++)
			buf_printf(b, ",%llu,%llu,%llu",
			           (unsigned long long)s->vuln[k],
			           (unsigned long long)s->likely[k],
			           (unsigned long long)s->patched[k]);
		buf_printf(b, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu\n",
		           (unsigned long long)s->first_open,
		           (unsigned long long)s->first_open_patched,
		           (unsigned long long)s->backdoored,
		           (unsigned long long)s->newly_patched,
		           (unsigned long long)s->newly_backdoored,
		           (unsigned long long)s->cleaned,
		           (unsigned long long)s->disappeared,
		           (unsigned long long)s->eol);
	}
	return buf_error(b);
}

int report_groups_csv(const struct report *r, struct buf *b)
{
	int k;

	buf_adds(b, "dimension,key,name,servers,open,backdoored\n");
	size_t j;

	for (k = 0; k < 2; k++) {
		const struct group_table *t = k ? &r->networks : &r->countries;
		for (j = 0; j < t->n; j++) {
			const struct group_row *g = &t->rows[j];
			buf_printf(b, "%s,%s,", k ? "network" : "country",
			           g->key);
			csv_field(b, g->name, false);
			buf_printf(b, "%llu,%llu,%llu\n",
			           (unsigned long long)g->servers,
			           (unsigned long long)g->open,
			           (unsigned long long)g->backdoored);
		}
	}
	return buf_error(b);
}

int report_series_csv(const struct report *r, struct buf *b)
{
	size_t j;
	int k, i;

	buf_adds(b, "dimension,key,scan_id,time,servers,open,open_share\n");
	for (k = 0; k < 2; k++) {
		const struct group_table *t = k ? &r->networks : &r->countries;
		for (j = 0; j < t->nseries; j++) {
			const struct group_row *g = &t->rows[j];
			for (i = 0; i < r->n; i++) {
				uint64_t n = g->series[2 * i],
				         o = g->series[2 * i + 1];
				buf_printf(b, "%s,", k ? "network" : "country");
				csv_field(b, g->key, false);
				csv_field(b, r->s[i].id, false);
				csv_field(b, r->s[i].time, false);
				buf_printf(b, "%llu,%llu,%.4f\n",
				           (unsigned long long)n,
				           (unsigned long long)o,
				           n ? (double)o / (double)n : 0.0);
			}
		}
	}
	return buf_error(b);
}

int report_funnel_csv(const struct report *r, struct buf *b)
{
	size_t i;

	buf_adds(b, "contact,notified,gone,patched,clean,"
	            "still_backdoored,patched_timed,"
	            "days_to_patch_mean,days_to_patch_median\n");
	for (i = 0; i <= r->funnel.n; i++) {
		const struct funnel_row *f =
		    i == 0 ? &r->funnel.all : &r->funnel.rows[i - 1];
		csv_field(b, f->contact, false);
		buf_printf(
		    b, "%llu,%llu,%llu,%llu,%llu,%llu,%.2f,%.2f\n",
		    (unsigned long long)f->notified,
		    (unsigned long long)f->gone, (unsigned long long)f->patched,
		    (unsigned long long)f->clean,
		    (unsigned long long)f->still_backdoored,
		    (unsigned long long)f->timed, f->days_mean, f->days_median);
	}
	return buf_error(b);
}

int report_builds_csv(const struct report *r, struct buf *b)
{
	int i;

	buf_adds(b, "product_line,build_name,build,servers\n");
	for (i = 0; i < r->ncus; i++) {
		const struct cu_count *c = &r->cus[i];
		char line[96], ver[BUILD_STRLEN];
		size_t pl = strcspn(c->name, " ");
		snprintf(line, sizeof line, "%.*s", (int)pl, c->name);
		csv_field(b, line, false);
		csv_field(b, c->name, false);
		build_format(c->build, false, ver);
		buf_printf(b, "%s,%llu\n", c->build ? ver : "",
		           (unsigned long long)c->n);
	}
	return buf_error(b);
}

static void json_u(struct buf *b, const char *key, uint64_t v, int first)
{
	json_key(b, key, first);
	buf_printf(b, "%llu", (unsigned long long)v);
}

int report_json(const struct report *r, struct buf *b)
{
	int i, k;
	size_t j;

	buf_adds(b, "{\"schema\":1,\"scans\":[");
	for (i = 0; i < r->n; i++) {
		const struct scan_figures *s = &r->s[i];
		buf_adds(b, i ? ",{" : "{");
		json_key(b, "scan_id", 1);
		json_cstr(b, s->id);
		json_key(b, "time", 0);
		json_cstr(b, s->time);
		json_u(b, "exchange", s->exchange, 0);
		json_key(b, "cves", 0);
		buf_adds(b, "{");
		for (k = 0; k < REPORT_CVES; k++) {
			json_key(b, report_cves[k], !k);
			buf_adds(b, "{");
			json_key(b, "campaign", 1);
			json_cstr(b, report_campaigns[k]);
			json_u(b, "vulnerable", s->vuln[k], 0);
			json_u(b, "likely", s->likely[k], 0);
			json_u(b, "patched", s->patched[k], 0);
			buf_adds(b, "}");
		}
		buf_adds(b, "}");
		json_u(b, "first_open", s->first_open, 0);
		json_u(b, "first_open_patched", s->first_open_patched, 0);
		json_u(b, "backdoored", s->backdoored, 0);
		json_u(b, "newly_patched", s->newly_patched, 0);
		json_u(b, "newly_backdoored", s->newly_backdoored, 0);
		json_u(b, "cleaned", s->cleaned, 0);
		json_u(b, "disappeared", s->disappeared, 0);
		json_u(b, "eol", s->eol, 0);
		buf_adds(b, "}");
	}
	buf_adds(b, "],\"builds\":[");
	for (i = 0; i < r->ncus; i++) {
		char ver[BUILD_STRLEN];
		build_format(r->cus[i].build, false, ver);
		buf_adds(b, i ? ",{" : "{");
		json_key(b, "build_name", 1);
		json_cstr(b, r->cus[i].name);
		json_key(b, "build", 0);
		json_cstr(b, r->cus[i].build ? ver : NULL);
		json_u(b, "servers", r->cus[i].n, 0);
		buf_adds(b, "}");
	}
	buf_adds(b, "]");
	for (k = 0; k < 2; k++) {
		const struct group_table *t = k ? &r->networks : &r->countries;
		json_key(b, k ? "networks" : "countries", 0);
		buf_adds(b, "[");
		for (j = 0; j < t->n; j++) {
			buf_adds(b, j ? ",{" : "{");
			json_key(b, "key", 1);
			json_cstr(b, t->rows[j].key);
			json_key(b, "name", 0);
			json_cstr(b, t->rows[j].name);
			json_u(b, "servers", t->rows[j].servers, 0);
			json_u(b, "open", t->rows[j].open, 0);
			json_u(b, "backdoored", t->rows[j].backdoored, 0);
			if (j < t->nseries) {
				/* per scan, in the order of "scans" */
				int si;
				json_key(b, "series", 0);
				buf_adds(b, "[");
				for (si = 0; si < r->n; si++) {
					buf_adds(b, si ? ",{" : "{");
					json_u(b, "servers",
					       t->rows[j].series[2 * si], 1);
					json_u(b, "open",
					       t->rows[j].series[2 * si + 1],
					       0);
					buf_adds(b, "}");
				}
				buf_adds(b, "]");
			}
			buf_adds(b, "}");
		}
		buf_adds(b, "]");
	}
	json_key(b, "notices", 0);
	buf_adds(b, "[");
	for (j = 0; r->funnel.all.notified && j <= r->funnel.n; j++) {
		const struct funnel_row *f =
		    j == 0 ? &r->funnel.all : &r->funnel.rows[j - 1];
		buf_adds(b, j ? ",{" : "{");
		json_key(b, "contact", 1);
		json_cstr(b, f->contact);
		json_u(b, "notified", f->notified, 0);
		json_u(b, "gone", f->gone, 0);
		json_u(b, "patched", f->patched, 0);
		json_u(b, "clean", f->clean, 0);
		json_u(b, "still_backdoored", f->still_backdoored, 0);
		buf_adds(b, "}");
	}
	buf_adds(b, "]}\n");
	return buf_error(b);
}
