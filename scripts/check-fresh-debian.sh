#!/bin/sh
# Proves the README's set-up on a bare machine: a fresh Debian 12 made with
# `debootstrap --variant=minbase` plus git and make only (and ca-certificates
# for npm's HTTPS) -- no compiler, no pkg-config, no build-essential -- gets a
# clean clone of this repository's HEAD and runs, in the README's order,
#   make demo     (scripts/deps.sh installs the toolchain and the libraries)
#   make check    (then the test tools: valgrind, Chromium, Node.js, clang...)
# then checks that scripts/deps.sh is silent when everything is present and
# that it refuses clearly (exit 1) for a user who is neither root nor has sudo.
# Needs root, the Debian archive and the npm registry; not part of `make check`.
#
#   sh scripts/check-fresh-debian.sh [DIR]    (default /tmp/fallout-deb12)
#
# DIR is created by the script (a DIR left by an earlier run is replaced; any
# other existing DIR is refused). Inside it the script mounts only new
# instances of proc, devpts and tmpfs (/dev/shm), and a private, non-recursive
# bind of /dev for the device nodes; nothing is created or changed in the
# host's /dev. The trap unmounts everything in reverse order on any exit,
# after ending the processes still running inside the chroot. The chroot runs
# with an empty environment (no LANG, no host variables), as a new login; it
# shares the host's network (resolv.conf and locally added CA certificates
# are copied in).
#
# Measured 2026-12-02 on 2 shared cores (docs/dependencies.md has the tables):
# debootstrap 2.5-10 min; make demo 2-4.5 min, passed; make check, every
# stage (build, unit, CLI, browser, ASan+UBSan, valgrind, fuzz), passed in
# 25-41 min. Expect 30 to 45 minutes in all.
set -eu
root=${1:-/tmp/fallout-deb12}
repo=$(cd "$(dirname "$0")/.." && pwd)
marker=.fallout-check-fresh-debian
[ "$(id -u)" = 0 ] || { echo "check-fresh-debian: run as root" >&2; exit 1; }
case $root in /*) ;; *) root=$(pwd)/$root ;; esac
root=${root%/}
[ "$root" != "" ] && [ "$root" != / ] || { echo "check-fresh-debian: bad DIR" >&2; exit 1; }

mounted_under() { awk -v r="$root/" 'index($2 "/", r) == 1 { print $2 }' /proc/mounts; }
if [ -n "$(mounted_under)" ]; then
	echo "check-fresh-debian: something is still mounted under $root:" >&2
	mounted_under >&2
	exit 1
fi
if [ -e "$root" ]; then
	[ -e "$root/$marker" ] || {
		echo "check-fresh-debian: $root exists and was not made by this script" >&2
		exit 1
	}
	rm -rf "$root"
fi

now() { date +%s; }
step() { echo "== $(date -u +%H:%M:%S) $*"; }
dur() { echo "$(( $2 - $1 ))s"; }
t0=$(now)

command -v debootstrap >/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
step "debootstrap bookworm minbase + git, make, ca-certificates into $root"
mkdir -p "$root"
touch "$root/$marker"
debootstrap --variant=minbase --include=git,make,ca-certificates \
	bookworm "$root" http://deb.debian.org/debian >"$root.debootstrap.log" 2>&1 || {
	tail -n 20 "$root.debootstrap.log" >&2
	exit 1
}
t_boot=$(now)
# A bare machine has no compiler: prove it, or the run proves nothing.
for tool in cc gcc pkg-config; do
	if chroot "$root" /bin/sh -c "command -v $tool" >/dev/null 2>&1; then
		echo "check-fresh-debian: $tool is already in the fresh system" >&2
		exit 1
	fi
done

mounts=""
mnt() { # TYPE-OPTIONS... TARGET: mount, and remember it for the trap
	target=$1; shift
	mount "$@" "$root$target"
	mounts="$target $mounts"
}
cleanup() {
	status=$?
	trap - EXIT INT TERM HUP
	# End what is still running inside the chroot (only those processes:
	# their root directory is the chroot), so that the unmounts succeed.
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -9 "${p#/proc/}" 2>/dev/null
	done
	for m in $mounts; do
		umount "$root$m" 2>/dev/null || umount -l "$root$m" ||
			echo "check-fresh-debian: could not unmount $root$m" >&2
	done
	if [ -n "$(mounted_under)" ]; then
		echo "check-fresh-debian: still mounted:" >&2
		mounted_under >&2
		status=1
	fi
	exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The chroot uses the host's network, so it gets the host's resolver and the
# CA certificates added locally (/usr/local/share/ca-certificates, e.g. of a
# TLS-inspecting proxy: without them npm ci fails with
# SELF_SIGNED_CERT_IN_CHAIN). A bare machine on an open network needs neither.
cp /etc/resolv.conf "$root/etc/resolv.conf"
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
	chroot "$root" /usr/sbin/update-ca-certificates >/dev/null
fi
mnt /proc -t proc proc
# Device nodes: a bind of the host's /dev, made private so that the mounts
# below stay inside the chroot; the devpts and tmpfs on top are new instances
# (the host's /dev/pts and /dev/shm are neither seen nor written).
mnt /dev --bind /dev
mount --make-private "$root/dev"
[ -d "$root/dev/pts" ] && [ -d "$root/dev/shm" ] ||
	{ echo "check-fresh-debian: host /dev has no pts or shm directory" >&2; exit 1; }
mnt /dev/pts -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts
mnt /dev/shm -t tmpfs -o mode=1777,nosuid,nodev tmpfs

head=$(git -C "$repo" rev-parse HEAD)
[ -z "$(git -C "$repo" status --porcelain --untracked-files=no)" ] ||
	echo "check-fresh-debian: note: uncommitted changes in $repo are not tested" >&2
step "clone $repo at $head"
git clone -q --no-local "$repo" "$root/root/fallout"
git -C "$root/root/fallout" checkout -q "$head"

run() { # COMMAND: as a new root login in the chroot, in the clone
	env -i HOME=/root TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		chroot "$root" /bin/sh -c "cd /root/fallout && $1"
}
step "make demo"
run 'make demo'
t_demo=$(now)
step "make check"
run 'make check'
t_check=$(now)

step "deps.sh again: quiet when everything is present"
t1=$(now)
out=$(run 'make deps deps-test 2>&1 && sh scripts/deps.sh 2>&1')
t2=$(now)
[ -z "$out" ] || { printf 'check-fresh-debian: deps.sh is not quiet:\n%s\n' "$out" >&2; exit 1; }
step "deps.sh as a user without root or sudo, with a package missing"
set +e
out=$(run 'cp scripts/deps.sh /tmp/deps.sh && setpriv --reuid=65534 --regid=65534 --clear-groups \
	sh /tmp/deps.sh fallout-no-such-cmd:fallout-no-such-pkg 2>&1')
rc=$?
set -e
printf '%s\n' "$out"
[ "$rc" = 1 ] && printf '%s' "$out" | grep -q 'not root and no sudo' ||
	{ echo "check-fresh-debian: expected exit 1 and a clear message, got $rc" >&2; exit 1; }

echo "check-fresh-debian: passed at $head: debootstrap $(dur "$t0" "$t_boot"), make demo (with toolchain and library install) $(dur "$t_boot" "$t_demo"), make check $(dur "$t_demo" "$t_check"), deps.sh when complete $(dur "$t1" "$t2"), total $(dur "$t0" "$(now)")"
