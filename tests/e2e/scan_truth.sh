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

for mix in 2022-11 current 2021-08; do
	start_lab --addresses 127.78.32.0/22 --port 9502 --http-port 0 --mix $mix \
		--seed "$seed" --truth "$TMP/truth-$mix.jsonl"
	"$EXHUNT" scan 127.78.32.0/22 --port 9502 --allow 127.78.0.0/16 \
		--checks all --timeout 300 --connect-timeout 60 -o "$TMP/scan-$mix.jsonl" -q --no-progress
	compare "$TMP/truth-$mix.jsonl" "$TMP/scan-$mix.jsonl" | tail -1
	compare "$TMP/truth-$mix.jsonl" "$TMP/scan-$mix.jsonl" >/dev/null \
		|| fail "mix $mix differs from truth (seed $seed)"
	stop_lab
done
echo PASS
