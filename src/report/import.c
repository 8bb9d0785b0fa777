/* report import: JSONL results of other runs or shards into a database.
 * Rows are keyed by (scan_id, seq), so importing a file again, or again
 * after a crash, changes nothing; each batch is one transaction. */
#include "report/report.h"
#include "base/err.h"
#include "base/file.h"
#include "base/log.h"
#include "store/store.h"
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

#define BATCH 5000

int report_import(const char *db_path, const char *path, uint64_t *added,
                  uint64_t *lines)
{
	struct store_writer *w = calloc(1, sizeof *w);
	sqlite3 *db = NULL;
	char scope[600];
	FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc = 0, in_batch = 0;

	*added = *lines = 0;
	if (!w)
		return EXH_ENOMEM;
	snprintf(scope, sizeof scope, "import:%s", path);
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		log_error("%s: %s", path, strerror(errno));
		free(w);
		return EXH_EINVAL;
	}
	if (store_open(db_path, &db) ||
	    store_writer_init(w, db, db_path, false)) {
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
			sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
			in_batch = 1;
		}
		{
			const char *why = NULL;
			bool is_new;
			rc = store_put(w, v, scope, &is_new, &why);
			if (rc == EXH_EINVAL)
				log_error("%s:%ld: %s", path, lineno, why);
			if (rc)
				break;
			*added += is_new;
		}
		(*lines)++;
		if (++in_batch > BATCH) {
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
			in_batch = 0;
		}
	}
	if (in_batch)
		sqlite3_exec(db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
out:
	store_writer_release(w);
	sqlite3_close(db);
	free(line);
	if (f && f != stdin)
		fclose(f);
	free(w);
	return rc;
}
