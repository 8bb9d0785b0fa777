/* Offline network data for routing notices: RouteViews prefix2as (IP to
 * AS), RIR delegated stats (IP to registry country) and the user's
 * contacts file (prefix, AS or country to an abuse or CERT address).
 * The parsers are bounded and strict: a bad line is an error naming the
 * file, the line and what is wrong (docs/notify.md has the formats). */
#ifndef EXH_NOTIFY_NETDATA_H
#define EXH_NOTIFY_NETDATA_H
#include "base/limits.h"
#include "notify/pmap.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* prefix2as: "a.b.c.d<TAB>len<TAB>AS" per line; multi-origin AS fields
 * ("64500_64501", "64500,64501") give their first AS; IPv6 lines are
 * skipped. Adds to m (value: the AS number); pmap_finish is the
 * caller's. name is for messages. */
int prefix2as_parse(const char *text, size_t len, const char *name,
                    struct pmap *m);

/* Delegated stats: "registry|cc|ipv4|start|count|date|status[|id]";
 * version, summary, comment, IPv6/ASN and unassigned lines are skipped.
 * Adds ranges (value: the country code packed by cc_pack). */
int delegated_parse(const char *text, size_t len, const char *name,
                    struct ranges *r);

static inline uint32_t cc_pack(const char cc[2])
{
	return (uint32_t)(unsigned char)cc[0] << 8 | (unsigned char)cc[1];
}
static inline void cc_unpack(uint32_t v, char out[3])
{
	out[0] = (char)(v >> 8);
	out[1] = (char)(v & 255);
	out[2] = '\0';
}

/* Contacts (CSV): scope,email,organisation,role. scope is a prefix
 * ("192.0.2.0/24"), an AS ("AS64500") or a country ("NL": the national
 * CERT, used when nothing more specific matches). role is "abuse" or
 * "cert" (default: abuse, cert for a country). */
struct contact {
	char scope[48];
	char email[256];
	char org[128];
	char role[8];
};

struct asn_contact {
	uint32_t asn;
	uint32_t index;
};

struct contacts {
	struct contact *c;
	size_t n, cap;
	struct pmap prefixes;     /* value: index into c */
	struct asn_contact *asns; /* sorted by asn */
	size_t nasns, asns_cap;
	struct asn_contact *countries; /* asn field: cc_pack */
	size_t ncountries, countries_cap;
};

void contacts_init(struct contacts *k);
void contacts_release(struct contacts *k);
int contacts_parse(const char *text, size_t len, const char *name,
                   struct contacts *k);
/* The contact for an address: the most specific prefix, else its AS,
 * else its country's CERT; -1 when none. *via says which ("prefix
 * 192.0.2.0/24", "AS64500", "country NL"); at least 64 bytes. */
int contacts_route(const struct contacts *k, uint32_t ip, uint32_t asn,
                   const char *country, char *via, size_t vcap);

/* The opt-out / suppression list: one entry per line, an address
 * ("abuse@example.net"), a whole domain ("@example.net") or addresses
 * ("192.0.2.0/24", "192.0.2.7"); '#' starts a comment. */
struct suppress {
	char (*emails)[256]; /* lower case; "@domain" for a domain */
	size_t n, cap;
	struct pmap nets;
};

void suppress_init(struct suppress *s);
void suppress_release(struct suppress *s);
int suppress_parse(const char *text, size_t len, const char *name,
                   struct suppress *s);
/* Is a notice to email about ip suppressed? */
bool suppress_has(const struct suppress *s, const char *email, uint32_t ip);

/* Is s a plain e-mail address (local@domain, no spaces, quotes, angle
 * brackets, commas or line breaks: it goes into message headers)? */
bool email_plain(const char *s);

#endif
