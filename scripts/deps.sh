#!/bin/sh
# Installs the Debian packages fallout needs when they are missing, the
# toolchain included: a bare Debian 12 with only git and make gets a C
# compiler, libc headers and pkg-config here (scripts/check-fresh-debian.sh
# proves it). Quiet and quick when everything is present (no output, no
# apt-get, well under a second); apt-get as root or through sudo; a clear
# message (exit 1) anywhere else.
set -eu

# What is checked : Debian package. cmd-NAME is a command on PATH, file-PATH
# a file, anything else a pkg-config module.
need="
cmd-cc:gcc
cmd-make:make
file-/usr/include/stdio.h:libc6-dev
pkg-config:pkg-config
libxml-2.0:libxml2-dev
igraph:libigraph-dev
libcgraph:libgraphviz-dev
libgvc:libgraphviz-dev
cmocka:libcmocka-dev
sqlite3:libsqlite3-dev
libxxhash:libxxhash-dev
jansson:libjansson-dev
yaml-0.1:libyaml-dev
libmicrohttpd:libmicrohttpd-dev
file-/usr/include/csv.h:libcsv-dev
cmd-dot:graphviz
cmd-xmllint:libxml2-utils
cmd-sqlite3:sqlite3
"
missing=""
for pair in $need; do
	what=${pair%%:*}
	pkg=${pair#*:}
	case $what in
	cmd-*)
		command -v "${what#cmd-}" >/dev/null 2>&1 && continue ;;
	file-*)
		[ -e "${what#file-}" ] && continue ;;
	pkg-config)
		command -v pkg-config >/dev/null 2>&1 && continue ;;
	*)
		command -v pkg-config >/dev/null 2>&1 &&
			pkg-config --exists "$what" 2>/dev/null && continue ;;
	esac
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
# A CJK font, so PNG and PDF diagrams draw Chinese names instead of boxes
# (SVG leaves glyphs to the viewer). Checked through fontconfig.
# Without fontconfig's fc-list (not pulled in with --no-install-recommends)
# the font's file stands in, so a second run stays quiet.
if command -v fc-list >/dev/null 2>&1; then
	[ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ] || missing="$missing fonts-wqy-zenhei"
elif [ ! -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ]; then
	missing="$missing fonts-wqy-zenhei"
fi
# Optional extras requested by the caller (e.g. valgrind for `make check`):
# COMMAND:PACKAGE, or pc-MODULE:PACKAGE (a pkg-config module), or
# deb-NAME:PACKAGE (an installed Debian package: libclang-rt-14-dev, clang's
# libFuzzer, has neither a command nor a .pc file).
for extra in "$@"; do
	what=${extra%%:*}
	case $what in
	pc-*)
		command -v pkg-config >/dev/null 2>&1 &&
			pkg-config --exists "${what#pc-}" 2>/dev/null && continue ;;
	deb-*)
		dpkg-query -W -f='${Status}' "${what#deb-}" 2>/dev/null |
			grep -q 'ok installed' && continue ;;
	*)
		command -v "$what" >/dev/null 2>&1 && continue ;;
	esac
	missing="$missing ${extra#*:}"
done

[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "fallout: missing packages and no apt-get here; install the equivalents of the Debian packages:$missing" >&2
	exit 1
fi
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "fallout: missing Debian packages:$missing" >&2
	echo "fallout: not root and no sudo; as root, run: apt-get install$missing" >&2
	exit 1
fi
echo "fallout: installing missing Debian packages:$missing" >&2
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2
