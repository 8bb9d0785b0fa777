# report import: JSONL from another run becomes the same figures as the
# scan's own database; importing twice changes nothing; an import killed
# with -9 midway and run again loses and duplicates nothing; readers
# running during an import see whole batches; a bad line is named.
. "$(dirname "$0")/lib.sh"
start_lab --slow-ms 100 --addresses 127.78.112.0/24 --port 9508 --http-port 0
"$EXHUNT" scan 127.78.112.0/24 --port 9508 --allow 127.78.0.0/16 --checks all \
	--timeout 300 --connect-timeout 60 -o "$TMP/scan.jsonl" --db "$TMP/direct.db" -q
# A lab epoch or a replay dated by --as-of: the scan, each record and the
# report's curve carry that date (and end of life is judged at it).
"$EXHUNT" scan 127.78.112.0/26 --port 9508 --allow 127.78.0.0/16 --as-of 2021-03-16 \
	-o "$TMP/asof.jsonl" --db "$TMP/asof.db" -q --no-progress || fail "scan --as-of"
stop_lab
[ "$(sqlite3 "$TMP/asof.db" "select count(*) from scans where started = '2021-03-16T00:00:00Z' and id like '2021-03-16T00:00:00Z-%'")" = 1 ] \
	|| fail "scan --as-of: $(sqlite3 "$TMP/asof.db" "select id, started from scans")"
python3 -c "
import json,sys
t=[json.loads(l)['time'] for l in open('$TMP/asof.jsonl')]
assert len(t) == 64 and all('2021-03-16T00:00:00Z' <= x < '2021-03-16T00:10:00Z' for x in t), t[:3]" || fail "record times under --as-of"
"$EXHUNT" report --db "$TMP/asof.db" --csv "$TMP/asof.csv" >/dev/null || fail "report --as-of"
grep -q ',2021-03-16T00:00:00Z,' "$TMP/asof.csv" || fail "report time under --as-of"
"$EXHUNT" report import --db "$TMP/imported.db" "$TMP/scan.jsonl" | grep -q "256 records, 256 new" \
	|| fail "first import"
"$EXHUNT" report import --db "$TMP/imported.db" "$TMP/scan.jsonl" | grep -q "256 records, 0 new" \
	|| fail "second import is not idempotent"
"$EXHUNT" report --db "$TMP/direct.db" --csv "$TMP/direct.csv" >/dev/null
"$EXHUNT" report --db "$TMP/imported.db" --csv "$TMP/imported.csv" >/dev/null
# Figures that cannot be written are a failure (exit 3), never 0.
set +e
"$EXHUNT" report --db "$TMP/imported.db" --csv - >/dev/full 2>/dev/null; rc=$?
set -e
[ $rc = 3 ] || fail "report --csv - to a full disk: exit $rc, want 3"
# Same figures (the scan's start time differs: the import takes the first
# record's time).
cut -d, -f1,3- "$TMP/direct.csv" >"$TMP/a"; cut -d, -f1,3- "$TMP/imported.csv" >"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" || { diff "$TMP/a" "$TMP/b"; fail "imported figures differ"; }
for t in observations verdicts; do
	[ "$(sqlite3 "$TMP/direct.db" "select count(*) from $t")" = \
	  "$(sqlite3 "$TMP/imported.db" "select count(*) from $t")" ] || fail "$t count"
done
# A large import killed midway, then rerun: exactly every record once.
python3 - "$TMP/scan.jsonl" "$TMP/big.jsonl" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
with open(sys.argv[2], "w") as f:
    for k in range(800):
        for l in lines:
            f.write(l.replace('"scan_id":"', '"scan_id":"copy%03d-' % k, 1) + "\n")
PY
"$EXHUNT" report import --db "$TMP/big.db" "$TMP/big.jsonl" >/dev/null &
pid=$!
sleep 1.5
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
before=$(sqlite3 "$TMP/big.db" "select count(*) from observations" 2>/dev/null || echo 0)
[ "$before" -lt 204800 ] || echo "note: the import finished before the kill ($before)"
"$EXHUNT" report import --db "$TMP/big.db" "$TMP/big.jsonl" >/dev/null || fail "rerun after kill"
[ "$(sqlite3 "$TMP/big.db" "select count(*) from observations")" = 204800 ] || fail "records lost or duplicated"
[ "$(sqlite3 "$TMP/big.db" "select count(distinct scan_id) from observations")" = 800 ] || fail "scans"
# Concurrent readers: while an import writes, reports and counts read
# whole batches only (5,000 records a commit), never fail on a lock.
"$EXHUNT" report import --db "$TMP/big2.db" "$TMP/big.jsonl" >/dev/null &
pid=$!
# (readers start once the importer has created the database's schema)
for _ in $(seq 600); do
	[ -s "$TMP/big2.db" ] && sqlite3 "$TMP/big2.db" "select count(*) from scans" >/dev/null 2>&1 && break
	sleep 0.05
done
reads=0
while kill -0 $pid 2>/dev/null; do
	set +e
	"$EXHUNT" report --db "$TMP/big2.db" --csv "$TMP/r.csv" >/dev/null 2>"$TMP/rerr"; rc=$?
	set -e
	[ $rc = 0 ] || { [ $rc = 2 ] && grep -q "holds no scan\|no such table" "$TMP/rerr"; } \
		|| fail "report during an import ($rc: $(cat "$TMP/rerr"))"
	n=$(sqlite3 "$TMP/big2.db" "select count(*) from observations" 2>/dev/null || echo 0)
	[ $((n % 5000)) = 0 ] || [ "$n" = 204800 ] || fail "a reader saw half a batch ($n)"
	reads=$((reads + 1))
done
wait $pid || fail "import with readers"
[ "$reads" -ge 2 ] || echo "note: only $reads reads during the import"
[ "$(sqlite3 "$TMP/big2.db" "select count(*) from observations")" = 204800 ] || fail "records lost with readers"
# Verdicts land at their CVE's position whatever each record lists:
# another order, CVEs the store has not seen, more than a record's
# reduced form carries (64) and the lists alternating between records.
python3 - "$TMP/scan.jsonl" "$TMP/verd.jsonl" <<'PY'
import json, sys
src = [json.loads(l) for l in open(sys.argv[1])]
ex = [r for r in src if r["verdicts"]][:4]
words = ["vulnerable", "patched", "likely-vulnerable", "unknown"]
bases = ["build", "check:ssrf-26855", "check:proxyshell"]
out = []
for i, r in enumerate(ex * 3):
    r = dict(r, scan_id="verd", seq=i)
    items = list(r["verdicts"].items())
    if i % 3 == 1:
        items.reverse()
    if i % 3 == 2:
        items += [("CVE-2099-%04d" % k, words[k % 4]) for k in range(40)]
    r["verdicts"] = dict(items)
    r["verdict_basis"] = {c: bases[(i + k) % 3] for k, (c, _) in enumerate(items)}
    out.append(r)
with open(sys.argv[2], "w") as f:
    for r in out:
        f.write(json.dumps(r) + "\n")
PY
"$EXHUNT" report import --db "$TMP/verd.db" "$TMP/verd.jsonl" >/dev/null || fail "import of verdict lists"
sqlite3 -separator ' ' "$TMP/verd.db" "select seq, cve, verdict, basis from verdicts where scan_id='verd' and verdict != 'unknown' or (scan_id='verd' and cve like 'CVE-2099-%')" \
	| sort >"$TMP/verd.got"
python3 - "$TMP/verd.jsonl" <<'PY' | sort >"$TMP/verd.want"
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    for c, v in r["verdicts"].items():
        if v != "unknown" or c.startswith("CVE-2099-"):
            print(r["seq"], c, v, r["verdict_basis"][c])
PY
[ "$(wc -l <"$TMP/verd.want")" -gt 400 ] || fail "verdict test input"
cmp -s "$TMP/verd.got" "$TMP/verd.want" || { diff "$TMP/verd.got" "$TMP/verd.want" | head; fail "verdicts misplaced"; }
# A bad line names the file and line.
{ head -3 "$TMP/scan.jsonl"; echo '{"scan_id": broken'; } >"$TMP/bad.jsonl"
set +e
"$EXHUNT" report import --db "$TMP/bad.db" "$TMP/bad.jsonl" 2>"$TMP/err" >/dev/null
rc=$?
set -e
[ $rc = 2 ] && grep -q "bad.jsonl:4: not JSON" "$TMP/err" || fail "bad line not named ($rc: $(cat "$TMP/err"))"
{ head -3 "$TMP/scan.jsonl"; echo '{"scan_id":"x","exchange":true}'; } >"$TMP/bad2.jsonl"
set +e
"$EXHUNT" report import --db "$TMP/bad2.db" "$TMP/bad2.jsonl" 2>"$TMP/err" >/dev/null
rc=$?
set -e
[ $rc = 2 ] && grep -q "bad2.jsonl:4: not an exhunt scan record" "$TMP/err" && ! grep -q "not JSON" "$TMP/err" \
	|| fail "a record without seq not named ($rc: $(cat "$TMP/err"))"
pass
