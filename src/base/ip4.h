/* IPv4 addresses and prefixes as host-order integers. */
#ifndef EXH_BASE_IP4_H
#define EXH_BASE_IP4_H
#include "base/view.h"
#include <stdbool.h>
#include <stdint.h>

#define IP4_STRLEN 16

struct cidr4 {
	uint32_t base; /* network address, host bits zero */
	uint8_t len;   /* prefix length, 0..32 */
};

/* Parses dotted-quad a.b.c.d strictly (no leading zeros, no shorthand). */
bool ip4_parse(struct view v, uint32_t *out);
/* Parses "a.b.c.d" or "a.b.c.d/len". Host bits set below the prefix are an
 * error (EXH_EINVAL) so a typo is not silently widened; *why says what. */
int cidr4_parse(struct view v, struct cidr4 *out, const char **why);
/* Writes the dotted quad into dst (IP4_STRLEN bytes). */
void ip4_format(uint32_t ip, char dst[IP4_STRLEN]);
static inline uint64_t cidr4_size(struct cidr4 c)
{
	return (uint64_t)1 << (32 - c.len);
}
static inline bool cidr4_contains(struct cidr4 c, uint32_t ip)
{
	return c.len == 0 || (ip >> (32 - c.len)) == (c.base >> (32 - c.len));
}

#endif
