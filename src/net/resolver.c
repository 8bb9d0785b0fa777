#include "net/resolver.h"
#include "base/array.h"
#include "base/err.h"
#include "base/log.h"
#include <ares.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include "base/banned.h"

struct rsock {
	struct loop_io io;
	struct resolver *r;
	bool used;
};

struct resolver {
	ares_channel ch;
	struct loop *loop;
	/* Every socket c-ares opens, each watched (allocated one by one:
	 * the event loop holds their addresses). */
	struct rsock **socks;
	size_t nsocks, socks_cap;
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
	struct rsock *s = NULL, *free_slot = NULL;
	size_t i;

	for (i = 0; i < r->nsocks; i++) {
		if (r->socks[i]->used && r->socks[i]->io.fd == fd) {
			s = r->socks[i];
			break;
		}
		if (!r->socks[i]->used && !free_slot)
			free_slot = r->socks[i];
	}
	if (s) {
		if (!ev) {
			loop_del(r->loop, &s->io);
			s->used = false;
		} else if (loop_mod(r->loop, &s->io, ev)) {
			log_error("resolver: cannot watch a DNS socket");
		}
		return;
	}
	if (!ev)
		return;
	if (!free_slot) {
		if (array_reserve(&r->socks, &r->socks_cap, r->nsocks + 1,
		                  sizeof *r->socks, 8) ||
		    !(free_slot = calloc(1, sizeof *free_slot))) {
			log_error("resolver: out of memory for a DNS socket");
			return;
		}
		r->socks[r->nsocks++] = free_slot;
	}
	free_slot->used = true;
	free_slot->r = r;
	free_slot->io.fd = fd;
	free_slot->io.cb = on_sock;
	if (loop_add(r->loop, &free_slot->io, ev)) {
		free_slot->used = false;
		log_error("resolver: cannot watch a DNS socket");
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
	size_t i;

	if (!r)
		return;
	ares_destroy(r->ch);
	for (i = 0; i < r->nsocks; i++)
		free(r->socks[i]);
	free(r->socks);
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
