#include "scan/scan.h"
#include "base/err.h"
#include "base/ip4.h"
#include "base/log.h"
#include "base/sig.h"
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/banned.h"

static volatile sig_atomic_t stop_flag;

/* A digest of everything that decides which targets a scan probes and in
 * what order: a state file only resumes the scan it was written for. */
static void fingerprint(const struct scan_opts *so, char hex[65])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[32];
	unsigned int n = 0, i;
	size_t k;
	uint64_t params[5] = {so->seed, so->shard, so->nshards,
	                      (uint64_t)so->eng.port, so->eng.checks};

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, params, sizeof params);
	for (k = 0; k < so->targets.niv; k++)
		EVP_DigestUpdate(md, &so->targets.iv[k], 16);
	for (k = 0; k < so->targets.nnames; k++) {
		EVP_DigestUpdate(md, &so->targets.names[k].ip, 4);
		EVP_DigestUpdate(md, so->targets.names[k].hostname,
		                 strlen(so->targets.names[k].hostname) + 1);
	}
	EVP_DigestFinal_ex(md, d, &n);
	EVP_MD_CTX_free(md);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static int dry_run(struct scan_opts *so, struct order *ord)
{
	FILE *f = so->dry_out ? fopen(so->dry_out, "w") : stdout;
	uint64_t index, pos, printed = 0, refused = 0;
	struct target t;
	char ip[IP4_STRLEN];

	if (!f) {
		log_error("%s: cannot write", so->dry_out);
		return EXIT_RUNTIME;
	}
	while (order_next(ord, &index, &pos)) {
		targets_get(&so->targets, index, &t);
		if (t.ip && engine_refusal(&so->eng, t.ip)) {
			refused++;
			continue;
		}
		if (t.ip)
			ip4_format(t.ip, ip);
		if (t.ip && t.hostname)
			fprintf(f, "%s,%s\n", ip, t.hostname);
		else if (t.ip)
			fprintf(f, "%s\n", ip);
		else
			fprintf(f, "%s\n", t.hostname);
		printed++;
	}
	if (f != stdout)
		fclose(f);
	else
		fflush(stdout);
	if (!so->quiet)
		log_info("dry run: %llu targets in scan order, %llu refused "
		         "(special-purpose or blocklisted); nothing was sent",
		         (unsigned long long)printed,
		         (unsigned long long)refused);
	return 0;
}

struct tee {
	struct scan_opts *so;
};

static int tee_emit(void *ctx, struct observation *o)
{
	struct scan_opts *so = ctx;
	int rc = output_emit(&so->out, o);

	if (!rc && so->also)
		rc = so->also(so->also_ctx, o);
	return rc;
}

static int tee_checkpoint(void *ctx, uint64_t low)
{
	struct scan_opts *so = ctx;

	return output_checkpoint(&so->out, low);
}

static bool tee_done(void *ctx, uint64_t index)
{
	struct scan_opts *so = ctx;

	return output_done(&so->out, index);
}

int scan_run(struct scan_opts *so, const struct kb *kb)
{
	struct order ord;
	struct engine_stats st;
	struct engine_sink sink = {tee_emit, tee_checkpoint, tee_done, so};
	char fp[65], shard[32] = "", options[160];
	bool resumed = false;
	int rc;

	targets_finish(&so->targets);
	ipset_finish(&so->allow);
	ipset_finish(&so->block);
	if (targets_total(&so->targets) == 0) {
		log_error(
		    "no targets: give addresses, prefixes or host names as "
		    "arguments, with -i FILE, or on standard input");
		return EXIT_USAGE;
	}
	if (!so->seed_set) {
		/* Default seed: from the targets, so that rerunning the same
		 * command (resume, shards) walks the same order. Not from the
		 * shard: the shards of a scan must walk one permutation, or
		 * they overlap and leave gaps. */
		char h[65];
		uint64_t my_shard = so->shard, my_nshards = so->nshards;
		so->seed = 0;
		so->shard = 0;
		so->nshards = 1;
		fingerprint(so, h);
		so->shard = my_shard;
		so->nshards = my_nshards;
		so->seed = strtoull(h + 48, NULL, 16);
	}
	if (order_init(&ord, targets_total(&so->targets), so->seed, so->shard,
	               so->nshards)) {
		log_error("cannot order %llu targets",
		          (unsigned long long)targets_total(&so->targets));
		return EXIT_USAGE;
	}
	if (so->dry_run)
		return dry_run(so, &ord);
	if (so->nshards > 1)
		snprintf(shard, sizeof shard, "%llu/%llu",
		         (unsigned long long)so->shard + 1,
		         (unsigned long long)so->nshards);
	snprintf(options, sizeof options,
	         "port=%d tls=%d checks=%u concurrency=%d rate=%.0f seed=%llu",
	         so->eng.port, so->eng.tls, so->eng.checks, so->eng.concurrency,
	         so->eng.rate, (unsigned long long)so->seed);
	fingerprint(so, fp);
	/* Caught before the outputs open: a SIGTERM while a resume reads
	 * what was kept ends the scan as soon as it starts (exit 4), not by
	 * the default action. */
	stop_flag = 0;
	so->eng.stop = &stop_flag;
	sig_stop_catch(&stop_flag);
	if (output_open(&so->out, kb, fp, so->scope ? so->scope : "", options,
	                shard, &resumed)) {
		sig_stop_restore();
		output_close(&so->out, false);
		return EXIT_USAGE;
	}
	if (resumed) {
		so->out.low_pos = so->out.resume_pos;
		order_seek(&ord, so->out.resume_pos);
		if (!so->quiet)
			log_info(
			    "resuming scan %s: %zu results kept, continuing "
			    "from walk position %llu",
			    so->out.scan_id, so->out.done.n,
			    (unsigned long long)so->out.resume_pos);
	}
	rc = engine_run(&so->eng, kb, &so->targets, &ord, &sink, &st);
	sig_stop_restore();
	if (output_close(&so->out, rc == 0) && rc == 0)
		rc = EXH_EIO;
	if (so->stats)
		fprintf(stderr,
		        "stats: targets %llu, handshakes %llu, requests %llu, "
		        "lanes %llu, peak in flight %llu, seconds %.3f, launch "
		        "rate "
		        "%.1f/s, threads %d, resumed %llu\n",
		        (unsigned long long)st.launched,
		        (unsigned long long)st.handshakes,
		        (unsigned long long)st.requests,
		        (unsigned long long)st.lanes,
		        (unsigned long long)st.peak_inflight, st.seconds,
		        st.launch_seconds > 0
		            ? (double)(st.launched - 1) / st.launch_seconds
		            : 0.0,
		        engine_threads(&so->eng),
		        (unsigned long long)st.resumed);
	if (st.refused_special && !so->quiet)
		log_warn(
		    "%llu targets were not probed: special-purpose ranges "
		    "(loopback, private, multicast, reserved); name them with "
		    "--allow to scan them",
		    (unsigned long long)st.refused_special);
	if (st.refused_block && !so->quiet)
		log_info("%llu targets skipped by the blocklist",
		         (unsigned long long)st.refused_block);
	if (!so->quiet)
		output_summary(&so->out,
		               so->out.jsonl_path &&
		                       strcmp(so->out.jsonl_path, "-") == 0
		                   ? stderr
		                   : stdout,
		               st.seconds);
	if (rc == EXH_EAGAIN) {
		log_warn("interrupted; %s",
		         so->out.state_path
		             ? "run the same command again to resume"
		             : "use --state FILE to make a scan resumable");
		return EXIT_INTERRUPTED;
	}
	if (rc) {
		log_error("scan failed: %s", exh_strerror(rc));
		return EXIT_RUNTIME;
	}
	return 0;
}
