#include "base/json.h"
#include <string.h>
#include "base/banned.h"

/* Length of a valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
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
	return len;
}

int json_str(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;
	int rc = buf_addc(b, '"');

	while (!rc && i < n) {
		unsigned char c = u[i];
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			rc = buf_add(b, e, 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			rc = buf_printf(b, "\\u%04x", c);
			i++;
		} else if ((k = utf8_len(u + i, n - i)) == 0) {
			rc = buf_printf(b, "\\u%04x", c);
			i++;
		} else {
			rc = buf_add(b, u + i, k);
			i += k;
		}
	}
	return rc ? rc : buf_addc(b, '"');
}

int json_cstr(struct buf *b, const char *s)
{
	if (!s)
		return buf_adds(b, "null");
	return json_str(b, s, strlen(s));
}

int json_key(struct buf *b, const char *key, int first)
{
	int rc = first ? 0 : buf_addc(b, ',');

	if (!rc)
		rc = json_cstr(b, key);
	return rc ? rc : buf_addc(b, ':');
}
