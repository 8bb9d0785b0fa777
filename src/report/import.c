/* report import: JSONL results of other runs or shards into a database.
 * Rows are keyed by (scan_id, seq), so importing a file again, or again
 * after a crash, changes nothing; each batch is one transaction. */
#include "report/report.h"
#include "base/err.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/sig.h"
#include "store/store.h"
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

#define LINE_MAX_BYTES LIM_RECORD_BYTES

static volatile sig_atomic_t stop_flag;

/* Reads one line of at most cap - 1 bytes into buf (newline dropped).
 * 0: a line; 1: end of input; EXH_ELIMIT: longer than that (the rest of
 * it is never read into memory); EXH_EIO: a read error. */
static int read_line(FILE *f, char *buf, size_t cap, size_t *len)
{
	size_t n;

	if (!fgets(buf, (int)cap, f))
		return ferror(f) ? EXH_EIO : 1;
	/* A NUL byte ends the record early; the JSON reader then refuses
	 * what is left, naming the line. */
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		n--;
	else if (!feof(f))
		return EXH_ELIMIT;
	*len = n;
	return 0;
}

static int exec(sqlite3 *db, const char *db_path, const char *sql, long lineno)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	log_error("%s: %s failed at line %ld: %s; the batch was not written, "
	          "the database is as it was before it",
	          db_path, sql, lineno, sqlite3_errmsg(db));
	return EXH_EIO;
}

int report_import(const char *db_path, const char *path, uint64_t *added,
                  uint64_t *lines)
{
	struct store_writer *w = calloc(1, sizeof *w);
	sqlite3 *db = NULL;
	char scope[600];
	FILE *f = NULL;
	char *line = malloc(LINE_MAX_BYTES + 1);
	size_t len = 0;
	long lineno = 0;
	int rc = 0, in_batch = 0, r;

	*added = *lines = 0;
	if (!w || !line) {
		free(w);
		free(line);
		return EXH_ENOMEM;
	}
	snprintf(scope, sizeof scope, "import:%s", path);
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		log_error("%s: %s", path, strerror(errno));
		free(w);
		free(line);
		return EXH_EINVAL;
	}
	if (store_open(db_path, &db) ||
	    store_writer_init(w, db, db_path, false)) {
		rc = EXH_EIO;
		goto out;
	}
	stop_flag = 0;
	sig_stop_catch(&stop_flag);
	while (!stop_flag &&
	       (r = read_line(f, line, LINE_MAX_BYTES + 1, &len)) != 1) {
		struct view v = {line, len};
		lineno++;
		if (r == EXH_ELIMIT) {
			log_error("%s:%ld: record longer than 1 MiB", path,
			          lineno);
			rc = EXH_EINVAL;
			break;
		}
		if (r) {
			log_error("%s: read error at line %ld: %s", path,
			          lineno, strerror(errno));
			rc = EXH_EIO;
			break;
		}
		v = view_trim(v);
		if (v.len == 0)
			continue;
		if (!in_batch) {
			if ((rc = exec(db, db_path, "BEGIN", lineno)))
				break;
			in_batch = 1;
		}
		{
			const char *why = NULL;
			bool is_new;
			rc = store_put(w, v, scope, &is_new, &why);
			if (rc == EXH_EINVAL)
				log_error("%s:%ld: %s", path, lineno, why);
			else if (rc)
				log_error("%s: writing line %ld failed: %s",
				          db_path, lineno, sqlite3_errmsg(db));
			if (rc)
				break;
			*added += is_new;
		}
		(*lines)++;
		if (++in_batch > LIM_IMPORT_BATCH) {
			in_batch = 0;
			if ((rc = exec(db, db_path, "COMMIT", lineno)))
				break;
		}
	}
	if (in_batch && (rc || exec(db, db_path, "COMMIT", lineno))) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		rc = rc ? rc : EXH_EIO;
	}
	if (!rc && stop_flag) {
		log_warn("%s: interrupted after line %ld; lines 1 to %ld are "
		         "written; importing the file again adds the rest",
		         path, lineno, lineno);
		rc = EXH_EAGAIN;
	}
out:
	sig_stop_restore();
	store_writer_release(w);
	sqlite3_close(db);
	free(line);
	if (f && f != stdin)
		fclose(f);
	free(w);
	return rc;
}
