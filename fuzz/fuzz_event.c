/* One event record's XML (hunt/event.c) and every event check over it:
 * values in a forged or damaged log are the attacker's. */
#include "hunt/detect.h"
#include "hunt/event.h"
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hunt h;
	char *xml[2];
	size_t half = size / 2;

	/* two records (a split 4104 block can join across them) */
	xml[0] = malloc(half + 1);
	xml[1] = malloc(size - half + 1);
	if (xml[0] && xml[1]) {
		memcpy(xml[0], data, half);
		xml[0][half] = '\0';
		memcpy(xml[1], data + half, size - half);
		xml[1][size - half] = '\0';
		memset(&h, 0, sizeof h);
		h.root = "fuzz";
		detect_event_records(&h, "fuzz.evtx", (const char *const *)xml,
		                     2);
		hunt_release(&h);
	}
	free(xml[0]);
	free(xml[1]);
	return 0;
}
