/* Behavioural recognition of server-side script (web shells): what the
 * code does, not one sample's literals. The text is first brought to one
 * canonical form (UTF-16 decoded, lower case, whitespace and comments
 * gone, escapes and character codes decoded, split strings joined,
 * Base64 literals decoded and read too), then the features it shows
 * (request sources, dangerous sinks, containers) are judged together.
 * Design and the families: docs/internals/script.md. */
#ifndef EXH_HUNT_SCRIPT_H
#define EXH_HUNT_SCRIPT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum shell_family {
	SF_NONE,
	SF_CHOPPER,     /* server-side eval of request data */
	SF_COMMAND,     /* request data reaches a process or shell */
	SF_LOADER,      /* request bytes decoded and loaded as an assembly */
	SF_COMPILER,    /* request data compiled (CodeDom, JScript engine) */
	SF_XSL,         /* XSL transform with script from the request */
	SF_TUNNEL,      /* sockets driven by the request (reGeorg style) */
	SF_FILEMANAGER, /* browses, writes, deletes or time-stomps files */
	SF_UPLOADER,    /* writes request data to a file */
	SF_CONFIG,      /* a web.config that carries script or runs .config */
	SF_OAB_DUMP,    /* OAB virtual-directory dump with script (27065) */
	SF_LOADER_EMBEDDED, /* loads an assembly embedded in the page */
	SF_DATABASE,   /* connects to a database the request names, runs SQL */
	SF_SHELLCODE,  /* allocates executable memory and runs code there */
	SF_HARVESTER,  /* stores or sends the passwords users type */
	SF_FILEACCESS, /* reads or changes files, or fetches URLs, that the
	                * request names (one call: no file manager) */
	SF_KEYTHIEF,   /* reads the ASP.NET machine keys (forged ViewState
	                * runs code with them, patched or not) */
	SF_COUNT,
};

/* A family's short name ("chopper", "command", ...), as in test folders
 * and the JSON report's detail. */
const char *shell_family_name(enum shell_family f);

struct script_result {
	enum shell_family family;
	bool server_side; /* the text holds server-side code at all */
	bool encoded;     /* server script encoded by Microsoft's Script
	                   * Encoder (#@~^...) that does not decode: not
	                   * read */
	bool decoded;     /* encoded server script, decoded and read */
	bool edr_probe;   /* server code naming two or more security
	                   * products' programs */
	char chain[16];   /* "proxylogon", "proxyshell" or "" */
	char what[200];   /* what the code does, for a person */
};

/* One file's (or one window's) features, accumulated over windows so a
 * file of any size is judged whole. */
struct script_scan {
	uint64_t feat;
	unsigned fileops;   /* distinct file operations seen */
	/* what the first bytes say: a PST (ProxyShell's mailbox export) or
	 * a DER certificate request (its certificate export) holding the
	 * page */
	enum { CONT_NONE, CONT_PST, CONT_DER } container;
	bool is_config;     /* the file is a .config */
	bool is_ssi;        /* a server-side include page (.stm, .shtml) */
	bool whole;         /* its whole text is code (handler, config) */
	char handler_type[128]; /* a foreign handler type a .config names */
	char mapped[104];       /* a non-script path it makes run as code */
	bool first_done;
	unsigned decoded; /* Script Encoder blocks decoded and read */
	bool eval_code;   /* an eval( other than JSON's eval("(" + ...) */
};

/* Starts a scan of the file named lower_name (its lower-case base name,
 * or NULL): the name says whether its whole text is code or only its
 * server blocks are. */
void script_scan_init(struct script_scan *s, const char *lower_name);

/* Feeds one window of the file (windows may overlap a little). Bounded:
 * linear in n, scratch memory a small multiple of n. Returns 0, or
 * EXH_ENOMEM (the window was not read: the caller says "not fully
 * scanned"). */
int script_scan_feed(struct script_scan *s, const uint8_t *p, size_t n);

/* The judgement on everything fed. */
void script_scan_judge(const struct script_scan *s, struct script_result *r);

/* Convenience for one buffer: feed and judge. name (may be NULL) is the
 * file's base name, for the .config rules. */
int script_analyse(const uint8_t *p, size_t n, const char *name,
                   struct script_result *r);

/* The canonical form of a text, for tests and the fuzz harness: *out is
 * malloc'd, the caller frees it. */
int script_canonical(const uint8_t *p, size_t n, char **out, size_t *outlen);

#endif
