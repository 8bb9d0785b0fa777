#!/usr/bin/env bash
# bench/hunt: exhunt hunt beside the tools a responder would otherwise run,
# on the same generated evidence in the same run:
#  1. web-shell scanning of many files: exhunt hunt vs `yara -r` with the
#     same rules (data/yara/webshells.yar), same matches expected;
#  2. log analysis: exhunt hunt over GB of logs vs `grep -F` searching the
#     same literal patterns, in GB/s;
#  3. peak memory of exhunt hunt on the log set.
# usage: bench/hunt/run.sh [BUILD_DIR] [LOG_GB] [FILES]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
gb=${2:-10}
nfiles=${3:-20000}
ex=$build/exhunt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v yara >/dev/null || { echo "bench/hunt needs yara (apt-get install yara)"; exit 2; }
. "$top/bench/lib.sh"

echo "== web-shell scan: $nfiles files, exhunt hunt vs yara -r (same rules)"
python3 - "$tmp/files" "$nfiles" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
random.seed(7)
page = ('<%@ Page language="c#" %><% var n = Request.Form["name"]; %>'
        '<html><body>' + 'lorem ipsum dolor sit amet ' * 40 + '</body></html>\n')
shells = [
    '<%@ Page Language="Jscript"%><%eval(Request.Item["p"],"unsafe");%>',
    '<script language="JScript" runat="server">function Page_Load(){eval(Request["k"],"unsafe");}</script>',
    '<%@ Page Language="C#"%><%System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cmd.exe", Request.Form["c"]));%>',
]
for i in range(n):
    d = os.path.join(root, "inetpub/wwwroot/aspnet_client/site%03d" % (i % 200))
    os.makedirs(d, exist_ok=True)
    body = shells[i % 3] if i % 400 == 0 else page * random.randint(1, 60)
    open(os.path.join(d, "p%05d.aspx" % i), "w").write(body)
PY
du -sh "$tmp/files" | cut -f1 | sed 's/^/corpus size: /'
measure yara -r -w "$top/data/yara/webshells.yar" "$tmp/files" >"$tmp/yara.out" 2>"$tmp/yara.m"
measure "$ex" hunt "$tmp/files" --format json -o "$tmp/hunt.json" --no-progress 2>"$tmp/hunt.m" >/dev/null || true
python3 - "$tmp/yara.out" "$tmp/hunt.json" "$(secs "$tmp/yara.m")" "$(secs "$tmp/hunt.m")" <<'PY'
import json, sys
y = {l.split(" ", 1)[1].strip() for l in open(sys.argv[1]) if " " in l}
r = json.load(open(sys.argv[2]))
h = {f["path"] for f in r["findings"] if f["detail"].startswith("YARA")}
root = next(iter(y)).split("/inetpub/")[0] + "/" if y else ""
y = {p[len(root):] for p in y}
ys, hs = float(sys.argv[3]), float(sys.argv[4])
print(f"yara -r:     {ys:7.2f} s, {len(y)} files matched")
print(f"exhunt hunt: {hs:7.2f} s, {len(h)} files matched (also hashes every file "
      f"and checks names and folders)")
print(f"same files matched: {'yes' if y == h else 'NO: ' + str(sorted(y ^ h)[:5])}")
print(f"ratio: {ys/hs:.2f}x (target: exhunt at least 2x faster)")
PY

echo "== log analysis: ${gb} GB of logs, exhunt hunt vs grep -F (same literals)"
"$ex" lab host "$tmp/logs" --scenario proxylogon-shell,proxyshell-pst --size "$gb" \
	--truth "$tmp/logs.truth.json"
bytes=$(find "$tmp/logs" -iname '*.log' -printf '%s\n' | awk '{s+=$1} END {printf "%.0f\n", s}')
# Both read from the page cache: warm it with every log first.
find "$tmp/logs" -iname "*.log" -exec cat {} + >/dev/null
measure grep -rF -e 'ServerInfo~' -e 'Server~' -e 'autodiscover.json' -e '/powershell' \
	-e 'InboxRules.svc' -e 'Download failed and temporary file' -e 'VirtualDirectory' \
	-e 'New-MailboxExportRequest' -e 'New-ManagementRoleAssignment' \
	--include='*.log' --include='*.LOG' "$tmp/logs" >"$tmp/grep.out" 2>"$tmp/grep.m" || true
measure "$ex" hunt "$tmp/logs" --format json -o "$tmp/logs.json" --no-progress \
	2>"$tmp/hl.m" >/dev/null || true
threads=$(nproc); [ "$threads" -gt 4 ] && threads=4
python3 - "$bytes" "$(secs "$tmp/grep.m")" "$(secs "$tmp/hl.m")" "$(rss "$tmp/hl.m")" "$threads" <<'PY'
import sys
b, g, h, m = int(float(sys.argv[1])), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
t = int(sys.argv[5])
print(f"log bytes: {b/1e9:.2f} GB")
print(f"grep -F:     {b/g/1e9:6.2f} GB/s ({g:.2f} s)")
print(f"exhunt hunt: {b/h/1e9:6.2f} GB/s ({h:.2f} s) with {t} threads, {b/h/1e9/t:.2f} GB/s per thread")
print(f"ratio: {g/h:.2f}x grep (target: at least 1 GB/s per core and faster than grep)")
print(f"peak memory of exhunt hunt: {m:.1f} MB on {b/1e9:.1f} GB of logs (target: at most 256 MB on a 10 GB log set)")
PY
python3 - "$tmp/logs.truth.json" "$tmp/logs.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
print("verdicts equal the truth:", "yes" if r["verdicts"] == t["verdicts"] else "NO")
PY
