/* exhunt notify enrich: the addresses of a database's Exchange servers to
 * AS, AS name and country (table addresses), for routing and for the
 * report's per-country and per-network figures. */
#include "notify/notify.h"
#include "base/err.h"
#include "base/ip4.h"
#include "base/log.h"
#include "store/store.h"
#include <sqlite3.h>
#include <string.h>
#include "base/banned.h"

int notify_enrich(const char *db_path, struct geo *g, struct enrich_stats *st)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *sel = NULL, *ins = NULL;
	int rc = 0, step;

	memset(st, 0, sizeof *st);
	if (store_open(db_path, &db))
		return EXH_EIO;
	if (sqlite3_prepare_v2(db,
	                       "SELECT DISTINCT ip FROM observations WHERE "
	                       "exchange AND ip IS NOT NULL",
	                       -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "INSERT OR REPLACE INTO addresses(ip,asn,"
	                       "as_name,country,source) VALUES(?,?,?,?,?)",
	                       -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		log_error("%s: %s", db_path, sqlite3_errmsg(db));
		rc = EXH_EIO;
		goto out;
	}
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *ip = (const char *)sqlite3_column_text(sel, 0);
		struct geo_answer a;
		uint32_t addr;
		if (!ip4_parse(view_of(ip), &addr))
			continue;
		geo_lookup(g, addr, &a);
		st->addresses++;
		st->with_asn += a.asn != 0;
		st->with_country += a.country[0] != '\0';
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, ip, -1, SQLITE_TRANSIENT);
		if (a.asn)
			sqlite3_bind_int64(ins, 2, a.asn);
		else
			sqlite3_bind_null(ins, 2);
		if (a.as_name[0])
			sqlite3_bind_text(ins, 3, a.as_name, -1,
			                  SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ins, 3);
		if (a.country[0])
			sqlite3_bind_text(ins, 4, a.country, -1,
			                  SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ins, 4);
		sqlite3_bind_text(ins, 5, a.source[0] ? a.source : "none", -1,
		                  SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			step = SQLITE_ERROR;
			break;
		}
	}
	if (step != SQLITE_DONE ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		log_error("%s: %s", db_path, sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		rc = EXH_EIO;
	}
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return rc;
}
