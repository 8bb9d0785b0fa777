/* Microsoft's Script Encoder (screnc.exe): the "#@~^" blocks of classic
 * ASP pages (<%@ Language=VBScript.Encode %>), .vbe and .jse files. It
 * hides the source, not what it does: each character is substituted by
 * one of three tables chosen by its position, framed by the length and
 * a checksum. Old web shells are often kept so, and a hunt that cannot
 * read them can only say "encoded". Design: docs/internals/script.md. */
#ifndef EXH_HUNT_SCRENC_H
#define EXH_HUNT_SCRENC_H
#include <stddef.h>
#include <stdint.h>

/* Blocks that a decode met, and what became of them. */
struct screnc_count {
	unsigned decoded; /* replaced by their text (length and checksum
	                   * right) */
	unsigned failed;  /* left as they were: the frame or the checksum is
	                   * wrong (the script engine refuses them too), or
	                   * the work bound was reached */
};

/* Replaces, in place, every well-formed encoded block of p[0..n) by its
 * decoded text; the rest is left as it is. Returns the new length (never
 * more than n). Bounded: at most a few passes over n bytes, whatever
 * the blocks claim. Characters past 0x7F pass through as the encoder
 * leaves them; where the page's code page is unknown, the reading
 * (UTF-8, one byte a character, or a double-byte code page) whose
 * checksum holds is taken. */
size_t screnc_decode(uint8_t *p, size_t n, struct screnc_count *count);

/* Encodes src (n bytes, ASCII; other bytes pass through) as one block,
 * written to out (cap bytes; 2n + 24 always suffice). Returns its
 * length, or 0 when it does not fit. For the lab's trees and the tests:
 * what screnc.exe writes for the same text. */
size_t screnc_encode(const uint8_t *src, size_t n, char *out, size_t cap);

#endif
