/* The transport: one message to one recipient, by SMTP through libcurl
 * (STARTTLS, AUTH, a private CA) or into a maildir for --dry-run, at most
 * --rate messages a minute per recipient domain. */
#include "notify/send_parts.h"
#include "base/limits.h"
#include "base/array.h"
#include "base/err.h"
#include "base/ip4.h"
#include "base/log.h"
#include "base/sig.h"
#include "base/text.h"
#include "base/timefmt.h"
#include "notify/notify.h"
#include "scan/knowledge.h"
#include "store/store.h"
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include "store/db.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/banned.h"

/* libcurl reads the message from here. */
struct upload {
	const char *p;
	size_t len, at;
};

static size_t read_cb(char *dst, size_t size, size_t n, void *ctx)
{
	struct upload *u = ctx;
	size_t want = size * n, left = u->len - u->at;

	if (want > left)
		want = left;
	memcpy(dst, u->p + u->at, want);
	u->at += want;
	return want;
}

static int smtp_send(const struct send_opts *o, const char *to, const void *msg,
                     size_t len, char *err, size_t ecap)
{
	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	struct upload u = {msg, len, 0};
	char from[300], rcpt_s[300], ebuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;

	if (!c) {
		snprintf(err, ecap, "libcurl did not start");
		return EXH_EIO;
	}
	snprintf(from, sizeof from, "<%s>", o->msg.from);
	snprintf(rcpt_s, sizeof rcpt_s, "<%s>", to);
	rcpt = curl_slist_append(NULL, rcpt_s);
	curl_easy_setopt(c, CURLOPT_URL, o->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (o->starttls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	if (o->user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, o->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD,
		                 o->password ? o->password : "");
	}
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		snprintf(err, ecap, "%s",
		         ebuf[0] ? ebuf : curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : EXH_EIO;
}

/* --dry-run: the message as a file in maildir/new, written the maildir
 * way (tmp, then rename). */
static int maildir_put(const char *dir, const char *id, const void *msg,
                       size_t len, char *err, size_t ecap)
{
	char tmp[4200], dst[4200], sub[4200];
	int fd;
	ssize_t w;
	const char *subs[] = {"tmp", "new", "cur"};
	int i;

	mkdir(dir, 0755);
	for (i = 0; i < 3; i++) {
		snprintf(sub, sizeof sub, "%s/%s", dir, subs[i]);
		mkdir(sub, 0755);
	}
	snprintf(tmp, sizeof tmp, "%s/tmp/%s", dir, id);
	snprintf(dst, sizeof dst, "%s/new/%s", dir, id);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, ecap, "%.300s: %s", tmp, strerror(errno));
		return EXH_EIO;
	}
	w = write(fd, msg, len);
	if (w != (ssize_t)len || fsync(fd) || close(fd) || rename(tmp, dst)) {
		snprintf(err, ecap, "%.300s: %s", dst, strerror(errno));
		return EXH_EIO;
	}
	return 0;
}

/* Waits until the recipient's domain may get another message. */
struct domain_clock {
	char domain[256];
	double next;
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pace(struct domain_clock **clk, size_t *n, size_t *cap,
                 const char *domain, double per_min)
{
	size_t i;
	double now = mono(), gap = per_min > 0 ? 60.0 / per_min : 0;

	for (i = 0; i < *n && strcmp((*clk)[i].domain, domain); i++)
		;
	if (i == *n) {
		if (array_reserve(clk, cap, *n + 1, sizeof **clk, 8))
			return;
		snprintf((*clk)[i].domain, sizeof(*clk)[0].domain, "%s",
		         domain);
		(*clk)[i].next = now;
		(*n)++;
	}
	if ((*clk)[i].next > now) {
		double s = (*clk)[i].next - now;
		struct timespec ts = {(time_t)s,
		                      (long)((s - (double)(time_t)s) * 1e9)};
		nanosleep(&ts, NULL);
	}
	(*clk)[i].next = mono() + gap;
}

struct transport {
	const struct send_opts *o;
	struct domain_clock *clk;
	size_t nclk, clk_cap;
};

struct transport *transport_new(const struct send_opts *o)
{
	struct transport *t = calloc(1, sizeof *t);

	if (t)
		t->o = o;
	return t;
}

void transport_free(struct transport *t)
{
	if (!t)
		return;
	free(t->clk);
	free(t);
}

int transport_try(struct transport *t, const char *id, const char *contact,
                  const char *domain, const void *msg, size_t len, char *err,
                  size_t errcap)
{
	if (t->o->maildir)
		return maildir_put(t->o->maildir, id, msg, len, err, errcap);
	pace(&t->clk, &t->nclk, &t->clk_cap, domain, t->o->per_domain_per_min);
	return smtp_send(t->o, contact, msg, len, err, errcap);
}
