/* The disk-image source's parent side (see hunt/image.h): runs the reader
 * child, bounds it from outside (resident memory, silence, restarts past
 * what it failed on), and turns its messages into files for the workers,
 * places (volumes and shadow copies) for the report, and the findings only
 * an image shows: files gone or changed since a shadow copy, deleted
 * script entries, creation times set back. */
#include "hunt/image.h"
#include "hunt/child.h"
#include "hunt/detect.h"
#include "hunt/walk.h"
#include "hunt/walk_int.h"
#include "base/array.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/text.h"
#include "net/loop.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef _WIN32
#include <io.h>
#include <windows.h>
#else
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#endif
#include "base/banned.h"

#ifndef _WIN32
extern char **environ;
#endif

const char *image_kind(int fd)
{
	unsigned char b[512];
	struct stat st;
	ssize_t n = pread(fd, b, sizeof b, 0);

	if (n < 16)
		return NULL;
	if (!memcmp(b, "EVF\x09\x0d\x0a\xff\x00", 8))
		return "E01";
	if (!memcmp(b, "vhdxfile", 8))
		return "VHDX";
	if (!memcmp(b, "conectix", 8))
		return "VHD";
	if (n == 512 && !fstat(fd, &st) && st.st_size >= 1024) {
		unsigned char t[8];
		/* a fixed VHD has its footer at the end only */
		if (pread(fd, t, sizeof t, st.st_size - 512) == 8 &&
		    !memcmp(t, "conectix", 8))
			return "VHD";
	}
	if (n == 512 && (!memcmp(b + 3, "NTFS    ", 8) ||
	                 (b[510] == 0x55 && b[511] == 0xaa)))
		return "raw";
	return NULL;
}

/* What the parent knows of one run of the child and of the image. */
struct reader {
	struct walk *w;
	struct hunt *h;
	const char *image;
	uint64_t last_step; /* the last step heard, over all runs */
	bool ended;         /* Z heard */
	int diffs[LIM_IMAGE_VOLUMES + 1][LIM_IMAGE_STORES + 1];
	uint64_t diffs_more;
	uint64_t files, deleted, stomped, copied, uncopied;
	int volumes, ntfs, stores;
	/* Live (Windows): the running server's volume, whose files the
	 * folder walk reads; its own messages name them under this drive
	 * ("C/"), and its places carry the drive's number (C: 3). */
	bool live;
	char prefix[4];
	int drive_no;
};

static int place_of(struct reader *r, int vol, int store, const char *created)
{
	struct hunt *h = r->h;
	size_t i;

	for (i = 0; i < h->nplaces; i++)
		if (h->places[i].volume == vol && h->places[i].store == store) {
			if (created && created[0])
				snprintf(h->places[i].created,
				         sizeof h->places[i].created, "%s",
				         created);
			return (int)i + 1;
		}
	if (array_reserve(&h->places, &h->capplaces, h->nplaces + 1,
	                  sizeof *h->places, 8)) {
		h->out_of_memory = true;
		return 0;
	}
	memset(&h->places[h->nplaces], 0, sizeof *h->places);
	h->places[h->nplaces].volume = vol;
	h->places[h->nplaces].store = store;
	if (created)
		snprintf(h->places[h->nplaces].created,
		         sizeof h->places[h->nplaces].created, "%s", created);
	return (int)++h->nplaces;
}

static uint64_t num(const char *s)
{
	return strtoull(s, NULL, 10);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* Code IIS runs, or a program: what time-stomping hides. */
static bool stomp_worthy(const char *lower)
{
	const char *name = strrchr(lower, '/');

	name = name ? name + 1 : lower;
	return detect_is_code_name(name) ||
	       (file_role(lower) != FR_OTHER &&
	        (ends_with(name, ".dll") || ends_with(name, ".exe")));
}

static struct finding *add_at(struct reader *r, int place, const char *kind,
                              enum severity sev, const char *path,
                              const char *detail, const char *time)
{
	struct hunt *h = r->h;
	struct finding *f;
	int keep = h->cur_place;

	h->cur_place = place;
	f = hunt_add(h, kind, HC_NONE, HL_NOT_SEEN, sev, path, 0, detail);
	h->cur_place = keep;
	if (f)
		f->gone = strcmp(kind, "deleted-script") == 0 ||
		          strncmp(kind, "shadow-copy", 11) == 0;
	if (f && time)
		snprintf(f->time, sizeof f->time, "%s", time);
	return f;
}

#ifndef _WIN32
/* A file's runs as the child lists them ("offset:length,..."): each in
 * the image, together its size, at most LIM_IMAGE_RUNS; their count, with
 * the (offset, length) pairs malloc'd in *out, or 0 when any of it is
 * wrong (a child that lies is not followed outside the image). */
static int parse_runs(struct reader *r, const char *s, uint64_t size,
                      uint64_t **out)
{
	struct stat st;
	uint64_t *p, total = 0;
	int n = 0;

	*out = NULL;
	if (r->w->image_fd < 0 || fstat(r->w->image_fd, &st) || !*s ||
	    !(p = malloc(2 * LIM_IMAGE_RUNS * sizeof *p)))
		return 0;
	while (*s && n < LIM_IMAGE_RUNS) {
		char *end;
		uint64_t off, len;
		errno = 0;
		off = strtoull(s, &end, 10);
		if (errno || end == s || *end != ':')
			break;
		s = end + 1;
		len = strtoull(s, &end, 10);
		if (errno || end == s || (*end && *end != ',') || !len ||
		    off > (uint64_t)st.st_size ||
		    len > (uint64_t)st.st_size - off || len > size - total)
			break;
		p[2 * n] = off;
		p[2 * n + 1] = len;
		n++;
		total += len;
		s = *end ? end + 1 : end;
	}
	if (*s || total != size || !n) {
		free(p);
		return 0;
	}
	*out = p;
	return n;
}
#endif

static void on_file(struct reader *r, char **f, int n, int fd)
{
	struct hunt *h = r->h;
	int vol = (int)num(f[2]), store = (int)num(f[3]);
	const char *path = f[4], *flags = n > 9 ? f[9] : "";
	char named[4200];
	uint64_t size = num(f[5]);
	int64_t mtime = (int64_t)num(f[6]);
	uint64_t si = num(f[7]), fn = num(f[8]);
	char lower[4096], detail[1400], when[32];
	int place;
	struct stat st;
	uint64_t held = 0;

	if (vol < 0 || vol > LIM_IMAGE_VOLUMES || store < 0 ||
	    store > LIM_IMAGE_STORES) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (r->live) {
		snprintf(named, sizeof named, "%s%s", r->prefix, path);
		path = named;
	}
	place = place_of(r, r->live ? r->drive_no : vol, store, NULL);
	text_lower(lower, path, sizeof lower);
	r->files++;
	if (strpbrk(flags, "gmd")) /* only findings of their own need it */
		image_time_iso(mtime, when);
	/* The shadow copies' own store files differ from snapshot to
	 * snapshot by design: hunted, not listed as changes. */
	if ((strchr(flags, 'g') || strchr(flags, 'm')) &&
	    strncmp(lower + strlen(r->prefix), "system volume information/",
	            26) != 0) {
		bool gone = strchr(flags, 'g') != NULL;
		const struct place *p = place ? &h->places[place - 1] : NULL;
		if (r->diffs[vol][store]++ < LIM_IMAGE_DIFFS) {
			snprintf(detail, sizeof detail,
			         "%s the live volume since shadow copy %d "
			         "(made %s): the copy in the snapshot was read",
			         gone ? "gone from" : "changed on", store,
			         p && p->created[0] ? p->created : "at an unknown "
			                                           "time");
			add_at(r, place,
			       gone ? "shadow-copy-only" : "shadow-copy-changed",
			       stomp_worthy(lower) ? SEV_MEDIUM : SEV_INFO,
			       path, detail, when);
		} else {
			r->diffs_more++;
		}
	}
	if (strchr(flags, 'd')) {
		r->deleted++;
		snprintf(detail, sizeof detail,
		         "a deleted script file still named in the MFT%s",
		         fd >= 0 ? " (its bytes were read as they are; a large "
		                   "file's clusters may since hold other data)"
		                 : "");
		add_at(r, place, "deleted-script",
		       file_role(lower) != FR_OTHER ? SEV_HIGH : SEV_MEDIUM, path,
		       detail, when);
	}
	if (r->live && store == 0 && !strchr(flags, 'd')) {
		/* a live file: the folder walk reads it; here only what the
		 * file system alone shows (below) */
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	if (strchr(flags, 'l') && !(r->live && store == 0)) {
		const char *name = strrchr(lower, '/');
		name = name ? name + 1 : lower;
		if (file_role(lower) != FR_OTHER || detect_is_code_name(name)) {
			snprintf(detail, sizeof detail,
			         "a reparse point where IIS serves code, to %s "
			         "(not followed: check it on the server)",
			         n > 10 && f[10][0] ? f[10] : "an unnamed target");
			add_at(r, place, "link", SEV_HIGH, path, detail, NULL);
		}
	}
	/* $STANDARD_INFORMATION's creation time before $FILE_NAME's: set
	 * back by a tool (the file system writes both at creation). */
	if (si && fn && si + 10000000ull < fn && stomp_worthy(lower)) {
		char a[32], b[32];
		r->stomped++;
		image_time_iso(image_unix_time(si), a);
		image_time_iso(image_unix_time(fn), b);
		snprintf(detail, sizeof detail,
		         "creation time set back: $STANDARD_INFORMATION says "
		         "%s, $FILE_NAME says %s (time-stomping hides a file "
		         "among old ones)",
		         a, b);
		add_at(r, place, "timestomped", SEV_HIGH, path, detail, b);
	}
	if (strchr(flags, 'x'))
		hunt_unreadable(h, path, "larger than the bound for a file "
		                         "from an image (2 GiB): read in part");
	if (strchr(flags, 'r'))
		hunt_unreadable(h, path, "a read error in the image: read in "
		                         "part");
	if (r->live && store == 0 && !strchr(flags, 'd'))
		return;
#ifndef _WIN32
	if (strchr(flags, 'v') && fd < 0) {
		uint64_t *runs = NULL;
		int nruns = parse_runs(r, n > 10 ? f[10] : "", size, &runs);
		if (nruns > 0) {
			walk_file_runs(r->w, r->w->image_fd, runs, nruns, path,
			               size, mtime, place,
			               strchr(flags, 'g') ||
			                   strchr(flags, 'm'));
			return;
		}
		hunt_unreadable(h, path,
		                "its reader listed runs outside the image: "
		                "named, not read");
	}
#endif
	if (fd >= 0 && !fstat(fd, &st))
		held = (uint64_t)st.st_size;
	if (fd >= 0)
		r->copied++;
	if (strchr(flags, 'n'))
		r->uncopied++;
	walk_file(r->w, fd, path, size, mtime, place,
	          strchr(flags, 'd') || strchr(flags, 'g') || strchr(flags, 'm'),
	          held);
}

static void on_message(struct reader *r, char **f, int n, int fd)
{
	struct hunt *h = r->h;
	uint64_t step = n > 1 ? num(f[1]) : 0;

	if (step > r->last_step)
		r->last_step = step;
	switch (f[0][0]) {
	case 'F':
		if (n >= 9 && f[0][1] == '\0') {
			on_file(r, f, n, fd);
			return;
		}
		break;
	case 'V':
		if (n >= 7) {
			r->volumes++;
			const char *fs = n >= 8 ? f[7] : "other";
			if (num(f[6]))
				r->ntfs++;
			else if (!strcmp(fs, "BitLocker"))
				hunt_unreadable(
				    h, r->image,
				    "a volume is BitLocker-encrypted: not read "
				    "(decrypt it with its recovery key, e.g. "
				    "dislocker, and hunt the decrypted image)");
			else
				hunt_note(h,
				          "volume %s (%s, at byte %s, %s bytes) "
				          "is %s, not NTFS: not read",
				          f[2], f[5], f[3], f[4],
				          !strcmp(fs, "other") ? "unknown" : fs);
		}
		break;
	case 'W':
		if (n >= 4)
			r->stores += (int)num(f[3]);
		if (n >= 4 && num(f[3]) && !r->live)
			hunt_note(h, "volume %s has %s shadow copies; each was "
			             "compared with the live volume",
			          f[2], f[3]);
		break;
	case 'S':
		if (n >= 5)
			place_of(r, r->live ? r->drive_no : (int)num(f[2]),
			         (int)num(f[3]), f[4]);
		break;
	case 'N':
		if (n >= 4)
			place_of(r, r->live ? r->drive_no : (int)num(f[2]),
			         (int)num(f[3]), NULL);
		break;
	case 'D':
		if (n >= 5) {
			char lower[4096];
			text_lower(lower, f[4], sizeof lower);
			if (!r->live && !h->exchange_dir[0] && num(f[3]) == 0 &&
			    ends_with(lower, "exchange server/v15"))
				snprintf(h->exchange_dir,
				         sizeof h->exchange_dir, "%s", f[4]);
			walk_progress(r->w, f[4]);
		}
		break;
	case 'E':
		if (n >= 4 && r->live && !strcmp(f[2], r->image)) {
			/* the volume cannot be opened: said by read_all */
		} else if (n >= 4 && r->live) {
			char where[4300];
			snprintf(where, sizeof where, "%s (%s)", r->image,
			         f[2]);
			hunt_unreadable(h, where, f[3]);
		} else if (n >= 4) {
			hunt_unreadable(h, f[2], f[3]);
		}
		break;
	case 'Z':
		r->ended = true;
		break;
	default:
		break;
	}
	if (fd >= 0)
		close(fd);
}

struct split {
	struct reader *r;
	int fd;
};

static void on_line(void *arg, char **field, int nfield)
{
	struct split *s = arg;

	on_message(s->r, field, nfield, s->fd);
	s->fd = -1;
}

#ifdef _WIN32
/* The child's frames (image_child.c): its length, a handle value, the
 * message. */
#define FRAME_HEAD 12
#define MALFORMED "its reader sent a malformed message"

/* One frame: the message to on_message, with the file whose handle the
 * child left for us, taken (and closed in the child). False: malformed. */
static bool frame(struct reader *r, HANDLE proc, char *m, size_t len,
                  uint64_t handle, bool *with_file)
{
	int fd = -1;

	*with_file = false;
	if (memchr(m, '\0', len))
		return false;
	m[len] = '\0';
	if (handle) {
		HANDLE dup = NULL;
		*with_file = true;
		/* only a disk file is a file handed over */
		if (DuplicateHandle(proc, (HANDLE)(uintptr_t)handle,
		                    GetCurrentProcess(), &dup, 0, FALSE,
		                    DUPLICATE_SAME_ACCESS |
		                        DUPLICATE_CLOSE_SOURCE)) {
			if (GetFileType(dup) == FILE_TYPE_DISK)
				fd = _open_osfhandle((intptr_t)dup,
				                     _O_RDONLY | _O_BINARY);
			if (fd < 0)
				CloseHandle(dup);
			else
				lseek(fd, 0, SEEK_SET);
		}
	}
	{
		struct split s = {r, fd};
		child_line(m, on_line, &s);
		if (s.fd >= 0)
			close(s.fd);
	}
	return true;
}

/* One run of the child, to its end or its failure (as on Linux, below):
 * its messages come framed on a pipe, files as handles it leaves for us,
 * and our answers go back on another pipe. */
static const char *run_once(struct reader *r, const char *kind, bool restart)
{
	static char why[160];
	SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
	HANDLE mrd = NULL, mwr = NULL, ard = NULL, awr = NULL, proc, job;
	void *procv = NULL, *jobv = NULL;
	struct buf args, in;
	int64_t heard = now_ms(), checked = 0;
	const char *fail = NULL;
	bool exited = false;
	DWORD code = 1;

	buf_init(&args, 65536);
	buf_printf(&args, "__read-image --kind %s%s%s%s%s", kind,
	           r->live ? " --live" : "", r->h->no_vss ? " --no-vss" : "",
	           r->h->all_files ? " --all" : "",
	           r->h->user_rules ? " --rules" : "");
	if (restart)
		buf_printf(&args, " --after %llu",
		           (unsigned long long)r->last_step);
	/* a Windows path holds no double quote, and these end in none of
	 * the backslashes that would escape the closing one */
	if (r->h->scratch && !(r->live && r->h->scratch_hunted))
		buf_printf(&args, " --temp \"%s\"", r->h->scratch);
	buf_printf(&args, " \"%s\"", r->image);
	if (buf_error(&args) || strchr(r->image, '"') ||
	    (r->h->scratch && strchr(r->h->scratch, '"')) ||
	    !CreatePipe(&mrd, &mwr, &sa, 1 << 16)) {
		buf_release(&args);
		return "its reader could not be started";
	}
	if (!CreatePipe(&ard, &awr, &sa, 4096)) {
		CloseHandle(mrd);
		CloseHandle(mwr);
		buf_release(&args);
		return "its reader could not be started";
	}
	SetHandleInformation(mrd, HANDLE_FLAG_INHERIT, 0);
	SetHandleInformation(awr, HANDLE_FLAG_INHERIT, 0);
	if (child_start(args.p, ard, mwr, LIM_IMAGE_AS, 0, &procv, &jobv)) {
		CloseHandle(mrd);
		CloseHandle(mwr);
		CloseHandle(ard);
		CloseHandle(awr);
		buf_release(&args);
		return "its reader could not be started";
	}
	buf_release(&args);
	proc = procv;
	job = jobv;
	CloseHandle(mwr);
	CloseHandle(ard);
	buf_init(&in, (size_t)LIM_IMAGE_MSG + FRAME_HEAD + 1);
	while (!fail && !r->ended) {
		char tmp[65536];
		DWORD avail = 0, got = 0;
		int64_t now = now_ms();

		if (hunt_stop) {
			fail = "stopped by a signal";
			break;
		}
		if (now - checked >= 100) {
			checked = now;
			if (child_resident(GetProcessId(proc)) > LIM_IMAGE_AS) {
				fail = "its reader passed the memory bound";
				break;
			}
		}
		if (now - heard > LIM_IMAGE_SILENCE_MS) {
			fail = "its reader fell silent past the time bound";
			break;
		}
		if (!PeekNamedPipe(mrd, NULL, 0, NULL, &avail, NULL))
			break; /* the child closed its end: all is read */
		if (!avail) {
			if (exited)
				break;
			exited = WaitForSingleObject(proc, 20) == WAIT_OBJECT_0;
			continue;
		}
		if (!ReadFile(mrd, tmp, avail < sizeof tmp ? avail : sizeof tmp,
		              &got, NULL) ||
		    !got)
			break;
		if (buf_add(&in, tmp, got)) {
			fail = MALFORMED;
			break;
		}
		while (!fail && !r->ended && in.len >= FRAME_HEAD) {
			const unsigned char *p = (const unsigned char *)in.p;
			uint32_t len = 0;
			uint64_t handle = 0;
			bool with_file;
			char *m;
			for (int i = 3; i >= 0; i--)
				len = len << 8 | p[i];
			for (int i = 7; i >= 0; i--)
				handle = handle << 8 | p[4 + i];
			if (len > LIM_IMAGE_MSG) {
				fail = MALFORMED;
				break;
			}
			if (in.len < FRAME_HEAD + (size_t)len)
				break;
			m = malloc((size_t)len + 1);
			if (!m) {
				fail = "out of memory";
				break;
			}
			memcpy(m, in.p + FRAME_HEAD, len);
			buf_consume(&in, FRAME_HEAD + (size_t)len);
			if (!frame(r, proc, m, len, handle, &with_file))
				fail = MALFORMED;
			free(m);
			walk_wait_room(r->w, LIM_IMAGE_INFLIGHT);
			if (with_file) {
				DWORD put;
				(void)WriteFile(awr, "A", 1, &put, NULL);
			}
			heard = now_ms();
		}
	}
	buf_release(&in);
	/* A crashing child can leave bytes of its own on its output (wine's
	 * crash report does): what it said then is noise, its crash the
	 * news. */
	if (!r->ended && fail && !strcmp(fail, MALFORMED))
		WaitForSingleObject(proc, 1000);
	if (!r->ended)
		TerminateJobObject(job, 1);
	CloseHandle(mrd);
	CloseHandle(awr);
	if (WaitForSingleObject(proc, 10000) != WAIT_OBJECT_0) {
		TerminateJobObject(job, 1);
		WaitForSingleObject(proc, INFINITE);
	}
	GetExitCodeProcess(proc, &code);
	CloseHandle(proc);
	CloseHandle(job);
	if (fail && (strcmp(fail, MALFORMED) || code < 0xC0000000u))
		return fail;
	if (r->ended)
		return NULL;
	if (code >= 0xC0000000u) {
		snprintf(why, sizeof why,
		         "its reader crashed (exception 0x%08lx: a damaged or "
		         "crafted image)",
		         (unsigned long)code);
		return why;
	}
	if (code == 2)
		return "the image cannot be opened by its library (damaged, "
		       "or segments missing)";
	snprintf(why, sizeof why, "its reader stopped (exit %lu)",
	         (unsigned long)code);
	return why;
}
#else
static int spawn(struct reader *r, const char *kind, bool restart, int *sock,
                 pid_t *pid)
{
	char self[4096], after[24], *argv[16];
	int sv[2], nul, a = 0;
	posix_spawn_file_actions_t fa;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n <= 0)
		return EXH_EIO;
	self[n] = '\0';
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return EXH_EIO;
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	snprintf(after, sizeof after, "%llu",
	         (unsigned long long)r->last_step);
	argv[a++] = self;
	argv[a++] = "__read-image";
	argv[a++] = "--kind";
	argv[a++] = (char *)kind;
	if (r->h->no_vss)
		argv[a++] = "--no-vss";
	if (r->h->all_files)
		argv[a++] = "--all";
	if (r->h->user_rules)
		argv[a++] = "--rules";
	if (r->w->image_fd >= 0)
		argv[a++] = "--runs"; /* the workers read a file's runs */
	if (restart) {
		argv[a++] = "--after";
		argv[a++] = after;
	}
	argv[a++] = (char *)r->image;
	argv[a] = NULL;
	posix_spawn_file_actions_init(&fa);
	if (nul >= 0) {
		posix_spawn_file_actions_adddup2(&fa, nul, 0);
		posix_spawn_file_actions_adddup2(&fa, nul, 1);
		posix_spawn_file_actions_adddup2(&fa, nul, 2);
	}
	posix_spawn_file_actions_adddup2(&fa, sv[1], 3);
	errno = posix_spawn(pid, self, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (nul >= 0)
		close(nul);
	if (errno) {
		close(sv[0]);
		return EXH_EIO;
	}
	*sock = sv[0];
	return 0;
}

/* One run of the child, to its end or its failure: why it failed, or
 * NULL when it ended. */
static const char *run_once(struct reader *r, const char *kind, bool restart)
{
	static char why[160];
	int sock, status = 0;
	pid_t pid;
	int64_t heard = now_ms(), checked = 0;
	const char *fail = NULL;
	char *m = malloc(LIM_IMAGE_MSG + 1);

	if (!m)
		return "out of memory";
	if (spawn(r, kind, restart, &sock, &pid)) {
		free(m);
		return "its reader could not be started";
	}
	while (!fail && !r->ended) {
		struct pollfd p = {sock, POLLIN, 0};
		struct msghdr mh;
		struct iovec iov = {m, LIM_IMAGE_MSG};
		union {
			char buf[CMSG_SPACE(sizeof(int) * 4)];
			struct cmsghdr align;
		} u;
		struct cmsghdr *c;
		ssize_t n;
		int fd = -1, now_fd;
		int64_t now = now_ms();

		if (hunt_stop) {
			fail = "stopped by a signal";
			break;
		}
		if (now - checked >= 100) {
			checked = now;
			if (child_resident(pid) > LIM_IMAGE_AS) {
				fail = "its reader passed the memory bound";
				break;
			}
		}
		if (now - heard > LIM_IMAGE_SILENCE_MS) {
			fail = "its reader fell silent past the time bound";
			break;
		}
		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			break;
		if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		memset(&mh, 0, sizeof mh);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof u.buf;
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the child is gone */
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			size_t k, nfd;
			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SCM_RIGHTS)
				continue;
			nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (k = 0; k < nfd; k++) {
				memcpy(&now_fd, CMSG_DATA(c) + k * sizeof(int),
				       sizeof now_fd);
				if (fd < 0)
					fd = now_fd;
				else
					close(now_fd);
			}
		}
		if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
		    memchr(m, '\0', (size_t)n)) {
			if (fd >= 0)
				close(fd);
			fail = "its reader sent a malformed message";
			break;
		}
		m[n] = '\0';
		{
			struct split s = {r, fd};
			child_line(m, on_line, &s);
			if (s.fd >= 0)
				close(s.fd);
		}
		/* Files handed over and not yet read hold memory: wait for
		 * the workers, then tell the child it may send another file
		 * (it keeps at most two waiting in the socket). */
		walk_wait_room(r->w, LIM_IMAGE_INFLIGHT);
		/* A child that has already said its last word and gone
		 * cannot take the answer: its remaining messages (the end
		 * among them) are still read before the socket says so. */
		if (fd >= 0)
			(void)send(sock, "A", 1, MSG_NOSIGNAL);
		heard = now_ms();
	}
	if (!r->ended)
		kill(pid, SIGKILL);
	close(sock);
	free(m);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (fail)
		return fail;
	if (r->ended)
		return NULL;
	if (WIFSIGNALED(status)) {
		snprintf(why, sizeof why,
		         "its reader crashed (signal %d: a damaged or crafted "
		         "image)",
		         WTERMSIG(status));
		return why;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		return "the image cannot be opened by its library (damaged, "
		       "or segments missing)";
	snprintf(why, sizeof why, "its reader stopped (exit %d)",
	         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return why;
}

#endif

/* The volume a finding is on, for repeats: live (Windows), the folder
 * walk's findings have no place and every path names its drive, so all
 * count as one. */
static int volume_of(const struct hunt *h, const struct finding *f)
{
	return h->live || f->place <= 0 ? 0 : h->places[f->place - 1].volume;
}

static uint64_t finding_key(const struct hunt *h, const struct finding *f)
{
	uint64_t k = TEXT_HASH_START;

	k = text_hash(f->kind, k);
	k = text_hash(f->path, k);
	k = text_hash(f->detail ? f->detail : "", k);
	k = text_hash(f->time, k);
	k = (k ^ f->line) * 0x100000001b3ull;
	k = (k ^ (uint64_t)(f->cve + 2)) * 0x100000001b3ull;
	k = (k ^ (uint64_t)f->level) * 0x100000001b3ull;
	k = (k ^ (uint64_t)volume_of(h, f)) * 0x100000001b3ull;
	return k;
}

static bool same_finding(const struct hunt *h, const struct finding *a,
                         const struct finding *b)
{
	return volume_of(h, a) == volume_of(h, b) && a->cve == b->cve &&
	       a->level == b->level && a->line == b->line &&
	       !strcmp(a->kind, b->kind) && !strcmp(a->path, b->path) &&
	       !strcmp(a->time, b->time) &&
	       !strcmp(a->detail ? a->detail : "", b->detail ? b->detail : "");
}

void image_drop_repeats(struct hunt *h)
{
	size_t i, k, cap = 16, kept = 0, dropped = 0, *slot;

	if (!h->nplaces || !h->nf)
		return;
	while (cap < h->nf * 2)
		cap *= 2;
	slot = malloc(cap * sizeof *slot);
	if (!slot)
		return; /* the repeats stay: more to read, nothing lost */
	for (i = 0; i < cap; i++)
		slot[i] = SIZE_MAX;
	for (i = 0; i < h->nf; i++) {
		const struct finding *f = &h->f[i];
		if (f->place <= 0 ? !h->live
		                  : h->places[f->place - 1].store != 0)
			continue;
		for (k = finding_key(h, f) & (cap - 1); slot[k] != SIZE_MAX;
		     k = (k + 1) & (cap - 1))
			;
		slot[k] = i;
	}
	for (i = 0; i < h->nf; i++) {
		struct finding *f = &h->f[i];
		bool repeat = false;
		if (f->place > 0 && h->places[f->place - 1].store &&
		    strncmp(f->kind, "shadow-copy", 11) != 0) {
			for (k = finding_key(h, f) & (cap - 1);
			     slot[k] != SIZE_MAX && !repeat;
			     k = (k + 1) & (cap - 1))
				repeat = same_finding(h, &h->f[slot[k]], f);
		}
		if (repeat) {
			free(f->path);
			free(f->detail);
			dropped++;
			continue;
		}
		h->f[kept++] = *f;
	}
	free(slot);
	/* the kept ones moved: indices in slot are stale, and unused now */
	h->nf = kept;
	if (dropped)
		hunt_note(h,
		          "%zu findings in shadow copies repeat the live "
		          "volume's (the same line or file as it is now) and are "
		          "not listed again",
		          dropped);
}

/* Runs the child to the end of the image, restarting it past what it
 * failed on. */
static void read_all(struct reader *r, const char *path)
{
	struct hunt *h = r->h;
	const char *why;
	int runs = 0;

	for (;;) {
		why = run_once(r, h->live ? "raw" : h->source, runs > 0);
		runs++;
		if (!why || hunt_stop)
			break;
		if (runs > LIM_IMAGE_RESTARTS) {
			hunt_unreadable(h, path, "its reader failed too often: "
			                         "the rest of the image is not "
			                         "read");
			break;
		}
		if (r->live &&
		    !strncmp(why, "the image cannot be opened", 26)) {
			hunt_unreadable(
			    h, path,
			    "the raw volume cannot be opened (run as "
			    "an administrator, on an NTFS volume): "
			    "its shadow copies, deleted entries and "
			    "creation times were not checked");
			break;
		}
		{
			char what[400];
			snprintf(what, sizeof what,
			         "%s at step %llu: the image is read in part "
			         "(the reader was started again past that step)",
			         why, (unsigned long long)r->last_step + 1);
			hunt_unreadable(h, path, what);
		}
		if (!strncmp(why, "the image cannot be opened", 26))
			break;
	}
}

static void final_notes(struct reader *r)
{
	struct hunt *h = r->h;

	if (r->diffs_more)
		hunt_note(h,
		          "%llu more files gone or changed since a shadow copy "
		          "were read from the snapshot and not listed one by "
		          "one",
		          (unsigned long long)r->diffs_more);
	if (r->deleted)
		hunt_note(h, "%llu deleted script files were still named in "
		             "the MFT",
		          (unsigned long long)r->deleted);
}

int image_walk(struct walk *w, struct hunt *h, const char *path)
{
	struct reader *r = calloc(1, sizeof *r);

	if (!r)
		return EXH_ENOMEM;
	r->w = w;
	r->h = h;
	r->image = path;
#ifndef _WIN32
	/* a raw image: the workers read its files' runs themselves */
	if (!strcmp(h->source, "raw") && w->image_fd < 0) {
		w->image_fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME);
		if (w->image_fd < 0)
			w->image_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
#endif
	read_all(r, path);
	if (!r->volumes && !hunt_stop)
		hunt_unreadable(h, path, "no volume found in the image");
	else if (!r->ntfs && !hunt_stop)
		hunt_unreadable(h, path, "no NTFS volume found in the image");
	hunt_note(h,
	          "source: %s image %s, %d volumes (%d NTFS), %llu files "
	          "listed",
	          h->source, path, r->volumes, r->ntfs,
	          (unsigned long long)r->files);
	final_notes(r);
	free(r);
	return 0;
}

#ifdef _WIN32
int image_walk_live(struct walk *w, struct hunt *h, char drive)
{
	struct reader *r = calloc(1, sizeof *r);
	char vol[4200];

	if (!r)
		return EXH_ENOMEM;
	raw_volume_name(h, drive, vol, sizeof vol);
	r->w = w;
	r->h = h;
	r->image = vol;
	r->live = true;
	r->prefix[0] = (char)toupper((unsigned char)drive);
	r->prefix[1] = '/';
	r->drive_no = r->prefix[0] - 'A' + 1;
	read_all(r, vol);
	if (r->ntfs)
		hunt_note(h,
		          "%c/: the raw volume %s was read for what only the "
		          "file system shows: %d shadow copies (each compared "
		          "with the live volume), deleted script entries, "
		          "creation times set back",
		          r->prefix[0], vol, r->stores);
	else if (r->volumes && !hunt_stop)
		hunt_unreadable(h, vol,
		                "not an NTFS volume: its shadow "
		                "copies were not read");
	if (r->uncopied)
		hunt_note(h,
		          "%c/: %llu files from shadow copies or deleted "
		          "entries were named, not read: to be read they are "
		          "copied, and only into the report's folder, never "
		          "onto the drives hunted; give -o FILE on another "
		          "drive to read them",
		          r->prefix[0], (unsigned long long)r->uncopied);
	final_notes(r);
	free(r);
	return 0;
}
#endif
