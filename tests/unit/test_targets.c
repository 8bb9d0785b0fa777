/* Target lists, blocklists and the special-purpose registry. */
#include "base/err.h"
#include "base/log.h"
#include "scan/ipset.h"
#include "scan/targets.h"
#include "check.h"

static const struct {
	const char *spec;
	int ok;
	uint64_t total;  /* targets after adding spec alone */
	const char *why; /* part of the error text */
} specs[] = {
    {"192.0.2.1", 1, 1, NULL},
    {"198.51.100.0/24", 1, 256, NULL},
    {"0.0.0.0/0", 1, 1ull << 32, NULL},
    {"mail.example.org", 1, 1, NULL},
    {"203.0.113.5,owa.example.org", 1, 1, NULL},
    {"203.0.113.5,443,other", 1, 1, NULL},               /* zmap CSV */
    {"open tcp 443 203.0.113.9 1611111111", 1, 1, NULL}, /* masscan -oL */
    {"Discovered open port 443/tcp on 203.0.113.10", 1, 1, NULL},
    {"# a comment", 1, 0, NULL},
    {"   ", 1, 0, NULL},
    {"10.0.0.0/33", 0, 0, "prefix length over 32"},
    {"10.0.0.1/8", 0, 0, "bits set below the prefix"},
    {"10.0.0.256", 0, 0, "not an IPv4 address"},
    {"010.0.0.1", 0, 0, "not an IPv4 address"},
    {"300.1,mail.example.org", 0, 0, "must be an IPv4 address"},
    {"bad host!", 0, 0, "one address"},
    {"under_score.ok", 1, 1, NULL},
    {"-", 0, 0, "not an address"},
};

int main(void)
{
	size_t i;

	log_verbosity = -1;
	for (i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		struct targets t;
		const char *why = NULL;
		int rc;
		targets_init(&t);
		rc = targets_add(&t, view_of(specs[i].spec), &why);
		if ((rc == 0) != specs[i].ok) {
			fprintf(stderr, "'%s': rc %d (%s)\n", specs[i].spec, rc,
			        why ? why : "");
			check_failures++;
		} else if (rc == 0) {
			targets_finish(&t);
			CHECK(targets_total(&t) == specs[i].total);
		} else {
			CHECK(why && strstr(why, specs[i].why));
		}
		check_count++;
		targets_release(&t);
	}
	/* Overlapping prefixes are merged: every address once. */
	{
		struct targets t;
		struct target x;
		targets_init(&t);
		const char *list = "192.0.2.0/25\n192.0.2.0/24\n192.0.2.7\n"
		                   "mail.example.org\n";
		CHECK(targets_parse(&t, list, strlen(list), "t") == 0);
		targets_finish(&t);
		CHECK(targets_total(&t) == 257);
		targets_get(&t, 0, &x);
		CHECK(x.ip == 0xc0000200u && !x.hostname);
		targets_get(&t, 256, &x);
		CHECK(x.ip == 0 && x.hostname &&
		      !strcmp(x.hostname, "mail.example.org"));
		targets_release(&t);
	}
	/* A bad line stops the parse (the message names file:line). */
	{
		struct targets t;
		targets_init(&t);
		CHECK(targets_parse(&t, "192.0.2.1\n10.0.0.0/33\n", 22,
		                    "list") == EXH_EINVAL);
		targets_release(&t);
	}
	/* Special-purpose ranges, blocklist, and the allow list. */
	{
		struct ipset s, b;
		ipset_init(&s);
		CHECK(ipset_add_special(&s) == 0);
		ipset_finish(&s);
		CHECK(ipset_contains(&s, 0x7f000001u));  /* 127.0.0.1 */
		CHECK(ipset_contains(&s, 0x0a010203u));  /* 10.1.2.3 */
		CHECK(ipset_contains(&s, 0xe0000001u));  /* 224.0.0.1 */
		CHECK(ipset_contains(&s, 0xfffffffeu));  /* 255.255.255.254 */
		CHECK(!ipset_contains(&s, 0x08080808u)); /* 8.8.8.8 */
		CHECK(!ipset_contains(&s, 0x01010101u));
		CHECK_STR(ipset_special_name(0x7f4d0001u), "loopback");
		CHECK(ipset_special_name(0x01020304u) == NULL);
		ipset_release(&s);
		ipset_init(&b);
		const char *bl =
		    "1.2.3.0/24 # tail comment\n\n# full\n5.6.7.8\n";
		CHECK(ipset_parse(&b, bl, strlen(bl), "bl") == 0);
		ipset_finish(&b);
		CHECK(ipset_contains(&b, 0x01020380u));
		CHECK(ipset_contains(&b, 0x05060708u));
		CHECK(!ipset_contains(&b, 0x05060709u));
		CHECK(ipset_size(&b) == 257);
		CHECK(ipset_parse(&b, "1.2.3.4/40\n", 11, "bl") == EXH_EINVAL);
		ipset_release(&b);
	}
	return check_done();
}
