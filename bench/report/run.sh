#!/usr/bin/env bash
# bench/report: exhunt report at campaign scale, in one run:
#  1. importing 1,000,000 scan records (JSONL), beside `sqlite3 .import` of
#     the same records as CSV (one row per record, the same columns); and
#     into PostgreSQL 15, beside `psql \copy` of that CSV; into
#     PostgreSQL again (every row there), and with servers known by
#     address only;
#  2. the dashboard (text, CSV and HTML) for 1,000,000 servers over 10
#     scans;
#  3. peak memory of both.
# The records are a lab scan's (127.79.0.0/20, the default mix) repeated
# with distinct addresses and server names. Loopback only.
# usage: bench/report/run.sh [BUILD_DIR] [RECORDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
n=${2:-1000000}
ex=$build/exhunt
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/exhunt-bench-report.XXXXXX")
trap '[ -n "${lab_pid:-}" ] && kill $lab_pid 2>/dev/null; pg_stop; rm -rf "$tmp"' EXIT
command -v sqlite3 >/dev/null || { echo "bench/report needs sqlite3 (apt-get install sqlite3)"; exit 2; }
. "$top/bench/lib.sh"

echo "== records: a lab scan of 4,096 addresses, repeated to $n"
lab_scan 127.79.0.0/20 9611 11 "$tmp/lab.jsonl"
python3 - "$tmp/lab.jsonl" "$tmp/records.jsonl" "$tmp/records.csv" "$n" <<'PY'
import csv, json, sys
src, out, outcsv, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
tpl = [json.loads(l) for l in open(src)]
cols = ["scan_id", "seq", "time", "ip", "port", "hostname", "exchange",
        "product", "build", "build_precision", "build_source", "build_name",
        "eol", "server_names", "ntlm", "verdicts", "verdict_basis", "checks",
        "webshells", "tls", "http_status", "error"]
with open(out, "w") as f, open(outcsv, "w", newline="") as g:
    w = csv.writer(g)
    w.writerow(cols)
    for i in range(n):
        r = dict(tpl[i % len(tpl)])
        r["scan_id"] = "bench-0"
        r["seq"] = i
        r["ip"] = "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
        if r["server_names"]:
            name = "EXCH-%07X" % i
            r["server_names"] = [name, name + ".corp.example"]
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
        w.writerow([json.dumps(r[c], separators=(",", ":")) if isinstance(r[c], (dict, list)) else
                    ("1" if r[c] is True else "0" if r[c] is False else r[c]) for c in cols])
PY
ls -l "$tmp/records.jsonl" "$tmp/records.csv" | awk '{printf "%s: %.0f MB\n", $NF, $5/1e6}'

echo "== import: exhunt report import vs sqlite3 .import (CSV, same records)"
measure "$ex" report import --db "$tmp/ex.db" "$tmp/records.jsonl" >"$tmp/imp.out" 2>"$tmp/imp.m"
cat "$tmp/imp.out"
measure sqlite3 "$tmp/sq.db" -cmd "PRAGMA journal_mode=WAL" -cmd ".mode csv" \
	-cmd ".import $tmp/records.csv observations" ".exit" >/dev/null 2>"$tmp/sq.m"
python3 - "$(secs "$tmp/imp.m")" "$(rss "$tmp/imp.m")" "$(secs "$tmp/sq.m")" "$(rss "$tmp/sq.m")" "$n" \
	"$(sqlite3 "$tmp/ex.db" 'select count(*) from observations')" \
	"$(sqlite3 "$tmp/sq.db" 'select count(*) from observations')" <<'PY'
import sys
es, em, ss, sm, n, ec, sc = (float(x) for x in sys.argv[1:])
print(f"exhunt report import: {es:6.2f} s, {n/es:9.0f} records/s, peak {em:.0f} MB, {ec:.0f} rows")
print(f"sqlite3 .import CSV:  {ss:6.2f} s, {n/ss:9.0f} records/s, peak {sm:.0f} MB, {sc:.0f} rows")
print(f"ratio: exhunt takes {es/ss:.2f}x the time of sqlite3 .import (target: 1,000,000 in at most 10 s: "
      f"{'met' if es * 1e6 / n <= 10 else 'missed'})")
PY

echo "== import into PostgreSQL 15: exhunt report import vs psql \\copy (CSV, same records)"
pg_start "$tmp/pg"
measure "$ex" report import --db "$pg_url" "$tmp/records.jsonl" >"$tmp/pimp.out" 2>"$tmp/pimp.m"
cat "$tmp/pimp.out"
psql -qAt -h "$pg_dir" -U bench -d postgres -c "CREATE DATABASE copy" >/dev/null
cols=$(head -1 "$tmp/records.csv" | sed 's/,/ text,/g; s/$/ text/')
psql -qAt -h "$pg_dir" -U bench -d copy -c "CREATE TABLE observations($cols)"
measure psql -qAt -h "$pg_dir" -U bench -d copy -c "\\copy observations FROM '$tmp/records.csv' CSV HEADER" \
	>/dev/null 2>"$tmp/pcp.m"
python3 - "$(secs "$tmp/pimp.m")" "$(rss "$tmp/pimp.m")" "$(secs "$tmp/pcp.m")" "$(rss "$tmp/pcp.m")" "$n" \
	"$(psql -qAt -h "$pg_dir" -U bench -d bench -c 'select count(*) from observations')" \
	"$(psql -qAt -h "$pg_dir" -U bench -d copy -c 'select count(*) from observations')" <<'PY'
import sys
es, em, ss, sm, n, ec, sc = (float(x) for x in sys.argv[1:])
print(f"exhunt report import (PostgreSQL): {es:6.2f} s, {n/es:9.0f} records/s, peak {em:.0f} MB, {ec:.0f} rows")
print(f"psql \\copy CSV:                    {ss:6.2f} s, {n/ss:9.0f} records/s, peak {sm:.0f} MB, {sc:.0f} rows")
print(f"ratio: exhunt takes {es/ss:.2f}x the time of psql \\copy")
PY
# The same file again (every row there: an import run twice, or rerun
# after it was stopped near its end), then the same records with no
# server name (servers known by address, as most records of an internet
# scan are), into a new database.
measure "$ex" report import --db "$pg_url" "$tmp/records.jsonl" >"$tmp/again.out" 2>"$tmp/again.m"
sed 's/"server_names":\[[^]]*\]/"server_names":[]/' "$tmp/records.jsonl" >"$tmp/noname.jsonl"
psql -qAt -h "$pg_dir" -U bench -d postgres -c "CREATE DATABASE noname" >/dev/null
measure "$ex" report import --db "postgresql://bench@/noname?host=$pg_dir" "$tmp/noname.jsonl" \
	>"$tmp/nn.out" 2>"$tmp/nn.m"
python3 - "$(secs "$tmp/again.m")" "$(secs "$tmp/nn.m")" "$n" "$(cat "$tmp/again.out")" \
	"$(psql -qAt -h "$pg_dir" -U bench -d noname -c 'select count(*), count(distinct server_id) from observations')" <<'PY'
import sys
ag, nn, n = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"exhunt report import (PostgreSQL), the same file again: {ag:6.2f} s ({sys.argv[4].strip()})")
print(f"exhunt report import (PostgreSQL), servers known by address: {nn:6.2f} s, {n/nn:9.0f} records/s "
      f"(rows, servers: {sys.argv[5].replace('|', ', ')})")
PY
pg_stop

echo "== dashboard: $n servers over 10 scans"
# Nine more scans of the same servers, derived in SQL: at scan k, a
# growing share of the open servers is patched, some gain a shell, some
# are cleaned, some are gone.
sqlite3 "$tmp/ex.db" >/dev/null <<'SQL'
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 9)
INSERT INTO scans(id, started, finished, scope, options, shard)
SELECT 'bench-' || i, printf('2026-12-%02dT00:00:00Z', i + 1), NULL, 'bench', '', '' FROM k;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 9)
INSERT INTO observations
SELECT s.no * (1 << 40) + o.seq, s.id, o.seq, o.time, o.ip, o.port, o.hostname, o.exchange,
  o.server_id, o.product, o.build, o.build_precision, o.build_source, o.build_name, o.eol,
  o.server_names, o.ntlm,
  CASE WHEN (o.seq * 7 + k.i) % 10 < k.i THEN replace(replace(o.verdicts, 'V', 'P'), 'L', 'P') ELSE o.verdicts END,
  o.basis, o.checks,
  CASE WHEN o.webshells > 0 AND (o.seq % 4) < k.i / 3 THEN 0
       WHEN o.webshells = 0 AND (o.seq % 50) = k.i THEN 1 ELSE o.webshells END,
  o.webshell_paths, o.tls_version, o.cert_sha256, o.cert_cn, o.http_status, o.error
FROM observations o, k JOIN scans s ON s.id = 'bench-' || k.i
WHERE o.key < (1 << 40) * 2 AND (o.seq % 100) >= k.i;
SQL
# Enrichment, as exhunt notify enrich writes it: every address in a
# country (208 codes) and a network (20,011), so that the per-country and
# per-network figures and series are computed over every observation.
sqlite3 "$tmp/ex.db" "INSERT OR REPLACE INTO addresses(ip, asn, as_name, country, source)
  SELECT ip, 64500 + (CAST(replace(ip, '.', '') AS INT) * 7919 % 20011),
    'Network ' || (CAST(replace(ip, '.', '') AS INT) * 7919 % 20011),
    char(65 + CAST(replace(ip, '.', '') AS INT) % 26, 65 + CAST(replace(ip, '.', '') AS INT) / 26 % 8),
    'bench' FROM observations WHERE scan_id = 'bench-0'"
echo "observations: $(sqlite3 "$tmp/ex.db" 'select count(*) from observations'), scans: $(sqlite3 "$tmp/ex.db" 'select count(*) from scans'), enriched addresses: $(sqlite3 "$tmp/ex.db" 'select count(*) from addresses')"
measure "$ex" report --db "$tmp/ex.db" --csv "$tmp/r.csv" --html "$tmp/r.html" \
	--groups-csv "$tmp/g.csv" --series-csv "$tmp/s.csv" >"$tmp/r.txt" 2>"$tmp/r.m"
head -3 "$tmp/r.txt"
python3 - "$(secs "$tmp/r.m")" "$(rss "$tmp/r.m")" "$(stat -c %s "$tmp/r.html")" <<'PY'
import sys
s, m, size = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"exhunt report (text + CSV + HTML + groups and series CSV, with enrichment): {s:.2f} s, peak {m:.0f} MB, dashboard {size/1e6:.1f} MB "
      f"(target: at most 10 s: {'met' if s <= 10 else 'missed'})")
PY
