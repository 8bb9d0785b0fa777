#include "net/http_req.h"
#include "base/err.h"
#include "base/limits.h"
#include <string.h>
#include "base/banned.h"

int http_req_parse(const char *data, size_t len, struct http_req *r)
{
	struct view all, line, word;
	const char *end = NULL;
	size_t i;
	bool http11;

	for (i = 0; i + 1 < len; i++) {
		if (data[i] == '\n' && data[i + 1] == '\n') {
			end = data + i + 2;
			break;
		}
		if (data[i] == '\n' && data[i + 1] == '\r' && i + 2 < len &&
		    data[i + 2] == '\n') {
			end = data + i + 3;
			break;
		}
	}
	if (!end)
		return len > LIM_REQ_BYTES ? EXH_ELIMIT : EXH_EAGAIN;
	memset(r, 0, sizeof *r);
	r->head_len = (size_t)(end - data);
	if (r->head_len > LIM_REQ_BYTES)
		return EXH_ELIMIT;
	all = (struct view){data, r->head_len};
	view_split(&all, '\n', &line);
	line = view_trim(line);
	if (!view_split(&line, ' ', &r->method) || r->method.len == 0)
		return EXH_EINVAL;
	if (!view_split(&line, ' ', &r->target) || r->target.len == 0 ||
	    r->target.p[0] != '/')
		return EXH_EINVAL;
	if (!view_starts_ci(line, VIEW_LIT("HTTP/1.")))
		return EXH_EINVAL;
	http11 = line.len >= 8 && line.p[7] == '1';
	r->keep_alive = http11;
	while (all.len) {
		struct view name;
		view_split(&all, '\n', &line);
		line = view_trim(line);
		if (line.len == 0)
			break;
		if (!view_split(&line, ':', &name))
			return EXH_EINVAL;
		line = view_trim(line);
		if (view_eq_ci(name, VIEW_LIT("Host")))
			r->host = line;
		else if (view_eq_ci(name, VIEW_LIT("Cookie")))
			r->cookie = line;
		else if (view_eq_ci(name, VIEW_LIT("Authorization")))
			r->authorization = line;
		else if (view_eq_ci(name, VIEW_LIT("Connection"))) {
			if (view_find_ci(line, VIEW_LIT("close")) >= 0)
				r->keep_alive = false;
			else if (view_find_ci(line, VIEW_LIT("keep-alive")) >=
			         0)
				r->keep_alive = true;
		} else if (view_eq_ci(name, VIEW_LIT("Content-Length"))) {
			if (!view_to_u64(line, 1u << 20, &r->content_length))
				return EXH_EINVAL;
		}
	}
	(void)word;
	return 0;
}
