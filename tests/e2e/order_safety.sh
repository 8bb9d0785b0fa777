# Ranges outside loopback only in dry runs, which send nothing: shards of
# the same seed split the space with no overlap and no gap; special-purpose
# ranges are refused unless named in --allow; the blocklist is honoured.
. "$(dirname "$0")/lib.sh"
# Dry runs in a network namespace with no interfaces: any send would fail.
ns=()
if unshare --net true 2>/dev/null; then ns=(unshare --net); fi
"${ns[@]}" "$EXHUNT" scan 1.0.0.0/16 --seed 7 --dry-run -q >"$TMP/all.txt"
[ "$(wc -l < "$TMP/all.txt")" = 65536 ] || fail "dry run of a /16"
[ "$(sort -u "$TMP/all.txt" | wc -l)" = 65536 ] || fail "dry run repeats targets"
for i in 1 2 3; do
	"${ns[@]}" "$EXHUNT" scan 1.0.0.0/16 --seed 7 --shard $i/3 --dry-run -q >"$TMP/s$i.txt"
done
cat "$TMP"/s[123].txt | sort >"$TMP/union.txt"
sort "$TMP/all.txt" | cmp -s - "$TMP/union.txt" || fail "shard union differs from the whole scan"
[ "$(sort -u "$TMP/union.txt" | wc -l)" = 65536 ] || fail "shards overlap"
# Without --seed, the default seed (from the targets) is the same for
# every shard of the same command: again no overlap and no gap.
for i in 1 2 3; do
	"${ns[@]}" "$EXHUNT" scan 1.0.0.0/16 --shard $i/3 --checks all --dry-run -q >"$TMP/d$i.txt"
done
cat "$TMP"/d[123].txt | sort -u >"$TMP/dunion.txt"
[ "$(wc -l < "$TMP/dunion.txt")" = 65536 ] && [ "$(cat "$TMP"/d[123].txt | wc -l)" = 65536 ] \
	|| fail "shards without --seed overlap or leave gaps ($(wc -l < "$TMP/dunion.txt") distinct of $(cat "$TMP"/d[123].txt | wc -l))"
# Order is seeded: another seed, another order; same seed, same order.
"${ns[@]}" "$EXHUNT" scan 1.0.0.0/16 --seed 8 --dry-run -q >"$TMP/o8.txt"
# A dry run whose output cannot be written fails (exit 3), never 0.
set +e
"${ns[@]}" "$EXHUNT" scan 1.0.0.0/16 --seed 8 --dry-run -q >/dev/full 2>/dev/null; rc=$?
set -e
[ $rc = 3 ] || fail "dry run to a full disk: exit $rc, want 3"
cmp -s "$TMP/all.txt" "$TMP/o8.txt" && fail "seed does not change the order"
"${ns[@]}" "$EXHUNT" scan 1.0.0.0/16 --seed 7 --dry-run -q >"$TMP/o7.txt"
cmp -s "$TMP/all.txt" "$TMP/o7.txt" || fail "same seed, different order"
# Special-purpose ranges: refused unless named in --allow.
"${ns[@]}" "$EXHUNT" scan 10.0.0.0/30 127.0.0.0/30 192.168.1.0/30 8.8.8.8 --dry-run \
	>"$TMP/sp.txt" 2>"$TMP/sp.err"
[ "$(cat "$TMP/sp.txt")" = 8.8.8.8 ] || fail "special ranges were not refused"
grep -q "12 refused" "$TMP/sp.err" || fail "refusals not reported"
"${ns[@]}" "$EXHUNT" scan 10.0.0.0/30 --allow 10.0.0.0/8 --dry-run -q >"$TMP/al.txt"
[ "$(wc -l < "$TMP/al.txt")" = 4 ] || fail "--allow did not permit a private range"
# The blocklist (zmap format) wins even over --allow.
printf '1.0.0.0/24 # ours\n1.0.1.7\n' >"$TMP/block.conf"
"${ns[@]}" "$EXHUNT" scan 1.0.0.0/22 --blocklist "$TMP/block.conf" --allow 1.0.0.0/8 \
	--dry-run -q >"$TMP/bl.txt"
[ "$(wc -l < "$TMP/bl.txt")" = $((1024 - 256 - 1)) ] || fail "blocklist not honoured"
grep -qx 1.0.1.7 "$TMP/bl.txt" && fail "blocked address listed"
# A dry run makes no connect or send call at all.
command -v strace >/dev/null || fail "strace is needed (tools/deps.sh installs it)"
# (LeakSanitizer cannot run under ptrace.)
ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=connect,sendto,sendmsg -o "$TMP/trace" \
	"$EXHUNT" scan 1.0.0.0/24 --dry-run -q >/dev/null
grep -E 'connect\(|sendto\(|sendmsg\(' "$TMP/trace" && fail "dry run sent something"
pass
