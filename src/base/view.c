#include "base/view.h"
#include <stdint.h>
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

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Knuth-Morris-Pratt over case-folded bytes: linear whatever the
 * haystack holds. */
static long find_ci_kmp(struct view hay, struct view needle)
{
	unsigned char nd[256];
	unsigned short fail[256];
	size_t m = needle.len, i, k, q = 0;

	for (i = 0; i < m; i++)
		nd[i] = fold((unsigned char)needle.p[i]);
	fail[0] = 0;
	for (i = 1, k = 0; i < m; i++) {
		while (k && nd[i] != nd[k])
			k = fail[k - 1];
		if (nd[i] == nd[k])
			k++;
		fail[i] = (unsigned short)k;
	}
	for (i = 0; i < hay.len; i++) {
		unsigned char c = fold((unsigned char)hay.p[i]);
		while (q && c != nd[q])
			q = fail[q - 1];
		if (c == nd[q])
			q++;
		if (q == m)
			return (long)(i + 1 - m);
	}
	return -1;
}

/* memchr jumps to each place the first letter (either case) appears,
 * then a compare: as fast as memchr on ordinary text. Each compare costs
 * at most the needle's length; when they add up past a few times the
 * haystack (a 16 KB run of one letter), the rest goes to KMP, so the
 * whole search stays linear whatever the line holds. */
long view_find_ci(struct view hay, struct view needle)
{
	size_t m = needle.len, i = 0, na = 0, nb = 0;
	size_t budget = 4 * hay.len + 256;
	unsigned char a, b;
	bool fa = false, fb;

	if (m == 0)
		return 0;
	if (hay.len < m)
		return -1;
	a = fold((unsigned char)needle.p[0]);
	b = (a >= 'a' && a <= 'z') ? (unsigned char)(a - 32) : a;
	fb = b == a;
	if (fb)
		nb = SIZE_MAX;
	while (i + m <= hay.len) {
		size_t hit;
		if (!fa || (na != SIZE_MAX && na < i)) {
			const char *x = memchr(hay.p + i, a, hay.len - i);
			na = x ? (size_t)(x - hay.p) : SIZE_MAX;
			fa = true;
		}
		if (!fb || (nb != SIZE_MAX && nb < i)) {
			const char *y = memchr(hay.p + i, b, hay.len - i);
			nb = y ? (size_t)(y - hay.p) : SIZE_MAX;
			fb = true;
		}
		hit = na < nb ? na : nb;
		if (hit == SIZE_MAX || hit + m > hay.len)
			return -1;
		/* The second letter first: most candidates end there. */
		if ((m == 1 || fold((unsigned char)hay.p[hit + 1]) ==
		                   fold((unsigned char)needle.p[1])) &&
		    strncasecmp(hay.p + hit, needle.p, m) == 0)
			return (long)hit;
		if (budget < m) {
			long r;
			if (m > 256)
				break;
			r = find_ci_kmp((struct view){hay.p + hit + 1,
			                              hay.len - hit - 1},
			                needle);
			return r < 0 ? -1 : r + (long)hit + 1;
		}
		budget -= m;
		i = hit + 1;
	}
	/* Needles past 256 bytes (none in exhunt): plain search. */
	for (; i + m <= hay.len; i++)
		if (strncasecmp(hay.p + i, needle.p, m) == 0)
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
