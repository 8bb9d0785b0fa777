# PostgreSQL as the campaign store (issue 15), against a real PostgreSQL
# 15 started by the test. Three scanners on shards of a 4,096-server lab
# write into one database at once; one is killed with -9 and rerun: the
# union equals the lab's truth, every target exactly once. The report
# from PostgreSQL equals the report from SQLite on the same records. A
# reader during an import sees whole batches only. The password given
# in the URL shows neither in the process list nor in any message.
. "$(dirname "$0")/lib.sh"
start_pg
start_lab --addresses 127.78.96.0/20 --port 9531 --http-port 0 --delay 5 --seed 15 \
	--truth "$TMP/truth.jsonl"
scan() { # shard K of 3 (exec: a kill of the job is a kill of exhunt)
	exec "$EXHUNT" scan 127.78.96.0/20 --port 9531 --allow 127.78.0.0/16 \
		--checks ssrf-26855,proxyshell --shard "$1/3" --rate 1500 -c 300 --timeout 300 --connect-timeout 60 \
		--state "$TMP/state$1" -o "$TMP/shard$1.jsonl" --db "$PG_URL" -q --no-progress
}
scan 1 2>"$TMP/err1" & p1=$!
scan 2 2>"$TMP/err2" & p2=$!
scan 3 2>"$TMP/err3" & p3=$!
# the kill lands after shard 2's first checkpoint (its state file), mid-scan
for _ in $(seq 300); do [ -s "$TMP/state2" ] && break; sleep 0.1; done
sleep 0.2
# the password is gone from the process list while they run
for p in $p1 $p2 $p3; do
	pid=$(pgrep -P "$p" -f "exhunt scan" || echo "$p")
	[ -r "/proc/$pid/cmdline" ] || continue
	! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$PG_PW" || fail "password in the process list"
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "exhunt@/campaign" || fail "URL not in the process list"
done
kill -9 $p2
wait $p2 2>/dev/null || true
n2=$(wc -l <"$TMP/shard2.jsonl")
[ "$n2" -lt 1365 ] || fail "shard 2 was done before the kill ($n2)"
wait $p1 || { cat "$TMP/err1"; fail "shard 1 exited $?"; }
wait $p3 || { cat "$TMP/err3"; fail "shard 3 exited $?"; }
(scan 2) 2>>"$TMP/err2" || { cat "$TMP/err2"; fail "shard 2 rerun exited $?"; }
stop_lab
cat "$TMP"/shard[123].jsonl >"$TMP/all.jsonl"
compare "$TMP/truth.jsonl" "$TMP/all.jsonl" --partial-checks | tail -3
compare "$TMP/truth.jsonl" "$TMP/all.jsonl" --partial-checks >/dev/null || fail "the shards' union differs from truth"
[ "$(pg_sql campaign "SELECT count(*), count(DISTINCT ip || ':' || port) FROM observations")" = "4096|4096" ] \
	|| fail "observations in PostgreSQL: $(pg_sql campaign "SELECT count(*), count(DISTINCT ip) FROM observations")"
# (a scanner killed before its first checkpoint leaves an empty scan;
# its rerun is a scan of its own)
[ "$(pg_sql campaign "SELECT count(*), count(finished) FROM scans WHERE id IN (SELECT scan_id FROM observations)")" = "3|3" ] \
	|| fail "scans: $(pg_sql campaign "SELECT id, finished FROM scans")"
[ "$(pg_sql campaign "SELECT count(*) FROM (SELECT scan_id FROM observations GROUP BY scan_id HAVING count(*) BETWEEN 1360 AND 1370) s")" = 3 ] \
	|| fail "each shard holds a third"
ex=$(grep -c '"exchange":true' "$TMP/all.jsonl")
[ "$(pg_sql campaign "SELECT count(*) FROM observations WHERE exchange != 0")" = "$ex" ] || fail "Exchange count"
jv=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['verdicts']) for l in open('$TMP/all.jsonl')))")
[ "$(pg_sql campaign "SELECT count(*) FROM verdicts")" = "$jv" ] || fail "verdicts view"
! grep -hF "$PG_PW" "$TMP"/err[123] || fail "password in a message"

# The same records imported into SQLite and into a second PostgreSQL
# database give the same report, figure for figure.
pg_sql postgres "CREATE DATABASE again" >/dev/null
AGAIN="postgresql://exhunt:$PG_PW@/again?host=$PG_DIR"
"$EXHUNT" report import --db "$TMP/lite.db" "$TMP"/shard[123].jsonl >/dev/null || fail "import into SQLite"
"$EXHUNT" report import --db "$AGAIN" "$TMP"/shard[123].jsonl >/dev/null 2>"$TMP/imp.err" || { cat "$TMP/imp.err"; fail "import into PostgreSQL"; }
# countries from delegated statistics (two halves of the lab), so that
# the per-country figures and their series are compared too
printf '2|test|1|1|1|1|+0000\ntest|*|ipv4|*|2|summary\ntest|DE|ipv4|127.78.96.0|2048|20200101|allocated\ntest|FR|ipv4|127.78.104.0|2048|20200101|allocated\n' >"$TMP/delegated"
for db in "$TMP/lite.db" "$AGAIN"; do
	"$EXHUNT" notify enrich --db "$db" --delegated "$TMP/delegated" >/dev/null || fail "enrich $db"
	k=$([ "$db" = "$AGAIN" ] && echo pg || echo lite)
	"$EXHUNT" report --db "$db" --csv "$TMP/$k.csv" --builds-csv "$TMP/$k.builds.csv" \
		--groups-csv "$TMP/$k.groups.csv" --series-csv "$TMP/$k.series.csv" \
		--json "$TMP/$k.json" --html "$TMP/$k.html" >"$TMP/$k.txt" 2>"$TMP/$k.err" || { cat "$TMP/$k.err"; fail "report from $k"; }
done
# the series against SQL: per scan and country, servers and those open
# to a followed campaign
python3 - "$TMP" <<'PY' || fail "per-country series differ from SQL"
import csv, sqlite3, sys
t = sys.argv[1]
db = sqlite3.connect(f"{t}/lite.db")
pos = [r[0] for r in db.execute("SELECT idx FROM cves WHERE id IN ('CVE-2021-26855','CVE-2021-34473',"
                                "'CVE-2021-33766','CVE-2022-41040','CVE-2022-41080')")]
rows = [r for r in csv.DictReader(open(f"{t}/lite.series.csv")) if r["dimension"] == "country"]
assert {r["key"] for r in rows} == {"DE", "FR"}, rows[:2]
assert len(rows) == 6
for r in rows:
    ob = db.execute("SELECT o.server_id, o.verdicts FROM observations o JOIN addresses a ON a.ip=o.ip "
                    "WHERE o.scan_id=? AND o.exchange AND a.country=?", (r["scan_id"], r["key"])).fetchall()
    n = len({s for s, _ in ob})
    op = len({s for s, v in ob if any(p <= len(v) and v[p - 1] in "VL" for p in pos)})
    assert (int(r["servers"]), int(r["open"])) == (n, op), (r, n, op)
    assert n > 0
print("series:", len(rows), "rows equal SQL")
PY
for f in csv builds.csv groups.csv series.csv json txt; do
	cmp -s "$TMP/lite.$f" "$TMP/pg.$f" || { diff "$TMP/lite.$f" "$TMP/pg.$f" | head; fail "report $f differs between SQLite and PostgreSQL"; }
done
# the dashboard's figures too (the store's name aside)
diff <(grep -o 'data-figure="[^"]*">[^<]*' "$TMP/lite.html") <(grep -o 'data-figure="[^"]*">[^<]*' "$TMP/pg.html") \
	|| fail "dashboard figures differ"
grep -q 'data-figure="table-rows">[1-9]' "$TMP/pg.html" || fail "no server rows from PostgreSQL"
# and the scanners' own database says the same of each scan (its start
# time, and so the scans' order and what changed between them, aside)
"$EXHUNT" report --db "$PG_URL" --csv "$TMP/direct.csv" >/dev/null || fail "report from the scanners' database"
cut -d, -f1,3-18,21,26 "$TMP/direct.csv" | sort >"$TMP/a"; cut -d, -f1,3-18,21,26 "$TMP/lite.csv" | sort >"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" || { diff "$TMP/a" "$TMP/b" | head; fail "scanned and imported figures differ"; }

# Twins (two servers from one image: same name, same certificate name)
# become the same servers in both stores whichever order the records
# come in: PostgreSQL's import finds them in memory (COPY), SQLite's by
# query.
start_lab --addresses 127.78.112.0/22 --port 9532 --http-port 0 --mix variety --seed 15 \
	--truth "$TMP/vtruth.jsonl"
"$EXHUNT" scan 127.78.112.0/22 --port 9532 --allow 127.78.0.0/16 --checks all --timeout 300 \
	--connect-timeout 60 -o "$TMP/v.jsonl" -q --no-progress || fail "variety scan"
stop_lab
tac "$TMP/v.jsonl" >"$TMP/vrev.jsonl"
pg_sql postgres "CREATE DATABASE v1" >/dev/null; pg_sql postgres "CREATE DATABASE v2" >/dev/null
"$EXHUNT" report import --db "$TMP/v1.db" "$TMP/v.jsonl" >/dev/null || fail "variety into SQLite"
"$EXHUNT" report import --db "$TMP/v2.db" "$TMP/vrev.jsonl" >/dev/null || fail "reversed into SQLite"
"$EXHUNT" report import --db "postgresql://exhunt:$PG_PW@/v1?host=$PG_DIR" "$TMP/v.jsonl" >/dev/null || fail "variety into PostgreSQL"
"$EXHUNT" report import --db "postgresql://exhunt:$PG_PW@/v2?host=$PG_DIR" "$TMP/vrev.jsonl" >/dev/null || fail "reversed into PostgreSQL"
q="SELECT o.ip || ' ' || s.key FROM observations o JOIN servers s ON s.id = o.server_id ORDER BY o.ip"
sqlite3 "$TMP/v1.db" "$q" >"$TMP/m.lite1"; sqlite3 "$TMP/v2.db" "$q" >"$TMP/m.lite2"
pg_sql v1 "$q" >"$TMP/m.pg1"; pg_sql v2 "$q" >"$TMP/m.pg2"
tw=$(grep -c '|@' "$TMP/m.lite1" || true)
[ "$tw" -ge 2 ] || fail "the variety lab gave $tw twin identities"
for m in lite2 pg1 pg2; do
	cmp -s "$TMP/m.lite1" "$TMP/m.$m" || { diff "$TMP/m.lite1" "$TMP/m.$m" | head; fail "server identities differ ($m)"; }
done

# A scan imported in two parts (two files of one scan, or an import
# stopped and the rest of its file imported alone) goes by COPY in the
# second part too, which adopts the scan: its rows that hold an identity
# are read back, and the twins come out as from one import. The split
# falls between two twins, the later one with the lower address (it
# takes the identity from a row the store already has).
python3 - "$TMP" <<'PY'
import json, sys
t = sys.argv[1]
for name in ("v", "vrev"):
    lines = open(f"{t}/{name}.jsonl").read().splitlines(True)
    first, split = {}, None
    for i, l in enumerate(lines):
        r = json.loads(l)
        if not r.get("server_names") or not r.get("ip"):
            continue
        key = (r["server_names"][0].split(".")[0].upper(), ((r.get("tls") or {}).get("cert_cn") or "").lower())
        if key in first and first[key][1] > r["ip"]:
            split = i
            break
        first.setdefault(key, (i, r["ip"]))
    assert split, f"no twins in {name}"
    open(f"{t}/{name}.part1", "w").writelines(lines[:split])
    open(f"{t}/{name}.part2", "w").writelines(lines[split:])
PY
for v in v vrev; do
	pg_sql postgres "CREATE DATABASE ${v}parts" >/dev/null
	purl="postgresql://exhunt:$PG_PW@/${v}parts?host=$PG_DIR"
	"$EXHUNT" report import --db "$purl" "$TMP/$v.part1" >/dev/null || fail "part 1 of $v into PostgreSQL"
	"$EXHUNT" report import --db "$purl" "$TMP/$v.part2" >"$TMP/$v.out2" || fail "part 2 of $v into PostgreSQL"
	n2=$(wc -l <"$TMP/$v.part2")
	grep -q "$n2 records, $n2 new" "$TMP/$v.out2" || { cat "$TMP/$v.out2"; fail "part 2 of $v counted wrong"; }
	pg_sql "${v}parts" "$q" >"$TMP/m.${v}parts"
	cmp -s "$TMP/m.lite1" "$TMP/m.${v}parts" ||
		{ diff "$TMP/m.lite1" "$TMP/m.${v}parts" | head; fail "server identities differ (a scan imported in two parts, $v)"; }
done

# A record given twice (a file imported with itself, a line repeated) is
# added once: the straight COPY of its batch meets the repeat, and the
# batch goes through the stage table, whose insert skips rows already
# there, with the same identities.
{ cat "$TMP/v.jsonl"; sed -n 5p "$TMP/v.jsonl"; cat "$TMP/v.jsonl"; } >"$TMP/vv.jsonl"
nv=$(wc -l <"$TMP/v.jsonl")
pg_sql postgres "CREATE DATABASE v3" >/dev/null
"$EXHUNT" report import --db "postgresql://exhunt:$PG_PW@/v3?host=$PG_DIR" "$TMP/vv.jsonl" >"$TMP/vv.out" 2>&1 ||
	{ cat "$TMP/vv.out"; fail "a file with repeated records into PostgreSQL"; }
grep -q "$((2 * nv + 1)) records, $nv new" "$TMP/vv.out" || { cat "$TMP/vv.out"; fail "repeated records counted wrong"; }
[ "$(pg_sql v3 "SELECT count(*) FROM observations")" = "$nv" ] || fail "repeated records added twice"
pg_sql v3 "$q" >"$TMP/m.pg3"
cmp -s "$TMP/m.lite1" "$TMP/m.pg3" || { diff "$TMP/m.lite1" "$TMP/m.pg3" | head; fail "server identities differ (repeated records)"; }

# A reader during an import sees whole batches (5,000 records each).
python3 - "$TMP" <<'PY'
import json, sys
t = sys.argv[1]
recs = [json.loads(l) for l in open(f"{t}/shard1.jsonl")]
with open(f"{t}/big.jsonl", "w") as f:
    for s in range(18):
        for i, r in enumerate(recs):
            r = dict(r, scan_id=f"bulk-{s}", seq=i)
            f.write(json.dumps(r) + "\n")
PY
total=$(wc -l <"$TMP/big.jsonl")
pg_sql postgres "CREATE DATABASE bulk" >/dev/null
"$EXHUNT" report import --db "postgresql://exhunt:$PG_PW@/bulk?host=$PG_DIR" "$TMP/big.jsonl" >/dev/null & imp=$!
seen=0
while kill -0 $imp 2>/dev/null; do
	c=$(pg_sql bulk "SELECT count(*) FROM observations" 2>/dev/null || echo 0)
	[ $((c % 5000)) = 0 ] || [ "$c" = "$total" ] || fail "a reader saw $c records: not whole batches"
	[ "$c" -gt 0 ] && seen=1
done
wait $imp || fail "bulk import"
[ "$(pg_sql bulk "SELECT count(*) FROM observations")" = "$total" ] || fail "bulk count"

# One scan over many batches: from its second batch on, a batch is bound
# while the one before is still going into PostgreSQL by COPY (the next
# batch's transaction begins once that one is committed). A record
# repeated in a later batch makes that batch's COPY fail when it lands:
# the batch goes through the stage table instead, nothing is added twice,
# and the identities equal SQLite's. Then an import stopped by SIGTERM:
# the lines it says it wrote are in, no more, and a rerun adds the rest;
# after kill -9, whole batches are in and a rerun adds the rest.
python3 - "$TMP" <<'PY'
import json, sys
t = sys.argv[1]
recs = [json.loads(l) for l in open(f"{t}/shard1.jsonl")]
def rec(i):
    r = dict(recs[i % len(recs)], scan_id="one", seq=i)
    r["ip"] = "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
    if r.get("server_names"):
        r["server_names"] = ["EXCH-%07X" % i, "EXCH-%07X.corp.example" % i]
    return json.dumps(r) + "\n"
with open(f"{t}/one.jsonl", "w") as f:
    for i in range(23000):
        f.write(rec(i))
        if i == 16000:  # in the fourth batch: lines 100 to 149 again
            f.writelines(rec(k) for k in range(100, 150))
with open(f"{t}/long.jsonl", "w") as f:
    f.writelines(rec(i) for i in range(150000))
PY
pg_sql postgres "CREATE DATABASE one" >/dev/null
"$EXHUNT" report import --db "postgresql://exhunt:$PG_PW@/one?host=$PG_DIR" "$TMP/one.jsonl" >"$TMP/one.out" 2>&1 ||
	{ cat "$TMP/one.out"; fail "one scan over many batches into PostgreSQL"; }
grep -q "23050 records, 23000 new" "$TMP/one.out" || { cat "$TMP/one.out"; fail "one scan: counted wrong"; }
[ "$(pg_sql one "SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM observations")" = "23000|23000|0|22999" ] ||
	fail "one scan: $(pg_sql one "SELECT count(*), count(DISTINCT seq) FROM observations")"
"$EXHUNT" report import --db "$TMP/one.db" "$TMP/one.jsonl" >/dev/null || fail "one scan into SQLite"
q1="SELECT o.seq || ' ' || coalesce(s.key, '-') || ' ' || o.verdicts || ' ' || coalesce(o.build, '-') FROM observations o LEFT JOIN servers s ON s.id = o.server_id ORDER BY o.seq"
sqlite3 "$TMP/one.db" "$q1" >"$TMP/one.lite"; pg_sql one "$q1" >"$TMP/one.pg"
[ "$(wc -l <"$TMP/one.lite")" = 23000 ] || fail "one scan in SQLite"
cmp -s "$TMP/one.lite" "$TMP/one.pg" || { diff "$TMP/one.lite" "$TMP/one.pg" | head; fail "one scan: PostgreSQL differs from SQLite"; }
# until database $1 holds at least $2 observations (30 s at most)
rows_reach() {
	for _ in $(seq 600); do
		[ "$(pg_sql "$1" "SELECT count(*) FROM observations" 2>/dev/null || echo 0)" -ge "$2" ] && return
		sleep 0.05
	done
}
pg_sql postgres "CREATE DATABASE long" >/dev/null
lurl="postgresql://exhunt:$PG_PW@/long?host=$PG_DIR"
"$EXHUNT" report import --db "$lurl" "$TMP/long.jsonl" >"$TMP/long.out" 2>&1 & imp=$!
# (the signal goes once two batches are in: the second was bound while
# the first was out)
rows_reach long 10000
kill -TERM $imp
set +e; wait $imp; rc=$?; set -e
[ $rc = 4 ] || fail "PostgreSQL import after SIGTERM exited $rc, want 4 ($(cat "$TMP/long.out"))"
n=$(pg_sql long "SELECT count(*) FROM observations")
[ "$n" -ge 10000 ] && [ "$n" -lt 150000 ] || fail "SIGTERM landed outside the import ($n of 150000)"
upto=$(sed -n 's/.*interrupted after line \([0-9]*\);.*/\1/p' "$TMP/long.out")
[ "$n" = "$upto" ] || fail "import says it wrote lines 1 to $upto, PostgreSQL has $n"
[ "$(pg_sql long "SELECT max(seq) + 1 FROM observations")" = "$n" ] || fail "the lines written are not the first $n"
"$EXHUNT" report import --db "$lurl" "$TMP/long.jsonl" >"$TMP/long2.out" || fail "PostgreSQL import rerun"
grep -q "150000 records, $((150000 - n)) new" "$TMP/long2.out" || { cat "$TMP/long2.out"; fail "rerun counted wrong"; }
[ "$(pg_sql long "SELECT count(*), count(DISTINCT seq) FROM observations")" = "150000|150000" ] ||
	fail "rerun did not complete the import"
# The same import killed with -9 while a batch is out: the server rolls
# that batch back; the rerun adds every record once.
pg_sql postgres "CREATE DATABASE long9" >/dev/null
"$EXHUNT" report import --db "postgresql://exhunt:$PG_PW@/long9?host=$PG_DIR" "$TMP/long.jsonl" >/dev/null 2>&1 & imp=$!
rows_reach long9 10000
kill -9 $imp; wait $imp 2>/dev/null || true
n9=$(pg_sql long9 "SELECT count(*) FROM observations")
[ "$n9" -lt 150000 ] || fail "kill -9 landed after the import ($n9)"
[ $((n9 % 5000)) = 0 ] || fail "after kill -9, $n9 records: not whole batches"
"$EXHUNT" report import --db "postgresql://exhunt:$PG_PW@/long9?host=$PG_DIR" "$TMP/long.jsonl" >"$TMP/long9.out" ||
	fail "PostgreSQL import rerun after kill -9"
grep -q "150000 records, $((150000 - n9)) new" "$TMP/long9.out" || { cat "$TMP/long9.out"; fail "rerun after kill -9 counted wrong"; }
[ "$(pg_sql long9 "SELECT count(*), count(DISTINCT seq) FROM observations")" = "150000|150000" ] ||
	fail "rerun after kill -9 did not complete the import"

# A bad URL is an error naming the store, without the password.
set +e
"$EXHUNT" report --db "postgresql://exhunt:$PG_PW@/nosuch?host=$PG_DIR" 2>"$TMP/bad.err"; rc=$?
set -e
[ $rc = 3 ] || [ $rc = 2 ] || fail "a missing database: exit $rc"
grep -q "nosuch" "$TMP/bad.err" || fail "the message does not name the store"
! grep -qF "$PG_PW" "$TMP/bad.err" || fail "password in an error message"
pass
