/* exhunt-read's UTF-16 to UTF-8 conversion (src/reader/una.c) against
 * libevtx's own libuna on the same call: the first bytes choose the
 * byte order, the output size and the starting index, the rest is the
 * stream. Any difference in result, index, size or output bytes aborts.
 * Linked with una.c and libevtx only (fuzz/CMakeLists.txt). */
#include "reader/una.h"
#include <dlfcn.h>
#include <libevtx.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static una_size_fn *ref_size;
	static una_copy_fn *ref_copy;
	static uint8_t a[1 << 17], b[1 << 17];
	size_t sa = 3, sb = 3, cap, ia, ib;
	int bo, ra, rb;

	if (!ref_size) {
		void *lib = dlopen("libevtx.so.1", RTLD_NOW | RTLD_NOLOAD);
		if (!lib || !libevtx_get_version())
			abort();
		ref_size = (una_size_fn *)dlsym(
		    lib, "libuna_utf8_string_size_from_utf16_stream");
		ref_copy = (una_copy_fn *)dlsym(
		    lib,
		    "libuna_utf8_string_with_index_copy_from_utf16_stream");
		if (!ref_size || !ref_copy)
			abort();
	}
	if (size < 4)
		return 0;
	bo = "\0lbx"[data[0] & 3];
	cap = ((size_t)data[1] << 8 | data[2]) % sizeof a;
	ia = ib = data[3] & 0x80 ? (size_t)(data[3] & 0x7f) : 0;
	data += 4;
	size -= 4;
	ra = libuna_utf8_string_size_from_utf16_stream(data, size, bo, &sa,
	                                               NULL);
	rb = ref_size(data, size, bo, &sb, NULL);
	if (ra != rb || (ra == 1 && sa != sb))
		abort();
	memset(a, 0xaa, cap + 1);
	memset(b, 0xaa, cap + 1);
	ra = libuna_utf8_string_with_index_copy_from_utf16_stream(
	    a, cap, &ia, data, size, bo, NULL);
	rb = ref_copy(b, cap, &ib, data, size, bo, NULL);
	if (ra != rb || ia != ib || memcmp(a, b, cap + 1) != 0)
		abort();
	return 0;
}
