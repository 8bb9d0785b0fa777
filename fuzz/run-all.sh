#!/usr/bin/env bash
# Runs every harness of a fuzz build for SECONDS each, starting from its
# seed corpus (fuzz/corpus/NAME). A crash fails the run and leaves the
# input as crash-* in the working folder.
set -euo pipefail
build=${1:-build-fuzz}
secs=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for bin in "$build"/fuzz/fuzz_*; do
	name=$(basename "$bin")
	short=${name#fuzz_}
	mkdir -p "$work/$short"
	echo "fuzz: $name for ${secs}s"
	"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 \
		-artifact_prefix="$work/" "$work/$short" "$here/corpus/$short" \
		2>"$work/$short.log" || {
		tail -40 "$work/$short.log"
		cp "$work"/crash-* "$here/../" 2>/dev/null || true
		echo "fuzz: $name failed"
		exit 1
	}
	grep -E '^Done|#[0-9]+.*DONE' "$work/$short.log" | tail -1 || true
done
