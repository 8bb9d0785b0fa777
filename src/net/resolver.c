#include "net/resolver.h"
#include "base/err.h"
#include "base/log.h"
#include <ares.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include "base/banned.h"

#define MAX_SOCKS 64

struct rsock {
	struct loop_io io;
	struct resolver *r;
	bool used;
};

struct resolver {
	ares_channel ch;
	struct loop *loop;
	struct rsock socks[MAX_SOCKS];
	int pending;
};

struct query {
	struct resolver *r;
	resolver_cb cb;
	void *arg;
};

static void on_sock(struct loop_io *io, uint32_t ev)
{
	struct rsock *s = (struct rsock *)io;

	ares_process_fd(s->r->ch,
	                ev & (EPOLLIN | EPOLLERR | EPOLLHUP) ? io->fd
	                                                     : ARES_SOCKET_BAD,
	                ev & EPOLLOUT ? io->fd : ARES_SOCKET_BAD);
}

static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct resolver *r = data;
	uint32_t ev = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
	int i, free_slot = -1;

	for (i = 0; i < MAX_SOCKS; i++) {
		if (r->socks[i].used && r->socks[i].io.fd == fd) {
			if (ev)
				loop_mod(r->loop, &r->socks[i].io, ev);
			else {
				loop_del(r->loop, &r->socks[i].io);
				r->socks[i].used = false;
			}
			return;
		}
		if (!r->socks[i].used && free_slot < 0)
			free_slot = i;
	}
	if (ev && free_slot >= 0) {
		struct rsock *s = &r->socks[free_slot];
		s->used = true;
		s->r = r;
		s->io.fd = fd;
		s->io.cb = on_sock;
		loop_add(r->loop, &s->io, ev);
	}
}

int resolver_new(struct resolver **out, struct loop *loop, const char *server)
{
	struct resolver *r = calloc(1, sizeof *r);
	struct ares_options o;
	int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
	static bool inited;

	if (!r)
		return EXH_ENOMEM;
	if (!inited) {
		ares_library_init(ARES_LIB_INIT_ALL);
		inited = true;
	}
	memset(&o, 0, sizeof o);
	o.sock_state_cb = sock_state;
	o.sock_state_cb_data = r;
	o.timeout = 2000;
	o.tries = 2;
	if (server) {
		/* DNS only: the hosts file is the system's, not the test's. */
		o.lookups = (char *)"b";
		mask |= ARES_OPT_LOOKUPS;
	}
	r->loop = loop;
	if (ares_init_options(&r->ch, &o, mask) != ARES_SUCCESS) {
		free(r);
		return EXH_EIO;
	}
	if (server &&
	    ares_set_servers_ports_csv(r->ch, server) != ARES_SUCCESS) {
		log_error("--resolver: '%s': expected ADDRESS or ADDRESS:PORT",
		          server);
		ares_destroy(r->ch);
		free(r);
		return EXH_EINVAL;
	}
	*out = r;
	return 0;
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	ares_destroy(r->ch);
	free(r);
}

static void on_host(void *arg, int status, int timeouts, struct hostent *h)
{
	struct query *q = arg;
	uint32_t ip = 0;

	(void)timeouts;
	q->r->pending--;
	if (status == ARES_SUCCESS && h && h->h_addrtype == AF_INET &&
	    h->h_addr_list[0]) {
		const unsigned char *a =
		    (const unsigned char *)h->h_addr_list[0];
		ip = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		     (uint32_t)a[2] << 8 | a[3];
		q->cb(q->arg, 0, ip, NULL);
	} else if (status == ARES_EDESTRUCTION) {
		q->cb(q->arg, RESOLVER_CANCELLED, 0, "cancelled");
	} else {
		q->cb(q->arg, status ? status : -1, 0,
		      status ? ares_strerror(status) : "no IPv4 address");
	}
	free(q);
}

int resolver_lookup(struct resolver *r, const char *name, resolver_cb cb,
                    void *arg)
{
	struct query *q = malloc(sizeof *q);

	if (!q)
		return EXH_ENOMEM;
	q->r = r;
	q->cb = cb;
	q->arg = arg;
	r->pending++;
	ares_gethostbyname(r->ch, name, AF_INET, on_host, q);
	return 0;
}

void resolver_tick(struct resolver *r)
{
	ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

int resolver_pending(const struct resolver *r)
{
	return r->pending;
}
