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

# pg_start DIR: a throwaway PostgreSQL 15 (Debian's binaries) in DIR,
# on a Unix socket there only, default durability settings; as user
# nobody when run as root. Sets pg_url (database bench). pg_stop ends it.
pg_bin=/usr/lib/postgresql/15/bin
pg_dir=""
pg_as=()
pg_start() {
	pg_dir=$1
	mkdir -p "$pg_dir"
	chmod o+x "$(dirname "$pg_dir")"
	if [ "$(id -u)" = 0 ]; then chown nobody "$pg_dir"; pg_as=(runuser -u nobody --); fi
	"${pg_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U bench -E UTF8 --locale=C --auth-local=trust >/dev/null
	"${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -s \
		-o "-c listen_addresses='' -c unix_socket_directories='$pg_dir' -c max_wal_size=8GB" start
	psql -qAt -h "$pg_dir" -U bench -d postgres -c "CREATE DATABASE bench" >/dev/null
	pg_url="postgresql://bench@/bench?host=$pg_dir"
}
pg_stop() {
	[ -n "$pg_dir" ] && "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -s stop || true
	pg_dir=""
}
