/* The JSON reader (report import reads other runs' records), and what
 * the store makes of a parsed record before it binds it. */
#include "base/jsonr.h"
#include "store/store.h"
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct jdoc doc;
static struct store_rec rec;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;
	char buf[256];
	int i;

	if (jsonr_parse(&doc, (struct view){(const char *)data, size}, &why))
		return 0;
	for (i = 0; i < doc.count; i++)
		if (doc.n[i].type == J_STR)
			(void)jsonr_str(&doc, i, buf, sizeof buf);
	(void)jsonr_get(&doc, 0, "scan_id");
	(void)store_rec_make(&doc, &rec, &why);
	return 0;
}
