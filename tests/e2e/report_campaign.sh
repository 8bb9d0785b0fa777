# exhunt report over a campaign: the lab evolves (--epoch 0, 1, 2), each
# epoch is scanned into one database, and every figure of the report equals
# what the lab's truth implies, scan by scan. The HTML dashboard carries the
# same figures and fetches nothing.
. "$(dirname "$0")/lib.sh"
for e in 0 1 2; do
	start_lab --addresses 127.78.96.0/22 --port 9507 --http-port 0 --epoch $e \
		--seed 5 --truth "$TMP/truth-$e.jsonl"
	"$EXHUNT" scan 127.78.96.0/22 --port 9507 --allow 127.78.0.0/16 --checks all \
		--timeout 300 --connect-timeout 60 --db "$TMP/campaign.db" -q --no-progress || fail "scan epoch $e"
	stop_lab
done
"$EXHUNT" report --db "$TMP/campaign.db" --csv "$TMP/report.csv" \
	--html "$TMP/report.html" >"$TMP/report.txt" || fail "report"
python3 - "$TMP" <<'PY' || fail "report figures differ from the truth"
import csv, json, sys
tmp = sys.argv[1]
def state(t):
    # What a scan by address sees of ProxyLogon: SNI-only servers show nothing.
    if not t["exchange"] or t["sni_only"]:
        return None
    return t["verdicts"].get("CVE-2021-26855")
truth = []
for e in range(3):
    truth.append({json.loads(l)["ip"]: json.loads(l) for l in open(f"{tmp}/truth-{e}.jsonl")})
rows = list(csv.DictReader(open(f"{tmp}/report.csv")))
assert len(rows) == 3, len(rows)
bad = []
def seen(t): return t["exchange"] and not t["sni_only"]
def opened(t): return state(t) in ("vulnerable", "likely-vulnerable")
for e, row in enumerate(rows):
    cur = truth[e]
    want = {
        "exchange": sum(seen(t) for t in cur.values()),
        "CVE-2021-26855_vulnerable": sum(state(t) == "vulnerable" for t in cur.values()),
        "CVE-2021-26855_likely": sum(state(t) == "likely-vulnerable" for t in cur.values()),
        "CVE-2021-26855_patched": sum(state(t) == "patched" for t in cur.values()),
        "backdoored": sum(seen(t) and bool(t["webshells"]) for t in cur.values()),
        "first_open": sum(opened(t) for t in truth[0].values()),
        "first_open_patched": sum(opened(truth[0][ip]) and state(cur[ip]) == "patched" for ip in cur),
    }
    if e:
        prev = truth[e - 1]
        want["newly_patched"] = sum(opened(prev[ip]) and state(cur[ip]) == "patched" for ip in cur)
        want["newly_backdoored"] = sum(seen(prev[ip]) and not prev[ip]["webshells"] and seen(cur[ip]) and bool(cur[ip]["webshells"]) for ip in cur)
        want["cleaned"] = sum(seen(prev[ip]) and bool(prev[ip]["webshells"]) and seen(cur[ip]) and not cur[ip]["webshells"] for ip in cur)
    for k, v in want.items():
        if int(row[k]) != v:
            bad.append(f"scan {e} {k}: report {row[k]}, truth {v}")
if bad:
    print("\n".join(bad)); sys.exit(1)
# The curve moves: later scans have patched more.
assert int(rows[2]["first_open_patched"]) > 0
PY
# The dashboard: the same figures, no network fetches.
grep -q "data-figure=\"exchange\">$(tail -1 "$TMP/report.csv" | cut -d, -f3)<" "$TMP/report.html" \
	|| fail "dashboard Exchange figure"
grep -q '<svg' "$TMP/report.html" || fail "no chart"
grep -qE '(src|href)="(https?:)?//' "$TMP/report.html" && fail "dashboard fetches from the network"
rows=$(sed -n 's/.*data-figure="table-rows">\([0-9]*\)<.*/\1/p' "$TMP/report.html")
[ "$rows" = "$(tail -1 "$TMP/report.csv" | cut -d, -f3)" ] || fail "server table rows $rows"
echo PASS
