/* Formatting an observation as a JSONL record (docs/scan-output.md) and as
 * a row of Shadowserver's scan_exchange CSV layout. */
#ifndef EXH_SCAN_RECORD_H
#define EXH_SCAN_RECORD_H
#include "base/buf.h"
#include "scan/observation.h"

/* The CSV header line, newline included. */
extern const char record_csv_header[];

/* Appends one JSON object and a newline. scan_id names the scan. */
int record_jsonl(const struct kb *kb, const char *scan_id,
                 const struct observation *o, const struct judge_out *v,
                 struct buf *out);
/* Appends one CSV row for an Exchange server (nothing otherwise). */
int record_csv(const struct kb *kb, const struct observation *o,
               const struct judge_out *v, struct buf *out);
/* Is the product line past its end of support at time t? */
bool record_eol(const struct kb *kb, int product, int64_t t);

#endif
