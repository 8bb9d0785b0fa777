/* The probe plan fed by a hostile server: the input is a stream of HTTP
 * responses, answered to whatever the plan asks next (a byte that does not
 * parse is a reset), with every check on; then the observation is judged
 * and written as JSONL and CSV, where every server byte must come out
 * escaped. */
#include "scan/probe.h"
#include "scan/record.h"
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kb *kb;
	struct observation o;
	struct probe p;
	struct probe_req req;
	struct judge_out v;
	struct buf out;
	size_t off = 0;
	int steps = 0;

	if (!kb && kb_load(NULL, &kb))
		abort();
	memset(&o, 0, sizeof o);
	o.ip = 0x7f000001;
	o.port = 443;
	probe_init(&p, kb, CHECK_ALL, &o);
	while (probe_next(&p, &req) && steps++ < 300) {
		struct http_resp r;
		size_t used = 0;
		int rc;
		if (off >= size) {
			probe_feed(&p, &req, NULL);
			continue;
		}
		http_resp_init(&r, false);
		rc = http_resp_feed(&r, (const char *)data + off, size - off,
		                    &used);
		if (rc == -6 && http_resp_eof(&r) == 0)
			rc = 0;
		off += used ? used : size - off;
		if (rc == 0)
			probe_feed(&p, &req, &r);
		else
			probe_feed(&p, &req, NULL);
		http_resp_release(&r);
	}
	observation_judge(kb, &o, &v);
	buf_init(&out, 1 << 20);
	record_jsonl(kb, "fuzz", &o, &v, &out);
	record_csv(kb, &o, &v, &out);
	/* Nothing a server sent reaches the output raw: no control bytes. */
	for (size_t i = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.p[i];
		if (c < 0x20 && c != '\n' && c != '\r')
			__builtin_trap();
	}
	buf_release(&out);
	return 0;
}
