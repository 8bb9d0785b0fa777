/* The tree source on Windows: a folder, or the live server (every local
 * drive that holds the system or Exchange). Names are wide and long-path
 * safe (\\?\) at the API and UTF-8 in the hunt; a reparse point (a
 * symbolic link, a junction, a mount point) is named and never followed;
 * files are opened read-only with full sharing, so files in use (live
 * logs, a file another process holds for writing) are read as they are.
 * Files with several names are read once, as on Linux. */
#include "hunt/image.h"
#include "hunt/walk_int.h"
#include "hunt/detect.h"
#include "base/err.h"
#include "base/log.h"
#include "base/text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "base/banned.h"

#define WPATH 32768

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* FILETIME (100 ns since 1601) to Unix seconds. */
static int64_t unix_time(FILETIME t)
{
	int64_t v =
	    (int64_t)(((uint64_t)t.dwHighDateTime << 32) | t.dwLowDateTime);

	return v / 10000000 - INT64_C(11644473600);
}

static const char *reparse_kind(DWORD tag)
{
	switch (tag) {
	case IO_REPARSE_TAG_SYMLINK: return "a symbolic link";
	case IO_REPARSE_TAG_MOUNT_POINT: return "a junction or mount point";
	default: return "a reparse point";
	}
}

static void one_reparse(struct walk *w, const WIN32_FIND_DATAW *fd)
{
	const char *base = strrchr(w->lower, '/');
	char detail[300];

	w->symlinks++;
	base = base ? base + 1 : w->lower;
	if (file_role(w->lower) == FR_OTHER && !detect_is_code_name(base))
		return;
	snprintf(detail, sizeof detail,
	         "%s where IIS serves code; not followed: check its target "
	         "on the server",
	         reparse_kind(fd->dwReserved0));
	hunt_add(w->h, "link", HC_NONE, HL_NOT_SEEN, SEV_HIGH, w->rel, 0,
	         detail);
}

static void one_file(struct walk *w, const wchar_t *path)
{
	struct hunt *h = w->h;
	BY_HANDLE_FILE_INFORMATION info;
	HANDLE fh;
	int fd;

	h->files_seen++;
	fh = CreateFileW(path, GENERIC_READ,
	                 FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
	                 NULL, OPEN_EXISTING,
	                 FILE_FLAG_OPEN_REPARSE_POINT |
	                     FILE_FLAG_BACKUP_SEMANTICS |
	                     FILE_FLAG_SEQUENTIAL_SCAN,
	                 NULL);
	if (fh == INVALID_HANDLE_VALUE) {
		DWORD e = GetLastError();
		if (h->live && e == ERROR_SHARING_VIOLATION &&
		    (ends_with(w->lower, "windows/system32/config/system") ||
		     ends_with(w->lower, "windows/system32/config/software")))
			return; /* read through the registry API (live_win.c) */
		if (h->live && e == ERROR_SHARING_VIOLATION &&
		    walk_hand_locked(w))
			return; /* read through the raw volume (ntfs_win.c) */
		hunt_unreadable(
		    h, w->rel,
		    e == ERROR_SHARING_VIOLATION
		        ? "held open without sharing by another process (a "
		          "live hive or database): read it from a shadow "
		          "copy or a disk image"
		    : e == ERROR_ACCESS_DENIED
		        ? "access denied (run as an administrator)"
		        : strerror(win_errno(e)));
		return;
	}
	if (!GetFileInformationByHandle(fh, &info)) {
		CloseHandle(fh);
		hunt_unreadable(h, w->rel, "its metadata cannot be read");
		return;
	}
	if (info.nNumberOfLinks > 1 &&
	    walk_alias(w, info.dwVolumeSerialNumber,
	               ((uint64_t)info.nFileIndexHigh << 32) |
	                   info.nFileIndexLow)) {
		CloseHandle(fh);
		return;
	}
	fd = _open_osfhandle((intptr_t)fh, _O_RDONLY | _O_BINARY);
	if (fd < 0) {
		CloseHandle(fh);
		hunt_unreadable(h, w->rel, "out of file descriptors");
		return;
	}
	walk_hand(w, fd,
	          ((uint64_t)info.nFileSizeHigh << 32) | info.nFileSizeLow,
	          unix_time(info.ftLastWriteTime));
}

/* path holds the folder's wide path (plen characters, no trailing
 * backslash); w->rel its UTF-8 name under the root (rel_len bytes). */
static void walk_dir(struct walk *w, wchar_t *path, size_t plen, size_t rel_len,
                     int depth)
{
	WIN32_FIND_DATAW fd;
	HANDLE find;

	if (depth > LIM_WALK_DEPTH) {
		hunt_unreadable(w->h, w->rel, "folders nested too deep");
		return;
	}
	if (plen + 3 >= WPATH) {
		hunt_unreadable(w->h, w->rel, "path too long");
		return;
	}
	wcscpy(path + plen, L"\\*");
	find =
	    FindFirstFileExW(path, FindExInfoBasic, &fd, FindExSearchNameMatch,
	                     NULL, FIND_FIRST_EX_LARGE_FETCH);
	path[plen] = 0;
	if (find == INVALID_HANDLE_VALUE) {
		DWORD e = GetLastError();
		if (e != ERROR_FILE_NOT_FOUND)
			hunt_unreadable(w->h, w->rel[0] ? w->rel : ".",
			                e == ERROR_ACCESS_DENIED
			                    ? "access denied (run as an "
			                      "administrator)"
			                    : strerror(win_errno(e)));
		return;
	}
	do {
		size_t wn = wcslen(fd.cFileName), n;
		char *name;
		if (hunt_stop)
			break;
		if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
			continue;
		name = win_name_utf8(fd.cFileName);
		if (!name) {
			w->h->out_of_memory = true;
			continue;
		}
		n = strlen(name);
		if (rel_len + n + 2 >= sizeof w->rel ||
		    plen + wn + 2 >= WPATH) {
			hunt_unreadable(w->h, w->rel, "path too long");
			free(name);
			continue;
		}
		if (rel_len)
			w->rel[rel_len] = '/';
		memcpy(w->rel + rel_len + (rel_len ? 1 : 0), name, n + 1);
		free(name);
		text_lower(w->lower, w->rel, sizeof w->lower);
		path[plen] = L'\\';
		memcpy(path + plen + 1, fd.cFileName, (wn + 1) * sizeof *path);
		if (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
			one_reparse(w, &fd);
		} else if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
			if (!w->h->exchange_dir[0] &&
			    ends_with(w->lower, "exchange server/v15"))
				snprintf(w->h->exchange_dir,
				         sizeof w->h->exchange_dir, "%s",
				         w->rel);
			walk_dir(w, path, plen + 1 + wn,
			         rel_len + n + (rel_len ? 1 : 0), depth + 1);
		} else if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DEVICE)) {
			one_file(w, path);
		}
		path[plen] = 0;
		w->rel[rel_len] = '\0';
	} while (FindNextFileW(find, &fd));
	FindClose(find);
}

/* Walks one root; its files are named under prefix ("" or "C"). */
static void walk_root(struct walk *w, const char *root, const char *prefix)
{
	wchar_t *path = malloc(WPATH * sizeof *path), *p;
	size_t plen;

	if (!path || !(p = win_path(root))) {
		free(path);
		hunt_unreadable(w->h, root, "not a valid path");
		return;
	}
	plen = wcslen(p);
	while (plen > 0 && p[plen - 1] == L'\\')
		plen--;
	if (plen >= WPATH - 2) {
		free(p);
		free(path);
		hunt_unreadable(w->h, root, "path too long");
		return;
	}
	memcpy(path, p, plen * sizeof *p);
	path[plen] = 0;
	free(p);
	snprintf(w->rel, sizeof w->rel, "%s", prefix);
	text_lower(w->lower, w->rel, sizeof w->lower);
	walk_dir(w, path, plen, strlen(prefix), 0);
	w->rel[0] = '\0';
	free(path);
}

void walk_tree_win(struct walk *w, const char *root)
{
	char drives[2][4];
	int nd = 0, i;

	if (root) {
		walk_root(w, root, "");
		return;
	}
	/* The live server: the system drive, and Exchange's if another,
	 * each named by its letter as a KAPE collection names them. */
	nd = live_drives(w->h, drives);
	live_registry(w->h, drives[0][0]);
	if (w->h->scratch) {
		/* files copied out of a raw volume never go onto a drive
		 * hunted: writing there could overwrite what is read */
		wchar_t *full = win_path(w->h->scratch);
		/* \\?\C:\... */
		for (i = 0; full && wcslen(full) > 4 && i < nd; i++)
			if (towupper(full[4]) ==
			    towupper((wchar_t)(unsigned char)drives[i][0]))
				w->h->scratch_hunted = true;
		if (full && wcsncmp(full, L"\\\\?\\UNC\\", 8) &&
		    (wcslen(full) < 6 || full[5] != L':'))
			w->h->scratch_hunted = true; /* unknown: say so */
		free(full);
	}
	for (i = 0; i < nd && !hunt_stop; i++) {
		char r[8], prefix[2] = {drives[i][0], 0};
		snprintf(r, sizeof r, "%c:\\", drives[i][0]);
		walk_root(w, r, prefix);
		/* then what only the file system shows: its shadow copies,
		 * deleted entries, creation times set back (hunt/image.c) */
		if (!hunt_stop)
			image_walk_live(w, w->h, drives[i][0]);
	}
}
