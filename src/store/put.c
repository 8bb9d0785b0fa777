/* store_put: one scan record (a JSONL line) into the store. The scanner
 * and `report import` both come through here, so a database says the same
 * whichever way its records arrived. */
#include "base/err.h"
#include "base/buf.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/u64set.h"
#include "store/store.h"
#include "base/array.h"
#include <ctype.h>
#include "store/db.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

enum {
	C_KEY = 1,
	C_SCAN,
	C_SEQ,
	C_TIME,
	C_IP,
	C_PORT,
	C_HOSTNAME,
	C_EXCHANGE,
	C_SERVER,
	C_PRODUCT,
	C_BUILD,
	C_PRECISION,
	C_SOURCE,
	C_NAME,
	C_EOL,
	C_NAMES,
	C_NTLM,
	C_VERDICTS,
	C_BASIS,
	C_CHECKS,
	C_NSHELLS,
	C_SHELLS,
	C_TLSV,
	C_CERT,
	C_CN,
	C_STATUS,
	C_ERROR,
	C_COUNT = C_ERROR
};

/* The record's members, in the order exhunt writes them
 * (docs/scan-output.md). */
enum {
	F_SCAN_ID,
	F_SEQ,
	F_TIME,
	F_IP,
	F_PORT,
	F_HOSTNAME,
	F_EXCHANGE,
	F_PRODUCT,
	F_BUILD,
	F_PRECISION,
	F_SOURCE,
	F_BUILD_NAME,
	F_EOL,
	F_NAMES,
	F_NTLM,
	F_VERDICTS,
	F_BASIS,
	F_CHECKS,
	F_SHELLS,
	F_TLS,
	F_STATUS,
	F_ERROR,
	F_COUNT
};

/* name and length: most keys of a record differ from most names in
 * length, which is compared first */
#define FIELD(s)                                                               \
	{                                                                      \
		s, sizeof s - 1                                                \
	}
static const struct {
	const char *name;
	size_t len;
} fields[F_COUNT] = {
    FIELD("scan_id"),       FIELD("seq"),
    FIELD("time"),          FIELD("ip"),
    FIELD("port"),          FIELD("hostname"),
    FIELD("exchange"),      FIELD("product"),
    FIELD("build"),         FIELD("build_precision"),
    FIELD("build_source"),  FIELD("build_name"),
    FIELD("eol"),           FIELD("server_names"),
    FIELD("ntlm"),          FIELD("verdicts"),
    FIELD("verdict_basis"), FIELD("checks"),
    FIELD("webshells"),     FIELD("tls"),
    FIELD("http_status"),   FIELD("error"),
};
#undef FIELD
_Static_assert(F_COUNT == STORE_REC_FIELDS, "store_rec's members");

static bool key_is(const struct jdoc *d, int member, const char *name)
{
	const struct view k = d->n[d->n[member].key].raw;

	return k.len == strlen(name) && memcmp(k.p, name, k.len) == 0;
}

static bool key_is_field(const struct jdoc *d, int member, int f)
{
	const struct view k = d->n[d->n[member].key].raw;

	return k.len == fields[f].len &&
	       memcmp(k.p, fields[f].name, k.len) == 0;
}

/* Finds each member of the record in one pass (out[F_...], -1 when
 * absent; the first of a repeated key, as jsonr_get). Members usually
 * come in the written order, so the next expected name is tried first. */
static void record_members(const struct jdoc *d, int obj, int out[F_COUNT])
{
	int c, f, next = 0;

	for (f = 0; f < F_COUNT; f++)
		out[f] = -1;
	if (obj < 0 || d->n[obj].type != J_OBJ)
		return;
	for (c = d->n[obj].first; c >= 0; c = d->n[c].next) {
		if (next < F_COUNT && key_is_field(d, c, next)) {
			f = next;
		} else {
			for (f = 0; f < F_COUNT && !key_is_field(d, c, f); f++)
				;
			if (f == F_COUNT)
				continue;
		}
		if (out[f] < 0)
			out[f] = c;
		next = f + 1;
	}
}

static void bulk_free(struct store_bulk *b);

static int prepare(struct db *db, const char *sql, struct dbq **st)
{
	if (db_prepare(db, sql, st)) {
		log_error("%s: %s", db_name(db), db_errmsg(db));
		return EXH_EIO;
	}
	return 0;
}

/* The observations' columns, for the upsert. */
static const char *const columns[C_COUNT] = {
    "key",          "scan_id",        "seq",         "time",
    "ip",           "port",           "hostname",    "exchange",
    "server_id",    "product",        "build",       "build_precision",
    "build_source", "build_name",     "eol",         "server_names",
    "ntlm",         "verdicts",       "basis",       "checks",
    "webshells",    "webshell_paths", "tls_version", "cert_sha256",
    "cert_cn",      "http_status",    "error",
};

/* The CVEs' positions in the verdict strings, as the store has them. */
static int load_cves(struct store_writer *w)
{
	struct dbq *st = w->cve_list;
	int step;

	dbq_reset(st);
	while ((step = dbq_step(st)) == DB_ROW) {
		int idx = (int)dbq_int(st, 0);
		const char *id = dbq_text(st, 1);
		if (idx >= 1 && idx <= STORE_MAX_CVES && id) {
			snprintf(w->cves[idx - 1], sizeof w->cves[0], "%s", id);
			if (idx > w->ncves)
				w->ncves = idx;
		}
	}
	dbq_reset(st);
	return step == DB_DONE ? 0 : EXH_EIO;
}

int store_writer_init(struct store_writer *w, struct db *db, bool replace)
{
	char sql[1536];
	int i;

	w->db = db;
	w->replace = replace;
	w->path = db_name(db);
	w->ncves = 0;
	w->vlast_len = 0;
	w->last_scan[0] = '\0';
	/* PostgreSQL: server identities are shared by every scanner
	 * writing at once; they are added on a connection of their own,
	 * one autocommitted row at a time, so that no scanner's batch waits
	 * on another's (or two wait on each other). */
	w->ids = db;
	if (db_is_pg(db) && db_reopen(db, &w->own_ids))
		return EXH_EIO;
	if (w->own_ids)
		w->ids = w->own_ids;
	/* SQLite's INSERT OR is its fastest path; PostgreSQL has only the
	 * upsert */
	snprintf(sql, sizeof sql, "INSERT %s INTO observations VALUES(",
	         db_is_pg(db) ? ""
	         : replace    ? "OR REPLACE"
	                      : "OR IGNORE");
	for (i = 1; i <= C_COUNT; i++)
		snprintf(sql + strlen(sql), sizeof sql - strlen(sql), "%s?",
		         i > 1 ? "," : "");
	snprintf(sql + strlen(sql), sizeof sql - strlen(sql), ")");
	if (db_is_pg(db))
		snprintf(sql + strlen(sql), sizeof sql - strlen(sql),
		         " ON CONFLICT(key) DO %s",
		         replace ? "UPDATE SET " : "NOTHING");
	for (i = 1; db_is_pg(db) && replace && i < C_COUNT; i++)
		snprintf(sql + strlen(sql), sizeof sql - strlen(sql),
		         "%s%s=excluded.%s", i > 1 ? "," : "", columns[i],
		         columns[i]);
	if (prepare(db, sql, &w->obs) ||
	    prepare(db,
	            "INSERT INTO scans(id,started,scope,options,shard) "
	            "VALUES(?,coalesce(?,''),?,'','') ON CONFLICT(id) DO "
	            "NOTHING",
	            &w->scan) ||
	    prepare(w->ids, "SELECT id, name FROM servers WHERE key=?",
	            &w->server) ||
	    /* SQLite: one writer, the look-up before it is enough, and
	     * RETURNING costs a temporary table per row */
	    prepare(w->ids,
	            db_is_pg(db) ? "INSERT INTO servers(key,name) VALUES(?,?) "
	                           "ON CONFLICT(key) DO NOTHING RETURNING id"
	                         : "INSERT INTO servers(key,name) VALUES(?,?)",
	            &w->server_add) ||
	    prepare(w->ids, "UPDATE servers SET name=?2 WHERE id=?1",
	            &w->server_name) ||
	    prepare(db, "SELECT no FROM scans WHERE id=?", &w->scan_no) ||
	    prepare(db,
	            "SELECT key, ip FROM observations WHERE server_id=?1 AND "
	            "key>=?2 AND key<?3 AND key!=?4 AND ip IS DISTINCT FROM "
	            "?5 LIMIT 1",
	            &w->twin) ||
	    prepare(db, "UPDATE observations SET server_id=?2 WHERE key=?1",
	            &w->rekey) ||
	    prepare(w->ids,
	            "INSERT INTO cves(idx,id) VALUES(?,?) ON CONFLICT DO "
	            "NOTHING",
	            &w->cve) ||
	    prepare(w->ids, "SELECT idx, id FROM cves ORDER BY idx",
	            &w->cve_list))
		return EXH_EIO;
	return load_cves(w) ? EXH_EIO : 0;
}

void store_writer_release(struct store_writer *w)
{
	dbq_free(w->scan);
	dbq_free(w->scan_no);
	dbq_free(w->twin);
	dbq_free(w->rekey);
	dbq_free(w->obs);
	dbq_free(w->server);
	dbq_free(w->server_add);
	dbq_free(w->server_name);
	dbq_free(w->cve);
	dbq_free(w->cve_list);
	w->cve_list = NULL;
	w->scan = w->scan_no = w->obs = w->server = w->cve = NULL;
	w->server_add = w->server_name = NULL;
	w->twin = w->rekey = NULL;
	bulk_free(w->bulk);
	w->bulk = NULL;
	dbq_free(w->any);
	dbq_free(w->server_many);
	dbq_free(w->rekey_key);
	dbq_free(w->stage_insert);
	dbq_free(w->held);
	w->any = w->server_many = w->rekey_key = w->stage_insert = NULL;
	w->held = NULL;
	/* last: the statements above may be its */
	db_close(w->own_ids);
	w->own_ids = NULL;
}

/* Bulk writing (report import into PostgreSQL, store_writer_bulk): a
 * record of a scan that had no observations when this writer first met
 * it becomes a COPY row, sent with the batch's others at store_flush;
 * the server identities and the twins of that scan are then known from
 * memory (this writer wrote every row of it), with no round trip per
 * record. Any other record goes through the statements, after the rows
 * waiting are flushed so that the database sees them. */
struct idslot {
	char *key; /* NULL: free */
	long long id;
	uint64_t h; /* the key's hash: keys are read only when it matches */
};

struct twinslot {
	long long no, id; /* scan number, identity key's hash; id 0: free */
	long long key;
	char ip[48];
};

/* A batch's rows and the moves to apply after them: those being bound,
 * and (store_flush_send) the ones whose COPY is out. */
struct rowset {
	struct buf
	    rows; /* COPY text of the rows waiting, but their server ids */
	size_t pending;
	/* per row waiting: where its server id goes and where it ends in
	 * rows, and its identity key in keys (SIZE_MAX: none) */
	struct prow {
		size_t split, end, key;
	} * prow;
	size_t prow_cap;
	struct buf keys;      /* the rows' identity keys, each ending in NUL */
	struct rekey *rekeys; /* moves to apply after the rows */
	size_t nrekeys, rekeys_cap;
};

struct store_bulk {
	struct idslot *ids; /* server key -> id */
	size_t ids_cap, ids_n;
	struct twinslot *tw; /* (scan, server) -> the address holding it */
	size_t tw_cap, tw_n;
	/* the keys of the rows adopted scans had: records given again are
	 * passed by (bulk_adopt); at most BULK_MAX_HAD */
	struct u64set had;
	long long fresh[64]; /* scans this writer started or adopted */
	int nfresh;
	bool on;        /* the current record is a COPY row */
	bool full;      /* a map is full: statements from now on */
	uint64_t added; /* rows the flushes so far added */
	struct rowset cur; /* the rows being bound */
	/* the batch sent by store_flush_send while its COPY is out (fly_out):
	 * its rows, kept for the stage should the COPY fail, and its moves,
	 * applied when it lands (bulk_land) */
	struct rowset fly;
	bool fly_out;
	struct buf out;   /* the COPY text sent */
	char curkey[800]; /* the current record's identity key, or "" */
	/* the identities those rows name, as two text[] literals */
	struct buf skeys, snames;
	size_t nident;
	bool ids_out;   /* an identity statement sent, its result not taken */
	struct buf rec; /* the current record's fields, escaped */
	size_t off[C_COUNT + 1], len[C_COUNT + 1];
	bool null[C_COUNT + 1];
};

/* An earlier row of the scan that a later twin moves to identity key. */
struct rekey {
	long long obs;
	char *key;
};

/* Memory beyond which the maps stop growing and records go through the
 * statements: 4 M identities and 8 M twin slots, about 1 GB at most. */
#define BULK_MAX_IDS ((size_t)4 << 20)
#define BULK_MAX_TWINS ((size_t)8 << 20)
/* and 8 M rows an adopted scan had (128 MB): past them, a record given
 * again goes to the server, which passes it by (the stage) */
#define BULK_MAX_HAD ((size_t)8 << 20)

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static uint64_t hash_pair(long long a, long long b)
{
	uint64_t h = (uint64_t)a * 0x9e3779b97f4a7c15ull ^ (uint64_t)b;

	h ^= h >> 31;
	return h * 0xbf58476d1ce4e5b9ull ^ (h >> 29);
}

static struct idslot *id_slot(struct store_bulk *b, const char *key, uint64_t h)
{
	size_t i;

	if (!b->ids_cap)
		return NULL;
	for (i = h & (b->ids_cap - 1);; i = (i + 1) & (b->ids_cap - 1))
		if (!b->ids[i].key ||
		    (b->ids[i].h == h && strcmp(b->ids[i].key, key) == 0))
			return &b->ids[i];
}

static struct idslot *id_find(struct store_bulk *b, const char *key)
{
	return id_slot(b, key, hash_str(key));
}

/* Grows an open-addressing table to keep it at most half full. */
static bool id_room(struct store_bulk *b)
{
	struct idslot *old = b->ids, *t;
	size_t oldcap = b->ids_cap, i, cap;

	if (b->ids_n + 1 <= b->ids_cap / 2)
		return true;
	if (b->ids_n >= BULK_MAX_IDS)
		return false;
	cap = oldcap ? oldcap * 2 : 4096;
	t = calloc(cap, sizeof *t);
	if (!t)
		return false;
	b->ids = t;
	b->ids_cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			*id_slot(b, old[i].key, old[i].h) = old[i];
	free(old);
	return true;
}

/* Remembers key's id unless it is there already. 1 when the map is
 * full (not remembered), EXH_ENOMEM when the key cannot be copied. */
static int id_put(struct store_bulk *b, const char *key, long long id)
{
	uint64_t h = hash_str(key);
	struct idslot *slot = id_slot(b, key, h);

	if (slot && slot->key)
		return 0;
	if (!id_room(b))
		return 1;
	slot = id_slot(b, key, h);
	if (!(slot->key = strdup(key)))
		return EXH_ENOMEM;
	slot->id = id;
	slot->h = h;
	b->ids_n++;
	return 0;
}

/* The twin map's id of identity key (never 0, which marks a free slot). */
static long long twin_id(const char *key)
{
	return (long long)(hash_str(key) | 1);
}

static struct twinslot *twin_find(struct store_bulk *b, long long no,
                                  long long id)
{
	size_t i;

	if (!b->tw_cap)
		return NULL;
	for (i = hash_pair(no, id) & (b->tw_cap - 1);;
	     i = (i + 1) & (b->tw_cap - 1))
		if (!b->tw[i].id || (b->tw[i].id == id && b->tw[i].no == no))
			return &b->tw[i];
}

static bool twin_room(struct store_bulk *b)
{
	struct twinslot *old = b->tw, *t;
	size_t oldcap = b->tw_cap, i, cap;

	if (b->tw_n + 1 <= b->tw_cap / 2)
		return true;
	if (b->tw_n >= BULK_MAX_TWINS)
		return false;
	cap = oldcap ? oldcap * 2 : 4096;
	t = calloc(cap, sizeof *t);
	if (!t)
		return false;
	b->tw = t;
	b->tw_cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i].id)
			*twin_find(b, old[i].no, old[i].id) = old[i];
	free(old);
	return true;
}

/* Records that (no, id) is held by the observation key at ip. false when
 * the table is full (the caller leaves bulk mode). */
static bool twin_set(struct store_bulk *b, long long no, long long id,
                     long long key, const char *ip)
{
	struct twinslot *t = twin_find(b, no, id);

	if (!t || !t->id) {
		if (!twin_room(b))
			return false;
		t = twin_find(b, no, id);
		b->tw_n++;
	}
	t->no = no;
	t->id = id;
	t->key = key;
	snprintf(t->ip, sizeof t->ip, "%s", ip);
	return true;
}

static void rowset_init(struct rowset *s)
{
	buf_init(&s->rows, (size_t)1 << 31);
	buf_init(&s->keys, (size_t)1 << 30);
}

/* Empties the rows and the moves, keeping the memory. */
static void rowset_clear(struct rowset *s)
{
	size_t i;

	for (i = 0; i < s->nrekeys; i++)
		free(s->rekeys[i].key);
	buf_reset(&s->rows);
	buf_reset(&s->keys);
	s->pending = 0;
	s->nrekeys = 0;
}

static void rowset_free(struct rowset *s)
{
	rowset_clear(s);
	free(s->rekeys);
	buf_release(&s->rows);
	buf_release(&s->keys);
	free(s->prow);
}

static void bulk_free(struct store_bulk *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->ids_cap; i++)
		free(b->ids[i].key);
	free(b->ids);
	free(b->tw);
	u64set_free(&b->had);
	buf_release(&b->skeys);
	buf_release(&b->snames);
	buf_release(&b->rec);
	buf_release(&b->out);
	rowset_free(&b->cur);
	rowset_free(&b->fly);
	free(b);
}

int store_writer_bulk(struct store_writer *w)
{
	if (!db_is_pg(w->db))
		return 0;
	char sql[1536];
	int c;

	/* the rows' observations, their server ids joined by identity */
	snprintf(sql, sizeof sql, "INSERT INTO observations SELECT ");
	for (c = 0; c < C_COUNT; c++)
		snprintf(sql + strlen(sql), sizeof sql - strlen(sql), "%s%s%s",
		         c ? "," : "", c + 1 == C_SERVER ? "s.id" : "st.",
		         c + 1 == C_SERVER ? "" : columns[c]);
	snprintf(sql + strlen(sql), sizeof sql - strlen(sql),
	         " FROM observations_stage st LEFT JOIN servers s ON "
	         "s.key=st.server_key ON CONFLICT(key) DO NOTHING");
	if (prepare(w->db,
	            "SELECT 1 FROM observations WHERE key BETWEEN ?1 AND ?2 "
	            "LIMIT 1",
	            &w->any) ||
	    /* identities: one autocommitted statement per flush, on the
	     * identity connection, in key order (store_writer_init) */
	    prepare(
	        w->ids,
	        /* and their ids: those it added, and those that
	         * were there before it (one another writer adds
	         * meanwhile is in neither: bulk_send) */
	        /* (each key looked up once: the ids there, and which
	         * are new) */
	        "WITH u AS (SELECT k, max(n) AS n, (SELECT s.id FROM servers "
	        "s WHERE s.key=u.k) AS id FROM unnest(?1::text[], ?2::text[]) "
	        "AS u(k,n) GROUP BY k), ins AS (INSERT INTO servers(key,name) "
	        "SELECT k, n FROM u WHERE id IS NULL ORDER BY k ON "
	        "CONFLICT(key) DO NOTHING RETURNING key, id) SELECT key, id "
	        "FROM ins UNION ALL SELECT k, id FROM u WHERE id IS NOT NULL",
	        &w->server_many) ||
	    prepare(w->db,
	            "UPDATE observations SET server_id=(SELECT id FROM "
	            "servers WHERE key=?2) WHERE key=?1",
	            &w->rekey_key) ||
	    db_exec(w->db,
	            "CREATE TEMP TABLE IF NOT EXISTS observations_stage "
	            "(LIKE observations); ALTER TABLE observations_stage "
	            "ADD COLUMN IF NOT EXISTS server_key text") ||
	    prepare(w->db, sql, &w->stage_insert) ||
	    /* the rows of a scan already in the store, with the named
	     * identity each holds (bulk_adopt) */
	    prepare(w->db,
	            "SELECT o.key, coalesce(o.ip, ''), s.key FROM observations "
	            "o LEFT JOIN servers s ON s.id = o.server_id AND s.key "
	            "LIKE 'name:%' WHERE o.key BETWEEN ?1 AND ?2",
	            &w->held)) {
		log_error("%s: %s", w->path, db_errmsg(w->db));
		return EXH_EIO;
	}
	/* Both join a batch's rows to servers: planned for each batch, as
	 * the table grows (a plan made at the import's start, servers then
	 * nearly empty, read all of it for every batch: 4 times the
	 * import's time at 1,000,000 servers). */
	dbq_replan(w->server_many);
	dbq_replan(w->stage_insert);
	dbq_replan(w->held);
	w->bulk = calloc(1, sizeof *w->bulk);
	if (!w->bulk)
		return EXH_ENOMEM;
	w->bulk->had.max = BULK_MAX_HAD;
	buf_init(&w->bulk->skeys, (size_t)1 << 30);
	buf_init(&w->bulk->snames, (size_t)1 << 30);
	buf_init(&w->bulk->rec, (size_t)1 << 24);
	buf_init(&w->bulk->out, (size_t)1 << 31);
	rowset_init(&w->bulk->cur);
	rowset_init(&w->bulk->fly);
	return 0;
}

int store_writer_lazy(struct store_writer *w)
{
	if (!db_is_pg(w->db))
		return 0;
	struct db *bad = w->db;

	if (db_exec(bad, "SET synchronous_commit = off") ||
	    db_exec(bad = w->ids, "SET synchronous_commit = off")) {
		log_error("%s: %s", w->path, db_errmsg(bad));
		return EXH_EIO;
	}
	return 0;
}

/* A commit that waits for the disk waits for the log up to its own
 * record, which comes after every earlier commit's (of this connection
 * and the identity one). It must write a row: a transaction that wrote
 * nothing does not wait. */
int store_writer_durable(struct store_writer *w)
{
	if (!db_is_pg(w->db))
		return 0;
	if (db_exec(w->db, "SET synchronous_commit = on") ||
	    db_exec(w->db, "BEGIN") ||
	    db_exec(w->db, "UPDATE meta SET value = value WHERE key = "
	                   "'schema_version'") ||
	    db_exec(w->db, "COMMIT")) {
		log_error("%s: %s", w->path, db_errmsg(w->db));
		db_rollback(w->db);
		return EXH_EIO;
	}
	return 0;
}

/* The columns of the current record: bound to the statement, or kept
 * (escaped) for its COPY row. Text bound with col_text must outlive the
 * step (it does: the record's line); col_copy's may not. */
static void col_field(struct store_writer *w, int col, const char *p, int len)
{
	struct store_bulk *b = w->bulk;
	size_t n = len < 0 ? strlen(p) : (size_t)len;

	b->null[col] = false;
	b->off[col] = b->rec.len;
	db_copy_field(&b->rec, p, n);
	b->len[col] = b->rec.len - b->off[col];
}

static void col_text(struct store_writer *w, int col, const char *p, int len)
{
	if (w->bulk && w->bulk->on)
		col_field(w, col, p, len);
	else
		dbq_bind_text(w->obs, col, p, len);
}

static void col_copy(struct store_writer *w, int col, const char *p, int len)
{
	if (w->bulk && w->bulk->on)
		col_field(w, col, p, len);
	else
		dbq_bind_copy(w->obs, col, p, len);
}

static void col_int(struct store_writer *w, int col, long long v)
{
	char t[24];

	if (w->bulk && w->bulk->on) {
		snprintf(t, sizeof t, "%lld", v);
		col_field(w, col, t, -1);
	} else {
		dbq_bind_int(w->obs, col, v);
	}
}

static void col_null(struct store_writer *w, int col)
{
	if (w->bulk && w->bulk->on)
		w->bulk->null[col] = true;
	else
		dbq_bind_null(w->obs, col);
}

static int ids_send(struct store_writer *w);

/* Identities sent in one statement while records are still bound. */
#define IDS_CHUNK 1000

/* The current record's COPY row, into the rows waiting: its columns
 * but the server id, which is known when the rows are sent. */
static int bulk_row(struct store_writer *w)
{
	struct store_bulk *b = w->bulk;
	struct rowset *cur = &b->cur;
	struct prow *pr;
	int c;

	if (array_reserve(&cur->prow, &cur->prow_cap, cur->pending + 1,
	                  sizeof *cur->prow, 1024))
		goto nomem;
	pr = &cur->prow[cur->pending];
	for (c = 1; c <= C_COUNT; c++) {
		if (c > 1)
			buf_addc(&cur->rows, '\t');
		if (c == C_SERVER)
			pr->split = cur->rows.len;
		else if (b->null[c])
			buf_adds(&cur->rows, "\\N");
		else
			buf_add(&cur->rows, b->rec.p + b->off[c], b->len[c]);
	}
	buf_addc(&cur->rows, '\n');
	pr->end = cur->rows.len;
	pr->key = SIZE_MAX;
	if (b->curkey[0]) {
		pr->key = cur->keys.len;
		buf_add(&cur->keys, b->curkey, strlen(b->curkey) + 1);
	}
	cur->pending++;
	if (buf_error(&cur->rows) || buf_error(&b->rec) ||
	    buf_error(&cur->keys))
		goto nomem;
	/* the batch out goes on reaching the server as this one is bound */
	if (b->fly_out && cur->pending % 8 == 0)
		db_copy_pump(w->db);
	if (b->nident >= IDS_CHUNK && ids_send(w)) {
		log_error("%s: %s", w->path, db_errmsg(w->ids));
		return EXH_EIO;
	}
	return 0;
nomem:
	snprintf(w->why, sizeof w->why, "a COPY row: out of memory");
	return EXH_ENOMEM;
}

/* Appends one element to a text[] literal being built in a ("{" comes
 * at the send). */
static void array_add(struct buf *a, const char *s)
{
	buf_addc(a, a->len ? ',' : '{');
	if (!s) {
		buf_adds(a, "NULL");
		return;
	}
	buf_addc(a, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_addc(a, '\\');
		buf_addc(a, *s);
	}
	buf_addc(a, '"');
}

/* An identity the rows waiting name, to be added before them. */
static void bulk_identity(struct store_bulk *b, const char *key,
                          const char *name)
{
	array_add(&b->skeys, key);
	array_add(&b->snames, name && name[0] ? name : NULL);
	b->nident++;
}

/* Takes the identity statement's (key, id) rows into the map (as many
 * as it holds). */
static int take_ids(struct store_writer *w)
{
	struct store_bulk *b = w->bulk;
	int step;

	while ((step = dbq_step(w->server_many)) == DB_ROW) {
		const char *key = (const char *)dbq_text(w->server_many, 0);
		/* one not remembered (the map full) sends its rows through
		 * the stage */
		if (key &&
		    id_put(b, key, dbq_int(w->server_many, 1)) == EXH_ENOMEM)
			return EXH_ENOMEM;
	}
	return step == DB_DONE ? 0 : EXH_EIO;
}

/* Takes the result of the identity statement sent, if one is out. */
static int ids_wait(struct store_writer *w)
{
	struct store_bulk *b = w->bulk;
	int rc;

	if (!b->ids_out)
		return 0;
	b->ids_out = false;
	rc = take_ids(w);
	dbq_reset(w->server_many);
	return rc;
}

/* Sends the identities gathered, once the previous statement's result
 * is taken: the identity connection adds them while this one goes on
 * binding records. */
static int ids_send(struct store_writer *w)
{
	struct store_bulk *b = w->bulk;
	int rc;

	if ((rc = ids_wait(w)) || !b->nident)
		return rc;
	buf_addc(&b->skeys, '}');
	buf_addc(&b->snames, '}');
	if (buf_error(&b->skeys) || buf_error(&b->snames))
		return EXH_ENOMEM;
	dbq_reset(w->server_many);
	dbq_bind_text(w->server_many, 1, b->skeys.p, (int)b->skeys.len);
	dbq_bind_text(w->server_many, 2, b->snames.p, (int)b->snames.len);
	buf_reset(&b->skeys);
	buf_reset(&b->snames);
	b->nident = 0;
	if ((rc = dbq_send(w->server_many)))
		return rc;
	b->ids_out = true;
	return 0;
}

/* The rows waiting as COPY text of observations, each with its server
 * id from the map. false when an identity is not there (another writer
 * added it while the identity statement ran, or the map is full). */
static bool rows_direct(struct store_bulk *b)
{
	const struct rowset *cur = &b->cur;
	size_t i, start = 0;
	char t[24];

	buf_reset(&b->out);
	for (i = 0; i < cur->pending; i++) {
		const struct prow *pr = &cur->prow[i];
		buf_add(&b->out, cur->rows.p + start, pr->split - start);
		if (pr->key == SIZE_MAX) {
			buf_adds(&b->out, "\\N");
		} else {
			const struct idslot *slot =
			    id_find(b, cur->keys.p + pr->key);
			if (!slot || !slot->key)
				return false;
			snprintf(t, sizeof t, "%lld", slot->id);
			buf_adds(&b->out, t);
		}
		buf_add(&b->out, cur->rows.p + pr->split, pr->end - pr->split);
		start = pr->end;
	}
	return true;
}

/* The same rows for the stage table: no server id, the identity key in
 * the last column. */
static void rows_staged(struct store_bulk *b, const struct rowset *set)
{
	size_t i, start = 0;

	buf_reset(&b->out);
	for (i = 0; i < set->pending; i++) {
		const struct prow *pr = &set->prow[i];
		buf_add(&b->out, set->rows.p + start, pr->split - start);
		buf_adds(&b->out, "\\N");
		buf_add(&b->out, set->rows.p + pr->split,
		        pr->end - 1 - pr->split);
		buf_addc(&b->out, '\t');
		if (pr->key == SIZE_MAX)
			buf_adds(&b->out, "\\N");
		else
			db_copy_field(&b->out, set->keys.p + pr->key,
			              strlen(set->keys.p + pr->key));
		buf_addc(&b->out, '\n');
		start = pr->end;
	}
}

/* The rows of set into observations through the stage table: one
 * insert joins their server ids and skips the rows already there. */
static int rows_stage(struct store_writer *w, const struct rowset *set)
{
	struct store_bulk *b = w->bulk;

	rows_staged(b, set);
	if (buf_error(&b->out))
		return EXH_ENOMEM;
	if (db_copy(w->db, "COPY observations_stage FROM STDIN", b->out.p,
	            b->out.len) ||
	    dbq_step(w->stage_insert) != DB_DONE)
		return EXH_EIO;
	b->added += (uint64_t)db_changes(w->db);
	dbq_reset(w->stage_insert);
	return db_exec(w->db, "TRUNCATE observations_stage") ? EXH_EIO : 0;
}

/* The rows waiting into observations: by COPY straight into the table
 * when every identity's id is known and no row is there already;
 * otherwise (a record given twice, another writer) through the stage
 * (rows_stage). With send, a direct COPY is only sent: bulk_land takes
 * its outcome (*sent true). */
static int rows_send(struct store_writer *w, bool send, bool *sent)
{
	struct store_bulk *b = w->bulk;

	*sent = false;
	if (rows_direct(b) && !buf_error(&b->out)) {
		if (db_exec(w->db, "SAVEPOINT bulk"))
			return EXH_EIO;
		if (send) {
			if (db_copy_send(w->db, "COPY observations FROM STDIN",
			                 b->out.p, b->out.len))
				return EXH_EIO;
			*sent = true;
			return 0;
		}
		if (!db_copy(w->db, "COPY observations FROM STDIN", b->out.p,
		             b->out.len)) {
			b->added += (uint64_t)db_changes(w->db);
			return db_exec(w->db, "RELEASE SAVEPOINT bulk")
			           ? EXH_EIO
			           : 0;
		}
		if (db_exec(w->db, "ROLLBACK TO SAVEPOINT bulk") ||
		    db_exec(w->db, "RELEASE SAVEPOINT bulk"))
			return EXH_EIO;
	}
	return rows_stage(w, &b->cur);
}

/* Twins found by later records move the earlier ones' rows. */
static int apply_rekeys(struct store_writer *w, const struct rowset *set)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < set->nrekeys; i++) {
		dbq_reset(w->rekey_key);
		dbq_bind_int(w->rekey_key, 1, set->rekeys[i].obs);
		dbq_bind_text(w->rekey_key, 2, set->rekeys[i].key, -1);
		if (dbq_step(w->rekey_key) != DB_DONE)
			rc = EXH_EIO;
		dbq_reset(w->rekey_key);
	}
	return rc;
}

/* Takes the outcome of the batch out, if one is: its COPY's rows are
 * added, or, when the COPY failed (a row already there), the batch goes
 * through the stage; then its moves. The rows being bound meanwhile are
 * left as they are. */
static int bulk_land(struct store_writer *w)
{
	struct store_bulk *b = w->bulk;
	int rc = 0;

	if (!b || !b->fly_out)
		return 0;
	b->fly_out = false;
	if (!db_copy_wait(w->db)) {
		b->added += (uint64_t)db_changes(w->db);
		if (db_exec(w->db, "RELEASE SAVEPOINT bulk"))
			rc = EXH_EIO;
	} else if (db_exec(w->db, "ROLLBACK TO SAVEPOINT bulk") ||
	           db_exec(w->db, "RELEASE SAVEPOINT bulk")) {
		rc = EXH_EIO;
	} else {
		rc = rows_stage(w, &b->fly);
	}
	if (!rc)
		rc = apply_rekeys(w, &b->fly);
	dbq_reset(w->stage_insert);
	buf_reset(&b->out);
	rowset_clear(&b->fly);
	if (rc)
		log_error("%s: %s", w->path,
		          rc == EXH_ENOMEM ? "out of memory"
		                           : db_errmsg(w->db));
	return rc;
}

/* Sends the rows waiting and applies the moves queued: the batch out
 * first (bulk_land), the identities (autocommitted, on the identity
 * connection), then the rows (rows_send), then the moves. With send,
 * a direct COPY is left out (bulk_land) with the moves. */
static int bulk_send(struct store_writer *w, bool send)
{
	struct store_bulk *b = w->bulk;
	struct db *bad = w->db;
	bool sent = false;
	int rc = 0;

	if ((rc = bulk_land(w)))
		return rc;
	if (!b->cur.pending && !b->cur.nrekeys)
		return 0;
	if ((rc = ids_send(w)) || (rc = ids_wait(w))) {
		bad = w->ids;
		goto out;
	}
	if (b->cur.pending && (rc = rows_send(w, send, &sent)))
		goto out;
	if (sent) { /* the rows and moves go out; the empty set stays */
		struct rowset t = b->fly;
		b->fly = b->cur;
		b->cur = t;
		b->fly_out = true;
	} else {
		rc = apply_rekeys(w, &b->cur);
	}
out:
	dbq_reset(w->stage_insert);
	buf_reset(&b->out);
	rowset_clear(&b->cur);
	buf_reset(&b->skeys);
	buf_reset(&b->snames);
	b->nident = 0;
	if (rc)
		log_error("%s: %s", w->path,
		          rc == EXH_ENOMEM ? "out of memory" : db_errmsg(bad));
	return rc;
}

int store_flush(struct store_writer *w, uint64_t *added)
{
	int rc;

	*added = 0;
	if (!w->bulk)
		return 0;
	rc = bulk_send(w, false);
	if (!rc)
		*added = w->bulk->added;
	store_discard(w);
	return rc;
}

int store_flush_send(struct store_writer *w)
{
	int rc;

	if (!w->bulk)
		return 0;
	if ((rc = bulk_send(w, true)))
		store_discard(w);
	return rc;
}

int store_flush_wait(struct store_writer *w, uint64_t *added)
{
	int rc;

	*added = 0;
	if (!w->bulk)
		return 0;
	if ((rc = bulk_land(w))) {
		store_discard(w);
		return rc;
	}
	*added = w->bulk->added;
	w->bulk->added = 0;
	return 0;
}

void store_discard(struct store_writer *w)
{
	struct store_bulk *b = w->bulk;

	if (!b)
		return;
	if (b->fly_out) { /* its outcome does not matter: rolled back */
		b->fly_out = false;
		(void)db_copy_wait(w->db);
	}
	rowset_clear(&b->fly);
	rowset_clear(&b->cur);
	buf_reset(&b->out);
	buf_reset(&b->skeys);
	buf_reset(&b->snames);
	(void)ids_wait(w); /* its identities are added: kept */
	b->nident = 0;
	b->added = 0;
}

/* Queues the move of an earlier row to identity key (added with the
 * rows' identities). */
static int queue_rekey(struct store_bulk *b, long long obs, const char *key,
                       const char *name)
{
	struct rowset *cur = &b->cur;
	char *k;

	if (array_reserve(&cur->rekeys, &cur->rekeys_cap, cur->nrekeys + 1,
	                  sizeof *cur->rekeys, 64))
		return EXH_ENOMEM;
	if (!(k = strdup(key)))
		return EXH_ENOMEM;
	cur->rekeys[cur->nrekeys].obs = obs;
	cur->rekeys[cur->nrekeys].key = k;
	cur->nrekeys++;
	bulk_identity(b, key, name);
	return 0;
}

static bool bulk_fresh(const struct store_bulk *b, long long no)
{
	int i;

	for (i = 0; i < b->nfresh; i++)
		if (b->fresh[i] == no)
			return true;
	return false;
}

/* Binds string node n (or NULL when absent or not a string). Text without
 * escapes is bound in place: the line outlives the statement's step. */
static void bind_jstr(struct store_writer *w, int col, int n)
{
	const struct jdoc *d = &w->doc;
	char tmp[1024];

	if (n < 0 || d->n[n].type != J_STR) {
		col_null(w, col);
	} else if (!d->n[n].esc) {
		col_text(w, col, d->n[n].raw.p, (int)d->n[n].raw.len);
	} else if (jsonr_str(d, n, tmp, sizeof tmp)) {
		col_copy(w, col, tmp, -1);
	} else {
		col_null(w, col);
	}
}

static void bind_raw(struct store_writer *w, int col, int n)
{
	const struct jdoc *d = &w->doc;

	if (n < 0 || d->n[n].type == J_NULL)
		col_null(w, col);
	else
		col_text(w, col, d->n[n].raw.p, (int)d->n[n].raw.len);
}

static long long num(const struct jdoc *d, int n)
{
	long long v = 0;

	return jsonr_int(d, n, &v) ? v : 0;
}

/* The position of cve in the verdict strings as the writer knows them,
 * or -1. Records list CVEs in a fixed order, so the next position (hint)
 * is tried first. */
static int cve_known(const struct store_writer *w, const char *cve, int hint)
{
	int i;

	if (hint < w->ncves && strcmp(w->cves[hint], cve) == 0)
		return hint;
	for (i = 0; i < w->ncves; i++)
		if (strcmp(w->cves[i], cve) == 0)
			return i;
	return -1;
}

/* The position of cve in the verdict strings, adding it when new. */
static int cve_index(struct store_writer *w, const char *cve, int hint)
{
	int i, tries;

	if ((i = cve_known(w, cve, hint)) >= 0)
		return i;
	/* Another writer may take the next position first (PostgreSQL):
	 * the table, read again after each try, says where cve went. */
	for (tries = 0; tries < 8; tries++) {
		if (w->ncves == STORE_MAX_CVES)
			return -1;
		dbq_reset(w->cve);
		dbq_bind_int(w->cve, 1, w->ncves + 1);
		dbq_bind_copy(w->cve, 2, cve, -1);
		if (dbq_step(w->cve) != DB_DONE)
			return -2;
		dbq_reset(w->cve);
		if (load_cves(w))
			return -2;
		for (i = 0; i < w->ncves; i++)
			if (strcmp(w->cves[i], cve) == 0)
				return i;
	}
	return -2;
}

/* Whether r lists the CVEs of the list whose positions are cached
 * (bind_verdicts: vlast, vpos). */
static bool same_cves(const struct store_writer *w, const struct store_rec *r)
{
	return r->cves_len == w->vlast_len &&
	       memcmp(r->cves, w->vlast, r->cves_len) == 0;
}

bool store_bulk_ready(const struct store_writer *w, const struct store_rec *r)
{
	const struct store_bulk *b = w->bulk;
	const char *cve = r->cves;
	int i, k;

	if (!b || b->full || strcmp(r->scan_id, w->last_scan) ||
	    !bulk_fresh(b, w->last_no) || r->nverdicts < 0 ||
	    b->tw_n + LIM_IMPORT_BATCH >= BULK_MAX_TWINS)
		return false;
	if (same_cves(w, r)) {
		for (i = 0; i < r->nverdicts; i++)
			if (w->vpos[i] < 0)
				return false;
		return true;
	}
	for (i = 0, k = -1; i < r->nverdicts; i++, cve += strlen(cve) + 1)
		if ((k = cve_known(w, cve, k + 1)) < 0)
			return false;
	return true;
}

static char verdict_letter(const char *word)
{
	return strcmp(word, "vulnerable") == 0          ? 'V'
	       : strcmp(word, "patched") == 0           ? 'P'
	       : strcmp(word, "likely-vulnerable") == 0 ? 'L'
	                                                : 'U';
}

static char basis_letter(const char *word)
{
	return word[0] != 'c'                          ? 'b'
	       : strcmp(word, "check:ssrf-26855") == 0 ? 's'
	       : strcmp(word, "check:proxyshell") == 0 ? 'p'
	                                               : 'b';
}

/* The basis letter of cve in the basis object bo; *bc walks bo's members
 * along with the verdicts (they come in the same order). */
static char basis_of(const struct jdoc *d, int bo, int *bc, const char *cve)
{
	char b[32] = "build";
	int k;

	if (*bc >= 0 && key_is(d, *bc, cve)) {
		k = *bc;
		*bc = d->n[*bc].next;
	} else {
		k = jsonr_get(d, bo, cve);
	}
	if (k >= 0)
		jsonr_str(d, k, b, sizeof b);
	return basis_letter(b);
}

/* The record's verdicts (v) and their bases (bo) as letters, in order,
 * with the CVEs' names into r; nverdicts -1 when they do not fit. */
static void rec_verdicts(const struct jdoc *d, int v, int bo,
                         struct store_rec *r)
{
	/* the basis object lists the CVEs in the verdicts' order */
	int bc = bo >= 0 && d->n[bo].type == J_OBJ ? d->n[bo].first : -1;
	int c;

	r->nverdicts = 0;
	r->cves_len = 0;
	for (c = v >= 0 && d->n[v].type == J_OBJ ? d->n[v].first : -1; c >= 0;
	     c = d->n[c].next) {
		char cve[24], word[32];
		size_t len;
		if (!jsonr_str(d, d->n[c].key, cve, sizeof cve) ||
		    !jsonr_str(d, c, word, sizeof word))
			continue;
		len = strlen(cve) + 1;
		if (r->nverdicts == STORE_REC_VERDICTS ||
		    r->cves_len + len > sizeof r->cves) {
			r->nverdicts = -1;
			return;
		}
		r->vl[r->nverdicts] = verdict_letter(word);
		r->bl[r->nverdicts] = basis_of(d, bo, &bc, cve);
		r->nverdicts++;
		memcpy(r->cves + r->cves_len, cve, len);
		r->cves_len += len;
	}
}

/* More verdicts than a store_rec carries: read from the nodes. */
static int bind_verdicts_nodes(struct store_writer *w, int v, int bo)
{
	const struct jdoc *d = &w->doc;
	char vs[STORE_MAX_CVES + 1], bs[STORE_MAX_CVES + 1];
	int c, len = 0, hint = 0, i;
	/* the basis object lists the CVEs in the verdicts' order */
	int bc = bo >= 0 && d->n[bo].type == J_OBJ ? d->n[bo].first : -1;

	memset(vs, '-', sizeof vs);
	memset(bs, '-', sizeof bs);
	for (c = v >= 0 && d->n[v].type == J_OBJ ? d->n[v].first : -1; c >= 0;
	     c = d->n[c].next) {
		char cve[24], word[32];
		if (!jsonr_str(d, d->n[c].key, cve, sizeof cve) ||
		    !jsonr_str(d, c, word, sizeof word))
			continue;
		i = cve_index(w, cve, hint);
		if (i == -2)
			return EXH_EIO;
		if (i < 0)
			continue;
		hint = i + 1;
		vs[i] = verdict_letter(word);
		bs[i] = basis_of(d, bo, &bc, cve);
		if (i + 1 > len)
			len = i + 1;
	}
	col_copy(w, C_VERDICTS, vs, len);
	col_copy(w, C_BASIS, bs, len);
	return 0;
}

/* Binds the verdict strings: each CVE at the position the store gives
 * it. Records list the same CVEs in the same order, so the positions of
 * the last record's list are kept and used again when this one's list is
 * the same. */
static int bind_verdicts(struct store_writer *w, const struct store_rec *r)
{
	char vs[STORE_MAX_CVES + 1], bs[STORE_MAX_CVES + 1];
	int len = 0, hint = 0, i, n;
	const char *cve = r->cves;

	if (r->nverdicts < 0)
		return bind_verdicts_nodes(w, r->f[F_VERDICTS], r->f[F_BASIS]);
	/* (a record without verdicts, not Exchange, keeps the last list) */
	if (r->nverdicts > 0 && !same_cves(w, r)) {
		for (n = 0; n < r->nverdicts; n++, cve += strlen(cve) + 1) {
			i = cve_index(w, cve, hint);
			if (i == -2)
				return EXH_EIO;
			w->vpos[n] = i;
			if (i >= 0)
				hint = i + 1;
		}
		memcpy(w->vlast, r->cves, r->cves_len);
		w->vlast_len = r->cves_len;
	}
	memset(vs, '-', sizeof vs);
	memset(bs, '-', sizeof bs);
	for (n = 0; n < r->nverdicts; n++) {
		i = w->vpos[n];
		if (i < 0)
			continue;
		vs[i] = r->vl[n];
		bs[i] = r->bl[n];
		if (i + 1 > len)
			len = i + 1;
	}
	col_copy(w, C_VERDICTS, vs, len);
	col_copy(w, C_BASIS, bs, len);
	return 0;
}

/* The id of the server with identity key (added when new; its name
 * updated when it changed). Looked up first: an upsert would rewrite the
 * row, and journal its page, for every record of a known server. */
static int server_id(struct store_writer *w, const char *key, const char *name,
                     long long *id)
{
	struct dbq *st = w->server;
	int step;

	dbq_reset(st);
	dbq_bind_text(st, 1, key, -1);
	step = dbq_step(st);
	if (step == DB_ROW) {
		const char *had = (const char *)dbq_text(st, 1);
		bool renamed = name && name[0] && (!had || strcmp(had, name));
		*id = dbq_int(st, 0);
		dbq_reset(st);
		if (!renamed)
			return 0;
		st = w->server_name;
		dbq_reset(st);
		dbq_bind_int(st, 1, *id);
		dbq_bind_text(st, 2, name, -1);
	} else {
		dbq_reset(st);
		if (step != DB_DONE)
			return EXH_EIO;
		st = w->server_add;
		dbq_reset(st);
		dbq_bind_text(st, 1, key, -1);
		if (name && name[0])
			dbq_bind_text(st, 2, name, -1);
		else
			dbq_bind_null(st, 2);
		step = dbq_step(st);
		if (step == DB_ROW)
			*id = dbq_int(st, 0);
		dbq_reset(st);
		if (step == DB_DONE && !db_is_pg(w->ids)) {
			*id = db_last_id(w->ids);
			return 0;
		}
		if (step == DB_DONE) /* another writer added it just now */
			return server_id(w, key, name, id);
		return step == DB_ROW ? 0 : EXH_EIO;
	}
	step = dbq_step(st);
	dbq_reset(st);
	return step == DB_DONE ? 0 : EXH_EIO;
}

/* server_id, remembered in bulk mode: a known identity costs no round
 * trip. (A cached identity is not renamed: its name is part of its key.)
 */
static int server_id_cached(struct store_writer *w, const char *key,
                            const char *name, long long *id)
{
	struct store_bulk *b = w->bulk;
	struct idslot *slot = b ? id_find(b, key) : NULL;

	if (slot && slot->key) {
		*id = slot->id;
		return 0;
	}
	if (server_id(w, key, name, id))
		return EXH_EIO;
	if (b)
		(void)id_put(b, key, *id); /* not remembered: asked again */
	return 0;
}

/* The identity key of a twin moved off key: "KEY|@ADDRESS". Of two
 * servers claiming one identity in a scan, the one at the lower address
 * keeps it and the other is told apart by its address. */
static void twin_key(char *out, size_t cap, const char *key, const char *addr)
{
	snprintf(out, cap, "%s|@%s", key, addr);
}

/* Whether key is such a moved identity, of the twin at addr. */
static bool is_twin_key(const char *key, const char *addr)
{
	size_t k = strlen(key), a = strlen(addr);

	return k > a + 2 && !strcmp(key + k - a, addr) &&
	       !strncmp(key + k - a - 2, "|@", 2);
}

/* The identity of a fresh scan's row in bulk mode, its twins found in
 * memory: the same moves as the statements below make, by identity key
 * (its 64-bit hash) instead of server id. out: the row's identity. */
static int bulk_twin(struct store_writer *w, const char *key, const char *name,
                     const char *addr, long long obs_key, char *out, size_t cap)
{
	struct store_bulk *b = w->bulk;
	long long no = w->last_no;
	long long h = twin_id(key);
	struct twinslot *t = twin_find(b, no, h);
	char key2[800];

	snprintf(out, cap, "%s", key);
	if (!t || !t->id || t->key == obs_key || strcmp(t->ip, addr) == 0) {
		if ((!t || !t->id) && !twin_set(b, no, h, obs_key, addr))
			b->full = true;
		return 0;
	}
	if (strcmp(addr, t->ip) > 0) {
		twin_key(out, cap, key, addr);
		return 0;
	}
	twin_key(key2, sizeof key2, key, t->ip);
	if (queue_rekey(b, t->key, key2, name))
		return EXH_ENOMEM;
	if (!twin_set(b, no, h, obs_key, addr))
		b->full = true;
	return 0;
}

/* The server identity (docs/report.md): the server's own name (X-FEServer
 * or NTLM, without its domain) with the certificate's subject name, which
 * survive an address change and a certificate renewal; without a name,
 * the address and port. Two addresses claiming the same identity in one
 * scan are two servers (machines installed from one image): the first
 * address in text order keeps the identity, each other one gets its own
 * (identity and address), whichever order they arrive in. */
/* The identity's parts (bind_server), made with the record. */
static void rec_server(const struct jdoc *d, struct store_rec *r)
{
	const int *f = r->f;
	int names = f[F_NAMES];
	char cn[256] = "";
	size_t i;

	r->name[0] = r->addr[0] = '\0';
	if (names >= 0 && d->n[names].type == J_ARR && d->n[names].first >= 0)
		jsonr_str(d, d->n[names].first, r->name, sizeof r->name);
	for (i = 0; r->name[i]; i++) {
		if (r->name[i] == '.') {
			r->name[i] = '\0';
			break;
		}
		r->name[i] = (char)toupper((unsigned char)r->name[i]);
	}
	if (r->tls[2] >= 0)
		jsonr_str(d, r->tls[2], cn, sizeof cn);
	for (i = 0; cn[i]; i++)
		cn[i] = (char)tolower((unsigned char)cn[i]);
	if (f[F_IP] >= 0)
		jsonr_str(d, f[F_IP], r->addr, sizeof r->addr);
	else if (f[F_HOSTNAME] >= 0)
		jsonr_str(d, f[F_HOSTNAME], r->addr, sizeof r->addr);
	if (r->name[0])
		snprintf(r->key, sizeof r->key, "name:%s|%s", r->name, cn);
	else
		snprintf(r->key, sizeof r->key, "addr:%s:%lld", r->addr,
		         r->port);
}

static int bind_server(struct store_writer *w, const struct store_rec *r,
                       long long obs_key)
{
	const char *key = r->key, *name = r->name, *addr = r->addr;
	long long id, lo = w->last_no * STORE_SEQ_LIMIT;

	if (w->bulk && w->bulk->on) {
		/* the server id is joined when the row is sent */
		const struct idslot *slot;
		char final[800];
		if (name[0] && addr[0]) {
			if (bulk_twin(w, key, name, addr, obs_key, final,
			              sizeof final))
				return EXH_ENOMEM;
		} else {
			snprintf(final, sizeof final, "%s", key);
		}
		snprintf(w->bulk->curkey, sizeof w->bulk->curkey, "%s", final);
		/* one known (an earlier scan's server) is not asked again */
		slot = id_find(w->bulk, final);
		if (!slot || !slot->key)
			bulk_identity(w->bulk, final, name);
		return 0;
	}
	if (server_id_cached(w, key, name, &id))
		return EXH_EIO;
	if (name[0] && addr[0]) {
		int step;
		dbq_reset(w->twin);
		dbq_bind_int(w->twin, 1, id);
		dbq_bind_int(w->twin, 2, lo);
		dbq_bind_int(w->twin, 3, lo + STORE_SEQ_LIMIT);
		dbq_bind_int(w->twin, 4, obs_key);
		dbq_bind_copy(w->twin, 5, addr, -1);
		step = dbq_step(w->twin);
		if (step == DB_ROW) {
			long long other_key = dbq_int(w->twin, 0);
			char other[128], key2[800];
			long long id2;
			snprintf(other, sizeof other, "%s",
			         (const char *)dbq_text(w->twin, 1));
			dbq_reset(w->twin);
			if (strcmp(addr, other) > 0) {
				twin_key(key2, sizeof key2, key, addr);
				if (server_id(w, key2, name, &id))
					return EXH_EIO;
			} else {
				twin_key(key2, sizeof key2, key, other);
				if (server_id(w, key2, name, &id2))
					return EXH_EIO;
				dbq_reset(w->rekey);
				dbq_bind_int(w->rekey, 1, other_key);
				dbq_bind_int(w->rekey, 2, id2);
				step = dbq_step(w->rekey);
				dbq_reset(w->rekey);
				if (step != DB_DONE)
					return EXH_EIO;
			}
		} else {
			dbq_reset(w->twin);
			if (step != DB_DONE)
				return EXH_EIO;
		}
	}
	col_int(w, C_SERVER, id);
	return 0;
}

/* A scan the store has rows of already (an import run again, or after
 * it was stopped; a scan imported in parts) becomes this writer's like a
 * new one: its rows' keys are remembered (a record given again is passed
 * by), those that hold a named identity go into the twin map, and its
 * records then go by COPY too. DB_DONE: adopted; DB_ROW: not (the twin
 * map is full: statements); -1: a database error. Like a new scan's, its
 * twins are then known from memory: right while no other writer adds
 * records to the same scan at the same time. Not for a writer whose
 * records replace rows (a scan resumed): the COPY never replaces. */
static int bulk_adopt(struct store_writer *w)
{
	struct store_bulk *b = w->bulk;
	long long no = w->last_no;
	int step;

	dbq_reset(w->held);
	dbq_bind_int(w->held, 1, no * STORE_SEQ_LIMIT);
	dbq_bind_int(w->held, 2, (no + 1) * STORE_SEQ_LIMIT - 1);
	dbq_stream(w->held);
	while ((step = dbq_step(w->held)) == DB_ROW) {
		const char *ip = (const char *)dbq_text(w->held, 1);
		const char *key = (const char *)dbq_text(w->held, 2);
		ip = ip ? ip : "";
		(void)u64set_add(&b->had, (uint64_t)dbq_int(w->held, 0));
		if (!key)
			continue;
		/* a twin moved off the identity (bulk_twin) holds it not */
		if (is_twin_key(key, ip))
			continue;
		if (!twin_set(b, no, twin_id(key), dbq_int(w->held, 0), ip)) {
			dbq_reset(w->held);
			return DB_ROW;
		}
	}
	dbq_reset(w->held);
	return step == DB_DONE ? DB_DONE : -1;
}

/* The scan's number in the store, the scan added when new. */
static int scan_number(struct store_writer *w, const char *scan_id, int time,
                       const char *scope)
{
	const struct jdoc *d = &w->doc;

	dbq_reset(w->scan);
	dbq_bind_copy(w->scan, 1, scan_id, -1);
	if (time >= 0 && d->n[time].type == J_STR)
		dbq_bind_text(w->scan, 2, d->n[time].raw.p,
		              (int)d->n[time].raw.len);
	else
		dbq_bind_null(w->scan, 2);
	dbq_bind_text(w->scan, 3, scope, -1);
	if (dbq_step(w->scan) != DB_DONE)
		return EXH_EIO;
	dbq_reset(w->scan);
	dbq_reset(w->scan_no);
	dbq_bind_copy(w->scan_no, 1, scan_id, -1);
	if (dbq_step(w->scan_no) != DB_ROW)
		return EXH_EIO;
	w->last_no = dbq_int(w->scan_no, 0);
	dbq_reset(w->scan_no);
	if (w->bulk && !bulk_fresh(w->bulk, w->last_no) &&
	    w->bulk->nfresh <
	        (int)(sizeof w->bulk->fresh / sizeof w->bulk->fresh[0])) {
		/* a scan without observations yet is this writer's alone */
		int step;
		dbq_reset(w->any);
		dbq_bind_int(w->any, 1, w->last_no * STORE_SEQ_LIMIT);
		dbq_bind_int(w->any, 2, (w->last_no + 1) * STORE_SEQ_LIMIT - 1);
		step = dbq_step(w->any);
		dbq_reset(w->any);
		if (step == DB_ROW && !w->replace && (step = bulk_adopt(w)) < 0)
			return EXH_EIO;
		if (step == DB_DONE)
			w->bulk->fresh[w->bulk->nfresh++] = w->last_no;
		else if (step != DB_ROW)
			return EXH_EIO;
	}
	snprintf(w->last_scan, sizeof w->last_scan, "%s", scan_id);
	return 0;
}

int store_put(struct store_writer *w, struct view line, const char *scope,
              bool *added, const char **why)
{
	*added = false;
	if (jsonr_parse(&w->doc, line, why)) {
		snprintf(w->why, sizeof w->why, "not JSON: %s", *why);
		*why = w->why;
		return EXH_EINVAL;
	}
	return store_put_doc(w, scope, added, why);
}

int store_rec_make(const struct jdoc *d, struct store_rec *r, const char **why)
{
	const int *f = r->f;
	int k;

	record_members(d, 0, r->f);
	if (d->n[0].type != J_OBJ || f[F_SCAN_ID] < 0 || f[F_SEQ] < 0 ||
	    d->n[f[F_SEQ]].type != J_NUM || f[F_EXCHANGE] < 0 ||
	    d->n[f[F_EXCHANGE]].type != J_BOOL ||
	    !jsonr_str(d, f[F_SCAN_ID], r->scan_id, sizeof r->scan_id)) {
		*why = "not an exhunt scan record (scan_id, seq and exchange "
		       "are required)";
		return EXH_EINVAL;
	}
	r->seq = num(d, f[F_SEQ]);
	if (r->seq < 0 || r->seq >= STORE_SEQ_LIMIT) {
		*why = "seq out of range";
		return EXH_EINVAL;
	}
	r->exchange = d->n[f[F_EXCHANGE]].truth;
	r->port = num(d, f[F_PORT]);
	r->status = num(d, f[F_STATUS]);
	k = f[F_EOL];
	r->eol = k >= 0 && d->n[k].type == J_BOOL && d->n[k].truth;
	r->tls[0] = jsonr_get(d, f[F_TLS], "version");
	r->tls[1] = jsonr_get(d, f[F_TLS], "cert_sha256");
	r->tls[2] = jsonr_get(d, f[F_TLS], "cert_cn");
	k = f[F_SHELLS];
	r->nshells = 0;
	if (k >= 0 && d->n[k].type == J_ARR) {
		int c;
		for (c = d->n[k].first; c >= 0; c = d->n[c].next)
			r->nshells++;
	}
	r->key[0] = '\0';
	if (r->exchange)
		rec_server(d, r);
	rec_verdicts(d, f[F_VERDICTS], f[F_BASIS], r);
	return 0;
}

int store_put_doc(struct store_writer *w, const char *scope, bool *added,
                  const char **why)
{
	struct store_rec *r = malloc(sizeof *r);
	int rc;

	*added = false;
	if (!r) {
		*why = "out of memory";
		return EXH_ENOMEM;
	}
	rc = store_rec_make(&w->doc, r, why);
	if (rc == 0)
		rc = store_put_rec(w, r, scope, added, why);
	free(r);
	return rc;
}

int store_put_rec(struct store_writer *w, const struct store_rec *r,
                  const char *scope, bool *added, const char **why)
{
	const int *f = r->f;
	long long obs_key;

	(void)why;
	*added = false;
	if (strcmp(r->scan_id, w->last_scan) &&
	    scan_number(w, r->scan_id, f[F_TIME], scope))
		goto db_error;
	if (w->bulk) {
		struct store_bulk *b = w->bulk;
		int c;
		b->on = !b->full && bulk_fresh(b, w->last_no);
		/* the statements must see every row written before */
		if (!b->on && bulk_send(w, false))
			return EXH_EIO;
		buf_reset(&b->rec);
		b->curkey[0] = '\0';
		for (c = 0; c <= C_COUNT; c++)
			b->null[c] = true;
	}
	obs_key = w->last_no * STORE_SEQ_LIMIT + r->seq;
	if (w->bulk && w->bulk->on &&
	    u64set_has(&w->bulk->had, (uint64_t)obs_key))
		return 0; /* there already: an import run again */
	dbq_reset(w->obs);
	dbq_clear(w->obs);
	col_int(w, C_KEY, obs_key);
	col_copy(w, C_SCAN, r->scan_id, -1);
	col_int(w, C_SEQ, r->seq);
	bind_jstr(w, C_TIME, f[F_TIME]);
	if (f[F_TIME] < 0)
		col_text(w, C_TIME, "", 0);
	bind_jstr(w, C_IP, f[F_IP]);
	col_int(w, C_PORT, r->port);
	bind_jstr(w, C_HOSTNAME, f[F_HOSTNAME]);
	col_int(w, C_EXCHANGE, r->exchange);
	if (r->exchange && bind_server(w, r, obs_key))
		goto db_error;
	bind_jstr(w, C_PRODUCT, f[F_PRODUCT]);
	bind_jstr(w, C_BUILD, f[F_BUILD]);
	bind_jstr(w, C_PRECISION, f[F_PRECISION]);
	bind_jstr(w, C_SOURCE, f[F_SOURCE]);
	bind_jstr(w, C_NAME, f[F_BUILD_NAME]);
	col_int(w, C_EOL, r->eol);
	bind_raw(w, C_NAMES, f[F_NAMES]);
	bind_raw(w, C_NTLM, f[F_NTLM]);
	if (bind_verdicts(w, r))
		goto db_error;
	bind_raw(w, C_CHECKS, f[F_CHECKS]);
	col_int(w, C_NSHELLS, r->nshells);
	bind_raw(w, C_SHELLS, r->nshells ? f[F_SHELLS] : -1);
	bind_jstr(w, C_TLSV, r->tls[0]);
	bind_jstr(w, C_CERT, r->tls[1]);
	bind_jstr(w, C_CN, r->tls[2]);
	col_int(w, C_STATUS, r->status);
	bind_jstr(w, C_ERROR, f[F_ERROR]);
	if (w->bulk && w->bulk->on) {
		/* counted when sent (store_flush) */
		if (bulk_row(w))
			goto db_error;
		return 0;
	}
	if (dbq_step(w->obs) != DB_DONE)
		goto db_error;
	*added = db_changes(w->db) > 0;
	dbq_reset(w->obs);
	return 0;
db_error:
	log_error("%s: %s", w->path, db_errmsg(w->db));
	dbq_reset(w->obs);
	return EXH_EIO;
}
