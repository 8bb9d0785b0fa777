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
/* Writes data to path atomically: a unique temporary name beside it
 * created exclusively (never through a link), fsync, rename, fsync of the
 * folder. The descriptor is closed and the temporary removed on every
 * failure. */
int file_write_atomic(const char *path, const void *data, size_t len);

/* Opens path for writing a report that must never land in the evidence
 * at root_fd: without following a link, refusing a file with other names
 * (a hard link), a file that is not a regular file, and a file whose
 * folder or any folder above it is root_fd's folder (whatever path or
 * bind mount leads there, compared by device and inode). The file is
 * truncated only after these checks. Returns the descriptor, or -1 with
 * *why set. */
int file_open_outside(const char *path, int root_fd, const char **why);

#endif
