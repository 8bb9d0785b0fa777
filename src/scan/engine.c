#include "scan/engine.h"
#include "base/err.h"
#include "base/ip4.h"
#include "base/limits.h"
#include "base/log.h"
#include "net/http_resp.h"
#include "net/loop.h"
#include "net/resolver.h"
#include "net/tls.h"
#include "scan/probe.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "base/banned.h"

enum {
	CS_FREE,
	CS_RESOLVE,
	CS_CONNECT,
	CS_HS_WAIT, /* connected, waiting for a handshake slot */
	CS_HANDSHAKE,
	CS_SEND,
	CS_RECV,
	CS_IDLE,    /* a target's own connection, closed, while its helpers
	             * ask the last web-shell paths */
	CS_BACKOFF, /* a target's own connection, refused when reopened after
	             * the server answered: opened again shortly */
};

struct engine;

struct conn {
	struct loop_io io;
	struct engine *e;
	int state;
	SSL *ssl;
	uint64_t pos;
	struct observation obs;
	struct probe probe;
	struct probe_req req;
	bool have_req, retried, tls_seen, resp_active;
	int served; /* responses on the current connection */
	int reconnects;
	uint64_t raw_before; /* wire bytes of this target's closed TLS
	                      * connections */
	struct buf out;
	size_t out_off;
	struct http_resp resp;
	uint64_t resp_bytes;
	int64_t phase_deadline, deadline;
	int64_t asked_at; /* when the current request was sent */
	char host[LIM_HOSTNAME + 1];
	int next_free;
	uint32_t gen;   /* bumped per target, so late DNS answers are ignored */
	bool hs_active; /* holds one of the handshake slots */
	int hs_prev, hs_next; /* in the handshake queue when CS_HS_WAIT */
	/* Helper connections ("lanes") ask a target's web-shell paths beside
	 * its own connection. A lane works for its owner: the owner's probe,
	 * observation, deadline and byte count. */
	struct conn *owner; /* a lane's target; NULL on a target's own */
	int lane[LIM_TARGET_CONNS - 1], nlanes; /* the owner's lanes */
	bool lanes_off;   /* no more lanes for it (its own connection was
	                   * refused while lanes worked, or every lane
	                   * tried was) */
	/* Lanes it may have open at once: --conns-per-target - 1, lowered
	 * to those still open when one cannot connect (a device in front
	 * that limits a client's connections resets the ones past its
	 * limit; the ones within it go on, and are opened again later). */
	int lane_cap;
	bool lane_queued; /* in the engine's wait list for lanes */
	/* The target's TLS session, the newest its connections brought
	 * (keep_session), kept to its end so that its lanes and
	 * reconnections resume rather than repeat the full handshake: as a
	 * browser does, and lighter on the server scanned. */
	SSL_SESSION *session;
};

struct lookup {
	struct conn *c;
	uint32_t gen;
};

/* A target that could use lanes, waiting for free connection slots. */
struct lane_wait {
	int slot;
	uint32_t gen;
};

struct hub;

struct engine {
	struct hub *hub;
	int id; /* 0: the one that checkpoints and shows progress */
	pthread_t thread;
	double rate; /* its share of --rate */
	/* published under the hub's lock: the lowest walk position of its
	 * targets in flight (UINT64_MAX: none), its targets in flight */
	uint64_t low;
	int pub_active;
	struct engine_stats own; /* its own thread's */
	struct engine_stats pub; /* own, as last published */
	const struct engine_opts *o;
	const struct kb *kb;
	const struct targets *t;
	struct engine_stats *st;
	struct loop loop;
	SSL_CTX *ctx;
	struct resolver *res;
	struct conn *conns;
	int nconns, free_head, active;
	int fatal;
	/* A TLS handshake in progress holds ~40 KiB in OpenSSL (mostly its
	 * handshake buffer); after it, a few. Capping handshakes in progress
	 * keeps memory flat at 10,000 connections while the rest wait, at no
	 * cost when the peer is the bottleneck. */
	int hs_active, hs_cap, hs_head, hs_tail;
	int lanes;     /* slots held by lanes (active counts targets) */
	int max_lanes; /* per target: --conns-per-target - 1 */
	struct lane_wait *wait;
	int nwait;
};

const char *engine_refusal(const struct engine_opts *o, uint32_t ip)
{
	if (o->block && ipset_contains(o->block, ip))
		return "in the blocklist";
	if (o->allow && ipset_contains(o->allow, ip))
		return NULL;
	return ipset_special_name(ip);
}

static void conn_io(struct loop_io *io, uint32_t ev);
static int hub_emit(struct engine *e, struct observation *o);
static void start_handshake(struct conn *c);
static void open_conn(struct conn *c);
static void on_writable(struct conn *c);

/* The target a connection works for. */
static struct conn *tgt(struct conn *c)
{
	return c->owner ? c->owner : c;
}

static void hs_unlink(struct engine *e, struct conn *c)
{
	int me = (int)(c - e->conns);

	if (c->hs_prev >= 0)
		e->conns[c->hs_prev].hs_next = c->hs_next;
	else if (e->hs_head == me)
		e->hs_head = c->hs_next;
	if (c->hs_next >= 0)
		e->conns[c->hs_next].hs_prev = c->hs_prev;
	else if (e->hs_tail == me)
		e->hs_tail = c->hs_prev;
	c->hs_prev = c->hs_next = -1;
}

/* Keeps target t's session from ssl, one of its connections, when
 * resumable and of a modest size: a server's ticket is its own choice of
 * bytes, and thousands of targets may hold one. The newest one is kept:
 * a TLS 1.3 ticket is good for one resumption (RFC 8446, 8.1; OpenSSL's
 * servers and others forget it once used) and the resumed connection
 * brings a new one. */
static void keep_session(struct conn *t, SSL *ssl)
{
	SSL_SESSION *s;
	const unsigned char *tick;
	size_t len = 0;

	if (!ssl || !SSL_is_init_finished(ssl))
		return;
	s = SSL_get1_session(ssl);
	if (!s || s == t->session) {
		SSL_SESSION_free(s);
		return;
	}
	SSL_SESSION_get0_ticket(s, &tick, &len);
	if (!SSL_SESSION_is_resumable(s) || len > LIM_TLS_TICKET) {
		SSL_SESSION_free(s);
		return;
	}
	SSL_SESSION_free(t->session);
	t->session = s;
}

static void close_socket(struct conn *c)
{
	if (c->hs_active) {
		c->hs_active = false;
		c->e->hs_active--;
	}
	if (c->state == CS_HS_WAIT)
		hs_unlink(c->e, c);
	if (c->io.fd >= 0) {
		loop_del(&c->e->loop, &c->io);
		close(c->io.fd);
		c->io.fd = -1;
	}
	if (c->ssl) {
		tgt(c)->raw_before += BIO_number_read(SSL_get_rbio(c->ssl));
		keep_session(tgt(c), c->ssl);
		/* We never send close_notify (a write per connection that no
		 * server needs), and OpenSSL takes a connection freed without
		 * it for a broken one and marks its session unusable: every
		 * reconnection to a server that closes after each answer was
		 * a full handshake. A session a fatal alert ended is marked
		 * by OpenSSL itself when the alert is sent or received. */
		SSL_set_shutdown(c->ssl,
		                 SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
	}
	SSL_free(c->ssl);
	c->ssl = NULL;
	if (c->resp_active) {
		http_resp_release(&c->resp);
		c->resp_active = false;
	}
	c->served = 0;
}

static void free_slot(struct engine *e, struct conn *c)
{
	SSL_SESSION_free(c->session);
	c->session = NULL;
	c->state = CS_FREE;
	c->next_free = e->free_head;
	e->free_head = (int)(c - e->conns);
}

/* Ends a lane; what it had asked and not been answered is lost unless the
 * caller handed it back. */
static void lane_free(struct conn *c)
{
	struct conn *t = c->owner;
	int me = (int)(c - c->e->conns), i;

	close_socket(c);
	buf_release(&c->out);
	for (i = 0; i < t->nlanes; i++)
		if (t->lane[i] == me) {
			t->lane[i] = t->lane[--t->nlanes];
			break;
		}
	c->owner = NULL;
	c->e->lanes--;
	free_slot(c->e, c);
}

static void finish(struct conn *c)
{
	struct engine *e = c->e;

	while (c->nlanes)
		lane_free(&e->conns[c->lane[c->nlanes - 1]]);
	close_socket(c);
	buf_release(&c->out);
	c->obs.time = (int64_t)time(NULL);
	e->st->done++;
	if (c->obs.exchange)
		e->st->exchange++;
	if (c->obs.error[0])
		e->st->errors++;
	if (hub_emit(e, &c->obs))
		e->fatal = EXH_EIO;
	free_slot(e, c);
	e->active--;
}

/* The owner of a lane that just ended, or of a path handed back: it takes
 * up what is left to ask when it was waiting, or ends the target when
 * nothing is. */
static void owner_check(struct conn *t)
{
	if (t->state != CS_IDLE)
		return;
	if (probe_done(&t->probe)) {
		if (t->nlanes == 0)
			finish(t);
		return;
	}
	if (probe_next(&t->probe, &t->req)) {
		t->have_req = true;
		open_conn(t);
	}
}

/* A lane that could not get a connection: its path goes back to the
 * target, which keeps the connections it has and opens no more. */
static void lane_lost(struct conn *c)
{
	struct conn *t = c->owner;

	if (c->have_req)
		probe_return(&t->probe, &c->req);
	c->have_req = false;
	t->lane_cap = t->nlanes - 1;
	if (t->lane_cap <= 0)
		t->lanes_off = true;
	lane_free(c);
	owner_check(t);
}

/* Ends the target with an error text "what: detail" (kept short). A
 * lane's failure to connect is its own; any other ends its target. */
static void fail(struct conn *c, const char *what, const char *detail)
{
	bool connecting = c->state == CS_CONNECT || c->state == CS_HS_WAIT ||
	                  c->state == CS_HANDSHAKE;

	if (c->owner) {
		if (connecting) {
			lane_lost(c);
			return;
		}
		c = c->owner;
	} else if (connecting && c->nlanes) {
		/* The target's own connection refused while its lanes work
		 * (a device that limits a client's connections): its path
		 * goes to them, and it waits for them. */
		if (c->have_req)
			probe_return(&c->probe, &c->req);
		c->have_req = false;
		c->lanes_off = true;
		close_socket(c);
		c->state = CS_IDLE;
		return;
	} else if (connecting && c->probe.answered > 0 &&
	           c->reconnects <= LIM_RECONNECTS) {
		/* Reopening refused or reset after the server answered on
		 * other connections: a device that limits a client's
		 * connections and still counts the ones just closed. Tried
		 * again shortly, with no lanes; the reconnection cap and the
		 * deadline bound it. */
		close_socket(c);
		c->lanes_off = true;
		c->state = CS_BACKOFF;
		c->phase_deadline = now_ms() + LIM_RECONNECT_WAIT_MS;
		return;
	}
	if (!c->obs.error[0])
		snprintf(c->obs.error, sizeof c->obs.error, "%s%s%.100s", what,
		         detail[0] && what[0] ? ": " : "", detail);
	finish(c);
}

/* Waits for ev on the connection; a registration the kernel refuses
 * ends the target with an error instead of leaving it unwatched. */
static bool watch(struct conn *c, uint32_t ev)
{
	if (loop_mod(&c->e->loop, &c->io, ev) == 0)
		return true;
	fail(c, "event loop", strerror(errno));
	return false;
}

static void open_conn(struct conn *c)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)c->e->o->port),
	                         .sin_addr.s_addr = htonl(tgt(c)->obs.ip)};
	int fd, one = 1;

	c->state = CS_CONNECT; /* a failure below is a connect failure */
	if (c->reconnects++ > LIM_RECONNECTS) {
		fail(c, "too many reconnections", "");
		return;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail(c, "socket", strerror(errno));
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->io.fd = fd;
	c->io.cb = conn_io;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) &&
	    errno != EINPROGRESS) {
		fail(c, "connect", strerror(errno));
		return;
	}
	c->state = CS_CONNECT;
	c->phase_deadline = now_ms() + c->e->o->connect_timeout_ms;
	if (loop_add(&c->e->loop, &c->io, EPOLLOUT))
		fail(c, "epoll failed", "");
}

static void refuse_or_connect(struct conn *c)
{
	const char *why = engine_refusal(c->e->o, c->obs.ip);
	char ip[IP4_STRLEN];

	if (why) {
		ip4_format(c->obs.ip, ip);
		if (c->obs.hostname) {
			/* A name that resolves into a refused range is
			 * reported, so the user sees why it was not probed. */
			char msg[128];
			snprintf(msg, sizeof msg, "refused: %s is %s", ip, why);
			fail(c, "", msg);
			return;
		}
		log_debug("%s refused: %s", ip, why);
		if (c->e->o->block && ipset_contains(c->e->o->block, c->obs.ip))
			c->e->st->refused_block++;
		else
			c->e->st->refused_special++;
		/* Not probed and not written. */
		c->state = CS_FREE;
		c->next_free = c->e->free_head;
		c->e->free_head = (int)(c - c->e->conns);
		c->e->active--;
		return;
	}
	open_conn(c);
}

static void on_resolved(void *arg, int status, uint32_t ip, const char *err)
{
	struct lookup *l = arg;
	struct conn *c = l->c;
	bool current = status != RESOLVER_CANCELLED && c->state == CS_RESOLVE &&
	               c->gen == l->gen;

	free(l);
	if (!current)
		return;
	if (status) {
		fail(c, "dns", err);
		return;
	}
	c->obs.ip = ip;
	refuse_or_connect(c);
}

/* Nothing to ask on this connection now: the target is done, or the
 * paths left are out on other connections. */
static void nothing_to_ask(struct conn *c)
{
	struct conn *t = tgt(c);

	if (c->owner) {
		lane_free(c);
		owner_check(t);
		return;
	}
	close_socket(c);
	c->state = CS_IDLE;
	owner_check(c);
}

/* Takes the connection's next request from its target's plan; false when
 * there is none (and the connection has been dealt with). */
static bool next_request(struct conn *c)
{
	struct conn *t = tgt(c);

	if (probe_next(&t->probe, &c->req)) {
		c->have_req = true;
		return true;
	}
	c->have_req = false;
	nothing_to_ask(c);
	return false;
}

/* Another lane would help target t: paths are left to hand out beyond
 * the one its next answer frees (on a slow server, any: each answer
 * takes longer than a lane's resumed handshake), and it may open more. */
static bool lane_useful(const struct conn *t)
{
	return !t->lanes_off && t->nlanes < t->lane_cap &&
	       probe_spare(&t->probe) >= (t->probe.slow ? 1 : 2);
}

/* The target could ask its web-shell paths on more connections: it waits
 * for free slots (the engine opens lanes between loop rounds, when no new
 * target takes the slots). */
static void want_lanes(struct conn *t)
{
	struct engine *e = t->e;

	if (t->lane_queued || !lane_useful(t))
		return;
	if (e->nwait == e->nconns) {
		/* Entries of ended targets go; the live ones, one per target,
		 * leave room for this one. */
		int i, n = 0;
		for (i = 0; i < e->nwait; i++) {
			struct conn *w = &e->conns[e->wait[i].slot];
			if (w->gen == e->wait[i].gen && w->state != CS_FREE &&
			    !w->owner)
				e->wait[n++] = e->wait[i];
		}
		e->nwait = n;
	}
	t->lane_queued = true;
	e->wait[e->nwait].slot = (int)(t - e->conns);
	e->wait[e->nwait].gen = t->gen;
	e->nwait++;
}

static void begin_request(struct conn *c)
{
	struct engine *e = c->e;

	if (!c->have_req && !next_request(c))
		return;
	buf_reset(&c->out);
	if (buf_printf(&c->out,
	               "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n"
	               "Accept: */*\r\nConnection: keep-alive\r\n%s\r\n",
	               c->req.path, c->host, e->o->user_agent,
	               c->req.headers)) {
		fail(c, "request too large", "");
		return;
	}
	c->out_off = 0;
	c->asked_at = now_ms();
	e->st->requests++;
	http_resp_init(&c->resp, false);
	c->resp_active = true;
	c->resp_bytes = 0;
	c->state = CS_SEND;
	/* Written at once: a socket that takes the request needs no wait
	 * for EPOLLOUT (two epoll_ctl calls a request before). */
	on_writable(c);
}

/* A lane's answer may open the next stage of its target's plan (the
 * web-shell paths after a fan-out) while the target's own connection
 * waits idle, having had nothing to ask: it takes up work again, so that
 * the stage does not run on the one lane that happened to finish it. Not
 * where a connection was refused (a device that limits a client's
 * connections): the lanes it has take the work, and the target's own
 * connection reopens when they end. */
static void wake_owner(struct conn *c)
{
	struct conn *t = c->owner;

	if (t && t->state == CS_IDLE && !t->lanes_off &&
	    probe_spare(&t->probe) > 0)
		owner_check(t);
}

/* The server closed or reset before answering the current request. */
static void aborted(struct conn *c)
{
	bool reused = c->served > 0;

	close_socket(c);
	if (reused && !c->retried) {
		/* Maybe an idle keep-alive timeout: ask once more on a fresh
		 * connection before calling it an abort. */
		c->retried = true;
		open_conn(c);
		return;
	}
	c->retried = false;
	c->have_req = false;
	if (tgt(c)->probe.answered == 0) {
		/* Nothing ever answered: an error, not "not Exchange". */
		fail(c, "closed before any answer", "");
		return;
	}
	probe_feed(&tgt(c)->probe, &c->req, NULL);
	wake_owner(c);
	if (!next_request(c))
		return;
	open_conn(c);
}

static void got_response(struct conn *c)
{
	bool keep = c->resp.keep_alive;

	c->served++;
	c->have_req = false;
	c->retried = false;
	/* A slow server gets its independent steps asked side by side,
	 * where lanes may be opened. */
	if (c->e->max_lanes > 0 && now_ms() - c->asked_at >= LIM_SLOW_ANSWER_MS)
		tgt(c)->probe.slow = true;
	probe_feed(&tgt(c)->probe, &c->req, &c->resp);
	http_resp_release(&c->resp);
	c->resp_active = false;
	wake_owner(c);
	want_lanes(tgt(c));
	if (!keep) {
		close_socket(c);
		if (!next_request(c))
			return;
		/* A server that closes after each answer (HTTP/1.0 style)
		 * is not failing: a new connection per answer is its way.
		 * The plan's length, the byte cap and the deadline bound it. */
		c->reconnects--;
		open_conn(c);
		return;
	}
	begin_request(c);
}

static void tls_fail(struct conn *c)
{
	unsigned long err = ERR_peek_last_error();
	char msg[120];

	if (err)
		snprintf(msg, sizeof msg, "%s", ERR_reason_error_string(err));
	else
		snprintf(msg, sizeof msg, "%s",
		         errno ? strerror(errno) : "connection closed");
	fail(c, "tls: handshake failed", msg);
}

static uint64_t live_bytes(const struct conn *c)
{
	return c->ssl ? BIO_number_read(SSL_get_rbio(c->ssl)) : 0;
}

/* Bytes this target has sent us on the wire, TLS records included (a
 * server can send records that carry no data: tickets, key updates),
 * over its own connection and its lanes. */
static uint64_t raw_bytes(struct conn *c)
{
	struct conn *t = tgt(c);
	uint64_t n = t->raw_before + live_bytes(t);
	int i;

	for (i = 0; i < t->nlanes; i++)
		n += live_bytes(&t->e->conns[t->lane[i]]);
	return n;
}

static void on_readable(struct conn *c)
{
	char tmp[16384];
	int rounds;

	/* Bounded work per wake-up: a fast or flooding server yields to
	 * the others after 64 reads; level-triggered epoll brings it back. */
	for (rounds = 0; rounds < 64; rounds++) {
		ssize_t n;
		size_t used;
		int rc;

		if (c->ssl) {
			int r, err;
			ERR_clear_error();
			errno = 0;
			r = SSL_read(c->ssl, tmp, sizeof tmp);
			if (raw_bytes(c) > LIM_HOST_BYTES) {
				fail(c, "byte cap per target reached", "");
				return;
			}
			if (r <= 0 && now_ms() >= c->deadline) {
				fail(c, "timeout", "target deadline passed");
				return;
			}
			if (r <= 0) {
				err = SSL_get_error(c->ssl, r);
				if (err == SSL_ERROR_WANT_READ) {
					watch(c, EPOLLIN);
					return;
				}
				if (err == SSL_ERROR_WANT_WRITE) {
					watch(c, EPOLLOUT);
					return;
				}
				n = 0; /* closed, reset or TLS error */
			} else {
				n = r;
			}
		} else {
			n = read(c->io.fd, tmp, sizeof tmp);
			if (n < 0 && errno == EAGAIN) {
				watch(c, EPOLLIN);
				return;
			}
			if (n < 0)
				n = 0;
		}
		if (n == 0) {
			if (c->resp_bytes > 0 && http_resp_eof(&c->resp) == 0) {
				c->resp.keep_alive = false;
				got_response(c);
				return;
			}
			aborted(c);
			return;
		}
		tgt(c)->obs.bytes += (uint64_t)n;
		c->resp_bytes += (uint64_t)n;
		if (tgt(c)->obs.bytes > LIM_HOST_BYTES) {
			fail(c, "byte cap per target reached", "");
			return;
		}
		rc = http_resp_feed(&c->resp, tmp, (size_t)n, &used);
		if (rc == 0) {
			/* Bytes past the response would be a pipelining
			 * server's; we never pipeline, so drop them. */
			got_response(c);
			return;
		}
		if (rc != EXH_EAGAIN) {
			fail(c,
			     rc == EXH_ELIMIT
			         ? "http: response head too large"
			         : "http: malformed response to GET",
			     c->req.path);
			return;
		}
		if (now_ms() >= c->deadline) {
			fail(c, "timeout", "target deadline passed");
			return;
		}
	}
}

static void on_writable(struct conn *c)
{
	while (c->out_off < c->out.len) {
		size_t left = c->out.len - c->out_off;
		ssize_t n;
		if (c->ssl) {
			int r, err;
			ERR_clear_error();
			r = SSL_write(c->ssl, c->out.p + c->out_off, (int)left);
			if (r <= 0) {
				err = SSL_get_error(c->ssl, r);
				if (err == SSL_ERROR_WANT_WRITE) {
					watch(c, EPOLLOUT);
					return;
				}
				if (err == SSL_ERROR_WANT_READ) {
					watch(c, EPOLLIN);
					return;
				}
				aborted(c);
				return;
			}
			n = r;
		} else {
			n = write(c->io.fd, c->out.p + c->out_off, left);
			if (n < 0 && errno == EAGAIN) {
				watch(c, EPOLLOUT);
				return;
			}
			if (n <= 0) {
				aborted(c);
				return;
			}
		}
		c->out_off += (size_t)n;
	}
	c->state = CS_RECV;
	/* The answer cannot be here yet, unless OpenSSL holds bytes that
	 * came with the last one, which epoll would not report. */
	if (watch(c, EPOLLIN) && c->ssl && SSL_has_pending(c->ssl))
		on_readable(c);
}

static void handshake(struct conn *c)
{
	int r, err;

	ERR_clear_error();
	errno = 0;
	r = SSL_connect(c->ssl);
	if (r == 1) {
		c->e->st->handshakes++;
		if (SSL_session_reused(c->ssl))
			c->e->st->resumed++;
		c->hs_active = false;
		c->e->hs_active--;
		if (!c->tls_seen) {
			c->tls_seen = true;
			snprintf(c->obs.tls_version, sizeof c->obs.tls_version,
			         "%s", SSL_get_version(c->ssl));
			tls_peer_cert(c->ssl, c->obs.cert_sha256,
			              c->obs.cert_cn, sizeof c->obs.cert_cn);
		}
		begin_request(c);
		return;
	}
	err = SSL_get_error(c->ssl, r);
	if (err == SSL_ERROR_WANT_READ)
		watch(c, EPOLLIN);
	else if (err == SSL_ERROR_WANT_WRITE)
		watch(c, EPOLLOUT);
	else
		tls_fail(c);
}

static void connected(struct conn *c)
{
	int soerr = 0;
	socklen_t sl = sizeof soerr;

	getsockopt(c->io.fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
	if (soerr) {
		fail(c, "connect", strerror(soerr));
		return;
	}
	if (!c->e->o->tls) {
		begin_request(c);
		return;
	}
	if (c->e->hs_active >= c->e->hs_cap) {
		struct engine *e = c->e;
		int me = (int)(c - e->conns);
		if (!watch(c, 0)) /* parked unwatched until a slot frees */
			return;
		c->state = CS_HS_WAIT;
		c->hs_next = -1;
		c->hs_prev = e->hs_tail;
		if (e->hs_tail >= 0)
			e->conns[e->hs_tail].hs_next = me;
		else
			e->hs_head = me;
		e->hs_tail = me;
		return;
	}
	start_handshake(c);
}

static void start_handshake(struct conn *c)
{
	c->hs_active = true;
	c->e->hs_active++;
	c->ssl = SSL_new(c->e->ctx);
	if (!c->ssl) {
		fail(c, "tls: out of memory", "");
		return;
	}
	SSL_set_fd(c->ssl, c->io.fd);
	if (tgt(c)->obs.hostname)
		SSL_set_tlsext_host_name(c->ssl, tgt(c)->obs.hostname);
	if (tgt(c)->session)
		SSL_set_session(c->ssl, tgt(c)->session);
	c->state = CS_HANDSHAKE;
	c->phase_deadline = now_ms() + c->e->o->connect_timeout_ms;
	handshake(c);
}

static void conn_io(struct loop_io *io, uint32_t ev)
{
	struct conn *c = (struct conn *)io;

	switch (c->state) {
	case CS_CONNECT: connected(c); break;
	case CS_HS_WAIT:
		/* Only errors and hang-ups arrive while waiting. */
		if (ev & (EPOLLERR | EPOLLHUP))
			fail(c, "connect",
			     "closed by the server before the handshake");
		break;
	case CS_HANDSHAKE: handshake(c); break;
	case CS_SEND: on_writable(c); break;
	case CS_RECV: on_readable(c); break;
	}
}

/* Takes the free slot at the head of the list, set up for a new
 * connection of a target (owner NULL) or of a lane. */
static struct conn *take_slot(struct engine *e, uint64_t pos,
                              struct conn *owner)
{
	struct conn *c = &e->conns[e->free_head];

	e->free_head = c->next_free;
	c->gen++;
	c->e = e;
	c->io.fd = -1;
	c->ssl = NULL;
	c->pos = pos;
	c->have_req = c->retried = c->tls_seen = c->resp_active = false;
	c->served = c->reconnects = 0;
	c->raw_before = 0;
	c->hs_active = false;
	c->hs_prev = c->hs_next = -1;
	c->owner = owner;
	c->nlanes = 0;
	c->lanes_off = c->lane_queued = false;
	c->lane_cap = e->max_lanes;
	buf_init(&c->out, 8192);
	return c;
}

static void start_target(struct engine *e, uint64_t index, uint64_t pos)
{
	struct conn *c = take_slot(e, pos, NULL);
	struct target t;
	int64_t now = now_ms();

	e->active++;
	memset(&c->obs, 0, sizeof c->obs);
	targets_get(e->t, index, &t);
	c->obs.index = index;
	c->obs.ip = t.ip;
	c->obs.port = e->o->port;
	c->obs.hostname = t.hostname;
	c->deadline = now + e->o->timeout_ms;
	probe_init(&c->probe, e->kb, e->o->checks, &c->obs);
	if (t.hostname) {
		snprintf(c->host, sizeof c->host, "%s", t.hostname);
	} else {
		char ip[IP4_STRLEN];
		ip4_format(t.ip, ip);
		snprintf(c->host, sizeof c->host, "%s", ip);
	}
	e->st->launched++;
	if (t.ip == 0) {
		struct lookup *l = malloc(sizeof *l);
		c->state = CS_RESOLVE;
		c->phase_deadline = c->deadline;
		if (!l) {
			fail(c, "out of memory", "");
			return;
		}
		l->c = c;
		l->gen = c->gen;
		if (resolver_lookup(e->res, t.hostname, on_resolved, l)) {
			free(l);
			fail(c, "dns: out of memory", "");
		}
		return;
	}
	refuse_or_connect(c);
}

/* A lane for target t, in a free slot, with the next path to ask. */
static void lane_open(struct engine *e, struct conn *t)
{
	struct conn *c;

	keep_session(t, t->ssl);
	c = take_slot(e, t->pos, t);
	e->lanes++;
	e->st->lanes++;
	c->tls_seen = true; /* the certificate is the owner's business */
	c->deadline = t->deadline;
	memcpy(c->host, t->host, sizeof c->host);
	c->state = CS_CONNECT;
	t->lane[t->nlanes++] = (int)(c - e->conns);
	if (!probe_next(&t->probe, &c->req)) {
		t->lanes_off = true;
		lane_free(c);
		return;
	}
	c->have_req = true;
	open_conn(c);
}

/* Between loop rounds: targets waiting for lanes get them from the slots
 * no new target took. */
static void open_lanes(struct engine *e)
{
	while (e->nwait && e->active + e->lanes < e->nconns) {
		struct lane_wait w = e->wait[--e->nwait];
		struct conn *t = &e->conns[w.slot];
		if (t->gen != w.gen || t->state == CS_FREE || t->owner)
			continue; /* that target has ended */
		t->lane_queued = false;
		while (t->state != CS_FREE && t->state != CS_IDLE &&
		       lane_useful(t) && e->active + e->lanes < e->nconns)
			lane_open(e, t);
	}
}

static void sweep(struct engine *e, int64_t now)
{
	int i;

	for (i = 0; i < e->nconns; i++) {
		struct conn *c = &e->conns[i];
		if (c->state == CS_FREE)
			continue;
		if (c->owner) {
			/* The owner keeps the target's deadline. */
			if ((c->state == CS_CONNECT ||
			     c->state == CS_HANDSHAKE) &&
			    now >= c->phase_deadline)
				fail(c, "timeout", "lane");
			continue;
		}
		if (now >= c->deadline) {
			fail(c, "timeout", "target deadline passed");
		} else if (c->state == CS_BACKOFF) {
			if (now >= c->phase_deadline)
				open_conn(c);
		} else if ((c->state == CS_CONNECT ||
		            c->state == CS_HANDSHAKE) &&
		           now >= c->phase_deadline) {
			fail(c, "timeout",
			     c->state == CS_CONNECT ? "connect"
			                            : "tls handshake");
		}
	}
}

/* The lowest walk position of the engine's targets in flight. */
static uint64_t low_water(const struct engine *e)
{
	uint64_t low = UINT64_MAX;
	int i;

	for (i = 0; i < e->nconns; i++)
		if (e->conns[i].state != CS_FREE && e->conns[i].pos < low)
			low = e->conns[i].pos;
	return low;
}

/* What the engines share: the walk, the sink and the counts. Each engine
 * runs its own event loop in its own thread (its sockets, TLS context and
 * resolver are its alone) and comes here, under the lock, for new
 * targets and to hand over finished ones. */
struct hub {
	pthread_mutex_t mu;
	struct order *ord;
	const struct engine_sink *sink;
	struct engine *engines;
	int n;
	/* also read without the lock, between rounds */
	atomic_bool exhausted;
	atomic_int fatal;
	atomic_bool stopping; /* set by engine 0, which alone sees *stop */
	int64_t started, first_launch, last_launch;
	uint64_t peak_inflight;
};

static int hub_emit(struct engine *e, struct observation *o)
{
	struct hub *h = e->hub;
	int rc;

	pthread_mutex_lock(&h->mu);
	rc = h->sink->emit(h->sink->ctx, o);
	pthread_mutex_unlock(&h->mu);
	return rc;
}

/* The counts of all engines: as last published (the lock held), or
 * their own once every thread has ended. */
static void hub_sum(const struct hub *h, bool ended, struct engine_stats *st)
{
	int i;

	memset(st, 0, sizeof *st);
	for (i = 0; i < h->n; i++) {
		const struct engine_stats *x =
		    ended ? &h->engines[i].own : &h->engines[i].pub;
		st->launched += x->launched;
		st->done += x->done;
		st->exchange += x->exchange;
		st->errors += x->errors;
		st->refused_special += x->refused_special;
		st->refused_block += x->refused_block;
		st->skipped_done += x->skipped_done;
		st->handshakes += x->handshakes;
		st->resumed += x->resumed;
		st->requests += x->requests;
		st->lanes += x->lanes;
	}
}

/* Everything before the returned walk position is emitted (the lock
 * held). */
static uint64_t hub_low(const struct hub *h)
{
	uint64_t low = h->ord->pos;
	int i;

	for (i = 0; i < h->n; i++)
		if (h->engines[i].low < low)
			low = h->engines[i].low;
	return low;
}

static void progress(const struct hub *h, bool final)
{
	/* final: every thread has ended */
	const struct order *ord = h->ord;
	struct engine_stats st;
	double secs = (double)(now_ms() - h->started) / 1000.0;
	double frac = ord->npos ? (double)ord->pos / (double)ord->npos : 1;
	double rate, eta = 0;
	int i, active = 0;

	hub_sum(h, final, &st);
	for (i = 0; i < h->n; i++)
		active += h->engines[i].pub_active;
	rate = secs > 0 ? (double)st.launched / secs : 0;
	if (frac > 0 && frac < 1)
		eta = secs / frac * (1 - frac);
	fprintf(stderr,
	        "\rexhunt: scan %5.1f%%  %llu done  %.0f/s  exchange %llu  "
	        "in flight %d  ETA %02d:%02d   %s",
	        frac * 100, (unsigned long long)st.done, rate,
	        (unsigned long long)st.exchange, active, (int)eta / 60,
	        (int)eta % 60, final ? "\n" : "");
	fflush(stderr);
}

/* Under the lock, once per round: new targets for the free slots (at
 * most want), the engine's counts and low published, and, for engine 0,
 * the checkpoint and the progress line when due. Returns the targets
 * taken into idx/pos. */
static int hub_round(struct engine *e, int want, uint64_t *idx, uint64_t *pos,
                     int64_t now, bool tick)
{
	struct hub *h = e->hub;
	const struct engine_sink *sink = h->sink;
	int got = 0, i, active = 0;

	pthread_mutex_lock(&h->mu);
	if (tick)
		e->low = low_water(e);
	while (got < want && !h->exhausted && !h->fatal) {
		uint64_t index, p;
		if (!order_next(h->ord, &index, &p)) {
			h->exhausted = true;
			break;
		}
		if (sink->done && sink->done(sink->ctx, index)) {
			e->st->skipped_done++;
			continue;
		}
		idx[got] = index;
		pos[got] = p;
		if (p < e->low)
			e->low = p;
		got++;
	}
	if (got) {
		h->last_launch = now;
		if (!h->first_launch)
			h->first_launch = now;
	}
	e->pub_active = e->active + got;
	e->pub = e->own;
	for (i = 0; i < h->n; i++)
		active += h->engines[i].pub_active;
	if ((uint64_t)active > h->peak_inflight)
		h->peak_inflight = (uint64_t)active;
	if (e->fatal && !h->fatal)
		h->fatal = e->fatal;
	pthread_mutex_unlock(&h->mu);
	return got;
}

/* Engine 0, about once a second: the checkpoint and the progress line. */
static void hub_tick(struct engine *e, int64_t now, int64_t *last_ckpt,
                     int64_t *last_progress)
{
	struct hub *h = e->hub;

	pthread_mutex_lock(&h->mu);
	if (now - *last_ckpt >= 1000) {
		if (h->sink->checkpoint &&
		    h->sink->checkpoint(h->sink->ctx, hub_low(h)))
			h->fatal = EXH_EIO;
		*last_ckpt = now;
	}
	if (e->o->progress && now - *last_progress >= 1000) {
		progress(h, false);
		*last_progress = now;
	}
	pthread_mutex_unlock(&h->mu);
}

#define ROUND_TARGETS 64

static void *engine_loop(void *arg)
{
	struct engine *e = arg;
	const struct engine_opts *o = e->o;
	struct hub *h = e->hub;
	int64_t last_tick = now_ms(), last_ckpt = last_tick,
	        last_sweep = last_tick, last_progress = last_tick,
	        last_pub = last_tick;
	double tokens = 1;
	uint64_t idx[ROUND_TARGETS], pos[ROUND_TARGETS];
	bool exhausted = false;

	for (;;) {
		int64_t now = now_ms();
		int wait = 100, want = 0, got, k;
		bool tick = now - last_pub >= 100;

		/* signals reach the first thread only (engine_run) */
		if (e->id == 0 && o->stop && *o->stop)
			atomic_store(&h->stopping, true);
		if (atomic_load(&h->stopping))
			break;
		if (e->rate > 0) {
			double burst = e->rate / 20 > 1 ? e->rate / 20 : 1;
			tokens += e->rate * (double)(now - last_tick) / 1000.0;
			if (tokens > burst)
				tokens = burst;
		}
		last_tick = now;
		if (!exhausted) {
			want = e->nconns - e->active - e->lanes;
			if (e->rate > 0 && want > (int)tokens)
				want = (int)tokens;
			if (want > ROUND_TARGETS)
				want = ROUND_TARGETS;
		}
		if (want > 0 || tick || e->fatal) {
			got = hub_round(e, want, idx, pos, now, tick);
			if (tick)
				last_pub = now;
			if (got < want && (h->exhausted || h->fatal))
				exhausted =
				    true; /* read racy: rechecked next round */
			for (k = 0; k < got; k++) {
				if (e->rate > 0)
					tokens -= 1;
				start_target(e, idx[k], pos[k]);
			}
			if (got == want && want > 0)
				wait = 0; /* more may be free: take them next
				             round */
		}
		/* Here, after new targets took what they could: a slot that
		 * a finished target frees goes to a new target first. */
		open_lanes(e);
		if (e->fatal)
			break;
		if (exhausted && e->active == 0)
			break;
		if (e->rate > 0 && !exhausted &&
		    e->active + e->lanes < e->nconns && wait) {
			double need = (1 - tokens) * 1000.0 / e->rate;
			wait = need < 1 ? 1 : need > 100 ? 100 : (int)need;
		}
		if (loop_run_once(&e->loop, wait) < 0) {
			e->fatal = EXH_EIO;
			break;
		}
		while (e->hs_head >= 0 && e->hs_active < e->hs_cap) {
			struct conn *c = &e->conns[e->hs_head];
			hs_unlink(e, c);
			start_handshake(c);
		}
		now = now_ms();
		if (now - last_sweep >= 20) {
			resolver_tick(e->res);
			sweep(e, now);
			last_sweep = now;
		}
		if (e->id == 0)
			hub_tick(e, now, &last_ckpt, &last_progress);
		if (atomic_load(&h->fatal)) /* any engine's error stops all */
			break;
	}
	/* stopped or done: what is still in flight is not emitted */
	pthread_mutex_lock(&h->mu);
	e->low = low_water(e);
	e->pub_active = e->active;
	if (e->fatal && !h->fatal)
		h->fatal = e->fatal;
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

static int engine_init(struct engine *e, struct hub *h, int id,
                       const struct engine_opts *o, const struct kb *kb,
                       const struct targets *t, int conns, int hs_cap)
{
	int i;

	e->hub = h;
	e->id = id;
	e->o = o;
	e->kb = kb;
	e->t = t;
	e->st = &e->own;
	e->low = UINT64_MAX;
	e->rate = o->rate > 0 ? o->rate / h->n : 0;
	if (loop_init(&e->loop))
		return EXH_EIO;
	e->ctx = o->tls ? tls_client_ctx_new() : NULL;
	e->conns = calloc((size_t)conns, sizeof *e->conns);
	e->wait = calloc((size_t)conns, sizeof *e->wait);
	e->max_lanes = o->conns_per_target > 1 ? o->conns_per_target - 1 : 0;
	if (e->max_lanes > LIM_TARGET_CONNS - 1)
		e->max_lanes = LIM_TARGET_CONNS - 1;
	if ((o->tls && !e->ctx) || !e->conns || !e->wait)
		return EXH_ENOMEM;
	if (resolver_new(&e->res, &e->loop, o->resolver))
		return EXH_EIO;
	e->nconns = conns;
	for (i = 0; i < e->nconns; i++) {
		e->conns[i].state = CS_FREE;
		e->conns[i].io.fd = -1;
		e->conns[i].next_free = i + 1 < e->nconns ? i + 1 : -1;
		e->conns[i].hs_prev = e->conns[i].hs_next = -1;
	}
	e->free_head = 0;
	e->hs_head = e->hs_tail = -1;
	e->hs_cap = hs_cap;
	return 0;
}

static void engine_free(struct engine *e)
{
	int i;

	if (e->conns) {
		for (i = 0; i < e->nconns; i++)
			if (e->conns[i].state != CS_FREE) {
				close_socket(&e->conns[i]);
				buf_release(&e->conns[i].out);
			}
		/* After every connection is closed: a lane closing keeps a
		 * session for its target. */
		for (i = 0; i < e->nconns; i++)
			SSL_SESSION_free(e->conns[i].session);
	}
	resolver_free(e->res);
	free(e->conns);
	free(e->wait);
	SSL_CTX_free(e->ctx);
	if (e->loop.epfd >= 0)
		loop_release(&e->loop);
}

int engine_threads(const struct engine_opts *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = o->threads > 0 ? o->threads : cpus > 0 ? (int)cpus : 1;

	if (n > LIM_SCAN_THREADS)
		n = LIM_SCAN_THREADS;
	/* at least 64 connections each */
	if (n > o->concurrency / 64)
		n = o->concurrency / 64;
	return n < 1 ? 1 : n;
}

int engine_run(const struct engine_opts *o, const struct kb *kb,
               const struct targets *t, struct order *ord,
               const struct engine_sink *sink, struct engine_stats *st)
{
	struct hub h;
	sigset_t block, old;
	int n = engine_threads(o), i, rc = 0, started = 0;
	int hs_all = o->max_handshakes > 0 ? o->max_handshakes : 1024;

	memset(&h, 0, sizeof h);
	memset(st, 0, sizeof *st);
	if (raise_fd_limit(o->concurrency + 256) < o->concurrency + 16) {
		log_error("--concurrency %d needs a higher open-file limit "
		          "(ulimit -n)",
		          o->concurrency);
		return EXH_EINVAL;
	}
	h.ord = ord;
	h.sink = sink;
	h.n = n;
	h.started = now_ms();
	h.engines = calloc((size_t)n, sizeof *h.engines);
	if (!h.engines)
		return EXH_ENOMEM;
	pthread_mutex_init(&h.mu, NULL);
	/* set up here, one after another (c-ares' global set-up is not
	 * safe to run twice at once); then each runs in its own thread */
	for (i = 0; i < n && !rc; i++) {
		int conns = o->concurrency / n + (i < o->concurrency % n);
		int hs = hs_all / n + (i < hs_all % n);
		h.engines[i].loop.epfd = -1;
		rc = engine_init(&h.engines[i], &h, i, o, kb, t, conns,
		                 hs > 0 ? hs : 1);
	}
	/* SIGINT and SIGTERM stay with this thread (engine 0's): the
	 * others start with them blocked */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 1; i < n && !rc; i++) {
		if (pthread_create(&h.engines[i].thread, NULL, engine_loop,
		                   &h.engines[i])) {
			log_error("scan: cannot start a thread");
			rc = EXH_ENOMEM;
			pthread_mutex_lock(&h.mu);
			h.fatal = rc;
			pthread_mutex_unlock(&h.mu);
			break;
		}
		started = i;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!rc)
		engine_loop(&h.engines[0]);
	for (i = 1; i <= started; i++)
		pthread_join(h.engines[i].thread, NULL);
	if (!rc && h.fatal)
		rc = h.fatal;
	if (!rc && o->stop && *o->stop)
		rc = EXH_EAGAIN;
	hub_sum(&h, true, st);
	st->peak_inflight = h.peak_inflight;
	if (sink->checkpoint && sink->checkpoint(sink->ctx, hub_low(&h)))
		rc = rc ? rc : EXH_EIO;
	if (o->progress)
		progress(&h, true);
	st->seconds = (double)(now_ms() - h.started) / 1000.0;
	st->launch_seconds = (double)(h.last_launch - h.first_launch) / 1000.0;
	for (i = 0; i < n; i++)
		engine_free(&h.engines[i]);
	pthread_mutex_destroy(&h.mu);
	free(h.engines);
	return rc;
}
