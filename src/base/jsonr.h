/* Reading JSON: a bounded parser into a flat array of nodes (no
 * allocation per node), for records exhunt wrote itself or got from
 * other runs. Depth, node count and string sizes are capped. */
#ifndef EXH_BASE_JSONR_H
#define EXH_BASE_JSONR_H
#include "base/limits.h"
#include "base/view.h"
#include <stdbool.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype type;
	struct view raw; /* the text: for strings, without the quotes (still
	                    escaped) */
	int key;         /* in an object: index of the key node, else -1 */
	int parent;
	int next;   /* next sibling, -1 at the end */
	int first;  /* first child of an array or object, -1 if none */
	bool truth; /* J_BOOL */
	bool esc;   /* J_STR: raw holds an escape (else raw is the text) */
};

/* The nodes of one parsed value. n points at own unless the caller
 * points it at room of its own for LIM_JSON_NODES nodes before parsing
 * (so parsed records can be kept without copying them). */
struct jdoc {
	struct jnode *n;
	int count;
	struct jnode own[LIM_JSON_NODES];
};

/* Parses text (one value, surrounding spaces allowed) into d->n (d->own
 * when n is NULL). 0 or EXH_EINVAL (malformed, or past a cap); *why says
 * what. */
int jsonr_parse(struct jdoc *d, struct view text, const char **why);
/* The member named key of object node obj, or -1. */
int jsonr_get(const struct jdoc *d, int obj, const char *key);
/* Unescapes a string node into dst (cap bytes, NUL-terminated); \u
 * escapes outside ASCII become '?'. false if it does not fit. */
bool jsonr_str(const struct jdoc *d, int node, char *dst, size_t cap);
/* The integer a number node holds (no fraction or exponent, in range),
 * or false. */
bool jsonr_int(const struct jdoc *d, int node, long long *out);

#endif
