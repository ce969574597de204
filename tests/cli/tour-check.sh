#!/bin/sh
# tests/cli/tour-check.sh: the commands of README.md's tour (every "$ ..."
# line in a code block from "## A short tour" to the next "## " heading) run
# twice in a row in a fresh clone of the working tree without a failure,
# write only under out/ (ignored by git) and leave nothing else behind: git
# status is clean and only out/ and the binary are ignored files. A command
# must exit 0 unless the tour shows its status with "$ echo $?". A
# read-only whatif on a snapshot leaves no -wal/-shm files (docs/cli.md).
#   FALLOUT=./fallout sh tests/cli/tour-check.sh
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

case $FALLOUT in
*" "*) echo "tour-check: skipped (FALLOUT is a command line: $FALLOUT)"; exit 0 ;;
esac
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "tour-check: skipped (not a git checkout)"
	exit 0
fi
bin=$(command -v "$FALLOUT") || { echo "FAIL tour-check: no $FALLOUT"; exit 1; }
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac

# The tour's commands; "STATUS n" after one whose status the tour shows.
awk '
	/^## A short tour/ { on = 1; next }
	on && /^## / { exit }
	on && /^```/ { block = !block; next }
	on && block && want { print "STATUS\t" $0; want = 0; next }
	on && block && /^\$ echo \$\?$/ { want = 1; next }
	on && block && /^\$ / { print "CMD\t" substr($0, 3) }
' README.md >"$tmp/tour"
check "tour: README.md has a tour" test "$(grep -c '^CMD' "$tmp/tour")" -ge 10

# A fresh clone of the working tree as it is (tracked and new files).
clone=$tmp/clone
mkdir "$clone"
git ls-files -z -c -o --exclude-standard | tar --null -T - -cf - 2>/dev/null | tar -xf - -C "$clone"
(cd "$clone" && git init -q && git add -A &&
	git -c user.name=tour -c user.email=tour@invalid commit -q -m tour) ||
	{ echo "FAIL tour: cannot make the clone"; exit 1; }
cp "$bin" "$clone/fallout"

run_tour() { # PASS
	pending=
	tab=$(printf '\t')
	while IFS="$tab" read -r kind text; do
		if [ "$kind" = STATUS ]; then
			check "tour run $1: '$pending' exits $text" test "$last" = "$text"
			pending=
			continue
		fi
		[ -n "$pending" ] && check "tour run $1: '$pending' exits 0 (got $last)" test "$last" = 0
		(cd "$clone" && sh -c "$text") >"$tmp/tour.out" 2>"$tmp/tour.err"
		last=$?
		pending=$text
		if [ -s "$tmp/tour.err" ]; then
			echo "FAIL tour run $1: '$text' wrote to stderr:"
			head -5 "$tmp/tour.err"
			fail=$((fail + 1))
		fi
	done <"$tmp/tour"
	[ -n "$pending" ] && check "tour run $1: '$pending' exits 0 (got $last)" test "$last" = 0
	(cd "$clone" && git status --porcelain) >"$tmp/status"
	check "tour run $1: git status is clean" test ! -s "$tmp/status"
	(cd "$clone" && git status --porcelain --ignored) | grep -v -x -e '!! fallout' -e '!! out/' >"$tmp/ignored"
	check "tour run $1: only out/ and ./fallout are left beside the clone's files" test ! -s "$tmp/ignored"
	cat "$tmp/status" "$tmp/ignored"
}
run_tour 1
run_tour 2

# A read-only whatif on a snapshot leaves the database's directory as it was.
(cd "$clone" && ls out) >"$tmp/before"
(cd "$clone" && ./fallout whatif out/plans.db@after --fail gz-water-loop --format json) >/dev/null 2>&1
check "tour: whatif on DB@LABEL: status 0" test $? = 0
(cd "$clone" && ls out) >"$tmp/after"
check "tour: whatif on DB@LABEL leaves no -wal or -shm file" cmp -s "$tmp/before" "$tmp/after"
check "tour: no -wal or -shm file after the tour" test ! -e "$clone/out/plans.db-wal" -a ! -e "$clone/out/plans.db-shm"

echo "tour-check: $pass passed, $fail failed"
[ $fail = 0 ]
