#!/usr/bin/env bash
# Installs the Debian 12 packages exhunt builds, tests and fuzzes with.
# Needs root (or sudo); does nothing when they are all there already.
set -euo pipefail
pkgs=(build-essential clang cmake ninja-build pkg-config libssl-dev
      libc-ares-dev libsqlite3-dev libyara-dev libmaxminddb-dev
      libcurl4-openssl-dev zlib1g-dev libarchive-dev libevtx-dev libregf-dev libbfio-dev libfsntfs-dev libvshadow-dev libewf-dev libvhdi-dev libpq-dev libmimalloc-dev postgresql-15 ntfs-3g ntfs-3g-dev ewf-tools qemu-utils libclang-rt-14-dev python3 sqlite3 yara strace curl git binutils
      chromium python3-aiosmtpd libmaxmind-db-writer-perl python3-maxminddb
      gcc-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64 libz-mingw-w64-dev
      wine wine64 autoconf automake libtool)
missing=()
for p in "${pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
