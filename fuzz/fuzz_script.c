/* The behavioural web-shell analyser over arbitrary bytes: canonical form,
 * Base64 literals, the judgement. Must stay linear and never read out of
 * bounds, whatever the file holds. */
#include "hunt/script.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script_result r;
	char *canon = NULL;
	size_t n = 0;

	script_analyse(data, size, (size & 1) ? "web.config" : "x.aspx", &r);
	if (script_canonical(data, size, &canon, &n) == 0)
		free(canon);
	return 0;
}
