#!/bin/sh
# tests/cli/input-checks.sh: every input is read exactly once
# (docs/importer.md, "One read"). An inventory or a scenario file given as a
# pipe, a named FIFO, standard input or /dev/fd/N (process substitution) has
# no second read: what needs the bytes again (the sha256 import stores, the
# columns of check's warnings, the digest a report stores, the second side of
# a diff) must come from the one read. Each FIFO writer is bounded by
# `timeout`, so a command that opens the path again fails its check instead
# of hanging the suite. Called by tests/cli/run.sh; runnable alone:
#   FALLOUT=./fallout sh tests/cli/input-checks.sh
# Tools: POSIX utilities, mkfifo, timeout, sha256sum.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

Q=samples/quickstart.xml
F=samples/fire-backups.xml
B=samples/migration/before.xml
A=samples/migration/after.xml
S=samples/migration/scenarios.xml

digest() { sha256sum <"$1" | cut -c1-64; }
# The sha256 the newest snapshot of database $1 stored.
stored() {
	timeout 20 $FALLOUT db list --db "$1" --format json |
		sed -n 's/.*"sha256": "\([0-9a-f]*\)".*/\1/p' | tail -n 1
}
# feed FIFO FILE...: a writer that writes each FILE into the FIFO in turn,
# one reader each: after a FILE it waits until the reader has closed the
# FIFO (a non-blocking open for writing succeeds while a reader has it
# open), so the next FILE goes to whoever opens the path again, never to the
# same reader. Killed after $FO_LIMIT seconds at the latest. (perl: perl-base
# is part of every Debian system.)
feed() {
	fifo=$1
	shift
	timeout $((FO_LIMIT * scale)) perl -MFcntl -e '
		my $fifo = shift;
		for my $i (0 .. $#ARGV) {
			open(my $in, "<", $ARGV[$i]) or die "$ARGV[$i]: $!";
			open(my $out, ">", $fifo) or die "$fifo: $!";
			local $/;
			my $text = <$in>;
			print {$out} $text;
			close $out;
			while (sysopen(my $t, $fifo, O_WRONLY | O_NONBLOCK)) {
				close $t;
				select(undef, undef, undef, 0.01);
			}
		}' "$fifo" "$@" 2>/dev/null &
	writer=$!
}
# Ends the writer started by feed (it may still wait for a second reader).
unfeed() {
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
}

# ------------------------------------------------ import: the bytes parsed
cat "$Q" | timeout $((FO_LIMIT * scale)) $FALLOUT import - --db "$tmp/p.db" --label piped \
	>"$tmp/out" 2>"$tmp/err"
check "import - from a pipe: status 0" [ $? = 0 ]
check "import - from a pipe: stored" [ "$(cat "$tmp/out")" = "piped: 12 nodes in $tmp/p.db" ]
check "import - from a pipe: sha256 of the piped bytes" [ "$(stored "$tmp/p.db")" = "$(digest "$Q")" ]
fo db list --db "$tmp/p.db"
check "import -: the source is <stdin>" has " <stdin>" "$tmp/out"

mkfifo "$tmp/inv.fifo"
feed "$tmp/inv.fifo" "$Q"
fo import "$tmp/inv.fifo" --db "$tmp/f.db" --label fifo
unfeed
check "import FIFO: finishes, status 0" is 0
check "import FIFO: sha256 of the bytes written" [ "$(stored "$tmp/f.db")" = "$(digest "$Q")" ]

# The FIFO offers another version to whoever opens it next: a second read
# would pair the first version's graph (12 nodes) with the second's hash.
feed "$tmp/inv.fifo" "$Q" "$F"
fo import "$tmp/inv.fifo" --db "$tmp/v.db" --label v1
unfeed
check "import FIFO rewritten after the parse: status 0" is 0
check "import FIFO rewritten: the graph is the first version" has "v1: 12 nodes" "$tmp/out"
check "import FIFO rewritten: the hash is the first version's" [ "$(stored "$tmp/v.db")" = "$(digest "$Q")" ]

fo import /dev/stdin --db "$tmp/d.db" --label devstdin <"$Q"
check "import /dev/stdin (a file): sha256 of the file" [ "$(stored "$tmp/d.db")" = "$(digest "$Q")" ]
cat "$F" | timeout $((FO_LIMIT * scale)) $FALLOUT import /dev/stdin --db "$tmp/d.db" --label devpipe \
	>/dev/null 2>&1
check "import /dev/stdin (a pipe): sha256 of the piped bytes" [ "$(stored "$tmp/d.db")" = "$(digest "$F")" ]

# --------------------------------------------- check: columns from the read
fo check "$Q"
sed "s|^$Q|INPUT|" "$tmp/out" >"$tmp/check-file"
check "check FILE: a warning located with a column" has "INPUT:53:3: warning:" "$tmp/check-file"
feed "$tmp/inv.fifo" "$Q"
fo check "$tmp/inv.fifo"
unfeed
check "check FIFO: finishes, status 0" is 0
sed "s|^$tmp/inv.fifo|INPUT|" "$tmp/out" >"$tmp/check-fifo"
check "check FIFO: same output as the file, columns included" cmp -s "$tmp/check-file" "$tmp/check-fifo"
cat "$Q" | timeout $((FO_LIMIT * scale)) $FALLOUT check - >"$tmp/out" 2>"$tmp/err"
sed "s|^<stdin>|INPUT|" "$tmp/out" >"$tmp/check-pipe"
check "check - from a pipe: same output as the file" cmp -s "$tmp/check-file" "$tmp/check-pipe"

# ------------------------------------ report and diff: one scenario file read
fo import "$B" --db "$tmp/r.db" --label before
fo report "$tmp/r.db@before" --scenarios "$S" -o "$tmp/rf" --no-diagrams
check "report snapshot --scenarios FILE: status 0" is 0
mkfifo "$tmp/scen.fifo"
feed "$tmp/scen.fifo" "$S"
fo report "$tmp/r.db@before" --scenarios "$tmp/scen.fifo" -o "$tmp/rp" --no-diagrams
unfeed
check "report snapshot --scenarios FIFO: status 0" is 0
check "report snapshot --scenarios FIFO: 4 scenarios" has "$tmp/rp: 4 scenarios, stored as report 2" "$tmp/out"
sed "s|$tmp/scen.fifo|SCEN|" "$tmp/rp/report.json" >"$tmp/rp.json"
sed "s|$S|SCEN|" "$tmp/rf/report.json" >"$tmp/rf.json"
check "report --scenarios FIFO: report.json as from the file" cmp -s "$tmp/rf.json" "$tmp/rp.json"
fo db reports --db "$tmp/r.db" --format json
check "report --scenarios FIFO: stored digest is the file's" \
	[ "$(grep -c "\"scenarios_sha256\": \"$(digest "$S")\"" "$tmp/out")" = 2 ]
fo report "$tmp/r.db@before" --scenarios - -o "$tmp/rs" --no-diagrams <"$S"
check "report snapshot --scenarios -: status 0" is 0
fo db reports --db "$tmp/r.db" --format json
check "report --scenarios -: digest stored too" \
	[ "$(grep -c "\"scenarios_sha256\": \"$(digest "$S")\"" "$tmp/out")" = 3 ]

fo diff "$B" "$A" --scenarios "$S"
cp "$tmp/out" "$tmp/diff-file"
check "diff --scenarios FILE: status 0" is 0
feed "$tmp/scen.fifo" "$S"
fo diff "$B" "$A" --scenarios "$tmp/scen.fifo"
unfeed
check "diff --scenarios FIFO: status 0" is 0
check "diff --scenarios FIFO: same output as the file" cmp -s "$tmp/diff-file" "$tmp/out"
# Process substitution (bash): /dev/fd/N, a pipe.
timeout $((FO_LIMIT * scale)) bash -c '"$0" diff "$1" "$2" --scenarios <(cat "$3")' \
	"$FALLOUT" "$B" "$A" "$S" >"$tmp/out" 2>"$tmp/err"
check "diff --scenarios <(cat FILE): same output as the file" cmp -s "$tmp/diff-file" "$tmp/out"
timeout $((FO_LIMIT * scale)) bash -c '"$0" report "$1" --scenarios <(cat "$2") -o "$3" --no-diagrams' \
	"$FALLOUT" "$tmp/r.db@before" "$S" "$tmp/rb" >"$tmp/out" 2>"$tmp/err"
check "report snapshot --scenarios <(cat FILE): status 0" [ $? = 0 ]
sed "s|/dev/fd/[0-9]*|SCEN|" "$tmp/rb/report.json" >"$tmp/rb.json"
check "report --scenarios <(cat FILE): report.json as from the file" cmp -s "$tmp/rf.json" "$tmp/rb.json"
fo diff "$B" "$A" --scenarios - <"$S"
check "diff --scenarios -: same output as the file" cmp -s "$tmp/diff-file" "$tmp/out"
fo diff - "$A" --scenarios - <"$S"
check "diff - --scenarios -: usage error" is 2

echo "input-checks: $pass passed, $fail failed"
[ $fail = 0 ]
