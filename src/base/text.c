#include "base/text.h"
#include "base/banned.h"

int html_escape(struct buf *b, const char *s)
{
	int rc = 0;

	for (; s && *s && !rc; s++) {
		switch (*s) {
		case '<': rc = buf_adds(b, "&lt;"); break;
		case '>': rc = buf_adds(b, "&gt;"); break;
		case '&': rc = buf_adds(b, "&amp;"); break;
		case '"': rc = buf_adds(b, "&quot;"); break;
		default: rc = buf_addc(b, *s);
		}
	}
	return rc;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 32) >= 'a' && (c | 32) <= 'f')
		return (c | 32) - 'a' + 10;
	return -1;
}

struct view url_decode_lower(struct view v, char *dst, size_t cap)
{
	size_t i, o = 0;

	if (cap == 0)
		return (struct view){dst, 0};
	for (i = 0; i < v.len && o + 1 < cap; i++) {
		char c = v.p[i];
		if (c == '%' && i + 2 < v.len) {
			int hi = hexval(v.p[i + 1]), lo = hexval(v.p[i + 2]);
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

uint64_t text_hash(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}
