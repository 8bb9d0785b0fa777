/* exhunt hunt: findings on one server's files and logs, the verdict per
 * CVE, and what to do next. The nouns shared by the readers, detectors,
 * correlator and report. */
#ifndef EXH_HUNT_HUNT_H
#define EXH_HUNT_HUNT_H
#include "base/buf.h"
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

enum hunt_cve {
	HC_26855,
	HC_26857,
	HC_26858,
	HC_27065, /* ProxyLogon */
	HC_34473,
	HC_34523,
	HC_31207, /* ProxyShell */
	HC_33766, /* ProxyToken */
	HC_41040,
	HC_41082, /* ProxyNotShell */
	HC_41080, /* OWASSRF */
	HC_COUNT,
	HC_NONE = -1,
};

extern const char *const hunt_cve_ids[HC_COUNT];

/* Per CVE, in increasing order of gravity. */
enum hunt_level {
	HL_NOT_SEEN,
	HL_ATTEMPTED,
	HL_EXPLOITED,
	HL_BACKDOORED,
};

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };

const char *hunt_level_word(enum hunt_level l);
const char *severity_word(enum severity s);

struct finding {
	char kind[40];
	uint64_t more; /* aggregated: how many more like it were seen */
	uint64_t last_line;
	/* aggregated: the last one's line */ /* e.g. "ssrf-anchor-mailbox",
	                                         "webshell" */
	int cve;                              /* enum hunt_cve or HC_NONE */
	enum hunt_level level;                /* what it shows for its CVE */
	enum severity sev;
	char *path;    /* relative to ROOT, forward slashes */
	uint64_t line; /* 0 when not a line */
	char time[32]; /* ISO 8601 UTC, "" unknown */
	char client_ip[64];
	char user_agent[160];
	char *detail;
	char sha256[65]; /* files only */
	bool backdoor;   /* a file to remove */
	char chain[16];  /* "proxylogon", "proxyshell", "" */
	int place;       /* 0: the folder; else h->places[place - 1] */
	bool gone;       /* its file is no longer on the live volume (a deleted
	                  * MFT entry, a shadow copy's file gone or changed since) */
};

/* Where in a disk image a finding's file lies: a volume, live or one of
 * its shadow copies. */
struct place {
	int volume;       /* 1-based, in partition-table order */
	int store;        /* 0: the live volume; else its shadow copy */
	char created[32]; /* the shadow copy's creation time (ISO 8601) */
};

/* Log sources, for coverage. */
enum log_source {
	LS_HTTPPROXY,
	LS_ECP,
	LS_OAB,
	LS_IIS,
	LS_CMDLET,
	LS_EVENTS,   /* Windows event logs */
	LS_REGISTRY, /* registry hives */
	LS_COUNT,
};
extern const char *const log_source_names[LS_COUNT];

struct agg_slot {
	uint64_t key; /* 0: empty */
	uint32_t n;   /* findings kept for this key */
	size_t last;  /* index of the last one kept */
};

struct coverage {
	uint64_t files, lines, bytes;
	char oldest[32], newest[32];
};

struct hunt {
	const char *root;
	char source[16];      /* "folder", "E01", "VHDX", "VHD", "raw" */
	struct place *places; /* of an image's files; findings name them */
	size_t nplaces, capplaces;
	int cur_place;  /* stamped on the findings added (a worker's file) */
	bool cur_gone;  /* ... and whether that file is gone from live */
	bool no_vss;    /* --no-vss: an image's shadow copies are not read */
	bool all_files; /* --all: scan every file, not just web roots */
	bool live;      /* Windows: this server, no folder named */
	/* Windows, live: per drive letter (A to Z), a raw volume image read
	 * for the files the system holds locked instead of the volume itself
	 * (\\.\X:), from --raw-volume X=FILE; NULL for the volume */
	const char *raw_volume[26];
	bool raw_noted[26]; /* its note said (the walker's hunt) */
	/* Windows: the folder where files an image or a raw volume holds
	 * (a snapshot's, a deleted entry's) are copied to be read, deleted
	 * on close: the report's folder; NULL: the user's %TEMP% */
	const char *scratch;
	bool scratch_hunted; /* live: that folder is on a drive hunted */
	struct finding *f;
	size_t nf, capf;
	struct coverage cov[LS_COUNT];
	char **unreadable; /* "path: why" */
	size_t nunreadable, capunreadable;
	char **notes; /* what was found and not (layout) */
	size_t nnotes, capnotes;
	char exchange_dir[4096];
	uint64_t files_seen, files_scanned, bytes_scanned;
	/* IIS logs whose fields lack sc-status: their requests cannot be
	 * told answered or refused */
	uint64_t iis_no_status;
	enum hunt_level verdict[HC_COUNT];
	void *yara_rules; /* YR_RULES *, owned */
	void *user_rules; /* YR_RULES * from --rules, owned; NULL without */
	unsigned char *rules_buf; /* a worker's reusable read buffer */
	void *rules_scanner;      /* a worker's YR_SCANNER, reused */
	bool rules_done;          /* the current file's --rules scan is done */
	size_t rules_cap;
	bool progress;
	int threads; /* workers reading files (>= 1) */
	/* Repeated findings (same kind, CVE, level and file) past the first
	 * LIM_FINDING_EXAMPLES are counted on the last example kept. */
	struct agg_slot *agg;
	size_t agg_cap, agg_used;
	uint64_t aggregated;
	bool interrupted; /* stopped by hunt_stop: the report is partial */
	/* Nothing the hunt examines was found under root: no Exchange
	 * folder, no log, event log or hive, no file whose content was
	 * checked, nothing unreadable, no finding (an empty folder, the
	 * wrong drive). The
	 * verdicts then rest on nothing: the report and exit code say so. */
	bool nothing_examined;
	/* A finding, note or name could not be kept for want of memory: the
	 * report says so and the command fails (exit 3) after writing it. */
	bool out_of_memory;
	/* requests IIS logged for scripts in drop folders (webreq.c) */
	struct webreqs *webreqs;
};

/* Adds a finding; strings are copied. Returns it (for extra fields) or
 * NULL when out of memory. */
struct finding *hunt_add(struct hunt *h, const char *kind, int cve,
                         enum hunt_level level, enum severity sev,
                         const char *path, uint64_t line, const char *detail);
void hunt_note(struct hunt *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void hunt_unreadable(struct hunt *h, const char *path, const char *why);
/* Widens a source's coverage with one timestamp ("YYYY-MM-DD..." text). */
void hunt_cover(struct hunt *h, enum log_source s, const char *iso);

/* Set (from a signal handler) to stop a running hunt: the walk stops
 * taking new files, the files being read are finished, and the report
 * says it is partial. */
extern volatile sig_atomic_t hunt_stop;

/* Runs everything over h->root. Returns 0, or an EXH_E* error when the
 * root cannot be read at all. */
int hunt_run(struct hunt *h);
/* Verdicts from the findings (the correlator). */
void hunt_correlate(struct hunt *h);
void hunt_release(struct hunt *h);

/* Reports. */
int hunt_report_json(const struct hunt *h, struct buf *out);
void hunt_report_text(const struct hunt *h, FILE *f);
int hunt_report_html(const struct hunt *h, struct buf *out);

#endif
