#include "base/ip4.h"
#include "base/err.h"
#include <stdio.h>
#include "base/banned.h"

bool ip4_parse(struct view v, uint32_t *out)
{
	uint32_t ip = 0;
	int part;

	for (part = 0; part < 4; part++) {
		struct view num;
		uint64_t n;
		bool more = view_split(&v, '.', &num);
		if ((part < 3) != more)
			return false;
		if (num.len > 1 && num.p[0] == '0')
			return false;
		if (!view_to_u64(num, 255, &n))
			return false;
		ip = (ip << 8) | (uint32_t)n;
	}
	*out = ip;
	return true;
}

int cidr4_parse(struct view v, struct cidr4 *out, const char **why)
{
	struct view addr;
	uint64_t len = 32;
	uint32_t ip;
	bool has_len = view_split(&v, '/', &addr);

	if (!ip4_parse(addr, &ip)) {
		*why = "not an IPv4 address";
		return EXH_EINVAL;
	}
	if (has_len && !view_to_u64(v, 1000, &len)) {
		*why = "prefix length is not a number";
		return EXH_EINVAL;
	}
	if (len > 32) {
		*why = "prefix length over 32";
		return EXH_EINVAL;
	}
	if (len < 32 && (ip & (uint32_t)(0xffffffffu >> len)) != 0) {
		*why = "address has bits set below the prefix length";
		return EXH_EINVAL;
	}
	out->base = ip;
	out->len = (uint8_t)len;
	return 0;
}

void ip4_format(uint32_t ip, char dst[IP4_STRLEN])
{
	snprintf(dst, IP4_STRLEN, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
	         (ip >> 8) & 255, ip & 255);
}
