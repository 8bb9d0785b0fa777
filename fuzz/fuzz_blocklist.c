/* Blocklists in zmap's format. */
#include "base/log.h"
#include "scan/ipset.h"
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipset s;

	log_verbosity = -1;
	ipset_init(&s);
	if (ipset_parse(&s, (const char *)data, size, "fuzz") == 0) {
		ipset_finish(&s);
		(void)ipset_contains(&s, 0x7f000001u);
	}
	ipset_release(&s);
	return 0;
}
