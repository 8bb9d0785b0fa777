/* The lab resolver's query parser. */
#include "lab/dns.h"
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char out[600];

	(void)lab_dns_answer(data, size, 0x7f4d0000u, 4096, out, sizeof out);
	return 0;
}
