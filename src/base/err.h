/* Error codes shared by every component: 0 is success, the rest negative. */
#ifndef EXH_BASE_ERR_H
#define EXH_BASE_ERR_H

enum {
	EXH_OK = 0,
	EXH_ENOMEM = -1, /* an allocation failed */
	EXH_EINVAL = -2, /* input is malformed; a message names it */
	EXH_EIO = -3,    /* a read, write or socket call failed */
	EXH_ELIMIT = -4, /* input exceeded a cap from base/limits.h */
	EXH_ENOENT = -5, /* the thing looked up does not exist */
	EXH_EAGAIN = -6, /* not complete yet; feed more input */
};

/* A short English text for an EXH_E* code. */
const char *exh_strerror(int code);

/* Exit codes of the exhunt binary (docs/exit-codes.md). */
enum {
	EXIT_CLEAN = 0,       /* ran to the end; nothing to report */
	EXIT_FINDINGS = 1,    /* ran to the end; found something to act on */
	EXIT_USAGE = 2,       /* bad arguments or bad input; nothing was done */
	EXIT_RUNTIME = 3,     /* failed while running; partial output kept */
	EXIT_INTERRUPTED = 4, /* stopped by a signal; resumable with --state */
	EXIT_INCOMPLETE = 5,  /* hunt: nothing found in what was read, but some
	                         evidence could not be read: not "clean" */
};

#endif
