#!/usr/bin/env python3
"""Two scans of the same lab give the same records, address by address.

usage: same_records.py A.jsonl B.jsonl

Left out: when and in which scan a record was made, and the pool members'
names (the lab's pools alternate members by the server's own request
count, which the first scan moved on: names may swap). Exits 1 naming the
first addresses that differ.
"""
import json, sys

VOLATILE = ("time", "scan_id", "seq", "ntlm", "server_names")


def load(path):
    out = {}
    for line in open(path):
        r = json.loads(line)
        for k in VOLATILE:
            r.pop(k, None)
        out[r["ip"]] = r
    return out


def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    diff = [ip for ip in a if a[ip] != b.get(ip)]
    if diff or len(a) != len(b):
        sys.exit(f"records differ: {diff[:5]} ({len(a)} and {len(b)} records)")


if __name__ == "__main__":
    main()
