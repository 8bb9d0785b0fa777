#include "lab/fleet.h"
#include "base/err.h"
#include "base/ip4.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/sig.h"
#include "lab/dns.h"
#include "net/http_req.h"
#include "net/loop.h"
#include "net/tls.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "base/banned.h"

#define IDLE_MS 30000

struct fleet;

struct listener {
	struct loop_io io;
	struct fleet *f;
	uint32_t ip;
	bool tls;
	int open; /* connections open to this address and port */
};

/* C_STALL: silent until the client gives up; C_FLOOD: TLS tickets
 * forever; C_STREAM: a generated answer that never ends; C_DRIP: the same,
 * one byte a second (hostile personas). */
enum {
	C_HANDSHAKE,
	C_READ,
	C_WAIT,
	C_WRITE,
	C_STALL,
	C_FLOOD,
	C_STREAM,
	C_DRIP
};

struct conn {
	struct loop_io io;
	struct fleet *f;
	struct conn *prev, *next; /* all connections */
	struct conn *qnext;       /* delay queue */
	struct listener *l;       /* accepted by */
	SSL *ssl;
	struct persona p;
	int state;
	int64_t ready_at, last_active;
	bool keep_alive, abort, in_queue;
	unsigned nreq; /* requests answered on this connection */
	uint64_t sent; /* bytes of a generated stream sent so far */
	struct buf in, out;
	size_t out_off;
};

struct fleet {
	const struct lab_world *w;
	const struct fleet_opts *o;
	struct loop loop;
	SSL_CTX *ctx;
	struct conn *all;
	struct {
		struct conn *head, *tail;
	} q[3]; /* responses waiting: [0] opts delay, [1] slow personas,
	         * [2] slowloris drips */
	long nconns;
	struct loop_io dns_io;
	int dns_port;
	/* Certificates made on first use, per address: the server's own
	 * and, for a server behind another site, that site's. */
	X509 **certs, **foreign;
	/* Requests answered per pooled server, by address (direct-mapped:
	 * a collision only changes which member answers next). */
	struct {
		uint32_t ip;
		unsigned n;
	} turns[4096];
};

static unsigned pool_turn(struct fleet *f, uint32_t ip)
{
	unsigned i = (unsigned)(ip * 2654435761u) % 4096u;

	if (f->turns[i].ip != ip) {
		f->turns[i].ip = ip;
		f->turns[i].n = 0;
	}
	return f->turns[i].n++;
}

static volatile sig_atomic_t stop_flag;

static void conn_close(struct conn *c)
{
	struct fleet *f = c->f;

	loop_del(&f->loop, &c->io);
	if (c->abort) {
		/* An IIS AbortRequest: the client sees a reset. */
		struct linger lg = {1, 0};
		setsockopt(c->io.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	} else if (c->ssl && c->state != C_HANDSHAKE) {
		SSL_shutdown(c->ssl);
	}
	close(c->io.fd);
	SSL_free(c->ssl);
	buf_release(&c->in);
	buf_release(&c->out);
	c->l->open--;
	if (c->prev)
		c->prev->next = c->next;
	else
		f->all = c->next;
	if (c->next)
		c->next->prev = c->prev;
	f->nconns--;
	if (c->in_queue) {
		/* Left in its queue and skipped there; freed when reached. */
		c->io.fd = -1;
		return;
	}
	free(c);
}

/* The lab's own registrations: one the kernel refuses leaves the
 * connection to its idle timer, and is said once. */
static void want(struct conn *c, uint32_t ev)
{
	static bool said;

	if (loop_mod(&c->f->loop, &c->io, ev) && !said) {
		said = true;
		log_warn("lab: the event loop refused a connection's events "
		         "(%s); it will be closed when idle",
		         strerror(errno));
	}
}

static void conn_io(struct loop_io *io, uint32_t ev);

#define DRIP_MS 1000

/* The next bytes of a hostile persona's endless answer, from offset
 * c->sent; 0 when it has said all it will (then it stalls). */
static size_t hostile_bytes(struct conn *c, char *dst, size_t cap)
{
	static const char big_head[] = "HTTP/1.1 200 OK\r\nServer: "
	                               "Microsoft-IIS/10.0\r\n";
	size_t n = 0;

	switch (c->p.hostile) {
	case H_SLOWLORIS: {
		static const char hdr[] = "HTTP/1.1 200 OK\r\nX-Slow: ";
		(void)cap;
		dst[0] = c->sent < sizeof hdr - 1 ? hdr[c->sent] : 'a';
		return 1;
	}
	case H_HEADERS:
		if (c->sent == 0)
			n = (size_t)snprintf(dst, cap, "%s", big_head);
		while (n + 128 < cap)
			n += (size_t)snprintf(
			    dst + n, cap - n, "X-Pad-%llu: %064d\r\n",
			    (unsigned long long)(c->sent + n), 0);
		return n;
	case H_CHUNKS:
		if (c->sent == 0)
			n = (size_t)snprintf(
			    dst, cap,
			    "HTTP/1.1 200 OK\r\nTransfer-Encoding:"
			    " chunked\r\n\r\n");
		while (n + 4200 < cap) {
			n += (size_t)snprintf(dst + n, cap - n, "1000\r\n");
			memset(dst + n, 'C', 4096);
			n += 4096;
			memcpy(dst + n, "\r\n", 2);
			n += 2;
		}
		return n;
	case H_LENGTH:
		if (c->sent == 0)
			n = (size_t)snprintf(
			    dst, cap,
			    "HTTP/1.1 200 OK\r\nContent-Length: "
			    "99999999999999\r\n\r\n");
		memset(dst + n, 'L', cap - n);
		return cap;
	case H_BIG_STALL:
		/* 15 KB of headers, then 1 MB of a 50 MB body, then silence. */
		if (c->sent == 0) {
			int k;
			n = (size_t)snprintf(dst, cap, "%s", big_head);
			for (k = 0; k < 14; k++)
				n += (size_t)snprintf(
				    dst + n, cap - n,
				    "Set-Cookie: c%d=%01000d\r\n", k, 0);
			n += (size_t)snprintf(
			    dst + n, cap - n,
			    "Content-Length: 50000000\r\n\r\n");
			return n;
		}
		if (c->sent > (1u << 20))
			return 0;
		memset(dst, 'S', cap);
		return cap;
	default: return 0;
	}
}

/* Writes the endless answer while the socket takes it. */
static void stream_out(struct conn *c)
{
	char chunk[16384];
	int rounds;

	for (rounds = 0; rounds < 64; rounds++) {
		size_t n = hostile_bytes(c, chunk, sizeof chunk), off = 0;
		if (n == 0) {
			c->state = C_STALL;
			want(c, 0);
			return;
		}
		while (off < n) {
			int r;
			ssize_t w;
			if (c->ssl) {
				ERR_clear_error();
				r = SSL_write(c->ssl, chunk + off,
				              (int)(n - off));
				if (r <= 0) {
					int e = SSL_get_error(c->ssl, r);
					if (e == SSL_ERROR_WANT_WRITE ||
					    e == SSL_ERROR_WANT_READ) {
						/* The rest is regenerated
						 * from c->sent. */
						c->sent += off;
						want(c, EPOLLOUT);
						return;
					}
					conn_close(c);
					return;
				}
				w = r;
			} else {
				w = write(c->io.fd, chunk + off, n - off);
				if (w < 0 && errno == EAGAIN) {
					c->sent += off;
					want(c, EPOLLOUT);
					return;
				}
				if (w <= 0) {
					conn_close(c);
					return;
				}
			}
			off += (size_t)w;
		}
		c->sent += n;
		if (c->state == C_DRIP) {
			c->ready_at = now_ms() + DRIP_MS;
			c->qnext = NULL;
			c->in_queue = true;
			if (c->f->q[2].tail)
				c->f->q[2].tail->qnext = c;
			else
				c->f->q[2].head = c;
			c->f->q[2].tail = c;
			want(c, 0);
			return;
		}
	}
	want(c, EPOLLOUT);
}

/* Session tickets, as many as the client will take. */
static void ticket_flood(struct conn *c)
{
	int rounds;

	for (rounds = 0; rounds < 64; rounds++) {
		int r;
		ERR_clear_error();
		if (SSL_new_session_ticket(c->ssl) != 1) {
			conn_close(c);
			return;
		}
		r = SSL_do_handshake(c->ssl);
		if (r <= 0) {
			int e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_WANT_WRITE ||
			    e == SSL_ERROR_WANT_READ) {
				want(c, EPOLLOUT);
				return;
			}
			conn_close(c);
			return;
		}
	}
	want(c, EPOLLOUT);
}

/* Runs the request in c->in, if complete, into c->out. */
static void serve(struct conn *c)
{
	struct http_req req;
	struct lab_answer a;
	int rc = http_req_parse(c->in.p ? c->in.p : "", c->in.len, &req);
	int qi;

	if (rc == EXH_EAGAIN) {
		want(c, EPOLLIN);
		return;
	}
	if (rc) {
		buf_reset(&c->out);
		buf_adds(&c->out,
		         "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
		         "Connection: close\r\n\r\n");
		c->keep_alive = false;
	} else if (c->p.kind == P_HOSTILE &&
	           (c->p.hostile == H_SLOWLORIS || c->p.hostile == H_HEADERS ||
	            c->p.hostile == H_CHUNKS || c->p.hostile == H_LENGTH ||
	            c->p.hostile == H_BIG_STALL)) {
		buf_reset(&c->in);
		c->state = c->p.hostile == H_SLOWLORIS ? C_DRIP : C_STREAM;
		stream_out(c);
		return;
	} else {
		buf_init(&a.out, 1 << 20);
		a.member = (int)c->nreq++;
		a.pool_turn = c->p.pool_build ? pool_turn(c->f, c->p.ip) : 0;
		a.plain = !c->ssl;
		persona_answer(c->f->w, &c->p, &req, &a);
		c->abort = a.abort;
		buf_reset(&c->out);
		if (!a.abort && c->p.close_each) {
			/* HTTP/1.0 style: says so, then closes. */
			const char *eol = memchr(a.out.p, '\n', a.out.len);
			size_t n = eol ? (size_t)(eol - a.out.p) + 1 : 0;
			buf_add(&c->out, a.out.p, n);
			buf_adds(&c->out, "Connection: close\r\n");
			buf_add(&c->out, a.out.p + n, a.out.len - n);
		} else if (!a.abort) {
			buf_add(&c->out, a.out.p, a.out.len);
		}
		buf_release(&a.out);
		c->keep_alive = req.keep_alive && !c->p.close_each;
		buf_consume(&c->in, req.head_len);
	}
	c->out_off = 0;
	qi = c->p.slow ? 1 : 0;
	if (c->f->o->delay_ms || c->p.slow) {
		c->state = C_WAIT;
		c->ready_at = now_ms() + c->f->o->delay_ms +
		              (c->p.slow ? c->f->o->slow_ms : 0);
		c->qnext = NULL;
		c->in_queue = true;
		if (c->f->q[qi].tail)
			c->f->q[qi].tail->qnext = c;
		else
			c->f->q[qi].head = c;
		c->f->q[qi].tail = c;
		want(c, 0);
		return;
	}
	c->state = C_WRITE;
	conn_io(&c->io, EPOLLOUT);
}

static int tls_io_result(struct conn *c, int r)
{
	int e = SSL_get_error(c->ssl, r);

	if (e == SSL_ERROR_WANT_READ) {
		want(c, EPOLLIN);
		return 1;
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		want(c, EPOLLOUT);
		return 1;
	}
	return -1;
}

static void conn_io(struct loop_io *io, uint32_t ev)
{
	struct conn *c = (struct conn *)io;
	int r;

	c->last_active = now_ms();
	if (ev & (EPOLLERR | EPOLLHUP) && c->state != C_WRITE) {
		conn_close(c);
		return;
	}
	for (;;) {
		switch (c->state) {
		case C_HANDSHAKE:
			ERR_clear_error();
			r = SSL_accept(c->ssl);
			if (r == 1 && c->p.hostile == H_TICKETS) {
				c->state = C_FLOOD;
				ticket_flood(c);
				return;
			}
			if (r == 1) {
				c->state = C_READ;
				continue;
			}
			if (tls_io_result(c, r) < 0)
				conn_close(c);
			return;
		case C_READ: {
			char *dst = buf_reserve(&c->in, 16384);
			ssize_t n;
			if (!dst) {
				conn_close(c);
				return;
			}
			if (c->ssl) {
				ERR_clear_error();
				r = SSL_read(c->ssl, dst, 16384);
				if (r <= 0) {
					if (tls_io_result(c, r) < 0)
						conn_close(c);
					return;
				}
				n = r;
			} else {
				n = read(c->io.fd, dst, 16384);
				if (n < 0 && errno == EAGAIN) {
					want(c, EPOLLIN);
					return;
				}
				if (n <= 0) {
					conn_close(c);
					return;
				}
			}
			buf_commit(&c->in, (size_t)n);
			serve(c);
			return;
		}
		case C_WAIT:
		case C_STALL: return;
		case C_FLOOD: ticket_flood(c); return; /* never reads */
		case C_STREAM:
		case C_DRIP: stream_out(c); return;
		case C_WRITE:
			if (c->abort) {
				conn_close(c);
				return;
			}
			while (c->out_off < c->out.len) {
				size_t left = c->out.len - c->out_off;
				ssize_t n;
				if (c->ssl) {
					ERR_clear_error();
					r = SSL_write(c->ssl,
					              c->out.p + c->out_off,
					              (int)left);
					if (r <= 0) {
						if (tls_io_result(c, r) < 0)
							conn_close(c);
						return;
					}
					n = r;
				} else {
					n = write(c->io.fd,
					          c->out.p + c->out_off, left);
					if (n < 0 && errno == EAGAIN) {
						want(c, EPOLLOUT);
						return;
					}
					if (n <= 0) {
						conn_close(c);
						return;
					}
				}
				c->out_off += (size_t)n;
			}
			if (!c->keep_alive) {
				conn_close(c);
				return;
			}
			c->state = C_READ;
			if (c->in.len) {
				serve(c);
				return;
			}
			want(c, EPOLLIN);
			return;
		}
	}
}

/* The certificate of the server at ip (foreign: of the other site it
 * hides behind), made once. */
static X509 *cert_for(struct fleet *f, const struct persona *p, bool foreign)
{
	uint64_t i = p->ip - f->o->base;
	X509 **slot = foreign ? &f->foreign[i] : &f->certs[i];

	if (!*slot) {
		char cn[96], san[400];
		if (p->kind == P_HOSTILE && p->hostile == H_INJECT) {
			/* The certificate is the server's to craft too. */
			snprintf(
			    cn, sizeof cn,
			    "=HYPERLINK(\"x\")\x1b[2J\xe2\x80\xae\"},\x01");
			snprintf(san, sizeof san, "%s", p->hostname);
		} else if (foreign) {
			snprintf(cn, sizeof cn, "www.%.40s", p->cert_cn + 5);
			snprintf(san, sizeof san, "%s", cn);
		} else if (p->kind == P_EXCHANGE) {
			snprintf(cn, sizeof cn, "%s", p->cert_cn);
			snprintf(san, sizeof san, "%s,autodiscover.%.40s,%s",
			         p->cert_cn, p->cert_cn + 5, p->hostname);
		} else {
			snprintf(cn, sizeof cn, "%s", p->hostname);
			snprintf(san, sizeof san, "%s", p->hostname);
		}
		*slot = tls_server_cert(f->ctx, cn, san, (long)i + 2);
	}
	return *slot;
}

/* Reads the ClientHello's server name (SNI) into name; false if none. */
static bool hello_name(SSL *ssl, char *name, size_t cap)
{
	const unsigned char *ext;
	size_t len, n;

	if (!SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &ext,
	                               &len) ||
	    len < 5 || ext[2] != 0)
		return false;
	n = (size_t)ext[3] << 8 | ext[4];
	if (n + 5 > len || n >= cap)
		return false;
	memcpy(name, ext + 5, n);
	name[n] = '\0';
	return true;
}

static int client_hello_cb(SSL *ssl, int *al, void *arg)
{
	struct conn *c = SSL_get_app_data(ssl);
	char name[256];
	bool named;

	(void)arg;
	if (!c)
		return SSL_CLIENT_HELLO_SUCCESS;
	named = hello_name(ssl, name, sizeof name);
	if (c->p.sni_only && !named) {
		/* As IIS with only SNI bindings: no certificate for a client
		 * that names no server. */
		*al = SSL_AD_UNRECOGNIZED_NAME;
		return SSL_CLIENT_HELLO_ERROR;
	}
	if (c->p.sni_foreign && (!named || strcasecmp(name, c->p.hostname))) {
		/* The IIS default binding: another site, its certificate,
		 * its default page. */
		X509 *x = cert_for(c->f, &c->p, true);
		if (x)
			SSL_use_certificate(ssl, x);
		c->p.kind = P_IIS;
	}
	return SSL_CLIENT_HELLO_SUCCESS;
}

static void on_accept(struct loop_io *io, uint32_t ev)
{
	struct listener *l = (struct listener *)io;
	struct fleet *f = l->f;
	int i;

	for (i = 0; i < 64; i++) {
		int fd =
		    accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;
		int one = 1;
		if (fd < 0)
			return;
		c = calloc(1, sizeof *c);
		if (!c) {
			close(fd);
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		c->io.fd = fd;
		c->io.cb = conn_io;
		c->f = f;
		buf_init(&c->in, LIM_REQ_BYTES);
		buf_init(&c->out, 1 << 20);
		persona_make(f->w, l->ip, &c->p);
		c->last_active = now_ms();
		c->keep_alive = true;
		/* A device in front that limits each client's connections
		 * resets the ones past its limit. */
		if (c->p.hostile == H_RESET ||
		    (c->p.conn_limit && l->open >= c->p.conn_limit)) {
			struct linger lg = {1, 0};
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
			close(fd);
			buf_release(&c->in);
			buf_release(&c->out);
			free(c);
			continue;
		}
		if (l->tls) {
			c->ssl = SSL_new(f->ctx);
			if (!c->ssl) {
				close(fd);
				free(c);
				continue;
			}
			SSL_set_fd(c->ssl, fd);
			SSL_set_app_data(c->ssl, c);
			{
				X509 *x = cert_for(f, &c->p, false);
				if (x)
					SSL_use_certificate(c->ssl, x);
			}
			SSL_set_max_proto_version(c->ssl, c->p.tls_max);
			if (c->p.hostile == H_TICKETS)
				SSL_clear_options(c->ssl, SSL_OP_NO_TICKET);
			c->state = C_HANDSHAKE;
		} else {
			c->state = C_READ;
		}
		if (c->p.hostile == H_STALL_TLS)
			c->state = C_STALL; /* never reads the ClientHello */
		c->next = f->all;
		if (f->all)
			f->all->prev = c;
		f->all = c;
		f->nconns++;
		c->l = l;
		l->open++;
		if (loop_add(&f->loop, &c->io,
		             c->state == C_STALL ? 0 : EPOLLIN)) {
			conn_close(c);
			continue;
		}
	}
}

static void on_dns(struct loop_io *io, uint32_t ev)
{
	struct fleet *f =
	    (struct fleet *)((char *)io - offsetof(struct fleet, dns_io));
	unsigned char q[LIM_DNS_PACKET + 1], a[LIM_DNS_PACKET + 64];
	struct sockaddr_in from;
	socklen_t fl = sizeof from;
	ssize_t n;

	while ((n = recvfrom(io->fd, q, sizeof q, 0, (struct sockaddr *)&from,
	                     &fl)) > 0) {
		size_t an = lab_dns_answer(q, (size_t)n, f->o->base,
		                           f->o->count, a, sizeof a);
		if (an)
			sendto(io->fd, a, an, 0, (struct sockaddr *)&from, fl);
		fl = sizeof from;
	}
}

static int listen_on(uint32_t ip, int port, int type)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)port),
	                         .sin_addr.s_addr = htonl(ip)};
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0),
	    one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) ||
	    (type == SOCK_STREAM && listen(fd, 4096))) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void run_queues(struct fleet *f, int64_t now)
{
	int qi;

	for (qi = 0; qi < 3; qi++) {
		while (f->q[qi].head && f->q[qi].head->ready_at <= now) {
			struct conn *c = f->q[qi].head;
			f->q[qi].head = c->qnext;
			if (!f->q[qi].head)
				f->q[qi].tail = NULL;
			c->in_queue = false;
			if (c->io.fd < 0) {
				free(c);
				continue;
			}
			if (qi == 2) {
				stream_out(c);
				continue;
			}
			c->state = C_WRITE;
			conn_io(&c->io, EPOLLOUT);
		}
	}
}

static int write_truth(const struct lab_world *w, const struct fleet_opts *o)
{
	FILE *fp = fopen(o->truth, "w");
	struct buf line;
	uint64_t i;
	int rc = 0;

	if (!fp) {
		log_error("%s: %s", o->truth, strerror(errno));
		return EXH_EIO;
	}
	buf_init(&line, 1 << 16);
	for (i = 0; i < o->count && !rc; i++) {
		struct persona p;
		persona_make(w, (uint32_t)(o->base + i), &p);
		buf_reset(&line);
		rc = persona_truth(w, &p, &line);
		if (!rc && fwrite(line.p, 1, line.len, fp) != line.len)
			rc = EXH_EIO;
	}
	buf_release(&line);
	if (fclose(fp) || rc) {
		log_error("%s: could not write the truth file", o->truth);
		return EXH_EIO;
	}
	return 0;
}

int fleet_run(const struct lab_world *w, const struct fleet_opts *o)
{
	struct fleet f;
	struct listener *ls = NULL;
	size_t nls = 0, i;
	int rc = EXIT_RUNTIME, ports = (o->https_port > 0) + (o->http_port > 0);
	int64_t end =
	    o->run_for_s ? now_ms() + (int64_t)o->run_for_s * 1000 : 0;
	int64_t last_sweep = now_ms();
	long need = (long)(o->count * (uint64_t)ports) + 20000;
	char first[IP4_STRLEN], last[IP4_STRLEN];

	memset(&f, 0, sizeof f);
	f.w = w;
	f.o = o;
	f.dns_io.fd = -1;
	if (o->truth && write_truth(w, o))
		return EXIT_RUNTIME;
	if (raise_fd_limit(need) < (long)(o->count * (uint64_t)ports) + 64) {
		log_error("lab: %llu listening sockets need a higher open-file "
		          "limit (ulimit -n)",
		          (unsigned long long)(o->count * (uint64_t)ports));
		return EXIT_RUNTIME;
	}
	if (loop_init(&f.loop))
		return EXIT_RUNTIME;
	f.ctx = tls_server_ctx_new(LAB_ZONE);
	if (!f.ctx) {
		log_error("lab: could not create the TLS certificate");
		goto out;
	}
	SSL_CTX_set_client_hello_cb(f.ctx, client_hello_cb, NULL);
	ls = calloc(o->count * (uint64_t)ports, sizeof *ls);
	f.certs = calloc(o->count, sizeof *f.certs);
	f.foreign = calloc(o->count, sizeof *f.foreign);
	if (!ls || !f.certs || !f.foreign)
		goto out;
	for (i = 0; i < o->count; i++) {
		int k;
		for (k = 0; k < 2; k++) {
			int port = k == 0 ? o->https_port : o->http_port;
			struct listener *l;
			char ip[IP4_STRLEN];
			if (port <= 0)
				continue;
			l = &ls[nls];
			l->ip = (uint32_t)(o->base + i);
			l->f = &f;
			l->tls = k == 0;
			l->io.cb = on_accept;
			l->io.fd = listen_on(l->ip, port, SOCK_STREAM);
			if (l->io.fd < 0) {
				ip4_format(l->ip, ip);
				log_error("lab: cannot listen on %s:%d: %s", ip,
				          port, strerror(errno));
				goto out;
			}
			nls++;
			if (loop_add(&f.loop, &l->io, EPOLLIN))
				goto out;
		}
	}
	if (o->dns_port >= 0) {
		struct sockaddr_in sa;
		socklen_t sl = sizeof sa;
		f.dns_io.fd =
		    listen_on(INADDR_LOOPBACK, o->dns_port, SOCK_DGRAM);
		if (f.dns_io.fd < 0) {
			log_error(
			    "lab: cannot listen for DNS on 127.0.0.1:%d: %s",
			    o->dns_port, strerror(errno));
			goto out;
		}
		getsockname(f.dns_io.fd, (struct sockaddr *)&sa, &sl);
		f.dns_port = ntohs(sa.sin_port);
		f.dns_io.cb = on_dns;
		if (loop_add(&f.loop, &f.dns_io, EPOLLIN))
			goto out;
	}
	/* SIGINT and SIGTERM are how a lab is stopped: it closes every
	 * connection and exits 0. */
	sig_stop_catch(&stop_flag);
	ip4_format(o->base, first);
	ip4_format((uint32_t)(o->base + o->count - 1), last);
	printf(
	    "exhunt lab: ready: %llu servers %s-%s https %d http %d dns %d\n",
	    (unsigned long long)o->count, first, last, o->https_port,
	    o->http_port, o->dns_port >= 0 ? f.dns_port : 0);
	fflush(stdout);
	while (!stop_flag) {
		int64_t now = now_ms(), wait = 1000;
		int qi;
		if (end && now >= end)
			break;
		for (qi = 0; qi < 3; qi++)
			if (f.q[qi].head) {
				int64_t d = f.q[qi].head->ready_at - now;
				if (d < wait)
					wait = d < 0 ? 0 : d;
			}
		if (loop_run_once(&f.loop, (int)wait) < 0)
			break;
		now = now_ms();
		run_queues(&f, now);
		if (now - last_sweep > 1000) {
			struct conn *c = f.all, *next;
			last_sweep = now;
			for (; c; c = next) {
				next = c->next;
				if (c->state != C_WAIT && c->state != C_DRIP &&
				    now - c->last_active > IDLE_MS)
					conn_close(c);
			}
		}
	}
	rc = 0;
out:
	while (f.all)
		conn_close(f.all);
	for (i = 0; i < 3; i++)
		while (f.q[i].head) {
			struct conn *c = f.q[i].head;
			f.q[i].head = c->qnext;
			free(c);
		}
	for (i = 0; i < nls; i++)
		close(ls[i].io.fd);
	free(ls);
	if (f.dns_io.fd >= 0)
		close(f.dns_io.fd);
	for (i = 0; f.certs && i < o->count; i++)
		X509_free(f.certs[i]);
	for (i = 0; f.foreign && i < o->count; i++)
		X509_free(f.foreign[i]);
	free(f.certs);
	free(f.foreign);
	SSL_CTX_free(f.ctx);
	loop_release(&f.loop);
	return rc;
}
