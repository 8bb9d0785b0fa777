#include "base/err.h"
#include "base/ip4.h"
#include "base/log.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "lab/fleet.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

static void lab_usage(FILE *f)
{
	fputs(
	    "usage: exhunt lab [--addresses CIDR] [--port N] [--http-port N]\n"
	    "                  [--seed N] [--mix NAME] [--truth FILE]\n"
	    "                  [--delay MS] [--slow-ms MS] [--for SECONDS]\n"
	    "                  [--dns-port N]\n"
	    "                  [--data DIR]\n"
	    "\n"
	    "Serves an emulated Exchange fleet, one persona per address.\n"
	    "  --addresses CIDR  loopback range (default 127.77.0.0/22)\n"
	    "  --port N          HTTPS port (default 443)\n"
	    "  --http-port N     HTTP port (default 80; 0 for none)\n"
	    "  --seed N          persona seed (default 1)\n"
	    "  --mix NAME        2021-03 (default), 2021-08, 2022-11, "
	    "current,\n"
	    "                    variety (WAFs and catch-all sites, often)\n"
	    "  --truth FILE      write the ground truth as JSONL\n"
	    "  --delay MS        add latency to every response\n"
	    "  --slow-ms MS      time per answer of the slow personas (default "
	    "400)\n"
	    "  --for SECONDS     stop after this long (default: on a signal)\n"
	    "  --dns-port N      answer DNS on 127.0.0.1:N (0: any free port)\n"
	    "  --data DIR        knowledge tables instead of the built-in "
	    "ones\n"
	    "  --epoch K         the fleet K fortnights later: some servers\n"
	    "                    patched, some back-doored, some cleaned\n",
	    f);
}

int cmd_lab(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"addresses", required_argument, NULL, 'a'},
	    {"port", required_argument, NULL, 'p'},
	    {"http-port", required_argument, NULL, 'P'},
	    {"seed", required_argument, NULL, 's'},
	    {"mix", required_argument, NULL, 'm'},
	    {"truth", required_argument, NULL, 't'},
	    {"delay", required_argument, NULL, 'd'},
	    {"slow-ms", required_argument, NULL, 'S'},
	    {"for", required_argument, NULL, 'f'},
	    {"dns-port", required_argument, NULL, 'D'},
	    {"data", required_argument, NULL, 'k'},
	    {"epoch", required_argument, NULL, 'e'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct fleet_opts fo = {.https_port = 443,
	                        .http_port = 80,
	                        .dns_port = -1,
	                        .slow_ms = LAB_SLOW_MS};
	const char *addresses = "127.77.0.0/22", *mix = NULL, *data = NULL;
	uint64_t seed = 1;
	struct cidr4 c;
	const char *why;
	struct kb *kb = NULL;
	struct lab_world w;
	int ch, rc, epoch = 0;

	if (argc > 1 && strcmp(argv[1], "host") == 0)
		return cmd_lab_host(argc - 1, argv + 1);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'a': addresses = optarg; break;
		case 'p':
			if (!arg_int("port", optarg, 1, 65535, &fo.https_port))
				return EXIT_USAGE;
			break;
		case 'P':
			if (!arg_int("http-port", optarg, 0, 65535,
			             &fo.http_port))
				return EXIT_USAGE;
			break;
		case 's':
			if (!arg_u64("seed", optarg, 0, UINT64_MAX, &seed))
				return EXIT_USAGE;
			break;
		case 'm': mix = optarg; break;
		case 't': fo.truth = optarg; break;
		case 'd':
			if (!arg_int("delay", optarg, 0, 60000, &fo.delay_ms))
				return EXIT_USAGE;
			break;
		case 'S':
			if (!arg_int("slow-ms", optarg, 0, 60000, &fo.slow_ms))
				return EXIT_USAGE;
			break;
		case 'f':
			if (!arg_int("for", optarg, 1, 86400 * 365,
			             &fo.run_for_s))
				return EXIT_USAGE;
			break;
		case 'D':
			if (!arg_int("dns-port", optarg, 0, 65535,
			             &fo.dns_port))
				return EXIT_USAGE;
			break;
		case 'k': data = optarg; break;
		case 'e':
			if (!arg_int("epoch", optarg, 0, 1000, &epoch))
				return EXIT_USAGE;
			break;
		case 'h': lab_usage(stdout); return 0;
		default: lab_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_error("lab: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (cidr4_parse(view_of(addresses), &c, &why)) {
		log_error("--addresses: '%s': %s", addresses, why);
		return EXIT_USAGE;
	}
	if (c.len < 8 || (c.base >> 24) != 127) {
		log_error("--addresses: '%s': the lab serves only inside "
		          "127.0.0.0/8 (loopback)",
		          addresses);
		return EXIT_USAGE;
	}
	if (c.len < 16) {
		log_error("--addresses: '%s': at most a /16 (65,536 servers)",
		          addresses);
		return EXIT_USAGE;
	}
	fo.base = c.base;
	fo.count = cidr4_size(c);
	if (kb_load(data, &kb))
		return EXIT_USAGE;
	rc = lab_world_init(&w, kb, mix, seed);
	if (rc == EXH_EINVAL) {
		log_error("--mix: '%s': not a mix; choose 2021-03, 2021-08, "
		          "2022-11 or current",
		          mix);
		kb_free(kb);
		return EXIT_USAGE;
	}
	if (rc) {
		kb_free(kb);
		return EXIT_RUNTIME;
	}
	w.epoch = (uint32_t)epoch;
	rc = fleet_run(&w, &fo);
	lab_world_release(&w);
	kb_free(kb);
	return rc;
}
