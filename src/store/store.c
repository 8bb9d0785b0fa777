#include "store/store.h"
#include "base/err.h"
#include "base/log.h"
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

/* Version 2 (docs/scan-output.md). Verdicts are one letter per CVE in
 * observations.verdicts, at the position table cves gives; the view
 * verdicts spells them out as rows, as version 1 stored them. */
static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);\n"
    "CREATE TABLE IF NOT EXISTS scans(no INTEGER PRIMARY KEY,\n"
    "  id TEXT NOT NULL UNIQUE, started TEXT NOT NULL, finished TEXT,\n"
    "  scope TEXT, options TEXT, shard TEXT);\n"
    "CREATE TABLE IF NOT EXISTS cves(idx INTEGER PRIMARY KEY,\n"
    "  id TEXT NOT NULL UNIQUE);\n"
    "CREATE TABLE IF NOT EXISTS servers(id INTEGER PRIMARY KEY,\n"
    "  key TEXT NOT NULL UNIQUE, name TEXT);\n"
    "CREATE TABLE IF NOT EXISTS observations(key INTEGER PRIMARY KEY,\n"
    "  scan_id TEXT NOT NULL REFERENCES scans(id), seq INTEGER NOT NULL,\n"
    "  time TEXT NOT NULL, ip TEXT, port INTEGER NOT NULL, hostname TEXT,\n"
    "  exchange INTEGER NOT NULL, server_id INTEGER REFERENCES servers(id),\n"
    "  product TEXT, build TEXT, build_precision TEXT, build_source TEXT,\n"
    "  build_name TEXT, eol INTEGER NOT NULL, server_names TEXT,\n"
    "  ntlm TEXT, verdicts TEXT NOT NULL, basis TEXT NOT NULL,\n"
    "  checks TEXT, webshells INTEGER NOT NULL, webshell_paths TEXT,\n"
    "  tls_version TEXT, cert_sha256 TEXT, cert_cn TEXT,\n"
    "  http_status INTEGER, error TEXT);\n"
    "CREATE INDEX IF NOT EXISTS observations_server ON "
    "observations(server_id);\n"
    "CREATE TABLE IF NOT EXISTS addresses(ip TEXT PRIMARY KEY,\n"
    "  asn INTEGER, as_name TEXT, country TEXT, source TEXT);\n"
    /* exhunt notify (docs/notify.md) */
    "CREATE TABLE IF NOT EXISTS routes(round TEXT NOT NULL,\n"
    "  server_id INTEGER, ip TEXT NOT NULL, port INTEGER NOT NULL,\n"
    "  contact TEXT, via TEXT NOT NULL,\n"
    "  PRIMARY KEY(round, ip, port));\n"
    "CREATE TABLE IF NOT EXISTS outbox(message_id TEXT PRIMARY KEY,\n"
    "  round TEXT NOT NULL, contact TEXT NOT NULL, domain TEXT NOT NULL,\n"
    "  status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,\n"
    "  last_error TEXT, created TEXT NOT NULL, sent TEXT,\n"
    "  message BLOB NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS outbox_findings(message_id TEXT NOT NULL,\n"
    "  finding TEXT NOT NULL, server_id INTEGER, ip TEXT,\n"
    "  PRIMARY KEY(message_id, finding));\n"
    "CREATE INDEX IF NOT EXISTS outbox_contact ON outbox(contact, status);\n"
    "CREATE TABLE IF NOT EXISTS notices(contact TEXT NOT NULL,\n"
    "  finding TEXT NOT NULL, server_id INTEGER, round TEXT NOT NULL,\n"
    "  message_id TEXT NOT NULL, sent TEXT NOT NULL,\n"
    "  PRIMARY KEY(contact, finding));\n"
    "CREATE VIEW IF NOT EXISTS verdicts AS SELECT o.scan_id, o.seq,\n"
    "  c.id AS cve, CASE substr(o.verdicts, c.idx, 1)\n"
    "    WHEN 'V' THEN 'vulnerable' WHEN 'P' THEN 'patched'\n"
    "    WHEN 'L' THEN 'likely-vulnerable' ELSE 'unknown' END AS verdict,\n"
    "  CASE substr(o.basis, c.idx, 1) WHEN 's' THEN 'check:ssrf-26855'\n"
    "    WHEN 'p' THEN 'check:proxyshell' ELSE 'build' END AS basis\n"
    "  FROM observations o JOIN cves c ON c.idx <= length(o.verdicts)\n"
    "  AND substr(o.verdicts, c.idx, 1) != '-';\n";

static int exec(sqlite3 *db, const char *path, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_error("%s: %s", path, err ? err : "error");
		sqlite3_free(err);
		return EXH_EIO;
	}
	return 0;
}

static int schema_version(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int version = 0;

	if (sqlite3_prepare_v2(
	        db, "SELECT value FROM meta WHERE key='schema_version'", -1,
	        &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return version;
}

/* Version 1 kept each record's JSONL line: the observations are rebuilt
 * from those lines through store_put, as an import would. */
static int migrate_v1(sqlite3 *db, const char *path)
{
	struct store_writer *w = calloc(1, sizeof *w);
	sqlite3_stmt *st = NULL;
	int rc = EXH_EIO;

	if (!w)
		return EXH_ENOMEM;
	log_info("%s: migrating the database from schema 1 to %d", path,
	         STORE_SCHEMA_VERSION);
	if (exec(db, path,
	         "ALTER TABLE observations RENAME TO observations_v1;"
	         "ALTER TABLE scans RENAME TO scans_v1;"
	         "DROP TABLE IF EXISTS verdicts;"
	         "DROP INDEX IF EXISTS observations_ip;") ||
	    exec(db, path, schema) ||
	    exec(db, path,
	         "INSERT INTO scans(id,started,finished,scope,options,shard) "
	         "SELECT id,started,finished,scope,options,shard FROM "
	         "scans_v1 ORDER BY started, id") ||
	    store_writer_init(w, db, path, true))
		goto out;
	if (sqlite3_prepare_v2(
	        db,
	        "SELECT o.record, s.scope FROM observations_v1 "
	        "o LEFT JOIN scans s ON s.id=o.scan_id ORDER BY s.no, o.seq",
	        -1, &st, NULL) != SQLITE_OK) {
		log_error("%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *rec = (const char *)sqlite3_column_text(st, 0);
		const char *scope = (const char *)sqlite3_column_text(st, 1);
		struct view v = {rec, (size_t)sqlite3_column_bytes(st, 0)};
		const char *why = NULL;
		bool added;
		int r = store_put(w, v, scope ? scope : "", &added, &why);
		if (r == EXH_EINVAL) {
			log_error("%s: a version 1 record does not read: %s",
			          path, why);
		}
		if (r)
			goto out;
	}
	rc = exec(db, path, "DROP TABLE observations_v1; DROP TABLE scans_v1");
out:
	sqlite3_finalize(st);
	store_writer_release(w);
	free(w);
	return rc;
}

int store_open(const char *path, sqlite3 **out)
{
	sqlite3 *db = NULL;
	char sql[96];
	int version;

	/* each connection is used by one thread (NOMUTEX: no lock taken
	 * around every call) */
	if (sqlite3_open_v2(path, &db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                        SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		log_error("%s: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return EXH_EIO;
	}
	sqlite3_busy_timeout(db, 10000);
	if (exec(db, path,
	         "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA "
	         "synchronous=NORMAL;"
	         "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;") ||
	    exec(db, path, "BEGIN IMMEDIATE"))
		goto fail;
	version = schema_version(db);
	if (version > STORE_SCHEMA_VERSION) {
		log_error(
		    "%s: database schema %d is newer than this exhunt (%d)",
		    path, version, STORE_SCHEMA_VERSION);
		goto rollback;
	}
	if (version == 1 ? migrate_v1(db, path) : exec(db, path, schema))
		goto rollback;
	snprintf(sql, sizeof sql,
	         "INSERT OR REPLACE INTO meta VALUES('schema_version','%d')",
	         STORE_SCHEMA_VERSION);
	if (exec(db, path, sql) || exec(db, path, "COMMIT"))
		goto rollback;
	*out = db;
	return 0;
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
fail:
	sqlite3_close(db);
	return EXH_EIO;
}
