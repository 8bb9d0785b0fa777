#include "cli/args.h"
#include "base/log.h"
#include "base/view.h"
#include "base/banned.h"

bool arg_u64(const char *opt, const char *val, uint64_t min, uint64_t max,
             uint64_t *out)
{
	uint64_t v;

	if (!view_to_u64(view_of(val), UINT64_MAX, &v)) {
		log_error("--%s: '%s': not a whole number", opt, val);
		return false;
	}
	if (v < min || v > max) {
		log_error("--%s: '%s': must be between %llu and %llu", opt, val,
		          (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

bool arg_int(const char *opt, const char *val, int min, int max, int *out)
{
	uint64_t v;

	if (!arg_u64(opt, val, (uint64_t)min, (uint64_t)max, &v))
		return false;
	*out = (int)v;
	return true;
}
