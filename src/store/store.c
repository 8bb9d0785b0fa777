#include "store/store.h"
#include "base/err.h"
#include "base/log.h"
#include <sqlite3.h>
#include <stddef.h>
#include "base/banned.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);\n"
    "CREATE TABLE IF NOT EXISTS scans(\n"
    "  id TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT,\n"
    "  scope TEXT, options TEXT, shard TEXT);\n"
    "CREATE TABLE IF NOT EXISTS observations(\n"
    "  scan_id TEXT NOT NULL REFERENCES scans(id), seq INTEGER NOT NULL,\n"
    "  time TEXT NOT NULL, ip TEXT, port INTEGER NOT NULL, hostname TEXT,\n"
    "  exchange INTEGER NOT NULL, product TEXT, build TEXT,\n"
    "  build_precision TEXT, server_name TEXT, cert_sha256 TEXT,\n"
    "  webshells INTEGER NOT NULL, error TEXT, record TEXT NOT NULL,\n"
    "  PRIMARY KEY(scan_id, seq));\n"
    "CREATE TABLE IF NOT EXISTS verdicts(\n"
    "  scan_id TEXT NOT NULL, seq INTEGER NOT NULL, cve TEXT NOT NULL,\n"
    "  verdict TEXT NOT NULL, basis TEXT NOT NULL,\n"
    "  PRIMARY KEY(scan_id, seq, cve));\n"
    "CREATE INDEX IF NOT EXISTS observations_ip ON observations(ip);\n";

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

int store_open(const char *path, sqlite3 **out)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int version = 0;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		log_error("%s: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return EXH_EIO;
	}
	sqlite3_busy_timeout(db, 10000);
	if (exec(db, path,
	         "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") ||
	    exec(db, path, schema))
		goto fail;
	if (sqlite3_prepare_v2(
	        db, "SELECT value FROM meta WHERE key='schema_version'", -1,
	        &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > STORE_SCHEMA_VERSION) {
		log_error(
		    "%s: database schema %d is newer than this exhunt (%d)",
		    path, version, STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (exec(db, path,
	         "INSERT OR REPLACE INTO meta VALUES('schema_version','1')"))
		goto fail;
	*out = db;
	return 0;
fail:
	sqlite3_close(db);
	return EXH_EIO;
}
