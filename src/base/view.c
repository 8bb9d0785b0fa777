#include "base/view.h"
#include <ctype.h>
#include <string.h>
#include "base/banned.h"

struct view view_of(const char *s)
{
	return (struct view){s, s ? strlen(s) : 0};
}

struct view view_trim(struct view v)
{
	while (v.len && isspace((unsigned char)v.p[0])) {
		v.p++;
		v.len--;
	}
	while (v.len && isspace((unsigned char)v.p[v.len - 1]))
		v.len--;
	return v;
}

bool view_eq(struct view a, struct view b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool view_eq_ci(struct view a, struct view b)
{
	return a.len == b.len &&
	       (a.len == 0 || strncasecmp(a.p, b.p, a.len) == 0);
}

bool view_starts_ci(struct view v, struct view prefix)
{
	return v.len >= prefix.len &&
	       (prefix.len == 0 || strncasecmp(v.p, prefix.p, prefix.len) == 0);
}

long view_find(struct view hay, struct view needle)
{
	const char *hit;

	if (needle.len == 0)
		return 0;
	if (hay.len < needle.len)
		return -1;
	hit = memmem(hay.p, hay.len, needle.p, needle.len);
	return hit ? (long)(hit - hay.p) : -1;
}

long view_find_ci(struct view hay, struct view needle)
{
	size_t i;

	if (needle.len == 0)
		return 0;
	for (i = 0; hay.len >= needle.len && i <= hay.len - needle.len; i++)
		if (strncasecmp(hay.p + i, needle.p, needle.len) == 0)
			return (long)i;
	return -1;
}

bool view_split(struct view *v, char sep, struct view *head)
{
	const char *hit = v->len ? memchr(v->p, sep, v->len) : NULL;

	if (!hit) {
		*head = *v;
		v->p += v->len;
		v->len = 0;
		return false;
	}
	head->p = v->p;
	head->len = (size_t)(hit - v->p);
	v->len -= head->len + 1;
	v->p = hit + 1;
	return true;
}

bool view_to_u64(struct view v, uint64_t max, uint64_t *out)
{
	uint64_t n = 0;
	size_t i;

	if (v.len == 0 || v.len > 20)
		return false;
	for (i = 0; i < v.len; i++) {
		unsigned d = (unsigned char)v.p[i] - '0';
		if (d > 9 || n > (max - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*out = n;
	return true;
}

bool view_cstr(struct view v, char *dst, size_t cap)
{
	if (cap == 0 || v.len >= cap)
		return false;
	if (v.len)
		memcpy(dst, v.p, v.len);
	dst[v.len] = '\0';
	return true;
}
