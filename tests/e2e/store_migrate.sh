# A database written by exhunt's first schema (version 1; made by the
# 0.1 scanner from a two-epoch lab campaign, tests/golden/store-v1.sql.gz)
# is migrated in place when opened for writing, and the report over the
# migrated database gives the figures the version 1 report gave
# (tests/golden/store-v1-report.csv). A database from a newer exhunt is
# refused, untouched.
. "$(dirname "$0")/lib.sh"
gzip -dc "$SRC/tests/golden/store-v1.sql.gz" | sqlite3 "$TMP/v1.db"
[ "$(sqlite3 "$TMP/v1.db" "select value from meta where key='schema_version'")" = 1 ] || fail "fixture"
# The report does not write: it asks for the migration.
set +e
"$EXHUNT" report --db "$TMP/v1.db" >/dev/null 2>"$TMP/err"; rc=$?
set -e
[ $rc = 2 ] && grep -q "schema 1" "$TMP/err" || fail "report on a version 1 database ($rc)"
: >"$TMP/empty.jsonl"
"$EXHUNT" report import --db "$TMP/v1.db" "$TMP/empty.jsonl" 2>"$TMP/log" >/dev/null || fail "migration"
grep -q "migrating" "$TMP/log" || fail "migration not said"
[ "$(sqlite3 "$TMP/v1.db" "select value from meta where key='schema_version'")" = 2 ] || fail "version"
[ "$(sqlite3 "$TMP/v1.db" "select count(*) from observations")" = 64 ] || fail "observations lost"
[ "$(sqlite3 "$TMP/v1.db" "select count(*) from scans where finished is not null")" = 2 ] || fail "scans"
"$EXHUNT" report --db "$TMP/v1.db" --csv "$TMP/report.csv" >/dev/null || fail "report after migration"
cmp "$TMP/report.csv" "$SRC/tests/golden/store-v1-report.csv" || {
	diff "$TMP/report.csv" "$SRC/tests/golden/store-v1-report.csv"; fail "figures changed by the migration"; }
# The verdicts view gives the version 1 rows back.
gzip -dc "$SRC/tests/golden/store-v1.sql.gz" | sqlite3 "$TMP/orig.db"
sqlite3 "$TMP/orig.db" "select scan_id, seq, cve, verdict, basis from verdicts order by 1,2,3" >"$TMP/a"
sqlite3 "$TMP/v1.db" "select scan_id, seq, cve, verdict, basis from verdicts order by 1,2,3" >"$TMP/b"
[ -s "$TMP/a" ] && cmp -s "$TMP/a" "$TMP/b" || fail "verdict rows differ after migration"
# Opening again changes nothing; a newer schema is refused and left alone.
"$EXHUNT" report import --db "$TMP/v1.db" "$TMP/empty.jsonl" 2>"$TMP/log" >/dev/null
grep -q "migrating" "$TMP/log" && fail "migrated twice"
sqlite3 "$TMP/v1.db" "update meta set value='99' where key='schema_version'"
cp "$TMP/v1.db" "$TMP/before.db"
set +e
"$EXHUNT" report import --db "$TMP/v1.db" "$TMP/empty.jsonl" >/dev/null 2>"$TMP/err"; rc=$?
set -e
[ $rc != 0 ] && grep -q "newer than this exhunt" "$TMP/err" || fail "newer schema not refused ($rc)"
[ "$(sqlite3 "$TMP/v1.db" "select count(*) from observations")" = 64 ] || fail "newer database touched"
pass
