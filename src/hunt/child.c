#include "hunt/child.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/log.h"
#include "net/loop.h"
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#endif
#include "base/banned.h"

#ifndef _WIN32 /* Windows: hunt/child_win.c */
extern char **environ;

/* Sanitizers reserve terabytes of address space: their builds bound the
 * child by its resident memory only (watched by the parent). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||     \
    __has_feature(memory_sanitizer)
#define SANITIZED 1
#endif
#endif

void child_limit_memory(unsigned long long bytes)
{
#ifndef SANITIZED
	struct rlimit as = {bytes, bytes};
	setrlimit(RLIMIT_AS, &as);
#else
	(void)bytes;
#endif
}

void child_limits(void)
{
	struct rlimit cpu = {LIM_CHILD_CPU_S, LIM_CHILD_CPU_S + 5};
	struct rlimit none = {0, 0};

	child_limit_memory(LIM_CHILD_AS);
	setrlimit(RLIMIT_CPU, &cpu);
	setrlimit(RLIMIT_FSIZE, &none); /* writes nothing but its pipe */
	setrlimit(RLIMIT_CORE, &none);
}
#endif

void child_put(const char *s, size_t n, bool last)
{
	size_t i, run = 0;

	/* runs of plain bytes in one write, the four escapes between them */
	for (i = 0; i < n; i++) {
		const char *esc = s[i] == '\\'   ? "\\\\"
		                  : s[i] == '\t' ? "\\t"
		                  : s[i] == '\n' ? "\\n"
		                  : s[i] == '\r' ? "\\r"
		                                 : NULL;
		if (!esc)
			continue;
		fwrite(s + run, 1, i - run, stdout);
		fputs(esc, stdout);
		run = i + 1;
	}
	fwrite(s + run, 1, n - run, stdout);
	putchar(last ? '\n' : '\t');
}

int child_escape(struct buf *b, const char *s, size_t n, bool last)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n && !rc; i++) {
		const char *esc = s[i] == '\\'   ? "\\\\"
		                  : s[i] == '\t' ? "\\t"
		                  : s[i] == '\n' ? "\\n"
		                  : s[i] == '\r' ? "\\r"
		                                 : NULL;
		rc = esc ? buf_adds(b, esc) : buf_add(b, s + i, 1);
	}
	return rc ? rc : buf_add(b, last ? "\n" : "\t", 1);
}

static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*o++ = *s == 't'   ? '\t'
			       : *s == 'n' ? '\n'
			       : *s == 'r' ? '\r'
			                   : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

void child_line(char *p, child_line_fn *fn, void *arg)
{
	char *f[16];
	int n = 0;

	f[n++] = p;
	for (; *p; p++)
		if (*p == '\t' && n < 16) {
			*p = '\0';
			f[n++] = p + 1;
		}
	for (int i = 0; i < n; i++)
		unescape(f[i]);
	fn(arg, f, n);
}

#ifndef _WIN32
unsigned long long child_resident(pid_t pid)
{
	char path[64], text[128], *end;
	unsigned long long rss;
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	strtoull(text, &end, 10); /* total size, then resident pages */
	rss = strtoull(end, NULL, 10);
	return rss * (unsigned long long)sysconf(_SC_PAGESIZE);
}

/* Whether exhunt-read lies beside exhunt (src/reader/main.c): learned
 * at the first reader run, and given up if it proves to be of another
 * protocol. */
enum { HELPER_UNKNOWN, HELPER_YES, HELPER_NO };
static atomic_int helper_state;

/* The program a reader runs as: exhunt-read beside this exhunt when
 * there is one (*helper true), else exhunt itself. */
static bool reader_path(char *path, size_t cap, bool *helper)
{
	char other[4096];
	const char *slash;
	ssize_t n = readlink("/proc/self/exe", path, cap - 1);

	*helper = false;
	if (n <= 0)
		return false;
	path[n] = '\0';
	if (atomic_load(&helper_state) == HELPER_NO ||
	    !(slash = strrchr(path, '/')) ||
	    snprintf(other, sizeof other, "%.*s/exhunt-read",
	             (int)(slash - path), path) >= (int)cap)
		return true;
	if (atomic_load(&helper_state) == HELPER_UNKNOWN)
		atomic_store(&helper_state,
		             access(other, X_OK) == 0 ? HELPER_YES : HELPER_NO);
	if (atomic_load(&helper_state) != HELPER_YES)
		return true;
	snprintf(path, cap, "%s", other);
	*helper = true;
	return true;
}

int child_run(const char *verb, int in_fd, size_t max_line, child_line_fn *fn,
              void *arg, struct child_result *r)
{
	char self[4096], *argv[4];
	bool helper;
	posix_spawn_file_actions_t fa;
	int pfd[2], status = 0, nul;
	pid_t pid;
	ssize_t n;
	struct buf b;
	int64_t deadline = now_ms() + LIM_CHILD_WALL_MS, next_look = 0;
	bool killed = false;

	memset(r, 0, sizeof *r);
	r->exit_code = -1;
	if (!reader_path(self, sizeof self, &helper))
		return EXH_EIO;
	if (pipe2(pfd, O_CLOEXEC))
		return EXH_EIO;
	nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
	argv[0] = self;
	argv[1] = (char *)verb;
	argv[2] = helper ? READER_PROTOCOL : NULL;
	argv[3] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	if (nul >= 0)
		posix_spawn_file_actions_adddup2(&fa, nul, 2);
	errno = posix_spawn(&pid, self, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (nul >= 0)
		close(nul);
	if (errno) {
		close(pfd[0]);
		return EXH_EIO;
	}
	lseek(in_fd, 0, SEEK_SET);
	buf_init(&b, max_line + 1);
	for (;;) {
		struct pollfd p = {pfd[0], POLLIN, 0};
		char tmp[65536], *nl;
		int64_t now = now_ms();
		if (now >= deadline) {
			r->timeout = true;
			break;
		}
		/* its size at most every 25 ms: the reader writes a line
		 * per record, and /proc at every line cost three system
		 * calls per record (RLIMIT_AS bounds it between looks) */
		if (now >= next_look) {
			if (child_resident(pid) > LIM_CHILD_AS) {
				r->memory = true;
				break;
			}
			next_look = now + 25;
		}
		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			break;
		if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(pfd[0], tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf_add(&b, tmp, (size_t)n)) {
			r->bad_output = true;
			break;
		}
		while ((nl = memchr(b.p, '\n', b.len))) {
			*nl = '\0';
			child_line(b.p, fn, arg);
			r->lines++;
			buf_consume(&b, (size_t)(nl - b.p) + 1);
		}
	}
	if (r->timeout || r->memory || r->bad_output) {
		kill(pid, SIGKILL);
		killed = true;
	}
	close(pfd[0]);
	buf_release(&b);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status)) {
		r->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		r->signal = WTERMSIG(status);
		if (r->signal == SIGXCPU)
			r->timeout = true;
	}
	if (helper && !r->lines &&
	    (r->exit_code == READER_MISMATCH || r->exit_code == 127)) {
		/* an exhunt-read of another protocol, or one that cannot
		 * start (127: its libraries missing; the readers never end
		 * so): exhunt itself from now */
		atomic_store(&helper_state, HELPER_NO);
		lseek(in_fd, 0, SEEK_SET);
		return child_run(verb, in_fd, max_line, fn, arg, r);
	}
	r->complete = !killed && r->exit_code == 0;
	return 0;
}
#endif

const char *child_why(const struct child_result *r)
{
	if (r->memory)
		return "its reader passed the memory bound (1 GiB) and was "
		       "stopped: read in part";
	if (r->timeout)
		return "its reader passed the time bound and was stopped: "
		       "read in part";
	if (r->bad_output)
		return "its reader gave a line past the size bound: read in "
		       "part";
	if (r->signal)
		return "its reader crashed on it (a damaged or crafted file): "
		       "read in part";
	if (r->exit_code == 2)
		return "not a readable file of its format";
	if (r->exit_code == 4)
		return "held open by the system without sharing, and its raw "
		       "volume could not be read (run as an administrator; "
		       "NTFS volumes only)";
	if (r->exit_code == 5)
		return "held open by the system without sharing, and not found "
		       "on its raw volume";
	return "its reader stopped on damage: read in part";
}
