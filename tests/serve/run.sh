#!/bin/sh
# tests/serve/run.sh — `fallout serve` over real sockets (docs/serve.md):
# the ready line, every endpoint's status and headers with curl, hostile
# requests (a huge query, malformed escapes, dot-dot paths, POST, unknown
# ids, a request body, a slow client), SIGTERM and SIGINT → exit 0, the
# exit statuses of a bad address and a port in use, then the load test
# (tests/serve/load.c: 8 clients × 5 s of random what-ifs on a generated
# 10k-node inventory; no error, memory after warm-up bounded).
# Environment: FALLOUT (the binary), TOOLS (directory of load and
# rawhttp), SERVE_LOAD=0 skips the load test (sanitizer builds: ASan's
# quarantine grows memory by design). Only 127.0.0.1 is contacted.
set -u
: "${FALLOUT:=./fallout}"
: "${TOOLS:=build/tests/serve}"
: "${SERVE_LOAD:=1}"
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
pass=0
fail=0
check() {
	desc=$1
	shift
	if "$@"; then pass=$((pass + 1)); else echo "FAIL $desc"; fail=$((fail + 1)); fi
}
sanitizer_clean() {
	! grep -q -E 'ERROR: [A-Za-z]+Sanitizer|runtime error:|^==[0-9]+== ' "$1"
}

# start NAME ARGS...: starts `fallout serve ARGS --port 0` in the
# background, stderr in $tmp/NAME.err; waits for the ready line (60 s at
# most) and sets $pid and $port.
start() {
	name=$1
	shift
	$FALLOUT serve "$@" --port 0 2>"$tmp/$name.err" &
	pid=$!
	pids="$pids $pid"
	i=0
	port=
	while [ $i -lt 600 ]; do
		port=$(sed -n 's|^fallout serve: .* on http://127\.0\.0\.1:\([0-9][0-9]*\)/ (Ctrl-C stops)$|\1|p' "$tmp/$name.err")
		[ -n "$port" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	echo "FAIL $name: no ready line:"
	cat "$tmp/$name.err"
	fail=$((fail + 1))
	return 1
}

# stop SIGNAL: sends it, expects exit 0 within 20 s and a clean stderr.
stop() {
	kill -"$1" "$pid"
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
	wait "$pid"
	st=$?
	check "$name: exit 0 after SIG$1 (got $st)" [ "$st" -eq 0 ]
	check "$name: no sanitizer report" sanitizer_clean "$tmp/$name.err"
}

# req PATH [CURL ARGS...]: GET http://127.0.0.1:$port/PATH; body in
# $tmp/body, headers in $tmp/head, status in $code.
req() {
	p=$1
	shift
	code=$(curl -s -g -o "$tmp/body" -D "$tmp/head" -w '%{http_code}' --max-time 60 "$@" \
		"http://127.0.0.1:$port$p")
}
has_header() { tr -d '\r' <"$tmp/head" | grep -qiF "$1"; }
body_has() { grep -qF -- "$1" "$tmp/body"; }
is_code() { [ "$code" = "$1" ]; }
one_of() {
	c=$1
	shift
	for x in "$@"; do [ "$c" = "$x" ] && return 0; done
	return 1
}

# ------------------------------------------------------------ endpoints
if start quick samples/quickstart.xml --threads 2; then
	check "ready line names the input and the node count" \
		grep -q '^fallout serve: 12 nodes from samples/quickstart.xml on http://127.0.0.1:' "$tmp/quick.err"
	for p in / /explorer.js /explorer.css "/api/info" "/api/search?q=gz" \
		"/api/whatif?fail=gz3-cooling" "/api/why?node=wechat-pay&fail=gz3-cooling" \
		"/api/spof?app=wechat-pay" "/api/node?id=gz3-hall-a" "/api/diagram?fail=gz3-cooling" \
		"/api/scenario?fail=gz3-cooling"; do
		req "$p"
		check "GET $p: 200 (got $code)" is_code 200
		check "GET $p: CSP" has_header "Content-Security-Policy: default-src 'none'; script-src 'self'"
		check "GET $p: nosniff" has_header "X-Content-Type-Options: nosniff"
		check "GET $p: no-store" has_header "Cache-Control: no-store"
	done
	req "/api/info"
	check "info: JSON type" has_header "Content-Type: application/json; charset=utf-8"
	check "info: nodes" body_has '"nodes":12,'
	req "/"
	check "page: HTML type" has_header "Content-Type: text/html; charset=utf-8"
	req "/api/diagram?fail=gz3-cooling"
	check "diagram: SVG type" has_header "Content-Type: image/svg+xml"
	check "diagram: an SVG" body_has "<svg"
	req "/api/scenario?fail=gz3-cooling"
	check "scenario: attachment" has_header 'Content-Disposition: attachment; filename="scenario.xml"'
	req "/api/whatif?fail=gz3-cooling" -I
	check "HEAD: 200 (got $code)" is_code 200
	check "HEAD: Content-Length of the GET" has_header "Content-Length: "
	# keep-alive: two requests on one connection
	curl -s -v -o /dev/null -o /dev/null "http://127.0.0.1:$port/api/info" \
		"http://127.0.0.1:$port/api/info" 2>"$tmp/v"
	check "keep-alive: the connection is reused" grep -q "Re-using existing connection" "$tmp/v"

	# -------------------------------------------------------- hostile
	req "/api/search?q=$(head -c 20000 /dev/zero | tr '\0' a)"
	check "20 KB query: 414, 431 or closed (got $code)" one_of "$code" 414 431 000
	req "/api/search?q=$(head -c 9000 /dev/zero | tr '\0' a)"
	check "9 KB query: 414 (got $code)" is_code 414
	check "9 KB query: too-large" body_has '"code":"too-large"'
	req "/api/search?q=$(head -c 300 /dev/zero | tr '\0' a)"
	check "300-byte search: 400 (got $code)" is_code 400
	req "/api/search?q=%zz"
	check "malformed escape: 400 (got $code)" is_code 400
	check "malformed escape: bad-parameter" body_has '"code":"bad-parameter"'
	req "/api/whatif?fail=%"
	check "lone %: 400 (got $code)" is_code 400
	req "/api/search?q=%ff%fe"
	check "not UTF-8: 400 (got $code)" is_code 400
	for p in "/../etc/passwd" "/%2e%2e/etc/passwd" "/%2e%2e%2fetc%2fpasswd" "/api/../api/info" \
		"/explorer.js/../../etc/passwd" "/etc/passwd" "/Makefile"; do
		req "$p" --path-as-is
		check "$p: 404 (got $code)" is_code 404
		check "$p: not-found" body_has '"code":"not-found"'
	done
	req "/api/info" -X POST
	check "POST: 405 (got $code)" is_code 405
	check "POST: Allow" has_header "Allow: GET, HEAD"
	req "/api/info" -X DELETE
	check "DELETE: 405 (got $code)" is_code 405
	req "/api/info" -X GET -H "Content-Type: text/plain" --data-binary "hello"
	check "GET with a body: 413 (got $code)" is_code 413
	req "/api/whatif?fail=gz3-coolng&fail=nope%22%3C%0A"
	check "unknown ids: 400 (got $code)" is_code 400
	check "unknown ids: listed" body_has '"ids":["gz3-coolng","nope\"<\n"]'
	check "unknown ids: did you mean" body_has "did you mean 'gz3-cooling'?"
	req "/api/info" -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)"
	check "20 KB header: 431 or closed (got $code)" one_of "$code" 431 000
	out=$("$TOOLS/rawhttp" "$port" 'GARBAGE\r\n\r\n')
	check "garbage request line: 400 or closed (got $out)" \
		sh -c "case '$out' in 'HTTP/1.1 400'*|closed) exit 0;; *) exit 1;; esac"
	out=$("$TOOLS/rawhttp" "$port" 'GET /api/info HTTP/1.1\r\nHost: x\r\n\r\n')
	check "raw request: 200 (got $out)" [ "$out" = "HTTP/1.1 200 OK" ]
	check "still alive after the hostile requests" kill -0 "$pid"
	stop TERM
fi

# ------------------------------------------------------------ slow clients
# A client that sends half a request is closed after the idle timeout (1 s
# here) while others are answered meanwhile.
if start slow samples/quickstart.xml --idle-timeout 1; then
	"$TOOLS/rawhttp" "$port" 'GET /api/info HTTP/1.1\r\nHost: x\r\n' 3 >"$tmp/slow.out" &
	slowpid=$!
	sleep 0.3
	req "/api/whatif?fail=gz"
	check "answered while a slow client waits (got $code)" is_code 200
	wait "$slowpid"
	check "slow client closed (got $(cat "$tmp/slow.out"))" [ "$(cat "$tmp/slow.out")" = closed ]
	req "/api/info"
	check "alive after the slow client (got $code)" is_code 200
	stop INT
fi

# ------------------------------------------------------------ the hostile inventory
if start hostile tests/cli/inputs/hostile-names.xml; then
	req "/api/search?q=%22"
	check "hostile search: 200 (got $code)" is_code 200
	check "hostile search: escaped quote" body_has '"id":"site \"q\" \\ <b> & ]]>"'
	req "/api/whatif?destroy=site%20%22q%22%20%5C%20%3Cb%3E%20%26%20%5D%5D%3E"
	check "hostile what-if: 200 (got $code)" is_code 200
	req "/api/diagram?destroy=site%20%22q%22%20%5C%20%3Cb%3E%20%26%20%5D%5D%3E"
	check "hostile diagram: 200 (got $code)" is_code 200
	check "hostile diagram: no injected script" sh -c "! grep -q '<script' '$tmp/body'"
	stop TERM
fi

# ------------------------------------------------------------ IPv6 loopback
if $FALLOUT serve samples/quickstart.xml --bind ::1 --port 0 2>"$tmp/v6.err" & v6=$!; then
	pids="$pids $v6"
	i=0
	while ! grep -q 'Ctrl-C stops' "$tmp/v6.err" && kill -0 $v6 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if grep -q 'cannot listen on \[::1\]' "$tmp/v6.err"; then
		echo "skip: no IPv6 loopback here"
	else
		check "IPv6: ready line with [::1]" grep -q 'on http://\[::1\]:[0-9]*/ (Ctrl-C stops)$' "$tmp/v6.err"
		check "IPv6: no warning for ::1" sh -c "! grep -q warning '$tmp/v6.err'"
		kill -TERM $v6
		wait $v6
		check "IPv6: exit 0" [ $? -eq 0 ]
	fi
fi

# ------------------------------------------------------------ exit statuses
$FALLOUT serve samples/quickstart.xml --bind example.com --port 0 2>"$tmp/e" </dev/null
st=$?
check "--bind a name: exit 2 (got $st)" [ $st -eq 2 ]
check "--bind a name: message" grep -q "^fallout serve: --bind 'example.com' is not an IPv4 or IPv6 address" "$tmp/e"
$FALLOUT serve samples/quickstart.xml --port 70000 2>"$tmp/e"
st=$?
check "--port 70000: exit 2 (got $st)" [ $st -eq 2 ]
$FALLOUT serve tests/cli/inputs/does-not-exist.xml --port 0 2>"$tmp/e"
st=$?
check "missing inventory: exit 4 (got $st)" [ $st -eq 4 ]
printf '<inventory version="1"><node id="a" kind="app"><requires ref="b"/></node></inventory>\n' >"$tmp/bad.xml"
$FALLOUT serve "$tmp/bad.xml" --port 0 2>"$tmp/e"
st=$?
check "invalid inventory: exit 3 (got $st)" [ $st -eq 3 ]
$FALLOUT serve --port 0 2>"$tmp/e"
st=$?
check "no inventory: exit 2 (got $st)" [ $st -eq 2 ]
if start busy samples/quickstart.xml; then
	$FALLOUT serve samples/quickstart.xml --port "$port" 2>"$tmp/e"
	st=$?
	check "port in use: exit 4 (got $st)" [ $st -eq 4 ]
	check "port in use: the message names address and port" \
		grep -q "^fallout serve: cannot listen on 127.0.0.1 port $port: Address already in use" "$tmp/e"
	stop TERM
fi
$FALLOUT serve --help >"$tmp/help"
check "--help: exit 0" [ $? -eq 0 ]
check "--help: the options" grep -q -- '--idle-timeout SECONDS' "$tmp/help"

# ------------------------------------------------------------ load
if [ "$SERVE_LOAD" = 1 ]; then
	$FALLOUT gen --nodes 10000 --seed 1 -o "$tmp/gen.xml" 2>"$tmp/gen.err"
	sed -n 's/.*<node id="\([^"]*\)".*/\1/p' "$tmp/gen.xml" >"$tmp/ids"
	check "load: ids extracted" [ "$(wc -l <"$tmp/ids")" -gt 5000 ]
	if start load "$tmp/gen.xml" --threads 4; then
		"$TOOLS/load" --port "$port" --pid "$pid" --ids "$tmp/ids" --clients 8 --seconds 5 \
			--warmup 1 --max-growth 20 --max-requests 2000000 >"$tmp/load.out" 2>"$tmp/load.err"
		st=$?
		sed 's/^/  load: /' "$tmp/load.out" | tr '\n' ' '
		echo
		cat "$tmp/load.err"
		check "load: no error, memory bounded (exit $st)" [ $st -eq 0 ]
		check "load: requests answered" grep -q '^requests=[1-9]' "$tmp/load.out"
		stop TERM
	fi
fi

echo "serve: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
