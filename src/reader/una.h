/* exhunt-read's definitions of two of libuna's UTF-16 to UTF-8
 * functions, which libevtx calls through its exported symbols (una.c),
 * and their types, for the tests that compare them with the library's. */
#ifndef EXH_READER_UNA_H
#define EXH_READER_UNA_H
#include <stddef.h>
#include <stdint.h>

typedef int una_size_fn(const uint8_t *utf16, size_t utf16_size, int byte_order,
                        size_t *utf8_size, void **error);
typedef int una_copy_fn(uint8_t *utf8, size_t utf8_size, size_t *utf8_index,
                        const uint8_t *utf16, size_t utf16_size, int byte_order,
                        void **error);

una_size_fn libuna_utf8_string_size_from_utf16_stream;
una_copy_fn libuna_utf8_string_with_index_copy_from_utf16_stream;
#endif
