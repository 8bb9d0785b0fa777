/* Where results go: JSONL, CSV and SQLite sinks, the resume state, and the
 * summary. Results are held in memory until a checkpoint, which commits
 * SQLite first, then appends and syncs JSONL and CSV, then records the
 * walk position and both files' sizes in the state file: after a crash,
 * resume cuts both files back to the last checkpoint, every result in
 * the JSONL file is also in the database, the CSV holds the same rows,
 * and none is lost or written twice. */
#ifndef EXH_SCAN_OUTPUT_H
#define EXH_SCAN_OUTPUT_H
#include "base/buf.h"
#include "base/u64set.h"
#include "scan/observation.h"
#include "store/store.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct db;

struct scan_summary {
	uint64_t targets, exchange, other, errors, backdoored, eol;
	uint64_t eomt, eems;
	uint64_t counts[JUDGE_MAX][4]; /* per CVE, per verdict */
	/* Per server, the worst verdict over the CVEs outside the named
	 * campaigns (vulnerable > likely > unknown > patched). */
	uint64_t later[4];
};

struct scan_output {
	const struct kb *kb;
	char scan_id[64];
	int64_t started;
	/* --as-of: the scan is dated then (0: now); each record's time moves
	 * by the same shift */
	int64_t as_of, shift;
	/* JSONL */
	const char *jsonl_path; /* NULL: none; "-": stdout */
	int jsonl_fd;
	struct buf jsonl_pending;
	/* CSV */
	const char *csv_path;
	int csv_fd;
	struct buf csv_pending;
	/* the store: a file or a postgresql:// URL */
	const char *db_path;
	struct db *db;
	struct store_writer *writer;
	/* resume */
	const char *state_path;
	bool state_locked; /* state_lock holds STATE.lock (flock) */
	int state_lock;
	char fingerprint[65];
	uint64_t resume_pos;
	uint64_t low_pos; /* the last checkpoint's walk position */
	/* The JSONL and CSV sizes at the last checkpoint (state file): on
	 * resume both are cut back to them, so a kill between the two
	 * writes neither loses, duplicates nor truncates a row. */
	int64_t ck_jsonl_size, ck_csv_size; /* -1: not recorded */
	struct u64set done;                 /* the targets' indices done */
	struct scan_summary sum;
};

/* Opens the sinks. With a state file that exists, checks it belongs to the
 * same scan (fingerprint) and loads what is already done; *resumed says
 * so. Errors are printed naming the file. */
int output_open(struct scan_output *out, const struct kb *kb,
                const char *fingerprint, const char *scope, const char *options,
                const char *shard, bool *resumed);
int output_emit(void *ctx, struct observation *o);
int output_checkpoint(void *ctx, uint64_t low_pos);
bool output_done(void *ctx, uint64_t index);
/* Marks the scan finished (SQLite) and closes everything. */
int output_close(struct scan_output *out, bool finished);
/* Prints the summary table. */
void output_summary(const struct scan_output *out, FILE *f, double seconds);

#endif
