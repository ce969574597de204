#!/bin/sh
# tests/cli/convert-checks.sh: `fallout convert` round trips (docs/cli.md,
# "convert"). For every inventory in samples/ and tests/cli/inputs/, and the
# hostile inputs that load:
#   - converting the output again gives the same bytes;
#   - every command answers the same on the source and on the conversion:
#     spof (JSON, every node ranked: every single failure), render (DOT of
#     everything), check (the summary and the warnings, without locations:
#     the converted file is laid out differently), whatif (chosen failures,
#     JSON with properties), and joined inputs convert to what each command
#     answers on the joined inputs.
# Also several inputs in import (one snapshot) and report.
# Invalid inputs write nothing: an existing -o FILE is left as it was.
#   FALLOUT=./fallout sh tests/cli/convert-checks.sh
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

# The same answer from the source $1 and its conversion $2 for: fallout ARGS...
same() {
	src=$1 conv=$2
	shift 2
	fo "$@" "$src"
	cp "$tmp/out" "$tmp/a"
	sa=$st
	fo "$@" "$conv"
	check "same $* on $src: status" [ "$sa" = "$st" ]
	check "same $* on $src: output" cmp -s "$tmp/a" "$tmp/out"
}

# check's output without the file names and locations, sorted.
check_digest() {
	$FALLOUT check "$1" 2>/dev/null |
		sed -E 's/^.*:[0-9]+:[0-9]+: //; s/^.*: (ok|invalid|warnings fail --strict): /\1: /' | sort
}

n=0
for f in samples/*.xml samples/migration/before.xml samples/migration/after.xml \
	tests/cli/inputs/*.xml tests/cli/inputs/import/facilities.xml tests/hostile/*.xml; do
	case $f in *scenarios*) continue ;; esac
	$FALLOUT check -q "$f" >/dev/null 2>&1
	case $? in 0 | 1) ;; *) continue ;; esac
	n=$((n + 1))
	fo convert "$f" -o "$tmp/c1.xml"
	check "convert $f: status 0" is 0
	check "convert $f: nothing on stderr" [ ! -s "$tmp/err" ]
	fo convert "$tmp/c1.xml"
	check "convert $f: converting again gives the same bytes" cmp -s "$tmp/c1.xml" "$tmp/out"
	same "$f" "$tmp/c1.xml" spof --format json --top 0
	same "$f" "$tmp/c1.xml" render --scope all --format dot
	check_digest "$f" >"$tmp/d1"
	check_digest "$tmp/c1.xml" >"$tmp/d2"
	check "check $f: the same summary and warnings" cmp -s "$tmp/d1" "$tmp/d2"
done
check "convert: at least 12 inventories tried" [ "$n" -ge 12 ]

# Every importer's real files (and joins of them): the conversion round
# trips and answers as the source does (the summary lines and warnings of
# the import are on stderr, not compared).
same_quiet() {
	src=$1 conv=$2
	shift 2
	$FALLOUT "$@" $src >"$tmp/a" 2>/dev/null
	sa=$?
	$FALLOUT "$@" "$conv" >"$tmp/b" 2>/dev/null
	check "same $* on $src: status" [ "$sa" = "$?" ]
	check "same $* on $src: output" cmp -s "$tmp/a" "$tmp/b"
}
k=0
K=tests/importers/k8s C=tests/importers/cmdb
for f in tests/importers/archimate/*.xml tests/importers/graphml/*.graphml tests/importers/k8s/*.json \
	tests/importers/terraform/*.tfstate tests/importers/terraform/*.json tests/importers/cmdb/*.csv \
	"$K/ocp-aws-us-east-1.infra.list.json $K/ocp-aws-us-east-1.pods.list.json" \
	"$C/estate-cmdb_ci.csv $C/estate-cmdb_rel_ci.csv"; do
	# shellcheck disable=SC2086
	$FALLOUT convert $f -o "$tmp/r1.xml" 2>/dev/null || continue
	k=$((k + 1))
	fo convert "$tmp/r1.xml"
	check "convert $f: converting again gives the same bytes" cmp -s "$tmp/r1.xml" "$tmp/out"
	same_quiet "$f" "$tmp/r1.xml" spof --format json --top 0
	same_quiet "$f" "$tmp/r1.xml" render --scope all --format dot
done
check "convert: at least 12 real imports tried" [ "$k" -ge 12 ]

# Chosen failures, JSON with properties.
fo convert samples/tencent-gz-2023.xml -o "$tmp/t.xml"
same samples/tencent-gz-2023.xml "$tmp/t.xml" whatif --fail gz-cooling --format json
same samples/tencent-gz-2023.xml "$tmp/t.xml" whatif --destroy gz-dc --format json
same samples/tencent-gz-2023.xml "$tmp/t.xml" whatif --fail gz-cooling --why wechat-pay
fo convert samples/fire-backups.xml -o "$tmp/fb.xml"
same samples/fire-backups.xml "$tmp/fb.xml" whatif --destroy sbg2 --format json
fo convert tests/cli/inputs/hostile-names.xml -o "$tmp/h.xml"
same tests/cli/inputs/hostile-names.xml "$tmp/h.xml" whatif --fail 'cool"]; evil [label="x' --all
check "hostile names: ids with quotes, <, newlines and Chinese are escaped" \
	has 'id="rack&#10;-&gt; n0 [shape=box]"' "$tmp/h.xml"
check "hostile names: Chinese text kept as is" has 'tenant="腾讯 &lt;script&gt;"' "$tmp/h.xml"

# Joined inputs: the conversion answers as the join does.
I=tests/cli/inputs/import
fo convert "$I/facilities.xml" "$I/apps.xml" -o "$tmp/j.xml"
check "convert joined: status 0" is 0
fo whatif "$I/facilities.xml" "$I/apps.xml" --fail gz-power --format json
cp "$tmp/out" "$tmp/ja"
fo whatif "$tmp/j.xml" --fail gz-power --format json
check "convert joined: whatif answers as on the joined inputs" cmp -s "$tmp/ja" "$tmp/out"
fo spof "$I/facilities.xml" "$I/apps.xml" --format json
cp "$tmp/out" "$tmp/ja"
fo spof "$tmp/j.xml" --format json
check "convert joined: spof answers as on the joined inputs" cmp -s "$tmp/ja" "$tmp/out"
fo convert "$tmp/j.xml"
check "convert joined: converting again gives the same bytes" cmp -s "$tmp/j.xml" "$tmp/out"

# From standard input, and from a snapshot.
fo convert - <samples/quickstart.xml
cp "$tmp/out" "$tmp/q1"
fo convert samples/quickstart.xml
check "convert -: as the file" cmp -s "$tmp/q1" "$tmp/out"
fo import samples/quickstart.xml --db "$tmp/s.db" --label q
fo convert "$tmp/s.db@q"
check "convert DB@LABEL: status 0" is 0
check "convert DB@LABEL: as the file" cmp -s "$tmp/q1" "$tmp/out"

# Nothing written on error: -o FILE keeps its content.
echo keep >"$tmp/keep.xml"
fo convert tests/cli/inputs/dangling-ref.xml -o "$tmp/keep.xml"
check "convert invalid: status 3" is 3
check "convert invalid: -o FILE untouched" [ "$(cat "$tmp/keep.xml")" = keep ]
fo convert "$I/notes.txt" -o "$tmp/keep.xml"
check "convert undetectable: status 3" is 3
check "convert undetectable: -o FILE untouched" [ "$(cat "$tmp/keep.xml")" = keep ]
check "convert: no temporary file left" [ "$(ls "$tmp" | grep -c 'keep.xml.tmp')" = 0 ]

# Several inputs in import and in report's scenario runs.
fo import "$I/facilities.xml" "$I/apps.xml" --db "$tmp/j.db" --label joined
check "import joined: stored" [ "$(cat "$tmp/out")" = "joined: 10 nodes in $tmp/j.db" ]
fo db list --db "$tmp/j.db"
check "import joined: the source is both names" has "$I/facilities.xml + $I/apps.xml" "$tmp/out"
fo whatif "$tmp/j.db@joined" --fail gz-power --format json
cp "$tmp/out" "$tmp/js"
fo whatif "$I/facilities.xml" "$I/apps.xml" --fail gz-power --format json
check "import joined: the snapshot answers as the inputs" cmp -s "$tmp/js" "$tmp/out"
printf '<scenarios name="t">\n  <scenario name="power"><fail ref="gz-power"/></scenario>\n</scenarios>\n' >"$tmp/sc.xml"
fo report "$I/facilities.xml" "$I/apps.xml" --scenarios "$tmp/sc.xml" -o "$tmp/rep" --no-diagrams
check "report joined: status 0" is 0
check "report joined: the input is both names" \
	has "\"input\": \"$I/facilities.xml + $I/apps.xml\"" "$tmp/rep/report.json"
check "report joined: mail is down" has '"mail"' "$tmp/rep/report.json"

echo "convert-checks: $pass passed, $fail failed"
[ "$fail" = 0 ]
