/* The lab's EVTX writer, round trip: events made from the input are
 * written, read back by libevtx (the reader exhunt hunt uses) and parsed
 * by hunt/event.c; every field must come back as written. Strings are
 * mapped to printable ASCII first (the writer stores UTF-16; the round
 * trip of other text is the encoders' business, not this test's), and
 * attribute values carry no quote, '>' or '&' (libevtx writes them
 * unescaped). */
#include "hunt/event.h"
#include "lab/evtx_write.h"
#include <libevtx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXS 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *s[MAXS];
	const char *pairs[MAXS + 1];
	struct lab_event ev[2];
	unsigned char *file = NULL;
	size_t len = 0, i, ns = 0;
	struct event *e;
	libevtx_file_t *f = NULL;
	int fd, n = 0;
	char path[64];

	if (size < 4)
		return 0;
	text = malloc(size + 1);
	e = malloc(sizeof *e);
	if (!text || !e)
		abort();
	for (i = 0; i < size; i++)
		text[i] = data[i] == '\n' ? '\0' : (char)(0x20 + data[i] % 95);
	text[size] = '\0';
	/* provider, channel, then name/value pairs, split on newlines */
	s[ns++] = text + 4;
	for (i = 4; i < size && ns < MAXS; i++)
		if (text[i] == '\0')
			s[ns++] = text + i + 1;
	if (ns < 2)
		goto out;
	for (i = 2; i < ns; i++)
		pairs[i - 2] = s[i];
	/* libevtx writes attribute values unescaped: the provider and the
	 * Data names (attributes) hold no quote, '>' or '&' here */
	/* Debian's libevtx (20181227) cannot render a text value that is one
	 * escaped character alone ("&", "<", ">"): such a record is counted
	 * unreadable by the hunt; the round trip leaves that case out */
	for (i = 1; i < ns; i++)
		if (strlen(s[i]) == 1 && strchr("&<>", s[i][0]))
			s[i][0] = '_';
	for (i = 0; i < ns; i++)
		if (i == 0 || (i >= 2 && i % 2 == 0))
			for (char *q = s[i]; *q; q++)
				if (*q == '"' || *q == '>' || *q == '&')
					*q = '_';
	pairs[(ns - 2) & ~(size_t)1] = NULL;
	memset(ev, 0, sizeof ev);
	ev[0].provider = s[0];
	ev[0].channel = s[1];
	ev[0].event_id = (uint32_t)data[0] << 8 | data[1];
	ev[0].level = data[2] % 6;
	ev[0].time = 1600000000 + data[3] * 86400;
	ev[0].data = pairs;
	ev[1] = ev[0];
	ev[1].event_id = 4104;
	if (evtx_write_mem("HOST", ev, 2, 77, &file, &len))
		goto out; /* larger than a chunk: refused, said so */
	fd = memfd_create("evtx", 0);
	if (fd < 0 || write(fd, file, len) != (ssize_t)len)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (libevtx_file_initialize(&f, NULL) != 1 ||
	    libevtx_file_open(f, path, LIBEVTX_OPEN_READ, NULL) != 1 ||
	    libevtx_file_get_number_of_records(f, &n, NULL) != 1 || n != 2) {
		abort(); /* what we write, the reader reads */
	}
	for (int r = 0; r < n; r++) {
		libevtx_record_t *rec = NULL;
		size_t xs = 0;
		unsigned char *xml;
		if (libevtx_file_get_record_by_index(f, r, &rec, NULL) != 1 ||
		    libevtx_record_get_utf8_xml_string_size(rec, &xs, NULL) !=
		        1)
			abort();
		xml = malloc(xs);
		if (!xml ||
		    libevtx_record_get_utf8_xml_string(rec, xml, xs, NULL) != 1)
			abort();
		if (event_parse_xml((char *)xml, strlen((char *)xml), e))
			abort();
		if (e->event_id != ev[r].event_id || e->record_id != 77u + r ||
		    (strlen(s[1]) < sizeof e->channel &&
		     strcmp(e->channel, s[1])) ||
		    (strlen(s[0]) < sizeof e->provider &&
		     strcmp(e->provider, s[0])))
			abort();
		/* every value, in order, as written */
		for (i = 0; pairs[i] && !e->truncated; i += 2)
			if ((int)(i / 2) >= e->nv ||
			    (pairs[i][0] &&
			     strcmp(e->v[i / 2].name, pairs[i])) ||
			    strcmp(e->v[i / 2].value, pairs[i + 1]))
				abort();
		free(xml);
		libevtx_record_free(&rec, NULL);
	}
	libevtx_file_close(f, NULL);
	libevtx_file_free(&f, NULL);
	close(fd);
out:
	free(file);
	free(text);
	free(e);
	return 0;
}
