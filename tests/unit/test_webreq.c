/* Requests for scripts in drop folders joined with the back doors found:
 * which stems are kept, the earliest request named whatever the order of
 * the logs and the workers, a script that answered but is gone, the
 * bound on distinct scripts. */
#include "hunt/webreq.h"
#include "hunt/hunt.h"
#include "check.h"
#include <stdlib.h>

static void req(struct hunt *h, const char *stem, const char *iso,
                const char *status, const char *method, const char *ip,
                uint64_t line)
{
	webreq_note(h, view_of(stem), iso, view_of(status), view_of(method),
	            view_of(ip), view_of("antSword/v2.1"), "W3SVC1/u_ex.log",
	            line);
}

/* The walk names a file to webreq_file in lower case. */
static void file_at(struct hunt *h, const char *rel)
{
	char l[512];

	text_lower(l, rel, sizeof l);
	webreq_file(h, l);
}

static const struct finding *find(const struct hunt *h, const char *kind,
                                  size_t nth)
{
	for (size_t i = 0; i < h->nf; i++)
		if (!strcmp(h->f[i].kind, kind) && nth-- == 0)
			return &h->f[i];
	return NULL;
}

static size_t count(const struct hunt *h, const char *kind)
{
	size_t n = 0;
	for (size_t i = 0; i < h->nf; i++)
		n += !strcmp(h->f[i].kind, kind);
	return n;
}

static void wanted(void)
{
	CHECK(webreq_wanted(view_of("/aspnet_client/system_web/x.aspx")));
	CHECK(webreq_wanted(view_of("/owa/auth/Current/themes/a.ASPX")));
	CHECK(webreq_wanted(view_of("/ecp/auth/k.ashx")));
	CHECK(webreq_wanted(view_of("/shell.asp")));
	CHECK(!webreq_wanted(view_of("/ecp/default.aspx")));
	CHECK(!webreq_wanted(view_of("/owa/auth/logon.css")));
	CHECK(!webreq_wanted(view_of("/EWS/Exchange.asmx")));
	CHECK(!webreq_wanted(view_of("/aspnet_client/x.aspx.txt")));
}

static void joined(void)
{
	struct hunt h = {.root = "t"}, w1 = {.root = "t"}, w2 = {.root = "t"};
	struct finding *door;
	const struct finding *f;

	door = hunt_add(&h, "webshell", HC_NONE, HL_NOT_SEEN, SEV_CRITICAL,
	                "inetpub/wwwroot/aspnet_client/system_web/Ab1.aspx", 0,
	                "[chopper]");
	CHECK(door != NULL);
	if (door)
		door->backdoor = true;
	/* two workers read two logs; the later one holds the first use */
	req(&w1, "/aspnet_client/system_web/Ab1.aspx", "2021-03-03T07:01:02Z",
	    "200", "POST", "203.0.113.66", 40);
	req(&w1, "/aspnet_client/system_web/ab1.aspx", "2021-03-04T01:00:00Z",
	    "200", "POST", "198.51.100.7", 41);
	req(&w2, "/aspnet_client/system_web/%41b1.aspx", "2021-03-03T06:00:00Z",
	    "404", "GET", "192.0.2.1", 9);
	/* answered, no file: gone; refused, no file: nothing */
	req(&w2, "/aspnet_client/Gone.aspx", "2021-03-02T05:00:00Z", "200",
	    "POST", "203.0.113.66", 10);
	req(&w2, "/aspnet_client/none.aspx", "2021-03-02T05:00:01Z", "404",
	    "GET", "192.0.2.9", 11);
	/* an auth folder's page with no file behind it: not judged */
	req(&w2, "/owa/auth/logon.aspx", "2021-03-02T05:00:02Z", "200", "GET",
	    "10.0.0.1", 12);
	webreq_merge(&h, &w1);
	webreq_merge(&h, &w2);
	CHECK(w1.webreqs == NULL && w2.webreqs == NULL);
	hunt_correlate(&h);
	CHECK(count(&h, "webshell-used") == 1);
	f = find(&h, "webshell-used", 0);
	if (f) {
		CHECK_STR(f->time, "2021-03-03T06:00:00Z");
		CHECK_STR(f->client_ip, "192.0.2.1");
		CHECK(f->line == 9);
		CHECK(strstr(f->detail, "requested 3 times (2 answered, 2 POST)"));
		CHECK(strstr(f->detail, "to 2021-03-04T01:00:00Z"));
		CHECK(f->sev == SEV_CRITICAL);
	}
	CHECK(count(&h, "webshell-gone") == 1);
	f = find(&h, "webshell-gone", 0);
	if (f) {
		CHECK(!strncmp(f->detail, "/aspnet_client/Gone.aspx answered", 33));
		CHECK(f->sev == SEV_HIGH && !f->backdoor);
	}
	/* once: the requests are spent */
	hunt_correlate(&h);
	CHECK(count(&h, "webshell-used") == 1);
	hunt_release(&h);
}

/* a back door requested and never answered is probed, not used */
static void probed(void)
{
	struct hunt h = {.root = "t"};
	struct finding *door =
	    hunt_add(&h, "webshell", HC_NONE, HL_NOT_SEEN, SEV_CRITICAL,
	             "Program Files/Microsoft/Exchange Server/V15/FrontEnd/"
	             "HttpProxy/owa/auth/z.aspx",
	             0, "[chopper]");
	if (door)
		door->backdoor = true;
	req(&h, "/owa/auth/z.aspx", "2021-03-03T07:00:00Z", "401", "POST",
	    "203.0.113.66", 3);
	/* a file of the same name in another folder is not it */
	req(&h, "/aspnet_client/z.aspx", "2021-03-03T07:00:01Z", "404", "POST",
	    "203.0.113.66", 4);
	hunt_correlate(&h);
	CHECK(count(&h, "webshell-probed") == 1);
	CHECK(count(&h, "webshell-used") == 0);
	CHECK(count(&h, "webshell-gone") == 0);
	hunt_release(&h);
}

/* In OWA's and ECP's auth folders a script that answered is gone only
 * where the evidence holds the front end's folder without it, and never
 * a page Exchange ships there; a file in aspnet_client that is in the
 * evidence, though no back door, is not gone. */
#define FE "Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/"
static void auth_gone(void)
{
	struct hunt h = {.root = "t"}, w = {.root = "t"};
	const struct finding *f;

	file_at(&h, FE "owa/auth/logon.aspx");
	file_at(&h, FE "owa/auth/Current/themes/resources/a.ASPX");
	file_at(&h, FE "owa/auth/15.2.986/themes/logo.png");
	file_at(&w, "inetpub/wwwroot/aspnet_client/Held.aspx");
	req(&w, "/owa/auth/logon.aspx", "2021-03-03T01:00:00Z", "200", "GET",
	    "10.0.0.1", 1);
	req(&w, "/owa/auth/current/themes/resources/a.aspx",
	    "2021-03-03T01:00:01Z", "200", "GET", "10.0.0.1", 2);
	/* shipped, not collected: a gap, not a shell */
	req(&w, "/owa/auth/expiredpassword.aspx", "2021-03-03T01:00:02Z",
	    "200", "GET", "10.0.0.1", 3);
	/* answered, not in the folder the evidence holds: gone */
	req(&w, "/owa/auth/OutlookEN.aspx", "2021-03-03T02:00:00Z", "200",
	    "POST", "203.0.113.66", 4);
	/* refused: never there */
	req(&w, "/owa/auth/nothere.aspx", "2021-03-03T02:00:01Z", "302", "GET",
	    "203.0.113.66", 5);
	/* ECP's folder is not in the evidence: not judged */
	req(&w, "/ecp/auth/k.aspx", "2021-03-03T02:00:02Z", "200", "POST",
	    "203.0.113.66", 6);
	req(&w, "/aspnet_client/held.aspx", "2021-03-03T02:00:03Z", "200",
	    "GET", "203.0.113.66", 7);
	/* the site's root, held (iisstart.htm): a script there now is not
	 * gone; one that is not, even with its name in aspnet_client, is */
	file_at(&w, "inetpub/wwwroot/iisstart.htm");
	file_at(&w, "inetpub/wwwroot/keep.aspx");
	file_at(&w, "inetpub/wwwroot/aspnet_client/dup.aspx");
	req(&w, "/keep.aspx", "2021-03-03T03:00:00Z", "200", "GET",
	    "10.0.0.1", 8);
	req(&w, "/dup.aspx", "2021-03-03T03:00:01Z", "200", "POST",
	    "203.0.113.66", 9);
	/* ECP's shipped page name, at the root: not Exchange's there */
	req(&w, "/TimeoutLogout.aspx", "2021-03-03T03:00:02Z", "200", "POST",
	    "203.0.113.66", 10);
	webreq_merge(&h, &w);
	hunt_correlate(&h);
	CHECK(count(&h, "webshell-gone") == 3);
	f = find(&h, "webshell-gone", 0);
	if (f) {
		CHECK(!strncmp(f->detail, "/dup.aspx answered", 18));
		CHECK(strstr(f->detail, "the site's root") != NULL);
	}
	f = find(&h, "webshell-gone", 1);
	if (f) {
		CHECK(!strncmp(f->detail, "/owa/auth/OutlookEN.aspx answered", 33));
		CHECK(strstr(f->detail, "OWA's auth folder") != NULL);
		CHECK_STR(f->time, "2021-03-03T02:00:00Z");
	}
	f = find(&h, "webshell-gone", 2);
	CHECK(f && !strncmp(f->detail, "/TimeoutLogout.aspx answered", 28));
	hunt_release(&h);

	/* the same requests with no Exchange folder in the evidence (a
	 * collection of logs): nothing judged in the auth folders */
	struct hunt l = {.root = "t"};
	req(&l, "/owa/auth/OutlookQA.aspx", "2021-03-03T02:00:00Z", "200",
	    "POST", "203.0.113.66", 4);
	req(&l, "/dup.aspx", "2021-03-03T03:00:01Z", "200", "POST",
	    "203.0.113.66", 9);
	file_at(&l, "Program Files/Microsoft/Exchange Server/V15/"
	                "ClientAccess/Owa/auth/other.aspx");
	hunt_correlate(&l);
	CHECK(count(&l, "webshell-gone") == 0);
	hunt_release(&l);

	/* ...except a name the web shells of 2021 used, which needs no
	 * folder to tell it */
	struct hunt n = {.root = "t"};
	req(&n, "/owa/auth/8Lw7tAhF9i1pJnRo.aspx", "2021-03-03T02:11:35Z",
	    "200", "POST", "203.0.113.66", 8);
	req(&n, "/owa/auth/supp0rt.aspx", "2021-03-03T02:12:35Z", "404",
	    "POST", "203.0.113.66", 9);
	hunt_correlate(&n);
	CHECK(count(&n, "webshell-gone") == 1);
	f = find(&n, "webshell-gone", 0);
	CHECK(f && strstr(f->detail, "8Lw7tAhF9i1pJnRo.aspx answered") &&
	      strstr(f->detail, "removed since or not collected"));
	hunt_release(&n);

	/* past the bound on scripts held, the root is not judged, and the
	 * report says so */
	struct hunt b = {.root = "t"};
	char rel[64];
	for (int i = 0; i <= 4096; i++) {
		snprintf(rel, sizeof rel, "inetpub/wwwroot/aspnet_client/d%d.aspx",
		         i);
		webreq_file(&b, rel);
	}
	webreq_file(&b, "inetpub/wwwroot/iisstart.htm");
	req(&b, "/dup.aspx", "2021-03-03T03:00:01Z", "200", "POST",
	    "203.0.113.66", 9);
	hunt_correlate(&b);
	CHECK(count(&b, "webshell-gone") == 0);
	CHECK(b.nnotes == 1 && strstr(b.notes[0], "more than 4096 scripts"));
	hunt_release(&b);
}

/* past the bound, new scripts are counted and said, old ones go on */
static void bounded(void)
{
	struct hunt h = {.root = "t"};
	char stem[64];
	int i;

	for (i = 0; i < 5000; i++) {
		snprintf(stem, sizeof stem, "/aspnet_client/g%d.aspx", i);
		req(&h, stem, "2021-03-03T07:00:00Z", "404", "GET", "192.0.2.1",
		    (uint64_t)i + 1);
	}
	req(&h, "/aspnet_client/g1.aspx", "2021-03-03T08:00:00Z", "200", "POST",
	    "192.0.2.1", 9999);
	hunt_correlate(&h);
	CHECK(count(&h, "webshell-gone") == 1);
	CHECK(h.nnotes == 1 && h.notes && strstr(h.notes[0], "904 requests"));
	hunt_release(&h);
}

int main(void)
{
	wanted();
	joined();
	probed();
	auth_gone();
	bounded();
	return check_done();
}
