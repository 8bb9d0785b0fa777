# Bad input: a clear message naming the input and what is wrong, exit 2,
# and nothing probed.
. "$(dirname "$0")/lib.sh"
expect() { # expect "message part" args...
	local want=$1; shift
	set +e
	"$EXHUNT" "$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	set -e
	[ $rc = 2 ] || fail "'$*' exited $rc, want 2"
	grep -qF -- "$want" "$TMP/err" || { cat "$TMP/err"; fail "'$*': message lacks '$want'"; }
}
printf '192.0.2.1\n# fine\n10.0.0.0/33\n' >"$TMP/targets.txt"
expect "targets.txt:3: '10.0.0.0/33': prefix length over 32" scan -i "$TMP/targets.txt" --dry-run
expect "target '300.1.1.1': not an IPv4 address" scan 300.1.1.1 --dry-run
expect "--checks: 'ssrf': unknown check" scan 192.0.2.1 --checks ssrf
expect "--as-of: '2021-02-30': expected YYYY-MM-DD" scan 192.0.2.1 --dry-run --as-of 2021-02-30
expect "--shard: '4/3'" scan 192.0.2.1 --shard 4/3
expect "--port: '70000': must be between 1 and 65535" scan 192.0.2.1 --port 70000
expect "--state needs the results in a file" scan 192.0.2.1 --state "$TMP/s"
expect "nope.conf: No such file or directory" scan 192.0.2.1 --blocklist "$TMP/nope.conf"
printf '1.2.3.4\n1.2.3.0/33\n' >"$TMP/block.conf"
expect "block.conf:2: '1.2.3.0/33': prefix length over 32" scan 192.0.2.1 --blocklist "$TMP/block.conf"
expect "no targets" scan --dry-run </dev/null
expect "--mix: '1999'" lab --mix 1999 --for 1
expect "only inside 127.0.0.0/8" lab --addresses 10.0.0.0/24
expect "'frobnicate' is not a command" frobnicate
mkdir -p "$TMP/data" && cp -r "$SRC"/data/. "$TMP/data/"
printf 'build,product,cu,update,date\n15.1.x,2016,CU1,RTM,2020-01-01\n' >"$TMP/data/builds.csv"
expect "builds.csv:2: '15.1.x' is not a build number" scan 192.0.2.1 --data "$TMP/data" --dry-run
# hunt: a missing root, a bad format, extra arguments.
expect "$TMP/nope: No such file or directory" hunt "$TMP/nope"
expect "--format: 'xml'" hunt --format xml "$TMP"
expect "give one ROOT (a folder or a disk image)" hunt "$TMP" "$TMP"
expect "not a scenario" lab host "$TMP/h" --scenario proxylogon-shel
# notify send: no password over a connection that is not TLS.
printf 'secret\n' > "$TMP/pw"
expect "refusing to send a password over a connection that is not TLS" \
	notify send --db "$TMP/n.db" --contacts "$TMP/c.csv" --from a@cert.example \
	--smtp smtp://127.0.0.1:2525 --user bot --password-file "$TMP/pw"
# report import: the same option parser as every command.
"$EXHUNT" report import --help | grep -q "usage: exhunt report import" || fail "report import --help"
expect "unrecognized option" report import --bogus x.jsonl
expect "give --db FILE and JSONL files" report import x.jsonl
: > "$TMP/empty.jsonl"
"$EXHUNT" report import "$TMP/empty.jsonl" --db "$TMP/any-order.db" >/dev/null \
	|| fail "report import with --db after the files"
pass
