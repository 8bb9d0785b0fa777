#include "scan/record.h"
#include "base/csv.h"
#include "base/timefmt.h"
#include "base/ip4.h"
#include "base/json.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "base/banned.h"

const char record_csv_header[] =
    "timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,"
    "naics,hostname_source,sector,version,servername,url\n";

bool record_eol(const struct kb *kb, int product, int64_t t)
{
	char day[32];

	if (product < 0)
		return false;
	time_iso(t, day);
	day[10] = '\0';
	return strcmp(day, kb->products[product].eos) > 0;
}

/* Distinct server names seen (X-FEServer, NTLM NetBIOS and DNS names). */
static int server_names(const struct observation *o, const char *names[4])
{
	const char *cand[] = {o->fe_server, o->ntlm.netbios_computer,
	                      o->ntlm.dns_computer, o->pool_other};
	int n = 0, i, j;

	for (i = 0; i < 4; i++) {
		bool dup = false;
		if (!cand[i][0])
			continue;
		for (j = 0; j < n; j++)
			if (strcasecmp(names[j], cand[i]) == 0)
				dup = true;
		if (!dup)
			names[n++] = cand[i];
	}
	return n;
}

static int add_build_name(const struct kb *kb, const struct observation *o,
                          struct buf *b)
{
	const struct kb_build *kbb = kb_nearest(kb, o->build);
	char name[96];

	if (!kbb || o->product < 0)
		return buf_adds(b, "null");
	if (o->precision == PREC_SU && strcmp(kbb->update, "RTM") != 0)
		snprintf(name, sizeof name, "%s %s %s",
		         kb->products[o->product].title, kbb->cu, kbb->update);
	else
		snprintf(name, sizeof name, "%s %s",
		         kb->products[o->product].title, kbb->cu);
	return json_cstr(b, name);
}

int record_jsonl(const struct kb *kb, const char *scan_id,
                 const struct observation *o, const struct judge_out *v,
                 struct buf *b)
{
	char ip[IP4_STRLEN], t[32], bs[BUILD_STRLEN];
	const char *names[4];
	int i, n;

	ip4_format(o->ip, ip);
	time_iso(o->time, t);
	buf_adds(b, "{\"scan_id\":");
	json_cstr(b, scan_id);
	buf_printf(b, ",\"seq\":%llu,\"time\":\"%s\",\"ip\":",
	           (unsigned long long)o->index, t);
	o->ip ? json_cstr(b, ip) : buf_adds(b, "null");
	buf_printf(b, ",\"port\":%d,\"hostname\":", o->port);
	json_cstr(b, o->hostname);
	buf_printf(b,
	           ",\"exchange\":%s,\"exchange_online\":%s,"
	           "\"pool\":%s,\"product\":",
	           o->exchange ? "true" : "false", o->online ? "true" : "false",
	           o->pool ? "true" : "false");
	if (o->exchange && o->product >= 0)
		json_cstr(b, kb->products[o->product].name);
	else
		buf_adds(b, "null");
	buf_adds(b, ",\"build\":");
	if (o->exchange && o->precision != PREC_NONE) {
		build_format(o->build, o->precision == PREC_CU, bs);
		buf_printf(b,
		           "\"%s\",\"build_precision\":\"%s\","
		           "\"build_source\":\"%s\",\"build_name\":",
		           bs, precision_word(o->precision), o->build_source);
		buf_latch(b, add_build_name(kb, o, b));
	} else {
		buf_adds(b, "null,\"build_precision\":null,"
		            "\"build_source\":null,\"build_name\":null");
	}
	buf_adds(b, ",\"exporttool_version\":");
	if (o->manifest) {
		build_format(o->manifest, false, bs);
		buf_printf(b, "\"%s\"", bs);
	} else {
		buf_adds(b, "null");
	}
	buf_printf(b, ",\"eol\":%s",
	           o->exchange && record_eol(kb, o->product, o->time)
	               ? "true"
	               : "false");
	buf_adds(b, ",\"server_names\":[");
	n = server_names(o, names);
	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(b, ',');
		json_cstr(b, names[i]);
	}
	buf_adds(b, "],\"ntlm\":");
	if (o->have_ntlm) {
		buf_adds(b, "{\"netbios_computer\":");
		json_cstr(b, o->ntlm.netbios_computer);
		buf_adds(b, ",\"netbios_domain\":");
		json_cstr(b, o->ntlm.netbios_domain);
		buf_adds(b, ",\"dns_computer\":");
		json_cstr(b, o->ntlm.dns_computer);
		buf_adds(b, ",\"dns_domain\":");
		json_cstr(b, o->ntlm.dns_domain);
		buf_printf(b, ",\"os_build\":\"%u.%u.%u\"}", o->ntlm.os_major,
		           o->ntlm.os_minor, o->ntlm.os_build);
	} else {
		buf_adds(b, "null");
	}
	buf_adds(b, ",\"verdicts\":");
	buf_latch(b, judge_json(kb, v, false, b));
	buf_adds(b, ",\"verdict_basis\":");
	buf_latch(b, judge_json(kb, v, true, b));
	buf_adds(b, ",\"checks\":{");
	{
		bool first = true;
		if ((o->checks_run & CHECK_SSRF)) {
			buf_printf(b, "\"ssrf-26855\":\"%s\"",
			           check_word(o->ssrf));
			first = false;
		}
		if ((o->checks_run & CHECK_PROXYSHELL)) {
			buf_printf(b, "%s\"proxyshell\":\"%s\"",
			           first ? "" : ",", check_word(o->proxyshell));
			first = false;
		}
		if ((o->checks_run & CHECK_MITIGATION)) {
			buf_printf(b, "%s\"mitigation\":\"%s\"",
			           first ? "" : ",", observation_mitigation(o));
			first = false;
		}
		if ((o->checks_run & CHECK_WEBSHELLS))
			buf_printf(b, "%s\"webshells\":\"%s\"",
			           first ? "" : ",", observation_shells(o));
	}
	buf_adds(b, "},\"webshells\":[");
	for (i = 0; i < o->nshells; i++) {
		if (i)
			buf_addc(b, ',');
		json_cstr(b, kb->webshell_paths[o->shells[i]]);
	}
	buf_adds(b, "],\"tls\":");
	if (o->tls_version[0]) {
		buf_printf(b,
		           "{\"version\":\"%s\",\"cert_sha256\":\"%s\","
		           "\"cert_cn\":",
		           o->tls_version, o->cert_sha256);
		json_cstr(b, o->cert_cn);
		buf_addc(b, '}');
	} else {
		buf_adds(b, "null");
	}
	buf_printf(b, ",\"http_status\":%d,\"error\":", o->first_status);
	o->error[0] ? json_cstr(b, o->error) : buf_adds(b, "null");
	buf_adds(b, "}\n");
	return buf_error(b);
}

int record_csv(const struct kb *kb, const struct observation *o,
               const struct judge_out *v, struct buf *b)
{
	char t[32], ip[IP4_STRLEN], port[8], tag[1024] = "",
	                                     bs[BUILD_STRLEN] = "", url[600];
	const char *severity = "info", *names[4];
	size_t tl = 0;
	int i;

	if (!o->exchange)
		return 0;
	time_iso(o->time, t);
	t[10] = ' ';
	t[19] = '\0';
	ip4_format(o->ip, ip);
	snprintf(port, sizeof port, "%d", o->port);
	for (i = 0; i < v->n; i++) {
		if (v->v[i].verdict == V_VULNERABLE) {
			severity = "critical";
			tl += (size_t)snprintf(tag + tl, sizeof tag - tl,
			                       "%s%s", tl ? ";" : "",
			                       kb->cves[v->v[i].cve].id);
			if (tl >= sizeof tag)
				tl = sizeof tag - 1;
		} else if (v->v[i].verdict == V_LIKELY &&
		           strcmp(severity, "info") == 0) {
			severity = "high";
		}
	}
	for (i = 0; tag[i]; i++)
		if (tag[i] >= 'A' && tag[i] <= 'Z')
			tag[i] = (char)(tag[i] + 32);
	if (o->nshells) {
		severity = "critical";
		snprintf(tag, sizeof tag, "exchange;webshell");
		snprintf(url, sizeof url, "https://%s%s",
		         o->hostname ? o->hostname : ip,
		         kb->webshell_paths[o->shells[0]]);
	} else {
		snprintf(url, sizeof url, "https://%s/owa/",
		         o->hostname ? o->hostname : ip);
	}
	if (o->precision != PREC_NONE)
		build_format(o->build, o->precision == PREC_CU, bs);
	csv_field(b, t, false);
	csv_field(b, severity, false);
	csv_field(b, ip, false);
	csv_field(b, "tcp", false);
	csv_field(b, port, false);
	csv_field(b, o->hostname ? o->hostname : "", false);
	csv_field(b, tag, false);
	for (i = 0; i < 5; i++) /* asn, geo, region, city, naics */
		csv_field(b, "", false);
	csv_field(b, o->hostname ? "input" : "", false);
	csv_field(b, "", false); /* sector */
	csv_field(b, bs, false);
	csv_field(b, server_names(o, names) ? names[0] : "", false);
	csv_field(b, url, true);
	return buf_error(b);
}
