/* The SQLite store: the schema every command shares (docs/scan-output.md),
 * versioned in table meta and migrated forward on open; and the one way
 * scan records get in (store_put), used by the scanner and by import. */
#ifndef EXH_STORE_STORE_H
#define EXH_STORE_STORE_H
#include "base/jsonr.h"
#include "base/view.h"
#include <stdbool.h>
#include <stdint.h>

struct sqlite3;
struct sqlite3_stmt;

#define STORE_SCHEMA_VERSION 2
#define STORE_MAX_CVES 256
/* observations.key = scan number * STORE_SEQ_LIMIT + seq */
#define STORE_SEQ_LIMIT (1ll << 40)

/* Opens (creating when needed) the database at path with the current
 * schema, migrating an older one in place (one transaction); refuses a
 * database from a newer exhunt. Errors are printed naming path. *db is
 * the caller's to sqlite3_close, and used by one thread at a time. */
int store_open(const char *path, struct sqlite3 **db);

/* Writes scan records (JSONL lines, docs/scan-output.md) into an open
 * store. Observations are keyed by (scan_id, seq); a server identity is
 * given to each Exchange observation (docs/report.md). */
struct store_writer {
	struct sqlite3 *db;
	const char *path; /* for messages */
	struct sqlite3_stmt *scan, *scan_no, *obs, *server, *server_add;
	struct sqlite3_stmt *server_name, *cve, *twin, *rekey;
	char last_scan[128]; /* the scan of the last record, and its number */
	long long last_no;
	char cves[STORE_MAX_CVES][24]; /* verdict string position i+1 */
	int ncves;
	char why[160];
	struct jdoc doc;
};

int store_writer_init(struct store_writer *w, struct sqlite3 *db,
                      const char *path, bool replace);
void store_writer_release(struct store_writer *w);
/* Adds one record. scope names the scan's origin when the scan is new
 * to the store. *added: whether it was new. EXH_EINVAL (with *why) for
 * a line that is not an exhunt scan record, EXH_EIO (printed) for the
 * database. */
int store_put(struct store_writer *w, struct view line, const char *scope,
              bool *added, const char **why);
/* The same for a record already parsed into w->doc (its text still in
 * memory): a reader thread parses, the writer only writes. */
int store_put_doc(struct store_writer *w, const char *scope, bool *added,
                  const char **why);

#endif
