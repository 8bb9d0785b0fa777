#!/usr/bin/env bash
# Builds the libraries of the Windows build (YARA and the libyal readers:
# libevtx, libregf, libfsntfs, libewf, libvhdi, libvshadow) for
# x86-64 Windows with mingw-w64, static, from Debian's own source
# packages (apt-get source, whose downloads apt checks against Debian's
# signed index), into PREFIX (default build-win/deps). Needs the packages
# tools/deps.sh installs with --windows, and deb-src entries, which it
# adds (bookworm and trixie: Debian's mirror may keep a package's source
# for one of them only).
#
# Each library is linked into one object whose global symbols other than
# its own API carry its name: libyal libraries each carry private copies
# of libcerror, libcdata and the like, of different versions, which must
# not meet.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
prefix=$(realpath -m "${1:-$here/build-win/deps}")
work=$prefix/src
host=x86_64-w64-mingw32
mkdir -p "$work" "$prefix/lib/pkgconfig" "$prefix/include" "$work/fix"
[ -f "$prefix/.done" ] && exit 0

# name  source-package  version (Debian's)  library  pkg-config name
pkgs=(
	"yara yara 4.5.2-1 libyara yara"
	"libevtx libevtx 20181227-2 libevtx libevtx"
	"libregf libregf 20201007-2 libregf libregf"
	"libfsntfs libfsntfs 20200921-2 libfsntfs libfsntfs"
	"libewf libewf 20140813-1 libewf libewf"
	"libvhdi libvhdi 20210425-1 libvhdi libvhdi"
	"libvshadow libvshadow 20240504-1 libvshadow libvshadow"
)

want=$(printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" \
	"Suites: bookworm trixie" "Components: main" \
	"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg")
list=/etc/apt/sources.list.d/exhunt-src.sources
if [ "$(cat "$list" 2>/dev/null)" != "$want" ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "$want" | $sudo tee "$list" >/dev/null
	$sudo apt-get update -q >/dev/null
fi

# libyal's sources include <Synchapi.h>, a name only case-blind file
# systems find.
echo '#include <synchapi.h>' >"$work/fix/Synchapi.h"

fetch() { # fetch PKG VERSION: the upstream tarball, checked by apt
	local pkg=$1 ver=$2 up=${2%-*}
	(cd "$work" && ls "${pkg}_${up}".orig.tar.* >/dev/null 2>&1) && return 0
	# A missing .dsc or Debian diff on the mirror makes apt-get fail; the
	# upstream tarball it did fetch has passed apt's hash check.
	(cd "$work" && apt-get source -q --download-only "$pkg=$ver" \
		>"$work/$pkg.fetch.log" 2>&1) || true
	(cd "$work" && ls "${pkg}_${up}".orig.tar.* >/dev/null 2>&1) || {
		echo "tools/win/deps.sh: could not fetch the source of $pkg $ver" \
			"from Debian (see $work/$pkg.fetch.log)" >&2
		return 1
	}
}

# The libyal libraries share one configure cache: the second and later
# configure answer most of their checks from the first one's (a third of
# the time). The first writes it; the others wait for it.
yal_cache=$work/yal.cache

# A libyal folder compiled as one translation unit (its sources included
# one after another into exhunt_unity.c), with the flags its Makefile
# gives it: each source includes <windows.h>, whose parsing is most of a
# file's compile time, so this takes a tenth of a per-file build.
unity() { # unity DIR
	local d=$1 out flags srcs s
	out=$(make -s -C "$d" -f Makefile -f - exhunt-print <<'MK'
exhunt-print:
	@echo $(DEFS) $(DEFAULT_INCLUDES) $(INCLUDES) $(AM_CPPFLAGS) $(CPPFLAGS) $(AM_CFLAGS) $(CFLAGS)
	@echo $(SOURCES)
MK
	)
	flags=$(sed -n 1p <<<"$out")
	srcs=$(sed -n 2p <<<"$out")
	: >"$d/exhunt_unity.c"
	for s in $srcs; do
		case $s in *.c) echo "#include \"$s\"" >>"$d/exhunt_unity.c" ;; esac
	done
	# shellcheck disable=SC2086
	(cd "$d" && eval "$host-gcc-posix $flags -c exhunt_unity.c -o exhunt_unity.o")
}
export -f unity
export host

build() { # build NAME PKG VERSION LIB PC
	local name=$1 pkg=$2 ver=$3 lib=$4 pc=$5 up=${3%-*} dir
	fetch "$pkg" "$ver"
	rm -rf "$work/$name" && mkdir -p "$work/$name"
	tar xf "$work/${pkg}_${up}".orig.tar.* -C "$work/$name" --strip-components=1
	dir=$work/$name
	(
		cd "$dir"
		if [ "$name" = yara ]; then
			./bootstrap.sh >"$dir/build.log" 2>&1
			./configure --host=$host --prefix="$dir/inst" \
				--disable-shared --enable-static --without-crypto \
				CFLAGS="-O2 -mcmodel=small" >>"$dir/build.log" 2>&1
			make -j"$(nproc)" >>"$dir/build.log" 2>&1
			make install >>"$dir/build.log" 2>&1
			exit 0
		fi
		if [ "$lib" = "$yal_first" ]; then
			cache=$yal_cache.new
		else
			while [ ! -f "$yal_cache" ]; do
				[ -f "$yal_cache.failed" ] && exit 1
				sleep 1
			done
			cache=$dir/config.cache
			cp "$yal_cache" "$cache"
		fi
		# dash runs configure and its config.status (7% less CPU than
		# bash)
		CONFIG_SHELL=/bin/dash /bin/dash ./configure \
			--cache-file="$cache" \
			--host=$host --prefix="$dir/inst" \
			--disable-dependency-tracking \
			--disable-shared --enable-static --disable-nls \
			--disable-multi-threading-support \
			--enable-wide-character-type --enable-python=no \
			CPPFLAGS="-I$work/fix" CFLAGS="-O2 -mcmodel=small" \
			>"$dir/build.log" 2>&1 || {
			[ "$lib" = "$yal_first" ] && touch "$yal_cache.failed"
			exit 1
		}
		[ "$lib" = "$yal_first" ] && mv "$cache" "$yal_cache"
		# the library and what it bundles, not its tools
		subs=$(awk '/^SUBDIRS = /{f=1} f{print; if ($0 !~ /\\$/) exit}' \
			Makefile | tr -d '\\' | sed 's/SUBDIRS =//')
		keep=""
		for d in $subs; do
			[ -f "$d/Makefile" ] && [ -n "$(ls "$d"/*.c 2>/dev/null)" ] &&
				keep="$keep $d"
			[ "$d" = "$lib" ] && break
		done
		# shellcheck disable=SC2086
		printf '%s\n' $keep | xargs -P"$(nproc)" -I{} bash -c 'unity {}' \
			>>"$dir/build.log" 2>&1
		mkdir -p inst/lib inst/include/"$lib"
		# shellcheck disable=SC2086
		$host-ar rcs "inst/lib/$lib.a" $(printf '%s/exhunt_unity.o ' $keep)
		cp "include/$lib.h" inst/include/
		for h in include/"$lib"/*.h; do cp "$h" inst/include/"$lib"/; done
		mkdir -p inst/lib/pkgconfig
		cp "$pc.pc" inst/lib/pkgconfig/
	) || { echo "tools/win/deps.sh: building $name failed:" >&2
		tail -20 "$dir/build.log" >&2; return 1; }
	# one object per library: what is not its own API is renamed with the
	# library's prefix (built with the small code model, so that data is
	# reached directly, not through .refptr stubs that renaming breaks)
	local a=$dir/inst/lib/$lib.a o=$dir/$lib.o
	$host-ld -r --whole-archive "$a" -o "$o"
	$host-nm --defined-only -g "$o" | awk '{print $3}' |
		grep -vE "^(yr_|${lib}_)" | awk -v p="${name}__" '{print $1, p $1}' \
		>"$dir/$lib.rename" || true
	$host-objcopy --redefine-syms="$dir/$lib.rename" "$o"
	rm -f "$prefix/lib/$lib.a"
	$host-ar rcs "$prefix/lib/$lib.a" "$o"
	cp -r "$dir/inst/include/." "$prefix/include/"
	# (libewf's leaves an unsubstituted @...@ among its libraries)
	sed -e "s|^prefix=.*|prefix=$prefix|" -e 's/@ax_[A-Za-z_]*@//g' \
		"$dir/inst/lib/pkgconfig/$pc.pc" >"$prefix/lib/pkgconfig/$pc.pc"
}

yal_first=libevtx
rm -f "$yal_cache" "$yal_cache.new" "$yal_cache.failed"
pids=()
for p in "${pkgs[@]}"; do
	# shellcheck disable=SC2086
	build $p &
	pids+=($!)
done
rc=0
for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
[ $rc -eq 0 ] || exit 1
touch "$prefix/.done"
echo "tools/win/deps.sh: YARA, libevtx, libregf, libfsntfs, libewf, libvhdi and libvshadow for Windows in $prefix"
