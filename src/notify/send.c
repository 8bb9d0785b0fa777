/* exhunt notify send: one sender per database (a lock), the round's
 * notices planned into the outbox (planner.c) in one transaction, then
 * delivered (outbox.c, transport.c). */
#include "notify/send_parts.h"
#include "base/err.h"
#include "base/log.h"
#include "base/sig.h"
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "base/banned.h"

static volatile sig_atomic_t stop_flag;

int send_db_fail(sqlite3 *db, const char *path)
{
	log_error("%s: %s", path, sqlite3_errmsg(db));
	return EXH_EIO;
}

int send_load_round(sqlite3 *db, const char *path, struct round *r)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(db,
	                       "SELECT id, started, no FROM scans ORDER BY "
	                       "started DESC, id DESC LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return send_db_fail(db, path);
	if (sqlite3_step(st) != SQLITE_ROW) {
		log_error("%s: holds no scan", path);
		rc = EXH_EINVAL;
	} else {
		snprintf(r->id, sizeof r->id, "%s", sqlite3_column_text(st, 0));
		snprintf(r->started, sizeof r->started, "%s",
		         sqlite3_column_text(st, 1));
		r->no = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT idx, id FROM cves", -1, &st, NULL) !=
	    SQLITE_OK)
		return send_db_fail(db, path);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int i = sqlite3_column_int(st, 0);
		if (i >= 1 && i <= STORE_MAX_CVES) {
			snprintf(r->cves[i - 1], sizeof r->cves[0], "%s",
			         sqlite3_column_text(st, 1));
			if (i > r->ncves)
				r->ncves = i;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

const char *send_col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : "";
}

int notify_send(const struct send_opts *o, const struct kb *kb,
                struct send_stats *st)
{
	struct planner p = {0};
	struct round *r = calloc(1, sizeof *r);
	sqlite3_stmt *cnt = NULL;
	char lock[4200];
	int rc, lock_fd;

	memset(st, 0, sizeof *st);
	if (!r)
		return EXH_ENOMEM;
	/* One sender per database: two would both deliver the outbox. */
	snprintf(lock, sizeof lock, "%s.notify-lock", o->db_path);
	lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB)) {
		log_error("%s: exhunt notify send is already running on this "
		          "database (%s)",
		          o->db_path, lock_fd < 0 ? strerror(errno) : "locked");
		if (lock_fd >= 0)
			close(lock_fd);
		free(r);
		return EXH_EIO;
	}
	if (store_open(o->db_path, &p.db)) {
		close(lock_fd);
		free(r);
		return EXH_EIO;
	}
	p.path = o->db_path;
	rc = send_load_round(p.db, o->db_path, r);
	if (!rc &&
	    (sqlite3_prepare_v2(
	         p.db,
	         "SELECT 1 FROM notices WHERE contact=?1 AND finding=?2 "
	         "UNION ALL SELECT 1 FROM outbox o JOIN outbox_findings f ON "
	         "f.message_id=o.message_id WHERE o.status='pending' AND "
	         "o.contact=?1 AND f.finding=?2",
	         -1, &p.seen, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(p.db,
	                        "INSERT OR REPLACE INTO routes VALUES(?,?,?,?,"
	                        "?,?)",
	                        -1, &p.route, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(p.db,
	                        "INSERT OR IGNORE INTO outbox(message_id,"
	                        "round,contact,domain,status,created,message)"
	                        " VALUES(?1,?2,?3,?4,'pending',?5,?6)",
	                        -1, &p.outbox, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(p.db,
	                        "INSERT OR IGNORE INTO outbox_findings "
	                        "VALUES(?,?,?,?)",
	                        -1, &p.finding, NULL) != SQLITE_OK))
		rc = send_db_fail(p.db, o->db_path);
	if (!rc) {
		struct notice_opts m = o->msg;
		struct send_opts o2 = *o;
		char date[16];
		snprintf(date, sizeof date, "%.10s", r->started);
		m.round = r->id;
		m.round_date = date;
		o2.msg = m;
		rc = sqlite3_exec(p.db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		             SQLITE_OK
		         ? send_db_fail(p.db, o->db_path)
		         : planner_plan(&p, &o2, kb, r, st);
		if (rc || sqlite3_exec(p.db, "COMMIT", NULL, NULL, NULL) !=
		              SQLITE_OK) {
			sqlite3_exec(p.db, "ROLLBACK", NULL, NULL, NULL);
			rc = rc ? rc : send_db_fail(p.db, o->db_path);
		}
	}
	sqlite3_finalize(p.seen);
	sqlite3_finalize(p.route);
	sqlite3_finalize(p.outbox);
	sqlite3_finalize(p.finding);
	if (!rc && !o->plan_only) {
		stop_flag = 0;
		sig_stop_catch(&stop_flag);
		rc = outbox_deliver(p.db, o, st, &stop_flag);
		sig_stop_restore();
	}
	if (!rc &&
	    sqlite3_prepare_v2(p.db,
	                       "SELECT count(*) FROM outbox WHERE "
	                       "status='pending'",
	                       -1, &cnt, NULL) == SQLITE_OK &&
	    sqlite3_step(cnt) == SQLITE_ROW)
		st->pending = (uint64_t)sqlite3_column_int64(cnt, 0);
	sqlite3_finalize(cnt);
	sqlite3_close(p.db);
	close(lock_fd);
	free(r);
	return rc;
}
