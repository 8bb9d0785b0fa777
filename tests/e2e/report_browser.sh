# The dashboard in a real browser: headless Chromium (Debian's chromium)
# renders the page offline, in an empty network namespace when one can be
# made; a screenshot is taken; the figures in the rendered DOM equal what
# SQL over the database says (the follow-up of notices too), and the
# page's script ran (the table's filter and sort functions exist and the
# rows are all there). Then a harness page drives the dashboard as a user
# would (next page, sort by a header twice, filter) and what shows is
# checked against SQL, for the dashboard from SQLite and from PostgreSQL.
. "$(dirname "$0")/lib.sh"
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || fail "chromium is not installed (tools/deps.sh installs it)"
for e in 0 1; do
	start_lab --slow-ms 100 --addresses 127.78.120.0/24 --port 9509 --http-port 0 --epoch $e --seed 9
	"$EXHUNT" scan 127.78.120.0/24 --port 9509 --allow 127.78.0.0/16 --checks all \
		--timeout 300 --connect-timeout 60 --db "$TMP/c.db" -o "$TMP/c$e.jsonl" -q --no-progress || fail "scan $e"
	stop_lab
	if [ $e = 0 ]; then
		printf '127.78.120.0/24,noc@lab.example\n' >"$TMP/contacts.csv"
		"$EXHUNT" notify send --db "$TMP/c.db" --contacts "$TMP/contacts.csv" --from s@cert.example \
			--cve CVE-2021-26855 --dry-run --maildir "$TMP/mail" >/dev/null || fail "notify"
		sleep 1
	fi
done
"$EXHUNT" report --db "$TMP/c.db" --html "$TMP/dash.html" >/dev/null || fail "report"
net=()
unshare --net true 2>/dev/null && net=(unshare --net)
run_browser() {
	"${net[@]}" "$browser" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --disable-default-apps --no-first-run \
		--disable-features=Translate,MediaRouter,OptimizationHints \
		--user-data-dir="$TMP/profile" --window-size=1280,2400 "$@" \
		"${PAGE:-file://$TMP/dash.html}" 2>>"$TMP/browser.log"
}
run_browser --screenshot="$TMP/shot.png" >/dev/null || fail "screenshot ($(tail -3 "$TMP/browser.log"))"
run_browser --virtual-time-budget=2000 --dump-dom >"$TMP/dom.html" || fail "dump-dom"
python3 - "$TMP" <<'PY' || fail "the rendered dashboard differs from the database"
import re, sqlite3, struct, sys
tmp = sys.argv[1]
png = open(f"{tmp}/shot.png", "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n", "screenshot is not a PNG"
w, h = struct.unpack(">II", png[16:24])
assert w >= 1000 and h >= 1000 and len(png) > 20000, (w, h, len(png))
dom = open(f"{tmp}/dom.html").read()
fig = dict(re.findall(r'data-figure="([^"]+)">([^<]*)<', dom))
db = sqlite3.connect(f"{tmp}/c.db")
scans = [r[0] for r in db.execute("SELECT id FROM scans ORDER BY started, id")]
assert len(scans) == 2
def q(sql, *a): return db.execute(sql, a).fetchone()[0]
def campaign(sid, cve, words):
    return q("SELECT count(DISTINCT o.server_id) FROM observations o JOIN verdicts v "
             "ON v.scan_id=o.scan_id AND v.seq=o.seq WHERE o.scan_id=? AND o.exchange "
             "AND v.cve=? AND v.verdict IN (%s)" % ",".join("?" * len(words)), sid, cve, *words)
cves = ["CVE-2021-26855", "CVE-2021-34473", "CVE-2021-33766", "CVE-2022-41040", "CVE-2022-41080"]
want = {}
for i, sid in enumerate(scans):
    want[f"exchange-{i}"] = q("SELECT count(DISTINCT server_id) FROM observations WHERE scan_id=? AND exchange", sid)
    want[f"backdoored-{i}"] = q("SELECT count(DISTINCT server_id) FROM observations WHERE scan_id=? AND exchange AND webshells>0", sid)
    for k, c in enumerate(cves):
        want[f"open-{i}-{k}"] = campaign(sid, c, ["vulnerable", "likely-vulnerable"])
        want[f"patched-{i}-{k}"] = campaign(sid, c, ["patched"])
last = scans[-1]
want["exchange"] = want["exchange-1"]
want["backdoored"] = want["backdoored-1"]
want["open"] = want["open-1-0"]
want["funnel-notified"] = q("SELECT count(DISTINCT server_id) FROM notices")
assert want["funnel-notified"] > 0
want["table-total"] = q("SELECT count(*) FROM observations WHERE scan_id=? AND exchange", last)
bad = [f"{k}: page {fig.get(k)}, database {v}" for k, v in want.items() if fig.get(k) != str(v)]
assert not bad, bad
assert want["exchange"] > 100 and want["open"] > 0
rows = len(re.findall(r"<tr[ >]", re.search(r'<table id="servers">.*?<tbody>(.*?)</tbody>', dom, re.S).group(1)))
assert rows == want["table-total"], (rows, want["table-total"])
assert "function sortby" in dom and "function filt" in dom
assert dom.count("<svg") >= 2
print(f"rendered: {len(want)} figures equal the database; screenshot {w}x{h}")
PY

# Clicked: a harness page holds the dashboard in a frame and uses it.
cat >"$TMP/harness.html" <<'HTML'
<!DOCTYPE html><html><body><pre id="out">not run</pre>
<iframe id="f" width="1200" height="900"></iframe><script>
var f = document.getElementById('f');
f.onload = function () {
  var d = f.contentDocument, o = {};
  function shown() { return Array.from(d.getElementById('servers').tBodies[0].rows)
    .filter(function (x) { return x.style.display != 'none'; }); }
  function first() { return shown().map(function (x) { return x.cells[0].textContent; }); }
  o.total = d.getElementById('servers').tBodies[0].rows.length;
  o.p1 = shown().length; o.info1 = d.getElementById('pageinfo').textContent;
  d.getElementById('next').click();
  o.p2 = shown().length; o.info2 = d.getElementById('pageinfo').textContent;
  d.getElementById('prev').click();
  var th = d.querySelectorAll('#servers thead th');
  th[0].click(); o.asc = first();
  th[0].click(); o.desc = first();
  var q = d.getElementById('filter'); q.value = 'patched';
  q.dispatchEvent(new Event('input'));
  o.filtered = shown().length; o.info3 = d.getElementById('pageinfo').textContent;
  o.allmatch = shown().every(function (x) { return x.cells[4].textContent == 'patched'; });
  document.getElementById('out').textContent = JSON.stringify(o);
};
f.src = location.hash.slice(1);
</script></body></html>
HTML
start_pg
for k in c0 c1; do "$EXHUNT" report import --db "$PG_URL" "$TMP/$k.jsonl" >/dev/null || fail "import $k into PostgreSQL"; done
"$EXHUNT" report --db "$PG_URL" --html "$TMP/pgdash.html" >/dev/null || fail "report from PostgreSQL"
for d in dash pgdash; do
	PAGE="file://$TMP/harness.html#$d.html" run_browser --allow-file-access-from-files \
		--virtual-time-budget=4000 --dump-dom >"$TMP/h-$d.html" || fail "harness on $d"
done
python3 - "$TMP" <<'PY' || fail "the dashboard does not page, sort or filter as the database says"
import html, json, re, sqlite3, sys
tmp = sys.argv[1]
db = sqlite3.connect(f"{tmp}/c.db")
last = db.execute("SELECT id FROM scans ORDER BY started, id DESC").fetchall()[-1][0]
ips = [r[0] for r in db.execute("SELECT ip FROM observations WHERE scan_id=? AND exchange", (last,))]
num = lambda ip: tuple(int(x) for x in ip.split("."))
patched = db.execute("SELECT count(*) FROM observations o JOIN verdicts v ON v.scan_id=o.scan_id AND "
                     "v.seq=o.seq WHERE o.scan_id=? AND o.exchange AND v.cve='CVE-2021-26855' AND "
                     "v.verdict='patched'", (last,)).fetchone()[0]
n = len(ips)
assert n > 100, n
pages = -(-n // 100)
seen = {}
for d in ("dash", "pgdash"):
    o = json.loads(html.unescape(re.search(r'<pre id="out">(.*?)</pre>', open(f"{tmp}/h-{d}.html").read(), re.S).group(1)))
    assert o["total"] == n, (d, o["total"], n)
    assert o["p1"] == 100 and o["p2"] == min(100, n - 100), (d, o["p1"], o["p2"])
    assert o["info1"] == f"page 1 of {pages} ({n} rows)" and o["info2"].startswith("page 2 of"), (o["info1"], o["info2"])
    assert o["asc"] == sorted(ips, key=num)[:100], (d, o["asc"][:3])
    assert o["desc"] == sorted(ips, key=num, reverse=True)[:100], (d, o["desc"][:3])
    assert o["filtered"] == min(100, patched) and o["allmatch"], (d, o["filtered"], patched)
    assert o["info3"].endswith(f"({patched} rows)"), (d, o["info3"], patched)
    seen[d] = o
assert seen["dash"] == seen["pgdash"]
print(f"clicked: {n} servers in {pages} pages, sorted both ways, {patched} patched by filter; SQLite and PostgreSQL alike")
PY
pass
