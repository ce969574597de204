#!/bin/sh
# Runs the README's two set-up commands (make check, make demo) on a fresh
# Debian 12 made with debootstrap (minbase plus the compiler and make that a
# new development machine has), from a clean clone of this repository's HEAD.
# Proves that scripts/deps.sh installs everything else. Needs root, the
# Debian archive and a few minutes; not part of `make check`.
#   sh scripts/check-fresh-debian.sh [DIR]    (default /tmp/fallout-deb12)
set -eu
root=${1:-/tmp/fallout-deb12}
repo=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
[ -x "$root/bin/bash" ] ||
	debootstrap --variant=minbase --include=build-essential,ca-certificates \
		bookworm "$root" http://deb.debian.org/debian
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
trap 'umount "$root/dev" "$root/proc"' EXIT
rm -rf "$root/root/fallout"
git clone -q "$repo" "$root/root/fallout"
chroot "$root" /bin/bash -c 'cd /root/fallout && make check && make demo && ls -l out/'
