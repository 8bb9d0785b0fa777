/* Whole-file reads with a cap, and the data/ tables. */
#ifndef EXH_BASE_FILE_H
#define EXH_BASE_FILE_H
#include "base/buf.h"

/* Reads path into out (initialised here, capped at max bytes). On failure
 * returns EXH_EIO or EXH_ELIMIT with errno-style text in why. */
int file_read(const char *path, size_t max, struct buf *out, const char **why);
/* Loads data table name: from dir when dir is set (the --data override),
 * else from the copy compiled into the binary. */
int data_load(const char *dir, const char *name, struct buf *out);
/* Writes data to path atomically (temp file, fsync, rename). */
int file_write_atomic(const char *path, const void *data, size_t len);

#endif
