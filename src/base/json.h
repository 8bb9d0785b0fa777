/* Writing JSON into a buf. Strings are escaped so that any bytes, including
 * invalid UTF-8 from a server, yield valid JSON (bad bytes become \u00XX). */
#ifndef EXH_BASE_JSON_H
#define EXH_BASE_JSON_H
#include "base/buf.h"
#include <stddef.h>

/* Appends s (n bytes) as a quoted JSON string. */
int json_str(struct buf *b, const char *s, size_t n);
int json_cstr(struct buf *b, const char *s); /* NULL writes null */
/* Appends "key": (with a leading comma unless first). */
int json_key(struct buf *b, const char *key, int first);

#endif
