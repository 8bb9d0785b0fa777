#include "base/csv.h"
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
int csv_field(struct buf *b, const char *s, bool last)
{
	int rc = 0;

	if (strpbrk(s, ",\"\r\n")) {
		rc = buf_addc(b, '"');
		for (; !rc && *s; s++) {
			if (*s == '"')
				rc = buf_addc(b, '"');
			rc = rc ? rc
			        : buf_addc(b,
			                   *s == '\r' || *s == '\n' ? ' ' : *s);
		}
		rc = rc ? rc : buf_addc(b, '"');
	} else {
		rc = buf_adds(b, s);
	}
	return rc ? rc : buf_addc(b, last ? '\n' : ',');
}
