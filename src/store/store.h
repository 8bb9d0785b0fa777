/* The campaign store (SQLite or PostgreSQL, through store/db.h): the
 * schema every command shares (docs/scan-output.md), versioned in table
 * meta and migrated forward on open; and the one way scan records get in
 * (store_put), used by the scanner and by import. */
#ifndef EXH_STORE_STORE_H
#define EXH_STORE_STORE_H
#include "base/jsonr.h"
#include "base/view.h"
#include "store/db.h"
#include <stdbool.h>
#include <stdint.h>

struct dbq;

#define STORE_SCHEMA_VERSION 2
#define STORE_MAX_CVES 256
/* observations.key = scan number * STORE_SEQ_LIMIT + seq */
#define STORE_SEQ_LIMIT (1ll << 40)
/* struct store_rec's bounds */
#define STORE_REC_FIELDS 22
#define STORE_REC_VERDICTS 64

/* Opens (creating when needed) the store target (a file, or a
 * postgresql:// URL) with the current schema, migrating an older one in
 * place (one transaction); refuses a database from a newer exhunt.
 * Errors are printed naming the store. *db is the caller's to db_close,
 * and used by one thread at a time. */
int store_open(const char *target, struct db **db);

/* Writes scan records (JSONL lines, docs/scan-output.md) into an open
 * store. Observations are keyed by (scan_id, seq); a server identity is
 * given to each Exchange observation (docs/report.md). */
struct store_writer {
	struct db *db;
	/* server identities and CVE positions: db, or (PostgreSQL) a
	 * connection of the writer's own, autocommitted */
	struct db *ids, *own_ids;
	const char *path; /* for messages */
	struct dbq *scan, *scan_no, *obs, *server, *server_add;
	struct dbq *server_name, *cve, *cve_list, *twin, *rekey, *any;
	struct dbq *server_many, *rekey_key, *stage_insert, *held; /* bulk */
	struct store_bulk *bulk; /* store_writer_bulk */
	bool replace;            /* a record given again replaces the row */
	char last_scan[128]; /* the scan of the last record, and its number */
	long long last_no;
	char cves[STORE_MAX_CVES][24]; /* verdict string position i+1 */
	int ncves;
	/* the CVE list of the last record written and their positions */
	char vlast[1024];
	size_t vlast_len;
	int vpos[STORE_REC_VERDICTS];
	char why[160];
	struct jdoc doc;
};

int store_writer_init(struct store_writer *w, struct db *db, bool replace);
void store_writer_release(struct store_writer *w);
/* Bulk mode, for report import into PostgreSQL (nothing for SQLite):
 * records of a scan new to the store are sent by COPY at store_flush,
 * which must come before the transaction's commit; store_put's *added
 * is then false and store_flush counts the rows added. docs/store.md. */
int store_writer_bulk(struct store_writer *w);
/* For report import into PostgreSQL (nothing for SQLite): commits stop
 * waiting for the disk (synchronous_commit off), each still whole and
 * seen by readers once made; store_writer_durable then waits until
 * every commit so far is on disk, as a server crash could otherwise
 * lose the last ones. Both EXH_EIO (printed) on a database error. */
int store_writer_lazy(struct store_writer *w);
int store_writer_durable(struct store_writer *w);
/* Sends what bulk mode holds; *added: rows added since the last flush
 * or discard. EXH_EIO (printed). 0 and nothing added otherwise. */
int store_flush(struct store_writer *w, uint64_t *added);
/* store_flush in two halves, so that the next batch is bound while the
 * server takes this one's COPY: store_flush_send sends what bulk mode
 * holds and leaves the COPY out; store_flush_wait takes its outcome
 * (*added as store_flush's). Until then the writer's connection must
 * not be used but through store_put_rec of records store_bulk_ready
 * accepts; the transaction's commit comes after store_flush_wait. Each
 * EXH_EIO (printed, and what bulk mode holds discarded) on failure. */
int store_flush_send(struct store_writer *w);
int store_flush_wait(struct store_writer *w, uint64_t *added);
/* Forgets what bulk mode holds, a batch out included (the transaction
 * is then rolled back). */
void store_discard(struct store_writer *w);
/* Adds one record. scope names the scan's origin when the scan is new
 * to the store. *added: whether it was new. EXH_EINVAL (with *why) for
 * a line that is not an exhunt scan record, EXH_EIO (printed) for the
 * database. */
int store_put(struct store_writer *w, struct view line, const char *scope,
              bool *added, const char **why);
/* The same for a record already parsed into w->doc (its text still in
 * memory). */
int store_put_doc(struct store_writer *w, const char *scope, bool *added,
                  const char **why);

/* A parsed record reduced to what the writer needs beyond its nodes: the
 * members found, its numbers, the parts of its server identity and its
 * verdicts' letters. store_rec_make needs no database, so import's
 * reader thread makes it while the writer writes the batch before, and
 * the writer only binds (store_put_rec). */
struct store_rec {
	int f[STORE_REC_FIELDS]; /* the members (nodes), -1 when absent */
	int tls[3];              /* tls.version, cert_sha256, cert_cn */
	long long seq, port, status;
	bool exchange, eol;
	int nshells;
	char scan_id[128];
	/* the server identity (docs/report.md): its key, the name part and
	 * the address a twin is told apart by */
	char key[600], name[256], addr[128];
	/* the verdicts in the record's order: letters, and the CVEs' names
	 * one after another, each NUL-ended; nverdicts is -1 when they do
	 * not fit (the writer reads them from the nodes then) */
	int nverdicts;
	size_t cves_len;
	char vl[STORE_REC_VERDICTS], bl[STORE_REC_VERDICTS];
	char cves[1024];
};
/* 0, or EXH_EINVAL with *why when d is not an exhunt scan record. */
int store_rec_make(const struct jdoc *d, struct store_rec *r, const char **why);
/* Writes r, made from the document now in w->doc; as store_put_doc. */
int store_put_rec(struct store_writer *w, const struct store_rec *r,
                  const char *scope, bool *added, const char **why);
/* Whether r becomes a COPY row of bulk mode without a statement on the
 * writer's connection (a scan this writer started, its CVEs known, the
 * maps with room for a batch): such records can be bound while a batch
 * is out (store_flush_send). */
bool store_bulk_ready(const struct store_writer *w, const struct store_rec *r);

#endif
