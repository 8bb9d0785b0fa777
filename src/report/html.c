/* The dashboard: one self-contained HTML page, charts as SVG written here,
 * a sortable and filterable server table with a few lines of inline
 * script; no network fetches. Figures carry data-figure attributes so
 * tests can read them from the DOM. */
#include "report/report.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/err.h"
#include "base/text.h"
#include "store/store.h"
#include "store/db.h"
#include <stdbool.h>
#include <string.h>
#include "base/banned.h"

/* A chart's count axis: five grid lines from top (max) to top + height
 * (0) between x left and right, each labelled left of left. */
static void count_axis(struct buf *b, int left, int right, int top, int height,
                       uint64_t max)
{
	int k;

	for (k = 0; k <= 4; k++) {
		int y = top + height * k / 4;
		buf_printf(b,
		           "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
		           "stroke=\"#ddd\"/><text x=\"%d\" y=\"%d\" "
		           "font-size=\"10\" text-anchor=\"end\">%llu</text>",
		           left, right, y, y, left - 4, y + 4,
		           (unsigned long long)(max * (uint64_t)(4 - k) / 4));
	}
}

/* A line chart of up to four series over the scans. */
static void line_chart(struct buf *b, const struct report *r)
{
	static const char *const color[] = {"#c0392b", "#27ae60", "#8e44ad"};
	static const char *const label[] = {
	    "ProxyLogon open", "ProxyLogon patched", "back-doored"};
	const int W = 660, H = 290, L = 62, B = 50, T = 10;
	uint64_t max = 1;
	int i, k;

	for (i = 0; i < r->n; i++) {
		uint64_t v[3] = {r->s[i].vuln[0] + r->s[i].likely[0],
		                 r->s[i].patched[0], r->s[i].backdoored};
		for (k = 0; k < 3; k++)
			if (v[k] > max)
				max = v[k];
	}
	buf_printf(b,
	           "<svg width=\"%d\" height=\"%d\" role=\"img\" "
	           "aria-label=\"patch curve: servers per scan date\">"
	           "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>"
	           "<text x=\"10\" y=\"%d\" font-size=\"10\" "
	           "transform=\"rotate(-90 10,%d)\" text-anchor=\"middle\">"
	           "servers</text><text x=\"%d\" y=\"%d\" font-size=\"10\" "
	           "text-anchor=\"end\">scan date (UTC)</text>",
	           W, H, T + (H - B - T) / 2, T + (H - B - T) / 2, W - 10,
	           H - B + 28);
	count_axis(b, L, W - 10, T, H - B - T, max);
	/* Scan dates under the axis (every one when few, else a sample). */
	for (i = 0; i<r->n; i += r->n> 8 ? (r->n + 7) / 8 : 1) {
		int x = L + (r->n > 1 ? (W - L - 20) * i / (r->n - 1) : 0);
		bool one_day =
		    strlen(r->s[i].time) >= 16 &&
		    strncmp(r->s[0].time, r->s[r->n - 1].time, 10) == 0;
		buf_printf(b,
		           "<text x=\"%d\" y=\"%d\" font-size=\"10\" "
		           "text-anchor=\"middle\">%.*s</text>",
		           x, H - B + 14, one_day ? 5 : 10,
		           r->s[i].time + (one_day ? 11 : 0));
	}
	for (k = 0; k < 3; k++) {
		buf_printf(b,
		           "<polyline fill=\"none\" stroke=\"%s\" "
		           "stroke-width=\"2\" points=\"",
		           color[k]);
		for (i = 0; i < r->n; i++) {
			uint64_t v = k == 0
			                 ? r->s[i].vuln[0] + r->s[i].likely[0]
			             : k == 1 ? r->s[i].patched[0]
			                      : r->s[i].backdoored;
			int x =
			    L + (r->n > 1 ? (W - L - 20) * i / (r->n - 1) : 0);
			int y = T + (int)((double)(H - B - T) *
			                  (1.0 - (double)v / (double)max));
			buf_printf(b, "%d,%d ", x, y);
		}
		buf_printf(b,
		           "\"/><text x=\"%d\" y=\"%d\" font-size=\"11\" "
		           "fill=\"%s\">%s</text>",
		           L + 10 + 150 * k, H - 8, color[k], label[k]);
	}
	buf_adds(b, "</svg>");
}

struct bar {
	const char *name;
	uint64_t n;
};

/* A bar chart: one bar per entry, names under the bars. */
static void bar_chart(struct buf *b, const char *label, const struct bar *bars,
                      int n)
{
	uint64_t max = 1;
	int i, w = 28, H = 200;

	for (i = 0; i < n; i++)
		if (bars[i].n > max)
			max = bars[i].n;
	buf_printf(b,
	           "<svg width=\"%d\" height=\"%d\" role=\"img\" "
	           "aria-label=\"%s\">",
	           n * (w + 6) + 20, H + 90, label);
	for (i = 0; i < n; i++) {
		int h = (int)((double)H * (double)bars[i].n / (double)max);
		int x = 10 + i * (w + 6);
		buf_printf(b,
		           "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		           "fill=\"#2980b9\"><title>",
		           x, 10 + H - h, w, h);
		html_escape(b, bars[i].name);
		buf_printf(b,
		           ": %llu</title></rect><text "
		           "transform=\"translate(%d,%d) "
		           "rotate(60)\" font-size=\"9\">",
		           (unsigned long long)bars[i].n, x + 4, H + 16);
		html_escape(b, bars[i].name);
		buf_adds(b, "</text>");
	}
	buf_adds(b, "</svg>");
}

/* A link that downloads the figures behind a chart as CSV, embedded in
 * the page (a data: URI; nothing is fetched). */
static void csv_link(struct buf *b, const struct report *r, const char *name,
                     int (*table)(const struct report *, struct buf *))
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf t;
	size_t i;

	buf_init(&t, (size_t)1 << 30);
	if (table(r, &t) == 0) {
		buf_printf(b,
		           "<a class=\"csv\" download=\"%s\" "
		           "href=\"data:text/csv;charset=utf-8,",
		           name);
		for (i = 0; i < t.len; i++) {
			unsigned char c = (unsigned char)t.p[i];
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') ||
			    (c && strchr("-_.~,:", c))) {
				buf_addc(b, (char)c);
			} else {
				buf_addc(b, '%');
				buf_addc(b, hex[c >> 4]);
				buf_addc(b, hex[c & 15]);
			}
		}
		buf_printf(b, "\" data-csv=\"%s\">CSV</a>", name);
	} else {
		/* a page missing the figures behind a chart is no page */
		log_error("%s: its figures could not be written: out of memory",
		          name);
		buf_latch(b, EXH_ENOMEM);
	}
	buf_release(&t);
}

/* Whether build i starts a product line (its name's first word). */
static bool line_starts(const struct report *r, int i)
{
	size_t pl = strcspn(r->cus[i].name, " ");

	return i == 0 || pl != strcspn(r->cus[i - 1].name, " ") ||
	       strncmp(r->cus[i].name, r->cus[i - 1].name, pl) != 0;
}

/* The builds of the last scan in version order, one group of bars per
 * product line (the name's first word: 2013, 2016, ...) with its name
 * under it, a gap between groups, a count axis. */
static void cu_chart(struct buf *b, const struct report *r)
{
	const int w = 26, gap = 18, H = 200, L = 44, T = 12;
	uint64_t max = 1;
	int i, x, width, groups = 0;

	if (!r->ncus) {
		buf_adds(b, "<p>No build was seen in the last scan.</p>");
		return;
	}
	for (i = 0; i < r->ncus; i++) {
		if (r->cus[i].n > max)
			max = r->cus[i].n;
		groups += line_starts(r, i);
	}
	width = L + r->ncus * (w + 4) + groups * gap + 10;
	buf_printf(b,
	           "<svg width=\"%d\" height=\"%d\" role=\"img\" "
	           "aria-label=\"servers per build, in version order\">"
	           "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>"
	           "<text x=\"4\" y=\"%d\" font-size=\"10\" transform=\"rotate"
	           "(-90 10,%d)\">servers</text>",
	           width, H + T + 96, T + H / 2, T + H / 2);
	count_axis(b, L, width - 6, T, H, max);
	x = L;
	for (i = 0; i < r->ncus; i++) {
		const struct cu_count *c = &r->cus[i];
		size_t pl = strcspn(c->name, " ");
		int h = (int)((double)H * (double)c->n / (double)max);
		if (line_starts(r, i)) {
			x += gap;
			buf_printf(b,
			           "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
			           "font-weight=\"bold\">Exchange %.*s</text>",
			           x, T + H + 90, (int)pl, c->name);
		}
		buf_printf(b,
		           "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		           "fill=\"#2980b9\" data-figure=\"build-",
		           x, T + H - h, w, h);
		html_escape(b, c->name);
		buf_printf(b, "\" data-n=\"%llu\"><title>",
		           (unsigned long long)c->n);
		html_escape(b, c->name);
		buf_printf(b,
		           ": %llu servers</title></rect><text "
		           "transform=\"translate(%d,%d) rotate(60)\" "
		           "font-size=\"9\">",
		           (unsigned long long)c->n, x + 4, T + H + 8);
		html_escape(b, c->name[pl] ? c->name + pl + 1 : c->name);
		buf_adds(b, "</text>");
		x += w + 4;
	}
	buf_adds(b, "</svg>");
}

/* An anchor for a group's section: the dimension and the key, with
 * anything but letters, digits and '-' as '_' (keys come from the
 * enrichment data). */
static void group_anchor(struct buf *b, const char *dim, const char *key)
{
	buf_printf(b, "%s-", dim);
	for (; *key; key++)
		buf_addc(b, (*key >= 'a' && *key <= 'z') ||
		                    (*key >= 'A' && *key <= 'Z') ||
		                    (*key >= '0' && *key <= '9') || *key == '-'
		                ? *key
		                : '_');
}

/* The share of open servers over the scans, one line for each of the
 * eight largest groups, with a legend. */
static void series_chart(struct buf *b, const struct report *r, const char *dim,
                         const struct group_table *t)
{
	static const char *const color[] = {"#c0392b", "#2980b9", "#27ae60",
	                                    "#8e44ad", "#d35400", "#16a085",
	                                    "#7f8c8d", "#2c3e50"};
	const int W = 660, H = 290, L = 62, B = 70, T = 10;
	size_t j, n = t->nseries < 8 ? t->nseries : 8;
	int i, k;

	buf_printf(b,
	           "<svg width=\"%d\" height=\"%d\" role=\"img\" "
	           "aria-label=\"share of servers open per %s and scan\">"
	           "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>"
	           "<text x=\"10\" y=\"%d\" font-size=\"10\" "
	           "transform=\"rotate(-90 10,%d)\" text-anchor=\"middle\">"
	           "servers open (%%)</text><text x=\"%d\" y=\"%d\" "
	           "font-size=\"10\" text-anchor=\"end\">scan date (UTC)"
	           "</text>",
	           W, H, dim, T + (H - B - T) / 2, T + (H - B - T) / 2, W - 10,
	           H - B + 28);
	for (k = 0; k <= 4; k++) {
		int y = T + (H - B - T) * k / 4;
		buf_printf(b,
		           "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
		           "stroke=\"#ddd\"/><text x=\"%d\" y=\"%d\" "
		           "font-size=\"10\" text-anchor=\"end\">%d</text>",
		           L, W - 10, y, y, L - 4, y + 3, 100 - 25 * k);
	}
	for (i = 0; i<r->n; i += r->n> 8 ? (r->n + 7) / 8 : 1)
		buf_printf(b,
		           "<text x=\"%d\" y=\"%d\" font-size=\"10\" "
		           "text-anchor=\"middle\">%.10s</text>",
		           L + (r->n > 1 ? (W - L - 20) * i / (r->n - 1) : 0),
		           H - B + 14, r->s[i].time);
	for (j = 0; j < n; j++) {
		const struct group_row *g = &t->rows[j];
		buf_printf(b,
		           "<polyline fill=\"none\" stroke=\"%s\" "
		           "stroke-width=\"2\" points=\"",
		           color[j]);
		for (i = 0; i < r->n; i++) {
			uint64_t all = g->series[2 * i],
			         open = g->series[2 * i + 1];
			if (!all)
				continue; /* not seen in that scan: no point */
			buf_printf(
			    b, "%d,%d ",
			    L + (r->n > 1 ? (W - L - 20) * i / (r->n - 1) : 0),
			    T + (int)((double)(H - B - T) *
			              (1.0 - (double)open / (double)all)));
		}
		buf_printf(b,
		           "\"/><text x=\"%d\" y=\"%d\" font-size=\"11\" "
		           "fill=\"%s\">",
		           L + 10 + 145 * (int)(j % 4),
		           H - 30 + 16 * (int)(j / 4), color[j]);
		html_escape(b, g->key);
		buf_adds(b, "</text>");
	}
	buf_adds(b, "</svg>");
}

/* Per country or network: a chart of the top 30 at the last scan, the
 * share open over time, the full table (sortable; a group followed scan
 * by scan links to its section), and a section per such group. */
static void group_section(struct buf *b, const struct report *r,
                          const char *title, const char *dim,
                          const struct group_table *t)
{
	struct bar bars[30];
	size_t i;
	int n = 0, k;

	if (t->n == 0)
		return;
	for (i = 0; i < t->n && n < 30; i++)
		bars[n++] = (struct bar){t->rows[i].key, t->rows[i].open};
	buf_printf(b, "<h2>%s (last scan, open servers)</h2>", title);
	bar_chart(b, dim, bars, n);
	if (t->nseries && r->n) {
		buf_printf(b, "<h3>%s: share of servers open, per scan</h3>",
		           title);
		series_chart(b, r, dim, t);
	}
	buf_printf(b,
	           "<table id=\"%s-table\" class=\"sortable\"><thead><tr>"
	           "<th>%s</th><th>name</th><th>servers</th><th>open</th>"
	           "<th>open (%%)</th><th>back-doored</th></tr></thead><tbody>",
	           dim, dim);
	for (i = 0; i < t->n; i++) {
		const struct group_row *g = &t->rows[i];
		buf_adds(b, "<tr><td>");
		if (i < t->nseries) {
			buf_adds(b, "<a href=\"#");
			group_anchor(b, dim, g->key);
			buf_adds(b, "\">");
		}
		html_escape(b, g->key);
		buf_adds(b, i < t->nseries ? "</a></td><td>" : "</td><td>");
		html_escape(b, g->name);
		buf_printf(b,
		           "</td><td data-figure=\"%s-servers-%zu\">"
		           "%llu</td><td data-figure=\"%s-open-%zu\">"
		           "%llu</td><td>%.1f</td><td>%llu</td></tr>",
		           dim, i, (unsigned long long)g->servers, dim, i,
		           (unsigned long long)g->open,
		           g->servers
		               ? 100.0 * (double)g->open / (double)g->servers
		               : 0.0,
		           (unsigned long long)g->backdoored);
	}
	buf_adds(b, "</tbody></table>");
	for (i = 0; i < t->nseries; i++) {
		const struct group_row *g = &t->rows[i];
		buf_adds(b, "<section id=\"");
		group_anchor(b, dim, g->key);
		buf_adds(b, "\"><h3>");
		html_escape(b, g->key);
		if (g->name[0]) {
			buf_adds(b, " ");
			html_escape(b, g->name);
		}
		buf_adds(b, "</h3><table><tr><th>scan date</th><th>servers</th>"
		            "<th>open</th><th>open (%)</th></tr>");
		for (k = 0; k < r->n; k++) {
			uint64_t all = g->series[2 * k],
			         open = g->series[2 * k + 1];
			buf_adds(b, "<tr><td>");
			html_escape(b, r->s[k].time);
			buf_printf(b,
			           "</td><td>%llu</td><td data-figure=\"%s-%zu-"
			           "open-%d\">%llu</td><td>%.1f</td></tr>",
			           (unsigned long long)all, dim, i, k,
			           (unsigned long long)open,
			           all ? 100.0 * (double)open / (double)all
			               : 0.0);
		}
		buf_adds(b, "</table></section>");
	}
}

/* The follow-up of notices: found, notified, patched, clean as bars;
 * per contact as a table. */
static void funnel_section(struct buf *b, const struct funnel *fu)
{
	struct bar bars[4] = {{"found", fu->found},
	                      {"notified", fu->all.notified},
	                      {"patched", fu->all.patched},
	                      {"clean", fu->all.clean}};
	size_t i;

	if (!fu->all.notified)
		return;
	buf_printf(
	    b,
	    "<h2>Follow-up of notices (last scan)</h2><div class=\"fig\"><b "
	    "data-figure=\"funnel-notified\">%llu</b>servers notified</div>"
	    "<div class=\"fig\"><b data-figure=\"funnel-patched\">%llu</b>"
	    "patched since</div><div class=\"fig\"><b "
	    "data-figure=\"funnel-clean\">%llu</b>also clean</div><div "
	    "class=\"fig\"><b data-figure=\"funnel-median-days\">%.1f</b>"
	    "days from notice to patch (median)</div>",
	    (unsigned long long)fu->all.notified,
	    (unsigned long long)fu->all.patched,
	    (unsigned long long)fu->all.clean, fu->all.days_median);
	bar_chart(b, "funnel", bars, 4);
	buf_adds(b, "<table id=\"funnel\"><tr><th>contact</th><th>"
	            "notified</th><th>patched</th><th>clean</th>"
	            "<th>still back-doored</th><th>gone</th><th>"
	            "days to patch (median)</th></tr>");
	for (i = 0; i < fu->n; i++) {
		const struct funnel_row *f = &fu->rows[i];
		buf_adds(b, "<tr><td>");
		html_escape(b, f->contact);
		buf_printf(b,
		           "</td><td>%llu</td><td>%llu</td><td>%llu"
		           "</td><td>%llu</td><td>%llu</td><td>%.1f"
		           "</td></tr>",
		           (unsigned long long)f->notified,
		           (unsigned long long)f->patched,
		           (unsigned long long)f->clean,
		           (unsigned long long)f->still_backdoored,
		           (unsigned long long)f->gone, f->days_median);
	}
	buf_adds(b, "</table>");
}

/* The last scan's Exchange servers, the ones needing action first
 * (back-doored, then open to ProxyLogon), at most LIM_HTML_TABLE_ROWS rows. */
static void server_table(struct buf *b, const struct report *r,
                         const char *db_path)
{
	struct db *db = NULL;
	struct dbq *st = NULL;
	int rows = 0, total = 0, pos = 0;
	bool failed = false;

	buf_adds(b,
	         "<input id=\"filter\" placeholder=\"filter\" "
	         "oninput=\"filt(this.value)\"><table id=\"servers\"><thead>"
	         "<tr><th onclick=\"sortby(0)\">address</th><th "
	         "onclick=\"sortby(1)\">server</th><th onclick=\"sortby(2)\">"
	         "product</th><th onclick=\"sortby(3)\">build</th><th "
	         "onclick=\"sortby(4)\">ProxyLogon</th><th "
	         "onclick=\"sortby(5)\">web shells</th></tr></thead><tbody>");
	if (r->n && (db_open(db_path, DB_READONLY, &db) ||
	             db_prepare(db, "SELECT idx FROM cves WHERE id=?1", &st)))
		failed = true;
	else if (r->n) {
		dbq_bind_text(st, 1, report_cves[0], -1);
		if (dbq_step(st) == DB_ROW)
			pos = (int)dbq_int(st, 0);
		dbq_free(st);
		st = NULL;
		if (db_prepare(db,
		               "SELECT count(*) FROM observations WHERE key "
		               "BETWEEN ?1 AND ?2 AND exchange != 0",
		               &st) != 0) {
			failed = true;
		} else {
			dbq_bind_int(st, 1, r->last_no * STORE_SEQ_LIMIT);
			dbq_bind_int(st, 2,
			             (r->last_no + 1) * STORE_SEQ_LIMIT - 1);
			if (dbq_step(st) == DB_ROW)
				total = (int)dbq_int(st, 0);
			dbq_free(st);
			st = NULL;
		}
	}
	if (!failed && db && r->n &&
	    db_prepare(
	        db,
	        "SELECT o.ip, s.name, o.product, o.build, CASE "
	        "substr(o.verdicts,?3,1) WHEN 'V' THEN 'vulnerable' WHEN 'L' "
	        "THEN 'likely-vulnerable' WHEN 'P' THEN 'patched' WHEN 'U' "
	        "THEN 'unknown' ELSE '' END, o.webshells FROM observations o "
	        "LEFT JOIN servers s ON s.id=o.server_id WHERE o.key BETWEEN "
	        "?1 AND ?2 AND o.exchange != 0 ORDER BY o.webshells>0 DESC, "
	        "substr(o.verdicts,?3,1) IN ('V','L') DESC, o.key LIMIT ?4",
	        &st) == 0) {
		int step;
		dbq_bind_int(st, 1, r->last_no * STORE_SEQ_LIMIT);
		dbq_bind_int(st, 2, (r->last_no + 1) * STORE_SEQ_LIMIT - 1);
		dbq_bind_int(st, 3, pos);
		dbq_bind_int(st, 4, LIM_HTML_TABLE_ROWS);
		while ((step = dbq_step(st)) == DB_ROW) {
			int c;
			buf_adds(b, "<tr>");
			for (c = 0; c < 6; c++) {
				buf_adds(b, "<td>");
				html_escape(b, (const char *)dbq_text(st, c));
				buf_adds(b, "</td>");
			}
			buf_adds(b, "</tr>");
			rows++;
		}
		if (step != DB_DONE)
			failed = true;
	} else if (!failed && db && r->n) {
		failed = true;
	}
	if (failed) {
		/* a dashboard that silently shows no servers is worse than none
		 */
		log_error("%s: the server table could not be read: %s", db_path,
		          db ? db_errmsg(db) : "out of memory");
		buf_latch(b, EXH_EIO);
	}
	dbq_free(st);
	db_close(db);
	buf_adds(b, "</tbody></table><p><button id=\"prev\" "
	            "onclick=\"page(-1)\">previous</button> <span "
	            "id=\"pageinfo\"></span> <button id=\"next\" "
	            "onclick=\"page(1)\">next</button></p>");
	buf_printf(b,
	           "<p>showing <span "
	           "data-figure=\"table-rows\">%d</span> of <span "
	           "data-figure=\"table-total\">%d</span> "
	           "observations (back-doored and open first)</p>",
	           rows, total);
}

int report_html(const struct report *r, const char *db_path, struct buf *b)
{
	int i, k;

	buf_adds(
	    b,
	    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>exhunt "
	    "campaign</title><style>body{font-family:sans-serif;margin:2em;"
	    "color:#222}table{border-collapse:collapse;margin:1em "
	    "0}td,th{border:"
	    "1px solid #ccc;padding:3px 8px;text-align:right}th{cursor:pointer;"
	    "background:#f4f4f4}.fig{display:inline-block;margin:0 2em 1em 0}"
	    ".fig b{font-size:2em;display:block}a.csv{font-size:.8em;"
	    "margin-left:1em}@media print{body{margin:0}a.csv,input,"
	    "button{display:none}th{cursor:auto}svg{max-width:100%;"
	    "height:auto}h2{page-break-after:avoid}tr,svg{page-break-inside:"
	    "avoid}}</style></head><body>"
	    "<h1>Exchange exposure over the campaign</h1>");
	if (r->n) {
		const struct scan_figures *s = &r->s[r->n - 1];
		buf_printf(
		    b,
		    "<div class=\"fig\"><b "
		    "data-figure=\"exchange\">%llu</b>Exchange "
		    "servers (last scan)</div><div class=\"fig\"><b "
		    "data-figure="
		    "\"open\">%llu</b>open to ProxyLogon</div><div "
		    "class=\"fig\"><b "
		    "data-figure=\"patched-pct\">%.1f%%</b>of those open at "
		    "the first "
		    "scan now patched</div><div class=\"fig\"><b data-figure="
		    "\"backdoored\">%llu</b>back-doored</div>",
		    (unsigned long long)s->exchange,
		    (unsigned long long)(s->vuln[0] + s->likely[0]),
		    s->first_open ? 100.0 * (double)s->first_open_patched /
		                        (double)s->first_open
		                  : 0.0,
		    (unsigned long long)s->backdoored);
	}
	buf_adds(b, "<h2>Patch curve</h2>");
	line_chart(b, r);
	csv_link(b, r, "scans.csv", report_csv);
	buf_adds(b, "<h2>Per scan</h2><table id=\"scans\"><tr><th>scan</th>"
	            "<th>Exchange</th>");
	for (k = 0; k < REPORT_CVES; k++)
		buf_printf(b, "<th>%s open</th><th>%s patched</th>",
		           report_campaigns[k], report_campaigns[k]);
	buf_adds(b, "<th>back-doored</th><th>newly patched</th><th>"
	            "newly back-doored</th><th>cleaned</th><th>gone</th>"
	            "<th>end of life</th></tr>");
	for (i = 0; i < r->n; i++) {
		const struct scan_figures *s = &r->s[i];
		buf_adds(b, "<tr><td>");
		html_escape(b, s->id);
		buf_printf(b, "</td><td data-figure=\"exchange-%d\">%llu</td>",
		           i, (unsigned long long)s->exchange);
		for (k = 0; k < REPORT_CVES; k++)
			buf_printf(
			    b,
			    "<td data-figure=\"open-%d-%d\">%llu</td><td "
			    "data-figure=\"patched-%d-%d\">%llu</td>",
			    i, k,
			    (unsigned long long)(s->vuln[k] + s->likely[k]), i,
			    k, (unsigned long long)s->patched[k]);
		buf_printf(b,
		           "<td "
		           "data-figure=\"backdoored-%d\">%llu</td><td>%llu"
		           "</td><td>%llu</td><td>%llu</td><td>%llu</td><td>"
		           "%llu</td></tr>",
		           i, (unsigned long long)s->backdoored,
		           (unsigned long long)s->newly_patched,
		           (unsigned long long)s->newly_backdoored,
		           (unsigned long long)s->cleaned,
		           (unsigned long long)s->disappeared,
		           (unsigned long long)s->eol);
	}
	buf_adds(b, "</table><h2>Builds (last scan)</h2>");
	cu_chart(b, r);
	csv_link(b, r, "builds.csv", report_builds_csv);
	group_section(b, r, "Countries", "country", &r->countries);
	group_section(b, r, "Networks", "network", &r->networks);
	if (r->countries.n || r->networks.n) {
		csv_link(b, r, "groups.csv", report_groups_csv);
		csv_link(b, r, "series.csv", report_series_csv);
	}
	funnel_section(b, &r->funnel);
	if (r->funnel.all.notified)
		csv_link(b, r, "notices.csv", report_funnel_csv);
	buf_adds(b, "<h2>Servers (last scan)</h2>");
	server_table(b, r, db_path);
	/* Sorting (a click on a header; again for the other way), the
	 * server table's filter, and its pages of 100 rows. */
	buf_adds(
	    b,
	    "<script>function sortt(id,c){var t=document.getElementById(id),"
	    "b=t.tBodies[0],r=Array.from(b.rows),d=t.dataset.sc==String(c)&&"
	    "t.dataset.sd!='d'?-1:1;t.dataset.sc=c;t.dataset.sd=d<0?'d':'a';"
	    "r.sort(function(x,y){return d*x.cells[c].textContent."
	    "localeCompare(y.cells[c].textContent,undefined,{numeric:true})});"
	    "r.forEach(function(x){b.appendChild(x)});if(id=='servers')show()}"
	    "function sortby(c){sortt('servers',c)}var pg=0,per=100;"
	    "function srows(){return Array.from(document.getElementById("
	    "'servers').tBodies[0].rows)}function show(){var a=srows(),v=a."
	    "filter(function(x){return x.dataset.out!='1'}),n=Math.max(1,"
	    "Math.ceil(v.length/per));pg=Math.min(Math.max(pg,0),n-1);a."
	    "forEach(function(x){x.style.display='none'});v.slice(pg*per,pg*"
	    "per+per).forEach(function(x){x.style.display=''});document."
	    "getElementById('pageinfo').textContent='page '+(pg+1)+' of '+n+"
	    "' ('+v.length+' rows)'}function page(d){pg+=d;show()}function "
	    "filt(q){q=q.toLowerCase();srows().forEach(function(x){x.dataset."
	    "out=x.textContent.toLowerCase().indexOf(q)<0?'1':''});pg=0;show()"
	    "}document.querySelectorAll('table.sortable').forEach(function(t)"
	    "{Array.from(t.tHead.rows[0].cells).forEach(function(h,i){h."
	    "onclick=function(){sortt(t.id,i)}})});show()</script></body>"
	    "</html>\n");
	return buf_error(b);
}
