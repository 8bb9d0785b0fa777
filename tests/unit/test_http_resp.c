/* The HTTP response parser: each case is fed whole and in every split
 * size from 1 byte up, and must give the same status, headers and body. */
#include "base/err.h"
#include "base/file.h"
#include "net/http_resp.h"
#include "check.h"
#include <stdlib.h>

static const struct {
	const char *name, *raw;
	int rc, status;
	const char *body, *hname, *hvalue;
	int keep_alive;
} cases[] = {
    {"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0,
     200, "hello", "content-length", "5", 1},
    {"chunked",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
     "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n",
     0, 200, "hello world", "Transfer-Encoding", "chunked", 1},
    {"302 no body",
     "HTTP/1.1 302 Found\r\nLocation: /owa/auth/logon.aspx\r\n"
     "Content-Length: 0\r\n\r\n",
     0, 302, "", "LOCATION", "/owa/auth/logon.aspx", 1},
    {"bare LF",
     "HTTP/1.1 200 OK\nX-OWA-Version: 15.1.2176.9\nContent-Length: 2\n\nok", 0,
     200, "ok", "x-owa-version", "15.1.2176.9", 1},
    {"connection close",
     "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", 0,
     200, "x", "Connection", "close", 0},
    {"HTTP/1.0 default close",
     "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n", 0, 404, "", NULL,
     NULL, 0},
    {"100 continue first",
     "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", 0, 204, "",
     NULL, NULL, 1},
    {"not http", "SSH-2.0-OpenSSH_9.2\r\n\r\n", EXH_EINVAL, 0, NULL, NULL, NULL,
     0},
    {"bad status", "HTTP/1.1 2x0 OK\r\n\r\n", EXH_EINVAL, 0, NULL, NULL, NULL,
     0},
    {"bad chunk size",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", EXH_EINVAL,
     0, NULL, NULL, NULL, 0},
    {"bad content-length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
     EXH_EINVAL, 0, NULL, NULL, NULL, 0},
    {"header without colon", "HTTP/1.1 200 OK\r\nBroken\r\n\r\n", EXH_EINVAL, 0,
     NULL, NULL, NULL, 0},
    {"incomplete", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
     EXH_EAGAIN, 200, NULL, NULL, NULL, 1},
};

static int run(const char *raw, size_t len, size_t step, struct http_resp *r)
{
	size_t off = 0, used;
	int rc = EXH_EAGAIN;

	http_resp_init(r, false);
	while (off < len && rc == EXH_EAGAIN) {
		size_t n = len - off < step ? len - off : step;
		rc = http_resp_feed(r, raw + off, n, &used);
		off += n;
	}
	return rc;
}

int main(void)
{
	size_t i, step;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = strlen(cases[i].raw);
		for (step = 1; step <= len; step++) {
			struct http_resp r;
			int rc = run(cases[i].raw, len, step, &r);
			int ok = rc == cases[i].rc;
			if (ok && rc == 0) {
				ok = r.status == cases[i].status &&
				     r.body.len == strlen(cases[i].body) &&
				     (r.body.len == 0 ||
				      memcmp(r.body.p, cases[i].body,
				             r.body.len) == 0) &&
				     r.keep_alive == cases[i].keep_alive;
				if (cases[i].hname) {
					const struct view *v = http_resp_header(
					    &r, cases[i].hname);
					ok = ok && v &&
					     view_eq(*v,
					             view_of(cases[i].hvalue));
				}
			}
			if (!ok) {
				fprintf(stderr, "case '%s' step %zu: rc %d\n",
				        cases[i].name, step, rc);
				check_failures++;
				http_resp_release(&r);
				break;
			}
			http_resp_release(&r);
		}
		check_count++;
	}
	/* Close-framed body completes at EOF. */
	{
		struct http_resp r;
		const char *raw = "HTTP/1.1 200 OK\r\n\r\nuntil close";
		CHECK(run(raw, strlen(raw), 7, &r) == EXH_EAGAIN);
		CHECK(http_resp_eof(&r) == 0);
		CHECK(r.body.len == 11 && !r.keep_alive);
		http_resp_release(&r);
	}
	/* The body is capped; the response still completes. */
	{
		struct http_resp r;
		struct buf big;
		size_t used, n = LIM_HTTP_BODY_BYTES + 1000;
		buf_init(&big, n + 100);
		buf_printf(&big,
		           "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", n);
		while (big.len < big.max - 100 + (big.len - big.len))
			if (buf_addc(&big, 'a'))
				break;
		http_resp_init(&r, false);
		CHECK(http_resp_feed(&r, big.p, big.len, &used) == 0 ||
		      r.truncated);
		CHECK(r.truncated && r.body.len == LIM_HTTP_BODY_BYTES);
		http_resp_release(&r);
		buf_release(&big);
	}
	/* The head is capped. */
	{
		struct http_resp r;
		struct buf big;
		size_t used;
		buf_init(&big, LIM_HTTP_HEADER_BYTES * 2);
		buf_adds(&big, "HTTP/1.1 200 OK\r\n");
		while (big.len < LIM_HTTP_HEADER_BYTES + 100)
			buf_adds(&big,
			         "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaa\r\n");
		http_resp_init(&r, false);
		CHECK(http_resp_feed(&r, big.p, big.len, &used) == EXH_ELIMIT);
		http_resp_release(&r);
		buf_release(&big);
	}
	/* A hostile-sized head (12 KB of filler among the headers exhunt
	 * reads) before a body: once parsed, only the headers extractors
	 * read are kept, in a buffer of their size, and they still read
	 * the same; the body is read as before. */
	{
		struct buf big;
		struct http_resp r;
		const struct view *v;
		buf_init(&big, 1 << 20);
		buf_adds(&big, "HTTP/1.1 302 Found\r\nX-Junk-1: ");
		while (big.len < 6000)
			buf_adds(&big, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
		buf_adds(&big, "\r\nX-OWA-Version: 15.1.2176.9\r\n"
		               "Location: /owa/auth/logon.aspx\r\nX-Junk-2: ");
		while (big.len < 12000)
			buf_adds(&big, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
		buf_adds(&big, "\r\nX-FEServer: EXCH01\r\nContent-Length: 5\r\n"
		               "\r\nhello");
		CHECK(run(big.p, big.len, 700, &r) == 0);
		CHECK(r.status == 302 && r.head.len < 200 && r.nh == 4);
		CHECK((v = http_resp_header(&r, "X-OWA-Version")) &&
		      view_eq(*v, VIEW_LIT("15.1.2176.9")));
		CHECK((v = http_resp_header(&r, "location")) &&
		      view_eq(*v, VIEW_LIT("/owa/auth/logon.aspx")));
		CHECK((v = http_resp_header(&r, "X-FEServer")) &&
		      view_eq(*v, VIEW_LIT("EXCH01")));
		CHECK(!http_resp_header(&r, "X-Junk-1") &&
		      !http_resp_header(&r, "X-Junk-2"));
		CHECK(r.body.len == 5 && !memcmp(r.body.p, "hello", 5));
		http_resp_release(&r);
		buf_release(&big);
	}
	/* Inputs the fuzzer once broke: parse without crashing, report a
	 * meaningful byte count. */
	{
		struct buf b;
		const char *why;
		struct http_resp r;
		size_t used = 12345;
		if (file_read(EXHUNT_SOURCE "/tests/golden/fuzz-regressions/"
		                            "http_resp-uninitialised-used",
		              1 << 20, &b, &why) == 0) {
			http_resp_init(&r, false);
			http_resp_feed(&r, b.p, b.len, &used);
			CHECK(used <= b.len);
			http_resp_release(&r);
			buf_release(&b);
		} else {
			CHECK(!"regression file missing");
		}
	}
	return check_done();
}
