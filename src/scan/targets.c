#include "scan/targets.h"
#include "base/array.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/log.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/banned.h"

void targets_init(struct targets *t)
{
	memset(t, 0, sizeof *t);
}

void targets_release(struct targets *t)
{
	size_t i;

	for (i = 0; i < t->nnames; i++)
		free(t->names[i].hostname);
	free(t->names);
	free(t->iv);
	targets_init(t);
}

bool hostname_valid(struct view v)
{
	size_t i, label = 0;
	bool alpha = false;

	if (v.len == 0 || v.len > LIM_HOSTNAME)
		return false;
	if (v.p[v.len - 1] == '.')
		v.len--;
	for (i = 0; i < v.len; i++) {
		char c = v.p[i];
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			alpha = true;
		if (++label > 63)
			return false;
	}
	/* All digits and dots would be a malformed address, not a name. */
	return label > 0 && alpha;
}

static int add_range(struct targets *t, struct cidr4 c)
{
	if (t->niv >= LIM_TARGET_ENTRIES)
		return EXH_ELIMIT;
	if (array_reserve(&t->iv, &t->capiv, t->niv + 1, sizeof *t->iv, 16))
		return EXH_ENOMEM;
	t->iv[t->niv].lo = c.base;
	t->iv[t->niv].hi = (uint64_t)c.base + cidr4_size(c);
	t->niv++;
	return 0;
}

static int add_name(struct targets *t, uint32_t ip, struct view host)
{
	if (t->nnames >= LIM_TARGET_ENTRIES)
		return EXH_ELIMIT;
	if (array_reserve(&t->names, &t->capnames, t->nnames + 1,
	                  sizeof *t->names, 16))
		return EXH_ENOMEM;
	t->names[t->nnames].ip = ip;
	t->names[t->nnames].hostname = strndup(host.p, host.len);
	if (!t->names[t->nnames].hostname)
		return EXH_ENOMEM;
	t->nnames++;
	return 0;
}

/* Splits v into whitespace-separated words; returns how many (<= max). */
static int words(struct view v, struct view *w, int max)
{
	int n = 0;
	size_t i = 0;

	while (i < v.len && n < max) {
		size_t s;
		while (i < v.len && (v.p[i] == ' ' || v.p[i] == '\t'))
			i++;
		if (i == v.len)
			break;
		s = i;
		while (i < v.len && v.p[i] != ' ' && v.p[i] != '\t')
			i++;
		w[n].p = v.p + s;
		w[n].len = i - s;
		n++;
	}
	return n;
}

int targets_add(struct targets *t, struct view spec, const char **why)
{
	struct view w[8], first, rest;
	struct cidr4 c;
	uint32_t ip;
	int nw;

	spec = view_trim(spec);
	if (spec.len == 0 || spec.p[0] == '#')
		return 0;
	if (spec.len > LIM_LINE_BYTES) {
		*why = "line is too long";
		return EXH_EINVAL;
	}
	nw = words(spec, w, 8);
	/* masscan -oL: "open tcp 443 1.2.3.4 1611111111" */
	if (nw >= 4 && view_eq(w[0], VIEW_LIT("open")) && ip4_parse(w[3], &ip))
		return add_range(t, (struct cidr4){ip, 32});
	/* masscan console: "Discovered open port 443/tcp on 1.2.3.4" */
	if (nw == 6 && view_eq(w[0], VIEW_LIT("Discovered")) &&
	    ip4_parse(w[5], &ip))
		return add_range(t, (struct cidr4){ip, 32});
	if (nw != 1) {
		*why = "expected one address, prefix or host name per line";
		return EXH_EINVAL;
	}
	rest = spec;
	if (view_split(&rest, ',', &first)) {
		first = view_trim(first);
		rest = view_trim(rest);
		if (!ip4_parse(first, &ip)) {
			*why = "before the comma must be an IPv4 address";
			return EXH_EINVAL;
		}
		/* zmap's CSV may carry more columns; a host name is only
		 * taken from a second column that is one. */
		if (rest.len == 0 || !hostname_valid(rest)) {
			struct view second = rest, tail;
			view_split(&second, ',', &tail);
			if (tail.len && hostname_valid(view_trim(tail)))
				return add_name(t, ip, view_trim(tail));
			return add_range(t, (struct cidr4){ip, 32});
		}
		return add_name(t, ip, rest);
	}
	if (memchr(spec.p, '/', spec.len) ||
	    (spec.len && spec.p[0] >= '0' && spec.p[0] <= '9' &&
	     !hostname_valid(spec))) {
		int rc = cidr4_parse(spec, &c, why);
		if (rc)
			return rc;
		return add_range(t, c);
	}
	if (!hostname_valid(spec)) {
		*why = "not an address, prefix or host name";
		return EXH_EINVAL;
	}
	return add_name(t, 0, spec);
}

int targets_parse(struct targets *t, const char *text, size_t len,
                  const char *name)
{
	struct view all = {text, len}, line;
	int lineno = 0;

	while (all.len) {
		const char *why = "invalid";
		int rc;
		view_split(&all, '\n', &line);
		lineno++;
		rc = targets_add(t, line, &why);
		if (rc == EXH_EINVAL) {
			line = view_trim(line);
			log_error("%s:%d: '%.*s': %s", name, lineno,
			          (int)(line.len > 80 ? 80 : line.len), line.p,
			          why);
		}
		if (rc)
			return rc;
	}
	return 0;
}

int targets_load(struct targets *t, const char *path)
{
	struct buf b;
	const char *why = "";
	int rc;

	if (strcmp(path, "-") == 0) {
		buf_init(&b, 1u << 30);
		for (;;) {
			char *dst = buf_reserve(&b, 65536);
			ssize_t n;
			if (!dst) {
				buf_release(&b);
				log_error("standard input: too many targets");
				return EXH_ELIMIT;
			}
			n = read(0, dst, 65536);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			buf_commit(&b, (size_t)n);
		}
		rc = targets_parse(t, b.p ? b.p : "", b.len, "standard input");
		buf_release(&b);
		return rc;
	}
	rc = file_read(path, 1u << 30, &b, &why);
	if (rc) {
		log_error("%s: %s", path, why);
		return rc;
	}
	rc = targets_parse(t, b.p, b.len, path);
	buf_release(&b);
	return rc;
}

static int cmp_iv(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

void targets_finish(struct targets *t)
{
	size_t i, w = 0;
	uint64_t first = 0;

	if (t->niv)
		qsort(t->iv, t->niv, sizeof *t->iv, cmp_iv);
	for (i = 0; i < t->niv; i++) {
		if (w && t->iv[i].lo <= t->iv[w - 1].hi) {
			if (t->iv[i].hi > t->iv[w - 1].hi)
				t->iv[w - 1].hi = t->iv[i].hi;
		} else {
			t->iv[w++] = t->iv[i];
		}
	}
	t->niv = w;
	for (i = 0; i < t->niv; i++) {
		t->iv[i].first = first;
		first += t->iv[i].hi - t->iv[i].lo;
	}
	t->naddrs = first;
}

void targets_get(const struct targets *t, uint64_t i, struct target *out)
{
	out->index = i;
	if (i >= t->naddrs) {
		const struct target_name *n = &t->names[i - t->naddrs];
		out->ip = n->ip;
		out->hostname = n->hostname;
		return;
	}
	size_t lo = 0, hi = t->niv;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->iv[mid].first <= i)
			lo = mid;
		else
			hi = mid;
	}
	out->ip = (uint32_t)(t->iv[lo].lo + (i - t->iv[lo].first));
	out->hostname = NULL;
}
