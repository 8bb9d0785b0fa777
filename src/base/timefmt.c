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

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

bool time_parse(const char *s, size_t n, int64_t *t)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	int y, mo, d, h = 0, mi = 0, se = 0;

	if ((n != 10 && n != 20) || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
		return false;
	if (n == 20 &&
	    (s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
	     !digits(s + 14, 2, &mi) || s[16] != ':' ||
	     !digits(s + 17, 2, &se) || s[19] != 'Z'))
		return false;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))) ||
	    h > 23 || mi > 59 || se > 59)
		return false;
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return true;
}
