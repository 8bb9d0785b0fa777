# exhunt report over a campaign: the lab evolves (--epoch 0, 1, 2), each
# epoch is scanned into one database, and every figure of the report equals
# what the lab's truth implies, scan by scan, following each server by its
# identity when the lab moves it to another address. The HTML dashboard carries the
# same figures and fetches nothing.
. "$(dirname "$0")/lib.sh"
for e in 0 1 2; do
	start_lab --slow-ms 100 --addresses 127.78.96.0/22 --port 9507 --http-port 0 --epoch $e \
		--seed 5 --truth "$TMP/truth-$e.jsonl"
	"$EXHUNT" scan 127.78.96.0/22 --port 9507 --allow 127.78.0.0/16 --checks all \
		--timeout 300 --connect-timeout 60 --db "$TMP/campaign.db" -q --no-progress || fail "scan epoch $e"
	stop_lab
	if [ $e = 0 ]; then
		# Notices after the first scan (to a maildir); the report
		# follows them up over the later scans.
		printf '127.78.96.0/23,noc@low.example\n127.78.98.0/23,noc@high.example\n' >"$TMP/contacts.csv"
		"$EXHUNT" notify send --db "$TMP/campaign.db" --contacts "$TMP/contacts.csv" \
			--from scans@cert.example --dry-run --maildir "$TMP/mail" \
			--cve CVE-2021-26855,CVE-2021-26857,CVE-2021-26858,CVE-2021-27065 >/dev/null || fail "notify"
		sleep 1 # the next scan starts after the notices
	fi
done
"$EXHUNT" report --db "$TMP/campaign.db" --csv "$TMP/report.csv" --funnel-csv "$TMP/funnel.csv" \
	--builds-csv "$TMP/builds.csv" --json "$TMP/report.json" \
	--html "$TMP/report.html" >"$TMP/report.txt" || fail "report"
# The JSON summary, the builds in version order, and the CSV behind each
# chart of the dashboard say what the CSV files say.
python3 - "$TMP" <<'PY' || fail "JSON summary, builds or the dashboard's CSV links differ"
import csv, html, json, re, sqlite3, sys, urllib.parse
tmp = sys.argv[1]
rows = list(csv.DictReader(open(f"{tmp}/report.csv")))
j = json.load(open(f"{tmp}/report.json"))
assert j["schema"] == 1 and len(j["scans"]) == len(rows) == 3
for row, s in zip(rows, j["scans"]):
    assert s["scan_id"] == row["scan_id"] and s["time"] == row["time"]
    for k in ("exchange", "first_open", "first_open_patched", "backdoored", "newly_patched",
              "newly_backdoored", "cleaned", "disappeared", "eol"):
        assert s[k] == int(row[k]), (k, s[k], row[k])
    for cve, c in s["cves"].items():
        for k in ("vulnerable", "likely", "patched"):
            assert c[k] == int(row[f"{cve}_{k}"]), (cve, k)
notices = {r["contact"]: r for r in csv.DictReader(open(f"{tmp}/funnel.csv"))}
assert {n["contact"] for n in j["notices"]} == set(notices)
# Builds: every build name of the last scan, counted by server, in
# version order (2013 CU2 before CU10), grouped by product line.
db = sqlite3.connect(f"{tmp}/campaign.db")
last = db.execute("select max(no) from scans").fetchone()[0]
want = {}
for name, build, sid in db.execute(
        "select build_name, build, server_id from observations where key >= ? and key < ? "
        "and exchange and build_name is not null", (last << 40, (last + 1) << 40)):
    n = name.split("Exchange Server ", 1)[-1]
    n = " ".join(n.split(" ")[:2])
    want.setdefault(n, set()).add(sid)
    want[n + "#v"] = want.get(n + "#v", set()) | {tuple(int(x) for x in build.split("."))}
builds = list(csv.DictReader(open(f"{tmp}/builds.csv")))
assert len(builds) >= 3, builds
assert {b["build_name"]: int(b["servers"]) for b in builds} == \
    {k: len(v) for k, v in want.items() if not k.endswith("#v")}
vers = [tuple(int(x) for x in b["build"].split(".")) for b in builds]
assert vers == sorted(vers), vers
lines = [b["product_line"] for b in builds]
runs = [l for i, l in enumerate(lines) if i == 0 or lines[i - 1] != l]
assert len(runs) == len(set(runs)), lines  # each product line together
assert [b["build_name"] for b in j["builds"]] == [b["build_name"] for b in builds]
page = open(f"{tmp}/report.html").read()
shown = [html.unescape(m) for m in re.findall(r'data-figure="build-([^"]*)"', page)]
assert shown == [b["build_name"] for b in builds], (shown, builds)
# the CSV behind each chart, embedded in the page
links = {name: urllib.parse.unquote(data) for data, name in
         re.findall(r'href="data:text/csv;charset=utf-8,([^"]*)" data-csv="([^"]*)"', page)}
for name, path in (("scans.csv", "report.csv"), ("builds.csv", "builds.csv"),
                   ("notices.csv", "funnel.csv")):
    assert links.get(name) == open(f"{tmp}/{path}").read(), name
print(f"{len(builds)} builds in version order; JSON and chart CSVs agree")
PY
python3 - "$TMP" "$SRC/tests/e2e" <<'PY' || fail "follow-up of notices differs from the truth"
import csv, json, sys
tmp = sys.argv[1]
sys.path.insert(0, sys.argv[2])
from truth import load as load_truth
def load(e):
    return load_truth(f"{tmp}/truth-{e}.jsonl")
first, last = load(0), load(2)
OPEN = ("vulnerable", "likely-vulnerable")
PROXYLOGON = {"CVE-2021-26855", "CVE-2021-26857", "CVE-2021-26858", "CVE-2021-27065"}
want = {}
for name, t in first.items():
    cves = {c for c, v in t["verdicts"].items() if v in OPEN and c in PROXYLOGON}
    if not cves and not t["webshells"]:
        continue
    contact = "noc@low.example" if int(t["ip"].split(".")[2]) < 98 else "noc@high.example"
    for key in (contact, "(all)"):
        w = want.setdefault(key, dict(notified=0, gone=0, patched=0, clean=0, still_backdoored=0, patched_timed=0))
        w["notified"] += 1
        now = last.get(name)
        if now is None:
            w["gone"] += 1
            continue
        patched = not any(now["verdicts"].get(c) in OPEN for c in cves)
        w["patched"] += patched
        w["patched_timed"] += patched and bool(cves)  # shell-only notices have no time to patch
        w["clean"] += patched and not now["webshells"]
        w["still_backdoored"] += bool(now["webshells"])
rows = {r["contact"]: r for r in csv.DictReader(open(f"{tmp}/funnel.csv"))}
assert set(rows) == set(want), (sorted(rows), sorted(want))
for k, w in want.items():
    got = {f: int(rows[k][f]) for f in w}
    assert got == w, (k, got, w)
assert want["(all)"]["patched"] > 0
print("follow-up:", want["(all)"])
PY
python3 - "$TMP" "$SRC/tests/e2e" <<'PY' || fail "report figures differ from the truth"
import csv, json, sys
tmp = sys.argv[1]
sys.path.insert(0, sys.argv[2])
from truth import load as load_truth, scanned
def state(t):
    # What a scan by address sees of ProxyLogon.
    return t["verdicts"].get("CVE-2021-26855") if scanned(t) else None
truth = []
moved = 0
for e in range(3):
    # By server: the lab moves some servers between addresses (docs/lab.md).
    by_name = load_truth(f"{tmp}/truth-{e}.jsonl")
    if e:
        moved += sum(1 for n, t in by_name.items()
                     if n in truth[-1] and truth[-1][n]["ip"] != t["ip"])
    truth.append(by_name)
assert moved > 0, "the lab moved no server: the identity test would be empty"
rows = list(csv.DictReader(open(f"{tmp}/report.csv")))
assert len(rows) == 3, len(rows)
bad = []
def opened(t): return t is not None and state(t) in ("vulnerable", "likely-vulnerable")
def patched(t): return t is not None and state(t) == "patched"
def shells(t): return t is not None and bool(t["webshells"])
for e, row in enumerate(rows):
    cur = truth[e]
    want = {
        "exchange": len(cur),
        "CVE-2021-26855_vulnerable": sum(state(t) == "vulnerable" for t in cur.values()),
        "CVE-2021-26855_likely": sum(state(t) == "likely-vulnerable" for t in cur.values()),
        "CVE-2021-26855_patched": sum(state(t) == "patched" for t in cur.values()),
        "backdoored": sum(shells(t) for t in cur.values()),
        "first_open": sum(opened(t) for t in truth[0].values()),
        "first_open_patched": sum(opened(truth[0][n]) and patched(cur.get(n)) for n in truth[0]),
    }
    if e:
        prev = truth[e - 1]
        want["newly_patched"] = sum(opened(prev[n]) and patched(cur.get(n)) for n in prev)
        want["newly_backdoored"] = sum(not shells(prev[n]) and shells(cur.get(n)) for n in prev)
        want["cleaned"] = sum(shells(prev[n]) and n in cur and not shells(cur[n]) for n in prev)
        want["disappeared"] = sum(n not in cur for n in prev)
    for k, v in want.items():
        if int(row[k]) != v:
            bad.append(f"scan {e} {k}: report {row[k]}, truth {v}")
if bad:
    print("\n".join(bad)); sys.exit(1)
print(f"{moved} servers moved address; figures follow them")
# The curve moves: later scans have patched more.
assert int(rows[2]["first_open_patched"]) > 0
PY
# Countries and networks: enrichment rows (as exhunt notify enrich writes
# them) join by address; per group figures equal the last epoch's truth.
python3 - "$TMP" "$EXHUNT" <<'PY' || fail "per country / network figures differ from the truth"
import csv, json, sqlite3, subprocess, sys
tmp = sys.argv[1]
cc = {96: "NL", 97: "DE", 98: "NL", 99: "FR"}
db = sqlite3.connect(f"{tmp}/campaign.db")
truth = [json.loads(l) for l in open(f"{tmp}/truth-2.jsonl")]
for t in truth:
    o = int(t["ip"].split(".")[2])
    db.execute("INSERT OR REPLACE INTO addresses VALUES(?,?,?,?,?)",
               (t["ip"], 64500 + o % 2, f"Net {o % 2}", cc[o], "test"))
db.commit(); db.close()
subprocess.run([sys.argv[2], "report", "--db", f"{tmp}/campaign.db",
                "--groups-csv", f"{tmp}/groups.csv"], check=True, stdout=subprocess.DEVNULL)
got = {(r["dimension"], r["key"]): r for r in csv.DictReader(open(f"{tmp}/groups.csv"))}
follow = ["CVE-2021-26855", "CVE-2021-34473", "CVE-2021-33766", "CVE-2022-41040", "CVE-2022-41080"]
want = {}
for t in truth:
    if not t["exchange"] or not t["visible"] or t["sni_only"] or t.get("sni_foreign"):
        continue
    o = int(t["ip"].split(".")[2])
    for key in (("country", cc[o]), ("network", f"AS{64500 + o % 2}")):
        w = want.setdefault(key, [0, 0, 0])
        w[0] += 1
        w[1] += any(t["verdicts"].get(c) in ("vulnerable", "likely-vulnerable") for c in follow)
        w[2] += bool(t["webshells"])
assert set(got) == set(want), (sorted(got), sorted(want))
for k, (n, op, sh) in want.items():
    r = got[k]
    assert (int(r["servers"]), int(r["open"]), int(r["backdoored"])) == (n, op, sh), (k, r, (n, op, sh))
assert got[("network", "AS64500")]["name"] == "Net 0"
PY
# Per group and scan, the report's figures equal the grouping queries
# that define them (docs/report.md), also for servers seen at several
# addresses of one scan, in one group or in two (flags joined per group).
python3 - "$TMP" "$EXHUNT" <<'PY' || fail "per group figures differ from their definition in SQL"
import csv, shutil, sqlite3, subprocess, sys
tmp, ex = sys.argv[1], sys.argv[2]
shutil.copy(f"{tmp}/campaign.db", f"{tmp}/groups.db")
db = sqlite3.connect(f"{tmp}/groups.db")
last = db.execute("SELECT no FROM scans ORDER BY started DESC, id DESC LIMIT 1").fetchone()[0]
rows = db.execute("SELECT o.*, a.country, a.asn FROM observations o JOIN addresses a ON a.ip=o.ip "
                  "WHERE o.exchange != 0 AND o.key >= ? * 1099511627776 ORDER BY o.key LIMIT 40",
                  (last,)).fetchall()
assert len(rows) == 40
for i, r in enumerate(rows):
    r = list(r[:27])
    r[0] += 500000            # key: a further observation of the same server
    r[2] += 500000            # seq
    r[4] = f"10.99.0.{i}"     # another address
    r[17] = r[17].replace("P", "V") if i % 3 == 0 else r[17]  # open there only
    r[20] = 1 if i % 4 == 0 else r[20]                        # a shell there only
    db.execute("INSERT INTO observations VALUES(" + ",".join("?" * 27) + ")", r)
    same = i % 2 == 0         # the same country and network, or others
    db.execute("INSERT INTO addresses VALUES(?,?,?,?,?)",
               (r[4], rows[i][-1] if same else 65000 + i % 3, None if same else "Other",
                rows[i][-2] if same else ("ZZ" if i % 3 else None), "test"))
db.commit()
subprocess.run([ex, "report", "--db", f"{tmp}/groups.db", "--groups-csv", f"{tmp}/g.csv",
                "--series-csv", f"{tmp}/s.csv"], check=True, stdout=subprocess.DEVNULL)
pos = [r[0] for r in db.execute("SELECT idx FROM cves WHERE id IN ('CVE-2021-26855','CVE-2021-34473',"
                                "'CVE-2021-33766','CVE-2022-41040','CVE-2022-41080')")]
open_ = " OR ".join(f"substr(o.verdicts,{p},1) IN ('V','L')" for p in pos) or "1=0"
def figures(no, col):
    q = (f"SELECT coalesce({col}, 'unknown'), max(a.as_name), count(DISTINCT o.server_id), "
         f"count(DISTINCT CASE WHEN {open_} THEN o.server_id END), "
         f"count(DISTINCT CASE WHEN o.webshells>0 THEN o.server_id END) FROM observations o "
         f"JOIN addresses a ON a.ip=o.ip WHERE o.key BETWEEN ? AND ? AND o.exchange != 0 GROUP BY 1")
    return {r[0]: r[1:] for r in db.execute(q, (no << 40, ((no + 1) << 40) - 1))}
cols = {"country": "a.country", "network": "'AS' || a.asn"}
got = list(csv.DictReader(open(f"{tmp}/g.csv")))
for dim, col in cols.items():
    want = figures(last, col)
    mine = {r["key"]: r for r in got if r["dimension"] == dim}
    assert set(mine) == set(want), (dim, sorted(mine), sorted(want))
    for k, (name, n, op, sh) in want.items():
        r = mine[k]
        assert (int(r["servers"]), int(r["open"]), int(r["backdoored"])) == (n, op, sh), (dim, k, r, (n, op, sh))
        assert r["name"] == (name or ""), (dim, k, r["name"], name)
assert any(r["key"] == "ZZ" for r in got) and any(r["key"] == "AS65001" for r in got)
scans = {sid: no for no, sid in db.execute("SELECT no, id FROM scans")}
n = 0
for r in csv.DictReader(open(f"{tmp}/s.csv")):
    want = figures(scans[r["scan_id"]], cols[r["dimension"]]).get(r["key"], (None, 0, 0, 0))
    assert (int(r["servers"]), int(r["open"])) == want[1:3], (r, want)
    n += 1
assert n > 20, n
PY
# The dashboard: the same figures, no network fetches.
grep -q "data-figure=\"exchange\">$(tail -1 "$TMP/report.csv" | cut -d, -f3)<" "$TMP/report.html" \
	|| fail "dashboard Exchange figure"
grep -q '<svg' "$TMP/report.html" || fail "no chart"
grep -qE '(src|href)="(https?:)?//' "$TMP/report.html" && fail "dashboard fetches from the network"
rows=$(sed -n 's/.*data-figure="table-rows">\([0-9]*\)<.*/\1/p' "$TMP/report.html")
[ "$rows" = "$(tail -1 "$TMP/report.csv" | cut -d, -f3)" ] || fail "server table rows $rows"
# A scan killed before its first checkpoint (registered, no result, not
# finished) is left out, and said to be; the figures stay as they were.
sqlite3 "$TMP/campaign.db" "INSERT INTO scans(id, started) VALUES ('killed-early', '2099-01-01T00:00:00Z')"
"$EXHUNT" report --db "$TMP/campaign.db" --csv "$TMP/report2.csv" >/dev/null 2>"$TMP/report2.err" ||
	fail "report with an empty scan"
cmp -s "$TMP/report.csv" "$TMP/report2.csv" || fail "an empty unfinished scan changed the figures"
grep -q "1 scan without any result" "$TMP/report2.err" || fail "the empty scan left out silently"
pass
