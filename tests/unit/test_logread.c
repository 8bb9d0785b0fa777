/* Log reading: fields bound by name whatever their order, "#" metadata,
 * a plain header line, quotes, UTF-16 with a BOM, NUL bytes, CRLF, long
 * lines. */
#include "hunt/logread.h"
#include "check.h"

struct seen {
	char anchor[128];
	int records;
	uint64_t last_line;
};

static int grab(void *ctx, const struct log_fields *f, struct log_rec *r)
{
	struct seen *s = ctx;
	struct view v;
	int i = f ? log_field(f, "anchormailbox") : -1;

	s->records++;
	s->last_line = r->line;
	v = log_get(r, i);
	if (v.len < sizeof s->anchor) {
		memcpy(s->anchor, v.p, v.len);
		s->anchor[v.len] = '\0';
	}
	return 0;
}

static const struct {
	const char *name, *text;
	size_t len;
	enum log_format fmt;
	int records;
	const char *anchor;
} cases[] = {
    {"fields line",
     "#Software: x\r\n#Fields: DateTime,AnchorMailbox,UserAgent\r\n"
     "2021-03-03T00:00:00Z,ServerInfo~a]@x:444/mapi/#,ua\r\n",
     0, LOG_CSV, 1, "ServerInfo~a]@x:444/mapi/#"},
    {"other order", "#Fields: UserAgent,AnchorMailbox\n\"a, b\",\"Sid~1\"\n", 0,
     LOG_CSV, 1, "Sid~1"},
    {"plain header", "DateTime,AnchorMailbox\r\n1,SMTP:a@b\r\n2,SMTP:c@d\r\n",
     0, LOG_CSV, 2, "SMTP:c@d"},
    {"header repeated",
     "#Fields: DateTime,AnchorMailbox\nDateTime,AnchorMailbox\n1,X\n", 0,
     LOG_CSV, 1, "X"},
#define UTF16                                                                  \
	"\xff\xfe#\0F\0i\0e\0l\0d\0s\0:\0 "                                    \
	"\0A\0n\0c\0h\0o\0r\0M\0a\0i\0l\0b\0o\0x\0\n\0Z\0\n\0"
    {"utf16 bom", UTF16, sizeof UTF16 - 1, LOG_CSV, 1, "Z"},
#define NULS "#Fields: AnchorMailbox\nA\0B\n"
    {"nul bytes", NULS, sizeof NULS - 1, LOG_CSV, 1, "AB"},
    {"w3c",
     "#Fields: date time cs-uri-stem AnchorMailbox\n2021-01-01 00:00:00 /owa/ "
     "W\n",
     0, LOG_W3C, 1, "W"},
    {"no final newline", "#Fields: AnchorMailbox\nlast", 0, LOG_CSV, 1, "last"},
    {"text", "line one\nline two\n", 0, LOG_TEXT, 2, ""},
};

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct seen s = {"", 0, 0};
		struct log_stats st;
		size_t len =
		    cases[i].len ? cases[i].len : strlen(cases[i].text);
		logread_mem(cases[i].text, len, cases[i].fmt, grab, &s, &st);
		check_count++;
		if (s.records != cases[i].records ||
		    strcmp(s.anchor, cases[i].anchor)) {
			fprintf(stderr, "%s: %d records, anchor '%s'\n",
			        cases[i].name, s.records, s.anchor);
			check_failures++;
		}
	}
	/* A line over the cap is truncated and counted, not fatal. */
	{
		static char big[LIM_LOG_LINE * 2 + 64];
		struct seen s = {"", 0, 0};
		struct log_stats st;
		size_t n;
		memcpy(big, "#Fields: AnchorMailbox\n", 23);
		memset(big + 23, 'a', LIM_LOG_LINE + 100);
		n = 23 + LIM_LOG_LINE + 100;
		memcpy(big + n, "\nnext\n", 6);
		logread_mem(big, n + 6, LOG_CSV, grab, &s, &st);
		CHECK(st.long_lines == 1 && s.records == 2 &&
		      !strcmp(s.anchor, "next"));
		CHECK(s.last_line == 3);
	}
	return check_done();
}
