/* The page, header, manifest and NTLM extractors on arbitrary bytes. */
#include "scan/fingerprint.h"
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct view v = {(const char *)data, size};
	build_t b;
	enum precision p;
	struct ntlm_info n;

	(void)fp_owa_path(v, &b, &p);
	(void)fp_is_owa_page(v);
	(void)fp_version_header(v, &b);
	(void)fp_manifest(v, &b);
	(void)fp_ntlm(v, &n);
	return 0;
}
