#!/usr/bin/env bash
# bench/report/scanners.sh: many scanners into one campaign. On the same
# lab fleet (loopback), in one run: one scanner writing an SQLite
# database, then three scanners (shards 1/3, 2/3, 3/3) writing one
# PostgreSQL 15 database at once. Prints hosts/s of each scanner and of
# the three together, and checks that the database holds every target
# once. Every check runs (--checks all).
# usage: bench/report/scanners.sh [BUILD_DIR] [CIDR]   (CIDR inside 127.79/16)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
cidr=${2:-127.79.64.0/20}
ex=$build/exhunt
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/exhunt-bench-scanners.XXXXXX")
. "$top/bench/lib.sh"
trap '[ -n "${lab_pid:-}" ] && kill $lab_pid 2>/dev/null; pg_stop; rm -rf "$tmp"' EXIT
n=$((1 << (32 - ${cidr#*/})))

"$ex" lab --addresses "$cidr" --port 9631 --http-port 0 --seed 3 >"$tmp/lab.out" 2>&1 &
lab_pid=$!
for _ in $(seq 100); do grep -q ready "$tmp/lab.out" && break; sleep 0.1; done
scan=("$ex" scan "$cidr" --port 9631 --allow 127.79.0.0/16 --seed 42 --checks all --timeout 300
	--connect-timeout 60 -o /dev/null -q --no-progress)

echo "== one scanner into SQLite: $n servers"
measure "${scan[@]}" --db "$tmp/one.db" 2>"$tmp/one.m"
echo "== three scanners into one PostgreSQL at once"
pg_start "$tmp/pg" >/dev/null 2>&1
start=$(date +%s.%N)
pids=()
for k in 1 2 3; do
	measure "${scan[@]}" --shard $k/3 --db "$pg_url" 2>"$tmp/s$k.m" &
	pids+=($!)
done
wait "${pids[@]}"
end=$(date +%s.%N)
rows=$(psql -qAt -h "$pg_dir" -U bench -d bench -c "SELECT count(*), count(DISTINCT ip) FROM observations")
python3 - "$n" "$(secs "$tmp/one.m")" "$(secs "$tmp/s1.m")" "$(secs "$tmp/s2.m")" "$(secs "$tmp/s3.m")" \
	"$start" "$end" "$rows" "$(sqlite3 "$tmp/one.db" 'select count(*) from observations')" <<'PY'
import sys
n = int(sys.argv[1]); one, s1, s2, s3, t0, t1 = (float(x) for x in sys.argv[2:8])
rows, lite = sys.argv[8], int(sys.argv[9])
print(f"one scanner, SQLite:       {one:7.2f} s, {n/one:8.0f} hosts/s ({lite} rows)")
for k, s in enumerate((s1, s2, s3), 1):
    print(f"scanner {k}/3, PostgreSQL:  {s:7.2f} s, {n/3/s:8.0f} hosts/s")
print(f"three together:            {t1-t0:7.2f} s, {n/(t1-t0):8.0f} hosts/s (rows, distinct addresses: {rows})")
print(f"ratio: three into PostgreSQL take {(t1-t0)/one:.2f}x the time of one into SQLite")
assert rows == f"{n}|{n}" and lite == n, (rows, lite)
PY
pg_stop
