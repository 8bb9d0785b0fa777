#include "base/err.h"
#include "base/timefmt.h"
#include "base/log.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "scan/scan.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/banned.h"

static void scan_usage(FILE *f)
{
	fputs(
	    "usage: exhunt scan [OPTIONS] [TARGET...]\n"
	    "\n"
	    "TARGET: an IPv4 address, a prefix (a.b.c.d/n), a host name, or\n"
	    "'address,hostname'. Also read from -i FILE ('-' for standard\n"
	    "input; zmap and masscan output work as they are).\n"
	    "\n"
	    "  -i, --input FILE        targets from FILE (repeatable)\n"
	    "  -p, --port N            port (default 443)\n"
	    "      --plain             HTTP without TLS (default on port 80)\n"
	    "      --checks LIST       "
	    "ssrf-26855,proxyshell,mitigation,webshells\n"
	    "                          or all; default: fingerprint only\n"
	    "  -o, --output FILE       results (default: standard output)\n"
	    "      --format FMT        jsonl (default) or csv, for -o\n"
	    "      --csv FILE          also write Shadowserver scan_exchange "
	    "CSV\n"
	    "      --db FILE           also append to a SQLite database\n"
	    "      --state FILE        checkpoint here; rerun to resume\n"
	    "  -c, --concurrency N     targets in flight (default 1000)\n"
	    "  -r, --rate N            new targets per second (default: no "
	    "cap)\n"
	    "      --max-handshakes N  TLS handshakes in progress (default "
	    "1024)\n"
	    "  -j, --threads N         event loops (default: one per CPU, "
	    "at most\n"
	    "                          64, and 64 targets in flight each)\n"
	    "      --conns-per-target N  connections at once to one target\n"
	    "                          for the web-shell paths (default 6; 1:\n"
	    "                          one at a time; at most 16)\n"
	    "      --timeout S         whole-target deadline (default 60)\n"
	    "      --connect-timeout S connect and TLS deadline (default 5)\n"
	    "      --seed N            order seed (default: from the targets)\n"
	    "      --shard I/N         this machine's share of N\n"
	    "      --as-of DATE        date the scan DATE (YYYY-MM-DD or\n"
	    "                          YYYY-MM-DDTHH:MM:SSZ): a lab epoch, a "
	    "replay\n"
	    "      --allow CIDR        permit a special-purpose range "
	    "(repeatable)\n"
	    "      --blocklist FILE    never probe these (zmap format)\n"
	    "      --dry-run           print targets in scan order; send "
	    "nothing\n"
	    "      --resolver A[:P]    DNS server for host names\n"
	    "      --data DIR          knowledge tables (default: built in)\n"
	    "      --user-agent TEXT   User-Agent header\n"
	    "      --progress          status line on stderr (default on a "
	    "tty)\n"
	    "      --no-progress\n"
	    "  -q, --quiet             no summary or notices\n"
	    "      --stats             engine counters on stderr at the end\n",
	    f);
}

static bool parse_shard(const char *v, uint64_t *i, uint64_t *n)
{
	char *end;
	unsigned long long a = strtoull(v, &end, 10), b;

	if (end == v || *end != '/')
		return false;
	b = strtoull(end + 1, &end, 10);
	if (*end || b == 0 || a == 0 || a > b || b > 65536)
		return false;
	*i = a - 1;
	*n = b;
	return true;
}

int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"input", required_argument, NULL, 'i'},
	    {"port", required_argument, NULL, 'p'},
	    {"plain", no_argument, NULL, 'P'},
	    {"checks", required_argument, NULL, 'k'},
	    {"output", required_argument, NULL, 'o'},
	    {"format", required_argument, NULL, 'f'},
	    {"csv", required_argument, NULL, 'C'},
	    {"db", required_argument, NULL, 'd'},
	    {"state", required_argument, NULL, 's'},
	    {"concurrency", required_argument, NULL, 'c'},
	    {"rate", required_argument, NULL, 'r'},
	    {"timeout", required_argument, NULL, 't'},
	    {"connect-timeout", required_argument, NULL, 'T'},
	    {"seed", required_argument, NULL, 'S'},
	    {"shard", required_argument, NULL, 'H'},
	    {"as-of", required_argument, NULL, 'O'},
	    {"allow", required_argument, NULL, 'a'},
	    {"blocklist", required_argument, NULL, 'b'},
	    {"dry-run", no_argument, NULL, 'n'},
	    {"resolver", required_argument, NULL, 'R'},
	    {"data", required_argument, NULL, 'D'},
	    {"user-agent", required_argument, NULL, 'U'},
	    {"progress", no_argument, NULL, 'g'},
	    {"no-progress", no_argument, NULL, 'G'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"stats", no_argument, NULL, 'Z'},
	    {"max-handshakes", required_argument, NULL, 'M'},
	    {"conns-per-target", required_argument, NULL, 'L'},
	    {"threads", required_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct scan_opts so;
	struct kb *kb = NULL;
	const char *format = "jsonl", *output = NULL, *data = NULL;
	const char *inputs[64];
	int ninputs = 0, ch, i, rc = EXIT_USAGE, progress = -1, plain = -1;
	int timeout_s = 60, connect_s = 5;
	uint64_t u;
	struct cidr4 c;
	const char *why, *bad;
	char scope[512] = "";

	memset(&so, 0, sizeof so);
	targets_init(&so.targets);
	ipset_init(&so.allow);
	ipset_init(&so.block);
	so.eng.port = 443;
	so.eng.concurrency = 1000;
	so.eng.conns_per_target = 6;
	so.eng.user_agent =
	    "exhunt/" EXHUNT_VERSION " (Exchange exposure scan)";
	so.nshards = 1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "i:p:o:c:r:j:qh", opts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'i':
			if (ninputs == 64) {
				log_error("--input: at most 64 files");
				goto out;
			}
			inputs[ninputs++] = optarg;
			break;
		case 'p':
			if (!arg_int("port", optarg, 1, 65535, &so.eng.port))
				goto out;
			break;
		case 'P': plain = 1; break;
		case 'k':
			if (checks_parse(optarg, &so.eng.checks, &bad)) {
				log_error("--checks: '%s': unknown check; "
				          "choose from "
				          "ssrf-26855, proxyshell, mitigation, "
				          "webshells, all",
				          bad);
				goto out;
			}
			break;
		case 'o': output = optarg; break;
		case 'f': format = optarg; break;
		case 'C': so.out.csv_path = optarg; break;
		case 'd': so.out.db_path = optarg; break;
		case 's': so.out.state_path = optarg; break;
		case 'c':
			if (!arg_int("concurrency", optarg, 1, 100000,
			             &so.eng.concurrency))
				goto out;
			break;
		case 'r':
			if (!arg_u64("rate", optarg, 0, 10000000, &u))
				goto out;
			so.eng.rate = (double)u;
			break;
		case 't':
			if (!arg_int("timeout", optarg, 1, 3600, &timeout_s))
				goto out;
			break;
		case 'T':
			if (!arg_int("connect-timeout", optarg, 1, 600,
			             &connect_s))
				goto out;
			break;
		case 'S':
			if (!arg_u64("seed", optarg, 0, UINT64_MAX, &so.seed))
				goto out;
			so.seed_set = true;
			break;
		case 'O':
			if (!time_parse(optarg, strlen(optarg),
			                &so.out.as_of) ||
			    so.out.as_of == 0) {
				log_error(
				    "--as-of: '%s': expected YYYY-MM-DD or "
				    "YYYY-MM-DDTHH:MM:SSZ (UTC)",
				    optarg);
				goto out;
			}
			break;
		case 'H':
			if (!parse_shard(optarg, &so.shard, &so.nshards)) {
				log_error("--shard: '%s': expected I/N with 1 "
				          "<= I <= N",
				          optarg);
				goto out;
			}
			break;
		case 'a':
			if (cidr4_parse(view_of(optarg), &c, &why)) {
				log_error("--allow: '%s': %s", optarg, why);
				goto out;
			}
			if (ipset_add(&so.allow, c))
				goto out;
			break;
		case 'b':
			if (ipset_load_file(&so.block, optarg))
				goto out;
			break;
		case 'n': so.dry_run = true; break;
		case 'R': so.eng.resolver = optarg; break;
		case 'D': data = optarg; break;
		case 'U': so.eng.user_agent = optarg; break;
		case 'g': progress = 1; break;
		case 'G': progress = 0; break;
		case 'q':
			so.quiet = true;
			log_verbosity = 0;
			break;
		case 'Z': so.stats = true; break;
		case 'M':
			if (!arg_int("max-handshakes", optarg, 1, 100000,
			             &so.eng.max_handshakes))
				goto out;
			break;
		case 'j':
			if (!arg_int("threads", optarg, 1, LIM_SCAN_THREADS,
			             &so.eng.threads))
				goto out;
			break;
		case 'L':
			if (!arg_int("conns-per-target", optarg, 1,
			             LIM_TARGET_CONNS,
			             &so.eng.conns_per_target))
				goto out;
			break;
		case 'h':
			scan_usage(stdout);
			rc = 0;
			goto out;
		default: scan_usage(stderr); goto out;
		}
	}
	for (i = optind; i < argc; i++) {
		if (targets_add(&so.targets, view_of(argv[i]), &why)) {
			log_error("target '%s': %s", argv[i], why);
			goto out;
		}
		if (strlen(scope) + strlen(argv[i]) + 2 < sizeof scope) {
			if (scope[0])
				snprintf(scope + strlen(scope),
				         sizeof scope - strlen(scope), " ");
			snprintf(scope + strlen(scope),
			         sizeof scope - strlen(scope), "%s", argv[i]);
		}
	}
	if (ninputs == 0 && optind == argc && !isatty(0))
		inputs[ninputs++] = "-";
	for (i = 0; i < ninputs; i++) {
		if (targets_load(&so.targets, inputs[i]))
			goto out;
		if (strlen(scope) + strlen(inputs[i]) + 4 < sizeof scope)
			snprintf(scope + strlen(scope),
			         sizeof scope - strlen(scope), "%s-i %s",
			         scope[0] ? " " : "", inputs[i]);
	}
	so.scope = scope;
	if (strcmp(format, "jsonl") != 0 && strcmp(format, "csv") != 0) {
		log_error("--format: '%s': choose jsonl or csv", format);
		goto out;
	}
	if (strcmp(format, "csv") == 0) {
		if (so.out.csv_path) {
			log_error("--format csv with -o and --csv: give one");
			goto out;
		}
		so.out.csv_path = output ? output : "-";
	} else if (output || (!so.out.csv_path && !so.out.db_path)) {
		so.out.jsonl_path = output ? output : "-";
	}
	if (so.dry_run) {
		so.dry_out = output;
	} else if (so.out.state_path && (!so.out.jsonl_path ||
	                                 strcmp(so.out.jsonl_path, "-") == 0)) {
		log_error(
		    "--state needs the results in a file: add -o FILE "
		    "(JSONL), which a resumed scan reads to skip what is done");
		goto out;
	}
	so.eng.tls = plain == 1 ? false : so.eng.port != 80;
	so.eng.timeout_ms = timeout_s * 1000;
	so.eng.connect_timeout_ms = connect_s * 1000;
	so.eng.allow = &so.allow;
	so.eng.block = &so.block;
	so.eng.progress =
	    progress == 1 || (progress == -1 && isatty(2) && !so.quiet);
	if (kb_load(data, &kb))
		goto out;
	rc = scan_run(&so, kb);
out:
	kb_free(kb);
	targets_release(&so.targets);
	ipset_release(&so.allow);
	ipset_release(&so.block);
	return rc;
}
