/* SHA-256 of a stream: OpenSSL on Linux, the Windows API (bcrypt) in the
 * Windows build, which needs no OpenSSL. */
#ifndef EXH_BASE_HASH_H
#define EXH_BASE_HASH_H
#include <stdbool.h>
#include <stddef.h>

struct sha256;

/* NULL when out of memory. */
struct sha256 *sha256_new(void);
void sha256_update(struct sha256 *s, const void *p, size_t n);
/* The digest as 64 lower-case hex digits and a NUL; false on failure. */
bool sha256_hex(struct sha256 *s, char out[65]);
void sha256_free(struct sha256 *s);

#endif
