#include "scan/output.h"
#include "base/limits.h"
#include "base/err.h"
#include "base/file.h"
#include "base/ip4.h"
#include "base/log.h"
#include "scan/record.h"
#include "store/store.h"
#include "base/timefmt.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include "store/db.h"
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/banned.h"

static int out_exec(struct scan_output *out, const char *sql)
{
	if (db_exec(out->db, sql)) {
		log_error("%s: %s", db_name(out->db), db_errmsg(out->db));
		return EXH_EIO;
	}
	return 0;
}

static int out_open_db(struct scan_output *out, const char *scope,
                       const char *options, const char *shard)
{
	struct dbq *st = NULL;
	char t[32];
	int rc;

	if (store_open(out->db_path, &out->db))
		return EXH_EIO;
	time_iso(out->started, t);
	rc = db_prepare(out->db,
	                "INSERT INTO scans(id,started,scope,options,shard) "
	                "VALUES(?,?,?,?,?) ON CONFLICT(id) DO NOTHING",
	                &st);
	if (!rc) {
		dbq_bind_text(st, 1, out->scan_id, -1);
		dbq_bind_text(st, 2, t, -1);
		dbq_bind_text(st, 3, scope, -1);
		dbq_bind_text(st, 4, options, -1);
		dbq_bind_text(st, 5, shard, -1);
		rc = dbq_step(st);
	}
	dbq_free(st);
	if (rc != DB_DONE) {
		log_error("%s: %s", db_name(out->db), db_errmsg(out->db));
		return EXH_EIO;
	}
	out->writer = calloc(1, sizeof *out->writer);
	if (!out->writer)
		return EXH_ENOMEM;
	/* PostgreSQL: a new scan's rows go by COPY at each checkpoint */
	if (store_writer_init(out->writer, out->db, true) ||
	    store_writer_bulk(out->writer))
		return EXH_EIO;
	return out_exec(out, "BEGIN");
}

/* The summary so far travels in the state file, so that a resumed scan
 * reports the whole scan: "sum T E O R B L M N" and "cve ID V L P U". */
static void read_sum(struct scan_output *out, struct view key, struct view v)
{
	uint64_t n[8] = {0};
	struct view w;
	int i, c = -1;

	if (view_eq(key, VIEW_LIT("cve"))) {
		char id[24];
		view_split(&v, ' ', &w);
		if (!view_cstr(w, id, sizeof id) ||
		    (c = kb_cve_find(out->kb, id)) < 0 || c >= JUDGE_MAX)
			return;
	}
	for (i = 0; i < 8 && v.len; i++) {
		view_split(&v, ' ', &w);
		if (!view_to_u64(w, UINT64_MAX, &n[i]))
			return;
	}
	if (c >= 0) {
		memcpy(out->sum.counts[c], n, sizeof out->sum.counts[c]);
		return;
	}
	if (view_eq(key, VIEW_LIT("later"))) {
		memcpy(out->sum.later, n, sizeof out->sum.later);
		return;
	}
	out->sum.targets = n[0];
	out->sum.exchange = n[1];
	out->sum.other = n[2];
	out->sum.errors = n[3];
	out->sum.backdoored = n[4];
	out->sum.eol = n[5];
	out->sum.eomt = n[6];
	out->sum.eems = n[7];
}

/* Reads the state file: "exhunt-scan-state 1", then key value lines. */
static int read_state(struct scan_output *out, bool *exists)
{
	struct buf b;
	const char *why = "";
	struct view all, line;
	bool magic = false, fp_ok = false;
	uint64_t size;
	int rc = file_read(out->state_path, 1 << 16, &b, &why);

	*exists = false;
	if (rc == EXH_EIO && errno == ENOENT)
		return 0;
	if (rc) {
		log_error("%s: %s", out->state_path, why);
		return rc;
	}
	*exists = true;
	all = (struct view){b.p, b.len};
	while (all.len) {
		struct view key;
		view_split(&all, '\n', &line);
		if (!view_split(&line, ' ', &key))
			continue;
		if (view_eq(key, VIEW_LIT("exhunt-scan-state")))
			magic = view_eq(line, VIEW_LIT("1"));
		else if (view_eq(key, VIEW_LIT("scan_id")))
			view_cstr(line, out->scan_id, sizeof out->scan_id);
		else if (view_eq(key, VIEW_LIT("fingerprint")))
			fp_ok = view_eq(line, view_of(out->fingerprint));
		else if (view_eq(key, VIEW_LIT("low_pos")))
			view_to_u64(line, UINT64_MAX, &out->resume_pos);
		else if (view_eq(key, VIEW_LIT("jsonl_size")) &&
		         view_to_u64(line, INT64_MAX, &size))
			out->ck_jsonl_size = (int64_t)size;
		else if (view_eq(key, VIEW_LIT("csv_size")) &&
		         view_to_u64(line, INT64_MAX, &size))
			out->ck_csv_size = (int64_t)size;
		else if (view_eq(key, VIEW_LIT("sum")) ||
		         view_eq(key, VIEW_LIT("cve")) ||
		         view_eq(key, VIEW_LIT("later")))
			read_sum(out, key, line);
	}
	buf_release(&b);
	if (!magic) {
		log_error("%s: not an exhunt scan state file", out->state_path);
		return EXH_EINVAL;
	}
	if (!fp_ok) {
		log_error(
		    "%s: belongs to a different scan (targets, seed, shard, "
		    "port or checks differ); use another --state file",
		    out->state_path);
		return EXH_EINVAL;
	}
	return 0;
}

/* Cuts path back to the size the last checkpoint recorded; a file
 * shorter than that was changed behind the scan's back. */
static int cut_to(const char *path, int64_t size)
{
	struct stat sb;

	if (size < 0 || !path || strcmp(path, "-") == 0)
		return 0;
	if (stat(path, &sb)) {
		if (errno == ENOENT && size == 0)
			return 0;
		log_error("%s: %s", path, strerror(errno));
		return EXH_EIO;
	}
	if (sb.st_size < size) {
		log_error(
		    "%s: shorter (%lld bytes) than at the last checkpoint "
		    "(%lld): changed since; cannot resume into it",
		    path, (long long)sb.st_size, (long long)size);
		return EXH_EINVAL;
	}
	if (sb.st_size > size && truncate(path, (off_t)size)) {
		log_error("%s: cannot cut back to the last checkpoint: %s",
		          path, strerror(errno));
		return EXH_EIO;
	}
	return 0;
}

/* Loads the indices already written to the JSONL file, a line at a time
 * (memory holds one record, not the file), cutting off a partial last
 * line left by a crash. */
static int load_done(struct scan_output *out)
{
	FILE *f = fopen(out->jsonl_path, "r");
	char *line;
	off_t keep = 0;
	int rc = 0;

	if (!f && errno == ENOENT)
		return 0;
	if (!f) {
		log_error("%s: %s", out->jsonl_path, strerror(errno));
		return EXH_EIO;
	}
	line = malloc(LIM_RECORD_BYTES + 2);
	if (!line) {
		fclose(f);
		return EXH_ENOMEM;
	}
	while (fgets(line, LIM_RECORD_BYTES + 2, f)) {
		size_t n = strlen(line);
		struct view v = {line, n};
		long at;
		uint64_t seq;
		size_t i;
		if (!n || line[n - 1] != '\n') {
			if (!feof(f)) {
				log_error("%s: a record at byte %lld is longer "
				          "than %u bytes",
				          out->jsonl_path, (long long)keep,
				          LIM_RECORD_BYTES);
				rc = EXH_EINVAL;
			}
			break; /* no newline: a partial record */
		}
		keep += (off_t)n;
		at = view_find(v, VIEW_LIT("\"seq\":"));
		if (at < 0)
			continue;
		for (i = (size_t)at + 6;
		     i < v.len && v.p[i] >= '0' && v.p[i] <= '9'; i++)
			;
		if (view_to_u64((struct view){v.p + at + 6, i - (size_t)at - 6},
		                UINT64_MAX, &seq) &&
		    (rc = u64set_add(&out->done, seq)))
			break;
	}
	if (!rc && ferror(f)) {
		log_error("%s: %s", out->jsonl_path, strerror(errno));
		rc = EXH_EIO;
	}
	fclose(f);
	free(line);
	if (!rc && truncate(out->jsonl_path, keep)) {
		log_error("%s: cannot cut the partial last record: %s",
		          out->jsonl_path, strerror(errno));
		rc = EXH_EIO;
	}
	return rc;
}

static int open_append(const char *path, bool truncate_it)
{
	int fd = open(path,
	              O_WRONLY | O_CREAT | O_CLOEXEC |
	                  (truncate_it ? O_TRUNC : O_APPEND),
	              0644);
	if (fd < 0)
		log_error("%s: %s", path, strerror(errno));
	return fd;
}

/* One scan per state file: two would interleave their checkpoints and
 * results (each resuming from the other's position). The lock is on a
 * file beside the state (which is replaced at every checkpoint), taken
 * before the state is read and held until the scan's process ends, so a
 * scan killed with -9 leaves no stale lock. */
static int lock_state(struct scan_output *out)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s.lock", out->state_path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		log_error("--state %s: its lock %s: %s", out->state_path, path,
		          strerror(errno));
		return EXH_EIO;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno == EWOULDBLOCK)
			log_error("--state %s: another exhunt scan is using it "
			          "(it holds %s); wait for it to end, or give "
			          "this scan its own --state file",
			          out->state_path, path);
		else
			log_error("--state %s: cannot lock %s: %s",
			          out->state_path, path, strerror(errno));
		close(fd);
		return EXH_EINVAL;
	}
	out->state_lock = fd;
	out->state_locked = true;
	return 0;
}

int output_open(struct scan_output *out, const struct kb *kb,
                const char *fingerprint, const char *scope, const char *options,
                const char *shard, bool *resumed)
{
	bool exists = false;
	int rc;

	out->kb = kb;
	out->jsonl_fd = out->csv_fd = -1;
	out->ck_jsonl_size = out->ck_csv_size = -1;
	out->started = (int64_t)time(NULL);
	if (out->as_of) {
		out->shift = out->as_of - out->started;
		out->started = out->as_of;
	}
	buf_init(&out->jsonl_pending, (size_t)1 << 30);
	buf_init(&out->csv_pending, (size_t)1 << 30);
	snprintf(out->fingerprint, sizeof out->fingerprint, "%s", fingerprint);
	{
		char t[32];
		time_iso(out->started, t);
		/* The start time names the scan; the process id (and a count
		 * within the process) keep two scans started in the same
		 * second apart. */
		static unsigned nth; /* scans this process started */
		char again[16] = "";
		if (nth++)
			snprintf(again, sizeof again, ".%u", nth);
		snprintf(out->scan_id, sizeof out->scan_id, "%s-%x%s%s%s", t,
		         (unsigned)getpid() & 0xffff, again,
		         shard[0] ? "-" : "", shard);
	}
	*resumed = false;
	if (out->state_path) {
		rc = lock_state(out);
		rc = rc ? rc : read_state(out, &exists);
		if (rc)
			return rc;
		if (exists) {
			rc = cut_to(out->jsonl_path, out->ck_jsonl_size);
			rc = rc ? rc : cut_to(out->csv_path, out->ck_csv_size);
			rc = rc ? rc : load_done(out);
			if (rc)
				return rc;
			*resumed = true;
		}
	}
	if (out->jsonl_path && strcmp(out->jsonl_path, "-") != 0) {
		out->jsonl_fd = open_append(out->jsonl_path, !exists);
		if (out->jsonl_fd < 0)
			return EXH_EIO;
	} else if (out->jsonl_path) {
		out->jsonl_fd = 1;
	}
	if (out->csv_path) {
		struct stat sb;
		bool fresh =
		    !exists || stat(out->csv_path, &sb) || sb.st_size == 0;
		out->csv_fd = strcmp(out->csv_path, "-") == 0
		                  ? 1
		                  : open_append(out->csv_path, !exists);
		if (out->csv_fd < 0)
			return EXH_EIO;
		if (fresh)
			buf_adds(&out->csv_pending, record_csv_header);
	}
	if (out->db_path) {
		rc = out_open_db(out, scope, options, shard);
		if (rc)
			return rc;
	}
	return 0;
}

static void summarise(struct scan_output *out, const struct observation *o,
                      const struct judge_out *v)
{
	struct scan_summary *s = &out->sum;
	int i;

	s->targets++;
	if (o->error[0])
		s->errors++;
	if (!o->exchange) {
		s->other++;
		return;
	}
	s->exchange++;
	if (o->nshells)
		s->backdoored++;
	if (record_eol(out->kb, o->product, o->time))
		s->eol++;
	s->eomt += o->eomt;
	s->eems += o->eems;
	{
		static const int rank[] = {[V_VULNERABLE] = 3,
		                           [V_LIKELY] = 2,
		                           [V_UNKNOWN] = 1,
		                           [V_PATCHED] = 0};
		int worst = -1;
		for (i = 0; i < v->n; i++) {
			s->counts[v->v[i].cve][v->v[i].verdict]++;
			if (strcmp(out->kb->cves[v->v[i].cve].campaign, "-") ==
			        0 &&
			    (worst < 0 || rank[v->v[i].verdict] > rank[worst]))
				worst = (int)v->v[i].verdict;
		}
		if (worst >= 0)
			s->later[worst]++;
	}
}

static int write_all(int fd, const struct buf *b)
{
	size_t off = 0;

	while (off < b->len) {
		ssize_t n = write(fd, b->p + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return EXH_EIO;
		off += (size_t)n;
	}
	return 0;
}

static int write_state(struct scan_output *out);

static int flush(struct scan_output *out)
{
	if (out->db) {
		uint64_t sent;
		if ((out->writer && store_flush(out->writer, &sent)) ||
		    out_exec(out, "COMMIT") || out_exec(out, "BEGIN"))
			return EXH_EIO;
	}
	if (out->jsonl_fd >= 0 && out->jsonl_pending.len) {
		/* fdatasync fails with EINVAL on pipes and /dev/null,
		 * where there is nothing to make durable. */
		if (write_all(out->jsonl_fd, &out->jsonl_pending) ||
		    (out->jsonl_fd != 1 && fdatasync(out->jsonl_fd) &&
		     errno != EINVAL && errno != EROFS)) {
			log_error("%s: %s", out->jsonl_path, strerror(errno));
			return EXH_EIO;
		}
	}
	buf_reset(&out->jsonl_pending);
	if (out->csv_fd >= 0 && out->csv_pending.len) {
		if (write_all(out->csv_fd, &out->csv_pending) ||
		    (out->csv_fd != 1 && fdatasync(out->csv_fd) &&
		     errno != EINVAL && errno != EROFS)) {
			log_error("%s: %s", out->csv_path, strerror(errno));
			return EXH_EIO;
		}
	}
	buf_reset(&out->csv_pending);
	/* The state follows the files it describes. */
	if (out->state_path)
		return write_state(out);
	return 0;
}

static int db_insert(struct scan_output *out, const char *rec, size_t reclen)
{
	const char *why = NULL;
	bool added;
	int rc = store_put(out->writer, (struct view){rec, reclen - 1}, "",
	                   &added, &why);

	if (rc == EXH_EINVAL)
		log_error("%s: internal: a record does not read back: %s",
		          out->db_path, why);
	return rc;
}

int output_emit(void *ctx, struct observation *o)
{
	struct scan_output *out = ctx;
	struct judge_out v;
	size_t start = out->jsonl_pending.len;
	int rc;

	o->time += out->shift;
	observation_judge(out->kb, o, &v);
	summarise(out, o, &v);
	rc = record_jsonl(out->kb, out->scan_id, o, &v, &out->jsonl_pending);
	if (!rc && out->db)
		rc = db_insert(out, out->jsonl_pending.p + start,
		               out->jsonl_pending.len - start);
	if (!rc && out->csv_fd >= 0)
		rc = record_csv(out->kb, o, &v, &out->csv_pending);
	if (!out->jsonl_path)
		buf_reset(&out->jsonl_pending);
	if (rc)
		return rc;
	/* Standard output is for pipes: pass each record on at once. */
	if (out->jsonl_fd == 1 && out->jsonl_pending.len && !out->db)
		return flush(out);
	if (out->jsonl_pending.len + out->csv_pending.len > LIM_SCAN_PENDING)
		return flush(out);
	return 0;
}

static int write_state(struct scan_output *out)
{
	const struct scan_summary *m = &out->sum;
	struct buf st;
	int c, rc;

	buf_init(&st, 1 << 16);
	rc = buf_printf(&st,
	                "exhunt-scan-state 1\nscan_id %s\nfingerprint %s\n"
	                "low_pos %" PRIu64 "\nsum %" PRIu64 " %" PRIu64
	                " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
	                " %" PRIu64 " %" PRIu64 "\n",
	                out->scan_id, out->fingerprint, out->low_pos,
	                m->targets, m->exchange, m->other, m->errors,
	                m->backdoored, m->eol, m->eomt, m->eems);
	if (!rc)
		rc = buf_printf(
		    &st,
		    "later %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		    m->later[0], m->later[1], m->later[2], m->later[3]);
	{
		struct stat sb;
		if (!rc && out->jsonl_fd > 1 && !fstat(out->jsonl_fd, &sb))
			rc = buf_printf(&st, "jsonl_size %lld\n",
			                (long long)sb.st_size);
		if (!rc && out->csv_fd > 1 && !fstat(out->csv_fd, &sb))
			rc = buf_printf(&st, "csv_size %lld\n",
			                (long long)sb.st_size);
	}
	for (c = 0; !rc && c < out->kb->ncves && c < JUDGE_MAX; c++)
		rc = buf_printf(
		    &st,
		    "cve %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		    out->kb->cves[c].id, m->counts[c][0], m->counts[c][1],
		    m->counts[c][2], m->counts[c][3]);
	if (!rc && file_write_atomic(out->state_path, st.p, st.len)) {
		log_error("%s: cannot write the state file: %s",
		          out->state_path, strerror(errno));
		rc = EXH_EIO;
	}
	buf_release(&st);
	return rc;
}

int output_checkpoint(void *ctx, uint64_t low_pos)
{
	struct scan_output *out = ctx;

	out->low_pos = low_pos;
	return flush(out);
}

bool output_done(void *ctx, uint64_t index)
{
	return u64set_has(&((struct scan_output *)ctx)->done, index);
}

int output_close(struct scan_output *out, bool finished)
{
	int rc = flush(out);

	if (out->db) {
		if (finished) {
			struct dbq *st;
			char t[32];
			time_iso((int64_t)time(NULL), t);
			if (db_prepare(out->db,
			               "UPDATE scans SET finished=? WHERE id=?",
			               &st) == 0) {
				dbq_bind_text(st, 1, t, -1);
				dbq_bind_text(st, 2, out->scan_id, -1);
				dbq_step(st);
				dbq_free(st);
			}
		}
		if (out_exec(out, "COMMIT"))
			rc = EXH_EIO;
		if (out->writer)
			store_writer_release(out->writer);
		free(out->writer);
		out->writer = NULL;
		db_close(out->db);
		out->db = NULL;
	}
	if (out->jsonl_fd > 1)
		close(out->jsonl_fd);
	if (out->csv_fd > 1)
		close(out->csv_fd);
	if (out->state_locked) {
		close(out->state_lock); /* the lock goes with it */
		out->state_locked = false;
	}
	buf_release(&out->jsonl_pending);
	buf_release(&out->csv_pending);
	u64set_free(&out->done);
	return rc;
}

void output_summary(const struct scan_output *out, FILE *f, double seconds)
{
	const struct scan_summary *s = &out->sum;
	int c;

	fprintf(f,
	        "\nexhunt scan %s: %" PRIu64 " targets probed in %.1f s, "
	        "%" PRIu64 " Exchange servers, %" PRIu64 " other, %" PRIu64
	        " with errors\n",
	        out->scan_id, s->targets, seconds, s->exchange, s->other,
	        s->errors);
	if (out->done.n)
		fprintf(f,
		        "(resumed: counts include the %zu results written "
		        "before)\n",
		        out->done.n);
	fprintf(f, "\n%-16s %-14s %10s %8s %8s %8s %9s\n", "CVE", "campaign",
	        "vulnerable", "likely", "patched", "unknown", "%patched");
	for (c = 0; c < out->kb->ncves && c < JUDGE_MAX; c++) {
		const uint64_t *k = s->counts[c];
		uint64_t all =
		    k[V_VULNERABLE] + k[V_LIKELY] + k[V_PATCHED] + k[V_UNKNOWN];
		if (!all || strcmp(out->kb->cves[c].campaign, "-") == 0)
			continue;
		fprintf(f,
		        "%-16s %-14s %10" PRIu64 " %8" PRIu64 " %8" PRIu64
		        " %8" PRIu64 " %8.1f%%\n",
		        out->kb->cves[c].id, out->kb->cves[c].campaign,
		        k[V_VULNERABLE], k[V_LIKELY], k[V_PATCHED],
		        k[V_UNKNOWN],
		        100.0 * (double)k[V_PATCHED] / (double)all);
	}
	{
		const uint64_t *k = s->later;
		uint64_t all = k[0] + k[1] + k[2] + k[3];
		if (all)
			fprintf(f,
			        "%-31s %10" PRIu64 " %8" PRIu64 " %8" PRIu64
			        " %8" PRIu64 " %8.1f%%\n",
			        "later CVEs (servers, worst)", k[V_VULNERABLE],
			        k[V_LIKELY], k[V_PATCHED], k[V_UNKNOWN],
			        100.0 * (double)k[V_PATCHED] / (double)all);
		fprintf(f, "(every CVE's verdict is in the JSONL and SQLite "
		           "output)\n");
	}
	fprintf(f,
	        "\nback-doored (web shells found): %" PRIu64 "\n"
	        "URL-rewrite mitigation seen: EOMT (ProxyLogon) %" PRIu64
	        ", EEMS (ProxyNotShell) %" PRIu64 "\n"
	        "past end of support: %" PRIu64 "\n",
	        s->backdoored, s->eomt, s->eems, s->eol);
}
