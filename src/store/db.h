/* One connection to the campaign store, whichever database holds it: an
 * SQLite file (the embedded default) or a PostgreSQL server (a
 * postgresql:// URL; libpq's connection string and PG* environment
 * variables apply). Every command reaches the store through these calls
 * and writes its SQL once, in the dialect both accept:
 *   - placeholders ? and ?N (turned into $N for PostgreSQL);
 *   - INSERT ... ON CONFLICT(...) DO NOTHING / DO UPDATE, not INSERT OR;
 *   - integer columns compared (x != 0), never used as booleans;
 *   - instr() and julianday(), which the PostgreSQL schema defines.
 * Where the dialects cannot meet, db_is_pg() chooses the text.
 *
 * A connection and its statements are used by one thread at a time. */
#ifndef EXH_STORE_DB_H
#define EXH_STORE_DB_H
#include <stdbool.h>
#include <stddef.h>

struct db;
struct dbq;

enum { DB_DONE = 0, DB_ROW = 1 };
enum { DB_READONLY = 1 };

/* Whether target names a PostgreSQL server rather than a file. */
bool db_target_is_pg(const char *target);

/* Opens target (flags: DB_READONLY). The file is created when missing
 * unless read-only. Errors are printed naming target (a URL without its
 * password). *out is the caller's to db_close. */
int db_open(const char *target, int flags, struct db **out);
/* Another connection to the store db is connected to, opened the way
 * db was. */
int db_reopen(const struct db *db, struct db **out);
/* Closes db and frees it; NULL does nothing. */
void db_close(struct db *db);
/* SQLite: fn(arg, pages) after each commit, with the pages the WAL
 * holds, instead of SQLite's own checkpoints (which would run in the
 * committing thread); NULL gives them back. Nothing for PostgreSQL. */
void db_on_commit(struct db *db, void (*fn)(void *, int), void *arg);
/* SQLite: a passive checkpoint, which neither waits for a writer nor
 * makes one wait. 0 for PostgreSQL. */
int db_checkpoint(struct db *db);

bool db_is_pg(const struct db *db);
/* The store's name for messages: the path, or the URL without password. */
const char *db_name(const struct db *db);
/* The last error's text (valid until the next call on db). */
const char *db_errmsg(const struct db *db);
/* SQLite: the rowid the last INSERT gave (PostgreSQL: use RETURNING). */
long long db_last_id(const struct db *db);
/* Rows changed by the last INSERT, UPDATE or DELETE. */
long long db_changes(const struct db *db);

/* Runs one or more statements without results. EXH_EIO on failure
 * (db_errmsg says why; nothing printed). */
int db_exec(struct db *db, const char *sql);
/* A transaction: a writer's takes the write lock at once (SQLite
 * BEGIN IMMEDIATE); a reader's sees one snapshot throughout (PostgreSQL
 * REPEATABLE READ). */
int db_begin(struct db *db, bool write);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/* PostgreSQL's COPY ... FROM STDIN: copy_sql starts it, the data goes in
 * as COPY text rows (any number of calls), and the end reports whether
 * the server took it all. EXH_EIO with db_errmsg on failure; SQLite has
 * no COPY (EXH_EINVAL). */
int db_copy(struct db *db, const char *copy_sql, const char *data, size_t len);
/* The same COPY sent without waiting for the server to take it:
 * db_copy_pump moves the data on as far as the connection takes at once
 * (call it now and then meanwhile), db_copy_wait sends the rest and
 * reports as db_copy does (0 when no COPY is out). The caller may do
 * other work meanwhile but not on this connection: any other call on it
 * first waits for the COPY, whose outcome db_copy_wait then gives. */
int db_copy_send(struct db *db, const char *copy_sql, const char *data,
                 size_t len);
void db_copy_pump(struct db *db);
int db_copy_wait(struct db *db);

/* Appends s (n bytes) to out as one field of a COPY text row: escaped,
 * and made valid UTF-8 as bound text is. */
struct buf;
int db_copy_field(struct buf *out, const char *s, size_t n);

/* Prepares sql. EXH_EIO when it does not compile or names what the
 * database lacks (db_errmsg says which; nothing printed). *out is the
 * caller's to dbq_free. */
int db_prepare(struct db *db, const char *sql, struct dbq **out);
/* q is planned for the values of each run (PostgreSQL; a no-op for
 * SQLite), never by a plan made once for any values: for a statement
 * whose best plan depends on its values or on how far its tables have
 * grown since it was prepared (a plan made while a table was small scans
 * it whole for as long as the statement lives). */
void dbq_replan(struct dbq *q);
/* Frees q; NULL does nothing. */
void dbq_free(struct dbq *q);
/* Ends the current run of q (its rows are gone); bindings are kept. */
void dbq_reset(struct dbq *q);
/* Rows of q come one at a time instead of all at once (PostgreSQL; a
 * no-op for SQLite): for results too large for memory. Until such a run
 * ends or is reset, nothing else may run on the connection. */
void dbq_stream(struct dbq *q);

/* Parameters count from 1. Text is bound where it lies and must stay
 * until the step, unless bound with dbq_bind_copy; len -1 means up to
 * the NUL. PostgreSQL keeps text as UTF-8 only: invalid bytes and NULs
 * are stored as U+FFFD. */
void dbq_bind_int(struct dbq *q, int i, long long v);
void dbq_bind_text(struct dbq *q, int i, const char *s, int len);
void dbq_bind_copy(struct dbq *q, int i, const char *s, int len);
void dbq_bind_blob(struct dbq *q, int i, const void *p, size_t len);
void dbq_bind_null(struct dbq *q, int i);
/* Every parameter back to NULL. */
void dbq_clear(struct dbq *q);

/* Runs q, or moves to its next row: DB_ROW (a row to read), DB_DONE, or
 * EXH_EIO (db_errmsg says why). */
int dbq_step(struct dbq *q);
/* Sends the statement and returns without waiting (PostgreSQL; SQLite
 * runs it at dbq_step): its connection's next use must be this
 * statement's dbq_step or dbq_reset, which wait for its result. */
int dbq_send(struct dbq *q);

/* Columns of the current row, counting from 0. Text is NULL for NULL
 * and valid until the next step or reset; a boolean reads as 0 or 1. */
long long dbq_int(struct dbq *q, int i);
double dbq_double(struct dbq *q, int i);
const char *dbq_text(struct dbq *q, int i);
size_t dbq_len(struct dbq *q, int i);
bool dbq_null(struct dbq *q, int i);
const void *dbq_blob(struct dbq *q, int i, size_t *len);

#endif
