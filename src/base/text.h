/* Text transformations shared by the reports and the parsers. */
#ifndef EXH_BASE_TEXT_H
#define EXH_BASE_TEXT_H
#include "base/buf.h"
#include "base/view.h"
#include <stddef.h>

/* Appends s (NULL: nothing) with <, >, & and " escaped for HTML. */
int html_escape(struct buf *b, const char *s);
/* Percent-decodes v and lowercases it into dst (cap bytes, NUL-terminated,
 * truncated to fit); a '%' not followed by two hex digits stays as is.
 * Returns the decoded view (it may hold NUL bytes). */
struct view url_decode_lower(struct view v, char *dst, size_t cap);

#endif
