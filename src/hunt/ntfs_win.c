/* Files the running system holds open without sharing (its event logs,
 * the hives of users and of SAM and SECURITY), read through the raw NTFS
 * volume on Windows: the Windows API refuses to open them, as it refuses
 * every copy tool, while their bytes lie on the volume like any others.
 *
 * The parent (a worker, detect_locked) names the file to the reader child
 * ("exhunt.exe __read-evtx --raw HEX", HEX the UTF-8 of "VOLUME\tPATH"):
 * VOLUME is the drive's device (\\.\C:) or a raw volume image given with
 * --raw-volume, PATH the file's path on it. The child opens the volume
 * with libfsntfs (Debian's source, built by tools/win/deps.sh), finds the
 * file, and gives the event-log or registry library a libbfio handle
 * whose reads are libfsntfs's reads of that file: nothing is copied and
 * nothing is written, and the child is bounded (job object) as every
 * reader is. Reading the device needs an administrator, as backup tools
 * do. A log the system writes while it is read can come out dirty; the
 * readers count such records as they do in any dirty log. */
#include "hunt/child.h"
#include "hunt/detect.h"
#include "hunt/hunt.h"
#include "hunt/walk_int.h"
#include "base/err.h"
#include <ctype.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <libfsntfs.h>
#include "base/banned.h"

/* --- the parent: a worker's locked file ---------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

void raw_volume_name(const struct hunt *h, char drive, char *out, size_t cap)
{
	int d = toupper((unsigned char)drive) - 'A';

	if (d >= 0 && d < 26 && h->raw_volume[d])
		snprintf(out, cap, "%s", h->raw_volume[d]);
	else
		snprintf(out, cap,
		         "\\\\.\\%c:", 'A' + (d < 0 || d >= 26 ? 2 : d));
}

void raw_note(struct hunt *h, char drive)
{
	int d = toupper((unsigned char)drive) - 'A';
	char vol[4200];

	if (d < 0 || d >= 26 || h->raw_noted[d])
		return;
	h->raw_noted[d] = true;
	raw_volume_name(h, drive, vol, sizeof vol);
	hunt_note(h,
	          "%c/: files the system holds open without sharing (event "
	          "logs, hives) are read through the raw volume %s",
	          'A' + d, vol);
}

void detect_locked(struct hunt *h, const struct job *j)
{
	static const char hex[] = "0123456789abcdef";
	int d = toupper((unsigned char)j->raw) - 'A';
	char vol[4200], *spec, *verb;
	size_t n, i, k;
	HANDLE nul;
	int fd;
	bool evtx = ends_with(j->lower, ".evtx");

	if (d < 0 || d >= 26)
		return;
	raw_volume_name(h, j->raw, vol, sizeof vol);
	n = strlen(vol) + 1 + strlen(j->rel + 2);
	spec = malloc(n + 1);
	verb = malloc(32 + 2 * n + 1);
	if (!spec || !verb) {
		free(spec);
		free(verb);
		hunt_unreadable(h, j->rel, "out of memory");
		return;
	}
	snprintf(spec, n + 1, "%s\t%s", vol, j->rel + 2);
	k = (size_t)snprintf(verb, 32, "%s --raw ",
	                     evtx ? "__read-evtx" : "__read-hive");
	for (i = 0; i < n; i++) {
		verb[k++] = hex[(unsigned char)spec[i] >> 4];
		verb[k++] = hex[(unsigned char)spec[i] & 15];
	}
	verb[k] = '\0';
	nul = CreateFileW(L"NUL", GENERIC_READ,
	                  FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
	                  OPEN_EXISTING, 0, NULL);
	fd = nul == INVALID_HANDLE_VALUE
	         ? -1
	         : _open_osfhandle((intptr_t)nul, _O_RDONLY | _O_BINARY);
	if (fd < 0) {
		if (nul != INVALID_HANDLE_VALUE)
			CloseHandle(nul);
		hunt_unreadable(h, j->rel, "the reader could not start");
	} else {
		if (evtx)
			detect_evtx_via(h, verb, fd, j->rel);
		else
			detect_hive_via(h, verb, fd, j->rel);
		close(fd);
	}
	free(spec);
	free(verb);
}

/* --- the child: the file named by --raw as a libbfio handle ------------- */

static char *raw_spec;

bool child_raw_set(const char *hexs)
{
	size_t n = strlen(hexs), i;
	char *s;

	if (n % 2 || n == 0 || !(s = malloc(n / 2 + 1)))
		return false;
	for (i = 0; i < n / 2; i++) {
		int hi = hexs[2 * i], lo = hexs[2 * i + 1];
		if (!isxdigit(hi) || !isxdigit(lo)) {
			free(s);
			return false;
		}
		hi = isdigit(hi) ? hi - '0' : tolower(hi) - 'a' + 10;
		lo = isdigit(lo) ? lo - '0' : tolower(lo) - 'a' + 10;
		s[i] = (char)(hi << 4 | lo);
	}
	s[n / 2] = '\0';
	if (strlen(s) != n / 2 || !strchr(s, '\t')) {
		free(s);
		return false;
	}
	raw_spec = s;
	return true;
}

bool child_raw(void)
{
	return raw_spec != NULL;
}

/* One reader's position in the file (libbfio clones handles). */
struct rawfile {
	libfsntfs_file_entry_t *e; /* NULL: the file is standard input's */
	uint64_t size, off;
	int open; /* the library opens its handle (libbfio_handle_open) */
};

static int r_free(intptr_t **io, void **e)
{
	(void)e;
	free(*io);
	*io = NULL;
	return 1;
}

static int r_clone(intptr_t **dst, intptr_t *src, void **e)
{
	struct rawfile *c = malloc(sizeof *c);

	(void)e;
	if (!c)
		return -1;
	*c = *(struct rawfile *)src;
	c->off = 0;
	c->open = 0;
	*dst = (intptr_t *)c;
	return 1;
}

static int r_open(intptr_t *io, int flags, void **e)
{
	(void)e;
	if (flags & 2)
		return -1; /* never for writing */
	((struct rawfile *)io)->open = 1;
	((struct rawfile *)io)->off = 0;
	return 1;
}

static int r_close(intptr_t *io, void **e)
{
	(void)e;
	((struct rawfile *)io)->open = 0;
	return 0;
}

static int r_exists(intptr_t *io, void **e)
{
	(void)io;
	(void)e;
	return 1;
}

static int r_is_open(intptr_t *io, void **e)
{
	(void)e;
	return ((struct rawfile *)io)->open;
}

static ssize_t r_read(intptr_t *io, uint8_t *buf, size_t n, void **e)
{
	struct rawfile *f = (struct rawfile *)io;
	ssize_t got;

	(void)e;
	if (f->off >= f->size)
		return 0;
	if (n > f->size - f->off)
		n = (size_t)(f->size - f->off);
	got = f->e ? libfsntfs_file_entry_read_buffer_at_offset(
	                 f->e, buf, n, (off64_t)f->off, NULL)
	           : pread(0, buf, n, (off_t)f->off);
	if (got < 0)
		return -1;
	f->off += (uint64_t)got;
	return got;
}

static ssize_t r_write(intptr_t *io, const uint8_t *buf, size_t n, void **e)
{
	(void)io;
	(void)buf;
	(void)n;
	(void)e;
	return -1;
}

static off64_t r_seek(intptr_t *io, off64_t off, int whence, void **e)
{
	struct rawfile *f = (struct rawfile *)io;
	int64_t base = whence == SEEK_CUR   ? (int64_t)f->off
	               : whence == SEEK_END ? (int64_t)f->size
	                                    : 0;

	(void)e;
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
		return -1;
	if (off < 0 && -off > base)
		return -1;
	f->off = (uint64_t)(base + off);
	return (off64_t)f->off;
}

static int r_size(intptr_t *io, uint64_t *size, void **e)
{
	(void)e;
	*size = ((struct rawfile *)io)->size;
	return 1;
}

/* Standard input's file, read at offsets through its handle (never
 * opened again by name: a temporary file from a disk image is open for
 * deletion, and a name can change under us). */
static intptr_t *input_handle(bfio_init_fn *init, int *code)
{
	struct rawfile *f;
	intptr_t *handle = NULL;
	LARGE_INTEGER size;

	*code = 2;
	if (!GetFileSizeEx(GetStdHandle(STD_INPUT_HANDLE), &size) ||
	    size.QuadPart < 0 || !(f = calloc(1, sizeof *f)))
		return NULL;
	_setmode(0, _O_BINARY);
	f->size = (uint64_t)size.QuadPart;
	if (init(&handle, (intptr_t *)f, r_free, r_clone, r_open, r_close,
	         r_read, r_write, r_seek, r_exists, r_is_open, r_size,
	         1 /* LIBBFIO_FLAG_IO_HANDLE_MANAGED */, NULL) != 1) {
		free(f);
		return NULL;
	}
	*code = 0;
	return handle;
}

intptr_t *child_input_handle(bfio_init_fn *init, int *code)
{
	libfsntfs_volume_t *vol = NULL;
	libfsntfs_file_entry_t *entry = NULL;
	struct rawfile *f;
	intptr_t *handle = NULL;
	char *tab = raw_spec ? strchr(raw_spec, '\t') : NULL, *path;
	wchar_t *wvol;
	size64_t size = 0;
	size_t i;

	if (!raw_spec)
		return input_handle(init, code);
	*code = 4;
	*tab = '\0';
	/* a device as it is; an image's path made long-path safe */
	wvol = strncmp(raw_spec, "\\\\.\\", 4) ? win_path(raw_spec)
	                                       : win_wide(raw_spec);
	if (!wvol || libfsntfs_volume_initialize(&vol, NULL) != 1 ||
	    libfsntfs_volume_open_wide(vol, wvol, LIBFSNTFS_OPEN_READ, NULL) !=
	        1) {
		free(wvol);
		return NULL;
	}
	free(wvol);
	*code = 5;
	/* libfsntfs's paths: from the root, separated by backslashes */
	if (!(path = malloc(strlen(tab + 1) + 2)))
		return NULL;
	path[0] = '\\';
	memcpy(path + 1, tab + 1, strlen(tab + 1) + 1);
	for (i = 0; path[i]; i++)
		if (path[i] == '/')
			path[i] = '\\';
	if (libfsntfs_volume_get_file_entry_by_utf8_path(
	        vol, (const uint8_t *)path, strlen(path), &entry, NULL) != 1 ||
	    libfsntfs_file_entry_get_size(entry, &size, NULL) != 1) {
		free(path);
		return NULL;
	}
	free(path);
	if (!(f = calloc(1, sizeof *f)))
		return NULL;
	f->e = entry;
	f->size = size;
	if (init(&handle, (intptr_t *)f, r_free, r_clone, r_open, r_close,
	         r_read, r_write, r_seek, r_exists, r_is_open, r_size,
	         1 /* LIBBFIO_FLAG_IO_HANDLE_MANAGED */, NULL) != 1)
		return NULL;
	*code = 0;
	/* the volume and entry live as long as the child */
	return handle;
}
