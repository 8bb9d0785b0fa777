/* A thin epoll wrapper. Each watched descriptor has a struct loop_io whose
 * callback runs when the descriptor is ready. */
#ifndef EXH_NET_LOOP_H
#define EXH_NET_LOOP_H
#include <stdint.h>

struct loop_io;
typedef void (*loop_cb)(struct loop_io *io, uint32_t events);

struct loop_io {
	int fd;
	uint32_t events; /* EPOLLIN / EPOLLOUT currently asked for */
	loop_cb cb;
};

struct loop {
	int epfd;
};

int loop_init(struct loop *l);
void loop_release(struct loop *l);
/* Watches io->fd for events (0 keeps it registered but quiet). */
int loop_add(struct loop *l, struct loop_io *io, uint32_t events);
int loop_mod(struct loop *l, struct loop_io *io, uint32_t events);
void loop_del(struct loop *l, struct loop_io *io);
/* Waits up to timeout_ms (-1: forever) and runs the ready callbacks.
 * Returns how many ran, or -1 on an error other than EINTR. */
int loop_run_once(struct loop *l, int timeout_ms);

/* Milliseconds on the monotonic clock. */
int64_t now_ms(void);
/* Raises RLIMIT_NOFILE as far as allowed; returns the new soft limit. */
long raise_fd_limit(long want);

#endif
