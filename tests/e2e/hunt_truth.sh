# exhunt hunt against lab host trees: for every scenario and two seeds,
# the verdicts and the back-door paths equal the lab's truth; a clean tree
# has no finding above informational and exits 0; the evidence is not
# changed by hunting (contents and times); the same tree in a KAPE layout,
# with lower-case folder names, or with UTF-16 logs gives the same
# verdicts; a report inside the evidence is refused. Event logs and hives:
# the persistence each scenario planted is listed (and nothing else), what
# to do next names it, the timeline is in time order.
. "$(dirname "$0")/lib.sh"
check() { # check TREE TRUTH REPORT
	python3 "$(dirname "$0")/hunt_check.py" "$2" "$3"
}
snapshot() { (cd "$1" && find . -type f -printf '%p %s %T@\n' | sort && find . -type f -exec sha256sum {} + | sort) | sha256sum; }

for seed in 1 77; do
	for s in clean proxylogon-shell proxylogon-attempt proxylogon-oabgen \
		proxyshell-pst proxyshell-attempt proxynotshell owassrf proxytoken \
		proxyshell-hidden proxylogon-um proxyshell-export returned-later proxylogon-iis; do
		tree="$TMP/$s-$seed"
		"$EXHUNT" lab host "$tree" --scenario $s --seed $seed --size 0.002 \
			--truth "$TMP/$s-$seed.truth.json" || fail "lab host $s"
		before=$(snapshot "$tree")
		set +e
		"$EXHUNT" hunt "$tree" --format json -o "$TMP/$s-$seed.json" --no-progress 2>/dev/null
		rc=$?
		set -e
		after=$(snapshot "$tree")
		[ "$before" = "$after" ] || fail "hunting changed the evidence ($s)"
		if [ $s = clean ]; then [ $rc = 0 ] || fail "clean tree exit $rc"
		else [ $rc = 1 ] || fail "$s exit $rc, want 1 (findings)"; fi
		check "$tree" "$TMP/$s-$seed.truth.json" "$TMP/$s-$seed.json" || fail "$s seed $seed"
	done
done

# All scenarios in one tree: each CVE at the worst any scenario reached.
"$EXHUNT" lab host "$TMP/all" --scenario proxylogon-shell,proxyshell-pst,proxytoken,proxylogon-um,returned-later \
	--seed 9 --truth "$TMP/all.truth.json" --size 0.002
"$EXHUNT" hunt "$TMP/all" --format json -o "$TMP/all.json" --no-progress 2>/dev/null || true
check "$TMP/all" "$TMP/all.truth.json" "$TMP/all.json" || fail "combined scenarios"

# Layout variants: KAPE's drive folder, lower-case names, UTF-16 IIS logs.
tree="$TMP/proxyshell-pst-1"
mkdir -p "$TMP/kape/C" && cp -a "$tree/." "$TMP/kape/C/"
"$EXHUNT" hunt "$TMP/kape" --format json -o "$TMP/kape.json" --no-progress 2>/dev/null || true
python3 - "$TMP/proxyshell-pst-1.truth.json" "$TMP/kape.json" <<'PY' || fail "KAPE layout"
import json, sys
t = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
assert r["verdicts"] == t["verdicts"], r["verdicts"]
PY
cp -a "$tree" "$TMP/lower"
(cd "$TMP/lower" && mv "Program Files" "program files" && mv inetpub/logs/LogFiles inetpub/logs/logfiles \
	&& for f in inetpub/logs/logfiles/W3SVC1/*.log; do iconv -f UTF-8 -t UTF-16 "$f" >"$f.x" && mv "$f.x" "${f%.log}.LOG"; rm -f "$f"; done)
"$EXHUNT" hunt "$TMP/lower" --format json -o "$TMP/lower.json" --no-progress 2>/dev/null || true
python3 - "$TMP/proxyshell-pst-1.truth.json" "$TMP/lower.json" <<'PY' || fail "lower-case names and UTF-16 logs"
import json, sys
t = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
assert r["verdicts"] == t["verdicts"], r["verdicts"]
assert r["coverage"]["iis-w3c"]["files"] == 2  # the front end's and the back end's
PY

# Log folders moved elsewhere by an administrator (another drive, another
# parent folder) are still found by their own names.
cp -a "$TMP/proxylogon-shell-1" "$TMP/moved"
mkdir -p "$TMP/moved/D/ExchangeLogs" "$TMP/moved/E/IISLogs"
mv "$TMP/moved/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy" \
	"$TMP/moved/Program Files/Microsoft/Exchange Server/V15/Logging/ECP" "$TMP/moved/D/ExchangeLogs/"
mv "$TMP/moved/inetpub/logs/LogFiles/W3SVC1" "$TMP/moved/inetpub/logs/LogFiles/W3SVC2" \
	"$TMP/moved/E/IISLogs/"
"$EXHUNT" hunt "$TMP/moved" --format json -o "$TMP/moved.json" --no-progress 2>/dev/null || true
python3 - "$TMP/proxylogon-shell-1.truth.json" "$TMP/moved.json" <<'PY' || fail "moved log folders"
import json, sys
t = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
assert r["verdicts"] == t["verdicts"], r["verdicts"]
assert r["coverage"]["httpproxy"]["files"] == 3 and r["coverage"]["iis-w3c"]["files"] == 2, r["coverage"]
PY

# The report never goes into the evidence.
set +e
"$EXHUNT" hunt "$tree" -o "$tree/report.json" 2>"$TMP/err"
rc=$?
set -e
[ $rc = 2 ] && grep -q "hunting never writes into the evidence" "$TMP/err" || fail "report inside evidence"
[ ! -e "$tree/report.json" ] || fail "report written into evidence"
# Links are not followed out of ROOT.
ln -s /etc "$TMP/proxytoken-1/etc-link"
"$EXHUNT" hunt "$TMP/proxytoken-1" --format json -o "$TMP/link.json" --no-progress 2>/dev/null || true
grep -q '"symbolic links were not followed' "$TMP/link.json" || grep -q 'symbolic links were not followed' "$TMP/link.json" || fail "link note"
# HTML report: self-contained.
"$EXHUNT" hunt "$TMP/proxylogon-shell-1" --format html -o "$TMP/r.html" --no-progress 2>/dev/null || true
grep -q '<td class="back-doored">back-doored</td>' "$TMP/r.html" || fail "HTML verdicts"
grep -qE 'src="http|href="http' "$TMP/r.html" && fail "HTML fetches from the network"
pass
