/* The key set a resumed scan and an adopted import rely on: every key
 * added is found, none other is, across growth; the limit is kept and
 * says so; keys next to the reserved one work. */
#include "base/u64set.h"
#include "check.h"

int main(void)
{
	struct u64set s = {0};
	uint64_t k;
	bool all = true, none = true, added = true;

	CHECK(!u64set_has(&s, 0)); /* empty, never allocated */
	for (k = 0; k < 100000; k++)
		added = u64set_add(&s, k * 7919) == 0 && added;
	CHECK(added);
	CHECK(s.n == 100000);
	CHECK(u64set_add(&s, 7919) == 0 && s.n == 100000); /* twice: once */
	for (k = 0; k < 100000; k++) {
		all = all && u64set_has(&s, k * 7919);
		none = none && !u64set_has(&s, k * 7919 + 1);
	}
	CHECK(all && none);
	CHECK(s.cap >= 2 * s.n); /* at most half full */
	CHECK(u64set_add(&s, UINT64_MAX - 1) == 0 &&
	      u64set_has(&s, UINT64_MAX - 1));
	u64set_free(&s);
	CHECK(!u64set_has(&s, 0) && s.n == 0);

	s.max = 3;
	CHECK(u64set_add(&s, 10) == 0 && u64set_add(&s, 11) == 0 &&
	      u64set_add(&s, 12) == 0);
	CHECK(u64set_add(&s, 13) == 1 && !u64set_has(&s, 13));
	CHECK(u64set_add(&s, 11) == 0); /* one there already is no growth */
	u64set_free(&s);
	return check_done();
}
