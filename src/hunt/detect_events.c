/* Windows event logs: what the attacker ran on the host and how they can
 * come back. Each record comes from the bounded reader (hunt/child.h) as
 * its own System fields and named values (hunt/event.h); the checks follow
 * public sources: Microsoft's Test-ProxyLogon (CVE-2021-26857 in the
 * Application log), Sigma's msexchange, process-creation and persistence
 * rules, and the 2021 write-ups in docs/hunt.md. */
#include "hunt/detect.h"
#include "hunt/child.h"
#include "hunt/event.h"
#include "base/array.h"
#include "base/limits.h"
#include "base/text.h"
#include "base/view.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/banned.h"

bool detect_has(const char *s, const char *needle)
{
	return view_find_ci(view_of(s), view_of(needle)) >= 0;
}

const char *detect_b64_gadget(struct view b64)
{
	/* types no form posts back: they build objects that run code when
	 * read (ysoserial.net's gadgets and plugins) */
	static const char *const gadgets[] = {
	    "ObjectDataProvider",
	    "TypeConfuseDelegate",
	    "TextFormattingRunProperties",
	    "ActivitySurrogateSelector",
	    "ActivitySurrogateDisableTypeCheck",
	    "System.Diagnostics.Process",
	    "ProcessStartInfo",
	    "WindowsIdentity",
	    "ClaimsIdentity",
	    "ClaimsPrincipal",
	    "SessionSecurityToken",
	    "RolePrincipal",
	    "WindowsClaimsIdentity",
	    "ToolboxItemContainer",
	    "System.Windows.Data",
	    "System.Windows.Markup.XamlReader",
	    "Microsoft.PowerShell.Editor",
	    "System.Workflow.ComponentModel",
	    "System.Management.Automation.PSObject",
	    "AxHost+State",
	    "DataSetTypeSpoof",
	    "GenericPrincipal",
	    "ObjRef",
	    "TypeConverter",
	    NULL};
	enum { CAP = 48 * 1024 };
	static _Thread_local char text[CAP];
	static _Thread_local unsigned char bin[CAP];
	size_t i, t = 0, n;

	/* %2B %2F %3D as the digits they stand for; stop at the value's end */
	for (i = 0; i < b64.len && t < CAP; i++) {
		char c = b64.p[i];
		if (c == '%' && i + 2 < b64.len &&
		    text_hexval(b64.p[i + 1]) >= 0 &&
		    text_hexval(b64.p[i + 2]) >= 0) {
			c = (char)(text_hexval(b64.p[i + 1]) * 16 +
			           text_hexval(b64.p[i + 2]));
			i += 2;
		}
		if (text_b64_digit((unsigned char)c, false) < 0)
			break;
		text[t++] = c;
	}
	n = text_b64_decode((struct view){text, t}, false, bin, CAP, NULL);
	for (int k = 0; gadgets[k]; k++)
		if (memmem(bin, n, gadgets[k], strlen(gadgets[k])))
			return gadgets[k];
	return NULL;
}

bool detect_any(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (detect_has(s, *list))
			return true;
	return false;
}

bool detect_any_ext(const char *s, const char *const *exts)
{
	for (; *exts; exts++) {
		struct view v = view_of(s);
		size_t n = strlen(*exts);
		long at;
		while ((at = view_find_ci(v, view_of(*exts))) >= 0) {
			unsigned char next =
			    (size_t)at + n < v.len
			        ? (unsigned char)v.p[at + (long)n]
			        : 0;
			if (!isalnum(next))
				return true;
			v.p += at + 1;
			v.len -= (size_t)at + 1;
		}
	}
	return false;
}

/* The file name of a Windows path, compared case-insensitively. */
static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '\\'), *c = strrchr(p, '/');

	if (c > b)
		b = c;
	return b ? b + 1 : p;
}

static bool named(const char *path, const char *const *names)
{
	const char *b = base_name(path);

	for (; *names; names++)
		if (!strcasecmp(b, *names))
			return true;
	return false;
}

/* Exchange's worker processes: a shell under them is a web shell or an
 * exploit at work (Sigma proc_creation_win_exploit_cve_2021_26857). */
static const char *const exchange_procs[] = {"w3wp.exe",
                                             "umworkerprocess.exe",
                                             "umservice.exe",
                                             "edgetransport.exe",
                                             "msexchangemailboxreplication.exe",
                                             NULL};
static const char *const um_procs[] = {"umworkerprocess.exe", "umservice.exe",
                                       NULL};
/* What attackers ran from them (2021 write-ups): shells, recon, dumping,
 * staging. ASP.NET's own compilers (csc, cvtres, vbc) and error
 * reporting (wermgr, werfault) are not here. */
static const char *const attacker_tools[] = {"cmd.exe",
                                             "powershell.exe",
                                             "pwsh.exe",
                                             "net.exe",
                                             "net1.exe",
                                             "rundll32.exe",
                                             "procdump.exe",
                                             "procdump64.exe",
                                             "whoami.exe",
                                             "certutil.exe",
                                             "7z.exe",
                                             "7za.exe",
                                             "rar.exe",
                                             "winrar.exe",
                                             "makecab.exe",
                                             "wmic.exe",
                                             "mshta.exe",
                                             "cscript.exe",
                                             "wscript.exe",
                                             "regsvr32.exe",
                                             "nltest.exe",
                                             "quser.exe",
                                             "ipconfig.exe",
                                             "systeminfo.exe",
                                             "tasklist.exe",
                                             "bitsadmin.exe",
                                             "curl.exe",
                                             "reg.exe",
                                             "schtasks.exe",
                                             "sc.exe",
                                             "vssadmin.exe",
                                             "ntdsutil.exe",
                                             "dsquery.exe",
                                             "arp.exe",
                                             "netstat.exe",
                                             "nslookup.exe",
                                             "ping.exe",
                                             "plink.exe",
                                             "query.exe",
                                             "dllhost.exe",
                                             NULL};
/* Folders where nothing installed properly runs from. */
static const char *const odd_places[] = {"\\users\\",
                                         "\\programdata\\",
                                         "\\temp\\",
                                         "\\tmp\\",
                                         "\\perflogs\\",
                                         "\\inetpub\\",
                                         "\\aspnet_client\\",
                                         "\\public\\",
                                         "\\appdata\\",
                                         "\\recycle",
                                         "\\windows\\tasks\\",
                                         "\\frontend\\httpproxy\\",
                                         "\\clientaccess\\",
                                         "\\windows\\debug\\",
                                         "%temp%",
                                         "%tmp%",
                                         "%appdata%",
                                         "%localappdata%",
                                         "%public%",
                                         "%programdata%",
                                         "%userprofile%",
                                         "\\\\127.0.0.1\\",
                                         "\\\\localhost\\",
                                         NULL};
/* A command rather than a program: an interpreter with its script. */
static const char *const commands[] = {
    "cmd.exe /c", "cmd /c",   "%comspec%", "powershell",
    "pwsh",       "mshta",    "rundll32",  "regsvr32",
    "wscript",    "cscript",  "certutil",  "bitsadmin",
    "http://",    "https://", " -enc",     "frombase64string",
    NULL};
static const char *const privileged_groups[] = {"Administrators",
                                                "Domain Admins",
                                                "Enterprise Admins",
                                                "Schema Admins",
                                                "Organization Management",
                                                "Exchange Trusted Subsystem",
                                                "Exchange Windows Permissions",
                                                "Exchange Servers",
                                                "Remote Desktop Users",
                                                "Backup Operators",
                                                "Account Operators",
                                                "Server Operators",
                                                "DnsAdmins",
                                                NULL};
static const char *const cradles[] = {"downloadstring",
                                      "downloadfile",
                                      "downloaddata",
                                      "net.webclient",
                                      "invoke-webrequest",
                                      "iwr ",
                                      "start-bitstransfer",
                                      "invoke-restmethod",
                                      "xmlhttp",
                                      "system.net.sockets.tcpclient",
                                      "net.sockets.tcpclient",
                                      "powercat",
                                      "invoke-powershelltcp",
                                      NULL};

struct evctx {
	struct hunt *h;
	const char *path;
	struct event *e;
	unsigned long live, recovered, bad;
	bool summary, dirty, corrupted;
	unsigned long failed;
	/* 4688 before Windows 10 and Server 2016 names no parent, only its
	 * process id: the programs this log saw started, by process id
	 * (the latest wins; ids are reused) */
	struct started {
		uint64_t pid; /* 0: empty */
		char image[64];
	} * started;
	/* 4104 parts by ScriptBlockId until the last one arrives */
	struct block {
		char id[64];
		int total, got;
		char **part; /* [total] */
		char time[32];
		uint64_t record;
	} * blocks;
	size_t nblocks, capblocks, bytes;
	bool blocks_full;
	/* record ids read: a record recovered from free space that is also
	 * live (or recovered twice) is the same event, checked once */
	uint64_t *ids;
	size_t nids, capids;
	unsigned long duplicates;
	/* hashes of PowerShell texts checked (TEXT_SLOTS, 0: empty) */
	uint64_t *texts;
};

#define TEXT_SLOTS 4096

/* Whether text was checked already in this log; remembers it if not.
 * A full neighbourhood forgets nothing and remembers nothing (the text
 * is checked again: a repeated finding, never a lost one). */
static bool seen_text(struct evctx *c, const char *text)
{
	uint64_t h = text_hash(text, TEXT_HASH_START);
	size_t i, k;

	h += !h;
	if (!c->texts && !(c->texts = calloc(TEXT_SLOTS, sizeof *c->texts)))
		return false;
	for (k = 0, i = h & (TEXT_SLOTS - 1); k < 16;
	     k++, i = (i + 1) & (TEXT_SLOTS - 1)) {
		if (c->texts[i] == h)
			return true;
		if (!c->texts[i]) {
			c->texts[i] = h;
			return false;
		}
	}
	return false;
}

/* Open addressing on record ids (never 0 here: 0 means empty). false
 * when the id was there already. Past LIM_EVENT_IDS the set stops
 * growing and every record counts as new. */
static bool first_time(struct evctx *c, uint64_t id)
{
	size_t i, mask;

	if (id == 0)
		return true;
	if (c->nids * 2 >= c->capids) {
		size_t cap = c->capids ? c->capids * 2 : 4096, k;
		uint64_t *n;
		if (cap > LIM_EVENT_IDS)
			return true;
		n = calloc(cap, sizeof *n);
		if (!n)
			return true;
		for (k = 0; k < c->capids; k++)
			if (c->ids[k]) {
				i = (size_t)(c->ids[k] *
				             0x9e3779b97f4a7c15ull) &
				    (cap - 1);
				while (n[i])
					i = (i + 1) & (cap - 1);
				n[i] = c->ids[k];
			}
		free(c->ids);
		c->ids = n;
		c->capids = cap;
	}
	mask = c->capids - 1;
	i = (size_t)(id * 0x9e3779b97f4a7c15ull) & mask;
	while (c->ids[i]) {
		if (c->ids[i] == id)
			return false;
		i = (i + 1) & mask;
	}
	c->ids[i] = id;
	c->nids++;
	return true;
}

static void add(struct evctx *c, const char *kind, int cve,
                enum hunt_level level, enum severity sev, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void add(struct evctx *c, const char *kind, int cve,
                enum hunt_level level, enum severity sev, const char *fmt, ...)
{
	char detail[900];
	va_list ap;
	struct finding *f;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	f = hunt_add(c->h, kind, cve, level, sev, c->path, c->e->record_id,
	             detail);
	if (f)
		snprintf(f->time, sizeof f->time, "%s", c->e->time);
}

/* The program a command line starts: its first word, quotes removed. */
static void program_of(const char *s, char *dst, size_t cap)
{
	size_t n = 0;
	char end = ' ';

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '"') {
		end = '"';
		s++;
	}
	while (*s && *s != end && n + 1 < cap)
		dst[n++] = *s++;
	dst[n] = '\0';
}

bool detect_odd_image(const char *s)
{
	static const char *const interpreters[] = {
	    "cmd.exe",         "cmd",
	    "powershell.exe",  "pwsh.exe",
	    "mshta.exe",       "rundll32.exe",
	    "regsvr32.exe",    "wscript.exe",
	    "cscript.exe",     "certutil.exe",
	    "bitsadmin.exe",   "msbuild.exe",
	    "installutil.exe", NULL};
	char prog[512];

	program_of(s, prog, sizeof prog);
	return detect_any(s, odd_places) || detect_any(s, commands) ||
	       named(prog, interpreters);
}

bool detect_hidden_account(const char *name)
{
	size_t n = strlen(name);

	return n > 1 && name[n - 1] == '$';
}

bool detect_windows_own(const char *s)
{
	static const char *const homes[] = {
	    "%windir%\\system32\\",     "%systemroot%\\system32\\",
	    "c:\\windows\\system32\\",  "%windir%\\syswow64\\",
	    "%systemroot%\\syswow64\\", "c:\\windows\\syswow64\\",
	    "\\systemroot\\system32\\", NULL};
	static const char *const markers[] = {
	    "http://",        "https://", " -enc",     "frombase64string",
	    "downloadstring", "iex",      "%comspec%", NULL};
	/* Windows' own tasks never start a shell or PowerShell, and the
	 * only scripts they run are these; a script of any other name in
	 * System32 was put there (by an administrator, or an intruder) */
	static const char *const shells[] = {"cmd.exe", "cmd /", "powershell",
	                                     "pwsh",    "mshta", NULL};
	static const char *const scripts[] = {".ps1", ".psm1", ".bat", ".cmd",
	                                      ".vbs", ".vbe",  ".js",  ".jse",
	                                      ".wsf", ".hta",  NULL};
	static const char *const own_scripts[] = {
	    "\\calluxxprovider.vbs", "\\gathernetworkinfo.vbs", NULL};
	const char *p = s;
	bool any = false;

	if (detect_any(s, odd_places) || detect_any(s, markers) ||
	    detect_any(s, shells))
		return false;
	while (*p) {
		char tok[600];
		size_t n = 0;
		while (*p && strchr(" \t\"'<>,;=()", *p))
			p++;
		while (*p && !strchr(" \t\"'<>,;=()", *p)) {
			if (n + 1 < sizeof tok)
				tok[n++] = *p;
			p++;
		}
		tok[n] = '\0';
		if (!strchr(tok, '\\'))
			continue;
		if (detect_any_ext(tok, scripts) &&
		    !detect_any(tok, own_scripts))
			return false;
		any = true;
		bool home = false;
		for (int k = 0; homes[k] && !home; k++)
			home = !strncasecmp(tok, homes[k], strlen(homes[k]));
		if (!home)
			return false;
	}
	return any;
}

/* A task's actions (4698's TaskContent): from its first <Exec> to its
 * last </Exec>, "" when it has none. */
static void task_exec(const char *xml, char *out, size_t cap)
{
	const char *a = strstr(xml, "<Exec>"), *b = NULL, *q;

	for (q = a; q && (q = strstr(q, "</Exec>")); q += 7)
		b = q;
	if (!a || !b || b < a)
		out[0] = '\0';
	else
		snprintf(out, cap, "%.*s", (int)(b - a), a);
}

bool detect_task_odd(const char *content)
{
	char exec[2048];
	const char *what;

	/* the actions only: the rest of a task's XML names its schema by
	 * URL (xmlns="http://schemas.microsoft.com/..."), its author and its
	 * triggers; a bare command is judged whole */
	task_exec(content, exec, sizeof exec);
	what = exec[0] ? exec : content;
	/* Windows' own tasks run its interpreters on its own scripts
	 * (Server Manager's cscript ... calluxxprovider.vbs) */
	return !detect_windows_own(what) &&
	       (detect_any(what, commands) || detect_any(what, odd_places) ||
	        detect_any_ext(what, (const char *const[]){
	                                 ".ps1", ".bat", ".cmd", ".vbs", ".vbe",
	                                 ".js", ".jse", ".wsf", ".hta", NULL}));
}

static bool odd_image(const char *img)
{
	return detect_odd_image(img);
}

/* A process started: Security 4688 or Sysmon 1. */
/* The text after word in s ("" if absent). */
static const char *after(const char *s, const char *word)
{
	long at = view_find_ci(view_of(s), view_of(word));

	return at < 0 ? "" : s + at + strlen(word);
}

/* Whether a virtual directory's physical path (and what follows it) is
 * an odd folder: under inetpub it is an administrator's site. */
static bool odd_vdir(const char *path)
{
	return detect_odd_image(path) && !detect_has(path, "\\inetpub\\");
}

static bool privileged(const char *text)
{
	int i;

	for (i = 0; privileged_groups[i]; i++)
		if (detect_has(text, privileged_groups[i]))
			return true;
	return false;
}

/* Ways back in made from a command line (Sysmon 1 and 4688 hold what
 * the Security log's own events may not, on servers without auditing):
 * schtasks /create, sc create|config binPath=, net user /add, net
 * localgroup ... /add, reg add of a Run key or WDigest. */
static void persistence_command(struct evctx *c, const char *image,
                                const char *cmdline)
{
	static const char *const scripts[] = {".ps1", ".bat", ".vbs", ".vbe",
	                                      ".hta", ".js",  ".jse", ".wsf",
	                                      ".cmd", NULL};
	static const char *const net[] = {"net.exe", "net1.exe", "net", NULL};

	if (named(image, (const char *const[]){"schtasks.exe", NULL}) &&
	    detect_has(cmdline, "/create")) {
		const char *tr = after(cmdline, "/tr");
		bool odd = detect_odd_image(tr) || detect_any_ext(tr, scripts);
		add(c, "task-created", HC_NONE, HL_NOT_SEEN,
		    odd ? SEV_HIGH : SEV_INFO, "scheduled task created%s: %s",
		    odd ? " running a script or command" : "", cmdline);
	} else if (named(image, (const char *const[]){"sc.exe", NULL}) &&
	           (detect_has(cmdline, " create ") ||
	            detect_has(cmdline, " config ")) &&
	           detect_has(cmdline, "binpath")) {
		const char *bin = after(cmdline, "binpath=");
		bool odd = detect_odd_image(bin);
		add(c, "service-installed", HC_NONE, HL_NOT_SEEN,
		    odd ? SEV_HIGH : SEV_INFO, "service made%s: %s",
		    odd ? " running a command or from an odd folder" : "",
		    cmdline);
	} else if (named(image, net) && detect_has(cmdline, " user ") &&
	           detect_has(cmdline, "/active:yes") &&
	           (detect_has(cmdline, " guest") ||
	            detect_has(cmdline, " defaultaccount"))) {
		/* a built-in account no one should use, switched on */
		add(c, "account-enabled", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "a built-in account enabled: %s", cmdline);
	} else if (named(image, net) && detect_has(cmdline, " user ") &&
	           detect_has(cmdline, "/add")) {
		add(c, "account-created", HC_NONE, HL_NOT_SEEN, SEV_MEDIUM,
		    "account created: %s", cmdline);
	} else if (named(image, net) && detect_has(cmdline, "group") &&
	           detect_has(cmdline, "/add")) {
		bool priv = privileged(cmdline);
		add(c, "group-member-added", HC_NONE, HL_NOT_SEEN,
		    priv ? SEV_HIGH : SEV_INFO, "group member added%s: %s",
		    priv ? " to a privileged group" : "", cmdline);
	} else if (named(image, (const char *const[]){"appcmd.exe", NULL}) &&
	           (detect_has(cmdline, "install module") ||
	            detect_has(cmdline, "add module"))) {
		/* IIS modules added by command (Microsoft's 2022 write-up
		 * of malicious IIS extensions): a native one from outside
		 * Windows' folders, or a managed type not Microsoft's */
		bool native = detect_has(cmdline, "install module");
		const char *img = after(cmdline, "/image:");
		const char *type = after(cmdline, "/type:");
		while (*type == '"')
			type++;
		bool odd = native
		               ? detect_odd_image(img)
		               : type[0] && strncasecmp(type, "System.", 7) &&
		                     strncasecmp(type, "Microsoft.", 10);
		add(c, native ? "iis-global-module" : "iis-managed-module",
		    HC_NONE, HL_NOT_SEEN, odd ? SEV_HIGH : SEV_INFO,
		    "IIS %s module added%s: %s", native ? "native" : "managed",
		    odd ? (native ? " from an odd folder"
		                  : ", a type not "
		                    "Microsoft's")
		        : "",
		    cmdline);
	} else if (named(image, (const char *const[]){"appcmd.exe", NULL}) &&
	           detect_has(cmdline, "add vdir") &&
	           odd_vdir(after(cmdline, "/physicalPath:"))) {
		add(c, "iis-vdir-odd", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "IIS virtual directory made onto an odd folder (the web "
		    "serves what is dropped there): %s",
		    cmdline);
	} else if (named(image, (const char *const[]){"reg.exe", NULL}) &&
	           detect_has(cmdline, " add ")) {
		const char *data = after(cmdline, "/d ");
		if ((detect_has(cmdline, "\\CurrentVersion\\Run") &&
		     detect_odd_image(data)))
			add(c, "run-key", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
			    "Run key added: %s", cmdline);
		else if (detect_has(cmdline, "WDigest") &&
		         detect_has(cmdline, "UseLogonCredential") &&
		         (data[0] == '1' || detect_has(data, "0x1")))
			add(c, "wdigest-enabled", HC_NONE, HL_NOT_SEEN,
			    SEV_HIGH, "WDigest turned on: %s", cmdline);
	}
}

static void command_checks(struct evctx *c, const char *image,
                           const char *cmdline);

/* Whether a command line has word as a whole argument (any case). */
static bool has_arg(const char *cmdline, const char *word)
{
	struct view v = view_of(cmdline), w = view_of(word);
	long at;

	while ((at = view_find_ci(v, w)) >= 0) {
		size_t end = (size_t)at + w.len;
		if ((at == 0 || v.p[at - 1] == ' ' || v.p[at - 1] == '\t') &&
		    (end == v.len || v.p[end] == ' ' || v.p[end] == '\t'))
			return true;
		v.p += end;
		v.len -= end;
	}
	return false;
}

/* A signed Microsoft tool told to write a full memory dump of a process
 * (LOLBAS: ProcDump's -ma, SQL Server's SQLDumper, .NET's createdump,
 * rdrleakdiag's /fullmemdmp, Time Travel Tracing's -dumpFull, Visual
 * Studio's dump64); comsvcs's MiniDump is checked by its caller. */
static bool memory_dumper(const char *image, const char *cmdline)
{
	const char *b = base_name(image);

	if (!strncasecmp(b, "procdump", 8))
		return has_arg(cmdline, "-ma") || has_arg(cmdline, "/ma") ||
		       has_arg(cmdline, "-mp");
	if (!strcasecmp(b, "sqldumper.exe"))
		return detect_has(cmdline, "0x0110"); /* and 0x01100 */
	if (!strcasecmp(b, "createdump.exe"))
		return true; /* it does nothing else */
	if (!strcasecmp(b, "rdrleakdiag.exe"))
		return detect_has(cmdline, "/fullmemdmp");
	if (!strcasecmp(b, "tttracer.exe"))
		return detect_has(cmdline, "-dumpfull");
	if (!strcasecmp(b, "dump64.exe"))
		return true;
	return false;
}

/* Traces wiped or recovery taken away from a command line: an event log
 * cleared (1102 says so only for Security, and only if it is kept), the
 * NTFS change journal deleted, auditing cleared, shadow copies deleted
 * and recovery turned off (a ransomware's first steps). */
static void wipe_command(struct evctx *c, const char *image,
                         const char *cmdline)
{
	static const char *const wevtutil[] = {"wevtutil.exe", "wevtutil",
	                                       NULL};
	static const char *const fsutil[] = {"fsutil.exe", "fsutil", NULL};
	static const char *const auditpol[] = {"auditpol.exe", "auditpol",
	                                       NULL};
	const char *what = NULL, *kind = "log-wipe";

	if (named(image, wevtutil) &&
	    (has_arg(cmdline, "cl") || has_arg(cmdline, "clear-log")))
		what = "clears an event log";
	else if (named(image, fsutil) && detect_has(cmdline, "usn") &&
	         detect_has(cmdline, "deletejournal"))
		what = "deletes the NTFS change journal";
	else if (named(image, auditpol) && (has_arg(cmdline, "/clear") ||
	                                    has_arg(cmdline, "/remove")))
		what = "clears the audit policy";
	else if ((detect_has(cmdline, "vssadmin") &&
	          detect_has(cmdline, "delete") &&
	          detect_has(cmdline, "shadows")) ||
	         (detect_has(cmdline, "shadowcopy") &&
	          detect_has(cmdline, "delete")) ||
	         (detect_has(cmdline, "bcdedit") &&
	          detect_has(cmdline, "recoveryenabled") &&
	          detect_has(cmdline, " no")))
		what = "deletes the shadow copies or turns recovery off (how "
		       "ransomware begins)",
		kind = "shadow-delete";
	if (what)
		add(c, kind, HC_NONE, HL_NOT_SEEN, SEV_HIGH, "%s %s: %.300s",
		    base_name(image), what, cmdline);
}

/* "-R [addr:]port:host:port", SSH's remote forward, whatever the program
 * is called (a renamed plink is usual). */
static bool remote_forward(const char *cmdline)
{
	const char *p = cmdline;

	while ((p = strstr(p, "-R"))) {
		const char *a = p + 2;
		size_t n, colons = 0, i;
		bool start = p == cmdline || p[-1] == ' ' || p[-1] == '\t';
		p += 2;
		if (!start || (*a != ' ' && *a != '\t'))
			continue;
		a += strspn(a, " \t");
		n = strcspn(a, " \t");
		for (i = 0; i < n; i++)
			colons += a[i] == ':';
		if (colons >= 2 && n && a[n - 1] >= '0' && a[n - 1] <= '9' &&
		    a[0] != '-')
			return true;
	}
	return false;
}

/* A tunnel out: the reverse proxies of the Exchange intrusions (ngrok,
 * frp, chisel, and their kin), or a reverse SSH forward, which puts the
 * inside network on the attacker's end. */
static void tunnel_command(struct evctx *c, const char *image,
                           const char *cmdline)
{
	static const char *const tunnels[] = {
	    "ngrok.exe", "frpc.exe",   "chisel.exe",  "gost.exe",
	    "npc.exe",   "iox.exe",    "ligolo.exe",  "revsocks.exe",
	    "rsocx.exe", "ssf.exe",    "stowaway.exe", NULL};
	static const char *const ssh[] = {"plink.exe", "ssh.exe", "plink",
	                                  "ssh", NULL};

	if (named(image, tunnels) ||
	    (named(image, ssh) && has_arg(cmdline, "-R")) ||
	    remote_forward(cmdline) ||
	    (detect_has(cmdline, "ngrok") && has_arg(cmdline, "tcp")) ||
	    (detect_has(cmdline, "chisel") && has_arg(cmdline, "client")))
		add(c, "tunnel-tool", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "a tunnel out of the network (%s): %.300s",
		    base_name(image), cmdline);
}

static void process(struct evctx *c, const char *image, const char *parent,
                    const char *cmdline)
{
	/* Exchange cmdlets on a command line (an agent installed from a web
	 * shell's PowerShell, an export started by one) */
	if (detect_cmdlet_named(view_of(cmdline)))
		detect_cmdlet_text(c->h, c->path, c->e->record_id, c->e->time,
		                   view_of(cmdline), false);
	if (named(parent, exchange_procs) && named(image, attacker_tools)) {
		bool um = named(parent, um_procs);
		add(c, um ? "um-process-spawn" : "exchange-process-spawn",
		    um ? HC_26857 : HC_NONE, um ? HL_EXPLOITED : HL_NOT_SEEN,
		    SEV_CRITICAL, "%s started %s: %s", base_name(parent),
		    base_name(image), cmdline);
	}
	/* China Chopper's client wraps every command it sends ("cd /d
	 * <dir>&<command>&echo [S]&cd&echo [E]"): a web shell at work
	 * whatever the parent, which not every log names */
	if (detect_has(cmdline, "echo [S]") &&
	    detect_has(cmdline, "echo [E]") && !named(parent, exchange_procs))
		add(c, "chopper-command", HC_NONE, HL_NOT_SEEN, SEV_CRITICAL,
		    "a command in China Chopper's wrapper (echo [S] ... echo "
		    "[E]): a web shell at work: %s",
		    cmdline);
	persistence_command(c, image, cmdline);
	wipe_command(c, image, cmdline);
	tunnel_command(c, image, cmdline);
	/* netsh's port forwarding, and RDP opened from a command line */
	if (detect_has(cmdline, "portproxy") && has_arg(cmdline, "add"))
		add(c, "port-proxy", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "a port of this server forwarded to another host: %.300s",
		    cmdline);
	if (detect_has(cmdline, "fDenyTSConnections") &&
	    (detect_has(cmdline, "/d 0") || detect_has(cmdline, "-Value 0")))
		add(c, "rdp-enabled", HC_NONE, HL_NOT_SEEN, SEV_MEDIUM,
		    "Remote Desktop switched on from a command line: %.300s",
		    cmdline);
	if ((detect_has(cmdline, "comsvcs") &&
	     (detect_has(cmdline, "minidump") || detect_has(cmdline, "#24") ||
	      detect_has(cmdline, "#+24"))) ||
	    (detect_has(image, "procdump") && detect_has(cmdline, "lsass")) ||
	    (detect_has(cmdline, "lsass") && detect_has(cmdline, ".dmp")) ||
	    (memory_dumper(image, cmdline) && detect_has(cmdline, "lsass"))) {
		add(c, "lsass-dump", HC_NONE, HL_NOT_SEEN, SEV_CRITICAL,
		    "credential dumping: %s", cmdline);
		return;
	}
	/* The same tools given a process id: LSASS is what intruders dump
	 * so, and the id cannot be checked here. */
	if (memory_dumper(image, cmdline)) {
		add(c, "process-dump", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "a process's whole memory dumped with %s, a signed tool "
		    "intruders use on LSASS by its process id: check which "
		    "process and where the dump went: %.300s",
		    base_name(image), cmdline);
		return;
	}
	if (detect_has(cmdline,
	               "Microsoft.Exchange.Management.PowerShell.SnapIn") &&
	    named(image, (const char *const[]){"powershell.exe", NULL}) &&
	    (detect_has(cmdline, "Get-Mailbox") ||
	     detect_has(cmdline, "Export") || detect_has(cmdline, "-enc")))
		add(c, "exchange-snapin-script", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "Exchange's snap-in loaded by a one-line script (a "
		    "HAFNIUM habit): %s",
		    cmdline);
	command_checks(c, image, cmdline);
}

/* What runs what a cradle fetched: as text (iex), as a program saved
 * first (Start-Process), or loaded as an assembly. */
static const char *const runs[] = {"iex",
                                   "invoke-expression",
                                   "tcpclient",
                                   "powercat",
                                   "reflection.assembly",
                                   ".invoke(",
                                   "scriptblock]::create",
                                   "start-process",
                                   "saps ",
                                   "invoke-item",
                                   "rundll32",
                                   "regsvr32",
                                   NULL};

/* A script block folded to lower case once (ASCII, as view_find_ci
 * folds), so that each of the forty words sought in it is one memmem
 * rather than a case-blind search: a third of reading a log of long
 * script blocks went to those searches. Without the memory for the
 * copy, the words are sought case-blind in the text itself. */
struct lowtext {
	const char *text;
	size_t n;
	char *low; /* NULL: no copy */
};

static bool lhas(const struct lowtext *t, const char *word)
{
	char w[64];
	size_t m = strlen(word);

	if (!t->low || m >= sizeof w || m == 0)
		return detect_has(t->text, word);
	text_lower(w, word, sizeof w);
	return memmem(t->low, t->n, w, m) != NULL;
}

static bool lany(const struct lowtext *t, const char *const *list)
{
	for (; *list; list++)
		if (lhas(t, *list))
			return true;
	return false;
}

/* Whether a Defender exclusion opens a door rather than spares
 * Exchange's databases and logs (Microsoft's list of exclusions for
 * Exchange names its own folders, its processes and data extensions):
 * a folder attackers drop into or a whole drive, a script or program
 * extension, or an interpreter. */
bool detect_odd_exclusion(const char *v)
{
	static const char *const places[] = {"\\programdata",
	                                     "\\users\\public",
	                                     "\\windows\\temp",
	                                     "\\appdata\\",
	                                     "\\perflogs",
	                                     "\\aspnet_client",
	                                     "\\inetpub\\wwwroot",
	                                     "%temp%",
	                                     "%programdata%",
	                                     "%public%",
	                                     NULL};
	/* Exchange's web folders, where its own exclusions never point */
	static const char *const web[] = {"\\owa\\auth",
	                                  "\\ecp\\auth",
	                                  "\\httpproxy\\owa",
	                                  "\\httpproxy\\ecp",
	                                  "\\clientaccess\\owa",
	                                  "\\clientaccess\\ecp",
	                                  NULL};
	static const char *const exts[] = {
	    ".aspx", ".ashx", ".asmx", ".asp", ".ps1", ".bat", ".cmd",
	    ".vbs",  ".js",   ".hta",  ".exe", ".dll", NULL};
	static const char *const progs[] = {
	    "powershell.exe", "pwsh.exe",     "cmd.exe",
	    "rundll32.exe",   "regsvr32.exe", "mshta.exe",
	    "wscript.exe",    "cscript.exe",  NULL};
	size_t n = strlen(v);
	char bare[8];

	/* a whole drive: "C:\" or "C:" */
	if ((n == 2 || n == 3) && v[1] == ':' && (n == 2 || v[2] == '\\'))
		return true;
	/* an extension given bare ("aspx") or with its dot */
	snprintf(bare, sizeof bare, ".%s", v[0] == '.' ? v + 1 : v);
	if (n <= 5 && detect_any_ext(bare, exts))
		return true;
	if (detect_any(v, web))
		return true;
	/* Microsoft's list: Exchange's own folders, the Office converter's
	 * OICE_ folders in Windows\Temp */
	if (detect_has(v, "\\exchange server\\") ||
	    detect_has(v, "%exchangeinstallpath%") || detect_has(v, "\\oice_"))
		return false;
	return detect_any(v, places) || named(v, progs);
}

/* Defender switched off or told to look away: its own log (5001 and
 * friends, 5007's exclusions), or PowerShell's Set/Add-MpPreference
 * (text: a script block, a command line). */
static void defender_text(struct evctx *c, const struct lowtext *t,
                          const char *where)
{
	static const char *const off[] = {"-disablerealtimemonitoring",
	                                  "-disableioavprotection",
	                                  "-disablebehaviormonitoring",
	                                  "-disablescriptscanning",
	                                  "-disableblockatfirstseen",
	                                  "-disableintrusionpreventionsystem",
	                                  NULL};
	const char *const *k;

	if (lhas(t, "set-mppreference"))
		for (k = off; *k; k++)
			if (lhas(t, *k)) {
				add(c, "defender-disabled", HC_NONE,
				    HL_NOT_SEEN, SEV_HIGH,
				    "%s turns Defender's protection off (%s): "
				    "%.300s",
				    where, *k + 1, t->text);
				break;
			}
	if (lhas(t, "add-mppreference") && lhas(t, "-exclusion")) {
		/* each quoted or bare argument after an -Exclusion switch */
		const char *p = t->text;
		while ((p = strchr(p, '-'))) {
			char arg[300];
			size_t m;
			p++;
			if (strncasecmp(p, "exclusion", 9))
				continue;
			p += strcspn(p, " \t");
			p += strspn(p, " \t");
			if (*p == '"' || *p == '\'') {
				char q[2] = {*p++, '\0'};
				m = strcspn(p, q); /* to its closing quote */
			} else {
				m = strcspn(p, "; \t,)");
			}
			snprintf(arg, sizeof arg, "%.*s", (int)m, p);
			if (arg[0] && detect_odd_exclusion(arg)) {
				add(c, "defender-exclusion", HC_NONE,
				    HL_NOT_SEEN, SEV_HIGH,
				    "%s excludes %s from Defender's scans: "
				    "%.300s",
				    where, arg, t->text);
				break;
			}
		}
	}
}

static void defender_event(struct evctx *c, uint32_t id)
{
	struct event *e = c->e;

	if (id == 5001 || id == 5010 || id == 5012) {
		add(c, "defender-disabled", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "Defender's %s was turned off",
		    id == 5001   ? "real-time protection"
		    : id == 5010 ? "scanning for spyware"
		                 : "scanning for viruses");
		return;
	}
	if (id == 5007) {
		const char *v = event_get(e, "New Value");
		const char *x = after(v, "\\Exclusions\\");
		char what[400];
		if (!x[0])
			return;
		/* "Paths\C:\ProgramData = 0x0": the name before " = " */
		x += strcspn(x, "\\");
		if (*x == '\\')
			x++;
		snprintf(what, sizeof what, "%.*s", (int)strcspn(x, "="), x);
		for (size_t n = strlen(what); n && what[n - 1] == ' ';)
			what[--n] = '\0';
		if (detect_odd_exclusion(what))
			add(c, "defender-exclusion", HC_NONE, HL_NOT_SEEN,
			    SEV_HIGH, "Defender told to skip %s: %.300s", what,
			    v);
	}
}

/* The checks of PowerShell text (a script block, a command line, the
 * script an encoded command holds), named in findings as where; with
 * cmdlets, the Exchange cmdlets in it are checked too. */
static void text_checks(struct evctx *c, const char *text, const char *where,
                        bool cmdlets)
{
	struct view v = view_of(text);
	size_t ticks = 0, i, n = strlen(text);
	struct lowtext t = {text, n, malloc(n + 1)};

	if (t.low)
		text_lower(t.low, text, n + 1);

	/* a download that is run (an admin fetching a file to disk is not
	 * one), or a shell over a socket */
	if (lany(&t, cradles) && lany(&t, runs))
		add(c, "download-cradle", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "%s downloads and runs code or opens a shell: %.300s",
		    where, text);
	else if (lhas(&t, "frombase64string") &&
	         (lhas(&t, "iex") || lhas(&t, "invoke-expression")))
		add(c, "encoded-script", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "%s runs decoded text: %.300s", where, text);
	for (i = 0; i < n; i++)
		ticks += text[i] == '`' || text[i] == '^';
	if (n > 200 &&
	    (ticks * 20 > n || (lhas(&t, "[char]") && lhas(&t, "-join")) ||
	     lhas(&t, "-bxor")))
		add(c, "obfuscated-script", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "%s is obfuscated (escape characters, character codes or "
		    "XOR): %.200s",
		    where, text);
	{
		/* offensive frameworks by their own names (PowerSploit,
		 * Nishang, Empire, Invoke-TheHash, SharpHound) and AMSI
		 * switched off: nothing an administrator types */
		static const char *const tools[] = {
		    "invoke-mimikatz",
		    "sekurlsa::",
		    "lsadump::",
		    "kerberos::golden",
		    "invoke-reflectivepeinjection",
		    "invoke-shellcode",
		    "invoke-dllinjection",
		    "out-minidump",
		    "get-gpppassword",
		    "invoke-kerberoast",
		    "invoke-tokenmanipulation",
		    "invoke-ninjacopy",
		    "invoke-smbexec",
		    "invoke-wmiexec",
		    "invoke-thehash",
		    "get-keystrokes",
		    "invoke-bloodhound",
		    "invoke-rubeus",
		    "amsiinitfailed",
		    "amsiscanbuffer",
		    NULL};
		for (size_t k = 0; tools[k]; k++)
			if (lhas(&t, tools[k])) {
				bool creds =
				    k < 4 || detect_has(tools[k], "dump") ||
				    detect_has(tools[k], "kerberoast") ||
				    detect_has(tools[k], "gpppassword");
				add(c, "offensive-powershell", HC_NONE,
				    HL_NOT_SEEN,
				    creds ? SEV_CRITICAL : SEV_HIGH,
				    "%s runs %s (an attack framework's own "
				    "name)"
				    ": %.300s",
				    where, tools[k], text);
				break;
			}
	}
	if (lhas(&t, "comsvcs") && lhas(&t, "minidump"))
		add(c, "lsass-dump", HC_NONE, HL_NOT_SEEN, SEV_CRITICAL,
		    "%s dumps process memory: %.300s", where, text);
	defender_text(c, &t, where);
	/* a WMI subscription made from PowerShell or wmic */
	if (lhas(&t, "subscription") &&
	    (lhas(&t, "commandlineeventconsumer") ||
	     lhas(&t, "activescripteventconsumer")))
		add(c, "wmi-persistence", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "%s makes a WMI event subscription that runs a command "
		    "or a script: %.300s",
		    where, text);
	if (lhas(&t, "clear-eventlog") || lhas(&t, "remove-eventlog") ||
	    (lhas(&t, "eventlogsession") && lhas(&t, "clearlog")))
		add(c, "log-wipe", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "%s clears an event log: %.300s", where, text);
	/* IIS's own cmdlets adding a native module from an odd folder or a
	 * virtual directory onto one (appcmd's, in process()) */
	if (lhas(&t, "new-webglobalmodule") &&
	    detect_odd_image(after(text, "-Image")))
		add(c, "iis-global-module", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "%s adds a native IIS module from an odd folder: %.300s",
		    where, text);
	if (lhas(&t, "new-webvirtualdirectory") &&
	    odd_vdir(after(text, "-PhysicalPath")))
		add(c, "iis-vdir-odd", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "%s makes an IIS virtual directory onto an odd folder (the "
		    "web serves what is dropped there): %.300s",
		    where, text);
	/* Exchange cmdlets typed into PowerShell */
	if (cmdlets && detect_cmdlet_named(v))
		detect_cmdlet_text(c->h, c->path, c->e->record_id, c->e->time,
		                   v, false);
	free(t.low);
}

static void script_checks(struct evctx *c, const char *text, const char *id,
                          int parts)
{
	char where[120];

	snprintf(where, sizeof where, "script block %s%s", id,
	         parts > 1 ? " (joined from its parts)" : "");
	text_checks(c, text, where, true);
}

/* Whether name (n bytes) names PowerShell's -EncodedCommand: any
 * abbreviation PowerShell takes (-e, -ec, -en, -enc, ..., not -ex). */
static bool encoded_switch(const char *name, size_t n)
{
	static const char full[] = "encodedcommand";

	return (n == 2 && !strncasecmp(name, "ec", 2)) ||
	       (n >= 1 && n <= sizeof full - 1 && !strncasecmp(name, full, n));
}

/* The script of a PowerShell command line's -EncodedCommand: Base64 of
 * UTF-16LE text, decoded (at most LIM_ENCODED_COMMAND bytes; a
 * character above 0x7f as '?'), to be freed; NULL when there is none,
 * or it is not such text (*oom set when memory ran out). Memory is
 * taken only for a switch found. */
static char *encoded_command(const char *cmdline, bool *oom)
{
	const size_t cap = LIM_ENCODED_COMMAND + 1;
	const char *p = cmdline;
	unsigned char *raw = NULL;
	char *out = NULL;

	for (; (p = strpbrk(p, "-/")); p++) {
		const char *name = p + 1, *q;
		size_t m = strcspn(name, " \t\"'"), nraw, used, o = 0, i;
		size_t wide = 0;

		/* a switch starts the command line or follows a blank */
		if ((p > cmdline && !strchr(" \t\"", p[-1])) ||
		    !encoded_switch(name, m))
			continue;
		if (!raw &&
		    (!(raw = malloc(cap * 2)) || !(out = malloc(cap)))) {
			*oom = true;
			break;
		}
		q = name + m;
		q += strspn(q, " \t\"'");
		nraw = text_b64_decode((struct view){q, strlen(q)}, false, raw,
		                       cap * 2 - 2, &used);
		if (used < 8 || nraw < 4)
			continue;
		for (i = 0; i + 1 < nraw && o + 1 < cap; i += 2) {
			unsigned u = raw[i] | (unsigned)raw[i + 1] << 8;
			if (u == 0)
				break;
			out[o++] = u < 0x80 ? (char)u : '?';
		}
		out[o] = '\0';
		/* UTF-16LE text: nearly every second byte is zero */
		for (i = 1; i < nraw; i += 2)
			wide += raw[i] == 0;
		if (o > 0 && wide * 4 >= (nraw / 2) * 3) {
			free(raw);
			return out;
		}
	}
	free(raw);
	free(out);
	return NULL;
}

/* A process's command line as what it runs: PowerShell's own text (and
 * the script an encoded command hides) through the script checks, and
 * the Windows programs that fetch code from the web (certutil
 * -urlcache, bitsadmin /transfer, mshta and regsvr32 given a URL: the
 * download rules of Sigma's process-creation set). */
static void command_checks(struct evctx *c, const char *image,
                           const char *cmdline)
{
	/* a logged host line may name the program without .exe */
	static const char *const ps[] = {
	    "powershell.exe", "pwsh.exe", "powershell_ise.exe",
	    "powershell",     "pwsh",     NULL};
	char where[200];
	bool web = detect_has(cmdline, "http://") ||
	           detect_has(cmdline, "https://") ||
	           detect_has(cmdline, "ftp://");

	if (named(image, ps) ||
	    (named(image, (const char *const[]){"cmd.exe", NULL}) &&
	     detect_has(cmdline, "powershell"))) {
		char *script;
		snprintf(where, sizeof where, "the command line of %s",
		         base_name(image));
		text_checks(c, cmdline, where, false);
		if ((script = encoded_command(cmdline, &c->h->out_of_memory))) {
			snprintf(where, sizeof where,
			         "the encoded command of %s (decoded)",
			         base_name(image));
			text_checks(c, script, where, true);
			free(script);
		}
	}
	if (web &&
	    ((named(image, (const char *const[]){"certutil.exe", NULL}) &&
	      (detect_has(cmdline, "urlcache") ||
	       detect_has(cmdline, "verifyctl"))) ||
	     (named(image, (const char *const[]){"bitsadmin.exe", NULL}) &&
	      (detect_has(cmdline, "/transfer") ||
	       detect_has(cmdline, "/addfile"))) ||
	     named(image, (const char *const[]){"mshta.exe", NULL}) ||
	     (named(image, (const char *const[]){"regsvr32.exe", NULL}) &&
	      detect_has(cmdline, "/i:"))))
		add(c, "download-cradle", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "%s fetches code from the web (a Windows program used as "
		    "a downloader): %.300s",
		    base_name(image), cmdline);
}

static void free_block(struct evctx *c, size_t i)
{
	struct block *b = &c->blocks[i];
	int k;

	for (k = 0; k < b->total; k++) {
		if (b->part[k])
			c->bytes -= strlen(b->part[k]) + 1;
		free(b->part[k]);
	}
	free(b->part);
	c->blocks[i] = c->blocks[--c->nblocks];
}

static void finish_block(struct evctx *c, size_t i, bool partial)
{
	struct block *b = &c->blocks[i];
	size_t len = 0;
	char *all;
	int k;

	for (k = 0; k < b->total; k++)
		len += b->part[k] ? strlen(b->part[k]) : 0;
	all = malloc(len + 1);
	if (all) {
		len = 0;
		for (k = 0; k < b->total; k++)
			if (b->part[k]) {
				size_t n = strlen(b->part[k]);
				memcpy(all + len, b->part[k], n);
				len += n;
			}
		all[len] = '\0';
		if (partial)
			hunt_note(c->h,
			          "%s: script block %s has %d of its %d parts "
			          "in this log; checked as found",
			          c->path, b->id, b->got, b->total);
		script_checks(c, all, b->id, b->total);
		free(all);
	} else {
		c->h->out_of_memory = true;
	}
	free_block(c, i);
}

/* PowerShell 4104: parts of one script block share a ScriptBlockId and
 * are checked joined, in MessageNumber order. */
static void script_block(struct evctx *c)
{
	struct event *e = c->e;
	const char *id = event_get(e, "ScriptBlockId");
	const char *text = event_get(e, "ScriptBlockText");
	long num = strtol(event_get(e, "MessageNumber"), NULL, 10);
	long total = strtol(event_get(e, "MessageTotal"), NULL, 10);
	size_t i;
	struct block *b;

	if (total <= 1 || total > 10000 || num < 1 || num > total || !id[0]) {
		script_checks(c, text, id, 1);
		return;
	}
	for (i = 0; i < c->nblocks; i++)
		if (!strcmp(c->blocks[i].id, id))
			break;
	if (i == c->nblocks) {
		if (c->nblocks >= LIM_SCRIPT_BLOCKS ||
		    array_reserve(&c->blocks, &c->capblocks, c->nblocks + 1,
		                  sizeof *c->blocks, 16)) {
			c->blocks_full = true;
			script_checks(c, text, id, 1);
			return;
		}
		b = &c->blocks[c->nblocks];
		memset(b, 0, sizeof *b);
		snprintf(b->id, sizeof b->id, "%s", id);
		b->total = (int)total;
		b->part = calloc((size_t)total, sizeof *b->part);
		if (!b->part) {
			c->h->out_of_memory = true;
			return;
		}
		snprintf(b->time, sizeof b->time, "%s", e->time);
		b->record = e->record_id;
		c->nblocks++;
	}
	b = &c->blocks[i];
	if (num > b->total || b->part[num - 1])
		return; /* a repeat, or a total that changed */
	if (c->bytes + strlen(text) + 1 > LIM_SCRIPT_BLOCK_BYTES) {
		c->blocks_full = true;
		script_checks(c, text, id, 1);
		return;
	}
	b->part[num - 1] = strdup(text);
	if (!b->part[num - 1]) {
		c->h->out_of_memory = true;
		return;
	}
	c->bytes += strlen(text) + 1;
	if (++b->got == b->total)
		finish_block(c, i, false);
}

static void registry_write(struct evctx *c, const char *key, const char *val,
                           bool deleted)
{
	const char *leaf = strrchr(key, '\\');

	leaf = leaf ? leaf + 1 : key;
	if ((detect_has(key, "\\CurrentVersion\\Run\\") ||
	     detect_has(key, "\\CurrentVersion\\RunOnce\\")) &&
	    !deleted && detect_odd_image(val))
		add(c, "run-key", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "%s set to start %s at logon", key, val);
	else if (detect_has(key, "\\Services\\") &&
	         !strcasecmp(leaf, "ImagePath") && !deleted &&
	         detect_odd_image(val))
		add(c, "service-image", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "%s set to %s", key, val);
	else if (detect_has(key, "\\WDigest\\") &&
	         !strcasecmp(leaf, "UseLogonCredential") && !deleted &&
	         (detect_has(val, "0x00000001") || !strcmp(val, "1")))
		add(c, "wdigest-enabled", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "WDigest set to keep clear-text passwords (%s)", key);
	else if (detect_has(key, "\\SAM\\Domains\\Account\\Users\\Names\\") &&
	         !deleted && detect_hidden_account(leaf))
		add(c, "hidden-account", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "local account %s made, named to hide from \"net user\": "
		    "%s",
		    leaf, key);
	else if (detect_has(key, "\\TaskCache\\Tree\\") &&
	         (!strcasecmp(leaf, "SD") || !strcasecmp(leaf, "Index")) &&
	         deleted)
		add(c, "hidden-task", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "the %s of a scheduled task was deleted (the task is "
		    "hidden): %s",
		    !strcasecmp(leaf, "SD") ? "security descriptor"
		                            : "Index value",
		    key);
}

#define STARTED_SLOTS 4096 /* a power of two */

static size_t started_slot(uint64_t pid)
{
	return (size_t)((pid * 0x9e3779b97f4a7c15ull) >> 52) &
	       (STARTED_SLOTS - 1);
}

/* A 4688's process id ("0x1a2c"): 0 when there is none. */
static uint64_t pid_of(const char *s)
{
	return s[0] ? strtoull(s, NULL, 0) : 0;
}

/* The program started as pid, by its file name: one slot per hash, a
 * later start overwrites (bounded: STARTED_SLOTS entries). */
static void remember_start(struct evctx *c, const char *pid, const char *image)
{
	uint64_t id = pid_of(pid);
	struct started *s;

	if (!id || !image[0])
		return;
	if (!c->started &&
	    !(c->started = calloc(STARTED_SLOTS, sizeof *c->started))) {
		/* Parents of old-style 4688 events go unnamed: said, as any
		 * check cut short for memory (the report's flag, exit 3). */
		c->h->out_of_memory = true;
		return;
	}
	s = &c->started[started_slot(id)];
	s->pid = id;
	snprintf(s->image, sizeof s->image, "%s", base_name(image));
}

static const char *started_by(struct evctx *c, const char *pid)
{
	uint64_t id = pid_of(pid);
	const struct started *s;

	if (!id || !c->started)
		return "";
	s = &c->started[started_slot(id)];
	return s->pid == id ? s->image : "";
}

/* An event's values as "name=value " pairs, cut to cap: for checks
 * that look at the whole of a configuration or WMI event. */
static void event_values(const struct event *e, char *all, size_t cap)
{
	all[0] = '\0';
	for (int i = 0; i < e->nv; i++)
		snprintf(all + strlen(all), cap - strlen(all), "%s=%s ",
		         e->v[i].name, e->v[i].value);
}

static void one_event(struct evctx *c)
{
	struct event *e = c->e;
	const char *prov = e->provider, *chan = e->channel;
	uint32_t id = e->event_id;
	bool sysmon = detect_has(prov, "Sysmon");

	if (e->time[0])
		hunt_cover(c->h, LS_EVENTS, e->time);
	if (!strcasecmp(prov, "MSExchange Unified Messaging") &&
	    (e->level == 2 || e->level == -1)) {
		for (int i = 0; i < e->nv; i++)
			if (detect_has(e->v[i].value,
			               "System.InvalidCastException")) {
				add(c, "um-deserialization", HC_26857,
				    HL_EXPLOITED, SEV_CRITICAL,
				    "MSExchange Unified Messaging error with "
				    "System.InvalidCastException (the shape "
				    "Microsoft's Test-ProxyLogon looks for): "
				    "%.300s",
				    e->v[i].value);
				break;
			}
		return;
	}
	/* ASP.NET's web event 4009, "Viewstate verification failed": a
	 * forged ViewState signed with keys other than this site's. One
	 * that carries a gadget was an attempt to run code (benign ones,
	 * after a key change or an expired page, carry none). */
	if (id == 1316 && !strncasecmp(prov, "ASP.NET", 7)) {
		/* the payload, as ViewStateException words it */
		static const char *const keys[] = {
		    "PersistedState:", "ViewState:", NULL};
		for (int i = 0; i < e->nv * 2; i++) {
			const char *st = after(e->v[i / 2].value, keys[i % 2]);
			const char *g;
			while (*st == ' ' || *st == '\t' || *st == '\r' ||
			       *st == '\n')
				st++;
			if (st[0] && (g = detect_b64_gadget(view_of(st)))) {
				add(c, "viewstate-gadget", -1, HL_ATTEMPTED,
				    SEV_HIGH,
				    "ASP.NET rejected a ViewState carrying a "
				    "deserialization gadget (%s): someone "
				    "tried "
				    "to run code through forged ViewState "
				    "(CVE-2020-0688 on Exchange's ECP); it "
				    "failed "
				    "here as the keys did not match, and "
				    "succeeds "
				    "silently wherever they do",
				    g);
				break;
			}
		}
		return;
	}
	if (!strcasecmp(prov, "MSExchange CmdletLogs") ||
	    detect_has(chan, "MSExchange Management")) {
		char text[4096];
		if (id != 1 && id != 6)
			return;
		snprintf(text, sizeof text, "%s %s", event_get(e, "0"),
		         event_get(e, "1"));
		detect_cmdlet_text(c->h, c->path, e->record_id, e->time,
		                   view_of(text), id == 6);
		return;
	}
	/* PowerShell's other logs, which servers keep without script block
	 * logging: Windows PowerShell 400 names the host's command line
	 * (an -EncodedCommand there is decoded and checked); its 800 and
	 * the operational log's 4103 (module logging) hold the pipeline's
	 * text and the commands it ran. The same text logged again (800 per
	 * command of one pipeline) is checked once. */
	if ((id == 400 || id == 800) && !strcasecmp(prov, "PowerShell")) {
		for (int i = 0; i < e->nv; i++) {
			const char *v = e->v[i].value;
			const char *h = after(v, "HostApplication=");
			if (h[0]) {
				/* the host's line, whole (a value is bounded
				 * by LIM_EVENT_XML) */
				char *line = strndup(h, strcspn(h, "\r\n"));
				char prog[512];
				if (!line) {
					c->h->out_of_memory = true;
					break;
				}
				program_of(line, prog, sizeof prog);
				if (!seen_text(c, line))
					command_checks(c, prog, line);
				free(line);
			} else if (id == 800 && v[0] && !seen_text(c, v)) {
				/* the pipeline's text, the details */
				text_checks(c, v,
				            "a PowerShell pipeline (Windows "
				            "PowerShell log, 800)",
				            true);
			}
		}
		return;
	}
	if (id == 4103 && detect_has(prov, "PowerShell")) {
		const char *p = event_get(e, "Payload");
		if (p[0] && !seen_text(c, p))
			text_checks(c, p,
			            "a PowerShell command's module log (4103)",
			            true);
		return;
	}
	if (id == 4104 && detect_has(prov, "PowerShell")) {
		script_block(c);
		return;
	}
	if (id == 4688 && detect_has(prov, "Security-Auditing")) {
		const char *parent = event_get(e, "ParentProcessName");
		const char *image = event_get(e, "NewProcessName");
		if (!parent[0])
			parent = started_by(c, event_get(e, "ProcessId"));
		process(c, image, parent, event_get(e, "CommandLine"));
		remember_start(c, event_get(e, "NewProcessId"), image);
		return;
	}
	if (sysmon && id == 1) {
		process(c, event_get(e, "Image"), event_get(e, "ParentImage"),
		        event_get(e, "CommandLine"));
		return;
	}
	if (sysmon && id == 11) {
		const char *img = event_get(e, "Image");
		const char *file = event_get(e, "TargetFilename");
		static const char *const code[] = {
		    ".aspx", ".ashx", ".asmx", ".asp", ".ps1", ".bat",
		    ".exe",  ".dll",  ".jsp",  ".php", ".vbs", NULL};
		const char *dot = strrchr(file, '.');
		/* ASP.NET compiles pages to DLLs in its own folder */
		bool compiled =
		    detect_has(file, "\\Temporary ASP.NET Files\\") ||
		    detect_has(file, "\\Microsoft.NET\\");
		if (named(img, exchange_procs) && dot && named(dot, code) &&
		    !compiled) {
			bool um = named(img, um_procs);
			add(c, "script-written-by-exchange",
			    um ? HC_26858 : HC_NONE,
			    um ? HL_EXPLOITED : HL_NOT_SEEN, SEV_CRITICAL,
			    "%s wrote %s", base_name(img), file);
		} else if ((detect_has(file, "lsass") ||
		            detect_has(file, "\\dumpert.dmp")) &&
		           detect_has(file, ".dmp")) {
			/* dumpert.dmp: Outflank's Dumpert, by its own name */
			add(c, "lsass-dump", HC_NONE, HL_NOT_SEEN, SEV_CRITICAL,
			    "%s wrote %s", base_name(img), file);
		}
		return;
	}
	if (sysmon && id == 10 &&
	    named(event_get(e, "TargetImage"),
	          (const char *const[]){"lsass.exe", NULL})) {
		const char *trace = event_get(e, "CallTrace");
		const char *src = event_get(e, "SourceImage");
		const char *access = event_get(e, "GrantedAccess");
		/* a dump through the debugging libraries; or memory read
		 * (0x10 VM_READ with query rights, Mimikatz's masks) by code
		 * not in any module (UNKNOWN frames: injected or reflective)
		 * or by a program from an odd folder; Defender and the
		 * system's own readers are not this */
		bool dump = detect_any(
		    trace, (const char *const[]){"dbghelp", "dbgcore",
		                                 "comsvcs", NULL});
		bool reads = detect_any(
		    access, (const char *const[]){"0x1010", "0x1410", "0x1438",
		                                  "0x143a", "0x1fffff", NULL});
		bool unbacked = detect_has(trace, "UNKNOWN(");
		bool ours = detect_has(src, "\\Windows Defender\\") ||
		            detect_has(src, "\\Windows\\System32\\");
		if (dump ||
		    (reads && !ours && (unbacked || detect_odd_image(src))))
			add(c, "lsass-access", HC_NONE, HL_NOT_SEEN,
			    SEV_CRITICAL, "%s read LSASS memory (access %s%s)",
			    src, access,
			    dump       ? ", through a dump library"
			    : unbacked ? ", from code in no module"
			               : ", from an odd folder");
		return;
	}
	/* registry writes (Sysmon 12, 13; Security 4657): the same ways
	 * back in as the hives show, at the time they were made */
	if ((sysmon && (id == 12 || id == 13)) ||
	    (id == 4657 && detect_has(prov, "Security-Auditing"))) {
		char key[1200];
		const char *val;
		if (id == 4657) {
			snprintf(key, sizeof key, "%s\\%s",
			         event_get(e, "ObjectName"),
			         event_get(e, "ObjectValueName"));
			val = event_get(e, "NewValue");
		} else {
			snprintf(key, sizeof key, "%s",
			         event_get(e, "TargetObject"));
			val = event_get(e, "Details");
		}
		/* Sysmon 12 DeleteValue; 4657's operation %%1906 (deleted) */
		registry_write(
		    c, key, val,
		    id == 12
		        ? detect_has(event_get(e, "EventType"), "Delete")
		        : detect_has(event_get(e, "OperationType"), "1906"));
		return;
	}
	if (sysmon && (id == 23 || id == 26) &&
	    detect_has(event_get(e, "TargetFilename"), "_Cmdlet_")) {
		add(c, "exchange-logs-deleted", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "Exchange PowerShell log deleted: %s",
		    event_get(e, "TargetFilename"));
		return;
	}
	if ((id == 7045 && detect_has(prov, "Service Control Manager")) ||
	    (id == 4697 && detect_has(prov, "Security-Auditing"))) {
		const char *img = id == 7045 ? event_get(e, "ImagePath")
		                             : event_get(e, "ServiceFileName");
		bool odd = odd_image(img);
		add(c, "service-installed", HC_NONE, HL_NOT_SEEN,
		    odd ? SEV_HIGH : SEV_INFO, "service %s installed%s: %s",
		    event_get(e, "ServiceName"),
		    odd ? " running a command or from an odd folder" : "", img);
		return;
	}
	if (id == 4720 && detect_has(prov, "Security-Auditing")) {
		const char *user = event_get(e, "TargetUserName");
		bool hidden = detect_hidden_account(user);
		add(c, hidden ? "hidden-account" : "account-created", HC_NONE,
		    HL_NOT_SEEN, hidden ? SEV_HIGH : SEV_MEDIUM,
		    "account %s\\%s created by %s%s",
		    event_get(e, "TargetDomainName"), user,
		    event_get(e, "SubjectUserName"),
		    hidden ? " (named to hide from \"net user\")" : "");
		return;
	}
	if (id == 4722 && detect_has(prov, "Security-Auditing")) {
		/* Guest (RID 501) or DefaultAccount (503) enabled: a way in
		 * with a known name; other accounts enabled are routine */
		const char *sid = event_get(e, "TargetSid");
		size_t n = strlen(sid);
		bool builtin =
		    (n > 4 && (!strcmp(sid + n - 4, "-501") ||
		               !strcmp(sid + n - 4, "-503"))) ||
		    !strcasecmp(event_get(e, "TargetUserName"), "Guest") ||
		    !strcasecmp(event_get(e, "TargetUserName"),
		                "DefaultAccount");
		add(c, "account-enabled", HC_NONE, HL_NOT_SEEN,
		    builtin ? SEV_HIGH : SEV_INFO,
		    "account %s\\%s enabled by %s%s",
		    event_get(e, "TargetDomainName"),
		    event_get(e, "TargetUserName"),
		    event_get(e, "SubjectUserName"),
		    builtin ? " (a built-in account no one should use)" : "");
		return;
	}
	if ((id == 4728 || id == 4732 || id == 4756) &&
	    detect_has(prov, "Security-Auditing")) {
		const char *group = event_get(e, "TargetUserName");
		bool priv = false;
		for (int i = 0; privileged_groups[i]; i++)
			priv = priv || !strcasecmp(group, privileged_groups[i]);
		add(c, "group-member-added", HC_NONE, HL_NOT_SEEN,
		    priv ? SEV_HIGH : SEV_INFO, "%s (%s) added to %s%s by %s",
		    event_get(e, "MemberName"), event_get(e, "MemberSid"),
		    group, priv ? " (a privileged group)" : "",
		    event_get(e, "SubjectUserName"));
		return;
	}
	if (id == 4698 && detect_has(prov, "Security-Auditing")) {
		const char *content = event_get(e, "TaskContent");
		bool odd = detect_task_odd(content);
		add(c, "task-created", HC_NONE, HL_NOT_SEEN,
		    odd ? SEV_HIGH : SEV_INFO, "scheduled task %s created%s",
		    event_get(e, "TaskName"),
		    odd ? " running a script or command" : "");
		return;
	}
	if ((id == 1102 && detect_has(prov, "Eventlog")) ||
	    (id == 104 && detect_has(prov, "Eventlog"))) {
		add(c, "log-cleared", HC_NONE, HL_NOT_SEEN, SEV_HIGH,
		    "the %s log was cleared by %s",
		    id == 1102 ? "Security" : event_get(e, "Channel"),
		    event_get(e, "SubjectUserName")[0]
		        ? event_get(e, "SubjectUserName")
		        : event_get(e, "SubjectDomainName"));
		return;
	}
	/* A WMI event subscription whose consumer runs a command or a
	 * script: it starts again on its event after every reboot
	 * (WMI-Activity 5861 names the binding; Sysmon 20 the consumer).
	 * The SCM event log consumer Windows ships only logs. */
	if ((id == 5861 && detect_has(prov, "WMI-Activity")) ||
	    (sysmon && id == 20)) {
		char all[2000];
		event_values(e, all, sizeof all);
		if ((detect_has(all, "CommandLineEventConsumer") ||
		     detect_has(all, "ActiveScriptEventConsumer") ||
		     (sysmon && (detect_has(all, "Type=Command Line") ||
		                 detect_has(all, "Type=Script")))) &&
		    !detect_has(all, "SCM Event Log"))
			add(c, "wmi-persistence", HC_NONE, HL_NOT_SEEN,
			    SEV_HIGH,
			    "a WMI event subscription runs a command or a "
			    "script whenever its event comes: %.600s",
			    all);
		return;
	}
	if (id == 29 && detect_has(prov, "IIS-Configuration")) {
		char all[1200];
		event_values(e, all, sizeof all);
		if (detect_has(all, "modules") || detect_has(all, "handlers") ||
		    detect_has(all, "isapiFilters"))
			add(c, "iis-module-changed", HC_NONE, HL_NOT_SEEN,
			    SEV_HIGH,
			    "IIS configuration changed where code is loaded: "
			    "%.600s",
			    all);
		return;
	}
	if ((id == 5001 || id == 5010 || id == 5012 || id == 5007) &&
	    detect_has(prov, "Windows Defender")) {
		defender_event(c, id);
		return;
	}
	if ((id == 1116 || id == 1117 || id == 1006 || id == 1007) &&
	    detect_has(prov, "Windows Defender")) {
		const char *threat = event_get(e, "Threat Name");
		bool exch = detect_any(
		    threat, (const char *const[]){
		                "Exchg", "CVE-2021-", "Chopper", "HAFNIUM",
		                "ProxyShell", "ProxyLogon", "Webshell", NULL});
		add(c, "defender-detection", HC_NONE, HL_NOT_SEEN,
		    exch ? SEV_CRITICAL : SEV_MEDIUM, "Defender: %s at %s",
		    threat, event_get(e, "Path"));
	}
}

static void on_line(void *arg, char **f, int n)
{
	struct evctx *c = arg;

	if (n >= 3 && !strcmp(f[0], "R")) {
		if (event_parse_xml(f[2], strlen(f[2]), c->e)) {
			c->bad++;
			return;
		}
		c->e->recovered = !strcmp(f[1], "recovered");
		if (!first_time(c, c->e->record_id)) {
			c->duplicates++;
			return;
		}
		if (c->e->recovered)
			c->recovered++;
		else
			c->live++;
		one_event(c);
	} else if (n >= 6 && !strcmp(f[0], "S")) {
		c->summary = true;
		c->failed = strtoul(f[3], NULL, 10);
		c->dirty = f[4][0] == '1';
		if (n >= 7)
			c->duplicates += strtoul(f[6], NULL, 10);
		if (n >= 8)
			c->corrupted = f[7][0] == '1';
	}
}

static void finish(struct evctx *c)
{
	free(c->started);
	c->started = NULL;
	free(c->texts);
	c->texts = NULL;
	while (c->nblocks)
		finish_block(c, 0, true);
	free(c->blocks);
	c->blocks = NULL;
	free(c->ids);
	c->ids = NULL;
}

void detect_event_records(struct hunt *h, const char *rel,
                          const char *const *xml, int n)
{
	struct evctx c = {.h = h, .path = rel};
	int i;

	c.e = malloc(sizeof *c.e);
	if (!c.e) {
		h->out_of_memory = true;
		return;
	}
	for (i = 0; i < n; i++) {
		char *f[3] = {"R", "live", (char *)xml[i]};
		on_line(&c, f, 3);
	}
	finish(&c);
	free(c.e);
}

void detect_evtx(struct hunt *h, int fd, const char *rel)
{
	detect_evtx_via(h, "__read-evtx", fd, rel);
}

void detect_evtx_via(struct hunt *h, const char *verb, int fd, const char *rel)
{
	struct evctx c = {.h = h, .path = rel};
	struct child_result r;

	c.e = malloc(sizeof *c.e);
	if (!c.e) {
		h->out_of_memory = true;
		return;
	}
	if (child_run(verb, fd, LIM_EVENT_XML * 2 + 64, on_line, &c, &r)) {
		hunt_unreadable(h, rel, "the event-log reader could not start");
	} else if (!r.complete || !c.summary) {
		hunt_unreadable(h, rel, child_why(&r));
	}
	finish(&c);
	h->cov[LS_EVENTS].files++;
	h->cov[LS_EVENTS].lines += c.live + c.recovered;
	h->files_scanned++;
	if (c.failed || c.bad)
		hunt_unreadable(h, rel,
		                c.failed ? "some records could not be read "
		                           "(damaged): the rest were"
		                         : "some records were not events");
	if (c.failed || c.bad || c.recovered || c.duplicates || c.dirty)
		hunt_note(
		    h,
		    "%s: %lu records read, %lu recovered from free space "
		    "(and %lu copies of records already read), %lu "
		    "unreadable%s",
		    rel, c.live, c.recovered, c.duplicates, c.failed + c.bad,
		    c.dirty ? "; the log was not closed cleanly (dirty)" : "");
	if (c.corrupted)
		hunt_note(h,
		          "%s: checksums in the log do not match its content "
		          "(its header or a chunk): damaged, cut short, or "
		          "edited after Windows wrote it",
		          rel);
	if (c.blocks_full)
		hunt_note(
		    h,
		    "%s: too many split script blocks at once; some parts "
		    "were checked alone",
		    rel);
	free(c.e);
}
