"""The lab's truth as a scan by address sees it (docs/lab.md), shared by
the e2e tests that follow servers over scans."""
import json


def scanned(t):
    # Exchange on-premises servers a scan by address can name: servers
    # behind a pre-authenticating proxy, or answering only to their SNI
    # name, show nothing to it.
    return (t["exchange"] and t["visible"] and not t["sni_only"]
            and not t.get("sni_foreign"))


def ident(ts):
    # The store's server identity (docs/report.md): name and certificate
    # name; of several addresses claiming one in a scan, the first in text
    # order keeps it, the others get theirs with the address.
    first = {}
    for t in ts:
        k = (t["server_name"], t["cert_cn"])
        if k not in first or t["ip"] < first[k]:
            first[k] = t["ip"]
    return {(f"{t['server_name']}|{t['cert_cn']}" +
             ("" if first[(t["server_name"], t["cert_cn"])] == t["ip"]
              else "|@" + t["ip"])): t
            for t in ts}


def load(path):
    """The scanned servers of one truth file, by identity."""
    with open(path) as f:
        return ident([t for t in map(json.loads, f) if scanned(t)])
