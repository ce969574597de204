#!/bin/sh
# e2e.sh — two targets of issue 11 on the 1M-node generated inventory (part
# of `make bench`; alone: `make bench-e2e`; docs/benchmarks.md):
#   1. `fallout whatif DB@L --fail HOST` end to end (process start to exit)
#      <= 0.2 s, and >= 15x faster than the same command on the XML;
#   2. the XML import >= 60 % of the throughput of a bare libxml2
#      xmlTextReader pass over the same file (bench/xmlread.c, in process).
#
#   sh bench/e2e.sh --fallout BIN --xmlread BIN --data DIR --out FILE [--append]
#                   [--runs R] [--nodes N]
#
# Generates (once) the inventory of N nodes (default 1000000, seed 1) into
# DIR/gen-N-s1.xml and imports it (once) into DIR/map-N-s1.db (the files
# bench/run.sh and bench/map.sh use); then times R runs (default 5) of each
# command, alternating them, and writes a Markdown section with every run,
# the medians of wall and CPU time (user + system, from /usr/bin/time when
# present) and the ratios. --append adds it to FILE (docs/benchmarks.md
# after run.sh rewrote it). Exit status 1 when a run fails or its output
# differs between the snapshot and the XML; a missed target is reported,
# not a failure (a shared machine inflates times).
set -eu

fallout= xmlread= data= out= append=0 runs=5 nodes=1000000 seed=1
while [ $# -gt 0 ]; do
	case $1 in
	--fallout) fallout=$2; shift 2 ;;
	--xmlread) xmlread=$2; shift 2 ;;
	--data) data=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--append) append=1; shift ;;
	--runs) runs=$2; shift 2 ;;
	--nodes) nodes=$2; shift 2 ;;
	*) echo "e2e.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
if [ -z "$fallout" ] || [ -z "$xmlread" ] || [ -z "$data" ] || [ -z "$out" ]; then
	echo "usage: e2e.sh --fallout BIN --xmlread BIN --data DIR --out FILE [--append] [--runs R] [--nodes N]" >&2
	exit 2
fi
case $fallout in */*) ;; *) fallout=./$fallout ;; esac
case $xmlread in */*) ;; *) xmlread=./$xmlread ;; esac
mkdir -p "$data"

xml=$data/gen-$nodes-s$seed.xml
db=$data/map-$nodes-s$seed.db
if [ ! -s "$xml" ]; then
	echo "e2e.sh: generating $xml" >&2
	"$fallout" gen --nodes "$nodes" --seed "$seed" -o "$xml.tmp"
	mv "$xml.tmp" "$xml"
fi
if [ ! -s "$db" ]; then
	echo "e2e.sh: importing $xml into $db" >&2
	rm -f "$db.tmp"
	"$fallout" import "$xml" --db "$db.tmp" --label gen >/dev/null
	mv "$db.tmp" "$db"
fi
# The snapshot by its label: the newest one of DB (bench/map.sh imports one).
label=$("$fallout" db list --db "$db" | awk 'NR > 1 { l = $1 } END { print l }')
[ -n "$label" ] || { echo "e2e.sh: no snapshot in $db" >&2; exit 1; }
# A host of the largest site (docs/gen.md): a blast radius of a few nodes,
# so that the command is the load, the what-if and the output.
host=r1-z1-s1-room1-rack1-h1

now() { date +%s.%N; }
tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/fallout-e2e.XXXXXX")
tmp=$tmpdir/t
trap 'rm -rf "$tmpdir"' EXIT
: >"$tmp.db-wall"; : >"$tmp.db-cpu"; : >"$tmp.xml-wall"; : >"$tmp.xml-cpu"
# one run: $1 = db|xml, $2 = the input; wall and CPU appended
run1() {
	t0=$(now)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%U %S" -o "$tmp.cpu1" "$fallout" whatif "$2" --fail "$host" \
			--format json >"$tmp.$1.out" || return 1
		awk '{ printf "%.2f\n", $1 + $2 }' "$tmp.cpu1" >>"$tmp.$1-cpu"
	else
		"$fallout" whatif "$2" --fail "$host" --format json >"$tmp.$1.out" || return 1
		echo 0 >>"$tmp.$1-cpu"
	fi
	t1=$(now)
	awk "BEGIN { printf \"%.3f\n\", $t1 - $t0 }" >>"$tmp.$1-wall"
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# one untimed run of each first: the files into the page cache
run1 db "$db@$label" && run1 xml "$xml" || { echo "e2e.sh: FAILED: fallout whatif" >&2; exit 1; }
: >"$tmp.db-wall"; : >"$tmp.db-cpu"; : >"$tmp.xml-wall"; : >"$tmp.xml-cpu"
i=0
while [ $i -lt "$runs" ]; do
	run1 db "$db@$label" || { echo "e2e.sh: FAILED: fallout whatif $db@$label" >&2; exit 1; }
	run1 xml "$xml" || { echo "e2e.sh: FAILED: fallout whatif $xml" >&2; exit 1; }
	i=$((i + 1))
done
if ! cmp -s "$tmp.db.out" "$tmp.xml.out"; then
	echo "e2e.sh: FAILED: whatif --format json differs between $db@$label and $xml" >&2
	exit 1
fi
load_mid=$(cut -d' ' -f1-3 /proc/loadavg)

med() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
list() { paste -sd, "$1" | sed 's/,/, /g'; }
dbw=$(med "$tmp.db-wall"); dbc=$(med "$tmp.db-cpu")
xw=$(med "$tmp.xml-wall"); xc=$(med "$tmp.xml-cpu")
ratio=$(awk "BEGIN { printf \"%.1f\", $xw / $dbw }")
ratio_cpu=$(awk "BEGIN { if ($dbc > 0) printf \"%.1f\", $xc / $dbc; else print \"-\" }")
ok_time=$(awk "BEGIN { print ($dbw <= 0.2) ? \"PASS\" : \"**MISS**\" }")
ok_ratio=$(awk "BEGIN { print ($xw / $dbw >= 15) ? \"PASS\" : \"**MISS**\" }")

# The XML import against the bare reader (in one process, alternating).
xst=0
"$xmlread" --runs 3 "$xml" >"$tmp.xmlread" || xst=$?
[ $xst -le 1 ] || { echo "e2e.sh: FAILED: $xmlread" >&2; exit 1; }
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
summary=$(head -n 1 "$tmp.db.out" | cut -c1-160)

section=$(cat <<EOF

## whatif DB@L end to end, and the XML import against a bare reader ($nodes nodes)

Written by [bench/e2e.sh](../bench/e2e.sh) on $(date -u +%Y-%m-%dT%H:%M:%SZ) at $(git rev-parse --short HEAD 2>/dev/null || echo "?"), load average $load_before before, $load_mid
after the what-ifs, $load_after at the end (the machine may be shared: wall times wait for a
core; CPU time, user + system, does not). \`fallout gen --nodes $nodes --seed $seed\`
($(awk -v b="$(wc -c <"$xml")" 'BEGIN { printf "%.0f MB", b / 1e6 }') of XML), imported once into a snapshot
with its compiled copy; $runs runs of each command, alternated, after one untimed run of each;
the two JSON outputs are checked identical.

\`\`\`sh
fallout whatif $db@$label --fail $host --format json   # from the snapshot
fallout whatif $xml --fail $host --format json   # from the XML
\`\`\`

| input | runs: wall (s) | median wall | runs: CPU (s) | median CPU |
|---|---|---:|---|---:|
| snapshot \`DB@$label\` | $(list "$tmp.db-wall") | $dbw s | $(list "$tmp.db-cpu") | $dbc s |
| XML | $(list "$tmp.xml-wall") | $xw s | $(list "$tmp.xml-cpu") | $xc s |

| target | measured | verdict |
|---|---|---|
| \`whatif DB@L --fail HOST\` end to end ≤ 0.2 s | $dbw s (CPU $dbc s) | $ok_time |
| the same ≥ 15× faster than on the XML | ${ratio}× in wall time (${ratio_cpu}× in CPU time) | $ok_ratio |

The XML import against a bare libxml2 \`xmlTextReader\` pass over the same file, in one process
([bench/xmlread.c](../bench/xmlread.c): 3 runs of each, alternated; the bare pass has the
importer's parser options and visits every attribute's name and value, nothing else):

$(cat "$tmp.xmlread")
EOF
)
if [ $append -eq 1 ]; then
	printf '%s\n' "$section" >>"$out"
else
	printf '%s\n' "$section" >"$out"
fi
printf '%s\n' "$section"
