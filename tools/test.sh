#!/usr/bin/env bash
# The test suite: builds (warnings are errors) and runs every unit and
# end-to-end test with CTest. Pass a build folder to test another build
# (the sanitizer build in .ci/run does).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
if [ ! -f "$dir/build.ninja" ]; then
	cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
ninja -C "$dir"
ctest --test-dir "$dir" --output-on-failure --no-tests=error -j2
