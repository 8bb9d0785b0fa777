/* The lab's writer of registry hives (regf): keys with their last-written
 * times and values, one hive bin, the base block with its checksum. Enough
 * of the format that libregf (and Windows' own tools) read back what was
 * set: named after the format's description in libregf's documentation.
 * Written for `exhunt lab host`. */
#ifndef EXH_LAB_REGF_WRITE_H
#define EXH_LAB_REGF_WRITE_H
#include <stddef.h>
#include <stdint.h>

enum {
	REGF_SZ = 1,
	REGF_EXPAND_SZ = 2,
	REGF_BINARY = 3,
	REGF_DWORD = 4,
};

struct regf;

struct regf *regf_new(int64_t time);
/* Sets a value (value NULL: the key only) under key_path ('\\'-separated
 * from the root), creating keys on the way with time as their last write.
 * Strings are UTF-8 here and stored as UTF-16LE. 0 or EXH_ENOMEM. */
int regf_set_sz(struct regf *r, const char *key_path, const char *value,
                uint32_t type, const char *text, int64_t time);
int regf_set_dword(struct regf *r, const char *key_path, const char *value,
                   uint32_t v, int64_t time);
int regf_set_binary(struct regf *r, const char *key_path, const char *value,
                    const void *data, size_t n, int64_t time);
int regf_save(struct regf *r, const char *path);
void regf_free(struct regf *r);

#endif
