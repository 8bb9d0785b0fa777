#include "base/json.h"
#include "base/text.h"
#include <string.h>
#include "base/banned.h"

int json_str(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;
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
		} else if ((k = utf8_decode(u + i, n - i, &cp)) == 0) {
			/* Not UTF-8: the byte as a lone low surrogate (Python's
			 * surrogateescape), lossless and never mistaken for
			 * the character of the same number. */
			rc = buf_printf(b, "\\udc%02x", c);
			i++;
		} else if (text_unsafe_cp(cp)) {
			rc = buf_printf(b, "\\u%04x", (unsigned)cp);
			i += k;
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
