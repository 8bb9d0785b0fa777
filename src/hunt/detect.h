/* The detectors: log callbacks (detect_logs.c) and file checks
 * (detect_files.c). The walker (walk.c) decides which runs on what. */
#ifndef EXH_HUNT_DETECT_H
#define EXH_HUNT_DETECT_H
#include "hunt/hunt.h"
#include "base/view.h"
#include "hunt/logread.h"

struct detect_ctx {
	struct hunt *h;
	const char *path;               /* relative to ROOT */
	const struct log_fields *bound; /* fields the indices were bound to */
	unsigned gen;                   /* ... and their generation */
	int i[16];                      /* bound field indices */
};

int detect_httpproxy(void *d, const struct log_fields *f, struct log_rec *r);
int detect_ecp(void *d, const struct log_fields *f, struct log_rec *r);
int detect_oab(void *d, const struct log_fields *f, struct log_rec *r);
int detect_iis(void *d, const struct log_fields *f, struct log_rec *r);
int detect_cmdlets(void *d, const struct log_fields *f, struct log_rec *r);
int detect_rps_http(void *d, const struct log_fields *f, struct log_rec *r);
/* The cmdlet checks on one cmdlet's text (name and parameters), from a
 * CmdletInfra log line or an MSExchange Management event. */
/* Whether s names a cmdlet detect_cmdlet_text judges (a cheap test
 * before it: any case). */
bool detect_cmdlet_named(struct view s);
void detect_cmdlet_text(struct hunt *h, const char *path, uint64_t line,
                        const char *iso, struct view raw, bool failed);
/* Windows event logs (.evtx) and registry hives, each read by a bounded
 * child process (hunt/child.h). */
void detect_evtx(struct hunt *h, int fd, const char *rel);
void detect_hive(struct hunt *h, int fd, const char *rel);
/* The same, run as "exhunt VERB" (the reader verb and its arguments)
 * with fd as its standard input: the Windows build reads a locked file
 * through the raw volume so (hunt/ntfs_win.c). */
void detect_evtx_via(struct hunt *h, const char *verb, int fd, const char *rel);
void detect_hive_via(struct hunt *h, const char *verb, int fd, const char *rel);
/* A Windows path or command line naming a program where nothing
 * installed properly lives (users, ProgramData, temp, inetpub ...) or an
 * interpreter with its script (cmd /c, powershell, mshta, rundll32 ...). */
bool detect_odd_image(const char *s);
/* Whether every path in s (a command line, a task's actions) lies in
 * Windows' own folders (System32, SysWOW64) and s has no odd folder,
 * download or encoded command: Windows' own tasks running its own
 * scripts. False when s names no path at all. */
bool detect_windows_own(const char *s);
/* Whether a scheduled task's definition (its XML, or the command a log
 * kept) runs a script, a shell or a program from an odd folder, and is
 * not one of Windows' own (detect_events.c). */
bool detect_task_odd(const char *content);
/* Whether a Defender exclusion (a path, an extension or a program) opens
 * a door rather than spares Exchange's own files (detect_events.c). */
bool detect_odd_exclusion(const char *v);
/* Whether a local account's name ends in $, as a computer account's does:
 * "net user" leaves it out (computer accounts live in the directory, not
 * in a SAM, and are created with 4741, not 4720). */
bool detect_hidden_account(const char *name);
/* s contains needle, in any ASCII case (view_find_ci); s contains any of
 * the NULL-terminated list. */
bool detect_has(const char *s, const char *needle);
/* The deserialization gadget (ysoserial's type names: ObjectDataProvider,
 * TypeConfuseDelegate, TextFormattingRunProperties, ...) that the Base64
 * text b64 (URL-encoded or not; cut short is fine) carries once decoded,
 * or NULL: a forged ViewState or serialized payload. Bounded: the first
 * 48 KB of b64 are read. */
const char *detect_b64_gadget(struct view b64);
bool detect_any(const char *s, const char *const *list);
/* Whether s names a file ending in one of exts (".js", not ".json"):
 * the extension is not followed by a letter or digit. */
bool detect_any_ext(const char *s, const char *const *exts);
/* applicationHost.config and web.config (IIS native and managed modules
 * and handlers) and agents.config (transport agents), by name: code
 * loaded from outside Windows', .NET's and Exchange's folders, or types
 * not Microsoft's. */
bool detect_config_name(const char *lower_rel);
/* web.config: its modules and handlers are checked by detect_config, and
 * the file itself by the file checks (it can hold code). */
bool detect_config_also(const char *lower_rel);
void detect_config(struct hunt *h, int fd, const char *rel, const char *lower);
void detect_config_text(struct hunt *h, const char *rel, const char *lower,
                        const char *text, size_t n);
/* The hive checks on the reader's lines given as text (tests). */
void detect_hive_lines(struct hunt *h, const char *rel, const char *text,
                       size_t n);
/* The event checks on records given as XML, without a reader (tests). */
void detect_event_records(struct hunt *h, const char *rel,
                          const char *const *xml, int n);

/* Where a file sits, from its lower-cased relative path. */
enum file_role {
	FR_OTHER,
	FR_OWA_AUTH,      /* FrontEnd/HttpProxy/owa/auth (and subfolders) */
	FR_ECP_AUTH,      /* FrontEnd/HttpProxy/ecp/auth */
	FR_OAB,           /* FrontEnd/HttpProxy/oab */
	FR_ASPNET_CLIENT, /* inetpub/wwwroot/aspnet_client */
	FR_WEBROOT,       /* other IIS and Exchange web content */
	FR_TEMP_ASPNET,   /* Temporary ASP.NET Files */
};
enum file_role file_role(const char *lower_rel);
/* Whether Exchange ships a file of this lower-case name in OWA's auth
 * folder (owa true) or ECP's (false). */
bool detect_auth_shipped(bool owa, const char *lower_name);
/* Is the (lower-case) file name one that web shells of 2021 used and no
 * product ships? */
bool detect_bad_name(const char *lower_name);

/* True for a (lower-case) file name IIS or ASP.NET would run as code. */
bool detect_is_code_name(const char *lower_name);

/* File checks: fd is open on the file, rel its path. Loads the YARA rules
 * once (detect_files_init) from the data tables. */
int detect_files_init(struct hunt *h, const char *data_dir);
void detect_files_release(struct hunt *h);
void detect_file(struct hunt *h, int fd, const char *rel, const char *lower,
                 uint64_t size, int64_t mtime);

/* Rules a responder brings: every .yar/.yara file under path (or the file
 * itself). A file that does not compile is named (log and note) and
 * skipped. Our own rules (data_dir, or built in) join the same compiled set
 * in their own namespace, so one scan of a file serves both. Returns 0, or
 * EXH_EINVAL when none compiled or path cannot be read, EXH_ENOMEM. */
int detect_rules_load(struct hunt *h, const char *path, const char *data_dir);
/* Runs the responder's rules over the whole file fd (any position):
 * each matching rule is a finding naming the rule and its meta. */
void detect_rules_scan(struct hunt *h, int fd, const char *rel,
                       const char *lower, int64_t mtime);
/* Frees what a worker kept between files for the responder's rules. */
void detect_rules_worker_done(struct hunt *h);

#endif
