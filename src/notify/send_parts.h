/* The parts of exhunt notify send, each with one job (send.c runs them):
 * the planner routes the round's findings and renders them into the
 * outbox; the outbox hands pending messages out a page at a time and
 * records each outcome; the transport delivers one message (SMTP through
 * libcurl, or a maildir for --dry-run) at its domain's pace. */
#ifndef EXH_NOTIFY_SEND_PARTS_H
#define EXH_NOTIFY_SEND_PARTS_H
#include "notify/notify.h"
#include "scan/knowledge.h"
#include "store/store.h"
#include <signal.h>
#include "store/db.h"
#include <stddef.h>

/* The round: the newest scan and the CVE columns of the store. */
struct round {
	char id[128], started[32];
	long long no;
	char cves[STORE_MAX_CVES][24];
	int ncves;
};

/* Logs the database's error naming path; EXH_EIO. */
int send_db_fail(struct db *db, const char *path);
/* Column i as text, "" for NULL. */
const char *send_col(struct dbq *st, int i);
int send_load_round(struct db *db, const char *path, struct round *r);

/* Planner (planner.c): statements prepared by send.c. */
struct planner {
	struct db *db;
	const char *path;
	struct dbq *seen, *route, *outbox, *finding;
};
int planner_plan(struct planner *p, const struct send_opts *o,
                 const struct kb *kb, const struct round *r,
                 struct send_stats *st);

/* Transport (transport.c). */
struct transport;
struct transport *transport_new(const struct send_opts *o);
void transport_free(struct transport *t);
/* One attempt to deliver msg to contact (at its domain's pace); 0 when
 * the server took it, else an error text in err. */
int transport_try(struct transport *t, const char *id, const char *contact,
                  const char *domain, const void *msg, size_t len, char *err,
                  size_t errcap);

/* Outbox (outbox.c): delivers every pending message, retrying failures
 * with backoff while the others go on; stops early (EXH_EAGAIN) when
 * *stop is set. */
int outbox_deliver(struct db *db, const struct send_opts *o,
                   struct send_stats *st, volatile sig_atomic_t *stop);

#endif
