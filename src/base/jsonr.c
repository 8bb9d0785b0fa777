#include "base/jsonr.h"
#include <errno.h>
#include <stdlib.h>
#include "base/err.h"
#include <string.h>
#include "base/banned.h"

struct p {
	struct jdoc *d;
	const char *s, *e;
	const char *why;
};

static void ws(struct p *p)
{
	while (p->s < p->e && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' ||
	                       *p->s == '\r'))
		p->s++;
}

static int node(struct p *p, enum jtype t, int parent, int key)
{
	struct jnode *n;

	if (p->d->count == LIM_JSON_NODES) {
		p->why = "too many values";
		return -1;
	}
	n = &p->d->n[p->d->count];
	memset(n, 0, sizeof *n);
	n->type = t;
	n->parent = parent;
	n->key = key;
	n->next = n->first = -1;
	return p->d->count++;
}

static int value(struct p *p, int parent, int key, int depth);

/* Bytes a string's scan stops at: the closing quote, an escape, a
 * control character (refused). */
#define STOP4(c) [c] = true, [c + 1] = true, [c + 2] = true, [c + 3] = true
static const bool stops[256] = {
    STOP4(0),  STOP4(4),  STOP4(8),  STOP4(12),    STOP4(16),
    STOP4(20), STOP4(24), STOP4(28), ['"'] = true, ['\\'] = true,
};
#undef STOP4

static int string(struct p *p, int parent, int key)
{
	const char *start;
	bool esc = false;
	int id;

	if (p->s >= p->e || *p->s != '"')
		return -1;
	start = ++p->s;
	for (;;) {
		while (p->s < p->e && !stops[(unsigned char)*p->s])
			p->s++;
		if (p->s >= p->e || *p->s == '"')
			break;
		if ((unsigned char)*p->s < 0x20) {
			p->why = "control character in a string";
			return -1;
		}
		/* a backslash */
		if (p->e - p->s < 2) {
			p->why = "unfinished escape";
			return -1;
		}
		esc = true;
		p->s += 2;
	}
	if (p->s >= p->e) {
		p->why = "unterminated string";
		return -1;
	}
	id = node(p, J_STR, parent, key);
	if (id < 0)
		return -1;
	p->d->n[id].raw = (struct view){start, (size_t)(p->s - start)};
	p->d->n[id].esc = esc;
	p->s++;
	return id;
}

static void link_child(struct p *p, int parent, int *last, int child)
{
	if (*last < 0)
		p->d->n[parent].first = child;
	else
		p->d->n[*last].next = child;
	*last = child;
}

static int value(struct p *p, int parent, int key, int depth)
{
	int id, last = -1;
	const char *start;

	ws(p);
	if (p->s >= p->e) {
		p->why = "unexpected end";
		return -1;
	}
	if (depth > LIM_JSON_DEPTH) {
		p->why = "nested too deep";
		return -1;
	}
	switch (*p->s) {
	case '"': return string(p, parent, key);
	case '{':
	case '[': {
		bool obj = *p->s == '{';
		id = node(p, obj ? J_OBJ : J_ARR, parent, key);
		if (id < 0)
			return -1;
		start = p->s++;
		ws(p);
		if (p->s < p->e && *p->s == (obj ? '}' : ']')) {
			p->s++;
			p->d->n[id].raw =
			    (struct view){start, (size_t)(p->s - start)};
			return id;
		}
		for (;;) {
			int k = -1, v;
			ws(p);
			if (obj) {
				k = string(p, id, -1);
				if (k < 0) {
					if (!p->why)
						p->why = "expected a key";
					return -1;
				}
				ws(p);
				if (p->s >= p->e || *p->s != ':') {
					p->why = "expected ':'";
					return -1;
				}
				p->s++;
			}
			v = value(p, id, k, depth + 1);
			if (v < 0)
				return -1;
			link_child(p, id, &last, v);
			ws(p);
			if (p->s < p->e && *p->s == ',') {
				p->s++;
				continue;
			}
			if (p->s < p->e && *p->s == (obj ? '}' : ']')) {
				p->s++;
				break;
			}
			p->why =
			    obj ? "expected ',' or '}'" : "expected ',' or ']'";
			return -1;
		}
		p->d->n[id].raw = (struct view){start, (size_t)(p->s - start)};
		return id;
	}
	case 't':
	case 'f':
	case 'n': {
		static const char *const w[] = {"true", "false", "null"};
		int i;
		for (i = 0; i < 3; i++) {
			size_t n = strlen(w[i]);
			if ((size_t)(p->e - p->s) >= n &&
			    memcmp(p->s, w[i], n) == 0) {
				id = node(p, i == 2 ? J_NULL : J_BOOL, parent,
				          key);
				if (id < 0)
					return -1;
				p->d->n[id].truth = i == 0;
				p->d->n[id].raw = (struct view){p->s, n};
				p->s += n;
				return id;
			}
		}
		p->why = "unknown word";
		return -1;
	}
	default:
		/* RFC 8259's number, strictly:
		 * -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? (no NUL, no stray sign,
		 * nothing a converter would read differently). */
		start = p->s;
		if (p->s < p->e && *p->s == '-')
			p->s++;
		if (p->s < p->e && *p->s == '0') {
			p->s++;
		} else if (p->s < p->e && *p->s >= '1' && *p->s <= '9') {
			while (p->s < p->e && *p->s >= '0' && *p->s <= '9')
				p->s++;
		} else {
			p->why = start == p->s ? "unexpected character"
			                       : "a number without digits";
			return -1;
		}
		if (p->s < p->e && *p->s == '.') {
			const char *d0 = ++p->s;
			while (p->s < p->e && *p->s >= '0' && *p->s <= '9')
				p->s++;
			if (p->s == d0) {
				p->why = "a number without digits after '.'";
				return -1;
			}
		}
		if (p->s < p->e && (*p->s == 'e' || *p->s == 'E')) {
			const char *d0;
			p->s++;
			if (p->s < p->e && (*p->s == '+' || *p->s == '-'))
				p->s++;
			d0 = p->s;
			while (p->s < p->e && *p->s >= '0' && *p->s <= '9')
				p->s++;
			if (p->s == d0) {
				p->why = "a number without an exponent";
				return -1;
			}
		}
		id = node(p, J_NUM, parent, key);
		if (id >= 0)
			p->d->n[id].raw =
			    (struct view){start, (size_t)(p->s - start)};
		return id;
	}
}

int jsonr_parse(struct jdoc *d, struct view text, const char **why)
{
	struct p p = {d, text.p, text.p + text.len, NULL};

	if (!d->n)
		d->n = d->own;
	d->count = 0;
	if (value(&p, -1, -1, 0) < 0) {
		*why = p.why ? p.why : "malformed";
		return EXH_EINVAL;
	}
	ws(&p);
	if (p.s != p.e) {
		*why = "text after the value";
		return EXH_EINVAL;
	}
	return 0;
}

int jsonr_get(const struct jdoc *d, int obj, const char *key)
{
	int c;
	size_t n = strlen(key);

	if (obj < 0 || d->n[obj].type != J_OBJ)
		return -1;
	for (c = d->n[obj].first; c >= 0; c = d->n[c].next) {
		const struct jnode *k = &d->n[d->n[c].key];
		if (k->raw.len == n && memcmp(k->raw.p, key, n) == 0)
			return c;
	}
	return -1;
}

bool jsonr_str(const struct jdoc *d, int node, char *dst, size_t cap)
{
	const struct jnode *n;
	size_t i, o = 0;

	if (node < 0 || cap == 0 || d->n[node].type != J_STR)
		return false;
	n = &d->n[node];
	if (!n->esc) {
		if (n->raw.len >= cap)
			return false;
		memcpy(dst, n->raw.p, n->raw.len);
		dst[n->raw.len] = '\0';
		return true;
	}
	for (i = 0; i < n->raw.len; i++) {
		char c = n->raw.p[i];
		if (o + 1 >= cap)
			return false;
		if (c == '\\' && i + 1 < n->raw.len) {
			char e = n->raw.p[++i];
			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned v = 0, k;
				for (k = 0; k < 4 && i + 1 < n->raw.len; k++) {
					char h = n->raw.p[++i];
					v = v * 16 +
					    (unsigned)(h >= '0' && h <= '9'
					                   ? h - '0'
					               : (h | 32) >= 'a' &&
					                       (h | 32) <= 'f'
					                   ? (h | 32) - 'a' + 10
					                   : 0);
				}
				c = v >= 0x20 && v < 0x7f ? (char)v : '?';
				break;
			}
			default: c = e;
			}
		}
		dst[o++] = c;
	}
	dst[o] = '\0';
	return true;
}

bool jsonr_int(const struct jdoc *d, int node, long long *out)
{
	char tmp[32], *end;
	long long v;
	const struct view *r;

	if (node < 0 || d->n[node].type != J_NUM)
		return false;
	r = &d->n[node].raw;
	if (r->len == 0 || r->len >= sizeof tmp)
		return false;
	/* Converted from a terminated copy, never from the document. */
	memcpy(tmp, r->p, r->len);
	tmp[r->len] = '\0';
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}
