/* csv_field, the one writer of CSV cells (scan output, report figures,
 * the CSV attached to notices): server-controlled text never becomes a
 * formula, a control sequence or a line of its own. */
#include "base/csv.h"
#include "base/err.h"
#include "check.h"

static void cell(const char *in, const char *want)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	CHECK(csv_field(&b, in, true) == 0);
	buf_addc(&b, '\0');
	CHECK_STR(b.p, want);
	buf_release(&b);
}

/* A row written without checking each cell: the first failure is kept in
 * the buffer (as stdio's ferror), later cells still work, and the writer's
 * caller sees the error once at the end. */
static void latched(void)
{
	struct buf b;

	buf_init(&b, 12);
	csv_field(&b, "short", false);
	CHECK(buf_error(&b) == 0);
	csv_field(&b, "far too long for the cap", false);
	CHECK(buf_error(&b) == EXH_ELIMIT);
	csv_field(&b, "ok", true);
	CHECK(buf_error(&b) == EXH_ELIMIT); /* kept past a later success */
	CHECK(buf_latch(&b, EXH_EIO) == EXH_ELIMIT); /* the first one wins */
	buf_reset(&b);
	CHECK(buf_error(&b) == 0);
	CHECK(buf_latch(&b, EXH_EIO) == EXH_EIO);
	buf_release(&b);
	CHECK(buf_error(&b) == 0);
}

int main(void)
{
	latched();
	cell("15.1.2176.2", "15.1.2176.2\n");
	cell("a,b", "\"a,b\"\n");
	cell("say \"hi\"", "\"say \"\"hi\"\"\"\n");
	cell("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"\n");
	cell("+cmd|' /C calc'!A0", "\"'+cmd|' /C calc'!A0\"\n");
	cell("@SUM(1)", "\"'@SUM(1)\"\n");
	cell("-2+3", "\"'-2+3\"\n");
	cell("-5", "-5\n");
	cell("+3.5", "+3.5\n");
	cell("\tx", "\"'\\x09x\"\n");
	cell("two\r\nlines", "\"two  lines\"\n");
	cell("esc\x1b[2Jx", "esc\\x1b[2Jx\n");
	cell("rtl\xe2\x80\xae" "exe.aspx", "rtl\\u{202e}exe.aspx\n");
	cell("bad\xff", "bad\\xff\n");
	cell("caf\xc3\xa9", "caf\xc3\xa9" "\n");
	return check_done();
}
