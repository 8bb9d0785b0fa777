#!/usr/bin/env bash
# bench/hunt/images.sh: hunting a disk image beside hunting the same tree
# as a folder, and an E01 read directly beside what a responder does
# without exhunt (ewfexport to raw, then hunt the raw image), on the same
# lab host tree (a compromised server with GB of logs) in the same run.
#  1. folder vs raw image: MB/s of evidence read, and the image's share of
#     the folder's speed (target at least 70%);
#  2. E01 directly vs ewfexport + hunt of the raw: seconds end to end
#     (target: faster);
#  3. peak memory of the image hunt.
# usage: bench/hunt/images.sh [BUILD_DIR] [LOG_GB]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
gb=${2:-1}
ex=$build/exhunt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PATH="$PATH:/usr/sbin:/sbin"
for t in mkntfs ewfacquire ewfexport qemu-img; do
	command -v "$t" >/dev/null || { echo "needs $t (tools/deps.sh)"; exit 2; }
done
. "$top/bench/lib.sh"

echo "== a lab host tree with $gb GB of logs, as a folder, a raw image and an E01"
"$ex" lab host "$tmp/tree" --scenario proxylogon-shell --seed 9 --size "$gb" \
	--image "$tmp/disk.raw" >/dev/null 2>&1
"$ex" lab host "$tmp/tree2" --scenario proxylogon-shell --seed 9 --size "$gb" \
	--image "$tmp/disk.E01" >/dev/null 2>&1
rm -rf "$tmp/tree2"
bytes=$(du -sb "$tmp/tree" | cut -f1)
echo "tree: $((bytes / 1000000)) MB; raw image $(($(stat -c %s "$tmp/disk.raw") / 1000000)) MB;" \
	"E01 $(($(stat -c %s "$tmp/disk.E01") / 1000000)) MB"

# the page cache warm for every contender: each input read once before
cat "$tmp/disk.raw" "$tmp/disk.E01" >/dev/null
find "$tmp/tree" -type f -exec cat {} + >/dev/null
measure "$ex" hunt "$tmp/tree" --format json -o "$tmp/folder.json" --no-progress 2>"$tmp/folder.m" || true
measure "$ex" hunt "$tmp/disk.raw" --format json -o "$tmp/raw.json" --no-progress 2>"$tmp/raw.m" || true
measure "$ex" hunt "$tmp/disk.E01" --format json -o "$tmp/e01.json" --no-progress 2>"$tmp/e01.m" || true
measure sh -c 'ewfexport -q -u -f raw -t "$1/exported" "$2" >/dev/null 2>&1 &&
	"$3" hunt "$1/exported.raw" --format json -o "$1/exported.json" --no-progress; true' \
	sh "$tmp" "$tmp/disk.E01" "$ex" 2>"$tmp/peer.m"
python3 - "$tmp" "$bytes" <<'PY'
import json, sys
tmp, size = sys.argv[1], int(sys.argv[2])
def m(name):
    for line in open(f"{tmp}/{name}.m"):
        if line.startswith("measure:"):
            s, mb = line.split()[1:3]
    return float(s), float(mb)
def verdicts(name):
    return json.load(open(f"{tmp}/{name}.json"))["verdicts"]
fs, fmb = m("folder"); rs, rmb = m("raw"); es, emb = m("e01"); ps, pmb = m("peer")
same = verdicts("folder") == verdicts("raw") == verdicts("e01") == verdicts("exported")
print(f"folder: {fs:.2f} s = {size / fs / 1e6:,.0f} MB/s, peak {fmb:.0f} MB")
print(f"raw image: {rs:.2f} s = {size / rs / 1e6:,.0f} MB/s, peak {rmb:.0f} MB")
print(f"image share of the folder's speed: {fs / rs * 100:.0f}% (target at least 70%)")
print(f"E01 directly: {es:.2f} s, peak {emb:.0f} MB")
print(f"ewfexport to raw + hunt the raw: {ps:.2f} s")
print(f"E01 end to end: {ps / es:.2f}x faster than exporting first (target: faster)")
print(f"same verdicts from all four: {same}")
PY
