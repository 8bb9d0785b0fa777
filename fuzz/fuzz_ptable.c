/* Partition tables (hunt/ptable.c): the input is the disk's first bytes
 * (the rest of a 1 TiB disk reads as zeros); every entry is the image
 * maker's. Checks that no read leaves the disk and no volume lies past
 * it. */
#include "hunt/ptable.h"
#include "base/limits.h"
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct disk {
	const uint8_t *p;
	size_t n;
	uint64_t size;
};

static int rd(void *arg, uint64_t off, void *buf, size_t n)
{
	struct disk *d = arg;

	if (off > d->size || n > d->size - off)
		abort(); /* ptable_find must check before it reads */
	memset(buf, 0, n);
	if (off < d->n)
		memcpy(buf, d->p + off, d->n - off < n ? d->n - off : n);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pvol v[LIM_IMAGE_VOLUMES];
	struct disk d = {data, size, size < 8 ? size : (1ull << 40)};
	int i, n, damage;

	n = ptable_find(rd, &d, d.size, v, LIM_IMAGE_VOLUMES, &damage);
	for (i = 0; i < n; i++)
		if (v[i].offset >= d.size || v[i].size > d.size - v[i].offset)
			abort();
	return 0;
}
