/* The walk's job queue as other sources feed it (hunt/image.c): a file
 * handed over is read by the same workers and detectors as a file of a
 * folder tree. */
#ifndef EXH_HUNT_WALK_H
#define EXH_HUNT_WALK_H
#include <stdbool.h>
#include <stdint.h>

struct walk;

/* Hands one file to the workers. fd is theirs to close; -1 when only its
 * name and metadata are known (the name checks run, nothing is read).
 * place: the hunt's place of the file (0: the folder itself); gone: it is
 * no longer on the live volume (its findings say so). held: bytes
 * the file holds in memory until read (counted against the in-flight
 * bound, see walk_wait_room). */
void walk_file(struct walk *w, int fd, const char *rel, uint64_t size,
               int64_t mtime, int place, bool gone, uint64_t held);
/* Hands one file of a raw image stored in plain runs: the worker reads
 * it from src (the image, read-only, shared by every such file and
 * closed at the walk's end) itself: a text log straight from its runs,
 * anything else copied into a memory file first. No copy by the reader
 * child, and none at all for the logs that make most of an image's
 * bytes. runs: nruns (offset, length) pairs in the image, checked by the
 * caller; malloc'd, the walk's to free. */
void walk_file_runs(struct walk *w, int src, uint64_t *runs, int nruns,
                    const char *rel, uint64_t size, int64_t mtime, int place,
                    bool gone);
/* Waits while the files handed over and not yet read hold more than
 * limit bytes. */
void walk_wait_room(struct walk *w, uint64_t limit);
/* Whether the hunt reads a file's bytes, or only its name, from its
 * lower-case path and first 8 bytes: the same choice the workers make. */
bool walk_wants_bytes(const char *lower, const unsigned char magic[8],
                      bool all_files, bool rules);
/* The terminal's progress line, naming where the walk is. */
void walk_progress(struct walk *w, const char *where);

#endif
