/* Microsoft's Script Encoder: a block written by screnc.exe decodes to
 * its text (a published sample, checksum included); text of every kind
 * (line ends, '<', '>', '@', tabs, UTF-8, a double-byte code page)
 * survives encode then decode in place inside a page; a block whose
 * checksum, frame or length is wrong is left as it is; hostile input
 * (cut blocks, lengths past the end, thousands of markers) stays
 * bounded and in its buffer. */
#include "hunt/screnc.h"
#include "check.h"
#include <stdlib.h>

/* Decodes a copy of s; the result as a NUL-terminated string. */
static char *decode(const char *s, size_t n, struct screnc_count *c)
{
	uint8_t *p = malloc(n + 1);
	size_t m;

	memcpy(p, s, n);
	memset(c, 0, sizeof *c);
	m = screnc_decode(p, n, c);
	CHECK(m <= n);
	p[m] = '\0';
	return (char *)p;
}

static void round_trip(const char *text, size_t n)
{
	char enc[4096], page[4200], *got;
	size_t m = screnc_encode((const uint8_t *)text, n, enc, sizeof enc);
	struct screnc_count c;
	int k;

	CHECK(m > 24);
	CHECK(memcmp(enc, "#@~^", 4) == 0);
	CHECK(memcmp(enc + m - 4, "^#~@", 4) == 0);
	/* nothing the page parser splits at is left bare */
	CHECK(!memchr(enc, '<', m) && !memchr(enc, '>', m) &&
	      !memchr(enc, '\n', m));
	k = snprintf(page, sizeof page, "<html><%%%.*s%%></html>", (int)m,
	             enc);
	got = decode(page, (size_t)k, &c);
	CHECK(c.decoded == 1 && c.failed == 0);
	CHECK(strlen(got) == n + 17);
	CHECK(strncmp(got, "<html><%", 8) == 0);
	CHECK(memcmp(got + 8, text, n) == 0);
	CHECK(strcmp(got + 8 + n, "%></html>") == 0);
	free(got);
}

int main(void)
{
	/* screnc.exe's output for MsgBox "Hello" (a DEL among its
	 * characters, as the encoder writes it) */
	static const char hello[] =
	    "#@~^DgAAAA==\\ko$K6,JC\x7fV^GJqAQAAA==^#~@";
	struct screnc_count c;
	char enc[512], *got;
	size_t m;

	got = decode(hello, sizeof hello - 1, &c);
	CHECK_STR(got, "MsgBox \"Hello\"");
	CHECK(c.decoded == 1 && c.failed == 0);
	free(got);
	/* and the encoder writes that same block */
	m = screnc_encode((const uint8_t *)"MsgBox \"Hello\"", 14, enc,
	                  sizeof enc);
	CHECK(m == sizeof hello - 1 && memcmp(enc, hello, m) == 0);

	round_trip("Set o = Server.CreateObject(\"WScript.Shell\")\r\n"
	           "Response.Write o.Exec(\"cmd /c \" & Request(\"c\"))"
	           ".StdOut.ReadAll()\r\n",
	           strlen("Set o = Server.CreateObject(\"WScript.Shell\")\r\n"
	                  "Response.Write o.Exec(\"cmd /c \" & "
	                  "Request(\"c\")).StdOut.ReadAll()\r\n"));
	round_trip("if a < b then x = \"<b>@home</b>\"\n\tmail = \"a@b\"\n",
	           strlen("if a < b then x = \"<b>@home</b>\"\n\tmail = "
	                  "\"a@b\"\n"));
	/* UTF-8: Chinese strings in a shell's own messages */
	round_trip("Response.Write \"\xe6\x89\xa7\xe8\xa1\x8c\xe5\x91\xbd"
	           "\xe4\xbb\xa4\" & x\r\n",
	           strlen("Response.Write \"\xe6\x89\xa7\xe8\xa1\x8c\xe5\x91"
	                  "\xbd\xe4\xbb\xa4\" & x\r\n"));
	/* Positions past 64 wrap */
	{
		char longer[1500];
		size_t i;
		for (i = 0; i < sizeof longer; i++)
			longer[i] = (char)(' ' + (i * 7) % 94);
		for (i = 0; i < sizeof longer; i++)
			if (longer[i] == '<' || longer[i] == '>' ||
			    longer[i] == '@')
				longer[i] = 'x';
		round_trip(longer, sizeof longer);
	}

	/* A double-byte code page (GBK): a trail byte in the ASCII range
	 * ('@', '\\') belongs to its character, the encoder leaves both
	 * bytes as they are and counts them as one character, outside the
	 * checksum. The reading whose checksum holds is taken. */
	{
		char e6[64], blk[64], want[16];
		size_t a = screnc_encode((const uint8_t *)"x = \"\"", 6, e6,
		                         sizeof e6);
		CHECK(a == 30);
		memcpy(blk, "#@~^CAAAAA==", 12); /* 6 + 2 characters */
		memcpy(blk + 12, e6 + 12, 5);
		memcpy(blk + 17, "\xd6\x40\xb5\x5c", 4);
		memcpy(blk + 21, e6 + 17, 13);
		blk[34] = '\0';
		got = decode(blk, 34, &c);
		memcpy(want, "x = \"\xd6\x40\xb5\x5c\"", 11);
		want[10] = '\0';
		CHECK(c.decoded == 1 && c.failed == 0);
		CHECK_STR(got, want);
		free(got);
	}

	/* A wrong checksum: left as it is, counted as failed */
	{
		char bad[64];
		memcpy(bad, hello, sizeof hello);
		bad[sizeof hello - 1 - 12] = 'r'; /* qAQAAA== -> rAQAAA== */
		got = decode(bad, sizeof hello - 1, &c);
		CHECK(c.decoded == 0 && c.failed == 1);
		CHECK(strcmp(got, bad) == 0);
		free(got);
	}
	/* A wrong character in the body: the checksum catches it */
	{
		char bad[64];
		memcpy(bad, hello, sizeof hello);
		bad[14] = 'p'; /* 'k' -> 'p' */
		got = decode(bad, sizeof hello - 1, &c);
		CHECK(c.decoded == 0 && c.failed == 1);
		CHECK(strcmp(got, bad) == 0);
		free(got);
	}
	/* A length past the end, a cut block, a bare marker */
	{
		static const char *const cut[] = {
		    "#@~^/////w==abc", "#@~^DgAAAA==\\ko$K6", "#@~^",
		    "#@~^DgAAAA", "x#@~^DgAAAA==\\ko$K6,JC\x7fV^GJqAQAAA==^#~",
		    "#@~^AgAAAA==@", "#@~^AQAAAA==@&AAAAAA==^#~@",
		};
		size_t i;
		for (i = 0; i < sizeof cut / sizeof *cut; i++) {
			got = decode(cut[i], strlen(cut[i]), &c);
			CHECK(c.decoded == 0);
			CHECK(strcmp(got, cut[i]) == 0);
			free(got);
		}
	}
	/* Two blocks and text between them */
	{
		char page[400];
		size_t a = screnc_encode((const uint8_t *)"x = 1", 5, enc,
		                         sizeof enc);
		int k = snprintf(page, sizeof page, "<%%%.*s%%>mid<%%%.*s%%>",
		                 (int)a, enc, (int)a, enc);
		got = decode(page, (size_t)k, &c);
		CHECK_STR(got, "<%x = 1%>mid<%x = 1%>");
		CHECK(c.decoded == 2);
		free(got);
	}
	/* Thousands of markers each claiming the rest of the input: the
	 * work stays bounded (this returns), nothing decodes */
	{
		size_t n = 200000, i;
		char *p = malloc(n);
		for (i = 0; i + 12 <= n; i += 12)
			memcpy(p + i, "#@~^AAAAAA==", 12);
		for (; i < n; i++)
			p[i] = 'a';
		for (i = 0; i + 12 <= n; i += 12)
			memcpy(p + i + 4, "AA0NAA==", 8); /* ~ 200,000 */
		memset(&c, 0, sizeof c);
		m = screnc_decode((uint8_t *)p, n, &c);
		CHECK(m == n && c.decoded == 0 && c.failed > 10000);
		free(p);
	}
	/* The encoder refuses what does not fit, and DEL */
	CHECK(screnc_encode((const uint8_t *)"abc", 3, enc, 20) == 0);
	CHECK(screnc_encode((const uint8_t *)"a\x7f", 2, enc, sizeof enc) ==
	      0);
	return check_done();
}
