# Loud failures and nothing lost: the scan killed at many points (kill -9
# and SIGTERM) with JSONL, CSV, SQLite and a state file, then resumed:
# the three outputs hold the same servers, each once, no CSV row cut; a
# lab stops with 0 on SIGTERM; a scan writing into a closed pipe exits 3;
# report import stops at SIGTERM after a whole record (exit 4) and a rerun
# completes it; an import whose COMMIT fails (file size limit, as a full
# disk) exits 3 and leaves the database as it was before that batch.
. "$(dirname "$0")/lib.sh"
start_lab --addresses 127.78.160.0/22 --port 9512 --http-port 0 --delay 20 \
	--truth "$TMP/truth.jsonl"
cmd=("$EXHUNT" scan 127.78.160.0/22 --port 9512 --allow 127.78.0.0/16
	--checks ssrf-26855,proxyshell --rate 400 -c 200 --state "$TMP/state"
	-o "$TMP/scan.jsonl" --csv "$TMP/scan.csv" --db "$TMP/scan.db" -q --no-progress)
kills=0
for i in $(seq 1 12); do
	"${cmd[@]}" &
	pid=$!
	if [ $((i % 3)) = 0 ]; then sig=TERM; else sig=KILL; fi
	if [ $sig = TERM ]; then
		# SIGTERM is for a scan that has started (its handler is in
		# place: SigCgt bit 15); before that it is killed like any
		# process, slow starts (sanitizers, a loaded machine) included
		for _ in $(seq 200); do
			cgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' /proc/$pid/status 2>/dev/null || true)
			[ -n "$cgt" ] && (( (16#$cgt >> 14) & 1 )) && break
			sleep 0.05
		done
	fi
	sleep "0.$(( (RANDOM % 6) + 2 ))"
	kill -$sig $pid 2>/dev/null && kills=$((kills + 1))
	set +e; wait $pid; rc=$?; set -e
	[ $sig = TERM ] && [ $rc != 0 ] && [ $rc != 4 ] && fail "scan after SIGTERM exited $rc, want 4"
	[ -n "$(grep -c . "$TMP/scan.jsonl" 2>/dev/null)" ] || true
done
"${cmd[@]}" || fail "final resume exited $?"
echo "$kills interruptions"
[ "$kills" -ge 6 ] || fail "the scan finished before the kills ($kills)"
stop_lab
python3 - "$TMP" <<'PY' || fail "JSONL, CSV and SQLite disagree after the kills"
import csv, json, sqlite3, sys
tmp = sys.argv[1]
recs = [json.loads(l) for l in open(f"{tmp}/scan.jsonl")]
ips = [r["ip"] for r in recs]
assert len(ips) == 1024 and len(set(ips)) == 1024, (len(ips), len(set(ips)))
ex = {r["ip"] for r in recs if r["exchange"]}
rows = list(csv.reader(open(f"{tmp}/scan.csv", newline="")))
assert rows[0][0] == "timestamp" and all(len(r) == len(rows[0]) for r in rows), "a CSV row is cut or the header repeats"
cips = [r[2] for r in rows[1:]]
assert len(cips) == len(set(cips)), "a CSV row is duplicated"
assert set(cips) == ex, (len(cips), len(ex))
db = sqlite3.connect(f"{tmp}/scan.db")
sips = [r[0] for r in db.execute("SELECT ip FROM observations")]
assert sorted(sips) == sorted(ips), (len(sips), len(ips))
assert db.execute("SELECT count(DISTINCT scan_id) FROM observations").fetchone()[0] == 1
print(f"1024 results, {len(ex)} CSV rows, SQLite agrees")
PY
compare "$TMP/truth.jsonl" "$TMP/scan.jsonl" --partial-checks | tail -5
compare "$TMP/truth.jsonl" "$TMP/scan.jsonl" --partial-checks >/dev/null || fail "results differ from truth after the kills"

# A lab stops with 0 on SIGTERM.
"$EXHUNT" lab --addresses 127.78.164.0/30 --port 9512 --http-port 0 >"$TMP/lab2.out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q ready "$TMP/lab2.out" && break; sleep 0.1; done
kill -TERM $pid
set +e; wait $pid; rc=$?; set -e
[ $rc = 0 ] || fail "lab after SIGTERM exited $rc, want 0"

# A closed pipe: the dry run's list cannot be written; exit 3, not 0.
set +e
"$EXHUNT" scan 1.0.0.0/16 --dry-run -q 2>"$TMP/pipe.err" | head -c 100 >/dev/null
rc=${PIPESTATUS[0]}
set -e
[ $rc = 3 ] || fail "scan into a closed pipe exited $rc, want 3"

# report import: SIGTERM stops after a whole record, commits what it read
# (exit 4) and says up to which line; the rerun adds the rest.
python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
base = [l for l in open(f"{tmp}/scan.jsonl")]
with open(f"{tmp}/big.jsonl", "w") as f:
    for k in range(300):
        for l in base:
            r = json.loads(l)
            r["scan_id"] = "import-test-%03d" % k
            f.write(json.dumps(r) + "\n")
PY
total=$(wc -l < "$TMP/big.jsonl")
"$EXHUNT" report import --db "$TMP/imp.db" "$TMP/big.jsonl" >"$TMP/imp.out" 2>&1 &
pid=$!
# (the signal goes once the first batch is in: the import is under way)
for _ in $(seq 400); do
	[ "$(sqlite3 "$TMP/imp.db" "select count(*) from observations" 2>/dev/null || echo 0)" -gt 0 ] && break
	sleep 0.05
done
kill -TERM $pid
set +e; wait $pid; rc=$?; set -e
[ $rc = 4 ] || fail "import after SIGTERM exited $rc, want 4 ($(cat "$TMP/imp.out"))"
n=$(sqlite3 "$TMP/imp.db" "select count(*) from observations")
[ "$n" -gt 0 ] && [ "$n" -lt "$total" ] || fail "SIGTERM landed outside the import ($n of $total)"
upto=$(sed -n 's/.*interrupted after line \([0-9]*\);.*/\1/p' "$TMP/imp.out")
[ "$n" = "$upto" ] || fail "import says it wrote lines 1 to $upto, the database has $n"
[ "$(sqlite3 "$TMP/imp.db" "pragma integrity_check")" = ok ] || fail "database damaged by SIGTERM"
"$EXHUNT" report import --db "$TMP/imp.db" "$TMP/big.jsonl" >/dev/null || fail "import rerun"
[ "$(sqlite3 "$TMP/imp.db" "select count(*) from observations")" = "$total" ] || fail "rerun did not complete the import"

# A COMMIT that fails (the file size limit, as a full disk would): exit 3,
# the database as it was before the batch.
"$EXHUNT" report import --db "$TMP/full.db" "$TMP/scan.jsonl" >/dev/null || fail "first import"
before=$(sqlite3 "$TMP/full.db" "select count(*) from observations")
size=$(( $(stat -c %s "$TMP/full.db") / 1024 + 64 ))
set +e
( trap '' XFSZ; ulimit -f "$size"; exec "$EXHUNT" report import --db "$TMP/full.db" "$TMP/big.jsonl" ) \
	>"$TMP/full.out" 2>&1
rc=$?
set -e
[ $rc = 3 ] || fail "import into a full database exited $rc, want 3 ($(cat "$TMP/full.out"))"
grep -q "was not written" "$TMP/full.out" || grep -q "failed" "$TMP/full.out" || fail "no message naming the failure: $(cat "$TMP/full.out")"
[ "$(sqlite3 "$TMP/full.db" "pragma integrity_check")" = ok ] || fail "database damaged by the failed commit"
after=$(sqlite3 "$TMP/full.db" "select count(*) from observations")
[ $(( (after - before) % 5001 )) = 0 ] || [ $(( (after - before) % 5000 )) = 0 ] \
	|| fail "a partial batch was left after the failed commit ($before -> $after)"
pass
