/* The extractors, one fingerprint path at a time, with decoys that must
 * not match. */
#include "lab/persona.h"
#include "scan/fingerprint.h"
#include "net/http_resp.h"
#include "check.h"
#include <stdlib.h>

static const struct {
	const char *body;
	int found;
	const char *build;
	enum precision prec;
} owa[] = {
    /* 2013+: the CU in /owa/auth/<a.b.c>/ */
    {"<link href=\"/owa/auth/15.0.1395/themes/resources/favicon.ico\">", 1,
     "15.0.1395.0", PREC_CU},
    {"src: url(\"/OWA/AUTH/15.2.1118/themes/resources/segoeui.eot\")", 1,
     "15.2.1118.0", PREC_CU},
    /* 2010: the full build right under /owa/ */
    {"<link href=\"/owa/14.3.513.0/themes/base/premium.css\">", 1, "14.3.513.0",
     PREC_SU},
    /* 2007: the same, 8.x */
    {"<img src=\"/owa/8.1.375.2/themes/base/lgntopl.gif\">", 1, "8.1.375.2",
     PREC_SU},
    /* Decoys */
    {"/owa/auth/logon.aspx?replaceCurrent=1", 0, NULL, 0},
    {"/owa/auth/15.1/themes/x", 0, NULL, 0},     /* two parts */
    {"/owa/auth/8.3.1234/themes/x", 0, NULL, 0}, /* not 14/15 */
    {"/owa/auth/15.1.2176", 0, NULL, 0},         /* no slash after */
    {"/owa/auth/15.1.2176.9.1/", 0, NULL, 0},    /* five parts */
    {"", 0, NULL, 0},
};

static const struct {
	const char *xml;
	int found;
	const char *build;
} manifests[] = {
    /* The .application element, not the dependency that follows. */
    {"<assemblyIdentity "
     "name=\"microsoft.exchange.ediscovery.exporttool.application\" "
     "version=\"15.2.986.5\" publicKeyToken=\"b1d1a6c45aa418ce\" />"
     "<dependency><assemblyIdentity "
     "name=\"microsoft.exchange.ediscovery.exporttool\" "
     "version=\"15.2.986.9\" /></dependency>",
     1, "15.2.986.5"},
    /* Dependency first on one line: still the .application one. */
    {"<assemblyIdentity name=\"microsoft.exchange.ediscovery.exporttool\" "
     "version=\"1.2.3.4\"/>"
     "<assemblyIdentity version='15.1.2375.7' "
     "name='microsoft.exchange.ediscovery.exporttool.application'/>",
     1, "15.1.2375.7"},
    {"<assemblyIdentity name=\"x.application\" myversion=\"15.1.1.1\" />", 0,
     NULL},
    {"<assemblyIdentity name=\"x.application\" version=\"15.1.1\" />", 0, NULL},
    {"<assemblyIdentity name=\"x.application\" version=\"15.1.1.1\"", 0, NULL},
};

int main(void)
{
	size_t i;
	char bs[BUILD_STRLEN];
	build_t b;
	enum precision p;

	for (i = 0; i < sizeof owa / sizeof owa[0]; i++) {
		int got = fp_owa_path(view_of(owa[i].body), &b, &p);
		CHECK(got == owa[i].found);
		if (got && owa[i].found) {
			build_format(b, false, bs);
			CHECK_STR(bs, owa[i].build);
			CHECK(p == owa[i].prec);
		}
	}
	for (i = 0; i < sizeof manifests / sizeof manifests[0]; i++) {
		int got = fp_manifest(view_of(manifests[i].xml), &b);
		CHECK(got == manifests[i].found);
		if (got && manifests[i].found) {
			build_format(b, false, bs);
			CHECK_STR(bs, manifests[i].build);
		}
	}
	/* X-OWA-Version and X-ServerApplication values. */
	CHECK(fp_version_header(view_of(" 15.1.2242.12 "), &b) &&
	      b == BUILD(15, 1, 2242, 12));
	CHECK(fp_version_header(view_of("Exchange/15.01.2176.009"), &b) &&
	      b == BUILD(15, 1, 2176, 9));
	CHECK(!fp_version_header(view_of("15.1.2242"), &b));
	CHECK(!fp_version_header(view_of("15.1.2242.12abc"), &b));
	CHECK(!fp_version_header(view_of("7.0.0.1"), &b));
	/* Logon-page markers; ordinary pages are not OWA. */
	CHECK(
	    fp_is_owa_page(view_of("<!-- OwaPage = ASP.auth_logon_aspx -->")));
	CHECK(fp_is_owa_page(view_of("<title>Outlook Web App</title>")));
	CHECK(!fp_is_owa_page(view_of("<title>Welcome to nginx!</title>")));
	CHECK(!fp_is_owa_page(view_of("<h1>It works!</h1>")));
	/* NTLM: the challenge a lab persona sends names the server. */
	{
		struct kb *kb;
		struct lab_world w;
		struct persona per;
		struct http_req req;
		struct lab_answer a = {0};
		struct http_resp r;
		struct ntlm_info n;
		const char *get =
		    "GET /EWS/Exchange.asmx HTTP/1.1\r\nHost: x\r\n"
		    "Authorization: NTLM TlRMTVNTUAABAAAAB4IIogAAAAAA"
		    "AAAAAAAAAAAAAAAKAGNFAAAADw==\r\n\r\n";
		size_t used;
		char want[64];
		int h, found = 0;

		CHECK(kb_load(getenv("EXHUNT_DATA"), &kb) == 0);
		CHECK(lab_world_init(&w, kb, NULL, 1) == 0);
		persona_make(&w, 0x7f4d0001u, &per);
		per.kind = P_EXCHANGE;
		per.build = BUILD(15, 1, 2176, 2);
		CHECK(http_req_parse(get, strlen(get), &req) == 0);
		buf_init(&a.out, 1 << 16);
		persona_answer(&w, &per, &req, &a);
		http_resp_init(&r, false);
		CHECK(http_resp_feed(&r, a.out.p, a.out.len, &used) == 0);
		CHECK(r.status == 401);
		for (h = 0; h < r.nh; h++)
			if (view_eq_ci(r.h[h].name,
			               VIEW_LIT("WWW-Authenticate")) &&
			    fp_ntlm(r.h[h].value, &n))
				found = 1;
		CHECK(found);
		CHECK_STR(n.netbios_computer, per.name);
		snprintf(want, sizeof want, "%s.corp01.example", per.name);
		CHECK_STR(n.dns_computer, want);
		CHECK_STR(n.netbios_domain, "CORP01");
		CHECK(n.os_major == 10 && n.os_build == 17763);
		http_resp_release(&r);
		buf_release(&a.out);
		lab_world_release(&w);
		kb_free(kb);
		CHECK(!fp_ntlm(view_of("Negotiate"), &n));
		CHECK(!fp_ntlm(view_of("NTLM"), &n));
		CHECK(!fp_ntlm(view_of("NTLM !!!!"), &n));
		/* A target-info offset past the end is refused. */
		CHECK(!fp_ntlm(view_of("NTLM "
		                       "TlRMTVNTUAACAAAAAAAAAAAAAAAFAomiESIzRFV"
		                       "md4gAAAAAAAAAAH4AfgD/AAAACgBjRQAAAA8="),
		               &n));
	}
	/* Exchange Online markers; on-premises answers and look-alike
	 * names are not. */
	{
		static const struct {
			const char *raw;
			bool online;
		} on[] = {
		    {"HTTP/1.1 302 Found\r\nX-OWA-Version: "
		     "15.20.7452.28\r\n\r\n",
		     true},
		    {"HTTP/1.1 302 Found\r\nX-OWA-Version: 15.2.1544.4\r\n\r\n",
		     false},
		    {"HTTP/1.1 401 No\r\nX-CalculatedFETarget: BY5PR01CU001."
		     "internal.outlook.com\r\n\r\n",
		     true},
		    {"HTTP/1.1 302 Found\r\nLocation: https://login."
		     "microsoftonline.com/common/oauth2/authorize\r\n\r\n",
		     true},
		    {"HTTP/1.1 302 Found\r\nLocation: "
		     "https://outlook.office365."
		     "com/owa/\r\n\r\n",
		     true},
		    /* Azure AD's sign-in sending the browser back to the
		     * cloud's OWA: Exchange Online; back to the
		     * organisation's own OWA (Hybrid Modern Authentication
		     * on premises, an application proxy): not */
		    {"HTTP/1.1 302 Found\r\nLocation: https://login."
		     "microsoftonline.com/common/oauth2/authorize?client_id="
		     "00000002-0000-0ff1-ce00-000000000000&redirect_uri="
		     "https%3a%2f%2foutlook.office365.com%2fowa%2f\r\n\r\n",
		     true},
		    {"HTTP/1.1 302 Found\r\nLocation: https://login."
		     "microsoftonline.com/0b1c/oauth2/authorize?client_id="
		     "00000002-0000-0ff1-ce00-000000000000&redirect_uri="
		     "https%3a%2f%2fmail.contoso.com%2fowa%2f&resource=x\r\n"
		     "\r\n",
		     false},
		    {"HTTP/1.1 302 Found\r\nLocation: https://login."
		     "microsoftonline.com/0b1c/oauth2/authorize?redirect_uri="
		     "https%3A%2F%2Fmail-contoso.msappproxy.net%3A443%2Fowa\r\n"
		     "\r\n",
		     false},
		    {"HTTP/1.1 302 Found\r\nLocation: https://login."
		     "microsoftonline.com/0b1c/oauth2/authorize?redirect_uri="
		     "https%3a%2f%2foutlook.office.com.evil.example%2f\r\n\r\n",
		     false},
		    {"HTTP/1.1 302 Found\r\nLocation: https://mail.notoutlook."
		     "com.example/owa/\r\n\r\n",
		     false},
		    {"HTTP/1.1 302 Found\r\nLocation: https://evil.example/"
		     "x.outlook.com\r\n\r\n",
		     false},
		    {"HTTP/1.1 200 OK\r\nX-CalculatedBETarget: exch01.corp."
		     "example\r\n\r\n",
		     false},
		};
		for (i = 0; i < sizeof on / sizeof on[0]; i++) {
			struct http_resp r;
			size_t used;
			http_resp_init(&r, false);
			http_resp_feed(&r, on[i].raw, strlen(on[i].raw), &used);
			http_resp_eof(&r);
			if (fp_online_response(&r) != on[i].online) {
				fprintf(stderr, "online case %zu\n", i);
				CHECK(0);
			}
			http_resp_release(&r);
		}
		CHECK(fp_online_cn("outlook.com"));
		CHECK(fp_online_cn("*.outlook.office365.com"));
		CHECK(!fp_online_cn("mail.contoso.com"));
		CHECK(!fp_online_cn("outlook.com.evil.example"));
	}
	return check_done();
}
