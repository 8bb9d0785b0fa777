#!/usr/bin/env bash
# bench/scan: exhunt scan against nmap (NSE doing the same probes) on the
# same lab in the same run, the machine's bare TLS handshake ceiling, a
# 10,000-connection run with 200 ms of latency, and memory of dry runs
# over a /24 and a /8. Needs root (the lab listens on port 443 for nmap's
# TLS detection) and nmap. Everything stays on loopback.
# usage: bench/scan/run.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build}
ex=$build/exhunt
tmp=$(mktemp -d)
lab=""
trap '[ -n "$lab" ] && kill $lab 2>/dev/null; rm -rf "$tmp"' EXIT
command -v nmap >/dev/null || { echo "bench/scan needs nmap (apt-get install nmap)"; exit 2; }
cc -O2 -o "$tmp/tlsloop" "$here/tlsloop.c" -lssl -lcrypto

start_lab() {
	"$ex" lab "$@" >"$tmp/lab.out" 2>&1 &
	lab=$!
	for _ in $(seq 1 200); do grep -q ready "$tmp/lab.out" && return; sleep 0.1; done
	echo "lab did not start"; cat "$tmp/lab.out"; exit 1
}
stop_lab() { kill $lab; wait $lab 2>/dev/null || true; lab=""; }
measure() { python3 "$here/measure.py" "$@"; }
field() { sed -n "s/.*$1 \([0-9.]*\).*/\1/p" "$2" | tail -1; }

N=4096
C=1000
start_lab --addresses 127.79.0.0/20 --port 443 --http-port 0
seq 0 $((N - 1)) | awk '{printf "127.79.%d.%d\n", int($1/256), $1%256}' >"$tmp/targets"

echo "== exhunt vs nmap: $N lab servers, fingerprint + ssrf-26855 + proxyshell, concurrency $C"
measure "$ex" scan -i "$tmp/targets" --allow 127.79.0.0/16 --checks ssrf-26855,proxyshell \
	-c $C -o "$tmp/ex.jsonl" -q --no-progress --stats 2>"$tmp/ex.err"
ex_s=$(sed -n 's/^measure: \([0-9.]*\) .*/\1/p' "$tmp/ex.err")
ex_found=$(grep -c '"exchange":true' "$tmp/ex.jsonl")
measure nmap -n -Pn -sT -p 443 --script "$here/exhunt-probes.nse" \
	--script-args http.max-cache-size=10000000 --min-hostgroup $N --max-hostgroup $N \
	--max-parallelism $C -iL "$tmp/targets" -oN "$tmp/nmap.txt" >/dev/null 2>"$tmp/nmap.err"
nm_s=$(sed -n 's/^measure: \([0-9.]*\) .*/\1/p' "$tmp/nmap.err")
nm_found=$(grep -c 'exhunt-probes: cu=' "$tmp/nmap.txt" || true)
python3 - "$N" "$ex_s" "$nm_s" "$ex_found" "$nm_found" <<'PY'
import sys
n, ex, nm, exf, nmf = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
print(f"exhunt: {n/ex:10.1f} hosts/s ({ex:.2f} s, {exf} Exchange found)")
print(f"nmap:   {n/nm:10.1f} hosts/s ({nm:.2f} s, {nmf} Exchange found)")
print(f"ratio:  {nm/ex:10.1f}x  (target: at least 20x)")
PY

echo "== TLS handshake ceiling (bare connect+handshake+close loop) vs exhunt"
# The CPU each side spends, the lab's included (it shares the two cores
# with the client): what the share of the ceiling can reach at most.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# the whole machine's busy and total ticks (the kernel's network work
# in softirq belongs to no process)
busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
hz=$(getconf CLK_TCK)
l0=$(ticks $lab); m0=$(busy)
ceil=$(measure "$tmp/tlsloop" 127.79.0.0 $N 443 $C 10 2>"$tmp/ceil.err")
l1=$(ticks $lab); m1=$(busy)
measure "$ex" scan 127.79.0.0/20 --allow 127.79.0.0/16 -c $C -o /dev/null -q --no-progress \
	--stats 2>"$tmp/fp.err"
l2=$(ticks $lab); m2=$(busy)
hs=$(field handshakes, "$tmp/fp.err" | head -1)
hs=$(sed -n 's/.*handshakes \([0-9]*\),.*/\1/p' "$tmp/fp.err")
secs=$(sed -n 's/.*seconds \([0-9.]*\).*/\1/p' "$tmp/fp.err")
"$ex" scan 127.79.0.0/20 --allow 127.79.0.0/16 -c $C --checks all -o /dev/null -q --no-progress \
	--stats 2>"$tmp/all.err"
hs_all=$(sed -n 's/.*handshakes \([0-9]*\),.*/\1/p' "$tmp/all.err")
secs_all=$(sed -n 's/.*seconds \([0-9.]*\).*/\1/p' "$tmp/all.err")
lanes_all=$(sed -n 's/.*lanes \([0-9]*\),.*/\1/p' "$tmp/all.err")
lr=$(sed -n 's/.*launch rate \([0-9.]*\).*/\1/p' "$tmp/fp.err")
lr_all=$(sed -n 's/.*launch rate \([0-9.]*\).*/\1/p' "$tmp/all.err")
python3 - "$ceil" "$hs" "$secs" "$N" "$hs_all" "$secs_all" "$lanes_all" "$lr" "$lr_all" "$C" <<'PY'
import sys
ceil, hs, secs, n = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
hs_all, secs_all, lanes_all = int(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
lr, lr_all, c = float(sys.argv[8]), float(sys.argv[9]), int(sys.argv[10])
# Steady state: while targets wait to start, every finished target frees
# a slot that a new one takes at once, so the targets finished per second
# are those launched after the first C, over the launch phase. A host
# costs at least one handshake: hosts/s against the bare handshakes/s is
# the share that counts no extra handshake (reconnects, lanes) as work.
def steady(rate):
    span = (n - 1) / rate if rate > 0 else 0
    return (n - c) / span if span > 0 else 0
print(f"ceiling: {ceil:10.1f} handshakes/s (bare loop)")
print(f"exhunt:  {hs/secs:10.1f} handshakes/s, {n/secs:.1f} hosts/s, fingerprint only, whole run")
print(f"share:   {100*hs/secs/ceil:9.1f}% of the ceiling, whole run (target: at least 90%)")
print(f"         {steady(lr):10.1f} hosts/s in steady state: {100*steady(lr)/ceil:.1f}% of the ceiling")
print(f"exhunt:  {hs_all/secs_all:10.1f} handshakes/s ({lanes_all} lanes opened), "
      f"{n/secs_all:.1f} hosts/s, --checks all, whole run")
print(f"share:   {100*hs_all/secs_all/ceil:9.1f}% of the ceiling, whole run (target: at least 80%)")
print(f"         {steady(lr_all):10.1f} hosts/s in steady state: {100*steady(lr_all)/ceil:.1f}% of the ceiling")
PY
python3 - "$ceil" "$tmp/ceil.err" "$tmp/fp.err" "$l0" "$l1" "$l2" "$hz" "$N" $m0 $m1 $m2 <<'PY'
import re, sys
ceil, cerr, ferr = float(sys.argv[1]), open(sys.argv[2]).read(), open(sys.argv[3]).read()
l0, l1, l2, hz, n, b0, t0, b1, t1, b2, t2 = (float(x) for x in sys.argv[4:])
cpu = lambda t: float(re.search(r"measure-cpu: ([0-9.]+)", t).group(1))
m = re.search(r"tlsloop: (\d+) handshakes, (\d+) failed", cerr)
tries = int(m.group(1)) + int(m.group(2))
hs = int(re.search(r"handshakes (\d+),", ferr).group(1))
# per handshake tried (bare loop) and per host (exhunt), in ms
loop, lab_c, all_c = cpu(cerr) / tries, (l1 - l0) / hz / tries, (b1 - b0) / hz / tries
ex, lab_s, all_s = cpu(ferr) / n, (l2 - l1) / hz / n, (b2 - b1) / hz / n
print(f"CPU a handshake, bare loop: {1e3*all_c:.2f} ms of the machine (the loop {1e3*loop:.2f}, "
      f"the lab {1e3*lab_c:.2f}, the kernel's network work and the rest {1e3*(all_c-loop-lab_c):.2f}); "
      f"machine {100*(b1-b0)/(t1-t0):.0f}% busy")
print(f"CPU a host, exhunt fingerprint: {1e3*all_s:.2f} ms of the machine (exhunt {1e3*ex:.2f}, "
      f"the lab {1e3*lab_s:.2f}, the rest {1e3*(all_s-ex-lab_s):.2f}; {hs/n:.2f} handshakes a host); "
      f"machine {100*(b2-b1)/(t2-t1):.0f}% busy")
ok = int(m.group(1)) / tries
print(f"a host costs {all_s/all_c:.2f} handshakes' worth of the machine: with the machine as busy as "
      f"in the bare loop, the share can reach at most {100*all_c/all_s*hs/n/ok:.1f}% of the ceiling")
PY
echo "== --rate accuracy (new targets per second, first to last launch)"
for rate in 200 1000; do
	"$ex" scan 127.79.0.0/20 --allow 127.79.0.0/16 --rate $rate -c $C -o /dev/null -q \
		--no-progress --stats 2>"$tmp/r.err"
	got=$(sed -n 's/.*launch rate \([0-9.]*\).*/\1/p' "$tmp/r.err")
	python3 -c "
r, g = $rate, $got
print(f'asked {r}/s, got {g:.1f}/s: {100*(g-r)/r:+.2f}% (target: within 5%)')"
done
stop_lab

echo "== 10,000 connections in flight: 16,384 lab servers with 200 ms per response"
start_lab --addresses 127.80.0.0/18 --port 443 --http-port 0 --delay 200
measure "$ex" scan 127.80.0.0/18 --allow 127.80.0.0/16 -c 10000 -o /dev/null -q \
	--no-progress --stats 2>"$tmp/d.err"
peak=$(sed -n 's/.*peak in flight \([0-9]*\),.*/\1/p' "$tmp/d.err")
rss=$(sed -n 's/^measure: [0-9.]* \([0-9.]*\)/\1/p' "$tmp/d.err")
secs=$(sed -n 's/^measure: \([0-9.]*\) .*/\1/p' "$tmp/d.err")
echo "peak in flight: $peak (target: at least 10,000); peak memory: $rss MB (target: at most 256 MB); $secs s"
stop_lab

echo "== 10,000 hostile connections: 15 KB of headers, a 50 MB body begun, then a stall"
start_lab --addresses 127.82.0.0/18 --port 443 --http-port 0 --mix hostile-stall
measure "$ex" scan 127.82.0.0/18 --allow 127.82.0.0/16 -c 10000 --timeout 20 -o /dev/null -q \
	--no-progress --stats 2>"$tmp/h.err"
peak=$(sed -n 's/.*peak in flight \([0-9]*\),.*/\1/p' "$tmp/h.err")
rss=$(sed -n 's/^measure: [0-9.]* \([0-9.]*\)/\1/p' "$tmp/h.err")
echo "peak in flight: $peak; peak memory: $rss MB (target: at most 256 MB)"
stop_lab

echo "== benign throughput with 1% hostile servers mixed in (every hostile kind)"
start_lab --addresses 127.79.0.0/18 --port 443 --http-port 0
# First, the fingerprint-only share of the ceiling over four times the
# servers: the last slow servers' answers (the lab's 400 ms personas),
# which set the end of a 4,096-server run, weigh a quarter as much.
"$ex" scan 127.79.0.0/18 --allow 127.79.0.0/16 -c $C -o /dev/null -q --no-progress \
	--stats 2>"$tmp/fp16.err"
python3 - "$ceil" "$tmp/fp16.err" <<'PY'
import re, sys
ceil, t = float(sys.argv[1]), open(sys.argv[2]).read()
hs = int(re.search(r"handshakes (\d+),", t).group(1))
secs = float(re.search(r"seconds ([0-9.]+)", t).group(1))
print(f"fingerprint only, 16,384 servers: {hs/secs:.1f} handshakes/s, {16384/secs:.1f} hosts/s: "
      f"{100*hs/secs/ceil:.1f}% of the ceiling, whole run (target: at least 90%)")
PY
"$ex" lab --addresses 127.83.0.0/23 --port 443 --http-port 0 --mix hostile >"$tmp/hl.out" 2>&1 &
hlab=$!
for _ in $(seq 1 100); do grep -q ready "$tmp/hl.out" && break; sleep 0.1; done
measure "$ex" scan 127.79.0.0/18 --allow 127.79.0.0/16 -c $C --checks all --timeout 20 \
	-o "$tmp/b.jsonl" -q --no-progress 2>"$tmp/b.err"
b_s=$(sed -n 's/^measure: \([0-9.]*\) .*/\1/p' "$tmp/b.err")
# 16,384 benign and 164 hostile (1%) addresses in one scan; the benign
# ones' throughput is read from when their last result was written.
python3 - >"$tmp/mixed.txt" <<'PY'
for i in range(16384):
    print(f"127.79.{i // 256}.{i % 256}")
for i in range(164):
    print(f"127.83.{i // 256}.{i % 256}")
PY
python3 - "$ex" "$tmp" <<'PY'
import json, subprocess, sys, time, os
ex, tmp = sys.argv[1], sys.argv[2]
t0 = time.time()
p = subprocess.Popen([ex, "scan", "-i", f"{tmp}/mixed.txt", "--allow", "127.0.0.0/8", "-c", "1000",
                      "--checks", "all", "--timeout", "20", "-o", f"{tmp}/m.jsonl", "-q", "--no-progress"])
# Follow the results file (new bytes only): the moment the 16,384th
# benign result lands.
n, benign_done, f, rest = 0, None, None, b""
while benign_done is None:
    if f is None and os.path.exists(f"{tmp}/m.jsonl"):
        f = open(f"{tmp}/m.jsonl", "rb")
    if f is not None:
        chunk = f.read()
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        n += sum(1 for l in lines if b'"127.79.' in l)
        if n >= 16384:
            benign_done = time.time() - t0
    if benign_done is None and p.poll() is not None and f is not None and not chunk:
        benign_done = time.time() - t0
    time.sleep(0.05)
p.wait()
open(f"{tmp}/mixed.s", "w").write(f"{benign_done:.2f}\n")
PY
m_s=$(cat "$tmp/mixed.s")
kill $hlab; wait $hlab 2>/dev/null || true
stop_lab
python3 -c "
b, m = $b_s, $m_s
print(f'benign alone: {16384/b:.0f} hosts/s ({b:.2f} s); with 1% hostile: {16384/m:.0f} hosts/s ({m:.2f} s)')
print(f'share: {100*b/m:.1f}% of the throughput without them (target: at least 90%)')"

echo "== dry-run memory: /24 vs /8 (nothing is sent)"
measure "$ex" scan 11.0.0.0/24 --dry-run -q -o /dev/null 2>"$tmp/m24"
measure "$ex" scan 11.0.0.0/8 --dry-run -q -o /dev/null 2>"$tmp/m8"
m24=$(sed -n 's/^measure: [0-9.]* \([0-9.]*\)/\1/p' "$tmp/m24")
m8=$(sed -n 's/^measure: [0-9.]* \([0-9.]*\)/\1/p' "$tmp/m8")
s8=$(sed -n 's/^measure: \([0-9.]*\) .*/\1/p' "$tmp/m8")
echo "peak memory: /24 $m24 MB, /8 $m8 MB (target: the same); /8 walk took $s8 s"
