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
# A closed port: connection refused, reported per target.
"$EXHUNT" scan 127.78.80.1 --port 9599 --allow 127.78.0.0/16 -o "$TMP/closed.jsonl" -q
grep -q '"error":"connect: Connection refused"' "$TMP/closed.jsonl" || fail "closed port"
pass
