/* report import: JSONL results of other runs or shards into a database.
 * Rows are keyed by (scan_id, seq), so importing a file again, or again
 * after a crash, changes nothing; each batch is one transaction. */
#include "report/report.h"
#include "base/err.h"
#include "base/file.h"
#include "base/jsonr.h"
#include "base/log.h"
#include "store/store.h"
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

#define BATCH 5000

struct importer {
	sqlite3 *db;
	sqlite3_stmt *scan, *obs, *verdict;
	const char *path;
	struct jdoc doc;
};

static void bind_str(sqlite3_stmt *st, int i, const struct jdoc *d, int n)
{
	char tmp[1024];

	if (n < 0 || d->n[n].type != J_STR || !jsonr_str(d, n, tmp, sizeof tmp))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, tmp, -1, SQLITE_TRANSIENT);
}

static int one(struct importer *im, struct view line, long lineno,
               uint64_t *added)
{
	struct jdoc *d = &im->doc;
	const char *why;
	int root = 0, id, seq, v, c, rc;
	char scan_id[128], scope[600];

	if (jsonr_parse(d, line, &why)) {
		log_error("%s:%ld: not JSON: %s", im->path, lineno, why);
		return EXH_EINVAL;
	}
	id = jsonr_get(d, root, "scan_id");
	seq = jsonr_get(d, root, "seq");
	if (id < 0 || seq < 0 || d->n[seq].type != J_NUM ||
	    !jsonr_str(d, id, scan_id, sizeof scan_id) ||
	    jsonr_get(d, root, "exchange") < 0) {
		log_error("%s:%ld: not an exhunt scan record (scan_id, seq and "
		          "exchange are required)",
		          im->path, lineno);
		return EXH_EINVAL;
	}
	snprintf(scope, sizeof scope, "import:%s", im->path);
	sqlite3_reset(im->scan);
	sqlite3_bind_text(im->scan, 1, scan_id, -1, SQLITE_TRANSIENT);
	bind_str(im->scan, 2, d, jsonr_get(d, root, "time"));
	sqlite3_bind_text(im->scan, 3, scope, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(im->scan) != SQLITE_DONE)
		goto db_error;
	sqlite3_reset(im->obs);
	sqlite3_bind_text(im->obs, 1, scan_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(im->obs, 2, strtoll(d->n[seq].raw.p, NULL, 10));
	bind_str(im->obs, 3, d, jsonr_get(d, root, "time"));
	bind_str(im->obs, 4, d, jsonr_get(d, root, "ip"));
	v = jsonr_get(d, root, "port");
	sqlite3_bind_int(im->obs, 5,
	                 v >= 0 ? (int)strtol(d->n[v].raw.p, NULL, 10) : 0);
	bind_str(im->obs, 6, d, jsonr_get(d, root, "hostname"));
	v = jsonr_get(d, root, "exchange");
	sqlite3_bind_int(im->obs, 7, d->n[v].type == J_BOOL && d->n[v].truth);
	bind_str(im->obs, 8, d, jsonr_get(d, root, "product"));
	bind_str(im->obs, 9, d, jsonr_get(d, root, "build"));
	bind_str(im->obs, 10, d, jsonr_get(d, root, "build_precision"));
	v = jsonr_get(d, root, "server_names");
	bind_str(im->obs, 11, d, v >= 0 ? d->n[v].first : -1);
	v = jsonr_get(d, root, "tls");
	bind_str(im->obs, 12, d, jsonr_get(d, v, "cert_sha256"));
	v = jsonr_get(d, root, "webshells");
	for (c = v >= 0 ? d->n[v].first : -1, rc = 0; c >= 0; c = d->n[c].next)
		rc++;
	sqlite3_bind_int(im->obs, 13, rc);
	bind_str(im->obs, 14, d, jsonr_get(d, root, "error"));
	sqlite3_bind_text(im->obs, 15, line.p, (int)line.len, SQLITE_TRANSIENT);
	if (sqlite3_step(im->obs) != SQLITE_DONE)
		goto db_error;
	if (sqlite3_changes(im->db) == 0)
		return 0; /* already there: its verdicts too */
	(*added)++;
	v = jsonr_get(d, root, "verdicts");
	for (c = v >= 0 ? d->n[v].first : -1; c >= 0; c = d->n[c].next) {
		char cve[64], word[32], b[64] = "build";
		int bn = -1, k;
		if (!jsonr_str(d, d->n[c].key, cve, sizeof cve) ||
		    !jsonr_str(d, c, word, sizeof word))
			continue;
		k = jsonr_get(d, root, "verdict_basis");
		bn = jsonr_get(d, k, cve);
		if (bn >= 0)
			jsonr_str(d, bn, b, sizeof b);
		sqlite3_reset(im->verdict);
		sqlite3_bind_text(im->verdict, 1, scan_id, -1,
		                  SQLITE_TRANSIENT);
		sqlite3_bind_int64(im->verdict, 2,
		                   strtoll(d->n[seq].raw.p, NULL, 10));
		sqlite3_bind_text(im->verdict, 3, cve, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(im->verdict, 4, word, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(im->verdict, 5, b, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(im->verdict) != SQLITE_DONE)
			goto db_error;
	}
	return 0;
db_error:
	log_error("%s:%ld: %s", im->path, lineno, sqlite3_errmsg(im->db));
	return EXH_EIO;
}

int report_import(const char *db_path, const char *path, uint64_t *added,
                  uint64_t *lines)
{
	struct importer *im = calloc(1, sizeof *im);
	FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc = 0, in_batch = 0;

	*added = *lines = 0;
	if (!im)
		return EXH_ENOMEM;
	im->path = path;
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		log_error("%s: %s", path, strerror(errno));
		free(im);
		return EXH_EINVAL;
	}
	if (store_open(db_path, &im->db)) {
		rc = EXH_EIO;
		goto out;
	}
	if (sqlite3_prepare_v2(
	        im->db,
	        "INSERT OR IGNORE INTO scans(id,started,scope,options,"
	        "shard) VALUES(?,coalesce(?,''),?,'','')",
	        -1, &im->scan, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(im->db,
	                       "INSERT OR IGNORE INTO observations VALUES"
	                       "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	                       -1, &im->obs, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
	        im->db, "INSERT OR IGNORE INTO verdicts VALUES(?,?,?,?,?)", -1,
	        &im->verdict, NULL) != SQLITE_OK) {
		log_error("%s: %s", db_path, sqlite3_errmsg(im->db));
		rc = EXH_EIO;
		goto out;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		struct view v = {line, (size_t)n};
		lineno++;
		v = view_trim(v);
		if (v.len == 0)
			continue;
		if (v.len > (1u << 20)) {
			log_error("%s:%ld: record longer than 1 MiB", path,
			          lineno);
			rc = EXH_EINVAL;
			break;
		}
		if (!in_batch) {
			sqlite3_exec(im->db, "BEGIN", NULL, NULL, NULL);
			in_batch = 1;
		}
		rc = one(im, v, lineno, added);
		if (rc)
			break;
		(*lines)++;
		if (++in_batch > BATCH) {
			sqlite3_exec(im->db, "COMMIT", NULL, NULL, NULL);
			in_batch = 0;
		}
	}
	if (in_batch)
		sqlite3_exec(im->db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL,
		             NULL);
out:
	sqlite3_finalize(im->scan);
	sqlite3_finalize(im->obs);
	sqlite3_finalize(im->verdict);
	sqlite3_close(im->db);
	free(line);
	if (f && f != stdin)
		fclose(f);
	free(im);
	return rc;
}
