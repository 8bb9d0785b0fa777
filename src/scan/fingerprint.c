#include "scan/fingerprint.h"
#include "base/limits.h"
#include "base/text.h"
#include <string.h>
#include "base/banned.h"

/* Reads a dotted version of 3 or 4 numeric parts at v (leading zeros
 * allowed), up to a character that is neither digit nor dot. */
static int dotted(struct view v, build_t *out, size_t *used)
{
	uint64_t part[4] = {0};
	size_t i = 0;
	int n = 0, digits = 0;

	while (i < v.len && n < 4) {
		char c = v.p[i];
		if (c >= '0' && c <= '9') {
			if (++digits > 5)
				return 0;
			part[n] = part[n] * 10 + (uint64_t)(c - '0');
			i++;
		} else if (c == '.' && digits) {
			n++;
			digits = 0;
			i++;
		} else {
			break;
		}
	}
	if (digits)
		n++;
	else if (i && v.p[i - 1] == '.')
		return 0;
	if (n < 3 || (i < v.len && v.p[i] >= '0' && v.p[i] <= '9'))
		return 0;
	for (int k = 0; k < 4; k++)
		if (part[k] > 65535)
			return 0;
	*out = BUILD(part[0], part[1], part[2], n == 4 ? part[3] : 0);
	*used = i;
	return n;
}

bool fp_plausible(build_t b)
{
	unsigned major = (unsigned)(b >> 48),
	         minor = (unsigned)(b >> 32) & 0xffff,
	         bld = (unsigned)(b >> 16) & 0xffff, rev = (unsigned)b & 0xffff;

	/* Exchange 2007 (8.0-8.3), 2010 (14.0-14.3), 2013 to SE
	 * (15.0-15.2); build and revision numbers far above any released
	 * (15.2.2562 is SE's RTM) are crafted, not a product. */
	if (!((major == 8 && minor <= 3) || (major == 14 && minor <= 3) ||
	      (major == 15 && minor <= 2)))
		return false;
	return bld <= 9999 && rev <= 2999;
}

bool fp_owa_path(struct view body, build_t *build, enum precision *prec)
{
	static const struct view pre[] = {VIEW_LIT("/owa/auth/"),
	                                  VIEW_LIT("/owa/")};
	size_t k;

	for (k = 0; k < 2; k++) {
		struct view rest = body;
		long at;
		while ((at = view_find_ci(rest, pre[k])) >= 0) {
			build_t b;
			size_t used;
			int parts;
			rest.p += at + (long)pre[k].len;
			rest.len -= (size_t)at + pre[k].len;
			parts = dotted(rest, &b, &used);
			if (!parts || used >= rest.len || rest.p[used] != '/')
				continue;
			/* 2013 and later write the CU (3 parts) under auth/;
			 * 2007 and 2010 write the full build right under
			 * /owa/. */
			if ((b >> 48) < 8 || (b >> 48) > 15 ||
			    ((b >> 48) < 15 && parts != 4) || !fp_plausible(b))
				continue;
			*build = b;
			*prec = parts == 4 ? PREC_SU : PREC_CU;
			return true;
		}
	}
	return false;
}

bool fp_is_owa_page(struct view body)
{
	static const struct view marks[] = {
	    VIEW_LIT("OwaPage = ASP.auth_logon_aspx"),
	    VIEW_LIT("<title>Outlook Web App</title>"),
	    VIEW_LIT("<title>Outlook</title>"),
	    VIEW_LIT("function IsOwaPremiumBrowser"),
	    VIEW_LIT("Microsoft Exchange - Outlook Web Access"),
	    VIEW_LIT("<title>Exchange Log In</title>"),
	};
	size_t i;

	for (i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (view_find(body, marks[i]) >= 0)
			return true;
	return false;
}

bool fp_version_header(struct view value, build_t *build)
{
	size_t used;

	value = view_trim(value);
	if (view_starts_ci(value, VIEW_LIT("Exchange/"))) {
		value.p += 9;
		value.len -= 9;
	}
	return dotted(value, build, &used) == 4 && used == value.len &&
	       (*build >> 48) >= 14 && (*build >> 48) <= 15 &&
	       fp_plausible(*build);
}

/* Value of attribute `name` inside one element's text, or an empty view. */
static struct view attr(struct view elem, struct view name)
{
	long at;

	while ((at = view_find(elem, name)) >= 0) {
		size_t i = (size_t)at + name.len;
		bool boundary = at == 0 || elem.p[at - 1] == ' ' ||
		                elem.p[at - 1] == '\t' ||
		                elem.p[at - 1] == '\n' ||
		                elem.p[at - 1] == '\r';
		elem.p += i;
		elem.len -= i;
		if (!boundary)
			continue;
		while (elem.len && (elem.p[0] == ' ' || elem.p[0] == '\t')) {
			elem.p++;
			elem.len--;
		}
		if (elem.len < 2 || elem.p[0] != '=')
			continue;
		elem.p++;
		elem.len--;
		while (elem.len && elem.p[0] == ' ') {
			elem.p++;
			elem.len--;
		}
		if (elem.len && (elem.p[0] == '"' || elem.p[0] == '\'')) {
			char q = elem.p[0];
			const char *end = memchr(elem.p + 1, q, elem.len - 1);
			if (!end)
				return (struct view){NULL, 0};
			return (struct view){elem.p + 1,
			                     (size_t)(end - elem.p - 1)};
		}
	}
	return (struct view){NULL, 0};
}

bool fp_manifest(struct view body, build_t *build)
{
	struct view rest = body;
	long at;

	while ((at = view_find(rest, VIEW_LIT("<assemblyIdentity"))) >= 0) {
		struct view elem, name, ver;
		const char *end;
		size_t used;
		rest.p += at + 17;
		rest.len -= (size_t)at + 17;
		end = memchr(rest.p, '>', rest.len);
		if (!end)
			return false;
		elem = (struct view){rest.p, (size_t)(end - rest.p)};
		name = attr(elem, VIEW_LIT("name"));
		ver = attr(elem, VIEW_LIT("version"));
		if (name.len >= 12 &&
		    view_eq_ci((struct view){name.p + name.len - 12, 12},
		               VIEW_LIT(".application")) &&
		    dotted(ver, build, &used) == 4 && used == ver.len &&
		    fp_plausible(*build))
			return true;
	}
	return false;
}

/* The whole of in (up to '=' padding) decoded into out, or 0 when it
 * holds anything else or more than cap bytes. */
static size_t b64decode(struct view in, unsigned char *out, size_t cap)
{
	size_t used, n = text_b64_decode(in, false, out, cap, &used);

	return used == in.len || in.p[used] == '=' ? n : 0;
}

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static unsigned long le32(const unsigned char *p)
{
	return (unsigned long)le16(p) | (unsigned long)le16(p + 2) << 16;
}

/* UTF-16LE to ASCII, replacing anything else with '?'. */
static void u16_ascii(const unsigned char *p, size_t n, char *dst)
{
	size_t i, o = 0;

	for (i = 0; i + 1 < n && o + 1 < FP_NAME_MAX; i += 2) {
		unsigned c = le16(p + i);
		dst[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[o] = '\0';
}

bool fp_ntlm(struct view value, struct ntlm_info *out)
{
	unsigned char msg[LIM_NTLM_BYTES];
	size_t n;
	unsigned long ti_off, flags;
	unsigned ti_len;

	value = view_trim(value);
	if (!view_starts_ci(value, VIEW_LIT("NTLM ")))
		return false;
	value.p += 5;
	value.len -= 5;
	value = view_trim(value);
	n = b64decode(value, msg, sizeof msg);
	if (n < 48 || memcmp(msg, "NTLMSSP\0", 8) != 0 || le32(msg + 8) != 2)
		return false;
	memset(out, 0, sizeof *out);
	flags = le32(msg + 20);
	ti_len = le16(msg + 40);
	ti_off = le32(msg + 44);
	if ((flags & 0x02000000ul) && n >= 56) {
		out->os_major = msg[48];
		out->os_minor = msg[49];
		out->os_build = le16(msg + 50);
	}
	if (ti_off > n || ti_len > n - ti_off)
		return false;
	{
		const unsigned char *p = msg + ti_off;
		size_t left = ti_len;
		while (left >= 4) {
			unsigned id = le16(p), len = le16(p + 2);
			if (id == 0 || len > left - 4)
				break;
			switch (id) {
			case 1:
				u16_ascii(p + 4, len, out->netbios_computer);
				break;
			case 2:
				u16_ascii(p + 4, len, out->netbios_domain);
				break;
			case 3: u16_ascii(p + 4, len, out->dns_computer); break;
			case 4: u16_ascii(p + 4, len, out->dns_domain); break;
			}
			p += 4 + len;
			left -= 4 + len;
		}
	}
	return true;
}

static bool ends_ci(struct view v, struct view tail)
{
	return v.len >= tail.len &&
	       view_eq_ci((struct view){v.p + v.len - tail.len, tail.len},
	                  tail);
}

static bool cloud_host(struct view h)
{
	static const struct view d[] = {
	    VIEW_LIT(".outlook.com"),         VIEW_LIT(".office365.com"),
	    VIEW_LIT(".exchangelabs.com"),    VIEW_LIT(".outlook.office.com"),
	    VIEW_LIT(".microsoftonline.com"), VIEW_LIT(".office.com")};
	size_t k;

	h = view_trim(h);
	for (k = 0; k < sizeof d / sizeof d[0]; k++)
		if (ends_ci(h, d[k]) ||
		    view_eq_ci(h, (struct view){d[k].p + 1, d[k].len - 1}))
			return true;
	return false;
}

/* A redirect to Azure AD's sign-in: where does it send the browser back
 * (redirect_uri's host)? Exchange Online sends it to the cloud's OWA; an
 * on-premises server with Hybrid Modern Authentication, or an Azure AD
 * application proxy in front of one, to the organisation's own name.
 * Without a redirect_uri the sign-in is taken for the cloud's. */
static bool sign_in_returns_to_cloud(struct view loc)
{
	long at = view_find_ci(loc, VIEW_LIT("redirect_uri="));
	struct view v, url;
	char buf[256];
	long sep;

	if (at < 0)
		return true;
	v = (struct view){loc.p + at + 13, loc.len - (size_t)at - 13};
	if ((sep = view_find(v, VIEW_LIT("&"))) >= 0)
		v.len = (size_t)sep;
	url = url_decode_lower(v, buf, sizeof buf);
	if ((at = view_find(url, VIEW_LIT("://"))) < 0)
		return false;
	url.p += at + 3;
	url.len -= (size_t)at + 3;
	for (sep = 0; (size_t)sep < url.len && !strchr("/?#:", url.p[sep]);
	     sep++)
		;
	url.len = (size_t)sep;
	return cloud_host(url);
}

bool fp_online_response(const struct http_resp *r)
{
	static const char *const names[] = {
	    "X-CalculatedFETarget", "X-CalculatedBETarget", "X-BEServer", NULL};
	const struct view *v;
	build_t b;
	size_t used;
	int k;

	for (k = 0; names[k]; k++)
		if ((v = http_resp_header(r, names[k])) && cloud_host(*v))
			return true;
	if ((v = http_resp_header(r, "X-OWA-Version")) &&
	    dotted(view_trim(*v), &b, &used) == 4 && (b >> 48) == 15 &&
	    ((b >> 32) & 0xffff) >= 20)
		return true;
	if ((v = http_resp_header(r, "Location")) &&
	    (view_starts_ci(*v, VIEW_LIT("https://")) ||
	     view_starts_ci(*v, VIEW_LIT("http://")))) {
		struct view h = *v;
		size_t skip = h.p[4] == 's' || h.p[4] == 'S' ? 8 : 7, n = 0;
		h.p += skip;
		h.len -= skip;
		while (n < h.len && h.p[n] != '/' && h.p[n] != ':' &&
		       h.p[n] != '?')
			n++;
		h.len = n;
		if (cloud_host(h))
			return !ends_ci(h, VIEW_LIT(".microsoftonline.com")) ||
			       sign_in_returns_to_cloud(*v);
	}
	return false;
}

bool fp_online_cn(const char *cn)
{
	struct view v = view_of(cn);

	if (view_starts_ci(v, VIEW_LIT("*."))) {
		v.p += 2;
		v.len -= 2;
	}
	return view_eq_ci(v, VIEW_LIT("outlook.com")) ||
	       view_eq_ci(v, VIEW_LIT("outlook.office365.com")) ||
	       view_eq_ci(v, VIEW_LIT("office365.com")) ||
	       view_eq_ci(v, VIEW_LIT("outlook.office.com"));
}
