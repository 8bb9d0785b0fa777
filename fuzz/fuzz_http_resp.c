/* The HTTP response parser, fed in pieces whose sizes the input picks. */
#include "net/http_resp.h"
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_resp r;
	size_t step, off = 1, used;
	int rc = -6;

	if (size < 1)
		return 0;
	step = (size_t)(data[0] % 64) + 1;
	http_resp_init(&r, data[0] & 0x80);
	while (off < size) {
		size_t n = size - off < step ? size - off : step;
		rc = http_resp_feed(&r, (const char *)data + off, n, &used);
		if (used > n)
			__builtin_trap();
		if (rc != -6)
			break;
		off += n;
	}
	if (rc == -6)
		http_resp_eof(&r);
	if (rc == 0) {
		(void)http_resp_header(&r, "Location");
		(void)http_resp_header(&r, "X-OWA-Version");
	}
	http_resp_release(&r);
	return 0;
}
