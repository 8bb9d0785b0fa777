#include "cli/cli.h"
#include "base/err.h"
#include "base/log.h"
#include "hunt/child.h"
#include "hunt/image.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

#ifdef _WIN32
static void usage(FILE *f)
{
	fputs("usage: exhunt.exe COMMAND [OPTIONS]\n"
	      "\n"
	      "commands (the Windows build):\n"
	      "  hunt      find back doors and exploitation traces on this "
	      "server\n"
	      "            (no folder named), or in a folder of evidence\n"
	      "  lab host  write an emulated server's files with a known "
	      "compromise\n"
	      "\n"
	      "'exhunt.exe COMMAND --help' describes each; scan, report and "
	      "notify\nare in the Linux build.\n",
	      f);
}
#else
static void usage(FILE *f)
{
	fputs(
	    "usage: exhunt COMMAND [OPTIONS]\n"
	    "\n"
	    "commands:\n"
	    "  scan    find Exchange servers, fingerprint builds, judge "
	    "exposure\n"
	    "  hunt    find back doors and exploitation traces on one server\n"
	    "  report  campaign figures and an HTML dashboard from scan "
	    "databases\n"
	    "  notify  enrich, route findings to network owners, send, follow "
	    "up\n"
	    "  lab     run an emulated Exchange fleet on loopback\n"
	    "  demo    start a lab, scan it with the safe checks, summarise\n"
	    "\n"
	    "'exhunt COMMAND --help' describes each; docs/ has the details.\n",
	    f);
}
#endif

/* Every command's standard output is flushed and closed here and its
 * errors checked: a full disk or a closed pipe is a failure (exit 3), never
 * a quiet success. */
static int finish(int rc)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);

	if (fclose(stdout) != 0)
		bad = 1;
	if (bad && (rc == EXIT_CLEAN || rc == EXIT_FINDINGS)) {
		log_error("standard output: the output could not be written "
		          "in full");
		return EXIT_RUNTIME;
	}
	return rc;
}

static int dispatch(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("exhunt " EXHUNT_VERSION);
		return 0;
	}
	/* Hidden: the bounded readers hunt runs as children (hunt/child.h). */
#ifdef _WIN32
	/* a file the system holds locked: read through the raw volume */
	if ((strcmp(argv[1], "__read-evtx") == 0 ||
	     strcmp(argv[1], "__read-hive") == 0) &&
	    argc == 4 && strcmp(argv[2], "--raw") == 0 &&
	    !child_raw_set(argv[3]))
		return 2;
#endif
	if (strcmp(argv[1], "__read-evtx") == 0)
		return evtx_child_main();
	if (strcmp(argv[1], "__read-hive") == 0)
		return hive_child_main();
	if (strcmp(argv[1], "__read-image") == 0)
		return image_child_main(argc - 2, argv + 2);
#ifdef _WIN32
	if (strcmp(argv[1], "hunt") == 0)
		return cmd_hunt(argc - 1, argv + 1);
	if (strcmp(argv[1], "lab") == 0 && argc > 2 &&
	    strcmp(argv[2], "host") == 0)
		return cmd_lab_host(argc - 2, argv + 2);
	log_error("'%s' is not a command of the Windows build; run "
	          "'exhunt.exe --help'",
	          argv[1]);
	return EXIT_USAGE;
#else
	if (strcmp(argv[1], "scan") == 0)
		return cmd_scan(argc - 1, argv + 1);
	if (strcmp(argv[1], "lab") == 0)
		return cmd_lab(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(argv[1], "hunt") == 0)
		return cmd_hunt(argc - 1, argv + 1);
	if (strcmp(argv[1], "notify") == 0)
		return cmd_notify(argc - 1, argv + 1);
	if (strcmp(argv[1], "demo") == 0)
		return cmd_demo(argc - 1, argv + 1);
	log_error("'%s' is not a command; run 'exhunt --help'", argv[1]);
	return EXIT_USAGE;
#endif
}

#ifdef _WIN32
#include <windows.h>

/* Arguments arrive as UTF-16: they become UTF-8, as exhunt speaks
 * inside; the console shows UTF-8. */
int wmain(int argc, wchar_t **wargv);
int wmain(int argc, wchar_t **wargv)
{
	char **argv = calloc((size_t)argc + 1, sizeof *argv);
	int i;

	if (!argv)
		return EXIT_RUNTIME;
	for (i = 0; i < argc; i++)
		if (!(argv[i] = win_utf8(wargv[i]))) {
			fprintf(stderr,
			        "exhunt: argument %d is not valid "
			        "text\n",
			        i);
			return EXIT_USAGE;
		}
	SetConsoleOutputCP(CP_UTF8);
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX);
	_setmode(_fileno(stdout), _O_BINARY);
	return finish(dispatch(argc, argv));
}
#else
static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* A password in a postgresql:// URL on the command line would show in
 * every process list and in our messages: it moves to PGPASSWORD (which
 * libpq reads, and only this user can see), and the URL is rewritten in
 * place without it, so that /proc/PID/cmdline no longer holds it.
 * (docs/store.md: better still, PGPASSFILE.) */
static void hide_db_passwords(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		char *u = strstr(argv[i], "postgresql://");
		char *host, *at, *colon, *p, pw[512];
		size_t n = 0, end, cut;
		if (!u)
			u = strstr(argv[i], "postgres://");
		if (!u)
			continue;
		host = strstr(u, "://") + 3;
		end = strcspn(host, "/?");
		at = memchr(host, '@', end);
		colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
		if (!colon)
			continue;
		for (p = colon + 1; p < at && n + 1 < sizeof pw; p++) {
			if (*p == '%' && at - p > 2 && hexval(p[1]) >= 0 &&
			    hexval(p[2]) >= 0) {
				pw[n++] =
				    (char)(hexval(p[1]) * 16 + hexval(p[2]));
				p += 2;
			} else {
				pw[n++] = *p;
			}
		}
		pw[n] = '\0';
		setenv("PGPASSWORD", pw, 1);
		memset(pw, 0, sizeof pw);
		cut = (size_t)(at - colon);
		memmove(colon, at, strlen(at) + 1);
		memset(colon + strlen(colon), 0, cut);
	}
}

int main(int argc, char **argv)
{
	/* A closed pipe is a write error that every command reports with
	 * exit 3 (docs/exit-codes.md), not a silent death by SIGPIPE. */
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	hide_db_passwords(argc, argv);
	return finish(dispatch(argc, argv));
}
#endif
