#include "base/log.h"
#include "base/err.h"
#include <stdarg.h>
#include <stdio.h>
#include "base/banned.h"

int log_verbosity = 1;

__attribute__((format(printf, 3, 0))) static void
say(int level, const char *tag, const char *fmt, va_list ap)
{
	if (level > log_verbosity)
		return;
	fputs("exhunt: ", stderr);
	if (tag)
		fputs(tag, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define DEFINE_LOG(name, level, tag)                                           \
	void name(const char *fmt, ...)                                        \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		say(level, tag, fmt, ap);                                      \
		va_end(ap);                                                    \
	}
DEFINE_LOG(log_error, 0, NULL)
DEFINE_LOG(log_warn, 1, "warning: ")
DEFINE_LOG(log_info, 1, NULL)
DEFINE_LOG(log_debug, 2, NULL)

const char *exh_strerror(int code)
{
	switch (code) {
	case EXH_OK: return "success";
	case EXH_ENOMEM: return "out of memory";
	case EXH_EINVAL: return "invalid input";
	case EXH_EIO: return "input/output error";
	case EXH_ELIMIT: return "input exceeds a size limit";
	case EXH_ENOENT: return "not found";
	case EXH_EAGAIN: return "incomplete";
	}
	return "unknown error";
}
