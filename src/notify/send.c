/* exhunt notify send: plan the round's notices into the outbox, then
 * deliver them (SMTP through libcurl, or a maildir for --dry-run). */
#include "base/array.h"
#include "base/err.h"
#include "base/ip4.h"
#include "base/log.h"
#include "base/text.h"
#include "base/timefmt.h"
#include "notify/notify.h"
#include "scan/knowledge.h"
#include "store/store.h"
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/banned.h"

struct round {
	char id[128], started[32];
	long long no;
	char cves[STORE_MAX_CVES][24];
	int ncves;
};

static int db_fail(sqlite3 *db, const char *path)
{
	log_error("%s: %s", path, sqlite3_errmsg(db));
	return EXH_EIO;
}

static int load_round(sqlite3 *db, const char *path, struct round *r)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (sqlite3_prepare_v2(db,
	                       "SELECT id, started, no FROM scans ORDER BY "
	                       "started DESC, id DESC LIMIT 1",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, path);
	if (sqlite3_step(st) != SQLITE_ROW) {
		log_error("%s: holds no scan", path);
		rc = EXH_EINVAL;
	} else {
		snprintf(r->id, sizeof r->id, "%s", sqlite3_column_text(st, 0));
		snprintf(r->started, sizeof r->started, "%s",
		         sqlite3_column_text(st, 1));
		r->no = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT idx, id FROM cves", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_fail(db, path);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int i = sqlite3_column_int(st, 0);
		if (i >= 1 && i <= STORE_MAX_CVES) {
			snprintf(r->cves[i - 1], sizeof r->cves[0], "%s",
			         sqlite3_column_text(st, 1));
			if (i > r->ncves)
				r->ncves = i;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

static const char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : "";
}

static void append_word(char *dst, size_t cap, const char *w)
{
	size_t n = strlen(dst);

	snprintf(dst + n, cap - n, "%s%s", n ? " " : "", w);
}

/* What to install: the highest fix over the server's open CVEs. */
static void fix_text(const struct kb *kb, const char *build, const char *cves,
                     char *out, size_t cap)
{
	build_t b, best = 0;
	const char *best_name = NULL;
	bool none = false;
	char list[1300], *tok, *save = NULL, bs[BUILD_STRLEN];
	struct view v = view_of(build);

	out[0] = '\0';
	if (!build_parse(v, false, &b) && !build_parse(v, true, &b)) {
		snprintf(out, cap,
		         "install the latest update for your Exchange version");
		return;
	}
	snprintf(list, sizeof list, "%s", cves);
	for (tok = strtok_r(list, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		int c = kb_cve_find(kb, tok);
		build_t fix;
		const char *upd = NULL;
		if (c < 0)
			continue;
		switch (kb_fix(kb, c, b, &fix, &upd)) {
		case FIX_AT_BUILD:
			if (fix > best) {
				best = fix;
				best_name = upd;
			}
			break;
		case FIX_NONE: none = true; break;
		default: break;
		}
	}
	if (none)
		snprintf(
		    out, cap,
		    "no update exists for this cumulative update: move to a "
		    "supported CU and install its latest security update");
	else if (best) {
		build_format(best, false, bs);
		snprintf(out, cap, "install %s (build %s) or later",
		         best_name ? best_name : "the security update", bs);
	} else {
		snprintf(out, cap,
		         "install the latest security update for "
		         "this version; check for compromise");
	}
}

struct planner {
	sqlite3 *db;
	const char *path;
	sqlite3_stmt *seen, *route, *outbox, *finding;
};

/* Has this contact been sent this finding, or is it waiting in the
 * outbox for them? */
static bool already(struct planner *p, const char *contact, const char *finding)
{
	bool yes;

	sqlite3_reset(p->seen);
	sqlite3_bind_text(p->seen, 1, contact, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(p->seen, 2, finding, -1, SQLITE_TRANSIENT);
	yes = sqlite3_step(p->seen) == SQLITE_ROW;
	sqlite3_reset(p->seen);
	return yes;
}

/* Findings of one server this round: one per open CVE, one per web
 * shell URL. Keys are "s<server>:<CVE>" and "s<server>:webshell:<path>". */
struct findings {
	char key[64][160];
	int n;
};

static void server_findings(const struct notice_server *s, struct findings *f)
{
	char all[2000], *tok, *save = NULL;

	f->n = 0;
	snprintf(all, sizeof all, "%s %s", s->vulnerable, s->likely);
	for (tok = strtok_r(all, " ", &save); tok && f->n < 64;
	     tok = strtok_r(NULL, " ", &save))
		snprintf(f->key[f->n++], sizeof f->key[0], "s%lld:%s",
		         s->server_id, tok);
	snprintf(all, sizeof all, "%s", s->shells);
	save = NULL;
	for (tok = strtok_r(all, " ", &save); tok && f->n < 64;
	     tok = strtok_r(NULL, " ", &save))
		snprintf(f->key[f->n++], sizeof f->key[0], "s%lld:webshell:%s",
		         s->server_id, tok);
}

/* The shells' URL paths from the JSON array text. */
static void shells_from_json(const char *json, char *out, size_t cap)
{
	const char *p = json;

	out[0] = '\0';
	while (p && (p = strchr(p, '"'))) {
		const char *e = strchr(p + 1, '"');
		char one[512];
		if (!e)
			break;
		snprintf(one, sizeof one, "%.*s", (int)(e - p - 1), p + 1);
		if (!strchr(one, ' '))
			append_word(out, cap, one);
		p = e + 1;
	}
}

/* Is id one of the comma-separated list? */
static bool in_list(const char *list, const char *id)
{
	size_t n = strlen(id);

	for (;;) {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);
		if (len == n && strncasecmp(list, id, n) == 0)
			return true;
		if (!comma)
			return false;
		list = comma + 1;
	}
}

static int plan(struct planner *p, const struct send_opts *o,
                const struct kb *kb, const struct round *r,
                struct send_stats *st)
{
	const struct contacts *k = o->contacts;
	struct notice *nt = calloc(k->n ? k->n : 1, sizeof *nt);
	struct notice_templates tpl;
	sqlite3_stmt *q = NULL;
	struct buf msg;
	size_t i;
	int rc = 0, step;

	if (!nt)
		return EXH_ENOMEM;
	buf_init(&msg, 256u << 20);
	memset(&tpl, 0, sizeof tpl);
	if (notice_templates_load(o->msg.templates, &tpl)) {
		rc = EXH_EINVAL;
		goto out;
	}
	if (sqlite3_prepare_v2(
	        p->db,
	        "SELECT o.server_id, o.ip, o.port, o.hostname, s.name, "
	        "o.product, o.build, o.build_name, o.verdicts, o.webshells, "
	        "o.webshell_paths, o.time, (SELECT min(f.time) FROM "
	        "observations f WHERE f.server_id=o.server_id), a.asn, "
	        "a.country FROM observations o LEFT JOIN servers s ON "
	        "s.id=o.server_id LEFT JOIN addresses a ON a.ip=o.ip WHERE "
	        "o.key BETWEEN ?1 AND ?2 AND o.exchange AND o.ip IS NOT NULL "
	        "AND (o.webshells>0 OR o.verdicts GLOB '*[VL]*') ORDER BY "
	        "o.key",
	        -1, &q, NULL) != SQLITE_OK) {
		rc = db_fail(p->db, p->path);
		goto out;
	}
	sqlite3_bind_int64(q, 1, r->no * STORE_SEQ_LIMIT);
	sqlite3_bind_int64(q, 2, (r->no + 1) * STORE_SEQ_LIMIT - 1);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		struct notice_server s;
		struct findings f;
		const char *v = col(q, 8);
		char via[96];
		uint32_t ip;
		int c, j, fresh = 0;
		memset(&s, 0, sizeof s);
		s.server_id = sqlite3_column_int64(q, 0);
		snprintf(s.ip, sizeof s.ip, "%s", col(q, 1));
		s.port = sqlite3_column_int(q, 2);
		snprintf(s.hostname, sizeof s.hostname, "%s", col(q, 3));
		snprintf(s.name, sizeof s.name, "%s", col(q, 4));
		snprintf(s.product, sizeof s.product, "%s", col(q, 5));
		snprintf(s.build, sizeof s.build, "%s", col(q, 6));
		snprintf(s.build_name, sizeof s.build_name, "%s", col(q, 7));
		for (j = 0; v[j] && j < r->ncves; j++) {
			if (o->cves && !in_list(o->cves, r->cves[j]))
				continue;
			if (v[j] == 'V')
				append_word(s.vulnerable, sizeof s.vulnerable,
				            r->cves[j]);
			else if (v[j] == 'L')
				append_word(s.likely, sizeof s.likely,
				            r->cves[j]);
		}
		s.nshells = sqlite3_column_int(q, 9);
		shells_from_json(col(q, 10), s.shells, sizeof s.shells);
		snprintf(s.seen, sizeof s.seen, "%s", col(q, 11));
		snprintf(s.first_seen, sizeof s.first_seen, "%s", col(q, 12));
		if (sqlite3_column_type(q, 13) != SQLITE_NULL)
			snprintf(s.asn, sizeof s.asn, "%lld",
			         sqlite3_column_int64(q, 13));
		snprintf(s.country, sizeof s.country, "%s", col(q, 14));
		{
			char open[1300];
			snprintf(open, sizeof open, "%s %s", s.vulnerable,
			         s.likely);
			fix_text(kb, s.build, open, s.fix, sizeof s.fix);
			if (s.nshells)
				snprintf(s.fix + strlen(s.fix),
				         sizeof s.fix - strlen(s.fix),
				         "; the server is compromised: "
				         "investigate (exhunt hunt) and clean "
				         "it");
		}
		if (!s.vulnerable[0] && !s.likely[0] && !s.nshells)
			continue; /* open only to CVEs outside --cve */
		st->findings_servers++;
		if (!ip4_parse(view_of(s.ip), &ip))
			continue;
		c = contacts_route(
		    k, ip, (uint32_t)strtoul(s.asn[0] ? s.asn : "0", NULL, 10),
		    s.country, via, sizeof via);
		if (c >= 0 && o->suppress &&
		    suppress_has(o->suppress, k->c[c].email, ip)) {
			snprintf(via + strlen(via), sizeof via - strlen(via),
			         "; suppressed");
			st->suppressed++;
		} else if (c < 0) {
			st->unrouted++;
		}
		sqlite3_reset(p->route);
		sqlite3_bind_text(p->route, 1, r->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(p->route, 2, s.server_id);
		sqlite3_bind_text(p->route, 3, s.ip, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(p->route, 4, s.port);
		if (c >= 0)
			sqlite3_bind_text(p->route, 5, k->c[c].email, -1,
			                  SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(p->route, 5);
		sqlite3_bind_text(p->route, 6, via, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(p->route) != SQLITE_DONE) {
			rc = db_fail(p->db, p->path);
			goto out;
		}
		if (c < 0 || strstr(via, "; suppressed"))
			continue;
		server_findings(&s, &f);
		for (j = 0; j < f.n; j++)
			fresh += !already(p, k->c[c].email, f.key[j]);
		if (!fresh) {
			st->already++;
			continue;
		}
		nt[c].to = &k->c[c];
		snprintf(nt[c].via, sizeof nt[c].via, "%s", via);
		if (notice_add(&nt[c], &s)) {
			rc = EXH_ENOMEM;
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(p->db, p->path);
		goto out;
	}
	for (i = 0; i < k->n; i++) {
		char id[200], now[32];
		const char *dom = strchr(o->msg.from, '@');
		uint64_t h =
		    text_hash(r->id, text_hash(k->c[i].email, TEXT_HASH_START));
		size_t j;
		if (!nt[i].n)
			continue;
		for (j = 0; j < nt[i].n; j++)
			h = text_hash(nt[i].s[j].ip,
			              h * 31 + (uint64_t)nt[i].s[j].port);
		snprintf(id, sizeof id, "exhunt.%016llx.%zu@%s",
		         (unsigned long long)h, nt[i].n,
		         dom ? dom + 1 : "exhunt.invalid");
		buf_reset(&msg);
		if (notice_render(&nt[i], &o->msg, &tpl, id, &msg)) {
			rc = EXH_ENOMEM;
			goto out;
		}
		time_iso((int64_t)time(NULL), now);
		sqlite3_reset(p->outbox);
		sqlite3_bind_text(p->outbox, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(p->outbox, 2, r->id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(p->outbox, 3, k->c[i].email, -1,
		                  SQLITE_TRANSIENT);
		sqlite3_bind_text(p->outbox, 4, strchr(k->c[i].email, '@') + 1,
		                  -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(p->outbox, 5, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(p->outbox, 6, msg.p, (int)msg.len,
		                  SQLITE_TRANSIENT);
		if (sqlite3_step(p->outbox) != SQLITE_DONE) {
			rc = db_fail(p->db, p->path);
			goto out;
		}
		if (sqlite3_changes(p->db) == 0)
			continue; /* the same message is already waiting */
		st->planned++;
		for (j = 0; j < nt[i].n; j++) {
			struct findings f;
			int m;
			server_findings(&nt[i].s[j], &f);
			for (m = 0; m < f.n; m++) {
				sqlite3_reset(p->finding);
				sqlite3_bind_text(p->finding, 1, id, -1,
				                  SQLITE_TRANSIENT);
				sqlite3_bind_text(p->finding, 2, f.key[m], -1,
				                  SQLITE_TRANSIENT);
				sqlite3_bind_int64(p->finding, 3,
				                   nt[i].s[j].server_id);
				sqlite3_bind_text(p->finding, 4, nt[i].s[j].ip,
				                  -1, SQLITE_TRANSIENT);
				if (sqlite3_step(p->finding) != SQLITE_DONE) {
					rc = db_fail(p->db, p->path);
					goto out;
				}
			}
		}
	}
out:
	sqlite3_finalize(q);
	for (i = 0; i < k->n; i++)
		notice_release(&nt[i]);
	free(nt);
	buf_release(&msg);
	notice_templates_release(&tpl);
	return rc;
}

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

static int deliver(sqlite3 *db, const struct send_opts *o,
                   struct send_stats *st)
{
	sqlite3_stmt *q = NULL, *ok = NULL, *bad = NULL, *note = NULL;
	struct domain_clock *clk = NULL;
	size_t nclk = 0, clk_cap = 0;
	int rc = 0, step;

	if (sqlite3_prepare_v2(db,
	                       "SELECT message_id, contact, domain, message "
	                       "FROM outbox WHERE status='pending' ORDER BY "
	                       "created, message_id",
	                       -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "UPDATE outbox SET status='sent', sent=?2, "
	                       "attempts=attempts+1, last_error=NULL WHERE "
	                       "message_id=?1",
	                       -1, &ok, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "UPDATE outbox SET attempts=attempts+1, "
	                       "last_error=?2 WHERE message_id=?1",
	                       -1, &bad, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
	        db,
	        "INSERT OR IGNORE INTO notices(contact,finding,server_id,"
	        "round,message_id,sent) SELECT o.contact, f.finding, "
	        "f.server_id, o.round, o.message_id, ?2 FROM outbox o JOIN "
	        "outbox_findings f ON f.message_id=o.message_id WHERE "
	        "o.message_id=?1",
	        -1, &note, NULL) != SQLITE_OK) {
		rc = db_fail(db, o->db_path);
		goto out;
	}
	/* Read the pending list first: the loop commits as it goes. */
	{
		struct pending {
			char id[200], contact[256], domain[256];
			void *msg;
			size_t len;
		} *pend = NULL;
		size_t np = 0, pend_cap = 0, i;
		while ((step = sqlite3_step(q)) == SQLITE_ROW) {
			struct pending *x;
			if (array_reserve(&pend, &pend_cap, np + 1,
			                  sizeof *pend, 16)) {
				rc = EXH_ENOMEM;
				break;
			}
			x = &pend[np++];
			snprintf(x->id, sizeof x->id, "%s", col(q, 0));
			snprintf(x->contact, sizeof x->contact, "%s",
			         col(q, 1));
			snprintf(x->domain, sizeof x->domain, "%s", col(q, 2));
			x->len = (size_t)sqlite3_column_bytes(q, 3);
			x->msg = malloc(x->len ? x->len : 1);
			if (!x->msg) {
				rc = EXH_ENOMEM;
				np--;
				break;
			}
			if (x->len)
				memcpy(x->msg, sqlite3_column_blob(q, 3),
				       x->len);
		}
		sqlite3_reset(q);
		for (i = 0; !rc && i < np; i++) {
			struct pending *x = &pend[i];
			char err[512] = "", now[32];
			int attempt, r = EXH_EIO;
			for (attempt = 0; attempt < o->retries; attempt++) {
				if (attempt) {
					unsigned s = 1u << (attempt - 1);
					log_warn("%s: %s; retrying in %u s",
					         x->contact, err, s);
					sleep(s);
				}
				if (o->maildir) {
					r = maildir_put(o->maildir, x->id,
					                x->msg, x->len, err,
					                sizeof err);
				} else {
					pace(&clk, &nclk, &clk_cap, x->domain,
					     o->per_domain_per_min);
					r = smtp_send(o, x->contact, x->msg,
					              x->len, err, sizeof err);
				}
				if (r == 0)
					break;
			}
			time_iso((int64_t)time(NULL), now);
			/* delivered: notified, in one transaction */
			sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
			sqlite3_reset(r == 0 ? ok : bad);
			sqlite3_bind_text(r == 0 ? ok : bad, 1, x->id, -1,
			                  SQLITE_TRANSIENT);
			sqlite3_bind_text(r == 0 ? ok : bad, 2,
			                  r == 0 ? now : err, -1,
			                  SQLITE_TRANSIENT);
			if (sqlite3_step(r == 0 ? ok : bad) != SQLITE_DONE)
				rc = db_fail(db, o->db_path);
			if (!rc && r == 0) {
				sqlite3_reset(note);
				sqlite3_bind_text(note, 1, x->id, -1,
				                  SQLITE_TRANSIENT);
				sqlite3_bind_text(note, 2, now, -1,
				                  SQLITE_TRANSIENT);
				if (sqlite3_step(note) != SQLITE_DONE)
					rc = db_fail(db, o->db_path);
			}
			if (rc || sqlite3_exec(db, "COMMIT", NULL, NULL,
			                       NULL) != SQLITE_OK) {
				sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
				rc = rc ? rc : db_fail(db, o->db_path);
			}
			if (r == 0) {
				st->sent++;
			} else {
				st->failed++;
				log_error("%s: not delivered: %s (left in the "
				          "outbox; a rerun tries again)",
				          x->contact, err);
			}
			if (o->progress)
				fprintf(stderr, "\rnotify: %zu/%zu messages",
				        i + 1, np);
		}
		if (o->progress && np)
			fputc('\n', stderr);
		for (i = 0; i < np; i++)
			free(pend[i].msg);
		free(pend);
	}
out:
	free(clk);
	sqlite3_finalize(q);
	sqlite3_finalize(ok);
	sqlite3_finalize(bad);
	sqlite3_finalize(note);
	return rc;
}

int notify_send(const struct send_opts *o, const struct kb *kb,
                struct send_stats *st)
{
	struct planner p = {0};
	struct round *r = calloc(1, sizeof *r);
	sqlite3_stmt *cnt = NULL;
	char lock[4200];
	int rc, lock_fd;

	memset(st, 0, sizeof *st);
	if (!r)
		return EXH_ENOMEM;
	/* One sender per database: two would both deliver the outbox. */
	snprintf(lock, sizeof lock, "%s.notify-lock", o->db_path);
	lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB)) {
		log_error("%s: exhunt notify send is already running on this "
		          "database (%s)",
		          o->db_path, lock_fd < 0 ? strerror(errno) : "locked");
		if (lock_fd >= 0)
			close(lock_fd);
		free(r);
		return EXH_EIO;
	}
	if (store_open(o->db_path, &p.db)) {
		close(lock_fd);
		free(r);
		return EXH_EIO;
	}
	p.path = o->db_path;
	rc = load_round(p.db, o->db_path, r);
	if (!rc &&
	    (sqlite3_prepare_v2(
	         p.db,
	         "SELECT 1 FROM notices WHERE contact=?1 AND finding=?2 "
	         "UNION ALL SELECT 1 FROM outbox o JOIN outbox_findings f ON "
	         "f.message_id=o.message_id WHERE o.status='pending' AND "
	         "o.contact=?1 AND f.finding=?2",
	         -1, &p.seen, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(p.db,
	                        "INSERT OR REPLACE INTO routes VALUES(?,?,?,?,"
	                        "?,?)",
	                        -1, &p.route, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(p.db,
	                        "INSERT OR IGNORE INTO outbox(message_id,"
	                        "round,contact,domain,status,created,message)"
	                        " VALUES(?1,?2,?3,?4,'pending',?5,?6)",
	                        -1, &p.outbox, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(p.db,
	                        "INSERT OR IGNORE INTO outbox_findings "
	                        "VALUES(?,?,?,?)",
	                        -1, &p.finding, NULL) != SQLITE_OK))
		rc = db_fail(p.db, o->db_path);
	if (!rc) {
		struct notice_opts m = o->msg;
		struct send_opts o2 = *o;
		char date[16];
		snprintf(date, sizeof date, "%.10s", r->started);
		m.round = r->id;
		m.round_date = date;
		o2.msg = m;
		sqlite3_exec(p.db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		rc = plan(&p, &o2, kb, r, st);
		if (rc || sqlite3_exec(p.db, "COMMIT", NULL, NULL, NULL) !=
		              SQLITE_OK) {
			sqlite3_exec(p.db, "ROLLBACK", NULL, NULL, NULL);
			rc = rc ? rc : db_fail(p.db, o->db_path);
		}
	}
	sqlite3_finalize(p.seen);
	sqlite3_finalize(p.route);
	sqlite3_finalize(p.outbox);
	sqlite3_finalize(p.finding);
	if (!rc && !o->plan_only)
		rc = deliver(p.db, o, st);
	if (!rc &&
	    sqlite3_prepare_v2(p.db,
	                       "SELECT count(*) FROM outbox WHERE "
	                       "status='pending'",
	                       -1, &cnt, NULL) == SQLITE_OK &&
	    sqlite3_step(cnt) == SQLITE_ROW)
		st->pending = (uint64_t)sqlite3_column_int64(cnt, 0);
	sqlite3_finalize(cnt);
	sqlite3_close(p.db);
	close(lock_fd);
	free(r);
	return rc;
}
