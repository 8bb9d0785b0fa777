# Helpers for end-to-end tests: sourced with $1 = exhunt binary, $2 = source
# tree. Each test starts its own lab on loopback and stops it on exit.
set -euo pipefail
EXHUNT=$1
SRC=$2
TMP=$(mktemp -d)
LAB_PID=""
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
