/* Contacts files and suppression lists (exhunt notify send). */
#include "base/log.h"
#include "notify/netdata.h"
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct contacts k;
	struct suppress s;
	char via[96];

	log_verbosity = -1;
	contacts_init(&k);
	if (contacts_parse((const char *)data, size, "fuzz", &k) == 0)
		(void)contacts_route(&k, 0xc0000207u, 64500, "NL", via,
		                     sizeof via);
	contacts_release(&k);
	suppress_init(&s);
	if (suppress_parse((const char *)data, size, "fuzz", &s) == 0)
		(void)suppress_has(&s, "abuse@example.net", 0xc0000207u);
	suppress_release(&s);
	return 0;
}
