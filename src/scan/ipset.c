#include "scan/ipset.h"
#include "base/array.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/log.h"
#include <stdlib.h>
#include "base/banned.h"

static const struct {
	const char *cidr, *name;
} special[] = {
    {"0.0.0.0/8", "this network"},
    {"10.0.0.0/8", "private"},
    {"100.64.0.0/10", "shared address space"},
    {"127.0.0.0/8", "loopback"},
    {"169.254.0.0/16", "link local"},
    {"172.16.0.0/12", "private"},
    {"192.0.0.0/24", "IETF protocol assignments"},
    {"192.0.2.0/24", "documentation (TEST-NET-1)"},
    {"192.31.196.0/24", "AS112-v4"},
    {"192.52.193.0/24", "AMT"},
    {"192.88.99.0/24", "deprecated 6to4 relay anycast"},
    {"192.168.0.0/16", "private"},
    {"192.175.48.0/24", "direct delegation AS112"},
    {"198.18.0.0/15", "benchmarking"},
    {"198.51.100.0/24", "documentation (TEST-NET-2)"},
    {"203.0.113.0/24", "documentation (TEST-NET-3)"},
    {"224.0.0.0/4", "multicast"},
    {"240.0.0.0/4", "reserved"},
    {"255.255.255.255/32", "limited broadcast"},
};

void ipset_init(struct ipset *s)
{
	s->iv = NULL;
	s->n = s->cap = 0;
	s->sorted = true;
}

void ipset_release(struct ipset *s)
{
	free(s->iv);
	ipset_init(s);
}

int ipset_add(struct ipset *s, struct cidr4 c)
{
	if (s->n >= LIM_TARGET_ENTRIES)
		return EXH_ELIMIT;
	if (array_reserve(&s->iv, &s->cap, s->n + 1, sizeof *s->iv, 32))
		return EXH_ENOMEM;
	s->iv[s->n].lo = c.base;
	s->iv[s->n].hi = (uint64_t)c.base + cidr4_size(c);
	s->n++;
	s->sorted = false;
	return 0;
}

static int cmp_iv(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

void ipset_finish(struct ipset *s)
{
	size_t i, w = 0;

	if (s->sorted || s->n == 0)
		return;
	qsort(s->iv, s->n, sizeof *s->iv, cmp_iv);
	for (i = 0; i < s->n; i++) {
		if (w && s->iv[i].lo <= s->iv[w - 1].hi) {
			if (s->iv[i].hi > s->iv[w - 1].hi)
				s->iv[w - 1].hi = s->iv[i].hi;
		} else {
			s->iv[w++] = s->iv[i];
		}
	}
	s->n = w;
	s->sorted = true;
}

bool ipset_contains(const struct ipset *s, uint32_t ip)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->iv[mid].hi <= ip)
			lo = mid + 1;
		else if (s->iv[mid].lo > ip)
			hi = mid;
		else
			return true;
	}
	return false;
}

uint64_t ipset_size(const struct ipset *s)
{
	uint64_t t = 0;
	size_t i;

	for (i = 0; i < s->n; i++)
		t += s->iv[i].hi - s->iv[i].lo;
	return t;
}

int ipset_add_special(struct ipset *s)
{
	size_t i;

	for (i = 0; i < sizeof special / sizeof special[0]; i++) {
		struct cidr4 c;
		const char *why;
		int rc = cidr4_parse(view_of(special[i].cidr), &c, &why);
		if (!rc)
			rc = ipset_add(s, c);
		if (rc)
			return rc;
	}
	return 0;
}

const char *ipset_special_name(uint32_t ip)
{
	size_t i;

	for (i = 0; i < sizeof special / sizeof special[0]; i++) {
		struct cidr4 c;
		const char *why;
		if (cidr4_parse(view_of(special[i].cidr), &c, &why) == 0 &&
		    cidr4_contains(c, ip))
			return special[i].name;
	}
	return NULL;
}

int ipset_parse(struct ipset *s, const char *text, size_t len, const char *name)
{
	struct view all = {text, len}, line;
	int lineno = 0;

	while (all.len) {
		struct view tok;
		struct cidr4 c;
		const char *why = NULL;
		int rc;

		view_split(&all, '\n', &line);
		lineno++;
		view_split(&line, '#', &tok);
		tok = view_trim(tok);
		if (tok.len == 0)
			continue;
		rc = cidr4_parse(tok, &c, &why);
		if (rc) {
			log_error("%s:%d: '%.*s': %s", name, lineno,
			          (int)(tok.len > 64 ? 64 : tok.len), tok.p,
			          why);
			return rc;
		}
		rc = ipset_add(s, c);
		if (rc)
			return rc;
	}
	return 0;
}

int ipset_load_file(struct ipset *s, const char *path)
{
	struct buf b;
	const char *why = "";
	int rc = file_read(path, 256u << 20, &b, &why);

	if (rc) {
		log_error("%s: %s", path, why);
		return rc;
	}
	rc = ipset_parse(s, b.p, b.len, path);
	buf_release(&b);
	return rc;
}
