/* The tree source: walks ROOT read-only, never following a link, and
 * hands each file to the reader or check its place calls for. A disk
 * image (hunt/image.c) feeds the same workers and detectors through
 * walk_file. */
#include "hunt/detect.h"
#include "hunt/image.h"
#include "hunt/walk.h"
#include "hunt/webreq.h"
#include "hunt/walk_int.h"
#include "base/array.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/text.h"
#include "net/loop.h"
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifndef _WIN32
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <linux/openat2.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#endif
#include "base/banned.h"

/* Workers each fill a hunt of their own (findings, coverage, counters),
 * merged when all are done: no locks around findings. */
struct worker {
	pthread_t thread;
	struct hunt local;
	struct walk *w;
};

/* The first name of a file with several names, or NULL when this is the
 * first (then it is remembered). */
static const char *seen_inode(struct walk *w, uint64_t dev, uint64_t ino)
{
	size_t i, mask;

	if (w->inode_used * 2 >= w->inode_cap) {
		size_t cap = w->inode_cap ? w->inode_cap * 2 : 256, k;
		struct inode_slot *n = calloc(cap, sizeof *n);
		if (!n)
			return NULL;
		for (k = 0; k < w->inode_cap; k++) {
			struct inode_slot *o = &w->inodes[k];
			if (!o->first)
				continue;
			for (i = (o->ino * 31 + o->dev) & (cap - 1); n[i].first;
			     i = (i + 1) & (cap - 1))
				;
			n[i] = *o;
		}
		free(w->inodes);
		w->inodes = n;
		w->inode_cap = cap;
	}
	mask = w->inode_cap - 1;
	for (i = (ino * 31 + dev) & mask; w->inodes[i].first;
	     i = (i + 1) & mask)
		if (w->inodes[i].ino == ino && w->inodes[i].dev == dev)
			return w->inodes[i].first;
	w->inodes[i].dev = dev;
	w->inodes[i].ino = ino;
	w->inodes[i].first = strdup(w->rel);
	if (w->inodes[i].first)
		w->inode_used++;
	return NULL;
}

bool walk_alias(struct walk *w, uint64_t dev, uint64_t ino)
{
	/* Read once however many names it has; every name is reported
	 * (the first's findings are copied at the end). */
	const char *first = seen_inode(w, dev, ino);
	char *a = NULL, *b = NULL;

	if (!first)
		return false;
	if (array_reserve(&w->alias, &w->capalias, w->nalias + 1,
	                  sizeof *w->alias, 16) ||
	    array_reserve(&w->alias_of, &w->capalias_of, w->nalias + 1,
	                  sizeof *w->alias_of, 16) ||
	    !(a = strdup(w->rel)) || !(b = strdup(first))) {
		free(a);
		w->h->out_of_memory = true;
		return true;
	}
	w->alias[w->nalias] = a;
	w->alias_of[w->nalias++] = b;
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* "u_ex210301.log.1", "x.log.3.gz": a rotated copy, as responders get
 * them. */
static bool rotated_log(const char *l)
{
	const char *p = strstr(l, ".log.");

	if (!p)
		return false;
	p += 5;
	if (!(*p >= '0' && *p <= '9'))
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0' || strcmp(p, ".gz") == 0;
}

static int log_kind(const char *l, enum log_source *src, enum log_format *fmt,
                    log_cb *cb)
{
	bool is_log = ends_with(l, ".log") || ends_with(l, ".txt") ||
	              ends_with(l, ".log.gz") || ends_with(l, ".txt.gz") ||
	              rotated_log(l);

	if (!is_log)
		return 0;
	const char *name = strrchr(l, '/');

	name = name ? name + 1 : l;
	/* By folder where Exchange puts them, and by file name where an
	 * administrator moved the log folders elsewhere. */
	if (strstr(l, "logging/httpproxy/") ||
	    (strstr(l, "httpproxy/") && strncmp(name, "httpproxy_", 10) == 0)) {
		*src = LS_HTTPPROXY;
		*fmt = LOG_CSV;
		*cb = detect_httpproxy;
	} else if (strstr(l, "logging/ecp/server/") ||
	           strncmp(name, "ecpserver", 9) == 0) {
		*src = LS_ECP;
		*fmt = LOG_CSV;
		*cb = detect_ecp;
	} else if (strstr(l, "oabgeneratorlog")) {
		*src = LS_OAB;
		*fmt = LOG_TEXT;
		*cb = detect_oab;
	} else if (strstr(l, "logfiles/w3svc") || strstr(l, "/w3svc") ||
	           (strncmp(name, "u_ex", 4) == 0 && strstr(l, "w3svc"))) {
		*src = LS_IIS;
		*fmt = LOG_W3C;
		*cb = detect_iis;
	} else if (strstr(l, "powershell-proxy/http/") ||
	           strncmp(name, "rps_http_", 9) == 0) {
		*src = LS_CMDLET;
		*fmt = LOG_CSV;
		*cb = detect_rps_http;
	} else if (strstr(l, "logging/cmdletinfra/") ||
	           strstr(l, "cmdletinfra/") ||
	           strstr(l, "msexchange management")) {
		*src = LS_CMDLET;
		*fmt = LOG_TEXT;
		*cb = detect_cmdlets;
	} else {
		return 0;
	}
	return 1;
}

static void progress(struct walk *w, bool final)
{
	int64_t now = now_ms();

	if (!w->h->progress || (!final && now - w->last_progress < 500))
		return;
	w->last_progress = now;
	if (final)
		fprintf(stderr,
		        "\rexhunt: hunt: %llu files, %llu read (%.1f MB)   \n",
		        (unsigned long long)w->h->files_seen,
		        (unsigned long long)w->h->files_scanned,
		        (double)w->h->bytes_scanned / 1e6);
	else
		fprintf(stderr,
		        "\rexhunt: hunt: %llu files so far, at %.60s   ",
		        (unsigned long long)w->h->files_seen, w->rel);
	fflush(stderr);
}

#ifndef _WIN32 /* libarchive: the Linux build */
/* An archive member read block by block, capped in decompressed bytes. */
struct member_src {
	struct archive *a;
	uint64_t total, cap;
};

static int member_next(void *v, const void **p, size_t *n)
{
	struct member_src *m = v;
	la_int64_t off;
	int r = archive_read_data_block(m->a, p, n, &off);

	if (r == ARCHIVE_EOF)
		return 0;
	if (r < ARCHIVE_WARN)
		return EXH_EIO;
	m->total += *n;
	if (m->total > m->cap)
		return EXH_ELIMIT;
	return 1;
}

/* Logs inside a .zip (libarchive), as collections often bring them:
 * every member whose path (under the archive's own) names a log is read
 * like that log; a damaged member or one past its bound is listed. */
static void read_archive(struct hunt *h, struct job *j)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	uint64_t cap = j->size > (UINT64_C(1) << 30) / 200 ? j->size * 200
	                                                   : UINT64_C(1) << 30;
	int members = 0, read = 0;

	if (!a) {
		hunt_unreadable(h, j->rel, "out of memory for the archive");
		return;
	}
	archive_read_support_format_zip(a);
	archive_read_support_filter_all(a);
	/* libarchive reads (and may seek) the worker's descriptor; it does
	 * not close it. The caller rewinds it for the file checks. */
	if (archive_read_open_fd(a, j->fd, 1 << 16) != ARCHIVE_OK) {
		hunt_unreadable(h, j->rel, "not a readable zip archive");
		archive_read_free(a);
		return;
	}
	while (members < LIM_ARCHIVE_MEMBERS) {
		char rel[4096], lower[4096];
		enum log_source src;
		enum log_format fmt;
		log_cb cb;
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			hunt_unreadable(h, j->rel,
			                "the archive is damaged: read in part");
			break;
		}
		members++;
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		snprintf(rel, sizeof rel, "%s/%s", j->rel,
		         archive_entry_pathname(e) ? archive_entry_pathname(e)
		                                   : "?");
		text_lower(lower, rel, sizeof lower);
		if (ends_with(lower, ".gz") ||
		    !log_kind(lower, &src, &fmt, &cb))
			continue;
		{
			struct detect_ctx d = {.h = h, .path = rel};
			struct member_src m = {a, 0, cap};
			struct log_stats ls;
			int lrc =
			    logread_source(member_next, &m, fmt, cb, &d, &ls);
			if (lrc == EXH_ELIMIT)
				hunt_unreadable(
				    h, rel,
				    "decompressed past its limit: read "
				    "in part");
			else if (lrc)
				hunt_unreadable(
				    h, rel,
				    "damaged in the archive: read in "
				    "part");
			h->cov[src].files++;
			h->cov[src].lines += ls.lines;
			h->cov[src].bytes += ls.bytes;
			h->bytes_scanned += ls.bytes;
			read++;
		}
	}
	if (members >= LIM_ARCHIVE_MEMBERS)
		hunt_unreadable(h, j->rel,
		                "more members than the limit: read "
		                "in part");
	if (read)
		hunt_note(h, "%s: %d logs read from the archive", j->rel, read);
	archive_read_free(a);
}

#endif

#ifndef _WIN32
/* A raw image's file read straight from its runs in the image. */
struct window {
	int fd;
	const uint64_t *runs;
	int nruns, i;
	uint64_t at; /* within run i */
	unsigned char buf[1 << 16];
};

static int window_next(void *v, const void **p, size_t *n)
{
	struct window *w = v;
	ssize_t got;
	size_t want;

	while (w->i < w->nruns && w->at == w->runs[2 * w->i + 1]) {
		w->i++;
		w->at = 0;
	}
	if (w->i >= w->nruns)
		return 0;
	want = w->runs[2 * w->i + 1] - w->at < sizeof w->buf
	           ? (size_t)(w->runs[2 * w->i + 1] - w->at)
	           : sizeof w->buf;
	got = pread(w->fd, w->buf, want, (off_t)(w->runs[2 * w->i] + w->at));
	if (got <= 0)
		return EXH_EIO;
	w->at += (uint64_t)got;
	*p = w->buf;
	*n = (size_t)got;
	return 1;
}

/* A raw image's file copied from its runs into a sealed memory file, in
 * the kernel (sendfile: copy_file_range is refused across file systems);
 * its descriptor, or -1. */
static int copy_runs(const struct job *j)
{
	int fd =
	    memfd_create("exhunt-image-file", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	int i;

	if (fd < 0)
		return -1;
	for (i = 0; i < j->nruns; i++) {
		off_t off = (off_t)j->runs[2 * i];
		uint64_t left = j->runs[2 * i + 1];
		while (left) {
			ssize_t k = sendfile(fd, j->src, &off,
			                     left > (1u << 30) ? (1u << 30)
			                                       : (size_t)left);
			if (k <= 0) {
				close(fd);
				return -1;
			}
			left -= (uint64_t)k;
		}
	}
	fcntl(fd, F_ADD_SEALS,
	      F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
	lseek(fd, 0, SEEK_SET);
	return fd;
}
#endif

/* A text log through its reader and detector (from j's descriptor, or
 * from the image's runs through win), its coverage counted. */
static void read_log(struct hunt *h, struct job *j, enum log_source src,
                     enum log_format fmt, log_cb cb, void *win)
{
	struct detect_ctx d = {.h = h, .path = j->rel};
	struct log_stats ls;
	int lrc;

#ifndef _WIN32
	if (win)
		lrc = logread_source(window_next, win, fmt, cb, &d, &ls);
	else
#endif
		lrc = ends_with(j->lower, ".gz")
		          ? logread_gz(j->fd, j->size, fmt, cb, &d, &ls)
		          : logread_fd(j->fd, fmt, cb, &d, &ls);
	(void)win;
	if (lrc == EXH_ELIMIT)
		hunt_unreadable(h, j->rel,
		                "decompressed past its limit (200 times "
		                "its size, at least 1 GiB): read in part");
	else if (lrc)
		hunt_unreadable(h, j->rel,
		                win ? "a read error in the image: read in part"
		                : ends_with(j->lower, ".gz")
		                    ? "not a readable gzip file (read in "
		                      "part)"
		                    : strerror(errno));
	h->cov[src].files++;
	h->cov[src].lines += ls.lines;
	h->cov[src].bytes += ls.bytes;
	h->files_scanned++;
	h->bytes_scanned += ls.bytes;
	if (ls.long_lines)
		hunt_unreadable(h, j->rel, "lines over 64 KiB were truncated");
	if (ls.nul_bytes)
		hunt_note(h, "%s: %llu NUL bytes skipped", j->rel,
		          (unsigned long long)ls.nul_bytes);
}

/* Reads one file in a worker: a log through its reader and detector, any
 * other file through the file checks. */
static void run_job(struct hunt *h, struct job *j)
{
	enum log_source src;
	enum log_format fmt;
	log_cb cb;
	char magic[8] = {0};

#ifdef _WIN32
	if (j->raw) {
		detect_locked(h, j);
		free(j->rel);
		free(j->lower);
		return;
	}
#else
	if (j->runs) {
		/* a raw image's file: a plain text log (no user rules to run
		 * over its bytes) straight from the image, anything else from
		 * a copy */
		unsigned char m8[8] = {0};
		struct window *win = NULL;
		if (!h->user_rules && !ends_with(j->lower, ".gz") &&
		    !ends_with(j->lower, ".evtx") &&
		    !detect_config_name(j->lower) &&
		    log_kind(j->lower, &src, &fmt, &cb) &&
		    pread(j->src, m8, sizeof m8, (off_t)j->runs[0]) >= 4 &&
		    memcmp(m8, "ElfFile", 8) && memcmp(m8, "regf", 4) &&
		    (win = malloc(sizeof *win))) {
			win->fd = j->src;
			win->runs = j->runs;
			win->nruns = j->nruns;
			win->i = 0;
			win->at = 0;
			read_log(h, j, src, fmt, cb, win);
			free(win);
			free(j->runs);
			free(j->rel);
			free(j->lower);
			return;
		}
		j->fd = copy_runs(j);
		free(j->runs);
		j->runs = NULL;
		if (j->fd < 0)
			hunt_unreadable(
			    h, j->rel,
			    "its bytes could not be copied out of "
			    "the image (out of memory?): named, not "
			    "read");
	}
#endif
	if (j->fd < 0) {
		/* from an image, a file whose bytes no check reads: the name
		 * checks only (walk_wants_bytes made that choice) */
		detect_file(h, -1, j->rel, j->lower, j->size, j->mtime);
		free(j->rel);
		free(j->lower);
		return;
	}
	/* Event logs and hives by content (collections rename them), and
	 * .evtx by name too (a damaged header is still reported). */
	if (pread(j->fd, magic, sizeof magic, 0) < 0)
		memset(magic, 0, sizeof magic);
	if (!memcmp(magic, "ElfFile", 8) || ends_with(j->lower, ".evtx")) {
		detect_evtx(h, j->fd, j->rel);
	} else if (!memcmp(magic, "regf", 4)) {
		detect_hive(h, j->fd, j->rel);
	} else if (detect_config_name(j->lower)) {
		detect_config(h, j->fd, j->rel, j->lower);
		h->files_scanned++;
	} else if (log_kind(j->lower, &src, &fmt, &cb)) {
		read_log(h, j, src, fmt, cb, NULL);
	} else {
		if (detect_config_also(j->lower))
			detect_config(h, j->fd, j->rel, j->lower);
		if (ends_with(j->lower, ".zip")) {
#ifndef _WIN32
			read_archive(h, j);
			lseek(j->fd, 0, SEEK_SET);
#else
			if (strstr(j->lower, "log") ||
			    strstr(j->lower, "w3svc"))
				hunt_note(
				    h,
				    "%s: archives are opened by the Linux "
				    "build only; unpack it to hunt its logs",
				    j->rel);
#endif
		} else if (ends_with(j->lower, ".7z") &&
		           (strstr(j->lower, "log") ||
		            strstr(j->lower, "w3svc")))
			hunt_note(h,
			          "%s: a 7-Zip archive of logs is not opened; "
			          "unpack it into the evidence copy to hunt it",
			          j->rel);
		detect_file(h, j->fd, j->rel, j->lower, j->size, j->mtime);
	}
	detect_rules_scan(h, j->fd, j->rel, j->lower, j->mtime);
	close(j->fd);
	free(j->rel);
	free(j->lower);
}

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct walk *w = wk->w;

	for (;;) {
		struct job j;
		pthread_mutex_lock(&w->mu);
		while (!w->count && !w->done)
			pthread_cond_wait(&w->not_empty, &w->mu);
		if (!w->count) {
			pthread_mutex_unlock(&w->mu);
			return NULL;
		}
		j = w->q[w->head];
		w->head = (w->head + 1) % LIM_WALK_QUEUE;
		w->count--;
		pthread_cond_signal(&w->not_full);
		pthread_mutex_unlock(&w->mu);
		wk->local.cur_place = j.place;
		wk->local.cur_gone = j.gone;
		run_job(&wk->local, &j);
		if (j.held) {
			pthread_mutex_lock(&w->mu);
			w->held -= j.held;
			pthread_cond_broadcast(&w->not_full);
			pthread_mutex_unlock(&w->mu);
		}
	}
}

/* Hands an opened file to the workers, waiting while the queue is full;
 * the job's strings and descriptor become theirs. */
static void walk_enqueue(struct walk *w, const struct job *j)
{
	webreq_file(w->h, j->lower); /* the walk's own hunt, its thread */
	pthread_mutex_lock(&w->mu);
	while (w->count == LIM_WALK_QUEUE)
		pthread_cond_wait(&w->not_full, &w->mu);
	w->q[(w->head + w->count) % LIM_WALK_QUEUE] = *j;
	w->count++;
	w->held += j->held;
	pthread_cond_signal(&w->not_empty);
	pthread_mutex_unlock(&w->mu);
}

void walk_hand(struct walk *w, int fd, uint64_t size, int64_t mtime)
{
	struct job j = {.fd = fd,
	                .rel = strdup(w->rel),
	                .lower = strdup(w->lower),
	                .size = size,
	                .mtime = mtime};

	if (!j.rel || !j.lower) {
		hunt_unreadable(w->h, w->rel, "out of memory");
		free(j.rel);
		free(j.lower);
		close(fd);
		return;
	}
	walk_enqueue(w, &j);
	progress(w, false);
}

#ifdef _WIN32
bool walk_hand_locked(struct walk *w)
{
	/* the hives a collection brings (SYSTEM and SOFTWARE are read
	 * through the registry API instead: hunt/live_win.c) */
	static const char *const hives[] = {"/ntuser.dat",
	                                    "/usrclass.dat",
	                                    "/windows/system32/config/sam",
	                                    "/windows/system32/config/security",
	                                    "/windows/system32/config/default",
	                                    "/amcache.hve"};
	struct job j = {0};
	bool wanted = ends_with(w->lower, ".evtx");
	size_t i;

	for (i = 0; !wanted && i < sizeof hives / sizeof *hives; i++)
		wanted = ends_with(w->lower, hives[i]);
	/* live names start with their drive: "C/..." */
	if (!wanted || !w->h->live || !w->rel[0] || w->rel[1] != '/')
		return false;
	j.fd = -1;
	j.raw = w->rel[0];
	j.rel = strdup(w->rel);
	j.lower = strdup(w->lower);
	if (!j.rel || !j.lower) {
		hunt_unreadable(w->h, w->rel, "out of memory");
		free(j.rel);
		free(j.lower);
		return true;
	}
	walk_enqueue(w, &j);
	raw_note(w->h, j.raw);
	return true;
}
#endif

#ifndef _WIN32 /* Windows: hunt/walk_win.c */
static void one_file(struct walk *w, int dirfd, const char *name,
                     const struct stat *st)
{
	struct hunt *h = w->h;
	int fd;

	h->files_seen++;
	if (st->st_nlink > 1 &&
	    walk_alias(w, (uint64_t)st->st_dev, (uint64_t)st->st_ino))
		return;
	/* O_NOATIME keeps even the access times of the evidence as they
	 * were; it is refused for files we do not own, so fall back. */
	/* O_NONBLOCK and a second look after opening: a file swapped for a
	 * FIFO or a device between the listing and the open is not read. */
	fd = openat(dirfd, name,
	            O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME | O_NONBLOCK);
	if (fd < 0 && errno == EPERM) {
		w->atime_kept = false;
		fd = openat(dirfd, name,
		            O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	}
	if (fd >= 0) {
		struct stat now;
		if (fstat(fd, &now) || !S_ISREG(now.st_mode)) {
			close(fd);
			hunt_unreadable(h, w->rel,
			                "no longer a regular file when opened");
			return;
		}
	}
	if (fd < 0) {
		hunt_unreadable(h, w->rel, strerror(errno));
		return;
	}
	walk_hand(w, fd, (uint64_t)st->st_size, (int64_t)st->st_mtime);
}

/* A link where IIS serves code: named with its target, and the target
 * read when it lies inside ROOT. The kernel resolves it confined to ROOT
 * (an absolute target is taken from ROOT, as on the server's own drive),
 * so nothing outside the evidence is ever opened. */
static void one_link(struct walk *w, int dirfd, const char *name)
{
	struct hunt *h = w->h;
	char target[1024], detail[1400];
	const char *base = strrchr(w->lower, '/');
	ssize_t n;
	struct open_how how;
	struct stat st;
	int fd;

	w->symlinks++;
	base = base ? base + 1 : w->lower;
	if (file_role(w->lower) == FR_OTHER && !detect_is_code_name(base))
		return;
	w->links_read++;
	n = readlinkat(dirfd, name, target, sizeof target - 1);
	if (n < 0)
		n = 0;
	target[n] = '\0';
	memset(&how, 0, sizeof how);
	/* O_NONBLOCK: a link to a FIFO must not hang the walk. */
	how.flags = O_RDONLY | O_CLOEXEC | O_NOATIME | O_NONBLOCK;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
	fd = (int)syscall(SYS_openat2, w->rootfd, w->rel, &how, sizeof how);
	if (fd < 0 && errno == EPERM) {
		how.flags &= ~(uint64_t)O_NOATIME;
		fd = (int)syscall(SYS_openat2, w->rootfd, w->rel, &how,
		                  sizeof how);
	}
	if (fd >= 0 && (fstat(fd, &st) || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	snprintf(detail, sizeof detail,
	         "a link where IIS serves code, to %s (%s)", target,
	         fd >= 0 ? "its target inside the evidence was read"
	                 : "its target is not in the evidence: check it on "
	                   "the server");
	hunt_add(h, "link", HC_NONE, HL_NOT_SEEN, SEV_HIGH, w->rel, 0, detail);
	if (fd >= 0)
		walk_hand(w, fd, (uint64_t)st.st_size, (int64_t)st.st_mtime);
}

#endif

/* Names j after rel and queues it; out of memory, it is listed unreadable
 * and what it holds (its descriptor, its runs) released. */
static void hand_job(struct walk *w, struct job *j, const char *rel)
{
	w->h->files_seen++;
	j->rel = strdup(rel);
	j->lower = j->rel ? strdup(rel) : NULL;
	if (!j->rel || !j->lower) {
		hunt_unreadable(w->h, rel, "out of memory");
		free(j->rel);
		free(j->lower);
		free(j->runs);
		if (j->fd >= 0)
			close(j->fd);
		return;
	}
	text_lower(j->lower, rel, strlen(rel) + 1);
	walk_enqueue(w, j);
}

void walk_file(struct walk *w, int fd, const char *rel, uint64_t size,
               int64_t mtime, int place, bool gone, uint64_t held)
{
	struct job j = {.fd = fd,
	                .size = size,
	                .mtime = mtime,
	                .place = place,
	                .gone = gone,
	                .held = held};

	hand_job(w, &j, rel);
}

void walk_file_runs(struct walk *w, int src, uint64_t *runs, int nruns,
                    const char *rel, uint64_t size, int64_t mtime, int place,
                    bool gone)
{
	struct job j = {.fd = -1,
	                .size = size,
	                .mtime = mtime,
	                .place = place,
	                .gone = gone,
	                .runs = runs,
	                .nruns = nruns,
	                .src = src};

	hand_job(w, &j, rel);
}

void walk_wait_room(struct walk *w, uint64_t limit)
{
	pthread_mutex_lock(&w->mu);
	while (w->held > limit && (w->count || w->held))
		pthread_cond_wait(&w->not_full, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

bool walk_wants_bytes(const char *lower, const unsigned char magic[8],
                      bool all_files, bool rules)
{
	const char *name = strrchr(lower, '/');
	enum log_source src;
	enum log_format fmt;
	log_cb cb;
	enum file_role role = file_role(lower);

	name = name ? name + 1 : lower;
	return rules || all_files || !memcmp(magic, "ElfFile", 8) ||
	       !memcmp(magic, "regf", 4) || ends_with(lower, ".evtx") ||
	       detect_config_name(lower) || log_kind(lower, &src, &fmt, &cb) ||
	       ends_with(lower, ".zip") || detect_is_code_name(name) ||
	       role == FR_ASPNET_CLIENT || role == FR_OWA_AUTH ||
	       role == FR_ECP_AUTH || role == FR_OAB ||
	       (role == FR_TEMP_ASPNET && ends_with(name, ".compiled")) ||
	       strstr(lower, "windows/system32/tasks/") ||
	       !strcmp(name, "report.wer");
}

void walk_progress(struct walk *w, const char *where)
{
	snprintf(w->rel, sizeof w->rel, "%s", where);
	progress(w, false);
	w->rel[0] = '\0';
}

volatile sig_atomic_t hunt_stop;

#ifndef _WIN32
static void walk_dir(struct walk *w, int fd, size_t rel_len, int depth)
{
	DIR *dir;
	struct dirent *de;

	if (depth > LIM_WALK_DEPTH) {
		hunt_unreadable(w->h, w->rel, "folders nested too deep");
		close(fd);
		return;
	}
	dir = fdopendir(fd);
	if (!dir) {
		hunt_unreadable(w->h, w->rel[0] ? w->rel : ".",
		                strerror(errno));
		close(fd);
		return;
	}
	while (!hunt_stop && (de = readdir(dir))) {
		struct stat st;
		size_t n = strlen(de->d_name);
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (rel_len + n + 2 >= sizeof w->rel) {
			hunt_unreadable(w->h, w->rel, "path too long");
			continue;
		}
		if (rel_len)
			w->rel[rel_len] = '/';
		memcpy(w->rel + rel_len + (rel_len ? 1 : 0), de->d_name, n + 1);
		text_lower(w->lower, w->rel, sizeof w->lower);
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			hunt_unreadable(w->h, w->rel, strerror(errno));
		} else if (S_ISLNK(st.st_mode)) {
			one_link(w, dirfd(dir), de->d_name);
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(dir), de->d_name,
			                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			                     O_CLOEXEC | O_NOATIME);
			if (sub < 0 && errno == EPERM) {
				w->atime_kept = false;
				sub = openat(dirfd(dir), de->d_name,
				             O_RDONLY | O_DIRECTORY |
				                 O_NOFOLLOW | O_CLOEXEC);
			}
			if (strstr(w->lower, "exchange server/v15") &&
			    !w->h->exchange_dir[0] &&
			    ends_with(w->lower, "exchange server/v15"))
				snprintf(w->h->exchange_dir,
				         sizeof w->h->exchange_dir, "%s",
				         w->rel);
			if (sub < 0)
				hunt_unreadable(w->h, w->rel, strerror(errno));
			else
				walk_dir(w, sub,
				         rel_len + n + (rel_len ? 1 : 0),
				         depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			one_file(w, dirfd(dir), de->d_name, &st);
		}
		w->rel[rel_len] = '\0';
	}
	closedir(dir);
}

#endif

static void merge_list(struct hunt *h, char ***dst, size_t *nd, size_t *cap,
                       char **src, size_t ns)
{
	size_t i;

	if (ns && array_reserve(dst, cap, *nd + ns, sizeof **dst, 16)) {
		for (i = 0; i < ns; i++)
			free(src[i]);
		h->out_of_memory = true;
		ns = 0;
	}
	if (ns)
		memcpy(*dst + *nd, src, ns * sizeof *src);
	*nd += ns;
	free(src);
}

/* Moves what a worker found into h. */
static void merge(struct hunt *h, struct hunt *l)
{
	int s;

	if (l->out_of_memory)
		h->out_of_memory = true;
	if (l->nf) {
		if (array_reserve(&h->f, &h->capf, h->nf + l->nf, sizeof *h->f,
		                  64) == 0) {
			memcpy(h->f + h->nf, l->f, l->nf * sizeof *h->f);
			h->nf += l->nf;
			free(l->f);
			l->f = NULL;
			l->nf = l->capf = 0;
		} else {
			/* the worker's findings stay with it and are freed
			 * with it: say they are missing */
			h->out_of_memory = true;
		}
	}
	for (s = 0; s < LS_COUNT; s++) {
		struct coverage *a = &h->cov[s], *b = &l->cov[s];
		a->files += b->files;
		a->lines += b->lines;
		a->bytes += b->bytes;
		if (b->oldest[0])
			hunt_cover(h, (enum log_source)s, b->oldest);
		if (b->newest[0])
			hunt_cover(h, (enum log_source)s, b->newest);
	}
	merge_list(h, &h->unreadable, &h->nunreadable, &h->capunreadable,
	           l->unreadable, l->nunreadable);
	merge_list(h, &h->notes, &h->nnotes, &h->capnotes, l->notes, l->nnotes);
	webreq_merge(h, l);
	l->unreadable = l->notes = NULL;
	l->nunreadable = l->nnotes = l->capunreadable = l->capnotes = 0;
	h->files_scanned += l->files_scanned;
	h->aggregated += l->aggregated;
	h->iis_no_status += l->iis_no_status;
	h->bytes_scanned += l->bytes_scanned;
}

/* Findings in a stable order, whatever the threads did. */
static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->place != y->place)
		return x->place < y->place ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if ((c = strcmp(x->kind, y->kind)) != 0)
		return c;
	if (x->cve != y->cve)
		return x->cve < y->cve ? -1 : 1;
	return strcmp(x->detail, y->detail);
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every name of a file read once gets the findings of the name read. */
static void aliases(struct walk *w)
{
	struct hunt *h = w->h;
	size_t a, i, n = h->nf;

	for (a = 0; a < w->nalias; a++) {
		for (i = 0; i < n; i++) {
			const struct finding *f = &h->f[i];
			char detail[1200], kind[sizeof f->kind];
			struct finding *g;
			if (strcmp(f->path, w->alias_of[a]) != 0 || f->line)
				continue;
			/* hunt_add may move the array: copy what it reads. */
			memcpy(kind, f->kind, sizeof kind);
			snprintf(detail, sizeof detail,
			         "%s (another name of %s: the same file)",
			         f->detail, w->alias_of[a]);
			g = hunt_add(h, kind, f->cve, f->level, f->sev,
			             w->alias[a], 0, detail);
			if (g) {
				f = &h->f[i]; /* the array may have moved */
				memcpy(g->time, f->time, sizeof g->time);
				memcpy(g->sha256, f->sha256, sizeof g->sha256);
				memcpy(g->chain, f->chain, sizeof g->chain);
				g->backdoor = f->backdoor;
			}
		}
		free(w->alias[a]);
		free(w->alias_of[a]);
	}
	free(w->alias);
	free(w->alias_of);
	for (i = 0; i < w->inode_cap; i++)
		free(w->inodes[i].first);
	free(w->inodes);
	if (w->nalias)
		hunt_note(h,
		          "%zu files have more than one name; each was "
		          "read once and every name is reported",
		          w->nalias);
}

/* Sets h->nothing_examined when the walk met nothing the hunt reads:
 * its "not seen" would then say nothing of the server. */
static void nothing_examined(struct hunt *h)
{
	int s;

	if (h->exchange_dir[0] || h->files_scanned || h->nf || h->interrupted ||
	    h->nunreadable) /* found, not read: exit 5 says so already */
		return;
	for (s = 0; s < LS_COUNT; s++)
		if (h->cov[s].files)
			return;
	h->nothing_examined = true;
	hunt_note(h, "nothing exhunt examines was found (no Exchange "
	             "folder, web-root script, log, event log or registry "
	             "hive): the verdicts rest on no evidence");
}

int hunt_run(struct hunt *h)
{
	struct walk *w = calloc(1, sizeof *w);
	struct worker *wk = NULL;
	int fd, s, i, n = h->threads > 0 ? h->threads : 1;
#ifdef _WIN32
	bool image = false;
#endif

	if (!w)
		return EXH_ENOMEM;
	w->h = h;
	w->image_fd = -1;
#ifndef _WIN32
	/* O_NOATIME for folders too: listing one would change its access
	 * time. The kernel refuses it on files we do not own (unless root);
	 * then we say so, once. */
	w->atime_kept = true;
	fd = open(h->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOATIME);
	if (fd < 0 && errno == EPERM) {
		w->atime_kept = false;
		fd = open(h->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0 && errno == ENOTDIR) {
		/* a file: a disk image, read through its libraries */
		int ifd = open(h->root, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		const char *kind = ifd >= 0 ? image_kind(ifd) : NULL;
		if (ifd >= 0)
			close(ifd);
		if (!kind) {
			log_error("%s: %s", h->root,
			          ifd < 0
			              ? strerror(errno)
			              : "neither a folder nor a disk image "
			                "exhunt reads (E01, VHD, VHDX, or a "
			                "raw image with an MBR, a GPT or an "
			                "NTFS volume)");
			free(w);
			return EXH_EINVAL;
		}
		snprintf(h->source, sizeof h->source, "%s", kind);
	} else if (fd < 0) {
		log_error("%s: %s", h->root, strerror(errno));
		free(w);
		return EXH_EINVAL;
	} else {
		snprintf(h->source, sizeof h->source, "%s", "folder");
	}
#else
	/* a folder, or (root NULL) the live server: hunt/walk_win.c; or a
	 * disk image */
	fd = -1;
	w->atime_kept = true;
	snprintf(h->source, sizeof h->source, "%s",
	         h->live ? "live" : "folder");
	if (!h->live) {
		struct stat st;
		if (!stat(h->root, &st) && S_ISREG(st.st_mode)) {
			int ifd = open(h->root, O_RDONLY);
			const char *kind = ifd >= 0 ? image_kind(ifd) : NULL;
			if (ifd >= 0)
				close(ifd);
			if (!kind) {
				log_error("%s: %s", h->root,
				          ifd < 0
				              ? strerror(errno)
				              : "neither a folder nor a disk "
				                "image exhunt reads (E01, "
				                "VHD, VHDX, or a raw image "
				                "with an MBR, a GPT or an "
				                "NTFS volume)");
				free(w);
				return EXH_EINVAL;
			}
			snprintf(h->source, sizeof h->source, "%s", kind);
			image = true;
		}
	}
#endif
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->not_empty, NULL);
	pthread_cond_init(&w->not_full, NULL);
	wk = calloc((size_t)n, sizeof *wk);
	for (i = 0; wk && i < n; i++) {
		wk[i].w = w;
		wk[i].local.root = h->root;
		wk[i].local.all_files = h->all_files;
		wk[i].local.yara_rules = h->yara_rules;
		wk[i].local.user_rules = h->user_rules;
#ifdef _WIN32
		memcpy(wk[i].local.raw_volume, h->raw_volume,
		       sizeof h->raw_volume);
#endif
		if (pthread_create(&wk[i].thread, NULL, worker_main, &wk[i])) {
			n = i;
			break;
		}
	}
	if (!wk || n == 0) {
		free(wk);
		if (fd >= 0)
			close(fd);
		free(w);
		return EXH_ENOMEM;
	}
#ifndef _WIN32
	if (fd >= 0) {
		w->rootfd = dup(fd);
		walk_dir(w, fd, 0, 0);
	} else {
		w->rootfd = -1;
		image_walk(w, h, h->root);
	}
#else
	w->rootfd = -1;
	if (image)
		image_walk(w, h, h->root);
	else
		walk_tree_win(w, h->live ? NULL : h->root);
#endif
	pthread_mutex_lock(&w->mu);
	w->done = true;
	pthread_cond_broadcast(&w->not_empty);
	pthread_mutex_unlock(&w->mu);
	for (i = 0; i < n; i++) {
		pthread_join(wk[i].thread, NULL);
		detect_rules_worker_done(&wk[i].local);
		merge(h, &wk[i].local);
		wk[i].local.yara_rules = NULL;
		wk[i].local.user_rules = NULL;
		hunt_release(&wk[i].local);
	}
	free(wk);
	aliases(w);
	image_drop_repeats(h);
	if (h->nf > 1)
		qsort(h->f, h->nf, sizeof *h->f, cmp_finding);
	/* The findings moved: the aggregation's indices into them are
	 * stale, so later findings start their counts afresh. */
	free(h->agg);
	h->agg = NULL;
	h->agg_cap = h->agg_used = 0;
	/* The workers' notes and unreadable files in one order too: the
	 * report is the same whatever the threads did. */
	if (h->nnotes > 1)
		qsort(h->notes, h->nnotes, sizeof *h->notes, cmp_cstr);
	if (h->nunreadable > 1)
		qsort(h->unreadable, h->nunreadable, sizeof *h->unreadable,
		      cmp_cstr);
	progress(w, true);
	if (hunt_stop) {
		h->interrupted = true;
		hunt_note(h, "interrupted by a signal: the walk stopped early, "
		             "so this report is partial (run the hunt again to "
		             "the end)");
	}
	if (h->out_of_memory)
		hunt_note(h, "memory ran out during the hunt: some findings, "
		             "notes or names were not kept, so this report is "
		             "incomplete (run again with more memory)");
	if (h->aggregated)
		hunt_note(h,
		          "%llu findings alike to others in the same file "
		          "were counted on the last example kept (\"more\" "
		          "in the JSON report), not listed one by one",
		          (unsigned long long)h->aggregated);
	if (w->links_read)
		hunt_note(h,
		          "%llu links where IIS serves code were read to name "
		          "their targets; the kernel sets a link's own access "
		          "time when it is read (O_NOATIME does not apply to "
		          "links), so theirs may have changed",
		          (unsigned long long)w->links_read);
	if (!w->atime_kept)
		hunt_note(h,
		          "access times of some files or folders may have "
		          "changed: the kernel allows O_NOATIME only to their "
		          "owner or root (run as root, or from a read-only "
		          "mount, to keep them)");
	if (w->symlinks)
		hunt_note(h, "%llu symbolic links were not followed",
		          (unsigned long long)w->symlinks);
	if (h->exchange_dir[0])
		hunt_note(h, "Exchange install: %s", h->exchange_dir);
	else
		hunt_note(h, "no Exchange install folder (Exchange Server/V15) "
		             "was found; log and web-root checks ran wherever "
		             "their folders were");
	for (s = 0; s < LS_COUNT; s++)
		if (!h->cov[s].files)
			hunt_note(h, "no %s logs found", log_source_names[s]);
	if (h->iis_no_status)
		hunt_note(h, "%llu IIS log%s no status (sc-status): what %s "
		             "shows cannot be told answered or refused, so "
		             "\"attempted\" there may have succeeded",
		          (unsigned long long)h->iis_no_status,
		          h->iis_no_status == 1 ? " records" : "s record",
		          h->iis_no_status == 1 ? "it" : "they");
	nothing_examined(h);
	if (w->rootfd >= 0)
		close(w->rootfd);
	if (w->image_fd >= 0)
		close(w->image_fd);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->not_empty);
	pthread_cond_destroy(&w->not_full);
	free(w);
	hunt_correlate(h);
	return 0;
}
