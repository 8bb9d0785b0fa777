/* Splitting one CSV line into fields (RFC 4180 quoting, "" for a quote).
 * Quoted fields are returned without their quotes; a doubled quote inside
 * stays doubled in the view (callers that care use csv_unquote). */
#ifndef EXH_BASE_CSV_H
#define EXH_BASE_CSV_H
#include "base/buf.h"
#include "base/view.h"
#include <stdbool.h>
#include <stddef.h>

/* Splits line at sep into at most max fields. Returns the field count, or
 * -1 when there are more than max fields or a quote is not closed. */
int csv_split(struct view line, char sep, struct view *fields, int max);

/* Appends s as one field, quoted when it holds a separator, quote or line
 * break (line breaks become spaces), then ',' or, when last, '\n'. */
int csv_field(struct buf *b, const char *s, bool last);

#endif
