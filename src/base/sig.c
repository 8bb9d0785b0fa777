#include "base/sig.h"
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include "base/banned.h"

static volatile sig_atomic_t *stop_flag;

static void on_stop(int sig)
{
	int saved = errno;

	if (stop_flag)
		*stop_flag = sig;
	errno = saved;
}

#ifdef _WIN32
/* Ctrl-C and Ctrl-Break reach the C runtime as SIGINT (and SIGBREAK). */
void sig_stop_catch(volatile sig_atomic_t *flag)
{
	stop_flag = flag;
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	signal(SIGBREAK, on_stop);
}

void sig_stop_restore(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGBREAK, SIG_DFL);
	stop_flag = NULL;
}
#else
void sig_stop_catch(volatile sig_atomic_t *flag)
{
	struct sigaction sa;

	stop_flag = flag;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

void sig_stop_restore(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	stop_flag = NULL;
}
#endif
