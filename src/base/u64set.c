/* The set of base/u64set.h. */
#include "base/u64set.h"
#include "base/err.h"
#include <stdlib.h>
#include "base/banned.h"

static size_t home(const struct u64set *s, uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ull;

	return (size_t)(h ^ h >> 29) & (s->cap - 1);
}

/* The slot of key, or the free slot where it would go. */
static uint64_t *find(const struct u64set *s, uint64_t key)
{
	size_t i;

	for (i = home(s, key); s->slot[i] && s->slot[i] != key + 1;
	     i = (i + 1) & (s->cap - 1))
		;
	return &s->slot[i];
}

bool u64set_has(const struct u64set *s, uint64_t key)
{
	return s->cap && *find(s, key) == key + 1;
}

int u64set_add(struct u64set *s, uint64_t key)
{
	uint64_t *slot;

	if (u64set_has(s, key))
		return 0;
	if (s->max && s->n >= s->max)
		return 1;
	if ((s->n + 1) * 2 > s->cap) {
		struct u64set old = *s;
		size_t i;
		s->cap = old.cap ? old.cap * 2 : 1024;
		s->slot = calloc(s->cap, sizeof *s->slot);
		if (!s->slot) {
			*s = old;
			return EXH_ENOMEM;
		}
		for (i = 0; i < old.cap; i++)
			if (old.slot[i])
				*find(s, old.slot[i] - 1) = old.slot[i];
		free(old.slot);
	}
	slot = find(s, key);
	*slot = key + 1;
	s->n++;
	return 0;
}

void u64set_free(struct u64set *s)
{
	free(s->slot);
	s->slot = NULL;
	s->cap = s->n = 0;
}
