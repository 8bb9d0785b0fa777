/* Record text a server chose (headers, certificate names) on its way into
 * PostgreSQL (store/db.c): as a COPY field it must come out escaped and
 * valid UTF-8 whatever the bytes, and unescaping it must give the input
 * back wherever the input was valid UTF-8 without NUL. */
#include "base/buf.h"
#include "store/db.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An independent check: the shortest form, no surrogates, nothing past
 * U+10FFFF, no NUL. */
static bool valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], need, k;
		uint32_t cp, min;
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07, min = 0x10000;
		else
			return false;
		if (n - i <= need)
			return false;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out, back;
	size_t i;

	buf_init(&out, size * 4 + 16);
	buf_init(&back, size * 4 + 16);
	if (db_copy_field(&out, (const char *)data, size))
		__builtin_trap();
	if (!valid_utf8((const unsigned char *)out.p, out.len))
		__builtin_trap();
	for (i = 0; i < out.len; i++) {
		char c = out.p[i];
		if (c == '\t' || c == '\n' || c == '\r')
			__builtin_trap();
		if (c == '\\') {
			char e = i + 1 < out.len ? out.p[++i] : 0;
			buf_addc(&back, e == 'n'   ? '\n'
			                : e == 'r' ? '\r'
			                : e == 't' ? '\t'
			                : e == '\\' ? '\\'
			                            : (__builtin_trap(), 0));
		} else {
			buf_addc(&back, c);
		}
	}
	if (valid_utf8(data, size) &&
	    (back.len != size || (size && memcmp(back.p, data, size))))
		__builtin_trap();
	buf_release(&out);
	buf_release(&back);
	return 0;
}
