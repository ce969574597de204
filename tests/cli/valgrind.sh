#!/bin/sh
# A few CLI runs under valgrind ($FALLOUT carries the valgrind command line):
# one per command and one per error path of the loader.
set -u
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
run() {
	want=$1
	shift
	# shellcheck disable=SC2086
	$FALLOUT "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL valgrind: fallout $* exited $got, expected $want"
		cat "$tmp/err"
		fail=1
	fi
}
run 0 check samples/tencent-gz-2023.xml
run 0 whatif samples/tencent-gz-2023.xml --fail gz-cooling --format json
run 0 whatif samples/fire-backups.xml --destroy sbg2 --all
run 0 whatif samples/quickstart.xml --fail gz3-cooling --why wechat-pay
run 0 render samples/tencent-gz-2023.xml --fail gz-cooling --format svg
run 0 spof samples/migration/after.xml --format json
run 0 report tests/cli/inputs/hostile-names.xml --scenarios tests/cli/inputs/hostile-scenarios.xml -o "$tmp/report"
run 0 import samples/migration/after.xml --db "$tmp/s.db" --label after
run 0 report "$tmp/s.db@after" --scenarios samples/migration/scenarios.xml -o "$tmp/report" --no-diagrams
run 0 db report 1 --db "$tmp/s.db"
run 0 db reports --db "$tmp/s.db" --format json
# -o through a symlink onto a hard-linked file (resolved, copied in place),
# and onto a directory (refused).
echo old >"$tmp/real" && ln -s real "$tmp/link" && ln "$tmp/real" "$tmp/hard"
run 0 whatif samples/quickstart.xml --fail gz3-cooling -o "$tmp/link"
run 4 db report 1 --db "$tmp/s.db" -o "$tmp/report"
run 3 report samples/migration/before.xml --scenarios tests/cli/inputs/migration-loop-scenarios.xml -o "$tmp/report"
run 3 check tests/hostile/doctype-external-entity.xml
run 3 whatif tests/cli/inputs/dangling-ref.xml --fail a
run 2 whatif samples/quickstart.xml --fail no-such-id
run 4 check /nonexistent/inventory.xml
echo "cli valgrind: done"
exit $fail
