/* A minimal harness for table-driven unit tests: CHECK records a failure
 * with file:line and carries on; main returns check_done(). */
#ifndef EXH_TESTS_CHECK_H
#define EXH_TESTS_CHECK_H
#include <stdio.h>
#include <string.h>

static int check_failures, check_count;

#define CHECK(cond)                                                            \
	do {                                                                   \
		check_count++;                                                 \
		if (!(cond)) {                                                 \
			check_failures++;                                      \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
			        __LINE__, #cond);                              \
		}                                                              \
	} while (0)

#define CHECK_STR(got, want)                                                   \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		check_count++;                                                 \
		if (!g_ || !w_ ? g_ != w_ : strcmp(g_, w_) != 0) {             \
			check_failures++;                                      \
			fprintf(stderr, "%s:%d: got '%s', want '%s' (%s)\n",   \
			        __FILE__, __LINE__, g_ ? g_ : "(null)",        \
			        w_ ? w_ : "(null)", #got);                     \
		}                                                              \
	} while (0)

/* A test that ran no check fails: it tested nothing. */
static inline int check_done(void)
{
	fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures);
	if (check_count == 0)
		fprintf(stderr, "no check ran\n");
	return check_failures || check_count == 0 ? 1 : 0;
}

#endif
