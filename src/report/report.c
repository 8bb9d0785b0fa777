#include "report/report.h"
#include "base/err.h"
#include "base/log.h"
#include <sqlite3.h>
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

static uint64_t count(sqlite3 *db, const char *sql, const char *a,
                      const char *b, const char *c)
{
	sqlite3_stmt *st;
	uint64_t n = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (a)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	if (c)
		sqlite3_bind_text(st, 3, c, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* An address's ProxyLogon state in a scan: 0 absent or not Exchange,
 * 1 open (vulnerable or likely), 2 patched, 3 other. */
#define STATE_SQL                                                              \
	"(SELECT CASE WHEN v.verdict IN ('vulnerable','likely-vulnerable') "   \
	"THEN 1 WHEN v.verdict='patched' THEN 2 ELSE 3 END FROM verdicts v "   \
	"WHERE v.scan_id=o.scan_id AND v.seq=o.seq AND "                       \
	"v.cve='CVE-2021-26855')"

/* Addresses open to ProxyLogon in scan ?1 that are patched in scan ?2. */
#define OPEN_THEN_PATCHED_SQL                                                  \
	"SELECT count(*) FROM observations o JOIN observations n ON "          \
	"n.ip=o.ip AND n.port=o.port AND n.scan_id=?2 WHERE o.scan_id=?1 "     \
	"AND o.exchange AND " STATE_SQL "=1 AND (SELECT v.verdict FROM "       \
	"verdicts v WHERE v.scan_id=n.scan_id AND v.seq=n.seq AND "            \
	"v.cve='CVE-2021-26855')='patched'"

int report_load(const char *path, struct report *r)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = 0, i, k;
	uint64_t first_open = 0;

	memset(r, 0, sizeof *r);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		log_error("%s: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return EXH_EIO;
	}
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_prepare_v2(
	        db, "SELECT id, started FROM scans ORDER BY started, id", -1,
	        &st, NULL) != SQLITE_OK) {
		log_error("%s: not an exhunt scan database (%s)", path,
		          sqlite3_errmsg(db));
		sqlite3_close(db);
		return EXH_EINVAL;
	}
	r->s = calloc(REPORT_MAX_SCANS, sizeof *r->s);
	if (!r->s) {
		rc = EXH_ENOMEM;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW && r->n < REPORT_MAX_SCANS) {
		struct scan_figures *f = &r->s[r->n++];
		snprintf(f->id, sizeof f->id, "%s", sqlite3_column_text(st, 0));
		snprintf(f->time, sizeof f->time, "%s",
		         sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	st = NULL;
	if (r->n)
		first_open =
		    count(db,
		          "SELECT count(*) FROM observations o WHERE "
		          "o.scan_id=?1 AND o.exchange AND " STATE_SQL "=1",
		          r->s[0].id, NULL, NULL);
	for (i = 0; i < r->n; i++) {
		struct scan_figures *f = &r->s[i];
		f->exchange = count(db,
		                    "SELECT count(*) FROM observations WHERE "
		                    "scan_id=?1 AND exchange",
		                    f->id, NULL, NULL);
		f->backdoored = count(db,
		                      "SELECT count(*) FROM observations WHERE "
		                      "scan_id=?1 AND exchange AND webshells>0",
		                      f->id, NULL, NULL);
		f->eol =
		    count(db,
		          "SELECT count(*) FROM observations WHERE scan_id=?1 "
		          "AND exchange AND json_extract(record,'$.eol')",
		          f->id, NULL, NULL);
		for (k = 0; k < REPORT_CVES; k++) {
			const char *q =
			    "SELECT count(*) FROM verdicts WHERE scan_id=?1 "
			    "AND cve=?2 AND verdict=?3";
			f->vuln[k] =
			    count(db, q, f->id, report_cves[k], "vulnerable");
			f->likely[k] = count(db, q, f->id, report_cves[k],
			                     "likely-vulnerable");
			f->patched[k] =
			    count(db, q, f->id, report_cves[k], "patched");
		}
		f->first_open = first_open;
		f->first_open_patched =
		    count(db, OPEN_THEN_PATCHED_SQL, r->s[0].id, f->id, NULL);
		if (i == 0)
			continue;
		f->newly_patched = count(db, OPEN_THEN_PATCHED_SQL,
		                         r->s[i - 1].id, f->id, NULL);
		f->newly_backdoored =
		    count(db,
		          "SELECT count(*) FROM observations o JOIN "
		          "observations n ON "
		          "n.ip=o.ip AND n.port=o.port AND n.scan_id=?2 WHERE "
		          "o.scan_id=?1 "
		          "AND o.exchange AND o.webshells=0 AND n.webshells>0",
		          r->s[i - 1].id, f->id, NULL);
		f->cleaned =
		    count(db,
		          "SELECT count(*) FROM observations o JOIN "
		          "observations n ON "
		          "n.ip=o.ip AND n.port=o.port AND n.scan_id=?2 WHERE "
		          "o.scan_id=?1 "
		          "AND o.webshells>0 AND n.exchange AND n.webshells=0",
		          r->s[i - 1].id, f->id, NULL);
		f->disappeared = count(db,
		                       "SELECT count(*) FROM observations o "
		                       "WHERE o.scan_id=?1 AND "
		                       "o.exchange AND NOT EXISTS (SELECT 1 "
		                       "FROM observations n WHERE "
		                       "n.scan_id=?2 AND n.ip=o.ip AND "
		                       "n.port=o.port AND n.exchange)",
		                       r->s[i - 1].id, f->id, NULL);
	}
	if (r->n &&
	    sqlite3_prepare_v2(
	        db,
	        "SELECT json_extract(record,'$.build_name') b, count(*) FROM "
	        "observations WHERE scan_id=?1 AND exchange AND b IS NOT NULL "
	        "GROUP BY b",
	        -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, r->s[r->n - 1].id, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			char name[96], *sp;
			int j;
			snprintf(name, sizeof name, "%s",
			         sqlite3_column_text(st, 0));
			/* "Exchange Server 2016 CU19 Mar21SU" -> "2016 CU19" */
			sp = strstr(name, "Exchange Server ");
			if (sp)
				memmove(name, sp + 16, strlen(sp + 16) + 1);
			sp = strchr(name, ' ');
			if (sp && (sp = strchr(sp + 1, ' ')))
				*sp = '\0';
			for (j = 0; j < r->ncus && strcmp(r->cus[j].name, name);
			     j++)
				;
			if (j == r->ncus && r->ncus < 256)
				snprintf(r->cus[r->ncus++].name,
				         sizeof r->cus[0].name, "%s", name);
			if (j < 256)
				r->cus[j].n +=
				    (uint64_t)sqlite3_column_int64(st, 1);
		}
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

void report_release(struct report *r)
{
	free(r->s);
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

	fprintf(f, "%-22s %9s", "scan", "Exchange");
	for (k = 0; k < REPORT_CVES; k++)
		fprintf(f, " %14s", report_campaigns[k]);
	fprintf(f, " %9s %9s %8s %8s %8s %8s %5s\n", "patched%", "backdoor",
	        "+patched", "+backdr", "cleaned", "gone", "EoL%");
	for (i = 0; i < r->n; i++) {
		const struct scan_figures *s = &r->s[i];
		fprintf(f, "%-22.22s %9llu", s->id,
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
	fprintf(f,
	        "\n(campaign columns: open (vulnerable + likely) / patched; "
	        "patched%%: of the ProxyLogon-open servers at the first scan, "
	        "the share patched since)\n");
}

int report_csv(const struct report *r, struct buf *b)
{
	int i, k, rc = buf_adds(b, "scan_id,time,exchange");

	for (k = 0; !rc && k < REPORT_CVES; k++)
		rc = buf_printf(b, ",%s_vulnerable,%s_likely,%s_patched",
		                report_cves[k], report_cves[k], report_cves[k]);
	rc = rc ? rc
	        : buf_adds(b, ",first_open,first_open_patched,backdoored,"
	                      "newly_patched,newly_backdoored,cleaned,"
	                      "disappeared,eol\n");
	for (i = 0; !rc && i < r->n; i++) {
		const struct scan_figures *s = &r->s[i];
		rc = buf_printf(b, "%s,%s,%llu", s->id, s->time,
		                (unsigned long long)s->exchange);
		for (k = 0; !rc && k < REPORT_CVES; k++)
			rc = buf_printf(b, ",%llu,%llu,%llu",
			                (unsigned long long)s->vuln[k],
			                (unsigned long long)s->likely[k],
			                (unsigned long long)s->patched[k]);
		rc = rc ? rc
		        : buf_printf(
		              b, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu\n",
		              (unsigned long long)s->first_open,
		              (unsigned long long)s->first_open_patched,
		              (unsigned long long)s->backdoored,
		              (unsigned long long)s->newly_patched,
		              (unsigned long long)s->newly_backdoored,
		              (unsigned long long)s->cleaned,
		              (unsigned long long)s->disappeared,
		              (unsigned long long)s->eol);
	}
	return rc;
}
