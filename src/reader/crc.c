/* libevtx's CRC-32, replaced in exhunt-read by zlib's.
 *
 * Debian 12's libevtx (20181227) checks each 64 KiB chunk's CRC-32 with
 * a byte-at-a-time table loop, and, its chunk cache being small, checks
 * the same chunk about four times while a log is read: 12 MB of CRC for
 * a 3 MB log, a sixth of the reader's time. The library calls the
 * function through its own exported symbol, so a definition in the
 * program comes first (ELF symbol interposition). zlib computes the
 * same CRC (reflected 0xEDB88320, inverted before and after: RFC 1952)
 * several times faster. tests/e2e/hunt_samples.sh checks that
 * exhunt-read exports it and reads damaged and clean logs exactly as
 * the library's own does; with another libevtx that no longer calls it
 * so, nothing changes but the speed.
 *
 * Only exhunt-read has it: exhunt, reading by itself, keeps the
 * library's. */
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>
#include "base/banned.h"

int libevtx_checksum_calculate_little_endian_crc32(uint32_t *crc32,
                                                   const uint8_t *buffer,
                                                   size_t size,
                                                   uint32_t initial_value,
                                                   void **error);

/* The library's contract: 1, or -1 on a NULL argument (its error object
 * is left unset: the callers only test the result). */
int libevtx_checksum_calculate_little_endian_crc32(uint32_t *crc32,
                                                   const uint8_t *buffer,
                                                   size_t size,
                                                   uint32_t initial_value,
                                                   void **error)
{
	(void)error;
	if (!crc32 || !buffer)
		return -1;
	*crc32 = (uint32_t)crc32_z(initial_value, buffer, size);
	return 1;
}
