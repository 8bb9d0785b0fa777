/* exhunt notify enrich: the addresses of a database's Exchange servers to
 * AS, AS name and country (table addresses), for routing and for the
 * report's per-country and per-network figures. */
#include "notify/notify.h"
#include "base/err.h"
#include "base/ip4.h"
#include "base/log.h"
#include "store/store.h"
#include <string.h>
#include "base/banned.h"

int notify_enrich(const char *db_path, struct geo *g, struct enrich_stats *st)
{
	struct db *db = NULL;
	struct dbq *sel = NULL, *ins = NULL;
	int rc = 0, step;

	memset(st, 0, sizeof *st);
	if (store_open(db_path, &db))
		return EXH_EIO;
	if (db_prepare(db,
	               "SELECT DISTINCT ip FROM observations WHERE exchange "
	               "!= 0 AND ip IS NOT NULL",
	               &sel) ||
	    db_prepare(db,
	               "INSERT INTO addresses(ip,asn,as_name,country,source) "
	               "VALUES(?,?,?,?,?) ON CONFLICT(ip) DO UPDATE SET "
	               "asn=excluded.asn, as_name=excluded.as_name, "
	               "country=excluded.country, source=excluded.source",
	               &ins) ||
	    db_begin(db, true)) {
		log_error("%s: %s", db_name(db), db_errmsg(db));
		rc = EXH_EIO;
		goto out;
	}
	while ((step = dbq_step(sel)) == DB_ROW) {
		const char *ip = (const char *)dbq_text(sel, 0);
		struct geo_answer a;
		uint32_t addr;
		if (!ip4_parse(view_of(ip), &addr))
			continue;
		geo_lookup(g, addr, &a);
		st->addresses++;
		st->with_asn += a.asn != 0;
		st->with_country += a.country[0] != '\0';
		dbq_reset(ins);
		dbq_bind_copy(ins, 1, ip, -1);
		if (a.asn)
			dbq_bind_int(ins, 2, a.asn);
		else
			dbq_bind_null(ins, 2);
		if (a.as_name[0])
			dbq_bind_copy(ins, 3, a.as_name, -1);
		else
			dbq_bind_null(ins, 3);
		if (a.country[0])
			dbq_bind_copy(ins, 4, a.country, -1);
		else
			dbq_bind_null(ins, 4);
		dbq_bind_copy(ins, 5, a.source[0] ? a.source : "none", -1);
		if (dbq_step(ins) != DB_DONE) {
			step = EXH_EIO;
			break;
		}
	}
	if (step != DB_DONE || db_commit(db)) {
		log_error("%s: %s", db_name(db), db_errmsg(db));
		db_rollback(db);
		rc = EXH_EIO;
	}
out:
	dbq_free(sel);
	dbq_free(ins);
	db_close(db);
	return rc;
}
