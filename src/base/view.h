/* A borrowed, length-delimited byte range: how parsers see untrusted input.
 * A view never owns memory and may contain NUL bytes. */
#ifndef EXH_BASE_VIEW_H
#define EXH_BASE_VIEW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct view {
	const char *p;
	size_t len;
};

#define VIEW_LIT(s) ((struct view){(s), sizeof(s) - 1})

struct view view_of(const char *s);
struct view view_trim(struct view v);
bool view_eq(struct view a, struct view b);
bool view_eq_ci(struct view a, struct view b);
bool view_starts_ci(struct view v, struct view prefix);
/* Offset of the first occurrence of needle, or -1. */
long view_find(struct view hay, struct view needle);
long view_find_ci(struct view hay, struct view needle);
/* Splits v at the first sep: *head gets what precedes it, v keeps what
 * follows. Returns false (head = all of v, v emptied) when sep is absent. */
bool view_split(struct view *v, char sep, struct view *head);
/* Parses a whole view as an unsigned decimal no larger than max. */
bool view_to_u64(struct view v, uint64_t max, uint64_t *out);
/* Copies into a NUL-terminated string of at most cap-1 bytes; false if
 * it does not fit. */
bool view_cstr(struct view v, char *dst, size_t cap);

#endif
