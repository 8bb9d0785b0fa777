/* Text transformations shared by the reports and the parsers. */
#ifndef EXH_BASE_TEXT_H
#define EXH_BASE_TEXT_H
#include "base/buf.h"
#include <stdint.h>
#include "base/view.h"
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>

/* Appends s (NULL: nothing) with <, >, &, " and ' escaped for HTML, and
 * what could fool a reader shown visibly: bytes that are not UTF-8 as
 * \xNN, control characters (C0, C1, DEL) and bidi, zero-width and line
 * separator characters as \xNN or \u{NNNN}. */
int html_escape(struct buf *b, const char *s);
/* The same for a terminal: nothing that moves the cursor, clears, or
 * reorders text reaches it; a backslash is doubled so the escapes stay
 * unambiguous. */
int term_escape(struct buf *b, const char *s);
/* term_escape of s written to f. */
void term_print(FILE *f, const char *s);
/* The length of the valid UTF-8 sequence at s (n bytes left) and its code
 * point, or 0 when it is not one (overlong, surrogate, cut short). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Characters escaped everywhere text leaves us: controls, bidi
 * embeddings, overrides and isolates, zero-width marks, separators. */
bool text_unsafe_cp(uint32_t cp);
/* Percent-decodes v and lowercases it into dst (cap bytes, NUL-terminated,
 * truncated to fit); a '%' not followed by two hex digits stays as is.
 * Returns the decoded view (it may hold NUL bytes). */
struct view url_decode_lower(struct view v, char *dst, size_t cap);

/* FNV-1a over the string, continuing from h (start with
 * TEXT_HASH_START): stable names for messages and reports, not security. */
#define TEXT_HASH_START 0xcbf29ce484222325ull
uint64_t text_hash(const char *s, uint64_t h);

#endif
