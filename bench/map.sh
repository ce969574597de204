#!/bin/sh
# map.sh — the impact maps of the 1M-node generated inventory, end to end
# from a snapshot (part of `make bench`; alone: `make bench-map`;
# docs/diagrams.md).
#
#   sh bench/map.sh --fallout BIN --data DIR --out FILE [--append] [--runs R] [--nodes N]
#
# Generates (once) the inventory of N nodes (default 1000000, seed 1) and
# imports it (once) into DIR/map-N-s1.db; then, for the site failure and the
# cooling failure (fo_gen_representative's ids), times R runs (default 3) of
#   fallout render DB --fail ID -o map.svg   (load, run, map, layout, SVG)
#   fallout render DB --fail ID -o map.dot   (the same without layout)
# and writes a Markdown section with the medians, the box count read from
# the drawing's title, and the two targets (at most 150 boxes, at most 5 s
# for the SVG). --append adds it to FILE (docs/benchmarks.md after run.sh
# rewrote it). Exit status 1 when a run fails; a missed target is reported,
# not a failure (a shared machine inflates times).
set -eu

fallout= data= out= append=0 runs=3 nodes=1000000 seed=1
while [ $# -gt 0 ]; do
	case $1 in
	--fallout) fallout=$2; shift 2 ;;
	--data) data=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--append) append=1; shift ;;
	--runs) runs=$2; shift 2 ;;
	--nodes) nodes=$2; shift 2 ;;
	*) echo "map.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
if [ -z "$fallout" ] || [ -z "$data" ] || [ -z "$out" ]; then
	echo "usage: map.sh --fallout BIN --data DIR --out FILE [--append] [--runs R] [--nodes N]" >&2
	exit 2
fi
case $fallout in */*) ;; *) fallout=./$fallout ;; esac
mkdir -p "$data"

xml=$data/gen-$nodes-s$seed.xml
db=$data/map-$nodes-s$seed.db
if [ ! -s "$xml" ]; then
	echo "map.sh: generating $xml" >&2
	"$fallout" gen --nodes "$nodes" --seed "$seed" -o "$xml.tmp"
	mv "$xml.tmp" "$xml"
fi
if [ ! -s "$db" ]; then
	echo "map.sh: importing $xml into $db" >&2
	rm -f "$db.tmp"
	"$fallout" import "$xml" --db "$db.tmp" --label gen >/dev/null
	mv "$db.tmp" "$db"
fi

now() { date +%s.%N; }
# median of the numbers on standard input
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=
fail=0
# the site and the cooling plant of the largest site (docs/gen.md)
for case in "site r1-z1-s1" "cooling r1-z1-s1-cooling"; do
	name=${case%% *}
	id=${case#* }
	svg=$data/map-$nodes-$name.svg
	dotf=$data/map-$nodes-$name.dot
	: > "$data/t-svg"
	: > "$data/t-dot"
	: > "$data/t-layout"
	: > "$data/t-cpu"
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(now)
		if [ -x /usr/bin/time ]; then
			/usr/bin/time -f "%U %S" -o "$data/t-cpu1" "$fallout" render "$db" --fail "$id" -o "$svg" || fail=1
			awk '{ print $1 + $2 }' "$data/t-cpu1" >> "$data/t-cpu"
		else
			"$fallout" render "$db" --fail "$id" -o "$svg" || fail=1
			echo 0 >> "$data/t-cpu"
		fi
		t1=$(now)
		"$fallout" render "$db" --fail "$id" -o "$dotf" || fail=1
		t2=$(now)
		dot -Tsvg "$dotf" -o /dev/null || fail=1
		t3=$(now)
		awk "BEGIN { print $t1 - $t0 }" >> "$data/t-svg"
		awk "BEGIN { print $t2 - $t1 }" >> "$data/t-dot"
		awk "BEGIN { print $t3 - $t2 }" >> "$data/t-layout"
		i=$((i + 1))
	done
	[ $fail -eq 0 ] || { echo "map.sh: FAILED: render of $id" >&2; exit 1; }
	tsvg=$(median < "$data/t-svg")
	tdot=$(median < "$data/t-dot")
	tlay=$(median < "$data/t-layout")
	tcpu=$(median < "$data/t-cpu")
	# "…, 574,219 nodes in 63 boxes (impact map, …)" in the title
	boxes=$(grep -o '[0-9,]* nodes in [0-9,]* boxes' "$dotf" | head -n 1)
	nboxes=$(echo "$boxes" | sed 's/.* in \([0-9,]*\) boxes/\1/' | tr -d ,)
	size=$(grep -o '<svg width="[0-9.]*pt" height="[0-9.]*pt"' "$svg" | sed 's/<svg width="\([0-9.]*\)pt" height="\([0-9.]*\)pt"/\1 × \2 pt/')
	ok_boxes=FAIL; [ -n "$nboxes" ] && [ "$nboxes" -le 150 ] && ok_boxes=PASS
	ok_time=FAIL; [ "$(awk "BEGIN { print ($tsvg <= 5) }")" = 1 ] && ok_time=PASS
	rows="$rows| $name failure \`$id\` | $boxes | $size | $(printf %.2f "$tdot") s | $(printf %.2f "$tlay") s | $(printf %.2f "$tsvg") s | $(printf %.2f "$tcpu") s | $ok_boxes / $ok_time |
"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
rm -f "$data/t-svg" "$data/t-dot" "$data/t-layout" "$data/t-cpu" "$data/t-cpu1"

section=$(cat <<EOF

## Impact maps of the $nodes-node inventory ([diagrams.md](diagrams.md))

Written by [bench/map.sh](../bench/map.sh) on $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $load_before before, $load_after after. The
inventory (\`fallout gen --nodes $nodes --seed $seed\`) imported once into a snapshot; each
figure is the median of $runs runs of the command, end to end (process start, snapshot load,
propagation, map, layout, SVG written):

\`\`\`sh
fallout render $db --fail ID -o map.svg   # "SVG end to end"
fallout render $db --fail ID -o map.dot   # "without layout": DOT, no Graphviz layout
dot -Tsvg map.dot -o /dev/null            # "layout": Graphviz's dot alone on that drawing
\`\`\`

Targets: at most 150 boxes, SVG in at most 5 s (wall clock; the CPU time column shows what a
busy machine adds by waiting).

| scenario | drawing | SVG size | without layout | layout (dot) | SVG end to end | its CPU time (user + sys) | boxes / time |
|---|---|---|---|---|---|---|---|
$rows
EOF
)
if [ $append -eq 1 ]; then
	printf '%s\n' "$section" >> "$out"
else
	printf '%s\n' "$section" > "$out"
fi
printf '%s\n' "$section"
