#include "hunt/webreq.h"
#include "base/limits.h"
#include "hunt/detect.h"
#include "hunt/hunt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/banned.h"

/* One script's requests. The first is the earliest by time (then by log
 * and line, so the report is the same whatever order the logs were
 * read in). */
struct webreq {
	char stem[200];  /* decoded, lower case */
	char shown[200]; /* as the first request logged it */
	uint64_t hits, ok, posts;
	char first[32], last[32];
	char ip[64], ua[160]; /* of the first */
	char *log;            /* where the first is */
	uint64_t line;
	int place; /* of that log (hunt.h: struct finding) */
	bool gone;
};

struct webreqs {
	struct webreq *e;
	size_t n, cap;
	uint32_t *slot; /* 1 + index into e; 0 free */
	size_t nslot;
	uint64_t dropped; /* requests to scripts past the bound */
	/* scripts the evidence holds in the drop folders (webreq_file),
	 * lower case; full: past WEBREQ_MAX, so none is judged gone from
	 * an auth folder or the site's root */
	char **present;
	size_t npresent, cappresent;
	bool present_full;
	bool owa_auth, ecp_auth, site_root; /* the evidence holds these */
};

/* Distinct scripts kept: past this, requests to new ones are counted
 * only (a scanner guessing names makes thousands). */
#define WEBREQ_MAX 4096

bool webreq_wanted(struct view stem)
{
	static const char *const exts[] = {"aspx", "ashx", "asmx", "asp",
	                                   "svc",  "cshtml", NULL};
	size_t n = stem.len, dot = n, k, slashes = 0;
	char last;

	/* most lines of a log ask for a folder, a style, a script or an
	 * image: told by the last letter before anything else */
	if (n < 5)
		return false;
	last = (char)(stem.p[n - 1] | 32);
	if (last != 'x' && last != 'p' && last != 'c' && last != 'l')
		return false;
	while (dot > 0 && n - dot < 7 && stem.p[dot - 1] != '.')
		dot--;
	if (dot == 0 || stem.p[dot - 1] != '.')
		return false;
	for (k = 0; exts[k]; k++)
		if (strlen(exts[k]) == n - dot &&
		    !strncasecmp(stem.p + dot, exts[k], n - dot))
			break;
	if (!exts[k])
		return false;
	/* one pass: a folder named auth or aspnet_client, or none */
	for (k = 0; k < n; k++) {
		if (stem.p[k] != '/')
			continue;
		slashes++;
		if (k + 1 < n && (stem.p[k + 1] | 32) == 'a' &&
		    ((n - k > 6 && !strncasecmp(stem.p + k, "/auth/", 6)) ||
		     (n - k > 15 &&
		      !strncasecmp(stem.p + k, "/aspnet_client/", 15))))
			return true;
	}
	return slashes == 1; /* the site's root */
}

static uint64_t hash(const char *s)
{
	uint64_t x = 1469598103934665603ull;
	for (; *s; s++)
		x = (x ^ (unsigned char)*s) * 1099511628211ull;
	return x;
}

static struct webreqs *table(struct hunt *h)
{
	if (!h->webreqs && !(h->webreqs = calloc(1, sizeof *h->webreqs)))
		h->out_of_memory = true;
	return h->webreqs;
}

/* The entry for stem (added when new), or NULL past the bound or
 * without memory. */
static struct webreq *entry(struct hunt *h, const char *stem)
{
	struct webreqs *t = table(h);
	size_t i, mask;

	if (!t)
		return NULL;
	/* at most half full, so a probe always ends */
	if (t->n < WEBREQ_MAX && (t->n + 1) * 2 > t->nslot) {
		size_t ns = t->nslot ? t->nslot * 2 : 256;
		uint32_t *s = calloc(ns, sizeof *s);
		if (!s) {
			h->out_of_memory = true;
			return NULL;
		}
		for (i = 0; i < t->n; i++) {
			size_t j = hash(t->e[i].stem) & (ns - 1);
			while (s[j])
				j = (j + 1) & (ns - 1);
			s[j] = (uint32_t)(i + 1);
		}
		free(t->slot);
		t->slot = s;
		t->nslot = ns;
	}
	mask = t->nslot - 1;
	for (i = hash(stem) & mask; t->slot[i]; i = (i + 1) & mask)
		if (!strcmp(t->e[t->slot[i] - 1].stem, stem))
			return &t->e[t->slot[i] - 1];
	if (t->n >= WEBREQ_MAX)
		return NULL;
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		struct webreq *e = realloc(t->e, nc * sizeof *e);
		if (!e) {
			h->out_of_memory = true;
			return NULL;
		}
		t->e = e;
		t->cap = nc;
	}
	memset(&t->e[t->n], 0, sizeof t->e[t->n]);
	snprintf(t->e[t->n].stem, sizeof t->e[t->n].stem, "%s", stem);
	t->slot[i] = (uint32_t)(t->n + 1);
	return &t->e[t->n++];
}

static void copy_view(char *dst, size_t cap, struct view v)
{
	size_t n = v.len < cap - 1 ? v.len : cap - 1, i;
	for (i = 0; i < n; i++) /* controls never reach the report */
		dst[i] = (unsigned char)v.p[i] < 0x20 ? '?' : v.p[i];
	dst[n] = '\0';
}

/* Whether (time, log, line) comes before e's first. */
static bool earlier(const struct webreq *e, const char *iso, const char *log,
                    uint64_t line)
{
	int c;

	if (!e->hits)
		return true;
	if ((c = strcmp(iso, e->first)))
		return c < 0;
	if ((c = strcmp(log, e->log ? e->log : "")))
		return c < 0;
	return line < e->line;
}

static void take(struct hunt *h, struct webreq *e, const char *iso,
                 const char *shown, const char *ip, const char *ua,
                 const char *log, uint64_t line, int place, bool gone)
{
	char *l;

	if (!earlier(e, iso, log, line))
		return;
	if (!(l = strdup(log))) {
		h->out_of_memory = true;
		return;
	}
	free(e->log);
	e->log = l;
	e->line = line;
	e->place = place;
	e->gone = gone;
	snprintf(e->first, sizeof e->first, "%s", iso);
	snprintf(e->shown, sizeof e->shown, "%s", shown);
	snprintf(e->ip, sizeof e->ip, "%s", ip);
	snprintf(e->ua, sizeof e->ua, "%s", ua);
}

void webreq_note(struct hunt *h, struct view stem, const char *iso,
                 struct view status, struct view method, struct view ip,
                 struct view ua, const char *log, uint64_t line)
{
	char buf[sizeof ((struct webreq *)0)->stem], ipb[64], uab[160],
	    shown[sizeof ((struct webreq *)0)->shown];
	struct view s = url_decode_lower(stem, buf, sizeof buf);
	struct webreq *e;

	if (s.len >= sizeof buf - 1) /* too long to be kept whole */
		return;
	buf[s.len] = '\0';
	if (!(e = entry(h, buf))) {
		if (h->webreqs)
			h->webreqs->dropped++;
		return;
	}
	copy_view(ipb, sizeof ipb, ip);
	copy_view(uab, sizeof uab, ua);
	copy_view(shown, sizeof shown, stem);
	take(h, e, iso, shown, ipb, uab, log, line, h->cur_place, h->cur_gone);
	e->hits++;
	e->ok += status.len == 3 && status.p[0] == '2';
	e->posts += view_eq_ci(method, VIEW_LIT("POST"));
	if (strcmp(iso, e->last) > 0)
		snprintf(e->last, sizeof e->last, "%s", iso);
}

/* Where a lower-case path or stem ('/' first) lies: 1 aspnet_client,
 * 2 OWA's auth folder, 3 ECP's, 4 the default site's root (a stem with
 * no folder; a path right under inetpub/wwwroot), 0 elsewhere. */
static int drop_folder(const char *l)
{
	const char *r;

	if (strstr(l, "aspnet_client/"))
		return 1;
	if (strstr(l, "owa/auth/"))
		return 2;
	if (strstr(l, "ecp/auth/"))
		return 3;
	if (l[0] == '/')
		return strchr(l + 1, '/') ? 0 : 4;
	r = strstr(l, "inetpub/wwwroot/");
	return r && (r == l || r[-1] == '/') && !strchr(r + 16, '/') ? 4 : 0;
}

/* Keeps s (allocated, now t's) among the files present; past the bound
 * or without memory, it is freed and the bound or the want noted. */
static void present_add(struct hunt *h, struct webreqs *t, char *s)
{
	if (s && t->npresent == WEBREQ_MAX) {
		t->present_full = true;
		free(s);
		return;
	}
	if (s && t->npresent == t->cappresent) {
		size_t nc = t->cappresent ? t->cappresent * 2 : 16;
		char **p = realloc(t->present, nc * sizeof *p);
		if (p) {
			t->present = p;
			t->cappresent = nc;
		} else {
			free(s);
			s = NULL;
		}
	}
	if (!s) {
		h->out_of_memory = true;
		return;
	}
	t->present[t->npresent++] = s;
}

void webreq_file(struct hunt *h, const char *l)
{
	struct webreqs *t;
	int where;

	if (!(where = drop_folder(l)) || !(t = table(h)))
		return;
	/* the front end's folders: the ones the default site serves; its
	 * root, by any file there (iisstart.htm) */
	t->owa_auth |= where == 2 && strstr(l, "frontend/httpproxy/owa/auth/");
	t->ecp_auth |= where == 3 && strstr(l, "frontend/httpproxy/ecp/auth/");
	t->site_root |= where == 4;
	if (webreq_wanted(view_of(strrchr(l, '/'))))
		present_add(h, t, strdup(l));
}

void webreq_merge(struct hunt *h, struct hunt *from)
{
	struct webreqs *f = from->webreqs;
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->npresent; i++) {
		struct webreqs *t = table(h);
		if (!t)
			break;
		present_add(h, t, f->present[i]);
		f->present[i] = NULL;
	}
	if (h->webreqs) {
		h->webreqs->present_full |= f->present_full;
		h->webreqs->owa_auth |= f->owa_auth;
		h->webreqs->ecp_auth |= f->ecp_auth;
		h->webreqs->site_root |= f->site_root;
	}
	for (i = 0; i < f->n; i++) {
		const struct webreq *s = &f->e[i];
		struct webreq *e = entry(h, s->stem);
		if (!e) {
			if (h->webreqs)
				h->webreqs->dropped += s->hits;
			continue;
		}
		take(h, e, s->first, s->shown, s->ip, s->ua,
		     s->log ? s->log : "", s->line, s->place, s->gone);
		e->hits += s->hits;
		e->ok += s->ok;
		e->posts += s->posts;
		if (strcmp(s->last, e->last) > 0)
			snprintf(e->last, sizeof e->last, "%s", s->last);
	}
	if (h->webreqs)
		h->webreqs->dropped += f->dropped;
	webreq_free(from);
}

/* Does the stem ("/aspnet_client/x.aspx") name the file at rel (from the
 * evidence's root, '/')? As a suffix on a folder boundary, any case. */
static bool stem_is(const char *stem, const char *rel)
{
	size_t ls = strlen(stem), lr = strlen(rel);

	if (ls < 2 || ls - 1 > lr)
		return false;
	if (strcasecmp(rel + lr - (ls - 1), stem + 1))
		return false;
	return lr == ls - 1 || rel[lr - ls] == '/';
}

/* Whether the file at lower-case path l is the one stem names: the same
 * path's end, on a folder boundary; for the site's root, right under
 * inetpub/wwwroot. */
static bool stem_held(const char *stem, int where, const char *l)
{
	size_t ls = strlen(stem), ll = strlen(l);

	if (where != 4)
		return stem_is(stem, l);
	return ll >= ls + 15 && !strcmp(l + ll - ls, stem) &&
	       !strncmp(l + ll - ls - 15, "inetpub/wwwroot", 15) &&
	       (ll == ls + 15 || l[ll - ls - 16] == '/');
}

static int cmp_stem(const void *a, const void *b)
{
	return strcmp(((const struct webreq *)a)->stem,
	              ((const struct webreq *)b)->stem);
}

static void add(struct hunt *h, const struct webreq *e, const char *kind,
                enum severity sev, const char *detail)
{
	struct finding *f =
	    hunt_add(h, kind, HC_NONE, HL_NOT_SEEN, sev, e->log ? e->log : "",
	             e->line, detail);
	if (!f)
		return;
	f->place = e->place; /* the log's, in an image */
	f->gone = e->gone;
	snprintf(f->time, sizeof f->time, "%s", e->first);
	snprintf(f->client_ip, sizeof f->client_ip, "%s", e->ip);
	snprintf(f->user_agent, sizeof f->user_agent, "%s", e->ua);
}

void webreq_correlate(struct hunt *h)
{
	struct webreqs *t = h->webreqs;
	size_t i, k, nf;
	char detail[900];

	if (!t || !t->n) {
		webreq_free(h);
		return;
	}
	/* one order whatever the threads did */
	qsort(t->e, t->n, sizeof *t->e, cmp_stem);
	free(t->slot);
	t->slot = NULL;
	t->nslot = 0;
	nf = h->nf; /* the findings added here are not back doors */
	for (i = 0; i < t->n; i++) {
		const struct webreq *e = &t->e[i];
		const char *door = NULL;
		int where = drop_folder(e->stem);
		const char *name = strrchr(e->stem, '/');
		/* a page Exchange ships, missing: a collection's gap */
		bool held = (where == 2 || where == 3) && name &&
		            detect_auth_shipped(where == 2, name + 1);
		/* the evidence holds the folder the script was asked in */
		bool folder = (where == 2 && t->owa_auth) ||
		              (where == 3 && t->ecp_auth) ||
		              (where == 4 && t->site_root);
		for (k = 0; k < nf && !door; k++)
			if (h->f[k].backdoor && h->f[k].path &&
			    stem_is(e->stem, h->f[k].path))
				door = h->f[k].path;
		for (k = 0; k < t->npresent && !held && !door; k++)
			held = stem_held(e->stem, where, t->present[k]);
		if (door) {
			snprintf(detail, sizeof detail,
			         "the back door %s was requested %llu time%s "
			         "(%llu answered, %llu POST) from %s to %s, "
			         "first from %s",
			         door, (unsigned long long)e->hits,
			         e->hits == 1 ? "" : "s",
			         (unsigned long long)e->ok,
			         (unsigned long long)e->posts, e->first, e->last,
			         e->ip[0] ? e->ip : "an address not logged");
			add(h, e, e->ok ? "webshell-used" : "webshell-probed",
			    e->ok ? SEV_CRITICAL : SEV_MEDIUM, detail);
		} else if (e->ok && !held &&
		           (where == 1 || (folder && !t->present_full) ||
		            ((where == 2 || where == 3) && name &&
		             detect_bad_name(name + 1)))) {
			/* Nothing installed puts a script in aspnet_client;
			 * in an auth folder the evidence holds, a name that
			 * is not there now is not Exchange's (its own
			 * answers a name it lacks with a redirect); a name
			 * web shells used needs no folder to tell it */
			snprintf(detail, sizeof detail,
			         "%s answered %llu of %llu requests (%llu POST) "
			         "from %s to %s, first from %s, but no file "
			         "is at that path in the evidence: a script "
			         "under %s was there then, %s",
			         e->shown, (unsigned long long)e->ok,
			         (unsigned long long)e->hits,
			         (unsigned long long)e->posts, e->first, e->last,
			         e->ip[0] ? e->ip : "an address not logged",
			         where == 1   ? "aspnet_client"
			         : where == 2 ? "OWA's auth folder"
			         : where == 3 ? "ECP's auth folder"
			                      : "the site's root "
			                        "(inetpub/wwwroot)",
			         where == 1 || !folder
			             ? "removed since or not collected"
			             : "removed since (the evidence holds the "
			               "folder without it)");
			add(h, e, "webshell-gone", SEV_HIGH, detail);
		}
	}
	if (t->dropped)
		hunt_note(h,
		          "%llu requests to scripts in drop folders were "
		          "counted but not kept by name (more than %d "
		          "scripts): a back door among them is not tied to "
		          "its requests",
		          (unsigned long long)t->dropped, WEBREQ_MAX);
	if (t->present_full)
		hunt_note(h,
		          "more than %d scripts lie in the drop folders: a "
		          "script requested in OWA's or ECP's auth folder or "
		          "at the site's root and missing from the evidence "
		          "was not judged gone",
		          WEBREQ_MAX);
	webreq_free(h); /* once */
}

void webreq_free(struct hunt *h)
{
	struct webreqs *t = h->webreqs;
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		free(t->e[i].log);
	for (i = 0; i < t->npresent; i++)
		free(t->present[i]);
	free(t->present);
	free(t->e);
	free(t->slot);
	free(t);
	h->webreqs = NULL;
}
