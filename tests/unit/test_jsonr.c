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
	{
		char deep[200];
		memset(deep, '[', sizeof deep - 1);
		deep[sizeof deep - 1] = '\0';
		CHECK(jsonr_parse(&d, view_of(deep), &why) != 0 &&
		      !strcmp(why, "nested too deep"));
	}
	return check_done();
}
