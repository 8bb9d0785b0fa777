# Scans by host name: names resolve through the lab's DNS server (never the
# system resolver), the name is sent as SNI and Host, and SNI-only servers
# answer. By address alone the same servers fail their handshake.
. "$(dirname "$0")/lib.sh"
start_lab --slow-ms 100 --addresses 127.78.48.0/24 --port 9503 --http-port 0 --dns-port 0 \
	--truth "$TMP/truth.jsonl"
python3 - "$TMP/truth.jsonl" >"$TMP/names.txt" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    t = json.loads(l)
    if t["sni_only"] or int(t["ip"].split(".")[3]) % 5 == 0:
        print(t["hostname"])
PY
sni=$(python3 -c "
import json
print(sum(1 for l in open('$TMP/truth.jsonl') if json.loads(l)['sni_only']))")
[ "$sni" -gt 0 ] || fail "the lab has no SNI-only server to test"
echo "no-such-host.lab.exhunt.test" >>"$TMP/names.txt"
count=$(( $(wc -l < "$TMP/names.txt") - 1 ))
"$EXHUNT" scan -i "$TMP/names.txt" --resolver "127.0.0.1:$DNS_PORT" --port 9503 \
	--allow 127.78.0.0/16 --checks all --timeout 300 --connect-timeout 60 -o "$TMP/scan.jsonl" -q
grep '"hostname":"no-such-host' "$TMP/scan.jsonl" | grep -q '"error":"dns: ' \
	|| fail "an unknown name should give a dns error"
grep -v no-such-host "$TMP/scan.jsonl" >"$TMP/named.jsonl"
compare "$TMP/truth.jsonl" "$TMP/named.jsonl" --by-name --expect-count "$count" \
	|| fail "by-name results differ from truth"

# The same SNI-only servers by address: handshake refused, not Exchange.
python3 -c "
import json
for l in open('$TMP/truth.jsonl'):
    t = json.loads(l)
    if t['sni_only']: print(t['ip'])" >"$TMP/sni-ips.txt"
"$EXHUNT" scan -i "$TMP/sni-ips.txt" --port 9503 --allow 127.78.0.0/16 \
	-o "$TMP/by-ip.jsonl" -q
compare "$TMP/truth.jsonl" "$TMP/by-ip.jsonl" --expect-count "$sni" \
	|| fail "SNI-only servers by address"
grep -q '"error":"tls: handshake failed' "$TMP/by-ip.jsonl" || fail "expected a TLS error"

# A name resolving into a special-purpose range not named in --allow is
# reported, not probed.
"$EXHUNT" scan ex-127-78-48-1.lab.exhunt.test --resolver "127.0.0.1:$DNS_PORT" \
	--port 9503 -o "$TMP/refused.jsonl" -q
grep -q '"error":"refused: 127.78.48.1 is loopback"' "$TMP/refused.jsonl" \
	|| fail "loopback answer not refused"
pass
