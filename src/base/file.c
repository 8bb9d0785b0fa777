#include "base/file.h"
#include <sys/stat.h>
#include "base/embedded.h"
#include "base/err.h"
#include "base/log.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/banned.h"

int file_read(const char *path, size_t max, struct buf *out, const char **why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = 0;

	buf_init(out, max);
	if (fd < 0) {
		*why = strerror(errno);
		return EXH_EIO;
	}
	for (;;) {
		char *dst = buf_reserve(out, 65536);
		ssize_t n;
		if (!dst) {
			/* Near the cap: try the last bytes before giving up. */
			dst = buf_reserve(out, 1);
			if (!dst) {
				*why = "file is larger than the limit";
				rc = EXH_ELIMIT;
				break;
			}
			n = read(fd, dst, 1);
		} else {
			n = read(fd, dst, 65536);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*why = strerror(errno);
			rc = EXH_EIO;
			break;
		}
		if (n == 0)
			break;
		buf_commit(out, (size_t)n);
	}
	close(fd);
	if (rc)
		buf_release(out);
	else if (!out->p && buf_add(out, "", 0))
		rc = EXH_ENOMEM;
	return rc;
}

int data_load(const char *dir, const char *name, struct buf *out)
{
	const struct embedded_file *e;

	if (dir) {
		char path[4096];
		const char *why = "";
		int rc;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >=
		    sizeof path)
			return EXH_ELIMIT;
		rc = file_read(path, 64u << 20, out, &why);
		if (rc)
			log_error("%s: %s", path, why);
		return rc;
	}
	for (e = embedded_files; e->name; e++) {
		if (strcmp(e->name, name) == 0) {
			buf_init(out, e->len + 1);
			return buf_add(out, e->data, e->len);
		}
	}
	log_error("%s: not compiled into this binary", name);
	return EXH_ENOENT;
}
#ifndef _WIN32 /* the Windows build writes its report with base/win.c */

int file_write_atomic(const char *path, const void *data, size_t len)
{
	char tmp[4096], dir[4096];
	const char *p = data, *slash;
	int fd, dfd, rc = 0;

	/* A unique name created exclusively (mkostemp: O_CREAT|O_EXCL, so
	 * never through a link planted in its place), written, synced and
	 * closed whatever happens, renamed over the target; then the folder
	 * is synced so the rename itself survives a crash. */
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= sizeof tmp)
		return EXH_ELIMIT;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return EXH_EIO;
	if (fchmod(fd, 0644))
		rc = EXH_EIO;
	while (!rc && len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = EXH_EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (!rc && fsync(fd))
		rc = EXH_EIO;
	if (close(fd) && !rc)
		rc = EXH_EIO;
	if (!rc && rename(tmp, path))
		rc = EXH_EIO;
	if (rc) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return rc;
	}
	slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		/* Some file systems cannot sync a folder (EINVAL): the data
		 * is synced, which is what they offer. */
		if (fsync(dfd) && errno != EINVAL)
			rc = EXH_EIO;
		close(dfd);
	}
	return rc;
}

int file_open_outside(const char *path, int root_fd, const char **why)
{
	struct stat root, st, cur, up;
	const char *slash = strrchr(path, '/'),
	           *base = slash ? slash + 1 : path;
	char parent[4096];
	int fd = -1, pdir, dir, depth;

	if (fstat(root_fd, &root)) {
		*why = strerror(errno);
		return -1;
	}
	if (!*base) {
		*why = "it names a folder";
		return -1;
	}
	if (slash && slash != path)
		snprintf(parent, sizeof parent, "%.*s", (int)(slash - path),
		         path);
	else
		snprintf(parent, sizeof parent, "%s", slash ? "/" : ".");
	/* The folders first, before anything is created: the folder that
	 * will hold the file and every folder above it. */
	pdir = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (pdir < 0) {
		*why = strerror(errno);
		return -1;
	}
	dir = dup(pdir);
	for (depth = 0; dir >= 0 && depth < 4096; depth++) {
		int next;
		if (fstat(dir, &cur))
			break;
		if (cur.st_dev == root.st_dev && cur.st_ino == root.st_ino) {
			*why = "it lies inside the evidence folder";
			close(dir);
			close(pdir);
			return -1;
		}
		next = openat(dir, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (next < 0 || fstat(next, &up) ||
		    (up.st_dev == cur.st_dev && up.st_ino == cur.st_ino)) {
			if (next >= 0)
				close(next);
			break; /* the top */
		}
		close(dir);
		dir = next;
	}
	if (dir >= 0)
		close(dir);
	fd = openat(pdir, base,
	            O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
	            0644);
	close(pdir);
	if (fd < 0) {
		*why =
		    errno == ELOOP ? "it is a symbolic link" : strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		close(fd);
		return -1;
	}
	if (st.st_nlink > 1) {
		*why = "the file has other names (a hard link)";
		close(fd);
		return -1;
	}
	if (ftruncate(fd, 0)) {
		*why = strerror(errno);
		close(fd);
		return -1;
	}
	return fd;
}
#endif
