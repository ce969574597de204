#!/bin/sh
# The acceptance test of the page of `fallout report`, in headless Chromium:
#  - every page (the migration sample before and after the move, the
#    Tencent and fire samples, the hostile-names inventory) opens without
#    console messages, loads nothing from the network and shows every
#    diagram (tests/browser/check-page.mjs);
#  - what the page promises a reader (check-report.mjs): key findings
#    first, the time and version, links that resolve, diagram labels of
#    9 px or more at the default zoom, zoom buttons and "Go to" links that
#    work, folded tables unfolded and diagrams kept on the page in print;
#  - check-report.mjs fails a page broken in each of those ways.
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
	if node tests/browser/check-report.mjs "$tmp/$1/index.html"; then
		pass=$((pass + 1))
	else
		echo "FAIL report page $1: $tmp/$1/index.html"
		fail=$((fail + 1))
	fi
}

page migration-before samples/migration/before.xml samples/migration/scenarios.xml 4
page migration-after samples/migration/after.xml samples/migration/scenarios.xml 4
page migration-loop samples/migration/after.xml tests/cli/inputs/migration-loop-scenarios.xml \
	"$(grep -c '<scenario ' tests/cli/inputs/migration-loop-scenarios.xml)"
page tencent samples/tencent-gz-2023.xml samples/tencent-gz-2023-scenarios.xml 4
page fire samples/fire-backups.xml samples/fire-backups-scenarios.xml 3
page hostile tests/cli/inputs/hostile-names.xml tests/cli/inputs/hostile-scenarios.xml 3

# broken NAME MESSAGE SED: the Tencent page edited by SED (beside the
# original, so its links still resolve) must fail check-report.mjs with
# MESSAGE, a fixed string.
broken() {
	sed "$3" "$tmp/tencent/index.html" >"$tmp/tencent/broken-$1.html"
	if cmp -s "$tmp/tencent/index.html" "$tmp/tencent/broken-$1.html"; then
		echo "FAIL report-page self-test $1: the edit changed nothing"
		fail=$((fail + 1))
		return
	fi
	node tests/browser/check-report.mjs "$tmp/tencent/broken-$1.html" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" = 1 ] && grep -qF -- "$2" "$tmp/err"; then
		pass=$((pass + 1))
	else
		echo "FAIL report-page self-test $1: status $st, expected 1 and: $2"
		sed 's/^/  | /' "$tmp/out" "$tmp/err"
		fail=$((fail + 1))
	fi
}
if [ -f "$tmp/tencent/index.html" ]; then
	broken findings-later "findings: the first section after the header is #later, not #findings" \
		's/<section id="findings">/<section id="later">/'
	broken no-time 'header: no <time datetime=' 's/<time datetime="[^"]*">/<time>/'
	broken no-version "header: the generator <meta> is 'fallout', not 'fallout VERSION'" \
		's/<meta name="generator" content="[^"]*">/<meta name="generator" content="fallout">/'
	broken shrunk "legibility: #d1: its smallest text renders at" \
		's/<\/style>/.frame svg{width:100%!important;height:auto!important}<\/style>/'
	broken svg-link "link scenario-404.svg: no such file beside the page" \
		's/href="scenario-001.svg"/href="scenario-404.svg"/'
	broken anchor "link #nowhere: no element has that id" 's/href="#s1"/href="#nowhere"/'
	broken fit "zoom: #d2: Fit leaves it" 's/\.z-fit:checked~\.frame svg{/.nothing{/'
	# A link to the node of another diagram (a prefix gone wrong).
	broken goto "go to: #d1 #s2-node1: the node is not in view" \
		's/<a class="goto" href="#s1-node[0-9]*"/<a class="goto" href="#s2-node1"/'
	broken print-folded "print: a folded table is not shown" 's/details::details-content{[^}]*}//'
	broken print-buttons "print: 16 zoom buttons are printed" 's/\.dbar label,\.dbar span,//'
	broken print-big "print: diagram d1 " 's/max-width:100%!important;max-height:95vh!important//'
else
	echo "FAIL report-page self-test: no Tencent page to edit"
	fail=$((fail + 1))
fi
echo "browser-reports: $pass passed, $fail failed"
[ "$fail" = 0 ]
