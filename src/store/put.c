/* store_put: one scan record (a JSONL line) into the store. The scanner
 * and `report import` both come through here, so a database says the same
 * whichever way its records arrived. */
#include "base/err.h"
#include "base/log.h"
#include "store/store.h"
#include <ctype.h>
#include <sqlite3.h>
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
#define FIELD(s) {s, sizeof s - 1}
static const struct {
	const char *name;
	size_t len;
} fields[F_COUNT] = {
    FIELD("scan_id"), FIELD("seq"),
    FIELD("time"), FIELD("ip"),
    FIELD("port"), FIELD("hostname"),
    FIELD("exchange"), FIELD("product"),
    FIELD("build"), FIELD("build_precision"),
    FIELD("build_source"), FIELD("build_name"),
    FIELD("eol"), FIELD("server_names"),
    FIELD("ntlm"), FIELD("verdicts"),
    FIELD("verdict_basis"), FIELD("checks"),
    FIELD("webshells"), FIELD("tls"),
    FIELD("http_status"), FIELD("error"),
};
#undef FIELD

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

static int prepare(struct store_writer *w, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(w->db, sql, -1, st, NULL) != SQLITE_OK) {
		log_error("%s: %s", w->path, sqlite3_errmsg(w->db));
		return EXH_EIO;
	}
	return 0;
}

int store_writer_init(struct store_writer *w, sqlite3 *db, const char *path,
                      bool replace)
{
	sqlite3_stmt *st = NULL;
	char sql[160];
	int i;

	w->db = db;
	w->path = path;
	w->ncves = 0;
	w->last_scan[0] = '\0';
	snprintf(sql, sizeof sql, "INSERT OR %s INTO observations VALUES(",
	         replace ? "REPLACE" : "IGNORE");
	for (i = 1; i <= C_COUNT; i++)
		snprintf(sql + strlen(sql), sizeof sql - strlen(sql), "%s?",
		         i > 1 ? "," : "");
	snprintf(sql + strlen(sql), sizeof sql - strlen(sql), ")");
	if (prepare(w, sql, &w->obs) ||
	    prepare(w,
	            "INSERT OR IGNORE INTO scans(id,started,scope,options,"
	            "shard) VALUES(?,coalesce(?,''),?,'','')",
	            &w->scan) ||
	    prepare(w, "SELECT id, name FROM servers WHERE key=?",
	            &w->server) ||
	    prepare(w, "INSERT INTO servers(key,name) VALUES(?,?)",
	            &w->server_add) ||
	    prepare(w, "UPDATE servers SET name=?2 WHERE id=?1",
	            &w->server_name) ||
	    prepare(w, "SELECT no FROM scans WHERE id=?", &w->scan_no) ||
	    prepare(w,
	            "SELECT key, ip FROM observations WHERE server_id=?1 AND "
	            "key>=?2 AND key<?3 AND key!=?4 AND ip IS NOT ?5 LIMIT 1",
	            &w->twin) ||
	    prepare(w, "UPDATE observations SET server_id=?2 WHERE key=?1",
	            &w->rekey) ||
	    prepare(w, "INSERT INTO cves(idx,id) VALUES(?,?)", &w->cve) ||
	    prepare(w, "SELECT idx, id FROM cves ORDER BY idx", &st))
		return EXH_EIO;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int idx = sqlite3_column_int(st, 0);
		if (idx >= 1 && idx <= STORE_MAX_CVES) {
			snprintf(w->cves[idx - 1], sizeof w->cves[0], "%s",
			         sqlite3_column_text(st, 1));
			if (idx > w->ncves)
				w->ncves = idx;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

void store_writer_release(struct store_writer *w)
{
	sqlite3_finalize(w->scan);
	sqlite3_finalize(w->scan_no);
	sqlite3_finalize(w->twin);
	sqlite3_finalize(w->rekey);
	sqlite3_finalize(w->obs);
	sqlite3_finalize(w->server);
	sqlite3_finalize(w->server_add);
	sqlite3_finalize(w->server_name);
	sqlite3_finalize(w->cve);
	w->scan = w->scan_no = w->obs = w->server = w->cve = NULL;
	w->server_add = w->server_name = NULL;
	w->twin = w->rekey = NULL;
}

/* Binds string node n (or NULL when absent or not a string). Text without
 * escapes is bound in place: the line outlives the statement's step. */
static void bind_jstr(struct store_writer *w, int col, int n)
{
	const struct jdoc *d = &w->doc;
	char tmp[1024];

	if (n < 0 || d->n[n].type != J_STR) {
		sqlite3_bind_null(w->obs, col);
	} else if (!memchr(d->n[n].raw.p, '\\', d->n[n].raw.len)) {
		sqlite3_bind_text(w->obs, col, d->n[n].raw.p,
		                  (int)d->n[n].raw.len, SQLITE_STATIC);
	} else if (jsonr_str(d, n, tmp, sizeof tmp)) {
		sqlite3_bind_text(w->obs, col, tmp, -1, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_null(w->obs, col);
	}
}

static void bind_raw(struct store_writer *w, int col, int n)
{
	const struct jdoc *d = &w->doc;

	if (n < 0 || d->n[n].type == J_NULL)
		sqlite3_bind_null(w->obs, col);
	else
		sqlite3_bind_text(w->obs, col, d->n[n].raw.p,
		                  (int)d->n[n].raw.len, SQLITE_STATIC);
}

static long long num(const struct jdoc *d, int n)
{
	long long v = 0;

	return jsonr_int(d, n, &v) ? v : 0;
}

/* The position of cve in the verdict strings, adding it when new. Records
 * list CVEs in a fixed order, so the next position is tried first. */
static int cve_index(struct store_writer *w, const char *cve, int hint)
{
	int i;

	if (hint < w->ncves && strcmp(w->cves[hint], cve) == 0)
		return hint;
	for (i = 0; i < w->ncves; i++)
		if (strcmp(w->cves[i], cve) == 0)
			return i;
	if (w->ncves == STORE_MAX_CVES)
		return -1;
	sqlite3_reset(w->cve);
	sqlite3_bind_int(w->cve, 1, w->ncves + 1);
	sqlite3_bind_text(w->cve, 2, cve, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(w->cve) != SQLITE_DONE)
		return -2;
	snprintf(w->cves[w->ncves], sizeof w->cves[0], "%s", cve);
	return w->ncves++;
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
	return strcmp(word, "check:ssrf-26855") == 0   ? 's'
	       : strcmp(word, "check:proxyshell") == 0 ? 'p'
	                                               : 'b';
}

static int bind_verdicts(struct store_writer *w, int v, int bo)
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
		char cve[24], word[32], b[32] = "build";
		int k;
		if (!jsonr_str(d, d->n[c].key, cve, sizeof cve) ||
		    !jsonr_str(d, c, word, sizeof word))
			continue;
		i = cve_index(w, cve, hint);
		if (i == -2)
			return EXH_EIO;
		if (i < 0)
			continue;
		hint = i + 1;
		if (bc >= 0 && key_is(d, bc, cve)) {
			k = bc;
			bc = d->n[bc].next;
		} else {
			k = jsonr_get(d, bo, cve);
		}
		if (k >= 0)
			jsonr_str(d, k, b, sizeof b);
		vs[i] = verdict_letter(word);
		bs[i] = basis_letter(b);
		if (i + 1 > len)
			len = i + 1;
	}
	sqlite3_bind_text(w->obs, C_VERDICTS, vs, len, SQLITE_TRANSIENT);
	sqlite3_bind_text(w->obs, C_BASIS, bs, len, SQLITE_TRANSIENT);
	return 0;
}

/* The id of the server with identity key (added when new; its name
 * updated when it changed). Looked up first: an upsert would rewrite the
 * row, and journal its page, for every record of a known server. */
static int server_id(struct store_writer *w, const char *key, const char *name,
                     long long *id)
{
	sqlite3_stmt *st = w->server;
	int step;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *had = (const char *)sqlite3_column_text(st, 1);
		bool renamed = name && name[0] && (!had || strcmp(had, name));
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (!renamed)
			return 0;
		st = w->server_name;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	} else {
		sqlite3_reset(st);
		if (step != SQLITE_DONE)
			return EXH_EIO;
		st = w->server_add;
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (name && name[0])
			sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 2);
	}
	step = sqlite3_step(st);
	sqlite3_reset(st);
	if (step != SQLITE_DONE)
		return EXH_EIO;
	if (st == w->server_add)
		*id = sqlite3_last_insert_rowid(w->db);
	return 0;
}

/* The server identity (docs/report.md): the server's own name (X-FEServer
 * or NTLM, without its domain) with the certificate's subject name, which
 * survive an address change and a certificate renewal; without a name,
 * the address and port. Two addresses claiming the same identity in one
 * scan are two servers (machines installed from one image): the first
 * address in text order keeps the identity, each other one gets its own
 * (identity and address), whichever order they arrive in. */
static int bind_server(struct store_writer *w, const int f[F_COUNT],
                       int cn_node, long long obs_key)
{
	const struct jdoc *d = &w->doc;
	int names = f[F_NAMES];
	char name[256] = "", cn[256] = "", key[600], addr[128] = "";
	long long id, lo = w->last_no * STORE_SEQ_LIMIT;
	size_t i;

	if (names >= 0 && d->n[names].type == J_ARR && d->n[names].first >= 0)
		jsonr_str(d, d->n[names].first, name, sizeof name);
	for (i = 0; name[i]; i++) {
		if (name[i] == '.') {
			name[i] = '\0';
			break;
		}
		name[i] = (char)toupper((unsigned char)name[i]);
	}
	if (cn_node >= 0)
		jsonr_str(d, cn_node, cn, sizeof cn);
	for (i = 0; cn[i]; i++)
		cn[i] = (char)tolower((unsigned char)cn[i]);
	if (f[F_IP] >= 0)
		jsonr_str(d, f[F_IP], addr, sizeof addr);
	else if (f[F_HOSTNAME] >= 0)
		jsonr_str(d, f[F_HOSTNAME], addr, sizeof addr);
	if (name[0])
		snprintf(key, sizeof key, "name:%s|%s", name, cn);
	else
		snprintf(key, sizeof key, "addr:%s:%lld", addr,
		         num(d, f[F_PORT]));
	if (server_id(w, key, name, &id))
		return EXH_EIO;
	if (name[0] && addr[0]) {
		int step;
		sqlite3_reset(w->twin);
		sqlite3_bind_int64(w->twin, 1, id);
		sqlite3_bind_int64(w->twin, 2, lo);
		sqlite3_bind_int64(w->twin, 3, lo + STORE_SEQ_LIMIT);
		sqlite3_bind_int64(w->twin, 4, obs_key);
		sqlite3_bind_text(w->twin, 5, addr, -1, SQLITE_TRANSIENT);
		step = sqlite3_step(w->twin);
		if (step == SQLITE_ROW) {
			long long other_key = sqlite3_column_int64(w->twin, 0);
			char other[128], key2[800];
			long long id2;
			snprintf(other, sizeof other, "%s",
			         (const char *)sqlite3_column_text(w->twin, 1));
			sqlite3_reset(w->twin);
			if (strcmp(addr, other) > 0) {
				snprintf(key2, sizeof key2, "%s|@%s", key,
				         addr);
				if (server_id(w, key2, name, &id))
					return EXH_EIO;
			} else {
				snprintf(key2, sizeof key2, "%s|@%s", key,
				         other);
				if (server_id(w, key2, name, &id2))
					return EXH_EIO;
				sqlite3_reset(w->rekey);
				sqlite3_bind_int64(w->rekey, 1, other_key);
				sqlite3_bind_int64(w->rekey, 2, id2);
				step = sqlite3_step(w->rekey);
				sqlite3_reset(w->rekey);
				if (step != SQLITE_DONE)
					return EXH_EIO;
			}
		} else {
			sqlite3_reset(w->twin);
			if (step != SQLITE_DONE)
				return EXH_EIO;
		}
	}
	sqlite3_bind_int64(w->obs, C_SERVER, id);
	return 0;
}

/* The scan's number in the store, the scan added when new. */
static int scan_number(struct store_writer *w, const char *scan_id, int time,
                       const char *scope)
{
	const struct jdoc *d = &w->doc;

	sqlite3_reset(w->scan);
	sqlite3_bind_text(w->scan, 1, scan_id, -1, SQLITE_TRANSIENT);
	if (time >= 0 && d->n[time].type == J_STR)
		sqlite3_bind_text(w->scan, 2, d->n[time].raw.p,
		                  (int)d->n[time].raw.len, SQLITE_STATIC);
	else
		sqlite3_bind_null(w->scan, 2);
	sqlite3_bind_text(w->scan, 3, scope, -1, SQLITE_STATIC);
	if (sqlite3_step(w->scan) != SQLITE_DONE)
		return EXH_EIO;
	sqlite3_reset(w->scan);
	sqlite3_reset(w->scan_no);
	sqlite3_bind_text(w->scan_no, 1, scan_id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(w->scan_no) != SQLITE_ROW)
		return EXH_EIO;
	w->last_no = sqlite3_column_int64(w->scan_no, 0);
	sqlite3_reset(w->scan_no);
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

int store_put_doc(struct store_writer *w, const char *scope, bool *added,
                  const char **why)
{
	struct jdoc *d = &w->doc;
	int f[F_COUNT], tls[3], k, n;
	char scan_id[128];
	bool exchange;
	long long obs_key;

	*added = false;
	record_members(d, 0, f);
	if (d->n[0].type != J_OBJ || f[F_SCAN_ID] < 0 || f[F_SEQ] < 0 ||
	    d->n[f[F_SEQ]].type != J_NUM || f[F_EXCHANGE] < 0 ||
	    d->n[f[F_EXCHANGE]].type != J_BOOL ||
	    !jsonr_str(d, f[F_SCAN_ID], scan_id, sizeof scan_id)) {
		*why = "not an exhunt scan record (scan_id, seq and exchange "
		       "are required)";
		return EXH_EINVAL;
	}
	exchange = d->n[f[F_EXCHANGE]].truth;
	if (strcmp(scan_id, w->last_scan) &&
	    scan_number(w, scan_id, f[F_TIME], scope))
		goto db_error;
	sqlite3_reset(w->obs);
	sqlite3_clear_bindings(w->obs);
	if (num(d, f[F_SEQ]) < 0 || num(d, f[F_SEQ]) >= STORE_SEQ_LIMIT) {
		*why = "seq out of range";
		return EXH_EINVAL;
	}
	tls[0] = jsonr_get(d, f[F_TLS], "version");
	tls[1] = jsonr_get(d, f[F_TLS], "cert_sha256");
	tls[2] = jsonr_get(d, f[F_TLS], "cert_cn");
	obs_key = w->last_no * STORE_SEQ_LIMIT + num(d, f[F_SEQ]);
	sqlite3_bind_int64(w->obs, C_KEY, obs_key);
	sqlite3_bind_text(w->obs, C_SCAN, scan_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(w->obs, C_SEQ, num(d, f[F_SEQ]));
	bind_jstr(w, C_TIME, f[F_TIME]);
	if (f[F_TIME] < 0)
		sqlite3_bind_text(w->obs, C_TIME, "", 0, SQLITE_STATIC);
	bind_jstr(w, C_IP, f[F_IP]);
	sqlite3_bind_int64(w->obs, C_PORT, num(d, f[F_PORT]));
	bind_jstr(w, C_HOSTNAME, f[F_HOSTNAME]);
	sqlite3_bind_int(w->obs, C_EXCHANGE, exchange);
	if (exchange && bind_server(w, f, tls[2], obs_key))
		goto db_error;
	bind_jstr(w, C_PRODUCT, f[F_PRODUCT]);
	bind_jstr(w, C_BUILD, f[F_BUILD]);
	bind_jstr(w, C_PRECISION, f[F_PRECISION]);
	bind_jstr(w, C_SOURCE, f[F_SOURCE]);
	bind_jstr(w, C_NAME, f[F_BUILD_NAME]);
	k = f[F_EOL];
	sqlite3_bind_int(w->obs, C_EOL,
	                 k >= 0 && d->n[k].type == J_BOOL && d->n[k].truth);
	bind_raw(w, C_NAMES, f[F_NAMES]);
	bind_raw(w, C_NTLM, f[F_NTLM]);
	if (bind_verdicts(w, f[F_VERDICTS], f[F_BASIS]))
		goto db_error;
	bind_raw(w, C_CHECKS, f[F_CHECKS]);
	k = f[F_SHELLS];
	n = 0;
	if (k >= 0 && d->n[k].type == J_ARR) {
		int c;
		for (c = d->n[k].first; c >= 0; c = d->n[c].next)
			n++;
	}
	sqlite3_bind_int(w->obs, C_NSHELLS, n);
	bind_raw(w, C_SHELLS, n ? k : -1);
	bind_jstr(w, C_TLSV, tls[0]);
	bind_jstr(w, C_CERT, tls[1]);
	bind_jstr(w, C_CN, tls[2]);
	sqlite3_bind_int64(w->obs, C_STATUS, num(d, f[F_STATUS]));
	bind_jstr(w, C_ERROR, f[F_ERROR]);
	if (sqlite3_step(w->obs) != SQLITE_DONE)
		goto db_error;
	*added = sqlite3_changes(w->db) > 0;
	sqlite3_reset(w->obs);
	return 0;
db_error:
	log_error("%s: %s", w->path, sqlite3_errmsg(w->db));
	sqlite3_reset(w->obs);
	return EXH_EIO;
}
