/* Times as people and JSON read them. */
#ifndef EXH_BASE_TIMEFMT_H
#define EXH_BASE_TIMEFMT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ISO 8601 UTC ("2021-03-03T06:49:53Z") of a Unix time, into 32 bytes. */
/* t as "YYYY-MM-DDTHH:MM:SSZ", or "" when it cannot be printed. */
void time_iso(int64_t t, char dst[32]);
/* "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ", years 1970 to
 * 9999, into a Unix time. false for anything else. */
bool time_parse(const char *s, size_t n, int64_t *t);

#endif
