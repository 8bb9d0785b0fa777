#include "hunt/ptable.h"
#include "base/endian.h"
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "base/banned.h"

#define MAX_EBR 128 /* logical partitions followed in one chain */
#define MAX_GPT_ENTRIES 1024

struct scan {
	ptable_read_fn *rd;
	void *arg;
	uint64_t disk;
	struct pvol *out;
	int max, n, damage;
};

/* The file system at off, from its boot sector's signatures. */
static const char *fs_at(struct scan *s, uint64_t off)
{
	unsigned char b[90];

	if (off + 512 > s->disk || s->rd(s->arg, off, b, sizeof b))
		return "other";
	if (!memcmp(b + 3, "NTFS    ", 8))
		return "NTFS";
	if (!memcmp(b + 3, "-FVE-FS-", 8))
		return "BitLocker";
	if (!memcmp(b + 3, "ReFS", 4))
		return "ReFS";
	if (!memcmp(b + 82, "FAT32   ", 8) || !memcmp(b + 54, "FAT", 3))
		return "FAT";
	return "other";
}

static void add(struct scan *s, const char *scheme, uint64_t off,
                uint64_t size)
{
	struct pvol *v;

	if (!size || off >= s->disk || size > s->disk - off) {
		if (size && off < s->disk) {
			size = s->disk - off; /* a truncated image: keep it */
			s->damage++;
		} else {
			s->damage++;
			return;
		}
	}
	if (s->n >= s->max) {
		s->damage++;
		return;
	}
	v = &s->out[s->n];
	memset(v, 0, sizeof *v);
	v->offset = off;
	v->size = size;
	v->index = s->n + 1;
	snprintf(v->fs, sizeof v->fs, "%s", fs_at(s, off));
	v->ntfs = !strcmp(v->fs, "NTFS");
	snprintf(v->scheme, sizeof v->scheme, "%s", scheme);
	s->n++;
}

static bool gpt(struct scan *s, uint64_t sector)
{
	unsigned char h[92], e[128];
	uint64_t lba, first, last, i, count, esize;

	if (sector * 2 > s->disk || s->rd(s->arg, sector, h, sizeof h) ||
	    memcmp(h, "EFI PART", 8) != 0)
		return false;
	lba = get_le64(h + 72);
	count = get_le32(h + 80);
	esize = get_le32(h + 84);
	if (esize < 128 || esize > 4096 || count > MAX_GPT_ENTRIES ||
	    lba == 0 || lba > s->disk / sector) {
		s->damage++;
		return true;
	}
	for (i = 0; i < count; i++) {
		uint64_t off = lba * sector + i * esize;
		static const unsigned char zero[16];
		if (off + sizeof e > s->disk || s->rd(s->arg, off, e, sizeof e)) {
			s->damage++;
			break;
		}
		if (!memcmp(e, zero, 16))
			continue;
		first = get_le64(e + 32);
		last = get_le64(e + 40);
		if (last < first || first > s->disk / sector) {
			s->damage++;
			continue;
		}
		add(s, "gpt", first * sector,
		    last - first + 1 > s->disk / sector
		        ? s->disk
		        : (last - first + 1) * sector);
	}
	return true;
}

/* One extended boot record chain: each EBR holds a logical partition
 * (relative to this EBR) and a link to the next (relative to the start of
 * the extended partition). */
static void ebr_chain(struct scan *s, uint64_t ext_base, uint64_t first)
{
	unsigned char b[512];
	uint64_t at = first, seen[MAX_EBR];
	int k, j;

	for (k = 0; k < MAX_EBR; k++) {
		for (j = 0; j < k; j++)
			if (seen[j] == at) { /* a loop in the chain */
				s->damage++;
				return;
			}
		seen[k] = at;
		if (at + 512 > s->disk || s->rd(s->arg, at, b, sizeof b) ||
		    b[510] != 0x55 || b[511] != 0xaa) {
			s->damage++;
			return;
		}
		{
			const unsigned char *e = b + 446, *l = b + 462;
			uint64_t start = get_le32(e + 8), len = get_le32(e + 12);
			if (e[4] && len)
				add(s, "mbr", at + start * 512, len * 512);
			if (!l[4] || !get_le32(l + 8))
				return;
			at = ext_base + (uint64_t)get_le32(l + 8) * 512;
		}
	}
	s->damage++;
}

static void mbr_entries(struct scan *s, const unsigned char *b)
{
	int i;

	for (i = 0; i < 4; i++) {
		const unsigned char *e = b + 446 + 16 * i;
		uint64_t start = get_le32(e + 8), len = get_le32(e + 12);
		unsigned type = e[4];
		if (!type || !len)
			continue;
		if (type == 0x05 || type == 0x0f || type == 0x85)
			ebr_chain(s, start * 512, start * 512);
		else
			add(s, "mbr", start * 512, len * 512);
	}
}

int ptable_find(ptable_read_fn *rd, void *arg, uint64_t disk_size,
                struct pvol *out, int max, int *damage)
{
	struct scan s = {rd, arg, disk_size, out, max, 0, 0};
	unsigned char b[512];
	int i;
	bool protective = false;

	*damage = 0;
	if (disk_size < 512 || rd(arg, 0, b, sizeof b))
		return 0;
	if (!memcmp(b + 3, "NTFS    ", 8) || !memcmp(b + 3, "-FVE-FS-", 8)) {
		add(&s, "none", 0, disk_size);
		*damage = s.damage;
		return s.n;
	}
	if (b[510] != 0x55 || b[511] != 0xaa)
		return 0;
	for (i = 0; i < 4; i++)
		if (b[446 + 16 * i + 4] == 0xee)
			protective = true;
	if (protective && (gpt(&s, 512) || gpt(&s, 4096))) {
		*damage = s.damage;
		return s.n;
	}
	mbr_entries(&s, b);
	*damage = s.damage;
	return s.n;
}
