#include "base/timefmt.h"
#include <time.h>
#include "base/banned.h"

void time_iso(int64_t t, char dst[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	/* A time that cannot be printed (far out of range) is unknown:
	 * the empty string, never stale bytes. */
	if (!gmtime_r(&tt, &tm) ||
	    strftime(dst, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		dst[0] = '\0';
}
