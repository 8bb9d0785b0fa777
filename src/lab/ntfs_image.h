/* A lab host tree as a disk image: an MBR disk with one NTFS volume
 * holding the tree (made with Debian's mkntfs and filled through
 * libntfs-3g, without mounting), written raw, as an E01 (ewfacquire) or
 * as a VHD/VHDX (qemu-img), as responders receive servers. */
#ifndef EXH_LAB_NTFS_IMAGE_H
#define EXH_LAB_NTFS_IMAGE_H
#include <stdint.h>

/* What only an image can hold. */
struct image_extra {
	/* A file written and then deleted: its MFT entry (name, parent and,
	 * for a small file, its bytes) stays behind. NULL: none. */
	const char *deleted_path; /* relative, forward slashes */
	const char *deleted_text;
	/* A file of the tree whose $STANDARD_INFORMATION creation time is
	 * set back to stomped_to (Unix seconds), $FILE_NAME's left as
	 * written: time-stomping. NULL: none. */
	const char *stomped_path;
	int64_t stomped_to;
};

/* "raw", "E01", "VHD" or "VHDX" from the image's file name (.raw .dd
 * .img, .E01, .vhd, .vhdx), or NULL. */
const char *lab_image_kind(const char *path);

/* Writes the tree under dir into the image at path (which must not
 * exist). Errors are printed; returns 0 or an EXH_E* error. */
int lab_image_write(const char *dir, const char *path,
                    const struct image_extra *x);

#endif
