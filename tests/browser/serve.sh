#!/bin/sh
# The browser test of `fallout serve` (issue 11): starts the server on a free
# port of 127.0.0.1, drives its explorer page in headless Chromium
# (tests/browser/check-serve.mjs says what is checked), runs the downloaded
# scenario file through `fallout report`, then stops the server with SIGTERM,
# which must exit 0. Self-test: the same walk through a proxy that breaks
# the page in one way (tests/browser/serve-proxy.mjs) must fail, with the
# reason expected.
#   FALLOUT=./fallout sh tests/browser/serve.sh
#   FALLOUT=./fallout sh tests/browser/serve.sh --shots DIR
#      only the screenshots of docs/serve.md: the Tencent sample, the
#      quickstart sample (12 nodes), a generated estate of 1,000 nodes and, when it exists, the
#      shared 1M-node snapshot (FO_BIG_DB, default
#      build/bench/data/map-1000000-s1.db, opened read-only by the server).
# Screenshots of the test itself go to $FO_BROWSER_SHOTS (a folder) when set.
# Exit status: 0 passed, 1 failed, 3 set-up (node, chromium) missing.
set -u
: "${FALLOUT:=./fallout}"
cd "$(dirname "$0")/../.." || exit 2
sh tests/browser/run.sh --prepare || exit 3
tmp=$(mktemp -d)
pid=""
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
pass=0
fail=0

# start NAME INVENTORY...: starts the server, sets pid and url, or says why not.
start() {
	name=$1
	shift
	: >"$tmp/$name.err"
	$FALLOUT serve --port 0 "$@" 2>"$tmp/$name.err" >"$tmp/$name.out" &
	pid=$!
	url=""
	# The ready line (docs/serve.md): "fallout serve: N nodes from X on
	# http://127.0.0.1:PORT/ (Ctrl-C stops)". A million nodes take seconds.
	i=0
	while [ $i -lt 1200 ]; do
		url=$(sed -n 's|^fallout serve: .* on \(http://127\.0\.0\.1:[0-9][0-9]*/\) (Ctrl-C stops)$|\1|p' "$tmp/$name.err" | head -n 1)
		[ -n "$url" ] && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			echo "FAIL serve $name: the server exited ($?) before its ready line:"
			sed 's/^/  | /' "$tmp/$name.err"
			pid=""
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "FAIL serve $name: no ready line after 120 s:"
	sed 's/^/  | /' "$tmp/$name.err"
	return 1
}

# stop NAME: SIGTERM, and the server must exit 0 within 20 s.
stop() {
	kill -TERM "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "FAIL serve $1: still running 20 s after SIGTERM"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=""
		fail=$((fail + 1))
		return
	fi
	wait "$pid"
	st=$?
	pid=""
	if [ "$st" = 0 ]; then
		pass=$((pass + 1))
	else
		echo "FAIL serve $1: exit status $st after SIGTERM, expected 0:"
		sed 's/^/  | /' "$tmp/$1.err"
		fail=$((fail + 1))
	fi
}

# browse NAME ARGS...: check-serve.mjs against the running server.
browse() {
	name=$1
	shift
	if node tests/browser/check-serve.mjs "$url" "$@"; then
		pass=$((pass + 1))
	else
		echo "FAIL browser-serve $name (server stderr below)"
		sed 's/^/  | /' "$tmp/$name.err"
		fail=$((fail + 1))
	fi
}

# broken NAME MESSAGE FILE FROM TO [--no-csp]: check-serve.mjs --mode tencent
# through tests/browser/serve-proxy.mjs, which replaces FROM by TO in FILE of
# the running server's page, must fail (1) with MESSAGE, a fixed string.
# broken_pass NAME FILE FROM TO [--no-csp]: the same must pass (0).
broken_pass() {
	bname=$1
	shift
	broken "$bname" "" "$@"
}
broken() {
	bname=$1 msg=$2
	shift 2
	node tests/browser/serve-proxy.mjs "$url" "$@" >"$tmp/proxy.out" 2>"$tmp/proxy.err" &
	ppid=$!
	purl=""
	i=0
	while [ -z "$purl" ] && [ $i -lt 100 ] && kill -0 "$ppid" 2>/dev/null; do
		sleep 0.1
		purl=$(sed -n 's|^proxy: \(http://127\.0\.0\.1:[0-9]*/\)$|\1|p' "$tmp/proxy.out")
		i=$((i + 1))
	done
	if [ -z "$purl" ]; then
		echo "FAIL browser-serve self-test $bname: the proxy did not start:"
		sed 's/^/  | /' "$tmp/proxy.err"
		kill "$ppid" 2>/dev/null
		wait "$ppid" 2>/dev/null
		fail=$((fail + 1))
		return
	fi
	# A page that must fail fails by timing out: wait less for it.
	patience=30000
	[ -n "$msg" ] && patience=8000
	node tests/browser/check-serve.mjs "$purl" --mode tencent --wait "$patience" >"$tmp/self.out" 2>"$tmp/self.err"
	st=$?
	kill -TERM "$ppid" 2>/dev/null
	wait "$ppid" 2>/dev/null
	if [ -z "$msg" ] && [ "$st" = 0 ]; then
		pass=$((pass + 1))
	elif [ -n "$msg" ] && [ "$st" = 1 ] && grep -qF -- "$msg" "$tmp/self.err"; then
		pass=$((pass + 1))
	elif [ -z "$msg" ]; then
		echo "FAIL browser-serve self-test $bname: status $st, expected 0"
		sed 's/^/  | /' "$tmp/self.out" "$tmp/self.err"
		fail=$((fail + 1))
	else
		echo "FAIL browser-serve self-test $bname: status $st, expected 1 and: $msg"
		sed 's/^/  | /' "$tmp/self.out" "$tmp/self.err"
		fail=$((fail + 1))
	fi
}

shot_arg() {
	if [ -n "${FO_BROWSER_SHOTS:-}" ]; then
		mkdir -p "$FO_BROWSER_SHOTS"
		echo "--screenshot $FO_BROWSER_SHOTS/$1.png"
	fi
}

if [ "${1:-}" = --shots ]; then
	[ $# = 2 ] || { echo "usage: sh tests/browser/serve.sh [--shots DIR]" >&2; exit 2; }
	dir=$2
	mkdir -p "$dir" || exit 1
	if start tencent samples/tencent-gz-2023.xml; then
		browse tencent --mode shot --fail gz-cooling --screenshot "$dir/serve-tencent.png"
		stop tencent
	else
		fail=$((fail + 1))
	fi
	if start quickstart samples/quickstart.xml; then
		browse quickstart --mode shot --fail gz3-cooling --screenshot "$dir/serve-quickstart.png"
		stop quickstart
	else
		fail=$((fail + 1))
	fi
	if $FALLOUT gen --nodes 1000 --seed 1 -o "$tmp/gen-1000.xml" 2>"$tmp/gen.err" &&
		start gen1000 "$tmp/gen-1000.xml"; then
		browse gen1000 --mode shot --fail r1-z1-s1 --screenshot "$dir/serve-gen-1000.png"
		stop gen1000
	else
		cat "$tmp/gen.err"
		fail=$((fail + 1))
	fi
	# `fallout gen` names its sites rR-zZ-sS: r1-z1-s1 is the first site.
	big=${FO_BIG_DB:-build/bench/data/map-1000000-s1.db}
	: "${FO_BIG_FAIL:=r1-z1-s1}"
	if [ -f "$big" ]; then
		if start big "$big"; then
			browse big --mode shot --fail "$FO_BIG_FAIL" --screenshot "$dir/serve-gen-1000000.png"
			stop big
		else
			fail=$((fail + 1))
		fi
	else
		echo "serve shots: no $big, no 1M-node screenshot"
	fi
	echo "browser-serve shots: $pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit $?
fi

# The Tencent sample: the user's walk through the page.
if start tencent samples/tencent-gz-2023.xml; then
	# shellcheck disable=SC2046
	browse tencent --mode tencent --download "$tmp/scenario.xml" $(shot_arg serve-tencent)
	# The downloaded file is a scenario file `fallout report` runs: its one
	# scenario fails gz-cooling and takes 6 apps down, as whatif says.
	if [ -f "$tmp/scenario.xml" ]; then
		if $FALLOUT report samples/tencent-gz-2023.xml --scenarios "$tmp/scenario.xml" -o "$tmp/report" \
			--no-diagrams --quiet >"$tmp/report.out" 2>"$tmp/report.err" &&
			node -e '
				const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
				const s = JSON.stringify(r);
				if (!s.includes("gz-cooling") || !/"apps_down": ?6\b/.test(s)) {
					console.error("report.json does not run gz-cooling with 6 apps down");
					process.exit(1);
				}' "$tmp/report/report.json"; then
			pass=$((pass + 1))
		else
			echo "FAIL serve download: the downloaded scenario does not run through fallout report:"
			sed 's/^/  | /' "$tmp/scenario.xml" "$tmp/report.err"
			fail=$((fail + 1))
		fi
	else
		echo "FAIL serve download: no scenario file was downloaded"
		fail=$((fail + 1))
	fi
	# The check fails a page broken in each of these ways, for the right reason.
	broken history "Back does not return to #fail=gz-cooling" /explorer.js \
		"history.pushState(null, '', " "history.replaceState(null, '', "
	broken summary "the summary does not say 6 apps down" /explorer.js \
		"const empty = !state.scenario.fail.length && !state.scenario.destroy.length;" "const empty = true;"
	broken console "console error (step open): fixture: boom" /explorer.js \
		"'use strict';" "'use strict'; console.error('fixture: boom');"
	broken outside "network: the page requested http://example.invalid/x.png" / \
		'<link rel="icon" href="data:,">' '<link rel="icon" href="http://example.invalid/x.png">' --no-csp
	# ... and passes a page whose diagrams carry script, handlers, foreign
	# content and outside links, with no CSP to stop them: the page's copy
	# of the SVG must leave them all out.
	broken_pass sanitized /api/diagram '<g id="graph0" class="graph"' \
		'<script>alert(1)</script><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="http://example.invalid/f"/></foreignObject><image href="http://example.invalid/i.png" width="9" height="9"/><a href="javascript:alert(3)"><text>x</text></a><g id="graph0" onload="alert(2)" onclick="alert(2)" style="fill:red" class="graph"' \
		--no-csp
	stop tencent
else
	fail=$((fail + 1))
fi

# Hostile ids: quotes, <, newlines, Chinese, through every part of the page.
if start hostile tests/cli/inputs/hostile-names.xml; then
	# shellcheck disable=SC2046
	browse hostile --mode hostile $(shot_arg serve-hostile)
	stop hostile
else
	fail=$((fail + 1))
fi

echo "browser-serve: $pass passed, $fail failed"
[ "$fail" = 0 ]
