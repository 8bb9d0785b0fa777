/* Text transformations shared by the reports and the parsers. */
#ifndef EXH_BASE_TEXT_H
#define EXH_BASE_TEXT_H
#include "base/buf.h"
#include <stdint.h>
#include "base/view.h"
#include <stddef.h>

/* Appends s (NULL: nothing) with <, >, & and " escaped for HTML. */
int html_escape(struct buf *b, const char *s);
/* Percent-decodes v and lowercases it into dst (cap bytes, NUL-terminated,
 * truncated to fit); a '%' not followed by two hex digits stays as is.
 * Returns the decoded view (it may hold NUL bytes). */
struct view url_decode_lower(struct view v, char *dst, size_t cap);

/* FNV-1a over the string, continuing from h (start with
 * TEXT_HASH_START): stable names for messages and reports, not security. */
#define TEXT_HASH_START 0xcbf29ce484222325ull
uint64_t text_hash(const char *s, uint64_t h);

#endif
