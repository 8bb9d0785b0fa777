/* exhunt notify send: one sender per database (a lock), the round's
 * notices planned into the outbox (planner.c) in one transaction, then
 * delivered (outbox.c, transport.c). */
#include "notify/send_parts.h"
#include "base/err.h"
#include "base/log.h"
#include "base/sig.h"
#include <errno.h>
#include <fcntl.h>
#include "store/db.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "base/banned.h"

static volatile sig_atomic_t stop_flag;

int send_db_fail(struct db *db, const char *path)
{
	log_error("%s: %s", path, db_errmsg(db));
	return EXH_EIO;
}

int send_load_round(struct db *db, const char *path, struct round *r)
{
	struct dbq *st;
	int rc = 0;

	if (db_prepare(db,
	               "SELECT id, started, no FROM scans ORDER BY "
	               "started DESC, id DESC LIMIT 1",
	               &st) != 0)
		return send_db_fail(db, path);
	if (dbq_step(st) != DB_ROW) {
		log_error("%s: holds no scan", path);
		rc = EXH_EINVAL;
	} else {
		snprintf(r->id, sizeof r->id, "%s", dbq_text(st, 0));
		snprintf(r->started, sizeof r->started, "%s", dbq_text(st, 1));
		r->no = dbq_int(st, 2);
	}
	dbq_free(st);
	if (rc)
		return rc;
	if (db_prepare(db, "SELECT idx, id FROM cves", &st))
		return send_db_fail(db, path);
	while (dbq_step(st) == DB_ROW) {
		int i = (int)dbq_int(st, 0);
		if (i >= 1 && i <= STORE_MAX_CVES) {
			snprintf(r->cves[i - 1], sizeof r->cves[0], "%s",
			         dbq_text(st, 1));
			if (i > r->ncves)
				r->ncves = i;
		}
	}
	dbq_free(st);
	return 0;
}

const char *send_col(struct dbq *st, int i)
{
	const char *s = (const char *)dbq_text(st, i);
	return s ? s : "";
}

int notify_send(const struct send_opts *o, const struct kb *kb,
                struct send_stats *st)
{
	struct planner p = {0};
	struct round *r = calloc(1, sizeof *r);
	struct dbq *cnt = NULL;
	char lock[4200];
	int rc, lock_fd;

	memset(st, 0, sizeof *st);
	if (!r)
		return EXH_ENOMEM;
	/* One sender per SQLite database: two would both deliver the
	 * outbox. PostgreSQL senders may run at once: each message is
	 * claimed by a row lock (outbox.c), and planning is serialised by an
	 * advisory lock. */
	lock_fd = -1;
	snprintf(lock, sizeof lock, "%s.notify-lock", o->db_path);
	if (!db_target_is_pg(o->db_path) &&
	    ((lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0 ||
	     flock(lock_fd, LOCK_EX | LOCK_NB))) {
		log_error("%s: exhunt notify send is already running on this "
		          "database (%s)",
		          o->db_path, lock_fd < 0 ? strerror(errno) : "locked");
		if (lock_fd >= 0)
			close(lock_fd);
		free(r);
		return EXH_EIO;
	}
	if (store_open(o->db_path, &p.db)) {
		if (lock_fd >= 0)
			close(lock_fd);
		free(r);
		return EXH_EIO;
	}
	p.path = o->db_path;
	rc = send_load_round(p.db, o->db_path, r);
	if (!rc &&
	    (db_prepare(
	         p.db,
	         "SELECT 1 FROM notices WHERE contact=?1 AND finding=?2 "
	         "UNION ALL SELECT 1 FROM outbox o JOIN outbox_findings f ON "
	         "f.message_id=o.message_id WHERE o.status='pending' AND "
	         "o.contact=?1 AND f.finding=?2",
	         &p.seen) != 0 ||
	     db_prepare(p.db,
	                "INSERT INTO routes VALUES(?,?,?,?,?,?) ON "
	                "CONFLICT(round, ip, port) DO UPDATE SET "
	                "server_id=excluded.server_id, "
	                "contact=excluded.contact, via=excluded.via",
	                &p.route) ||
	     db_prepare(p.db,
	                "INSERT INTO outbox(message_id,round,contact,domain,"
	                "status,created,message) VALUES(?1,?2,?3,?4,"
	                "'pending',?5,?6) ON CONFLICT DO NOTHING",
	                &p.outbox) ||
	     db_prepare(p.db,
	                "INSERT INTO outbox_findings VALUES(?,?,?,?) ON "
	                "CONFLICT DO NOTHING",
	                &p.finding)))
		rc = send_db_fail(p.db, o->db_path);
	if (!rc) {
		struct notice_opts m = o->msg;
		struct send_opts o2 = *o;
		char date[16];
		snprintf(date, sizeof date, "%.10s", r->started);
		m.round = r->id;
		m.round_date = date;
		o2.msg = m;
		rc = db_begin(p.db, true) ||
		             (db_is_pg(p.db) &&
		              db_exec(p.db,
		                      "SELECT pg_advisory_xact_lock(5127444)"))
		         ? send_db_fail(p.db, o->db_path)
		         : planner_plan(&p, &o2, kb, r, st);
		if (rc || db_commit(p.db)) {
			db_rollback(p.db);
			rc = rc ? rc : send_db_fail(p.db, o->db_path);
		}
	}
	dbq_free(p.seen);
	dbq_free(p.route);
	dbq_free(p.outbox);
	dbq_free(p.finding);
	if (!rc && !o->plan_only) {
		stop_flag = 0;
		sig_stop_catch(&stop_flag);
		rc = outbox_deliver(p.db, o, st, &stop_flag);
		sig_stop_restore();
	}
	/* PostgreSQL: messages another sender is delivering right now are
	 * not left pending (they are locked; SKIP LOCKED passes them by) */
	if (!rc && !db_begin(p.db, true) &&
	    db_prepare(p.db,
	               db_is_pg(p.db)
	                   ? "SELECT count(*) FROM (SELECT 1 FROM outbox WHERE "
	                     "status='pending' FOR UPDATE SKIP LOCKED) s"
	                   : "SELECT count(*) FROM outbox WHERE "
	                     "status='pending'",
	               &cnt) == 0 &&
	    dbq_step(cnt) == DB_ROW)
		st->pending = (uint64_t)dbq_int(cnt, 0);
	dbq_free(cnt);
	db_rollback(p.db);
	db_close(p.db);
	if (lock_fd >= 0)
		close(lock_fd);
	free(r);
	return rc;
}
