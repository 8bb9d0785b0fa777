#!/usr/bin/env bash
# bench/hunt/events.sh: reading Windows event logs, exhunt hunt beside
# python-evtx (Debian's python3-evtx, evtx_dump.py: what a responder
# without exhunt runs) on the same files in the same run, in records per
# second; then exhunt alone on GB of logs for its peak memory.
# The logs are copies of the public PowerShell 4104 sample
# (../shared/samples/evtx, real Windows records with templates), made in a
# temporary folder at run time and never kept.
# usage: bench/hunt/events.sh [BUILD_DIR] [GB] [PEER_COPIES]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
gb=${2:-1}
peer_copies=${3:-8}
ex=$build/exhunt
samples=${EXHUNT_SAMPLES:-$top/../shared/samples}
src=$samples/evtx/powershell-4104-multipart-obfuscation.evtx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -f "$src" ] || { echo "bench/hunt/events.sh needs the public samples at $samples"; exit 2; }
command -v evtx_dump.py >/dev/null || { echo "needs python3-evtx (apt-get install python3-evtx)"; exit 2; }
. "$top/bench/lib.sh"
per=$(/usr/bin/python3 - "$src" <<'PY'
import sys, Evtx.Evtx as e
with e.Evtx(sys.argv[1]) as log:
    print(sum(1 for _ in log.records()))
PY
)
size=$(stat -c %s "$src")

echo "== $peer_copies copies ($((peer_copies * size / 1000000)) MB, $((peer_copies * per)) records): exhunt hunt vs evtx_dump.py"
mkdir -p "$tmp/peer"
for i in $(seq 1 "$peer_copies"); do cp "$src" "$tmp/peer/log$i.evtx"; done
measure "$ex" hunt "$tmp/peer" --format json -o "$tmp/peer.json" --no-progress 2>"$tmp/ex.m" || true
tail -n 1 "$tmp/ex.m" | grep -q '^measure:' || { cat "$tmp/ex.m"; exit 1; }
measure sh -c 'for f in "$1"/*.evtx; do evtx_dump.py "$f" >/dev/null; done' sh "$tmp/peer" 2>"$tmp/py.m"
read_ex=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(r['coverage']['windows-events']['lines'])" "$tmp/peer.json")
python3 - "$(secs "$tmp/ex.m")" "$(secs "$tmp/py.m")" "$((peer_copies * per))" "$read_ex" <<'PY'
import sys
ex_s, py_s, recs, ex_recs = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"exhunt: {recs / ex_s:,.0f} records/s ({ex_s:.2f} s, every check "
      f"run; {ex_recs:,} records reported read)")
print(f"python-evtx: {recs / py_s:,.0f} records/s ({py_s:.2f} s)")
print(f"ratio: {py_s / ex_s:.1f}x (target 20x)")
PY

n=$(( (gb * 1000000000 + size - 1) / size ))
echo "== $n copies ($((n * size / 1000000)) MB): exhunt hunt alone, peak memory"
mkdir -p "$tmp/big"
# copies, not links: a hunt reads a file once whatever its number of names
for i in $(seq 1 "$n"); do cp "$src" "$tmp/big/log$i.evtx"; done
measure "$ex" hunt "$tmp/big" --format json -o "$tmp/big.json" --no-progress 2>"$tmp/big.m" || true
python3 - "$(secs "$tmp/big.m")" "$(rss "$tmp/big.m")" "$((n * per))" <<'PY'
import sys
s, mb, recs = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"exhunt: {recs:,} records in {s:.1f} s = {recs / s:,.0f} records/s, "
      f"peak {mb:.0f} MB (target at most 256 MB)")
PY
