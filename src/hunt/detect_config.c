/* IIS's applicationHost.config, the web.config files of IIS and
 * Exchange's web folders, and Exchange's agents.config, read as text:
 * native modules IIS loads into every worker (globalModules), handlers
 * mapped to native code (scriptProcessor), managed modules and handlers
 * (type), and transport agents Exchange loads into every message's path.
 * Attackers add one from ProgramData, a user's folder or a web folder
 * (native IIS modules: ESET's "Anatomy of native IIS malware", 2021;
 * managed ones: Kaspersky's Owowa, 2021, an OWA credential stealer loaded
 * as a managed module; transport agents: ESET's LightNeuron, 2019).
 * Windows' and Exchange's own native code lives under System32\inetsrv,
 * the .NET folders and Exchange's install folder; their managed types are
 * in the Microsoft and System namespaces or signed with Microsoft's keys.
 * The reader is bounded: the file is read up to LIM_CONFIG_BYTES and
 * every attribute value is capped. */
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
	    "%systemroot%\\system32\\inetsrv\\",
	    "%systemroot%\\syswow64\\inetsrv\\",
	    "%windir%\\microsoft.net\\",     "\\windows\\microsoft.net\\",
	    "%systemroot%\\microsoft.net\\",
	    "%exchangeinstallpath%",         "\\microsoft\\exchange server\\",
	    "\\transportroles\\agents\\",    NULL};
	struct view v = view_of(p);
	int i;

	for (i = 0; ok[i]; i++)
		if (has(v, ok[i]))
			return true;
	return false;
}

static bool in_inetsrv(const char *p)
{
	return has(view_of(p), "\\inetsrv\\");
}

/* The native modules' DLLs IIS 7 to 10 install in inetsrv, and those of
 * Microsoft's add-ons that put theirs there (URL Rewrite, ASP.NET Core's
 * module, HttpPlatformHandler, WebSocket, FastCGI). */
static bool iis_own_dll(const char *p)
{
	static const char *const dlls[] = {
	    "authanon.dll", "authbas.dll",  "authcert.dll",  "authmap.dll",
	    "authmd5.dll",  "authsspi.dll", "cachfile.dll",  "cachhttp.dll",
	    "cachtokn.dll", "cachuri.dll",  "cgi.dll",       "compdyn.dll",
	    "compstat.dll", "custerr.dll",  "defdoc.dll",    "diprestr.dll",
	    "dirlist.dll",  "filter.dll",   "gzip.dll",      "iis_ssi.dll",
	    "iisetw.dll",   "iisfcgi.dll",  "iisfreb.dll",   "iisreqs.dll",
	    "iiswsock.dll", "iprestr.dll",  "isapi.dll",     "logcust.dll",
	    "loghttp.dll",  "modrqflt.dll", "protsup.dll",   "redirect.dll",
	    "static.dll",   "urlauthz.dll", "validcfg.dll",  "warmup.dll",
	    "webdav.dll",   "rewrite.dll",  "aspnetcore.dll", "aspnetcorev2.dll",
	    "httpplatformhandler.dll", "iisres.dll", "w3tp.dll", "nativerd.dll",
	    "iiscore.dll",  "hwebcore.dll", NULL};
	const char *base = strrchr(p, '\\');
	int k;

	base = base ? base + 1 : p;
	for (k = 0; dlls[k]; k++)
		if (!strcasecmp(base, dlls[k]))
			return true;
	return false;
}

/* A managed type ("Namespace.Class, Assembly, Version=..,
 * PublicKeyToken=..") that is Microsoft's: signed with one of its keys,
 * or unsigned in its namespaces (Exchange's own web.config files name
 * theirs so). */
static bool own_type(const char *t)
{
	static const char *const tokens[] = {
	    "b77a5c561934e089", "b03f5f7f11d50a3a", "31bf3856ad364e35",
	    "71e9bce111e9429c", NULL};
	struct view v = view_of(t);
	const char *p;
	int i;

	for (i = 0; tokens[i]; i++)
		if (has(v, tokens[i]))
			return true;
	for (p = t; *p == ' '; p++)
		;
	return !strncasecmp(p, "Microsoft.", 10) ||
	       !strncasecmp(p, "System.", 7) || !*p;
}

enum judge { BY_PATH, BY_TYPE };

#define OUTSIDE " (outside Windows' and Exchange's folders)"
#define NOT_MS " (not Microsoft's: check it is a product you installed)"

/* What each file lists, and where its code must come from. */
static const struct cfg_check {
	const char *file; /* lower-case name */
	const char *open, *close, *el;
	const char *code_attr; /* the code's path or type */
	enum judge judge;
	const char *kind;
	enum severity sev;
	const char *lead, *via, *tail; /* lead NAME via CODE tail */
} checks[] = {
    {"applicationhost.config", "<globalModules", "</globalModules", "<add",
     "image", BY_PATH, "iis-global-module", SEV_HIGH,
     "IIS loads native module ", " from ",
     " into every worker (outside Windows' and Exchange's folders)"},
    {"applicationhost.config", "<handlers", "</handlers", "<add",
     "scriptProcessor", BY_PATH, "iis-handler", SEV_HIGH,
     "IIS hands requests for handler ", " to native code ",
     OUTSIDE},
    {"applicationhost.config", "<handlers", "</handlers", "<add", "type",
     BY_TYPE, "iis-handler", SEV_MEDIUM, "IIS hands requests for handler ",
     " to managed type ",
     NOT_MS},
    {"applicationhost.config", "<modules", "</modules", "<add", "type",
     BY_TYPE, "iis-managed-module", SEV_MEDIUM,
     "IIS runs managed module ", " of type ",
     " on every request" NOT_MS},
    {"web.config", "<modules", "</modules", "<add", "type", BY_TYPE,
     "iis-managed-module", SEV_MEDIUM, "this site runs managed module ",
     " of type ",
     " on every request" NOT_MS},
    {"web.config", "<httpModules", "</httpModules", "<add", "type",
     BY_TYPE, "iis-managed-module", SEV_MEDIUM,
     "this site runs managed module ", " of type ",
     " on every request" NOT_MS},
    {"web.config", "<handlers", "</handlers", "<add", "scriptProcessor",
     BY_PATH, "iis-handler", SEV_HIGH, "this site hands requests for ",
     " to native code ", OUTSIDE},
    {"web.config", "<handlers", "</handlers", "<add", "type", BY_TYPE,
     "iis-handler", SEV_MEDIUM, "this site hands requests for ",
     " to managed type ",
     NOT_MS},
    {"web.config", "<httpHandlers", "</httpHandlers", "<add", "type",
     BY_TYPE, "iis-handler", SEV_MEDIUM, "this site hands requests for ",
     " to managed type ",
     NOT_MS},
    {"agents.config", "<agents", "</agents", "<agent", "assemblyPath",
     BY_PATH, "transport-agent-config", SEV_HIGH, "transport agent ",
     " loads ", " into Exchange's mail flow (outside Exchange's folders)"},
};

static void entry(struct hunt *h, const char *rel, const struct cfg_check *k,
                  struct view tag)
{
	char name[200] = "", code[600] = "", detail[900];

	if (!attr(tag, "name", name, sizeof name))
		attr(tag, "path", name, sizeof name);
	if (!attr(tag, k->code_attr, code, sizeof code) || !code[0])
		return;
	if (k->judge == BY_PATH && own_place(code)) {
		/* in IIS's own folder under a name IIS never shipped: a
		 * native back door passing for one of IIS's (IIS-Raid,
		 * OwlProxy and their kin were dropped so) */
		if (!strcmp(k->kind, "iis-global-module") &&
		    in_inetsrv(code) && !iis_own_dll(code)) {
			snprintf(detail, sizeof detail,
			         "IIS loads native module %s from %s: a DLL "
			         "in IIS's own folder that IIS does not ship "
			         "(its add-ons' too are known by name)",
			         name, code);
			hunt_add(h, k->kind, HC_NONE, HL_NOT_SEEN, SEV_HIGH,
			         rel, 0, detail);
		}
		return;
	}
	if (k->judge == BY_TYPE && own_type(code))
		return;
	snprintf(detail, sizeof detail, "%s%s%s%s%s", k->lead, name, k->via,
	         code, k->tail);
	hunt_add(h, k->kind, HC_NONE, HL_NOT_SEEN, k->sev, rel, 0, detail);
}

/* Each <el ...> start tag inside every section from k->open to
 * k->close (applicationHost.config has one per <location>). */
static void each(struct hunt *h, const char *rel, const struct cfg_check *k,
                 struct view all)
{
	size_t ln = strlen(k->el), lo = strlen(k->open);
	const char *at = all.p, *end = all.p + all.len;

	while (at < end) {
		struct view cur = {at, (size_t)(end - at)}, sec;
		long a = view_find_ci(cur, view_of(k->open));
		size_t i;
		if (a < 0)
			return;
		sec = (struct view){at + a, (size_t)(end - at) - (size_t)a};
		/* "<modules" is not "<modulesX": the name ends there */
		if (sec.len > lo && !memchr(" \t\r\n>/", sec.p[lo], 6)) {
			at = sec.p + lo;
			continue;
		}
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
		at = sec.len > lo ? sec.p + sec.len : sec.p + lo;
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
		if (!strcmp(base_of(lower), checks[i].file) &&
		    !detect_config_also(lower))
			return true;
	return false;
}

bool detect_config_also(const char *lower)
{
	return !strcmp(base_of(lower), "web.config");
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
