/* The outbox: pending messages a page at a time, each delivered through
 * the transport and its outcome recorded in one transaction (delivered
 * means notified); a failure is retried with backoff while the others go
 * on. */
#include "notify/send_parts.h"
#include "base/limits.h"
#include "base/array.h"
#include "base/err.h"
#include "base/ip4.h"
#include "base/log.h"
#include "base/sig.h"
#include "base/text.h"
#include "base/timefmt.h"
#include "notify/notify.h"
#include "scan/knowledge.h"
#include "store/store.h"
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/banned.h"

/* A message taken from the outbox, with its delivery attempts. */
struct item {
	char id[200], contact[256], domain[256], created[40];
	void *msg;
	size_t len;
	int attempts;
	double due; /* monotonic seconds of the next attempt */
	char err[512];
};

struct outbox {
	struct db *db;
	const struct send_opts *o;
	struct send_stats *st;
	struct transport *t;
	struct dbq *page, *ok, *bad, *note, *count;
	/* PostgreSQL: senders may run at once; each message is claimed by
	 * a row lock (claim) for as long as it goes out */
	struct dbq *claim;
	size_t done, total;
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Records the outcome of x in one transaction: delivered means notified;
 * a message that failed stays pending for a later run. */
static int record(struct outbox *b, struct item *x, bool delivered)
{
	char now[32];
	int rc = 0;
	struct dbq *up = delivered ? b->ok : b->bad;

	time_iso((int64_t)time(NULL), now);
	if (!b->claim && db_begin(b->db, true))
		return send_db_fail(b->db, b->o->db_path);
	dbq_reset(up);
	dbq_bind_copy(up, 1, x->id, -1);
	dbq_bind_copy(up, 2, delivered ? now : x->err, -1);
	if (dbq_step(up) != DB_DONE)
		rc = send_db_fail(b->db, b->o->db_path);
	if (!rc && delivered) {
		dbq_reset(b->note);
		dbq_bind_copy(b->note, 1, x->id, -1);
		dbq_bind_copy(b->note, 2, now, -1);
		if (dbq_step(b->note) != DB_DONE)
			rc = send_db_fail(b->db, b->o->db_path);
	}
	if (rc || db_commit(b->db)) {
		db_rollback(b->db);
		rc = rc ? rc : send_db_fail(b->db, b->o->db_path);
	}
	if (delivered) {
		b->st->sent++;
	} else {
		b->st->failed++;
		log_error("%s: not delivered: %s (left in the outbox; a rerun "
		          "tries again)",
		          x->contact, x->err);
	}
	b->done++;
	if (b->o->progress)
		fprintf(stderr, "\rnotify: %zu/%zu messages", b->done,
		        b->total);
	return rc;
}

/* One attempt at x. Returns 1 when x is finished (delivered, or out of
 * attempts), 0 when it waits for a retry, or an error. */
static int attempt(struct outbox *b, struct item *x)
{
	int r, rc;

	if (b->claim) {
		/* the row stays locked until the outcome is committed; a
		 * message another sender holds, or has sent, is not ours */
		int step;
		if (db_begin(b->db, true))
			return send_db_fail(b->db, b->o->db_path);
		dbq_reset(b->claim);
		dbq_bind_copy(b->claim, 1, x->id, -1);
		step = dbq_step(b->claim);
		dbq_reset(b->claim);
		if (step != DB_ROW) {
			rc = step == DB_DONE
			         ? 0
			         : send_db_fail(b->db, b->o->db_path);
			db_rollback(b->db);
			b->st->others++;
			return rc ? rc : 1;
		}
	}
	r = transport_try(b->t, x->id, x->contact, x->domain, x->msg, x->len,
	                  x->err, sizeof x->err);
	x->attempts++;
	if (r == 0 || x->attempts >= b->o->retries) {
		rc = record(b, x, r == 0);
		return rc ? rc : 1;
	}
	if (b->claim)
		db_rollback(b->db); /* let go of it while it waits */
	/* Backoff: 1, 2, 4 ... seconds, while the others go on. */
	x->due = mono_now() + (double)(1u << (x->attempts - 1));
	log_warn("%s: %s; retrying in %u s", x->contact, x->err,
	         1u << (x->attempts - 1));
	return 0;
}

/* Reads the next page of pending messages after (created, id) into page;
 * their number in *n. */
static int next_page(struct outbox *b, struct item *page, size_t *n,
                     char *last_created, char *last_id)
{
	int step;

	*n = 0;
	dbq_reset(b->page);
	dbq_bind_copy(b->page, 1, last_created, -1);
	dbq_bind_copy(b->page, 2, last_id, -1);
	dbq_bind_int(b->page, 3, LIM_SEND_PAGE);
	while (*n < LIM_SEND_PAGE && (step = dbq_step(b->page)) == DB_ROW) {
		struct item *x = &page[*n];
		const void *blob;
		memset(x, 0, sizeof *x);
		snprintf(x->id, sizeof x->id, "%s", send_col(b->page, 0));
		snprintf(x->contact, sizeof x->contact, "%s",
		         send_col(b->page, 1));
		snprintf(x->domain, sizeof x->domain, "%s",
		         send_col(b->page, 2));
		snprintf(x->created, sizeof x->created, "%s",
		         send_col(b->page, 4));
		blob = dbq_blob(b->page, 3, &x->len);
		x->msg = malloc(x->len ? x->len : 1);
		if (!x->msg) {
			dbq_reset(b->page);
			return EXH_ENOMEM;
		}
		if (x->len)
			memcpy(x->msg, blob, x->len);
		(*n)++;
	}
	dbq_reset(b->page);
	if (*n) {
		snprintf(last_created, 40, "%s", page[*n - 1].created);
		snprintf(last_id, 200, "%s", page[*n - 1].id);
	}
	return 0;
}

int outbox_deliver(struct db *db, const struct send_opts *o,
                   struct send_stats *st, volatile sig_atomic_t *stop)
{
	struct outbox b = {.db = db, .o = o, .st = st};
	/* A page of new messages and the messages waiting for a retry: at
	 * most two pages in memory whatever the outbox holds. */
	struct item *page = calloc(LIM_SEND_PAGE, sizeof *page);
	struct item *wait = calloc(LIM_SEND_PAGE, sizeof *wait);
	char last_created[40] = "", last_id[200] = "";
	size_t np = 0, next = 0, nwait = 0, i;
	bool more = true;
	int rc = 0;

	b.t = transport_new(o);
	if (!page || !wait || !b.t) {
		rc = EXH_ENOMEM;
		goto out;
	}
	/* Pending messages in order (keyset: after the last one read). */
	if (db_prepare(db,
	               "SELECT message_id, contact, domain, message, "
	               "created FROM outbox WHERE status='pending' AND "
	               "(created, message_id) > (?1, ?2) ORDER BY "
	               "created, message_id LIMIT ?3",
	               &b.page) != 0 ||
	    db_prepare(db,
	               "UPDATE outbox SET status='sent', sent=?2, "
	               "attempts=attempts+1, last_error=NULL WHERE "
	               "message_id=?1",
	               &b.ok) != 0 ||
	    db_prepare(db,
	               "UPDATE outbox SET attempts=attempts+1, "
	               "last_error=?2 WHERE message_id=?1",
	               &b.bad) != 0 ||
	    db_prepare(db,
	               "INSERT INTO notices(contact,finding,server_id,round,"
	               "message_id,sent) SELECT o.contact, f.finding, "
	               "f.server_id, o.round, o.message_id, ?2 FROM outbox o "
	               "JOIN outbox_findings f ON f.message_id=o.message_id "
	               "WHERE o.message_id=?1 ON CONFLICT DO NOTHING",
	               &b.note) != 0 ||
	    db_prepare(db,
	               "SELECT count(*) FROM outbox WHERE "
	               "status='pending'",
	               &b.count) != 0 ||
	    (db_is_pg(db) &&
	     db_prepare(db,
	                "SELECT 1 FROM outbox WHERE message_id=?1 AND "
	                "status='pending' FOR UPDATE SKIP LOCKED",
	                &b.claim))) {
		rc = send_db_fail(db, o->db_path);
		goto out;
	}
	if (dbq_step(b.count) == DB_ROW)
		b.total = (size_t)dbq_int(b.count, 0);
	while (!rc) {
		double now = mono_now(), soonest = 0;
		bool did = false;
		if (*stop) {
			rc = EXH_EAGAIN;
			break;
		}
		/* Retries that are due, first. */
		for (i = 0; !rc && i < nwait; i++) {
			if (wait[i].due > now) {
				if (!soonest || wait[i].due < soonest)
					soonest = wait[i].due;
				continue;
			}
			rc = attempt(&b, &wait[i]);
			if (rc == 1) {
				free(wait[i].msg);
				wait[i--] = wait[--nwait];
				rc = 0;
			}
			did = true;
			break;
		}
		if (rc < 0 || did)
			continue;
		/* Then the next new message, while the retry list has room. */
		if (next == np && more && nwait < LIM_SEND_PAGE) {
			for (i = 0; i < np; i++)
				free(page[i].msg);
			np = next = 0;
			rc = next_page(&b, page, &np, last_created, last_id);
			more = np == LIM_SEND_PAGE;
			if (rc)
				break;
		}
		if (next < np) {
			struct item *x = &page[next++];
			rc = attempt(&b, x);
			if (rc == 0) {
				/* Moves to the retry list; page keeps no copy.
				 */
				wait[nwait++] = *x;
				x->msg = NULL;
			} else if (rc == 1) {
				rc = 0;
			}
			continue;
		}
		if (!nwait)
			break;
		/* Only retries are left, none due yet. */
		{
			double s = soonest - mono_now();
			if (s > 0) {
				struct timespec ts = {
				    (time_t)s,
				    (long)((s - (double)(time_t)s) * 1e9)};
				nanosleep(&ts, NULL);
			}
		}
	}
	if (o->progress && b.done)
		fputc('\n', stderr);
out:
	for (i = 0; page && i < np; i++)
		free(page[i].msg);
	for (i = 0; wait && i < nwait; i++)
		free(wait[i].msg);
	free(page);
	free(wait);
	transport_free(b.t);
	dbq_free(b.page);
	dbq_free(b.ok);
	dbq_free(b.bad);
	dbq_free(b.note);
	dbq_free(b.count);
	dbq_free(b.claim);
	return rc;
}
