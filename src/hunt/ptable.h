/* Volumes of a disk image: an NTFS volume alone (no partition table), an
 * MBR with its extended chain, or a GPT (512- or 4096-byte sectors).
 * Every offset and count read from the disk is checked against the disk's
 * size and the limits, so a crafted table gives fewer volumes, never a
 * read outside the disk or a loop. */
#ifndef EXH_HUNT_PTABLE_H
#define EXH_HUNT_PTABLE_H
#include <stddef.h>
#include <stdint.h>

struct pvol {
	uint64_t offset, size; /* bytes */
	int index;             /* 1-based, in table order */
	int ntfs;              /* an NTFS boot sector at its start */
	char fs[12];           /* "NTFS", "BitLocker", "ReFS", "FAT", "other" */
	char scheme[8];        /* "none", "mbr", "gpt" */
};

/* Reads n bytes at off; 0 on success. */
typedef int ptable_read_fn(void *arg, uint64_t off, void *buf, size_t n);

/* Fills at most max volumes; returns how many. *damage counts entries
 * that pointed outside the disk or past a limit. */
int ptable_find(ptable_read_fn *rd, void *arg, uint64_t disk_size,
                struct pvol *out, int max, int *damage);

#endif
