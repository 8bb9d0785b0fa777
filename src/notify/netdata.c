#include "notify/netdata.h"
#include "base/array.h"
#include "base/csv.h"
#include "base/err.h"
#include "base/ip4.h"
#include "base/log.h"
#include "base/view.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/banned.h"

/* Calls fn on each line (without its end) of text; stops at the first
 * error. Lines longer than LIM_NETDATA_LINE are an error. */
static int each_line(const char *text, size_t len, const char *name,
                     int (*fn)(void *, struct view, const char *, long),
                     void *ctx)
{
	size_t at = 0;
	long lineno = 0;

	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		struct view line = {text + at, end - at};
		int rc;
		lineno++;
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		if (line.len > LIM_NETDATA_LINE) {
			log_error("%s:%ld: line longer than %d bytes", name,
			          lineno, LIM_NETDATA_LINE);
			return EXH_EINVAL;
		}
		rc = fn(ctx, line, name, lineno);
		if (rc)
			return rc;
		at = end + 1;
	}
	return 0;
}

/* The first AS number of an origin field: "64500", "64500_64501",
 * "64500,64501", "{64500,64501}". */
static bool first_asn(struct view v, uint32_t *asn)
{
	size_t i = 0;
	uint64_t n = 0;

	if (v.len && v.p[0] == '{')
		i = 1;
	if (i >= v.len || !isdigit((unsigned char)v.p[i]))
		return false;
	for (; i < v.len && isdigit((unsigned char)v.p[i]); i++) {
		n = n * 10 + (uint64_t)(v.p[i] - '0');
		if (n > UINT32_MAX)
			return false;
	}
	if (i < v.len && v.p[i] != '_' && v.p[i] != ',' && v.p[i] != '}')
		return false;
	*asn = (uint32_t)n;
	return true;
}

static int pfx2as_line(void *ctx, struct view line, const char *name,
                       long lineno)
{
	struct pmap *m = ctx;
	struct view f[4];
	uint32_t ip, asn;
	uint64_t len;
	int n;

	line = view_trim(line);
	if (line.len == 0 || line.p[0] == '#')
		return 0;
	if (memchr(line.p, ':', line.len))
		return 0; /* IPv6 */
	n = csv_split(line, '\t', f, 4);
	if (n != 3) {
		log_error("%s:%ld: expected prefix<TAB>length<TAB>AS", name,
		          lineno);
		return EXH_EINVAL;
	}
	if (!ip4_parse(view_trim(f[0]), &ip)) {
		log_error("%s:%ld: '%.*s' is not an IPv4 address", name, lineno,
		          (int)f[0].len, f[0].p);
		return EXH_EINVAL;
	}
	if (!view_to_u64(view_trim(f[1]), 32, &len)) {
		log_error("%s:%ld: prefix length '%.*s' is not 0-32", name,
		          lineno, (int)f[1].len, f[1].p);
		return EXH_EINVAL;
	}
	if (!first_asn(view_trim(f[2]), &asn)) {
		log_error("%s:%ld: '%.*s' is not an AS number", name, lineno,
		          (int)f[2].len, f[2].p);
		return EXH_EINVAL;
	}
	return pmap_add(m, ip, (uint8_t)len, asn);
}

int prefix2as_parse(const char *text, size_t len, const char *name,
                    struct pmap *m)
{
	return each_line(text, len, name, pfx2as_line, m);
}

static int delegated_line(void *ctx, struct view line, const char *name,
                          long lineno)
{
	struct ranges *r = ctx;
	struct view f[10];
	uint32_t ip;
	uint64_t count;
	int n;

	line = view_trim(line);
	if (line.len == 0 || line.p[0] == '#')
		return 0;
	n = csv_split(line, '|', f, 10);
	if (n < 0) {
		log_error("%s:%ld: more than 9 fields", name, lineno);
		return EXH_EINVAL;
	}
	/* version line: "2|registry|serial|records|start|end|offset" */
	if (n >= 1 && f[0].len && isdigit((unsigned char)f[0].p[0]))
		return 0;
	if (n >= 6 && view_eq(f[5], view_of("summary")))
		return 0;
	if (n < 7) {
		log_error("%s:%ld: expected registry|cc|type|start|value|date|"
		          "status",
		          name, lineno);
		return EXH_EINVAL;
	}
	if (!view_eq(f[2], view_of("ipv4")))
		return 0;
	/* available and reserved space has no country */
	if (f[1].len == 0 || view_eq(f[1], view_of("*")) ||
	    view_eq(f[6], view_of("available")) ||
	    view_eq(f[6], view_of("reserved")))
		return 0;
	if (f[1].len != 2 || !isalpha((unsigned char)f[1].p[0]) ||
	    !isalpha((unsigned char)f[1].p[1])) {
		log_error("%s:%ld: '%.*s' is not a country code", name, lineno,
		          (int)f[1].len, f[1].p);
		return EXH_EINVAL;
	}
	if (!ip4_parse(f[3], &ip)) {
		log_error("%s:%ld: '%.*s' is not an IPv4 address", name, lineno,
		          (int)f[3].len, f[3].p);
		return EXH_EINVAL;
	}
	if (!view_to_u64(f[4], (uint64_t)1 << 32, &count) || count == 0 ||
	    (uint64_t)ip + count - 1 > UINT32_MAX) {
		log_error("%s:%ld: address count '%.*s' is not 1 to the end of "
		          "the address space",
		          name, lineno, (int)f[4].len, f[4].p);
		return EXH_EINVAL;
	}
	{
		char cc[2] = {(char)toupper((unsigned char)f[1].p[0]),
		              (char)toupper((unsigned char)f[1].p[1])};
		return ranges_add(r, ip, (uint32_t)(ip + count - 1),
		                  cc_pack(cc));
	}
}

int delegated_parse(const char *text, size_t len, const char *name,
                    struct ranges *r)
{
	return each_line(text, len, name, delegated_line, r);
}

void contacts_init(struct contacts *k)
{
	memset(k, 0, sizeof *k);
	pmap_init(&k->prefixes);
}

void contacts_release(struct contacts *k)
{
	free(k->c);
	free(k->asns);
	free(k->countries);
	pmap_release(&k->prefixes);
	contacts_init(k);
}

bool email_plain(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i;

	if (!at || at == s || !at[1] || strchr(at + 1, '@') ||
	    !strchr(at + 1, '.') || strlen(s) > 254)
		return false;
	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 127 || strchr("\"<>(),;:[]\\", c))
			return false;
	}
	return true;
}

static int push_key(struct asn_contact **arr, size_t *n, size_t *cap,
                    uint32_t key, uint32_t index)
{
	if (array_reserve(arr, cap, *n + 1, sizeof **arr, 64))
		return EXH_ENOMEM;
	(*arr)[(*n)++] = (struct asn_contact){key, index};
	return 0;
}

static int contact_line(void *ctx, struct view line, const char *name,
                        long lineno)
{
	struct contacts *k = ctx;
	struct view f[6];
	struct contact c;
	struct cidr4 pfx;
	const char *why;
	uint64_t asn;
	int n, rc;

	if (view_trim(line).len == 0 || line.p[0] == '#')
		return 0;
	n = csv_split(line, ',', f, 6);
	if (n < 2 || n > 4) {
		log_error("%s:%ld: expected scope,email[,organisation[,role]]",
		          name, lineno);
		return EXH_EINVAL;
	}
	memset(&c, 0, sizeof c);
	if (!view_cstr(view_trim(f[0]), c.scope, sizeof c.scope) ||
	    !view_cstr(view_trim(f[1]), c.email, sizeof c.email) ||
	    (n > 2 && !view_cstr(view_trim(f[2]), c.org, sizeof c.org)) ||
	    (n > 3 && !view_cstr(view_trim(f[3]), c.role, sizeof c.role))) {
		log_error("%s:%ld: a field is too long", name, lineno);
		return EXH_EINVAL;
	}
	if (lineno == 1 && strcmp(c.scope, "scope") == 0)
		return 0; /* the header */
	if (!email_plain(c.email)) {
		log_error("%s:%ld: '%s' is not a plain e-mail address", name,
		          lineno, c.email);
		return EXH_EINVAL;
	}
	if (c.role[0] && strcmp(c.role, "abuse") && strcmp(c.role, "cert")) {
		log_error("%s:%ld: role '%s' is not abuse or cert", name,
		          lineno, c.role);
		return EXH_EINVAL;
	}
	if (array_reserve(&k->c, &k->cap, k->n + 1, sizeof *k->c, 64))
		return EXH_ENOMEM;
	if ((c.scope[0] == 'A' || c.scope[0] == 'a') &&
	    (c.scope[1] == 'S' || c.scope[1] == 's') &&
	    view_to_u64(view_of(c.scope + 2), UINT32_MAX, &asn)) {
		rc = push_key(&k->asns, &k->nasns, &k->asns_cap, (uint32_t)asn,
		              (uint32_t)k->n);
	} else if (strlen(c.scope) == 2 && isalpha((unsigned char)c.scope[0]) &&
	           isalpha((unsigned char)c.scope[1])) {
		c.scope[0] = (char)toupper((unsigned char)c.scope[0]);
		c.scope[1] = (char)toupper((unsigned char)c.scope[1]);
		if (!c.role[0])
			snprintf(c.role, sizeof c.role, "cert");
		rc = push_key(&k->countries, &k->ncountries, &k->countries_cap,
		              cc_pack(c.scope), (uint32_t)k->n);
	} else if (cidr4_parse(view_of(c.scope), &pfx, &why) == 0) {
		rc = pmap_add(&k->prefixes, pfx.base, pfx.len, (uint32_t)k->n);
	} else {
		log_error("%s:%ld: scope '%s' is not a prefix, ASnnn or a "
		          "country code",
		          name, lineno, c.scope);
		return EXH_EINVAL;
	}
	if (!c.role[0])
		snprintf(c.role, sizeof c.role, "abuse");
	if (!rc)
		k->c[k->n++] = c;
	return rc;
}

static int by_key(const void *a, const void *b)
{
	const struct asn_contact *x = a, *y = b;

	if (x->asn != y->asn)
		return x->asn < y->asn ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

int contacts_parse(const char *text, size_t len, const char *name,
                   struct contacts *k)
{
	int rc = each_line(text, len, name, contact_line, k);

	if (rc)
		return rc;
	pmap_finish(&k->prefixes);
	if (k->nasns)
		qsort(k->asns, k->nasns, sizeof *k->asns, by_key);
	if (k->ncountries)
		qsort(k->countries, k->ncountries, sizeof *k->countries,
		      by_key);
	return 0;
}

static const struct asn_contact *find_key(const struct asn_contact *a, size_t n,
                                          uint32_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid].asn < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && a[lo].asn == key ? &a[lo] : NULL;
}

int contacts_route(const struct contacts *k, uint32_t ip, uint32_t asn,
                   const char *country, char *via, size_t vcap)
{
	const struct pmap_entry *p = pmap_lookup(&k->prefixes, ip);
	const struct asn_contact *a;

	if (p) {
		snprintf(via, vcap, "prefix %s", k->c[p->value].scope);
		return (int)p->value;
	}
	if (asn && (a = find_key(k->asns, k->nasns, asn))) {
		snprintf(via, vcap, "AS%u", (unsigned)asn);
		return (int)a->index;
	}
	if (country && strlen(country) == 2 &&
	    (a = find_key(k->countries, k->ncountries, cc_pack(country)))) {
		snprintf(via, vcap, "country %s (national CERT)", country);
		return (int)a->index;
	}
	snprintf(via, vcap, "none");
	return -1;
}

void suppress_init(struct suppress *s)
{
	s->emails = NULL;
	s->n = s->cap = 0;
	pmap_init(&s->nets);
}

void suppress_release(struct suppress *s)
{
	free(s->emails);
	pmap_release(&s->nets);
	suppress_init(s);
}

static int suppress_line(void *ctx, struct view line, const char *name,
                         long lineno)
{
	struct suppress *s = ctx;
	struct cidr4 c;
	const char *why;
	char e[256];
	size_t i;

	line = view_trim(line);
	if (line.len == 0 || line.p[0] == '#')
		return 0;
	if (!view_cstr(line, e, sizeof e)) {
		log_error("%s:%ld: entry longer than 255 bytes", name, lineno);
		return EXH_EINVAL;
	}
	if (cidr4_parse(line, &c, &why) == 0)
		return pmap_add(&s->nets, c.base, c.len, 1);
	for (i = 0; e[i]; i++)
		e[i] = (char)tolower((unsigned char)e[i]);
	if (e[0] == '@') {
		char probe[300];
		snprintf(probe, sizeof probe, "x%s", e);
		if (!email_plain(probe)) {
			log_error("%s:%ld: '%s' is not a domain", name, lineno,
			          e);
			return EXH_EINVAL;
		}
	} else if (!email_plain(e)) {
		log_error("%s:%ld: '%s' is not an address, @domain or prefix",
		          name, lineno, e);
		return EXH_EINVAL;
	}
	if (array_reserve(&s->emails, &s->cap, s->n + 1, sizeof *s->emails, 16))
		return EXH_ENOMEM;
	snprintf(s->emails[s->n++], sizeof s->emails[0], "%s", e);
	return 0;
}

int suppress_parse(const char *text, size_t len, const char *name,
                   struct suppress *s)
{
	int rc = each_line(text, len, name, suppress_line, s);

	if (!rc)
		pmap_finish(&s->nets);
	return rc;
}

bool suppress_has(const struct suppress *s, const char *email, uint32_t ip)
{
	const char *at = strchr(email, '@');
	size_t i;

	if (pmap_lookup(&s->nets, ip))
		return true;
	for (i = 0; i < s->n; i++)
		if (strcasecmp(s->emails[i], email) == 0 ||
		    (at && strcasecmp(s->emails[i], at) == 0))
			return true;
	return false;
}
