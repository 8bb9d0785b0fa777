#!/usr/bin/env python3
"""Runs a command; prints 'seconds max_rss_mb' of it (children included)
on stderr's last line as 'measure: S M', and before it its CPU seconds
(user and system) as 'measure-cpu: C'. Output of the command passes."""
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call(sys.argv[1:])
s = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
rss = ru.ru_maxrss / 1024
print(f"measure-cpu: {ru.ru_utime + ru.ru_stime:.3f}", file=sys.stderr)
print(f"measure: {s:.3f} {rss:.1f}", file=sys.stderr)
sys.exit(rc)
