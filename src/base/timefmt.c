#include "base/timefmt.h"
#include <time.h>
#include "base/banned.h"

void time_iso(int64_t t, char dst[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(dst, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
