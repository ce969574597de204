#!/bin/sh
# tests/cli/checks.sh: scripted CLI checks that a golden file cannot express
# (files written with -o, magic bytes, SVG well-formedness and injection,
# hostile and generated inputs with time limits, determinism, exit statuses).
# Run by tests/cli/run.sh after the golden cases, from anywhere:
#   FALLOUT=./fallout sh tests/cli/checks.sh
# $FALLOUT may be a command line (e.g. "valgrind -q ./fallout"): it is
# word-split on purpose. Tools used: POSIX utilities, timeout, xmllint, dot.

set -u
: "${FALLOUT:=./fallout}"
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

# Generous limits under valgrind, tight ones otherwise.
scale=1
case $FALLOUT in *valgrind*) scale=10 ;; esac

Q=samples/quickstart.xml
T=samples/tencent-gz-2023.xml
F=samples/fire-backups.xml
H=tests/cli/inputs/hostile-names.xml
MARKER='FALLOUT-SECRET-MARKER'

. tests/cli/prefix.sh

check() {
	desc=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		echo "FAIL $desc"
		fail=$((fail + 1))
	fi
}


# A sanitizer or valgrind report on stderr fails the run, whatever the
# check looks at.
no_tool_report() { # ARGS...
	if grep -q -E 'ERROR: [A-Za-z]+Sanitizer|runtime error:|^==[0-9]+== ' "$tmp/err"; then
		echo "FAIL fallout $*: sanitizer or valgrind report:"
		head -20 "$tmp/err"
		fail=$((fail + 1))
	fi
}

# fo ARGS...: runs fallout with a time limit; stdout in $tmp/out, stderr in
# $tmp/err, exit status in $st. Redirect stdin on the call if needed.
fo() {
	# shellcheck disable=SC2086
	timeout $((10 * scale)) $FALLOUT "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	no_tool_report "$@"
	check "stderr prefixed: fallout $*" stderr_prefixed "$tmp/err" "$@"
}

# fo_limit SECONDS ARGS...: same with an explicit limit.
fo_limit() {
	lim=$(($1 * scale))
	shift
	# shellcheck disable=SC2086
	timeout "$lim" $FALLOUT "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	no_tool_report "$@"
	check "stderr prefixed: fallout $*" stderr_prefixed "$tmp/err" "$@"
}

is() { [ "$st" = "$1" ]; }
has() { grep -q -e "$1" "$2"; }
hasF() { grep -q -F -e "$1" "$2"; }
lacks() { ! grep -q -F -e "$1" "$2"; }
lacks_re() { ! grep -q -E -e "$1" "$2"; }
same() { cmp -s "$1" "$2"; }
empty_dir() { [ -z "$(ls -A "$1")" ]; }
# The first bytes of a file, in hex (od is POSIX; xxd is not).
magic() { head -c "$2" "$1" | od -An -tx1 | tr -d ' \n'; }
# An id as Graphviz writes it in SVG text and attributes ('-' as &#45;).
svg_text() { printf '%s' "$1" | sed 's/-/\&#45;/g'; }

# A JSON impact line (one per line by contract) with these two key/values.
impact_has() { # FILE ID KEY-VALUE
	grep -F -e "{\"id\": \"$2\", " "$1" | grep -q -F -e "$3"
}

# Element names in an SVG must come from what Graphviz writes; attributes
# too. Anything else would be injected markup.
svg_clean() { # FILE
	elems=$(grep -o '<[a-zA-Z][a-zA-Z0-9:_.-]*' "$1" | sed 's/^<//' | sort -u)
	for e in $elems; do
		case $e in
		svg | g | title | text | polygon | polyline | path | ellipse | a | defs | \
			linearGradient | radialGradient | stop | image | tspan) ;;
		*)
			echo "  unexpected element <$e> in $1"
			return 1
			;;
		esac
	done
	attrs=$(grep -o '[[:space:]][a-zA-Z][a-zA-Z0-9:_.-]*="' "$1" | sed 's/^[[:space:]]*//; s/="$//' | sort -u)
	for at in $attrs; do
		case $at in
		version | encoding | standalone | width | height | viewBox | xmlns | xmlns:xlink | \
			id | class | transform | fill | fill-opacity | stroke | stroke-width | \
			stroke-opacity | stroke-dasharray | points | d | cx | cy | rx | ry | x | y | \
			x1 | y1 | x2 | y2 | offset | style | text-anchor | font-family | font-size | \
			font-weight | font-style | text-decoration | xlink:title | xlink:href | \
			target | preserveAspectRatio | gradientUnits) ;;
		*)
			echo "  unexpected attribute $at= in $1"
			return 1
			;;
		esac
	done
	if grep -q -i '<script' "$1" ||
		grep -q -i -E '[[:space:]]on[a-z]+[[:space:]]*=[[:space:]]*"' "$1" ||
		grep -q -i -E 'href="[[:space:]]*javascript:' "$1"; then
		echo "  script, event handler or javascript: URL in $1"
		return 1
	fi
}

xml_ok() { xmllint --noout --nonet "$1" 2>"$tmp/xmllint.err"; }
xsd_ok() { # XSD FILE...
	xsd=$1
	shift
	xmllint --noout --nonet --schema "$xsd" "$@" 2>"$tmp/xmllint.err"
}

# ---------------------------------------------------------------- samples
# Tencent, 29 March 2023: fail the Guangzhou cooling plant.
tencent_down="wechat-voice wechat-moments wechat-pay qq-file-transfer qzone qq-mail"
tencent_degraded="wechat-chat qq-msg"

fo whatif "$T" --fail gz-cooling --format json
cp "$tmp/out" "$tmp/tencent.json"
check "tencent json: status 0" is 0
for app in $tencent_down; do
	check "tencent json: $app is down" impact_has "$tmp/tencent.json" "$app" '"state": "down"'
	check "tencent json: $app is not lost" impact_has "$tmp/tencent.json" "$app" '"lost": false'
done
for app in $tencent_degraded; do
	check "tencent json: $app is degraded" impact_has "$tmp/tencent.json" "$app" '"state": "degraded"'
	check "tencent json: $app has the degraded flag" impact_has "$tmp/tencent.json" "$app" '"degraded": true'
done
check "tencent json: summary lost 0" has '^ "summary": {.*"lost": 0,' "$tmp/tencent.json"
check "tencent json: 6 apps down, 2 degraded" has '"apps_down": 6, "apps_degraded": 2,' "$tmp/tencent.json"
check "tencent json: no impact is lost" lacks '"lost": true' "$tmp/tencent.json"

fo whatif "$T" --fail gz-cooling
cp "$tmp/out" "$tmp/tencent.txt"
check "tencent text: status 0" is 0
for app in $tencent_down; do
	check "tencent text: $app down" has "^  $app  .*  down  " "$tmp/tencent.txt"
done
for app in $tencent_degraded; do
	check "tencent text: $app degraded" has "^  $app  .*  degraded, at-risk  " "$tmp/tencent.txt"
done
check "tencent text: nothing lost" has '^fail gz-cooling: .* (0 lost),' "$tmp/tencent.txt"
check "tencent text: no lost-data section" lacks 'lost data' "$tmp/tencent.txt"

fo render "$T" --fail gz-cooling -o "$tmp/t.svg"
check "tencent svg: status 0" is 0
check "tencent svg: nothing on stdout" [ ! -s "$tmp/out" ]
check "tencent svg: well-formed (xmllint)" xml_ok "$tmp/t.svg"
check "tencent svg: only Graphviz markup" svg_clean "$tmp/t.svg"
for app in $tencent_down $tencent_degraded; do
	check "tencent svg: $app is drawn" hasF ">$(svg_text "$app")</text>" "$tmp/t.svg"
done
for app in $tencent_down; do
	check "tencent svg: $app tooltip says down" hasF "xlink:title=\"$(svg_text "$app") (app): down;" "$tmp/t.svg"
done
for app in $tencent_degraded; do
	check "tencent svg: $app tooltip says degraded" hasF "xlink:title=\"$(svg_text "$app") (app): degraded" "$tmp/t.svg"
done
for name in 'WeChat voice calls 微信语音' 'WeChat Moments 朋友圈' 'WeChat Pay 微信支付' \
	'QQ file transfer 文件传输' 'Qzone QQ空间' 'QQ Mail QQ邮箱' 'WeChat text chat 微信聊天' \
	'QQ messaging'; do
	check "tencent svg: name '$name' is drawn" hasF ">$name</text>" "$tmp/t.svg"
done

# OVHcloud SBG, 10 March 2021: destroy the building SBG2.
fo whatif "$F" --destroy sbg2 --format json
cp "$tmp/out" "$tmp/fire.json"
check "fire json: status 0" is 0
check "fire json: a-world-data is lost" impact_has "$tmp/fire.json" a-world-data '"lost": true'
check "fire json: b-customer-data is not lost" impact_has "$tmp/fire.json" b-customer-data '"lost": false'
check "fire json: b-customer-data is at-risk" impact_has "$tmp/fire.json" b-customer-data '"state": "at-risk"'
check "fire json: a-game is down" impact_has "$tmp/fire.json" a-game '"state": "down"'
check "fire json: b-crm is down" impact_has "$tmp/fire.json" b-crm '"state": "down"'
check "fire json: summary lost 1" has '^ "summary": {.*"lost": 1,' "$tmp/fire.json"
fo whatif "$F" --destroy sbg2
check "fire text: a-game down" has '^  a-game  .*  down  ' "$tmp/out"
check "fire text: b-crm down" has '^  b-crm  .*  down  ' "$tmp/out"
check "fire text: lost-data section lists a-world-data" has '^  a-world-data  dataset  tenant-a  ' "$tmp/out"
check "fire text: b-customer-data listed as at-risk data" has '^  b-customer-data  dataset  tenant-b  1 of 2 left  b-backup-rbx  sbg2$' "$tmp/out"
check "fire text: b-customer-data not listed as lost" test "$(grep -c b-customer-data "$tmp/out")" = 1
check "fire text: a-game names its lost data" has '^  a-game  .*  a-server  a-world-data$' "$tmp/out"
check "fire text: the summary counts it" hasF '; apps: 2 hit = 2 down (1 needs lost data) + ' "$tmp/out"
# The generated 100-tenant estate: a site failure ranked by impact and cut
# by --top to a screen, the rest summed up on one line.
fo gen --nodes 3000 -o "$tmp/gen3000.xml"
fo whatif "$tmp/gen3000.xml" --fail r1-z1-s1 --top 5
check "gen 3000 --top 5: status 0" is 0
check "gen 3000 --top 5: a screen, not 1,228 lines" test "$(wc -l <"$tmp/out")" -le 60
check "gen 3000 --top 5: five tenants" test "$(grep -c '^t[0-9]*: [0-9]* apps\{0,1\}: ' "$tmp/out")" = 5
check "gen 3000 --top 5: the others on one line" has '^… and 83 more tenants: [0-9]* apps: ' "$tmp/out"
check "gen 3000 --top 5: rows cut too" has '^  … and [0-9]* more apps: ' "$tmp/out"
fo render "$F" --destroy sbg2 -o "$tmp/f.svg"
check "fire svg: status 0" is 0
check "fire svg: well-formed" xml_ok "$tmp/f.svg"
check "fire svg: only Graphviz markup" svg_clean "$tmp/f.svg"
check "fire svg: a-world-data lost" hasF "xlink:title=\"a&#45;world&#45;data (dataset): down (lost);" "$tmp/f.svg"
check "fire svg: b-customer-data at-risk" hasF "xlink:title=\"b&#45;customer&#45;data (dataset): at&#45;risk;" "$tmp/f.svg"
check "fire svg: a-game down" hasF "xlink:title=\"a&#45;game (app): down;" "$tmp/f.svg"
check "fire svg: b-crm down" hasF "xlink:title=\"b&#45;crm (app): down;" "$tmp/f.svg"
# The same lost and down apps when the whole site burns, or is cut off while SBG2 burns.
for scen in "--destroy sbg" "--fail sbg --destroy sbg2"; do
	# shellcheck disable=SC2086
	fo whatif "$F" $scen --format json
	check "fire $scen: a-world-data lost" impact_has "$tmp/out" a-world-data '"lost": true'
	check "fire $scen: b-customer-data not lost" impact_has "$tmp/out" b-customer-data '"lost": false'
	check "fire $scen: a-game, b-crm down" has '"apps_down": 2,' "$tmp/out"
done

# Quickstart: the cooling plant of GZ3.
fo whatif "$Q" --fail gz3-cooling --format json
check "quickstart json: wechat-pay at-risk" impact_has "$tmp/out" wechat-pay '"state": "at-risk"'
check "quickstart json: photos at-risk" impact_has "$tmp/out" photos '"state": "at-risk"'
check "quickstart json: 5 down" has '"down": 5, "lost": 0,' "$tmp/out"
fo whatif "$Q" --fail gz3-cooling
check "quickstart text: wechat-pay at-risk" has '^  wechat-pay  at-risk  1  ' "$tmp/out"
fo render "$Q" --fail gz3-cooling -o "$tmp/q.svg"
check "quickstart svg: well-formed" xml_ok "$tmp/q.svg"
check "quickstart svg: wechat-pay at-risk" hasF "xlink:title=\"wechat&#45;pay (app): at&#45;risk;" "$tmp/q.svg"
check "quickstart svg: 1 of 2 group drawn" hasF '>1 of 2</text>' "$tmp/q.svg"

# A name of 9 MB (libxml2 takes attribute values up to 10 MB): its label is
# cut at 200 characters, so the layout stays fast (it took 7 s and 700 MB,
# then failed). The time limit of fo() is the bound, no clock is read.
{
	printf '<inventory version="1"><node id="big" kind="service" name="'
	head -c 9000000 /dev/zero | tr '\0' x
	printf '"/><node id="app" kind="app"><requires ref="big"/></node></inventory>\n'
} >"$tmp/bigname.xml"
fo render "$tmp/bigname.xml" --fail big -o "$tmp/bigname.svg"
check "9 MB name: render status 0 within the time limit" is 0
check "9 MB name: svg well-formed" xml_ok "$tmp/bigname.svg"
check "9 MB name: label cut at 200 characters" \
	grep -q -E '>x{200}…</text>' "$tmp/bigname.svg"
check "9 MB name: svg small" [ "$(wc -c <"$tmp/bigname.svg")" -lt 100000 ]

# ---------------------------------------------------------------- -o FILE
mkdir "$tmp/o"
for fmt in text json csv; do
	fo whatif "$T" --fail gz-cooling --format "$fmt" --all
	cp "$tmp/out" "$tmp/stdout.$fmt"
	fo whatif "$T" --fail gz-cooling --format "$fmt" --all -o "$tmp/o/w.$fmt"
	check "whatif -o ($fmt): status 0" is 0
	check "whatif -o ($fmt): nothing on stdout" [ ! -s "$tmp/out" ]
	check "whatif -o ($fmt): same bytes as stdout" same "$tmp/stdout.$fmt" "$tmp/o/w.$fmt"
done
fo whatif "$Q" --fail gz3-cooling --why wechat-pay
cp "$tmp/out" "$tmp/why.txt"
fo whatif "$Q" --fail gz3-cooling --why wechat-pay --output="$tmp/o/why.txt"
check "whatif --why --output=: same bytes as stdout" same "$tmp/why.txt" "$tmp/o/why.txt"
fo render "$T" --fail gz-cooling
cp "$tmp/out" "$tmp/stdout.dot"
fo render "$T" --fail gz-cooling -o "$tmp/o/r.dot"
check "render -o x.dot: same bytes as stdout" same "$tmp/stdout.dot" "$tmp/o/r.dot"
fo render "$T" --fail gz-cooling --format svg
cp "$tmp/out" "$tmp/stdout.svg"
check "render -o x.svg: same bytes as --format svg on stdout" same "$tmp/stdout.svg" "$tmp/t.svg"
rm -f "$tmp"/o/*

# A failed run leaves no file and no temporary file behind ...
fo whatif "$Q" --fail no-such-id -o "$tmp/o/x.json" --format json
check "failed whatif -o: status 2" is 2
check "failed whatif -o: no file, no temporary file" empty_dir "$tmp/o"
fo render "$Q" --scope app:no-such-app -o "$tmp/o/x.svg"
check "failed render -o: status 2" is 2
check "failed render -o: no file, no temporary file" empty_dir "$tmp/o"
fo whatif tests/cli/inputs/dangling-ref.xml --fail a -o "$tmp/o/x.txt"
check "invalid inventory with -o: status 3" is 3
check "invalid inventory with -o: no file, no temporary file" empty_dir "$tmp/o"
# ... and an existing file is kept as it was.
echo previous >"$tmp/o/keep.json"
fo whatif "$Q" --fail no-such-id --format json -o "$tmp/o/keep.json"
check "failed run: existing -o file untouched" [ "$(cat "$tmp/o/keep.json")" = previous ]
fo whatif "$Q" --fail gz3-cooling --format json -o "$tmp/o/keep.json"
check "successful run: existing -o file replaced" has '"inventory": "quickstart"' "$tmp/o/keep.json"
check "successful run: only the output file is left" [ "$(ls -A "$tmp/o")" = keep.json ]
rm -f "$tmp"/o/*
# A file that cannot be written: status 4, nothing left behind.
fo whatif "$Q" --fail gz3-cooling -o "$tmp/no-such-dir/x.txt"
check "whatif -o into a missing directory: status 4" is 4
check "whatif -o into a missing directory: message" hasF "cannot write" "$tmp/err"
fo render "$Q" -o "$tmp/no-such-dir/x.svg"
check "render -o into a missing directory: status 4" is 4
fo whatif "$Q" --fail gz3-cooling -o "$tmp/o"
check "whatif -o onto a directory: status 4" is 4
check "whatif -o onto a directory: no temporary file" empty_dir "$tmp/o"
# Writes that fail half-way (a file size limit of a few KiB): status 4, no
# temporary file. Not under valgrind, which needs files of its own.
write_limited() { # NAME ARGS...
	name=$1
	shift
	(
		trap '' XFSZ
		ulimit -f 8
		# shellcheck disable=SC2086
		timeout $((10 * scale)) $FALLOUT "$@" -o "$tmp/o/$name" >/dev/null 2>"$tmp/err"
	)
	st=$?
}
if [ $scale = 1 ]; then
	write_limited big.json whatif "$T" --fail gz-cooling --format json
	check "whatif -o, write fails: status 4" is 4
	check "whatif -o, write fails: no file, no temporary file" empty_dir "$tmp/o"
	write_limited big.dot render "$T" --fail gz-cooling
	check "render dot -o, write fails: status 4" is 4
	check "render dot -o, write fails: no file, no temporary file" empty_dir "$tmp/o"
	write_limited big.svg render "$T" --fail gz-cooling
	check "render svg -o, write fails: status 4" is 4
	check "render svg -o, write fails: no temporary file left" empty_dir "$tmp/o"
	rm -f "$tmp"/o/*
fi
# Standard output that cannot be written: status 4.
if [ -w /dev/full ]; then
	for args in "check $Q" "whatif $Q --fail gz3-cooling" "whatif $T --fail gz-cooling --format json" \
		"render $Q"; do
		# shellcheck disable=SC2086
		timeout $((10 * scale)) $FALLOUT $args >/dev/full 2>/dev/null
		st=$?
		check "fallout $args >/dev/full: status 4" is 4
	done
	for fmt in svg png; do
		# shellcheck disable=SC2086
		timeout $((10 * scale)) $FALLOUT render "$Q" --format $fmt >/dev/full 2>/dev/null
		st=$?
		check "fallout render --format $fmt >/dev/full: status 4" is 4
	done
fi

# ---------------------------------------------------------------- render formats
for ext in svg png pdf dot gv; do
	fo render "$Q" --fail gz3-cooling -o "$tmp/o/x.$ext"
	check "render -o x.$ext: status 0" is 0
	check "render -o x.$ext: nothing on stdout" [ ! -s "$tmp/out" ]
done
check "render -o x.svg: an XML document" [ "$(head -c 5 "$tmp/o/x.svg")" = "<?xml" ]
check "render -o x.svg: an SVG" has '<svg ' "$tmp/o/x.svg"
check "render -o x.png: PNG signature" [ "$(magic "$tmp/o/x.png" 8)" = 89504e470d0a1a0a ]
check "render -o x.pdf: PDF header" [ "$(head -c 5 "$tmp/o/x.pdf")" = "%PDF-" ]
check "render -o x.dot: DOT" [ "$(head -c 8 "$tmp/o/x.dot")" = "digraph " ]
check "render -o x.gv: DOT" same "$tmp/o/x.dot" "$tmp/o/x.gv"
# shellcheck disable=SC2012
check "render -o: only the output files are left" [ "$(ls -A "$tmp/o" | tr '\n' ' ')" = "x.dot x.gv x.pdf x.png x.svg " ]
fo render "$Q" --fail gz3-cooling --format png
check "render --format png to a pipe: PNG" [ "$(magic "$tmp/out" 4)" = 89504e47 ]
fo render "$Q" --fail gz3-cooling --format pdf
check "render --format pdf to a pipe: PDF" [ "$(head -c 4 "$tmp/out")" = "%PDF" ]
fo render "$Q" --fail gz3-cooling --format dot -o "$tmp/o/forced.svg"
check "render --format beats the extension" [ "$(head -c 8 "$tmp/o/forced.svg")" = "digraph " ]
rm -f "$tmp"/o/*
# PNG and PDF are refused on a terminal (script(1) provides one), SVG is not.
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
	for fmt in png pdf; do
		script -qec "timeout $((10 * scale)) $FALLOUT render $Q --format $fmt" /dev/null >"$tmp/tty.out" 2>&1
		st=$?
		check "render --format $fmt to a terminal: status 2" is 2
		check "render --format $fmt to a terminal: message" hasF "not writing $fmt to a terminal" "$tmp/tty.out"
	done
	script -qec "timeout $((10 * scale)) $FALLOUT render $Q --format svg" /dev/null >"$tmp/tty.out" 2>&1
	st=$?
	check "render --format svg to a terminal: status 0" is 0
fi
fo render "$Q" -o "$tmp/o/x.jpeg"
check "render -o x.jpeg: status 2" is 2
check "render -o x.jpeg: hint names the extensions" hasF ".svg" "$tmp/err"
check "render -o x.jpeg: no file" empty_dir "$tmp/o"
fo render "$Q" -o "$tmp/o/noextension"
check "render -o without extension: status 2" is 2

# A scope too large to lay out is refused at once, with a hint.
awk 'BEGIN {
	print "<inventory name=\"big\" version=\"1\">"
	print "<node id=\"site\" kind=\"site\">"
	for (i = 0; i < 3000; i++)
		printf "<node id=\"h%d\" kind=\"host\"><requires ref=\"h%d\"/></node>\n", i, (i + 1) % 3000
	print "</node>"
	print "<node id=\"app\" kind=\"app\"><requires ref=\"h0\"/></node>"
	print "</inventory>"
}' >"$tmp/big.xml"
# By default it becomes the impact map, in budget.
fo_limit 20 render "$tmp/big.xml" --scope all
check "render 3000 nodes --scope all: the map, status 0, no hang" is 0
check "render 3000 nodes --scope all: 3002 nodes in a few boxes" hasF "3,002 nodes in " "$tmp/out"
fo_limit 20 render "$tmp/big.xml" --fail h7 -o "$tmp/o/big.svg"
check "render 3000 nodes impact -o x.svg: the map, status 0" is 0
check "render 3000 nodes impact -o x.svg: written" [ -s "$tmp/o/big.svg" ]
rm -f "$tmp/o/big.svg"
# Node by node on request: refused at once, with what helps.
fo_limit 20 render "$tmp/big.xml" --scope all --detail nodes
check "render 3000 nodes --detail nodes: status 2, no hang" is 2
check "render too large: hint about the map" hasF "--detail map" "$tmp/err"
check "render too large: hint about --paths" hasF "--paths" "$tmp/err"
check "render too large: hint about --max-nodes" hasF "--max-nodes" "$tmp/err"
check "render too large: no useless hint" lacks "--scope impact" "$tmp/err"
check "render too large: nothing on stdout" [ ! -s "$tmp/out" ]
fo_limit 20 render "$tmp/big.xml" --fail h7 --detail nodes -o "$tmp/o/big.svg"
check "render too large impact -o x.svg: status 2, no hang" is 2
check "render too large: no file, no temporary file" empty_dir "$tmp/o"
fo_limit 20 render "$tmp/big.xml" --scope app:app --detail nodes --format svg
check "render too large app scope: status 2, no hang" is 2
# A PNG too large to stay legible is refused, not scaled down: 400 services
# side by side under one power feed.
awk 'BEGIN {
	print "<inventory name=\"wide\" version=\"1\">"
	print "<node id=\"feed\" kind=\"power\"/>"
	for (i = 0; i < 400; i++)
		printf "<node id=\"service-with-a-long-name-%d\" kind=\"service\"><requires ref=\"feed\"/></node>\n", i
	print "</inventory>"
}' >"$tmp/wide.xml"
fo_limit 60 render "$tmp/wide.xml" --fail feed --detail nodes -o "$tmp/o/big.png"
check "render PNG too large: status 2" is 2
check "render PNG too large: suggests SVG" hasF "-o FILE.svg" "$tmp/err"
check "render PNG too large: no file" empty_dir "$tmp/o"
fo_limit 60 render "$tmp/wide.xml" --fail feed --detail nodes --format pdf -o "$tmp/o/big.pdf"
check "render PDF too large: status 2" is 2
check "render PDF too large: no file" empty_dir "$tmp/o"
fo_limit 60 render "$tmp/wide.xml" --fail feed -o "$tmp/o/map.png"
check "render PNG of the map instead: status 0" is 0
check "render PNG of the map instead: a PNG" [ "$(magic "$tmp/o/map.png" 4)" = 89504e47 ]
rm -f "$tmp/o/map.png"
# A generated inventory: the site failure is a map within 150 boxes.
$FALLOUT gen --nodes 3000 --seed 1 -o "$tmp/gen.xml" 2>"$tmp/err"
fo_limit 60 render "$tmp/gen.xml" --fail r1-z1-s1 -o "$tmp/o/gen.svg"
check "render generated site failure: status 0" is 0
boxes=$(sed -n 's/.* nodes in \([0-9,]*\) boxes.*/\1/p' "$tmp/o/gen.svg" | tr -d , | head -n 1)
check "render generated site failure: at most 150 boxes" test "${boxes:-999}" -le 150
rm -f "$tmp/o/gen.svg"
fo_limit 20 whatif "$tmp/big.xml" --fail h7 --format json
check "whatif on 3000 nodes in a cycle: fast, status 0" is 0
check "whatif on 3000 nodes in a cycle: everything down" has '"down": 3001,' "$tmp/out"

# ---------------------------------------------------------------- hostile names
fail_id='cool"]; evil [label="x'
for scope in all impact; do
	if [ $scope = all ]; then
		fo render "$H" --scope all
	else
		fo render "$H" --fail "$fail_id"
	fi
	cp "$tmp/out" "$tmp/h-$scope.dot"
	check "hostile names ($scope): render status 0" is 0
	dot -Tsvg "$tmp/h-$scope.dot" >"$tmp/h-$scope-dot.svg" 2>"$tmp/dot.err"
	st=$?
	check "hostile names ($scope): Graphviz dot -Tsvg accepts the DOT" is 0
	check "hostile names ($scope): dot reported no syntax problem" lacks "syntax" "$tmp/dot.err"
	check "hostile names ($scope): dot reported no error" lacks "rror" "$tmp/dot.err"
	check "hostile names ($scope): dot's SVG is well-formed" xml_ok "$tmp/h-$scope-dot.svg"
	check "hostile names ($scope): dot's SVG holds only Graphviz markup" svg_clean "$tmp/h-$scope-dot.svg"
	# Only the synthetic node names exist: no node or edge was injected.
	dot -Tplain "$tmp/h-$scope.dot" | awk '$1 == "node" { print $2 } $1 == "edge" { print $2; print $3 }' |
		sort -u >"$tmp/names"
	check "hostile names ($scope): only synthetic node names" \
		[ -z "$(grep -v -E '^(n[0-9]+|g[0-9]+|b[0-9]+|legend_[a-z_]+[0-9]*)$' "$tmp/names")" ]
	if [ $scope = all ]; then
		fo render "$H" --scope all -o "$tmp/h-$scope.svg"
	else
		fo render "$H" --fail "$fail_id" -o "$tmp/h-$scope.svg"
	fi
	check "hostile names ($scope): render -o x.svg status 0" is 0
	check "hostile names ($scope): fallout's SVG is well-formed" xml_ok "$tmp/h-$scope.svg"
	check "hostile names ($scope): fallout's SVG holds only Graphviz markup" svg_clean "$tmp/h-$scope.svg"
done
# Every hostile text is shown, escaped, not lost or interpreted by dot.
for text in '&lt;/text&gt;&lt;/g&gt;&lt;/svg&gt;&lt;svg&gt;' \
	'&lt;script&gt;alert(1)&lt;/script&gt;' \
	'&amp;lt;img src=x onerror=alert(1)&amp;gt; &amp;#0;' \
	'vm &lt;![CDATA[x]]&gt; &amp;amp; &amp;#1;' \
	'>\N \G \L \\ \&quot;<' \
	'>hall \N \G \L \E \T \H \l \r<' \
	'&quot;]; evil [label=&quot;x' \
	'&quot; onload=&quot;x' \
	'>广州电信机房<' \
	'>second line &lt;script&gt;alert(1)&lt;/script&gt;<' \
	'data ]]&gt; &lt;?xml ?&gt;' \
	'>=HYPERLINK(&quot;http://x.example/?&quot;&amp;A1)<'; do
	check "hostile names: SVG shows $text" hasF "$text" "$tmp/h-all.svg"
done
check "hostile names: the newline in an id is a line break, not a node" hasF '>&#45;&gt; n0 [shape=box]<' "$tmp/h-all.svg"
for fmt in png pdf; do
	fo render "$H" --scope all -o "$tmp/o/h.$fmt"
	check "hostile names: render -o x.$fmt status 0" is 0
done
rm -f "$tmp"/o/*

# ---------------------------------------------------------------- hostile inputs
# Each must be refused fast (status 3, located error) and never read anything
# outside the file: the marker of tests/hostile/secret.txt must not show up.
located() { # FILE-AS-SHOWN OUTPUT
	grep -q -F -e "$1:" "$2" && grep -q -E -e '^[^ ]*:[0-9]+:[0-9]+: error: ' "$2"
}
for f in tests/hostile/*.xml tests/hostile/*.bin; do
	case $f in
	*/schema-location.xml)
		fo check "$f"
		check "$f: valid (the schema location hint is ignored)" is 0
		continue
		;;
	esac
	fo check "$f"
	check "$f: check status 3 (no hang)" is 3
	check "$f: check prints FILE:LINE:COL: error:" located "$f" "$tmp/out"
	check "$f: secret marker not shown" lacks "$MARKER" "$tmp/out"
	for cmd in "whatif --fail a" "render"; do
		# shellcheck disable=SC2086
		fo $cmd "$f"
		check "$f: $cmd status 3" is 3
		check "$f: $cmd error on stderr, located" located "$f" "$tmp/err"
		check "$f: $cmd secret marker not shown" lacks "$MARKER" "$tmp/err"
		check "$f: $cmd nothing on stdout" [ ! -s "$tmp/out" ]
	done
done
check "secret marker is where the README says" hasF "$MARKER" tests/hostile/secret.txt

# Generated hostile inputs.
awk 'BEGIN {
	printf "<inventory version=\"1\">"
	for (i = 0; i < 10000; i++) printf "<node id=\"d%d\" kind=\"zone\">", i
	for (i = 0; i < 10000; i++) printf "</node>"
	print "</inventory>"
}' >"$tmp/deep.xml"
awk 'BEGIN {
	print "<?xml version=\"1.0\"?>"
	print "<!DOCTYPE inventory ["
	print "<!ENTITY lol \"lol\">"
	for (i = 1; i <= 12; i++) {
		printf "<!ENTITY lol%d \"", i
		for (j = 0; j < 10; j++) printf "&lol%s;", (i == 1 ? "" : i - 1)
		print "\">"
	}
	print "]>"
	print "<inventory version=\"1\"><node id=\"&lol12;\" kind=\"app\" name=\"&lol12;\"/></inventory>"
}' >"$tmp/laughs.xml"
# Quadratic blow-up: one 50 kB entity referenced 1.6 million times (5 MB).
awk 'BEGIN {
	printf "<?xml version=\"1.0\"?>\n<!DOCTYPE inventory [\n<!ENTITY a \""
	for (i = 0; i < 50000; i++) printf "x"
	printf "\">\n]>\n<inventory version=\"1\">\n<node kind=\"app\" id=\""
	for (i = 0; i < 1600000; i++) printf "&a;"
	printf "\"/>\n</inventory>\n"
}' >"$tmp/quadratic.xml"
# The same size without a DOCTYPE: a 5 MB id.
awk 'BEGIN {
	printf "<inventory version=\"1\"><node kind=\"app\" id=\""
	for (i = 0; i < 5000000; i++) printf "x"
	print "\"/></inventory>"
}' >"$tmp/long-id.xml"
# An external entity pointing at the secret, from a generated file.
printf '<?xml version="1.0"?>\n<!DOCTYPE inventory [<!ENTITY s SYSTEM "file://%s/tests/hostile/secret.txt">]>\n<inventory><node id="&s;" kind="app"/></inventory>\n' \
	"$(pwd)" >"$tmp/xxe.xml"
for g in deep laughs quadratic long-id xxe; do
	fo check "$tmp/$g.xml"
	check "generated $g.xml: check status 3 within the time limit" is 3
	check "generated $g.xml: located error" located "$tmp/$g.xml" "$tmp/out"
	check "generated $g.xml: secret marker not shown" lacks "$MARKER" "$tmp/out"
	fo whatif "$tmp/$g.xml" --fail a
	check "generated $g.xml: whatif status 3" is 3
done
check "quadratic blow-up file is 5 MB" [ "$(wc -c <"$tmp/quadratic.xml")" -gt 4800000 ]

# A truncated copy of the Tencent sample.
size=$(wc -c <"$T")
head -c $((size / 2)) "$T" >"$tmp/tencent-half.xml"
fo check "$tmp/tencent-half.xml"
check "truncated tencent: check status 3" is 3
check "truncated tencent: located error" located "$tmp/tencent-half.xml" "$tmp/out"
fo whatif "$tmp/tencent-half.xml" --fail gz-cooling
check "truncated tencent: whatif status 3" is 3
check "truncated tencent: whatif located error" located "$tmp/tencent-half.xml" "$tmp/err"

# ---------------------------------------------------------------- standard input
fo check - <"$tmp/tencent-half.xml"
check "check - (truncated): status 3" is 3
check "check - (truncated): error names <stdin>" located "<stdin>" "$tmp/out"
fo whatif - --fail a <tests/cli/inputs/dangling-ref.xml
check "whatif - (invalid): status 3" is 3
check "whatif - (invalid): errors name <stdin>" has '^<stdin>:4:20: error: unknown reference' "$tmp/err"
fo render - <tests/hostile/doctype-external-marker.xml
check "render - (DOCTYPE): status 3" is 3
check "render - (DOCTYPE): error names <stdin>" located "<stdin>" "$tmp/err"
check "render - (DOCTYPE): secret marker not shown" lacks "$MARKER" "$tmp/err"
fo check - <"$T"
check "check - (tencent): status 0" is 0
check "check - (tencent): summary names <stdin>" has '^<stdin>: ok: 82 nodes' "$tmp/out"
for fmt in text json csv; do
	fo whatif "$T" --fail gz-cooling --format $fmt
	cp "$tmp/out" "$tmp/file.$fmt"
	fo whatif - --fail gz-cooling --format $fmt <"$T"
	check "whatif - ($fmt): status 0" is 0
	check "whatif - ($fmt): same as from the file" same "$tmp/file.$fmt" "$tmp/out"
done
fo render - --fail gz-cooling <"$T"
check "render - : same DOT as from the file" same "$tmp/stdout.dot" "$tmp/out"
# A pipe, not a file: standard input that cannot be read twice.
# shellcheck disable=SC2002,SC2086
cat "$Q" | $FALLOUT whatif - --fail gz3-cooling --format json >"$tmp/out" 2>"$tmp/err"
check "whatif - from a pipe: wechat-pay at-risk" impact_has "$tmp/out" wechat-pay '"state": "at-risk"'
fo check - <"$Q"
check "check - (quickstart): status 0" is 0
check "check - : warnings carry FILE:LINE:COL like files do" has '^<stdin>:53:3: warning: ' "$tmp/out"

# ---------------------------------------------------------------- determinism
fo whatif "$T" --fail gz-cooling --format json
check "determinism: whatif json twice" same "$tmp/tencent.json" "$tmp/out"
fo whatif "$T" --fail gz-cooling --all
check "determinism: whatif text twice" same "$tmp/stdout.text" "$tmp/out"
fo render "$T" --fail gz-cooling
check "determinism: render dot twice" same "$tmp/stdout.dot" "$tmp/out"
fo render "$T" --fail gz-cooling -o "$tmp/t2.svg"
check "determinism: render svg twice" same "$tmp/t.svg" "$tmp/t2.svg"
fo render "$T" --scope all --format dot
cp "$tmp/out" "$tmp/all1.dot"
fo render "$T" --scope all --format dot
check "determinism: render dot --scope all twice" same "$tmp/all1.dot" "$tmp/out"
fo render "$H" --scope all
check "determinism: hostile render dot twice" same "$tmp/h-all.dot" "$tmp/out"

# ---------------------------------------------------------------- exit statuses (docs/cli.md)
status_is() { # WANT ARGS...
	want=$1
	shift
	fo "$@"
	check "exit status $want: fallout $*" is "$want"
}
status_is 0 check "$Q"
status_is 0 check "$F"
status_is 0 --version
status_is 0 --help
status_is 0 help whatif
status_is 0 whatif --help
status_is 2 frobnicate "$Q"
status_is 2 check "$Q" --frobnicate
status_is 2 whatif "$Q" --fail gz3-cooling -x
status_is 2 check
status_is 2 whatif --fail gz3-cooling
status_is 2 render
status_is 2 whatif "$Q"
status_is 2 whatif "$Q" --fail no-such-id
status_is 2 whatif "$Q" --destroy no-such-id
status_is 2 whatif "$Q" --fail gz3-cooling --why no-such-id
status_is 2 render "$Q" --fail no-such-id
status_is 2 render "$Q" --destroy no-such-id
status_is 2 render "$Q" --scope app:no-such-id
status_is 2 render "$Q" --scope all --max-nodes 3 --detail nodes
status_is 2 whatif "$Q" --fail gz3-cooling --why wechat-pay --format json
status_is 3 check tests/cli/inputs/dangling-ref.xml
status_is 3 check tests/cli/inputs/duplicate-id.xml
status_is 3 check tests/cli/inputs/bad-min.xml
status_is 3 whatif tests/cli/inputs/bad-min-zero.xml --fail a
status_is 3 render tests/hostile/empty.xml
status_is 4 check "$tmp/no-such-file.xml"
status_is 4 whatif "$tmp/no-such-file.xml" --fail a
status_is 4 render "$tmp/no-such-file.xml"
# A folder of inventories is no input (a folder with .json or .yaml files is
# a Kubernetes dump: docs/cli.md, "Inputs").
mkdir -p "$tmp/folder"
cp "$Q" "$tmp/folder/"
status_is 4 check "$tmp/folder"
# An unknown id in --fail is a usage error even when the file is fine; an
# invalid file is reported first (nothing can be looked up in it).
status_is 3 whatif tests/cli/inputs/dangling-ref.xml --fail no-such-id

# ---------------------------------------------------------------- the schema
fo check --print-schema
check "check --print-schema: status 0" is 0
check "check --print-schema: the shipped XSD" same importers/inventory-v1.xsd "$tmp/out"
cp "$tmp/out" "$tmp/printed.xsd"
check "the printed XSD validates the samples" xsd_ok "$tmp/printed.xsd" "$Q" "$T" "$F" "$H"

# ---------------------------------------------------------------- XSD fixtures
if sh tests/xsd/run.sh >"$tmp/xsd.log" 2>&1; then
	pass=$((pass + 1))
else
	grep -v '^ok ' "$tmp/xsd.log"
	echo "FAIL tests/xsd/run.sh"
	fail=$((fail + 1))
fi

# ------------------------------------------- the reader and the XSD agree
# check no longer runs libxml2's schema validator: the reader must give the
# XSD's verdict on every fixture, in its own words (no validator text).
for f in tests/xsd/*.xml; do
	fo check "$f"
	case $f in
	*-ok.xml) check "check agrees with the XSD: $f valid" is 0 ;;
	*) check "check agrees with the XSD: $f invalid" is 3 ;;
	esac
	check "check $f: no validator text" \
		lacks_re "Element '|facet|validation root|not expected|atomic type" "$tmp/out"
	check "check $f: every diagnostic located" lacks_re '^[^:]*\.xml: (error|warning)' "$tmp/out"
done

# ------------------------------------------------- check --format json
# Every JSON document of the golden cases parses, and every diagnostic has
# its six fields, with a documented code (docs/inventory-format.md).
json_diag_ok() { # FILE
	python3 - "$1" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1]))
assert doc["format"] == "fallout-check" and doc["version"] == 1
codes = set(re.findall(r"^\| `([a-z-]+)` \|", open("docs/inventory-format.md").read(), re.M))
assert codes, "no code table in docs/inventory-format.md"
for inv in doc["inventories"]:
    assert set(inv) >= {"file", "status", "valid", "errors", "warnings", "not_shown"}, inv
for d in doc["diagnostics"]:
    assert set(d) == {"file", "line", "column", "severity", "code", "message"}, d
    assert d["severity"] in ("error", "warning"), d
    assert d["code"] in codes, d["code"] + " is not documented"
    assert d["line"] is None or d["line"] >= 1
PY
}
for f in tests/cli/cases/check-*json*.out; do
	check "valid JSON diagnostics: $f" json_diag_ok "$f"
done
fo check --format json tests/cli/inputs/check-messages.xml tests/hostile/xinclude.xml "$Q"
cp "$tmp/out" "$tmp/check.json"
check "check json of three inventories: status 3" is 3
check "check json of three inventories: valid" json_diag_ok "$tmp/check.json"

FALLOUT="$FALLOUT" sh tests/cli/snapshot-checks.sh || fail=$((fail + 1))
FALLOUT="$FALLOUT" sh tests/cli/report-checks.sh || fail=$((fail + 1))
echo "cli-checks: $pass passed, $fail failed"
[ $fail = 0 ]
