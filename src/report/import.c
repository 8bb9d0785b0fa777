/* report import: JSONL results of other runs or shards into a database.
 * Rows are keyed by (scan_id, seq), so importing a file again, or again
 * after a crash, changes nothing; each batch is one transaction.
 *
 * Two threads: a reader reads and parses a batch of lines while the
 * writer (the calling thread) writes the one before; they pass two
 * batches back and forth. A batch holds its lines' text, their parsed
 * nodes (whose views point into that text) and what the store makes of
 * each (store_rec_make), so the writer only binds. */
#include "report/report.h"
#include "base/err.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/sig.h"
#include "store/store.h"
#include <errno.h>
#include <pthread.h>
#include "store/db.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/banned.h"

#define LINE_MAX_BYTES LIM_RECORD_BYTES

static volatile sig_atomic_t stop_flag;

/* Reads one line of at most cap - 1 bytes into buf (newline dropped).
 * 0: a line; 1: end of input; EXH_ELIMIT: longer than that (the rest of
 * it is never read into memory); EXH_EIO: a read error. */
static int read_line(FILE *f, char *buf, size_t cap, size_t *len)
{
	size_t n;

	if (!fgets(buf, (int)cap, f))
		return ferror(f) ? EXH_EIO : 1;
	/* A NUL byte ends the record early; the JSON reader then refuses
	 * what is left, naming the line. */
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		n--;
	else if (!feof(f))
		return EXH_ELIMIT;
	*len = n;
	return 0;
}

static int exec(struct db *db, const char *db_path, const char *sql,
                long lineno)
{
	if (db_exec(db, sql) == 0)
		return 0;
	log_error("%s: %s failed at line %ld: %s; the batch was not written, "
	          "the database is as it was before it",
	          db_path, sql, lineno, db_errmsg(db));
	return EXH_EIO;
}

/* A batch ends at LIM_IMPORT_BATCH records, or sooner when its text
 * (in chunks: a record's text never moves once read, since its nodes
 * point into it) or its nodes pass their bounds: large records make
 * smaller transactions, never unbounded memory. */
#define CHUNK_BYTES ((size_t)LINE_MAX_BYTES * 8)
#define BATCH_CHUNKS 8
#define BATCH_NODES ((size_t)1 << 21)

struct item {
	size_t node; /* its first node in the batch's nodes */
	int count;   /* its nodes; 0 with why for a malformed line */
	long lineno;
	const char *why;      /* not JSON, or (count > 0) not a scan record */
	struct store_rec rec; /* what the writer binds besides the nodes */
};

struct batch {
	char *chunk[BATCH_CHUNKS]; /* allocated when first needed, kept */
	int chunks;                /* in use */
	size_t chunk_used;         /* in the last one in use */
	struct jnode *nodes;
	size_t nodes_used, nodes_cap;
	struct item *items;
	int n;
	int end;     /* 0: more follows; 1: the input's end; else reading
	                stopped after the items: a malformed one
	                (EXH_EINVAL), a line past the bound (EXH_ELIMIT),
	                a read error (EXH_EIO), no memory (EXH_ENOMEM) */
	int err;     /* errno of a read error */
	long lineno; /* the line the batch ended on */
};

struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch b[2];
	bool full[2]; /* filled by the reader, not yet written */
	bool quit;    /* the writer stopped early */
	FILE *f;
	char *iobuf;     /* f's buffer */
	struct jdoc doc; /* the reader's: its n points into a batch */
};

#define IOBUF_BYTES ((size_t)1 << 20)
static bool stdin_buffered;

/* Room for one more line of the largest size: in the chunk in use or a
 * next one. */
static char *line_room(struct batch *b)
{
	if (b->chunks && CHUNK_BYTES - b->chunk_used >= LINE_MAX_BYTES + 2)
		return b->chunk[b->chunks - 1] + b->chunk_used;
	if (b->chunks == BATCH_CHUNKS)
		return NULL;
	if (!b->chunk[b->chunks] &&
	    !(b->chunk[b->chunks] = malloc(CHUNK_BYTES)))
		return NULL;
	b->chunk_used = 0;
	return b->chunk[b->chunks++];
}

static bool nodes_room(struct batch *b, size_t more)
{
	size_t cap = b->nodes_cap ? b->nodes_cap : 65536;
	struct jnode *n;

	if (b->nodes_used + more <= b->nodes_cap)
		return true;
	while (cap < b->nodes_used + more)
		cap *= 2;
	if (!(n = realloc(b->nodes, cap * sizeof *n)))
		return false;
	b->nodes = n;
	b->nodes_cap = cap;
	return true;
}

static void fill(struct pipeline *p, struct batch *b, long *lineno)
{
	b->chunks = 0;
	b->chunk_used = 0;
	b->nodes_used = 0;
	b->n = 0;
	b->end = 0;
	while (b->n < LIM_IMPORT_BATCH &&
	       b->nodes_used + LIM_JSON_NODES <= BATCH_NODES && !stop_flag) {
		struct item *it = &b->items[b->n];
		char *line = line_room(b);
		size_t len = 0;
		struct view v;
		int r;

		if (!line) {
			/* all chunks full: the batch is complete; a chunk
			 * that could not be had is a lack of memory */
			if (b->chunks < BATCH_CHUNKS)
				b->end = EXH_ENOMEM;
			break;
		}

		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
		r = read_line(p->f, line, LINE_MAX_BYTES + 1, &len);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		if (r == 1) {
			b->end = 1;
			break;
		}
		++*lineno;
		if (r) {
			b->end = r;
			b->err = errno;
			break;
		}
		v = view_trim((struct view){line, len});
		if (v.len == 0)
			continue;
		b->chunk_used += len + 1;
		it->lineno = *lineno;
		it->node = b->nodes_used;
		it->count = 0;
		it->why = NULL;
		/* parsed straight into the batch: room for the largest */
		if (!nodes_room(b, LIM_JSON_NODES)) {
			b->end = EXH_ENOMEM;
			break;
		}
		p->doc.n = b->nodes + b->nodes_used;
		if (jsonr_parse(&p->doc, v, &it->why) == 0) {
			it->count = p->doc.count;
			b->nodes_used += (size_t)it->count;
			store_rec_make(&p->doc, &it->rec, &it->why);
		}
		b->n++;
		if (it->why) {
			b->end = EXH_EINVAL; /* the writer stops there */
			break;
		}
	}
	b->lineno = *lineno;
}

static void *reader_main(void *arg)
{
	struct pipeline *p = arg;
	long lineno = 0;
	int i = 0;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->full[i] && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->quit) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		pthread_mutex_unlock(&p->mu);
		fill(p, &p->b[i], &lineno);
		pthread_mutex_lock(&p->mu);
		p->full[i] = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (p->b[i].end || stop_flag)
			return NULL;
		i ^= 1;
	}
}

/* The next batch, or NULL when interrupted while waiting for it. */
static struct batch *take(struct pipeline *p, int i)
{
	pthread_mutex_lock(&p->mu);
	while (!p->full[i] && !stop_flag) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 100000000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&p->cv, &p->mu, &t);
	}
	pthread_mutex_unlock(&p->mu);
	return p->full[i] ? &p->b[i] : NULL;
}

static void give_back(struct pipeline *p, int i)
{
	pthread_mutex_lock(&p->mu);
	p->full[i] = false;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* SQLite's checkpoints, on a thread and a connection of their own: they
 * copy the WAL into the database while the writer goes on (a passive
 * checkpoint never makes it wait). In the writer's thread they took
 * about a quarter of an import's time. */
struct ckpt {
	struct db *db;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned long asked, done; /* checkpoints asked for, and made */
	bool quit, on;
};

/* SQLite's own threshold for a checkpoint, in pages of the WAL */
#define CKPT_PAGES 1000
/* The WAL starts again from its beginning only when a write begins
 * after a checkpoint that copied all of it, which one running beside
 * the writer never has: past this many pages (64 MiB) the writer
 * waits for one to end. */
#define CKPT_WAIT_PAGES 4096

static void ckpt_due(void *arg, int pages)
{
	struct ckpt *c = arg;
	unsigned long want;

	if (pages < CKPT_PAGES)
		return;
	pthread_mutex_lock(&c->mu);
	want = ++c->asked;
	pthread_cond_broadcast(&c->cv);
	while (pages >= CKPT_WAIT_PAGES && c->done < want && !c->quit)
		pthread_cond_wait(&c->cv, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

static void *ckpt_main(void *arg)
{
	struct ckpt *c = arg;

	pthread_mutex_lock(&c->mu);
	while (!c->quit) {
		unsigned long asked = c->asked;
		if (c->done == asked) {
			pthread_cond_wait(&c->cv, &c->mu);
			continue;
		}
		pthread_mutex_unlock(&c->mu);
		/* one that fails leaves the pages to the next, or to the
		 * checkpoint SQLite makes when the writer closes */
		(void)db_checkpoint(c->db);
		pthread_mutex_lock(&c->mu);
		c->done = asked;
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* Starts the checkpoints' thread for SQLite; without it (PostgreSQL, or
 * no second connection or thread) the writer's own checkpoints stay. */
static void ckpt_start(struct ckpt *c, struct db *db)
{
	memset(c, 0, sizeof *c);
	if (db_is_pg(db) || db_reopen(db, &c->db))
		return;
	/* a connection learns that the database is in WAL mode when it
	 * first reads it; until then its checkpoints do nothing */
	if (db_exec(c->db, "PRAGMA journal_mode=WAL")) {
		db_close(c->db);
		c->db = NULL;
		return;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (pthread_create(&c->thread, NULL, ckpt_main, c)) {
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		db_close(c->db);
		c->db = NULL;
		return;
	}
	c->on = true;
	db_on_commit(db, ckpt_due, c);
}

static void ckpt_stop(struct ckpt *c, struct db *db)
{
	if (!c->on)
		return;
	db_on_commit(db, NULL, NULL);
	pthread_mutex_lock(&c->mu);
	c->quit = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	db_close(c->db);
	c->on = false;
}

/* A batch whose COPY is out (PostgreSQL, store_flush_send), its
 * transaction open: it lands, and is committed, once the next batch is
 * bound, so that the server takes one while exhunt binds the other. */
struct out {
	bool on;
	uint64_t new_rows, lines;
	long last;
};

/* Takes the outcome of the batch out and commits it; *done: the line
 * reached by what is committed. */
static int land(struct store_writer *w, struct db *db, const char *db_path,
                struct out *o, uint64_t *added, uint64_t *lines, long *done)
{
	uint64_t sent;
	int rc;

	if (!o->on)
		return 0;
	o->on = false;
	if ((rc = store_flush_wait(w, &sent))) {
		db_rollback(db);
		return rc;
	}
	if ((rc = exec(db, db_path, "COMMIT", o->last)))
		return rc;
	*added += o->new_rows + sent;
	*lines += o->lines;
	*done = o->last;
	return 0;
}

/* Whether every record of b becomes a COPY row with no statement run
 * (store_bulk_ready): then b is bound while the batch before it is out. */
static bool batch_bulk(const struct store_writer *w, const struct batch *b)
{
	int k;

	for (k = 0; k < b->n; k++)
		if (b->items[k].why || !store_bulk_ready(w, &b->items[k].rec))
			return false;
	return true;
}

/* Binds the records of b (until one fails or the import is stopped);
 * *k: those bound, *last: the line reached. */
static int bind_batch(struct store_writer *w, struct db *db,
                      const char *db_path, const char *path, const char *scope,
                      const struct batch *b, uint64_t *new_rows, int *k,
                      long *last)
{
	int rc = 0;

	for (*k = 0; *k < b->n && !stop_flag; ++*k) {
		const struct item *it = &b->items[*k];
		const char *why = it->why;
		bool is_new = false;

		*last = it->lineno;
		if (!why) {
			w->doc.n = b->nodes + it->node;
			w->doc.count = it->count;
			rc = store_put_rec(w, &it->rec, scope, &is_new, &why);
			w->doc.n = w->doc.own;
		} else {
			rc = EXH_EINVAL;
		}
		if (rc == EXH_EINVAL)
			log_error("%s:%ld: %s%s", path, it->lineno,
			          it->why && !it->count ? "not JSON: " : "",
			          why);
		else if (rc)
			log_error("%s: writing line %ld failed: %s", db_path,
			          it->lineno, db_errmsg(db));
		if (rc)
			return rc;
		*new_rows += is_new;
	}
	return 0;
}

/* Writes one batch in one transaction; *last: the line reached, *done:
 * the line reached by what is committed. A batch out (o) is committed
 * first; with PostgreSQL, b itself may be left out (o). */
static int write_batch(struct store_writer *w, struct db *db,
                       const char *db_path, const char *path, const char *scope,
                       const struct batch *b, struct out *o, uint64_t *added,
                       uint64_t *lines, long *last, long *done)
{
	uint64_t new_rows = 0;
	int k, rc = 0;

	if (!b->n)
		return 0;
	if (db_is_pg(db) && batch_bulk(w, b)) {
		/* bound while the batch before is out; its transaction
		 * begins once that one is committed */
		rc = bind_batch(w, db, db_path, path, scope, b, &new_rows, &k,
		                last);
		if (rc) { /* the batch before is whole: committed */
			(void)land(w, db, db_path, o, added, lines, done);
			store_discard(w);
			return rc;
		}
		if ((rc = land(w, db, db_path, o, added, lines, done))) {
			store_discard(w);
			return rc;
		}
		if ((rc = exec(db, db_path, "BEGIN", b->items[0].lineno))) {
			store_discard(w);
			return rc;
		}
		if ((rc = store_flush_send(w))) {
			db_rollback(db);
			return rc;
		}
		*o = (struct out){true, new_rows, (uint64_t)k, *last};
		return 0;
	}
	if ((rc = land(w, db, db_path, o, added, lines, done)))
		return rc;
	if ((rc = exec(db, db_path, "BEGIN", b->items[0].lineno)))
		return rc;
	rc = bind_batch(w, db, db_path, path, scope, b, &new_rows, &k,
		                last);
	if (!rc) { /* the rows bulk mode holds (PostgreSQL: COPY) */
		uint64_t sent;
		rc = store_flush(w, &sent);
		new_rows += sent;
	}
	if (rc) {
		store_discard(w);
		db_rollback(db);
		return rc;
	}
	/* interrupted, the whole records written so far are kept */
	if ((rc = exec(db, db_path, "COMMIT", *last)))
		return rc;
	*added += new_rows;
	*lines += (uint64_t)k;
	*done = *last;
	return 0;
}

int report_import(const char *db_path, const char *path, uint64_t *added,
                  uint64_t *lines)
{
	struct store_writer *w = calloc(1, sizeof *w);
	struct pipeline *p = calloc(1, sizeof *p);
	struct db *db = NULL;
	struct ckpt ck = {0};
	char scope[600];
	long last = 0, done = 0;
	struct out o = {0};
	int rc = 0, i;
	bool started = false;
	pthread_t reader;

	*added = *lines = 0;
	if (!w || !p) {
		free(w);
		free(p);
		return EXH_ENOMEM;
	}
	for (i = 0; i < 2; i++)
		if (!(p->b[i].items =
		          malloc(LIM_IMPORT_BATCH * sizeof(struct item))))
			rc = EXH_ENOMEM;
	snprintf(scope, sizeof scope, "import:%s", path);
	p->f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (rc || !p->f) {
		if (!rc)
			log_error("%s: %s", path, strerror(errno));
		rc = rc ? rc : EXH_EINVAL;
		goto out;
	}
	/* 1 MiB reads, not stdio's 4 KiB: a tenth of the reader's time went
	 * to read(2) calls. (glibc takes the size only with a buffer.) */
	if (p->f != stdin && (p->iobuf = malloc(IOBUF_BYTES))) {
		setvbuf(p->f, p->iobuf, _IOFBF, IOBUF_BYTES);
	} else if (p->f == stdin && !stdin_buffered) {
		/* once, before stdin is first read; kept for the process */
		static char in_buf[IOBUF_BYTES];
		setvbuf(stdin, in_buf, _IOFBF, sizeof in_buf);
		stdin_buffered = true;
	}
	if (store_open(db_path, &db) || store_writer_init(w, db, false) ||
	    store_writer_bulk(w) || store_writer_lazy(w)) {
		rc = EXH_EIO;
		goto out;
	}
	ckpt_start(&ck, db);
	stop_flag = 0;
	sig_stop_catch(&stop_flag);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&reader, NULL, reader_main, p)) {
		log_error("%s: cannot start a thread", path);
		rc = EXH_ENOMEM;
		goto out_sig;
	}
	started = true;
	for (i = 0;; i ^= 1) {
		struct batch *b = take(p, i);
		int end;

		if (!b)
			break; /* interrupted */
		rc = write_batch(w, db, db_path, path, scope, b, &o, added,
		                 lines, &last, &done);
		end = b->end;
		if (!rc && end == EXH_ELIMIT) {
			log_error("%s:%ld: record longer than 1 MiB", path,
			          b->lineno);
			rc = EXH_EINVAL;
		} else if (!rc && end == EXH_ENOMEM) {
			log_error("%s: out of memory at line %ld", path,
			          b->lineno);
			rc = EXH_ENOMEM;
		} else if (!rc && end && end != 1) {
			log_error("%s: read error at line %ld: %s", path,
			          b->lineno, strerror(b->err));
			rc = EXH_EIO;
		}
		give_back(p, i);
		if (rc || end || stop_flag)
			break;
	}
	{ /* the batch out, if any: its records were whole */
		int lrc = land(w, db, db_path, &o, added, lines, &done);
		if (!rc)
			rc = lrc;
	}
	if (!rc && stop_flag) {
		log_warn("%s: interrupted after line %ld; lines 1 to %ld are "
		         "written; importing the file again adds the rest",
		         path, done, done);
		rc = EXH_EAGAIN;
	}
out_sig:
	if (started) {
		pthread_mutex_lock(&p->mu);
		p->quit = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		/* a reader waiting for input that will not come (a pipe) is
		 * cancelled; one between lines sees quit */
		pthread_cancel(reader);
		pthread_join(reader, NULL);
	}
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	sig_stop_restore();
	/* what was committed stays, whatever stopped the import */
	if (*lines && store_writer_durable(w) && (!rc || rc == EXH_EAGAIN))
		rc = EXH_EIO;
out:
	if (db)
		ckpt_stop(&ck, db);
	store_writer_release(w);
	db_close(db);
	if (p->f && p->f != stdin)
		fclose(p->f);
	free(p->iobuf);
	for (i = 0; i < 2; i++) {
		int k;
		for (k = 0; k < BATCH_CHUNKS; k++)
			free(p->b[i].chunk[k]);
		free(p->b[i].nodes);
		free(p->b[i].items);
	}
	free(p);
	free(w);
	return rc;
}
