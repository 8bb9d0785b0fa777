/* Microsoft's Script Encoder, both ways (screnc.h).
 *
 * A block is "#@~^", the body's length in characters (32 bits, little
 * endian, as six Base64 characters and "=="), the body, the checksum
 * (the sum of the decoded characters, framed the same way) and "^#~@".
 * In the body, "@#", "@&", "@!", "@*" and "@$" stand for CR, LF, '<',
 * '>' and '@' (two characters of the length, one position); any other
 * character below 0x80 is one of three substitutions, chosen by its
 * position modulo 64; bytes past 0x7F are left as they are and take no
 * position. The tables are the published facts of the format (the
 * decoders of MrBrownstone's scrdec and Wine's jscript read them so). */
#include "hunt/screnc.h"
#include "base/text.h"

#include <stdbool.h>
#include <string.h>

/* Which of the three substitutions the character at a position uses. */
static const uint8_t pick[64] = {
    1, 2, 0, 1, 2, 0, 2, 0, 0, 2, 0, 2, 1, 0, 2, 0,
    1, 0, 2, 0, 1, 1, 2, 0, 0, 2, 1, 0, 2, 0, 0, 2,
    1, 1, 0, 2, 0, 2, 0, 1, 0, 1, 1, 2, 0, 1, 0, 2,
    1, 0, 2, 0, 1, 1, 2, 0, 0, 1, 1, 2, 0, 1, 0, 2,
};

/* An encoded character (0x20 to 0x7F) and what it stands for under each
 * substitution; 0 where it stands for nothing ('<', '>' and '@' are
 * never written bare, and each substitution leaves one code unused). */
static const uint8_t plain[96][3] = {
    /* 20 21 22 23 */ {0x32, 0x2e, 0x2d}, {0x30, 0x47, 0x75},
    {0x21, 0x7a, 0x52}, {0x29, 0x56, 0x60},
    /* 24 25 26 27 */ {0x5b, 0x42, 0x71}, {0x38, 0x6a, 0x5e},
    {0x33, 0x2f, 0x49}, {0x3d, 0x26, 0x5c},
    /* 28 29 2a 2b */ {0x58, 0x49, 0x62}, {0x3a, 0x41, 0x7d},
    {0x35, 0x34, 0x29}, {0x65, 0x32, 0x36},
    /* 2c 2d 2e 2f */ {0x39, 0x5b, 0x20}, {0x5c, 0x76, 0x7c},
    {0x56, 0x72, 0x7a}, {0x73, 0x43, 0x00},
    /* 30 31 32 33 */ {0x66, 0x38, 0x6b}, {0x4e, 0x39, 0x63},
    {0x45, 0x70, 0x33}, {0x6b, 0x45, 0x2b},
    /* 34 35 36 37 */ {0x62, 0x68, 0x68}, {0x59, 0x71, 0x51},
    {0x78, 0x4f, 0x66}, {0x5e, 0x09, 0x76},
    /* 38 39 3a 3b */ {0x7d, 0x62, 0x31}, {0x4a, 0x44, 0x64},
    {0x6d, 0x23, 0x54}, {0x71, 0x75, 0x43},
    /* 3c 3d 3e 3f */ {0, 0, 0}, {0x60, 0x7e, 0x3a},
    {0, 0, 0}, {0x53, 0x5e, 0x7e},
    /* 40 41 42 43 */ {0, 0, 0}, {0x42, 0x77, 0x45},
    {0x27, 0x4a, 0x2c}, {0x48, 0x61, 0x2a},
    /* 44 45 46 47 */ {0x72, 0x5d, 0x74}, {0x75, 0x22, 0x27},
    {0x31, 0x4b, 0x37}, {0x37, 0x6f, 0x44},
    /* 48 49 4a 4b */ {0x4d, 0x4e, 0x79}, {0x52, 0x3b, 0x59},
    {0x22, 0x4c, 0x2f}, {0x54, 0x50, 0x6f},
    /* 4c 4d 4e 4f */ {0x6a, 0x67, 0x26}, {0x47, 0x2a, 0x72},
    {0x64, 0x7d, 0x6a}, {0x2d, 0x74, 0x39},
    /* 50 51 52 53 */ {0x20, 0x54, 0x7b}, {0x00, 0x2b, 0x3f},
    {0x2e, 0x2d, 0x38}, {0x4c, 0x2c, 0x77},
    /* 54 55 56 57 */ {0x5d, 0x30, 0x67}, {0x7e, 0x6e, 0x53},
    {0x6c, 0x6b, 0x47}, {0x6f, 0x66, 0x34},
    /* 58 59 5a 5b */ {0x79, 0x35, 0x78}, {0x74, 0x25, 0x5d},
    {0x43, 0x21, 0x30}, {0x26, 0x64, 0x23},
    /* 5c 5d 5e 5f */ {0x76, 0x4d, 0x5a}, {0x25, 0x52, 0x5b},
    {0x24, 0x63, 0x6c}, {0x2b, 0x3f, 0x48},
    /* 60 61 62 63 */ {0x28, 0x7b, 0x55}, {0x23, 0x78, 0x70},
    {0x41, 0x29, 0x69}, {0x34, 0x28, 0x2e},
    /* 64 65 66 67 */ {0x09, 0x73, 0x4c}, {0x2a, 0x59, 0x21},
    {0x44, 0x33, 0x24}, {0x3f, 0x00, 0x4e},
    /* 68 69 6a 6b */ {0x77, 0x6d, 0x50}, {0x3b, 0x55, 0x09},
    {0x55, 0x53, 0x56}, {0x69, 0x7c, 0x73},
    /* 6c 6d 6e 6f */ {0x61, 0x3a, 0x35}, {0x63, 0x5f, 0x61},
    {0x50, 0x65, 0x4b}, {0x67, 0x46, 0x58},
    /* 70 71 72 73 */ {0x51, 0x58, 0x3b}, {0x49, 0x31, 0x57},
    {0x4f, 0x69, 0x22}, {0x46, 0x6c, 0x6d},
    /* 74 75 76 77 */ {0x68, 0x5a, 0x4d}, {0x7c, 0x48, 0x25},
    {0x36, 0x27, 0x28}, {0x70, 0x5c, 0x46},
    /* 78 79 7a 7b */ {0x6e, 0x3d, 0x4a}, {0x7a, 0x24, 0x32},
    {0x2f, 0x79, 0x41}, {0x5f, 0x37, 0x3d},
    /* 7c 7d 7e 7f */ {0x4b, 0x60, 0x5f}, {0x5a, 0x51, 0x4f},
    {0x2c, 0x20, 0x42}, {0x57, 0x36, 0x65},
};

/* What an encoded tab stands for under each substitution. */
static const uint8_t plain_tab[3] = {0x7b, 0x57, 0x6e};

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* How bytes past 0x7F count in the body's length: the encoder counts
 * characters of the page's code page, which the page does not say. */
enum reading {
	R_UTF8,   /* continuation bytes (10xxxxxx) are not counted */
	R_SINGLE, /* every byte is a character */
	R_DOUBLE, /* a byte from 0x81 on leads a two-byte character */
};

/* The 32-bit number framed as six Base64 characters and "==" at p, or
 * -1 (as a 64-bit value) when the frame is not one. */
static int64_t frame_number(const uint8_t *p)
{
	uint64_t bits = 0;
	int i;

	for (i = 0; i < 6; i++) {
		int v = text_b64_digit(p[i], false);
		if (v < 0)
			return -1;
		bits = bits << 6 | (uint64_t)v;
	}
	if (p[6] != '=' || p[7] != '=' || (bits & 15))
		return -1;
	bits >>= 4; /* 32 bits, first byte first: little endian */
	return (int64_t)((bits >> 24 & 0xff) | (bits >> 8 & 0xff00) |
	                 (bits << 8 & 0xff0000) | (bits << 24 & 0xff000000));
}

static void frame_write(char *out, uint32_t v)
{
	uint64_t bits = (uint64_t)(v & 0xff) << 24 | (v >> 8 & 0xff) << 16 |
	                (v >> 16 & 0xff) << 8 | (v >> 24 & 0xff);
	int i;

	bits <<= 4;
	for (i = 5; i >= 0; i--) {
		out[i] = b64[bits & 63];
		bits >>= 6;
	}
	out[6] = '=';
	out[7] = '=';
}

/* The escapes: "@" and one of these stands for the character at the
 * same place in the other string (both ways, decoding and encoding). */
static const char esc_code[] = "#&!*$";
static const char esc_char[] = "\r\n<>@";

static int unescape(uint8_t c)
{
	const char *q = c ? strchr(esc_code, c) : NULL;
	return q ? (uint8_t)esc_char[q - esc_code] : -1;
}

/* One encoded character at position pos; -1 when it stands for none. */
static int decode_char(uint8_t c, unsigned pos)
{
	int t = pick[pos % 64];

	if (c == '\t')
		return plain_tab[t];
	if (c < 0x20)
		return c; /* not encoded */
	return plain[c - 0x20][t] ? plain[c - 0x20][t] : -1;
}

/* Reads the block whose body begins at p[at] and claims len characters
 * under reading r: true when the body, the checksum and "^#~@" all
 * hold; *end is then just past the block. With out, the text is
 * written there (out may be p itself, at or before the body). *work
 * counts bytes read, against the caller's bound. */
static bool block(const uint8_t *p, size_t n, size_t at, uint32_t len,
                  enum reading r, uint8_t *out, size_t *olen, size_t *end,
                  size_t *work)
{
	size_t i = at, o = 0;
	uint32_t sum = 0, left = len;
	unsigned pos = 0;
	int64_t check;

	while (left > 0) {
		uint8_t c;
		int d;
		if (i >= n)
			return false;
		c = p[i];
		(*work)++;
		if (c == '@') {
			if (left < 2 || i + 1 >= n ||
			    (d = unescape(p[i + 1])) < 0)
				return false;
			i += 2;
			left -= 2;
		} else if (c < 0x80) {
			if ((d = decode_char(c, pos)) < 0)
				return false;
			i++;
			left--;
		} else {
			/* Passed through, outside the checksum. */
			size_t k = 1;
			if (r == R_DOUBLE && c >= 0x81 && c <= 0xfe && i + 1 < n)
				k = 2;
			if (r != R_UTF8 || (c & 0xc0) != 0x80)
				left--;
			if (out)
				memmove(out + o, p + i, k);
			o += k;
			i += k;
			continue;
		}
		sum += (uint32_t)d;
		pos++;
		if (out)
			out[o] = (uint8_t)d;
		o++;
	}
	if (n - i < 12 || memcmp(p + i + 8, "^#~@", 4))
		return false;
	check = frame_number(p + i);
	if (check < 0 || (uint32_t)check != sum)
		return false;
	*olen = o;
	*end = i + 12;
	return true;
}

size_t screnc_decode(uint8_t *p, size_t n, struct screnc_count *count)
{
	/* Every failed frame may make each reading walk to the end: the
	 * work is bounded to a few passes over the text, past which the
	 * blocks left stay as they are. */
	size_t work = 0, bound = 4 * n + 4096;
	size_t r = 0, w = 0;

	while (r < n) {
		const uint8_t *q = n - r >= 4 ? memmem(p + r, n - r, "#@~^", 4)
		                              : NULL;
		size_t at, olen = 0, end = 0;
		int64_t len;
		int k;
		bool ok = false;

		if (!q) {
			memmove(p + w, p + r, n - r);
			w += n - r;
			break;
		}
		at = (size_t)(q - p);
		memmove(p + w, p + r, at - r);
		w += at - r;
		len = n - at >= 12 ? frame_number(p + at + 4) : -1;
		if (len >= 0 && (uint64_t)len <= n - at - 12) {
			for (k = R_UTF8; k <= R_DOUBLE && !ok; k++) {
				if (work > bound)
					break;
				ok = block(p, n, at + 12, (uint32_t)len,
				           (enum reading)k, NULL, &olen, &end,
				           &work);
			}
			if (ok)
				(void)block(p, n, at + 12, (uint32_t)len,
				            (enum reading)(k - 1), p + w, &olen,
				            &end, &work);
		}
		if (ok) {
			w += olen;
			r = end;
			count->decoded++;
		} else {
			/* Left as it is: its marker and on. */
			count->failed++;
			memmove(p + w, p + at, 4);
			w += 4;
			r = at + 4;
		}
	}
	return w;
}

size_t screnc_encode(const uint8_t *src, size_t n, char *out, size_t cap)
{
	/* The inverse of each substitution, built once per call (cheap). */
	uint8_t enc[3][128];
	size_t i, o = 12;
	uint32_t sum = 0, len = 0;
	unsigned pos = 0;
	int t, c;

	memset(enc, 0, sizeof enc);
	for (t = 0; t < 3; t++) {
		for (c = 0x20; c < 0x80; c++)
			if (plain[c - 0x20][t])
				enc[t][plain[c - 0x20][t]] = (uint8_t)c;
		enc[t][plain_tab[t]] = '\t';
	}
	if (cap < 24 || (cap - 24) / 2 < n)
		return 0;
	for (i = 0; i < n; i++) {
		uint8_t s = src[i];
		const char *q = s ? strchr(esc_char, s) : NULL;
		char e = q ? esc_code[q - esc_char] : 0;
		if (s >= 0x80 || (s < 0x20 && !e && s != '\t')) {
			out[o++] = (char)s; /* passed through */
			if (s < 0x80) {
				sum += s;
				pos++;
			}
			len++;
			continue;
		}
		if (e) {
			out[o++] = '@';
			out[o++] = e;
			len += 2;
		} else {
			uint8_t x = enc[pick[pos % 64]][s];
			if (!x)
				return 0; /* DEL: not encodable */
			out[o++] = (char)x;
			len++;
		}
		sum += s;
		pos++;
	}
	memcpy(out, "#@~^", 4);
	frame_write(out + 4, len);
	frame_write(out + o, sum);
	memcpy(out + o + 8, "^#~@", 4);
	return o + 12;
}
