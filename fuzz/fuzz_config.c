/* applicationHost.config and agents.config read as text (hunt/
 * detect_config.c): the evidence's bytes, possibly crafted. */
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
	detect_config_text(&h, "a",
	                   size && data[0] & 1 ? "agents.config"
	                                       : "applicationhost.config",
	                   (const char *)data, size);
	hunt_release(&h);
	return 0;
}
