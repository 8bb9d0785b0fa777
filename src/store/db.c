/* The two stores behind db.h. SQLite calls map one to one. PostgreSQL
 * statements are prepared on the server (named q1, q2, ...) and run with
 * text parameters; a result is read whole, or a row at a time when the
 * statement streams (libpq's single-row mode). */
#include "store/db.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

/* Parameters of one statement (the most any of ours takes is 32). */
#define DB_MAX_PARAMS 64

struct db {
	sqlite3 *lite;
	PGconn *pg;
	unsigned next_name; /* PostgreSQL statement names */
	char *target;       /* as given to db_open (db_reopen) */
	int flags;
	long long changes;
	char name[512];
	char err[512];
	void (*on_commit)(void *, int); /* db_on_commit */
	void *on_commit_arg;
	/* a COPY sent by db_copy_send whose result is not taken yet; done:
	 * taken early (copy_settle), its outcome in copy_rc */
	bool copy_out, copy_done;
	int copy_rc;
};

static int copy_finish(struct db *db);

/* Anything else run on a connection with a COPY out first waits for
 * the COPY's result, keeping it for db_copy_wait. */
static void copy_settle(struct db *db)
{
	if (db->copy_out) {
		db->copy_rc = copy_finish(db);
		db->copy_out = false;
		db->copy_done = true;
	}
}

struct pgparam {
	char *p; /* owned copy, NUL-terminated (text) */
	size_t len, cap;
	bool null, binary;
};

struct dbq {
	struct db *db;
	sqlite3_stmt *st;
	/* PostgreSQL */
	char pname[16];
	char *text;  /* its SQL in PostgreSQL's form */
	bool replan; /* dbq_replan: planned for each run's values */
	int nparams;
	struct pgparam *params;
	PGresult *res;
	int row, nrows;
	bool stream, running, ended;
	bool sent;           /* dbq_send: its result not yet taken */
	unsigned char *blob; /* a decoded bytea column */
};

bool db_target_is_pg(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 ||
	       strncmp(target, "postgres://", 11) == 0;
}

/* The URL without its password: scheme://user@host... */
static void url_without_password(const char *url, char *out, size_t cap)
{
	const char *scheme_end = strstr(url, "://");
	const char *at, *colon;
	size_t end;

	snprintf(out, cap, "%s", url);
	if (!scheme_end)
		return;
	scheme_end += 3;
	end = strcspn(scheme_end, "/?");
	at = memchr(scheme_end, '@', end);
	if (!at)
		return;
	colon = memchr(scheme_end, ':', (size_t)(at - scheme_end));
	if (!colon)
		return;
	snprintf(out, cap, "%.*s%s", (int)(colon - url), url, at);
}

static void set_err(struct db *db, const char *msg)
{
	size_t n;

	snprintf(db->err, sizeof db->err, "%s", msg ? msg : "error");
	n = strlen(db->err);
	while (n && (db->err[n - 1] == '\n' || db->err[n - 1] == ' '))
		db->err[--n] = '\0';
}

static void pg_err(struct db *db, const PGresult *res)
{
	const char *m = res ? PQresultErrorMessage(res) : NULL;

	set_err(db, m && m[0] ? m : PQerrorMessage(db->pg));
}

int db_open(const char *target, int flags, struct db **out)
{
	struct db *db;

	if (!target[0]) {
		/* SQLite would open a temporary database and lose it all */
		log_error("--db: empty; give a file or a postgresql:// URL");
		return EXH_EINVAL;
	}
	db = calloc(1, sizeof *db);
	if (!db || !(db->target = strdup(target))) {
		free(db);
		return EXH_ENOMEM;
	}
	db->flags = flags;
	if (db_target_is_pg(target)) {
		url_without_password(target, db->name, sizeof db->name);
		db->pg = PQconnectdb(target);
		if (PQstatus(db->pg) != CONNECTION_OK) {
			set_err(db, PQerrorMessage(db->pg));
			log_error("%s: %s", db->name, db->err);
			db_close(db);
			return EXH_EIO;
		}
		/* our messages are enough; the server's notices are noise */
		if (db_exec(db, "SET client_min_messages=warning") ||
		    ((flags & DB_READONLY) &&
		     db_exec(db, "SET default_transaction_read_only=on"))) {
			log_error("%s: %s", db->name, db->err);
			db_close(db);
			return EXH_EIO;
		}
		*out = db;
		return 0;
	}
	snprintf(db->name, sizeof db->name, "%s", target);
	/* no allocation counters: they take a global lock around every
	 * allocation (a twentieth of a bulk import's time); effective only
	 * before SQLite's first use, a no-op after */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* each connection is used by one thread (NOMUTEX: no lock taken
	 * around every call) */
	if (sqlite3_open_v2(target, &db->lite,
	                    ((flags & DB_READONLY)
	                         ? SQLITE_OPEN_READONLY
	                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
	                        SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		log_error("%s: %s", target, sqlite3_errmsg(db->lite));
		db_close(db);
		return EXH_EIO;
	}
	sqlite3_busy_timeout(db->lite, 10000);
	*out = db;
	return 0;
}

int db_reopen(const struct db *db, struct db **out)
{
	return db_open(db->target, db->flags, out);
}

static int wal_hook(void *arg, sqlite3 *lite, const char *name, int pages)
{
	struct db *db = arg;

	(void)lite;
	(void)name;
	db->on_commit(db->on_commit_arg, pages);
	return SQLITE_OK;
}

void db_on_commit(struct db *db, void (*fn)(void *, int), void *arg)
{
	if (!db->lite)
		return;
	db->on_commit = fn;
	db->on_commit_arg = arg;
	sqlite3_wal_hook(db->lite, fn ? wal_hook : NULL, fn ? db : NULL);
}

int db_checkpoint(struct db *db)
{
	if (!db->lite)
		return 0;
	if (sqlite3_wal_checkpoint_v2(db->lite, NULL, SQLITE_CHECKPOINT_PASSIVE,
	                              NULL, NULL) != SQLITE_OK) {
		set_err(db, sqlite3_errmsg(db->lite));
		return EXH_EIO;
	}
	return 0;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	/* a COPY still out is abandoned: the server rolls back its
	 * transaction when the connection ends */
	free(db->target);
	if (db->pg)
		PQfinish(db->pg);
	sqlite3_close(db->lite);
	free(db);
}

bool db_is_pg(const struct db *db)
{
	return db->pg != NULL;
}

const char *db_name(const struct db *db)
{
	return db->name;
}

const char *db_errmsg(const struct db *db)
{
	return db->lite ? sqlite3_errmsg(db->lite) : db->err;
}

long long db_last_id(const struct db *db)
{
	return db->lite ? (long long)sqlite3_last_insert_rowid(db->lite) : 0;
}

long long db_changes(const struct db *db)
{
	return db->lite ? (long long)sqlite3_changes(db->lite) : db->changes;
}

int db_exec(struct db *db, const char *sql)
{
	PGresult *res;
	ExecStatusType s;

	if (db->lite) {
		char *err = NULL;
		if (sqlite3_exec(db->lite, sql, NULL, NULL, &err) == SQLITE_OK)
			return 0;
		/* sqlite3_errmsg keeps the message of the failed statement */
		sqlite3_free(err);
		return EXH_EIO;
	}
	copy_settle(db);
	res = PQexec(db->pg, sql);
	s = PQresultStatus(res);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		pg_err(db, res);
		PQclear(res);
		return EXH_EIO;
	}
	PQclear(res);
	return 0;
}

int db_begin(struct db *db, bool write)
{
	if (db->lite)
		return db_exec(db, write ? "BEGIN IMMEDIATE" : "BEGIN");
	return db_exec(db, write ? "BEGIN"
	                         : "BEGIN ISOLATION LEVEL REPEATABLE READ");
}

int db_commit(struct db *db)
{
	return db_exec(db, "COMMIT");
}

void db_rollback(struct db *db)
{
	if (db->lite)
		sqlite3_exec(db->lite, "ROLLBACK", NULL, NULL, NULL);
	else {
		copy_settle(db);
		PQclear(PQexec(db->pg, "ROLLBACK"));
	}
}

/* Starts COPY copy_sql and queues data and the end of it on the
 * connection (libpq holds a copy); EXH_EIO when the server does not
 * take the command or the data cannot be queued. */
static int copy_start(struct db *db, const char *copy_sql, const char *data,
                      size_t len)
{
	PGresult *res = PQexec(db->pg, copy_sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COPY_IN) {
		pg_err(db, res);
		PQclear(res);
		return EXH_EIO;
	}
	PQclear(res);
	while (len && !rc) {
		/* libpq takes an int length */
		int n = len > (1u << 30) ? 1 << 30 : (int)len;
		if (PQputCopyData(db->pg, data, n) != 1)
			rc = EXH_EIO;
		data += n;
		len -= (size_t)n;
	}
	if (PQputCopyEnd(db->pg, rc ? "exhunt stopped" : NULL) != 1)
		rc = EXH_EIO;
	if (rc)
		set_err(db, PQerrorMessage(db->pg));
	return rc;
}

/* Sends what is queued (waiting as long as that takes), back in
 * blocking mode, and takes the COPY's result. */
static int copy_finish(struct db *db)
{
	PGresult *res;
	int rc = 0, f;

	while ((f = PQflush(db->pg)) == 1) {
		struct pollfd pfd = {.fd = PQsocket(db->pg), .events = POLLOUT};
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
	}
	if (f != 0 || PQsetnonblocking(db->pg, 0) != 0) {
		set_err(db, PQerrorMessage(db->pg));
		rc = EXH_EIO;
	}
	while ((res = PQgetResult(db->pg))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			if (!rc)
				pg_err(db, res);
			rc = EXH_EIO;
		} else {
			db->changes = strtoll(PQcmdTuples(res), NULL, 10);
		}
		PQclear(res);
	}
	return rc;
}

int db_copy(struct db *db, const char *copy_sql, const char *data, size_t len)
{
	int rc;

	if (!db->pg)
		return EXH_EINVAL;
	copy_settle(db);
	rc = copy_start(db, copy_sql, data, len);
	return copy_finish(db) ? EXH_EIO : rc;
}

int db_copy_send(struct db *db, const char *copy_sql, const char *data,
                 size_t len)
{
	int rc;

	if (!db->pg)
		return EXH_EINVAL;
	copy_settle(db);
	db->copy_done = false;
	if (PQsetnonblocking(db->pg, 1) != 0) {
		set_err(db, PQerrorMessage(db->pg));
		return EXH_EIO;
	}
	if ((rc = copy_start(db, copy_sql, data, len))) {
		(void)copy_finish(db);
		return rc;
	}
	db->copy_out = true;
	return 0;
}

void db_copy_pump(struct db *db)
{
	/* an error shows at db_copy_wait */
	if (db->copy_out)
		(void)PQflush(db->pg);
}

int db_copy_wait(struct db *db)
{
	copy_settle(db);
	if (!db->copy_done)
		return 0;
	db->copy_done = false;
	return db->copy_rc;
}

/* SQLite's ? and ?N placeholders as $N, outside quotes; *nparams: the
 * highest number used. */
static char *pg_sql(const char *sql, int *nparams)
{
	size_t n = strlen(sql), i, o = 0;
	char *out = malloc(n * 3 + 1);
	char quote = 0;
	int seq = 0, most = 0;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		char c = sql[i];
		if (quote) {
			out[o++] = c;
			if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '\'' || c == '"') {
			quote = c;
			out[o++] = c;
			continue;
		}
		if (c != '?') {
			out[o++] = c;
			continue;
		}
		if (sql[i + 1] >= '0' && sql[i + 1] <= '9') {
			int k = 0;
			out[o++] = '$';
			while (sql[i + 1] >= '0' && sql[i + 1] <= '9' &&
			       k < 1000) {
				k = k * 10 + (sql[i + 1] - '0');
				out[o++] = sql[++i];
			}
			if (k > most)
				most = k;
			seq = k;
		} else {
			int w = snprintf(out + o, 4, "$%d", ++seq);
			o += (size_t)(w > 0 ? w : 0);
			if (seq > most)
				most = seq;
		}
	}
	out[o] = '\0';
	*nparams = most;
	return out;
}

int db_prepare(struct db *db, const char *sql, struct dbq **out)
{
	struct dbq *q = calloc(1, sizeof *q);
	char *text = NULL;
	PGresult *res;
	int rc = EXH_EIO;

	if (!q)
		return EXH_ENOMEM;
	q->db = db;
	if (db->lite) {
		if (sqlite3_prepare_v2(db->lite, sql, -1, &q->st, NULL) !=
		    SQLITE_OK)
			goto out;
		*out = q;
		return 0;
	}
	text = pg_sql(sql, &q->nparams);
	if (!text || q->nparams > DB_MAX_PARAMS) {
		set_err(db, text ? "too many parameters" : "out of memory");
		goto out;
	}
	q->params = calloc((size_t)q->nparams + 1, sizeof *q->params);
	if (!q->params) {
		set_err(db, "out of memory");
		goto out;
	}
	snprintf(q->pname, sizeof q->pname, "q%u", ++db->next_name);
	copy_settle(db);
	res = PQprepare(db->pg, q->pname, text, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_err(db, res);
		PQclear(res);
		q->pname[0] = '\0';
		goto out;
	}
	PQclear(res);
	rc = 0;
	q->text = text;
	text = NULL;
	*out = q;
	q = NULL;
out:
	free(text);
	dbq_free(q);
	return rc;
}

void dbq_replan(struct dbq *q)
{
	q->replan = q->text != NULL;
}

void dbq_free(struct dbq *q)
{
	int i;

	if (!q)
		return;
	if (q->st)
		sqlite3_finalize(q->st);
	if (q->db->pg) {
		dbq_reset(q);
		if (q->pname[0]) {
			char sql[48];
			snprintf(sql, sizeof sql, "DEALLOCATE %s", q->pname);
			copy_settle(q->db);
			PQclear(PQexec(q->db->pg, sql));
		}
		for (i = 0; q->params && i <= q->nparams; i++)
			free(q->params[i].p);
		free(q->params);
	}
	free(q->text);
	PQfreemem(q->blob);
	free(q);
}

void dbq_reset(struct dbq *q)
{
	if (q->st) {
		sqlite3_reset(q->st);
		return;
	}
	PQclear(q->res);
	q->res = NULL;
	if (q->running && !q->ended) {
		PGresult *r;
		/* the rest of a streamed result must be read off the wire */
		while ((r = PQgetResult(q->db->pg)))
			PQclear(r);
	}
	q->running = q->ended = q->sent = false;
	q->row = q->nrows = 0;
}

void dbq_stream(struct dbq *q)
{
	q->stream = true;
}

/* PostgreSQL text is valid UTF-8 without NUL: anything else becomes
 * U+FFFD, so hostile bytes from a server cannot make a write fail. */
static size_t utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k, len = c < 0x80             ? 1
		                : (c & 0xe0) == 0xc0 ? 2
		                : (c & 0xf0) == 0xe0 ? 3
		                : (c & 0xf8) == 0xf0 ? 4
		                                     : 0;
		uint32_t cp;
		if (c == 0 || !len || len > n - i)
			return i;
		cp = len == 1 ? c : c & (0x7f >> len);
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += len;
	}
	return n;
}

static struct pgparam *param(struct dbq *q, int i, size_t need)
{
	struct pgparam *p;

	if (i < 1 || i > q->nparams)
		return NULL;
	p = &q->params[i];
	p->null = p->binary = false;
	if (need + 1 > p->cap) {
		char *np = realloc(p->p, need + 1);
		if (!np) {
			p->null = true;
			return NULL;
		}
		p->p = np;
		p->cap = need + 1;
	}
	return p;
}

static void pg_text(struct dbq *q, int i, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t good = utf8_ok(u, n), o = 0;
	struct pgparam *p;

	if (good == n) {
		p = param(q, i, n);
		if (!p)
			return;
		memcpy(p->p, s, n);
		p->p[n] = '\0';
		p->len = n;
		return;
	}
	p = param(q, i, n * 3);
	if (!p)
		return;
	while (n) {
		good = utf8_ok(u, n);
		memcpy(p->p + o, u, good);
		o += good;
		u += good;
		n -= good;
		if (n) {
			memcpy(p->p + o, "\xef\xbf\xbd", 3);
			o += 3;
			u++;
			n--;
		}
	}
	p->p[o] = '\0';
	p->len = o;
}

int db_copy_field(struct buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	while (n) {
		size_t good = utf8_ok(u, n), i, from = 0;
		for (i = 0; i < good; i++) {
			const char *esc = u[i] == '\\'   ? "\\\\"
			                  : u[i] == '\n' ? "\\n"
			                  : u[i] == '\r' ? "\\r"
			                  : u[i] == '\t' ? "\\t"
			                                 : NULL;
			if (!esc)
				continue;
			buf_add(out, u + from, i - from);
			buf_adds(out, esc);
			from = i + 1;
		}
		buf_add(out, u + from, good - from);
		u += good;
		n -= good;
		if (n) {
			buf_add(out, "\xef\xbf\xbd", 3);
			u++;
			n--;
		}
	}
	return buf_error(out);
}

void dbq_bind_int(struct dbq *q, int i, long long v)
{
	char t[24];
	int n;

	if (q->st) {
		sqlite3_bind_int64(q->st, i, v);
		return;
	}
	n = snprintf(t, sizeof t, "%lld", v);
	pg_text(q, i, t, (size_t)n);
}

void dbq_bind_text(struct dbq *q, int i, const char *s, int len)
{
	if (!s) {
		dbq_bind_null(q, i);
		return;
	}
	if (q->st)
		sqlite3_bind_text(q->st, i, s, len, SQLITE_STATIC);
	else
		pg_text(q, i, s, len < 0 ? strlen(s) : (size_t)len);
}

void dbq_bind_copy(struct dbq *q, int i, const char *s, int len)
{
	if (!s) {
		dbq_bind_null(q, i);
		return;
	}
	if (q->st)
		sqlite3_bind_text(q->st, i, s, len, SQLITE_TRANSIENT);
	else
		pg_text(q, i, s, len < 0 ? strlen(s) : (size_t)len);
}

void dbq_bind_blob(struct dbq *q, int i, const void *b, size_t len)
{
	struct pgparam *p;

	if (q->st) {
		sqlite3_bind_blob64(q->st, i, b, len, SQLITE_TRANSIENT);
		return;
	}
	p = param(q, i, len);
	if (!p)
		return;
	memcpy(p->p, b, len);
	p->len = len;
	p->binary = true;
}

void dbq_bind_null(struct dbq *q, int i)
{
	if (q->st)
		sqlite3_bind_null(q->st, i);
	else if (i >= 1 && i <= q->nparams)
		q->params[i].null = true;
}

void dbq_clear(struct dbq *q)
{
	int i;

	if (q->st)
		sqlite3_clear_bindings(q->st);
	else
		for (i = 1; i <= q->nparams; i++)
			q->params[i].null = true;
}

/* A whole result taken: rows, or the changes counted. */
static int pg_result(struct dbq *q)
{
	ExecStatusType s = PQresultStatus(q->res);

	q->ended = true;
	if (s == PGRES_COMMAND_OK) {
		q->db->changes = strtoll(PQcmdTuples(q->res), NULL, 10);
		q->nrows = 0;
		return 0;
	}
	if (s != PGRES_TUPLES_OK) {
		pg_err(q->db, q->res);
		return EXH_EIO;
	}
	q->nrows = PQntuples(q->res);
	return 0;
}

static int pg_run(struct dbq *q, bool wait)
{
	const char *vals[DB_MAX_PARAMS];
	int lens[DB_MAX_PARAMS], fmts[DB_MAX_PARAMS], i;
	struct db *db = q->db;

	for (i = 0; i < q->nparams; i++) {
		const struct pgparam *p = &q->params[i + 1];
		vals[i] = p->null || !p->p ? NULL : p->p;
		lens[i] = (int)p->len;
		fmts[i] = p->binary;
	}
	copy_settle(db);
	q->running = true;
	q->row = -1;
	if (q->stream || !wait) {
		if (!(q->replan
		          ? PQsendQueryParams(db->pg, q->text, q->nparams, NULL,
		                              vals, lens, fmts, 0)
		          : PQsendQueryPrepared(db->pg, q->pname, q->nparams,
		                                vals, lens, fmts, 0)) ||
		    (q->stream && !PQsetSingleRowMode(db->pg))) {
			pg_err(db, NULL);
			q->ended = true;
			return EXH_EIO;
		}
		q->sent = !q->stream;
		return 0;
	}
	q->res = q->replan ? PQexecParams(db->pg, q->text, q->nparams, NULL,
	                                  vals, lens, fmts, 0)
	                   : PQexecPrepared(db->pg, q->pname, q->nparams, vals,
	                                    lens, fmts, 0);
	return pg_result(q);
}

int dbq_send(struct dbq *q)
{
	if (q->st || q->stream)
		return 0;
	PQfreemem(q->blob);
	q->blob = NULL;
	return pg_run(q, false);
}

int dbq_step(struct dbq *q)
{
	int rc;

	if (q->st) {
		rc = sqlite3_step(q->st);
		return rc == SQLITE_ROW    ? DB_ROW
		       : rc == SQLITE_DONE ? DB_DONE
		                           : EXH_EIO;
	}
	PQfreemem(q->blob);
	q->blob = NULL;
	if (!q->running && (rc = pg_run(q, true)))
		return rc;
	if (q->sent) { /* dbq_send's result, then the end of its results */
		PGresult *r;
		q->sent = false;
		q->res = PQgetResult(q->db->pg);
		rc = pg_result(q);
		while ((r = PQgetResult(q->db->pg)))
			PQclear(r);
		if (rc)
			return rc;
	}
	if (!q->stream)
		return ++q->row < q->nrows ? DB_ROW : DB_DONE;
	/* single-row mode: one result per row, then the final one */
	PQclear(q->res);
	q->res = NULL;
	if (q->ended)
		return DB_DONE;
	q->res = PQgetResult(q->db->pg);
	switch (PQresultStatus(q->res)) {
	case PGRES_SINGLE_TUPLE:
		q->row = 0;
		q->nrows = 1;
		return DB_ROW;
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK: break;
	default:
		pg_err(q->db, q->res);
		rc = EXH_EIO;
		goto end;
	}
	rc = DB_DONE;
end:
	PQclear(q->res);
	q->res = NULL;
	{
		PGresult *r;
		while ((r = PQgetResult(q->db->pg)))
			PQclear(r);
	}
	q->ended = true;
	return rc;
}

static const char *pg_value(struct dbq *q, int i)
{
	if (!q->res || q->row < 0 || q->row >= PQntuples(q->res) || i < 0 ||
	    i >= PQnfields(q->res) || PQgetisnull(q->res, q->row, i))
		return NULL;
	return PQgetvalue(q->res, q->row, i);
}

long long dbq_int(struct dbq *q, int i)
{
	const char *v;

	if (q->st)
		return sqlite3_column_int64(q->st, i);
	v = pg_value(q, i);
	if (!v)
		return 0;
	if (v[0] == 't' || v[0] == 'f')
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

double dbq_double(struct dbq *q, int i)
{
	const char *v;

	if (q->st)
		return sqlite3_column_double(q->st, i);
	v = pg_value(q, i);
	return v ? strtod(v, NULL) : 0;
}

const char *dbq_text(struct dbq *q, int i)
{
	if (q->st)
		return (const char *)sqlite3_column_text(q->st, i);
	return pg_value(q, i);
}

size_t dbq_len(struct dbq *q, int i)
{
	const char *v;

	if (q->st)
		return (size_t)sqlite3_column_bytes(q->st, i);
	v = pg_value(q, i);
	return v ? (size_t)PQgetlength(q->res, q->row, i) : 0;
}

bool dbq_null(struct dbq *q, int i)
{
	if (q->st)
		return sqlite3_column_type(q->st, i) == SQLITE_NULL;
	return pg_value(q, i) == NULL;
}

const void *dbq_blob(struct dbq *q, int i, size_t *len)
{
	const char *v;
	size_t n;

	if (q->st) {
		*len = (size_t)sqlite3_column_bytes(q->st, i);
		return sqlite3_column_blob(q->st, i);
	}
	*len = 0;
	v = pg_value(q, i);
	if (!v)
		return NULL;
	PQfreemem(q->blob);
	q->blob = PQunescapeBytea((const unsigned char *)v, &n);
	if (!q->blob)
		return NULL;
	*len = n;
	return q->blob;
}
