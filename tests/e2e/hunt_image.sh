# exhunt hunt on disk images. Every lab host scenario, written as a folder
# and as a raw image, an E01, a VHDX and a VHD (an MBR disk with one NTFS
# volume, made by `exhunt lab host --image`): each image gives the
# folder's verdicts and findings, plus exactly what only an image holds
# (the truth's image_only: a deleted shell still named in the MFT, a
# creation time set back); the image is not changed. A GPT disk gives the
# same. The reader child's crash is survived (restarted past the entry it
# failed on, the report says read in part); damaged images (a truncated
# E01, an MFT overwritten, noise behind a partition table) are reported as
# read in part within bounded time, never a crash. The public shadow-copy
# volume (../shared/samples/image, when present) yields its snapshot-only
# file with its snapshot, from the E01 and from raw and VHDX conversions.
. "$(dirname "$0")/lib.sh"
for tool in mkntfs ewfacquire ewfexport qemu-img; do
	command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
		fail "$tool is not installed (tools/deps.sh installs it)"
done
export PATH="$PATH:/usr/sbin:/sbin"
scenarios=$("$EXHUNT" lab host --help | sed -n 's/^scenarios: //p')
[ -n "$scenarios" ] || fail "no scenario list from lab host --help"
hunt() { # hunt ROOT REPORT: exit 0, 1 (findings) or 5 (incomplete), never worse
	HRC=0
	timeout 300 "$EXHUNT" hunt "$1" --format json -o "$2" --no-progress \
		2>"$TMP/err" || HRC=$?
	[ "$HRC" = 0 ] || [ "$HRC" = 1 ] || [ "$HRC" = 5 ] ||
		{ cat "$TMP/err"; fail "hunt $1: exit $HRC"; }
}
compare() { # compare TRUTH FOLDER_REPORT IMAGE_REPORT KIND
	python3 - "$@" <<'PY'
import json, sys
t, a, b = (json.load(open(p)) for p in sys.argv[1:4])
kind = sys.argv[4]
problems = []
if b["source"] != kind:
    problems.append(f"source {b['source']} want {kind}")
if b["verdicts"] != t["verdicts"] or a["verdicts"] != t["verdicts"]:
    problems.append(f"verdicts folder {a['verdicts']} image {b['verdicts']} truth {t['verdicts']}")
key = lambda f: (f["kind"], f["path"], f["time"], f["severity"], f["line"], f["detail"])
fa = {key(f) for f in a["findings"]}
fb = {key(f) for f in b["findings"]}
if fa - fb:
    problems.append(f"folder findings missing from the image: {sorted(fa - fb)[:5]}")
extra = {(k[0], k[1]) for k in fb - fa}
want = {(x["kind"], x["path"]) for x in t["image_only"]}
if extra != want:
    problems.append(f"image-only findings {sorted(extra)} want {sorted(want)}")
for f in b["findings"]:
    if f["volume"] != 1 or f["snapshot"] is not None:
        problems.append(f"place of {f['path']}: volume {f['volume']} snapshot {f['snapshot']}")
        break
gone = sorted(x["path"] for x in b["backdoors"] if x["gone"])
want_gone = sorted(x["path"] for x in t["image_only"] if x["kind"] == "deleted-script")
if gone != want_gone:
    problems.append(f"back doors gone {gone} want {want_gone}")
if want_gone and not any("no longer on the live volume" in s for s in b["next_steps"]):
    problems.append("next steps do not say a back door was deleted")
if b["unreadable"]:
    problems.append(f"unreadable: {b['unreadable'][:3]}")
if problems:
    print("\n".join(problems)); sys.exit(1)
PY
}
n=0
for sc in $scenarios; do
	seed=$((n * 7 + 3))
	n=$((n + 1))
	forms="raw E01 vhdx"
	[ "$n" = 1 ] && forms="raw E01 vhdx vhd"
	for form in $forms; do
		d="$TMP/$sc.$form"
		"$EXHUNT" lab host "$d" --scenario "$sc" --seed "$seed" \
			--image "$d.img.$form" --truth "$d.truth.json" 2>"$TMP/err" >/dev/null ||
			{ cat "$TMP/err"; fail "lab host --image $form ($sc)"; }
		img="$d.img.$form"
		[ "$form" = E01 ] && img="$d.img.E01"
		[ -s "$img" ] || fail "no $form image for $sc"
		sum=$(sha256sum "$img")
		hunt "$d" "$d.folder.json"
		hunt "$img" "$d.image.json"
		[ "$(sha256sum "$img")" = "$sum" ] || fail "hunting changed the $form image"
		kind=$form; [ "$form" = vhdx ] && kind=VHDX; [ "$form" = vhd ] && kind=VHD
		compare "$d.truth.json" "$d.folder.json" "$d.image.json" "$kind" ||
			fail "$sc as $form differs from its folder and truth"
		rm -rf "$d" "$img"
	done
done
echo "scenarios: $n, each as a folder, raw, E01 and VHDX (and one as VHD)"

# A GPT disk (protective MBR, header, one entry) around the same volume.
d="$TMP/gpt"
"$EXHUNT" lab host "$d" --scenario proxyshell-pst --seed 11 --image "$d.raw" \
	--truth "$d.truth.json" >/dev/null 2>&1 || fail "lab host for GPT"
python3 - "$d.raw" "$d.gpt.raw" <<'PY'
import struct, sys
src, dst = sys.argv[1:3]
disk = open(src, "rb").read()
vol = disk[1 << 20:]
lba = len(vol) // 512
out = bytearray(2048 * 512) + bytearray(vol) + bytearray(34 * 512)
mbr = bytearray(512)
mbr[446 + 4] = 0xEE
struct.pack_into("<II", mbr, 446 + 8, 1, 0xFFFFFFFF)
mbr[510:512] = b"\x55\xaa"
out[0:512] = mbr
hdr = bytearray(92)
hdr[0:8] = b"EFI PART"
struct.pack_into("<QII", hdr, 72, 2, 128, 128)
out[512:512 + 92] = hdr
entry = bytearray(128)
entry[0:16] = bytes.fromhex("a2a0d0ebe5b9334487c068b6b72699c7")  # basic data
struct.pack_into("<QQ", entry, 32, 2048, 2048 + lba - 1)
out[1024:1024 + 128] = entry
open(dst, "wb").write(out)
PY
hunt "$d" "$d.folder.json"
hunt "$d.gpt.raw" "$d.gpt.json"
compare "$d.truth.json" "$d.folder.json" "$d.gpt.json" raw || fail "the GPT disk differs"

# A raw image's files are read by the workers straight from their runs in
# the image (logs) or copied from them (the rest): with every run listed
# as two, as a fragmented file's would be, the image still gives its
# folder's findings.
EXHUNT_TEST_SPLIT_RUNS=1 hunt "$d.gpt.raw" "$d.split.json"
compare "$d.truth.json" "$d.folder.json" "$d.split.json" raw || fail "files in several runs differ"

# The reader child crashing on an entry (as an old library would on a
# crafted one): restarted past it; the rest is read; the report says so.
d="$TMP/crash"
"$EXHUNT" lab host "$d" --scenario proxylogon-shell --seed 4 --image "$d.raw" \
	--truth "$d.truth.json" >/dev/null 2>&1 || fail "lab host for the crash"
EXHUNT_TEST_IMAGE_CRASH_AT=12 hunt "$d.raw" "$d.crash.json"
python3 - "$d.crash.json" "$d.truth.json" <<'PY' || fail "a crash of the reader was not survived"
import json, sys
r, t = (json.load(open(p)) for p in sys.argv[1:3])
u = " ".join(r["unreadable"])
assert "its reader crashed" in u and "read in part" in u and "started again" in u, u
assert r["files_seen"] > 20, r["files_seen"]
assert any(f["kind"] == "deleted-script" for f in r["findings"]), "the walk did not go on"
PY

# Damaged images: bounded, reported, never a crash.
python3 - "$d.raw" "$TMP" <<'PY'
import os, random, struct, sys
src, out = sys.argv[1:3]
disk = bytearray(open(src, "rb").read())
vol = 1 << 20
bps = struct.unpack_from("<H", disk, vol + 11)[0]
spc = disk[vol + 13]
mft = vol + struct.unpack_from("<Q", disk, vol + 48)[0] * bps * spc
rnd = random.Random(7)
bad = bytearray(disk)
for i in range(mft + 16 * 1024, mft + 200 * 1024):  # entries past the system files
    if rnd.random() < 0.05:
        bad[i] = rnd.randrange(256)
open(os.path.join(out, "mft.raw"), "wb").write(bad)
noise = bytearray(rnd.randbytes(8 << 20))
noise[446:510] = bytes(64)
noise[446 + 4] = 7
struct.pack_into("<II", noise, 446 + 8, 2048, 4096)
noise[510:512] = b"\x55\xaa"
open(os.path.join(out, "noise.raw"), "wb").write(noise)
loop = bytearray(1 << 20)
loop[446 + 4] = 5
struct.pack_into("<II", loop, 446 + 8, 1, 100)
loop[510:512] = b"\x55\xaa"
loop[512 + 462 + 4] = 5
struct.pack_into("<II", loop, 512 + 462 + 8, 0, 100)  # links to itself
loop[512 + 510:512 + 512] = b"\x55\xaa"
open(os.path.join(out, "loop.raw"), "wb").write(loop)
PY
"$EXHUNT" lab host "$TMP/e" --scenario clean --seed 2 --image "$TMP/e.E01" >/dev/null 2>&1 ||
	fail "lab host for the E01"
head -c $(($(stat -c %s "$TMP/e.E01") / 2)) "$TMP/e.E01" >"$TMP/cut.E01"
for bad in mft.raw noise.raw loop.raw cut.E01; do
	start=$(date +%s)
	hunt "$TMP/$bad" "$TMP/$bad.json"
	[ $(($(date +%s) - start)) -lt 120 ] || fail "$bad took too long"
	# never "clean": findings (1), or incomplete (5)
	[ "$HRC" != 0 ] || fail "$bad: exit 0, as if the image were clean"
	python3 - "$TMP/$bad.json" "$bad" <<'PY' || fail "$bad was not reported as damaged"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["unreadable"], f"{sys.argv[2]}: nothing said unreadable: {r['notes']}"
print(sys.argv[2], "->", r["unreadable"][0][:100])
PY
done

# Not an image: a clear error naming it.
head -c 4096 /dev/urandom >"$TMP/notimage.bin"
rc=0
"$EXHUNT" hunt "$TMP/notimage.bin" --no-progress >/dev/null 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] && grep -q "notimage.bin: neither a folder nor a disk image" "$TMP/err" ||
	{ cat "$TMP/err"; fail "a file that is no image: exit $rc"; }

# The public shadow-copy volume, when the samples are there.
S=${EXHUNT_SAMPLES:-$SRC/../shared/samples}
if [ -f "$S/image/vsstest.E01" ]; then
	sum=$(sha256sum "$S/image/vsstest.E01")
	ewfexport -q -u -f raw -t "$TMP/vss" "$S/image/vsstest.E01" >/dev/null 2>&1 ||
		fail "ewfexport of the sample"
	qemu-img convert -q -f raw -O vhdx "$TMP/vss.raw" "$TMP/vss.vhdx"
	for img in "$S/image/vsstest.E01" "$TMP/vss.raw" "$TMP/vss.vhdx"; do
		hunt "$img" "$TMP/vss.json"
		python3 - "$TMP/vss.json" <<'PY' || fail "$img: the snapshot-only file"
import json, sys
r = json.load(open(sys.argv[1]))
only = [f for f in r["findings"] if f["kind"] == "shadow-copy-only"]
assert [f["path"] for f in only] == ["syslog"], only
f = only[0]
assert f["snapshot"] == {"store": 1, "created": "2013-12-03T06:35:09Z"}, f
assert f["time"] == "2013-12-03T06:32:24Z" and f["volume"] == 1, f
assert not [x for x in r["findings"] if x["path"] in ("password.txt", "another_file")], r["findings"]
assert any("2 shadow copies" in n for n in r["notes"]), r["notes"]
PY
	done
	[ "$(sha256sum "$S/image/vsstest.E01")" = "$sum" ] || fail "the sample changed"
	echo "shadow copies: the sample's snapshot-only file found in 3 forms"
else
	echo "note: no public samples at $S; the shadow-copy sample was not hunted" >&2
fi
pass
