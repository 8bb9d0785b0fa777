/* Stopping long work on SIGINT and SIGTERM: the handler only sets a flag
 * that the work checks at its next safe point (the end of a batch, of a
 * file, of a target), so what is written stays whole. */
#ifndef EXH_BASE_SIG_H
#define EXH_BASE_SIG_H
#include <signal.h>

/* Installs handlers (sigaction, without SA_RESTART, so a blocking call
 * returns early with EINTR) that set *flag to the signal's number; ignores
 * SIGPIPE, so a closed pipe is a write error, not a silent death. */
void sig_stop_catch(volatile sig_atomic_t *flag);
/* Puts the default SIGINT and SIGTERM actions back. */
void sig_stop_restore(void);

#endif
