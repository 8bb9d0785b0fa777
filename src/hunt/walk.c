/* The tree source: walks ROOT read-only, never following a link, and
 * hands each file to the reader or check its place calls for. Other
 * sources (live Windows, .evtx, disk images) will feed the same detectors
 * through hunt_run's dispatch. */
#include "hunt/detect.h"
#include "base/err.h"
#include "base/log.h"
#include "net/loop.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/banned.h"

#define MAX_DEPTH 64

struct walk {
	struct hunt *h;
	char rel[4096];
	char lower[4096];
	int64_t last_progress;
	uint64_t symlinks;
};

static void lower_into(char *dst, const char *src, size_t cap)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < cap; i++)
		dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] + 32)
		                                          : src[i];
	dst[i] = '\0';
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int log_kind(const char *l, enum log_source *src, enum log_format *fmt,
                    log_cb *cb)
{
	bool is_log = ends_with(l, ".log") || ends_with(l, ".txt");

	if (!is_log)
		return 0;
	if (strstr(l, "logging/httpproxy/")) {
		*src = LS_HTTPPROXY;
		*fmt = LOG_CSV;
		*cb = detect_httpproxy;
	} else if (strstr(l, "logging/ecp/server/")) {
		*src = LS_ECP;
		*fmt = LOG_CSV;
		*cb = detect_ecp;
	} else if (strstr(l, "logging/oabgeneratorlog/")) {
		*src = LS_OAB;
		*fmt = LOG_TEXT;
		*cb = detect_oab;
	} else if (strstr(l, "logfiles/w3svc")) {
		*src = LS_IIS;
		*fmt = LOG_W3C;
		*cb = detect_iis;
	} else if (strstr(l, "logging/cmdletinfra/") ||
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
	fprintf(stderr,
	        "\rexhunt: hunt: %llu files, %llu scanned (%.1f MB), %zu "
	        "findings   %s",
	        (unsigned long long)w->h->files_seen,
	        (unsigned long long)w->h->files_scanned,
	        (double)w->h->bytes_scanned / 1e6, w->h->nf, final ? "\n" : "");
	fflush(stderr);
}

static void one_file(struct walk *w, int dirfd, const char *name,
                     const struct stat *st)
{
	struct hunt *h = w->h;
	enum log_source src;
	enum log_format fmt;
	log_cb cb;
	int fd;

	h->files_seen++;
	/* O_NOATIME keeps even the access times of the evidence as they
	 * were; it is refused for files we do not own, so fall back. */
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		hunt_unreadable(h, w->rel, strerror(errno));
		return;
	}
	if (log_kind(w->lower, &src, &fmt, &cb)) {
		struct detect_ctx d = {.h = h, .path = w->rel};
		struct log_stats ls;
		if (logread_fd(fd, fmt, cb, &d, &ls))
			hunt_unreadable(h, w->rel, strerror(errno));
		h->cov[src].files++;
		h->cov[src].lines += ls.lines;
		h->cov[src].bytes += ls.bytes;
		h->files_scanned++;
		h->bytes_scanned += ls.bytes;
		if (ls.long_lines)
			hunt_unreadable(h, w->rel,
			                "lines over 64 KiB were truncated");
		if (ls.nul_bytes)
			hunt_note(h, "%s: %llu NUL bytes skipped", w->rel,
			          (unsigned long long)ls.nul_bytes);
	} else {
		detect_file(h, fd, w->rel, w->lower, (uint64_t)st->st_size,
		            (int64_t)st->st_mtime);
	}
	close(fd);
	progress(w, false);
}

static void walk_dir(struct walk *w, int fd, size_t rel_len, int depth)
{
	DIR *dir;
	struct dirent *de;

	if (depth > MAX_DEPTH) {
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
	while ((de = readdir(dir))) {
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
		lower_into(w->lower, w->rel, sizeof w->lower);
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			hunt_unreadable(w->h, w->rel, strerror(errno));
		} else if (S_ISLNK(st.st_mode)) {
			w->symlinks++; /* never followed: it may leave ROOT */
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(dir), de->d_name,
			                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			                     O_CLOEXEC);
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

int hunt_run(struct hunt *h)
{
	struct walk *w = calloc(1, sizeof *w);
	int fd, s;

	if (!w)
		return EXH_ENOMEM;
	w->h = h;
	fd = open(h->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		log_error("%s: %s", h->root, strerror(errno));
		free(w);
		return EXH_EINVAL;
	}
	walk_dir(w, fd, 0, 0);
	progress(w, true);
	if (w->symlinks)
		hunt_note(h, "%llu symbolic links were not followed",
		          (unsigned long long)w->symlinks);
	if (h->exchange_dir[0])
		hunt_note(h, "Exchange install: %s", h->exchange_dir);
	else
		hunt_note(
		    h, "no Exchange install folder (Exchange Server/V15) was "
		       "found; log and web-root checks ran wherever their "
		       "folders were");
	for (s = 0; s < LS_COUNT; s++)
		if (!h->cov[s].files)
			hunt_note(h, "no %s logs found", log_source_names[s]);
	free(w);
	hunt_correlate(h);
	return 0;
}
