/* RouteViews prefix2as files. */
#include "base/log.h"
#include "notify/netdata.h"
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pmap m;

	log_verbosity = -1;
	pmap_init(&m);
	if (prefix2as_parse((const char *)data, size, "fuzz", &m) == 0) {
		pmap_finish(&m);
		(void)pmap_lookup(&m, 0xc0000207u);
		(void)pmap_lookup(&m, 0);
		(void)pmap_lookup(&m, 0xffffffffu);
	}
	pmap_release(&m);
	return 0;
}
