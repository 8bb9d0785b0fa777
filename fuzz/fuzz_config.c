/* applicationHost.config, web.config and agents.config read as text
 * (hunt/detect_config.c): the evidence's bytes, possibly crafted. */
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
	static const char *const names[] = {"applicationhost.config",
	                                    "agents.config", "web.config",
	                                    "applicationhost.config"};

	detect_config_text(&h, "a", names[size ? data[0] & 3 : 0],
	                   (const char *)data, size);
	hunt_release(&h);
	return 0;
}
