#include "lab/dns.h"
#include "base/ip4.h"
#include "base/limits.h"
#include "lab/persona.h"
#include <string.h>
#include "base/banned.h"

/* Reads the question name as dotted text; returns the offset after it. */
static size_t qname(const unsigned char *q, size_t n, size_t at, char *dst,
                    size_t cap)
{
	size_t o = 0;

	while (at < n) {
		size_t len = q[at++];
		if (len == 0) {
			if (o == 0 && cap)
				dst[0] = '\0';
			else if (o)
				dst[o - 1] = '\0';
			return at;
		}
		if (len > 63 || at + len > n || o + len + 1 >= cap)
			return 0;
		memcpy(dst + o, q + at, len);
		o += len;
		dst[o++] = '.';
		at += len;
	}
	return 0;
}

/* ex-A-B-C-D.lab.exhunt.test -> address */
static int name_ip(const char *name, uint32_t *ip)
{
	static const char suffix[] = "." LAB_ZONE;
	size_t n = strlen(name), s = sizeof suffix - 1;
	char quad[32];
	size_t i;

	if (n <= s + 3 || strncasecmp(name, "ex-", 3) != 0 ||
	    strcasecmp(name + n - s, suffix) != 0 || n - s - 3 >= sizeof quad)
		return -1;
	memcpy(quad, name + 3, n - s - 3);
	quad[n - s - 3] = '\0';
	for (i = 0; quad[i]; i++)
		if (quad[i] == '-')
			quad[i] = '.';
	return ip4_parse(view_of(quad), ip) ? 0 : -1;
}

size_t lab_dns_answer(const unsigned char *q, size_t n, uint32_t base,
                      uint64_t count, unsigned char *out, size_t cap)
{
	char name[256];
	size_t end;
	unsigned qtype;
	uint32_t ip = 0;
	bool found;

	if (n < 12 || n > LIM_DNS_PACKET || (q[2] & 0x80) || q[4] != 0 ||
	    q[5] != 1)
		return 0;
	end = qname(q, n, 12, name, sizeof name);
	if (!end || end + 4 > n || end + 4 + 16 > cap)
		return 0;
	qtype = (unsigned)q[end] << 8 | q[end + 1];
	found = name_ip(name, &ip) == 0 && ip >= base &&
	        (uint64_t)(ip - base) < count;
	memcpy(out, q, end + 4);
	out[2] = 0x84 | (q[2] & 0x01); /* response, authoritative, RD copied */
	out[3] = found ? 0 : 3;        /* NOERROR or NXDOMAIN */
	out[6] = out[7] = out[8] = out[9] = out[10] = out[11] = 0;
	if (!found || qtype != 1)
		return end + 4;
	out[7] = 1;
	{
		unsigned char *a = out + end + 4;
		a[0] = 0xc0;
		a[1] = 12; /* name: pointer to the question */
		a[2] = 0;
		a[3] = 1; /* A */
		a[4] = 0;
		a[5] = 1; /* IN */
		a[6] = 0;
		a[7] = 0;
		a[8] = 0;
		a[9] = 60; /* TTL */
		a[10] = 0;
		a[11] = 4;
		a[12] = (unsigned char)(ip >> 24);
		a[13] = (unsigned char)(ip >> 16);
		a[14] = (unsigned char)(ip >> 8);
		a[15] = (unsigned char)ip;
	}
	return end + 4 + 16;
}
