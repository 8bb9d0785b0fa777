/* IIS's applicationHost.config and Exchange's agents.config, read as
 * text: native modules IIS loads into every worker (globalModules) and
 * transport agents Exchange loads into every message's path, each from
 * where it was installed. Attackers add one from ProgramData, a user's
 * folder or a web folder (IIS modules: ESET's "Anatomy of native IIS
 * malware", 2021; transport agents: ESET's LightNeuron, 2019); Windows'
 * and Exchange's own live under System32\inetsrv, the .NET folders and
 * Exchange's install folder. The reader is bounded: the file is read up
 * to LIM_CONFIG_BYTES and every attribute value is capped. */
#include "hunt/detect.h"
#include "base/file.h"
#include "base/limits.h"
#include "base/view.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "base/banned.h"

static bool has(struct view v, const char *s)
{
	return view_find_ci(v, view_of(s)) >= 0;
}

/* attribute name="value" inside a tag's text, into dst (cut to cap) */
static bool attr(struct view tag, const char *name, char *dst, size_t cap)
{
	size_t ln = strlen(name), i;

	for (i = 0; i + ln + 2 < tag.len; i++) {
		if ((i == 0 || tag.p[i - 1] == ' ' || tag.p[i - 1] == '\t' ||
		     tag.p[i - 1] == '\n' || tag.p[i - 1] == '\r') &&
		    !strncasecmp(tag.p + i, name, ln) && tag.p[i + ln] == '=' &&
		    (tag.p[i + ln + 1] == '"' || tag.p[i + ln + 1] == '\'')) {
			const char *v = tag.p + i + ln + 2;
			const char *end =
			    memchr(v, tag.p[i + ln + 1], tag.len - i - ln - 2);
			size_t n = end ? (size_t)(end - v) : 0;
			if (!end)
				return false;
			snprintf(dst, cap, "%.*s", (int)n, v);
			return true;
		}
	}
	return false;
}

/* Where Windows, .NET and Exchange keep their own code. */
static bool own_place(const char *p)
{
	static const char *const ok[] = {
	    "%windir%\\system32\\inetsrv\\", "\\windows\\system32\\inetsrv\\",
	    "%windir%\\syswow64\\inetsrv\\", "\\windows\\syswow64\\inetsrv\\",
	    "%windir%\\microsoft.net\\",     "\\windows\\microsoft.net\\",
	    "%exchangeinstallpath%",         "\\microsoft\\exchange server\\",
	    "\\transportroles\\agents\\",    NULL};
	struct view v = view_of(p);
	int i;

	for (i = 0; ok[i]; i++)
		if (has(v, ok[i]))
			return true;
	return false;
}

/* What each file lists, and where its code must come from. */
static const struct cfg_check {
	const char *file; /* lower-case name */
	const char *open, *close, *el;
	const char *path_attr; /* where the code is loaded from */
	const char *kind;
	const char *lead, *via, *tail; /* lead NAME via PATH tail */
} checks[] = {
    {"applicationhost.config", "<globalModules", "</globalModules", "<add",
     "image", "iis-global-module", "IIS loads native module ", " from ",
     " into every worker (outside Windows' and Exchange's folders)"},
    {"agents.config", "<agents", "</agents", "<agent", "assemblyPath",
     "transport-agent-config", "transport agent ", " loads ",
     " into Exchange's mail flow (outside Exchange's folders)"},
};

static void entry(struct hunt *h, const char *rel, const struct cfg_check *k,
                  struct view tag)
{
	char name[200] = "", path[600] = "", detail[900];

	attr(tag, "name", name, sizeof name);
	if (!attr(tag, k->path_attr, path, sizeof path) || own_place(path))
		return;
	snprintf(detail, sizeof detail, "%s%s%s%s%s", k->lead, name, k->via,
	         path, k->tail);
	hunt_add(h, k->kind, HC_NONE, HL_NOT_SEEN, SEV_HIGH, rel, 0, detail);
}

/* Each <el ...> start tag inside the section from k->open to k->close. */
static void each(struct hunt *h, const char *rel, const struct cfg_check *k,
                 struct view all)
{
	long a = view_find_ci(all, view_of(k->open));
	size_t i, ln = strlen(k->el);
	struct view sec;

	if (a < 0)
		return;
	sec = (struct view){all.p + a, all.len - (size_t)a};
	{
		long b = view_find_ci(sec, view_of(k->close));
		if (b >= 0)
			sec.len = (size_t)b;
	}
	for (i = 0; i < sec.len;) {
		struct view rest = {sec.p + i, sec.len - i}, tag;
		long s = view_find_ci(rest, view_of(k->el));
		const char *gt;
		if (s < 0)
			break;
		tag.p = rest.p + s;
		gt = memchr(tag.p, '>', rest.len - (size_t)s);
		if (!gt)
			break;
		tag.len = (size_t)(gt - tag.p);
		if (tag.len > ln && memchr(" \t\r\n", tag.p[ln], 4))
			entry(h, rel, k, tag);
		i = (size_t)(gt - sec.p) + 1;
	}
}

static const char *base_of(const char *lower)
{
	const char *b = strrchr(lower, '/');

	return b ? b + 1 : lower;
}

bool detect_config_name(const char *lower)
{
	size_t i;

	for (i = 0; i < sizeof checks / sizeof checks[0]; i++)
		if (!strcmp(base_of(lower), checks[i].file))
			return true;
	return false;
}

void detect_config_text(struct hunt *h, const char *rel, const char *lower,
                        const char *text, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof checks / sizeof checks[0]; i++)
		if (!strcmp(base_of(lower), checks[i].file))
			each(h, rel, &checks[i], (struct view){text, n});
}

void detect_config(struct hunt *h, int fd, const char *rel, const char *lower)
{
	char *text = malloc(LIM_CONFIG_BYTES);
	ssize_t n, got = 0;

	if (!text) {
		h->out_of_memory = true;
		return;
	}
	while (got < (ssize_t)LIM_CONFIG_BYTES &&
	       (n = pread(fd, text + got, LIM_CONFIG_BYTES - (size_t)got,
	                  got)) > 0)
		got += n;
	if (got == (ssize_t)LIM_CONFIG_BYTES)
		hunt_unreadable(h, rel, "larger than 16 MiB: read in part");
	detect_config_text(h, rel, lower, text, (size_t)got);
	free(text);
}
