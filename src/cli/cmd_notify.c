/* exhunt notify enrich | send (docs/notify.md). */
#include "base/err.h"
#include "base/file.h"
#include "base/csv.h"
#include "base/ip4.h"
#include "base/log.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "notify/notify.h"
#include "scan/knowledge.h"
#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/banned.h"

static void usage(FILE *f)
{
	fputs(
	    "usage: exhunt notify enrich --db FILE [--mmdb FILE]...\n"
	    "                            [--prefix2as FILE] [--delegated "
	    "FILE]...\n"
	    "       exhunt notify send --db FILE --contacts CSV --from "
	    "ADDRESS\n"
	    "                          (--smtp URL | --dry-run --maildir DIR)\n"
	    "                          [--reporter NAME] [--help-text TEXT]\n"
	    "                          [--templates DIR] [--suppress FILE]\n"
	    "                          [--starttls] [--user NAME]\n"
	    "                          [--password-file FILE] "
	    "[--allow-plaintext-password] [--ca-file "
	    "FILE]\n"
	    "                          [--rate N] [--retries N] [--cve LIST]\n"
	    "\n"
	    "enrich: AS, AS name and country for every Exchange address in "
	    "the\n"
	    "database, from MMDB files (GeoLite2/DB-IP ASN and country) or,\n"
	    "without them, RouteViews prefix2as and RIR delegated stats.\n"
	    "\n"
	    "lookup: the same for a list of addresses, as CSV\n"
	    "(ip,asn,as_name,country,source).\n"
	    "\n"
	    "plan: fills the outbox as send would and sends nothing (review\n"
	    "it in table outbox; send delivers it).\n"
	    "\n"
	    "send: routes each finding of the last scan (open CVEs, web "
	    "shells)\n"
	    "to its network's contact (most specific prefix, then AS, then "
	    "the\n"
	    "country's CERT), writes one message per contact to the outbox "
	    "and\n"
	    "delivers the outbox over SMTP (--rate: messages per minute per\n"
	    "recipient domain, default 30). --cve CVE-A,CVE-B notifies only\n"
	    "those (a campaign); web shells always. A finding goes to a "
	    "contact once,\n"
	    "across reruns and crashes. --dry-run writes the messages to a\n"
	    "maildir instead (and records them as sent: use a copy of the\n"
	    "database to preview).\n",
	    f);
}

static int load_file(const char *path, struct buf *b)
{
	const char *why = NULL;

	buf_init(b, (size_t)1 << 30);
	if (file_read(path, (size_t)1 << 30, b, &why)) {
		log_error("%s: %s", path, why ? why : "cannot read");
		return EXH_EINVAL;
	}
	return 0;
}

/* The options enrich and lookup share: --mmdb, --prefix2as, --delegated
 * into g (*given counts the files), and --db when db is not NULL (enrich).
 * 0, 1 after --help (usage printed), or EXH_EINVAL. */
static int geo_args(int argc, char **argv, struct geo *g, const char **db,
                    int *given)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"mmdb", required_argument, NULL, 'm'},
	    {"prefix2as", required_argument, NULL, 'p'},
	    {"delegated", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int ch, rc = 0;

	optind = 1;
	while (!rc && (ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		(*given) += ch == 'm' || ch == 'p' || ch == 'r';
		switch (ch) {
		case 'd':
			if (db) {
				*db = optarg;
			} else {
				log_error(
				    "notify lookup: --db is not one of its "
				    "options");
				rc = EXH_EINVAL;
			}
			break;
		case 'm': rc = geo_add_mmdb(g, optarg); break;
		case 'p': rc = geo_add_prefix2as(g, optarg); break;
		case 'r': rc = geo_add_delegated(g, optarg); break;
		case 'h': usage(stdout); return 1;
		default: rc = EXH_EINVAL;
		}
	}
	return rc;
}

static int enrich(int argc, char **argv)
{
	const char *db = NULL;
	struct geo g;
	struct enrich_stats st;
	int rc, given = 0;

	geo_init(&g);
	rc = geo_args(argc, argv, &g, &db, &given);
	if (rc == 1) {
		geo_release(&g);
		return 0;
	}
	if (!rc && (!db || optind != argc || geo_empty(&g))) {
		log_error(
		    geo_empty(&g) && given
		        ? "notify enrich: the data files hold no networks"
		        : "notify enrich: give --db FILE and at least one "
		          "of --mmdb, --prefix2as, --delegated");
		rc = EXH_EINVAL;
	}
	if (rc) {
		geo_release(&g);
		return EXIT_USAGE;
	}
	geo_finish(&g);
	rc = notify_enrich(db, &g, &st);
	geo_release(&g);
	if (rc)
		return EXIT_RUNTIME;
	printf("%s: %llu addresses, %llu with an AS, %llu with a country\n", db,
	       (unsigned long long)st.addresses,
	       (unsigned long long)st.with_asn,
	       (unsigned long long)st.with_country);
	return 0;
}

/* exhunt notify lookup: addresses on standard input (one per line) to
 * "ip,asn,as_name,country,source" on standard output. */
static int lookup(int argc, char **argv)
{
	struct geo g;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc, given = 0;
	struct buf out;

	geo_init(&g);
	rc = geo_args(argc, argv, &g, NULL, &given);
	if (rc == 1) {
		geo_release(&g);
		return 0;
	}
	if (!rc && (optind != argc || geo_empty(&g))) {
		log_error(geo_empty(&g) && given
		              ? "notify lookup: the data files hold no networks"
		              : "notify lookup: give at least one of --mmdb, "
		                "--prefix2as, --delegated; addresses on "
		                "standard input");
		rc = EXH_EINVAL;
	}
	if (rc) {
		geo_release(&g);
		return EXIT_USAGE;
	}
	geo_finish(&g);
	buf_init(&out, (size_t)1 << 30);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		struct view v = view_trim((struct view){line, (size_t)n});
		struct geo_answer a;
		uint32_t ip;
		lineno++;
		if (v.len == 0)
			continue;
		if (!ip4_parse(v, &ip)) {
			log_error("stdin:%ld: '%.*s' is not an IPv4 address",
			          lineno, (int)(v.len > 64 ? 64 : v.len), v.p);
			rc = EXIT_USAGE;
			break;
		}
		geo_lookup(&g, ip, &a);
		buf_add(&out, v.p, v.len);
		if (a.asn)
			buf_printf(&out, ",%u,", (unsigned)a.asn);
		else
			buf_adds(&out, ",,");
		csv_field(&out, a.as_name, false);
		buf_printf(&out, "%s,%s\n", a.country,
		           a.source[0] ? a.source : "none");
		if (out.len > (1u << 20)) {
			fwrite(out.p, 1, out.len, stdout);
			buf_reset(&out);
		}
	}
	fwrite(out.p, 1, out.len, stdout);
	buf_release(&out);
	free(line);
	geo_release(&g);
	return rc;
}

static int notify_send_cmd(int argc, char **argv, bool plan_only)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"contacts", required_argument, NULL, 'c'},
	    {"from", required_argument, NULL, 'f'},
	    {"smtp", required_argument, NULL, 's'},
	    {"dry-run", no_argument, NULL, 'n'},
	    {"maildir", required_argument, NULL, 'M'},
	    {"reporter", required_argument, NULL, 'R'},
	    {"help-text", required_argument, NULL, 'H'},
	    {"templates", required_argument, NULL, 'T'},
	    {"suppress", required_argument, NULL, 'S'},
	    {"starttls", no_argument, NULL, 't'},
	    {"user", required_argument, NULL, 'u'},
	    {"password-file", required_argument, NULL, 'P'},
	    {"ca-file", required_argument, NULL, 'C'},
	    {"allow-plaintext-password", no_argument, NULL, 'A'},
	    {"rate", required_argument, NULL, 'r'},
	    {"retries", required_argument, NULL, 'y'},
	    {"cve", required_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct send_opts o;
	struct send_stats st;
	struct contacts k;
	struct suppress sup;
	struct buf file, pw;
	const char *contacts = NULL, *suppress = NULL, *pwfile = NULL;
	bool dry = false, plaintext_ok = false;
	struct kb *kb = NULL;
	int ch, rate = 30, rc = 0;

	memset(&o, 0, sizeof o);
	o.retries = 3;
	o.msg.reporter = "exhunt";
	o.msg.help = "your national CERT";
	contacts_init(&k);
	suppress_init(&sup);
	buf_init(&pw, 4096);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': o.db_path = optarg; break;
		case 'c': contacts = optarg; break;
		case 'f': o.msg.from = optarg; break;
		case 's': o.smtp_url = optarg; break;
		case 'n': dry = true; break;
		case 'M': o.maildir = optarg; break;
		case 'R': o.msg.reporter = optarg; break;
		case 'H': o.msg.help = optarg; break;
		case 'T': o.msg.templates = optarg; break;
		case 'S': suppress = optarg; break;
		case 't': o.starttls = true; break;
		case 'u': o.user = optarg; break;
		case 'P': pwfile = optarg; break;
		case 'C': o.ca_file = optarg; break;
		case 'A': plaintext_ok = true; break;
		case 'r':
			if (!arg_int("rate", optarg, 1, 100000, &rate))
				return EXIT_USAGE;
			break;
		case 'y':
			if (!arg_int("retries", optarg, 1, 10, &o.retries))
				return EXIT_USAGE;
			break;
		case 'V': o.cves = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	o.per_domain_per_min = rate;
	if (!o.db_path || !contacts || !o.msg.from || optind != argc) {
		log_error("notify send: give --db, --contacts and --from");
		return EXIT_USAGE;
	}
	if (!email_plain(o.msg.from)) {
		log_error("--from: '%s' is not a plain e-mail address",
		          o.msg.from);
		return EXIT_USAGE;
	}
	o.plan_only = plan_only;
	if (!plan_only &&
	    (dry != (o.maildir != NULL) || dry == (o.smtp_url != NULL))) {
		log_error("notify send: give either --smtp URL or --dry-run "
		          "--maildir DIR");
		return EXIT_USAGE;
	}
	if (o.smtp_url && strncmp(o.smtp_url, "smtp://", 7) &&
	    strncmp(o.smtp_url, "smtps://", 8)) {
		log_error("--smtp: '%s' is not smtp://HOST[:PORT] or "
		          "smtps://HOST[:PORT]",
		          o.smtp_url);
		return EXIT_USAGE;
	}
	/* A password never crosses the network in the clear unless the
	 * user says so in as many words. */
	if (o.smtp_url && (o.user || pwfile) && !o.starttls &&
	    strncmp(o.smtp_url, "smtps://", 8) != 0 && !plaintext_ok) {
		log_error("--smtp %s: refusing to send a password over a "
		          "connection that is not TLS; use --starttls or "
		          "smtps://, or --allow-plaintext-password",
		          o.smtp_url);
		return EXIT_USAGE;
	}
	if (load_file(contacts, &file) ||
	    contacts_parse(file.p, file.len, contacts, &k)) {
		rc = EXIT_USAGE;
		goto out_file;
	}
	buf_release(&file);
	o.contacts = &k;
	if (suppress && (load_file(suppress, &file) ||
	                 suppress_parse(file.p, file.len, suppress, &sup))) {
		rc = EXIT_USAGE;
		goto out_file;
	}
	if (suppress) {
		buf_release(&file);
		o.suppress = &sup;
	}
	if (pwfile) {
		const char *why = NULL;
		if (file_read(pwfile, 4096, &pw, &why)) {
			log_error("%s: %s", pwfile, why ? why : "cannot read");
			rc = EXIT_USAGE;
			goto out;
		}
		while (pw.len &&
		       (pw.p[pw.len - 1] == '\n' || pw.p[pw.len - 1] == '\r'))
			pw.len--;
		buf_addc(&pw, '\0');
		o.password = pw.p;
	}
	if (kb_load(NULL, &kb)) {
		rc = EXIT_RUNTIME;
		goto out;
	}
	o.progress = isatty(2);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = notify_send(&o, kb, &st);
	curl_global_cleanup();
	if (rc == EXH_EAGAIN) {
		log_warn("notify send: interrupted after %llu delivered; the "
		         "rest waits in the outbox, a rerun sends it",
		         (unsigned long long)st.sent);
		rc = EXIT_INTERRUPTED;
		goto out;
	}
	if (rc) {
		rc = rc == EXH_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
		goto out;
	}
	printf("notify: %llu servers with findings; %llu not routed, %llu "
	       "suppressed, %llu already notified; %llu new messages; %llu "
	       "delivered, %llu not delivered, %llu waiting in the outbox\n",
	       (unsigned long long)st.findings_servers,
	       (unsigned long long)st.unrouted,
	       (unsigned long long)st.suppressed,
	       (unsigned long long)st.already, (unsigned long long)st.planned,
	       (unsigned long long)st.sent, (unsigned long long)st.failed,
	       (unsigned long long)st.pending);
	if (st.others)
		printf("notify: %llu messages were another sender's (delivered "
		       "or being delivered by it)\n",
		       (unsigned long long)st.others);
	rc = st.pending && !plan_only ? EXIT_RUNTIME : 0;
	goto out;
out_file:
	buf_release(&file);
out:
	kb_free(kb);
	contacts_release(&k);
	suppress_release(&sup);
	buf_release(&pw);
	return rc;
}

int cmd_notify(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "enrich") == 0)
		return enrich(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "send") == 0)
		return notify_send_cmd(argc - 1, argv + 1, false);
	if (argc > 1 && strcmp(argv[1], "plan") == 0)
		return notify_send_cmd(argc - 1, argv + 1, true);
	if (argc > 1 && strcmp(argv[1], "lookup") == 0)
		return lookup(argc - 1, argv + 1);
	if (argc > 1 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return EXIT_USAGE;
}
