#!/bin/sh
# Opens one HTML page in headless Chromium and checks that it opens without
# console errors, needs no network and shows at least MIN_SVG Graphviz
# diagrams (tests/browser/check-page.mjs says exactly what is checked).
#   sh tests/browser/run.sh PAGE MIN_SVG [--screenshot OUT.png]
#   sh tests/browser/run.sh --prepare      only the set-up below
# Set-up: node, npm and Debian's chromium must be there (`make deps` installs
# them); playwright-core, pinned in package-lock.json, is installed into
# tests/browser/node_modules with `npm ci` when that is missing or stale. No
# browser is downloaded: CHROMIUM (default /usr/bin/chromium) is driven.
# Exit status: 0 the page passed, 1 it failed, 2 usage, 3 the set-up or the
# browser launch failed (the reason on stderr).
set -u
here=$(cd "$(dirname "$0")" && pwd)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM
# playwright-core has no install script today; this keeps it that way.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD

usage() {
	echo "usage: sh tests/browser/run.sh PAGE MIN_SVG [--screenshot OUT.png]" >&2
	echo "       sh tests/browser/run.sh --prepare" >&2
	exit 2
}

# The stamp records the package.json and package-lock.json that node_modules
# was installed from; any difference (or no node_modules) means `npm ci`.
# Content, not timestamps: a fresh clone has arbitrary mtimes.
install_modules() {
	stamp=$here/node_modules/.fallout-installed-from
	if [ -f "$here/node_modules/playwright-core/package.json" ] &&
		cat "$here/package.json" "$here/package-lock.json" | cmp -s - "$stamp"; then
		return 0
	fi
	log=$(mktemp) || return 3
	echo "browser: installing playwright-core into tests/browser/node_modules (npm ci)" >&2
	if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		echo "browser: npm ci failed in tests/browser (is the npm registry reachable?)" >&2
		return 3
	fi
	rm -f "$log"
	cat "$here/package.json" "$here/package-lock.json" >"$stamp"
}

prepare() {
	missing=""
	command -v node >/dev/null 2>&1 || missing="$missing nodejs"
	command -v npm >/dev/null 2>&1 || missing="$missing npm"
	[ -x "$CHROMIUM" ] || missing="$missing chromium"
	if [ -n "$missing" ]; then
		echo "browser: missing:$missing (run \`make deps\`, or apt-get install$missing;" \
			"CHROMIUM=PATH names another Chromium)" >&2
		return 3
	fi
	# playwright-core 1.61 is the newest that runs on Debian 12's Node 18.
	major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)
	if [ "${major:-0}" -lt 18 ] 2>/dev/null || [ -z "$major" ]; then
		echo "browser: node $(node --version 2>/dev/null) is too old; playwright-core needs 18 or later" >&2
		return 3
	fi
	# Two runs at once (make -j) must not both rewrite node_modules.
	if command -v flock >/dev/null 2>&1; then
		lock=${TMPDIR:-/tmp}/fallout-browser-npm-ci.lock
		(
			flock -w 600 9 || { echo "browser: waited 600 s for $lock" >&2; exit 3; }
			install_modules
		) 9>>"$lock"
	else
		install_modules
	fi
}

if [ "${1:-}" = --prepare ]; then
	[ $# = 1 ] || usage
	prepare
	exit $?
fi
[ $# -ge 2 ] || usage
page=$1
min=$2
shift 2
prepare || exit $?
exec node "$here/check-page.mjs" "$page" --min-svg "$min" "$@"
