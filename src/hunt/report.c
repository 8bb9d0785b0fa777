/* The hunt's reports: JSON (docs/hunt-output.md), a terminal summary and a
 * self-contained HTML page; and the "what to do next" they share. */
#include "hunt/hunt.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "base/text.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

#define MAX_STEPS 16

struct steps {
	char *s[MAX_STEPS];
	int n;
};

__attribute__((format(printf, 2, 3))) static void step(struct steps *st,
                                                       const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	if (st->n == MAX_STEPS)
		return;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n >= 0)
		st->s[st->n++] = s;
}

static bool any_kind(const struct hunt *h, const char *kind)
{
	size_t i;

	for (i = 0; i < h->nf; i++)
		if (strcmp(h->f[i].kind, kind) == 0)
			return true;
	return false;
}

/* The earliest time of the findings of kind (whose detail holds tag, if
 * given): NULL when there is none, "" when none of them has a time. */
static const char *earliest(const struct hunt *h, const char *kind,
                            const char *tag)
{
	const char *since = NULL;
	size_t i;

	for (i = 0; i < h->nf; i++)
		if (!strcmp(h->f[i].kind, kind) &&
		    (!tag || strstr(h->f[i].detail, tag)) &&
		    (!since ||
		     (h->f[i].time[0] &&
		      (!since[0] || strcmp(h->f[i].time, since) < 0))))
			since = h->f[i].time;
	return since;
}

static size_t count_backdoors(const struct hunt *h)
{
	size_t i, n = 0;

	for (i = 0; i < h->nf; i++)
		n += h->f[i].backdoor;
	return n;
}

/* Coverage a verdict needs: ProxyLogon was exploited from January 2021. */
static bool short_logs(const struct hunt *h, char *why, size_t cap)
{
	const struct coverage *c = &h->cov[LS_HTTPPROXY];
	const struct coverage *i = &h->cov[LS_IIS];

	if (c->files && c->oldest[0] && strcmp(c->oldest, "2021-01-01") > 0) {
		snprintf(why, cap,
		         "HttpProxy logs begin %.10s, after January 2021 when "
		         "ProxyLogon exploitation began: earlier exploitation "
		         "would leave no trace in them",
		         c->oldest);
		return true;
	}
	if (!c->files && i->files && i->oldest[0] &&
	    strcmp(i->oldest, "2021-01-01") > 0) {
		snprintf(why, cap, "IIS logs begin %.10s, after January 2021",
		         i->oldest);
		return true;
	}
	return false;
}

static bool kind_in(const char *const *list, const char *kind)
{
	for (; *list; list++)
		if (!strcmp(*list, kind))
			return true;
	return false;
}

/* Adds kind to a ", "-separated list unless it is there already. */
static void kind_once(struct buf *kinds, const char *kind)
{
	if (!kinds->p || !strstr(kinds->p, kind))
		buf_printf(kinds, "%s%s", kinds->len ? ", " : "", kind);
}

/* Mail access granted or set by cmdlet (detect_logs.c, mail_access):
 * one step naming the kinds, medium or worse. */
static void mail_steps(const struct hunt *h, struct steps *st)
{
	static const char *const mail[] = {
	    "impersonation-role", "org-admin-added",     "mailbox-full-access",
	    "inbox-rule-forward", "mailbox-forwarding",  "transport-rule-copy",
	    "journal-rule",       "mailbox-search",      "search-role",
	    "audit-off",          "mailbox-folder-open", NULL};
	struct buf kinds;
	size_t i, n = 0;

	buf_init(&kinds, 1024);
	for (i = 0; i < h->nf; i++) {
		const struct finding *f = &h->f[i];
		if (f->sev < SEV_MEDIUM || !kind_in(mail, f->kind))
			continue;
		n++;
		kind_once(&kinds, f->kind);
	}
	if (n)
		step(st,
		     "Check the %zu change%s to mail access that the cmdlet "
		     "logs show (%s): undo each one nobody here asked for, "
		     "find out who ran it, and whose mail was read, "
		     "forwarded or copied since",
		     n, n == 1 ? "" : "s", kinds.p);
	buf_release(&kinds);
}

/* What to do next, most important first: whether to rebuild, which
 * credentials to reset and where persistence may hide come before the
 * files to remove, and the files are one step however many there are, so
 * no number of planted decoys can push a critical step out of the list. */
static void next_steps(const struct hunt *h, struct steps *st)
{
	size_t i, listed = 0, trojans = 0, gone = 0;
	int c, exploited = 0, chains = 0;
	bool lsass = any_kind(h, "lsass-dump") || any_kind(h, "lsass-access") ||
	             any_kind(h, "wdigest-enabled"),
	     tools = any_kind(h, "attacker-tool");
	const char *since;
	static const char *const planted[] = {"service-installed",
	                                      "service-image",
	                                      "service-dll",
	                                      "task-created",
	                                      "task-action",
	                                      "hidden-task",
	                                      "run-key",
	                                      "appinit-dlls",
	                                      "ifeo-debugger",
	                                      "winlogon-changed",
	                                      "iis-module-changed",
	                                      "transport-agent",
	                                      "wdigest-enabled",
	                                      "iis-global-module",
	                                      "iis-managed-module",
	                                      "iis-handler",
	                                      "iis-vdir-odd",
	                                      "task-file",
	                                      "transport-agent-config",
	                                      "defender-exclusion",
	                                      "defender-disabled",
	                                      "lsa-package",
	                                      "port-proxy",
	                                      "wmi-persistence",
	                                      NULL};
	size_t nplanted = 0, naccounts = 0;
	struct buf kinds, accounts;
	size_t doors = count_backdoors(h);
	char why[300];
	struct buf files;

	/* ransomware's first steps: before anything else */
	since = earliest(h, "shadow-delete", NULL);
	if (since)
		step(st,
		     "Isolate this server now and make sure the backups are "
		     "intact and offline: shadow copies were deleted or "
		     "recovery turned off%s%s, as ransomware does before it "
		     "encrypts",
		     since[0] ? " on " : "", since);
	for (c = 0; c < HC_COUNT; c++)
		exploited += h->verdict[c] >= HL_EXPLOITED;
	chains = (h->verdict[HC_26855] >= HL_EXPLOITED) +
	         (h->verdict[HC_34473] >= HL_EXPLOITED) +
	         (h->verdict[HC_41040] >= HL_EXPLOITED ||
	          h->verdict[HC_41080] >= HL_EXPLOITED);
	/* an attack framework's credential theft in a script block */
	for (i = 0; i < h->nf && !lsass; i++)
		lsass = !strcmp(h->f[i].kind, "offensive-powershell") &&
		        h->f[i].sev == SEV_CRITICAL;
	if ((lsass && doors) || tools || chains >= 2)
		step(st, "Rebuild this server rather than clean it: %s",
		     lsass && doors
		         ? "credentials were dumped and a back door was planted"
		     : tools ? "attacker tools were brought onto it"
		             : "more than one exploit chain succeeded");
	if (lsass)
		step(st,
		     "Reset every credential used on this server: domain "
		     "administrators, service accounts, and krbtgt (twice)");
	else if (any_kind(h, "process-dump"))
		step(st, "Find which process was dumped (its id in the "
		         "command line, against the process list of that "
		         "day): if it was LSASS, reset every credential used "
		         "on this server, domain administrators, service "
		         "accounts and krbtgt (twice)");
	if (!lsass && doors)
		step(st, "Reset the passwords of the accounts that logged on "
		         "to this server or ran Exchange cmdlets since the "
		         "first trace: a web shell runs as SYSTEM");
	/* a logon page that kept or sent the passwords typed into it: every
	 * user who signed in through it since it was planted is exposed */
	since = earliest(h, "webshell", "[harvester]");
	if (since)
		step(st,
		     "Reset the password of every user who signed in "
		     "to Outlook on the web or the ECP on this server "
		     "since %s: a page here kept or sent the passwords "
		     "typed into it",
		     since[0] ? since : "the page appeared");
	/* a page that read the machine keys: forged ViewState runs code
	 * with them after every other door is shut */
	if (earliest(h, "webshell", "[keythief]"))
		step(st, "Rotate the ASP.NET machine keys (validationKey, "
		         "decryptionKey) of every site on this server and "
		         "of every server sharing them, then restart IIS: "
		         "a page here read them, and with them anyone can "
		         "run code through forged ViewState, patched or "
		         "not");
	/* a forged ViewState with a gadget sent in a query: on an ECP
	 * without the February 2020 update it ran, silently */
	since = earliest(h, "viewstate-exploit", NULL);
	if (since)
		step(st,
		     "Find out whether this server had the February "
		     "2020 update (or its own machine keys) on %s: a "
		     "forged ViewState was sent to it then "
		     "(CVE-2020-0688), which runs code as SYSTEM "
		     "without one; if not, treat it as compromised from "
		     "then on",
		     since[0] ? since : "that day");
	if (exploited || doors)
		step(st,
		     "Look for persistence: new accounts and group "
		     "memberships, scheduled tasks, IIS modules and virtual "
		     "directories (applicationHost.config), transport agents, "
		     "mailbox export requests and role assignments");
	/* What was planted to come back, and the accounts to reset: from
	 * event logs and hives, high severity only (benign look-alikes, an
	 * admin's own service or task, stay low). */
	buf_init(&kinds, 4096);
	buf_init(&accounts, 4096);
	for (i = 0; i < h->nf; i++) {
		const struct finding *f = &h->f[i];
		if (f->sev < SEV_HIGH)
			continue;
		if (!strcmp(f->kind, "account-created") ||
		    !strcmp(f->kind, "account-enabled") ||
		    !strcmp(f->kind, "hidden-account") ||
		    !strcmp(f->kind, "group-member-added")) {
			if (naccounts++ < 8)
				buf_printf(&accounts, "%s%.120s",
				           naccounts > 1 ? "; " : "",
				           f->detail);
			continue;
		}
		if (!kind_in(planted, f->kind))
			continue;
		kind_once(&kinds, f->kind);
		nplanted++;
	}
	if (nplanted)
		step(st,
		     "Remove the %zu way%s back in that the event logs, "
		     "registry and task files show (%s), after copying each "
		     "aside: see the "
		     "findings for each one's name and path",
		     nplanted, nplanted == 1 ? "" : "s", kinds.p);
	if (naccounts)
		step(st,
		     "Disable or reset the accounts created, enabled or "
		     "added to privileged groups, and check who did it: "
		     "%s%s",
		     accounts.p,
		     naccounts > 8 ? "; and more in the findings" : "");
	buf_release(&kinds);
	buf_release(&accounts);
	mail_steps(h, st);
	since = earliest(h, "webshell-gone", NULL);
	if (since)
		step(st,
		     "Find the scripts that the IIS log shows answering but "
		     "that are not in this evidence (see webshell-gone): "
		     "removed since, or not collected. Look for copies on "
		     "this server and the others, and treat this one as "
		     "back-doored from %s",
		     since[0] ? since : "their first request");
	since = earliest(h, "tunnel-tool", NULL);
	if (!since)
		since = earliest(h, "port-proxy", NULL);
	if (since)
		step(st,
		     "Stop the tunnel out and block where it led (see the "
		     "findings): from %s the network behind this server was "
		     "reachable from outside through it; hunt on the hosts "
		     "it reached",
		     since[0] ? since : "its start");
	{
		/* a cleared log's silence proves nothing */
		const char *a = earliest(h, "log-cleared", NULL),
		           *b = earliest(h, "log-wipe", NULL);
		const char *w = !a ? b
		                : !b ? a
		                : (b[0] && (!a[0] || strcmp(b, a) < 0)) ? b
		                                                         : a;
		if (w)
			step(st,
			     "Treat the event logs as incomplete: they were "
			     "cleared%s%s. Look for the same events where "
			     "they were also sent (a SIEM or log collector), "
			     "in shadow copies and in backups",
			     w[0] ? " on " : "", w);
	}
	/* One step for every file to remove, in path order, a few named. */
	buf_init(&files, 1 << 16);
	for (i = 0; i < h->nf; i++) {
		const struct finding *f = &h->f[i];
		if (!f->backdoor || (i && h->f[i - 1].backdoor &&
		                     strcmp(h->f[i - 1].path, f->path) == 0))
			continue;
		if (f->gone) {
			gone++;
			continue;
		}
		if (f->detail && strstr(f->detail, "trojanised"))
			trojans++;
		if (listed++ < 8)
			buf_printf(&files, "%s%s", listed > 1 ? "; " : "",
			           f->path);
	}
	if (listed)
		step(
		    st,
		    "Copy %zu back-door file%s aside for investigation, then "
		    "remove %s%s: %.*s%s",
		    listed, listed == 1 ? "" : "s", listed == 1 ? "it" : "them",
		    trojans ? " (replace the shipped pages among them from "
		              "the install media of the same build)"
		            : "",
		    (int)files.len, files.p ? files.p : "",
		    listed > 8 ? "; and the rest listed under back doors" : "");
	buf_release(&files);
	if (gone)
		step(st,
		     "%zu back door%s no longer on the live volume (deleted, "
		     "or found in a shadow copy only): the server was "
		     "back-doored all the same; find what the attacker did "
		     "with %s (logs, accounts, ways back in) before trusting "
		     "it again",
		     gone, gone == 1 ? " is" : "s are", gone == 1 ? "it" : "them");
	if (exploited || doors)
		step(st,
		     "Run 'exhunt hunt --all' over the whole file system, and "
		     "keep this evidence");
	if (exploited || doors || any_kind(h, "ssrf-attempt") ||
	    any_kind(h, "proxyshell-attempt"))
		step(st, "Install the latest cumulative and security updates; "
		         "'exhunt scan' tells which build is running");
	if (short_logs(h, why, sizeof why))
		step(st, "Collect older logs if any exist: %s", why);
	if (h->nunreadable)
		step(st, "Some files could not be read in full (listed): read "
		         "them again from the original evidence");
	if (h->nothing_examined)
		step(st, "Nothing exhunt examines was found here, so \"not "
		         "seen\" says nothing of the server: hunt its system "
		         "drive (the folder it is mounted on, or a disk image "
		         "of it), or a collection holding its Exchange and IIS "
		         "logs, web roots, event logs and registry hives");
	else if (!exploited && !doors && h->nf == 0)
		step(st, "No trace was found in what was read; keep the server "
		         "patched and hunt again after the next campaign");
}

static void free_steps(struct steps *st)
{
	int i;

	for (i = 0; i < st->n; i++)
		free(st->s[i]);
}

static int cmp_time(const void *a, const void *b)
{
	const struct finding *x = *(const struct finding *const *)a;
	const struct finding *y = *(const struct finding *const *)b;

	return strcmp(x->time, y->time);
}

/* Distinct values of a field over findings that are not informational. */
static void distinct(const struct hunt *h, bool ua, struct buf *b)
{
	const char *seen[256];
	int n = 0, k;
	size_t i;

	for (i = 0; i < h->nf; i++) {
		const char *v = ua ? h->f[i].user_agent : h->f[i].client_ip;
		if (!v[0] || h->f[i].sev == SEV_INFO || !strcmp(v, "-"))
			continue;
		for (k = 0; k < n && strcmp(seen[k], v); k++)
			;
		if (k < n || n == 256)
			continue;
		seen[n] = v;
		buf_adds(b, n ? "," : "");
		json_cstr(b, v);
		n++;
	}
}

/* Where in an image a finding's file lies: ,"volume":N,"snapshot":... */
static void place_json(struct buf *b, const struct hunt *h,
                       const struct finding *f)
{
	const struct place *p =
	    f->place > 0 && (size_t)f->place <= h->nplaces
	        ? &h->places[f->place - 1]
	        : NULL;

	if (!p) {
		buf_adds(b, ",\"volume\":null,\"snapshot\":null");
		return;
	}
	buf_printf(b, ",\"volume\":%d,\"snapshot\":", p->volume);
	if (!p->store) {
		buf_adds(b, "null");
		return;
	}
	buf_printf(b, "{\"store\":%d,\"created\":", p->store);
	json_cstr(b, p->created[0] ? p->created : NULL);
	buf_addc(b, '}');
}

/* The same, said in words: "" for a folder's files. */
static void place_words(const struct hunt *h, const struct finding *f,
                        char *out, size_t cap)
{
	const struct place *p =
	    f->place > 0 && (size_t)f->place <= h->nplaces
	        ? &h->places[f->place - 1]
	        : NULL;

	if (!p)
		snprintf(out, cap, "%s", "");
	else if (!p->store)
		snprintf(out, cap, "volume %d", p->volume);
	else
		snprintf(out, cap, "volume %d, shadow copy %d of %s",
		         p->volume, p->store,
		         p->created[0] ? p->created : "an unknown time");
}

int hunt_report_json(const struct hunt *h, struct buf *b)
{
	struct steps st = {0};
	const struct finding **tl = NULL;
	size_t i;
	int c, s;
	char why[300];

	buf_adds(b, "{\"root\":");
	json_cstr(b, h->root);
	buf_adds(b, ",\"source\":");
	json_cstr(b, h->source[0] ? h->source : "folder");
	buf_adds(b, ",\"exchange_install\":");
	json_cstr(b, h->exchange_dir[0] ? h->exchange_dir : NULL);
	buf_adds(b, ",\"verdicts\":{");
	for (c = 0; c < HC_COUNT; c++) {
		json_key(b, hunt_cve_ids[c], c == 0);
		json_cstr(b, hunt_level_word(h->verdict[c]));
	}
	buf_adds(b, "},\"findings\":[");
	for (i = 0; i < h->nf; i++) {
		const struct finding *f = &h->f[i];
		buf_adds(b, i ? ",{\"kind\":" : "{\"kind\":");
		json_cstr(b, f->kind);
		buf_adds(b, ",\"cve\":");
		json_cstr(b, f->cve >= 0 ? hunt_cve_ids[f->cve] : NULL);
		buf_adds(b, ",\"shows\":");
		json_cstr(b, f->cve >= 0 ? hunt_level_word(f->level) : NULL);
		buf_printf(
		    b, ",\"severity\":\"%s\",\"path\":", severity_word(f->sev));
		json_cstr(b, f->path);
		if (f->line)
			buf_printf(b, ",\"line\":%llu",
			           (unsigned long long)f->line);
		else
			buf_adds(b, ",\"line\":null");
		buf_adds(b, ",\"time\":");
		json_cstr(b, f->time[0] ? f->time : NULL);
		buf_adds(b, ",\"client_ip\":");
		json_cstr(b, f->client_ip[0] ? f->client_ip : NULL);
		buf_adds(b, ",\"user_agent\":");
		json_cstr(b, f->user_agent[0] ? f->user_agent : NULL);
		buf_adds(b, ",\"sha256\":");
		json_cstr(b, f->sha256[0] ? f->sha256 : NULL);
		buf_printf(b, ",\"backdoor\":%s,\"detail\":",
		           f->backdoor ? "true" : "false");
		json_cstr(b, f->detail);
		place_json(b, h, f);
		if (f->more)
			buf_printf(b, ",\"more\":%llu,\"last_line\":%llu",
			           (unsigned long long)f->more,
			           (unsigned long long)f->last_line);
		buf_addc(b, '}');
	}
	buf_printf(b, "],\"aggregated\":%llu,\"backdoors\":[",
	           (unsigned long long)h->aggregated);
	for (i = 0, c = 0; i < h->nf; i++) {
		const struct finding *f = &h->f[i];
		if (!f->backdoor)
			continue;
		buf_adds(b, c++ ? ",{\"path\":" : "{\"path\":");
		json_cstr(b, f->path);
		buf_adds(b, ",\"sha256\":");
		json_cstr(b, f->sha256[0] ? f->sha256 : NULL);
		buf_adds(b, ",\"last_write\":");
		json_cstr(b, f->time[0] ? f->time : NULL);
		buf_adds(b, ",\"chain\":");
		json_cstr(b, f->chain[0] ? f->chain : NULL);
		place_json(b, h, f);
		buf_printf(b, ",\"gone\":%s", f->gone ? "true" : "false");
		buf_addc(b, '}');
	}
	buf_adds(b, "],\"attackers\":{\"ips\":[");
	distinct(h, false, b);
	buf_adds(b, "],\"user_agents\":[");
	distinct(h, true, b);
	buf_adds(b, "]},\"timeline\":[");
	tl = h->nf ? malloc(h->nf * sizeof *tl) : NULL;
	if (h->nf && !tl)
		buf_latch(b, EXH_ENOMEM); /* a report without its timeline */
	if (tl) {
		size_t n = 0;
		for (i = 0; i < h->nf; i++)
			if (h->f[i].time[0] && h->f[i].sev > SEV_INFO)
				tl[n++] = &h->f[i];
		qsort(tl, n, sizeof *tl, cmp_time);
		for (i = 0; i < n && i < 1000; i++) {
			buf_adds(b, i ? ",{\"time\":" : "{\"time\":");
			json_cstr(b, tl[i]->time);
			buf_adds(b, ",\"kind\":");
			json_cstr(b, tl[i]->kind);
			buf_adds(b, ",\"path\":");
			json_cstr(b, tl[i]->path);
			buf_addc(b, '}');
		}
		free(tl);
	}
	buf_adds(b, "],\"coverage\":{");
	for (s = 0; s < LS_COUNT; s++) {
		const struct coverage *cv = &h->cov[s];
		json_key(b, log_source_names[s], s == 0);
		buf_printf(b,
		           "{\"files\":%llu,\"lines\":%llu,\"bytes\":"
		           "%llu,\"oldest\":",
		           (unsigned long long)cv->files,
		           (unsigned long long)cv->lines,
		           (unsigned long long)cv->bytes);
		json_cstr(b, cv->oldest[0] ? cv->oldest : NULL);
		buf_adds(b, ",\"newest\":");
		json_cstr(b, cv->newest[0] ? cv->newest : NULL);
		buf_addc(b, '}');
	}
	buf_adds(b, "},\"coverage_warnings\":[");
	if (short_logs(h, why, sizeof why))
		json_cstr(b, why);
	buf_adds(b, "],\"next_steps\":[");
	next_steps(h, &st);
	for (c = 0; c < st.n; c++) {
		buf_adds(b, c ? "," : "");
		json_cstr(b, st.s[c]);
	}
	free_steps(&st);
	buf_adds(b, "],\"unreadable\":[");
	for (i = 0; i < h->nunreadable; i++) {
		buf_adds(b, i ? "," : "");
		json_cstr(b, h->unreadable[i]);
	}
	buf_adds(b, "],\"notes\":[");
	for (i = 0; i < h->nnotes; i++) {
		buf_adds(b, i ? "," : "");
		json_cstr(b, h->notes[i]);
	}
	buf_printf(b,
	           "],\"files_seen\":%llu,\"files_scanned\":%llu,"
	           "\"nothing_examined\":%s}\n",
	           (unsigned long long)h->files_seen,
	           (unsigned long long)h->files_scanned,
	           h->nothing_examined ? "true" : "false");
	return buf_error(b);
}

void hunt_report_text(const struct hunt *h, FILE *f)
{
	struct steps st = {0};
	size_t i, shown = 0;
	int c, s;

	fprintf(f, "\nexhunt hunt ");
	term_print(f, h->root);
	fprintf(f, ": %llu files, %llu read\n",
	        (unsigned long long)h->files_seen,
	        (unsigned long long)h->files_scanned);
	for (i = 0; i < h->nnotes; i++) {
		fprintf(f, "  ");
		term_print(f, h->notes[i]);
		fprintf(f, "\n");
	}
	fprintf(f, "\n%-16s %s\n", "CVE", "verdict");
	for (c = 0; c < HC_COUNT; c++)
		fprintf(f, "%-16s %s\n", hunt_cve_ids[c],
		        hunt_level_word(h->verdict[c]));
	fprintf(f, "\nfindings (%zu):\n", h->nf);
	for (i = 0; i < h->nf && shown < 40; i++) {
		const struct finding *x = &h->f[i];
		if (x->sev == SEV_INFO)
			continue;
		shown++;
		char line[24] = "";
		if (x->line)
			snprintf(line, sizeof line, ":%llu",
			         (unsigned long long)x->line);
		fprintf(f, "  [%s] %s %s ", severity_word(x->sev), x->kind,
		        x->cve >= 0 ? hunt_cve_ids[x->cve] : "-");
		term_print(f, x->path);
		fprintf(f, "%s ", line);
		term_print(f, x->time);
		{
			char where[96];
			place_words(h, x, where, sizeof where);
			if (where[0])
				fprintf(f, " [%s]", where);
		}
		if (x->more)
			fprintf(f, " (and %llu more like it, to line %llu)",
			        (unsigned long long)x->more,
			        (unsigned long long)x->last_line);
		fprintf(f, "\n");
	}
	if (shown == 40)
		fprintf(f, "  ... (all of them in the JSON report)\n");
	fprintf(f, "\nlog coverage:\n");
	for (s = 0; s < LS_COUNT; s++) {
		fprintf(f, "  %-14s %6llu files  ", log_source_names[s],
		        (unsigned long long)h->cov[s].files);
		term_print(f, h->cov[s].oldest[0] ? h->cov[s].oldest : "-");
		fprintf(f, " .. ");
		term_print(f, h->cov[s].newest[0] ? h->cov[s].newest : "-");
		fprintf(f, "\n");
	}
	if (h->nunreadable) {
		fprintf(f, "\nnot read, or read in part (%zu):\n",
		        h->nunreadable);
		for (i = 0; i < h->nunreadable && i < 20; i++) {
			fprintf(f, "  ");
			term_print(f, h->unreadable[i]);
			fprintf(f, "\n");
		}
		if (h->nunreadable > 20)
			fprintf(f, "  ... %zu more in the JSON report\n",
			        h->nunreadable - 20);
	}
	next_steps(h, &st);
	fprintf(f, "\nwhat to do next:\n");
	for (c = 0; c < st.n; c++) {
		fprintf(f, "  %d. ", c + 1);
		term_print(f, st.s[c]);
		fprintf(f, "\n");
	}
	free_steps(&st);
}

int hunt_report_html(const struct hunt *h, struct buf *b)
{
	struct steps st = {0};
	size_t i;
	int c;

	buf_adds(
	    b,
	    "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
	    "<title>exhunt hunt report</title><style>"
	    "body{font-family:sans-serif;margin:2em;color:#222}"
	    "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
	    "padding:4px 8px;text-align:left;vertical-align:top}"
	    ".back-doored{background:#b00;color:#fff}.exploited{background:#"
	    "e60;color:#fff}"
	    ".attempted{background:#fd6}.critical{color:#b00;font-weight:bold}"
	    "</style></head><body><h1>exhunt hunt</h1><p>");
	html_escape(b, h->root);
	buf_adds(b, "</p><h2>Verdicts</h2><table><tr><th>CVE</"
	            "th><th>verdict</th></tr>");
	for (c = 0; c < HC_COUNT; c++)
		buf_printf(b, "<tr><td>%s</td><td class=\"%s\">%s</td></tr>",
		           hunt_cve_ids[c], hunt_level_word(h->verdict[c]),
		           hunt_level_word(h->verdict[c]));
	buf_adds(b, "</table><h2>What to do next</h2><ol>");
	next_steps(h, &st);
	for (c = 0; c < st.n; c++) {
		buf_adds(b, "<li>");
		html_escape(b, st.s[c]);
		buf_adds(b, "</li>");
	}
	free_steps(&st);
	buf_adds(b, "</ol><h2>Back doors</h2><ul>");
	for (i = 0; i < h->nf; i++) {
		if (!h->f[i].backdoor)
			continue;
		buf_adds(b, "<li>");
		html_escape(b, h->f[i].path);
		buf_adds(b, ": ");
		html_escape(b, h->f[i].detail);
		buf_adds(b, "</li>");
	}
	buf_adds(b, "</ul><h2>Notes</h2><ul>");
	for (i = 0; i < h->nnotes; i++) {
		buf_adds(b, "<li>");
		html_escape(b, h->notes[i]);
		buf_adds(b, "</li>");
	}
	buf_printf(b,
	           "</ul><h2>Not read, or read in part (%zu)</h2>"
	           "<ul>",
	           h->nunreadable);
	for (i = 0; i < h->nunreadable; i++) {
		buf_adds(b, "<li>");
		html_escape(b, h->unreadable[i]);
		buf_adds(b, "</li>");
	}
	buf_adds(b, "</ul><h2>Findings</h2>");
	if (h->nf > 5000)
		buf_printf(b,
		           "<p>The first 5000 of %zu findings are shown; "
		           "the JSON report (--format json) has them "
		           "all.</p>",
		           h->nf);
	buf_adds(b, "<table><tr><th>severity</th>"
	            "<th>kind</th><th>CVE</th><th>where</th><th>time</th>"
	            "<th>client</th><th>detail</th></tr>");
	for (i = 0; i < h->nf && i < 5000; i++) {
		const struct finding *f = &h->f[i];
		char line[32] = "";
		if (f->line)
			snprintf(line, sizeof line, ":%llu",
			         (unsigned long long)f->line);
		buf_printf(b, "<tr><td class=\"%s\">%s</td><td>",
		           severity_word(f->sev), severity_word(f->sev));
		html_escape(b, f->kind);
		buf_printf(b, "</td><td>%s</td><td>",
		           f->cve >= 0 ? hunt_cve_ids[f->cve] : "");
		html_escape(b, f->path);
		buf_adds(b, line);
		{
			char where[96];
			place_words(h, f, where, sizeof where);
			if (where[0]) {
				buf_adds(b, " <small>(");
				html_escape(b, where);
				buf_adds(b, ")</small>");
			}
		}
		buf_adds(b, "</td><td>");
		html_escape(b, f->time);
		buf_adds(b, "</td><td>");
		html_escape(b, f->client_ip);
		buf_adds(b, "</td><td>");
		html_escape(b, f->detail);
		buf_adds(b, "</td></tr>");
	}
	buf_adds(b, "</table></body></html>\n");
	return buf_error(b);
}
