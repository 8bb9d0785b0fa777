/* RIR delegated stats files. */
#include "base/log.h"
#include "notify/netdata.h"
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ranges r;

	log_verbosity = -1;
	ranges_init(&r);
	if (delegated_parse((const char *)data, size, "fuzz", &r) == 0) {
		ranges_finish(&r);
		(void)ranges_lookup(&r, 0xc0000207u);
		(void)ranges_lookup(&r, 0xffffffffu);
	}
	ranges_release(&r);
	return 0;
}
