#include <stdarg.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <stdint.h>
/* libntfs-3g's headers expect its configure's answers. */
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_STDINT_H 1
#define HAVE_GETTIMEOFDAY 1
#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/layout.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>
#include "lab/ntfs_image.h"
#include "base/endian.h"
#include "base/err.h"
#include "base/log.h"
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "base/banned.h"

extern char **environ;

#define MIB (1ull << 20)
#define NTFS_EPOCH_DIFF 116444736000000000ull

static bool ends_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

const char *lab_image_kind(const char *path)
{
	if (ends_ci(path, ".raw") || ends_ci(path, ".dd") ||
	    ends_ci(path, ".img"))
		return "raw";
	if (ends_ci(path, ".e01"))
		return "E01";
	if (ends_ci(path, ".vhdx"))
		return "VHDX";
	if (ends_ci(path, ".vhd"))
		return "VHD";
	return NULL;
}

/* Runs a Debian tool (sbin included in its search), quietly; 0 when it
 * exited 0. */
static int run(const char *const *argv)
{
	static const char *const dirs[] = {"/usr/sbin/", "/sbin/", "/usr/bin/",
	                                   "/bin/", NULL};
	posix_spawn_file_actions_t fa;
	char path[256];
	int status = 0, nul, i;
	pid_t pid;

	for (i = 0; dirs[i]; i++) {
		snprintf(path, sizeof path, "%s%s", dirs[i], argv[0]);
		if (access(path, X_OK) == 0)
			break;
	}
	if (!dirs[i]) {
		log_error("lab host --image: %s is not installed (Debian "
		          "packages ntfs-3g, ewf-tools, qemu-utils)",
		          argv[0]);
		return EXH_ENOENT;
	}
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	if (nul >= 0) {
		posix_spawn_file_actions_adddup2(&fa, nul, 0);
		posix_spawn_file_actions_adddup2(&fa, nul, 1);
	}
	errno = posix_spawn(&pid, path, &fa, NULL, (char *const *)argv,
	                    environ);
	posix_spawn_file_actions_destroy(&fa);
	if (nul >= 0)
		close(nul);
	if (errno) {
		log_error("lab host --image: %s: %s", path, strerror(errno));
		return EXH_EIO;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_error("lab host --image: %s failed", argv[0]);
		return EXH_EIO;
	}
	return 0;
}

/* Bytes the tree holds, folders counted at a cluster each. */
static uint64_t tree_bytes(const char *dir, int depth)
{
	DIR *d = depth < 64 ? opendir(dir) : NULL;
	struct dirent *e;
	uint64_t n = 4096;

	if (!d)
		return n;
	while ((e = readdir(d))) {
		char p[4096];
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (lstat(p, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			n += tree_bytes(p, depth + 1);
		else if (S_ISREG(st.st_mode))
			n += ((uint64_t)st.st_size + 4095) / 4096 * 4096 + 1024;
	}
	closedir(d);
	return n;
}

static uint64_t ntfs_time_of(int64_t unix_s)
{
	return (uint64_t)(unix_s * 10000000ll) + NTFS_EPOCH_DIFF;
}

/* Sets creation, modification and access times (and libntfs-3g sets the
 * $FILE_NAME copies alike). */
static void set_times(ntfs_inode *ni, int64_t created, int64_t modified)
{
	unsigned char v[24];

	put_le64(v, ntfs_time_of(created));
	put_le64(v + 8, ntfs_time_of(modified));
	put_le64(v + 16, ntfs_time_of(modified));
	ntfs_inode_set_times(ni, (const char *)v, sizeof v, 0);
}

/* Sets $STANDARD_INFORMATION's creation time alone. */
static int stomp(ntfs_inode *ni, int64_t to)
{
	ntfs_attr_search_ctx *ctx = ntfs_attr_get_search_ctx(ni, NULL);
	STANDARD_INFORMATION *si;
	int rc = -1;

	if (!ctx)
		return -1;
	if (!ntfs_attr_lookup(AT_STANDARD_INFORMATION, AT_UNNAMED, 0,
	                      CASE_SENSITIVE, 0, NULL, 0, ctx)) {
		si = (STANDARD_INFORMATION *)((char *)ctx->attr +
		                              le16_to_cpu(
		                                  ctx->attr->value_offset));
		si->creation_time = cpu_to_sle64(ntfs_time_of(to));
		ni->creation_time = si->creation_time;
		ntfs_inode_mark_dirty(ctx->ntfs_ino);
		rc = 0;
	}
	ntfs_attr_put_search_ctx(ctx);
	return rc;
}

static int write_data(ntfs_inode *ni, int fd, const char *text, size_t tlen)
{
	ntfs_attr *na = ntfs_attr_open(ni, AT_DATA, AT_UNNAMED, 0);
	char chunk[65536];
	s64 off = 0;
	ssize_t n;

	if (!na)
		return -1;
	for (;;) {
		if (fd >= 0) {
			n = read(fd, chunk, sizeof chunk);
			if (n < 0 && errno == EINTR)
				continue;
		} else {
			n = (ssize_t)(tlen - (size_t)off);
			if (n > (ssize_t)sizeof chunk)
				n = sizeof chunk;
			if (n > 0)
				memcpy(chunk, text + off, (size_t)n);
		}
		if (n <= 0)
			break;
		if (ntfs_attr_pwrite(na, off, n, chunk) != n) {
			ntfs_attr_close(na);
			return -1;
		}
		off += n;
	}
	ntfs_attr_close(na);
	return n < 0 ? -1 : 0;
}

static ntfs_inode *create(ntfs_inode *dir, const char *name, mode_t type)
{
	ntfschar *u = NULL;
	int len = ntfs_mbstoucs(name, &u);
	ntfs_inode *ni;

	if (len <= 0 || len > 255) {
		free(u);
		return NULL;
	}
	ni = ntfs_create(dir, const_cpu_to_le32(0), u, (u8)len, type);
	free(u);
	return ni;
}

static int copy_tree(ntfs_inode *dir_ni, const char *dir, int depth)
{
	DIR *d = depth < 64 ? opendir(dir) : NULL;
	struct dirent *e;
	int rc = 0;

	if (!d) {
		log_error("lab host --image: %s: %s", dir, strerror(errno));
		return -1;
	}
	while (!rc && (e = readdir(d))) {
		char p[4096];
		struct stat st;
		ntfs_inode *ni;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (lstat(p, &st) || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
			continue;
		ni = create(dir_ni, e->d_name,
		            S_ISDIR(st.st_mode) ? S_IFDIR : S_IFREG);
		if (!ni) {
			log_error("lab host --image: %s: %s", p, strerror(errno));
			rc = -1;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = copy_tree(ni, p, depth + 1);
		} else {
			int fd = open(p, O_RDONLY | O_CLOEXEC);
			rc = fd < 0 ? -1 : write_data(ni, fd, NULL, 0);
			if (fd >= 0)
				close(fd);
			if (rc)
				log_error("lab host --image: %s: %s", p,
				          strerror(errno));
		}
		set_times(ni, (int64_t)st.st_mtime, (int64_t)st.st_mtime);
		if (ntfs_inode_close_in_dir(ni, dir_ni)) {
			log_error("lab host --image: %s: closing: %s", p,
			          strerror(errno));
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

/* Splits "a/b/c.aspx" into its folder ("/a/b") and name. */
static void split_path(const char *rel, char *dir, size_t cap,
                       const char **name)
{
	const char *slash = strrchr(rel, '/');

	snprintf(dir, cap, "/%.*s", slash ? (int)(slash - rel) : 0, rel);
	*name = slash ? slash + 1 : rel;
}

static int extras(ntfs_volume *vol, const struct image_extra *x)
{
	char dir[4096], full[4200];
	const char *name;
	ntfs_inode *dni, *ni;
	ntfschar *u = NULL;
	int len;

	if (x && x->stomped_path) {
		snprintf(full, sizeof full, "/%s", x->stomped_path);
		ni = ntfs_pathname_to_inode(vol, NULL, full);
		if (!ni || stomp(ni, x->stomped_to) || ntfs_inode_close(ni)) {
			log_error("lab host --image: cannot set back the times "
			          "of %s",
			          x->stomped_path);
			return -1;
		}
	}
	if (!x || !x->deleted_path)
		return 0;
	split_path(x->deleted_path, dir, sizeof dir, &name);
	dni = ntfs_pathname_to_inode(vol, NULL, dir);
	if (!dni)
		return -1;
	ni = create(dni, name, S_IFREG);
	if (!ni || write_data(ni, -1, x->deleted_text,
	                      strlen(x->deleted_text))) {
		if (ni)
			ntfs_inode_close(ni);
		ntfs_inode_close(dni);
		return -1;
	}
	len = ntfs_mbstoucs(name, &u);
	snprintf(full, sizeof full, "%s/%s", dir, name);
	/* ntfs_delete closes both inodes */
	if (len <= 0 || ntfs_delete(vol, full, ni, dni, u, (u8)len)) {
		free(u);
		return -1;
	}
	free(u);
	return 0;
}

/* An MBR with one NTFS partition at 1 MiB, as Windows lays out disks. */
static int assemble(const char *vol, const char *disk, uint64_t vol_size)
{
	unsigned char mbr[512] = {0};
	int in = open(vol, O_RDONLY | O_CLOEXEC);
	int out = open(disk, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	off_t ioff = 0, ooff = (off_t)MIB;
	int rc = 0;

	if (in < 0 || out < 0) {
		rc = -1;
		goto done;
	}
	put_le32(mbr + 440, 0x45584855u); /* disk signature "UHXE" */
	mbr[446 + 4] = 0x07;               /* NTFS */
	put_le32(mbr + 446 + 8, (uint32_t)(MIB / 512));
	put_le32(mbr + 446 + 12, (uint32_t)(vol_size / 512));
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	if (pwrite(out, mbr, sizeof mbr, 0) != (ssize_t)sizeof mbr ||
	    ftruncate(out, (off_t)(MIB + vol_size))) {
		rc = -1;
		goto done;
	}
	while ((uint64_t)ioff < vol_size) {
		ssize_t n = copy_file_range(in, &ioff, out, &ooff,
		                            (size_t)(vol_size - (uint64_t)ioff),
		                            0);
		if (n <= 0) {
			rc = -1;
			break;
		}
	}
done:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out))
		rc = -1;
	return rc;
}

int lab_image_write(const char *dir, const char *path,
                    const struct image_extra *x)
{
	const char *kind = lab_image_kind(path);
	char vol[4200], disk[4200], target[4200], sectors[32];
	uint64_t size;
	ntfs_volume *v;
	int fd, rc = EXH_EIO;

	if (!kind) {
		log_error("lab host --image %s: name it .raw, .dd, .img, .E01, "
		          ".vhd or .vhdx",
		          path);
		return EXH_EINVAL;
	}
	if (access(path, F_OK) == 0) {
		log_error("lab host --image %s: already exists", path);
		return EXH_EINVAL;
	}
	size = (tree_bytes(dir, 0) * 5 / 4 + 8 * MIB + MIB - 1) / MIB * MIB;
	snprintf(vol, sizeof vol, "%s.volume.tmp", path);
	snprintf(disk, sizeof disk, "%s.disk.tmp", path);
	unlink(vol);
	unlink(disk);
	fd = open(vol, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, (off_t)size)) {
		log_error("lab host --image: %s: %s", vol, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXH_EIO;
	}
	close(fd);
	snprintf(sectors, sizeof sectors, "%llu",
	         (unsigned long long)(MIB / 512));
	{
		const char *const mk[] = {"mkntfs", "-F", "-Q", "-q", "-s", "512",
		                          "-c", "4096", "-p", sectors, "-H",
		                          "255", "-S", "63", "-L",
		                          "Exchange", vol, NULL};
		if (run(mk))
			goto out;
	}
	v = ntfs_mount(vol, NTFS_MNT_NONE);
	if (!v) {
		log_error("lab host --image: libntfs-3g cannot open %s: %s",
		          vol, strerror(errno));
		goto out;
	}
	{
		ntfs_inode *root = ntfs_inode_open(v, FILE_root);
		int crc = root ? copy_tree(root, dir, 0) : -1;
		if (root)
			ntfs_inode_close(root);
		if (crc)
			log_error("lab host --image: copying the tree into "
			          "the volume failed: %s",
			          strerror(errno));
		if (!crc && extras(v, x)) {
			log_error("lab host --image: the deleted or stomped "
			          "file could not be made: %s",
			          strerror(errno));
			crc = -1;
		}
		if (ntfs_umount(v, FALSE) || crc) {
			log_error("lab host --image: writing the NTFS volume "
			          "failed");
			goto out;
		}
	}
	if (!strcmp(kind, "raw")) {
		if (assemble(vol, path, size))
			goto out;
		rc = 0;
		goto out;
	}
	if (assemble(vol, disk, size))
		goto out;
	if (!strcmp(kind, "E01")) {
		/* ewfacquire names the target without its extension */
		size_t n = strlen(path);
		snprintf(target, sizeof target, "%.*s", (int)(n - 4), path);
		const char *const ewf[] = {"ewfacquire", "-u", "-q", "-t", target,
		                           "-f", "encase6", "-c", "deflate:fast",
		                           "-C", "lab", "-D", "exhunt lab host",
		                           "-e", "exhunt", "-E", "1", "-N",
		                           "lab image", disk, NULL};
		if (run(ewf))
			goto out;
	} else {
		const char *const q[] = {"qemu-img", "convert", "-q", "-f", "raw",
		                         "-O", strcmp(kind, "VHDX") ? "vpc"
		                                                    : "vhdx",
		                         disk, path, NULL};
		if (run(q))
			goto out;
	}
	rc = 0;
out:
	unlink(vol);
	unlink(disk);
	return rc;
}
