/* exhunt-read's UTF-16 to UTF-8 conversion (src/reader/una.c) against
 * libevtx's own copy of libuna, on many generated calls: ASCII, NULs
 * anywhere, byte-order marks, characters of two and three bytes,
 * surrogates paired and lone, odd sizes, each byte order and a wrong
 * one, output buffers too small and indexes past their end. Every call
 * must give the library's result, index, size and output bytes exactly.
 * This program links una.c and libevtx only (tests/CMakeLists.txt), so
 * the calls una.c hands on reach libevtx's definitions, as they do in
 * exhunt-read; the reference is taken from libevtx by name. */
#include "check.h"
#include "reader/una.h"
#include <dlfcn.h>
#include <libevtx.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 0x9e3779b97f4a7c15u;

static uint32_t rnd(uint32_t n)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (uint32_t)(state % n);
}

static uint16_t unit(int ascii_only)
{
	static const uint16_t odd[] = {0,      0x7f,   0x80,   0xe9,   0x7ff,
	                               0x800,  0x20ac, 0xd800, 0xdbff, 0xdc00,
	                               0xdfff, 0xfeff, 0xfffe, 0xffff};
	uint32_t r = rnd(100);

	if (ascii_only || r < 80)
		return (uint16_t)(r < 3 ? 0 : 0x20 + rnd(0x5f));
	return odd[rnd(sizeof odd / sizeof odd[0])];
}

int main(void)
{
	void *lib = dlopen("libevtx.so.1", RTLD_NOW | RTLD_NOLOAD);
	una_size_fn *ref_size;
	una_copy_fn *ref_copy;
	int i, same = 0, fast = 0;

	/* linked, not only opened: a named use keeps it among the
	 * program's libraries, where una.c's calls find it */
	CHECK(libevtx_get_version() != NULL);
	CHECK(lib != NULL);
	if (!lib)
		return check_done();
	ref_size = (una_size_fn *)dlsym(lib, "libuna_utf8_string_size_from_"
	                                     "utf16_stream");
	ref_copy = (una_copy_fn *)dlsym(lib, "libuna_utf8_string_with_index_"
	                                     "copy_from_utf16_stream");
	CHECK(ref_size && ref_copy);
	CHECK((void *)ref_size !=
	      (void *)libuna_utf8_string_size_from_utf16_stream);
	if (!ref_size || !ref_copy)
		return check_done();
	for (i = 0; i < 300000; i++) {
		uint8_t in[80] = {0}, a[100], b[100];
		size_t units = rnd(30), n, sa = 7, sb = 7, ia, ib, cap, at;
		int bo = "\0lbx"[rnd(4)], ra, rb, ascii_only = rnd(3) == 0;
		size_t k;

		for (k = 0; k < units; k++) {
			uint16_t u = unit(ascii_only);
			in[2 * k] = (uint8_t)(bo == 'b' ? u >> 8 : u);
			in[2 * k + 1] = (uint8_t)(bo == 'b' ? u : u >> 8);
		}
		if (units && rnd(8) == 0) { /* a byte-order mark */
			int big = rnd(2);
			in[0] = big ? 0xfe : 0xff;
			in[1] = big ? 0xff : 0xfe;
		}
		n = 2 * units + (rnd(10) == 0); /* now and then odd */
		if (n > sizeof in)
			n = sizeof in;
		ra = libuna_utf8_string_size_from_utf16_stream(in, n, bo, &sa,
		                                               NULL);
		rb = ref_size(in, n, bo, &sb, NULL);
		if (ra != rb || (ra == 1 && sa != sb)) {
			fprintf(stderr,
			        "size differs: case %d, %zu bytes, order %d: "
			        "%d %zu, library %d %zu\n",
			        i, n, bo, ra, sa, rb, sb);
			CHECK(ra == rb && sa == sb);
			continue;
		}
		cap = rnd(4) == 0 ? rnd(12) : 2 * units + 4 + rnd(40);
		if (cap > sizeof a)
			cap = sizeof a;
		at = rnd(6) == 0 ? rnd((uint32_t)cap + 3) : 0;
		memset(a, 0xaa, sizeof a);
		memset(b, 0xaa, sizeof b);
		ia = ib = at;
		ra = libuna_utf8_string_with_index_copy_from_utf16_stream(
		    a, cap, &ia, in, n, bo, NULL);
		rb = ref_copy(b, cap, &ib, in, n, bo, NULL);
		if (ra != rb || ia != ib || memcmp(a, b, sizeof a) != 0) {
			fprintf(stderr, "copy differs: case %d\n", i);
			CHECK(ra == rb && ia == ib && !memcmp(a, b, sizeof a));
			continue;
		}
		same++;
		fast += ra == 1 && ascii_only;
	}
	/* every call agreed, and the generator reached the fast path */
	CHECK(same == 300000);
	CHECK(fast > 10000);
	/* a long ASCII script with a NUL inside, both byte orders */
	{
		static uint8_t in[20000], a[12000], b[12000];
		size_t ia = 0, ib = 0, sa = 0, sb = 0, k;
		for (k = 0; k < 10000; k++) {
			in[2 * k] = (uint8_t)('a' + k % 26);
			in[2 * k + 1] = 0;
		}
		in[2 * 9000] = 0;
		CHECK(libuna_utf8_string_size_from_utf16_stream(
		          in, sizeof in, 'l', &sa, NULL) == 1);
		CHECK(ref_size(in, sizeof in, 'l', &sb, NULL) == 1);
		CHECK(sa == 9001 && sa == sb);
		CHECK(libuna_utf8_string_with_index_copy_from_utf16_stream(
		          a, sizeof a, &ia, in, sizeof in, 'l', NULL) == 1);
		CHECK(ref_copy(b, sizeof b, &ib, in, sizeof in, 'l', NULL) ==
		      1);
		CHECK(ia == ib && !memcmp(a, b, ia));
	}
	return check_done();
}
