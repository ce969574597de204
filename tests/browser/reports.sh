#!/bin/sh
# The issue's acceptance test for `fallout report`: the HTML reports of the
# migration sample (before and after the move) and of the hostile-names
# inventory open in headless Chromium without console messages, load
# nothing from the network, and show every diagram (one per scenario).
#   FALLOUT=./fallout sh tests/browser/reports.sh
# Screenshots go to $FO_BROWSER_SHOTS (a folder) when it is set.
set -u
: "${FALLOUT:=./fallout}"
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

# page NAME INVENTORY SCENARIOS MIN_SVG
page() {
	if ! $FALLOUT report "$2" --scenarios "$3" -o "$tmp/$1" --quiet >"$tmp/out" 2>"$tmp/err"; then
		echo "FAIL browser $1: fallout report failed:"
		cat "$tmp/err"
		fail=$((fail + 1))
		return
	fi
	shot=""
	if [ -n "${FO_BROWSER_SHOTS:-}" ]; then
		mkdir -p "$FO_BROWSER_SHOTS"
		shot="--screenshot $FO_BROWSER_SHOTS/$1.png"
	fi
	# shellcheck disable=SC2086
	if sh tests/browser/run.sh "$tmp/$1/index.html" "$4" $shot; then
		pass=$((pass + 1))
	else
		echo "FAIL browser $1: $tmp/$1/index.html"
		fail=$((fail + 1))
	fi
}

page migration-before samples/migration/before.xml samples/migration/scenarios.xml 4
page migration-after samples/migration/after.xml samples/migration/scenarios.xml 4
page migration-loop samples/migration/after.xml tests/cli/inputs/migration-loop-scenarios.xml \
	"$(grep -c '<scenario ' tests/cli/inputs/migration-loop-scenarios.xml)"
page hostile tests/cli/inputs/hostile-names.xml tests/cli/inputs/hostile-scenarios.xml 3
echo "browser-reports: $pass passed, $fail failed"
[ "$fail" = 0 ]
