# Checks a hunt's JSON report against the lab's truth: the verdicts, the
# back doors, the persistence planted (and nothing else), the next steps,
# the timeline's order, the coverage of event logs and hives; a clean
# tree has no finding above informational. Used by hunt_truth.sh and by
# the Windows build's tests (tests/win/). Usage: hunt_check.py TRUTH REPORT
# [PREFIX]: PREFIX is taken off the report's paths (the live Windows
# hunt names files by drive, "D/...").
import json, sys
t = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
prefix = sys.argv[3] if len(sys.argv) > 3 else ""
for b in r["backdoors"]:
    if prefix and b["path"].startswith(prefix):
        b["path"] = b["path"][len(prefix):]
bad = {k: (r["verdicts"].get(k), v) for k, v in t["verdicts"].items() if r["verdicts"].get(k) != v}
got = sorted(b["path"].lower() for b in r["backdoors"])
want = sorted(p.lower() for p in t["backdoors"])
problems = []
if bad: problems.append(f"verdicts (got, want): {bad}")
if got != want: problems.append(f"back doors {got} want {want}")
if t["scenarios"] == "clean":
    high = [f for f in r["findings"] if f["severity"] != "info"]
    if high: problems.append(f"clean tree has findings: {high[:3]}")
for f in r["findings"]:
    if f["cve"] and f["severity"] != "info" and f["line"] is None and not f["path"]:
        problems.append(f"finding without evidence: {f}")
# the ways back in, from event logs and hives (docs/hunt.md)
PERSIST = {"service-installed", "service-image", "service-dll", "task-created",
           "task-action", "hidden-task", "run-key", "appinit-dlls", "ifeo-debugger",
           "winlogon-changed", "iis-module-changed", "transport-agent",
           "wdigest-enabled", "account-created", "group-member-added", "log-cleared",
           "iis-global-module", "transport-agent-config", "iis-managed-module",
           "iis-handler", "task-file", "iis-vdir-odd", "port-proxy", "wmi-persistence",
           "lsa-package"}
found = {f["kind"] for f in r["findings"] if f["kind"] in PERSIST and f["severity"] not in ("info", "low")}
if found != set(t.get("persistence", [])):
    problems.append(f"persistence {sorted(found)} want {sorted(t.get('persistence', []))}")
if t.get("persistence"):
    steps = " ".join(r["next_steps"])
    if "ways back in" not in steps or "accounts created" not in steps:
        problems.append(f"next steps miss the persistence: {r['next_steps']}")
# a harvester: every OWA and ECP user's password reset since it began
steps = " ".join(r["next_steps"])
taken = t.get("passwords_taken")
if taken and f"signed in to Outlook on the web or the ECP on this server since {taken}" not in steps:
    problems.append(f"next steps miss the password reset since {taken}: {r['next_steps']}")
if not taken and "signed in to Outlook on the web" in steps:
    problems.append(f"next steps ask for a password reset no page called for: {r['next_steps']}")
# a page that read the machine keys: they must be rotated (and only then)
if t.get("keys_taken") and "Rotate the ASP.NET machine keys" not in steps:
    problems.append(f"next steps miss the machine keys: {r['next_steps']}")
if not t.get("keys_taken") and "machine keys" in steps:
    problems.append(f"next steps ask for machine keys no page read: {r['next_steps']}")
# mail access granted: each change listed, a step to check them
MAIL = {"impersonation-role", "org-admin-added", "mailbox-full-access", "inbox-rule-forward",
        "mailbox-forwarding", "transport-rule-copy", "journal-rule", "mailbox-search",
        "search-role", "audit-off", "mailbox-folder-open"}
mail = {f["kind"] for f in r["findings"] if f["kind"] in MAIL and f["severity"] not in ("info", "low")}
if mail != set(t.get("mail_access", [])):
    problems.append(f"mail access {sorted(mail)} want {sorted(t.get('mail_access', []))}")
if bool(mail) != ("to mail access" in steps):
    problems.append(f"next steps and mail access disagree: {r['next_steps']}")
# the back doors the IIS log shows used, each tied to its requests; scripts
# that answered but are gone, each reported; nothing else
used = sorted({d.split("the back door ", 1)[1].split(" was requested")[0].lower()
               for d in (f["detail"] for f in r["findings"] if f["kind"] == "webshell-used")})
if used != sorted(p.lower() for p in t.get("webshell_used", [])):
    problems.append(f"back doors used {used} want {t.get('webshell_used')}")
gone = sorted(f["detail"].split(" answered ", 1)[0] for f in r["findings"] if f["kind"] == "webshell-gone")
if gone != sorted(t.get("webshell_gone", [])):
    problems.append(f"scripts gone {gone} want {t.get('webshell_gone')}")
# a tunnel out: stopped and traced; a cleared log: its silence is no proof
if bool(t.get("tunnel")) != ("Stop the tunnel out" in steps):
    problems.append(f"tunnel {t.get('tunnel')} but next steps: {r['next_steps']}")
if ("log-cleared" in t.get("persistence", [])) != ("Treat the event logs as incomplete" in steps):
    problems.append(f"cleared logs and next steps disagree: {r['next_steps']}")
times = [x["time"] for x in r["timeline"]]
if times != sorted(times):
    problems.append("timeline out of order")
if not r["coverage"]["windows-events"]["files"] or not r["coverage"]["registry"]["files"]:
    problems.append(f"event logs or hives not read: {r['coverage']}")
if problems:
    print(t["scenarios"], "seed", t["seed"], *problems, sep="\n  ")
    sys.exit(1)
