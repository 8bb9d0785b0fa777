/* Third-party readers of complex binary formats (libevtx, libregf) run in
 * a child process: exhunt itself, run again with a hidden verb, reading
 * one evidence file on its standard input and writing lines of tab-split,
 * escaped fields. The child bounds itself (address space, CPU time, no
 * files written) and the parent bounds it again from outside (resident
 * memory watched, wall-clock deadline, line size), so a crafted file that
 * makes an old library loop or allocate without end costs that file only. */
#ifndef EXH_HUNT_CHILD_H
#define EXH_HUNT_CHILD_H
#include "base/buf.h"
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

struct child_result {
	bool complete;   /* the child reached its end and exited 0 */
	bool memory;     /* killed past its memory bound */
	bool timeout;    /* killed past its time bound */
	bool bad_output; /* a line too long or malformed: stopped */
	int exit_code;   /* when it exited; -1 if killed by a signal */
	int signal;      /* the signal that ended it, 0 if none */
	unsigned long lines;
};

/* A line's fields, unescaped in place ("\\t", "\\n", "\\r", "\\\\"). */
typedef void child_line_fn(void *arg, char **field, int nfield);

/* Runs "exhunt <verb>" with in_fd as its standard input and calls fn per
 * line. 0 when it could be started (r says how it ended), EXH_EIO if not. */
int child_run(const char *verb, int in_fd, size_t max_line, child_line_fn *fn,
              void *arg, struct child_result *r);
/* Splits one line (NUL-terminated, without its newline) into at most 16
 * fields, unescapes them and calls fn: what child_run does per line. */
void child_line(char *p, child_line_fn *fn, void *arg);
/* Said of a child that did not end complete, for the unreadable list. */
const char *child_why(const struct child_result *r);

/* In the child: its own bounds, set first. */
void child_limits(void);
/* In the child: an address-space bound (sanitizer builds reserve
 * terabytes, so theirs rely on the parent's resident-memory watch). */
void child_limit_memory(unsigned long long bytes);
/* In the parent: a child's resident bytes, 0 if unknown. */
unsigned long long child_resident(pid_t pid);
/* In the child: writes one field (escaped), then a tab or the newline. */
void child_put(const char *s, size_t n, bool last);

#ifdef _WIN32
#include <wchar.h>
/* In the parent: starts "exhunt.exe ARGS" (UTF-8) with the handles in
 * and out (HANDLEs, inheritable) as its standard input and output, the
 * only handles it inherits, in a job object of its own that bounds its
 * memory (mem bytes), its CPU time (cpu_s seconds; 0: none) and its
 * process count, and kills it when the job's handle closes. Returns 0
 * with the process and job handles in *proc and *job. */
int child_start(const char *args, void *in, void *out, unsigned long long mem,
                unsigned cpu_s, void **proc, void **job);

/* A reading library's own copy of libbfio_handle_initialize (each
 * library of the Windows build keeps a private libbfio, its names
 * prefixed by tools/win/deps.sh: libevtx__libbfio_handle_initialize). */
typedef int bfio_init_fn(
    intptr_t **handle, intptr_t *io, int (*free_io)(intptr_t **, void **),
    int (*clone_io)(intptr_t **, intptr_t *, void **),
    int (*open)(intptr_t *, int, void **), int (*close)(intptr_t *, void **),
    ssize_t (*read)(intptr_t *, uint8_t *, size_t, void **),
    ssize_t (*write)(intptr_t *, const uint8_t *, size_t, void **),
    off64_t (*seek)(intptr_t *, off64_t, int, void **),
    int (*exists)(intptr_t *, void **), int (*is_open)(intptr_t *, void **),
    int (*get_size)(intptr_t *, uint64_t *, void **), uint8_t flags,
    void **error);
/* In the child (hunt/ntfs_win.c): the reader's "--raw HEX" argument, the
 * hex of "VOLUME\tPATH": its evidence is that file of that NTFS volume,
 * not its standard input. False when malformed. */
bool child_raw_set(const char *hex);
/* Whether --raw was given. */
bool child_raw(void);
/* In the child: a libbfio handle (made by init) reading its evidence:
 * the --raw file through libfsntfs, else the file its standard input
 * holds, through that handle (never opened again by name). NULL with the
 * exit code to end with in *code: 2 unreadable, 4 the volume cannot be
 * opened, 5 the file is not on it. */
intptr_t *child_input_handle(bfio_init_fn *init, int *code);
#endif

/* The registry reader's choices, shared by the live registry reader of
 * the Windows build (hunt/live_win.c): where persistence and its traces
 * live, from a hive's root ("CS" stands for each ControlSet00N of a
 * SYSTEM hive), with how deep below each key to go. */
struct hive_place {
	const char *path;
	int depth;
};
extern const struct hive_place hive_places[];
extern const size_t hive_nplaces;
/* Printable UTF-16LE runs of binary data, space-separated (ASCII only),
 * as the reader shows values that are not text or numbers. */
void hive_utf16_runs(const uint8_t *d, size_t n, char *out, size_t cap);
/* One field escaped as child_put writes it, into b. */
int child_escape(struct buf *b, const char *s, size_t n, bool last);

/* The lines the readers write (their kinds and fields, the summary line):
 * a change to them is a new protocol. exhunt-read (src/reader/main.c)
 * is run with it and ends with READER_MISMATCH, reading nothing, when
 * it writes another; exhunt then runs itself. */
#define READER_PROTOCOL "1"
#define READER_MISMATCH 64

/* The hidden verbs' entry points (src/cli/main.c, src/reader/main.c). */
int evtx_child_main(void);
int hive_child_main(void);

#endif
