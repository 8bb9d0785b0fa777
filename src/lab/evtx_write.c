#include "lab/evtx_write.h"
#include "base/endian.h"
#include "base/err.h"
#include "base/file.h"
#include "base/log.h"
#include "base/text.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include "base/banned.h"

#define FILE_HEADER 4096
#define CHUNK 65536
#define CHUNK_HEADER 512

/* A chunk being filled; records are built in place because element
 * names are addressed by their offset in the chunk. */
struct chunk {
	unsigned char b[CHUNK];
	size_t used;
	bool overflow;
	uint64_t first_id, last_id;
	size_t last_record;
	unsigned nrecords;
};

static size_t room(struct chunk *c, size_t n)
{
	size_t at = c->used;

	if (c->overflow || c->used + n > CHUNK) {
		c->overflow = true;
		return CHUNK; /* writes go nowhere */
	}
	c->used += n;
	return at;
}

static void byte(struct chunk *c, unsigned char v)
{
	size_t at = room(c, 1);

	if (at < CHUNK)
		c->b[at] = v;
}

static void u16(struct chunk *c, uint16_t v)
{
	size_t at = room(c, 2);

	if (at < CHUNK)
		put_le16(c->b + at, v);
}

static size_t u32(struct chunk *c, uint32_t v)
{
	size_t at = room(c, 4);

	if (at < CHUNK)
		put_le32(c->b + at, v);
	return at;
}

/* UTF-8 to UTF-16LE code units (invalid bytes become U+FFFD). */
static size_t utf16(const char *s, uint16_t *out, size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, o = 0;

	while (i < n && o + 2 < cap) {
		uint32_t cp;
		size_t k = utf8_decode(u + i, n - i, &cp);
		if (k == 0) {
			cp = 0xfffd;
			k = 1;
		}
		i += k;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			out[o++] = (uint16_t)(0xd800 | cp >> 10);
			out[o++] = (uint16_t)(0xdc00 | (cp & 0x3ff));
		} else {
			out[o++] = (uint16_t)cp;
		}
	}
	return o;
}

/* A name written where it is referenced: next-string offset, hash,
 * length, UTF-16 characters and a NUL. */
static void name(struct chunk *c, const char *s)
{
	uint16_t w[256];
	size_t n = utf16(s, w, 256), i;
	uint32_t hash = 0;

	for (i = 0; i < n; i++)
		hash = hash * 65599u + w[i];
	u32(c, (uint32_t)(c->used + 4)); /* the name's offset: right here */
	u32(c, 0);
	u16(c, (uint16_t)hash);
	u16(c, (uint16_t)n);
	for (i = 0; i < n; i++)
		u16(c, w[i]);
	u16(c, 0);
}

/* A text value: token 0x05, type 1 (UTF-16 string), length, characters. */
static void text(struct chunk *c, const char *s)
{
	static uint16_t w[16384];
	size_t n = utf16(s, w, 16384), i;

	byte(c, 0x05);
	byte(c, 0x01);
	u16(c, (uint16_t)n);
	for (i = 0; i < n; i++)
		u16(c, w[i]);
}

struct open_el {
	size_t size_at;  /* where the element's data size goes */
	size_t attrs_at; /* where its attribute list size goes, or CHUNK */
};

static struct open_el el_open(struct chunk *c, const char *nm, bool attrs)
{
	struct open_el e;

	byte(c, attrs ? 0x41 : 0x01);
	u16(c, 0xffff); /* dependency identifier: none */
	e.size_at = u32(c, 0);
	name(c, nm);
	e.attrs_at = attrs ? u32(c, 0) : CHUNK;
	return e;
}

static void attr(struct chunk *c, const char *nm, const char *value, bool more)
{
	byte(c, more ? 0x46 : 0x06);
	name(c, nm);
	text(c, value);
}

static void attrs_done(struct chunk *c, struct open_el *e)
{
	if (e->attrs_at < CHUNK && !c->overflow)
		put_le32(c->b + e->attrs_at,
		         (uint32_t)(c->used - e->attrs_at - 4));
}

static void el_close(struct chunk *c, struct open_el *e, bool empty)
{
	byte(c, empty ? 0x03 : 0x04);
	if (e->size_at < CHUNK && !c->overflow)
		put_le32(c->b + e->size_at,
		         (uint32_t)(c->used - e->size_at - 4));
}

/* <nm>value</nm> */
static void leaf(struct chunk *c, const char *nm, const char *value)
{
	struct open_el e = el_open(c, nm, false);

	byte(c, 0x02);
	if (value[0])
		text(c, value);
	el_close(c, &e, false);
}

/* <nm a="v"/>, or <nm/> when v is empty (libevtx refuses an empty text
 * value in an attribute) */
static void empty_with(struct chunk *c, const char *nm, const char *a,
                       const char *v)
{
	struct open_el e = el_open(c, nm, v[0] != '\0');

	if (v[0]) {
		attr(c, a, v, false);
		attrs_done(c, &e);
	}
	el_close(c, &e, true);
}

static void record(struct chunk *c, const struct lab_event *ev,
                   const char *computer, uint64_t id)
{
	size_t start = c->used, at;
	char num[32], when[40];
	struct tm tm;
	time_t t = (time_t)ev->time;
	uint64_t ft = (uint64_t)(ev->time + 11644473600ll) * 10000000ull;
	struct open_el event, sys, data;
	size_t tpl_size;
	int i;

	u32(c, 0x00002a2a);
	at = u32(c, 0); /* size, patched */
	u32(c, (uint32_t)id);
	u32(c, (uint32_t)(id >> 32));
	u32(c, (uint32_t)ft);
	u32(c, (uint32_t)(ft >> 32));
	/* A fragment holding one template instance whose definition follows
	 * inline and holds the whole event as literal XML (no substitution
	 * values): the layout real records have, with nothing to fill in. */
	byte(c, 0x0f);
	byte(c, 1);
	byte(c, 1);
	byte(c, 0);
	byte(c, 0x0c);
	byte(c, 0x01);
	u32(c, (uint32_t)id);            /* template identifier */
	u32(c, (uint32_t)(c->used + 4)); /* its definition: right here */
	u32(c, 0);                       /* next template */
	u32(c, (uint32_t)id);            /* a GUID of our own */
	u32(c, 0x6c616221u);
	u32(c, (uint32_t)(id >> 32));
	u32(c, 0x74787665u);
	tpl_size = u32(c, 0);
	byte(c, 0x0f);
	byte(c, 1);
	byte(c, 1);
	byte(c, 0);
	event = el_open(c, "Event", true);
	attr(c, "xmlns",
	     "http://schemas.microsoft.com/win/2004/08/events/event", false);
	attrs_done(c, &event);
	byte(c, 0x02);
	sys = el_open(c, "System", false);
	byte(c, 0x02);
	empty_with(c, "Provider", "Name", ev->provider);
	snprintf(num, sizeof num, "%u", ev->event_id);
	leaf(c, "EventID", num);
	snprintf(num, sizeof num, "%d", ev->level);
	leaf(c, "Level", num);
	if (!gmtime_r(&t, &tm) ||
	    !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S.0000000Z", &tm))
		snprintf(when, sizeof when, "1970-01-01T00:00:00.0000000Z");
	empty_with(c, "TimeCreated", "SystemTime", when);
	snprintf(num, sizeof num, "%llu", (unsigned long long)id);
	leaf(c, "EventRecordID", num);
	leaf(c, "Channel", ev->channel);
	leaf(c, "Computer", computer);
	el_close(c, &sys, false);
	if (ev->userdata_element) {
		struct open_el ud = el_open(c, "UserData", false), inner;
		byte(c, 0x02);
		inner = el_open(c, ev->userdata_element, false);
		byte(c, 0x02);
		for (i = 0; ev->data && ev->data[i] && ev->data[i + 1]; i += 2)
			leaf(c, ev->data[i], ev->data[i + 1]);
		el_close(c, &inner, false);
		el_close(c, &ud, false);
	} else {
		data = el_open(c, "EventData", false);
		byte(c, 0x02);
		for (i = 0; ev->data && ev->data[i] && ev->data[i + 1];
		     i += 2) {
			bool named = ev->data[i][0] != '\0';
			struct open_el d = el_open(c, "Data", named);
			if (named) {
				attr(c, "Name", ev->data[i], false);
				attrs_done(c, &d);
			}
			byte(c, 0x02);
			if (ev->data[i + 1][0])
				text(c, ev->data[i + 1]);
			el_close(c, &d, false);
		}
		el_close(c, &data, false);
	}
	el_close(c, &event, false);
	byte(c, 0x00); /* end of the template's fragment */
	if (tpl_size < CHUNK && !c->overflow)
		put_le32(c->b + tpl_size, (uint32_t)(c->used - tpl_size - 4));
	u32(c, 0);     /* substitution values: none */
	byte(c, 0x00); /* end of the record's fragment */
	/* (a full chunk stops advancing: the record is redone in the next) */
	while (!c->overflow && (c->used - start + 4) % 8)
		byte(c, 0);
	u32(c, (uint32_t)(c->used - start + 4));
	if (!c->overflow)
		put_le32(c->b + at, (uint32_t)(c->used - start));
}

static void chunk_begin(struct chunk *c)
{
	memset(c->b, 0, sizeof c->b);
	memcpy(c->b, "ElfChnk", 8);
	c->used = CHUNK_HEADER;
	c->overflow = false;
	c->nrecords = 0;
	c->last_record = CHUNK_HEADER;
}

static void chunk_end(struct chunk *c)
{
	uint32_t crc;

	put_le64(c->b + 8, c->first_id);
	put_le64(c->b + 16, c->last_id);
	put_le64(c->b + 24, c->first_id);
	put_le64(c->b + 32, c->last_id);
	put_le32(c->b + 40, 128);
	put_le32(c->b + 44, (uint32_t)c->last_record);
	put_le32(c->b + 48, (uint32_t)c->used);
	put_le32(c->b + 52, (uint32_t)crc32(0, c->b + CHUNK_HEADER,
	                                    (uInt)(c->used - CHUNK_HEADER)));
	put_le32(c->b + 120, 0);
	crc = (uint32_t)crc32(0, c->b, 120);
	crc = (uint32_t)crc32(crc, c->b + 128, CHUNK_HEADER - 128);
	put_le32(c->b + 124, crc);
}

int evtx_write_mem(const char *computer, const struct lab_event *ev, size_t n,
                   uint64_t first_id, unsigned char **out, size_t *len)
{
	struct chunk *c = malloc(sizeof *c);
	unsigned char *file = NULL, *p;
	size_t chunks = 0, i = 0;
	uint64_t id = first_id;

	*out = NULL;
	*len = 0;
	if (!c)
		return EXH_ENOMEM;
	file = calloc(1, FILE_HEADER);
	if (!file) {
		free(c);
		return EXH_ENOMEM;
	}
	while (i < n || chunks == 0) {
		chunk_begin(c);
		c->first_id = id;
		c->last_id = id ? id - 1 : 0;
		while (i < n) {
			size_t before = c->used;
			record(c, &ev[i], computer, id);
			if (c->overflow) {
				c->used = before;
				c->overflow = false;
				memset(c->b + before, 0, CHUNK - before);
				if (c->nrecords == 0) {
					free(c);
					free(file);
					log_error(
					    "lab: an event of %u is larger "
					    "than a chunk",
					    ev[i].event_id);
					return EXH_ELIMIT;
				}
				break;
			}
			c->last_record = before;
			c->last_id = id++;
			c->nrecords++;
			i++;
		}
		chunk_end(c);
		p = realloc(file, FILE_HEADER + (chunks + 1) * CHUNK);
		if (!p) {
			free(c);
			free(file);
			return EXH_ENOMEM;
		}
		file = p;
		memcpy(file + FILE_HEADER + chunks * CHUNK, c->b, CHUNK);
		chunks++;
	}
	free(c);
	memcpy(file, "ElfFile", 8);
	put_le64(file + 8, 0);
	put_le64(file + 16, chunks - 1);
	put_le64(file + 24, id);
	put_le32(file + 32, 128);
	put_le16(file + 36, 1);
	put_le16(file + 38, 3);
	put_le16(file + 40, FILE_HEADER);
	put_le16(file + 42, (uint16_t)chunks);
	put_le32(file + 120, 0); /* clean: not dirty, not full */
	put_le32(file + 124, (uint32_t)crc32(0, file, 120));
	*out = file;
	*len = FILE_HEADER + chunks * CHUNK;
	return 0;
}

int evtx_write(const char *path, const char *computer,
               const struct lab_event *ev, size_t n, uint64_t first_id)
{
	unsigned char *data;
	size_t len;
	FILE *f;
	int rc = evtx_write_mem(computer, ev, n, first_id, &data, &len);

	if (rc)
		return rc;
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len) {
		log_error("%s: %s", path, strerror(errno));
		rc = EXH_EIO;
	}
	if (f && fclose(f) && !rc) {
		log_error("%s: %s", path, strerror(errno));
		rc = EXH_EIO;
	}
	free(data);
	return rc;
}
