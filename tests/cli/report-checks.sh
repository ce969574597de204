#!/bin/sh
# tests/cli/report-checks.sh: checks of `fallout report` (docs/report.md)
# that a one-output golden case cannot express: the report folder's files
# against goldens (tests/golden/report-*/; FO_UPDATE_GOLDEN=1 rewrites
# them), runs equal to `whatif --format json`, diagrams embedded and linked,
# hostile names inert, runs stored in a snapshot database and rebuilt byte
# for byte, all-or-nothing on failure (files and database), the progress
# bar only on a terminal, schema 1 databases migrated.
# Called by tests/cli/checks.sh; runnable alone:
#   FALLOUT=./fallout sh tests/cli/report-checks.sh
# Tools: POSIX utilities, timeout, cmp, xmllint, the sqlite3 command, script.
set -u
cd "$(dirname "$0")/../.." || exit 2
FO_LIMIT=60
. tests/cli/lib.sh
count() { grep -o -F -- "$1" "$2" | wc -l | tr -d ' '; }
# The pages state when they were written: a fixed time (docs/report.md,
# "Reproducible output") makes two runs, and the goldens, comparable.
SOURCE_DATE_EPOCH=1680048000
export SOURCE_DATE_EPOCH
VERSION=$(timeout 20 $FALLOUT --version | sed 's/^fallout //')

B=samples/migration/before.xml
A=samples/migration/after.xml
S=samples/migration/scenarios.xml
HN=tests/cli/inputs/hostile-names.xml
HS=tests/cli/inputs/hostile-scenarios.xml

# golden DIR NAME: the report file DIR/NAME against tests/golden/report-*/.
golden() { # GOLDEN_DIR REPORT_DIR FILE
	if [ "${FO_UPDATE_GOLDEN:-}" = 1 ]; then
		mkdir -p "$1" && cp "$2/$3" "$1/$3"
	fi
	cmp -s "$1/$3" "$2/$3" || { diff -u "$1/$3" "$2/$3" | head -20; return 1; }
}

# --- the report folder, against goldens (diagrams off: Graphviz's bytes
# are not ours; they are checked below by structure).
for side in before after; do
	inv=samples/migration/$side.xml
	fo report "$inv" --scenarios "$S" -o "$tmp/g-$side" --no-diagrams
	check "report $side: exit 0" is 0
	check "report $side: stdout names the folder" has "$tmp/g-$side: 4 scenarios" "$tmp/out"
	check "report $side: quiet stderr" test ! -s "$tmp/err"
	for f in index.html report.md report.json impacts.csv; do
		check "report $side: $f golden" golden tests/golden/report-$side "$tmp/g-$side" "$f"
	done
	check "report $side: no SVG files without diagrams" \
		test -z "$(find "$tmp/g-$side" -name '*.svg')"
	check "report $side: no temporary files left" \
		test -z "$(find "$tmp/g-$side" -name '*.tmp-*')"
done

# --- each run of report.json is `whatif --format json` of its scenario,
# byte for byte; impacts.csv has one row per impacted node.
fo report "$B" --scenarios "$S" -o "$tmp/r"
check "report: exit 0" is 0
i=0
for spec in "--fail chiller-3" "--destroy dc3" "--fail power-3" "--fail vm-3"; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	timeout 20 $FALLOUT whatif "$B" $spec --format json >"$tmp/w$i.json" 2>/dev/null
	# Run i: from its {"scenario": line, without that prefix, to the line
	# ending in "]}}" (the whatif document's "]}" and the run's "}").
	awk -v n="$i" '
		/^\{"scenario": / { k++; on = (k == n); if (on) sub(/^\{"scenario": "[^"]*", "whatif": /, "") }
		on && /\]\}\},?$/ { sub(/\},?$/, ""); print; on = 0; next }
		on { print }
	' "$tmp/r/report.json" >"$tmp/run$i.json"
	check "report: run $i equals whatif --format json" cmp -s "$tmp/w$i.json" "$tmp/run$i.json"
done
check "report: impacts.csv has a header and 29 rows" test "$(wc -l <"$tmp/r/impacts.csv" | tr -d ' ')" = 30
check "report: impacts.csv uses CRLF" test "$(count "$(printf '\r')" "$tmp/r/impacts.csv")" = 30

# --- diagrams: one SVG per scenario, well-formed, embedded in the page with
# ids made unique, linked from report.md.
for n in 001 002 003 004; do
	check "report: scenario-$n.svg written" test -s "$tmp/r/scenario-$n.svg"
	check "report: scenario-$n.svg is well-formed" xmllint --noout "$tmp/r/scenario-$n.svg"
	check "report: report.md links scenario-$n.svg" has "(scenario-$n.svg)" "$tmp/r/report.md"
done
check "report: four inline SVG diagrams" test "$(count '<svg ' "$tmp/r/index.html")" = 4
check "report: no XML prolog or DOCTYPE inside the page" test "$(count '<!DOCTYPE' "$tmp/r/index.html")" = 1
check "report: no <?xml in the page" lacks '<\?xml' "$tmp/r/index.html"
grep -o ' id="[^"]*"' "$tmp/r/index.html" | sort | uniq -d >"$tmp/dupids"
check "report: element ids unique in the page" test ! -s "$tmp/dupids"
check "report: page forbids network loads (CSP)" has "default-src 'none'" "$tmp/r/index.html"
check "report: no external reference in the page" lacks '(src|href)="(https?:)?//' "$tmp/r/index.html"
check "report: root-cause chain shown" has 'pay-app is down: requires pay-svc (down)' "$tmp/r/index.html"
check "report: SPOF table shown" has '<h2>Single points of failure</h2>' "$tmp/r/index.html"
check "report: deterministic" sh -c "timeout 60 $FALLOUT report $B --scenarios $S -o $tmp/r2 >/dev/null 2>&1 &&
	cmp -s $tmp/r/index.html $tmp/r2/index.html && cmp -s $tmp/r/report.json $tmp/r2/report.json"

# --- the page: key findings first, the time and version, each diagram in a
# zoomable frame at natural size with a link to its file and to the failed
# node (the browser test measures them: tests/browser/check-report.mjs).
first_section=$(grep -o '<section id="[a-z]*"' "$tmp/r/index.html" | head -1)
check "page: key findings are the first section" test "$first_section" = '<section id="findings"'
check "markdown: key findings before the summary" sh -c "
	grep -n -e '^## Key findings' -e '^## Summary' '$tmp/r/report.md' | head -1 | grep -q 'Key findings'"
check "page: time from SOURCE_DATE_EPOCH" \
	has "Written by fallout $VERSION on <time datetime=\"2023-03-29T00:00:00Z\">2023-03-29 00:00:00 UTC</time>." \
	"$tmp/r/index.html"
check "page: generator names fallout and its version" \
	has "<meta name=\"generator\" content=\"fallout $VERSION\">" "$tmp/r/index.html"
check "markdown: time and version" has "Written by fallout $VERSION on 2023-03-29 00:00:00 UTC." "$tmp/r/report.md"
check "report.json: no time (a snapshot rebuilds it byte for byte)" lacks '2023-03-29' "$tmp/r/report.json"
for n in 1 2 3 4; do
	check "page: diagram $n links its SVG file" has "<a class=\"svglink\" href=\"scenario-00$n.svg\">" "$tmp/r/index.html"
	check "page: diagram $n in a frame with its natural width" \
		grep -q "<div class=\"frame\" style=\"--w:[0-9]*px\">" "$tmp/r/index.html"
done
check "page: a link to the failed node in diagram 1" grep -q '<a class="goto" href="#s1-node[0-9]*"><code>chiller-3</code></a>' "$tmp/r/index.html"
check "page: zoom by radio buttons, no script" test "$(count 'type="radio"' "$tmp/r/index.html")" = 16
check "page: CSP unchanged" has "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"" "$tmp/r/index.html"
check "page: print stylesheet unfolds folded tables" has 'details::details-content{content-visibility:visible' "$tmp/r/index.html"
unset SOURCE_DATE_EPOCH
fo report "$B" --scenarios "$S" -o "$tmp/now" --no-diagrams
check "no SOURCE_DATE_EPOCH: the time of the run" grep -q "on <time datetime=\"$(date -u +%Y-%m-%d)T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z\">" "$tmp/now/index.html"
for bad in x 12x -5 1e9 99999999999999999999 253402300800; do
	SOURCE_DATE_EPOCH=$bad fo report "$B" --scenarios "$S" -o "$tmp/bad-epoch" --no-diagrams
	check "SOURCE_DATE_EPOCH=$bad: status 2" is 2
	check "SOURCE_DATE_EPOCH=$bad: says why" has "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, not '$bad'" "$tmp/err"
	check "SOURCE_DATE_EPOCH=$bad: nothing written" test ! -e "$tmp/bad-epoch"
done
SOURCE_DATE_EPOCH=253402300799 fo report "$B" --scenarios "$S" -o "$tmp/late" --no-diagrams
check "SOURCE_DATE_EPOCH at the end of 9999: accepted" has "9999-12-31 23:59:59 UTC" "$tmp/late/index.html"
SOURCE_DATE_EPOCH='' fo report "$B" --scenarios "$S" -o "$tmp/late" --no-diagrams
check "SOURCE_DATE_EPOCH empty: as unset" is 0
SOURCE_DATE_EPOCH=1680048000
export SOURCE_DATE_EPOCH

# --- tenant cell: the classes partition the apps not up (at-risk shown).
fo report "$A" --scenarios "$S" -o "$tmp/ta" --no-diagrams
check "tenant cell: at-risk counted" has "| fintech: 1 at-risk only |" "$tmp/ta/report.md"
fo report samples/tencent-gz-2023.xml --scenarios samples/tencent-gz-2023-scenarios.xml -o "$tmp/tx" --no-diagrams
check "tenant cell: degraded and at-risk counted once" \
	has "| qq: 3 down, 1 degraded and at-risk; wechat: 3 down, 1 degraded and at-risk |" "$tmp/tx/report.md"
check "findings: Tencent's shared fate" has "- wechat-chat requires 1 of {wx-chat-gz, wx-chat-sh}: all fall with wx-messages" "$tmp/tx/report.md"
check "findings: Tencent's tier-1 SPOF linked to its row" grep -q '<li><a href="#spof-[0-9]*"><code>wechat-pay</code></a> (wechat): fails with 15: ' "$tmp/tx/index.html"
fo report samples/fire-backups.xml --scenarios samples/fire-backups-scenarios.xml -o "$tmp/fire" --no-diagrams
check "findings: the fire's lost data, linked to its scenario" \
	has '<li><a href="#s1">SBG2 burns</a>: 1 node lost: <code>a-world-data</code>; 2 apps down</li>' "$tmp/fire/index.html"
check "findings: the fire's backups in one building" \
	has "- a-world-data copies 1 of {a-primary-disk, a-backup-disk}: all fall with sbg2" "$tmp/fire/report.md"
check "findings: every link resolves to an id on the page" sh -c "
	for f in '$tmp/tx/index.html' '$tmp/fire/index.html' '$tmp/r/index.html'; do
		grep -o 'href=\"#[^\"]*\"' \"\$f\" | sed 's/href=\"#//; s/\"\$//' | sort -u | while read -r id; do
			grep -q \"id=\\\"\$id\\\"\" \"\$f\" || { echo \"no id \$id in \$f\"; exit 1; }
		done || exit 1
	done"

# --- a report owns its folder: files of an earlier run that this run did
# not write are removed; files that are not fallout's are left alone; a
# folder that holds other files and no report is refused.
cat >"$tmp/two.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<scenarios name="two">
  <scenario name="zone 3 chiller fails"><fail ref="chiller-3"/></scenario>
  <scenario name="too large to draw here"><destroy ref="dc3"/></scenario>
</scenarios>
EOF
fo report "$B" --scenarios "$S" -o "$tmp/own"
echo "my notes" >"$tmp/own/notes.txt"
echo "not a name fallout writes" >"$tmp/own/scenario-0001.svg"
mkdir "$tmp/own/scenario-010.svg"
echo "a hidden file" >"$tmp/own/.keep"
fo report "$B" --scenarios "$tmp/two.xml" -o "$tmp/own" --max-nodes 11
check "own folder: a shorter run into a report's folder: exit 0" is 0
check "own folder: its diagrams kept (the larger one as a map)" \
	test -s "$tmp/own/scenario-001.svg" -a -s "$tmp/own/scenario-002.svg"
check "own folder: diagrams of the longer run removed" \
	test ! -e "$tmp/own/scenario-003.svg" -a ! -e "$tmp/own/scenario-004.svg"
check "own folder: the page links only what is there" \
	test "$(grep -o 'href="scenario-[0-9]*.svg"' "$tmp/own/index.html" | tr '\n' ' ')" = 'href="scenario-001.svg" href="scenario-002.svg" '
check "own folder: an unknown file kept" test "$(cat "$tmp/own/notes.txt")" = "my notes"
check "own folder: a name fallout does not write kept" test -e "$tmp/own/scenario-0001.svg"
check "own folder: a directory kept" test -d "$tmp/own/scenario-010.svg"
check "own folder: a hidden file kept" test -e "$tmp/own/.keep"
fo report "$B" --scenarios "$S" -o "$tmp/own" --no-diagrams
check "own folder: --no-diagrams removes every diagram" \
	test -z "$(find "$tmp/own" -name 'scenario-00?.svg' -type f)"
# A folder that holds files and no fallout report: refused, untouched.
mkdir "$tmp/site"
echo "<!DOCTYPE html><title>my site</title>" >"$tmp/site/index.html"
echo "x" >"$tmp/site/style.css"
(cd "$tmp/site" && cksum index.html style.css) >"$tmp/site.sum"
fo report "$B" --scenarios "$S" -o "$tmp/site"
check "not a report folder: status 4" is 4
check "not a report folder: says why" \
	has "fallout report: '$tmp/site' is not empty and holds no fallout report (it has '" "$tmp/err"
check "not a report folder: counts the others" \
	has "' and 1 more); give a new or empty folder, or one a report was written into" "$tmp/err"
check "not a report folder: untouched" sh -c "cd '$tmp/site' &&
	cksum index.html style.css | cmp -s - '$tmp/site.sum' && [ \$(ls -A | wc -l) = 2 ]"
mkdir "$tmp/home"
echo "x" >"$tmp/home/todo.txt"
fo report "$B" --scenarios "$S" -o "$tmp/home"
check "not a report folder (one file): status 4" is 4
check "not a report folder (one file): names it" has "(it has 'todo.txt'); give" "$tmp/err"
# Empty but for hidden files, or holding only files fallout names (a run
# killed before its index.html was renamed): accepted.
mkdir "$tmp/dots" "$tmp/remains"
: >"$tmp/dots/.gitkeep"
fo report "$B" --scenarios "$S" -o "$tmp/dots" --no-diagrams
check "only hidden files: accepted" is 0
cp "$tmp/r/scenario-001.svg" "$tmp/r/report.json" "$tmp/remains/"
fo report "$B" --scenarios "$tmp/two.xml" -o "$tmp/remains" --no-diagrams
check "only fallout's names: accepted" is 0
check "only fallout's names: the stale diagram removed" test ! -e "$tmp/remains/scenario-001.svg"
# A report of an earlier fallout (no generator tag) is still fallout's.
mkdir "$tmp/old"
sed '/<meta name="generator"/d' "$tmp/r/index.html" >"$tmp/old/index.html"
: >"$tmp/old/scenario-007.svg"
echo x >"$tmp/old/notes.txt"
fo report "$B" --scenarios "$S" -o "$tmp/old" --no-diagrams
check "an earlier fallout's report: accepted" is 0
check "an earlier fallout's report: its stale diagram removed" test ! -e "$tmp/old/scenario-007.svg"

fo report "$B" --scenarios "$S" -o "$tmp/own"
echo "my notes" >"$tmp/own/notes.txt"
echo "not a diagram of ours" >"$tmp/own/scenario-0001.svg"
mkdir "$tmp/own/scenario-009.svg"
fo report "$B" --scenarios tests/cli/inputs/migration-loop-scenarios.xml -o "$tmp/own" 2>/dev/null
fo report "$B" --scenarios "$tmp/two.xml" -o "$tmp/own"

# --- --max-nodes: a larger impact is drawn as the impact map.
fo report "$B" --scenarios "$S" -o "$tmp/small" --max-nodes 2
check "max-nodes: exit 0" is 0
check "max-nodes: no warning on stderr" lacks "not drawn" "$tmp/err"
check "max-nodes: every diagram inline" test "$(count '<svg ' "$tmp/small/index.html")" = 4
check "max-nodes: the diagrams are maps" has 'boxes (impact map' "$tmp/small/index.html"
check "max-nodes: no command-line option on the page" lacks '(--detail|--scope|--max-nodes)' "$tmp/small/index.html"

# --- hostile names: escaped everywhere, nothing executable or external.
fo report "$HN" --scenarios "$HS" -o "$tmp/h"
check "hostile: exit 0" is 0
check "hostile: no script element" lacks '<script' "$tmp/h/index.html"
check "hostile: no img/iframe element" lacks '<(img|iframe|object|embed)' "$tmp/h/index.html"
check "hostile: no event-handler attribute" lacks '<[^>]*[[:space:]]on[a-z]+="' "$tmp/h/index.html"
check "hostile: no javascript: link" lacks 'href="javascript' "$tmp/h/index.html"
check "hostile: title escaped" has '<title>fallout: hostile &lt;/title&gt;&lt;script&gt;' "$tmp/h/index.html"
check "hostile: Chinese text kept" has '微信' "$tmp/h/index.html"
check "hostile: markdown has no raw HTML" lacks '<(script|img|a )' "$tmp/h/report.md"
check "hostile: markdown has no live link" lacks '(^|[^\\])\[x\]\(http' "$tmp/h/report.md"
check "hostile: markdown has no live image" lacks '(^|[^\\])!\[i\]' "$tmp/h/report.md"
check "hostile: CSV formula defused" has "\"'=HYPERLINK(\"\"http://x.example\"\") 微信\"" "$tmp/h/impacts.csv"
for n in 001 002 003; do
	check "hostile: scenario-$n.svg well-formed" xmllint --noout "$tmp/h/scenario-$n.svg"
done
check "hostile: report.md golden" golden tests/golden/report-hostile "$tmp/h" report.md

# --- inline SVG: only attribute references get the per-diagram prefix; a
# node named like a reference keeps its name in the diagram's text.
fo report tests/cli/inputs/svg-text-names.xml --scenarios tests/cli/inputs/svg-text-scenarios.xml -o "$tmp/sv"
check "svg text: exit 0" is 0
check "svg text: two inline SVG diagrams" test "$(count '<svg ' "$tmp/sv/index.html")" = 2
check "svg text: url(#foo) shown as is" has '>url(#foo)</text>' "$tmp/sv/index.html"
check "svg text: url(#foo) kept in tooltips" has 'xlink:title="url(#foo) (service): down (failed)"' "$tmp/sv/index.html"
check "svg text: url(#foo) never prefixed" lacks 'url\(#s[0-9]+-foo' "$tmp/sv/index.html"
check "svg text: id=\"x\" shown as is" has '>id=&quot;x&quot;</text>' "$tmp/sv/index.html"
svg_ids() { grep -o '<[a-z][^>]* id="[^"]*"' "$1" | sed 's/.* id="//'; }
check "svg text: ids prefixed" test "$(svg_ids "$tmp/sv/index.html" | grep -c '^s[12]-')" -gt 10
check "svg text: ids unique on the page" test -z "$(svg_ids "$tmp/sv/index.html" | sort | uniq -d)"

# --- errors: clear messages, documented statuses, nothing written.
fo report "$B" -o "$tmp/x"
check "no --scenarios: status 2" is 2
check "no --scenarios: message" has "missing --scenarios FILE" "$tmp/err"
fo report "$B" --scenarios "$S"
check "no -o: status 2" is 2
fo report - --scenarios - -o "$tmp/x" </dev/null
check "both stdin: status 2" is 2
fo report "$A" --scenarios tests/cli/inputs/migration-loop-scenarios.xml -o "$tmp/x" --max-nodes 0
check "--max-nodes 0: status 2" is 2
printf 'not a directory' >"$tmp/file"
fo report "$B" --scenarios "$S" -o "$tmp/file"
check "-o on a file: status 4" is 4
check "-o on a file: message" has "exists and is not a directory" "$tmp/err"
cat >"$tmp/bad-scen.xml" <<'EOF'
<?xml version="1.0"?>
<scenarios name="bad">
  <scenario name="fine"><fail ref="chiller-3"/></scenario>
  <scenario name="typo"><fail ref="chiler-3"/></scenario>
</scenarios>
EOF
cp -r "$tmp/r" "$tmp/keep"
fo report "$B" --scenarios "$tmp/bad-scen.xml" -o "$tmp/keep"
check "unknown id: status 3" is 3
check "unknown id: file:line:col and scenario named" has "bad-scen.xml:4:" "$tmp/err"
check "unknown id: the id named" has "chiler-3" "$tmp/err"
check "failed report: earlier index.html untouched" cmp -s "$tmp/r/index.html" "$tmp/keep/index.html"
check "failed report: earlier report.json untouched" cmp -s "$tmp/r/report.json" "$tmp/keep/report.json"
check "failed report: no temporary files left" test -z "$(find "$tmp/keep" -name '*.tmp-*')"

# A scenario file that is not UTF-8, or holds a text node beyond libxml2's
# limit: located, clear, status 3 (not "out of memory").
fo report "$B" --scenarios tests/cli/inputs/scenarios-bad-utf8.xml -o "$tmp/z"
check "scenarios not UTF-8: status 3" is 3
check "scenarios not UTF-8: located, clear" has "scenarios-bad-utf8.xml:3:19: error: invalid UTF-8 (Bytes: 0xFF" "$tmp/err"
check "scenarios not UTF-8: nothing written" test ! -e "$tmp/z"
awk 'BEGIN { printf "<scenarios name=\"x\">\n<scenario name=\"a\">"; s = "yyyyyyyyyyyyyyyy"; while (length(s) < 11000000) s = s s; printf "%s", s; print "<fail ref=\"chiller-3\"/></scenario></scenarios>" }' >"$tmp/huge.xml"
fo report "$B" --scenarios "$tmp/huge.xml" -o "$tmp/z"
check "scenarios with a huge text: status 3" is 3
check "scenarios with a huge text: says too long" has "longer than 10000000 bytes" "$tmp/err"

# --- progress: a bar on a terminal only, never with --quiet.
if command -v script >/dev/null 2>&1; then
	FALLOUT_PROGRESS_DELAY_MS=0 timeout $((60 * scale)) script -qec \
		"$FALLOUT report $B --scenarios $S -o $tmp/p --no-diagrams" /dev/null >"$tmp/tty" 2>&1
	check "progress: bar on a terminal" has "fallout report: [" "$tmp/tty"
	check "progress: counts scenarios" has "4/4" "$tmp/tty"
	FALLOUT_PROGRESS_DELAY_MS=0 timeout $((60 * scale)) script -qec \
		"$FALLOUT report $B --scenarios $S -o $tmp/p --no-diagrams --quiet" /dev/null >"$tmp/tty" 2>&1
	check "progress: --quiet silences the bar" lacks 'fallout report: \[' "$tmp/tty"
else
	echo "FAIL progress: the script command (bsdutils) is missing"
	fail=$((fail + 1))
fi
FALLOUT_PROGRESS_DELAY_MS=0 fo report "$B" --scenarios "$S" -o "$tmp/p" --no-diagrams
check "progress: none when stderr is not a terminal" test ! -s "$tmp/err"

# --- on a snapshot: runs stored, listed, rebuilt byte for byte.
db=$tmp/s.db
timeout 20 $FALLOUT import "$B" --db "$db" --label before >/dev/null 2>&1
timeout 20 $FALLOUT import "$A" --db "$db" --label after >/dev/null 2>&1
fo report "$db@before" --scenarios "$S" -o "$tmp/sb" --no-diagrams
check "snapshot report: exit 0" is 0
check "snapshot report: says where the runs went" has "stored as report 1 in $db" "$tmp/out"
fo report "$db" --scenarios "$S" -o "$tmp/sa" --no-diagrams
check "snapshot report: newest snapshot" has "stored as report 2" "$tmp/out"
check "snapshot report: input names the snapshot" has "\"input\": \"$db@after\"" "$tmp/sa/report.json"
fo db reports --db "$db"
check "db reports: exit 0" is 0
check "db reports: lists both" test "$(grep -c 'payments migration' "$tmp/out")" = 2
fo db reports --db "$db" --format json
check "db reports --format json: snapshot and runs" has '"snapshot": "before", "title": "payments migration"' "$tmp/out"
fo db report 1 --db "$db"
check "db report 1: exit 0" is 0
check "db report 1: report.json rebuilt byte for byte" cmp -s "$tmp/out" "$tmp/sb/report.json"
fo db report 2 --db "$db" -o "$tmp/rebuilt.json"
check "db report 2 -o: rebuilt byte for byte" cmp -s "$tmp/rebuilt.json" "$tmp/sa/report.json"
fo db report 9 --db "$db"
check "db report of an unknown id: status 2" is 2
check "db report of an unknown id: message" has "no stored report 9" "$tmp/err"
fo db report x --db "$db"
check "db report of a bad id: status 2" is 2
# sqlite3 adds a newline after the stored document (which ends in one).
sqlite3 "$db" "SELECT whatif FROM runs WHERE report_id = 1 AND seq = 1" | head -c -1 >"$tmp/stored.json"
timeout 20 $FALLOUT whatif "$db@before" --destroy dc3 --format json >"$tmp/live.json" 2>/dev/null
check "stored run equals whatif on the snapshot" cmp -s "$tmp/stored.json" "$tmp/live.json"
check "stored runs: counts queryable" test "$(sqlite3 "$db" "SELECT group_concat(apps_down) FROM runs WHERE report_id = 1")" = "1,1,1,1"
# A damaged stored run (issue 8, defect 4: invalid JSON was printed with
# status 0): status 3 naming the row, and not one byte of the document.
cp "$db" "$tmp/dmg.db"
sqlite3 "$tmp/dmg.db" "UPDATE runs SET whatif = substr(whatif, 1, 40) WHERE report_id = 1 AND seq = 2"
fo db report 1 --db "$tmp/dmg.db"
check "db report of a damaged run: status 3" is 3
check "db report of a damaged run: names the row" has "damaged: runs row (report_id 1, seq 2): its content does not match its digest" "$tmp/err"
check "db report of a damaged run: nothing on stdout" test ! -s "$tmp/out"
fo db report 1 --db "$tmp/dmg.db" -o "$tmp/dmg.json"
check "db report -o of a damaged run: status 3, no file" sh -c "[ $st = 3 ] && [ ! -e $tmp/dmg.json ]"
fo db report 2 --db "$tmp/dmg.db"
check "db report of an intact report beside it: status 0" is 0
fo report "$db@before" --scenarios "$S" -o "$tmp/ns" --no-diagrams --no-store
check "--no-store: exit 0" is 0
check "--no-store: nothing stored" test "$(sqlite3 "$db" "SELECT count(*) FROM reports")" = 2
fo db rm before --db "$db"
check "db rm: the snapshot's reports go with it" test "$(sqlite3 "$db" "SELECT count(*) FROM reports; SELECT count(*) FROM runs" | tr '\n' ' ')" = "1 4 "
check "integrity after reports" test "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok
fo db list --db "$db" --format json
check "db list --format json" has '{"snapshots": [' "$tmp/out"
check "db list --format json: one snapshot" test "$(grep -c '"label": ' "$tmp/out")" = 1
fo db rm after --db "$db" --format json
check "--format with rm: status 2" is 2

# A failed report stores nothing: unknown id after a good scenario.
before=$(sqlite3 "$db" "SELECT count(*) FROM reports")
fo report "$db@after" --scenarios "$tmp/bad-scen.xml" -o "$tmp/y"
check "failed snapshot report: status 3" is 3
check "failed snapshot report: nothing stored" test "$(sqlite3 "$db" "SELECT count(*) FROM reports")" = "$before"

# A report killed mid-way stores nothing; the database stays whole.
awk 'BEGIN { print "<scenarios name=\"many\">"; for (i = 0; i < 4000; i++) printf "<scenario name=\"s%d\"><fail ref=\"%s\"/></scenario>\n", i, (i % 2 ? "chiller-4" : "vm-3"); print "</scenarios>" }' >"$tmp/many.xml"
# fallout itself is killed (no `timeout` wrapper: SIGKILL of the wrapper would
# leave its child running, holding the write lock while the checks read).
for k in 1 2 3; do
	$FALLOUT report "$db@after" --scenarios "$tmp/many.xml" -o "$tmp/kill" --no-diagrams >/dev/null 2>&1 &
	pid=$!
	sleep 0.$((k * 2))
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
check "killed reports: nothing half-stored" test "$(sqlite3 "$db" "SELECT count(*) FROM reports WHERE runs <> (SELECT count(*) FROM runs WHERE report_id = reports.id)")" = 0
check "killed reports: integrity ok" test "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok

# A read-only database: refused before any work, or --no-store. Root
# ignores permission bits, so as root the runs drop to uid 65534 (setpriv);
# that user may not reach the checkout (a clone in a 0700 directory), so the
# binary and the scenario file are copied next to the database first.
cp "$db" "$tmp/ro.db"
cp "$S" "$tmp/ro-scen.xml"
RUN=""
ROFO=$FALLOUT
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && [ -f "$FALLOUT" ]; then
	cp "$FALLOUT" "$tmp/fallout-ro"
	ROFO=$tmp/fallout-ro
	chmod -R a+rwX "$tmp"
	RUN="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
chmod a-w "$tmp/ro.db"
ck=$(sum "$tmp/ro.db")
# shellcheck disable=SC2086
$RUN timeout 60 $ROFO report "$tmp/ro.db@after" --scenarios "$tmp/ro-scen.xml" -o "$tmp/ro-out" --no-diagrams >"$tmp/out" 2>"$tmp/err"
st=$?
check "read-only database: status 4" is 4
check "read-only database: says --no-store" has "--no-store" "$tmp/err"
check "read-only database: no report written" test ! -e "$tmp/ro-out/index.html"
# shellcheck disable=SC2086
$RUN timeout 60 $ROFO report "$tmp/ro.db@after" --scenarios "$tmp/ro-scen.xml" -o "$tmp/ro-out" --no-diagrams --no-store >"$tmp/out" 2>"$tmp/err"
st=$?
check "read-only database with --no-store: exit 0" is 0
check "read-only database: unchanged" test "$(sum "$tmp/ro.db")" = "$ck"

# A database of schema 1 is migrated by the first report stored in it.
cp tests/cli/inputs/schema-v1.db "$tmp/v1.db"
fo db reports --db "$tmp/v1.db"
check "schema 1: no reports listed" is 0
check "schema 1: listing did not migrate" test "$(sqlite3 "$tmp/v1.db" 'SELECT version FROM schema_version')" = 1
fo report "$tmp/v1.db" --scenarios "$S" -o "$tmp/v1r" --no-diagrams
check "schema 1: report stored" has "stored as report 1" "$tmp/out"
check "schema 1: migrated to 5 (1 -> 2 -> 3 -> 4 -> 5)" test "$(sqlite3 "$tmp/v1.db" 'SELECT version FROM schema_version')" = 5
check "schema 1 migrated: no index members_node (schema 5)" \
	test "$(sqlite3 "$tmp/v1.db" "SELECT count(*) FROM sqlite_master WHERE name = 'members_node'")" = 0
check "schema 1 migrated: compiled tables, empty (old snapshots stay on their rows)" \
	test "$(sqlite3 "$tmp/v1.db" 'SELECT count(*) FROM compiled')" = 0
timeout 20 $FALLOUT whatif "$tmp/v1.db@after-v1" --fail gz-water-loop --format json >"$tmp/v1w.json" 2>/dev/null
timeout 20 $FALLOUT whatif "$A" --fail gz-water-loop --format json >"$tmp/xw.json" 2>/dev/null
check "schema 1: old snapshot still loads identically" cmp -s "$tmp/v1w.json" "$tmp/xw.json"

echo "report-checks: $pass passed, $fail failed"
[ "$fail" = 0 ]
