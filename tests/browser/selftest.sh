#!/bin/sh
# Self-test of the browser check (tests/browser/run.sh, check-page.mjs): it
# must pass a good page and fail each bad one for the right reason, or a green
# browser test of the HTML report would prove nothing. Each bad fixture in
# tests/browser/fixtures/ breaks one rule only, so it must fail with exactly
# one problem, the expected one.
set -u
cd "$(dirname "$0")/../.." || exit 2
run=tests/browser/run.sh
fx=tests/browser/fixtures

if ! sh "$run" --prepare; then
	echo "FAIL set-up: node, npm, chromium or playwright-core is missing (see above)"
	echo "browser-selftest: 0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

# expect STATUS PAGE MIN_SVG MESSAGE: run the check and want that exit status
# and MESSAGE (a fixed string) in its output; bad_chromium, when set, is the
# browser to launch instead. A failing page (status 1) must
# report exactly one problem.
expect() {
	want=$1 page=$2 min=$3 msg=$4
	if [ -n "${bad_chromium:-}" ]; then
		CHROMIUM=$bad_chromium sh "$run" "$fx/$page" "$min" >"$tmp/out" 2>"$tmp/err"
	else
		sh "$run" "$fx/$page" "$min" >"$tmp/out" 2>"$tmp/err"
	fi
	status=$?
	ok=1
	if [ "$status" != "$want" ]; then
		echo "FAIL $page (min $min): exit status $status, expected $want"
		ok=0
	fi
	if ! cat "$tmp/out" "$tmp/err" | grep -qF -- "$msg"; then
		echo "FAIL $page (min $min): output lacks: $msg"
		ok=0
	fi
	if [ "$want" = 1 ] && ! grep -qF "FAILED, 1 problem(s)" "$tmp/err"; then
		echo "FAIL $page (min $min): expected exactly one problem"
		ok=0
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		sed 's/^/  | /' "$tmp/out" "$tmp/err"
		fail=$((fail + 1))
	fi
}

expect 0 good.html 1 "browser: good.html: 1 diagram shown, 0 console messages"
expect 1 good.html 2 "diagrams: 1 shown of 1 <svg>, expected at least 2"
expect 1 console-error.html 1 "console error: fixture: boom (console-error.html:9)"
expect 1 console-warning.html 1 "console warning: fixture: careful"
expect 1 page-error.html 1 "page error: Error: fixture: uncaught"
expect 1 network.html 1 "network: the page requested http://example.invalid/x.png (blocked"
expect 1 local-file.html 1 "network: the page requested file://$(pwd)/$fx/missing.css (blocked"
expect 1 no-svg.html 1 "diagrams: 0 shown of 0 <svg>, expected at least 1"
expect 1 hidden-svg.html 1 "svg 1 (mini): box 0x0, not visible"
expect 1 not-graphviz.html 1 "no Graphviz node (g.node)"
expect 1 no-title.html 1 "the page has no <title>"
expect 2 good.html x "--min-svg wants a whole number"
# A browser that does not start is a set-up failure (3), not a page failure.
bad_chromium=/bin/false
expect 3 good.html 1 "cannot launch chromium (/bin/false)"
bad_chromium=

echo "browser-selftest: $pass passed, $fail failed"
[ $fail = 0 ]
