# Acceptance: on a 4,096-address lab (default mix, a seed chosen at random
# and printed), every verdict, check, web shell and build in the scan
# output matches the lab's truth, for every address. Then the 2022-11 and
# current mixes on smaller fleets; and the CSV and SQLite outputs agree
# with the JSONL.
. "$(dirname "$0")/lib.sh"
seed=${EXHUNT_TEST_SEED:-$(( (RANDOM << 15) | RANDOM ))}
echo "seed $seed"
start_lab --slow-ms 100 --addresses 127.78.0.0/20 --port 9501 --http-port 0 --seed "$seed" \
	--truth "$TMP/truth.jsonl"
"$EXHUNT" scan 127.78.0.0/20 --port 9501 --allow 127.78.0.0/16 --checks all --timeout 300 --connect-timeout 60 \
	-c 2000 -o "$TMP/scan.jsonl" --csv "$TMP/scan.csv" --db "$TMP/scan.db" \
	-q --no-progress || fail "scan exited $?"
compare "$TMP/truth.jsonl" "$TMP/scan.jsonl" | tail -5
compare "$TMP/truth.jsonl" "$TMP/scan.jsonl" >/dev/null || fail "scan differs from truth (seed $seed)"

# SQLite: one observation per address, verdicts as in the JSONL.
n=$(sqlite3 "$TMP/scan.db" "select count(*) from observations")
[ "$n" = 4096 ] || fail "sqlite has $n observations, want 4096"
jv=$(python3 -c "
import json,sys
print(sum(len(json.loads(l)['verdicts']) for l in open('$TMP/scan.jsonl')))")
sv=$(sqlite3 "$TMP/scan.db" "select count(*) from verdicts")
[ "$jv" = "$sv" ] || fail "sqlite has $sv verdicts, JSONL $jv"
[ "$(sqlite3 "$TMP/scan.db" "select count(*) from scans where finished is not null")" = 1 ] \
	|| fail "scan not marked finished"
# CSV: Shadowserver's header, one row per Exchange server.
head -1 "$TMP/scan.csv" | grep -qx 'timestamp,severity,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,hostname_source,sector,version,servername,url' \
	|| fail "CSV header"
ex=$(grep -c '"exchange":true' "$TMP/scan.jsonl")
rows=$(( $(wc -l < "$TMP/scan.csv") - 1 ))
[ "$ex" = "$rows" ] || fail "CSV has $rows rows, $ex Exchange servers"
grep -q ',exchange;webshell,' "$TMP/scan.csv" || fail "no web-shell rows in CSV"
stop_lab

# The other mixes side by side (a slow persona's web-shell check alone
# takes 90 answers x 400 ms): one lab and one scan each, on ranges of
# their own.
k=0
pids=()
for mix in 2022-11 current 2021-08 variety; do
	k=$((k + 1))
	(
		"$EXHUNT" lab --addresses 127.78.$((32 + 4 * k)).0/22 --port 9502 --http-port 0 \
			--mix $mix --seed "$seed" --truth "$TMP/truth-$mix.jsonl" >"$TMP/lab-$mix.out" 2>&1 &
		lab=$!
		for _ in $(seq 1 100); do grep -q ready "$TMP/lab-$mix.out" 2>/dev/null && break; sleep 0.1; done
		"$EXHUNT" scan 127.78.$((32 + 4 * k)).0/22 --port 9502 --allow 127.78.0.0/16 \
			--checks all --timeout 300 --connect-timeout 60 -o "$TMP/scan-$mix.jsonl" -q --no-progress
		rc=$?
		kill $lab; wait $lab 2>/dev/null || true
		exit $rc
	) &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a mix scan failed"; done
for mix in 2022-11 current 2021-08 variety; do
	compare "$TMP/truth-$mix.jsonl" "$TMP/scan-$mix.jsonl" | tail -1
	compare "$TMP/truth-$mix.jsonl" "$TMP/scan-$mix.jsonl" >/dev/null \
		|| fail "mix $mix differs from truth (seed $seed)"
done
# The variety mix really holds what it is for: servers behind a WAF that
# blocks, redirects or resets the checks (the checks say "blocked", never
# "not-vulnerable"), catch-all sites (web shells "cannot-tell"), and the
# ProxyShell answer in its real shape (the exact build read from it).
python3 - "$TMP/truth-variety.jsonl" "$TMP/scan-variety.jsonl" <<'PY' || fail "variety mix"
import json, sys
t = [json.loads(l) for l in open(sys.argv[1])]
r = {x["ip"]: x for x in map(json.loads, open(sys.argv[2]))}
fronts = {f: sum(1 for x in t if x.get("front") == f) for f in ("waf-block", "waf-redirect", "waf-reset")}
catch = sum(1 for x in t if x.get("catch_all"))
blocked = sum(1 for x in r.values() if x["checks"].get("proxyshell") == "blocked")
cannot = sum(1 for x in r.values() if x["checks"].get("webshells") == "cannot-tell")
owaver = sum(1 for x in r.values() if x.get("build_source") == "proxyshell-owaver")
print("fronts", fronts, "catch-all", catch, "blocked", blocked, "cannot-tell", cannot, "owaVer", owaver)
if min(fronts.values()) < 5 or catch < 5 or blocked < 15 or cannot < 5 or owaver < 5:
    sys.exit(1)
# And the deployments of the real internet, each seen for what it is:
# Exchange Online doors not counted as servers; pools reported as pools at
# CU precision; federated logins without a build but with the SSRF verdict;
# servers behind a pre-authenticating proxy not claimed; 2007 servers with
# their exact build; HTTP/1.0-style servers read to the end.
by = lambda f: [x for x in t if f(x) and not x["sni_only"] and not x.get("sni_foreign")]
online = by(lambda x: x["persona"] == "exchange-online")
pools = by(lambda x: "pool" in x and x["visible"])
fed = by(lambda x: x.get("deploy") == "federated")
pre = by(lambda x: x.get("deploy") == "preauth-proxy")
old = by(lambda x: x.get("product") == "2007" and x.get("deploy") != "http-auth")
close = by(lambda x: x.get("close_each") and x["exchange"] and x["visible"])
print("online", len(online), "pools", len(pools), "federated", len(fed), "preauth", len(pre),
      "2007", len(old), "close-each", len(close))
assert min(len(online), len(pools), len(fed), len(pre), len(old), len(close)) >= 5
assert all(r[x["ip"]]["exchange_online"] and not r[x["ip"]]["exchange"] for x in online)
assert all(r[x["ip"]]["pool"] and r[x["ip"]]["build_precision"] in ("cu", None) for x in pools)
# (a verdict always, and the truth's: a mitigated one at CU precision, a
# federated pool's, is likely-vulnerable)
assert all(r[x["ip"]]["verdicts"].get("CVE-2021-26855") ==
           x["verdicts"]["CVE-2021-26855"] and
           x["verdicts"]["CVE-2021-26855"] in ("vulnerable", "likely-vulnerable", "patched", "unknown")
           for x in fed if x["front"] == "none")
assert all(not r[x["ip"]]["exchange"] for x in pre)
# (some of those ask for HTTP authentication on every path)
assert sum(1 for x in pre if r[x["ip"]]["http_status"] == 401) >= 2
# OWA with HTTP authentication instead of a logon page (Exchange 2007 and
# 2010 among them, which send no X-FEServer): Exchange, without a build
# unless the ProxyShell answer named one, the SSRF probe stopped by the
# authentication inconclusive, never not-vulnerable.
auth = by(lambda x: x.get("deploy") == "http-auth")
print("http-auth", len(auth), "of them 2007/2010", sum(1 for x in auth if x["product"] in ("2007", "2010")))
assert len(auth) >= 5 and sum(1 for x in auth if x["product"] in ("2007", "2010")) >= 2
assert all(r[x["ip"]]["exchange"] and r[x["ip"]]["http_status"] == 401 for x in auth)
assert all(r[x["ip"]]["checks"]["ssrf-26855"] in ("inconclusive", "mitigated") for x in auth)
# A device publishing only mail clients' paths (403 for /owa, /ecp and the
# rest): Exchange by its front end's name on EWS; the SSRF probe refused
# is blocked, the web shells unseen.
mob = by(lambda x: x.get("deploy") == "mobile-only")
print("mobile-only", len(mob))
assert len(mob) >= 5 and all(r[x["ip"]]["exchange"] for x in mob)
assert all(r[x["ip"]]["checks"]["ssrf-26855"] == "blocked" for x in mob)
assert all(r[x["ip"]]["checks"]["webshells"] in ("incomplete", "found") for x in mob)
assert all(r[x["ip"]]["build"] == x["build"] for x in old)
assert all(not r[x["ip"]]["error"] for x in close)
# Servers behind another site without SNI show that site by address.
foreign = [x for x in t if x.get("sni_foreign") and x["visible"]]
assert len(foreign) >= 5 and all(not r[x["ip"]]["exchange"] and not r[x["ip"]]["error"] for x in foreign)
# Each server shows its own certificate name.
assert all(r[x["ip"]]["tls"]["cert_cn"] == x["cert_cn"] for x in by(lambda x: x["exchange"] and x["visible"]
           and not x.get("sni_foreign")))
PY
# Twins (two servers installed from one image: same name, same
# certificate name) are two servers in the store, not one.
"$EXHUNT" report import --db "$TMP/v.db" "$TMP/scan-variety.jsonl" >/dev/null || fail "import"
python3 - "$TMP/truth-variety.jsonl" "$TMP/v.db" <<'PY' || fail "twins joined into one server"
import json, sqlite3, sys
t = [json.loads(l) for l in open(sys.argv[1])]
db = sqlite3.connect(sys.argv[2])
rows = db.execute("SELECT ip, server_id FROM observations WHERE exchange").fetchall()
twins = {x["ip"] for x in t if x.get("twin") and x["visible"] and not x["sni_only"]}
print("twins", len(twins), "servers", len({s for _, s in rows}), "of", len(rows), "addresses")
assert len(twins) >= 4
assert len({s for _, s in rows}) == len(rows)
PY
pass
