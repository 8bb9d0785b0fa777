/* Target lists (addresses, prefixes, names, zmap and masscan lines). */
#include "base/log.h"
#include "scan/targets.h"
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct targets t;
	struct target one;

	log_verbosity = -1;
	targets_init(&t);
	if (targets_parse(&t, (const char *)data, size, "fuzz") == 0) {
		targets_finish(&t);
		if (targets_total(&t))
			targets_get(&t, targets_total(&t) - 1, &one);
	}
	targets_release(&t);
	return 0;
}
