/* Every cap on untrusted input lives here, so the bounds can be read in one
 * place. */
#ifndef EXH_BASE_LIMITS_H
#define EXH_BASE_LIMITS_H

/* Status line and headers. Exchange and IIS send 1 to 3 KB; 16 KB is what
 * common servers accept from clients. A head past it is an error for that
 * target, never a bigger buffer: 10,000 hostile connections must fit in
 * 256 MB. */
#define LIM_HTTP_HEADER_BYTES (16 * 1024)
#define LIM_HTTP_HEADERS 64 /* header lines per response */
/* A head larger than this keeps only the headers exhunt reads while its
 * body is read (net/http_resp.c). */
#define LIM_HTTP_HEAD_KEEP 2048
/* Body kept per response (the rest is read, counted and dropped): every
 * fact exhunt reads from a body sits in its first kilobytes (logon page
 * head, manifest, error pages). */
#define LIM_HTTP_BODY_BYTES (16 * 1024)
#define LIM_HTTP_CHUNK_LINE 64           /* chunk-size line length */
#define LIM_HOST_BYTES (4 * 1024 * 1024) /* bytes read per target */
#define LIM_REDIRECTS 3                  /* redirects followed per probe */
#define LIM_RECONNECTS 8                 /* new connections per target */
/* Connections at once to one target (its own and helpers for the web-shell
 * paths): --conns-per-target's ceiling. */
#define LIM_TARGET_CONNS 16
/* An answer this slow (request sent to response read) makes a target
 * slow: its independent steps are asked side by side (scan/probe.h). A
 * server rendering OWA under load, or one far away. */
#define LIM_SLOW_ANSWER_MS 250
/* A target's own connection refused when reopened, after the server
 * answered: the wait before trying again (scan/engine.c). */
#define LIM_RECONNECT_WAIT_MS 200
#define LIM_TLS_TICKET 2048 /* a session ticket kept for resumption */
/* Scan event loops (threads), whatever --threads asks */
#define LIM_SCAN_THREADS 64
#define LIM_LINE_BYTES 4096 /* one line of a target list */
#define LIM_RECORD_BYTES                                                       \
	(1u << 20)                /* one JSONL result record (resume,          \
	                           * report import); ours are < 16 KB */
#define LIM_HOSTNAME 253          /* DNS name length */
#define LIM_CSV_FIELDS 32         /* fields per data/ CSV row */
#define LIM_DATA_ROWS 100000      /* rows per data/ table */
#define LIM_NTLM_BYTES 4096       /* decoded NTLM challenge */
#define LIM_SERVER_NAMES 8        /* server names per target */
#define LIM_REQ_BYTES (16 * 1024) /* a request the lab accepts */
#define LIM_DNS_PACKET 512        /* a DNS query the lab accepts */
#define LIM_TARGET_ENTRIES (64u * 1024 * 1024) /* ranges + names in a scan */
#define LIM_RULE_FILES 10000 /* --rules: files taken from one folder tree */
/* --rules: findings per file, then a count */
#define LIM_RULE_HITS_PER_FILE 16
#define LIM_FINDING_EXAMPLES                                                   \
	50 /* hunt: findings kept per kind, CVE, level and file; more are      \
	      counted */
#define LIM_AGG_KEYS                                                           \
	(1u << 22) /* hunt: distinct keys counted apart; past it, one key per  \
	              kind and level */
#define LIM_ARCHIVE_MEMBERS 100000 /* hunt: members of one .zip looked at */
#define LIM_RULES_READ                                                         \
	(16u << 20) /* --rules: files read into memory up to this, mapped past \
	               it */

/* hunt: folder depth entered; deeper folders are named in the report, not
 * entered (a crafted tree cannot exhaust descriptors or stack) */
#define LIM_WALK_DEPTH 512
/* hunt: files queued between the walker and the readers (memory stays flat on
 * any tree) */
#define LIM_WALK_QUEUE 256
/* hunt: bytes of a file read and judged at once; files of any size are read
 * window by window */
#define LIM_SCAN_WINDOW (8u << 20)
/* hunt: bytes windows overlap by, so a pattern across a window edge is seen */
#define LIM_SCAN_OVERLAP (64u << 10)
/* hunt: sparse-file holes skipped from this size on (a crafted 1 TB sparse file
 * is not read) */
#define LIM_HOLE_MIN (1u << 20)
/* hunt: fields of one log line (W3C #Fields and CSV logs have at most ~50) */
#define LIM_LOG_FIELDS 128
/* hunt: one log line; longer lines are cut there and counted */
#define LIM_LOG_LINE (64 * 1024)
/* notify: one line of prefix2as, delegated stats or contacts files */
#define LIM_NETDATA_LINE 4096
/* report: servers listed in the dashboard table (the HTML stays usable) */
#define LIM_HTML_TABLE_ROWS 100000
/* report: scans followed in one campaign */
#define LIM_REPORT_SCANS 1000
/* report: distinct CUs charted */
#define LIM_REPORT_CUS 256
/* report import: records per transaction (a failed or interrupted import leaves
 * whole batches) */
#define LIM_IMPORT_BATCH 5000
/* notify: XARF reports attached one per server; past it one JSON Lines file */
#define LIM_XARF_PARTS 50
/* scan: result bytes held before a checkpoint writes them */
#define LIM_SCAN_PENDING (4u << 20)
/* JSON reader: values in one document (our records have ~150) */
#define LIM_JSON_NODES 4096
/* JSON reader: nesting depth (ours is 3; recursion stays shallow) */
#define LIM_JSON_DEPTH 32
/* scan: web-shell paths listed per server (a catch-all would list every path)
 */
#define LIM_OBS_SHELLS 16
/* notify: --mmdb files at once */
#define LIM_MMDB_FILES 8
/* notify send: pending messages held in memory at once */
#define LIM_SEND_PAGE 100

/* One event record as XML from the event-log reader: real records are a
 * few KiB; a 4104 script block part is at most about 32 KiB of UTF-16. */
#define LIM_EVENT_XML (1u << 20)
/* Named values kept per event (EventData, UserData): Security 4688 has
 * 21, Sysmon events under 30. */
#define LIM_EVENT_DATA 64
/* Bytes of decoded values kept per event. */
#define LIM_EVENT_BYTES (256u * 1024)
/* The event-log and registry readers (libevtx, libregf) run in a child
 * process under these bounds: Debian's libevtx 20181227 grows to 16 GB on
 * a crafted 68 KB file; 1 GiB of address space stops it at once, and no
 * real log needs more than the time limit. */
#define LIM_CHILD_AS (1024ull << 20)
#define LIM_CHILD_CPU_S 120
#define LIM_CHILD_WALL_MS (300 * 1000)
/* A PowerShell script block split over 4104 events: parts kept until the
 * last arrives, per file (bytes across open blocks, and blocks). */
#define LIM_SCRIPT_BLOCK_BYTES (16u << 20)
/* The script a PowerShell -EncodedCommand holds, decoded: a Windows
 * command line has at most 32,767 characters, so its Base64 of UTF-16
 * at most about 12,000 */
#define LIM_ENCODED_COMMAND (32u << 10)
#define LIM_SCRIPT_BLOCKS 4096
/* Event record ids remembered per log to drop recovered copies of
 * records already read (8 bytes each, at most half full). */
#define LIM_EVENT_IDS (16u << 20)
/* applicationHost.config and agents.config read as text (real ones are
 * tens to hundreds of KiB). */
#define LIM_CONFIG_BYTES (16u << 20)
/* Registry lines from the hive reader (a value's data as text). */
#define LIM_HIVE_LINE (64 * 1024)

/* Disk images (hunt/image.c): the reader child (libewf, libvhdi,
 * libvshadow, libfsntfs) under an address-space bound, killed when silent
 * for LIM_IMAGE_SILENCE_MS (every entry it visits is a message, so only a
 * library stuck on one entry is silent that long) and restarted past the
 * entry it was on, at most LIM_IMAGE_RESTARTS times per image. */
#define LIM_IMAGE_AS (2048ull << 20)
#define LIM_IMAGE_SILENCE_MS (120 * 1000)
#define LIM_IMAGE_RESTARTS 8
/* Bytes of one file handed from an image (larger: read in part), and of
 * files handed over and not yet read by the workers. */
#define LIM_IMAGE_FILE (2048ull << 20)
#define LIM_IMAGE_INFLIGHT (256ull << 20)
/* Volumes per image (partitions, logical ones included), shadow copies
 * per volume, entries per volume walk, and one message's bytes. */
#define LIM_IMAGE_VOLUMES 64
#define LIM_IMAGE_STORES 64
#define LIM_IMAGE_ENTRIES (20u * 1000 * 1000)
#define LIM_IMAGE_MSG (16 * 1024)
/* Runs of one file a raw image's reader lists for the workers to read
 * from the image themselves (each at most 44 bytes of a message); a
 * file in more runs is copied by the reader */
#define LIM_IMAGE_RUNS 128
/* Files gone or changed in a shadow copy listed one by one per snapshot;
 * past it they are counted. */
#define LIM_IMAGE_DIFFS 500

#endif
