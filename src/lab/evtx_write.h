/* The lab's writer of Windows event logs (.evtx): the file and chunk
 * headers with their CRC32s, and each record as binary XML built from
 * plain elements and text (no templates), so that any reader of the
 * format (libevtx, python-evtx) reads back exactly the fields written.
 * Written for `exhunt lab host`; the format follows libevtx's
 * documentation of EVTX. */
#ifndef EXH_LAB_EVTX_WRITE_H
#define EXH_LAB_EVTX_WRITE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lab_event {
	const char *provider;
	const char *channel;
	uint32_t event_id;
	int level;    /* 0 information (Security), 2 error, 4 info */
	int64_t time; /* Unix seconds, UTC */
	/* name, value, name, value ..., NULL: EventData (or, with
	 * userdata_element set, the children of that UserData element) */
	const char *const *data;
	const char *userdata_element;
};

/* Writes the events, record ids from first_id on, into path (created,
 * replaced). 0, or EXH_EIO / EXH_ELIMIT (a record larger than a chunk)
 * with a message. */
int evtx_write(const char *path, const char *computer,
               const struct lab_event *ev, size_t n, uint64_t first_id);
/* The same into memory (the fuzz harness' round trip): *out is malloc'd. */
int evtx_write_mem(const char *computer, const struct lab_event *ev, size_t n,
                   uint64_t first_id, unsigned char **out, size_t *len);

#endif
