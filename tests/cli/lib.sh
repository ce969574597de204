# tests/cli/lib.sh — what the scripted CLI checks share; sourced (not run) by
# tests/cli/snapshot-checks.sh and tests/cli/report-checks.sh after they cd
# to the repository root. Sets $tmp (removed at exit), pass/fail counters,
# $scale (10 under valgrind) and these helpers:
#   check DESC CMD...   counts CMD's success as a pass, else prints FAIL DESC
#   fo ARGS...          runs $FALLOUT ARGS with a time limit ($FO_LIMIT s ×
#                       scale): stdout in $tmp/out, stderr in $tmp/err,
#                       status in $st; a sanitizer or valgrind report fails
#   is N                the last status was N
#   has TEXT FILE       FILE contains TEXT (fixed string)
#   lacks REGEX FILE    FILE has no line matching the extended REGEX
#   sum FILE            FILE's checksum
# fo also checks that every stderr line is prefixed (tests/cli/prefix.sh).
: "${FALLOUT:=./fallout}"
: "${FO_LIMIT:=20}"
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
scale=1
case $FALLOUT in *valgrind*) scale=10 ;; esac

. tests/cli/prefix.sh

check() {
	desc=$1
	shift
	if "$@"; then pass=$((pass + 1)); else echo "FAIL $desc"; fail=$((fail + 1)); fi
}
fo() {
	# shellcheck disable=SC2086
	timeout $((FO_LIMIT * scale)) $FALLOUT "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if grep -q -E 'ERROR: [A-Za-z]+Sanitizer|runtime error:|^==[0-9]+== ' "$tmp/err"; then
		echo "FAIL fallout $*: sanitizer or valgrind report:"
		head -20 "$tmp/err"
		fail=$((fail + 1))
	fi
	check "stderr prefixed: fallout $*" stderr_prefixed "$tmp/err" "$@"
}
is() { [ "$st" = "$1" ]; }
has() { grep -q -F -- "$1" "$2"; }
lacks() { ! grep -q -E -- "$1" "$2"; }
sum() { cksum <"$1"; }
