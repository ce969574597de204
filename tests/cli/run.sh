#!/bin/sh
# CLI golden tests: every tests/cli/cases/NAME.args is one case.
#   NAME.args    the arguments after `fallout` (one line, shell words)
#   NAME.stdin   optional standard input
#   NAME.out     expected standard output (exact bytes)
#   NAME.err     expected standard error (exact bytes; absent = must be empty)
#   NAME.status  expected exit status (absent = 0)
# Every stderr line must start with "fallout CMD: " or "FILE:LINE:COL: "
# (tests/cli/prefix.sh).
# Paths in arguments are relative to the repository root, where this runs.
# FO_UPDATE_GOLDEN=1 rewrites .out/.err/.status from the current behaviour
# (review the diff before committing!).
# Then the scripted checks in tests/cli/checks.sh, output-checks.sh,
# input-checks.sh, options-checks.sh, man-check.sh (docs/fallout.1 against
# the help texts), tour-check.sh (README.md's tour, twice, in a fresh
# clone), convert-checks.sh (convert's round trips) and risk-checks.sh
# (cutsets, availability, export: MEF round trips, SCRAM) run.
set -u
: "${FALLOUT:=./fallout}"
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
. tests/cli/prefix.sh
pass=0
fail=0
for args_file in tests/cli/cases/*.args; do
	name=${args_file%.args}
	base=$(basename "$name")
	args=$(cat "$args_file")
	stdin=/dev/null
	[ -f "$name.stdin" ] && stdin="$name.stdin"
	eval "set -- $args"
	timeout 60 "$FALLOUT" "$@" <"$stdin" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "${FO_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$tmp/out" "$name.out"
		if [ -s "$tmp/err" ]; then cp "$tmp/err" "$name.err"; else rm -f "$name.err"; fi
		if [ "$status" != 0 ]; then echo "$status" >"$name.status"; else rm -f "$name.status"; fi
	fi
	want_status=0
	[ -f "$name.status" ] && want_status=$(cat "$name.status")
	ok=1
	if [ "$status" != "$want_status" ]; then
		echo "FAIL $base: exit status $status, expected $want_status"
		ok=0
	fi
	if ! cmp -s "$tmp/out" "$name.out"; then
		echo "FAIL $base: stdout differs:"
		diff -u "$name.out" "$tmp/out" | head -40
		ok=0
	fi
	if [ -f "$name.err" ]; then
		if ! cmp -s "$tmp/err" "$name.err"; then
			echo "FAIL $base: stderr differs:"
			diff -u "$name.err" "$tmp/err" | head -40
			ok=0
		fi
	elif [ -s "$tmp/err" ]; then
		echo "FAIL $base: unexpected stderr:"
		head -20 "$tmp/err"
		ok=0
	fi
	if ! stderr_prefixed "$tmp/err" "$@"; then
		echo "FAIL $base: a stderr line lacks 'fallout CMD: ' or 'FILE:LINE:COL: '"
		ok=0
	fi
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "cli-golden: $pass passed, $fail failed"
FALLOUT="$FALLOUT" sh tests/cli/checks.sh
checks=$?
FALLOUT="$FALLOUT" sh tests/cli/output-checks.sh
outputs=$?
FALLOUT="$FALLOUT" sh tests/cli/input-checks.sh || checks=1
FALLOUT="$FALLOUT" sh tests/cli/options-checks.sh || checks=1
FALLOUT="$FALLOUT" sh tests/cli/man-check.sh || checks=1
FALLOUT="$FALLOUT" sh tests/cli/tour-check.sh || checks=1
FALLOUT="$FALLOUT" sh tests/cli/convert-checks.sh || checks=1
FALLOUT="$FALLOUT" sh tests/cli/risk-checks.sh || checks=1
[ $fail = 0 ] && [ $checks = 0 ] && [ $outputs = 0 ]
