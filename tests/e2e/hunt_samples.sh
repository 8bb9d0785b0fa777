# exhunt hunt on public sample evidence nobody here wrote (event logs and
# registry hives from other projects, ../shared/samples, see its
# SOURCES.md): read where the samples are, never copied into the project.
# Each must yield what SOURCES.md documents: multi-part 4104 script blocks
# joined, a dirty truncated log read in full and said dirty, the file that
# makes Debian's libevtx allocate without end read in part within the
# memory bound, Run keys with their times, a damaged hive said damaged.
. "$(dirname "$0")/lib.sh"
S=${EXHUNT_SAMPLES:-$SRC/../shared/samples}
PS=powershell-4104-multipart-obfuscation.evtx
if [ ! -f "$S/SOURCES.md" ]; then
	echo "SKIP: no public samples at $S (set EXHUNT_SAMPLES)" >&2
	PASSED=1
	exit 77
fi
# The samples are hunted where they lie (read-only); a listing of sizes and
# times before and after shows nothing was written.
find "$S" -type f -printf '%p %s %T@\n' | sort >"$TMP/before"
"$EXHUNT" hunt "$S" --format json -o "$TMP/r.json" --no-progress 2>"$TMP/err" || rc=$?
[ "${rc:-0}" = 1 ] || { cat "$TMP/err"; fail "hunt exit ${rc:-0}, want 1 (findings)"; }
find "$S" -type f -printf '%p %s %T@\n' | sort >"$TMP/after"
cmp -s "$TMP/before" "$TMP/after" || fail "the evidence changed"
python3 - "$TMP/r.json" <<'PY' || fail "sample findings differ from SOURCES.md"
import json, sys
r = json.load(open(sys.argv[1]))
f = r["findings"]
def by(kind, path):
    return [x for x in f if x["kind"] == kind and x["path"].endswith(path)]
notes = "\n".join(r["notes"])
unread = "\n".join(r["unreadable"])
# 4104: parts joined by ScriptBlockId before any check; recovered copies of
# live records checked once
ps = "powershell-4104-multipart-obfuscation.evtx"
assert "302 records read" in notes and "328 copies of records already read" in notes, notes
joined = [x for x in f if x["path"].endswith(ps) and "joined from its parts" in x["detail"]]
assert joined, "no finding on a joined script block"
assert by("download-cradle", ps), "the download cradle in 4104 was not found"
assert by("obfuscated-script", ps), "Invoke-Obfuscation output was not flagged"
keys = [(x["kind"], x["line"]) for x in f if x["path"].endswith(ps)]
assert len(keys) == len(set(keys)), "a record was checked twice"
# times from each record's own System/TimeCreated
assert all(x["time"].startswith("2017-08-30T") for x in f if x["path"].endswith(ps))
# the dirty, truncated System log: every readable record, and said dirty
assert "system-dirty-truncated.evtx: 194 records read" in notes, notes
assert "not closed cleanly (dirty)" in notes
# checksums: the log cut mid-chunk does not match them, the intact one does
assert "system-dirty-truncated.evtx: checksums in the log do not match" in notes, notes
assert ps + ": checksums" not in notes, notes
# the file that blows up libevtx: partly read, within the bound, listed
assert "libevtx-20181227-alloc-blowup.evtx" in unread, unread
assert by("transport-agent", "alloc-blowup.evtx"), "the readable records were lost"
# registry: Run keys with their last-written time; nothing odd about them
run = {x["detail"].split(" starts ")[0].rsplit("\\", 1)[-1]: x for x in by("run-key", "NTUSER-RunTests.DAT")}
assert set(run) == {"Sidebar", "mctadmin"}, run
assert all(x["time"] == "2012-04-05T17:03:53Z" and x["severity"] == "info" for x in run.values()), run
assert "Sidebar.exe /autoRun" in run["Sidebar"]["detail"]
# the damaged hive: read, said damaged, nothing crashed
assert "robustness-corrupt_sub_key_list.hiv: the hive is damaged" in unread, unread
assert r["coverage"]["windows-events"]["files"] == 3 and r["coverage"]["registry"]["files"] == 2, r["coverage"]
print("samples:", len(f), "findings")
PY
# The readers run as exhunt-read when it lies beside exhunt (a program
# linked with the parsing libraries only, src/reader/main.c). exhunt
# alone, or beside an exhunt-read of another protocol or one that cannot
# start, runs itself as the reader and finds the same.
HELPER=$(dirname "$EXHUNT")/exhunt-read
[ -x "$HELPER" ] || fail "no exhunt-read beside $EXHUNT"
canon() {
	# unreadable files by name: how the bounds stop the reader of the
	# file that blows up libevtx differs in sanitizer builds
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(json.dumps([r["findings"], sorted({u.split(":")[0] for u in r["unreadable"]}), r["coverage"]], sort_keys=True))' "$1"
}
canon "$TMP/r.json" >"$TMP/want"
mkdir -p "$TMP/with" "$TMP/alone" "$TMP/other" "$TMP/broken"
for d in with alone other broken; do cp "$EXHUNT" "$TMP/$d/exhunt"; done
printf '#!/bin/sh\necho "$1" >>"%s"\nexec "%s" "$@"\n' "$TMP/with.ran" "$HELPER" >"$TMP/with/exhunt-read"
printf '#!/bin/sh\necho "$2" >>"%s"\nexit 64\n' "$TMP/other.ran" >"$TMP/other/exhunt-read"
# one that cannot start (its libraries missing: the loader exits 127)
printf '#!/bin/sh\necho "$2" >>"%s"\nexit 127\n' "$TMP/broken.ran" >"$TMP/broken/exhunt-read"
chmod +x "$TMP/with/exhunt-read" "$TMP/other/exhunt-read" "$TMP/broken/exhunt-read"
for d in with alone other broken; do
	rc=0
	"$TMP/$d/exhunt" hunt "$S" --format json -o "$TMP/$d.json" --no-progress 2>"$TMP/$d.err" || rc=$?
	[ "$rc" = 1 ] || { cat "$TMP/$d.err"; fail "hunt with the reader $d: exit $rc"; }
	canon "$TMP/$d.json" >"$TMP/$d.got"
	cmp -s "$TMP/want" "$TMP/$d.got" || fail "the reader $d found something else"
done
[ "$(grep -c . "$TMP/with.ran")" = 5 ] || fail "exhunt-read was not run once per evidence file: $(cat "$TMP/with.ran")"
grep -qx 1 "$TMP/other.ran" || fail "exhunt-read was not asked for protocol 1"
[ "$(grep -c . "$TMP/other.ran")" -le 4 ] || fail "an exhunt-read of another protocol was tried again and again"
[ "$(grep -c . "$TMP/broken.ran")" -le 4 ] || fail "an exhunt-read that cannot start was tried again and again"
# exhunt-read computes libevtx's CRC-32 with zlib's (src/reader/crc.c,
# by symbol interposition): it must export it, and find on a log with 4
# bytes changed in its second chunk exactly what the library's own finds.
nm -D "$HELPER" >"$TMP/helper.syms"
grep -q ' T libevtx_checksum_calculate_little_endian_crc32$' "$TMP/helper.syms" ||
	fail "exhunt-read does not export its CRC-32 for libevtx"
mkdir -p "$TMP/edited"
cp "$S/evtx/$PS" "$TMP/edited/edited.evtx"
chmod u+w "$TMP/edited/edited.evtx"
printf '\377\377\377\377' | dd of="$TMP/edited/edited.evtx" bs=1 seek=$((4096 + 65536 + 2000)) conv=notrunc 2>/dev/null
for d in with alone; do
	rc=0
	"$TMP/$d/exhunt" hunt "$TMP/edited" --format json -o "$TMP/e-$d.json" --no-progress 2>"$TMP/e-$d.err" || rc=$?
	[ "$rc" = 1 ] || { cat "$TMP/e-$d.err"; fail "hunt of the edited log with the reader $d: exit $rc"; }
	grep -q 'edited.evtx: checksums in the log do not match' "$TMP/e-$d.json" ||
		fail "the reader $d did not see the edited log's checksums"
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(json.dumps([r["findings"], r["notes"]], sort_keys=True))' "$TMP/e-$d.json" >"$TMP/e-$d.got"
done
cmp -s "$TMP/e-with.got" "$TMP/e-alone.got" || fail "exhunt-read and exhunt read the edited log differently"
# exhunt-read also converts libevtx's ASCII UTF-16 text itself
# (src/reader/una.c): every record of the samples, read by exhunt-read
# and by exhunt (the library's own conversion), byte for byte, and the
# same exit. Standard output goes through cat: the readers may create no
# file. (Not the blow-up file: run alone, outside exhunt's watch, a
# sanitizer build's reader has no memory bound.)
for s in libuna_utf8_string_size_from_utf16_stream libuna_utf8_string_with_index_copy_from_utf16_stream; do
	grep -q " T $s\$" "$TMP/helper.syms" || fail "exhunt-read does not export $s for libevtx"
done
for f in "$S/evtx/$PS" "$S/evtx/system-dirty-truncated.evtx" "$TMP/edited/edited.evtx"; do
	{ rc=0; "$HELPER" __read-evtx 1 <"$f" 2>/dev/null || rc=$?; echo "exit $rc"; } | cat >"$TMP/r-with.out"
	{ rc=0; "$EXHUNT" __read-evtx 1 <"$f" 2>/dev/null || rc=$?; echo "exit $rc"; } | cat >"$TMP/r-alone.out"
	grep -q '^S' "$TMP/r-with.out" || fail "exhunt-read gave no summary for $(basename "$f") ($(tail -1 "$TMP/r-with.out"))"
	cmp -s "$TMP/r-with.out" "$TMP/r-alone.out" ||
		fail "exhunt-read and exhunt give different records or exits for $(basename "$f")"
done
pass
