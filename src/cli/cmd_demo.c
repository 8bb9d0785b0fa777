/* exhunt demo: the quick start's main job. Starts a lab fleet in a child
 * process and scans it with every safe check, once per epoch (the fleet
 * a fortnight later each time), checks each result against the lab's
 * truth, prints the campaign report and leaves the results and the
 * dashboard in a folder. */
#include "base/err.h"
#include "base/file.h"
#include "base/ip4.h"
#include "base/log.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "lab/persona.h"
#include "report/report.h"
#include "scan/scan.h"
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "base/banned.h"

struct truth_check {
	struct lab_world w;
	const struct kb *kb;
	uint64_t compared, mismatched;
};

/* The truth of one address against what the scan concluded. */
static int check_truth(void *ctx, const struct observation *o)
{
	struct truth_check *tc = ctx;
	struct persona p;
	struct persona_checks pc;
	struct judge_in in = {0};
	struct judge_out want, got;
	bool ok;
	int i, shells = 0;

	persona_make(&tc->w, o->ip, &p);
	persona_visible(&p, &in.build, &in.precision);
	persona_checks(&tc->w, &p, &pc);
	in.ssrf = pc.ssrf;
	in.proxyshell = pc.proxyshell;
	if ((p.sni_only || p.sni_foreign) && !o->hostname) {
		/* By address an SNI-only server shows nothing, checks
		 * included. */
		in.precision = PREC_NONE;
		in.ssrf = in.proxyshell = CHK_NOT_RUN;
	}
	judge(tc->kb, &in, &want);
	observation_judge(tc->kb, o, &got);
	for (i = 0; !p.sni_only && !p.catch_all && persona_seen(&p) &&
	            !(p.sni_foreign && !o->hostname) && i < p.nshells;
	     i++)
		shells += persona_path_served(&tc->w, &p, p.shells[i]);
	ok = want.n == got.n && o->nshells == shells &&
	     o->exchange == (persona_seen(&p) &&
	                     !((p.sni_only || p.sni_foreign) && !o->hostname));
	for (i = 0; ok && i < want.n; i++)
		ok = want.v[i].cve == got.v[i].cve &&
		     want.v[i].verdict == got.v[i].verdict;
	tc->compared++;
	if (!ok) {
		char ip[IP4_STRLEN];
		ip4_format(o->ip, ip);
		log_warn("demo: %s does not match the lab's truth", ip);
		tc->mismatched++;
	}
	return 0;
}

static void demo_usage(FILE *f)
{
	fputs("usage: exhunt demo [--dir DIR] [--addresses CIDR] [--port N]\n"
	      "                   [--seed N] [--mix NAME] [--epochs N]\n"
	      "\n"
	      "Starts a lab of emulated Exchange servers on loopback (default\n"
	      "127.77.0.0/20, 4,096 servers) and scans it with every safe\n"
	      "check once per epoch (default 4: the fleet now and 2, 4, 6\n"
	      "weeks later, patching, back-doored, cleaned, moving), compares\n"
	      "each verdict with the lab's truth and prints the campaign\n"
	      "report. Results stay in DIR (default demo-results/):\n"
	      "scan-K.jsonl, scan-K.csv and truth-K.jsonl per epoch, scan.db\n"
	      "(all scans) and dashboard.html.\n",
	      f);
}

static pid_t start_lab(const char *self, const char *addresses, int port,
                       uint64_t seed, const char *mix, int epoch,
                       const char *truth)
{
	int fds[2];
	pid_t pid;
	char portarg[16], seedarg[32], epocharg[16], line[256];
	FILE *r;

	if (pipe(fds))
		return -1;
	snprintf(portarg, sizeof portarg, "%d", port);
	snprintf(seedarg, sizeof seedarg, "%llu", (unsigned long long)seed);
	snprintf(epocharg, sizeof epocharg, "%d", epoch);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(self, self, "lab", "--addresses", addresses, "--port",
		      portarg, "--http-port", "0", "--seed", seedarg, "--mix",
		      mix, "--epoch", epocharg, "--truth", truth, "--for",
		      "600", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	r = fdopen(fds[0], "r");
	if (!r || !fgets(line, sizeof line, r) || !strstr(line, "ready")) {
		if (r)
			fclose(r);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return -1;
	}
	fclose(r);
	return pid;
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"dir", required_argument, NULL, 'd'},
	    {"addresses", required_argument, NULL, 'a'},
	    {"port", required_argument, NULL, 'p'},
	    {"seed", required_argument, NULL, 's'},
	    {"mix", required_argument, NULL, 'm'},
	    {"epochs", required_argument, NULL, 'e'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *dir = "demo-results", *addresses = "127.77.0.0/20";
	const char *mix = "2021-03";
	char self[4096], jsonl[4200], csv[4200], db[4200], truth[4200];
	char html[4200];
	uint64_t seed = 1, compared = 0, mismatched = 0;
	int port = 9443, ch, rc = EXIT_RUNTIME, epochs = 4, e;
	ssize_t n;
	struct kb *kb = NULL;
	struct scan_opts so;
	struct truth_check tc;
	struct cidr4 c;
	const char *why;
	pid_t lab;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dir = optarg; break;
		case 'a': addresses = optarg; break;
		case 'p':
			if (!arg_int("port", optarg, 1, 65535, &port))
				return EXIT_USAGE;
			break;
		case 's':
			if (!arg_u64("seed", optarg, 0, UINT64_MAX, &seed))
				return EXIT_USAGE;
			break;
		case 'm': mix = optarg; break;
		case 'e':
			if (!arg_int("epochs", optarg, 1, 26, &epochs))
				return EXIT_USAGE;
			break;
		case 'h': demo_usage(stdout); return 0;
		default: demo_usage(stderr); return EXIT_USAGE;
		}
	}
	if (cidr4_parse(view_of(addresses), &c, &why) ||
	    (c.base >> 24) != 127 || c.len < 16) {
		log_error(
		    "--addresses: '%s': the demo runs inside 127.0.0.0/8, "
		    "at most a /16",
		    addresses);
		return EXIT_USAGE;
	}
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return EXIT_RUNTIME;
	self[n] = '\0';
	if (mkdir(dir, 0755) && errno != EEXIST) {
		log_error("%s: %s", dir, strerror(errno));
		return EXIT_RUNTIME;
	}
	snprintf(db, sizeof db, "%s/scan.db", dir);
	snprintf(html, sizeof html, "%s/dashboard.html", dir);
	/* A demo starts its campaign afresh. */
	unlink(db);
	{
		char side[4300];
		snprintf(side, sizeof side, "%s-wal", db);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", db);
		unlink(side);
	}
	if (kb_load(NULL, &kb))
		return EXIT_RUNTIME;
	if (lab_world_init(&tc.w, kb, mix, seed)) {
		log_error("--mix: '%s': not a mix", mix);
		kb_free(kb);
		return EXIT_USAGE;
	}
	tc.kb = kb;
	printf("exhunt demo: a lab of %llu emulated servers on %s (mix %s, "
	       "seed %llu), scanned %d times, a fortnight apart\n",
	       (unsigned long long)cidr4_size(c), addresses, mix,
	       (unsigned long long)seed, epochs);
	fflush(stdout);
	for (e = 0; e < epochs; e++) {
		snprintf(jsonl, sizeof jsonl, "%s/scan-%d.jsonl", dir, e);
		snprintf(csv, sizeof csv, "%s/scan-%d.csv", dir, e);
		snprintf(truth, sizeof truth, "%s/truth-%d.jsonl", dir, e);
		unlink(jsonl);
		unlink(csv);
		tc.w.epoch = (uint32_t)e;
		tc.compared = tc.mismatched = 0;
		lab = start_lab(self, addresses, port, seed, mix, e, truth);
		if (lab < 0) {
			log_error("demo: the lab did not start (is port %d "
			          "free?)",
			          port);
			goto out;
		}
		memset(&so, 0, sizeof so);
		targets_init(&so.targets);
		ipset_init(&so.allow);
		ipset_init(&so.block);
		targets_add(&so.targets, view_of(addresses), &why);
		ipset_add(&so.allow, c);
		so.scope = addresses;
		so.nshards = 1;
		so.eng.port = port;
		so.eng.tls = true;
		so.eng.checks = CHECK_ALL;
		so.eng.concurrency = 2000;
		so.eng.timeout_ms = 120000;
		so.eng.connect_timeout_ms = 5000;
		so.eng.allow = &so.allow;
		so.eng.block = &so.block;
		so.eng.progress = isatty(2);
		so.eng.user_agent = "exhunt/" EXHUNT_VERSION " (demo)";
		so.out.jsonl_path = jsonl;
		so.out.csv_path = csv;
		so.out.db_path = db;
		/* dated as the lab's world is: the patch curve on the
		 * campaign's days, not the minutes the demo took */
		so.out.as_of = lab_world_date(&tc.w);
		so.quiet = e + 1 < epochs;
		so.also = check_truth;
		so.also_ctx = &tc;
		printf("\n== epoch %d: scanning with checks ssrf-26855, "
		       "proxyshell, mitigation, webshells\n",
		       e);
		fflush(stdout);
		rc = scan_run(&so, kb);
		kill(lab, SIGTERM);
		waitpid(lab, NULL, 0);
		targets_release(&so.targets);
		ipset_release(&so.allow);
		ipset_release(&so.block);
		printf("truth check, epoch %d: %llu of %llu addresses match "
		       "the lab's truth\n",
		       e, (unsigned long long)(tc.compared - tc.mismatched),
		       (unsigned long long)tc.compared);
		compared += tc.compared;
		mismatched += tc.mismatched;
		if (rc)
			goto out;
	}
	{
		struct report r;
		struct buf b;
		printf("\n== the campaign (exhunt report --db %s)\n", db);
		if (report_load(db, &r)) {
			rc = EXIT_RUNTIME;
			goto out;
		}
		report_text(&r, stdout);
		buf_init(&b, (size_t)1 << 30);
		if (report_html(&r, db, &b) ||
		    file_write_atomic(html, b.p, b.len)) {
			log_error("%s: cannot write the dashboard", html);
			rc = EXIT_RUNTIME;
		}
		buf_release(&b);
		report_release(&r);
	}
	printf("\ntruth check: %llu of %llu addresses match the lab's truth "
	       "over %d scans\n",
	       (unsigned long long)(compared - mismatched),
	       (unsigned long long)compared, epochs);
	printf("results: %s/ (scan-K.jsonl, scan-K.csv, truth-K.jsonl per "
	       "epoch, scan.db)\ndashboard: %s (open it in a browser; it "
	       "fetches nothing)\n",
	       dir, html);
	if (rc == 0 && mismatched)
		rc = EXIT_FINDINGS;
out:
	lab_world_release(&tc.w);
	kb_free(kb);
	return rc;
}
