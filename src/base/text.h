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
/* Writes the character at u (n > 0 bytes left) to b: as it is when it is
 * safe to show, else visibly escaped (\xNN for a byte that is not UTF-8
 * and for code points below 0x100, \u{NNNN} above). Returns the bytes
 * consumed (at least 1); a buffer error goes to *rc. The one place the
 * terminal, HTML and CSV writers escape what could fool a reader. */
size_t text_put_visible(struct buf *b, const unsigned char *u, size_t n,
                        int *rc);
/* The value of a hex digit, or -1. */
int text_hexval(int c);
/* The value of a Base64 digit (with url_safe, '-' and '_' too), or -1. */
int text_b64_digit(int c, bool url_safe);
/* Decodes the Base64 digits at the start of in, up to the first byte that
 * is not one ('=' included) or until out holds cap bytes. Returns the
 * bytes written; *used (may be NULL) the digits read. */
size_t text_b64_decode(struct view in, bool url_safe, unsigned char *out,
                       size_t cap, size_t *used);
/* The length of the valid UTF-8 sequence at s (n bytes left) and its code
 * point, or 0 when it is not one (overlong, surrogate, cut short). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Characters escaped everywhere text leaves us: controls, bidi
 * embeddings, overrides and isolates, zero-width marks, separators. */
bool text_unsafe_cp(uint32_t cp);
/* src with ASCII A-Z lowered into dst (cap bytes, NUL-terminated, cut
 * to fit): the paths the hunt's roles are matched against. */
void text_lower(char *dst, const char *src, size_t cap);
/* Percent-decodes v and lowercases it into dst (cap bytes, NUL-terminated,
 * truncated to fit); a '%' not followed by two hex digits stays as is.
 * Returns the decoded view (it may hold NUL bytes). */
struct view url_decode_lower(struct view v, char *dst, size_t cap);

/* FNV-1a over the string, continuing from h (start with
 * TEXT_HASH_START): stable names for messages and reports, not security. */
#define TEXT_HASH_START 0xcbf29ce484222325ull
uint64_t text_hash(const char *s, uint64_t h);

#endif
