#include "base/array.h"
#include "base/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

int array_reserve(void *pp, size_t *cap, size_t need, size_t size, size_t first)
{
	size_t ncap = *cap ? *cap : (first ? first : 1);
	void *p, *old;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return EXH_ENOMEM;
		ncap *= 2;
	}
	if (size && ncap > SIZE_MAX / size)
		return EXH_ENOMEM;
	memcpy(&old, pp, sizeof old);
	p = realloc(old, ncap * size);
	if (!p)
		return EXH_ENOMEM;
	memcpy(pp, &p, sizeof p);
	*cap = ncap;
	return 0;
}
