# Helpers for end-to-end tests: sourced with $1 = exhunt binary, $2 = source
# tree. Each test starts its own lab on loopback and stops it on exit.
set -euo pipefail
EXHUNT=$1
SRC=$2
TMP=$(mktemp -d)
LAB_PID=""
PG_DIR=""
PASSED=""
# A test ends with pass, after its last check: one that exits 0 without
# reaching it (an early exit, a check skipped) fails.
pass() {
	PASSED=1
	echo PASS
}
cleanup() {
	local rc=$?
	[ -n "$LAB_PID" ] && kill "$LAB_PID" 2>/dev/null && wait "$LAB_PID" 2>/dev/null
	stop_pg
	rm -rf "$TMP"
	if [ "$rc" = 0 ] && [ -z "$PASSED" ]; then
		echo "FAIL: the test ended before its last check" >&2
		exit 1
	fi
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# start_lab ARGS...: runs the lab in the background, waits for its ready
# line, sets LAB_PID and DNS_PORT.
start_lab() {
	"$EXHUNT" lab "$@" >"$TMP/lab.out" 2>"$TMP/lab.err" &
	LAB_PID=$!
	for _ in $(seq 1 100); do
		grep -q ready "$TMP/lab.out" 2>/dev/null && break
		kill -0 "$LAB_PID" 2>/dev/null || { cat "$TMP/lab.err"; fail "lab exited"; }
		sleep 0.1
	done
	grep -q ready "$TMP/lab.out" || fail "lab not ready"
	DNS_PORT=$(sed -n 's/.* dns \([0-9]*\).*/\1/p' "$TMP/lab.out")
}

stop_lab() {
	kill "$LAB_PID" 2>/dev/null || true
	wait "$LAB_PID" 2>/dev/null || true
	LAB_PID=""
}

compare() {
	python3 "$SRC/tests/e2e/compare_truth.py" "$@"
}

# start_pg: a throwaway PostgreSQL 15 (Debian's) started by the test:
# initdb and pg_ctl in a folder of its own, listening on a Unix socket
# there only, with password (SCRAM) authentication; as user nobody when
# the test runs as root. Sets PG_PW, PG_URL (database campaign, password
# in the URL) and PG_URL_NOPW; pg_sql DB SQL runs a statement with psql.
PG_BIN=/usr/lib/postgresql/15/bin
start_pg() {
	[ -x "$PG_BIN/initdb" ] || fail "PostgreSQL 15 is needed (tools/deps.sh)"
	PG_DIR=$(mktemp -d /tmp/exhunt-pg.XXXXXX)
	PG_AS=()
	if [ "$(id -u)" = 0 ]; then
		chown nobody "$PG_DIR"
		PG_AS=(runuser -u nobody --)
	fi
	PG_PW="pg-$RANDOM-s3cret"
	echo "$PG_PW" >"$PG_DIR/pw"
	[ "$(id -u)" = 0 ] && chown nobody "$PG_DIR/pw"
	"${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U exhunt -E UTF8 --locale=C \
		--auth-local=scram-sha-256 --auth-host=reject --pwfile="$PG_DIR/pw" \
		>"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; fail "initdb"; }
	"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -s \
		-o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c fsync=off -c max_connections=60" \
		start || { cat "$PG_DIR/server.log"; fail "pg_ctl start"; }
	PGPASSWORD=$PG_PW psql -qAt -h "$PG_DIR" -U exhunt -d postgres -c "CREATE DATABASE campaign" \
		|| fail "createdb"
	PG_URL="postgresql://exhunt:$PG_PW@/campaign?host=$PG_DIR"
	PG_URL_NOPW="postgresql://exhunt@/campaign?host=$PG_DIR"
}
pg_sql() {
	PGPASSWORD=$PG_PW psql -qAt -v ON_ERROR_STOP=1 -h "$PG_DIR" -U exhunt -d "$1" -c "$2"
}
stop_pg() {
	[ -n "$PG_DIR" ] || return 0
	"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -s stop >/dev/null 2>&1 || true
	rm -rf "$PG_DIR"
	PG_DIR=""
}
