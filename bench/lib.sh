# Helpers the bench scripts share; sourced after $top (the source tree)
# and $ex (the exhunt binary) are set.

# measure CMD...: runs CMD; its last stderr line is "measure: SECONDS MB"
# (wall time, peak resident memory of CMD and its children).
measure() { python3 "$top/bench/scan/measure.py" "$@"; }
# secs FILE, rss FILE: the two figures from measure's line in FILE.
secs() { sed -n 's/^measure: \([0-9.]*\) .*/\1/p' "$1"; }
rss() { sed -n 's/^measure: [0-9.]* \([0-9.]*\)/\1/p' "$1"; }

# lab_scan CIDR PORT SEED OUT: serves a lab fleet on loopback CIDR (a
# 127.79.x range) and scans it with every check into OUT (JSONL). The
# lab's pid is in $lab_pid while it runs, for the caller's exit trap.
lab_pid=""
lab_scan() {
	"$ex" lab --addresses "$1" --port "$2" --http-port 0 --seed "$3" >/dev/null 2>&1 &
	lab_pid=$!
	sleep 1
	"$ex" scan "$1" --port "$2" --allow 127.79.0.0/16 --checks all \
		--timeout 300 --connect-timeout 60 -o "$4" -q --no-progress
	kill $lab_pid
	wait $lab_pid 2>/dev/null || true
	lab_pid=""
}
