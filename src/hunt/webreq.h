/* Requests IIS logged for scripts where back doors are dropped: kept by
 * path while the logs are read (hunt/detect_logs.c), then joined with
 * the back doors found on disk (hunt_correlate): when each was first and
 * last used, how often, from where; and a script under aspnet_client, or
 * under OWA's or ECP's auth folder where the evidence holds that folder,
 * that answered although it is not in the evidence (removed since). */
#ifndef EXH_HUNT_WEBREQ_H
#define EXH_HUNT_WEBREQ_H

#include "base/text.h"
#include <stdbool.h>
#include <stdint.h>

struct hunt;

/* Whether an IIS stem (as logged) is a script in a folder back doors are
 * dropped into: aspnet_client, an auth folder (OWA's, ECP's), or the
 * site's root. */
bool webreq_wanted(struct view stem);

/* Notes one request: stem as logged (decoded here), iso its time, status
 * and method as logged, log and line where it is. */
void webreq_note(struct hunt *h, struct view stem, const char *iso,
                 struct view status, struct view method, struct view ip,
                 struct view ua, const char *log, uint64_t line);

/* Notes a file the evidence holds (lower_rel: its path from the root,
 * '/', in lower case, as the walk names it for the detectors), as the
 * walk finds it: the scripts of aspnet_client and of OWA's and ECP's
 * auth folders, so that a script requested there is known to be in the
 * evidence even when nothing judged it a back door. */
void webreq_file(struct hunt *h, const char *lower_rel);

/* Moves a worker's requests into h. */
void webreq_merge(struct hunt *h, struct hunt *from);

/* Findings from the requests and the back doors in h (once, after the
 * walk). */
void webreq_correlate(struct hunt *h);

void webreq_free(struct hunt *h);

#endif
