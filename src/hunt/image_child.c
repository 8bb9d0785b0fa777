/* The disk-image reader's child side (see hunt/image.h for the messages):
 * the image layer (libewf, libvhdi or the file itself), the partition
 * table (hunt/ptable.c), then per NTFS volume the live file system
 * (libfsntfs), the deleted MFT entries of script files, and every shadow
 * copy (libvshadow) compared with the live volume. */
#include "hunt/image.h"
#include "hunt/child.h"
#include "hunt/detect.h"
#include "hunt/ptable.h"
#include "hunt/walk.h"
#include "base/buf.h"
#include "base/limits.h"
#include "base/text.h"
#include "base/timefmt.h"
#include <errno.h>
#include <fcntl.h>
#ifndef _WIN32
#include <libbfio.h>
#endif
#include <libewf.h>
#include <libfsntfs.h>
#include <libvhdi.h>
#include <libvshadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef _WIN32
#include <io.h>
#include <windows.h>
#else
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/resource.h>
#include <sys/socket.h>
#endif
#include "base/banned.h"

#ifdef _WIN32
/* Each library of the Windows build keeps a private libbfio, its names
 * prefixed by tools/win/deps.sh (hunt/child.h): a handle for libfsntfs is
 * made by libfsntfs's copy, one for libvshadow by libvshadow's. Their
 * handle and error types are opaque here. */
typedef intptr_t bfio_t;
typedef void bfio_err_t;
bfio_init_fn libfsntfs__libbfio_handle_initialize;
bfio_init_fn libvshadow__libbfio_handle_initialize;
int libfsntfs__libbfio_handle_open(intptr_t *h, int flags, void **e);
int libvshadow__libbfio_handle_open(intptr_t *h, int flags, void **e);
int libfsntfs__libbfio_handle_free(intptr_t **h, void **e);
int libvshadow__libbfio_handle_free(intptr_t **h, void **e);
int libfsntfs_volume_open_file_io_handle(libfsntfs_volume_t *v, intptr_t *io,
                                         int flags, libfsntfs_error_t **e);
int libvshadow_volume_open_file_io_handle(libvshadow_volume_t *v, intptr_t *io,
                                          int flags, libvshadow_error_t **e);
#define LIBBFIO_OPEN_READ 1
#define LIBBFIO_ACCESS_FLAG_WRITE 2
#define LIBBFIO_FLAG_IO_HANDLE_MANAGED 1
#define LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION 2
#else
typedef libbfio_handle_t bfio_t;
typedef libbfio_error_t bfio_err_t;
#define SOCK_FD 3
#endif
/* Which library a libbfio handle is made for. */
enum bfio_for { FOR_NTFS, FOR_VSS };
#define NTFS_ROOT 5
#define MAX_PARENTS 64 /* levels followed naming a deleted entry */

/* --- messages ------------------------------------------------------------ */

static struct buf msg;
static int unacked; /* files sent, not yet taken by the parent */
static uint64_t step, after; /* steps up to after are walked silently */
static bool restarted;

static void field(const char *s, bool last)
{
	for (; *s; s++) {
		const char *esc = *s == '\\'   ? "\\\\"
		                  : *s == '\t' ? "\\t"
		                  : *s == '\n' ? "\\n"
		                  : *s == '\r' ? "\\r"
		                               : NULL;
		if (esc)
			buf_adds(&msg, esc);
		else
			buf_addc(&msg, *s);
	}
	if (!last)
		buf_addc(&msg, '\t');
}

static void fieldu(uint64_t v, bool last)
{
	char t[24];

	snprintf(t, sizeof t, "%llu", (unsigned long long)v);
	field(t, last);
}

static void begin(const char *kind)
{
	buf_reset(&msg);
	field(kind, false);
}

/* Reads the parent's answers until at most keep files wait unanswered:
 * false when the parent is gone. */
static bool take_answers(int keep)
{
	while (unacked > keep) {
		char ack;
#ifdef _WIN32
		DWORD n = 0;
		if (!ReadFile(GetStdHandle(STD_INPUT_HANDLE), &ack, 1, &n,
		              NULL) ||
		    n != 1)
			return false;
		unacked--;
#else
		ssize_t n = recv(SOCK_FD, &ack, 1, 0);
		if (n == 1)
			unacked--;
		else if (n == 0 || errno != EINTR)
			return false;
#endif
	}
	return true;
}

#ifdef _WIN32
/* The Windows transport: the child's standard output is a pipe, and each
 * message goes on it as a frame: its length (4 bytes, little-endian),
 * the value of a file handle the parent takes from this process with
 * DuplicateHandle (8 bytes, 0 for none), then the message. The file is a
 * temporary one, deleted when its last handle closes. */
static void send_msg(int fd)
{
	unsigned char head[12];
	uint64_t keep = 0;
	uint32_t len;
	DWORD put;
	HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);

	if (buf_error(&msg) || msg.len > LIM_IMAGE_MSG) {
		begin("E");
		fieldu(step, false);
		field("?", false);
		field("an entry whose message would pass the size bound", true);
	}
	if (fd >= 0) {
		/* a handle of its own, left open for the parent to take
		 * (and close here): the caller closes fd */
		HANDLE dup = NULL;
		if (DuplicateHandle(GetCurrentProcess(),
		                    (HANDLE)_get_osfhandle(fd),
		                    GetCurrentProcess(), &dup, 0, FALSE,
		                    DUPLICATE_SAME_ACCESS))
			keep = (uint64_t)(uintptr_t)dup;
		if (!take_answers(1))
			_exit(3);
	}
	len = (uint32_t)msg.len;
	for (int i = 0; i < 4; i++)
		head[i] = (unsigned char)(len >> (8 * i));
	for (int i = 0; i < 8; i++)
		head[4 + i] = (unsigned char)(keep >> (8 * i));
	if (!WriteFile(out, head, sizeof head, &put, NULL) ||
	    put != sizeof head ||
	    (msg.len &&
	     (!WriteFile(out, msg.p, len, &put, NULL) || put != len)))
		_exit(3); /* no one left to read for */
	if (keep)
		unacked++;
}
#else

/* Sends the message (with fd attached when >= 0). A parent gone is the
 * end: there is no one left to read for. */
static void send_msg(int fd)
{
	struct msghdr mh;
	struct iovec iov;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;

	if (buf_error(&msg) || msg.len > LIM_IMAGE_MSG) {
		/* a path past any real one: say so in its place */
		begin("E");
		fieldu(step, false);
		field("?", false);
		field("an entry whose message would pass the size bound", true);
	}
	memset(&mh, 0, sizeof mh);
	iov.iov_base = msg.p;
	iov.iov_len = msg.len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd >= 0) {
		struct cmsghdr *c;
		memset(&u, 0, sizeof u);
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof u.buf;
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	/* Files sent and not yet taken by the parent hold memory: at most
	 * two wait in the socket (the parent answers each it takes with one
	 * byte, once its workers have room). */
	if (fd >= 0 && !take_answers(1))
		_exit(3); /* no one left to read for */
	while (sendmsg(SOCK_FD, &mh, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			_exit(3);
	if (fd >= 0)
		unacked++;
}
#endif

/* The next step: true when it is to be done and said, false when it was
 * done before a restart. The step right after them is the one the last
 * child failed on: *poisoned says so. */
static uint64_t crash_at; /* a test's: the step to die on, first run */

static bool next_step(bool *poisoned)
{
	step++;
	if (crash_at && step == crash_at && !restarted) {
		/* as a library would crash on a crafted entry */
#ifdef _WIN32
		RaiseException(EXCEPTION_ACCESS_VIOLATION,
		               EXCEPTION_NONCONTINUABLE, 0, NULL);
#endif
		abort();
	}
	*poisoned = restarted && step == after + 1;
	return step > after;
}

static void say_plain(void)
{
	begin("P");
	fieldu(step, true);
	send_msg(-1);
}

static void say_damage(const char *where, const char *what)
{
	begin("E");
	fieldu(step, false);
	field(where, false);
	field(what, true);
	send_msg(-1);
}

/* --- the image layer --------------------------------------------------- */

enum layer_kind { L_RAW, L_EWF, L_VHDI };

struct layer {
	enum layer_kind kind;
	int fd;
	bool device; /* a volume's device (\\.\C:): read in whole sectors */
	libewf_handle_t *ewf;
	libvhdi_file_t *vhdi;
	uint64_t size;
};

#ifdef _WIN32
/* A volume's device reads whole sectors at sector offsets only: through
 * a bounce buffer, 4 KiB aligned (every sector size divides it; the
 * device's size is a whole number of sectors, so the last read ends
 * there). */
static int device_read(struct layer *l, uint64_t off, void *buf, size_t n)
{
	static unsigned char bounce[1 << 20];
	unsigned char *out = buf;

	while (n) {
		uint64_t a = off & ~(uint64_t)4095, end;
		size_t skip = (size_t)(off - a), take;
		end = (off + n + 4095) & ~(uint64_t)4095;
		if (end > a + sizeof bounce)
			end = a + sizeof bounce;
		if (end > l->size)
			end = l->size;
		if (end <= off)
			return -1;
		take = (size_t)(end - off) < n ? (size_t)(end - off) : n;
		if (pread(l->fd, bounce, (size_t)(end - a), (off_t)a) !=
		    (ssize_t)(end - a))
			return -1;
		memcpy(out, bounce + skip, take);
		out += take;
		off += take;
		n -= take;
	}
	return 0;
}
#endif

static int layer_read(struct layer *l, uint64_t off, void *buf, size_t n)
{
	ssize_t got;

	if (off > l->size || n > l->size - off)
		return -1;
	switch (l->kind) {
	case L_EWF:
		got = libewf_handle_read_random(l->ewf, buf, n, (off64_t)off,
		                                NULL);
		break;
	case L_VHDI:
		got = libvhdi_file_read_buffer_at_offset(l->vhdi, buf, n,
		                                         (off64_t)off, NULL);
		break;
	default:
#ifdef _WIN32
		if (l->device)
			return device_read(l, off, buf, n);
#endif
		got = pread(l->fd, buf, n, (off_t)off);
		break;
	}
	return got == (ssize_t)n ? 0 : -1;
}

static int ptable_read(void *arg, uint64_t off, void *buf, size_t n)
{
	return layer_read(arg, off, buf, n);
}

static int layer_open(struct layer *l, const char *path, const char *kind)
{
	struct stat st;

	memset(l, 0, sizeof *l);
#ifdef _WIN32
	if (!strncmp(path, "\\\\.\\", 4)) {
		/* the running server's volume, read as a raw image */
		wchar_t *w = win_wide(path);
		GET_LENGTH_INFORMATION len;
		DWORD got = 0;
		HANDLE h = w ? CreateFileW(w, GENERIC_READ,
		                           FILE_SHARE_READ | FILE_SHARE_WRITE |
		                               FILE_SHARE_DELETE,
		                           NULL, OPEN_EXISTING, 0, NULL)
		             : INVALID_HANDLE_VALUE;
		free(w);
		if (h == INVALID_HANDLE_VALUE)
			return -1;
		if (!DeviceIoControl(h, IOCTL_DISK_GET_LENGTH_INFO, NULL, 0,
		                     &len, sizeof len, &got, NULL) ||
		    len.Length.QuadPart <= 0 ||
		    (l->fd = _open_osfhandle((intptr_t)h,
		                             _O_RDONLY | _O_BINARY)) < 0) {
			CloseHandle(h);
			return -1;
		}
		l->kind = L_RAW;
		l->device = true;
		l->size = (uint64_t)len.Length.QuadPart;
		return 0;
	}
	/* tests/win: an image file read as a device is, in whole sectors */
	l->device = getenv("EXHUNT_TEST_SECTOR_READS") != NULL;
#endif
	l->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME);
	if (l->fd < 0)
		l->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (l->fd < 0 || fstat(l->fd, &st))
		return -1;
	if (!strcmp(kind, "E01")) {
		char **names = NULL;
		int n = 0;
		size64_t size = 0;
		l->kind = L_EWF;
#ifdef _WIN32
		{
			/* wide names: the segments are found beside it */
			wchar_t **wnames = NULL, *w = win_path(path);
			int ok = w &&
			         libewf_glob_wide(w, wcslen(w),
			                          LIBEWF_FORMAT_UNKNOWN,
			                          &wnames, &n, NULL) == 1 &&
			         libewf_handle_initialize(&l->ewf, NULL) == 1 &&
			         libewf_handle_open_wide(l->ewf, wnames, n,
			                                 LIBEWF_OPEN_READ,
			                                 NULL) == 1 &&
			         libewf_handle_get_media_size(l->ewf, &size,
			                                      NULL) == 1;
			if (wnames)
				libewf_glob_wide_free(wnames, n, NULL);
			free(w);
			(void)names;
			if (!ok)
				return -1;
		}
#else
		if (libewf_glob(path, strlen(path), LIBEWF_FORMAT_UNKNOWN,
		                &names, &n, NULL) != 1 ||
		    libewf_handle_initialize(&l->ewf, NULL) != 1 ||
		    libewf_handle_open(l->ewf, names, n, LIBEWF_OPEN_READ,
		                       NULL) != 1 ||
		    libewf_handle_get_media_size(l->ewf, &size, NULL) != 1) {
			if (names)
				libewf_glob_free(names, n, NULL);
			return -1;
		}
		libewf_glob_free(names, n, NULL);
#endif
		l->size = size;
	} else if (!strcmp(kind, "VHD") || !strcmp(kind, "VHDX")) {
		size64_t size = 0;
		l->kind = L_VHDI;
#ifdef _WIN32
		wchar_t *w = win_path(path);
		int ok = w && libvhdi_file_initialize(&l->vhdi, NULL) == 1 &&
		         libvhdi_file_open_wide(l->vhdi, w, LIBVHDI_OPEN_READ,
		                                NULL) == 1 &&
		         libvhdi_file_get_media_size(l->vhdi, &size, NULL) == 1;
		free(w);
		if (!ok)
			return -1;
#else
		if (libvhdi_file_initialize(&l->vhdi, NULL) != 1 ||
		    libvhdi_file_open(l->vhdi, path, LIBVHDI_OPEN_READ, NULL) !=
		        1 ||
		    libvhdi_file_get_media_size(l->vhdi, &size, NULL) != 1)
			return -1;
#endif
		l->size = size;
	} else {
		l->kind = L_RAW;
#ifdef _WIN32
		l->size = (uint64_t)st.st_size;
#else
		l->size = S_ISBLK(st.st_mode) ? (uint64_t)lseek(l->fd, 0, SEEK_END)
		                              : (uint64_t)st.st_size;
#endif
	}
	return 0;
}

/* --- a byte range as a libbfio handle (for libvshadow and libfsntfs) ---- */

struct range {
	struct layer *l;             /* a range of the image layer, or */
	libvshadow_store_t *store;   /* a whole shadow copy */
	uint64_t base, size, pos;
};

static int r_free(intptr_t **io, bfio_err_t **e)
{
	(void)e;
	free(*io);
	*io = NULL;
	return 1;
}

static int r_clone(intptr_t **dst, intptr_t *src, bfio_err_t **e)
{
	struct range *r = malloc(sizeof *r);

	(void)e;
	if (!r)
		return -1;
	memcpy(r, src, sizeof *r);
	*dst = (intptr_t *)r;
	return 1;
}

static int r_open(intptr_t *io, int flags, bfio_err_t **e)
{
	(void)io;
	(void)e;
	return (flags & LIBBFIO_ACCESS_FLAG_WRITE) ? -1 : 1;
}

static int r_close(intptr_t *io, bfio_err_t **e)
{
	(void)io;
	(void)e;
	return 0;
}

static ssize_t r_read(intptr_t *io, uint8_t *buf, size_t n, bfio_err_t **e)
{
	struct range *r = (struct range *)io;

	(void)e;
	if (r->pos >= r->size)
		return 0;
	if (n > r->size - r->pos)
		n = (size_t)(r->size - r->pos);
	if (r->store) {
		ssize_t got = libvshadow_store_read_buffer_at_offset(
		    r->store, buf, n, (off64_t)r->pos, NULL);
		if (got < 0)
			return -1;
		n = (size_t)got;
	} else if (layer_read(r->l, r->base + r->pos, buf, n)) {
		return -1;
	}
	r->pos += n;
	return (ssize_t)n;
}

static ssize_t r_write(intptr_t *io, const uint8_t *buf, size_t n,
                       bfio_err_t **e)
{
	(void)io;
	(void)buf;
	(void)n;
	(void)e;
	return -1; /* evidence is never written */
}

static off64_t r_seek(intptr_t *io, off64_t off, int whence, bfio_err_t **e)
{
	struct range *r = (struct range *)io;
	int64_t to = whence == SEEK_SET   ? off
	             : whence == SEEK_CUR ? (int64_t)r->pos + off
	             : whence == SEEK_END ? (int64_t)r->size + off
	                                  : -1;

	(void)e;
	if (to < 0)
		return -1;
	r->pos = (uint64_t)to;
	return (off64_t)to;
}

static int r_exists(intptr_t *io, bfio_err_t **e)
{
	(void)io;
	(void)e;
	return 1;
}

static int r_is_open(intptr_t *io, bfio_err_t **e)
{
	(void)io;
	(void)e;
	return 1;
}

static int r_size(intptr_t *io, size64_t *size, bfio_err_t **e)
{
	(void)e;
	*size = ((struct range *)io)->size;
	return 1;
}

static void bfio_free(enum bfio_for lib, bfio_t **h)
{
#ifdef _WIN32
	if (lib == FOR_VSS)
		libvshadow__libbfio_handle_free(h, NULL);
	else
		libfsntfs__libbfio_handle_free(h, NULL);
#else
	(void)lib;
	libbfio_handle_free(h, NULL);
#endif
}

static bfio_t *range_handle(enum bfio_for lib, struct layer *l,
                            libvshadow_store_t *store, uint64_t base,
                            uint64_t size)
{
	struct range *r = calloc(1, sizeof *r);
	bfio_t *h = NULL;
	int ok;

	if (!r)
		return NULL;
	r->l = l;
	r->store = store;
	r->base = base;
	r->size = size;
#ifdef _WIN32
	ok = (lib == FOR_VSS ? libvshadow__libbfio_handle_initialize
	                     : libfsntfs__libbfio_handle_initialize)(
	         &h, (intptr_t *)r, r_free, r_clone, r_open, r_close, r_read,
	         r_write, r_seek, r_exists, r_is_open, r_size,
	         LIBBFIO_FLAG_IO_HANDLE_MANAGED |
	             LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION,
	         NULL) == 1;
#else
	ok = libbfio_handle_initialize(
	         &h, (intptr_t *)r, r_free, r_clone, r_open, r_close, r_read,
	         r_write, r_seek, r_exists, r_is_open, r_size,
	         LIBBFIO_FLAG_IO_HANDLE_MANAGED |
	             LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION,
	         NULL) == 1;
#endif
	if (!ok) {
		free(r);
		return NULL;
	}
#ifdef _WIN32
	ok = (lib == FOR_VSS ? libvshadow__libbfio_handle_open
	                     : libfsntfs__libbfio_handle_open)(
	         h, LIBBFIO_OPEN_READ, NULL) == 1;
#else
	ok = libbfio_handle_open(h, LIBBFIO_OPEN_READ, NULL) == 1;
#endif
	if (!ok) {
		bfio_free(lib, &h);
		return NULL;
	}
	return h;
}

/* --- the live volume's files, for comparing shadow copies ---------------- */

struct seen {
	char *path; /* NULL: empty */
	uint64_t size;
	int64_t mtime;
};

static struct seen *live;
static size_t live_cap, live_used;

static uint64_t hash_path(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct seen *live_find(const char *path, bool add)
{
	size_t i, mask;

	if (add && live_used * 2 >= live_cap) {
		size_t cap = live_cap ? live_cap * 2 : 4096, k;
		struct seen *n = calloc(cap, sizeof *n);
		if (!n)
			return NULL;
		for (k = 0; k < live_cap; k++) {
			if (!live[k].path)
				continue;
			for (i = hash_path(live[k].path) & (cap - 1); n[i].path;
			     i = (i + 1) & (cap - 1))
				;
			n[i] = live[k];
		}
		free(live);
		live = n;
		live_cap = cap;
	}
	if (!live_cap)
		return NULL;
	mask = live_cap - 1;
	for (i = hash_path(path) & mask; live[i].path; i = (i + 1) & mask)
		if (!strcmp(live[i].path, path))
			return &live[i];
	if (!add)
		return NULL;
	live[i].path = strdup(path);
	if (!live[i].path)
		return NULL;
	live_used++;
	return &live[i];
}

static void live_clear(void)
{
	for (size_t i = 0; i < live_cap; i++)
		free(live[i].path);
	free(live);
	live = NULL;
	live_cap = live_used = 0;
}

/* --- walking one NTFS file system ---------------------------------------- */

struct fsw {
	libfsntfs_volume_t *vol;
	struct layer *l; /* the image, and the volume's offset in it: the */
	uint64_t voff;   /* live volume's files are copied from their runs */
	int volno, store; /* store 0: the live volume */
	bool remember;    /* keep the live files for the shadow copies */
	bool all, rules;
	bool copy; /* live: files may be copied out (--temp given) */
	bool live; /* the running server's volume (--live): its files are
	              read by the folder walk, so store 0 says only what the
	              file system alone shows (deleted entries, creation
	              times set back) */
	char path[4096];
	uint64_t entries;
	uint64_t *dirs; /* MFT indices of the folders being walked */
	int depth;
};

int64_t image_unix_time(uint64_t ft)
{
	return ft ? (int64_t)(ft / 10000000ull) - 11644473600ll : 0;
}

/* The entry's long $FILE_NAME attribute (not its DOS 8.3 alias): its
 * name, parent reference and creation time. */
static bool fn_attribute(libfsntfs_file_entry_t *fe, char *name, size_t cap,
                         uint64_t *parent, uint64_t *created)
{
	int i, n = 0;
	bool found = false;

	if (libfsntfs_file_entry_get_number_of_attributes(fe, &n, NULL) != 1)
		return false;
	for (i = 0; i < n && i < 64 && !found; i++) {
		libfsntfs_attribute_t *a = NULL;
		uint32_t type = 0;
		uint8_t space = 0;
		size_t len = 0;
		if (libfsntfs_file_entry_get_attribute_by_index(fe, i, &a,
		                                                NULL) != 1)
			continue;
		if (libfsntfs_attribute_get_type(a, &type, NULL) == 1 &&
		    type == 0x30 &&
		    libfsntfs_file_name_attribute_get_name_space(a, &space,
		                                                 NULL) == 1 &&
		    space != 2 &&
		    libfsntfs_file_name_attribute_get_utf8_name_size(a, &len,
		                                                     NULL) == 1 &&
		    len && len <= cap &&
		    libfsntfs_file_name_attribute_get_utf8_name(
		        a, (uint8_t *)name, len, NULL) == 1) {
			found = true;
			if (parent)
				libfsntfs_file_name_attribute_get_parent_file_reference(
				    a, parent, NULL);
			if (created)
				libfsntfs_file_name_attribute_get_creation_time(
				    a, created, NULL);
		}
		libfsntfs_attribute_free(&a, NULL);
	}
	return found;
}

static bool entry_name(libfsntfs_file_entry_t *fe, char *out, size_t cap)
{
	size_t n = 0;

	/* The name the folder's index gave, or (an entry taken by its MFT
	 * number) the one in its $FILE_NAME attribute. */
	if (libfsntfs_file_entry_get_utf8_name_size(fe, &n, NULL) == 1 && n &&
	    n <= cap)
		return libfsntfs_file_entry_get_utf8_name(fe, (uint8_t *)out, n,
		                                          NULL) == 1;
	return fn_attribute(fe, out, cap, NULL, NULL);
}

/* A name from the image as one path element: a crafted file system can
 * hold names with '/' in them, or "..", which would forge another path
 * in the report and in the detectors' view; they are written with '%2F'
 * and '%2E%2E' instead (NTFS itself allows neither). */
void image_name_element(char *name, size_t cap)
{
	char out[1024];
	size_t i, o = 0;

	if (!strcmp(name, "..")) {
		snprintf(name, cap, "%s", "%2E%2E");
		return;
	}
	if (!strchr(name, '/'))
		return;
	for (i = 0; name[i] && o + 4 < sizeof out; i++) {
		if (name[i] == '/') {
			memcpy(out + o, "%2F", 3);
			o += 3;
		} else {
			out[o++] = name[i];
		}
	}
	out[o] = '\0';
	snprintf(name, cap, "%s", out);
}

static uint64_t fn_creation(libfsntfs_file_entry_t *fe)
{
	libfsntfs_attribute_t *a = NULL;
	uint64_t t = 0;
	int idx = -1;

	if (libfsntfs_file_entry_get_name_attribute_index(fe, &idx, NULL) ==
	        1 &&
	    idx >= 0 &&
	    libfsntfs_file_entry_get_attribute_by_index(fe, idx, &a, NULL) == 1) {
		libfsntfs_file_name_attribute_get_creation_time(a, &t, NULL);
		libfsntfs_attribute_free(&a, NULL);
	} else {
		char name[1024];
		fn_attribute(fe, name, sizeof name, NULL, &t);
	}
	return t;
}

/* Adds c to a message's flags (at most a few). */
static void flag(char *flags, char c)
{
	size_t n = strlen(flags);

	if (n < 15) {
		flags[n] = c;
		flags[n + 1] = '\0';
	}
}

/* A live file stored in plain runs (not resident, sparse or compressed)
 * copied straight from the image by its runs: one kernel copy for a raw
 * image instead of the library's cluster by cluster reads. Its last bytes
 * are compared with the library's reading (which knows the valid data
 * length); 0 when copied, -1 when the caller must use the library. */
#ifndef _WIN32
/* How the raw image's runs are copied: 0 copy_file_range, 1 sendfile, 2
 * through a buffer (each the next when the one before is refused). */
static int kernel_copy;
static bool by_runs;    /* --runs: the parent reads plain runs itself */
static bool split_runs; /* a test's: every run listed as two */

/* A live file of a raw image stored in at most LIM_IMAGE_RUNS plain runs
 * (not resident, sparse or compressed) within the size bound: its runs
 * as "offset:length,..." (image offsets, cut to its size) in out, for
 * the parent's workers to read from the image themselves (hunt/walk.h),
 * once its last bytes as the library reads them (it knows the valid
 * data length) equal the image's at the end of the last run. False:
 * copy it here. */
static bool plain_runs(struct fsw *w, libfsntfs_file_entry_t *fe, uint64_t size,
                       char *out, size_t cap)
{
	static unsigned char tail[2][4096];
	uint64_t done = 0, last_end = 0;
	size_t len = 0;
	int i, n = 0;

	out[0] = '\0';
	if (!by_runs || w->store || !w->l || w->l->kind != L_RAW || !size ||
	    size > LIM_IMAGE_FILE ||
	    libfsntfs_file_entry_get_number_of_extents(fe, &n, NULL) != 1 ||
	    n <= 0)
		return false;
	for (i = 0; i < n && done < size; i++) {
		off64_t at = 0;
		size64_t elen = 0;
		uint32_t fl = 0;
		uint64_t src, take;
		int k;
		if (i >= (split_runs ? LIM_IMAGE_RUNS / 2 : LIM_IMAGE_RUNS) ||
		    libfsntfs_file_entry_get_extent_by_index(fe, i, &at, &elen,
		                                             &fl, NULL) != 1 ||
		    fl || at < 0 || elen == 0)
			return false;
		take = size - done < elen ? size - done : elen;
		src = w->voff + (uint64_t)at;
		if (src > w->l->size || take > w->l->size - src)
			return false;
		if (split_runs && take > 1) {
			/* a test's: each run listed as two, as a fragmented
			 * file's would be (tests/e2e/hunt_image.sh) */
			uint64_t half = take / 2;
			k = snprintf(out + len, cap - len, "%s%llu:%llu,",
			             len ? "," : "", (unsigned long long)src,
			             (unsigned long long)half);
			if (k < 0 || (size_t)k >= cap - len)
				return false;
			len += (size_t)k;
			k = snprintf(out + len, cap - len, "%llu:%llu",
			             (unsigned long long)(src + half),
			             (unsigned long long)(take - half));
		} else {
			k = snprintf(out + len, cap - len, "%s%llu:%llu",
			             len ? "," : "", (unsigned long long)src,
			             (unsigned long long)take);
		}
		if (k < 0 || (size_t)k >= cap - len)
			return false;
		len += (size_t)k;
		done += take;
		last_end = src + take;
	}
	if (done != size)
		return false;
	{
		size_t k =
		    size < sizeof tail[0] ? (size_t)size : sizeof tail[0];
		if (last_end < k ||
		    libfsntfs_file_entry_read_buffer_at_offset(
		        fe, tail[0], k, (off64_t)(size - k), NULL) !=
		        (ssize_t)k ||
		    pread(w->l->fd, tail[1], k, (off_t)(last_end - k)) !=
		        (ssize_t)k ||
		    memcmp(tail[0], tail[1], k) != 0) {
			out[0] = '\0';
			return false;
		}
	}
	return true;
}
#endif

static int copy_runs(struct fsw *w, libfsntfs_file_entry_t *fe, int fd,
                     uint64_t want)
{
	static unsigned char chunk[1 << 20], tail[2][4096];
	uint64_t done = 0;
	int i, n = 0;

	if (w->store || !w->l ||
	    libfsntfs_file_entry_get_number_of_extents(fe, &n, NULL) != 1 ||
	    n <= 0)
		return -1;
	for (i = 0; i < n && done < want; i++) {
		off64_t at = 0;
		size64_t len = 0;
		uint32_t fl = 0;
		uint64_t src, take;
		if (libfsntfs_file_entry_get_extent_by_index(fe, i, &at, &len, &fl,
		                                             NULL) != 1 ||
		    fl || at < 0 || len == 0)
			return -1;
		take = want - done < len ? want - done : len;
		src = w->voff + (uint64_t)at;
		if (src > w->l->size || take > w->l->size - src)
			return -1;
#ifndef _WIN32
		if (w->l->kind == L_RAW) {
			/* in the kernel: copy_file_range, or (across file
			 * systems, which newer kernels refuse it: EXDEV)
			 * sendfile, whose output may be any file since 2.6.33;
			 * else through a buffer, below */
			loff_t in = (loff_t)src;
			off_t in2;
			while (take && kernel_copy != 2) {
				ssize_t k = kernel_copy == 1
				                ? (in2 = (off_t)in,
				                   sendfile(fd, w->l->fd, &in2,
				                            take > (1u << 30)
				                                ? (1u << 30)
				                                : (size_t)take))
				                : copy_file_range(w->l->fd, &in, fd,
				                                  NULL, take, 0);
				if (k < 0 && (errno == EXDEV || errno == EINVAL ||
				     errno == ENOSYS || errno == EOPNOTSUPP)) {
					kernel_copy++; /* the next way */
					continue;
				}
				if (k <= 0)
					return -1;
				if (kernel_copy == 1)
					in = (loff_t)in2;
				take -= (uint64_t)k;
				done += (uint64_t)k;
			}
			if (!take)
				continue;
		}
#endif
		{
			while (take) {
				size_t k = take > sizeof chunk ? sizeof chunk
				                               : (size_t)take;
				if (layer_read(w->l, src, chunk, k) ||
				    write(fd, chunk, k) != (ssize_t)k)
					return -1;
				src += k;
				take -= k;
				done += k;
			}
		}
	}
	if (done != want)
		return -1;
	{
		size_t k = want < sizeof tail[0] ? (size_t)want : sizeof tail[0];
		if (libfsntfs_file_entry_read_buffer_at_offset(
		        fe, tail[0], k, (off64_t)(want - k), NULL) != (ssize_t)k ||
		    pread(fd, tail[1], k, (off_t)(want - k)) != (ssize_t)k ||
		    memcmp(tail[0], tail[1], k) != 0)
			return -1;
	}
	return 0;
}

#ifdef _WIN32
/* A temporary file in the user's temporary folder, deleted when its last
 * handle closes (the parent's worker's, once read): never beside the
 * evidence. */
static const char *scratch; /* --temp DIR */

static int temp_file(void)
{
	static unsigned serial;
	wchar_t tmp[MAX_PATH + 1], *dir = tmp, name[32768];
	int tries;

	if (scratch) {
		if (!(dir = win_path(scratch)))
			return -1;
	} else {
		DWORD n = GetTempPathW(MAX_PATH + 1, tmp);
		if (!n || n > MAX_PATH)
			return -1;
	}
	for (tries = 0; tries < 100; tries++) {
		HANDLE h;
		int fd;
		swprintf(name, sizeof name / sizeof *name,
		         L"%ls%lsexhunt-%lu-%u.tmp", dir,
		         dir[0] && dir[wcslen(dir) - 1] == L'\\' ? L"" : L"\\",
		         (unsigned long)GetCurrentProcessId(), serial++);
		h = CreateFileW(
		    name, GENERIC_READ | GENERIC_WRITE,
		    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
		    NULL, CREATE_NEW,
		    FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
		if (h == INVALID_HANDLE_VALUE) {
			if (GetLastError() == ERROR_FILE_EXISTS)
				continue;
			break;
		}
		fd = _open_osfhandle((intptr_t)h, _O_RDWR | _O_BINARY);
		if (fd < 0)
			CloseHandle(h);
		if (dir != tmp)
			free(dir);
		return fd;
	}
	if (dir != tmp)
		free(dir);
	return -1;
}
#endif

/* Copies a file's bytes into a sealed memfd (a temporary file on
 * Windows); flags gain x or r. */
static int copy_out(struct fsw *w, libfsntfs_file_entry_t *fe, uint64_t size,
                    char *flags)
{
	static unsigned char chunk[1 << 20];
	uint64_t off = 0, want = size > LIM_IMAGE_FILE ? LIM_IMAGE_FILE : size;
#ifdef _WIN32
	int fd = temp_file();
#else
	int fd = memfd_create("exhunt-image-file",
	                      MFD_CLOEXEC | MFD_ALLOW_SEALING);
#endif

	if (fd < 0)
		return -1;
	if (size > want)
		flag(flags, 'x');
	if (want && copy_runs(w, fe, fd, want) == 0)
		off = want;
#ifdef _WIN32
	else if (_chsize_s(fd, 0) || lseek(fd, 0, SEEK_SET))
#else
	else if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET))
#endif
		flag(flags, 'r');
	while (off < want) {
		size_t n = want - off > sizeof chunk ? sizeof chunk
		                                     : (size_t)(want - off);
		ssize_t got = libfsntfs_file_entry_read_buffer_at_offset(
		    fe, chunk, n, (off64_t)off, NULL);
		if (got <= 0) {
			flag(flags, 'r');
			break;
		}
		if (write(fd, chunk, (size_t)got) != got) {
			flag(flags, 'r');
			break;
		}
		off += (uint64_t)got;
	}
#ifndef _WIN32
	fcntl(fd, F_ADD_SEALS,
	      F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
#endif
	lseek(fd, 0, SEEK_SET); /* the workers read it from the start */
	return fd;
}

static void send_file(struct fsw *w, libfsntfs_file_entry_t *fe,
                      const char *path, const char *flags_in)
{
	char flags[16], lower[4096], target[1024] = "";
	static char runs[LIM_IMAGE_RUNS * 44];
	unsigned char magic[8] = {0};
	size64_t size = 0;
	uint64_t mt = 0, ct = 0;
	uint32_t attr = 0;
	int fd = -1;

	snprintf(flags, sizeof flags, "%s", flags_in);
	runs[0] = '\0';
	libfsntfs_file_entry_get_size(fe, &size, NULL);
	libfsntfs_file_entry_get_modification_time(fe, &mt, NULL);
	libfsntfs_file_entry_get_creation_time(fe, &ct, NULL);
	libfsntfs_file_entry_get_file_attribute_flags(fe, &attr, NULL);
	if (attr & 0x400) { /* a reparse point: named, not followed */
		size_t n = 0;
		flag(flags, 'l');
		if (libfsntfs_file_entry_get_utf8_symbolic_link_target_size(
		        fe, &n, NULL) == 1 &&
		    n && n <= sizeof target)
			libfsntfs_file_entry_get_utf8_symbolic_link_target(
			    fe, (uint8_t *)target, n, NULL);
	} else {
		text_lower(lower, path, sizeof lower);
		if (size)
			libfsntfs_file_entry_read_buffer_at_offset(
			    fe, magic, size < 8 ? (size_t)size : 8, 0, NULL);
		if (!walk_wants_bytes(lower, magic, w->all, w->rules) ||
		    (w->live && !w->store && !strchr(flags_in, 'd'))) {
			/* no check reads its bytes, or the folder walk does */
#ifndef _WIN32
		} else if (!strchr(flags_in, 'd') &&
		           plain_runs(w, fe, size, runs, sizeof runs)) {
			flag(flags, 'v'); /* the parent's workers read it */
#endif
		} else if (w->live && !w->copy) {
			/* live with nowhere off the hunted drives to copy it */
			flag(flags, 'n');
		} else {
			fd = copy_out(w, fe, size, flags);
			/* no memfd: the bytes a check needed are not read,
			 * and the report must say so (r), not stay quiet */
			flag(flags, fd >= 0 ? 'c' : 'r');
		}
	}
	begin("F");
	fieldu(step, false);
	fieldu((uint64_t)w->volno, false);
	fieldu((uint64_t)w->store, false);
	field(path, false);
	fieldu(size, false);
	fieldu((uint64_t)image_unix_time(mt), false);
	fieldu(ct, false);
	fieldu(fn_creation(fe), false);
	field(flags, !target[0] && !runs[0]);
	if (target[0])
		field(target, true);
	else if (runs[0])
		field(runs, true);
	send_msg(fd);
	if (fd >= 0)
		close(fd);
}

static void walk_dir(struct fsw *w, libfsntfs_file_entry_t *dir,
                     size_t plen);

/* One entry of a folder, within the step that fetched it: exactly one
 * message when say (a folder's own listing is the next step). */
static void visit(struct fsw *w, libfsntfs_file_entry_t *fe, size_t plen,
                  bool say)
{
	char name[1024];
	uint64_t ref = 0, idx;
	size_t n;
	int isdir;

	if (++w->entries > LIM_IMAGE_ENTRIES) {
		if (say)
			say_damage(w->path, "more entries than the limit: "
			                    "the rest of this volume is not read");
		return;
	}
	libfsntfs_file_entry_get_file_reference(fe, &ref, NULL);
	idx = ref & 0xffffffffffffull;
	if (!entry_name(fe, name, sizeof name))
		snprintf(name, sizeof name, "?mft-%llu", (unsigned long long)idx);
	image_name_element(name, sizeof name);
	/* NTFS's own metadata files ($MFT, $Extend ...) hold no evidence
	 * files; they sit under the root with MFT numbers below 16. */
	if ((idx < 16 && plen == 0) || !strcmp(name, ".")) {
		if (say)
			say_plain();
		return;
	}
	n = strlen(name);
	if (plen + n + 2 >= sizeof w->path) {
		if (say)
			say_damage(w->path, "path too long");
		return;
	}
	if (plen)
		w->path[plen] = '/';
	memcpy(w->path + plen + (plen ? 1 : 0), name, n + 1);
	isdir = libfsntfs_file_entry_has_directory_entries_index(fe, NULL);
	if (isdir == 1) {
		uint32_t attr = 0;
		int k;
		libfsntfs_file_entry_get_file_attribute_flags(fe, &attr, NULL);
		for (k = 0; k < w->depth; k++)
			if (w->dirs[k] == idx)
				break;
		if (attr & 0x400) {
			/* a junction or mount point: named, never followed
			 * (live, the folder walk names it) */
			if (say && w->live && !w->store)
				say_plain();
			else if (say)
				send_file(w, fe, w->path, "");
		} else if (k < w->depth) {
			if (say)
				say_damage(w->path, "a folder inside itself "
				                    "(damaged index): not listed "
				                    "again");
		} else if (w->depth >= LIM_WALK_DEPTH) {
			if (say)
				say_damage(w->path, "folders nested too deep");
		} else {
			if (say)
				say_plain();
			w->dirs[w->depth++] = idx;
			walk_dir(w, fe, plen + n + (plen ? 1 : 0));
			w->depth--;
		}
	} else {
		size64_t size = 0;
		uint64_t mt = 0;
		const char *flags = "";
		if (w->remember || w->store) {
			libfsntfs_file_entry_get_size(fe, &size, NULL);
			libfsntfs_file_entry_get_modification_time(fe, &mt, NULL);
		}
		if (w->remember) {
			struct seen *s = live_find(w->path, true);
			if (s) {
				s->size = size;
				s->mtime = image_unix_time(mt);
			}
		}
		if (w->store) {
			const struct seen *s = live_find(w->path, false);
			if (s && s->size == size &&
			    s->mtime == image_unix_time(mt))
				flags = NULL; /* the same file as live */
			else
				flags = s ? "m" : "g";
		}
		if (say && flags && w->live && !w->store) {
			/* live: only a creation time set back is news here */
			uint64_t ct = 0, fn = fn_creation(fe);
			libfsntfs_file_entry_get_creation_time(fe, &ct, NULL);
			if (!(ct && fn && ct + 10000000ull < fn))
				flags = NULL;
		}
		if (say) {
			if (flags)
				send_file(w, fe, w->path, flags);
			else
				say_plain();
		}
	}
	w->path[plen] = '\0';
}

/* A folder's listing is a step of its own, then each entry is one. */
static void walk_dir(struct fsw *w, libfsntfs_file_entry_t *dir, size_t plen)
{
	int i, n = 0;
	bool poisoned, say = next_step(&poisoned);
	const char *where = w->path[0] ? w->path : "/";

	if (poisoned) {
		say_damage(where, "its reader failed on this folder: not "
		                  "listed");
		return;
	}
	if (libfsntfs_file_entry_get_number_of_sub_file_entries(dir, &n,
	                                                        NULL) != 1) {
		if (say)
			say_damage(where, "the folder's index cannot be read");
		return;
	}
	if (say) {
		begin("D");
		fieldu(step, false);
		fieldu((uint64_t)w->volno, false);
		fieldu((uint64_t)w->store, false);
		field(w->path, true);
		send_msg(-1);
	}
	for (i = 0; i < n; i++) {
		libfsntfs_file_entry_t *fe = NULL;
		say = next_step(&poisoned);
		if (poisoned) {
			say_damage(where, "its reader failed on an entry of "
			                  "this folder: skipped");
			continue;
		}
		if (libfsntfs_file_entry_get_sub_file_entry_by_index(dir, i, &fe,
		                                                     NULL) != 1) {
			if (say)
				say_damage(where, "an entry of the folder "
				                  "cannot be read");
			continue;
		}
		visit(w, fe, plen, say);
		libfsntfs_file_entry_free(&fe, NULL);
	}
}

/* The path of MFT entry idx, from its parents, when every parent is still
 * there (allocated, with the sequence number the child names). */
static bool parent_path(libfsntfs_volume_t *vol, uint64_t pref, char *out,
                        size_t cap)
{
	char parts[MAX_PARENTS][256];
	int n = 0;

	out[0] = '\0';
	while ((pref & 0xffffffffffffull) != NTFS_ROOT) {
		libfsntfs_file_entry_t *p = NULL;
		uint64_t ref = 0, up = 0;
		bool ok;
		if (n >= MAX_PARENTS ||
		    libfsntfs_volume_get_file_entry_by_index(
		        vol, pref & 0xffffffffffffull, &p, NULL) != 1)
			return false;
		ok = libfsntfs_file_entry_is_allocated(p, NULL) == 1 &&
		     libfsntfs_file_entry_get_file_reference(p, &ref, NULL) ==
		         1 &&
		     (ref >> 48) == (pref >> 48) &&
		     fn_attribute(p, parts[n], sizeof parts[n], &up, NULL);
		if (ok)
			image_name_element(parts[n], sizeof parts[n]);
		libfsntfs_file_entry_free(&p, NULL);
		if (!ok)
			return false;
		n++;
		pref = up;
	}
	while (n--) {
		size_t len = strlen(out);
		if (len + strlen(parts[n]) + 2 >= cap)
			return false;
		snprintf(out + len, cap - len, "%s%s", len ? "/" : "",
		         parts[n]);
	}
	return true;
}

/* MFT entries no longer in use whose name is a script: a web shell
 * deleted from the folders may still be named (and, when small enough to
 * live in the entry itself, read) here. */
static void deleted_entries(struct fsw *w)
{
	uint64_t i, count = 0;

	if (libfsntfs_volume_get_number_of_file_entries(w->vol, &count,
	                                                NULL) != 1)
		return;
	if (count > LIM_IMAGE_ENTRIES)
		count = LIM_IMAGE_ENTRIES;
	for (i = 16; i < count; i++) {
		libfsntfs_file_entry_t *fe = NULL;
		char name[1024], lower[1024], dir[3072], path[4096];
		uint64_t pref = 0;
		bool poisoned, say = next_step(&poisoned);
		if (!say)
			continue;
		if (poisoned) {
			say_damage("$MFT", "its reader failed on an entry: "
			                   "skipped");
			continue;
		}
		if (libfsntfs_volume_get_file_entry_by_index(w->vol, i, &fe,
		                                             NULL) != 1) {
			say_plain();
			continue;
		}
		if (libfsntfs_file_entry_is_allocated(fe, NULL) != 0 ||
		    !fn_attribute(fe, name, sizeof name, &pref, NULL)) {
			libfsntfs_file_entry_free(&fe, NULL);
			say_plain();
			continue;
		}
		image_name_element(name, sizeof name);
		text_lower(lower, name, sizeof lower);
		if (!detect_is_code_name(lower)) {
			libfsntfs_file_entry_free(&fe, NULL);
			say_plain();
			continue;
		}
		if (!parent_path(w->vol, pref, dir, sizeof dir))
			snprintf(dir, sizeof dir, "$deleted/mft-%llu",
			         (unsigned long long)i);
		snprintf(path, sizeof path, "%s%s%s", dir, dir[0] ? "/" : "",
		         name);
		send_file(w, fe, path, "d");
		libfsntfs_file_entry_free(&fe, NULL);
	}
}

/* Opens NTFS over h (owned) and walks it; remember: keep the files for the
 * shadow copies. Returns 0, or -1 when the file system cannot be opened. */
static int walk_ntfs(struct fsw *w, bfio_t *h)
{
	libfsntfs_file_entry_t *root = NULL;
	bool poisoned, say = next_step(&poisoned);
	char where[64];
	uint64_t dirs[LIM_WALK_DEPTH + 1];

	snprintf(where, sizeof where, "volume %d%s", w->volno,
	         w->store ? " (a shadow copy)" : "");
	if (poisoned) {
		say_damage(where, "its reader failed opening the file system: "
		                  "not read");
		bfio_free(FOR_NTFS, &h);
		return -1;
	}
	if (libfsntfs_volume_initialize(&w->vol, NULL) != 1 ||
	    libfsntfs_volume_open_file_io_handle(w->vol, h, LIBFSNTFS_OPEN_READ,
	                                         NULL) != 1 ||
	    libfsntfs_volume_get_root_directory(w->vol, &root, NULL) != 1) {
		if (say)
			say_damage(where, "its NTFS file system cannot be "
			                  "opened (damaged): not read");
		if (w->vol)
			libfsntfs_volume_free(&w->vol, NULL);
		bfio_free(FOR_NTFS, &h);
		return -1;
	}
	if (say) {
		begin("N");
		fieldu(step, false);
		fieldu((uint64_t)w->volno, false);
		fieldu((uint64_t)w->store, true);
		send_msg(-1);
	}
	w->path[0] = '\0';
	w->dirs = dirs;
	w->depth = 0;
	w->entries = 0;
	walk_dir(w, root, 0);
	libfsntfs_file_entry_free(&root, NULL);
	if (!w->store)
		deleted_entries(w);
	libfsntfs_volume_close(w->vol, NULL);
	libfsntfs_volume_free(&w->vol, NULL);
	bfio_free(FOR_NTFS, &h);
	return 0;
}

void image_time_iso(int64_t t, char dst[32])
{
	if (t)
		time_iso(t, dst);
	else
		dst[0] = '\0';
}

static void one_volume(struct layer *l, const struct pvol *v, bool vss,
                       bool all, bool rules, bool running)
{
	struct fsw w;
	libvshadow_volume_t *vs = NULL;
	bfio_t *vh = NULL;
	int stores = 0, i;
	bool poisoned, say = next_step(&poisoned);

	if (say) {
		begin("V");
		fieldu(step, false);
		fieldu((uint64_t)v->index, false);
		fieldu(v->offset, false);
		fieldu(v->size, false);
		field(v->scheme, false);
		fieldu((uint64_t)v->ntfs, false);
		field(v->fs, true);
		send_msg(-1);
	}
	if (!v->ntfs || poisoned)
		return;
	memset(&w, 0, sizeof w);
	w.l = l;
	w.voff = v->offset;
	w.volno = v->index;
	w.all = all;
	w.rules = rules;
	w.live = running;
#ifdef _WIN32
	w.copy = scratch != NULL;
#endif
	/* Its shadow copies, counted first: the live walk then keeps what
	 * it saw only when there is something to compare with. */
	say = next_step(&poisoned);
	if (vss && !poisoned) {
		vh = range_handle(FOR_VSS, l, NULL, v->offset, v->size);
		if (!vh || libvshadow_volume_initialize(&vs, NULL) != 1 ||
		    libvshadow_volume_open_file_io_handle(
		        vs, vh, LIBVSHADOW_OPEN_READ, NULL) != 1 ||
		    libvshadow_volume_get_number_of_stores(vs, &stores, NULL) !=
		        1)
			stores = 0;
		if (stores > LIM_IMAGE_STORES)
			stores = LIM_IMAGE_STORES;
	}
	if (say) {
		begin("W");
		fieldu(step, false);
		fieldu((uint64_t)v->index, false);
		fieldu((uint64_t)(stores > 0 ? stores : 0), true);
		send_msg(-1);
	}
	w.remember = stores > 0;
	walk_ntfs(&w, range_handle(FOR_NTFS, l, NULL, v->offset, v->size));
	for (i = 0; i < stores; i++) {
		libvshadow_store_t *st = NULL;
		uint64_t created = 0;
		size64_t size = 0;
		char iso[32];
		bfio_t *sh;
		say = next_step(&poisoned);
		if (poisoned ||
		    libvshadow_volume_get_store(vs, i, &st, NULL) != 1) {
			if (say)
				say_damage("shadow copy", "cannot be opened: "
				                          "not read");
			continue;
		}
		libvshadow_store_get_creation_time(st, &created, NULL);
		libvshadow_store_get_volume_size(st, &size, NULL);
		image_time_iso(image_unix_time(created), iso);
		if (say) {
			begin("S");
			fieldu(step, false);
			fieldu((uint64_t)v->index, false);
			fieldu((uint64_t)i + 1, false);
			field(iso, true);
			send_msg(-1);
		}
		w.store = i + 1;
		w.remember = false;
		sh = range_handle(FOR_NTFS, NULL, st, 0, size ? size : v->size);
		if (sh)
			walk_ntfs(&w, sh);
		libvshadow_store_free(&st, NULL);
	}
	live_clear();
	if (vs) {
		libvshadow_volume_close(vs, NULL);
		libvshadow_volume_free(&vs, NULL);
	}
	if (vh)
		bfio_free(FOR_VSS, &vh);
}

int image_child_main(int argc, char **argv)
{
	struct layer l;
	struct pvol vols[LIM_IMAGE_VOLUMES];
	const char *path = NULL, *kind = "raw";
	bool vss = true, all = false, rules = false, running = false;
	int i, n, damage = 0;
#ifdef _WIN32
	/* Its bounds are its job object's (set by the parent); errors must
	 * not open a dialog box and wait for a click. */
	child_limits();
#else
	struct rlimit fsize = {LIM_IMAGE_FILE + 1, LIM_IMAGE_FILE + 1};
	struct rlimit none = {0, 0};

	/* Its own bounds (not child_limits: its memfds are files) */
	child_limit_memory(LIM_IMAGE_AS);
	/* no time limit of its own (an image takes what it takes): the
	 * parent stops it when it falls silent */
	{
		struct rlimit inf = {RLIM_INFINITY, RLIM_INFINITY};
		setrlimit(RLIMIT_CPU, &inf);
	}
	setrlimit(RLIMIT_FSIZE, &fsize); /* its memfds, nothing else */
	setrlimit(RLIMIT_CORE, &none);
#endif
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--no-vss"))
			vss = false;
		else if (!strcmp(argv[i], "--all"))
			all = true;
		else if (!strcmp(argv[i], "--live"))
			running = true;
#ifndef _WIN32
		else if (!strcmp(argv[i], "--runs"))
			by_runs = true;
#endif
#ifdef _WIN32
		else if (!strcmp(argv[i], "--temp") && i + 1 < argc)
			scratch = argv[++i];
#endif
		else if (!strcmp(argv[i], "--rules"))
			rules = true;
		else if (!strcmp(argv[i], "--kind") && i + 1 < argc)
			kind = argv[++i];
		else if (!strcmp(argv[i], "--after") && i + 1 < argc) {
			after = strtoull(argv[++i], NULL, 10);
			restarted = true;
		}
		else
			path = argv[i];
	}
	/* tests/e2e/hunt_image.sh checks the restart past a crash */
#ifndef _WIN32
	split_runs = getenv("EXHUNT_TEST_SPLIT_RUNS") != NULL;
#endif
	if (getenv("EXHUNT_TEST_IMAGE_CRASH_AT"))
		crash_at = strtoull(getenv("EXHUNT_TEST_IMAGE_CRASH_AT"), NULL,
		                    10);
	buf_init(&msg, LIM_IMAGE_MSG * 2);
	if (!path)
		return 2;
	if (layer_open(&l, path, kind)) {
		step = after + 1;
		say_damage(path, "the image cannot be opened by its library");
		return 2;
	}
	n = ptable_find(ptable_read, &l, l.size, vols, LIM_IMAGE_VOLUMES,
	                &damage);
	if (damage && !after) {
		say_damage("partition table", "entries pointing outside the "
		                              "image or past the limits were "
		                              "skipped");
	}
	for (i = 0; i < n; i++)
		one_volume(&l, &vols[i], vss, all, rules, running);
	step++;
	begin("Z");
	fieldu(step, true);
	send_msg(-1);
	/* Gone with answers unread in its socket, the child would reset the
	 * connection and the parent could lose the messages still queued
	 * for it (this end among them): take every answer first. */
	(void)take_answers(0);
	return 0;
}
