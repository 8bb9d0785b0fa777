/* win_names.exe: the names the Windows walk reports (win_name_utf8),
 * checked where wine cannot make the files: a lone surrogate, which NTFS
 * allows in a name and UTF-16 does not, is written "\uD800", losslessly;
 * a surrogate pair and plain text stay as they are. Exits 0 when all
 * hold, 1 naming the first that does not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv);
int wmain(int argc, wchar_t **argv)
{
	static const struct {
		wchar_t in[8];
		const char *out;
	} cases[] = {
	    {{L'x', 0xD800, L'y', 0}, "x\\uD800y"},
	    {{0xDC01, L'.', L'a', 0}, "\\uDC01.a"},
	    {{L'a', 0xD83D, 0xDE00, 0}, "a\xF0\x9F\x98\x80"},
	    {{0xD800, 0xD800, 0}, "\\uD800\\uD800"},
	    {{L'e', 0x301, 0}, "e\xCC\x81"},
	};
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = win_name_utf8(cases[i].in);
		if (!got || strcmp(got, cases[i].out)) {
			printf("case %u: got %s\n", (unsigned)i,
			       got ? got : "(null)");
			return 1;
		}
		free(got);
	}
	puts("names: ok");
	return 0;
}
