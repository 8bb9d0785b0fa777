# The Windows build (exhunt.exe) under wine: every lab host scenario
# hunted from a folder gives the lab's truth, as the Linux build does;
# the live hunt (no folder) finds Exchange from the registry and hunts
# the drives it names; a long path, a Unicode name, a rule folder with a
# Unicode name, a file another process holds open for writing are read;
# a reparse point is named and not followed; a report inside the
# evidence is refused; evtx and hive readers run as bounded children;
# live, the registry's persistence is read through the registry API, and
# event logs the system holds locked through the raw volume (an image of
# it under wine); disk images (raw, E01, VHDX, a shadow copy) give the
# Linux build's findings.
# Usage: hunt_wine.sh LINUX_EXHUNT SRC WIN_BUILD_DIR
. "$(dirname "$0")/../e2e/lib.sh"
WIN=$3/exhunt.exe
[ -x "$WIN" ] || [ -f "$WIN" ] || fail "no $WIN (tools/win/build.sh)"
export WINEPREFIX=$TMP/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wineboot -i >/dev/null 2>&1 || fail "wineboot"
trap 'wineserver -k 2>/dev/null || true; cleanup' EXIT
winpath() { echo "Z:$(echo "$1" | tr / '\\')"; }
whunt() { # whunt ARGS...: exhunt.exe hunt under wine, its exit code kept
	set +e
	wine "$WIN" hunt --no-progress "$@"
	WRC=$?
	set -e
}
check() { python3 "$SRC/tests/e2e/hunt_check.py" "$@"; }

wine "$WIN" --version | grep -q "exhunt" || fail "exhunt.exe --version"

# 1. Every scenario, from a folder: the lab's truth, and the Linux
# build's verdicts and back doors.
for s in clean proxylogon-shell proxylogon-attempt proxylogon-oabgen \
	proxyshell-pst proxyshell-attempt proxynotshell owassrf proxytoken \
	proxyshell-hidden proxylogon-um proxyshell-export returned-later proxylogon-iis; do
	tree=$TMP/$s
	"$EXHUNT" lab host "$tree" --scenario $s --seed 1 --size 0.002 \
		--truth "$TMP/$s.truth.json" || fail "lab host $s"
	whunt "$(winpath "$tree")" --format json -o "$(winpath "$TMP/$s.win.json")" 2>"$TMP/$s.err"
	if [ $s = clean ]; then [ $WRC = 0 ] || { cat "$TMP/$s.err"; fail "clean: exit $WRC"; }
	else [ $WRC = 1 ] || { cat "$TMP/$s.err"; fail "$s: exit $WRC, want 1"; }; fi
	check "$TMP/$s.truth.json" "$TMP/$s.win.json" || fail "$s under wine"
	"$EXHUNT" hunt "$tree" --format json -o "$TMP/$s.linux.json" --no-progress 2>/dev/null || true
	python3 - "$TMP/$s.linux.json" "$TMP/$s.win.json" <<'PY' || fail "$s: Windows and Linux differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda r: (r["verdicts"], sorted(x["path"] for x in r["backdoors"]),
                 sorted((f["kind"], f["path"], f["line"] or 0, f["severity"]) for f in r["findings"]))
if key(a) != key(b):
    ka, kb = key(a), key(b)
    print("linux only:", sorted(set(map(str, ka[2])) - set(map(str, kb[2])))[:5])
    print("windows only:", sorted(set(map(str, kb[2])) - set(map(str, ka[2])))[:5])
    print("verdicts", ka[0], kb[0])
    sys.exit(1)
PY
done

# 2. Windows names: a path past 260 characters, a Unicode name, a
# reparse point (a symbolic link) where IIS serves code.
tree=$TMP/proxylogon-shell
deep="$tree/inetpub/wwwroot/aspnet_client/$(printf 'd%.0s' $(seq 1 60))/$(printf 'e%.0s' $(seq 1 60))/$(printf 'f%.0s' $(seq 1 60))/$(printf 'g%.0s' $(seq 1 60))"
mkdir -p "$deep"
printf '<%%@ Page Language="Jscript"%%><%%eval(Request.Item["z"],"unsafe");%%>' >"$deep/long.aspx"
printf '<%%@ Page Language="Jscript"%%><%%eval(Request.Item["q"],"unsafe");%%>' \
	>"$tree/inetpub/wwwroot/aspnet_client/shéll_ü.aspx"
mkdir -p "$TMP/outside"
printf '<%%@ Page Language="Jscript"%%><%%eval(Request.Item["o"],"unsafe");%%>' >"$TMP/outside/o.aspx"
ln -s "$TMP/outside" "$tree/inetpub/wwwroot/aspnet_client/linked"
whunt "$(winpath "$tree")" --format json -o "$(winpath "$TMP/names.json")" 2>/dev/null
python3 - "$TMP/names.json" "$deep" "$tree" <<'PY' || fail "Windows names"
import json, sys
r = json.load(open(sys.argv[1])); deep = sys.argv[2][len(sys.argv[3]) + 1:]
doors = {b["path"] for b in r["backdoors"]}
assert deep + "/long.aspx" in doors, ("long path", sorted(doors))
assert "inetpub/wwwroot/aspnet_client/shéll_ü.aspx" in doors, ("unicode", sorted(doors))
assert not any("linked/" in d for d in doors), ("followed a link", doors)
links = [f for f in r["findings"] if f["kind"] == "link"]
assert any(f["path"].endswith("aspnet_client/linked") for f in links) or \
    any("symbolic links were not followed" in n for n in r["notes"]), ("link not named", r["notes"])
PY

# 2a. A name NTFS allows and UTF-16 does not (a lone surrogate) is named
# losslessly in reports, as "\uD800" (no Windows name holds a
# backslash). Wine refuses to create such a file, so the conversion the
# walk uses is checked by itself.
wine "$3/win_names.exe" >"$TMP/names.out" 2>&1 || { cat "$TMP/names.out"; fail "lone surrogates in names"; }

# 2b. --rules: a responder's rule folder named in another script, its
# files in a subfolder (listed with wide names), matched as on Linux.
rules="$TMP/règles_правила"
mkdir -p "$rules/подпапка"
cat > "$rules/подпапка/marqueur.yar" <<'YAR'
rule wide_marker { meta: description = "a marker" strings: $a = "WIDE_MARKER_7Q" condition: $a }
YAR
mkdir -p "$tree/data"
printf 'x WIDE_MARKER_7Q y\n' >"$tree/data/note.txt"
whunt "$(winpath "$tree")" --rules "$(winpath "$rules")" --format json -o "$(winpath "$TMP/rules.json")" \
	2>"$TMP/rules.err"
[ $WRC = 1 ] || { cat "$TMP/rules.err"; fail "--rules in a Unicode folder: exit $WRC"; }
python3 - "$TMP/rules.json" <<'PY' || fail "--rules in a Unicode folder: no match"
import json, sys
r = json.load(open(sys.argv[1]))
hits = [f for f in r["findings"] if f["kind"] == "rule-match" and "wide_marker" in f["detail"]]
assert [f["path"] for f in hits] == ["data/note.txt"], [f["path"] for f in hits]
PY

# 3. A report inside the evidence is refused, before anything is read.
whunt "$(winpath "$tree")" -o "$(winpath "$tree/report.txt")" 2>"$TMP/inside.err"
[ $WRC = 2 ] || fail "report inside the evidence: exit $WRC"
grep -q "inside the evidence" "$TMP/inside.err" || fail "no reason given: $(cat "$TMP/inside.err")"
[ ! -e "$tree/report.txt" ] || fail "a report was written into the evidence"

# 4. A log another process holds open for writing (denying other writers)
# is still read: a ProxyLogon request in an HTTP proxy log in use.
held=$TMP/proxylogon-attempt
log=$(find "$held" -path '*HttpProxy/Ecp/*' -name '*.LOG' | head -1)
[ -n "$log" ] || log=$(find "$held" -ipath '*logging/httpproxy/*' -name '*.log' | head -1)
[ -n "$log" ] || fail "no HTTP proxy log in the lab tree"
content=$(cat "$log")
rm "$log"
wine "$3/holdopen.exe" "$(winpath "$log")" "$content" >"$TMP/hold.out" &
HOLD=$!
for _ in $(seq 1 100); do grep -q held "$TMP/hold.out" 2>/dev/null && break; sleep 0.1; done
grep -q held "$TMP/hold.out" || fail "holdopen did not start"
whunt "$(winpath "$held")" --format json -o "$(winpath "$TMP/held.json")" 2>/dev/null
kill $HOLD 2>/dev/null || true
check "$TMP/proxylogon-attempt.truth.json" "$TMP/held.json" || fail "a log held open: verdicts"
python3 - "$TMP/held.json" "${log#"$held"/}" <<'PY' || fail "a log held open was not read"
import json, sys
r = json.load(open(sys.argv[1])); rel = sys.argv[2]
assert not [u for u in r["unreadable"] if u.startswith(rel)], r["unreadable"]
assert any(f["path"] == rel for f in r["findings"]), ("no finding from", rel)
PY

# 5. Live: no folder named. Exchange's install folder comes from the
# registry, on drive D: (a lab tree); its shells are found there.
live=$TMP/proxyshell-pst
ln -sfn "$live" "$WINEPREFIX/dosdevices/d:"
wine reg add 'HKLM\SOFTWARE\Microsoft\ExchangeServer\v15\Setup' /v MsiInstallPath \
	/t REG_SZ /d 'D:\Program Files\Microsoft\Exchange Server\V15\' /f >/dev/null 2>&1 ||
	fail "reg add"
whunt --format json -o "$(winpath "$TMP/live.json")" 2>"$TMP/live.err"
[ $WRC = 1 ] || { cat "$TMP/live.err"; fail "live: exit $WRC, want 1"; }
check "$TMP/proxyshell-pst.truth.json" "$TMP/live.json" D/ || fail "live hunt"
python3 - "$TMP/live.json" <<'PY' || fail "live: install not from the registry"
import json, sys
r = json.load(open(sys.argv[1]))
assert any("from the registry" in n and "Exchange Server\\V15" in n for n in r["notes"]), r["notes"]
assert r["source"] == "live", r.get("source")
assert r["coverage"]["registry"]["files"] >= 2, r["coverage"]["registry"]
PY

# 5b. Live, event logs the system holds open sharing nothing (as the
# event log service does) are read through the raw NTFS volume with
# libfsntfs. Wine has no raw volumes: without --raw-volume each log is
# listed unreadable, saying why; with an image of drive D: given as
# --raw-volume, the logs are read from it and the hunt meets the truth.
rl=$TMP/rawlive
"$EXHUNT" lab host "$rl" --scenario returned-later --seed 2 --size 0.002 \
	--truth "$TMP/rawlive.truth.json" --image "$TMP/rawlive.disk.raw" >/dev/null 2>"$TMP/rawlive.lab.err" ||
	fail "lab host --image"
python3 - "$TMP/rawlive.disk.raw" "$TMP/rawlive.vol.raw" <<'PY' || fail "no NTFS volume in the lab image"
import struct, sys
d = open(sys.argv[1], "rb").read()
start, count = struct.unpack_from("<II", d, 446 + 8)
vol = d[start * 512:(start + count) * 512]
assert vol[3:11] == b"NTFS    ", vol[:16]
open(sys.argv[2], "wb").write(vol)
PY
ln -sfn "$rl" "$WINEPREFIX/dosdevices/d:"
mapfile -t logs < <(find "$rl" -iname '*.evtx')
[ ${#logs[@]} -ge 2 ] || fail "returned-later: no event logs in the lab tree"
holds=()
for f in "${logs[@]}"; do
	wine "$3/holdopen.exe" --lock "$(winpath "$f")" >"$f.hold" 2>/dev/null &
	holds+=($!)
done
for f in "${logs[@]}"; do
	for _ in $(seq 1 100); do grep -q held "$f.hold" 2>/dev/null && break; sleep 0.1; done
	grep -q held "$f.hold" || fail "holdopen --lock did not start on $f"
done
whunt --format json -o "$(winpath "$TMP/rawlive0.json")" 2>/dev/null
whunt --raw-volume "D=$(winpath "$TMP/rawlive.vol.raw")" --format json \
	-o "$(winpath "$TMP/rawlive1.json")" 2>"$TMP/rawlive1.err"
kill "${holds[@]}" 2>/dev/null || true
rm -f "$rl"/*.hold
[ $WRC = 1 ] || { cat "$TMP/rawlive1.err"; fail "raw volume: exit $WRC, want 1"; }
python3 - "$TMP/rawlive0.json" "$TMP/rawlive1.json" "$rl" "${logs[@]}" <<'PY' || fail "locked event logs"
import json, sys
r0, r1 = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
rels = ["D/" + p[len(sys.argv[3]) + 1:] for p in sys.argv[4:]]
for rel in rels:
    why = [u for u in r0["unreadable"] if u.startswith(rel + ":")]
    assert why and "raw volume" in why[0], (rel, r0["unreadable"])
    assert not [u for u in r1["unreadable"] if u.startswith(rel + ":")], r1["unreadable"]
assert any("raw volume" in n for n in r1["notes"]), r1["notes"]
assert r1["coverage"]["windows-events"]["files"] >= len(rels), r1["coverage"]["windows-events"]
from_logs = {f["path"] for f in r1["findings"]} & set(rels)
assert from_logs, "no finding from the locked logs"
PY
check "$TMP/rawlive.truth.json" "$TMP/rawlive1.json" D/ || fail "locked logs read through the raw volume: truth"
ln -sfn "$live" "$WINEPREFIX/dosdevices/d:"

# 5c. Live, what only the file system shows: the raw volume of each drive
# (here an image of it, given as --raw-volume, read in whole sectors as
# a device is) adds exactly what an image adds to its folder (a deleted
# shell still named in the MFT, read; a creation time set back), under
# the drive's name, and nothing the folder walk found twice; the public
# shadow-copy volume, live on D:, gives its snapshot-only file with its
# snapshot; without a readable raw volume the hunt says so.
lv=$TMP/livevss
"$EXHUNT" lab host "$lv" --scenario proxylogon-shell --seed 6 --image "$lv.disk.raw" \
	--truth "$lv.truth.json" >/dev/null 2>&1 || fail "lab host --image (live)"
python3 - "$lv.disk.raw" "$lv.vol.raw" <<'PY' || fail "no NTFS volume in the lab image"
import struct, sys
d = open(sys.argv[1], "rb").read()
start, count = struct.unpack_from("<II", d, 446 + 8)
open(sys.argv[2], "wb").write(d[start * 512:(start + count) * 512])
PY
ln -sfn "$lv" "$WINEPREFIX/dosdevices/d:"
whunt --format json -o "$(winpath "$lv.0.json")" 2>/dev/null
EXHUNT_TEST_SECTOR_READS=1 whunt --raw-volume "D=$(winpath "$lv.vol.raw")" --format json \
	-o "$(winpath "$lv.1.json")" 2>"$lv.err"
[ $WRC = 1 ] || { cat "$lv.err"; fail "live raw volume: exit $WRC"; }
python3 - "$lv.0.json" "$lv.1.json" "$lv.truth.json" <<'PY' || fail "live: what only the file system shows"
import json, sys
a, b, t = (json.load(open(p)) for p in sys.argv[1:4])
key = lambda f: (f["kind"], f["path"], f["line"], f["detail"], f["severity"])
fa, fb = {key(f) for f in a["findings"]}, {key(f) for f in b["findings"]}
assert not fa - fb, ("lost", sorted(fa - fb)[:3])
extra = sorted((k[0], k[1]) for k in fb - fa)
want = sorted((x["kind"], "D/" + x["path"]) for x in t["image_only"])
assert extra == want, (extra, want)
assert len(b["findings"]) == len(a["findings"]) + len(want), "a finding twice"
gone = [x["path"] for x in b["backdoors"] if x["gone"]]
assert gone == ["D/" + x["path"] for x in t["image_only"] if x["kind"] == "deleted-script"], gone
assert any(u.startswith("\\\\.\\C:") and "raw volume cannot be opened" in u
           for u in b["unreadable"]), b["unreadable"]
assert any(n.startswith("D/: the raw volume") for n in b["notes"]), b["notes"]
PY
# The report in the root of another drive (a USB stick, E:\): written,
# and the deleted shell read through a file copied there.
mkdir -p "$TMP/edrive"
ln -sfn "$TMP/edrive" "$WINEPREFIX/dosdevices/e:"
whunt --raw-volume "D=$(winpath "$lv.vol.raw")" --format json -o 'E:\report.json' 2>"$lv.e.err"
[ $WRC = 1 ] && [ -s "$TMP/edrive/report.json" ] || { cat "$lv.e.err"; fail "a report in a drive's root: exit $WRC"; }
cmp -s <(python3 -c 'import json,sys; print(sorted(f["kind"]+f["path"] for f in json.load(open(sys.argv[1]))["findings"]))' "$lv.1.json") \
	<(python3 -c 'import json,sys; print(sorted(f["kind"]+f["path"] for f in json.load(open(sys.argv[1]))["findings"]))' "$TMP/edrive/report.json") ||
	fail "a report in a drive's root: other findings"
[ "$(ls "$TMP/edrive")" = report.json ] || fail "files copied out were left behind: $(ls "$TMP/edrive")"
# The report to standard output: nothing is copied onto a drive hunted,
# so the deleted shell is named, not read, and the report says why.
set +e
wine "$WIN" hunt --no-progress --raw-volume "D=$(winpath "$lv.vol.raw")" --format json \
	>"$lv.2.json" 2>/dev/null
set -e
python3 - "$lv.2.json" "$lv.truth.json" <<'PY' || fail "live without -o: a file copied onto a hunted drive"
import json, sys
r, t = (json.load(open(p)) for p in sys.argv[1:3])
gone = ["D/" + x["path"] for x in t["image_only"] if x["kind"] == "deleted-script"]
kinds = {(f["kind"], f["path"]) for f in r["findings"]}
assert all(("deleted-script", g) in kinds and ("webshell", g) not in kinds for g in gone), kinds
assert any("named, not read" in n and "-o FILE" in n for n in r["notes"]), r["notes"]
PY
S=${EXHUNT_SAMPLES:-$SRC/../shared/samples}
if [ -f "$S/image/vsstest.E01" ]; then
	ewfexport -q -u -f raw -t "$TMP/livevss.sample" "$S/image/vsstest.E01" >/dev/null 2>&1 ||
		fail "ewfexport of the sample"
	mkdir -p "$TMP/empty"
	ln -sfn "$TMP/empty" "$WINEPREFIX/dosdevices/d:"
	whunt --raw-volume "D=$(winpath "$TMP/livevss.sample.raw")" --format json \
		-o "$(winpath "$TMP/livevss.sample.json")" 2>/dev/null
	python3 - "$TMP/livevss.sample.json" <<'PY' || fail "live: the shadow-copy sample"
import json, sys
r = json.load(open(sys.argv[1]))
only = [f for f in r["findings"] if f["kind"].startswith("shadow-copy")]
assert [f["path"] for f in only] == ["D/syslog"], only
assert only[0]["snapshot"] == {"store": 1, "created": "2013-12-03T06:35:09Z"}, only[0]
PY
	rm -f "$TMP/livevss.sample.raw"
fi
ln -sfn "$live" "$WINEPREFIX/dosdevices/d:"

# 6. Live, the registry itself (its hive files are locked on a running
# Windows): a Run key and an IFEO debugger set in the prefix's registry
# are found, named by the SOFTWARE hive of the system drive.
wine reg add 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run' /v updater \
	/t REG_SZ /d 'C:\ProgramData\up.exe' /f >/dev/null 2>&1 || fail "reg add Run"
wine reg add 'HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options\sethc.exe' \
	/v Debugger /t REG_SZ /d 'C:\Windows\System32\cmd.exe' /f >/dev/null 2>&1 || fail "reg add IFEO"
whunt --format json -o "$(winpath "$TMP/live2.json")" 2>/dev/null
python3 - "$TMP/live2.json" <<'PY' || fail "live registry"
import json, sys
r = json.load(open(sys.argv[1]))
got = {(f["kind"], f["severity"]) for f in r["findings"]
       if f["path"] == "C/Windows/System32/config/SOFTWARE"}
assert ("run-key", "high") in got and ("ifeo-debugger", "high") in got, got
assert any("registry API" in n for n in r["notes"]), r["notes"]
PY

# 7. The Windows build's own lab host: a tree it writes is hunted to its
# truth.
wine "$WIN" lab host "$(winpath "$TMP/wlab")" --scenario proxyshell-export --seed 3 \
	--size 0.002 --truth "$(winpath "$TMP/wlab.truth.json")" >/dev/null 2>&1 || fail "exhunt.exe lab host"
whunt "$(winpath "$TMP/wlab")" --format json -o "$(winpath "$TMP/wlab.json")" 2>/dev/null
[ $WRC = 1 ] || fail "wlab: exit $WRC"
check "$TMP/wlab.truth.json" "$TMP/wlab.json" || fail "the Windows lab host's tree"

# 8. Disk images: a raw disk, an E01 and a VHDX written by the lab give
# exactly the Linux build's verdicts and findings (a deleted shell still
# named in the MFT, a creation time set back among them), and the image
# is not changed; a report over the image is refused. The reader child's
# crash is survived; damaged images are reported as read in part within
# bounded time; the public shadow-copy volume yields its snapshot-only
# file with its snapshot.
export PATH="$PATH:/usr/sbin:/sbin"
same() { # same LINUX_JSON WIN_JSON KIND
	python3 - "$@" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda f: (f["kind"], f["path"], f["time"], f["severity"], f["line"],
                 f["detail"], json.dumps(f["snapshot"]), f["volume"])
fa, fb = {key(f) for f in a["findings"]}, {key(f) for f in b["findings"]}
problems = []
if b["source"] != sys.argv[3]: problems.append(f"source {b['source']}")
if a["verdicts"] != b["verdicts"]: problems.append(f"verdicts {a['verdicts']} {b['verdicts']}")
if fa != fb: problems.append(f"linux only {sorted(fa - fb)[:3]} windows only {sorted(fb - fa)[:3]}")
if sorted(x["path"] for x in a["backdoors"]) != sorted(x["path"] for x in b["backdoors"]):
    problems.append("back doors differ")
if b["unreadable"] or b["files_seen"] != a["files_seen"]:
    problems.append(f"unreadable {b['unreadable'][:3]} files {a['files_seen']} {b['files_seen']}")
if problems: print("\n".join(problems)); sys.exit(1)
PY
}
for spec in "proxylogon-shell raw raw" "proxyshell-pst E01 E01" "proxylogon-oabgen vhdx VHDX"; do
	set -- $spec
	d=$TMP/img-$1
	"$EXHUNT" lab host "$d" --scenario "$1" --seed 5 --image "$d.$2" \
		--truth "$d.truth.json" >/dev/null 2>&1 || fail "lab host --image $2"
	sum=$(sha256sum "$d.$2")
	"$EXHUNT" hunt "$d.$2" --format json -o "$d.linux.json" --no-progress 2>/dev/null || true
	whunt "$(winpath "$d.$2")" --format json -o "$(winpath "$d.win.json")" 2>"$d.err"
	[ $WRC = 1 ] || { cat "$d.err"; fail "$1 as $2: exit $WRC, want 1"; }
	same "$d.linux.json" "$d.win.json" "$3" || fail "$1 as $2: Windows and Linux differ"
	python3 - "$d.win.json" "$d.truth.json" <<'PY' || fail "$1 as $2: what only an image shows"
import json, sys
r, t = (json.load(open(p)) for p in sys.argv[1:3])
got = {(f["kind"], f["path"]) for f in r["findings"]}
want = {(x["kind"], x["path"]) for x in t["image_only"]}
assert want and want <= got, (sorted(want - got), sorted(want))
PY
	[ "$(sha256sum "$d.$2")" = "$sum" ] || fail "hunting changed the $2 image"
done
d=$TMP/img-proxylogon-shell
whunt "$(winpath "$d.raw")" -o "$(winpath "$d.raw")" 2>"$TMP/over.err"
[ $WRC = 2 ] && grep -q "evidence image itself" "$TMP/over.err" || fail "a report over the image: exit $WRC"
[ "$(sha256sum "$d.raw")" = "$sum" ] || [ -s "$d.raw" ] || fail "the image was written"
EXHUNT_TEST_IMAGE_CRASH_AT=12 whunt "$(winpath "$d.raw")" --format json \
	-o "$(winpath "$TMP/crash.json")" 2>/dev/null
python3 - "$TMP/crash.json" <<'PY' || fail "a crash of the image reader was not survived"
import json, sys
r = json.load(open(sys.argv[1]))
u = " ".join(r["unreadable"])
assert "its reader crashed" in u and "started again" in u, u
assert r["files_seen"] > 20 and any(f["kind"] == "deleted-script" for f in r["findings"])
PY
python3 - "$d.raw" "$TMP" <<'PY'
import os, random, struct, sys
disk = bytearray(open(sys.argv[1], "rb").read())
vol = 1 << 20
bps = struct.unpack_from("<H", disk, vol + 11)[0]
mft = vol + struct.unpack_from("<Q", disk, vol + 48)[0] * bps * disk[vol + 13]
rnd = random.Random(7)
for i in range(mft + 16 * 1024, mft + 200 * 1024):
    if rnd.random() < 0.05:
        disk[i] = rnd.randrange(256)
open(os.path.join(sys.argv[2], "wmft.raw"), "wb").write(disk)
PY
"$EXHUNT" lab host "$TMP/we" --scenario clean --seed 2 --image "$TMP/we.E01" >/dev/null 2>&1 ||
	fail "lab host for the E01"
head -c $(($(stat -c %s "$TMP/we.E01") / 2)) "$TMP/we.E01" >"$TMP/wcut.E01"
for bad in wmft.raw wcut.E01; do
	start=$(date +%s)
	whunt "$(winpath "$TMP/$bad")" --format json -o "$(winpath "$TMP/$bad.json")" 2>/dev/null
	[ $WRC = 1 ] || [ $WRC = 5 ] || fail "$bad: exit $WRC (0 would call it clean)"
	[ $(($(date +%s) - start)) -lt 120 ] || fail "$bad took too long"
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["unreadable"], r["notes"]' \
		"$TMP/$bad.json" || fail "$bad was not reported as damaged"
done
S=${EXHUNT_SAMPLES:-$SRC/../shared/samples}
if [ -f "$S/image/vsstest.E01" ]; then
	whunt "$(winpath "$(realpath "$S/image/vsstest.E01")")" --format json \
		-o "$(winpath "$TMP/vss.json")" 2>/dev/null
	python3 - "$TMP/vss.json" <<'PY' || fail "the shadow-copy sample under wine"
import json, sys
r = json.load(open(sys.argv[1]))
only = [f for f in r["findings"] if f["kind"] == "shadow-copy-only"]
assert [f["path"] for f in only] == ["syslog"], only
assert only[0]["snapshot"] == {"store": 1, "created": "2013-12-03T06:35:09Z"}, only[0]
PY
fi
pass
