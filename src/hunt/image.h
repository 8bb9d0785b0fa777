/* Disk images as an evidence source: E01 (libewf), VHD/VHDX (libvhdi) or
 * raw, their partition tables (hunt/ptable.h), each NTFS volume
 * (libfsntfs) and each of its Volume Shadow Copies (libvshadow), read
 * without mounting and without writing.
 *
 * The libraries run in a child process (exhunt run again with the hidden
 * verb "__read-image"), bounded in address space and watched for silence
 * by the parent. The child visits the image in a fixed order and sends one
 * message per step on a SOCK_SEQPACKET socket (its descriptor 3): fields
 * split by tabs and escaped as in hunt/child.h, the first the message's
 * kind, the second its step number; a file whose bytes the hunt needs
 * comes with them in a sealed memfd passed along (SCM_RIGHTS), so the
 * workers read it like any other file. The parent answers each file it
 * takes with one byte once its workers have room; the child keeps at most
 * two files unanswered, so memory held in files is bounded on both sides.
 *
 *   V step vol offset size scheme ntfs fs     a volume of the image
 *   W step vol stores                         its shadow copies, counted
 *   S step vol store created                  one shadow copy (ISO time)
 *   N step vol store                          its NTFS opened
 *   D step vol store path                     a folder listed
 *   F step vol store path size mtime si_crtime fn_crtime flags [target]
 *                                             a file; flags: c bytes
 *                                             attached, x cut at the size
 *                                             bound, r a read error, d a
 *                                             deleted MFT entry, g gone
 *                                             from the live volume, m
 *                                             changed from it, l a
 *                                             reparse point, n not
 *                                             copied (live: nowhere to),
 *                                             v a raw image's file in
 *                                             plain runs, listed in the
 *                                             last field ("offset:length,
 *                                             ..."), for the workers to
 *                                             read from the image
 *   P step                                    a step with nothing to say
 *   E step where what                         damage, read in part
 *   Z step                                    the end
 *
 * When the child dies or falls silent, the parent starts it again with
 * "--after STEP" (the last step it heard): steps up to STEP are walked
 * without messages, the next one (the one the library failed on) is
 * skipped and said so, and the walk goes on. */
#ifndef EXH_HUNT_IMAGE_H
#define EXH_HUNT_IMAGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hunt;
struct walk;

/* What kind of image a file is, from its first and last bytes: "E01",
 * "VHDX", "VHD", "raw" (a partition table or an NTFS boot sector), or
 * NULL when it is none of them. */
const char *image_kind(int fd);

/* Hunts an image through the child, handing files to the walk's workers.
 * Returns 0, or an EXH_E* error when the child cannot be started. */
int image_walk(struct walk *w, struct hunt *h, const char *path);

#ifdef _WIN32
/* Live (Windows): reads the running server's volume of drive (a letter)
 * raw (\\.\X:, or --raw-volume's image) through the same child, for
 * what only the file system shows: every shadow copy compared with the
 * live volume, deleted script entries, creation times set back. Its
 * files are named under the drive ("C/inetpub/..."), as the folder walk
 * names them; the live files themselves are left to the folder walk. */
int image_walk_live(struct walk *w, struct hunt *h, char drive);
#endif

/* Drops findings from shadow copies that repeat a live finding (the
 * same kind, file, line, time and detail on the same volume): a log that
 * only grew since a snapshot says nothing new there. Call after the walk,
 * before the findings are sorted. */
void image_drop_repeats(struct hunt *h);

/* The child's entry point (argv after the verb). */
int image_child_main(int argc, char **argv);

/* A name from the image made one path element, in place: '/' written
 * as "%2F", and ".." as "%2E%2E" (a crafted file system can hold both;
 * NTFS does not), so no name forges another path. */
void image_name_element(char *name, size_t cap);

/* ISO 8601 UTC of a Unix time; "" for 0 (a time the image did not
 * hold). */
void image_time_iso(int64_t t, char dst[32]);

/* FILETIME (100 ns since 1601) to Unix seconds; 0 stays 0. */
int64_t image_unix_time(uint64_t filetime);

#endif
