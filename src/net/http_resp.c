#include "net/http_resp.h"
#include "base/err.h"
#include <string.h>
#include "base/banned.h"

enum {
	S_HEAD,
	S_BODY_LEN,   /* remaining bytes of a Content-Length body */
	S_BODY_CLOSE, /* until the connection closes */
	S_CHUNK_SIZE,
	S_CHUNK_DATA,
	S_CHUNK_CRLF,
	S_TRAILER,
	S_DONE,
};

void http_resp_init(struct http_resp *r, bool head_only)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->head, LIM_HTTP_HEADER_BYTES);
	buf_init(&r->body, LIM_HTTP_BODY_BYTES);
	buf_init(&r->line, LIM_HTTP_CHUNK_LINE);
	r->head_only = head_only;
	r->state = S_HEAD;
}

void http_resp_release(struct http_resp *r)
{
	buf_release(&r->head);
	buf_release(&r->body);
	buf_release(&r->line);
}

const struct view *http_resp_header(const struct http_resp *r, const char *name)
{
	struct view want = view_of(name);
	int i;

	for (i = 0; i < r->nh; i++)
		if (view_eq_ci(r->h[i].name, want))
			return &r->h[i].value;
	return NULL;
}

/* The headers any extractor reads (scan/probe.c, scan/fingerprint.c) and
 * the framing ones: a head larger than a real server's keeps only these
 * once parsed, so a connection held open mid-body by a hostile server
 * holds a few hundred bytes of head, not its 16 KiB. An extractor that
 * reads another header adds it here. */
static const char *const kept[] = {
    "Connection",           "Content-Length",       "Transfer-Encoding",
    "Content-Type",         "Location",             "Server",
    "WWW-Authenticate",     "X-FEServer",           "X-BEServer",
    "X-CalculatedBETarget", "X-CalculatedFETarget", "X-OWA-Version",
    "X-DiagInfo",           "request-id",           "X-BackEndCookie",
    "X-Powered-By",         "X-AspNet-Version",     NULL,
};

static bool is_kept(struct view name)
{
	const char *const *k;

	for (k = kept; *k; k++)
		if (view_eq_ci(name, view_of(*k)))
			return true;
	return false;
}

/* Rebuilds the head with the status line and the kept headers only, in a
 * buffer of their size. On failure the head stays as it was. */
static void compact_head(struct http_resp *r)
{
	struct buf nb;
	size_t off[LIM_HTTP_HEADERS][2], status_len;
	const char *eol = memchr(r->head.p, '\n', r->head.len);
	int i, n = 0;

	if (!eol)
		return;
	status_len = (size_t)(eol - r->head.p) + 1;
	buf_init(&nb, r->head.max);
	buf_add(&nb, r->head.p, status_len);
	for (i = 0; i < r->nh; i++) {
		if (!is_kept(r->h[i].name))
			continue;
		off[n][0] = nb.len;
		buf_add(&nb, r->h[i].name.p, r->h[i].name.len);
		buf_add(&nb, ": ", 2);
		off[n][1] = nb.len;
		buf_add(&nb, r->h[i].value.p, r->h[i].value.len);
		buf_add(&nb, "\r\n", 2);
		r->h[n].name.len = r->h[i].name.len;
		r->h[n].value.len = r->h[i].value.len;
		n++;
	}
	buf_add(&nb, "\r\n", 2);
	if (buf_error(&nb)) {
		buf_release(&nb);
		return;
	}
	for (i = 0; i < n; i++) {
		r->h[i].name.p = nb.p + off[i][0];
		r->h[i].value.p = nb.p + off[i][1];
	}
	r->nh = n;
	buf_release(&r->head);
	r->head = nb;
}

static bool has_token(struct view v, const char *tok)
{
	struct view t = view_of(tok), item;

	while (v.len) {
		view_split(&v, ',', &item);
		if (view_eq_ci(view_trim(item), t))
			return true;
	}
	return false;
}

/* Parses the complete head in r->head; sets up body framing. */
static int parse_head(struct http_resp *r)
{
	struct view all = {r->head.p, r->head.len}, line, st;
	const struct view *te, *cl, *conn;
	uint64_t n;

	view_split(&all, '\n', &line);
	line = view_trim(line);
	if (!view_starts_ci(line, VIEW_LIT("HTTP/1.")) || line.len < 12)
		return EXH_EINVAL;
	r->minor = line.p[7] == '1' ? 1 : 0;
	st = (struct view){line.p + 9, 3};
	if (line.p[8] != ' ' || !view_to_u64(st, 999, &n) || n < 100)
		return EXH_EINVAL;
	r->status = (int)n;
	r->nh = 0;
	while (all.len) {
		struct view name;
		view_split(&all, '\n', &line);
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		if (line.len == 0)
			break;
		if (line.p[0] == ' ' || line.p[0] == '\t')
			continue; /* obsolete folding: ignored */
		if (!view_split(&line, ':', &name) || name.len == 0)
			return EXH_EINVAL;
		if (r->nh == LIM_HTTP_HEADERS)
			return EXH_ELIMIT;
		r->h[r->nh].name = name;
		r->h[r->nh].value = view_trim(line);
		r->nh++;
	}
	conn = http_resp_header(r, "Connection");
	r->keep_alive = r->minor == 1
	                    ? !(conn && has_token(*conn, "close"))
	                    : (conn && has_token(*conn, "keep-alive"));
	te = http_resp_header(r, "Transfer-Encoding");
	cl = http_resp_header(r, "Content-Length");
	if (r->head_only || r->status / 100 == 1 || r->status == 204 ||
	    r->status == 304) {
		r->state = S_DONE;
	} else if (te && has_token(*te, "chunked")) {
		r->state = S_CHUNK_SIZE;
	} else if (cl) {
		if (!view_to_u64(*cl, UINT64_MAX, &r->remaining))
			return EXH_EINVAL;
		r->state = r->remaining ? S_BODY_LEN : S_DONE;
	} else {
		r->state = S_BODY_CLOSE;
		r->keep_alive = false;
	}
	return 0;
}

static void keep(struct http_resp *r, const char *p, size_t n)
{
	if (r->truncated)
		return;
	if (buf_add(&r->body, p, n)) {
		size_t room = r->body.max - r->body.len;
		buf_add(&r->body, p, room);
		r->truncated = true;
	}
}

static int feed(struct http_resp *r, const char *p, size_t n, size_t *pos)
{
	size_t i = 0;
	int rc;

	while (i < n && r->state != S_DONE) {
		switch (r->state) {
		case S_HEAD: {
			/* Byte by byte up to the blank line, so that no bytes
			 * of the body are taken into the head. */
			size_t len;
			const char *nl = memchr(p + i, '\n', n - i);
			size_t take = nl ? (size_t)(nl - (p + i)) + 1 : n - i;
			if (buf_add(&r->head, p + i, take))
				return EXH_ELIMIT;
			i += take;
			len = r->head.len;
			if (len >= 5 && memcmp(r->head.p, "HTTP/", 5) != 0)
				return EXH_EINVAL;
			if (!nl)
				break;
			if ((len >= 2 &&
			     memcmp(r->head.p + len - 2, "\n\n", 2) == 0) ||
			    (len >= 4 &&
			     memcmp(r->head.p + len - 4, "\r\n\r\n", 4) == 0)) {
				rc = parse_head(r);
				if (rc)
					return rc;
				if (r->head.len > LIM_HTTP_HEAD_KEEP &&
				    r->state != S_DONE)
					compact_head(r);
				if (r->status / 100 == 1 &&
				    r->state == S_DONE) {
					/* 100 Continue and friends: the real
					 * response follows. */
					buf_reset(&r->head);
					r->nh = 0;
					r->state = S_HEAD;
				}
			}
			break;
		}
		case S_BODY_LEN: {
			size_t take = n - i;
			if (take > r->remaining)
				take = (size_t)r->remaining;
			keep(r, p + i, take);
			i += take;
			r->remaining -= take;
			if (r->remaining == 0)
				r->state = S_DONE;
			break;
		}
		case S_BODY_CLOSE:
			keep(r, p + i, n - i);
			i = n;
			break;
		case S_CHUNK_SIZE:
		case S_TRAILER: {
			char c = p[i++];
			if (c != '\n') {
				if (buf_addc(&r->line, c))
					return EXH_EINVAL;
				break;
			}
			if (r->state == S_TRAILER) {
				/* Trailer lines end with an empty line. */
				struct view l = {r->line.p, r->line.len};
				if (view_trim(l).len == 0)
					r->state = S_DONE;
				buf_reset(&r->line);
				break;
			}
			{
				struct view l = {r->line.p, r->line.len}, hex;
				uint64_t size = 0;
				size_t k;
				view_split(&l, ';', &hex);
				hex = view_trim(hex);
				if (hex.len == 0 || hex.len > 15)
					return EXH_EINVAL;
				for (k = 0; k < hex.len; k++) {
					char h = hex.p[k];
					int d = h >= '0' && h <= '9' ? h - '0'
					        : h >= 'a' && h <= 'f'
					            ? h - 'a' + 10
					        : h >= 'A' && h <= 'F'
					            ? h - 'A' + 10
					            : -1;
					if (d < 0)
						return EXH_EINVAL;
					size = size * 16 + (uint64_t)d;
				}
				buf_reset(&r->line);
				r->remaining = size;
				r->state = size ? S_CHUNK_DATA : S_TRAILER;
			}
			break;
		}
		case S_CHUNK_DATA: {
			size_t take = n - i;
			if (take > r->remaining)
				take = (size_t)r->remaining;
			keep(r, p + i, take);
			i += take;
			r->remaining -= take;
			if (r->remaining == 0)
				r->state = S_CHUNK_CRLF;
			break;
		}
		case S_CHUNK_CRLF:
			if (p[i] == '\n')
				r->state = S_CHUNK_SIZE;
			else if (p[i] != '\r')
				return EXH_EINVAL;
			i++;
			break;
		}
	}
	*pos = i;
	return r->state == S_DONE ? 0 : EXH_EAGAIN;
}

int http_resp_feed(struct http_resp *r, const char *p, size_t n, size_t *used)
{
	size_t i = 0;
	int rc = feed(r, p, n, &i);

	/* On an error the bytes taken are not meaningful; report none. */
	*used = rc == 0 || rc == EXH_EAGAIN ? i : 0;
	return rc;
}

int http_resp_eof(struct http_resp *r)
{
	if (r->state == S_BODY_CLOSE) {
		r->state = S_DONE;
		return 0;
	}
	return r->state == S_DONE ? 0 : EXH_EINVAL;
}
