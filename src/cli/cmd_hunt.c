#include "base/err.h"
#include "base/file.h"
#include "base/log.h"
#include "base/sig.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "hunt/detect.h"
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <sched.h>
#include <sys/resource.h>
#endif
#include "base/banned.h"

static void hunt_usage(FILE *f)
{
	fputs(
	    "usage: exhunt hunt [OPTIONS] ROOT\n"
	    "\n"
	    "ROOT: a server's file system as copied or mounted (a folder with\n"
	    "Program Files/, inetpub/, ...), a KAPE triage collection,\n"
	    "Exchange's own folders, or a disk image (E01, VHD, VHDX, raw:\n"
	    "every NTFS volume and its shadow copies). Read only; links are\n"
	    "never followed.\n"
	    "\n"
	    "  --format FMT   text (default), json or html\n"
	    "  -o FILE        write the report there ('-': standard output)\n"
	    "  --all          check every file, not only web roots and logs\n"
	    "  --no-vss       shadow copies are not read (an image's, or\n"
	    "                 live on Windows the volume's)\n"
	    "  --threads N    files read at once (default: the CPUs this\n"
	    "                 process may use, at most 8)\n"
	    "  --data DIR     rules and tables instead of the built-in ones\n"
	    "  --rules PATH   also run these YARA rules (a file, or every\n"
	    "                 .yar/.yara under a folder) over every file\n"
#ifdef _WIN32
	    "  --raw-volume X=FILE\n"
	    "                 live: read drive X's raw volume (its locked\n"
	    "                 files, shadow copies, deleted entries) from\n"
	    "                 this image of it, not from \\\\.\\X:\n"
#endif
	    "  --progress / --no-progress\n"
	    "\n"
	    "Exit: 0 nothing above informational, 1 findings, 2 bad input,\n"
	    "3 failure, 4 interrupted, 5 incomplete: nothing found in what\n"
	    "was read, but some evidence could not be read (listed).\n",
	    f);
}

/* The CPUs this process may use: its affinity mask, and a cgroup (v2)
 * quota when one is set; not the machine's count. */
#ifdef _WIN32
static int usable_cpus(void)
{
	DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);

	return n < 1 ? 1 : (int)n;
}
#else
static int usable_cpus(void)
{
	cpu_set_t set;
	int n = 0;
	FILE *f;

	if (sched_getaffinity(0, sizeof set, &set) == 0)
		n = CPU_COUNT(&set);
	if (n < 1) {
		long k = sysconf(_SC_NPROCESSORS_ONLN);
		n = k < 1 ? 1 : (int)k;
	}
	f = fopen("/sys/fs/cgroup/cpu.max", "r");
	if (f) {
		char line[64], *end;
		if (fgets(line, sizeof line, f) && strncmp(line, "max", 3)) {
			long long quota = strtoll(line, &end, 10);
			long long period = strtoll(end, NULL, 10);
			if (quota > 0 && period > 0) {
				long long c = (quota + period - 1) / period;
				if (c < n)
					n = (int)c;
			}
		}
		fclose(f);
	}
	return n < 1 ? 1 : n;
}
#endif

int cmd_hunt(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {"all", no_argument, NULL, 'a'},
	    {"no-vss", no_argument, NULL, 'V'},
	    {"data", required_argument, NULL, 'D'},
	    {"progress", no_argument, NULL, 'p'},
	    {"no-progress", no_argument, NULL, 'P'},
	    {"threads", required_argument, NULL, 't'},
	    {"rules", required_argument, NULL, 'R'},
#ifdef _WIN32
	    {"raw-volume", required_argument, NULL, 'W'},
#endif
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *format = "text", *output = NULL, *data = NULL;
	const char *rules = NULL;
	struct hunt h;
	struct stat st;
	int ch, rc = EXIT_USAGE, progress = -1, out_fd = -1;
	size_t i;

	memset(&h, 0, sizeof h);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case 'a': h.all_files = true; break;
		case 'V': h.no_vss = true; break;
		case 'D': data = optarg; break;
		case 'R': rules = optarg; break;
		case 'p': progress = 1; break;
		case 'P': progress = 0; break;
		case 't':
			if (!arg_int("threads", optarg, 1, 32, &h.threads))
				return EXIT_USAGE;
			break;
#ifdef _WIN32
		case 'W':
			/* X=FILE: drive X's locked files from this raw
			 * volume image instead of \\.\X: */
			if (!isalpha((unsigned char)optarg[0]) ||
			    optarg[1] != '=' || !optarg[2] ||
			    stat(optarg + 2, &st) || !S_ISREG(st.st_mode)) {
				log_error(
				    "--raw-volume %s: give a drive letter, "
				    "'=' and a raw volume image file",
				    optarg);
				return EXIT_USAGE;
			}
			h.raw_volume[toupper((unsigned char)optarg[0]) - 'A'] =
			    optarg + 2;
			break;
#endif
		case 'h': hunt_usage(stdout); return 0;
		default: hunt_usage(stderr); return EXIT_USAGE;
		}
	}
#ifdef _WIN32
	if (strcmp(format, "text") && strcmp(format, "json") &&
	    strcmp(format, "html")) {
		log_error("--format: '%s': choose text, json or html", format);
		return EXIT_USAGE;
	}
	if (optind < argc - 1) {
		log_error("hunt: give one ROOT (a folder or a disk image), or "
		          "none to hunt "
		          "this server");
		return EXIT_USAGE;
	}
	if (optind == argc - 1) {
		h.root = argv[optind];
		if (stat(h.root, &st)) {
			log_error("%s: %s", h.root, strerror(errno));
			return EXIT_USAGE;
		}
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
			log_error("%s: neither a folder nor a disk image",
			          h.root);
			return EXIT_USAGE;
		}
	} else {
		h.live = true;
		h.root = "this server (live)";
	}
	if (output && strcmp(output, "-") != 0) {
		/* Never inside the evidence folder; live, say so when the
		 * report lands on a drive being hunted. */
		const char *why = NULL;
		out_fd = win_open_report(output, h.live ? NULL : h.root, &why);
		if (out_fd < 0) {
			log_error("-o %s: %s; hunting never writes into the "
			          "evidence %s",
			          output, why, h.root);
			return EXIT_USAGE;
		}
		if (why)
			log_warn("-o %s: %s", output, why);
		{
			/* the report's folder also takes the files copied out
			 * of an image or a raw volume to be read */
			static char dir[4096];
			char *cut;
			snprintf(dir, sizeof dir, "%s", output);
			cut = strrchr(dir, '\\');
			if (!cut ||
			    (strrchr(dir, '/') && strrchr(dir, '/') > cut))
				cut = strrchr(dir, '/');
			if (!cut)
				snprintf(dir, sizeof dir, ".");
			else
				snprintf(cut, sizeof dir - (size_t)(cut - dir),
				         "%c.", *cut);
			h.scratch = dir;
		}
	}
#else
	if (optind != argc - 1) {
		log_error("hunt: give one ROOT (a folder or a disk image)");
		return EXIT_USAGE;
	}
	if (strcmp(format, "text") && strcmp(format, "json") &&
	    strcmp(format, "html")) {
		log_error("--format: '%s': choose text, json or html", format);
		return EXIT_USAGE;
	}
	h.root = argv[optind];
	if (stat(h.root, &st)) {
		log_error("%s: %s", h.root, strerror(errno));
		return EXIT_USAGE;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) &&
	    !S_ISBLK(st.st_mode)) {
		log_error("%s: neither a folder nor a disk image", h.root);
		return EXIT_USAGE;
	}
	if (output && strcmp(output, "-") != 0 && !S_ISDIR(st.st_mode)) {
		/* An image: the report must not be written over it. */
		struct stat o;
		if (stat(output, &o) == 0 && o.st_dev == st.st_dev &&
		    o.st_ino == st.st_ino) {
			log_error("-o %s: that is the evidence image itself; "
			          "hunting never writes into the evidence",
			          output);
			return EXIT_USAGE;
		}
		out_fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		              0644);
		if (out_fd < 0) {
			log_error("-o %s: %s", output, strerror(errno));
			return EXIT_USAGE;
		}
	} else if (output && strcmp(output, "-") != 0) {
		/* The report must never land inside the evidence: checked on
		 * the opened file itself, before anything is read. */
		int root_fd = open(h.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		const char *why = "cannot open the evidence folder";
		if (root_fd >= 0)
			out_fd = file_open_outside(output, root_fd, &why);
		if (root_fd >= 0)
			close(root_fd);
		if (out_fd < 0) {
			log_error("-o %s: %s; hunting never writes into the "
			          "evidence %s",
			          output, why, h.root);
			return EXIT_USAGE;
		}
	}
#endif
	h.progress = progress == 1 || (progress == -1 && isatty(2));
#ifndef _WIN32
	{
		/* Deep trees hold a folder open per level (and workers a file
		 * each): take the descriptors the system allows. */
		struct rlimit rl;
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
		    rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
#endif
	if (!h.threads) {
		int n = usable_cpus();
		h.threads = n > 8 ? 8 : n;
	}
	if (detect_files_init(&h, data)) {
		log_error("hunt: the YARA rules did not compile");
		return EXIT_RUNTIME;
	}
	if (rules && detect_rules_load(&h, rules, data)) {
		rc = EXIT_USAGE;
		goto out;
	}
	/* SIGINT and SIGTERM end the walk early; what was read is reported
	 * (marked partial) and the exit code is 4. */
	sig_stop_catch(&hunt_stop);
	if (hunt_run(&h)) {
		rc = EXIT_USAGE;
		goto out;
	}
	{
		/* The whole report is written or the command fails. */
		FILE *f = out_fd >= 0 ? fdopen(out_fd, "w") : stdout;
		struct buf b;
		int wrc = 0;
		if (!f) {
			log_error("%s: %s", output, strerror(errno));
			rc = EXIT_RUNTIME;
			goto out;
		}
		out_fd = -1; /* f owns it now */
		buf_init(&b, (size_t)1 << 40);
		if (!strcmp(format, "json"))
			wrc = hunt_report_json(&h, &b);
		else if (!strcmp(format, "html"))
			wrc = hunt_report_html(&h, &b);
		if (!strcmp(format, "text"))
			hunt_report_text(&h, f);
		else if (!wrc && b.len && fwrite(b.p, 1, b.len, f) != b.len)
			wrc = EXH_EIO;
		buf_release(&b);
		if (fflush(f) || ferror(f))
			wrc = wrc ? wrc : EXH_EIO;
		if (f != stdout && fclose(f))
			wrc = wrc ? wrc : EXH_EIO;
		if (wrc) {
			log_error("%s: the report could not be written in "
			          "full (%s)",
			          output ? output : "standard output",
			          wrc == EXH_ENOMEM ? "out of memory"
			                            : strerror(errno));
			rc = EXIT_RUNTIME;
			goto out;
		}
		if (f != stdout)
			hunt_report_text(&h, stderr);
	}
	rc = EXIT_CLEAN;
	for (i = 0; i < h.nf; i++)
		if (h.f[i].sev > SEV_INFO)
			rc = EXIT_FINDINGS;
	if (rc == EXIT_CLEAN && h.nunreadable) {
		/* not "clean": a CERT scripting many hunts must not read a
		 * server whose logs or image could not be read as one */
		log_warn("%s: nothing found in what was read, but %zu files "
		         "or parts could not be read (the report lists "
		         "them): the hunt is incomplete (exit 5)",
		         h.root, h.nunreadable);
		rc = EXIT_INCOMPLETE;
	}
	if (rc == EXIT_CLEAN && h.nothing_examined) {
		/* an empty folder or the wrong drive is not a clean server */
		log_warn("%s: nothing exhunt examines was found here (no "
		         "Exchange folder, web-root script, log, event log or "
		         "registry hive): no verdict rests on evidence "
		         "(exit 5)",
		         h.root);
		rc = EXIT_INCOMPLETE;
	}
	if (h.interrupted)
		rc = EXIT_INTERRUPTED;
	if (h.out_of_memory) {
		log_error("%s: memory ran out; the report is incomplete",
		          h.root);
		rc = EXIT_RUNTIME;
	}
out:
	if (out_fd >= 0)
		close(out_fd);
	detect_files_release(&h);
	hunt_release(&h);
	return rc;
}
