#!/usr/bin/env python3
"""Compares an exhunt scan's JSONL with the lab's truth, address by address.

usage: compare_truth.py TRUTH SCAN [--by-name] [--expect-count N]

Every address in TRUTH must appear once in SCAN (or --expect-count gives
how many). For each, these must agree: exchange, verdicts (verdicts_by_name
with --by-name), web-shell paths, the checks' results, and the build with its
precision. Prints each disagreement and exits 1 if there is any.
"""
import json, sys

def main():
    args = sys.argv[1:]
    by_name = "--by-name" in args
    # --partial-checks: the scan ran only some checks; compare those.
    partial = "--partial-checks" in args
    expect = None
    if "--expect-count" in args:
        expect = int(args[args.index("--expect-count") + 1])
    truth_path, scan_path = [a for a in args if not a.startswith("--") and not a.isdigit()][:2]
    truth = {}
    with open(truth_path) as f:
        for line in f:
            t = json.loads(line)
            truth[t["ip"]] = t
    seen = {}
    bad = 0
    with open(scan_path) as f:
        for n, line in enumerate(f, 1):
            r = json.loads(line)
            ip = r["ip"]
            if ip in seen:
                print(f"{ip}: appears twice in the scan (lines {seen[ip]} and {n})")
                bad += 1
                continue
            seen[ip] = n
            t = truth.get(ip)
            if t is None:
                print(f"{ip}: not in the lab's truth")
                bad += 1
                continue
            problems = []
            if "hostile" in t:
                continue  # scan_hostile.sh asserts what holds for these
            sni_blind = t["sni_only"] and not by_name
            # Without its name, another site's certificate and page.
            foreign = t.get("sni_foreign", False) and not by_name
            want_exchange = t["exchange"] and t.get("visible", True) and not sni_blind and not foreign
            if r["exchange"] != want_exchange:
                problems.append(f"exchange {r['exchange']} want {want_exchange}")
            want_v = t["verdicts_by_name"] if by_name else t["verdicts"]
            if r["verdicts"] != want_v:
                diff = {k: (r["verdicts"].get(k), want_v.get(k))
                        for k in set(r["verdicts"]) | set(want_v)
                        if r["verdicts"].get(k) != want_v.get(k)}
                problems.append(f"verdicts differ (got, want): {diff}")
            want_online = t["persona"] == "exchange-online" and not sni_blind
            if r.get("exchange_online") != want_online:
                problems.append(f"exchange_online {r.get('exchange_online')} want {want_online}")
            if want_exchange and r.get("pool") != ("pool" in t):
                problems.append(f"pool {r.get('pool')} want {'pool' in t}")
            if want_exchange:
                ran_shells = not partial or "webshells" in r["checks"]
                if ran_shells and sorted(r["webshells"]) != sorted(t["webshells"]):
                    problems.append(f"webshells {r['webshells']} want {t['webshells']}")
                for k, v in t["checks"].items():
                    if partial and k not in r["checks"]:
                        continue
                    if r["checks"].get(k) != v:
                        problems.append(f"check {k} {r['checks'].get(k)} want {v}")
                if r["build"] != t["visible_build"] or r["build_precision"] != t["build_precision"]:
                    problems.append(f"build {r['build']}/{r['build_precision']} want "
                                    f"{t['visible_build']}/{t['build_precision']}")
                want_p = t["product"] if t["build_precision"] else None
                if r["product"] != want_p:
                    problems.append(f"product {r['product']} want {want_p}")
            if not sni_blind and r["tls"] and "tls_version" in t and \
                    r["tls"]["version"] != t["tls_version"]:
                problems.append(f"TLS {r['tls']['version']} want {t['tls_version']}")
            if not sni_blind and r["error"]:
                problems.append(f"unexpected error: {r['error']}")
            if sni_blind and not r["error"]:
                problems.append("SNI-only server scanned by address: expected an error")
            if problems:
                bad += 1
                print(f"{ip} ({t['persona']} {t.get('build')}): " + "; ".join(problems))
    missing = set(truth) - set(seen)
    if expect is None and missing:
        print(f"{len(missing)} addresses of the truth are missing from the scan, "
              f"e.g. {sorted(missing)[:5]}")
        bad += 1
    if expect is not None and len(seen) != expect:
        print(f"{len(seen)} results, expected {expect}")
        bad += 1
    print(f"compared {len(seen)} addresses: {len(seen) - bad if bad <= len(seen) else 0} match, {bad} problems")
    return 1 if bad else 0

sys.exit(main())
