#!/usr/bin/env bash
# bench/hunt: exhunt hunt beside the tools a responder would otherwise run,
# on the same generated evidence in the same run:
#  1. web-shell scanning of many files: exhunt hunt vs `yara -r` with the
#     same rules (data/yara/webshells.yar), same matches expected;
#  2. log analysis: exhunt hunt over GB of logs vs `grep -F` searching the
#     same literal patterns, in GB/s;
#  3. peak memory of exhunt hunt on the log set;
#  4. a responder's own rules: exhunt hunt --rules DIR vs yara -r with the
#     same rule files on the same tree, the same (rule, file) hits expected.
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
h = {f["path"] for f in r["findings"] if f["detail"].startswith("YARA") or "; YARA " in f["detail"]}
root = next(iter(y)).split("/inetpub/")[0] + "/" if y else ""
y = {p[len(root):] for p in y}
ys, hs = float(sys.argv[3]), float(sys.argv[4])
print(f"yara -r:     {ys:7.2f} s, {len(y)} files matched")
print(f"exhunt hunt: {hs:7.2f} s, {len(h)} files matched (also hashes every file "
      f"and checks names and folders)")
print(f"same files matched: {'yes' if y == h else 'NO: ' + str(sorted(y ^ h)[:5])}")
print(f"ratio: {ys/hs:.2f}x (target: exhunt at least 2x faster)")
PY

echo "== a responder's rules: exhunt hunt --rules DIR vs yara -r (same files, same tree)"
python3 - "$tmp/rules" <<'PY'
import os, sys
# Forty rules written for this bench in the shapes community sets use:
# literal strings (ascii wide nocase), hex with jumps, bounded regexes,
# counts and filesize conditions, spread over four files.
root = sys.argv[1]; os.makedirs(root, exist_ok=True)
words = ["eval", "unsafe", "Request.Item", "ProcessStartInfo", "FromBase64String",
         "Assembly.Load", "WScript.Shell", "cmd.exe", "System.Net.Sockets", "SaveAs",
         "Page_Load", "Response.Write", "lorem", "dolor", "X-CMD", "GetDrives",
         "RijndaelManaged", "TransformFinalBlock", "Session[", "powershell"]
for f in range(4):
    out = []
    for k in range(10):
        i = f * 10 + k
        a, b = words[i % 20], words[(i * 7 + 3) % 20]
        kind = i % 4
        if kind == 0:
            out.append(f'rule r{i} {{ meta: description = "bench rule {i}" strings: $a = "{a}" ascii wide nocase $b = "{b}" ascii wide condition: $a and $b }}')
        elif kind == 1:
            out.append(f'rule r{i} {{ strings: $h = {{ 3C 25 40 [0-64] 50 61 67 65 }} $s = "{a}" nocase condition: $h and $s }}')
        elif kind == 2:
            out.append(f'rule r{i} {{ strings: $r = /{a.replace("[", "[[]").replace(".", "[.]")}[ \\t]{{0,8}}[(\\[]/ nocase condition: $r and filesize < 2MB }}')
        else:
            out.append(f'rule r{i} {{ strings: $a = "{a}" $b = "{b}" nocase condition: #a > 2 or ($a and $b and uint16(0) == 0x253c) }}')
    open(os.path.join(root, f"set{f}.yar"), "w").write("\n".join(out) + "\n")
PY
measure yara -r "$tmp"/rules/set0.yar "$tmp"/rules/set1.yar "$tmp"/rules/set2.yar "$tmp"/rules/set3.yar \
	"$tmp/files" >"$tmp/yr.out" 2>"$tmp/yr.m"
measure "$ex" hunt "$tmp/files" --rules "$tmp/rules" --format json -o "$tmp/hr.json" \
	--no-progress 2>"$tmp/hr.m" >/dev/null || true
python3 - "$tmp/yr.out" "$tmp/hr.json" "$(secs "$tmp/yr.m")" "$(secs "$tmp/hr.m")" "$tmp/files/" <<'PY'
import json, sys
root = sys.argv[5]
y = set()
for l in open(sys.argv[1]):
    if " " in l:
        rule, path = l.rstrip("\n").split(" ", 1)
        y.add((rule.split(":")[-1], path[len(root):] if path.startswith(root) else path))
r = json.load(open(sys.argv[2]))
h = {(f["detail"].split(";")[0].split(":")[-1], f["path"]) for f in r["findings"] if f["kind"] == "rule-match"}
ys, hs = float(sys.argv[3]), float(sys.argv[4])
print(f"yara -r (4 files, 40 rules): {ys:7.2f} s, {len(y)} hits")
print(f"exhunt hunt --rules:         {hs:7.2f} s, {len(h)} hits (and its own checks)")
print(f"same hits: {'yes' if y == h else 'NO: ' + str(sorted(y ^ h)[:5])}")
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

echo "== hostile input: 10,000,000 scanner lines, then the real exploitation"
python3 - "$tmp/flood" 10000000 <<'PY'
import os, sys
d = os.path.join(sys.argv[1], "inetpub/logs/LogFiles/W3SVC1"); n = int(sys.argv[2])
os.makedirs(d, exist_ok=True)
os.makedirs(os.path.join(sys.argv[1], "inetpub/wwwroot/aspnet_client"), exist_ok=True)
open(os.path.join(sys.argv[1], "inetpub/wwwroot/aspnet_client/x.aspx"), "w").write(
    '<%@ Page Language="Jscript"%><%eval(Request.Item["q"],"unsafe");%>')
line = "2021-08-10 00:00:%02d 10.0.0.5 GET /autodiscover/autodiscover.json @test.com/owa/?&Email=autodiscover/autodiscover.json%%3F@test.com 443 - 198.51.100.%d Mozilla/5.0 302\r\n"
with open(os.path.join(d, "u_ex210810.log"), "w", newline="") as f:
    f.write("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status\r\n")
    block = "".join(line % (i % 60, i % 250) for i in range(10000))
    for _ in range(n // 10000):
        f.write(block)
    f.write("2021-08-20 11:00:01 10.0.0.5 POST /autodiscover/autodiscover.json @evil.com/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@evil.com 443 - 203.0.113.66 python-requests/2.26.0 200\r\n")
PY
measure "$ex" hunt "$tmp/flood" --format json -o "$tmp/flood.json" --no-progress 2>"$tmp/fl.m" >/dev/null || true
python3 - "$tmp/flood.json" "$(secs "$tmp/fl.m")" "$(rss "$tmp/fl.m")" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
found = r["verdicts"]["CVE-2021-34473"] == "back-doored" and any(b["path"].endswith("x.aspx") for b in r["backdoors"])
print(f"exhunt hunt: {float(sys.argv[2]):.2f} s, peak {float(sys.argv[3]):.1f} MB (target: at most 256 MB); "
      f"{r['aggregated']} findings counted, not listed; exploitation and shell found: {'yes' if found else 'NO'}")
PY
rm -rf "$tmp/flood"

echo "== hostile input: the worst file for the web-shell checks vs a benign one of the same size"
python3 - "$tmp/patho" <<'PY'
import os, sys
root = sys.argv[1]; size = 8 << 20
def fill(unit, head="<%@ Page Language=\"C#\" %><% "):
    body = (unit * (size // len(unit) + 1))[: size - len(head)]
    return head + body
cases = {
    "benign": "<%@ Page Language=\"C#\" %><% var n = Request.Form[\"name\"]; %>" + ("<p>lorem ipsum dolor sit amet</p>\n" * (size // 34)),
    "eval-no-close": fill("eval("),
    "eval-request-far": fill("eval(" * 47 + "x.request["),
    "write-calls": fill("streamwriter(" * 20 + "request["),
    "char-codes": fill("(char)99+"),
    "base64-literals": fill('"' + "QUJD" * 12 + '"+'),
    "comment-openers": fill("/*x"),
    "aspx-blocks": "<%" * (size // 2),
    "tag-openers": "<a" * (size // 2),
    "script-no-gt": "<script runat=server " * (size // 21),
    "one-letter": "<%" + "a" * size,
    "escapes": fill("\\x41%u0042&#67;"),
    "handlers": '<configuration><handlers><add type="a" ' * (size // 40),
    # Script Encoder blocks, each claiming 8 MB and failing at the next
    "encoder-blocks": fill("#@~^AACAAA==" + "a" * 500, head="<%@ Language=VBScript.Encode %><%"),
}
for name, text in cases.items():
    d = os.path.join(root, name, "inetpub/wwwroot/app")
    os.makedirs(d, exist_ok=True)
    ext = ".config" if name == "handlers" else ".aspx"
    open(os.path.join(d, "p" + ext), "w").write(text)
PY
worst=""; worst_ratio=0
measure "$ex" hunt "$tmp/patho/benign" --no-progress --threads 1 >/dev/null 2>"$tmp/b.m" || true
base=$(secs "$tmp/b.m")
for c in "$tmp"/patho/*; do
	n=$(basename "$c"); [ "$n" = benign ] && continue
	measure "$ex" hunt "$c" --no-progress --threads 1 >/dev/null 2>"$tmp/p.m" || true
	python3 -c "import sys; print(f'  {sys.argv[1]:18s} {float(sys.argv[2]):6.2f} s  ({float(sys.argv[2])/float(sys.argv[3]):.1f}x the benign file)')" "$n" "$(secs "$tmp/p.m")" "$base"
done
echo "  benign             $base s (target: no file above 10x)"
