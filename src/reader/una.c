/* UTF-16 to UTF-8 for libevtx, with a fast path for ASCII, in
 * exhunt-read.
 *
 * libevtx renders each record's XML by converting every UTF-16 string
 * of the record one character at a time, through three calls per
 * character into its private copy of libuna; on PowerShell script
 * blocks (long, nearly all ASCII) that conversion was a quarter of the
 * reader's time. The libyal libraries call these libuna functions
 * through their own exported symbols, so definitions in the program
 * come first (ELF symbol interposition, as crc.c does for the CRC).
 *
 * The two functions here answer exactly as libuna does, in the one case
 * they handle themselves: a well-formed call whose stream holds only
 * ASCII (units below 0x80) up to its first NUL or its end, and whose
 * result fits. There every libuna version gives one UTF-8 byte per unit
 * and a terminating NUL when the stream has none. Anything else
 * (another character, a surrogate, a string too small, a bad argument,
 * an empty stream) is handed whole, untouched, to the calling library's
 * own function, which then answers and fails as it always did.
 * tests/e2e/hunt_samples.sh compares exhunt-read's records with those
 * of exhunt (the libraries alone) byte for byte, on every public sample
 * and on a log holding non-ASCII text. */
#ifndef _WIN32
/* dladdr and RTLD_NEXT need _GNU_SOURCE, which the build defines */
#include "reader/una.h"
#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "base/banned.h"

/* libuna's values (libuna_definitions.h) */
#define UNA_BIG ((int)'b')
#define UNA_LITTLE ((int)'l')

/* The calling library's own definition of name: the object holding the
 * address the call returns to, searched first; failing that, the next
 * definition after this program's. Never this program's own (self).
 *
 * Found once per call site: a string with other than ASCII costs four
 * dynamic-linker calls to look up, and a log in another language holds
 * many. A call site's library stays loaded while the reader runs, so
 * what it found holds (per thread, so no lock: the reader has one). */
struct own_seen {
	const void *ret;
	void *fn;
};
#define OWN_SITES 16

static void *own(const void *ret, const char *name, void *self,
                 struct own_seen *seen)
{
	Dl_info info;
	void *fn = NULL;
	int i;

	for (i = 0; i < OWN_SITES && seen[i].ret; i++)
		if (seen[i].ret == ret)
			return seen[i].fn;
	if (dladdr(ret, &info) && info.dli_fname) {
		void *h = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
		if (h) {
			fn = dlsym(h, name);
			dlclose(h);
		}
	}
	if (!fn || fn == self)
		fn = dlsym(RTLD_NEXT, name);
	if (fn == self)
		fn = NULL;
	if (fn && i < OWN_SITES) {
		seen[i].ret = ret;
		seen[i].fn = fn;
	}
	return fn;
}

/* The stream's first unit after any byte-order mark, and its byte order
 * as libuna settles it: false when libuna would refuse the order. */
static bool order(const uint8_t *s, size_t n, int *bo, size_t *at)
{
	int read = 0;

	*at = 0;
	if (n >= 2) {
		if (s[0] == 0xfe && s[1] == 0xff) {
			read = UNA_BIG;
			*at = 2;
		} else if (s[0] == 0xff && s[1] == 0xfe) {
			read = UNA_LITTLE;
			*at = 2;
		}
		if (*bo == 0)
			*bo = read;
	}
	return *bo == UNA_BIG || *bo == UNA_LITTLE;
}

/* The ASCII units from at up to the first NUL (counted) or the end:
 * their number in *n, whether the last one read was NUL in *nul. false
 * at the first unit of 0x80 or more. */
static bool ascii(const uint8_t *s, size_t size, size_t at, int bo, size_t *n,
                  bool *nul)
{
	size_t hi = bo == UNA_LITTLE ? 1 : 0, i;

	*nul = false;
	i = at;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* four little-endian units at a time while none is NUL or above
	 * 0x7f; the loop below then reads the four that stopped it */
	if (bo == UNA_LITTLE)
		for (; i + 8 <= size; i += 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if ((w & 0xff80ff80ff80ff80u) ||
			    ((w - 0x0001000100010001u) & ~w &
			     0x8000800080008000u))
				break;
		}
#endif
	for (; i + 1 < size; i += 2) {
		if (s[i + hi] != 0 || s[i + (hi ^ 1)] >= 0x80)
			return false;
		if (s[i + (hi ^ 1)] == 0) {
			*nul = true;
			i += 2;
			break;
		}
	}
	*n = (i - at) / 2;
	return true;
}

int libuna_utf8_string_size_from_utf16_stream(const uint8_t *utf16,
                                              size_t utf16_size, int byte_order,
                                              size_t *utf8_size, void **error)
{
	size_t at, n;
	bool nul;
	int bo = byte_order;

	if (utf16 && utf8_size && utf16_size >= 2 && utf16_size % 2 == 0 &&
	    utf16_size <= SIZE_MAX / 2 && order(utf16, utf16_size, &bo, &at) &&
	    ascii(utf16, utf16_size, at, bo, &n, &nul)) {
		/* libuna counts a byte per unit read, and one more when the
		 * last unit read was not NUL (none read: none more) */
		*utf8_size = n + (n > 0 && !nul);
		return 1;
	}
	static _Thread_local struct own_seen seen[OWN_SITES];
	una_size_fn *fn = (una_size_fn *)own(
	    __builtin_return_address(0),
	    "libuna_utf8_string_size_from_utf16_stream",
	    (void *)libuna_utf8_string_size_from_utf16_stream, seen);
	return fn ? fn(utf16, utf16_size, byte_order, utf8_size, error) : -1;
}

int libuna_utf8_string_with_index_copy_from_utf16_stream(
    uint8_t *utf8, size_t utf8_size, size_t *utf8_index, const uint8_t *utf16,
    size_t utf16_size, int byte_order, void **error)
{
	size_t at, n, need, i, o;
	bool nul;
	int bo = byte_order;

	if (utf8 && utf8_index && utf16 && utf16_size >= 2 &&
	    utf16_size % 2 == 0 && utf8_size <= SIZE_MAX / 2 &&
	    utf16_size <= SIZE_MAX / 2 && order(utf16, utf16_size, &bo, &at) &&
	    ascii(utf16, utf16_size, at, bo, &n, &nul)) {
		need = n + (n > 0 && !nul);
		if (*utf8_index <= utf8_size &&
		    need <= utf8_size - *utf8_index) {
			size_t lo = bo == UNA_LITTLE ? 0 : 1;
			o = *utf8_index;
			for (i = 0; i < n; i++)
				utf8[o + i] = utf16[at + 2 * i + lo];
			if (need > n)
				utf8[o + n] = 0;
			*utf8_index = o + need;
			return 1;
		}
	}
	static _Thread_local struct own_seen seen[OWN_SITES];
	una_copy_fn *fn = (una_copy_fn *)own(
	    __builtin_return_address(0),
	    "libuna_utf8_string_with_index_copy_from_utf16_stream",
	    (void *)libuna_utf8_string_with_index_copy_from_utf16_stream, seen);
	return fn ? fn(utf8, utf8_size, utf8_index, utf16, utf16_size,
	               byte_order, error)
	          : -1;
}
#endif
