/* Growing arrays of fixed-size elements: the one place that doubles a
 * capacity and reallocates. */
#ifndef EXH_BASE_ARRAY_H
#define EXH_BASE_ARRAY_H
#include <stddef.h>

/* Makes room for need elements of size bytes in the array *pp points to
 * (pp is the address of the array pointer), whose capacity is *cap:
 * doubles it, starting at first, until need fits. EXH_ENOMEM (the array
 * unchanged) when memory or size_t runs out. */
int array_reserve(void *pp, size_t *cap, size_t need, size_t size,
                  size_t first);

#endif
