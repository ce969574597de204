#!/bin/sh
# check.sh — `fallout check` of the 1M-node generated inventory, end to end
# (part of `make bench`; alone: `make bench-check`; docs/benchmarks.md).
#
#   sh bench/check.sh --fallout BIN --data DIR --out FILE [--append] [--runs R] [--nodes N]
#
# Generates (once) the inventory of N nodes (default 1000000, seed 1) into
# DIR/gen-N-s1.xml (the file run.sh uses), then times R runs (default 3) of
#   fallout check DIR/gen-N-s1.xml >/dev/null
# (read, every rule, warnings with shared fate, columns of the first 100
# diagnostics) and writes a Markdown section with every run, the median and
# the target (at most 5 s). --append adds it to FILE (docs/benchmarks.md
# after run.sh rewrote it). Exit status 1 when a run fails (status other
# than 0); a missed target is reported, not a failure (a shared machine
# inflates times).
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
	*) echo "check.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
if [ -z "$fallout" ] || [ -z "$data" ] || [ -z "$out" ]; then
	echo "usage: check.sh --fallout BIN --data DIR --out FILE [--append] [--runs R] [--nodes N]" >&2
	exit 2
fi
case $fallout in */*) ;; *) fallout=./$fallout ;; esac

mkdir -p "$data"
xml=$data/gen-$nodes-s$seed.xml
if [ ! -s "$xml" ]; then
	echo "check.sh: generating $xml" >&2
	"$fallout" gen --nodes "$nodes" --seed "$seed" -o "$xml.tmp"
	mv "$xml.tmp" "$xml"
fi
size=$(wc -c <"$xml")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

now() { date +%s.%N; }
# CPU seconds (user + system) of this shell's finished children so far: the
# second line of `times`, "XmY.YYYs XmY.YYYs", written to a file by the
# shell itself (in $(...) it would be a subshell's). Less inflated than the
# wall time on a shared machine.
tfile=$data/check-times.tmp
cpu() { tail -n 1 "$tfile" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); s += p[1] * 60 + p[2] } printf "%.2f", s }'; }
times=
cpus=
i=0
while [ $i -lt "$runs" ]; do
	t0=$(now)
	times >"$tfile"
	c0=$(cpu)
	st=0
	"$fallout" check "$xml" >"$data/check-$nodes.out" || st=$?
	t1=$(now)
	times >"$tfile"
	c1=$(cpu)
	cpus="$cpus $(echo "$c1 $c0" | awk '{ printf "%.2f", $1 - $2 }')"
	if [ $st != 0 ]; then
		echo "check.sh: FAILED: fallout check $xml exited $st" >&2
		exit 1
	fi
	times="$times $(echo "$t1 $t0" | awk '{ printf "%.2f", $1 - $2 }')"
	i=$((i + 1))
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
rm -f "$tfile"
med() { echo "$1" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
median=$(med "$times")
cpu_median=$(med "$cpus")
verdict=$(echo "$median" | awk '{ print ($1 <= 5.0) ? "PASS" : "**MISS**" }')
summary=$(tail -n 1 "$data/check-$nodes.out")
section=$(cat <<EOF

## check of the $nodes-node inventory

\`fallout check $xml\` ($(awk -v b="$size" 'BEGIN { printf "%.0f MB", b / 1e6 }'),
seed $seed) end to end, $runs runs, by [bench/check.sh](../bench/check.sh): the read with
every rule of the format, the warnings (cycles, unused nodes, doubtful redundancy, shared fate,
unknown kinds) and the columns of the diagnostics shown. Load average $load_before before,
$load_after after.

| | runs (s) | median | target | |
|---|---|---:|---:|---|
| wall time | $(echo $times | sed 's/ /, /g') | $median s | ≤ 5 s | $verdict |
| CPU time (user + system) | $(echo $cpus | sed 's/ /, /g') | $cpu_median s | | |

Last line of the output: \`$summary\`
EOF
)
if [ $append = 1 ]; then
	printf '%s\n' "$section" >>"$out"
else
	printf '%s\n' "$section" >"$out"
fi
printf '%s\n' "$section"
