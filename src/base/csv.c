#include "base/csv.h"
#include "base/text.h"
#include <string.h>
#include "base/banned.h"

int csv_split(struct view line, char sep, struct view *fields, int max)
{
	size_t i = 0;
	int n = 0;

	if (line.len && line.p[line.len - 1] == '\r')
		line.len--;
	for (;;) {
		struct view f;
		if (n == max)
			return -1;
		if (i < line.len && line.p[i] == '"') {
			size_t start = ++i;
			for (;;) {
				if (i >= line.len)
					return -1;
				if (line.p[i] == '"') {
					if (i + 1 < line.len &&
					    line.p[i + 1] == '"') {
						i += 2;
						continue;
					}
					break;
				}
				i++;
			}
			f.p = line.p + start;
			f.len = i - start;
			i++;
			while (i < line.len && line.p[i] != sep)
				i++;
		} else {
			size_t start = i;
			while (i < line.len && line.p[i] != sep)
				i++;
			f.p = line.p + start;
			f.len = i - start;
		}
		fields[n++] = f;
		if (i >= line.len)
			return n;
		i++; /* the separator */
	}
}

/* A CSV field: quoted when it holds a separator, quote or line break. */
/* A cell a spreadsheet would read as a formula: = + - @ tab or CR first
 * (a plain number such as -5 is left alone). */
static bool formula_like(const char *s)
{
	const char *p = s + 1;

	if (!(*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' ||
	      *s == '\r'))
		return false;
	if (*s == '-' || *s == '+') {
		bool digits = false;
		for (; (*p >= '0' && *p <= '9') || *p == '.'; p++)
			digits = true;
		if (digits && !*p)
			return false;
	}
	return true;
}

int csv_field(struct buf *b, const char *s, bool last)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	bool formula = formula_like(s);
	int rc = 0;

	if (formula || strpbrk(s, ",\"\r\n")) {
		rc = buf_addc(b, '"');
		/* Bytes from servers and evidence: a formula is defused by a
		 * leading apostrophe (what spreadsheet makers advise). */
		if (!rc && formula)
			rc = buf_addc(b, '\'');
	}
	while (!rc && i < n) {
		if (u[i] == '\r' || u[i] == '\n') {
			rc = buf_addc(b, ' ');
			i++;
		} else if (u[i] == '"') {
			rc = buf_add(b, "\"\"", 2);
			i++;
		} else {
			/* Controls and bidi overrides shown, not obeyed. */
			i += text_put_visible(b, u + i, n - i, &rc);
		}
	}
	if (!rc && (formula || strpbrk(s, ",\"\r\n")))
		rc = buf_addc(b, '"');
	return rc ? rc : buf_addc(b, last ? '\n' : ',');
}
