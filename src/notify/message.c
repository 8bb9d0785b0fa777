#include "notify/message.h"
#include "base/limits.h"
#include "base/array.h"
#include "base/csv.h"
#include "base/err.h"
#include "base/file.h"
#include "base/json.h"
#include "base/log.h"
#include "base/text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/banned.h"

int notice_add(struct notice *nt, const struct notice_server *s)
{
	if (array_reserve(&nt->s, &nt->cap, nt->n + 1, sizeof *nt->s, 8))
		return EXH_ENOMEM;
	nt->s[nt->n++] = *s;
	return 0;
}

void notice_release(struct notice *nt)
{
	free(nt->s);
	nt->s = NULL;
	nt->n = nt->cap = 0;
}

int notice_templates_load(const char *dir, struct notice_templates *t)
{
	static const char *const names[] = {
	    "notify/subject.txt", "notify/body.txt", "notify/body.html"};
	struct buf *b[] = {&t->subject, &t->text, &t->html};
	int i;

	for (i = 0; i < 3; i++) {
		buf_init(b[i], 1 << 20);
		if (dir) {
			char path[4096];
			const char *why = NULL;
			snprintf(path, sizeof path, "%s/%s", dir, names[i] + 7);
			if (file_read(path, 1 << 20, b[i], &why)) {
				log_error("%s: %s", path,
				          why ? why : "cannot read");
				return EXH_EINVAL;
			}
		} else if (data_load(NULL, names[i], b[i])) {
			return EXH_EIO;
		}
	}
	return 0;
}

void notice_templates_release(struct notice_templates *t)
{
	buf_release(&t->subject);
	buf_release(&t->text);
	buf_release(&t->html);
}

int base64_lines(struct buf *out, const void *data, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	size_t i, col = 0;

	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		char q[4];
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = tab[v >> 18 & 63];
		q[1] = tab[v >> 12 & 63];
		q[2] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? tab[v & 63] : '=';
		buf_add(out, q, 4);
		col += 4;
		if (col >= 76) {
			buf_adds(out, "\r\n");
			col = 0;
		}
	}
	if (col)
		buf_adds(out, "\r\n");
	return buf_error(out);
}

/* Values for the templates' {{name}} fields. */
struct field {
	const char *name;
	const char *value;
	bool raw_html; /* already HTML: not escaped in the HTML template */
};

static void expand(struct buf *out, const struct buf *tpl,
                   const struct field *f, int nf, bool html)
{
	const char *s = tpl->p, *e = tpl->p + tpl->len;

	while (s < e) {
		const char *open = memmem(s, (size_t)(e - s), "{{", 2);
		const char *close;
		int i;
		if (!open) {
			buf_add(out, s, (size_t)(e - s));
			break;
		}
		buf_add(out, s, (size_t)(open - s));
		close = memmem(open, (size_t)(e - open), "}}", 2);
		if (!close) {
			buf_add(out, open, (size_t)(e - open));
			break;
		}
		for (i = 0; i < nf; i++)
			if (strlen(f[i].name) == (size_t)(close - open - 2) &&
			    memcmp(f[i].name, open + 2, strlen(f[i].name)) == 0)
				break;
		if (i == nf)
			buf_add(out, open, (size_t)(close + 2 - open));
		else if (html && !f[i].raw_html)
			html_escape(out, f[i].value);
		else
			buf_adds(out, f[i].value);
		s = close + 2;
	}
}

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

static void servers_text(struct buf *b, const struct notice *nt)
{
	size_t i;

	for (i = 0; i < nt->n; i++) {
		const struct notice_server *s = &nt->s[i];
		buf_printf(b,
		           "Server %zu: %s port %d%s%s\n"
		           "  server name:   %s\n"
		           "  version:       %s (build %s)\n"
		           "  vulnerable:    %s\n",
		           i + 1, s->ip, s->port,
		           s->hostname[0] ? ", name " : "", s->hostname,
		           or_dash(s->name), or_dash(s->build_name),
		           or_dash(s->build), or_dash(s->vulnerable));
		if (s->likely[0])
			buf_printf(b,
			           "  likely vulnerable (the build is "
			           "known to the CU only): %s\n",
			           s->likely);
		if (s->nshells)
			buf_printf(b,
			           "  WEB SHELL answered at: %s\n"
			           "  -> this server is compromised\n",
			           s->shells);
		buf_printf(b,
		           "  first seen:    %s\n"
		           "  seen in scan:  %s\n"
		           "  to do:         %s\n\n",
		           or_dash(s->first_seen), or_dash(s->seen),
		           or_dash(s->fix));
	}
}

static void cell(struct buf *b, const char *s)
{
	buf_adds(b, "<td>");
	html_escape(b, or_dash(s));
	buf_adds(b, "</td>");
}

static void servers_html(struct buf *b, const struct notice *nt)
{
	size_t i;

	buf_adds(b, "<table border=\"1\" cellpadding=\"4\" "
	            "style=\"border-collapse:collapse\"><tr><th>address</th>"
	            "<th>port</th><th>server</th><th>version</th><th>build</th>"
	            "<th>vulnerable</th><th>web shells</th><th>first seen</th>"
	            "<th>to do</th></tr>");

	for (i = 0; i < nt->n; i++) {
		const struct notice_server *s = &nt->s[i];
		char port[16];
		snprintf(port, sizeof port, "%d", s->port);
		buf_adds(b, "<tr>");
		cell(b, s->ip);
		cell(b, port);
		cell(b, s->name);
		cell(b, s->build_name);
		cell(b, s->build);
		cell(b, s->vulnerable[0] ? s->vulnerable : s->likely);
		cell(b, s->shells);
		cell(b, s->first_seen);
		cell(b, s->fix);
		buf_adds(b, "</tr>");
	}
	buf_adds(b, "</table>");
}

/* Shadowserver scan_exchange columns (docs/scan-output.md). */
static void servers_csv(struct buf *b, const struct notice *nt)
{
	size_t i;

	buf_adds(b, "timestamp,severity,ip,protocol,port,hostname,"
	            "tag,asn,geo,region,city,naics,hostname_source,"
	            "sector,version,servername,url\r\n");

	for (i = 0; i < nt->n; i++) {
		const struct notice_server *s = &nt->s[i];
		char tag[700], port[16], *p;
		snprintf(port, sizeof port, "%d", s->port);
		if (s->nshells)
			snprintf(tag, sizeof tag, "exchange;webshell");
		else
			snprintf(tag, sizeof tag, "%s",
			         s->vulnerable[0] ? s->vulnerable : s->likely);
		for (p = tag; *p; p++) {
			if (*p == ' ')
				*p = ';';
			else if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		}
		csv_field(b, s->seen, false);
		csv_field(b,
		          s->nshells || s->vulnerable[0] ? "critical" : "high",
		          false);
		csv_field(b, s->ip, false);
		csv_field(b, "tcp", false);
		csv_field(b, port, false);
		csv_field(b, s->hostname, false);
		csv_field(b, tag, false);
		csv_field(b, s->asn, false);
		csv_field(b, s->country, false);
		buf_adds(b, ",,,");
		csv_field(b, s->hostname[0] ? "input" : "", false);
		csv_field(b, "", false);
		csv_field(b, s->build, false);
		csv_field(b, s->name, false);
		csv_field(b, s->shells, true);
		/* csv_field ends rows with '\n': make it CRLF */
		if (b->len && b->p[b->len - 1] == '\n') {
			b->len--;
			buf_adds(b, "\r\n");
		}
	}
}

/* A XARF party object: ,"key":{"org":..,"contact":..,"domain":..} */
static void party(struct buf *b, const char *key, const struct notice_opts *o,
                  const char *at)
{
	buf_printf(b, ",\"%s\":{\"org\":", key);
	json_cstr(b, o->reporter);
	buf_adds(b, ",\"contact\":");
	json_cstr(b, o->from);
	buf_adds(b, ",\"domain\":");
	json_cstr(b, at ? at + 1 : "");
	buf_addc(b, '}');
}

/* One XARF v4 report for one server: infrastructure/compromised_server
 * when a web shell answered, else vulnerability/cve. */
static void xarf(struct buf *b, const struct notice_server *s,
                 const struct notice_opts *o)
{
	const char *dom = strchr(o->from, '@');
	char first[32] = "", id[40];
	uint64_t h = text_hash(o->round, text_hash(s->ip, TEXT_HASH_START));

	h = text_hash(s->vulnerable, h ^ (uint64_t)s->port);
	snprintf(id, sizeof id, "%08x-%04x-4%03x-8%03x-%012llx",
	         (unsigned)(h >> 32), (unsigned)(h >> 16) & 0xffff,
	         (unsigned)h & 0xfff, (unsigned)(h >> 20) & 0xfff,
	         (unsigned long long)(h * 0x9e3779b97f4a7c15ull) &
	             0xffffffffffffull);
	{
		const char *v = s->vulnerable[0] ? s->vulnerable : s->likely;
		size_t k = strcspn(v, " ");
		snprintf(first, sizeof first, "%.*s", (int)(k < 31 ? k : 31),
		         v);
	}
	buf_printf(b,
	           "{\"xarf_version\":\"4.0.0\",\"report_id\":\"%s\","
	           "\"timestamp\":",
	           id);
	json_cstr(b, s->seen);
	/* we both report and send */
	party(b, "reporter", o, dom);
	party(b, "sender", o, dom);
	buf_adds(b, ",\"source_identifier\":");
	json_cstr(b, s->ip);
	buf_printf(b, ",\"source_port\":%d", s->port);
	if (s->nshells) {
		buf_adds(b, ",\"category\":\"infrastructure\","
		            "\"type\":\"compromised_server\"");
	} else {
		buf_adds(b, ",\"category\":\"vulnerability\","
		            "\"type\":\"cve\",\"cve_id\":");
		json_cstr(b, first);
	}
	buf_adds(b, ",\"evidence_source\":\"vulnerability_scan\","
	            "\"service\":\"https\",\"service_version\":");
	json_cstr(b, s->build_name[0] ? s->build_name : s->build);
	buf_adds(b, ",\"remediation\":");
	json_cstr(b, s->fix);
	buf_printf(b, ",\"patch_available\":%s,\"tags\":[\"exchange\"",
	           strncmp(s->fix, "install ", 8) == 0 ? "true" : "false");
	{
		char all[1300], *tok, *save = NULL;
		snprintf(all, sizeof all, "%s %s", s->vulnerable, s->likely);
		for (tok = strtok_r(all, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save)) {
			buf_addc(b, ',');
			json_cstr(b, tok);
		}
	}
	if (s->nshells) {
		char all[1024], *tok, *save = NULL;
		buf_adds(b, ",\"webshell\"],\"evidence\":[");
		snprintf(all, sizeof all, "%s", s->shells);
		for (tok = strtok_r(all, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save)) {
			if (b->p[b->len - 1] == '}')
				buf_addc(b, ',');
			buf_adds(b, "{\"content_type\":\"text/uri-"
			            "list\",\"description\":\"a web "
			            "shell answered at this URL "
			            "path\",\"payload\":");
			json_cstr(b, tok);
			buf_addc(b, '}');
		}
		buf_addc(b, ']');
	} else {
		buf_addc(b, ']');
	}
	buf_adds(b, "}\r\n");
}

static void part_header(struct buf *b, const char *boundary, const char *type,
                        const char *filename)
{
	buf_printf(b, "--%s\r\nContent-Type: %s", boundary, type);

	if (filename)
		buf_printf(b,
		           "; name=\"%s\"\r\nContent-Disposition: "
		           "attachment; filename=\"%s\"",
		           filename, filename);
	buf_adds(b, "\r\nContent-Transfer-Encoding: base64\r\n\r\n");
}

/* A header value on one line: CR and LF become spaces; non-ASCII is sent
 * as an RFC 2047 encoded word. */
static void header_text(struct buf *out, const char *name, const char *v)
{
	size_t i, n = strlen(v);
	bool ascii = true;
	char *t = malloc(n + 1);

	if (!t) {
		buf_latch(out, EXH_ENOMEM);
		return;
	}
	for (i = 0; i < n; i++) {
		t[i] = v[i] == '\r' || v[i] == '\n' ? ' ' : v[i];
		ascii = ascii && (unsigned char)v[i] < 128;
	}
	t[n] = '\0';
	while (n && t[n - 1] == ' ')
		t[--n] = '\0';
	buf_printf(out, "%s: ", name);
	if (ascii) {
		buf_adds(out, t);
	} else {
		struct buf enc;
		buf_init(&enc, 1 << 20);
		/* one encoded word: drop the line breaks base64_lines adds */
		if (buf_latch(out, base64_lines(&enc, t, n)) == 0) {
			size_t k, o = 0;
			for (k = 0; k < enc.len; k++)
				if (enc.p[k] != '\r' && enc.p[k] != '\n')
					enc.p[o++] = enc.p[k];
			enc.len = o;
			buf_adds(out, "=?utf-8?B?");
			buf_add(out, enc.p, enc.len);
			buf_adds(out, "?=");
		}
		buf_release(&enc);
	}
	free(t);
	buf_adds(out, "\r\n");
}

/* Text parts with CRLF line ends. */
static void crlf(struct buf *out, const struct buf *in)
{
	size_t i;

	for (i = 0; i < in->len; i++) {
		if (in->p[i] == '\n' && (i == 0 || in->p[i - 1] != '\r'))
			buf_addc(out, '\r');
		buf_addc(out, in->p[i]);
	}
}

int notice_render(const struct notice *nt, const struct notice_opts *o,
                  const struct notice_templates *t, const char *message_id,
                  struct buf *out)
{
	struct buf st, sh, subj, text, html, tmp, csv;
	char count[24], date[64], mixed[64], alt[64], fname[96];
	const char *org = nt->to->org[0] ? nt->to->org : nt->to->email;
	struct tm tm;
	time_t now = time(NULL);
	size_t i;
	int rc;

	buf_init(&st, 64u << 20);
	buf_init(&sh, 64u << 20);
	buf_init(&subj, 1 << 20);
	buf_init(&text, 64u << 20);
	buf_init(&html, 64u << 20);
	buf_init(&tmp, 64u << 20);
	buf_init(&csv, 64u << 20);
	snprintf(count, sizeof count, "%zu", nt->n);
	servers_text(&st, nt);
	servers_html(&sh, nt);
	buf_addc(&st, '\0');
	buf_addc(&sh, '\0');
	{
		const struct field f[] = {
		    {"recipient_org", org, false},
		    {"count", count, false},
		    {"via", nt->via, false},
		    {"reporter", o->reporter, false},
		    {"reporter_contact", o->from, false},
		    {"help", o->help, false},
		    {"round", o->round, false},
		    {"round_date", o->round_date, false},
		    {"servers_text", st.p, false},
		    {"servers_html", sh.p, true},
		};
		int nf = (int)(sizeof f / sizeof f[0]);
		expand(&subj, &t->subject, f, nf, false);
		buf_addc(&subj, '\0');
		expand(&tmp, &t->text, f, nf, false);
		crlf(&text, &tmp);
		expand(&html, &t->html, f, nf, true);
	}
	if (!gmtime_r(&now, &tm) ||
	    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm) ==
	        0)
		snprintf(date, sizeof date, "Thu, 01 Jan 1970 00:00:00 +0000");
	snprintf(
	    mixed, sizeof mixed, "=_exhunt_mixed_%016llx",
	    (unsigned long long)text_hash(message_id, 1469598103934665603ull));
	snprintf(alt, sizeof alt, "=_exhunt_alt_%016llx",
	         (unsigned long long)text_hash(message_id, 7));
	buf_printf(out, "From: %s\r\nTo: %s\r\n", o->from, nt->to->email);
	header_text(out, "Subject", subj.p);
	buf_printf(out,
	           "Date: %s\r\nMessage-ID: <%s>\r\n"
	           "MIME-Version: 1.0\r\n"
	           "Auto-Submitted: auto-generated\r\n"
	           "X-Exhunt-Round: %s\r\n"
	           "Content-Type: multipart/mixed; "
	           "boundary=\"%s\"\r\n\r\n"
	           "This is a MIME message.\r\n",
	           date, message_id, o->round, mixed);
	buf_printf(out,
	           "--%s\r\nContent-Type: multipart/alternative; "
	           "boundary=\"%s\"\r\n\r\n",
	           mixed, alt);
	part_header(out, alt, "text/plain; charset=utf-8", NULL);
	base64_lines(out, text.p, text.len);
	part_header(out, alt, "text/html; charset=utf-8", NULL);
	base64_lines(out, html.p, html.len);
	buf_printf(out, "--%s--\r\n", alt);
	servers_csv(&csv, nt);
	part_header(out, mixed, "text/csv; charset=utf-8",
	            "exchange-servers.csv");
	base64_lines(out, csv.p, csv.len);
	/* One XARF report per server; past LIM_XARF_PARTS servers, the reports
	 * travel as one JSON Lines attachment. */
	if (nt->n <= LIM_XARF_PARTS) {
		for (i = 0; i < nt->n; i++) {
			buf_latch(out, buf_error(&tmp));
			buf_reset(&tmp);
			xarf(&tmp, &nt->s[i], o);
			snprintf(fname, sizeof fname, "xarf-%s-%d.json",
			         nt->s[i].ip, nt->s[i].port);
			part_header(out, mixed, "application/json", fname);
			base64_lines(out, tmp.p, tmp.len);
		}
	} else {
		buf_latch(out, buf_error(&tmp));
		buf_reset(&tmp);
		for (i = 0; i < nt->n; i++)
			xarf(&tmp, &nt->s[i], o);
		part_header(out, mixed, "application/x-ndjson",
		            "xarf-reports.jsonl");
		base64_lines(out, tmp.p, tmp.len);
	}
	buf_printf(out, "--%s--\r\n", mixed);
	/* a part that did not fit fails the whole message */
	buf_latch(out, buf_error(&st));
	buf_latch(out, buf_error(&sh));
	buf_latch(out, buf_error(&subj));
	buf_latch(out, buf_error(&text));
	buf_latch(out, buf_error(&html));
	buf_latch(out, buf_error(&tmp));
	buf_latch(out, buf_error(&csv));
	rc = buf_error(out);
	buf_release(&st);
	buf_release(&sh);
	buf_release(&subj);
	buf_release(&text);
	buf_release(&html);
	buf_release(&tmp);
	buf_release(&csv);
	return rc;
}
