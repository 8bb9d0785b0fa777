/* One Windows event record, as the event-log reader hands it to the
 * checks: the System fields taken from the record itself (never from the
 * file or chunk headers, wrong in exported and dirty logs) and the named
 * values of EventData or UserData, decoded. */
#ifndef EXH_HUNT_EVENT_H
#define EXH_HUNT_EVENT_H
#include "base/limits.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_value {
	const char *name;  /* Data Name="..", the element under UserData, or
	                      "0", "1".. for unnamed Data */
	const char *value; /* NUL-terminated, inside the event's store */
};

struct event {
	uint64_t record_id; /* System/EventRecordID, 0 if absent */
	uint32_t event_id;  /* System/EventID */
	int level;          /* System/Level, -1 if absent */
	char time[32];      /* System/TimeCreated/@SystemTime as
	                       YYYY-MM-DDTHH:MM:SSZ, "" if absent or bad */
	char provider[128]; /* System/Provider/@Name */
	char channel[128];  /* System/Channel */
	char computer[256]; /* System/Computer */
	bool recovered;     /* read from the file's free space (deleted) */
	struct event_value v[LIM_EVENT_DATA];
	int nv;
	bool truncated; /* some values did not fit and were cut or left out */
	char store[LIM_EVENT_BYTES];
	size_t used;
};

/* Reads one record's XML (as libevtx renders it) into e. Bounded: depth,
 * names, values and the store are capped, anything cut is flagged. 0, or
 * EXH_EINVAL when it is not an event (no <Event> element or no EventID). */
int event_parse_xml(const char *xml, size_t n, struct event *e);
/* The value named name (ASCII case-insensitive), or "" if absent. */
const char *event_get(const struct event *e, const char *name);

#endif
