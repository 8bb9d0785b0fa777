/* Microsoft's Script Encoder decoder over arbitrary bytes (a page, a .vbe
 * file): never reads or writes out of its buffer, never grows the text,
 * stays linear however many markers and lengths the input claims. And
 * the encoder's output of any ASCII text decodes back to that text. */
#include "hunt/screnc.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct screnc_count c = {0, 0};
	uint8_t *p = malloc(size ? size : 1);
	char *enc;
	size_t m, i, cap = 2 * size + 24;
	bool ascii = true;

	if (!p)
		return 0;
	memcpy(p, data, size);
	if (screnc_decode(p, size, &c) > size)
		abort();
	for (i = 0; i < size; i++)
		if (data[i] >= 0x7f)
			ascii = false;
	if (ascii && (enc = malloc(cap))) {
		m = screnc_encode(data, size, enc, cap);
		if (!m)
			abort();
		memset(&c, 0, sizeof c);
		m = screnc_decode((uint8_t *)enc, m, &c);
		if (c.decoded != 1 || c.failed || m != size ||
		    memcmp(enc, data, size))
			abort();
		free(enc);
	}
	free(p);
	return 0;
}
