#include "scan/observation.h"
#include "base/err.h"
#include <string.h>
#include "base/banned.h"

int checks_parse(const char *list, unsigned *out, const char **bad)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {
	    {"ssrf-26855", CHECK_SSRF},
	    {"proxyshell", CHECK_PROXYSHELL},
	    {"mitigation", CHECK_MITIGATION},
	    {"webshells", CHECK_WEBSHELLS},
	    {"all", CHECK_ALL},
	    {"safe", CHECK_ALL},
	    {"none", 0},
	};
	struct view v = view_of(list), item;
	unsigned bits = 0;

	while (v.len) {
		size_t i;
		bool ok = false;
		view_split(&v, ',', &item);
		item = view_trim(item);
		if (item.len == 0)
			continue;
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (view_eq(item, view_of(names[i].name))) {
				bits |= names[i].bit;
				ok = true;
			}
		if (!ok) {
			*bad = item.p;
			return EXH_EINVAL;
		}
	}
	*out = bits;
	return 0;
}

void observation_judge(const struct kb *kb, const struct observation *o,
                       struct judge_out *v)
{
	struct judge_in in = {
	    .build = o->build,
	    .precision = o->exchange ? o->precision : PREC_NONE,
	    .ssrf = o->ssrf,
	    .proxyshell = o->proxyshell,
	};

	judge(kb, &in, v);
}

const char *observation_mitigation(const struct observation *o)
{
	if (!(o->checks_run & CHECK_MITIGATION))
		return NULL;
	return o->eomt && o->eems ? "eomt+eems"
	       : o->eomt          ? "eomt"
	       : o->eems          ? "eems"
	                          : "none";
}

const char *observation_shells(const struct observation *o)
{
	if (!(o->checks_run & CHECK_WEBSHELLS))
		return NULL;
	if (o->nshells)
		return "found"; /* in a folder that answers missing pages
		                 * as missing */
	if (o->shells_catch_all)
		return "cannot-tell"; /* every path answers: no verdict */
	if (o->shells_checked < o->shells_total)
		return "incomplete"; /* cut short: absence is not shown */
	return "none-found";
}
