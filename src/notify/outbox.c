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
#include <sqlite3.h>
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
	sqlite3 *db;
	const struct send_opts *o;
	struct send_stats *st;
	struct transport *t;
	sqlite3_stmt *page, *ok, *bad, *note, *count;
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
	sqlite3_stmt *up = delivered ? b->ok : b->bad;

	time_iso((int64_t)time(NULL), now);
	if (sqlite3_exec(b->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return send_db_fail(b->db, b->o->db_path);
	sqlite3_reset(up);
	sqlite3_bind_text(up, 1, x->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(up, 2, delivered ? now : x->err, -1,
	                  SQLITE_TRANSIENT);
	if (sqlite3_step(up) != SQLITE_DONE)
		rc = send_db_fail(b->db, b->o->db_path);
	if (!rc && delivered) {
		sqlite3_reset(b->note);
		sqlite3_bind_text(b->note, 1, x->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(b->note, 2, now, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(b->note) != SQLITE_DONE)
			rc = send_db_fail(b->db, b->o->db_path);
	}
	if (rc ||
	    sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
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
	int r = transport_try(b->t, x->id, x->contact, x->domain, x->msg,
	                      x->len, x->err, sizeof x->err);
	int rc;

	x->attempts++;
	if (r == 0 || x->attempts >= b->o->retries) {
		rc = record(b, x, r == 0);
		return rc ? rc : 1;
	}
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
	sqlite3_reset(b->page);
	sqlite3_bind_text(b->page, 1, last_created, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(b->page, 2, last_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(b->page, 3, LIM_SEND_PAGE);
	while (*n < LIM_SEND_PAGE &&
	       (step = sqlite3_step(b->page)) == SQLITE_ROW) {
		struct item *x = &page[*n];
		memset(x, 0, sizeof *x);
		snprintf(x->id, sizeof x->id, "%s", send_col(b->page, 0));
		snprintf(x->contact, sizeof x->contact, "%s",
		         send_col(b->page, 1));
		snprintf(x->domain, sizeof x->domain, "%s",
		         send_col(b->page, 2));
		snprintf(x->created, sizeof x->created, "%s",
		         send_col(b->page, 4));
		x->len = (size_t)sqlite3_column_bytes(b->page, 3);
		x->msg = malloc(x->len ? x->len : 1);
		if (!x->msg) {
			sqlite3_reset(b->page);
			return EXH_ENOMEM;
		}
		if (x->len)
			memcpy(x->msg, sqlite3_column_blob(b->page, 3), x->len);
		(*n)++;
	}
	sqlite3_reset(b->page);
	if (*n) {
		snprintf(last_created, 40, "%s", page[*n - 1].created);
		snprintf(last_id, 200, "%s", page[*n - 1].id);
	}
	return 0;
}

int outbox_deliver(sqlite3 *db, const struct send_opts *o,
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
	if (sqlite3_prepare_v2(db,
	                       "SELECT message_id, contact, domain, message, "
	                       "created FROM outbox WHERE status='pending' AND "
	                       "(created, message_id) > (?1, ?2) ORDER BY "
	                       "created, message_id LIMIT ?3",
	                       -1, &b.page, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "UPDATE outbox SET status='sent', sent=?2, "
	                       "attempts=attempts+1, last_error=NULL WHERE "
	                       "message_id=?1",
	                       -1, &b.ok, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "UPDATE outbox SET attempts=attempts+1, "
	                       "last_error=?2 WHERE message_id=?1",
	                       -1, &b.bad, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
	        db,
	        "INSERT OR IGNORE INTO notices(contact,finding,server_id,"
	        "round,message_id,sent) SELECT o.contact, f.finding, "
	        "f.server_id, o.round, o.message_id, ?2 FROM outbox o JOIN "
	        "outbox_findings f ON f.message_id=o.message_id WHERE "
	        "o.message_id=?1",
	        -1, &b.note, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "SELECT count(*) FROM outbox WHERE "
	                       "status='pending'",
	                       -1, &b.count, NULL) != SQLITE_OK) {
		rc = send_db_fail(db, o->db_path);
		goto out;
	}
	if (sqlite3_step(b.count) == SQLITE_ROW)
		b.total = (size_t)sqlite3_column_int64(b.count, 0);
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
	sqlite3_finalize(b.page);
	sqlite3_finalize(b.ok);
	sqlite3_finalize(b.bad);
	sqlite3_finalize(b.note);
	sqlite3_finalize(b.count);
	return rc;
}
