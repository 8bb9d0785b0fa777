#include "base/text.h"
#include <stdio.h>
#include <string.h>
#include "base/banned.h"

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp_out)
{
	size_t len, i;
	uint32_t cp;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp_out = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_out = cp;
	return len;
}

bool text_unsafe_cp(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

size_t text_put_visible(struct buf *b, const unsigned char *u, size_t n,
                        int *rc)
{
	uint32_t cp;
	size_t k = utf8_decode(u, n, &cp);

	if (k == 0) {
		*rc = buf_printf(b, "\\x%02x", u[0]);
		return 1;
	}
	if (text_unsafe_cp(cp))
		*rc = cp < 0x100 ? buf_printf(b, "\\x%02x", (unsigned)cp)
		                 : buf_printf(b, "\\u{%04x}", (unsigned)cp);
	else
		*rc = buf_add(b, u, k);
	return k;
}

int html_escape(struct buf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0, i = 0;
	int rc = 0;

	while (i < n && !rc) {
		switch (u[i]) {
		case '<': rc = buf_adds(b, "&lt;"); i++; continue;
		case '>': rc = buf_adds(b, "&gt;"); i++; continue;
		case '&': rc = buf_adds(b, "&amp;"); i++; continue;
		case '"': rc = buf_adds(b, "&quot;"); i++; continue;
		case '\'': rc = buf_adds(b, "&#39;"); i++; continue;
		default: i += text_put_visible(b, u + i, n - i, &rc);
		}
	}
	return rc;
}

int term_escape(struct buf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0, i = 0;
	int rc = 0;

	while (i < n && !rc) {
		if (u[i] == '\\') {
			rc = buf_adds(b, "\\\\");
			i++;
		} else {
			i += text_put_visible(b, u + i, n - i, &rc);
		}
	}
	return rc;
}

void term_print(FILE *f, const char *s)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	if (term_escape(&b, s) == 0 && b.len)
		fwrite(b.p, 1, b.len, f);
	buf_release(&b);
}

int text_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 32) >= 'a' && (c | 32) <= 'f')
		return (c | 32) - 'a' + 10;
	return -1;
}

int text_b64_digit(int c, bool url_safe)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || (url_safe && c == '-'))
		return 62;
	if (c == '/' || (url_safe && c == '_'))
		return 63;
	return -1;
}

size_t text_b64_decode(struct view in, bool url_safe, unsigned char *out,
                       size_t cap, size_t *used)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0, i;

	for (i = 0; i < in.len; i++) {
		int v = text_b64_digit((unsigned char)in.p[i], url_safe);
		if (v < 0)
			break;
		if (bits + 6 >= 8 && o == cap)
			break; /* this digit would complete a byte past cap */
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	if (used)
		*used = i;
	return o;
}

struct view url_decode_lower(struct view v, char *dst, size_t cap)
{
	size_t i, o = 0;

	if (cap == 0)
		return (struct view){dst, 0};
	for (i = 0; i < v.len && o + 1 < cap; i++) {
		char c = v.p[i];
		if (c == '%' && i + 2 < v.len) {
			int hi = text_hexval((unsigned char)v.p[i + 1]),
			    lo = text_hexval((unsigned char)v.p[i + 2]);
			if (hi >= 0 && lo >= 0) {
				c = (char)(hi * 16 + lo);
				i += 2;
			}
		}
		dst[o++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	dst[o] = '\0';
	return (struct view){dst, o};
}

void text_lower(char *dst, const char *src, size_t cap)
{
	size_t i;

	if (!cap)
		return;
	for (i = 0; src[i] && i + 1 < cap; i++)
		dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] + 32)
		                                          : src[i];
	dst[i] = '\0';
}

uint64_t text_hash(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}
