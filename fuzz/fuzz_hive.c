/* The registry reader's line protocol (hunt/child.c) and the hive checks
 * over it: key names and value data in a crafted hive are the
 * attacker's, and reach these lines unchanged. */
#include "hunt/detect.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hunt h;

	memset(&h, 0, sizeof h);
	h.root = "fuzz";
	detect_hive_lines(&h, "SYSTEM", (const char *)data, size);
	hunt_release(&h);
	return 0;
}
