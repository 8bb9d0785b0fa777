#include "hunt/hunt.h"
#include "hunt/webreq.h"
#include "base/array.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/text.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/banned.h"

const char *const hunt_cve_ids[HC_COUNT] = {
    "CVE-2021-26855", "CVE-2021-26857", "CVE-2021-26858", "CVE-2021-27065",
    "CVE-2021-34473", "CVE-2021-34523", "CVE-2021-31207", "CVE-2021-33766",
    "CVE-2022-41040", "CVE-2022-41082", "CVE-2022-41080",
};

const char *const log_source_names[LS_COUNT] = {
    "httpproxy", "ecp-server",     "oab-generator", "iis-w3c",
    "cmdlet",    "windows-events", "registry",
};

const char *hunt_level_word(enum hunt_level l)
{
	static const char *const w[] = {"not-seen", "attempted", "exploited",
	                                "back-doored"};
	return w[l];
}

const char *severity_word(enum severity s)
{
	static const char *const w[] = {"info", "low", "medium", "high",
	                                "critical"};
	return w[s];
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

/* The slot of a finding's key (open addressing, grown by doubling up to
 * LIM_AGG_KEYS; past that the file is left out of the key, so memory
 * stays bounded whatever the input). NULL only when out of memory. */
static struct agg_slot *agg_find(struct hunt *h, const char *kind, int cve,
                                 int level, const char *path)
{
	uint64_t key = TEXT_HASH_START;
	size_t i, mask;

	key = text_hash(kind, key);
	key = (key ^ (uint64_t)(cve + 2)) * 0x100000001b3ull;
	key = (key ^ (uint64_t)level) * 0x100000001b3ull;
	key = (key ^ (uint64_t)h->cur_place) * 0x100000001b3ull;
	if (h->agg_used < LIM_AGG_KEYS)
		key = text_hash(path ? path : "", key);
	key |= 1; /* never 0 */
	if (h->agg_used * 2 >= h->agg_cap) {
		size_t cap = h->agg_cap ? h->agg_cap * 2 : 1024, k;
		struct agg_slot *n;
		if (h->agg_cap >= (size_t)LIM_AGG_KEYS * 2)
			goto look; /* full size: keys past the limit share */
		n = calloc(cap, sizeof *n);
		if (!n)
			return NULL;
		for (k = 0; k < h->agg_cap; k++) {
			struct agg_slot *o = &h->agg[k];
			if (!o->key)
				continue;
			for (i = o->key & (cap - 1); n[i].key;
			     i = (i + 1) & (cap - 1))
				;
			n[i] = *o;
		}
		free(h->agg);
		h->agg = n;
		h->agg_cap = cap;
	}
look:
	mask = h->agg_cap - 1;
	for (i = key & mask; h->agg[i].key; i = (i + 1) & mask)
		if (h->agg[i].key == key)
			return &h->agg[i];
	if (h->agg_used * 2 >= h->agg_cap + h->agg_cap / 2)
		return NULL; /* table full: keep the finding */
	h->agg[i].key = key;
	h->agg_used++;
	return &h->agg[i];
}

struct finding *hunt_add(struct hunt *h, const char *kind, int cve,
                         enum hunt_level level, enum severity sev,
                         const char *path, uint64_t line, const char *detail)
{
	struct finding *f;
	struct agg_slot *slot;

	/* A flood of alike hits (anyone on the internet can cause one) is
	 * counted, never dropped: past the first examples of a kind, CVE,
	 * level and file, the last example kept carries the count and the
	 * last line. Memory stays bounded by the distinct keys. */
	slot = agg_find(h, kind, cve, level, path);
	if (slot && slot->n >= LIM_FINDING_EXAMPLES) {
		struct finding *last = &h->f[slot->last];
		last->more++;
		if (line > last->last_line)
			last->last_line = line;
		h->aggregated++;
		return NULL;
	}
	if (array_reserve(&h->f, &h->capf, h->nf + 1, sizeof *h->f, 64)) {
		h->out_of_memory = true;
		return NULL;
	}
	f = &h->f[h->nf];
	memset(f, 0, sizeof *f);
	snprintf(f->kind, sizeof f->kind, "%s", kind);
	f->cve = cve;
	f->level = level;
	f->sev = sev;
	f->line = line;
	f->place = h->cur_place;
	f->gone = h->cur_gone;
	f->path = dup_or_empty(path);
	f->detail = dup_or_empty(detail);
	if (!f->path || !f->detail) {
		free(f->path);
		free(f->detail);
		h->out_of_memory = true;
		return NULL;
	}
	if (slot) {
		slot->n++;
		slot->last = h->nf;
	}
	h->nf++;
	return f;
}

static void push(struct hunt *h, char ***list, size_t *n, size_t *cap, char *s)
{
	if (!s || array_reserve(list, cap, *n + 1, sizeof **list, 16)) {
		free(s);
		h->out_of_memory = true;
		return;
	}
	(*list)[(*n)++] = s;
}

void hunt_note(struct hunt *h, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	push(h, &h->notes, &h->nnotes, &h->capnotes, s);
}

void hunt_unreadable(struct hunt *h, const char *path, const char *why)
{
	char *s = NULL;

	if (asprintf(&s, "%s: %s", path, why) < 0)
		s = NULL;
	push(h, &h->unreadable, &h->nunreadable, &h->capunreadable, s);
}

void hunt_cover(struct hunt *h, enum log_source s, const char *iso)
{
	struct coverage *c = &h->cov[s];
	size_t n = strnlen(iso, sizeof c->oldest - 1);

	/* Only plausible timestamps: "YYYY-MM-DD". Called per log line:
	 * no formatting here. */
	if (n < 10 || iso[4] != '-' || iso[7] != '-' || iso[0] < '1' ||
	    iso[0] > '2')
		return;
	if (!c->oldest[0] || strcmp(iso, c->oldest) < 0) {
		memcpy(c->oldest, iso, n);
		c->oldest[n] = '\0';
	}
	if (!c->newest[0] || strcmp(iso, c->newest) > 0) {
		memcpy(c->newest, iso, n);
		c->newest[n] = '\0';
	}
}

/* The chains: CVEs used together to plant a back door. */
static const int proxylogon[] = {HC_26855, HC_26858, HC_27065, -1};
static const int proxyshell[] = {HC_34473, HC_34523, HC_31207, -1};
static const int notshell[] = {HC_41040, HC_41080, HC_41082, -1};

static void backdoor_chain(struct hunt *h, const int *chain, bool force_first)
{
	int i;

	for (i = 0; chain[i] >= 0; i++)
		if (h->verdict[chain[i]] >= HL_EXPLOITED ||
		    (force_first && i == 0))
			h->verdict[chain[i]] = HL_BACKDOORED;
}

static bool any_exploited(const struct hunt *h, const int *chain)
{
	int i;

	for (i = 0; chain[i] >= 0; i++)
		if (h->verdict[chain[i]] >= HL_EXPLOITED)
			return true;
	return false;
}

/* Does a file found in the evidence (rel, from ROOT, '/') stand for the
 * Windows path an event names ("C:\\inetpub\\...")? Compared without the
 * drive, case-insensitively, as a suffix (ROOT may hold C/ or more). */
static bool same_file(const char *rel, const char *win)
{
	size_t lr = strlen(rel), lw;
	const char *w = win;

	if (w[0] && w[1] == ':')
		w += 2;
	while (*w == '\\' || *w == '/')
		w++;
	lw = strlen(w);
	if (lw == 0 || lw > lr)
		return false;
	for (size_t i = 0; i < lw; i++) {
		char a = rel[lr - lw + i], b = w[i] == '\\' ? '/' : w[i];
		if ((a | 32) != (b | 32) && a != b)
			return false;
	}
	return lr == lw || rel[lr - lw - 1] == '/';
}

/* An event that saw an Exchange process write a script ("X.exe wrote
 * C:\\...\\y.aspx") and the back door found at that path: the back door
 * gets the writer's chain (UMWorkerProcess: ProxyLogon's file write;
 * MSExchangeMailboxReplication: ProxyShell's export) and the event names
 * the file it made. */
static void join_writes(struct hunt *h)
{
	size_t i, k;

	for (i = 0; i < h->nf; i++) {
		struct finding *w = &h->f[i];
		const char *at;
		if (strcmp(w->kind, "script-written-by-exchange") ||
		    !(at = strstr(w->detail, " wrote ")) ||
		    strstr(w->detail, "(the back door found at "))
			continue;
		for (k = 0; k < h->nf; k++) {
			struct finding *b = &h->f[k];
			char *d;
			if (!b->backdoor || !same_file(b->path, at + 7))
				continue;
			if (!b->chain[0] &&
			    !strncasecmp(w->detail, "umworkerprocess", 15))
				snprintf(b->chain, sizeof b->chain,
				         "proxylogon");
			else if (!b->chain[0] &&
			         !strncasecmp(w->detail, "msexchangemailbox",
			                      17))
				snprintf(b->chain, sizeof b->chain,
				         "proxyshell");
			if (asprintf(&d, "%s (the back door found at %s)",
			             w->detail, b->path) >= 0) {
				free(w->detail);
				w->detail = d;
			}
			break;
		}
	}
}

void hunt_correlate(struct hunt *h)
{
	size_t i;
	int c;

	join_writes(h);
	webreq_correlate(h);
	for (c = 0; c < HC_COUNT; c++)
		h->verdict[c] = HL_NOT_SEEN;
	for (i = 0; i < h->nf; i++)
		if (h->f[i].cve >= 0 && h->f[i].level > h->verdict[h->f[i].cve])
			h->verdict[h->f[i].cve] = h->f[i].level;
	/* A back door belongs to the chain whose traces are there: its form
	 * says so (an OAB dump is ProxyLogon's, a PST export ProxyShell's),
	 * else the chains seen exploited. */
	for (i = 0; i < h->nf; i++) {
		const struct finding *f = &h->f[i];
		if (!f->backdoor)
			continue;
		if (strcmp(f->chain, "proxylogon") == 0)
			backdoor_chain(h, proxylogon,
			               !any_exploited(h, proxylogon));
		else if (strcmp(f->chain, "proxyshell") == 0)
			backdoor_chain(h, proxyshell,
			               !any_exploited(h, proxyshell));
		else {
			if (any_exploited(h, proxylogon))
				backdoor_chain(h, proxylogon, false);
			if (any_exploited(h, proxyshell))
				backdoor_chain(h, proxyshell, false);
			if (any_exploited(h, notshell))
				backdoor_chain(h, notshell, false);
		}
	}
}

void hunt_release(struct hunt *h)
{
	size_t i;

	for (i = 0; i < h->nf; i++) {
		free(h->f[i].path);
		free(h->f[i].detail);
	}
	free(h->f);
	free(h->agg);
	h->agg = NULL;
	h->agg_cap = h->agg_used = 0;
	free(h->rules_buf);
	h->rules_buf = NULL;
	h->rules_cap = 0;
	for (i = 0; i < h->nunreadable; i++)
		free(h->unreadable[i]);
	free(h->unreadable);
	for (i = 0; i < h->nnotes; i++)
		free(h->notes[i]);
	free(h->notes);
	free(h->places);
	h->places = NULL;
	h->nplaces = h->capplaces = 0;
	webreq_free(h);
	h->f = NULL;
	h->nf = h->capf = 0;
	h->unreadable = h->notes = NULL;
	h->nunreadable = h->capunreadable = h->nnotes = h->capnotes = 0;
}
