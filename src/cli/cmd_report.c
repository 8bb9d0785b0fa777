#include "base/err.h"
#include "base/log.h"
#include "cli/cli.h"
#include "report/report.h"
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "base/banned.h"

static int write_out(const char *path, const struct buf *b)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;

	if (!f || fwrite(b->p, 1, b->len, f) != b->len ||
	    (f != stdout && fclose(f))) {
		log_error("%s: cannot write", path);
		return EXIT_RUNTIME;
	}
	return 0;
}

/* One of the report's CSV tables, rendered by fn, to path. */
static int write_table(const char *path, const struct report *r,
                       int (*fn)(const struct report *, struct buf *))
{
	struct buf b;
	int rc;

	buf_init(&b, (size_t)1 << 30);
	rc = fn(r, &b) ? EXIT_RUNTIME : write_out(path, &b);
	buf_release(&b);
	return rc;
}

static void import_usage(FILE *f)
{
	fputs(
	    "usage: exhunt report import --db FILE|URL JSONL...\n\n"
	    "Adds the scan records of each JSONL file (exhunt scan -o) to the\n"
	    "database; rerunning adds nothing twice. Options may come in any\n"
	    "order.\n",
	    f);
}

/* exhunt report import --db FILE JSONL..., parsed like every command. */
static int cmd_report_import(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *db = NULL;
	int i, ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'h': import_usage(stdout); return 0;
		default: import_usage(stderr); return EXIT_USAGE;
		}
	}
	if (!db || optind >= argc) {
		log_error("report import: give --db FILE and JSONL files");
		return EXIT_USAGE;
	}
	for (i = optind; i < argc; i++) {
		uint64_t added, lines;
		int rc = report_import(db, argv[i], &added, &lines);
		if (rc == EXH_EAGAIN)
			return EXIT_INTERRUPTED;
		if (rc)
			return rc == EXH_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
		printf("%s: %llu records, %llu new\n", argv[i],
		       (unsigned long long)lines, (unsigned long long)added);
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"html", required_argument, NULL, 'H'},
	    {"csv", required_argument, NULL, 'c'},
	    {"groups-csv", required_argument, NULL, 'g'},
	    {"funnel-csv", required_argument, NULL, 'f'},
	    {"builds-csv", required_argument, NULL, 'b'},
	    {"series-csv", required_argument, NULL, 's'},
	    {"json", required_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *db = NULL, *html = NULL, *csv = NULL, *groups = NULL;
	const char *funnel = NULL, *builds = NULL, *json = NULL, *series = NULL;
	struct report r;
	int ch, rc = 0;

	if (argc > 1 && strcmp(argv[1], "import") == 0)
		return cmd_report_import(argc - 1, argv + 1);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': db = optarg; break;
		case 'H': html = optarg; break;
		case 'c': csv = optarg; break;
		case 'g': groups = optarg; break;
		case 'f': funnel = optarg; break;
		case 'b': builds = optarg; break;
		case 'j': json = optarg; break;
		case 's': series = optarg; break;
		case 'h':
			puts("usage: exhunt report --db FILE|URL [--html OUT] "
			     "[--csv OUT] [--groups-csv OUT]\n"
			     "                     [--series-csv OUT] "
			     "[--funnel-csv OUT] [--builds-csv OUT] [--json "
			     "OUT]\n"
			     "       exhunt report import --db FILE|URL "
			     "JSONL...\n\n"
			     "The store is an SQLite file or a postgresql:// "
			     "URL (docs/store.md).\n"
			     "Figures per scan from a database that scans "
			     "appended to\n"
			     "(exhunt scan --db FILE): Exchange servers, per "
			     "campaign\n"
			     "open and patched, the share of the first scan's "
			     "open\n"
			     "servers patched since, back-doored, changes "
			     "since the\n"
			     "previous scan, end of life. Text on standard "
			     "output;\n"
			     "CSV and a self-contained HTML dashboard on "
			     "request.\n"
			     "--groups-csv: every country and network of the "
			     "last scan\n"
			     "(when the database has enrichment; "
			     "docs/report.md);\n"
			     "--series-csv: the largest 50 of each, scan by "
			     "scan;\n"
			     "--builds-csv: the last scan's builds in version "
			     "order;\n"
			     "--json: every figure as one JSON object "
			     "(docs/report.md).");
			return 0;
		default: return EXIT_USAGE;
		}
	}
	if (!db || optind != argc) {
		log_error("report: give --db FILE|URL (and nothing else)");
		return EXIT_USAGE;
	}
	if (report_load(db, &r))
		return EXIT_USAGE;
	if (r.n == 0) {
		log_error("%s: holds no scan", db);
		report_release(&r);
		return EXIT_USAGE;
	}
	report_text(&r, stdout);
	if (csv)
		rc = write_table(csv, &r, report_csv);
	if (!rc && groups)
		rc = write_table(groups, &r, report_groups_csv);
	if (!rc && funnel)
		rc = write_table(funnel, &r, report_funnel_csv);
	if (!rc && builds)
		rc = write_table(builds, &r, report_builds_csv);
	if (!rc && series)
		rc = write_table(series, &r, report_series_csv);
	if (!rc && json)
		rc = write_table(json, &r, report_json);
	if (!rc && html) {
		struct buf b;
		buf_init(&b, (size_t)1 << 31);
		rc = report_html(&r, db, &b) ? EXIT_RUNTIME
		                             : write_out(html, &b);
		buf_release(&b);
	}
	report_release(&r);
	return rc;
}
