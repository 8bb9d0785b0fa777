/* The event-log reader's child side (see hunt/child.h): libevtx reads the
 * file on standard input and each record goes out as one line:
 *   R <tab> live|recovered <tab> <the record's XML>
 * then one summary line:
 *   S <tab> records <tab> recovered <tab> failed <tab> dirty <tab> full
 *     <tab> recovered copies of live records (skipped unrendered)
 *     <tab> corrupted (a checksum of the file header or of a chunk does
 *     not match: damaged, or edited after Windows wrote it)
 * A record libevtx cannot render is counted, not fatal. Exit 0 at the
 * end, 2 when the file is not an event log at all. */
#include "hunt/child.h"
#include "base/array.h"
#include "base/limits.h"
#include <libevtx.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/banned.h"

/* The XML buffer's first size: most records fit */
#define XML_START ((size_t)64 << 10)

#ifdef _WIN32
/* The library's private libbfio (hunt/child.h), and its opening through
 * a libbfio handle, declared here with that handle's opaque type. */
bfio_init_fn libevtx__libbfio_handle_initialize;
int libevtx_file_open_file_io_handle(libevtx_file_t *file, intptr_t *io,
                                     int flags, libevtx_error_t **error);
#endif

/* The record's XML into *xml: rendered once into the buffer as it is
 * (sizing the XML first costs a second rendering), and sized and
 * rendered again only when it did not fit. */
static int one(libevtx_record_t *rec, bool recovered, unsigned char **xml,
               size_t *cap)
{
	size_t n = 0;

	if (*cap < XML_START) {
		unsigned char *p = realloc(*xml, XML_START);
		if (!p)
			return -1;
		*xml = p;
		*cap = XML_START;
	}
	if (libevtx_record_get_utf8_xml_string(rec, *xml, *cap, NULL) != 1) {
		if (libevtx_record_get_utf8_xml_string_size(rec, &n, NULL) !=
		        1 ||
		    n == 0 || n > LIM_EVENT_XML || n <= *cap)
			return -1;
		unsigned char *p = realloc(*xml, n);
		if (!p)
			return -1;
		*xml = p;
		*cap = n;
		if (libevtx_record_get_utf8_xml_string(rec, *xml, n, NULL) != 1)
			return -1;
	}
	n = strnlen((const char *)*xml, *cap);
	if (n > LIM_EVENT_XML)
		return -1;
	fputs("R\t", stdout);
	fputs(recovered ? "recovered\t" : "live\t", stdout);
	child_put((const char *)*xml, n, true);
	/* One write per record: what was read is out before the next record,
	 * which may be the one that makes the library blow up and be killed. */
	fflush(stdout);
	return 0;
}

/* Record ids read live, sorted, for skipping recovered copies of them
 * before rendering (rendering is a fifth of libevtx's time). */
static uint64_t *live;
static size_t nlive, caplive;

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void remember(libevtx_record_t *rec)
{
	uint64_t id;

	if (libevtx_record_get_identifier(rec, &id, NULL) != 1)
		return;
	if (array_reserve(&live, &caplive, nlive + 1, sizeof *live, 1024))
		return; /* not remembered: its recovered copy is rendered */
	live[nlive++] = id;
}

static bool seen_live(libevtx_record_t *rec)
{
	uint64_t id;

	return libevtx_record_get_identifier(rec, &id, NULL) == 1 &&
	       bsearch(&id, live, nlive, sizeof *live, cmp_u64);
}

int evtx_child_main(void)
{
	libevtx_file_t *f = NULL;
	int n = 0, nrec = 0, i, failed = 0, good = 0, rgood = 0, copies = 0;
	uint32_t flags = 0;
	unsigned char *xml = NULL;
	size_t cap = 0;
	static char out[1 << 16];

	child_limits();
	setvbuf(stdout, out, _IOFBF, sizeof out);
	if (libevtx_file_initialize(&f, NULL) != 1)
		return 3;
#ifdef _WIN32
	{
		/* standard input's file, or a locked one on a raw volume */
		int code;
		intptr_t *io = child_input_handle(
		    libevtx__libbfio_handle_initialize, &code);
		if (!io)
			return code;
		if (libevtx_file_open_file_io_handle(f, io, LIBEVTX_OPEN_READ,
		                                     NULL) != 1)
			return 2;
	}
#else
	if (libevtx_file_open(f, "/proc/self/fd/0", LIBEVTX_OPEN_READ, NULL) !=
	    1)
		return 2;
#endif
	libevtx_file_get_flags(f, &flags, NULL);
	if (libevtx_file_get_number_of_records(f, &n, NULL) != 1)
		n = 0;
	for (i = 0; i < n; i++) {
		libevtx_record_t *rec = NULL;
		if (libevtx_file_get_record_by_index(f, i, &rec, NULL) != 1 ||
		    one(rec, false, &xml, &cap)) {
			failed++;
		} else {
			good++;
			remember(rec);
		}
		libevtx_record_free(&rec, NULL);
	}
	if (libevtx_file_get_number_of_recovered_records(f, &nrec, NULL) != 1)
		nrec = 0;
	if (nlive > 1)
		qsort(live, nlive, sizeof *live, cmp_u64);
	for (i = 0; i < nrec; i++) {
		libevtx_record_t *rec = NULL;
		if (libevtx_file_get_recovered_record_by_index(f, i, &rec,
		                                               NULL) != 1)
			failed++;
		else if (seen_live(rec))
			copies++; /* the parent would drop it: not rendered */
		else if (one(rec, true, &xml, &cap))
			failed++;
		else
			rgood++;
		libevtx_record_free(&rec, NULL);
	}
	printf("S\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", good, rgood, failed,
	       (flags & LIBEVTX_FILE_FLAG_IS_DIRTY) != 0,
	       (flags & LIBEVTX_FILE_FLAG_IS_FULL) != 0, copies,
	       libevtx_file_is_corrupted(f, NULL) == 1);
	free(xml);
	free(live);
	libevtx_file_close(f, NULL);
	libevtx_file_free(&f, NULL);
	return fflush(stdout) ? 3 : 0;
}
