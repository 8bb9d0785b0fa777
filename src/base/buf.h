/* A growable byte buffer with a hard cap. Always NUL-terminated past len so
 * text can be handed to C string functions, but it may hold NUL bytes. */
#ifndef EXH_BASE_BUF_H
#define EXH_BASE_BUF_H
#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *p;    /* NULL until the first append */
	size_t len; /* bytes in use */
	size_t cap; /* bytes allocated */
	size_t max; /* appends that would pass this fail with EXH_ELIMIT */
	int err;    /* the first failed append's error, 0 if none */
};

/* Prepares an empty buffer that will never hold more than max bytes. */
void buf_init(struct buf *b, size_t max);
/* Frees the memory; the buffer may be used again after buf_init. */
void buf_release(struct buf *b);
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Appends n bytes. EXH_ELIMIT past the cap, EXH_ENOMEM; b is unchanged
 * on error. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
/* Appends formatted text (printf rules). */
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* A sequence of writes is checked once, as stdio's ferror: every append
 * that fails (here or in a writer built on these) keeps its error in the
 * buffer, later appends still work, and buf_error gives the first error at
 * the end. buf_init and buf_reset clear it. buf_latch keeps an error that
 * did not come from an append (a query, a conversion) the same way. */
static inline int buf_latch(struct buf *b, int rc)
{
	if (rc && !b->err)
		b->err = rc;
	return b->err;
}
static inline int buf_error(const struct buf *b)
{
	return b->err;
}
/* Removes the first n bytes. */
void buf_consume(struct buf *b, size_t n);
/* Makes room for n more bytes and returns where they go (not counted in
 * len until buf_commit). NULL on cap or allocation failure. */
char *buf_reserve(struct buf *b, size_t n);
void buf_commit(struct buf *b, size_t n);

#endif
