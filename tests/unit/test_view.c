/* view_find_ci against a plain search on many random haystacks and
 * needles over a small alphabet (where partial matches and restarts are
 * frequent), and on the cases a hostile line is made of. */
#include "base/view.h"
#include "check.h"
#include <stdlib.h>
#include <strings.h>

static long naive(const char *h, size_t n, const char *nd, size_t m)
{
	size_t i;

	if (m == 0)
		return 0;
	for (i = 0; n >= m && i <= n - m; i++)
		if (strncasecmp(h + i, nd, m) == 0)
			return (long)i;
	return -1;
}

int main(void)
{
	static const char alpha[] = "aAbB";
	char h[512], nd[16];
	unsigned seed = 12345;
	int t;

	for (t = 0; t < 200000; t++) {
		size_t n = (seed = seed * 1103515245u + 12345u) % 64,
		       m = 1 + (seed = seed * 1103515245u + 12345u) % 6, i;
		for (i = 0; i < n; i++)
			h[i] = alpha[(seed = seed * 1103515245u + 12345u) >>
			             16 & 3];
		for (i = 0; i < m; i++)
			nd[i] = alpha[(seed = seed * 1103515245u + 12345u) >>
			              16 & 3];
		if (view_find_ci((struct view){h, n}, (struct view){nd, m}) !=
		    naive(h, n, nd, m)) {
			CHECK(!"view_find_ci differs from the plain search");
			break;
		}
	}
	check_count++;
	{
		static char big[16384];
		memset(big, 'a', sizeof big);
		CHECK(view_find_ci((struct view){big, sizeof big},
		                   VIEW_LIT("aaaaaaaaaaaaaaaab")) == -1);
		big[sizeof big - 1] = 'B';
		CHECK(view_find_ci((struct view){big, sizeof big},
		                   VIEW_LIT("aaaaaaaaaaaaaaaab")) ==
		      (long)(sizeof big - 17));
	}
	CHECK(view_find_ci(VIEW_LIT("ServerInfo~x"), VIEW_LIT("serverinfo~")) ==
	      0);
	CHECK(view_find_ci(VIEW_LIT("xxAutoDiscover.JSON"),
	                   VIEW_LIT("autodiscover.json")) == 2);
	CHECK(view_find_ci(VIEW_LIT(""), VIEW_LIT("a")) == -1);
	return check_done();
}
