/* Partition tables as disk images hold them: a bare NTFS volume, an MBR
 * with primary and logical partitions, a GPT; and crafted ones (entries
 * past the disk, an extended chain that loops, absurd GPT counts) that
 * must give fewer volumes, never a read outside the disk. */
#include "hunt/ptable.h"
#include "base/endian.h"
#include "check.h"
#include <stdlib.h>
#include <string.h>

struct disk {
	unsigned char *p;
	size_t n;
	int reads_outside;
};

static int rd(void *arg, uint64_t off, void *buf, size_t n)
{
	struct disk *d = arg;

	if (off > d->n || n > d->n - off) {
		d->reads_outside++;
		return -1;
	}
	memcpy(buf, d->p + off, n);
	return 0;
}

static void ntfs_at(struct disk *d, size_t off)
{
	memcpy(d->p + off + 3, "NTFS    ", 8);
}

static void mbr_entry(unsigned char *sector, int i, unsigned type,
                      uint32_t start, uint32_t len)
{
	unsigned char *e = sector + 446 + 16 * i;

	e[4] = (unsigned char)type;
	put_le32(e + 8, start);
	put_le32(e + 12, len);
	sector[510] = 0x55;
	sector[511] = 0xaa;
}

int main(void)
{
	struct disk d = {calloc(1, 64u << 20), 64u << 20, 0};
	struct pvol v[8];
	int n, damage;

	/* a volume alone, as the public shadow-copy sample */
	ntfs_at(&d, 0);
	n = ptable_find(rd, &d, d.n, v, 8, &damage);
	CHECK(n == 1 && v[0].offset == 0 && v[0].size == d.n && v[0].ntfs);
	CHECK_STR(v[0].scheme, "none");
	CHECK_STR(v[0].fs, "NTFS");
	/* a BitLocker volume is found and named, for the report to say so */
	memcpy(d.p + 3, "-FVE-FS-", 8);
	n = ptable_find(rd, &d, d.n, v, 8, &damage);
	CHECK(n == 1 && !v[0].ntfs);
	CHECK_STR(v[0].fs, "BitLocker");

	/* MBR: a system partition, then an extended one with two logical
	 * partitions chained (their EBRs relative as Windows writes them) */
	memset(d.p, 0, d.n);
	mbr_entry(d.p, 0, 0x07, 2048, 2048);
	mbr_entry(d.p, 1, 0x0f, 8192, 65536);
	ntfs_at(&d, 2048 * 512);
	mbr_entry(d.p + 8192 * 512, 0, 0x07, 63, 1000);
	mbr_entry(d.p + 8192 * 512, 1, 0x05, 4096, 2000);
	mbr_entry(d.p + (8192 + 4096) * 512, 0, 0x07, 63, 1500);
	ntfs_at(&d, (8192 + 4096 + 63) * 512);
	n = ptable_find(rd, &d, d.n, v, 8, &damage);
	CHECK(n == 3 && damage == 0);
	CHECK(v[0].offset == 2048 * 512 && v[0].ntfs && v[0].index == 1);
	CHECK(v[1].offset == (8192 + 63) * 512ull && !v[1].ntfs);
	CHECK_STR(v[1].fs, "other");
	CHECK(v[2].offset == (8192 + 4096 + 63) * 512ull && v[2].ntfs &&
	      v[2].size == 1500 * 512ull);

	/* the extended chain pointing back at itself: ends, counted */
	mbr_entry(d.p + (8192 + 4096) * 512, 1, 0x05, 4096, 10);
	n = ptable_find(rd, &d, d.n, v, 8, &damage);
	CHECK(n <= 8 && damage >= 1);

	/* an entry past the disk's end, one longer than the disk */
	memset(d.p, 0, d.n);
	mbr_entry(d.p, 0, 0x07, 0xfffffff0u, 100);
	mbr_entry(d.p, 1, 0x07, 2048, 0xffffffffu);
	ntfs_at(&d, 2048 * 512);
	n = ptable_find(rd, &d, d.n, v, 8, &damage);
	CHECK(n == 1 && damage == 2 && v[0].ntfs &&
	      v[0].offset + v[0].size == d.n);

	/* GPT: a protective MBR, the header at LBA 1, entries at LBA 2 */
	memset(d.p, 0, d.n);
	mbr_entry(d.p, 0, 0xee, 1, 0xffffffffu);
	memcpy(d.p + 512, "EFI PART", 8);
	put_le64(d.p + 512 + 72, 2);
	put_le32(d.p + 512 + 80, 128);
	put_le32(d.p + 512 + 84, 128);
	memset(d.p + 1024, 0x11, 16); /* a type GUID */
	put_le64(d.p + 1024 + 32, 34);
	put_le64(d.p + 1024 + 40, 2047);
	memset(d.p + 1024 + 128, 0x22, 16);
	put_le64(d.p + 1024 + 128 + 32, 2048);
	put_le64(d.p + 1024 + 128 + 40, 4095);
	ntfs_at(&d, 2048 * 512);
	n = ptable_find(rd, &d, d.n, v, 8, &damage);
	CHECK(n == 2 && damage == 0 && !v[0].ntfs && v[1].ntfs);
	CHECK(v[1].offset == 2048 * 512 && v[1].size == 2048 * 512);
	CHECK_STR(v[1].scheme, "gpt");

	/* absurd GPT counts and sizes: refused, counted */
	put_le32(d.p + 512 + 80, 0x7fffffff);
	n = ptable_find(rd, &d, d.n, v, 8, &damage);
	CHECK(n == 0 && damage == 1);
	put_le32(d.p + 512 + 80, 128);
	put_le64(d.p + 1024 + 128 + 40, 1); /* ends before it starts */
	n = ptable_find(rd, &d, d.n, v, 8, &damage);
	CHECK(n == 1 && damage == 1);

	/* more volumes than the caller's room: the first, the rest counted */
	memset(d.p, 0, d.n);
	for (int i = 0; i < 4; i++)
		mbr_entry(d.p, i, 0x07, 2048u * (uint32_t)(i + 1), 1024);
	n = ptable_find(rd, &d, d.n, v, 2, &damage);
	CHECK(n == 2 && damage == 2);

	/* no table at all, and a disk smaller than a sector */
	memset(d.p, 0, d.n);
	CHECK(ptable_find(rd, &d, d.n, v, 8, &damage) == 0);
	CHECK(ptable_find(rd, &d, 100, v, 8, &damage) == 0);
	CHECK(d.reads_outside == 0);
	free(d.p);
	return check_done();
}
