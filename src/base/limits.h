/* Every cap on untrusted input lives here, so the bounds can be read in one
 * place. */
#ifndef EXH_BASE_LIMITS_H
#define EXH_BASE_LIMITS_H

#define LIM_HTTP_HEADER_BYTES (64 * 1024) /* status line and headers */
#define LIM_HTTP_HEADERS 64               /* header lines per response */
#define LIM_HTTP_BODY_BYTES (256 * 1024)  /* body kept per response */
#define LIM_HTTP_CHUNK_LINE 64            /* chunk-size line length */
#define LIM_HOST_BYTES (4 * 1024 * 1024)  /* bytes read per target */
#define LIM_REDIRECTS 3                   /* redirects followed per probe */
#define LIM_RECONNECTS 8                  /* new connections per target */
#define LIM_LINE_BYTES 4096               /* one line of a target list */
#define LIM_HOSTNAME 253                  /* DNS name length */
#define LIM_CSV_FIELDS 32                 /* fields per data/ CSV row */
#define LIM_DATA_ROWS 100000              /* rows per data/ table */
#define LIM_NTLM_BYTES 4096               /* decoded NTLM challenge */
#define LIM_SERVER_NAMES 8                /* server names per target */
#define LIM_REQ_BYTES (16 * 1024)         /* a request the lab accepts */
#define LIM_DNS_PACKET 512                /* a DNS query the lab accepts */
#define LIM_TARGET_ENTRIES (64u * 1024 * 1024) /* ranges + names in a scan */
#define LIM_RULE_FILES 10000 /* --rules: files taken from one folder tree */
#define LIM_RULE_HITS_PER_FILE 16 /* --rules: findings per file, then a count */
#define LIM_FINDING_EXAMPLES 50 /* hunt: findings kept per kind, CVE, level and file; more are counted */
#define LIM_AGG_KEYS (1u << 22) /* hunt: distinct keys counted apart; past it, one key per kind and level */
#define LIM_ARCHIVE_MEMBERS 100000 /* hunt: members of one .zip looked at */
#define LIM_RULES_READ (16u << 20) /* --rules: files read into memory up to this, mapped past it */

#endif
