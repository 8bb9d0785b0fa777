/* The JSON reader: values, lookups, escapes, and malformed input named. */
#include "base/jsonr.h"
#include "check.h"

static struct jdoc d;

int main(void)
{
	const char *why = NULL;
	char s[64];
	int v;

	CHECK(jsonr_parse(&d,
	                  view_of(" {\"scan_id\":\"a\\\"b\",\"seq\":12,"
	                          "\"v\":{\"CVE-1\":\"patched\"},\"w\":[],"
	                          "\"e\":null,\"x\":true} "),
	                  &why) == 0);
	v = jsonr_get(&d, 0, "scan_id");
	CHECK(v >= 0 && jsonr_str(&d, v, s, sizeof s) && !strcmp(s, "a\"b"));
	v = jsonr_get(&d, 0, "seq");
	CHECK(v >= 0 && d.n[v].type == J_NUM &&
	      view_eq(d.n[v].raw, VIEW_LIT("12")));
	v = jsonr_get(&d, jsonr_get(&d, 0, "v"), "CVE-1");
	CHECK(v >= 0 && jsonr_str(&d, v, s, sizeof s) && !strcmp(s, "patched"));
	v = jsonr_get(&d, 0, "w");
	CHECK(v >= 0 && d.n[v].type == J_ARR && d.n[v].first < 0);
	CHECK(d.n[jsonr_get(&d, 0, "e")].type == J_NULL);
	CHECK(d.n[jsonr_get(&d, 0, "x")].truth);
	CHECK(jsonr_get(&d, 0, "missing") < 0);
	CHECK(jsonr_parse(&d, view_of("{\"u\":\"\\u0041\\u00e9\"}"), &why) ==
	      0);
	CHECK(jsonr_str(&d, jsonr_get(&d, 0, "u"), s, sizeof s) &&
	      !strcmp(s, "A?"));
	/* Malformed input is refused with a reason. */
	CHECK(jsonr_parse(&d, view_of("{\"a\":}"), &why) != 0 && why);
	CHECK(jsonr_parse(&d, view_of("{\"a\":1"), &why) != 0);
	CHECK(jsonr_parse(&d, view_of("[1,2] x"), &why) != 0 &&
	      !strcmp(why, "text after the value"));
	CHECK(jsonr_parse(&d, view_of("\"abc"), &why) != 0);
	/* Numbers follow the grammar strictly; a NUL is never part of one;
	 * conversion reads a terminated copy and refuses what is not an
	 * integer in range. */
	{
		static const char *const bad[] = {"[01]", "[-]", "[1.]",
		                                  "[.5]", "[1e]", "[+1]",
		                                  "[1-2]", "[--1]", "[1e+]"};
		static const char *const good[] = {"[0]", "[-0]", "[12.5]",
		                                   "[1e9]", "[-3E-2]"};
		char nul[] = "[12\0\0]";
		long long n;
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
			CHECK(jsonr_parse(&d, view_of(bad[i]), &why) != 0);
		for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
			CHECK(jsonr_parse(&d, view_of(good[i]), &why) == 0);
		CHECK(jsonr_parse(&d, (struct view){nul, 6}, &why) != 0);
		CHECK(jsonr_parse(&d, view_of("[-42, 9223372036854775807, "
		                              "9223372036854775808, 1.5]"),
		                  &why) == 0);
		v = d.n[0].first;
		CHECK(jsonr_int(&d, v, &n) && n == -42);
		v = d.n[v].next;
		CHECK(jsonr_int(&d, v, &n) && n == 9223372036854775807LL);
		v = d.n[v].next;
		CHECK(!jsonr_int(&d, v, &n)); /* out of range */
		v = d.n[v].next;
		CHECK(!jsonr_int(&d, v, &n)); /* not an integer */
	}
	{
		char deep[200];
		memset(deep, '[', sizeof deep - 1);
		deep[sizeof deep - 1] = '\0';
		CHECK(jsonr_parse(&d, view_of(deep), &why) != 0 &&
		      !strcmp(why, "nested too deep"));
	}
	return check_done();
}
