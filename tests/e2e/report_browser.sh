# The dashboard in a real browser: headless Chromium (Debian's chromium)
# renders the page offline, in an empty network namespace when one can be
# made; a screenshot is taken; the figures in the rendered DOM equal what
# SQL over the database says (the follow-up of notices too), and the
# page's script ran (the table's filter and sort functions exist and the
# rows are all there).
. "$(dirname "$0")/lib.sh"
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || fail "chromium is not installed (tools/deps.sh installs it)"
for e in 0 1; do
	start_lab --slow-ms 100 --addresses 127.78.120.0/24 --port 9509 --http-port 0 --epoch $e --seed 9
	"$EXHUNT" scan 127.78.120.0/24 --port 9509 --allow 127.78.0.0/16 --checks all \
		--timeout 300 --connect-timeout 60 --db "$TMP/c.db" -q --no-progress || fail "scan $e"
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
		"file://$TMP/dash.html" 2>>"$TMP/browser.log"
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
rows = re.search(r'<table id="servers">.*?<tbody>(.*?)</tbody>', dom, re.S).group(1).count("<tr>")
assert rows == want["table-total"], (rows, want["table-total"])
assert "function sortby" in dom and "function filt" in dom
assert dom.count("<svg") >= 2
print(f"rendered: {len(want)} figures equal the database; screenshot {w}x{h}")
PY
pass
