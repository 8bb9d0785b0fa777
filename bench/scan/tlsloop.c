/* The machine's TLS handshake ceiling against the lab: N concurrent
 * connections that each connect, complete a handshake and close, over and
 * over, for a fixed time, across the lab's addresses. No HTTP.
 * usage: tlsloop FIRST_IP COUNT PORT CONCURRENCY SECONDS */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct c {
	int fd, connecting;
	SSL *ssl;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t base;
static unsigned count, next_ip;
static int port, ep;
static SSL_CTX *ctx;

static void start(struct c *c)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)port)};
	struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};

	sa.sin_addr.s_addr = htonl(base + (next_ip++ % count));
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	connect(c->fd, (struct sockaddr *)&sa, sizeof sa);
	c->connecting = 1;
	c->ssl = SSL_new(ctx);
	SSL_set_fd(c->ssl, c->fd);
	epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static void stop(struct c *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	SSL_free(c->ssl);
	close(c->fd);
}

int main(int argc, char **argv)
{
	struct in_addr a;
	int conc, i;
	double secs, t0;
	unsigned long done = 0, failed = 0;
	struct c *cs;
	struct rlimit rl = {65536, 65536};

	if (argc != 6 || inet_pton(AF_INET, argv[1], &a) != 1)
		return 2;
	setrlimit(RLIMIT_NOFILE, &rl);
	base = ntohl(a.s_addr);
	count = (unsigned)strtoul(argv[2], NULL, 10);
	port = (int)strtol(argv[3], NULL, 10);
	conc = (int)strtol(argv[4], NULL, 10);
	secs = strtod(argv[5], NULL);
	ctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	ep = epoll_create1(0);
	cs = calloc((size_t)conc, sizeof *cs);
	for (i = 0; i < conc; i++)
		start(&cs[i]);
	t0 = now();
	while (now() - t0 < secs) {
		struct epoll_event evs[256];
		int n = epoll_wait(ep, evs, 256, 100);
		for (i = 0; i < n; i++) {
			struct c *c = evs[i].data.ptr;
			int r, e;
			struct epoll_event ev = {.data.ptr = c};
			ERR_clear_error();
			r = SSL_connect(c->ssl);
			if (r == 1) {
				done++;
				stop(c);
				start(c);
				continue;
			}
			e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_WANT_READ ||
			    e == SSL_ERROR_WANT_WRITE) {
				ev.events = e == SSL_ERROR_WANT_READ ? EPOLLIN
				                                     : EPOLLOUT;
				epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				continue;
			}
			failed++;
			stop(c);
			start(c);
		}
	}
	printf("%.1f\n", (double)done / (now() - t0));
	fprintf(stderr, "tlsloop: %lu handshakes, %lu failed, %.1f s\n", done,
	        failed, now() - t0);
	return 0;
}
