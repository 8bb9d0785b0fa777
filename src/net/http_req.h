/* A bounded HTTP/1.x request-head parser, for the lab's server side. */
#ifndef EXH_NET_HTTP_REQ_H
#define EXH_NET_HTTP_REQ_H
#include "base/view.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct http_req {
	struct view method, target, host, cookie, authorization;
	bool keep_alive;
	uint64_t content_length;
	size_t head_len; /* bytes of the head, blank line included */
};

/* Parses a request head at the start of data. Returns 0 with *r filled
 * (views point into data), EXH_EAGAIN when the head is not complete yet,
 * EXH_EINVAL when it is not HTTP, EXH_ELIMIT past LIM_REQ_BYTES. */
int http_req_parse(const char *data, size_t len, struct http_req *r);

#endif
