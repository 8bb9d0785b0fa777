#!/usr/bin/env bash
# The Windows build: its libraries (tools/win/deps.sh), then exhunt.exe
# cross-compiled with mingw-w64 into build-win/ (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-build-win}
tools/win/deps.sh "$out/deps"
export PKG_CONFIG_LIBDIR=$PWD/$out/deps/lib/pkgconfig PKG_CONFIG_PATH=
if [ ! -f "$out/build.ninja" ]; then
	cmake -S . -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake \
		-DEXHUNT_WIN_DEPS="$PWD/$out/deps" >/dev/null
fi
ninja -C "$out"
