# Acceptance: on a 4,096-address lab (default mix, a seed chosen at random
# and printed), every verdict, check, web shell and build in the scan
# output matches the lab's truth, for every address. Then the 2022-11 and
# current mixes on smaller fleets; and the CSV and SQLite outputs agree
# with the JSONL.
. "$(dirname "$0")/lib.sh"
seed=${EXHUNT_TEST_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "seed $seed"
start_lab --addresses 127.78.0.0/20 --port 9501 --http-port 0 --seed "$seed" \
	--truth "$TMP/truth.jsonl"
"$EXHUNT" scan 127.78.0.0/20 --port 9501 --allow 127.78.0.0/16 --checks all --timeout 300 --connect-timeout 60 \
	-c 2000 -o "$TMP/scan.jsonl" --csv "$TMP/scan.csv" --db "$TMP/scan.db" \
	-q --no-progress || fail "scan exited $?"
compare "$TMP/truth.jsonl" "$TMP/scan.jsonl" | tail -5
compare "$TMP/truth.jsonl" "$TMP/scan.jsonl" >/dev/null || fail "scan differs from truth (seed $seed)"

# SQLite: one observation per address, verdicts as in the JSONL.
n=$(sqlite3 "$TMP/scan.db" "select count(*) from observations")
[ "$n" = 4096 ] || fail "sqlite has $n observations, want 4096"
jv=$(python3 -c "
import json,sys
print(sum(len(json.loads(l)['verdicts']) for l in open('$TMP/scan.jsonl')))")
sv=$(sqlite3 "$TMP/scan.db" "select count(*) from verdicts")
[ "$jv" = "$sv" ] || fail "sqlite has $sv verdicts, JSONL $jv"
[ "$(sqlite3 "$TMP/scan.db" "select count(*) from scans where finished is not null")" = 1 ] \
	|| fail "scan not marked finished"
# CSV: Shadowserver's header, one row per Exchange server.
head -1 "$TMP/scan.csv" | grep -qx 'timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,hostname_source,sector,version,servername,url' \
	|| fail "CSV header"
ex=$(grep -c '"exchange":true' "$TMP/scan.jsonl")
rows=$(( $(wc -l < "$TMP/scan.csv") - 1 ))
[ "$ex" = "$rows" ] || fail "CSV has $rows rows, $ex Exchange servers"
grep -q ',exchange;webshell,' "$TMP/scan.csv" || fail "no web-shell rows in CSV"
stop_lab

for mix in 2022-11 current 2021-08 variety; do
	start_lab --addresses 127.78.32.0/22 --port 9502 --http-port 0 --mix $mix \
		--seed "$seed" --truth "$TMP/truth-$mix.jsonl"
	"$EXHUNT" scan 127.78.32.0/22 --port 9502 --allow 127.78.0.0/16 \
		--checks all --timeout 300 --connect-timeout 60 -o "$TMP/scan-$mix.jsonl" -q --no-progress
	compare "$TMP/truth-$mix.jsonl" "$TMP/scan-$mix.jsonl" | tail -1
	compare "$TMP/truth-$mix.jsonl" "$TMP/scan-$mix.jsonl" >/dev/null \
		|| fail "mix $mix differs from truth (seed $seed)"
	stop_lab
done
# The variety mix really holds what it is for: servers behind a WAF that
# blocks, redirects or resets the checks (the checks say "blocked", never
# "not-vulnerable"), catch-all sites (web shells "cannot-tell"), and the
# ProxyShell answer in its real shape (the exact build read from it).
python3 - "$TMP/truth-variety.jsonl" "$TMP/scan-variety.jsonl" <<'PY' || fail "variety mix"
import json, sys
t = [json.loads(l) for l in open(sys.argv[1])]
r = {x["ip"]: x for x in map(json.loads, open(sys.argv[2]))}
fronts = {f: sum(1 for x in t if x.get("front") == f) for f in ("waf-block", "waf-redirect", "waf-reset")}
catch = sum(1 for x in t if x.get("catch_all"))
blocked = sum(1 for x in r.values() if x["checks"].get("proxyshell") == "blocked")
cannot = sum(1 for x in r.values() if x["checks"].get("webshells") == "cannot-tell")
owaver = sum(1 for x in r.values() if x.get("build_source") == "proxyshell-owaver")
print("fronts", fronts, "catch-all", catch, "blocked", blocked, "cannot-tell", cannot, "owaVer", owaver)
if min(fronts.values()) < 5 or catch < 5 or blocked < 15 or cannot < 5 or owaver < 5:
    sys.exit(1)
PY
echo PASS
