/* A small, bounded reader of the XML libevtx renders for one record: not
 * a general XML parser. It walks tags and text in one pass, tracking the
 * path, and keeps the System fields and the named values. Every byte may
 * be crafted (values are attacker-controlled, even names in a forged log),
 * so nothing here trusts a length or nesting it did not count. */
#include "hunt/event.h"
#include "base/err.h"
#include "base/text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/banned.h"

#define MAX_DEPTH 16
#define MAX_NAME 64

enum place { P_OTHER, P_SYSTEM, P_EVENTDATA, P_USERDATA };

struct xr {
	const char *p, *e;
	struct event *ev;
	char path[MAX_DEPTH][MAX_NAME];
	int depth;
	bool in_event, has_id;
	/* the element whose text is being gathered */
	char data_name[MAX_NAME];
	int unnamed;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Appends a UTF-8 code point. */
static size_t put_cp(char *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xe0 | cp >> 12);
		d[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | cp >> 18);
	d[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	d[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	d[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decodes text with XML entities into dst (cap bytes, NUL-terminated).
 * Returns false when it was cut. */
static bool decode(const char *s, size_t n, char *dst, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < n) {
		char tmp[8];
		size_t k = 1;
		if (s[i] == '&') {
			const char *semi =
			    memchr(s + i, ';', n - i < 12 ? n - i : 12);
			size_t len = semi ? (size_t)(semi - (s + i)) + 1 : 0;
			uint32_t cp = 0;
			bool ok = true;
			if (len == 4 && !memcmp(s + i, "&lt;", 4))
				cp = '<';
			else if (len == 4 && !memcmp(s + i, "&gt;", 4))
				cp = '>';
			else if (len == 5 && !memcmp(s + i, "&amp;", 5))
				cp = '&';
			else if (len == 6 && !memcmp(s + i, "&quot;", 6))
				cp = '"';
			else if (len == 6 && !memcmp(s + i, "&apos;", 6))
				cp = '\'';
			else if (len > 3 && s[i + 1] == '#') {
				size_t j = i + 2;
				int base = 10;
				if (s[j] == 'x' || s[j] == 'X') {
					base = 16;
					j++;
				}
				for (; j < i + len - 1 && ok; j++) {
					int d =
					    text_hexval((unsigned char)s[j]);
					if (d < 0 || d >= base)
						ok = false;
					else
						cp = cp * (uint32_t)base +
						     (uint32_t)d;
				}
				if (cp == 0 || cp > 0x10ffff ||
				    (cp >= 0xd800 && cp < 0xe000))
					ok = false;
			} else {
				ok = false;
			}
			if (ok) {
				k = put_cp(tmp, cp);
				i += len;
			} else {
				tmp[0] = '&';
				i++;
			}
		} else {
			tmp[0] = s[i] ? s[i] : ' '; /* no NUL inside a value */
			i++;
		}
		if (o + k >= cap) {
			dst[o] = '\0';
			return false;
		}
		memcpy(dst + o, tmp, k);
		o += k;
	}
	dst[o] = '\0';
	return true;
}

/* The value of attribute name inside a tag's text (between the name and
 * '>'), decoded into dst; false if absent. */
static bool attr(const char *t, size_t n, const char *name, char *dst,
                 size_t cap)
{
	size_t ln = strlen(name), i = 0;

	while (i + ln + 2 < n) {
		if ((i == 0 || is_space(t[i - 1])) &&
		    !strncmp(t + i, name, ln) && t[i + ln] == '=' &&
		    (t[i + ln + 1] == '"' || t[i + ln + 1] == '\'')) {
			char q = t[i + ln + 1];
			const char *v = t + i + ln + 2;
			const char *end = memchr(v, q, n - (i + ln + 2));
			if (!end)
				return false;
			decode(v, (size_t)(end - v), dst, cap);
			return true;
		}
		i++;
	}
	return false;
}

static void set_time(struct event *e, const char *t)
{
	/* 2021-03-03T10:11:12.1234567Z -> 2021-03-03T10:11:12Z */
	size_t i;

	if (strlen(t) < 19 || t[4] != '-' || t[7] != '-' || t[10] != 'T' ||
	    t[13] != ':' || t[16] != ':')
		return;
	for (i = 0; i < 19; i++)
		if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 &&
		    (t[i] < '0' || t[i] > '9'))
			return;
	memcpy(e->time, t, 19);
	memcpy(e->time + 19, "Z", 2);
}

static char *keep(struct event *e, const char *s, size_t n)
{
	char *d;

	if (e->used + n + 1 > sizeof e->store) {
		e->truncated = true;
		if (e->used + 1 >= sizeof e->store)
			return NULL;
		n = sizeof e->store - e->used - 1;
	}
	d = e->store + e->used;
	memcpy(d, s, n);
	d[n] = '\0';
	e->used += n + 1;
	return d;
}

static enum place place(const struct xr *x)
{
	if (x->depth >= 2 && !strcmp(x->path[0], "Event")) {
		if (!strcmp(x->path[1], "System"))
			return P_SYSTEM;
		if (!strcmp(x->path[1], "EventData"))
			return P_EVENTDATA;
		if (!strcmp(x->path[1], "UserData"))
			return P_USERDATA;
	}
	return P_OTHER;
}

static void add_value(struct xr *x, const char *name, const char *text,
                      size_t n)
{
	struct event *e = x->ev;
	char *dec;
	const char *nm;

	if (e->nv >= LIM_EVENT_DATA) {
		e->truncated = true;
		return;
	}
	dec = malloc(n + 1);
	if (!dec) {
		e->truncated = true;
		return;
	}
	if (!decode(text, n, dec, n + 1))
		e->truncated = true;
	nm = keep(e, name, strlen(name));
	if (nm) {
		const char *v = keep(e, dec, strlen(dec));
		if (v) {
			e->v[e->nv].name = nm;
			e->v[e->nv].value = v;
			e->nv++;
		}
	}
	free(dec);
}

/* Text of the current leaf element (between its start and end tags). */
static void leaf_text(struct xr *x, const char *s, size_t n)
{
	struct event *e = x->ev;
	enum place pl = place(x);
	const char *leaf = x->path[x->depth - 1];
	char tmp[256];

	if (pl == P_SYSTEM && x->depth == 3) {
		if (!strcmp(leaf, "EventID")) {
			char *end;
			unsigned long v;
			decode(s, n, tmp, sizeof tmp);
			v = strtoul(tmp, &end, 10);
			if (end != tmp && !*end && v <= 0xffffffffUL) {
				e->event_id = (uint32_t)v;
				x->has_id = true;
			}
		} else if (!strcmp(leaf, "EventRecordID")) {
			decode(s, n, tmp, sizeof tmp);
			e->record_id = strtoull(tmp, NULL, 10);
		} else if (!strcmp(leaf, "Level")) {
			decode(s, n, tmp, sizeof tmp);
			e->level = (int)strtol(tmp, NULL, 10);
		} else if (!strcmp(leaf, "Channel")) {
			decode(s, n, e->channel, sizeof e->channel);
		} else if (!strcmp(leaf, "Computer")) {
			decode(s, n, e->computer, sizeof e->computer);
		}
	} else if (pl == P_EVENTDATA && x->depth == 3 &&
	           !strcmp(leaf, "Data")) {
		add_value(x, x->data_name, s, n);
	} else if (pl == P_USERDATA && x->depth >= 4) {
		add_value(x, leaf, s, n);
	}
}

/* A start tag's attributes that matter. */
static void start_tag(struct xr *x, const char *t, size_t n)
{
	struct event *e = x->ev;
	enum place pl = place(x);
	const char *leaf = x->path[x->depth - 1];
	char tmp[64];

	if (pl == P_SYSTEM && x->depth == 3) {
		if (!strcmp(leaf, "Provider"))
			attr(t, n, "Name", e->provider, sizeof e->provider);
		else if (!strcmp(leaf, "TimeCreated") &&
		         attr(t, n, "SystemTime", tmp, sizeof tmp))
			set_time(e, tmp);
	} else if (pl == P_EVENTDATA && x->depth == 3 &&
	           !strcmp(leaf, "Data")) {
		if (!attr(t, n, "Name", x->data_name, sizeof x->data_name) ||
		    !x->data_name[0])
			snprintf(x->data_name, sizeof x->data_name, "%d",
			         x->unnamed);
		else if (strlen(x->data_name) == sizeof x->data_name - 1)
			e->truncated = true; /* a name that long was cut */
		x->unnamed++;
	}
}

int event_parse_xml(const char *xml, size_t n, struct event *e)
{
	struct xr *x = calloc(1, sizeof *x);
	const char *text = NULL; /* where the current element's text began */
	int rc;

	if (!x)
		return EXH_ENOMEM;
	memset(e, 0, offsetof(struct event, store));
	e->level = -1;
	e->used = 0; /* after the store: not cleared above */
	e->store[0] = '\0';
	x->p = xml;
	x->e = xml + n;
	x->ev = e;
	while (x->p < x->e) {
		const char *lt = memchr(x->p, '<', (size_t)(x->e - x->p));
		const char *gt, *name;
		size_t nl, tl;
		bool close, empty;
		if (!lt)
			break;
		if (lt + 1 < x->e && (lt[1] == '?' || lt[1] == '!')) {
			/* a declaration, comment or CDATA: skipped whole */
			const char *end =
			    lt[1] == '!' && x->e - lt > 9 &&
			            !memcmp(lt, "<![CDATA[", 9)
			        ? memmem(lt, (size_t)(x->e - lt), "]]>", 3)
			        : memchr(lt, '>', (size_t)(x->e - lt));
			if (!end)
				break;
			x->p = end + 1;
			continue;
		}
		gt = memchr(lt, '>', (size_t)(x->e - lt));
		if (!gt)
			break;
		close = lt + 1 < gt && lt[1] == '/';
		empty = gt > lt + 1 && gt[-1] == '/';
		name = lt + 1 + close;
		for (nl = 0; name + nl < gt && !is_space(name[nl]) &&
		             name[nl] != '/' && name[nl] != '>';
		     nl++)
			;
		tl = (size_t)(gt - name);
		if (close) {
			/* the text of a leaf ends here */
			if (text && x->depth > 0 &&
			    strlen(x->path[x->depth - 1]) == nl &&
			    !strncmp(x->path[x->depth - 1], name, nl))
				leaf_text(x, text, (size_t)(lt - text));
			text = NULL;
			/* pop to the matching name (tolerates bad nesting) */
			while (x->depth > 0) {
				bool match =
				    strlen(x->path[x->depth - 1]) == nl &&
				    !strncmp(x->path[x->depth - 1], name, nl);
				x->depth--;
				if (match)
					break;
			}
		} else {
			if (x->depth >= MAX_DEPTH) {
				e->truncated = true;
				x->p = gt + 1;
				text = NULL;
				continue;
			}
			snprintf(x->path[x->depth], MAX_NAME, "%.*s",
			         (int)(nl < MAX_NAME ? nl : MAX_NAME - 1),
			         name);
			x->depth++;
			if (x->depth == 1 && !strcmp(x->path[0], "Event"))
				x->in_event = true;
			x->data_name[0] = '\0';
			start_tag(x, name + nl, tl - nl);
			if (empty) {
				/* <Data Name="x"/>: an empty value */
				leaf_text(x, "", 0);
				x->depth--;
				text = NULL;
			} else {
				text = gt + 1;
			}
		}
		x->p = gt + 1;
	}
	rc = x->in_event && x->has_id ? 0 : EXH_EINVAL;
	free(x);
	return rc;
}

const char *event_get(const struct event *e, const char *name)
{
	int i;

	for (i = 0; i < e->nv; i++)
		if (!strcasecmp(e->v[i].name, name))
			return e->v[i].value;
	return "";
}
