#include "base/err.h"
#include "base/log.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "lab/host.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

int cmd_lab_host(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"seed", required_argument, NULL, 's'},
	    {"scenario", required_argument, NULL, 'c'},
	    {"size", required_argument, NULL, 'z'},
	    {"truth", required_argument, NULL, 't'},
	    {"image", required_argument, NULL, 'i'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct host_opts o = {
	    .seed = 1, .scenarios = "proxylogon-shell", .size_gb = 0.005};
	const char *truth = NULL;
	char tbuf[4096], *end;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (!arg_u64("seed", optarg, 0, UINT64_MAX, &o.seed))
				return EXIT_USAGE;
			break;
		case 'c': o.scenarios = optarg; break;
		case 'z':
			o.size_gb = strtod(optarg, &end);
			if (*end || o.size_gb < 0 || o.size_gb > 100) {
				log_error(
				    "--size: '%s': gigabytes between 0 and 100",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 't': truth = optarg; break;
		case 'i': o.image = optarg; break;
		case 'h':
			printf("usage: exhunt lab host DIR [--seed N] "
			       "[--scenario LIST] "
			       "[--size GB] [--truth FILE] [--image FILE]\n"
			       "\nscenarios:");
			for (ch = 0; lab_scenarios[ch]; ch++)
				printf(" %s", lab_scenarios[ch]);
			printf("\nThe truth goes to FILE (default "
			       "DIR.truth.json). --image also writes the tree "
			       "as a disk image\n(.raw, .dd, .img, .E01, .vhd "
			       "or .vhdx: an MBR disk with one NTFS volume).\n");
			return 0;
		default: return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		log_error("lab host: give one DIR to write");
		return EXIT_USAGE;
	}
	o.dir = argv[optind];
	if (!truth) {
		snprintf(tbuf, sizeof tbuf, "%s.truth.json", o.dir);
		truth = tbuf;
	}
	return lab_host_write(&o, truth);
}
