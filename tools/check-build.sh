#!/usr/bin/env bash
# Checks that a release build is hardened and reproducible: the same
# source copied into two different folders and built there gives
# byte-identical binaries (exhunt and exhunt-read); each is PIE, has full RELRO (BIND_NOW),
# calls the stack protector and fortified libc functions, and names no
# build folder.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for d in a b/deeper; do
	mkdir -p "$work/$d/exhunt"
	git -C "$src" ls-files -z | (cd "$src" && xargs -0 cp --parents -t "$work/$d/exhunt")
	cmake -S "$work/$d/exhunt" -B "$work/$d/exhunt/build" -G Ninja \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	ninja -C "$work/$d/exhunt/build" exhunt exhunt-read >/dev/null
done
fail() { echo "check-build: $*" >&2; exit 1; }
for bin in exhunt exhunt-read; do
a=$work/a/exhunt/build/$bin
b=$work/b/deeper/exhunt/build/$bin
if ! cmp -s "$a" "$b"; then
	echo "check-build: $bin not reproducible: the two builds differ" >&2
	cmp "$a" "$b" | head -3 >&2 || true
	exit 1
fi
echo "check-build: $bin reproducible ($(sha256sum "$a" | cut -c1-16))"
# (Outputs go to files first: grep -q closing a pipe early would fail
# the pipeline under pipefail.)
readelf -hld "$a" >"$work/elf"
nm -D "$a" >"$work/syms"
strings -a "$a" >"$work/strings"
grep -q 'Type:.*DYN' "$work/elf" || fail "$bin not PIE"
grep -q GNU_RELRO "$work/elf" || fail "$bin: no RELRO"
grep -Eq 'BIND_NOW|FLAGS.*NOW' "$work/elf" || fail "$bin: RELRO not full (no BIND_NOW)"
grep -q __stack_chk_fail "$work/syms" || fail "$bin: no stack protector"
grep -Eq '__[a-z]+_chk' "$work/syms" || fail "$bin: no fortified calls (_FORTIFY_SOURCE)"
if grep -Fq "$work" "$work/strings"; then fail "the build folder is named in $bin"; fi
echo "check-build: $bin hardened (PIE, full RELRO, stack protector, _FORTIFY_SOURCE)"
done
