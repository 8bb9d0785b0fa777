/* The Windows build's POSIX (cmake/windows.cmake includes this first in
 * every file): file names are UTF-8 inside exhunt and wide (UTF-16, with
 * the \\?\ prefix where a path is absolute) at the Windows API, so long
 * names and any character a folder holds pass losslessly; descriptors
 * are binary; pread is read at an offset. */
#ifndef EXH_BASE_WIN_H
#define EXH_BASE_WIN_H
#ifdef _WIN32
#include <errno.h>
#include <stdbool.h>
#include <time.h>
#include <fcntl.h>
#include <io.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <wchar.h>

#define O_CLOEXEC O_NOINHERIT
#define O_NOFOLLOW 0
#define O_NOATIME 0
#define O_NONBLOCK 0
#define O_DIRECTORY 0
#ifndef S_ISLNK
#define S_ISLNK(m) 0
#endif
#ifndef S_ISBLK
#define S_ISBLK(m) 0
#endif

/* UTF-8 <-> UTF-16, malloc'd; NULL when the text is not valid or memory
 * ran out. win_path also makes an absolute path long-path safe (\\?\,
 * backslashes). */
wchar_t *win_wide(const char *utf8);
wchar_t *win_path(const char *utf8);
char *win_utf8(const wchar_t *w);
/* A file name for the report, losslessly: as win_utf8, but a lone
 * surrogate (a name NTFS allows and UTF-16 does not) is written "\uDC80",
 * which no Windows name can otherwise hold (a backslash); malloc'd. */
char *win_name_utf8(const wchar_t *w);
/* The last Windows error as errno, for strerror. */
int win_errno(unsigned long code);
/* A folder's names in UTF-8, through FindFirstFileW (the C runtime's
 * opendir reads names in the ANSI code page and loses the others).
 * NULL when the folder cannot be listed. */
struct win_dir;
struct win_dir *win_opendir(const char *utf8);
/* The next name ("." and ".." skipped), or NULL at the end; *is_dir
 * says whether it is a folder (a reparse point is not). The name lives
 * until the next call. */
const char *win_readdir(struct win_dir *d, bool *is_dir);
void win_closedir(struct win_dir *d);

ssize_t pread(int fd, void *buf, size_t n, off_t off);
int exh_open(const char *path, int flags, ...);
FILE *exh_fopen(const char *path, const char *mode);
int exh_stat(const char *path, struct _stat64 *st);
int exh_unlink(const char *path);
int exh_rename(const char *from, const char *to);
int exh_mkdir(const char *path, int mode);
/* Opens path for the report, refusing a place inside the folder root
 * (compared on the final paths the system resolves, links and all), a
 * link, and a file with other names; truncated only after the checks.
 * root NULL (live): *why is set, as a warning, when the report lands on
 * the system drive being hunted. -1 with *why on refusal. */
int win_open_report(const char *path, const char *root, const char **why);
/* Sets a file's access and modification times (the lab's trees). */
#define AT_FDCWD (-100)
int utimensat(int dirfd, const char *path, const struct timespec ts[2],
              int flags);
static inline struct tm *gmtime_r(const time_t *t, struct tm *out)
{
	return gmtime_s(out, t) ? NULL : out;
}
char *strndup(const char *s, size_t n);
void *memmem(const void *hay, size_t n, const void *needle, size_t k);
/* Milliseconds since boot (net/loop.h's now_ms on Linux). */
int64_t now_ms(void);

#define open exh_open
#define fopen exh_fopen
#define _stat64(p, s) exh_stat(p, s)
#define unlink exh_unlink
#define rename exh_rename
#define mkdir exh_mkdir
#endif
#endif
