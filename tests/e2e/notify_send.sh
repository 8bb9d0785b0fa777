# exhunt notify end to end, with real parts on loopback: a lab scan; MMDB
# files built by Debian's MaxMind::DB::Writer; enrichment checked against
# Python's maxminddb reader; routing by prefix, AS and country with a
# suppression list; a real SMTP server (aiosmtpd) with STARTTLS and AUTH.
# A send run killed with -9 midway and rerun delivers every message
# exactly once; a third run sends nothing; an unreachable server leaves
# the outbox pending (exit 3) for a later run.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c "import aiosmtpd, maxminddb" || fail "python3-aiosmtpd and python3-maxminddb are needed (tools/deps.sh)"
start_lab --slow-ms 100 --addresses 127.78.136.0/24 --port 9510 --http-port 0 --seed 21 --truth "$TMP/truth.jsonl"
"$EXHUNT" scan 127.78.136.0/24 --port 9510 --allow 127.78.0.0/16 --checks all \
	--timeout 300 --connect-timeout 60 --db "$TMP/n.db" -o "$TMP/n.jsonl" -q --no-progress || fail "scan"
stop_lab

# Enrichment: AS from an MMDB for two thirds of the space, country from
# delegated stats.
printf '127.78.136.0/25 64510 Net Low\n127.78.136.128/26 64511 Net High\n' |
	perl "$SRC/tests/tools/make-mmdb.pl" "$TMP/asn.mmdb" asn || fail "mmdb"
printf '2|test|1|1|1|1|+0000\ntest|*|ipv4|*|1|summary\ntest|DE|ipv4|127.78.136.0|256|20200101|allocated\n' >"$TMP/delegated"
"$EXHUNT" notify enrich --db "$TMP/n.db" --mmdb "$TMP/asn.mmdb" --delegated "$TMP/delegated" >/dev/null || fail "enrich"
$PY - "$TMP" <<'PY' || fail "enrichment differs from the MMDB as maxminddb reads it"
import maxminddb, sqlite3, sys
tmp = sys.argv[1]
r = maxminddb.open_database(f"{tmp}/asn.mmdb")
rows = sqlite3.connect(f"{tmp}/n.db").execute("SELECT ip, asn, as_name, country, source FROM addresses").fetchall()
assert len(rows) > 150, len(rows)
for ip, asn, name, cc, src in rows:
    want = r.get(ip)
    assert (asn, name) == ((want["autonomous_system_number"], want["autonomous_system_organization"]) if want else (None, None)), (ip, asn, want)
    assert cc == "DE", (ip, cc)
    assert src == ("mmdb+delegated" if want else "delegated"), (ip, src)
PY

# Bulk lookups switch from tree walks to flattened ranges after 16,384
# addresses: 40,000 addresses (around and inside the networks) give the
# answers Python's maxminddb gives, in both modes.
printf '127.78.136.0/24 DE\n127.78.137.0/25 FR\n' | perl "$SRC/tests/tools/make-mmdb.pl" "$TMP/cc.mmdb" country
$PY - "$TMP" <<'PY'
import random, sys
random.seed(7)
with open(f"{sys.argv[1]}/ips.txt", "w") as f:
    for i in range(40000):
        f.write("127.78.%d.%d\n" % (random.choice([135, 136, 136, 137, 138]), random.randint(0, 255)))
PY
"$EXHUNT" notify lookup --mmdb "$TMP/asn.mmdb" --mmdb "$TMP/cc.mmdb" <"$TMP/ips.txt" >"$TMP/lookup.csv" || fail "lookup"
$PY - "$TMP" <<'PY' || fail "bulk lookups differ from maxminddb's"
import csv, maxminddb, sys
tmp = sys.argv[1]
a, c = maxminddb.open_database(f"{tmp}/asn.mmdb"), maxminddb.open_database(f"{tmp}/cc.mmdb")
rows = list(csv.reader(open(f"{tmp}/lookup.csv")))
assert len(rows) == 40000
for i, (ip, asn, name, cc, src) in enumerate(rows):
    x, y = a.get(ip) or {}, c.get(ip) or {}
    want = (str(x.get("autonomous_system_number", "")), x.get("autonomous_system_organization", ""),
            y.get("country", {}).get("iso_code", ""))
    assert (asn, name, cc) == want, (i, ip, asn, name, cc, want)
    assert src == ("mmdb" if any(want) else "none"), (ip, src)
PY

# Contacts: a /28 each in the low half (three mail domains), the AS of
# the next quarter, the national CERT for the rest. Opt-outs: one
# contact, one /28.
{
	echo "scope,email,organisation,role"
	for i in 0 1 2 3 4 5 6 7; do echo "127.78.136.$((i * 16))/28,noc-$i@d$((i % 3)).example,Net $i,abuse"; done
	echo "AS64511,noc@high.example,Net High,"
	echo "DE,cert@cert-de.example,CERT-DE,cert"
} >"$TMP/contacts.csv"
printf 'noc-3@d0.example\n127.78.136.240/28\n' >"$TMP/suppress"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/key.pem" \
	-out "$TMP/cert.pem" -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
echo "s3cret" >"$TMP/pw"
$PY "$SRC/tests/tools/smtp-sink.py" 9526 "$TMP/sink.jsonl" --delay 300 --cert "$TMP/cert.pem" \
	--key "$TMP/key.pem" --auth bot:s3cret >"$TMP/sink.out" 2>&1 &
SINK=$!
trap 'rc=$?; kill $SINK 2>/dev/null; (exit $rc); cleanup' EXIT
for _ in $(seq 50); do grep -q ready "$TMP/sink.out" 2>/dev/null && break; sleep 0.2; done
grep -q ready "$TMP/sink.out" || fail "smtp sink did not start"
cp "$TMP/n.db" "$TMP/n0.db"
cp "$TMP/n.db" "$TMP/n1.db"
cp "$TMP/n.db" "$TMP/n2.db"
args=(--db "$TMP/n.db" --contacts "$TMP/contacts.csv" --suppress "$TMP/suppress"
	--from scans@cert.example --reporter "Test CERT" --smtp smtp://127.0.0.1:9526 --starttls
	--user bot --password-file "$TMP/pw" --ca-file "$TMP/cert.pem" --rate 6000)
send() { "$EXHUNT" notify send "${args[@]}" "$@"; }
: >"$TMP/sink.jsonl"
"$EXHUNT" notify send "${args[@]}" >"$TMP/run1.out" 2>&1 &
pid=$!
# While it runs, a second send on the same database is refused.
sleep 0.3
set +e
send >"$TMP/concurrent.out" 2>&1; rc=$?
set -e
[ $rc = 3 ] && grep -q "already running" "$TMP/concurrent.out" || fail "concurrent send not refused ($rc: $(cat "$TMP/concurrent.out"))"
# Kill while the next message waits on its RCPT, 100 ms after the second
# delivery (the server takes 300 ms per RCPT).
for _ in $(seq 1000); do [ "$(wc -l <"$TMP/sink.jsonl")" -ge 2 ] && break; sleep 0.02; done
sleep 0.1
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
killed_at=$(wc -l <"$TMP/sink.jsonl")
send >"$TMP/run2.out" 2>&1 || fail "rerun after kill ($(cat "$TMP/run2.out"))"
send >"$TMP/run3.out" 2>&1 || fail "third run"
grep -q "0 new messages; 0 delivered" "$TMP/run3.out" || fail "third run sent again: $(cat "$TMP/run3.out")"
$PY - "$TMP" "$killed_at" <<'PY' || fail "deliveries differ from the routing the truth implies"
import base64, csv, email, io, ipaddress, json, sqlite3, sys
from email import policy
tmp, killed_at = sys.argv[1], int(sys.argv[2])
def route(ip):
    last = int(ip.split(".")[3])
    if last < 128:
        i = last // 16
        return None if i == 3 else f"noc-{i}@d{i % 3}.example"
    if last < 192:
        return "noc@high.example"
    return None if last >= 240 else "cert@cert-de.example"
want = {}
for l in open(f"{tmp}/truth.jsonl"):
    t = json.loads(l)
    if not t["exchange"] or not t["visible"] or t["sni_only"] or t.get("sni_foreign"):
        continue
    if not (t["webshells"] or any(v in ("vulnerable", "likely-vulnerable") for v in t["verdicts"].values())):
        continue
    c = route(t["ip"])
    if c:
        want.setdefault(c, set()).add(t["ip"])
got = [json.loads(l) for l in open(f"{tmp}/sink.jsonl")]
ids = [g["message_id"] for g in got]
assert len(ids) == len(set(ids)), "a message arrived twice"
to = [g["to"][0] for g in got]
assert sorted(to) == sorted(want), (sorted(to), sorted(want))
assert 0 < killed_at < len(got), f"the kill did not land midway ({killed_at} of {len(got)})"
for g in got:
    assert g["tls"] and g["auth"] and g["from"] == "scans@cert.example"
    m = email.message_from_bytes(base64.b64decode(g["raw"]), policy=policy.default)
    assert m["To"] == g["to"][0] and m["Auto-Submitted"] == "auto-generated"
    text = m.get_body(preferencelist=("plain",)).get_content()
    html = m.get_body(preferencelist=("html",)).get_content()
    att = {p.get_filename(): p for p in m.iter_attachments()}
    rows = list(csv.DictReader(io.StringIO(att["exchange-servers.csv"].get_content())))
    ips = {r["ip"] for r in rows}
    assert ips == want[g["to"][0]], (g["to"], sorted(ips ^ want[g["to"][0]]))
    # XARF: one attachment per server, or one JSON Lines file past 50
    if "xarf-reports.jsonl" in att:
        reps = [json.loads(l) for l in att["xarf-reports.jsonl"].get_content().splitlines()]
    else:
        reps = [json.loads(p.get_content()) for f, p in att.items() if f.startswith("xarf-")]
    assert sorted(r["source_identifier"] for r in reps) == sorted(ips)
    for rep in reps:
        assert rep["xarf_version"] == "4.0.0" and rep["source_port"] == 9510
        assert (rep["category"], rep["type"]) in (("vulnerability", "cve"), ("infrastructure", "compromised_server"))
    for ip in ips:
        assert ip in text and ip in html
    assert "Test CERT" in text and "exhunt hunt" in text
db = sqlite3.connect(f"{tmp}/n.db")
assert db.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0] == 0
# every finding of every routed server is recorded once per contact
n = db.execute("SELECT count(*), count(DISTINCT contact || finding) FROM notices").fetchone()
assert n[0] == n[1] and n[0] > len(got)
sup = db.execute("SELECT count(*) FROM routes WHERE via LIKE '%suppressed'").fetchone()[0]
assert sup > 0
print(f"{len(got)} messages, each once; the kill landed after {killed_at}")
PY
# A server that does not answer: the outbox keeps the messages.
sed -i 's/cert@cert-de.example/cert@cert2-de.example/' "$TMP/contacts.csv"
set +e
send --retries 1 --smtp smtp://127.0.0.1:9599 >"$TMP/run4.out" 2>&1; rc=$?
set -e
[ $rc = 3 ] && grep -q "1 not delivered, 1 waiting" "$TMP/run4.out" || fail "unreachable server ($rc: $(cat "$TMP/run4.out"))"
send >"$TMP/run5.out" 2>&1 || fail "later run"
grep -q "1 delivered, 0 not delivered, 0 waiting" "$TMP/run5.out" || fail "outbox not delivered later: $(cat "$TMP/run5.out")"
[ "$(grep -c cert2-de "$TMP/sink.jsonl")" = 1 ] || fail "the new contact got its message $(grep -c cert2-de "$TMP/sink.jsonl") times"
# Pacing per recipient domain: at 20 a minute, d1.example's three
# messages are at least 3 s apart.
: >"$TMP/sink.jsonl"
"$EXHUNT" notify send "${args[@]}" --db "$TMP/n0.db" --rate 20 >"$TMP/run6.out" 2>&1 || fail "paced run"
$PY - "$TMP" <<'PY' || fail "per-domain rate not kept"
import json, sys
got = [json.loads(l) for l in open(f"{sys.argv[1]}/sink.jsonl")]
d1 = sorted(g["at"] for g in got if g["to"][0].endswith("@d1.example"))
assert len(d1) == 3, d1
assert all(b - a >= 2.9 for a, b in zip(d1, d1[1:])), d1
PY
# SIGTERM mid-send: the message in flight is finished and recorded, the
# rest waits in the outbox (exit 4); a rerun sends the rest, each once.
n6=$(wc -l <"$TMP/sink.jsonl")
: >"$TMP/sink.jsonl"
"$EXHUNT" notify send "${args[@]}" --db "$TMP/n2.db" --rate 20 >"$TMP/run7.out" 2>&1 &
pid=$!
for _ in $(seq 1000); do [ "$(wc -l <"$TMP/sink.jsonl")" -ge 2 ] && break; sleep 0.02; done
kill -TERM $pid
set +e; wait $pid; rc=$?; set -e
[ $rc = 4 ] || fail "notify send after SIGTERM exited $rc, want 4 ($(cat "$TMP/run7.out"))"
mid=$(wc -l <"$TMP/sink.jsonl")
[ "$mid" -lt "$n6" ] || fail "SIGTERM came after the last message ($mid of $n6)"
send --db "$TMP/n2.db" >"$TMP/run8.out" 2>&1 || fail "rerun after SIGTERM"
[ "$(wc -l <"$TMP/sink.jsonl")" = "$n6" ] || fail "after SIGTERM and a rerun: $(wc -l <"$TMP/sink.jsonl") messages, want $n6"
[ "$(python3 -c "import json,sys; print(len({json.loads(l)['message_id'] for l in open(sys.argv[1])}))" "$TMP/sink.jsonl")" = "$n6" ] \
	|| fail "a message was sent twice after SIGTERM"
# PostgreSQL: two senders at once on one campaign deliver each message
# exactly once between them (row locks, no lock file); a third sends
# nothing.
start_pg
"$EXHUNT" report import --db "$PG_URL" "$TMP/n.jsonl" >/dev/null || fail "import into PostgreSQL"
"$EXHUNT" notify enrich --db "$PG_URL" --mmdb "$TMP/asn.mmdb" --delegated "$TMP/delegated" >/dev/null \
	|| fail "enrich on PostgreSQL"
: >"$TMP/sink.jsonl"
send --db "$PG_URL" >"$TMP/pg1.out" 2>&1 & s1=$!
send --db "$PG_URL" >"$TMP/pg2.out" 2>&1 & s2=$!
wait $s1 || fail "first PostgreSQL sender: $(cat "$TMP/pg1.out")"
wait $s2 || fail "second PostgreSQL sender: $(cat "$TMP/pg2.out")"
got=$(wc -l <"$TMP/sink.jsonl")
[ "$got" = "$n6" ] || fail "two senders delivered $got messages, want $n6"
[ "$(python3 -c "import json,sys; print(len({json.loads(l)['message_id'] for l in open(sys.argv[1])}))" "$TMP/sink.jsonl")" = "$n6" ] \
	|| fail "two PostgreSQL senders sent a message twice"
d1=$(sed -n 's/.* \([0-9]*\) delivered,.*/\1/p' "$TMP/pg1.out"); d2=$(sed -n 's/.* \([0-9]*\) delivered,.*/\1/p' "$TMP/pg2.out")
[ $((d1 + d2)) = "$n6" ] && [ "$d1" -gt 0 ] && [ "$d2" -gt 0 ] || fail "deliveries split $d1 + $d2 of $n6: the senders did not run side by side"
[ "$(pg_sql campaign "SELECT count(*) FROM outbox WHERE status='sent'")" = "$n6" ] || fail "outbox on PostgreSQL"
send --db "$PG_URL" >"$TMP/pg3.out" 2>&1 || fail "third PostgreSQL sender"
grep -q "0 new messages; 0 delivered" "$TMP/pg3.out" || fail "third PostgreSQL run sent again: $(cat "$TMP/pg3.out")"
[ "$(wc -l <"$TMP/sink.jsonl")" = "$n6" ] || fail "third run delivered"
# Templates are the user's: a changed subject and body reach the message.
mkdir -p "$TMP/tpl"
cp "$SRC/data/notify/body.html" "$TMP/tpl/"
echo 'Ticket for {{recipient_org}}: {{count}} servers <b>' >"$TMP/tpl/subject.txt"
printf 'Dear {{recipient_org}},\n{{servers_text}}\nRegards, {{reporter}}\n' >"$TMP/tpl/body.txt"
"$EXHUNT" notify send --db "$TMP/n1.db" --contacts "$TMP/contacts.csv" --from scans@cert.example \
	--reporter "Test CERT" --templates "$TMP/tpl" --dry-run --maildir "$TMP/md" >/dev/null || fail "templates"
$PY - "$TMP" <<'PY' || fail "templates not used"
import email, glob, sys
from email import policy
ms = [email.message_from_binary_file(open(f, "rb"), policy=policy.default) for f in glob.glob(f"{sys.argv[1]}/md/new/*")]
assert ms
for m in ms:
    assert m["Subject"].startswith("Ticket for Net") or m["Subject"].startswith("Ticket for CERT"), m["Subject"]
    body = m.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("Dear ") and "Regards, Test CERT" in body and "Server 1:" in body
PY
pass
