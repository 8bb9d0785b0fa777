/* Registry hives: where an attacker comes back from. The keys come from
 * the bounded reader (hunt/child.h, hive_child.c); the checks follow the
 * persistence sections of the 2021 write-ups and Sigma's registry rules:
 * Run keys and services pointing at commands or odd folders, scheduled
 * tasks hidden by removing their security descriptor, WDigest set to keep
 * clear-text passwords, AppInit DLLs, debuggers on accessibility tools. */
#include "hunt/detect.h"
#include "hunt/child.h"
#include "base/view.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/banned.h"

struct hvctx {
	struct hunt *h;
	const char *path;
	char key[2048]; /* the last key line's path */
	char when[32];  /* ... and its last written time */
	bool key_has_sd, key_has_index, key_is_task_leaf;
	char task_key[2048];
	bool summary;
	unsigned long keys, values, damaged;
	char load_appinit[8], appinit[1024];
};

static void add(struct hvctx *c, const char *kind, enum severity sev,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void add(struct hvctx *c, const char *kind, enum severity sev,
                const char *fmt, ...)
{
	char detail[1200];
	va_list ap;
	struct finding *f;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	f = hunt_add(c->h, kind, HC_NONE, HL_NOT_SEEN, sev, c->path, 0, detail);
	if (f)
		snprintf(f->time, sizeof f->time, "%s", c->when);
}

/* A TaskCache\Tree key without its SD value (Tarrask; Microsoft, April
 * 2022) or its Index value: a task hidden from schtasks and the Task
 * Scheduler that still runs. A folder key has sub keys and no Id; only
 * task leaves are judged. */
static void end_key(struct hvctx *c)
{
	if (c->task_key[0] && c->key_is_task_leaf &&
	    (!c->key_has_sd || !c->key_has_index))
		add(c, "hidden-task", SEV_HIGH,
		    "scheduled task %s has no %s: hidden from the task list",
		    c->task_key,
		    !c->key_has_sd ? "security descriptor (SD)"
		                   : "Index value");
	c->task_key[0] = '\0';
	c->key_has_sd = c->key_has_index = c->key_is_task_leaf = false;
}

/* Each package in a multi-string (joined by ';') that Windows does not
 * ship. */
static void lsa_packages(struct hvctx *c, const char *name, const char *data)
{
	static const char *const own[] = {
	    "scecli",   "rassfm", "kerberos", "msv1_0",   "schannel",
	    "wdigest",  "tspkg",  "pku2u",    "cloudap",  "negoexts",
	    "livessp",  "\"\"",   "msoidssp", "negotiate", NULL};
	const char *p = data;

	while (*p) {
		char one[128];
		size_t n = strcspn(p, ";, ");
		int k;
		snprintf(one, sizeof one, "%.*s", (int)(n < 127 ? n : 127), p);
		for (k = 0; own[k] && strcasecmp(own[k], one); k++)
			;
		if (one[0] && !own[k]) {
			add(c, "lsa-package", SEV_HIGH,
			    "LSA loads %s (%s): %s it sees %s", one, name,
			    !strcasecmp(name, "Security Packages")
			        ? "a security package that Windows does not "
			          "ship;"
			        : "a password filter that Windows does not "
			          "ship;",
			    !strcasecmp(name, "Security Packages")
			        ? "every logon's credentials"
			        : "every new password in clear");
			return;
		}
		p += n;
		p += strspn(p, ";, ");
	}
}

static void on_value(struct hvctx *c, const char *key, const char *name,
                     const char *data)
{
	const char *leaf = strrchr(key, '\\');

	leaf = leaf ? leaf + 1 : key;
	if (detect_has(key, "\\TaskCache\\Tree\\")) {
		if (!strcasecmp(name, "SD"))
			c->key_has_sd = true;
		if (!strcasecmp(name, "Index"))
			c->key_has_index = true;
		if (!strcasecmp(name, "Id"))
			c->key_is_task_leaf = true;
		return;
	}
	if (detect_has(key, "\\TaskCache\\Tasks\\") &&
	    !strcasecmp(name, "Actions") && detect_odd_image(data) &&
	    !detect_windows_own(data))
		add(c, "task-action", SEV_HIGH,
		    "scheduled task %s runs a command or a program in an odd "
		    "folder: %.400s",
		    leaf, data);
	if ((!strcasecmp(leaf, "Run") || !strcasecmp(leaf, "RunOnce") ||
	     !strcasecmp(leaf, "RunServices") ||
	     !strcasecmp(leaf, "RunServicesOnce")) &&
	    data[0]) {
		bool odd = detect_odd_image(data);
		add(c, "run-key", odd ? SEV_HIGH : SEV_INFO,
		    "%s\\%s starts %s at logon%s", key, name, data,
		    odd ? " (a command, or a program in an odd folder)" : "");
	}
	/* Defender told to look away (its settings, or its policy) */
	if (detect_has(key, "\\Windows Defender\\Exclusions\\") &&
	    (!strcasecmp(leaf, "Paths") || !strcasecmp(leaf, "Extensions") ||
	     !strcasecmp(leaf, "Processes")) &&
	    detect_odd_exclusion(name))
		add(c, "defender-exclusion", SEV_HIGH,
		    "Defender told to skip %s (%s)", name, key);
	if (detect_has(key, "\\Windows Defender") &&
	    (!strcasecmp(name, "DisableAntiSpyware") ||
	     !strcasecmp(name, "DisableRealtimeMonitoring") ||
	     !strcasecmp(name, "DisableAntiVirus")) &&
	    (!strcmp(data, "1") || detect_has(data, "0x00000001")))
		add(c, "defender-disabled", SEV_HIGH,
		    "Defender switched off: %s\\%s = %s", key, name, data);
	if (detect_has(key, "\\Services\\") && !strcasecmp(name, "ImagePath") &&
	    detect_odd_image(data))
		add(c, "service-image", SEV_HIGH,
		    "service %s runs %s (a command, or a program in an odd "
		    "folder)",
		    leaf, data);
	if (detect_has(key, "\\Services\\") &&
	    !strcasecmp(name, "ServiceDll") && detect_odd_image(data))
		add(c, "service-dll", SEV_HIGH, "service %s loads %s", key,
		    data);
	if (!strcasecmp(leaf, "WDigest") &&
	    !strcasecmp(name, "UseLogonCredential") && !strcmp(data, "1"))
		add(c, "wdigest-enabled", SEV_HIGH,
		    "WDigest keeps clear-text passwords in memory "
		    "(UseLogonCredential = 1): passwords of everyone who "
		    "logged on since are exposed");
	if (!strcasecmp(leaf, "Windows") && detect_has(key, "Windows NT")) {
		if (!strcasecmp(name, "AppInit_DLLs"))
			snprintf(c->appinit, sizeof c->appinit, "%s", data);
		if (!strcasecmp(name, "LoadAppInit_DLLs"))
			snprintf(c->load_appinit, sizeof c->load_appinit, "%s",
			         data);
	}
	if (detect_has(key, "Image File Execution Options\\") &&
	    !strcasecmp(name, "Debugger") && data[0])
		add(c, "ifeo-debugger", SEV_HIGH,
		    "%s runs %s in its place (a debugger set on it)", leaf,
		    data);
	/* Amcache: a program that ran from where nothing installed lives */
	if (detect_has(key, "\\InventoryApplicationFile\\") &&
	    !strcasecmp(name, "LowerCaseLongPath") && detect_odd_image(data) &&
	    (detect_has(data, ".exe") || detect_has(data, ".dll")))
		add(c, "program-ran-from-odd-folder", SEV_MEDIUM,
		    "Amcache records %s (it ran on this server)", data);
	/* netsh interface portproxy: a port of this server forwarded to
	 * another host (RDP into the network through the mail server) */
	if (detect_has(key, "\\Services\\PortProxy\\") && name[0] &&
	    data[0])
		add(c, "port-proxy", SEV_HIGH,
		    "connections to %s are forwarded to %s (%s)", name, data,
		    leaf);
	/* packages LSA loads: a password filter is told every new
	 * password in clear, a security package sees every logon (mimilib,
	 * memssp) */
	if (!strcasecmp(leaf, "Lsa") &&
	    (!strcasecmp(name, "Notification Packages") ||
	     !strcasecmp(name, "Security Packages")))
		lsa_packages(c, name, data);
	if (!strcasecmp(leaf, "Winlogon") &&
	    ((!strcasecmp(name, "Userinit") &&
	      strcasecmp(data, "C:\\Windows\\system32\\userinit.exe,") &&
	      strcasecmp(data, "C:\\Windows\\system32\\userinit.exe")) ||
	     (!strcasecmp(name, "Shell") && strcasecmp(data, "explorer.exe"))))
		add(c, "winlogon-changed", SEV_HIGH, "Winlogon %s is %s", name,
		    data);
}

static void on_line(void *arg, char **f, int n)
{
	struct hvctx *c = arg;

	if (n >= 3 && !strcmp(f[0], "K")) {
		end_key(c);
		snprintf(c->key, sizeof c->key, "%s", f[1]);
		snprintf(c->when, sizeof c->when, "%s", f[2]);
		if (c->when[0])
			hunt_cover(c->h, LS_REGISTRY, c->when);
		long at =
		    view_find_ci(view_of(f[1]), view_of("\\TaskCache\\Tree\\"));
		if (at >= 0)
			snprintf(c->task_key, sizeof c->task_key, "%s",
			         f[1] + at + 15);
		if (detect_has(f[1], "SAM\\Domains\\Account\\Users\\Names\\")) {
			const char *name = strrchr(f[1], '\\') + 1;
			if (detect_hidden_account(name))
				add(c, "hidden-account", SEV_HIGH,
				    "local account %s is named to hide from "
				    "\"net user\" (its key last written %s)",
				    name, c->when);
			else
				add(c, "local-account", SEV_INFO,
				    "local account %s (its key last written "
				    "%s)",
				    name, c->when);
		}
	} else if (n >= 5 && !strcmp(f[0], "V")) {
		on_value(c, f[1], f[2], f[4]);
	} else if (n >= 4 && !strcmp(f[0], "S")) {
		c->summary = true;
		c->keys = strtoul(f[1], NULL, 10);
		c->values = strtoul(f[2], NULL, 10);
		c->damaged = strtoul(f[3], NULL, 10);
	}
}

static void finish_hive(struct hvctx *c)
{
	end_key(c);
	if (c->appinit[0] && !strcmp(c->load_appinit, "1"))
		add(c, "appinit-dlls", SEV_HIGH,
		    "AppInit_DLLs loads %s into every program", c->appinit);
}

void detect_hive_lines(struct hunt *h, const char *rel, const char *text,
                       size_t n)
{
	struct hvctx *c = calloc(1, sizeof *c);
	char *copy = malloc(n + 1);
	size_t i = 0;

	if (!c || !copy) {
		free(c);
		free(copy);
		h->out_of_memory = true;
		return;
	}
	c->h = h;
	c->path = rel;
	memcpy(copy, text, n);
	copy[n] = '\0';
	while (i < n) {
		char *nl = memchr(copy + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - copy) : n;
		copy[end] = '\0';
		child_line(copy + i, on_line, c);
		i = end + 1;
	}
	finish_hive(c);
	free(copy);
	free(c);
}

void detect_hive(struct hunt *h, int fd, const char *rel)
{
	detect_hive_via(h, "__read-hive", fd, rel);
}

void detect_hive_via(struct hunt *h, const char *verb, int fd, const char *rel)
{
	struct hvctx *c = calloc(1, sizeof *c);
	struct child_result r;

	if (!c) {
		h->out_of_memory = true;
		return;
	}
	c->h = h;
	c->path = rel;
	if (child_run(verb, fd, LIM_HIVE_LINE * 2 + 8192, on_line, c, &r))
		hunt_unreadable(h, rel, "the registry reader could not start");
	else if (!r.complete || !c->summary)
		hunt_unreadable(h, rel, child_why(&r));
	finish_hive(c);
	if (c->damaged)
		hunt_unreadable(
		    h, rel,
		    "the hive is damaged (a list of sub keys or values "
		    "could not be read): "
		    "read in part");
	h->cov[LS_REGISTRY].files++;
	h->cov[LS_REGISTRY].lines += c->keys;
	h->files_scanned++;
	free(c);
}
