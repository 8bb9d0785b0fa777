#!/usr/bin/env bash
# The quick start: install what is missing, build, and run the demo (a lab
# of 4,096 emulated Exchange servers on loopback, scanned with every safe
# check). Results land in demo-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build exhunt exhunt-read
exec build/exhunt demo "$@"
