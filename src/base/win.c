/* The Windows build's POSIX (base/win.h). */
#include "base/win.h"
#include <stdarg.h>
#include <windows.h>
#include <wctype.h>
#include "base/banned.h"

#undef open
#undef fopen
#undef _stat64
#undef unlink
#undef rename
#undef mkdir

wchar_t *win_wide(const char *utf8)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1,
	                            NULL, 0);
	wchar_t *w;

	if (n <= 0 || !(w = malloc((size_t)n * sizeof *w)))
		return NULL;
	MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, w, n);
	return w;
}

char *win_utf8(const wchar_t *w)
{
	/* Unpaired surrogates (names NTFS allows and UTF-16 does not) come
	 * out as U+FFFD: the name stays readable in the report. */
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	char *s;

	if (n <= 0 || !(s = malloc((size_t)n)))
		return NULL;
	WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
	return s;
}

char *win_name_utf8(const wchar_t *w)
{
	size_t n = wcslen(w), i, k = 0;
	wchar_t *t = malloc((6 * n + 1) * sizeof *t);
	char *s;

	if (!t)
		return NULL;
	for (i = 0; i < n; i++) {
		bool hi = w[i] >= 0xD800 && w[i] <= 0xDBFF;
		bool lo = w[i] >= 0xDC00 && w[i] <= 0xDFFF;
		if (hi && i + 1 < n && w[i + 1] >= 0xDC00 && w[i + 1] <= 0xDFFF) {
			t[k++] = w[i++];
			t[k++] = w[i];
		} else if (hi || lo) {
			/* a lone surrogate: "\uD800", which no Windows name
			 * can hold (a backslash), so no other name reads so */
			k += (size_t)swprintf(t + k, 7, L"\\u%04X",
			                      (unsigned)w[i]);
		} else {
			t[k++] = w[i];
		}
	}
	t[k] = 0;
	s = win_utf8(t);
	free(t);
	return s;
}

wchar_t *win_path(const char *utf8)
{
	wchar_t *w = win_wide(utf8), *full, *out;
	DWORD n;
	size_t k;

	if (!w)
		return NULL;
	if (!wcsncmp(w, L"\\\\?\\", 4) || !wcsncmp(w, L"\\\\.\\", 4))
		return w;
	for (k = 0; w[k]; k++)
		if (w[k] == L'/')
			w[k] = L'\\';
	n = GetFullPathNameW(w, 0, NULL, NULL);
	if (!n || !(full = malloc(n * sizeof *full))) {
		free(w);
		return NULL;
	}
	GetFullPathNameW(w, n, full, NULL);
	free(w);
	/* \\?\C:\... or \\?\UNC\server\share\... */
	k = wcslen(full) + 8;
	out = malloc(k * sizeof *out);
	if (out) {
		if (!wcsncmp(full, L"\\\\", 2))
			swprintf(out, k, L"\\\\?\\UNC\\%ls", full + 2);
		else
			swprintf(out, k, L"\\\\?\\%ls", full);
	}
	free(full);
	return out;
}

struct win_dir {
	HANDLE h;
	WIN32_FIND_DATAW fd;
	bool first; /* fd holds a name not yet given */
	char *name;
};

struct win_dir *win_opendir(const char *utf8)
{
	wchar_t *w = win_path(utf8), *pat;
	struct win_dir *d;
	size_t n;

	if (!w)
		return NULL;
	n = wcslen(w) + 3;
	pat = malloc(n * sizeof *pat);
	d = calloc(1, sizeof *d);
	if (!pat || !d) {
		free(w);
		free(pat);
		free(d);
		return NULL;
	}
	swprintf(pat, n, L"%ls%ls*", w,
	         n > 3 && w[n - 4] == L'\\' ? L"" : L"\\");
	free(w);
	d->h = FindFirstFileExW(pat, FindExInfoBasic, &d->fd,
	                        FindExSearchNameMatch, NULL, 0);
	free(pat);
	if (d->h == INVALID_HANDLE_VALUE) {
		free(d);
		return NULL;
	}
	d->first = true;
	return d;
}

const char *win_readdir(struct win_dir *d, bool *is_dir)
{
	for (;;) {
		if (!d->first && !FindNextFileW(d->h, &d->fd))
			return NULL;
		d->first = false;
		if (!wcscmp(d->fd.cFileName, L".") ||
		    !wcscmp(d->fd.cFileName, L".."))
			continue;
		free(d->name);
		d->name = win_utf8(d->fd.cFileName);
		if (!d->name)
			continue;
		*is_dir =
		    (d->fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
		    !(d->fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT);
		return d->name;
	}
}

void win_closedir(struct win_dir *d)
{
	if (!d)
		return;
	FindClose(d->h);
	free(d->name);
	free(d);
}

int win_errno(unsigned long code)
{
	switch (code) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_NAME: return ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION: return EACCES;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY: return ENOMEM;
	case ERROR_FILE_EXISTS:
	case ERROR_ALREADY_EXISTS: return EEXIST;
	case ERROR_DIRECTORY: return ENOTDIR;
	default: return EIO;
	}
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	OVERLAPPED ov;
	DWORD got = 0;
	off_t here = lseek(fd, 0, SEEK_CUR);

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	memset(&ov, 0, sizeof ov);
	ov.Offset = (DWORD)((uint64_t)off & 0xffffffffu);
	ov.OffsetHigh = (DWORD)((uint64_t)off >> 32);
	if (n > 0x40000000u)
		n = 0x40000000u;
	if (!ReadFile(h, buf, (DWORD)n, &got, &ov) &&
	    GetLastError() != ERROR_HANDLE_EOF) {
		errno = win_errno(GetLastError());
		return -1;
	}
	/* ReadFile at an offset moves the file pointer: put it back, as
	 * pread leaves it. */
	if (here >= 0)
		lseek(fd, here, SEEK_SET);
	return (ssize_t)got;
}

int exh_open(const char *path, int flags, ...)
{
	wchar_t *w = win_path(path);
	int mode = 0, fd;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	if (!w) {
		errno = ENOENT;
		return -1;
	}
	if (!(flags & (O_WRONLY | O_RDWR))) {
		/* Read with full sharing, as evidence in use must be read:
		 * the CRT's _wopen would deny writers. */
		HANDLE h = CreateFileW(
		    w, GENERIC_READ,
		    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
		    NULL, OPEN_EXISTING,
		    FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT,
		    NULL);
		free(w);
		if (h == INVALID_HANDLE_VALUE) {
			errno = win_errno(GetLastError());
			return -1;
		}
		fd = _open_osfhandle((intptr_t)h, _O_RDONLY | _O_BINARY);
		if (fd < 0)
			CloseHandle(h);
		return fd;
	}
	fd = _wopen(w, flags | O_BINARY, mode ? _S_IREAD | _S_IWRITE : 0);
	free(w);
	return fd;
}

FILE *exh_fopen(const char *path, const char *mode)
{
	wchar_t *w = win_path(path), wm[8];
	size_t i;
	FILE *f;

	if (!w) {
		errno = ENOENT;
		return NULL;
	}
	for (i = 0; mode[i] && i < 6; i++)
		wm[i] = (wchar_t)mode[i];
	wm[i] = 0;
	if (!wcschr(wm, L'b'))
		wcscat(wm, L"b");
	f = _wfopen(w, wm);
	free(w);
	return f;
}

int exh_stat(const char *path, struct _stat64 *st)
{
	wchar_t *w = win_path(path);
	int rc;

	if (!w) {
		errno = ENOENT;
		return -1;
	}
	rc = _wstat64(w, st);
	free(w);
	return rc;
}

int exh_unlink(const char *path)
{
	wchar_t *w = win_path(path);
	int rc = w ? _wunlink(w) : -1;

	free(w);
	return rc;
}

int exh_rename(const char *from, const char *to)
{
	wchar_t *a = win_path(from), *b = win_path(to);
	int rc = -1;

	if (a && b && MoveFileExW(a, b, MOVEFILE_REPLACE_EXISTING))
		rc = 0;
	else
		errno = a && b ? win_errno(GetLastError()) : ENOENT;
	free(a);
	free(b);
	return rc;
}

int exh_mkdir(const char *path, int mode)
{
	wchar_t *w = win_path(path);
	int rc = -1;

	(void)mode;
	if (w && CreateDirectoryW(w, NULL))
		rc = 0;
	else
		errno = w ? win_errno(GetLastError()) : ENOENT;
	free(w);
	return rc;
}

int utimensat(int dirfd, const char *path, const struct timespec ts[2],
              int flags)
{
	wchar_t *w = win_path(path);
	HANDLE h;
	FILETIME t[2];
	int i, rc = -1;

	(void)dirfd;
	(void)flags;
	if (!w)
		return -1;
	h = CreateFileW(w, FILE_WRITE_ATTRIBUTES, FILE_SHARE_READ, NULL,
	                OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return -1;
	for (i = 0; i < 2; i++) {
		uint64_t v = ((uint64_t)ts[i].tv_sec + UINT64_C(11644473600)) *
		                 10000000 +
		             (uint64_t)ts[i].tv_nsec / 100;
		t[i].dwLowDateTime = (DWORD)v;
		t[i].dwHighDateTime = (DWORD)(v >> 32);
	}
	if (SetFileTime(h, NULL, &t[0], &t[1]))
		rc = 0;
	CloseHandle(h);
	return rc;
}

char *strndup(const char *s, size_t n)
{
	size_t k = strnlen(s, n);
	char *d = malloc(k + 1);

	if (d) {
		memcpy(d, s, k);
		d[k] = '\0';
	}
	return d;
}

void *memmem(const void *hay, size_t n, const void *needle, size_t k)
{
	const unsigned char *h = hay, *end;

	if (!k)
		return (void *)(uintptr_t)hay;
	if (n < k)
		return NULL;
	for (end = h + n - k; h <= end; h++) {
		h = memchr(h, *(const unsigned char *)needle,
		           (size_t)(end - h) + 1);
		if (!h)
			return NULL;
		if (!memcmp(h, needle, k))
			return (void *)(uintptr_t)h;
	}
	return NULL;
}

int64_t now_ms(void)
{
	return (int64_t)GetTickCount64();
}

/* The final path (\\?\C:\...) of a folder or file, malloc'd. */
static wchar_t *final_path(const wchar_t *w)
{
	HANDLE h = CreateFileW(
	    w, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
	    OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
	DWORD n;
	wchar_t *p = NULL;

	if (h == INVALID_HANDLE_VALUE)
		return NULL;
	n = GetFinalPathNameByHandleW(h, NULL, 0, FILE_NAME_NORMALIZED);
	if (n && (p = malloc((n + 1) * sizeof *p)) &&
	    !GetFinalPathNameByHandleW(h, p, n + 1, FILE_NAME_NORMALIZED)) {
		free(p);
		p = NULL;
	}
	CloseHandle(h);
	return p;
}

/* Whether folder a is b or lies below it. */
static bool below(const wchar_t *a, const wchar_t *b)
{
	size_t n = wcslen(b);

	while (n && b[n - 1] == L'\\')
		n--;
	return !_wcsnicmp(a, b, n) && (a[n] == 0 || a[n] == L'\\');
}

int win_open_report(const char *path, const char *root, const char **why)
{
	wchar_t *w = win_path(path), *slash, *parent = NULL, *top = NULL;
	BY_HANDLE_FILE_INFORMATION info;
	HANDLE h = INVALID_HANDLE_VALUE;
	int fd = -1;

	*why = NULL;
	if (!w) {
		*why = "not a valid path";
		return -1;
	}
	slash = wcsrchr(w, L'\\');
	if (slash && slash > w && slash[-1] == L':') {
		/* in a drive's root (E:\report.html, a USB stick): its
		 * folder is the root, "E:\", not the volume "E:" */
		wchar_t keep = slash[1];
		slash[1] = 0;
		parent = final_path(w);
		slash[1] = keep;
	} else if (slash) {
		*slash = 0;
		parent = final_path(w);
		*slash = L'\\';
	}
	if (!parent) {
		*why = "its folder does not exist";
		goto out;
	}
	if (root) {
		wchar_t *r = win_path(root);
		top = r ? final_path(r) : NULL;
		free(r);
		if (!top) {
			*why = "cannot open the evidence folder";
			goto out;
		}
		if (below(parent, top)) {
			*why = "that is inside the evidence folder";
			goto out;
		}
		{
			/* evidence that is a disk image: not over it */
			wchar_t *self = final_path(w);
			bool same = self && !_wcsicmp(self, top);
			free(self);
			if (same) {
				*why = "that is the evidence image itself";
				goto out;
			}
		}
	} else {
		wchar_t sys[8];
		/* \\?\C:\... */
		if (GetEnvironmentVariableW(L"SystemDrive", sys, 8) == 2 &&
		    wcslen(parent) > 5 &&
		    towupper(parent[4]) == towupper(sys[0]))
			*why =
			    "the report is written on the system drive, which "
			    "is being hunted: write it to another drive (a "
			    "USB stick, a share) to leave the evidence as it "
			    "was";
	}
	h = CreateFileW(w, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_ALWAYS,
	                FILE_FLAG_OPEN_REPARSE_POINT, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		*why = "cannot be created";
		goto out;
	}
	if (!GetFileInformationByHandle(h, &info) ||
	    (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ||
	    info.nNumberOfLinks > 1) {
		*why = "it is a link or has other names";
		CloseHandle(h);
		goto out;
	}
	SetEndOfFile(h); /* at 0: truncated only now */
	fd = _open_osfhandle((intptr_t)h, _O_WRONLY | _O_BINARY);
	if (fd < 0) {
		CloseHandle(h);
		*why = "out of file descriptors";
	}
out:
	free(w);
	free(parent);
	free(top);
	return fd;
}

/* base/hash.h through bcrypt (Windows Vista and later). */
#include "base/hash.h"
#include <bcrypt.h>

struct sha256 {
	BCRYPT_HASH_HANDLE h;
};

static BCRYPT_ALG_HANDLE sha_alg;
static INIT_ONCE sha_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK sha_open(PINIT_ONCE once, PVOID p, PVOID *ctx)
{
	(void)once;
	(void)p;
	(void)ctx;
	return BCryptOpenAlgorithmProvider(&sha_alg, BCRYPT_SHA256_ALGORITHM,
	                                   NULL, 0) >= 0;
}

struct sha256 *sha256_new(void)
{
	struct sha256 *s;

	if (!InitOnceExecuteOnce(&sha_once, sha_open, NULL, NULL) ||
	    !(s = calloc(1, sizeof *s)))
		return NULL;
	if (BCryptCreateHash(sha_alg, &s->h, NULL, 0, NULL, 0, 0) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

void sha256_update(struct sha256 *s, const void *p, size_t n)
{
	while (n) {
		ULONG k = n > 0x40000000u ? 0x40000000u : (ULONG)n;
		BCryptHashData(s->h, (PUCHAR)(uintptr_t)p, k, 0);
		p = (const char *)p + k;
		n -= k;
	}
}

bool sha256_hex(struct sha256 *s, char out[65])
{
	unsigned char d[32];
	int i;

	if (BCryptFinishHash(s->h, d, 32, 0) < 0)
		return false;
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	return true;
}

void sha256_free(struct sha256 *s)
{
	if (s) {
		BCryptDestroyHash(s->h);
		free(s);
	}
}
