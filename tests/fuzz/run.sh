#!/bin/sh
# run.sh NAME...: runs the libFuzzer harnesses $FUZZ_BUILD/fuzz/fuzz_NAME one
# after another (the machine may have 2 cores): first over every file of the
# committed corpus tests/fuzz/corpus/NAME (regression: each input once), then
# FUZZ_SECONDS seconds of new inputs, mutated from that corpus and from the
# entries earlier runs kept in $FUZZ_BUILD/corpus/NAME (written there, never
# to tests/fuzz/). Fails on any crash, leak, sanitizer report, timeout or
# failed harness check, and prints the input and how to reproduce it.
# Called by `make fuzz` (and so by `make check`); see tests/fuzz/README.md.
set -u

: "${FUZZ_BUILD:=build/fuzz}"
: "${FUZZ_SECONDS:=20}"
here=$(cd "$(dirname "$0")" && pwd)

# Graphviz 2.43 and fontconfig leak by design (tests/lsan-graphviz.supp);
# LSan needs full malloc stacks to match their modules.
ASAN_OPTIONS="fast_unwind_on_malloc=0:detect_leaks=1:${ASAN_OPTIONS:-}"
LSAN_OPTIONS="suppressions=$here/../lsan-graphviz.supp:${LSAN_OPTIONS:-}"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS

# Largest input per harness: above the biggest seed, small enough that one
# input stays quick (a snapshot seed is ~20 KB; inventories ~15 KB).
max_len() {
	case $1 in
	inventory) echo 65536 ;;
	scenarios) echo 16384 ;;
	mapfile) echo 16384 ;;
	snapshot) echo 65536 ;;
	archimate) echo 65536 ;;
	graphml) echo 32768 ;;
	openpsa) echo 16384 ;;
	cmdb) echo 8192 ;;
	k8s) echo 32768 ;;
	terraform) echo 65536 ;;
	*) echo 4096 ;;
	esac
}

# A hang is a defect: -timeout bounds one input (generous: the machine is
# shared), and timeout(1) bounds the whole run.
common="-timeout=60 -rss_limit_mb=2048 -print_final_stats=1"

status=0

# The checks must be able to fail: each bad case of fuzz_selftest must stop
# with "fuzz check failed", the good case must pass.
selftest=$FUZZ_BUILD/fuzz/fuzz_selftest
tmp=$(mktemp -d) || exit 1
for c in g j k J u s z d l f e; do
	printf '%s' "$c" > "$tmp/case"
	if "$selftest" "$tmp/case" > "$tmp/out" 2>&1; then
		[ "$c" = g ] && continue
		echo "fuzz selftest: case $c passed a bad output (fuzz_selftest.c)" >&2
	else
		[ "$c" != g ] && grep -q 'fuzz check failed' "$tmp/out" && continue
		cat "$tmp/out" >&2
		echo "fuzz selftest: case $c failed wrongly (fuzz_selftest.c)" >&2
	fi
	status=1
done
rm -rf "$tmp"
[ $status = 0 ] && echo "== fuzz selftest: every output check can fail"

for name in "$@"; do
	bin=$FUZZ_BUILD/fuzz/fuzz_$name
	seeds=$here/corpus/$name
	grown=$FUZZ_BUILD/corpus/$name
	crashes=$FUZZ_BUILD/crashes/$name
	log=$FUZZ_BUILD/logs/$name
	mkdir -p "$grown" "$crashes" "$log"
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin is missing (make fuzz-build)" >&2
		status=1
		continue
	fi

	echo "== fuzz $name: regression over $(ls "$seeds" | wc -l) committed inputs"
	# Each file once, no mutation. A failing seed is named in the log.
	if ! timeout 900 "$bin" $common -artifact_prefix="$crashes/" "$seeds"/* \
		>"$log/regression.log" 2>&1; then
		tail -n 40 "$log/regression.log" >&2
		echo "fuzz $name: FAILED on a committed input (log: $log/regression.log)" >&2
		echo "  reproduce: $bin <the input named above>" >&2
		status=1
		continue
	fi

	echo "== fuzz $name: ${FUZZ_SECONDS}s of new inputs (corpus $grown)"
	if ! timeout $((FUZZ_SECONDS + 600)) "$bin" $common -max_len="$(max_len "$name")" \
		-dict="$here/$name.dict" -max_total_time="$FUZZ_SECONDS" \
		-artifact_prefix="$crashes/" "$grown" "$seeds" >"$log/fuzz.log" 2>&1; then
		tail -n 60 "$log/fuzz.log" >&2
		crash=$(ls -t "$crashes" 2>/dev/null | head -n 1)
		echo "fuzz $name: FAILED (log: $log/fuzz.log)" >&2
		if [ -n "$crash" ]; then
			echo "  input:     $crashes/$crash" >&2
			echo "  reproduce: $bin $crashes/$crash" >&2
			echo "  then keep it: cp $crashes/$crash $seeds/ (tests/fuzz/README.md)" >&2
		fi
		status=1
		continue
	fi
	# The last coverage line and libFuzzer's final statistics.
	grep -E ' cov: ' "$log/fuzz.log" | tail -n 1 | sed "s/^/   /"
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' \
		"$log/fuzz.log" | sed "s/^/   /"
done
exit $status
