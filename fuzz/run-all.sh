#!/usr/bin/env bash
# Runs every harness of a fuzz build for SECONDS each (default 60), as many
# at once as there are CPUs, starting from its seed corpus
# (fuzz/corpus/NAME). Inputs that reached new coverage are merged back into
# fuzz/corpus/NAME (libFuzzer -merge=1 keeps only those), so the corpus
# grows with every run; commit it when it did. A crash fails the run and
# leaves the input as crash-* at the top of the tree.
set -euo pipefail
build=${1:-build-fuzz}
secs=${2:-60}
jobs=${FUZZ_JOBS:-$(nproc)}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

one() {
	local bin=$1 name short before after
	name=$(basename "$bin")
	short=${name#fuzz_}
	mkdir -p "$work/$short" "$here/corpus/$short"
	if ! "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 \
		-artifact_prefix="$work/$short-" "$work/$short" "$here/corpus/$short" \
		2>"$work/$short.log"; then
		tail -40 "$work/$short.log"
		cp "$work/$short"-crash-* "$here/../" 2>/dev/null || true
		echo "fuzz: $name failed"
		return 1
	fi
	before=$(find "$here/corpus/$short" -type f | wc -l)
	"$bin" -merge=1 -rss_limit_mb=2048 -max_len=65536 "$here/corpus/$short" \
		"$work/$short" >>"$work/$short.merge.log" 2>&1 || true
	after=$(find "$here/corpus/$short" -type f | wc -l)
	echo "fuzz: $name ${secs}s: $(grep -E '^Done|#[0-9]+.*DONE' "$work/$short.log" | tail -1 || true);" \
		"corpus $before -> $after"
}

for bin in "$build"/fuzz/fuzz_*; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		sleep 1
	done
	{ one "$bin" || touch "$work/failed"; } &
done
wait
[ ! -e "$work/failed" ] || { echo "fuzz: a harness failed"; exit 1; }
