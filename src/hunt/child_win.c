/* hunt/child.h on Windows: the reader runs as "exhunt.exe <verb>" in a
 * job object (its memory, CPU time and process count bounded, killed with
 * the job), with the evidence file's handle as its standard input and a
 * pipe as its standard output; only those handles are inherited. The
 * parent watches the wall clock and the child's memory as on Linux. */
#include "hunt/child.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/limits.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <psapi.h>
#include "base/banned.h"

void child_limits(void)
{
	/* Set from outside, by the job object the parent puts it in. Errors
	 * must not open a dialog box and wait for a click. */
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX |
	             SEM_NOOPENFILEERRORBOX);
	_setmode(_fileno(stdout), _O_BINARY);
}

void child_limit_memory(unsigned long long bytes)
{
	(void)bytes;
}

static unsigned long long resident(HANDLE proc)
{
	PROCESS_MEMORY_COUNTERS_EX pmc;

	memset(&pmc, 0, sizeof pmc);
	if (!GetProcessMemoryInfo(proc, (PROCESS_MEMORY_COUNTERS *)&pmc,
	                          sizeof pmc))
		return 0;
	return pmc.PrivateUsage > pmc.WorkingSetSize ? pmc.PrivateUsage
	                                             : pmc.WorkingSetSize;
}

unsigned long long child_resident(pid_t pid)
{
	HANDLE p =
	    OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
	unsigned long long n;

	if (!p)
		return 0;
	n = resident(p);
	CloseHandle(p);
	return n;
}

static HANDLE make_job(unsigned long long mem, unsigned cpu_s)
{
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;
	HANDLE job = CreateJobObjectW(NULL, NULL);

	if (!job)
		return NULL;
	memset(&li, 0, sizeof li);
	li.BasicLimitInformation.LimitFlags =
	    JOB_OBJECT_LIMIT_PROCESS_MEMORY | JOB_OBJECT_LIMIT_ACTIVE_PROCESS |
	    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE |
	    JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
	if (cpu_s) {
		li.BasicLimitInformation.LimitFlags |=
		    JOB_OBJECT_LIMIT_PROCESS_TIME;
		li.BasicLimitInformation.PerProcessUserTimeLimit.QuadPart =
		    (LONGLONG)cpu_s * 10000000;
	}
	li.BasicLimitInformation.ActiveProcessLimit = 1;
	li.ProcessMemoryLimit = (SIZE_T)mem;
	SetInformationJobObject(job, JobObjectExtendedLimitInformation, &li,
	                        sizeof li);
	return job;
}

int child_start(const char *args, void *in_h, void *out_h,
                unsigned long long mem, unsigned cpu_s, void **proc,
                void **job_h)
{
	wchar_t self[32768], *wargs = win_wide(args), *cmd;
	HANDLE in = in_h, out = out_h, nul, job;
	HANDLE inherit[3];
	SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
	STARTUPINFOEXW si;
	PROCESS_INFORMATION pi;
	SIZE_T attr_size = 0;
	LPPROC_THREAD_ATTRIBUTE_LIST attrs = NULL;
	DWORD n = GetModuleFileNameW(NULL, self, 32768);
	size_t cap;
	int rc = EXH_EIO;

	if (!wargs || !n || n >= 32768) {
		free(wargs);
		return EXH_EIO;
	}
	cap = wcslen(self) + wcslen(wargs) + 4;
	if (!(cmd = malloc(cap * sizeof *cmd))) {
		free(wargs);
		return EXH_ENOMEM;
	}
	swprintf(cmd, cap, L"\"%ls\" %ls", self, wargs);
	free(wargs);
	nul = CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_WRITE, &sa,
	                  OPEN_EXISTING, 0, NULL);
	inherit[0] = in;
	inherit[1] = out;
	inherit[2] = nul != INVALID_HANDLE_VALUE ? nul : out;
	/* Only these three reach the child, whatever other threads hold. */
	InitializeProcThreadAttributeList(NULL, 1, 0, &attr_size);
	attrs = malloc(attr_size);
	memset(&si, 0, sizeof si);
	si.StartupInfo.cb = sizeof si;
	si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
	si.StartupInfo.hStdInput = in;
	si.StartupInfo.hStdOutput = out;
	si.StartupInfo.hStdError = inherit[2];
	job = make_job(mem, cpu_s);
	if (attrs && job &&
	    InitializeProcThreadAttributeList(attrs, 1, 0, &attr_size) &&
	    UpdateProcThreadAttribute(
	        attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherit,
	        (inherit[2] == out ? 2 : 3) * sizeof *inherit, NULL, NULL) &&
	    (si.lpAttributeList = attrs,
	     CreateProcessW(self, cmd, NULL, NULL, TRUE,
	                    CREATE_SUSPENDED | CREATE_NO_WINDOW |
	                        EXTENDED_STARTUPINFO_PRESENT,
	                    NULL, NULL, &si.StartupInfo, &pi))) {
		AssignProcessToJobObject(job, pi.hProcess);
		ResumeThread(pi.hThread);
		CloseHandle(pi.hThread);
		*proc = pi.hProcess;
		*job_h = job;
		job = NULL;
		rc = 0;
	}
	if (attrs) {
		DeleteProcThreadAttributeList(attrs);
		free(attrs);
	}
	if (job)
		CloseHandle(job);
	if (nul != INVALID_HANDLE_VALUE)
		CloseHandle(nul);
	free(cmd);
	return rc;
}

int child_run(const char *verb, int in_fd, size_t max_line, child_line_fn *fn,
              void *arg, struct child_result *r)
{
	HANDLE in = INVALID_HANDLE_VALUE, rd = NULL, wr = NULL, job = NULL;
	SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
	PROCESS_INFORMATION pi;
	void *proc = NULL, *jobv = NULL;
	struct buf b;
	int64_t deadline = (int64_t)GetTickCount64() + LIM_CHILD_WALL_MS;
	bool killed = false, ended = false;
	DWORD code = 1;

	memset(r, 0, sizeof *r);
	memset(&pi, 0, sizeof pi);
	r->exit_code = -1;
	if (!DuplicateHandle(GetCurrentProcess(), (HANDLE)_get_osfhandle(in_fd),
	                     GetCurrentProcess(), &in, 0, TRUE,
	                     DUPLICATE_SAME_ACCESS))
		return EXH_EIO;
	if (!CreatePipe(&rd, &wr, &sa, 1 << 16)) {
		CloseHandle(in);
		return EXH_EIO;
	}
	SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
	if (child_start(verb, in, wr, LIM_CHILD_AS, LIM_CHILD_CPU_S, &proc,
	                &jobv)) {
		CloseHandle(in);
		CloseHandle(rd);
		CloseHandle(wr);
		return EXH_EIO;
	}
	pi.hProcess = proc;
	job = jobv;
	CloseHandle(in);
	CloseHandle(wr);
	buf_init(&b, max_line + 1);
	for (;;) {
		char tmp[65536], *nl;
		DWORD avail = 0, got = 0;
		if ((int64_t)GetTickCount64() >= deadline) {
			r->timeout = true;
			break;
		}
		if (resident(pi.hProcess) > LIM_CHILD_AS) {
			r->memory = true;
			break;
		}
		if (!PeekNamedPipe(rd, NULL, 0, NULL, &avail, NULL))
			break; /* the child closed its end: all is read */
		if (!avail) {
			if (ended)
				break;
			/* nothing yet: wait a little for the child, then look
			 * once more, as it may have written before exiting */
			ended = WaitForSingleObject(pi.hProcess, 20) ==
			        WAIT_OBJECT_0;
			continue;
		}
		if (!ReadFile(rd, tmp, avail < sizeof tmp ? avail : sizeof tmp,
		              &got, NULL) ||
		    !got)
			break;
		if (buf_add(&b, tmp, got)) {
			r->bad_output = true;
			break;
		}
		while ((nl = memchr(b.p, '\n', b.len))) {
			*nl = '\0';
			if (nl > b.p && nl[-1] == '\r')
				nl[-1] = '\0';
			child_line(b.p, fn, arg);
			r->lines++;
			buf_consume(&b, (size_t)(nl - b.p) + 1);
		}
	}
	if (r->timeout || r->memory || r->bad_output) {
		TerminateJobObject(job, 1);
		killed = true;
	}
	CloseHandle(rd);
	buf_release(&b);
	WaitForSingleObject(pi.hProcess, INFINITE);
	GetExitCodeProcess(pi.hProcess, &code);
	{
		/* the job's bound hit: an allocation refused, then an exit */
		JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;
		if (!killed &&
		    QueryInformationJobObject(job,
		                              JobObjectExtendedLimitInformation,
		                              &li, sizeof li, NULL) &&
		    li.PeakProcessMemoryUsed >= (SIZE_T)LIM_CHILD_AS)
			r->memory = true;
	}
	CloseHandle(pi.hProcess);
	CloseHandle(job);
	if (code >= 0xC0000000u) /* an exception: a crash */
		r->signal = 11;
	else
		r->exit_code = (int)code;
	r->complete = !killed && !r->memory && r->exit_code == 0;
	return 0;
}
