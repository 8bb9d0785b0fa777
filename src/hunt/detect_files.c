/* File checks: YARA rules written for this project (data/yara/), known-bad
 * hashes and names (data/iocs.csv), files that Exchange does not ship in
 * folders whose contents are known, look-alike names, and the leftovers of
 * post-exploitation (LSASS dumps, staged archives, known tools). */
#include "hunt/detect.h"
#include "hunt/script.h"
#include "base/array.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/log.h"
#include "base/limits.h"
#include "base/timefmt.h"
#include <dirent.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <yara.h>
#include "base/hash.h"
#include "base/banned.h"

/* Files are read in windows of this size, each overlapping the last by
 * LIM_SCAN_OVERLAP bytes (longer than any construct the checks join). */

/* What Exchange ships in the folders attackers drop into (CSS-Exchange
 * baseline for 15.2.792.5, ../shared/reference/host-hunting.md §2.2),
 * and SvmFeedback.aspx: a page of the front end's own (its class,
 * Microsoft.Exchange.HttpProxy.SvmFeedback, is an OwaPage beside Logon
 * and OutlookCN) that earlier builds ship there and that the public
 * hunting scripts of 2021 allow. */
static const char *const owa_auth_ok[] = {
    "errorfe.aspx",   "expiredpassword.aspx",
    "frowny.aspx",    "getidtoken.htm",
    "logoff.aspx",    "logon.aspx",
    "outlookcn.aspx", "redirsuiteserviceproxy.aspx",
    "signout.aspx",   "svmfeedback.aspx",
    NULL,
};
/* ECP's: the baseline's TimeoutLogout.aspx, and TimeoutLogoff.aspx, the
 * one file Microsoft's guidance of March 2021 says belongs there. */
static const char *const ecp_auth_ok[] = {"timeoutlogout.aspx",
                                          "timeoutlogoff.aspx", NULL};
static const char *const oab_ok[] = {"global.asax", "web.config", NULL};

/* Known-bad SHA-256 (Microsoft's HAFNIUM list and MSTIC's feed, §2.6). */
static const char *const bad_sha256[] = {
    "b75f163ca9b9240bf4b37ad92bc7556b40a17e27c2b8ed5c8991385fe07d17d0",
    "097549cf7d0f76f0d99edf8b2d91c60977fd6a96e4b8c3c94b0b1733dc026d3e",
    "2b6f1ebb2208e93ade4a6424555d6a8341fd6d9f60c25e44afe11008f5c1aad1",
    "65149e036fff06026d80ac9ad4d156332822dc93142cf1a122b1841ec8de34b5",
    "511df0e2df9bfa5521b588cc4bb5f8c5a321801b803394ebc493db1ef3c78fa1",
    "4edc7770464a14f54d17f36dc9d0fe854f68b346b27b35a6f5839adf1f13f8ea",
    "811157f9c7003ba8d17b45eb3cf09bef2cecd2701cedb675274949296a6a183d",
    "1631a90eb5395c4e19c7dbcbf611bbe6444ff312eb7937e286e4637cb9e72944",
    "8e90ed33c7ee82c0b64078ea36ec95f7420ba435c693b3b3dd728b494abf7dfc",
    "2f0bc81c2ea269643cae307239124d1b6479847867b1adfe9ae712a1d5ef135e",
    "a291305f181e24fe7194154b4cd355ccb039d5765709c80999e392efec69c90a",
    "e044d9f2d0f1260c3f4a543a1e67f33fcac265be114a1b135fd575b860d2b8c6",
    "2b9838da7edb0decd32b086e47a31e8f5733b5981ad8247a2f9508e232589bff",
    "feb3e6d30ba573ba23f3bd1291ca173b7879706d1fe039c34d53a4fdcdf33ede",
    "dd29e8d47dde124c7d14e614e03ccaab3ecaa50e0a0bef985ed59e98928bc13d",
    "201e4e9910dcdc8c4ffad84b60b328978db8848d265c0b9ba8473cf65dcd0c41",
    "5a5f4a1c7dbac3e1ac900f43415f378e88a7b591aff730d9715b62d6d782bdde",
    NULL,
};

/* Names seen as web shells in 2021 (lower case). */
static const char *const bad_names[] = {
    "redirsuiteserverproxy.aspx",
    "supp0rt.aspx",
    "shellex.aspx",
    "iistart.aspx",
    "aspnettest.aspx",
    "0qwysexe.aspx",
    "outlooken.aspx",
    "outlookjp.aspx",
    "outlookru.aspx",
    "errorcheck.aspx",
    "erroree.aspx",
    "erroreee.aspx",
    "errorew.aspx",
    "errorff.aspx",
    "healthcheck.aspx",
    "aspnet_www.aspx",
    "aspnet_client.aspx",
    "aspnet_iisstart.aspx",
    "babydraco.aspx",
    "8lw7tahf9i1pjnro.aspx",
    "multiup.aspx",
    /* MSTIC's feed and ESET's groups: only names no product ships */
    "xclkmcfldfi948398430fdjkfdkj.aspx",
    "dukybyssss.aspx",
    "log_error_9e23efc3.aspx",
    "aspnet_regiis.aspx",
    "fatal-erro.aspx",
    "shel90.aspx",
    "shel2.aspx",
    "aspnet_pages.aspx",
    "authhead.aspx",
    NULL,
};

static const char *const tools[] = {
    "procdump.exe",      "procdump64.exe", "nc.exe", "nc64.exe", "mimikatz.exe",
    "opera_browser.exe", "xx.bat",         "cw.exe", "ngrok.exe", "frpc.exe",
    "chisel.exe",        NULL,
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

enum file_role file_role(const char *l)
{
	if (strstr(l, "frontend/httpproxy/owa/auth/"))
		return FR_OWA_AUTH;
	if (strstr(l, "frontend/httpproxy/ecp/auth/"))
		return FR_ECP_AUTH;
	if (strstr(l, "frontend/httpproxy/oab/"))
		return FR_OAB;
	if (strstr(l, "/aspnet_client/") ||
	    strncmp(l, "aspnet_client/", 14) == 0)
		return FR_ASPNET_CLIENT;
	if (strstr(l, "temporary asp.net files/"))
		return FR_TEMP_ASPNET;
	if (strstr(l, "inetpub/wwwroot/") || strstr(l, "frontend/httpproxy/") ||
	    strstr(l, "clientaccess/"))
		return FR_WEBROOT;
	return FR_OTHER;
}

bool detect_bad_name(const char *lower_name)
{
	return in_list(bad_names, lower_name);
}

bool detect_auth_shipped(bool owa, const char *lower_name)
{
	return in_list(owa ? owa_auth_ok : ecp_auth_ok, lower_name);
}

/* The folders attackers drop web shells into: everything there is read,
 * whatever its name. */
static bool drop_role(enum file_role r)
{
	return r == FR_ASPNET_CLIENT || r == FR_OWA_AUTH || r == FR_ECP_AUTH ||
	       r == FR_OAB;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* Every type IIS and ASP.NET compile or serve as code (handler mappings
 * of a default IIS with ASP.NET and classic ASP, and the build providers
 * of ASP.NET 4), and the source files ASP.NET compiles for a site: any
 * under App_Code, and a page's code-behind named by Src= or CodeFile=,
 * which can lie anywhere and carry the whole back door while the page
 * itself is plain. */
static const char *const code_ext[] = {
    ".aspx", ".ashx",  ".asmx", ".asax",  ".ascx",   ".master",
    ".asp",  ".asa",   ".cer",  ".cdx",   ".cshtml", ".vbhtml",
    ".svc",  ".xamlx", ".soap", ".rem",   ".config", ".aspq",
    ".xoml", ".rules", ".axd",  ".shtml", ".shtm",   ".stm",
    ".idc",  ".htr",   ".cs",   ".vb",    NULL,
};

static bool is_script(const char *name)
{
	const char *const *e;
	size_t n = strlen(name);

	for (e = code_ext; *e; e++) {
		size_t k = strlen(*e);
		if (n >= k && strcasecmp(name + n - k, *e) == 0)
			return true;
	}
	/* "shell.aspx.txt"-style double extensions still run if mapped. */
	return strstr(name, ".aspx") != NULL || strstr(name, ".ashx") != NULL ||
	       strstr(name, ".asmx") != NULL;
}

bool detect_is_code_name(const char *lower_name)
{
	return is_script(lower_name);
}

/* Levenshtein distance, capped: small names only. */
static int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int row[64], prev;

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (int)i;
		for (j = 1; j <= lb; j++) {
			int cur = row[j], best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			prev = cur;
			row[j] = best;
		}
	}
	return row[lb];
}

struct ymatch {
	char rule[64];
	char chain[16];
	char desc[160];
	int n;
};

static int on_yara(YR_SCAN_CONTEXT *ctx, int msg, void *data, void *user)
{
	struct ymatch *m = user;
	YR_RULE *rule = data;
	YR_META *meta;

	(void)ctx;
	if (msg != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	/* The first rule that names its campaign wins over generic ones. */
	if (m->n++ == 0 || !m->chain[0]) {
		const char *chain = "";
		yr_rule_metas_foreach(rule, meta)
		{
			if (meta->type == META_TYPE_STRING &&
			    strcmp(meta->identifier, "chain") == 0)
				chain = meta->string;
		}
		if (m->n > 1 && !chain[0])
			return CALLBACK_CONTINUE;
		snprintf(m->rule, sizeof m->rule, "%s", rule->identifier);
		yr_rule_metas_foreach(rule, meta)
		{
			if (meta->type != META_TYPE_STRING)
				continue;
			if (strcmp(meta->identifier, "chain") == 0)
				snprintf(m->chain, sizeof m->chain, "%s",
				         meta->string);
			else if (strcmp(meta->identifier, "description") == 0)
				snprintf(m->desc, sizeof m->desc, "%s",
				         meta->string);
		}
	}
	return CALLBACK_CONTINUE;
}

static void on_compile_error(int level, const char *file, int line,
                             const YR_RULE *rule, const char *msg, void *user)
{
	(void)file;
	(void)rule;
	(void)user;
	if (level == YARA_ERROR_LEVEL_ERROR)
		log_error("yara/webshells.yar:%d: %s", line, msg);
}

int detect_files_init(struct hunt *h, const char *data_dir)
{
	YR_COMPILER *c = NULL;
	YR_RULES *rules = NULL;
	struct buf text;
	int rc = data_load(data_dir, "yara/webshells.yar", &text);

	if (rc)
		return rc;
	if (yr_initialize() != ERROR_SUCCESS ||
	    yr_compiler_create(&c) != ERROR_SUCCESS) {
		buf_release(&text);
		return EXH_ENOMEM;
	}
	yr_compiler_set_callback(c, on_compile_error, NULL);
	if (yr_compiler_add_string(c, text.p, NULL) != 0 ||
	    yr_compiler_get_rules(c, &rules) != ERROR_SUCCESS)
		rc = EXH_EINVAL;
	yr_compiler_destroy(c);
	buf_release(&text);
	h->yara_rules = rules;
	return rc;
}

void detect_files_release(struct hunt *h)
{
	if (h->yara_rules)
		yr_rules_destroy(h->yara_rules);
	if (h->user_rules)
		yr_rules_destroy(h->user_rules);
	h->yara_rules = h->user_rules = NULL;
	yr_finalize();
}

static struct finding *file_finding(struct hunt *h, const char *kind, int sev,
                                    const char *rel, const char *detail,
                                    int64_t mtime, const char *sha)
{
	struct finding *f = hunt_add(h, kind, HC_NONE, HL_NOT_SEEN,
	                             (enum severity)sev, rel, 0, detail);

	if (f) {
		time_iso(mtime, f->time);
		if (sha)
			snprintf(f->sha256, sizeof f->sha256, "%s", sha);
	}
	return f;
}

/* ASP.NET keeps a .compiled record per page it compiled, naming the page's
 * virtual path: a page under /aspnet_client/ or /owa/auth/ that Exchange
 * does not ship was served, even if its .aspx is gone. */
static void compiled_leftover(struct hunt *h, int fd, const char *rel,
                              int64_t mtime)
{
	char text[8192], vpath[512], detail[700];
	ssize_t n = read(fd, text, sizeof text - 1);
	const char *at, *end, *base;
	size_t len, k;

	if (n <= 0)
		return;
	text[n] = '\0';
	at = strstr(text, "virtualPath=\"");
	if (!at)
		return;
	at += 13;
	end = strchr(at, '"');
	if (!end || (len = (size_t)(end - at)) >= sizeof vpath)
		return;
	for (k = 0; k < len; k++)
		vpath[k] =
		    (char)(at[k] >= 'A' && at[k] <= 'Z' ? at[k] + 32 : at[k]);
	vpath[len] = '\0';
	base = strrchr(vpath, '/');
	base = base ? base + 1 : vpath;
	if (!((strstr(vpath, "/aspnet_client/") && is_script(base)) ||
	      (strstr(vpath, "/owa/auth/") && is_script(base) &&
	       !in_list(owa_auth_ok, base)) ||
	      (strstr(vpath, "/ecp/auth/") && is_script(base) &&
	       !in_list(ecp_auth_ok, base))))
		return;
	snprintf(
	    detail, sizeof detail,
	    "ASP.NET compiled %.*s, a page Exchange does not ship there: a "
	    "web shell was served (its file may be gone)",
	    (int)len, at);
	file_finding(h, "compiled-shell-leftover", SEV_HIGH, rel, detail, mtime,
	             NULL);
}

/* The first cap bytes of a small Windows text file (UTF-16 read as
 * text: its NULs dropped), NUL-terminated, *len (if len) its length;
 * NULL when it could not be read, which is said (hunt_unreadable). */
static char *read_text(struct hunt *h, int fd, const char *rel, size_t cap,
                       size_t *len)
{
	char *text;
	ssize_t n;
	size_t i, m = 0;

	if (fd < 0)
		return NULL; /* named only: the walk said why */
	text = malloc(cap + 1);
	n = text ? pread(fd, text, cap, 0) : -1;
	if (n < 0) {
		hunt_unreadable(h, rel,
		                text ? strerror(errno) : "out of memory");
		free(text);
		return NULL;
	}
	for (i = 0; i < (size_t)n; i++)
		if (text[i])
			text[m++] = text[i];
	text[m] = '\0';
	if (len)
		*len = m;
	return text;
}

/* A scheduled task's definition on disk (Windows/System32/Tasks, XML
 * in UTF-16): what remains of a task when the log of its creation has
 * rolled over or been cleared, and of one hidden from the scheduler's
 * list (its security descriptor removed). The first 64 KB are read.
 * false when the file is no task: the other checks read it then. */
static bool task_file(struct hunt *h, int fd, const char *rel, int64_t mtime)
{
	char detail[700];
	const char *a, *b;
	size_t len;
	char *text = read_text(h, fd, rel, 64 * 1024, NULL);
	struct finding *f;

	if (!text)
		return true; /* unreadable, and said so */
	if (!strstr(text, "<Task")) {
		free(text);
		return false;
	}
	h->files_scanned++;
	if (!strstr(text, "<Exec>") || !detect_task_odd(text)) {
		free(text);
		return true;
	}
	/* the action, as the task file words it */
	a = strstr(text, "<Command>");
	a = a ? a : "";
	b = strstr(a, "</Exec>");
	len = b ? (size_t)(b - a) : strlen(a);
	snprintf(detail, sizeof detail,
	         "scheduled task runs a script, a shell or a program from an "
	         "odd folder: %.*s",
	         (int)(len > 400 ? 400 : len), a);
	f = hunt_add(h, "task-file", HC_NONE, HL_NOT_SEEN, SEV_HIGH, rel, 0,
	             detail);
	if (f)
		time_iso(mtime, f->time);
	free(text);
	return true;
}

/* A Windows Error Report (Report.wer, UTF-16) of ECP's worker process
 * crashing: what an attempt on CVE-2021-26857 left on a server patched in
 * March 2021 (before the patch, the exploit succeeded without a crash).
 * The first 64 KB are read: the report's header names the process. */
static void wer_report(struct hunt *h, int fd, const char *rel, int64_t mtime)
{
	size_t m;
	char *text = read_text(h, fd, rel, 64 * 1024, &m);
	bool ecp;
	struct finding *f;

	if (!text)
		return;
	h->files_scanned++;
	ecp = view_find_ci((struct view){text, m},
	                   VIEW_LIT("w3wp#MSExchangeECPAppPool")) >= 0;
	free(text);
	if (!ecp)
		return;
	f = hunt_add(h, "wer-ecp-crash", HC_26857, HL_ATTEMPTED, SEV_MEDIUM,
	             rel, 0,
	             "Windows Error Report of ECP's worker process "
	             "(w3wp#MSExchangeECPAppPool) crashing: what an attempt on "
	             "CVE-2021-26857 left on a server patched in March 2021");
	if (f)
		time_iso(mtime, f->time);
}

static void rules_scan(struct hunt *h, int fd, const uint8_t *mem,
                       size_t memlen, const char *rel, const char *lower,
                       int64_t mtime, struct ymatch *own);

/* Shipped page names: code found in one of these is a trojanised copy. */
static const char *const shipped_pages[] = {
    "errorfe.aspx",
    "expiredpassword.aspx",
    "frowny.aspx",
    "logoff.aspx",
    "logon.aspx",
    "outlookcn.aspx",
    "redirsuiteserviceproxy.aspx",
    "signout.aspx",
    "timeoutlogout.aspx",
    "global.asax",
    "default.aspx",
    "web.config",
    "iisstart.htm",
    NULL,
};

/* What one file's content showed: the behavioural judgement, the first
 * matching rule of ours, the user's rules. */
struct content {
	struct script_result beh;
	struct ymatch m;
	char sha[65];
	uint64_t scanned;
	uint64_t holes; /* bytes of holes skipped in a sparse file */
	bool partial;
	char why[160];
};

/* Reads the file in overlapping windows: the behavioural checks and the
 * hash see every byte whatever its size (a shell padded past any limit is
 * still read where its code is); our YARA rules see the first window,
 * where their structural anchors (magic numbers) are. */
static void read_content(struct hunt *h, int fd, const char *name,
                         uint64_t size, struct content *c, const char *rel,
                         const char *lower, int64_t mtime)
{
	struct script_scan sc;
	struct sha256 *md = sha256_new();
	/* A small file needs no full window (a file that grows while read
	 * still fits: the loop reads at most cap bytes at a time). */
	size_t cap = size + 1 < LIM_SCAN_WINDOW + LIM_SCAN_OVERLAP
	                 ? (size_t)size + 1
	                 : LIM_SCAN_WINDOW + LIM_SCAN_OVERLAP;
	uint8_t *win = malloc(cap);
	size_t have = 0;
	bool first = true, sparse = false;
#ifndef _WIN32
	struct stat st;

	/* A sparse file (allocated far below its size) has its holes
	 * skipped: they read as NULs, which the checks drop anyway, and a
	 * terabyte of them must not stall the hunt. It is then not hashed. */
	if (fstat(fd, &st) == 0 && st.st_size > (off_t)LIM_HOLE_MIN &&
	    (uint64_t)st.st_blocks * 512 + LIM_HOLE_MIN < (uint64_t)st.st_size)
		sparse = true;
#else
	(void)sparse; /* no holes skipped on Windows: read as NULs */
#endif
	script_scan_init(&sc, name);
	if (!md || !win) {
		c->partial = true;
		snprintf(c->why, sizeof c->why, "out of memory");
		goto out;
	}
	for (;;) {
		ssize_t n;
		bool eof;
#ifdef SEEK_DATA
		if (sparse) {
			off_t here = lseek(fd, 0, SEEK_CUR);
			off_t data = here < 0 ? -1 : lseek(fd, here, SEEK_DATA);
			if (data < 0 && errno == ENXIO) {
				/* A hole to the end. */
				c->holes += size > (uint64_t)here
				                ? size - (uint64_t)here
				                : 0;
				n = 0;
				goto got;
			}
			if (data >= here + (off_t)LIM_HOLE_MIN)
				c->holes += (uint64_t)(data - here);
			else if (data != here && here >= 0)
				lseek(fd, here, SEEK_SET);
		}
#endif
		n = read(fd, win + have, cap - have);
#ifdef SEEK_DATA
	got:
#endif
		eof = n <= 0;
		if (n < 0) {
			c->partial = true;
			snprintf(c->why, sizeof c->why, "read error: %s",
			         strerror(errno));
		}
		if (n > 0) {
			sha256_update(md, win + have, (size_t)n);
			have += (size_t)n;
			c->scanned += (uint64_t)n;
			if (have < cap)
				continue;
		}
		if (have) {
			if (script_scan_feed(&sc, win, have)) {
				c->partial = true;
				snprintf(c->why, sizeof c->why,
				         "out of memory for the behavioural "
				         "checks");
			}
			if (first && eof && h->user_rules &&
			    c->scanned == have) {
				/* The whole file in one window: one scan with
				 * both rule sets. */
				rules_scan(h, fd, win, have, rel, lower, mtime,
				           &c->m);
				h->rules_done = true;
			} else if (first && h->yara_rules)
				yr_rules_scan_mem(
				    h->yara_rules, win, have,
				    SCAN_FLAGS_FAST_MODE |
				        SCAN_FLAGS_NO_TRYCATCH |
				        SCAN_FLAGS_REPORT_RULES_MATCHING,
				    on_yara, &c->m, 0);
			first = false;
		}
		if (eof)
			break;
		/* Keep the tail, so code across a window edge is seen. */
		if (cap < LIM_SCAN_WINDOW + LIM_SCAN_OVERLAP) {
			/* The file grew: go on in full windows. */
			uint8_t *g =
			    realloc(win, LIM_SCAN_WINDOW + LIM_SCAN_OVERLAP);
			if (!g) {
				c->partial = true;
				snprintf(c->why, sizeof c->why,
				         "out of memory");
				break;
			}
			win = g;
			cap = LIM_SCAN_WINDOW + LIM_SCAN_OVERLAP;
		}
		if (have > LIM_SCAN_OVERLAP) {
			memmove(win, win + have - LIM_SCAN_OVERLAP,
			        LIM_SCAN_OVERLAP);
			have = LIM_SCAN_OVERLAP;
		}
	}
	if (first && h->yara_rules) /* an empty file */
		yr_rules_scan_mem(h->yara_rules, (const uint8_t *)"", 0,
		                  SCAN_FLAGS_FAST_MODE, on_yara, &c->m, 0);
	if (!sha256_hex(md, c->sha))
		c->sha[0] = '\0';
	if (c->holes)
		c->sha[0] = '\0'; /* the holes were not read: no hash */
	if (!c->partial && c->scanned + c->holes < size) {
		c->partial = true;
		snprintf(c->why, sizeof c->why,
		         "the file shrank while it was read");
	}
	script_scan_judge(&sc, &c->beh);
out:
	free(win);
	sha256_free(md);
}

void detect_file(struct hunt *h, int fd, const char *rel, const char *lower,
                 uint64_t size, int64_t mtime)
{
	enum file_role role = file_role(lower);
	const char *name = base_name(lower);
	bool code = is_script(name), ours;
	char detail[700];
	struct content *c;
	struct finding *f;

	if (role == FR_TEMP_ASPNET && strlen(name) > 9 &&
	    strcmp(name + strlen(name) - 9, ".compiled") == 0) {
		compiled_leftover(h, fd, rel, mtime);
		return;
	}
	if (strstr(lower, "windows/system32/tasks/") &&
	    task_file(h, fd, rel, mtime))
		return;
	if (strcmp(name, "report.wer") == 0) {
		wer_report(h, fd, rel, mtime);
		return;
	}
	/* Post-exploitation leftovers, anywhere. */
	if (strncmp(name, "lsass", 5) == 0 &&
	    (strstr(name, ".dmp") || strstr(name, ".zip") ||
	     strstr(name, ".7z") || strstr(name, ".rar")))
		file_finding(h, "lsass-dump", SEV_CRITICAL, rel,
		             "LSASS memory dump: credentials were taken", mtime,
		             NULL);
	if ((strncmp(lower, "programdata/", 12) == 0 ||
	     strstr(lower, "/programdata/")) &&
	    (strlen(name) > 4) &&
	    (!strcmp(name + strlen(name) - 4, ".zip") ||
	     !strcmp(name + strlen(name) - 3, ".7z") ||
	     !strcmp(name + strlen(name) - 4, ".rar")))
		file_finding(
		    h, "staged-archive", SEV_MEDIUM, rel,
		    "archive in ProgramData (staging for exfiltration, or a "
		    "product's own file: check it)",
		    mtime, NULL);
	if (in_list(tools, name))
		file_finding(h, "attacker-tool", SEV_HIGH, rel,
		             "a tool seen in the 2021 intrusions", mtime, NULL);
	/* Content is read for every file IIS would run as code, wherever
	 * it lies, and for everything in the folders attackers drop into. */
	if (!code && !drop_role(role) && !h->all_files)
		return;
	c = calloc(1, sizeof *c);
	if (!c) {
		hunt_unreadable(h, rel, "out of memory");
		return;
	}
	read_content(h, fd, name, size, c, rel, lower, mtime);
	h->files_scanned++;
	h->bytes_scanned += c->scanned;
	if (c->holes)
		hunt_note(h,
		          "%s: sparse, %llu bytes of holes skipped (they hold "
		          "no data); not hashed",
		          rel, (unsigned long long)c->holes);
	if (c->partial) {
		snprintf(detail, sizeof detail, "not fully scanned: %s",
		         c->why);
		file_finding(h, "not-fully-scanned", SEV_MEDIUM, rel, detail,
		             mtime, NULL);
		hunt_unreadable(h, rel, c->why);
	}
	/* A password sent away by browser script alone is a harvester in
	 * Exchange's sign-in folders; elsewhere (another site's login page
	 * may post to its own sign-in service) it is a lead to check. */
	if (c->beh.family == SF_HARVESTER && !c->beh.server_side &&
	    role != FR_OWA_AUTH && role != FR_ECP_AUTH) {
		file_finding(h, "password-beacon", SEV_MEDIUM, rel,
		             "browser script sends what is typed in a password "
		             "box to another site: check it",
		             mtime, c->sha);
		c->beh.family = SF_NONE;
	}
	/* Where attackers drop files, or Exchange's own folders: nothing
	 * of the product reads what a request names, hides its source or
	 * looks for security products there. */
	ours = drop_role(role) || strstr(lower, "exchange server/");
	/* One call reading or fetching what the request names: in the
	 * folders attackers drop into or in Exchange's own web folders a
	 * back door; in another site it may be that site's own download
	 * page (a path-traversal hole at worst): a lead to check. */
	if (c->beh.family == SF_FILEACCESS && !ours) {
		snprintf(detail, sizeof detail, "%s: check it", c->beh.what);
		file_finding(h, "file-access", SEV_MEDIUM, rel, detail, mtime,
		             c->sha);
		c->beh.family = SF_NONE;
	}
	/* Encoded server script is decoded and read (screnc.c). Where
	 * attackers drop files and in Exchange's own folders nothing of
	 * the product is encoded: hiding the source there is itself a
	 * sign, even when what it does is not recognised; elsewhere an old
	 * application may hide its source so, and what it does is judged.
	 * A block that does not decode (wrong checksum) cannot be read. */
	if (c->beh.family == SF_NONE && !c->m.n &&
	    (c->beh.encoded || (c->beh.decoded && ours))) {
		file_finding(
		    h, "encoded-page", ours ? SEV_HIGH : SEV_MEDIUM, rel,
		    c->beh.encoded
		        ? "server script encoded with Microsoft's Script "
		          "Encoder (#@~^) that does not decode (its "
		          "checksum or frame is wrong): what it does cannot "
		          "be read here; check it by hand"
		        : "server script hidden with Microsoft's Script "
		          "Encoder (#@~^), decoded here: nothing known was "
		          "recognised, but nothing of Exchange is encoded; "
		          "check the decoded script by hand",
		    mtime, c->sha);
	}
	/* A page that looks for the security products' programs: an
	 * intruder's check of what watches the server before acting */
	if (c->beh.family == SF_NONE && c->beh.edr_probe && !c->m.n) {
		file_finding(h, "edr-probe", ours ? SEV_HIGH : SEV_MEDIUM, rel,
		             "server script that looks for security products' "
		             "programs (endpoint agents, antivirus), as "
		             "Volexity's SecChecker did: a check of what "
		             "watches this server; nothing of Exchange does so",
		             mtime, c->sha);
	}
	if (c->beh.family != SF_NONE) {
		bool trojan = in_list(shipped_pages, name) &&
		              role != FR_OTHER && role != FR_TEMP_ASPNET;
		snprintf(detail, sizeof detail, "%s [%s]%s%s%s%s", c->beh.what,
		         shell_family_name(c->beh.family),
		         trojan ? "; a shipped page name with code added "
		                  "(trojanised copy)"
		                : "",
		         c->beh.decoded ? "; its source hidden with "
		                          "Microsoft's Script Encoder, "
		                          "decoded here"
		                        : "",
		         c->m.n ? "; YARA " : "", c->m.n ? c->m.rule : "");
		f = file_finding(h, "webshell", SEV_CRITICAL, rel, detail,
		                 mtime, c->sha);
		if (f) {
			f->backdoor = true;
			snprintf(f->chain, sizeof f->chain, "%s",
			         c->beh.chain[0] ? c->beh.chain : c->m.chain);
		}
	} else if (c->m.n) {
		snprintf(detail, sizeof detail, "YARA %s: %s", c->m.rule,
		         c->m.desc);
		f = file_finding(h, "webshell", SEV_CRITICAL, rel, detail,
		                 mtime, c->sha);
		if (f) {
			f->backdoor = true;
			snprintf(f->chain, sizeof f->chain, "%s", c->m.chain);
		}
	} else if (in_list(bad_sha256, c->sha)) {
		f = file_finding(h, "webshell", SEV_CRITICAL, rel,
		                 "SHA-256 on the known-bad list", mtime,
		                 c->sha);
		if (f)
			f->backdoor = true;
	} else if (in_list(bad_names, name) && code) {
		f = file_finding(h, "webshell-name", SEV_HIGH, rel,
		                 "a web-shell name seen in 2021", mtime,
		                 c->sha);
		if (f)
			f->backdoor = true;
	} else if (code &&
	           ((role == FR_OWA_AUTH && !in_list(owa_auth_ok, name)) ||
	            (role == FR_ECP_AUTH && !in_list(ecp_auth_ok, name)) ||
	            (role == FR_OAB && !in_list(oab_ok, name)) ||
	            role == FR_ASPNET_CLIENT)) {
		const char *const *ok = role == FR_OWA_AUTH   ? owa_auth_ok
		                        : role == FR_ECP_AUTH ? ecp_auth_ok
		                        : role == FR_OAB      ? oab_ok
		                                              : NULL;
		const char *like = NULL;
		for (; ok && *ok; ok++)
			if (strlen(name) >= 10 && distance(name, *ok) <= 3)
				like = *ok;
		if (like)
			snprintf(
			    detail, sizeof detail,
			    "not shipped by Exchange here; a look-alike of %s",
			    like);
		else
			snprintf(detail, sizeof detail,
			         "a script file Exchange does not ship in this "
			         "folder");
		f = file_finding(h,
		                 like ? "look-alike-file" : "unexpected-file",
		                 SEV_HIGH, rel, detail, mtime, c->sha);
		if (f)
			f->backdoor = true;
	}
	free(c);
}

/* --- Rules a responder brings (--rules) ------------------------------ */

/* Our own rules travel in the same compiled set as the responder's, in
 * their own namespace, so one scan of a file serves both. */
#define OWN_NS "exhunt"

/* The externals community rule sets expect (Loki and THOR define them);
 * rules that use them would not compile without. */
static const char *const rule_externals[] = {
    "filename", "filepath", "extension", "filetype", "md5", "owner", NULL,
};

struct rule_err {
	char file[512];
	char msg[1200];
	int n;
};

static void on_user_compile_error(int level, const char *file, int line,
                                  const YR_RULE *rule, const char *msg,
                                  void *user)
{
	struct rule_err *e = user;

	(void)rule;
	if (level != YARA_ERROR_LEVEL_ERROR)
		return;
	if (e->n++ == 0)
		snprintf(e->msg, sizeof e->msg, "%s:%d: %s",
		         file ? file : e->file, line, msg);
}

static YR_COMPILER *rules_compiler(struct rule_err *e)
{
	YR_COMPILER *c = NULL;
	int k;

	if (yr_compiler_create(&c) != ERROR_SUCCESS)
		return NULL;
	yr_compiler_set_callback(c, on_user_compile_error, e);
	for (k = 0; rule_externals[k]; k++)
		yr_compiler_define_string_variable(c, rule_externals[k], "");
	return c;
}

static int add_rule_file(YR_COMPILER *c, const char *path, struct rule_err *e)
{
	FILE *f = fopen(path, "r");
	int errs;

	if (!f) {
		snprintf(e->msg, sizeof e->msg, "%s: %s", path,
		         strerror(errno));
		e->n++;
		return -1;
	}
	snprintf(e->file, sizeof e->file, "%s", path);
	/* One namespace per file: two sets may reuse a rule name. */
	errs = yr_compiler_add_file(c, f, path, path);
	fclose(f);
	return errs ? -1 : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects rule files under path (a file, or a folder walked in name
 * order, at most LIM_RULE_FILES). */
static int collect_rule_files(const char *path, char ***out, size_t *n,
                              size_t *cap, int depth)
{
	struct stat st;
	char **names = NULL;
	size_t nn = 0, capn = 0, i;
	int rc = 0;

	if (stat(path, &st))
		return EXH_EINVAL;
	if (!S_ISDIR(st.st_mode)) {
		if (array_reserve(out, cap, *n + 1, sizeof **out, 16) ||
		    !((*out)[*n] = strdup(path)))
			return EXH_ENOMEM;
		(*n)++;
		return 0;
	}
#ifdef _WIN32
	/* wide names: a rule folder may be named in any script */
	struct win_dir *d;
	const char *name;
	bool is_dir;
	if (depth > 16 || !(d = win_opendir(path)))
		return depth > 16 ? 0 : EXH_EINVAL;
	while ((name = win_readdir(d, &is_dir))) {
#else
	DIR *d;
	struct dirent *de;
	const char *name;
	bool is_dir;
	if (depth > 16 || !(d = opendir(path)))
		return depth > 16 ? 0 : EXH_EINVAL;
	while ((de = readdir(d))) {
		name = de->d_name;
		is_dir = de->d_type == DT_DIR;
#endif
		size_t l = strlen(name);
		if (name[0] == '.')
			continue;
		if (!is_dir &&
		    !(l > 4 && (!strcasecmp(name + l - 4, ".yar") ||
		                (l > 5 && !strcasecmp(name + l - 5, ".yara")))))
			continue;
		if (nn >= LIM_RULE_FILES)
			break;
		if (array_reserve(&names, &capn, nn + 1, sizeof *names, 16)) {
			rc = EXH_ENOMEM;
			break;
		}
		if (!(names[nn] = malloc(strlen(path) + l + 2))) {
			rc = EXH_ENOMEM;
			break;
		}
		snprintf(names[nn], strlen(path) + l + 2, "%s/%s", path, name);
		nn++;
	}
#ifdef _WIN32
	win_closedir(d);
#else
	closedir(d);
#endif
	if (nn > 1)
		qsort(names, nn, sizeof *names, cmp_str);
	for (i = 0; i < nn; i++) {
		if (!rc && *n < LIM_RULE_FILES)
			rc = collect_rule_files(names[i], out, n, cap,
			                        depth + 1);
		free(names[i]);
	}
	free(names);
	return rc;
}

int detect_rules_load(struct hunt *h, const char *path, const char *data_dir)
{
	char **files = NULL;
	size_t nfiles = 0, capfiles = 0, i, good = 0;
	YR_COMPILER *all = NULL;
	YR_RULES *rules = NULL;
	struct rule_err e;
	int rc;

	rc = collect_rule_files(path, &files, &nfiles, &capfiles, 0);
	if (rc) {
		log_error("--rules %s: %s", path,
		          rc == EXH_ENOMEM ? "out of memory"
		                           : "cannot read it");
		goto out;
	}
	memset(&e, 0, sizeof e);
	all = rules_compiler(&e);
	if (!all) {
		rc = EXH_ENOMEM;
		goto out;
	}
	{
		struct buf own;
		if (data_load(data_dir, "yara/webshells.yar", &own) ||
		    yr_compiler_add_string(all, own.p, OWN_NS) != 0) {
			buf_release(&own);
			log_error("--rules: our own rules did not compile");
			rc = EXH_EINVAL;
			goto out;
		}
		buf_release(&own);
	}
	for (i = 0; i < nfiles; i++) {
		/* Each file alone first: one that fails is named and skipped
		 * (a compiler that saw an error cannot be used further). */
		struct rule_err one;
		YR_COMPILER *c;
		memset(&one, 0, sizeof one);
		c = rules_compiler(&one);
		if (!c) {
			rc = EXH_ENOMEM;
			goto out;
		}
		if (add_rule_file(c, files[i], &one)) {
			log_warn("--rules: %s skipped: %s", files[i],
			         one.msg[0] ? one.msg : "does not compile");
			hunt_note(h, "rule file %s skipped: %s", files[i],
			          one.msg[0] ? one.msg : "does not compile");
			yr_compiler_destroy(c);
			continue;
		}
		yr_compiler_destroy(c);
		if (add_rule_file(all, files[i], &e)) {
			log_error("--rules: %s: %s", files[i], e.msg);
			rc = EXH_EINVAL;
			goto out;
		}
		good++;
	}
	if (!good) {
		log_error("--rules %s: no rule file compiled", path);
		rc = EXH_EINVAL;
		goto out;
	}
	if (yr_compiler_get_rules(all, &rules) != ERROR_SUCCESS) {
		rc = EXH_ENOMEM;
		goto out;
	}
	h->user_rules = rules;
	hunt_note(h, "%zu of %zu rule files from %s in use", good, nfiles,
	          path);
out:
	if (all)
		yr_compiler_destroy(all);
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	return rc;
}

struct user_hits {
	struct hunt *h;
	const char *rel;
	int64_t mtime;
	bool code;
	int n;
	struct ymatch *own; /* our rules' hits go here (NULL: ignored) */
};

static int on_user_rule(YR_SCAN_CONTEXT *ctx, int msg, void *data, void *user)
{
	struct user_hits *u = user;
	YR_RULE *rule = data;
	YR_META *meta;
	char detail[700];
	size_t at;
	struct finding *f;

	if (msg != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	if (rule->ns && strcmp(rule->ns->name, OWN_NS) == 0)
		return u->own ? on_yara(ctx, msg, data, u->own)
		              : CALLBACK_CONTINUE;
	if (u->n++ >= LIM_RULE_HITS_PER_FILE)
		return CALLBACK_CONTINUE;
	at = (size_t)snprintf(detail, sizeof detail, "rule %s:%s",
	                      rule->ns ? rule->ns->name : "", rule->identifier);
	yr_rule_metas_foreach(rule, meta)
	{
		if (at >= sizeof detail - 1)
			break;
		if (meta->type == META_TYPE_STRING &&
		    (!strcmp(meta->identifier, "description") ||
		     !strcmp(meta->identifier, "author") ||
		     !strcmp(meta->identifier, "reference") ||
		     !strcmp(meta->identifier, "date")))
			at += (size_t)snprintf(detail + at, sizeof detail - at,
			                       "; %s: %s", meta->identifier,
			                       meta->string);
		else if (meta->type == META_TYPE_INTEGER &&
		         !strcmp(meta->identifier, "score"))
			at += (size_t)snprintf(detail + at, sizeof detail - at,
			                       "; score: %lld",
			                       (long long)meta->integer);
	}
	f = file_finding(u->h, "rule-match", SEV_HIGH, u->rel, detail, u->mtime,
	                 NULL);
	if (f)
		f->backdoor = u->code;
	return CALLBACK_CONTINUE;
}

void detect_rules_scan(struct hunt *h, int fd, const char *rel,
                       const char *lower, int64_t mtime)
{
	if (h->rules_done) {
		h->rules_done = false;
		return;
	}
	rules_scan(h, fd, NULL, 0, rel, lower, mtime, NULL);
}

/* Runs the responder's rules over mem when given (the whole file, already
 * read), else over the file fd. */
static void rules_scan(struct hunt *h, int fd, const uint8_t *mem,
                       size_t memlen, const char *rel, const char *lower,
                       int64_t mtime, struct ymatch *own)
{
	YR_SCANNER *s = NULL;
	struct user_hits u = {h, rel, mtime, false, 0, own};
	const char *name = base_name(rel), *dot;
	char dir[4096];
	struct stat st;
	int err;

	if (!h->user_rules)
		return;
	u.code = is_script(base_name(lower));
	s = h->rules_scanner;
	if (!s && yr_scanner_create(h->user_rules, &s) != ERROR_SUCCESS) {
		hunt_unreadable(h, rel, "out of memory for --rules");
		return;
	}
	h->rules_scanner = s;
	dot = strrchr(name, '.');
	snprintf(dir, sizeof dir, "%.*s", (int)(name - rel), rel);
	yr_scanner_define_string_variable(s, "filename", name);
	yr_scanner_define_string_variable(s, "filepath", dir);
	yr_scanner_define_string_variable(s, "extension", dot ? dot : "");
	yr_scanner_set_callback(s, on_user_rule, &u);
	yr_scanner_set_flags(s, SCAN_FLAGS_FAST_MODE |
	                            SCAN_FLAGS_REPORT_RULES_MATCHING);
	/* No time-out: the answer must not depend on the machine's load. */
	yr_scanner_set_timeout(s, 0);
	/* Files up to a few MiB are read into a buffer the worker keeps:
	 * cheaper than a map and unmap per file. */
	err = -1;
	if (mem) {
		yr_scanner_set_flags(s, SCAN_FLAGS_FAST_MODE |
		                            SCAN_FLAGS_NO_TRYCATCH |
		                            SCAN_FLAGS_REPORT_RULES_MATCHING);
		err = yr_scanner_scan_mem(s, mem, memlen);
		yr_scanner_set_flags(s, SCAN_FLAGS_FAST_MODE |
		                            SCAN_FLAGS_REPORT_RULES_MATCHING);
	} else if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	           (uint64_t)st.st_size <= LIM_RULES_READ) {
		size_t want = (size_t)st.st_size, got = 0;
		if (want + 1 > h->rules_cap) {
			unsigned char *g = realloc(h->rules_buf, want + 1);
			if (g) {
				h->rules_buf = g;
				h->rules_cap = want + 1;
			}
		}
		if (h->rules_cap >= want + 1) {
			ssize_t r;
			while (got < want &&
			       (r = pread(fd, h->rules_buf + got, want - got,
			                  (off_t)got)) > 0)
				got += (size_t)r;
			/* Our own heap memory: no mapped file to vanish under
			 * the scan, so no signal handlers per file. */
			yr_scanner_set_flags(
			    s, SCAN_FLAGS_FAST_MODE | SCAN_FLAGS_NO_TRYCATCH |
			           SCAN_FLAGS_REPORT_RULES_MATCHING);
			if (got == want)
				err = yr_scanner_scan_mem(s, h->rules_buf, got);
			yr_scanner_set_flags(
			    s, SCAN_FLAGS_FAST_MODE |
			           SCAN_FLAGS_REPORT_RULES_MATCHING);
		}
	}
	if (err == -1)
#ifdef _WIN32
		err = yr_scanner_scan_fd(
		    s, (YR_FILE_DESCRIPTOR)_get_osfhandle(fd));
#else
		err = yr_scanner_scan_fd(s, fd);
#endif
	if (err != ERROR_SUCCESS && err != ERROR_COULD_NOT_MAP_FILE)
		hunt_unreadable(h, rel, "--rules: the scan stopped early");
	if (u.n > LIM_RULE_HITS_PER_FILE) {
		char d[200];
		snprintf(d, sizeof d, "%d more rules matched this file",
		         u.n - LIM_RULE_HITS_PER_FILE);
		file_finding(h, "rule-match", SEV_HIGH, rel, d, mtime, NULL);
	}
}

void detect_rules_worker_done(struct hunt *h)
{
	if (h->rules_scanner)
		yr_scanner_destroy(h->rules_scanner);
	h->rules_scanner = NULL;
}
