# Resume after kill -9: the same command continues; no address whose result
# was written is probed again (no duplicate results) and none is skipped
# (every address has a result, and the results match the truth).
. "$(dirname "$0")/lib.sh"
start_lab --addresses 127.78.64.0/22 --port 9504 --http-port 0 --delay 20 \
	--truth "$TMP/truth.jsonl"
cmd=("$EXHUNT" scan 127.78.64.0/22 --port 9504 --allow 127.78.0.0/16
	--checks ssrf-26855,proxyshell --rate 300 -c 200
	--state "$TMP/state" -o "$TMP/scan.jsonl" --db "$TMP/scan.db" -q --no-progress)
"${cmd[@]}" &
pid=$!
sleep 2.5
kill -9 $pid
wait $pid 2>/dev/null || true
before=$(wc -l < "$TMP/scan.jsonl")
[ "$before" -gt 0 ] && [ "$before" -lt 1024 ] || fail "kill came at the wrong time ($before results)"
# A second interruption, by SIGINT this time (exit code 4, resumable).
"${cmd[@]}" &
pid=$!
sleep 1
kill -INT $pid
set +e; wait $pid; rc=$?; set -e
[ $rc = 4 ] || fail "SIGINT exit code $rc, want 4"
"${cmd[@]}" || fail "resumed scan exited $?"
compare "$TMP/truth.jsonl" "$TMP/scan.jsonl" --partial-checks | tail -4
compare "$TMP/truth.jsonl" "$TMP/scan.jsonl" --partial-checks >/dev/null || fail "after resume the results differ from truth"
n=$(sqlite3 "$TMP/scan.db" "select count(*) from observations")
[ "$n" = 1024 ] || fail "sqlite has $n observations after resume, want 1024"
[ "$(sqlite3 "$TMP/scan.db" "select count(distinct scan_id) from observations")" = 1 ] \
	|| fail "a resumed scan must keep its scan id"
# The summary covers the whole scan, across the interruptions.
grep -q '^sum 1024 ' "$TMP/state" || fail "summary after resume: $(grep ^sum "$TMP/state")"
ex=$(grep -c '"exchange":true' "$TMP/scan.jsonl")
grep -q "^sum 1024 $ex " "$TMP/state" || fail "summary Exchange count"
# Two scans on one state file: the second is refused while the first
# runs (exit 2, the lock named).
slow=("$EXHUNT" scan 127.78.64.0/22 --port 9504 --allow 127.78.0.0/16
	--checks ssrf-26855 --rate 20 -c 10 --state "$TMP/state3"
	-o "$TMP/s3.jsonl" -q --no-progress)
"${slow[@]}" &
first=$!
for _ in $(seq 1 50); do [ -e "$TMP/state3.lock" ] && break; sleep 0.1; done
sleep 0.3
set +e
"${slow[@]}" 2>"$TMP/err2"
rc=$?
set -e
kill -0 $first 2>/dev/null || fail "the first scan ended too soon to test the lock"
kill -INT $first 2>/dev/null || true
wait $first 2>/dev/null || true
[ $rc = 2 ] && grep -q "another exhunt scan is using it" "$TMP/err2" ||
	fail "a second scan on the same state ran (exit $rc: $(cat "$TMP/err2"))"
# Rerunning a finished scan probes nothing new.
"${cmd[@]}"
[ "$(wc -l < "$TMP/scan.jsonl")" = 1024 ] || fail "rerun added results"
# A state file of another scan is refused.
set +e
"$EXHUNT" scan 127.78.64.0/24 --port 9504 --allow 127.78.0.0/16 \
	--state "$TMP/state" -o "$TMP/other.jsonl" -q 2>"$TMP/err"
rc=$?
set -e
[ $rc = 2 ] && grep -q "belongs to a different scan" "$TMP/err" || fail "foreign state accepted"
pass
