#include "hunt/logread.h"
#include <zlib.h>
#include "base/csv.h"
#include "base/err.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "base/banned.h"

struct reader {
	enum log_format fmt;
	log_cb cb;
	void *ctx;
	struct log_stats *st;
	struct log_fields fields;
	bool have_fields;
	int mode; /* 0 unknown, 1 UTF-8, 2 UTF-16LE */
	unsigned char pending16[1];
	bool has_pending16;
	char line[LIM_LOG_LINE];
	size_t len;
	bool overflow;
	bool bom_checked;
	unsigned nul_run; /* NUL bytes in a row */
};

int log_field(const struct log_fields *f, const char *name)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (strcasecmp(f->names[i], name) == 0)
			return i;
	return -1;
}

int log_split(struct log_rec *rec)
{
	if (rec->nf >= 0)
		return rec->nf;
	rec->nf = 0;
	if (rec->sep == ',') {
		rec->nf = csv_split(rec->raw, ',', rec->f, LIM_LOG_FIELDS);
		if (rec->nf < 0)
			rec->nf = 0;
	} else {
		struct view rest = rec->raw;
		while (rest.len && rec->nf < LIM_LOG_FIELDS) {
			struct view w;
			view_split(&rest, ' ', &w);
			rec->f[rec->nf++] = w;
		}
	}
	return rec->nf;
}

struct view log_get(struct log_rec *rec, int index)
{
	if (rec->nf < 0)
		log_split(rec);
	if (index < 0 || index >= rec->nf)
		return (struct view){"", 0};
	return rec->f[index];
}

static void set_fields(struct reader *r, struct view names, char sep)
{
	r->fields.gen++;
	struct view f[LIM_LOG_FIELDS];
	int n, i;

	if (sep == ',') {
		n = csv_split(names, ',', f, LIM_LOG_FIELDS);
	} else {
		n = 0;
		while (names.len && n < LIM_LOG_FIELDS) {
			struct view w;
			view_split(&names, ' ', &w);
			if (w.len)
				f[n++] = w;
		}
	}
	if (n <= 0)
		return;
	r->fields.n = 0;
	for (i = 0; i < n; i++) {
		struct view v = view_trim(f[i]);
		if (v.len >= sizeof r->fields.names[0])
			v.len = sizeof r->fields.names[0] - 1;
		memcpy(r->fields.names[i], v.p, v.len);
		r->fields.names[i][v.len] = '\0';
		r->fields.n++;
	}
	r->have_fields = true;
}

static int one_line(struct reader *r)
{
	struct log_rec rec;
	struct view v = {r->line, r->len};

	r->st->lines++;
	if (r->overflow)
		r->st->long_lines++;
	if (v.len && v.p[v.len - 1] == '\r')
		v.len--;
	rec.line = r->st->lines;
	rec.raw = v;
	rec.nf = 0;
	rec.sep = ' ';
	if (r->fmt == LOG_TEXT) {
		r->st->records++;
		return r->cb(r->ctx, NULL, &rec);
	}
	if (v.len == 0)
		return 0;
	if (v.p[0] == '#') {
		if (view_starts_ci(v, VIEW_LIT("#Fields:"))) {
			struct view names = {v.p + 8, v.len - 8};
			set_fields(r, view_trim(names),
			           r->fmt == LOG_CSV ? ',' : ' ');
		}
		return 0;
	}
	if (r->fmt == LOG_CSV && !r->have_fields) {
		/* No "#Fields:": the first line is the header. */
		set_fields(r, v, ',');
		return 0;
	}
	if (r->fmt == LOG_CSV && r->have_fields && r->fields.n > 0 &&
	    view_starts_ci(v, view_of(r->fields.names[0])) &&
	    v.len > strlen(r->fields.names[0]) &&
	    v.p[strlen(r->fields.names[0])] == ',') {
		/* The header repeated after "#Fields:" (some builds). */
		return 0;
	}
	rec.nf = -1;
	rec.sep = r->fmt == LOG_CSV ? ',' : ' ';
	r->st->records++;
	return r->cb(r->ctx, r->have_fields ? &r->fields : NULL, &rec);
}

static int put(struct reader *r, char c)
{
	if (c == '\0') {
		r->st->nul_bytes++;
		/* A run of NULs (a log preallocated, then an unclean
		 * shutdown) ends the line before it: what follows the run
		 * starts a line of its own. */
		if (++r->nul_run == 2 && r->len) {
			int rc = one_line(r);
			r->len = 0;
			r->overflow = false;
			return rc;
		}
		return 0;
	}
	r->nul_run = 0;
	if (c == '\n') {
		int rc = one_line(r);
		r->len = 0;
		r->overflow = false;
		return rc;
	}
	if (r->len < sizeof r->line)
		r->line[r->len++] = c;
	else
		r->overflow = true;
	return 0;
}

static int feed(struct reader *r, const unsigned char *p, size_t n)
{
	size_t i = 0;
	int rc = 0;

	r->st->bytes += n;
	if (!r->bom_checked && n) {
		r->bom_checked = true;
		if (n >= 2 && p[0] == 0xff && p[1] == 0xfe) {
			r->mode = 2;
			i = 2;
		} else if (n >= 3 && p[0] == 0xef && p[1] == 0xbb &&
		           p[2] == 0xbf) {
			r->mode = 1;
			i = 3;
		} else if (n >= 4 && p[1] == 0 && p[3] == 0 && p[0] && p[2]) {
			r->mode = 2; /* UTF-16LE without a BOM */
		} else {
			r->mode = 1;
		}
		r->st->utf16 = r->mode == 2;
	}
	if (r->mode == 2) {
		for (; i < n && !rc; i++) {
			unsigned lo, hi;
			if (!r->has_pending16) {
				/* A zero where a character should start is a
				 * NUL run: skipping it byte by byte keeps the
				 * pairs aligned whatever the run's length. */
				if (p[i] == 0) {
					rc = put(r, '\0');
					continue;
				}
				r->pending16[0] = p[i];
				r->has_pending16 = true;
				continue;
			}
			r->has_pending16 = false;
			lo = r->pending16[0];
			hi = p[i];
			/* Logs are ASCII in practice; anything else becomes
			 * '?' rather than a wrong byte. */
			rc = put(r, hi == 0 ? (char)lo : '?');
		}
		return rc;
	}
	while (i < n && !rc) {
		/* A line at a time: find its end, copy what fits, drop NULs. */
		const unsigned char *nl = memchr(p + i, '\n', n - i);
		size_t seg = (nl ? (size_t)(nl - (p + i)) : n - i), take = seg;
		if (seg && memchr(p + i, '\0', seg)) {
			/* Byte by byte through put(): NULs are dropped before
			 * the line's cap is counted, and a run of them ends
			 * the line before it. */
			size_t k;
			for (k = 0; k < seg && !rc; k++)
				rc = put(r, (char)p[i + k]);
			take = 0;
		} else if (seg) {
			r->nul_run = 0;
		}
		if (take > sizeof r->line - r->len) {
			take = sizeof r->line - r->len;
			r->overflow = true;
		}
		if (take) {
			memcpy(r->line + r->len, p + i, take);
			r->len += take;
		}
		i += seg;
		if (nl) {
			rc = one_line(r);
			r->len = 0;
			r->overflow = false;
			i++;
		}
	}
	return rc;
}

static int finish(struct reader *r)
{
	if (r->len)
		return one_line(r);
	return 0;
}

/* A reader's state (a line of up to LIM_LOG_LINE) and its read buffer:
 * taken from the heap per log, not per thread: thread-local buffers
 * would be zeroed at the start of every thread of the process. */
struct buffers {
	struct reader r;
	unsigned char chunk[1 << 20];
};

static void setup(struct reader *r, enum log_format fmt, log_cb cb, void *ctx,
                  struct log_stats *st)
{
	memset(st, 0, sizeof *st);
	r->fmt = fmt;
	r->cb = cb;
	r->ctx = ctx;
	r->st = st;
	r->fields.n = 0;
	r->have_fields = false;
	r->mode = 0;
	r->has_pending16 = false;
	r->len = 0;
	r->overflow = false;
	r->bom_checked = false;
	r->nul_run = 0;
}

int logread_mem(const char *p, size_t n, enum log_format fmt, log_cb cb,
                void *ctx, struct log_stats *st)
{
	struct reader *r = malloc(sizeof *r);
	int rc;

	if (!r)
		return EXH_ENOMEM;
	setup(r, fmt, cb, ctx, st);
	rc = feed(r, (const unsigned char *)p, n);
	if (!rc)
		rc = finish(r);
	free(r);
	return rc;
}

int logread_fd(int fd, enum log_format fmt, log_cb cb, void *ctx,
               struct log_stats *st)
{
	struct buffers *b = malloc(sizeof *b);
	int rc = 0;

	if (!b)
		return EXH_ENOMEM;
	setup(&b->r, fmt, cb, ctx, st);
	for (;;) {
		ssize_t n = read(fd, b->chunk, sizeof b->chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = EXH_EIO;
			break;
		}
		if (n == 0) {
			rc = finish(&b->r);
			break;
		}
		rc = feed(&b->r, b->chunk, (size_t)n);
		if (rc)
			break;
	}
	free(b);
	return rc;
}

int logread_gz(int fd, uint64_t size, enum log_format fmt, log_cb cb, void *ctx,
               struct log_stats *st)
{
	struct buffers *b;
	uint64_t cap =
	    size > (UINT64_C(1) << 30) / 200 ? size * 200 : UINT64_C(1) << 30;
	uint64_t total = 0;
	int rc = 0, dfd = dup(fd);
	gzFile gz;

	if (dfd < 0)
		return EXH_EIO;
	b = malloc(sizeof *b);
	gz = b ? gzdopen(dfd, "rb") : NULL;
	if (!gz) {
		close(dfd);
		free(b);
		return b ? EXH_EIO : EXH_ENOMEM;
	}
	setup(&b->r, fmt, cb, ctx, st);
	for (;;) {
		int n = gzread(gz, b->chunk, sizeof b->chunk);
		if (n < 0) {
			rc = EXH_EIO;
			break;
		}
		if (n == 0) {
			int err = Z_OK;
			/* A stream cut short ends like a clean one: ask. */
			gzerror(gz, &err);
			if (err != Z_OK && err != Z_STREAM_END)
				rc = EXH_EIO;
			break;
		}
		total += (uint64_t)n;
		rc = feed(&b->r, b->chunk, (size_t)n);
		if (rc)
			break;
		if (total > cap) {
			rc = EXH_ELIMIT;
			break;
		}
	}
	gzclose(gz);
	if (!rc)
		rc = finish(&b->r);
	else
		finish(&b->r);
	free(b);
	return rc;
}

int logread_source(logread_next_fn next, void *src, enum log_format fmt,
                   log_cb cb, void *ctx, struct log_stats *st)
{
	struct reader *r = malloc(sizeof *r);
	int rc = 0;

	if (!r)
		return EXH_ENOMEM;
	setup(r, fmt, cb, ctx, st);
	for (;;) {
		const void *p;
		size_t n;
		int k = next(src, &p, &n);
		if (k < 0) {
			rc = k;
			break;
		}
		if (k == 0)
			break;
		rc = feed(r, p, n);
		if (rc)
			break;
	}
	if (!rc)
		rc = finish(r);
	else
		finish(r);
	free(r);
	return rc;
}
