/* The lab's request parser, and a persona answering what it parsed. */
#include "lab/persona.h"
#include "net/http_req.h"
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req r;

	(void)http_req_parse((const char *)data, size, &r);
	return 0;
}
