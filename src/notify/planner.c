/* The planner: routes each server with findings of the round to its
 * contact (most specific prefix, then AS, then country), skips what was
 * already sent or suppressed, and renders one message per contact into
 * the outbox. */
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

/* Has this contact been sent this finding, or is it waiting in the
 * outbox for them? */
static bool already(struct planner *p, const char *contact, const char *finding)
{
	bool yes;

	dbq_reset(p->seen);
	dbq_bind_copy(p->seen, 1, contact, -1);
	dbq_bind_copy(p->seen, 2, finding, -1);
	yes = dbq_step(p->seen) == DB_ROW;
	dbq_reset(p->seen);
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

int planner_plan(struct planner *p, const struct send_opts *o,
                 const struct kb *kb, const struct round *r,
                 struct send_stats *st)
{
	const struct contacts *k = o->contacts;
	struct notice *nt = calloc(k->n ? k->n : 1, sizeof *nt);
	struct notice_templates tpl;
	struct dbq *q = NULL;
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
	if (db_prepare(
	        p->db,
	        "SELECT o.server_id, o.ip, o.port, o.hostname, s.name, "
	        "o.product, o.build, o.build_name, o.verdicts, o.webshells, "
	        "o.webshell_paths, o.time, (SELECT min(f.time) FROM "
	        "observations f WHERE f.server_id=o.server_id), a.asn, "
	        "a.country FROM observations o LEFT JOIN servers s ON "
	        "s.id=o.server_id LEFT JOIN addresses a ON a.ip=o.ip WHERE "
	        "o.key BETWEEN ?1 AND ?2 AND o.exchange != 0 AND o.ip IS NOT "
	        "NULL AND (o.webshells>0 OR instr(o.verdicts, 'V') > 0 OR "
	        "instr(o.verdicts, 'L') > 0) ORDER BY "
	        "o.key",
	        &q) != 0) {
		rc = send_db_fail(p->db, p->path);
		goto out;
	}
	dbq_bind_int(q, 1, r->no * STORE_SEQ_LIMIT);
	dbq_bind_int(q, 2, (r->no + 1) * STORE_SEQ_LIMIT - 1);
	while ((step = dbq_step(q)) == DB_ROW) {
		struct notice_server s;
		struct findings f;
		const char *v = send_col(q, 8);
		char via[96];
		uint32_t ip;
		int c, j, fresh = 0;
		memset(&s, 0, sizeof s);
		s.server_id = dbq_int(q, 0);
		snprintf(s.ip, sizeof s.ip, "%s", send_col(q, 1));
		s.port = dbq_int(q, 2);
		snprintf(s.hostname, sizeof s.hostname, "%s", send_col(q, 3));
		snprintf(s.name, sizeof s.name, "%s", send_col(q, 4));
		snprintf(s.product, sizeof s.product, "%s", send_col(q, 5));
		snprintf(s.build, sizeof s.build, "%s", send_col(q, 6));
		snprintf(s.build_name, sizeof s.build_name, "%s",
		         send_col(q, 7));
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
		s.nshells = dbq_int(q, 9);
		shells_from_json(send_col(q, 10), s.shells, sizeof s.shells);
		snprintf(s.seen, sizeof s.seen, "%s", send_col(q, 11));
		snprintf(s.first_seen, sizeof s.first_seen, "%s",
		         send_col(q, 12));
		if (!dbq_null(q, 13))
			snprintf(s.asn, sizeof s.asn, "%lld", dbq_int(q, 13));
		snprintf(s.country, sizeof s.country, "%s", send_col(q, 14));
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
		dbq_reset(p->route);
		dbq_bind_copy(p->route, 1, r->id, -1);
		dbq_bind_int(p->route, 2, s.server_id);
		dbq_bind_copy(p->route, 3, s.ip, -1);
		dbq_bind_int(p->route, 4, s.port);
		if (c >= 0)
			dbq_bind_copy(p->route, 5, k->c[c].email, -1);
		else
			dbq_bind_null(p->route, 5);
		dbq_bind_copy(p->route, 6, via, -1);
		if (dbq_step(p->route) != DB_DONE) {
			rc = send_db_fail(p->db, p->path);
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
	if (step != DB_DONE) {
		rc = send_db_fail(p->db, p->path);
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
		dbq_reset(p->outbox);
		dbq_bind_copy(p->outbox, 1, id, -1);
		dbq_bind_copy(p->outbox, 2, r->id, -1);
		dbq_bind_copy(p->outbox, 3, k->c[i].email, -1);
		dbq_bind_copy(p->outbox, 4, strchr(k->c[i].email, '@') + 1, -1);
		dbq_bind_copy(p->outbox, 5, now, -1);
		dbq_bind_blob(p->outbox, 6, msg.p, msg.len);
		if (dbq_step(p->outbox) != DB_DONE) {
			rc = send_db_fail(p->db, p->path);
			goto out;
		}
		if (db_changes(p->db) == 0)
			continue; /* the same message is already waiting */
		st->planned++;
		for (j = 0; j < nt[i].n; j++) {
			struct findings f;
			int m;
			server_findings(&nt[i].s[j], &f);
			for (m = 0; m < f.n; m++) {
				dbq_reset(p->finding);
				dbq_bind_copy(p->finding, 1, id, -1);
				dbq_bind_copy(p->finding, 2, f.key[m], -1);
				dbq_bind_int(p->finding, 3,
				             nt[i].s[j].server_id);
				dbq_bind_copy(p->finding, 4, nt[i].s[j].ip, -1);
				if (dbq_step(p->finding) != DB_DONE) {
					rc = send_db_fail(p->db, p->path);
					goto out;
				}
			}
		}
	}
out:
	dbq_free(q);
	for (i = 0; i < k->n; i++)
		notice_release(&nt[i]);
	free(nt);
	buf_release(&msg);
	notice_templates_release(&tpl);
	return rc;
}
