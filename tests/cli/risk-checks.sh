#!/bin/sh
# tests/cli/risk-checks.sh: scripted checks of `fallout cutsets`,
# `availability` and `export` (docs/risk.md, "Commands") beyond the golden
# cases: the exported Open-PSA tree gives the same sets and probability when
# read back, and SCRAM (when installed) agrees with both; every JSON output
# parses, hostile ids included; a snapshot gives what its XML gives; export
# -o leaves the file alone on an error; options that do not apply to an MEF
# tree are refused.
#   FALLOUT=./fallout sh tests/cli/risk-checks.sh
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

A=samples/availability.xml
M=samples/migration/after.xml
T=samples/tencent-gz-2023.xml
H=tests/cli/inputs/hostile-names.xml
HAPP='app " onload="x'

# The lines of a cutsets JSON that carry the counts.
counts() { grep -E '^  "(count|orders|certain)"' "$1"; }
# P(down) of the first app of an availability JSON.
pdown() { sed -n 's/.*"p_down": \([^,]*\),.*/\1/p' "$1" | head -1; }
# Equal to 10 significant digits (two BDDs of one function may add in
# another order).
same_p() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a;
	exit !(a != "" && b != "" && d <= 1e-10 * m + 1e-300) }'; }
json_ok() { python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1"; }

# ------------------------------------------ export, read back, SCRAM
have_scram=0
command -v scram >/dev/null 2>&1 && have_scram=1
for spec in "$M|pay-app|down" "$M|pay-app|lost" "$T|wechat-pay|down" "$T|qq-msg|down" \
	"$A|pay-app|down" "$A|statements|down" "$H|$HAPP|down"; do
	inv=${spec%%|*}
	rest=${spec#*|}
	app=${rest%|*}
	ev=${rest##*|}
	what="$inv $app $ev"
	fo export "$inv" --app "$app" --event "$ev" -o "$tmp/t.xml"
	check "export $what: status 0" is 0
	check "export $what: MEF" has '<opsa-mef>' "$tmp/t.xml"
	fo cutsets "$inv" --app "$app" --event "$ev" --format json --top 0
	check "cutsets $what: status 0" is 0
	check "cutsets $what: JSON parses" json_ok "$tmp/out"
	counts "$tmp/out" >"$tmp/c1"
	fo cutsets "$tmp/t.xml" --format json --top 0
	check "cutsets of the export of $what: status 0 (detected as MEF)" is 0
	counts "$tmp/out" >"$tmp/c2"
	check "cutsets $what: the export has the same counts" cmp -s "$tmp/c1" "$tmp/c2"
	if [ "$have_scram" = 1 ]; then
		# Probability only with failure data (SCRAM refuses events without one).
		prob=false
		[ "$inv" = "$A" ] && prob=true
		rm -f "$tmp/scram.xml"
		(cd "$tmp" && timeout 60 scram t.xml --bdd --probability $prob -o scram.xml >/dev/null 2>&1)
		products=$(sed -n 's/.*<sum-of-products[^>]* products="\([0-9]*\)".*/\1/p' "$tmp/scram.xml")
		check "SCRAM on the export of $what: the same number of sets" \
			grep -q -F "\"count\": \"$products\"" "$tmp/c1"
	fi
	case $inv in "$A")
		fo availability "$inv" --app "$app" --event "$ev" --format json
		check "availability $what: status 0" is 0
		p1=$(pdown "$tmp/out")
		fo availability "$tmp/t.xml" --format json
		p2=$(pdown "$tmp/out")
		check "availability $what: the export has the same P ($p1, $p2)" same_p "$p1" "$p2"
		if [ "$have_scram" = 1 ]; then
			ps=$(sed -n 's/.*<sum-of-products[^>]* probability="\([^"]*\)".*/\1/p' "$tmp/scram.xml")
			# SCRAM prints 6 significant digits.
			check "SCRAM on the export of $what: P to 6 digits ($p1, $ps)" \
				awk -v a="$p1" -v b="$ps" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 5e-6 * a) }'
		fi
		;;
	esac
done
[ "$have_scram" = 1 ] || echo "risk-checks: SCRAM not installed: the comparisons with it skipped"

# ------------------------------------------ hostile ids: every JSON parses
for f in json csv; do
	fo availability "$H" --format "$f"
	check "availability of the hostile inventory without failure data: status 3 ($f)" is 3
done
fo cutsets "$H" --app "$HAPP" --format json --top 0
check "hostile cutsets JSON parses" json_ok "$tmp/out"
fo spof "$H" --format json
check "hostile spof JSON (with pairs) parses" json_ok "$tmp/out"
fo availability "$A" --format json --top 0
check "availability JSON parses" json_ok "$tmp/out"
check "availability JSON: every node of pay-app ranked" test "$(grep -c '"rank":' "$tmp/out")" -ge 21
fo diff tests/cli/inputs/pairs-before.xml tests/cli/inputs/pairs-after.xml --fail-on new-pair --format json
check "diff --fail-on new-pair: status 1" is 1
check "diff new-pair JSON parses" json_ok "$tmp/out"
fo diff tests/cli/inputs/pairs-after.xml tests/cli/inputs/pairs-before.xml --fail-on new-pair
check "diff --fail-on new-pair, the other way (more redundancy): status 0" is 0
check "diff the other way: no new pair" has "New pairs: no" "$tmp/out"

# ------------------------------------------ a snapshot gives what its XML gives
fo import "$A" --db "$tmp/s.db" --label a
check "import $A: status 0" is 0
for cmd in "cutsets --app pay-app --top 0" "availability --top 0" "export --app pay-app"; do
	# shellcheck disable=SC2086
	fo $cmd "$A"
	cp "$tmp/out" "$tmp/x1"
	# shellcheck disable=SC2086
	fo $cmd "$tmp/s.db@a"
	sed "s|$tmp/s.db@a|$A|" "$tmp/out" >"$tmp/x2"
	check "$cmd: the snapshot gives what the XML gives" cmp -s "$tmp/x1" "$tmp/x2"
done

# ------------------------------------------ export -o on errors; MEF options
echo keep >"$tmp/keep.xml"
fo export "$M" --app pay-ap -o "$tmp/keep.xml"
check "export --app unknown: status 2" is 2
check "export --app unknown: did you mean" has "did you mean 'pay-app'?" "$tmp/err"
check "export --app unknown: -o FILE left as it was" grep -q -x keep "$tmp/keep.xml"
fo export "$M" --app gz -o "$tmp/keep.xml"
check "export --app of a region: status 2" is 2
check "export --app of a region: -o FILE left as it was" grep -q -x keep "$tmp/keep.xml"
fo export --to scram "$M" --app pay-app
check "export --to scram: status 2" is 2
MEF=tests/importers/openpsa/aralia/chinese.xml
fo cutsets "$MEF" --map samples/quickstart.xml
check "cutsets MEF --map: status 2" is 2
fo cutsets "$MEF" "$M"
check "cutsets MEF joined with an inventory: status 2" is 2
fo availability "$MEF" --event lost
check "availability MEF --event: status 2" is 2
fo cutsets --from openpsa "$M"
check "cutsets --from openpsa on an inventory: status 3" is 3
check "cutsets --from openpsa on an inventory: located error" grep -q -E '^samples/migration/after.xml:[0-9]+:[0-9]+: error: ' "$tmp/err"
fo whatif --from openpsa "$M" --fail gz
check "whatif --from openpsa: not a graph format (status 2)" is 2

# ------------------------------------------ the report's availability section
fo report "$A" --scenarios samples/migration/scenarios.xml -o "$tmp/rep" -q --no-diagrams
check "report with failure data: status 0" is 0
check "report: an availability section" has "## Availability" "$tmp/rep/report.md"
check "report: pay-app's P(down) and the loop first to harden" \
	has "| pay-app | 1 | 0.0004295 | 3.37 | 226 | gz-water-loop (F-V 0.6376), pay-svc (F-V 0.2328), pay-app (F-V 0.1164) |" "$tmp/rep/report.md"
check "report: the section in the page too" has '<section id="availability">' "$tmp/rep/index.html"
fo report "$M" --scenarios samples/migration/scenarios.xml -o "$tmp/rep2" -q --no-diagrams
check "report without failure data: no availability section" lacks "^## Availability" "$tmp/rep2/report.md"
check "report: pairs of tier-1 apps" has "| pay-app | 62 | gz-3 + gz-4," "$tmp/rep2/report.md"
# Some nodes without data: the app says so instead of a number.
sed 's/<failure-data kind="vm"[^>]*>//' "$A" >"$tmp/partial.xml"
fo report "$tmp/partial.xml" --scenarios samples/migration/scenarios.xml -o "$tmp/rep3" -q --no-diagrams
check "report with partial failure data: status 0" is 0
check "report with partial failure data: the app says what is missing" \
	has "| pay-app | 1 | unknown |  |  | no failure data for 2 nodes |" "$tmp/rep3/report.md"
fo availability "$tmp/partial.xml"
check "availability with partial failure data: status 3" is 3
check "availability with partial failure data: names the nodes" \
	has "no failure data for 2 nodes of pay-app: vm-3, vm-4 (give each" "$tmp/err"

echo "risk-checks: $pass passed, $fail failed"
[ "$fail" = 0 ]
