/* exhunt notify: enrichment, routing each finding to the owner of its
 * network, messages, sending through SMTP with an outbox in the store so
 * that a finding reaches a contact once, and the follow-up (docs/notify.md). */
#ifndef EXH_NOTIFY_NOTIFY_H
#define EXH_NOTIFY_NOTIFY_H
#include "notify/geo.h"
#include "notify/netdata.h"
#include <stdbool.h>
#include <stdint.h>

struct enrich_stats {
	uint64_t addresses, with_asn, with_country;
};

/* Fills table addresses for every Exchange address in the database. */
int notify_enrich(const char *db_path, struct geo *g, struct enrich_stats *st);

#include "notify/message.h"
struct kb;

struct send_opts {
	const char *db_path;
	const struct contacts *contacts;
	const struct suppress *suppress; /* NULL: none */
	struct notice_opts msg;
	const char *smtp_url; /* smtp://host:port or smtps://; NULL: maildir */
	const char *maildir;  /* --dry-run: messages are written here */
	const char *user;     /* SMTP AUTH, with password */
	const char *password;
	bool starttls;       /* require STARTTLS (smtp://) */
	const char *ca_file; /* trust for the SMTP server's certificate */
	double
	    per_domain_per_min; /* messages per minute per recipient domain */
	int retries;            /* attempts per message per run */
	const char *cves;       /* comma-separated: notify only these CVEs
	                           (web shells always); NULL: every open CVE */
	bool progress;
	bool plan_only; /* fill the outbox, deliver nothing (notify plan) */
};

struct send_stats {
	uint64_t findings_servers; /* servers with a finding this round */
	uint64_t unrouted, suppressed, already;
	uint64_t planned; /* messages added to the outbox now */
	uint64_t sent, pending, failed;
	uint64_t others; /* PostgreSQL: messages another sender had */
};

/* Plans this round's notices into the outbox (one transaction), then
 * delivers every pending message, the ones a crashed run left too. A
 * delivered message and its findings are committed as notified at once,
 * so a rerun sends nothing twice. */
int notify_send(const struct send_opts *o, const struct kb *kb,
                struct send_stats *st);
#endif
