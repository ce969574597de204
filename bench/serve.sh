#!/bin/sh
# serve.sh — `fallout serve` on the 1M-node snapshot (part of `make bench`;
# alone: `make bench-serve`; docs/serve.md, docs/benchmarks.md).
#
#   sh bench/serve.sh --fallout BIN --load LOAD --data DIR --out FILE
#                     [--append | --replace] [--clients 8] [--seconds 30] [--nodes N]
#
# Generates (once) the inventory of N nodes (default 1000000, seed 1) and
# imports it (once) into DIR/map-N-s1.db, as bench/map.sh does; starts
# `fallout serve DIR/map-N-s1.db --port 0` (127.0.0.1), then measures:
#   - the start-up (process start to the ready line) and the server's RSS then;
#   - /api/search: the median of 5 requests of each query (curl's total time);
#   - the first and the second /api/spof (the SPOF structure is computed on
#     first use) and one /api/diagram of the cooling failure;
#   - the load test (tests/serve/load.c): CLIENTS clients × SECONDS s of
#     random what-ifs (1 to 3 random node ids of the inventory each), p50
#     and p99 overall and for the what-ifs of fewer than 10,000 impacted
#     nodes (target: p99 <= 50 ms), the RSS after a 5 s warm-up and at the
#     end.
# Writes a Markdown section "## fallout serve ..." : --append adds it to
# FILE, --replace replaces that section of FILE (or adds it), neither
# writes FILE anew. Exit status 1 when the server fails or the load test
# sees an error; a missed latency target is reported, not a failure (a
# shared machine inflates times).
set -eu

fallout= load= data= out= mode=write clients=8 seconds=30 nodes=1000000 seed=1
while [ $# -gt 0 ]; do
	case $1 in
	--fallout) fallout=$2; shift 2 ;;
	--load) load=$2; shift 2 ;;
	--data) data=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--append) mode=append; shift ;;
	--replace) mode=replace; shift ;;
	--clients) clients=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--nodes) nodes=$2; shift 2 ;;
	*) echo "serve.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
if [ -z "$fallout" ] || [ -z "$load" ] || [ -z "$data" ] || [ -z "$out" ]; then
	echo "usage: serve.sh --fallout BIN --load LOAD --data DIR --out FILE [--append|--replace]" >&2
	exit 2
fi
case $fallout in */*) ;; *) fallout=./$fallout ;; esac
mkdir -p "$data"
xml=$data/gen-$nodes-s$seed.xml
db=$data/map-$nodes-s$seed.db
if [ ! -s "$xml" ]; then
	echo "serve.sh: generating $xml" >&2
	"$fallout" gen --nodes "$nodes" --seed "$seed" -o "$xml.tmp"
	mv "$xml.tmp" "$xml"
fi
if [ ! -s "$db" ]; then
	echo "serve.sh: importing $xml into $db" >&2
	rm -f "$db.tmp"
	"$fallout" import "$xml" --db "$db.tmp" --label gen >/dev/null
	mv "$db.tmp" "$db"
fi

tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
sed -n 's/.*<node id="\([^"]*\)".*/\1/p' "$xml" >"$tmp/ids"
app=$(sed -n 's/.*<node id="\([^"]*\)" kind="app".*/\1/p' "$xml" | head -n 1)

now() { date +%s.%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
ms() { awk "BEGIN { printf \"%.1f\", $1 * 1000 }"; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(now)
"$fallout" serve "$db" --port 0 2>"$tmp/err" &
pid=$!
port=
while [ -z "$port" ]; do
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/err" >&2; echo "serve.sh: the server failed" >&2; exit 1; }
	sleep 0.05
	port=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9][0-9]*\)/ (Ctrl-C stops)$|\1|p' "$tmp/err")
done
t1=$(now)
startup=$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")
rss_ready=$(rss_mb "$pid")
base=http://127.0.0.1:$port

get_time() { curl -s -g -o "$tmp/body" -w '%{time_total}' --max-time 120 "$base$1"; }

search_rows=
for q in r1-z1-s1-cooling r1-z1 room28 cooling 1 zzzz; do
	: >"$tmp/t"
	for i in 1 2 3 4 5; do get_time "/api/search?q=$q" >>"$tmp/t"; echo >>"$tmp/t"; done
	total=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$tmp/body" | head -n 1)
	search_rows="$search_rows| \`$q\` | $total | $(ms "$(median <"$tmp/t")") ms |
"
done
spof1=$(ms "$(get_time "/api/spof?app=$app")")
spof2=$(ms "$(get_time "/api/spof?app=$app")")
diagram=$(ms "$(get_time "/api/diagram?fail=r1-z1-s1-cooling")")
boxes=$(grep -o '[0-9,]* nodes in [0-9,]* boxes' "$tmp/body" | head -n 1 || true)

set +e
"$load" --port "$port" --pid "$pid" --ids "$tmp/ids" --clients "$clients" --seconds "$seconds" \
	--warmup 5 --max-growth 20 --max-requests 100000000 >"$tmp/load" 2>"$tmp/load.err"
lst=$?
set -e
cat "$tmp/load.err" >&2
kill -TERM "$pid"
wait "$pid" || { echo "serve.sh: the server did not exit 0" >&2; exit 1; }
pid=
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
v() { sed -n "s/^$1=//p" "$tmp/load"; }
p99s=$(v small_p99_ms)
ok=FAIL; [ "$(awk "BEGIN { print ($p99s <= 50) }")" = 1 ] && ok=PASS
errors=$(v errors)
growth=$(awk "BEGIN { w = $(v rss_warm_kb); e = $(v rss_end_kb); printf \"%+.1f\", (e - w) * 100 / w }")

section=$(cat <<EOF

## fallout serve on the $nodes-node snapshot ([serve.md](serve.md))

Written by [bench/serve.sh](../bench/serve.sh) on $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $load_before before, $load_after after
(a machine shared with other jobs: latencies are inflated, the medians and the memory less so).
\`fallout serve $db --port 0\` (threads: the default), 127.0.0.1.

| | |
|---|---|
| start-up (process start to the ready line) | $startup s |
| RSS when ready | $rss_ready MB |
| first \`/api/spof\` (computes the SPOF structure of the graph) | $spof1 ms |
| second \`/api/spof\` (cached) | $spof2 ms |
| \`/api/diagram?fail=r1-z1-s1-cooling\` ($boxes) | $diagram ms |

Search (\`/api/search?q=…\`, 20 results at most; the median of 5 requests, curl's total time, so
HTTP on loopback included; one memmem pass over the lowercased ids and one over the names):

| query | matches | time |
|---|---|---|
$search_rows
Load ([tests/serve/load.c](../tests/serve/load.c)): $clients clients, each one keep-alive
connection, for $seconds s of random what-ifs (\`/api/whatif?fail=…&list=nodes&limit=10\`, 1 to 3
random node ids of the inventory):

| | |
|---|---|
| requests (errors) | $(v requests) ($errors) |
| throughput | $(v rps) requests/s |
| latency p50 / p99 / max, all what-ifs | $(v p50_ms) / $(v p99_ms) / $(v max_ms) ms |
| what-ifs of fewer than 10,000 impacted nodes | $(v small_requests) |
| their latency p50 / p99 (target p99 <= 50 ms) | $(v small_p50_ms) / $p99s ms — $ok |
| server RSS after a 5 s warm-up → at the end | $(awk "BEGIN { printf \"%.0f\", $(v rss_warm_kb) / 1024 }") → $(awk "BEGIN { printf \"%.0f\", $(v rss_end_kb) / 1024 }") MB ($growth %) |
EOF
)
case $mode in
append) printf '%s\n' "$section" >>"$out" ;;
replace)
	if [ -f "$out" ]; then
		awk '/^## fallout serve on the / { skip = 1; next } /^## / { skip = 0 } !skip' "$out" >"$tmp/out"
		# drop the blank lines the removed section leaves at the end
		sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$tmp/out" >"$tmp/out2"
		{ cat "$tmp/out2"; printf '%s\n' "$section"; } >"$out"
	else
		printf '%s\n' "$section" >"$out"
	fi ;;
write) printf '%s\n' "$section" >"$out" ;;
esac
printf '%s\n' "$section"
[ "$lst" -eq 0 ]
