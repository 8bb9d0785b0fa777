/* One notice: the servers routed to one contact in one round, rendered
 * as a MIME message (text and HTML alternatives from editable templates,
 * a Shadowserver scan_exchange CSV, one XARF v4 JSON report per server). */
#ifndef EXH_NOTIFY_MESSAGE_H
#define EXH_NOTIFY_MESSAGE_H
#include "base/buf.h"
#include "notify/netdata.h"
#include <stddef.h>

struct notice_server {
	long long server_id;
	char ip[16];
	int port;
	char hostname[256];
	char name[64];
	char product[16];
	char build[32];
	char build_name[128];
	char vulnerable[600]; /* CVE ids, space-separated: vulnerable */
	char likely[600];     /* likely-vulnerable */
	char shells[1024];    /* URL paths, space-separated */
	int nshells;
	char first_seen[32];
	char seen[32]; /* this round's observation time */
	char fix[200]; /* what to install */
	char asn[16];
	char country[3];
};

struct notice {
	const struct contact *to;
	char via[96];
	struct notice_server *s;
	size_t n, cap;
};

struct notice_opts {
	const char *from;       /* From: and the envelope sender */
	const char *reporter;   /* who we are */
	const char *help;       /* where to get help */
	const char *round;      /* the round (scan id) */
	const char *round_date; /* its date */
	const char *templates;  /* directory, or NULL: built in */
};

struct notice_templates {
	struct buf subject, text, html;
};

int notice_templates_load(const char *dir, struct notice_templates *t);
void notice_templates_release(struct notice_templates *t);

int notice_add(struct notice *nt, const struct notice_server *s);
void notice_release(struct notice *nt);

/* The whole message (headers and body, CRLF line ends) into out. */
int notice_render(const struct notice *nt, const struct notice_opts *o,
                  const struct notice_templates *t, const char *message_id,
                  struct buf *out);

/* Standard base64 with CRLF every 76 characters. */
int base64_lines(struct buf *out, const void *data, size_t n);

#endif
