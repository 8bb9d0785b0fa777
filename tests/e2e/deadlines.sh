# Slow servers past their deadline, closed ports, plain HTTP, and redirects
# followed on the lab's personas.
. "$(dirname "$0")/lib.sh"
start_lab --addresses 127.78.80.0/24 --port 9505 --http-port 9506 \
	--truth "$TMP/truth.jsonl"
python3 -c "
import json
for l in open('$TMP/truth.jsonl'):
    t = json.loads(l)
    if t['slow'] and not t['sni_only']: print(t['ip'])" >"$TMP/slow.txt"
[ -s "$TMP/slow.txt" ] || fail "no slow persona in this lab"
# Each slow answer takes 400 ms; a 1 s deadline cannot hold the checks.
"$EXHUNT" scan -i "$TMP/slow.txt" --port 9505 --allow 127.78.0.0/16 --checks all \
	--timeout 1 -o "$TMP/slow.jsonl" -q
n=$(wc -l < "$TMP/slow.txt")
[ "$(grep -c '"error":"timeout: target deadline passed"' "$TMP/slow.jsonl")" = "$n" ] \
	|| fail "slow servers did not hit their deadline"
# With the default deadline they complete and match the truth (400 ms an
# answer, about 100 answers). Meanwhile, plain HTTP on the lab's second
# port gives the same verdicts.
"$EXHUNT" scan 127.78.80.0/26 --port 9506 --plain --allow 127.78.0.0/16 \
	--checks all -o "$TMP/plain.jsonl" -q &
plain=$!
"$EXHUNT" scan -i "$TMP/slow.txt" --port 9505 --allow 127.78.0.0/16 --checks all \
	-o "$TMP/slow-ok.jsonl" -q
compare "$TMP/truth.jsonl" "$TMP/slow-ok.jsonl" --expect-count "$n" || fail "slow servers"
wait $plain || fail "plain HTTP scan exited $?"
python3 - "$TMP/truth.jsonl" "$TMP/plain.jsonl" <<'PY' || fail "plain HTTP"
import json, sys
truth = {json.loads(l)["ip"]: json.loads(l) for l in open(sys.argv[1])}
refused = 0
for l in open(sys.argv[2]):
    r = json.loads(l)
    t = truth[r["ip"]]
    # A server that refuses plain HTTP (IIS's 403.4, or a redirect to
    # HTTPS) shows nothing over it: no verdict, not a "not Exchange" error.
    if t.get("http", "serve") != "serve":
        refused += 1
        if r["verdicts"] or r["exchange"] or r["error"]:
            sys.exit(f"{r['ip']}: refuses HTTP ({t['http']}) but got {r['verdicts']} {r['error']}")
        continue
    if r["verdicts"] != t["verdicts_by_name"]:
        sys.exit(f"{r['ip']}: {r['verdicts']}")
print("plain HTTP: refused by", refused)
PY
# Lanes: the web-shell paths asked on several connections per target give
# the same records as one connection at a time, including servers behind
# a device that resets a client's connections past two at once (the
# variety mix holds 10% of them).
stop_lab
start_lab --slow-ms 100 --mix variety --addresses 127.78.81.0/24 --port 9513 --http-port 0 \
	--truth "$TMP/truth-lanes.jsonl"
limited=$(grep -c '"conn_limit":2' "$TMP/truth-lanes.jsonl" || true)
[ "$limited" -ge 5 ] || fail "only $limited connection-limited servers in the variety lab"
for k in 1 16; do
	"$EXHUNT" scan 127.78.81.0/24 --port 9513 --allow 127.78.0.0/16 --checks all \
		--conns-per-target $k --stats -q -o "$TMP/lanes-$k.jsonl" 2>"$TMP/lanes-$k.err" \
		|| fail "scan with --conns-per-target $k exited $?"
	compare "$TMP/truth-lanes.jsonl" "$TMP/lanes-$k.jsonl" --expect-count 256 \
		|| fail "--conns-per-target $k differs from truth"
done
lanes1=$(sed -n 's/.* lanes \([0-9]*\),.*/\1/p' "$TMP/lanes-1.err")
lanes16=$(sed -n 's/.* lanes \([0-9]*\),.*/\1/p' "$TMP/lanes-16.err")
echo "lanes: $lanes1 with one connection per target, $lanes16 with 16"
[ "$lanes1" = 0 ] && [ "${lanes16:-0}" -gt 100 ] || fail "lanes not used as asked"
# Lanes resume their target's TLS session (the lab's servers keep a
# session cache, as IIS does): most of them, not a full handshake each.
resumed16=$(sed -n 's/.* resumed \([0-9]*\).*/\1/p' "$TMP/lanes-16.err")
echo "resumed: ${resumed16:-0} of $lanes16 lanes"
[ "${resumed16:-0}" -gt $((lanes16 / 2)) ] || fail "lanes did not resume their target's session"
python3 - "$TMP/lanes-1.jsonl" "$TMP/lanes-16.jsonl" "$TMP/truth-lanes.jsonl" <<'PY' || fail "lanes changed records"
import json, sys
def load(f):
    out = {}
    for l in open(f):
        r = json.loads(l)
        # The lab's pools alternate members by the server's own request
        # count, which the first scan moved on: names may swap.
        for k in ("time", "scan_id", "seq", "ntlm", "server_names"):
            r.pop(k, None)
        out[r["ip"]] = r
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
diff = [ip for ip in a if a[ip] != b.get(ip)]
if diff or len(a) != len(b):
    sys.exit(f"records differ: {diff[:5]}")
limited = [json.loads(l)["ip"] for l in open(sys.argv[3]) if json.loads(l).get("conn_limit")]
checked = sum(1 for ip in limited if b[ip]["checks"].get("webshells") in ("none-found", "found"))
print("connection-limited servers with a complete web-shell check:", checked, "of", len(limited))
if checked == 0:
    sys.exit("no connection-limited server finished its web-shell check")
PY
stop_lab
# A closed port: connection refused, reported per target.
"$EXHUNT" scan 127.78.80.1 --port 9599 --allow 127.78.0.0/16 -o "$TMP/closed.jsonl" -q
grep -q '"error":"connect: Connection refused"' "$TMP/closed.jsonl" || fail "closed port"
pass
