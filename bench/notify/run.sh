#!/usr/bin/env bash
# bench/notify, in one run:
#  1. enrichment lookups for 1,000,000 addresses (half inside the data),
#     ASN and country MMDB files of 200,000 networks each built here:
#     `exhunt notify lookup` beside the same lookups through Python's
#     maxminddb module (Debian's python3-maxminddb, its C extension), same
#     answers checked;
#  2. rendering 10,000 messages (`exhunt notify plan`: route, render,
#     store in the outbox; nothing is sent).
# Nothing leaves the machine (the lab scan that seeds the records runs on
# loopback). usage: bench/notify/run.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
ex=$build/exhunt
PY=/usr/bin/python3
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/exhunt-bench-notify.XXXXXX")
trap '[ -n "${lab_pid:-}" ] && kill $lab_pid 2>/dev/null; rm -rf "$tmp"' EXIT
$PY -c "import maxminddb" || { echo "bench/notify needs python3-maxminddb"; exit 2; }
. "$top/bench/lib.sh"

echo "== data: 200,000 networks, 1,000,000 addresses"
$PY - "$tmp" <<'PY'
import random, sys
tmp = sys.argv[1]
random.seed(3)
nets, seen = [], set()
while len(nets) < 200000:
    a, b, c = random.randint(1, 223), random.randint(0, 255), random.randint(0, 255)
    if a in (10, 127) or (a, b, c) in seen:
        continue
    seen.add((a, b, c))
    nets.append((a, b, c))
cc = ["NL", "DE", "US", "FR", "JP", "BR", "IN", "ZA"]
with open(f"{tmp}/asn.txt", "w") as f, open(f"{tmp}/cc.txt", "w") as g:
    for i, (a, b, c) in enumerate(nets):
        f.write(f"{a}.{b}.{c}.0/24 {64512 + i % 5000} Network {i % 5000}\n")
        g.write(f"{a}.{b}.{c}.0/24 {cc[i % len(cc)]}\n")
with open(f"{tmp}/ips.txt", "w") as f:
    for i in range(1000000):
        if i % 2:
            a, b, c = nets[random.randrange(len(nets))]
        else:
            a, b, c = random.randint(1, 223), random.randint(0, 255), random.randint(0, 255)
        f.write(f"{a}.{b}.{c}.{random.randint(0, 255)}\n")
PY
perl "$top/tests/tools/make-mmdb.pl" "$tmp/asn.mmdb" asn <"$tmp/asn.txt"
perl "$top/tests/tools/make-mmdb.pl" "$tmp/cc.mmdb" country <"$tmp/cc.txt"
cat >"$tmp/py.py" <<'PY'
import sys, maxminddb
asn = maxminddb.open_database(sys.argv[1], maxminddb.MODE_MMAP_EXT)
cc = maxminddb.open_database(sys.argv[2], maxminddb.MODE_MMAP_EXT)
out = []
for line in sys.stdin:
    ip = line.strip()
    a, c = asn.get(ip) or {}, cc.get(ip) or {}
    out.append("%s,%s,%s\n" % (ip, a.get("autonomous_system_number", ""),
                               c.get("country", {}).get("iso_code", "")))
sys.stdout.write("".join(out))
PY
echo "== lookups: exhunt notify lookup vs python3 maxminddb (C extension), ASN + country each"
measure "$ex" notify lookup --mmdb "$tmp/asn.mmdb" --mmdb "$tmp/cc.mmdb" <"$tmp/ips.txt" >"$tmp/ex.csv" 2>"$tmp/ex.m"
measure $PY "$tmp/py.py" "$tmp/asn.mmdb" "$tmp/cc.mmdb" <"$tmp/ips.txt" >"$tmp/py.csv" 2>"$tmp/py.m"
$PY - "$tmp" "$(secs "$tmp/ex.m")" "$(secs "$tmp/py.m")" "$(rss "$tmp/ex.m")" <<'PY'
import csv, sys
tmp, es, ps, em = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
ex = [(r[0], r[1], r[3]) for r in csv.reader(open(f"{tmp}/ex.csv"))]
py = [tuple(l.rstrip("\n").split(",")) for l in open(f"{tmp}/py.csv")]
same = ex == py
hit = sum(1 for r in ex if r[1])
print(f"exhunt:  {es:6.2f} s, {1e6/es:10.0f} lookups/s (one core), peak {em:.0f} MB; {hit} of 1,000,000 found")
print(f"python:  {ps:6.2f} s, {1e6/ps:10.0f} lookups/s")
print(f"same answers: {'yes' if same else 'NO'}")
print(f"ratio: {ps/es:.2f}x (target: at least 1,000,000 lookups/s per core: {'met' if es <= 1.0 else 'missed'})")
PY

echo "== lookups, one database (ASN only): exhunt vs python3 maxminddb"
measure "$ex" notify lookup --mmdb "$tmp/asn.mmdb" <"$tmp/ips.txt" >/dev/null 2>"$tmp/ex1.m"
cat >"$tmp/py1.py" <<'PY'
import sys, maxminddb
asn = maxminddb.open_database(sys.argv[1], maxminddb.MODE_MMAP_EXT)
out = []
for line in sys.stdin:
    ip = line.strip()
    out.append("%s,%s\n" % (ip, (asn.get(ip) or {}).get("autonomous_system_number", "")))
sys.stdout.write("".join(out))
PY
measure $PY "$tmp/py1.py" "$tmp/asn.mmdb" <"$tmp/ips.txt" >/dev/null 2>"$tmp/py1.m"
$PY - "$(secs "$tmp/ex1.m")" "$(secs "$tmp/py1.m")" <<'PY'
import sys
es, ps = float(sys.argv[1]), float(sys.argv[2])
print(f"exhunt: {es:6.2f} s, {1e6/es:10.0f} lookups/s; python: {ps:6.2f} s, {1e6/ps:10.0f} lookups/s; "
      f"ratio {ps/es:.2f}x (target 1,000,000/s per core: {'met' if es <= 1.0 else 'missed'})")
PY

echo "== rendering 10,000 messages"
lab_scan 127.79.32.0/20 9612 12 "$tmp/lab.jsonl"
$PY - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
tpl = [json.loads(l) for l in open(f"{tmp}/lab.jsonl")]
tpl = [t for t in tpl if t["exchange"] and any(v in ("vulnerable", "likely-vulnerable") for v in t["verdicts"].values())]
with open(f"{tmp}/records.jsonl", "w") as f:
    for i in range(20000):
        r = dict(tpl[i % len(tpl)])
        r["scan_id"], r["seq"] = "bench", i
        r["ip"] = "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
        name = "EXCH-%07X" % i
        r["server_names"] = [name, name + ".corp.example"]
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
with open(f"{tmp}/contacts.csv", "w") as f:
    for i in range(10000):
        f.write("10.%d.%d.%d/31,abuse@net%d.example,Network %d\n" % (2 * i >> 16 & 255, 2 * i >> 8 & 255, 2 * i & 255, i, i))
PY
"$ex" report import --db "$tmp/n.db" "$tmp/records.jsonl" >/dev/null
measure "$ex" notify plan --db "$tmp/n.db" --contacts "$tmp/contacts.csv" --from scans@cert.example >"$tmp/plan.out" 2>"$tmp/plan.m"
cat "$tmp/plan.out"
msgs=$(sqlite3 "$tmp/n.db" "select count(*) from outbox")
bytes=$(sqlite3 "$tmp/n.db" "select sum(length(message)) from outbox")
$PY - "$(secs "$tmp/plan.m")" "$(rss "$tmp/plan.m")" "$msgs" "$bytes" <<'PY'
import sys
s, m, n, b = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"exhunt notify plan: {n} messages ({b/1e6:.0f} MB) rendered and stored in {s:.2f} s "
      f"({n/s:.0f}/s), peak {m:.0f} MB (target: 10,000 in at most 5 s: {'met' if s <= 5 and n >= 10000 else 'missed'})")
PY
