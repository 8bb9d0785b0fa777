/* Reading evidence logs as records bound by field name. Handles the two
 * header conventions Exchange and IIS use ("#Fields:" lines in W3C and in
 * Exchange's CSV logs; a plain header line as Import-Csv expects), "#"
 * metadata lines, quoted CSV fields, UTF-16 and UTF-8 with or without a
 * BOM, CRLF, NUL bytes, and lines longer than the cap (truncated, counted).
 * Memory is bounded: one chunk and one line at a time. */
#ifndef EXH_HUNT_LOGREAD_H
#define EXH_HUNT_LOGREAD_H
#include "base/limits.h"
#include "base/view.h"
#include <stdbool.h>
#include <stdint.h>

enum log_format {
	LOG_W3C,  /* space-separated, "#Fields:" names them (IIS) */
	LOG_CSV,  /* comma-separated, quoted (Exchange HttpProxy, ECP) */
	LOG_TEXT, /* free text lines (OABGeneratorLog) */
};

struct log_fields {
	unsigned gen; /* changes with every "#Fields:" or header line: a
	               * detector binds its indices again when it differs */
	int n;
	char names[LIM_LOG_FIELDS][48];
};

struct log_rec {
	uint64_t line;   /* 1-based line number in the file */
	struct view raw; /* the whole line (decoded, without EOL) */
	int nf;          /* fields, once split (-1 before) */
	char sep;        /* ',' or ' ' */
	struct view f[LIM_LOG_FIELDS];
};

struct log_stats {
	uint64_t lines, records, bad_lines, long_lines, nul_bytes, bytes;
	bool utf16;
};

/* Called per record; nonzero stops the read. fields is NULL for LOG_TEXT
 * and until a header has been seen. Fields are split only on demand
 * (log_split, log_get), so a detector can reject a line from its raw text
 * first: most lines of a log are of no interest. */
typedef int (*log_cb)(void *ctx, const struct log_fields *fields,
                      struct log_rec *rec);

/* Splits rec into fields (once); returns the field count. */
int log_split(struct log_rec *rec);

/* Reads a gzip-compressed log (zlib) the same way; the decompressed
 * bytes are capped at 200 times the file's size (at least 1 GiB): past
 * that, EXH_ELIMIT (read in part). EXH_EIO when the stream is damaged
 * (what came before is read). */
int logread_gz(int fd, uint64_t size, enum log_format fmt, log_cb cb, void *ctx,
               struct log_stats *st);
/* The next block of a log from another source (an archive member): 1 with
 * *p and *n set, 0 at the end, or a negative EXH_E* code. */
typedef int (*logread_next_fn)(void *src, const void **p, size_t *n);
/* Reads a log block by block from next (same bounds as the others). */
int logread_source(logread_next_fn next, void *src, enum log_format fmt,
                   log_cb cb, void *ctx, struct log_stats *st);
/* Reads an open file descriptor to its end. */
int logread_fd(int fd, enum log_format fmt, log_cb cb, void *ctx,
               struct log_stats *st);
/* The same over a buffer (tests, fuzzing). */
int logread_mem(const char *p, size_t n, enum log_format fmt, log_cb cb,
                void *ctx, struct log_stats *st);
/* Index of a field by name (case-insensitive), or -1. */
int log_field(const struct log_fields *f, const char *name);
/* The field's value in rec (split on demand), or an empty view when
 * absent ("-" in W3C is returned as is). */
struct view log_get(struct log_rec *rec, int index);

#endif
