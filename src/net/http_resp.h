/* An incremental, bounded HTTP/1.x response parser. Feed it bytes as they
 * arrive; it says when a response is complete. Bodies framed by
 * Content-Length, chunked encoding or connection close are handled; the
 * body kept is capped at LIM_HTTP_BODY_BYTES (the rest is read and
 * dropped, and `truncated` is set). */
#ifndef EXH_NET_HTTP_RESP_H
#define EXH_NET_HTTP_RESP_H
#include "base/buf.h"
#include "base/limits.h"
#include "base/view.h"
#include <stdbool.h>
#include <stdint.h>

struct http_header {
	struct view name, value; /* point into head */
};

struct http_resp {
	int status;
	int minor;       /* HTTP/1.minor */
	bool keep_alive; /* the server will take another request */
	bool truncated;  /* the body passed the cap */
	struct http_header h[LIM_HTTP_HEADERS];
	int nh;
	struct buf head; /* status line and headers, as received */
	struct buf body; /* decoded body, capped */
	/* parser state */
	int state;
	bool head_only;     /* response to HEAD: no body */
	uint64_t remaining; /* of the body or the current chunk */
	struct buf line;    /* a chunk-size line in progress */
};

void http_resp_init(struct http_resp *r, bool head_only);
void http_resp_release(struct http_resp *r);
/* Consumes up to n bytes; *used says how many belonged to this response
 * (the rest starts the next one). Returns 0 when the response is complete,
 * EXH_EAGAIN for more, EXH_EINVAL when the bytes are not HTTP, EXH_ELIMIT
 * when the head passes its cap. */
int http_resp_feed(struct http_resp *r, const char *p, size_t n, size_t *used);
/* The peer closed the connection: completes a close-framed body. */
int http_resp_eof(struct http_resp *r);
/* First header of that name (case-insensitive), or NULL. */
const struct view *http_resp_header(const struct http_resp *r,
                                    const char *name);

#endif
