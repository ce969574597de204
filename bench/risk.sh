#!/bin/sh
# risk.sh — the proof of issue 12 (`make bench-risk`; docs/benchmarks-risk.md):
# every Open-PSA fault tree of TREES (the Aralia set) through fallout and
# through SCRAM in one run, under the same limits, and the 1M-node target.
#
#   sh bench/risk.sh --fallout BIN --trees DIR --out FILE [--scram BIN]
#                    [--raw DIR] [--cpu-limit S] [--mem-gb G] [--reuse-scram]
#                    [--reuse-fallout] [--notes FILE] [--bounded "TREE:K..."]
#                    [--scram-only] [--no-run-scram] [--no-run-fallout]
#                    [--gen XML [--db DB] [--app ID]] [--no-trees] [TREE...]
#
# Per tree (all of DIR's *.xml, or the TREEs named), four runs, one at a
# time, each under `nice -n 10`, a limit of S s of CPU time (default 600:
# CPU rather than wall time, which a shared machine stretches; a wall-time
# safety net at 3 S) and of G GiB of address space (default 8):
#   fallout cutsets --from openpsa TREE --format json     the MCS count
#   fallout availability --from openpsa TREE --format json  P(top), exact
#   scram --bdd --probability false -l EVENTS --cut-off 0 TREE  (no limit)
#   scram --bdd --probability true -l 1 --cut-off 0 TREE   (P(top) on the BDD)
# with wall time, CPU time (user + system) and peak RSS (/usr/bin/time).
# SCRAM prints every cut set in its XML report (gigabytes for the large
# trees): only the report's head is read, which carries the count and the
# probability; SCRAM has finished its analysis when it writes it, and dies
# of SIGPIPE right after (its time stops there).
#
# Writes FILE (Markdown: per tree both tools' answers, the published ones,
# times, memory, verdicts; then the notes of --notes, default
# bench/risk-notes.md, verbatim: the evidence for each disagreement).
# Raw outputs under --raw (default build/bench/risk). --reuse-scram takes
# SCRAM's results from a previous run in --raw when the tree, the SCRAM
# version and the limits are the same (SCRAM's side takes hours);
# --reuse-fallout the same for fallout's (same binary, tree, arguments and
# limits): both together rewrite FILE from the raw results alone.
# --scram-only makes SCRAM's runs and stops (to fill --raw ahead);
# --no-run-scram and --no-run-fallout make no new run of that tool (what is
# not in --raw, with the reuse options, is "not run").
#
# With --gen XML (and --db DB, its snapshot, made when missing): order <= 2
# sets and exact availability of the tier-1 app --app (default app-t1-2) of
# the 1M-node generated inventory, target <= 10 s each.
#
# Exit status 1 when an equality check fails (MCS counts exact, P(top) to 6
# significant digits, on every tree both tools solve) or a fallout run
# fails otherwise than by the limits; missed time targets are reported,
# not failures (a shared machine inflates times). 2: usage.
set -eu

fallout= scram=scram trees= out= raw=build/bench/risk limit=600 memgb=8 reuse=0
notes=bench/risk-notes.md gen= db= app=app-t1-2 bounded= scram_only=0 no_trees=0 reuse_fallout=0 run_scram=1 run_fallout=1
while [ $# -gt 0 ]; do
	case $1 in
	--fallout) fallout=$2; shift 2 ;;
	--scram) scram=$2; shift 2 ;;
	--trees) trees=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--raw) raw=$2; shift 2 ;;
	--cpu-limit) limit=$2; shift 2 ;;
	--mem-gb) memgb=$2; shift 2 ;;
	--reuse-scram) reuse=1; shift ;;
	--notes) notes=$2; shift 2 ;;
	--gen) gen=$2; shift 2 ;;
	--db) db=$2; shift 2 ;;
	--app) app=$2; shift 2 ;;
	--bounded) bounded=$2; shift 2 ;;
	--scram-only) scram_only=1; shift ;;
	--reuse-fallout) reuse_fallout=1; shift ;;
	--no-run-scram) run_scram=0; shift ;;
	--no-run-fallout) run_fallout=0; shift ;;
	--no-trees) no_trees=1; shift ;;
	--) shift; break ;;
	-*) echo "risk.sh: unknown argument $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ -z "$fallout" ] || [ -z "$trees" ] || [ -z "$out" ]; then
	echo "usage: risk.sh --fallout BIN --trees DIR --out FILE [--scram BIN] [--raw DIR] [--cpu-limit S] [--mem-gb G] [--reuse-scram] [--reuse-fallout] [--notes FILE] [--bounded \"TREE:K...\"] [--scram-only] [--gen XML [--db DB] [--app ID]] [--no-trees] [TREE...]" >&2
	exit 2
fi
case $fallout in */*) ;; *) fallout=./$fallout ;; esac
for tool in jq "$scram" /usr/bin/time timeout; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "risk.sh: $tool is missing (make bench-risk installs it)" >&2; exit 2; }
done
[ -d "$trees" ] || { echo "risk.sh: no directory $trees" >&2; exit 2; }
if [ $no_trees -eq 1 ]; then
	set --
elif [ $# -eq 0 ]; then
	set -- $(cd "$trees" && ls -S -r ./*.xml | sed 's|^\./||; s|\.xml$||')
fi
memkb=$((memgb * 1024 * 1024))
started=$(date +%s)
mkdir -p "$raw/fallout" "$raw/scram"
scram_version=$("$scram" --version 2>&1 | head -n 1 | sed 's/ ()$//')
rows=$raw/rows.txt
: >"$rows"

now() { date +%s%N; }
# measure PFX FILTER CMD...: CMD alone under the limits (CPU time $limit s,
# address space $memgb GiB, wall time 3 x $limit s in case the machine is
# very busy), its standard output through FILTER (a sh command line) into
# PFX.out, its standard error into PFX.err, and "WALL CPU RSS_KB EXIT SIGNAL"
# into PFX.time (SIGNAL 0: none).
measure() {
	pfx=$1 filter=$2
	shift 2
	rm -f "$pfx.out" "$pfx.err" "$pfx.time" "$pfx.rusage"
	t0=$(now)
	(
		ulimit -t "$limit"
		ulimit -v "$memkb"
		exec nice -n 10 /usr/bin/time -f '%U %S %M %x' -o "$pfx.rusage" \
			timeout -k 5 "$((3 * limit))" "$@" 2>"$pfx.err"
	) | sh -c "$filter" >"$pfx.out" || true
	t1=$(now)
	sig=$(sed -n 's/^Command terminated by signal \([0-9]*\).*/\1/p' "$pfx.rusage")
	tail -n 1 "$pfx.rusage" | awk -v w="$(((t1 - t0) / 1000000))" -v sig="${sig:-0}" \
		'{ printf "%.3f %.2f %d %s %s\n", w / 1000, $1 + $2, $3, $4, sig }' >"$pfx.time"
}
# state PFX VALUE: ok when VALUE was read, else why not: timeout (the CPU
# limit, or the wall-time safety net), memory, stopped (SIGTERM from
# outside), error
state() {
	if [ -n "$2" ]; then echo ok; return; fi
	set -- "$1" $(cat "$1.time")
	if [ "$6" = 15 ]; then
		echo stopped
	elif [ "$5" = 124 ] || [ "$5" = 137 ] || { { [ "$6" = 9 ] || [ "$6" = 24 ]; } &&
		awk "BEGIN { exit !($3 >= 0.95 * $limit) }"; }; then
		echo timeout
	elif grep -qi 'bad_alloc\|out of memory\|memory limit\|cannot allocate' "$1.err"; then
		echo memory
	else
		echo error
	fi
}

# The tree SCRAM is given: TREE itself, or a copy without the repeated
# arguments of AND and OR gates (SCRAM refuses them, DuplicateArgumentError;
# x AND x = x OR x = x, so the meaning is the same) when TREE has some.
scram_tree() {
	n=$(awk -v out="$2" '/<define-gate/ { g = 1; op = ""; split("", seen) }
		g && /^<(and|or)>$/ { op = $0 }
		g && op != "" && /^<(gate|basic-event) name=/ { if ($0 in seen) { d++; next } seen[$0] = 1 }
		/<\/define-gate>/ { g = 0 }
		{ print >out }
		END { print d + 0 }' "$1")
	if [ "$n" -eq 0 ]; then
		rm -f "$2"
		echo "$1"
	else
		echo "$2"
	fi
}
# scram_run NAME MODE TREE EVENTS [K]: one SCRAM run (MODE mcs: the count,
# of order <= K when K is given; p: P(top)) into $raw/scram/NAME.MODE[K].*,
# unless --reuse-scram and the same run was made before
scram_run() {
	sp=$raw/scram/$1.$2${5:-}
	stamp="$scram_version; $(sha256sum <"$3" | cut -c1-64); cpu $limit s; ${memgb} GiB"
	if [ $reuse -eq 1 ] && [ -s "$sp.time" ] && [ "$(cat "$sp.stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	if [ $run_scram -eq 0 ]; then
		rm -f "$sp.time"
		return 0
	fi
	case $2 in
	mcs) measure "$sp" "sed '/<sum-of-products/q'" "$scram" --bdd --probability false \
		--limit-order "${5:-$4}" --cut-off 0 "$3" ;;
	p) measure "$sp" "sed '/<sum-of-products/q'" "$scram" --bdd --probability true \
		--limit-order 1 --cut-off 0 "$3" ;;
	esac
	printf '%s\n' "$stamp" >"$sp.stamp"
}
hdr() { grep -m 1 '<sum-of-products' "$1" 2>/dev/null | sed -n "s/.* $2=\"\\([^\"]*\\)\".*/\\1/p"; }
# "value state wall cpu rss" of a run
res() {
	if [ -f "$1.time" ]; then
		echo "${2:--} $(state "$1" "$2") $(cut -d' ' -f1-3 "$1.time")"
	else
		echo "- not-run 0 0 0"
	fi
}

# fo_run PFX TREE ARGS...: one fallout run, unless --scram-only, or
# --reuse-fallout and the same run (binary, tree, arguments, limits) was
# made before
fallout_sum=$(sha256sum <"$fallout" | cut -c1-64)
fo_run() {
	[ $scram_only -eq 0 ] || return 0
	fp=$1 ft=$2
	shift 2
	stamp="$fallout_sum; $(sha256sum <"$ft" | cut -c1-64); $*; cpu $limit s; ${memgb} GiB"
	if [ $reuse_fallout -eq 1 ] && [ -s "$fp.time" ] && [ "$(cat "$fp.stamp" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	if [ $run_fallout -eq 0 ]; then
		rm -f "$fp.time"
		return 0
	fi
	measure "$fp" cat "$fallout" "$@"
	printf '%s\n' "$stamp" >"$fp.stamp"
}

dedup=
i=0
for name in "$@"; do
	i=$((i + 1))
	tree=$trees/$name.xml
	[ -f "$tree" ] || { echo "risk.sh: no tree $tree" >&2; exit 2; }
	events=$(grep -c '<define-basic-event' "$tree" || true)
	echo "risk.sh: [$i/$#] $name ($events events)" >&2

	# fallout: the JSON of docs/output-formats.md (count: a decimal string)
	f=$raw/fallout/$name
	fo_run "$f.mcs" "$tree" cutsets --from openpsa "$tree" --format json --top 1
	f_mcs=$(jq -r '.count // empty' "$f.mcs.out" 2>/dev/null || true)
	fo_run "$f.p" "$tree" availability --from openpsa "$tree" --format json --top 1
	f_p=$(jq -r '.apps[0].p_down // empty' "$f.p.out" 2>/dev/null || true)

	# SCRAM: the report's head only (see above)
	st=$(scram_tree "$tree" "$raw/scram/$name.dedup.xml")
	[ "$st" = "$tree" ] || dedup="$dedup $name"
	scram_run "$name" mcs "$st" "$events"
	scram_run "$name" p "$st" "$events"
	s=$raw/scram/$name

	# one row: name events, then for each of fallout MCS, SCRAM MCS, fallout
	# P, SCRAM P: value state wall cpu rss
	echo "$name $events $(res "$f.mcs" "$f_mcs") $(res "$s.mcs" "$(hdr "$s.mcs.out" products)")" \
		"$(res "$f.p" "$f_p") $(res "$s.p" "$(hdr "$s.p.out" probability)")" >>"$rows"
	tail -n 1 "$rows" >&2
done

# ---- counts to a bounded order --------------------------------------------
# For the trees of --bounded TREE:K: both tools asked for the sets of at
# most K events, the count and the count per order compared (a second
# figure where a full count is out of reach of one tool, and the check of a
# published figure made to an order limit).
brows=$raw/bounded.txt
: >"$brows"
for tk in $bounded; do
	name=${tk%%:*} k=${tk#*:}
	tree=$trees/$name.xml
	[ -f "$tree" ] || { echo "risk.sh: no tree $tree" >&2; exit 2; }
	events=$(grep -c '<define-basic-event' "$tree" || true)
	echo "risk.sh: bounded: $name, order <= $k" >&2
	f=$raw/fallout/$name.mcs$k
	fo_run "$f" "$tree" cutsets --from openpsa "$tree" --format json --top 1 --max-order "$k"
	fc=$(jq -r '.count // empty' "$f.out" 2>/dev/null || true)
	fd=$(jq -r '[.orders[] | "\(.order):\(.count)"] | join(",")' "$f.out" 2>/dev/null || true)
	st=$(scram_tree "$tree" "$raw/scram/$name.dedup.xml")
	scram_run "$name" mcs "$st" "$events" "$k"
	s=$raw/scram/$name.mcs$k
	sc=$(hdr "$s.out" products)
	# SCRAM's distribution: counts of orders 1, 2, ... separated by spaces
	sd=$(hdr "$s.out" distribution | awk '{ for (i = 1; i <= NF; i++) if ($i != 0) { printf "%s%d:%s", sep, i, $i; sep = "," } }')
	echo "$name $k $(res "$f" "$fc") ${fd:--} $(res "$s" "$sc") ${sd:--}" >>"$brows"
	tail -n 1 "$brows" >&2
done

[ $scram_only -eq 0 ] || exit 0

# ---- the 1M-node inventory ------------------------------------------------
# `fallout gen` writes no failure data: the defaults per kind below are put
# in a copy of the inventory (DB's name with .xml), imported into DB.
# Figures of the order of published equipment reliability, for the timing:
# what is measured is the engine on a real cone, not the figures.
fdata='  <failure-data kind="region" p="0.000001"/>
  <failure-data kind="zone" p="0.00001"/>
  <failure-data kind="site" p="0.00001"/>
  <failure-data kind="power" p="0.0002"/>
  <failure-data kind="cooling" p="0.0002"/>
  <failure-data kind="network" p="0.0001"/>
  <failure-data kind="room" p="0.00002"/>
  <failure-data kind="rack" p="0.0001"/>
  <failure-data kind="host" mtbf="43800" mttr="4"/>
  <failure-data kind="vm" p="0.0002"/>
  <failure-data kind="storage" p="0.0001"/>
  <failure-data kind="service" p="0.0001"/>
  <failure-data kind="app" p="0.0001"/>
  <failure-data kind="dataset" p="0.00001"/>
  <failure-data kind="db" p="0.0001"/>
  <failure-data kind="lb" p="0.0001"/>
  <failure-data kind="cdn" p="0.0001"/>
  <failure-data kind="dns" p="0.00001"/>
  <failure-data kind="queue" p="0.0001"/>'
m1=
if [ -n "$gen" ]; then
	[ -n "$db" ] || db=$raw/gen-fd.db
	fdxml=${db%.db}.xml
	if [ ! -s "$gen" ]; then
		echo "risk.sh: generating $gen" >&2
		mkdir -p "$(dirname "$gen")"
		"$fallout" gen --nodes 1000000 --seed 1 -o "$gen.tmp"
		mv "$gen.tmp" "$gen"
	fi
	if [ ! -s "$fdxml" ] || [ "$fdxml" -ot "$gen" ]; then
		echo "risk.sh: $fdxml: $gen with failure data" >&2
		printf '%s\n' "$fdata" >"$fdxml.fd"
		awk -v fd="$fdxml.fd" '{ print } !done && /^<inventory / { while ((getline l < fd) > 0) print l; done = 1 }' \
			"$gen" >"$fdxml.tmp"
		rm -f "$fdxml.fd"
		mv "$fdxml.tmp" "$fdxml"
	fi
	if [ ! -s "$db" ] || [ "$db" -ot "$fdxml" ]; then
		echo "risk.sh: importing $fdxml into $db" >&2
		rm -f "$db" "$db.tmp"
		"$fallout" import "$fdxml" --db "$db.tmp" --label gen >/dev/null
		mv "$db.tmp" "$db"
	fi
	label=$("$fallout" db list --db "$db" | awk 'NR > 1 { l = $1 } END { print l }')
	g=$raw/fallout/gen
	echo "risk.sh: 1M nodes: $app of $db@$label" >&2
	fo_run "$g.mcs" "$db" cutsets "$db@$label" --app "$app" --max-order 2 --format json --top 1
	g_mcs=$(jq -r '.count // empty' "$g.mcs.out" 2>/dev/null || true)
	fo_run "$g.p" "$db" availability "$db@$label" --app "$app" --format json --top 1
	g_p=$(jq -r '.apps[0].p_down // empty' "$g.p.out" 2>/dev/null || true)
	g_n=$(jq -r '.apps[0].nodes // empty' "$g.p.out" 2>/dev/null || true)
	m1="$(res "$g.mcs" "$g_mcs") $(res "$g.p" "$g_p")"
fi

# ---- the report -----------------------------------------------------------
load=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
tmp=$raw/report.md
fail=0
{
cat <<HEAD
# Benchmarks: minimal cut sets and P(top) of the Aralia fault trees, fallout against SCRAM

Written by [bench/risk.sh](../bench/risk.sh) (\`make bench-risk\`) on $(date -u +%Y-%m-%dT%H:%M:%SZ) at
$commit, on $(nproc) cores ($cpu), load average $load at the end (the machine may be
shared: wall times wait for a core, CPU time does not). Trees: the $# of
[../shared/aralia](../../shared/aralia) (Open-PSA MEF, the Aralia dataset; published figures from
its README). $scram_version from Debian.

\`make bench-risk\` (installs \`scram\` and \`jq\` when missing); this run took
$(( ($(date +%s) - started + 30) / 60 )) min$( [ $reuse -eq 0 ] && [ $reuse_fallout -eq 0 ] || echo " (results of earlier runs reused: --reuse-scram / --reuse-fallout, raw results in $raw)").
Every run alone, one after the other, under \`nice -n 10\`, a limit of $limit s of CPU time
(\`ulimit -t\`: a busy shared machine stretches wall time, not CPU time; a wall-time safety net at
$((3 * limit)) s) and of $memgb GiB of address space (\`ulimit -v\`); wall time, CPU time
(user + system, 10 ms resolution) and peak resident memory from \`/usr/bin/time\`:

\`\`\`sh
fallout cutsets --from openpsa TREE.xml --format json --top 1       # MCS count
fallout availability --from openpsa TREE.xml --format json --top 1  # P(top)
scram --bdd --probability false --limit-order EVENTS --cut-off 0 TREE.xml   # MCS count
scram --bdd --probability true --limit-order 1 --cut-off 0 TREE.xml         # P(top)
\`\`\`

SCRAM's best options for each answer: \`--bdd\` (its default and fastest algorithm: the BDD of
the tree, then the ZBDD of the cut sets from it; \`--zbdd\` and \`--mocus\` build the sets
directly and are slower on these trees), no approximation (\`--rare-event\` and \`--mcub\` are
approximations; without them SCRAM computes P(top) exactly on the BDD), \`--cut-off 0\` (no set
dropped for its probability) and \`--limit-order EVENTS\` (the tree's number of events: no set
dropped for its order; the default is 20) for the count; for P(top) \`--limit-order 1\`, since the
probability comes from the BDD and not from the sets (checked: the same P(top) with any limit),
so SCRAM does not spend time on sets it is not asked for. SCRAM writes every cut set into its XML
report; the script reads the report's head (count and probability) and closes the pipe, so the
time of writing gigabytes of XML is not counted against SCRAM.

HEAD
awk -v pubfile="$trees/README.md" -v rows="$rows" -v brows="$brows" -v limit="$limit" -v memgb="$memgb" -v dedup="$dedup" '
function grp(s,   r) { if (s !~ /^[0-9]+$/) return s; r = ""
	while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
	return s r }
function floor(v) { return (v == int(v) || v > 0) ? int(v) : int(v) - 1 }
# the unit of the 6th significant digit of x > 0
function unit(x) { return 10 ^ (floor(log(x) / log(10) + 1e-9) - 5) }
# x equal to the 6-significant-digit figure r: |x - r| <= half a unit of its last digit
function eq6(x, r) { x += 0; r += 0; if (r == 0) return x == 0
	return (x - r <= 0.5 * unit(r) * (1 + 1e-9)) && (r - x <= 0.5 * unit(r) * (1 + 1e-9)) }
function eq3(x, r) { x += 0; r += 0; return (x - r <= 0.5 * unit(r) * 1000 * (1 + 1e-9)) && (r - x <= 0.5 * unit(r) * 1000 * (1 + 1e-9)) }
function why(st) { return st == "timeout" ? "over " limit " s" : st == "stopped" ? "stopped by hand" : st == "not-run" ? "not run" : st == "memory" ? "out of memory (" memgb " GiB)" : st }
function val(v, st, kind) { if (st != "ok") return "*" why(st) "*"; return kind == "mcs" ? grp(v) : sprintf("%.6g", v) }
# the same, saying which time limit stopped a run: CPU, or wall time (the
# wall-time net, or runs made with a wall-time limit only)
function val2(v, st, kind, w, c) { if (st == "timeout" && c < 0.95 * limit) return sprintf("*stopped at %.0f s of wall time*", w); return val(v, st, kind) }
function tm(w, c, r) { return sprintf("%.2f / %.2f s, %.0f MB", w, c, r / 1024) }
# SCRAM CPU / fallout CPU; 0.00 s of fallout (under the 10 ms resolution) counts as 0.01
function ratio(a, b) { if (b == 0) return "-"; if (a < 0.01) return sprintf("≥ %.0f×", b / 0.01); return sprintf("%.1f×", b / a) }
BEGIN {
	while ((getline line < pubfile) > 0) {
		n = split(line, c, "|"); if (n < 11) continue
		t = c[2]; gsub(/ /, "", t); m = c[9]; gsub(/[ ,]/, "", m); p = c[10]; gsub(/ /, "", p)
		pmcs[t] = m; pp[t] = p
	}
	nt = 0
	while ((getline line < rows) > 0) { nt++; row[nt] = line }
	for (k = 1; k <= 2; k++) {
		if (k == 1) {
			print "## Minimal cut sets: the count\n"
			print "| tree | events | published | fallout | SCRAM | check | fallout wall / CPU, peak | SCRAM wall / CPU, peak | SCRAM ÷ fallout (CPU) |"
		} else {
			print "\n## P(top), exact\n"
			print "| tree | events | published | fallout | SCRAM | check | fallout wall / CPU, peak | SCRAM wall / CPU, peak | SCRAM ÷ fallout (CPU) |"
		}
		print "|---|---:|---:|---:|---:|---|---|---|---:|"
		for (i = 1; i <= nt; i++) {
			split(row[i], f, " ")
			name = f[1]; ev = f[2]; o = (k == 1) ? 2 : 12
			fv = f[o + 1]; fs = f[o + 2]; fw = f[o + 3]; fc = f[o + 4]; fr = f[o + 5]
			sv = f[o + 6]; ss = f[o + 7]; sw = f[o + 8]; sc = f[o + 9]; sr = f[o + 10]
			pub = (k == 1) ? pmcs[name] : pp[name]
			if (pub == "" || pub == "unknown") pub = "unknown"
			check = ""
			if (fs == "ok" && ss == "ok") {
				same = (k == 1) ? (fv == sv) : eq6(fv, sv)
				if (same) { check = "equal"; both[k]++ }
				else { check = "**DIFFER**"; differ[k] = differ[k] " " name; both[k]++ }
				if (fc < sc || (fc == sc && fw < sw)) faster[k]++; else slower[k] = slower[k] " " name
			} else if (fs == "ok") { check = "fallout only"; fonly[k] = fonly[k] " " name }
			else if (ss == "ok") { check = "SCRAM only"; sonly[k] = sonly[k] " " name }
			else { check = "neither"; neither[k] = neither[k] " " name }
			if (fs == "error") { check = check "; **fallout failed**"; bad = 1 }
			ref = (fs == "ok") ? fv : (ss == "ok") ? sv : ""
			if (pub != "unknown" && ref != "") {
				if (k == 1) ok = (pub ~ /E/) ? eq3(ref, pub) : (pub == ref)
				else ok = eq6(ref, pub)
				if (!ok) { check = check "; published differs"; pubdiff[k] = pubdiff[k] " " name }
			}
			pubs = (k == 1 && pub ~ /^[0-9]+$/) ? grp(pub) : pub
			printf "| %s | %s | %s | %s | %s%s | %s | %s | %s | %s |\n", name, ev, pubs,
				val2(fv, fs, k == 1 ? "mcs" : "p", fw, fc), val2(sv, ss, k == 1 ? "mcs" : "p", sw, sc),
				(index(" " dedup " ", " " name " ") ? " ¹" : ""), check,
				tm(fw, fc, fr), tm(sw, sc, sr), (fs == "ok" && ss == "ok") ? ratio(fc, sc) : "-"
		}
	}
	print "\n## Verdicts\n"
	for (k = 1; k <= 2; k++) {
		what = (k == 1) ? "MCS counts" : "P(top)"
		printf "- %s: %d trees solved by both, %s; fallout faster (CPU time) on %d of them%s.", what, both[k] + 0,
			differ[k] == "" ? "all equal" : "**different on" differ[k] "**", faster[k] + 0,
			slower[k] == "" ? "" : " (not on" slower[k] ")"
		if (fonly[k] != "") printf " Solved by fallout only:%s.", fonly[k]
		if (sonly[k] != "") printf " **Solved by SCRAM only:%s.**", sonly[k]
		if (neither[k] != "") printf " Solved by neither:%s.", neither[k]
		if (pubdiff[k] != "") printf " The published figure differs on%s (below).", pubdiff[k]
		printf "\n"
		if (differ[k] != "") bad = 1
	}
	if (dedup != "")
		printf "\n¹ SCRAM refuses a gate with a repeated argument (`DuplicateArgumentError`); it was given a copy of the tree without the repeats of AND and OR gates (x AND x = x OR x = x: the same tree), made by the script:%s.\n", dedup
	nb = 0
	while ((getline line < brows) > 0) { nb++; brow[nb] = line }
	if (nb > 0) {
		print "\n## Counts to a bounded order\n"
		print "Both tools asked for the minimal cut sets of at most K events only (`fallout cutsets --max-order K`, `scram --limit-order K`; both exact for that order), where a full count is out of reach of one of them or a published figure was made to an order limit; the count per order compared as well.\n"
		print "| tree | K | fallout | SCRAM | check | per order (fallout) | fallout wall / CPU, peak | SCRAM wall / CPU, peak |"
		print "|---|---:|---:|---:|---|---|---|---|"
		for (i = 1; i <= nb; i++) {
			split(brow[i], f, " ")
			# name k | fc st w c r fd | sc st w c r sd
			check = "-"
			if (f[4] == "ok" && f[10] == "ok") {
				check = (f[3] == f[9] && f[8] == f[14]) ? "equal (count and per order)" : "**DIFFER**"
				if (check != "equal (count and per order)") bad = 1
			}
			printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", f[1], f[2], val2(f[3], f[4], "mcs", f[5], f[6]),
				val2(f[9], f[10], "mcs", f[11], f[12]), check, f[8], tm(f[5], f[6], f[7]), tm(f[11], f[12], f[13])
		}
	}
	exit bad
}' || fail=1
# verdict10 STATE WALL CPU: the 10 s target
verdict10() {
	awk -v st="$1" -v w="$2" -v c="$3" 'BEGIN {
		if (st != "ok" || c > 10) print "**MISS**"
		else if (w <= 10) print "PASS"
		else print "PASS in CPU time; **MISS** in wall time (the load of the machine)" }'
}
if [ -n "$m1" ]; then
	set -- $m1
	cat <<M1

## The 1M-node generated inventory

\`fallout gen --nodes 1000000 --seed 1\` with failure data per kind (\`<failure-data>\` defaults
added by the script: region 1e-6, zone and site 1e-5, power and cooling 2e-4, room 2e-5, host
mtbf 43,800 h and mttr 4 h, VM 2e-4, datasets and DNS 1e-5, everything else 1e-4), imported
into a snapshot \`$(basename "$db")@$label\`; the tier-1 app \`$app\` (a cone of ${g_n:-?} nodes), the same limits as
above. Target: ≤ 10 s each, end to end.

| command | answer | wall / CPU, peak | target |
|---|---|---|---|
| \`fallout cutsets DB@L --app $app --max-order 2 --format json\` | $(if [ "$2" = ok ]; then echo "$1 sets of order ≤ 2"; else echo "*$2*"; fi) | $(printf '%.2f / %.2f s, %.0f MB' "$3" "$4" "$(($5 / 1024))") | $(verdict10 "$2" "$3" "$4") |
| \`fallout availability DB@L --app $app --format json\` | $(if [ "$7" = ok ]; then echo "P(down) = $6, exact"; else echo "*$7*"; fi) | $(printf '%.2f / %.2f s, %.0f MB' "$8" "$9" "$((${10} / 1024))") | $(verdict10 "$7" "$8" "$9") |
M1
fi
if [ -f "$notes" ]; then
	printf '\n'
	cat "$notes"
fi
} >"$tmp"
mv "$tmp" "$out"
cat "$out"
exit $fail
