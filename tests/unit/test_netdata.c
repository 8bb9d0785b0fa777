/* Routing data: longest-prefix match with nested and duplicate prefixes,
 * delegated ranges, prefix2as and delegated lines (skipped, accepted,
 * refused), contacts routing order (prefix, AS, country), suppression,
 * e-mail addresses safe for headers, base64 as MIME wants it. */
#include "base/log.h"
#include "check.h"
#include "notify/message.h"
#include "notify/netdata.h"
#include <stdlib.h>
#include <string.h>

static uint32_t ip(int a, int b, int c, int d)
{
	return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 |
	       (uint32_t)d;
}

static uint32_t asn_of(const struct pmap *m, uint32_t a)
{
	const struct pmap_entry *e = pmap_lookup(m, a);
	return e ? e->value : 0;
}

static void test_pmap(void)
{
	struct pmap m;

	pmap_init(&m);
	pmap_add(&m, ip(10, 0, 0, 0), 8, 1);
	pmap_add(&m, ip(10, 1, 0, 0), 16, 2);
	pmap_add(&m, ip(10, 1, 2, 0), 24, 3);
	pmap_add(&m, ip(10, 1, 2, 128), 25, 4);
	pmap_add(&m, ip(10, 2, 0, 0), 16, 5);
	pmap_add(&m, ip(10, 1, 0, 0), 16, 99);  /* duplicate: first wins */
	pmap_add(&m, ip(192, 0, 2, 77), 24, 6); /* host bits cleared */
	pmap_finish(&m);
	CHECK(asn_of(&m, ip(10, 1, 2, 200)) == 4);
	CHECK(asn_of(&m, ip(10, 1, 2, 5)) == 3);
	CHECK(asn_of(&m, ip(10, 1, 3, 5)) == 2);
	/* after a nested run, an address back in the outer prefix */
	CHECK(asn_of(&m, ip(10, 1, 255, 255)) == 2);
	CHECK(asn_of(&m, ip(10, 3, 0, 1)) == 1);
	CHECK(asn_of(&m, ip(10, 2, 9, 9)) == 5);
	CHECK(asn_of(&m, ip(192, 0, 2, 1)) == 6);
	CHECK(asn_of(&m, ip(11, 0, 0, 0)) == 0);
	CHECK(asn_of(&m, ip(9, 255, 255, 255)) == 0);
	pmap_release(&m);
	pmap_init(&m);
	pmap_add(&m, 0, 0, 7); /* a default route covers everything */
	pmap_finish(&m);
	CHECK(asn_of(&m, ip(203, 0, 113, 1)) == 7);
	pmap_release(&m);
}

static void test_prefix2as(void)
{
	const char ok[] = "1.0.0.0\t24\t13335\n"
	                  "2001:200::\t32\t2500\n"
	                  "8.8.8.0\t24\t15169_36040\n"
	                  "9.9.0.0\t16\t{64500,64501}\r\n"
	                  "\n# comment\n";
	struct pmap m;

	pmap_init(&m);
	CHECK(prefix2as_parse(ok, strlen(ok), "t", &m) == 0);
	pmap_finish(&m);
	CHECK(m.n == 3);
	CHECK(asn_of(&m, ip(1, 0, 0, 9)) == 13335);
	CHECK(asn_of(&m, ip(8, 8, 8, 8)) == 15169);
	CHECK(asn_of(&m, ip(9, 9, 1, 1)) == 64500);
	pmap_release(&m);
	{
		const char *bad[] = {"1.0.0.0\t33\t1\n", "1.0.0\t24\t1\n",
		                     "1.0.0.0\t24\n", "1.0.0.0\t24\tASx\n",
		                     "1.0.0.0\t24\t99999999999\n"};
		size_t i;
		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			pmap_init(&m);
			CHECK(prefix2as_parse(bad[i], strlen(bad[i]), "t",
			                      &m) != 0);
			pmap_release(&m);
		}
	}
}

static void test_delegated(void)
{
	const char ok[] =
	    "2|apnic|20261127|3|19830613|20261126|+1000\n"
	    "apnic|*|ipv4|*|2|summary\n"
	    "apnic|AU|ipv4|1.0.0.0|256|20110811|assigned\n"
	    "apnic|cn|ipv4|1.0.1.0|768|20110414|allocated|A92E1062\n"
	    "apnic|JP|asn|173|1|20020801|allocated\n"
	    "apnic|JP|ipv6|2001:200::|35|19990813|allocated\n"
	    "apnic||ipv4|1.0.8.0|512||available\n";
	struct ranges r;
	const struct range_entry *e;
	char cc[3];

	ranges_init(&r);
	CHECK(delegated_parse(ok, strlen(ok), "t", &r) == 0);
	ranges_finish(&r);
	CHECK(r.n == 2);
	e = ranges_lookup(&r, ip(1, 0, 3, 255));
	CHECK(e != NULL);
	if (e) {
		cc_unpack(e->value, cc);
		CHECK_STR(cc, "CN");
	}
	CHECK(ranges_lookup(&r, ip(1, 0, 4, 0)) == NULL);
	CHECK(ranges_lookup(&r, ip(0, 255, 255, 255)) == NULL);
	ranges_release(&r);
	{
		const char *bad[] = {"apnic|AUS|ipv4|1.0.0.0|256|2011|x\n",
		                     "apnic|AU|ipv4|1.0.0.0|0|2011|x\n",
		                     "apnic|AU|ipv4|255.255.255.0|512|2011|x\n",
		                     "apnic|AU|ipv4|1.0.0.0\n"};
		size_t i;
		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			ranges_init(&r);
			CHECK(delegated_parse(bad[i], strlen(bad[i]), "t",
			                      &r) != 0);
			ranges_release(&r);
		}
	}
}

static void test_contacts(void)
{
	const char ok[] = "scope,email,organisation,role\n"
	                  "192.0.2.0/24,noc@a.example,A,abuse\n"
	                  "192.0.2.128/25,sec@b.example,\"B, Inc\"\n"
	                  "AS64500,abuse@c.example,C\n"
	                  "nl,cert@ncsc.example,NCSC\n";
	struct contacts k;
	char via[96];
	int c;

	contacts_init(&k);
	CHECK(contacts_parse(ok, strlen(ok), "t", &k) == 0);
	CHECK(k.n == 4);
	c = contacts_route(&k, ip(192, 0, 2, 200), 64500, "NL", via,
	                   sizeof via);
	CHECK(c == 1);
	CHECK_STR(via, "prefix 192.0.2.128/25");
	c = contacts_route(&k, ip(192, 0, 2, 5), 64500, "NL", via, sizeof via);
	CHECK(c == 0);
	c = contacts_route(&k, ip(198, 51, 100, 1), 64500, "NL", via,
	                   sizeof via);
	CHECK(c == 2);
	CHECK_STR(via, "AS64500");
	c = contacts_route(&k, ip(198, 51, 100, 1), 64511, "NL", via,
	                   sizeof via);
	CHECK(c == 3);
	CHECK_STR(k.c[3].role, "cert");
	CHECK(contacts_route(&k, ip(198, 51, 100, 1), 64511, "DE", via,
	                     sizeof via) == -1);
	CHECK_STR(via, "none");
	contacts_release(&k);
	{
		const char *bad[] = {
		    "192.0.2.0/24,not-an-address\n",
		    "192.0.2.0/24,a@b.example\r\nBcc: x@y.example,x\n",
		    "192.0.2.1/24,noc@a.example\n", /* host bits */
		    "mars,noc@a.example\n",
		    "192.0.2.0/24,noc@a.example,A,boss\n",
		    "192.0.2.0/24,\"noc@a.example\n"};
		size_t i;
		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			contacts_init(&k);
			CHECK(contacts_parse(bad[i], strlen(bad[i]), "t", &k) !=
			      0);
			contacts_release(&k);
		}
	}
}

static void test_suppress(void)
{
	const char list[] = "# opt-outs\nAbuse@A.example\n@b.example\n"
	                    "203.0.113.0/24\n198.51.100.7\n";
	struct suppress s;

	suppress_init(&s);
	CHECK(suppress_parse(list, strlen(list), "t", &s) == 0);
	CHECK(suppress_has(&s, "abuse@a.example", ip(1, 1, 1, 1)));
	CHECK(suppress_has(&s, "noc@b.example", ip(1, 1, 1, 1)));
	CHECK(!suppress_has(&s, "noc@a.example", ip(1, 1, 1, 1)));
	CHECK(suppress_has(&s, "noc@c.example", ip(203, 0, 113, 9)));
	CHECK(suppress_has(&s, "noc@c.example", ip(198, 51, 100, 7)));
	CHECK(!suppress_has(&s, "noc@c.example", ip(198, 51, 100, 8)));
	suppress_release(&s);
	suppress_init(&s);
	CHECK(suppress_parse("no such thing\n", 14, "t", &s) != 0);
	suppress_release(&s);
}

static void test_email_and_base64(void)
{
	struct buf b;

	CHECK(email_plain("abuse@example.net"));
	CHECK(!email_plain("abuse@example.net\r\nBcc: x@y.z"));
	CHECK(!email_plain("Abuse <abuse@example.net>"));
	CHECK(!email_plain("a@b@c.example"));
	CHECK(!email_plain("@example.net"));
	CHECK(!email_plain("abuse@localhost"));
	buf_init(&b, 1 << 20);
	base64_lines(&b, "Man", 3);
	CHECK(b.len == 6 && memcmp(b.p, "TWFu\r\n", 6) == 0);
	buf_reset(&b);
	base64_lines(&b, "Ma", 2);
	CHECK(b.len == 6 && memcmp(b.p, "TWE=\r\n", 6) == 0);
	buf_reset(&b);
	{
		char in[100];
		memset(in, 'x', sizeof in);
		base64_lines(&b, in, sizeof in);
		/* 76 characters, CRLF, the rest, CRLF */
		CHECK(b.len == 136 + 4 && b.p[76] == '\r' && b.p[77] == '\n');
	}
	buf_release(&b);
}

int main(void)
{
	log_verbosity = -1;
	test_pmap();
	test_prefix2as();
	test_delegated();
	test_contacts();
	test_suppress();
	test_email_and_base64();
	return check_done();
}
