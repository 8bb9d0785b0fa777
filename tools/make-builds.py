#!/usr/bin/env python3
"""Regenerate data/builds.csv from Microsoft's two build tables.

Usage: tools/make-builds.py MS_CSV HEALTHCHECKER_CSV > data/builds.csv

MS_CSV is Get-ExchangeBuildNumber's ExchangeBuildNumbers.csv (names, dates);
HEALTHCHECKER_CSV is the CU/SU dictionary of CSS-Exchange's HealthChecker
(product, CU, update name, build). HealthChecker names every SU; Microsoft's
table dates them and carries builds HealthChecker lacks (2010, and its own
value where the two disagree). Both rows are kept where they disagree, so
the lower value decides "patched" (see data/SOURCES.md).
"""
import csv, re, sys
from datetime import datetime

def norm(b):
    return ".".join(str(int(p)) for p in b.strip().split("."))

def key(b):
    return tuple(int(p) for p in b.split("."))

ms = {}
ms_rows = []
with open(sys.argv[1], newline="") as f:
    for r in csv.DictReader(f):
        b = norm(r["Build Number"])
        d = datetime.strptime(r["Date"].strip(), "%m/%d/%Y").strftime("%Y-%m-%d")
        ms[b] = d
        ms_rows.append((r["Product Name"].strip(), b, d))

rows = {}
update_dates = {}
with open(sys.argv[2], newline="") as f:
    for r in csv.DictReader(f):
        prod = r["product"].replace("Exchange", "")
        prod = "SE" if prod in ("SE", "ExchangeSE") else prod
        b = norm(r["build"])
        upd = r["update"] if r["update"] != "CU" else "RTM"
        rows[b] = [b, prod, r["cu"], upd, ms.get(b, "")]
        if b in ms and upd != "RTM":
            update_dates.setdefault(upd, ms[b])

name_re = re.compile(r"^Exchange (2007|2010|2013|2016|2019|SE) (?:(SP\d|CU\d+|RTM)\s*)?(.*)$")
for name, b, d in ms_rows:
    m = name_re.match(name)
    if not m or b in rows:
        continue
    prod, cu, rest = m.group(1), m.group(2) or "RTM", m.group(3).strip()
    if prod in ("2007", "2010"):
        # Service packs play the role of CUs (the release itself is "RTM"),
        # rollups are their updates; "v2", "v3" re-releases keep their name.
        # A service pack never received a later pack's rollups.
        sp = "SP%s" % b.split(".")[1] if b.split(".")[1] != "0" else "RTM"
        cu = sp
        upd = rest.replace(sp, "").strip() or "RTM"
        if upd.startswith("RTM"):
            upd = "RTM"
    else:
        if "Preview" in name:
            continue
        if prod == "2013" and cu == "SP1":
            cu = "CU4"  # Exchange 2013 SP1 is CU4 (HealthChecker's name).
        upd = rest.split()[0] if rest else "RTM"
        if rest.startswith("RTM"):
            upd = "RTM"
    rows[b] = [b, prod, cu, upd, d]

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
for r in rows.values():
    if not r[4]:
        r[4] = update_dates.get(r[3], "")
    m = re.match(r"^([A-Z][a-z]{2})(\d\d)(?:SU|HU)", r[3])
    if not r[4] and m:
        # Neither table dates this SU: the month its name gives, first day.
        r[4] = "20%s-%02d-01" % (m.group(2), MONTHS.index(m.group(1)) + 1)

w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["build", "product", "cu", "update", "date"])
for r in sorted(rows.values(), key=lambda r: key(r[0])):
    w.writerow(r)
