#!/bin/sh
# tests/cli/output-checks.sh: where output goes and what a failure leaves
# (docs/cli.md "Output files", docs/report.md "Files are replaced whole"):
# -o FILE through a symlink, onto a hard link, a 0600 file, a FIFO, a
# character device, /dev/stdout and a directory; a full stdout (/dev/full)
# for every command that prints; a full disk (a 128 KiB tmpfs: root only,
# else skipped with a message) for every command that writes files; SIGKILL
# during report and import. Called by tests/cli/run.sh; runnable alone:
#   FALLOUT=./fallout sh tests/cli/output-checks.sh
# Tools: POSIX utilities, timeout, mkfifo, mknod and mount (as root), the
# sqlite3 command.
set -u
cd "$(dirname "$0")/../.." || exit 2
FO_LIMIT=60 # the 20,000-node import takes ~15 s under ASan
. tests/cli/lib.sh
full=$tmp/full
# lib.sh's trap, plus: never leave the tmpfs mounted.
trap 'umount "$full" 2>/dev/null; chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM

Q=samples/quickstart.xml
B=samples/migration/before.xml
A=samples/migration/after.xml
W="whatif $Q --fail gz3-cooling"
notmp() { test -z "$(find "$1" -name '*.tmp-*')"; }
same() { cmp -s "$1" "$2"; }
is_chr() { test -c "$1"; }
cat >"$tmp/qs.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<scenarios name="two">
  <scenario name="cooling"><fail ref="gz3-cooling"/></scenario>
  <scenario name="hall"><destroy ref="gz3-hall-a"/></scenario>
</scenarios>
EOF
# shellcheck disable=SC2086
$FALLOUT $W >"$tmp/want" 2>/dev/null

# --- -o FILE keeps what FILE is.
echo old >"$tmp/real"
ln -s real "$tmp/link"
fo $W -o "$tmp/link"
check "symlink: exit 0" is 0
check "symlink: still a symlink" test -L "$tmp/link"
check "symlink: its target replaced" same "$tmp/real" "$tmp/want"
check "symlink: no temporary file" notmp "$tmp"
ln -s missing-target "$tmp/dangling"
fo $W -o "$tmp/dangling"
check "dangling symlink: its target created" same "$tmp/missing-target" "$tmp/want"
check "dangling symlink: still a symlink" test -L "$tmp/dangling"

echo old >"$tmp/h1"
ln "$tmp/h1" "$tmp/h2"
fo $W -o "$tmp/h1"
check "hard link: exit 0" is 0
check "hard link: the other name sees the new content" same "$tmp/h2" "$tmp/want"
check "hard link: still one inode" test "$(ls -i "$tmp/h1" | cut -d' ' -f1)" = "$(ls -i "$tmp/h2" | cut -d' ' -f1)"
check "hard link: no temporary file" notmp "$tmp"

echo secret >"$tmp/private"
chmod 600 "$tmp/private"
fo $W -o "$tmp/private"
check "mode 0600 kept" test "$(ls -l "$tmp/private" | cut -c1-10)" = "-rw-------"
check "mode 0600: content replaced" same "$tmp/private" "$tmp/want"
# A longer old file is not left with a tail (in place copy truncates).
seq 1 2000 >"$tmp/h3" && ln "$tmp/h3" "$tmp/h4"
fo $W -o "$tmp/h4"
check "hard link, longer old file: exactly the new content" same "$tmp/h3" "$tmp/want"

mkfifo "$tmp/fifo"
timeout $((10 * scale)) cat "$tmp/fifo" >"$tmp/from-fifo" &
reader=$!
fo $W -o "$tmp/fifo"
wait $reader
check "FIFO: exit 0" is 0
check "FIFO: written through" same "$tmp/from-fifo" "$tmp/want"
check "FIFO: still a FIFO" test -p "$tmp/fifo"
check "FIFO: no temporary file" notmp "$tmp"

# A private node of /dev/null's kind (1,3): never the real /dev/null, which
# a binary with the bug (run as root) replaces by a regular file.
if mknod "$tmp/null" c 1 3 2>/dev/null; then
	fo $W -o "$tmp/null"
	check "character device: exit 0" is 0
	check "character device: still a character device" is_chr "$tmp/null"
	check "character device: no temporary file" notmp "$tmp"
else
	echo "output-checks: skipped: character device node (mknod needs root)"
fi

# /dev/stdout's own kind of link, privately: a binary with the bug renames
# over whatever path it is given, and as root that is the real /dev entry.
mkdir "$tmp/dev"
ln -s /proc/self/fd/1 "$tmp/dev/stdout"
stdout_ok=1
for path in "$tmp/dev/stdout" /dev/stdout; do
	if [ "$path" = /dev/stdout ] && [ "$(id -u)" = 0 ] && [ $stdout_ok = 0 ]; then
		echo "output-checks: skipped: -o /dev/stdout as root (its private twin failed)"
		break
	fi
	fo $W -o "$path"
	ok=0
	is 0 && same "$tmp/out" "$tmp/want" && test -L "$path" && ok=1
	check "-o $path: exit 0, on stdout, still a symlink" test $ok = 1
	# Written through the inherited descriptor: a file opened for
	# appending is appended to, not truncated or replaced.
	echo before >"$tmp/log"
	# shellcheck disable=SC2086
	timeout $((FO_LIMIT * scale)) $FALLOUT $W -o "$path" >>"$tmp/log" 2>"$tmp/err"
	test "$(head -1 "$tmp/log")" = before && test -L "$path" &&
		test "$(wc -l <"$tmp/log")" -eq $(($(wc -l <"$tmp/want") + 1)) || ok=0
	check "-o $path >>log: appended, not replaced" test $ok = 1
	[ $ok = 1 ] || stdout_ok=0
done

mkdir "$tmp/adir"
fo $W -o "$tmp/adir"
check "-o DIRECTORY: exit 4" is 4
check "-o DIRECTORY: says so" has "cannot write '$tmp/adir': Is a directory" "$tmp/err"
check "-o DIRECTORY: nothing left in it" test -z "$(ls "$tmp/adir")"

# --- a full stdout: exit 4 and the reason, for every command that prints.
$FALLOUT import "$A" --db "$tmp/s.db" --label after >/dev/null 2>&1
$FALLOUT report "$tmp/s.db" --scenarios samples/migration/scenarios.xml -o "$tmp/rep" -q \
	--no-diagrams >/dev/null 2>&1
stdout_full() { # WHAT ARGS...
	what=$1
	shift
	# shellcheck disable=SC2086
	timeout $((FO_LIMIT * scale)) $FALLOUT "$@" >/dev/full 2>"$tmp/err"
	st=$?
	check "$what >/dev/full: exit 4" is 4
	check "$what >/dev/full: no space said" has "No space left on device" "$tmp/err"
	check "$what >/dev/full: said once" test "$(grep -c . "$tmp/err")" = 1
}
stdout_full "check" check "$Q"
stdout_full "whatif" $W
stdout_full "render" render "$Q" --fail gz3-cooling
stdout_full "spof" spof "$A"
stdout_full "diff" diff "$B" "$A"
stdout_full "gen" gen --nodes 100
stdout_full "db list" db list --db "$tmp/s.db"
stdout_full "db reports" db reports --db "$tmp/s.db"
stdout_full "db report" db report 1 --db "$tmp/s.db"
stdout_full "--help" --help
# -o onto a full device: a private node of /dev/full's kind (1,7), as above.
devfull=/dev/full
if mknod "$tmp/full-dev" c 1 7 2>/dev/null; then
	devfull=$tmp/full-dev
elif [ "$(id -u)" = 0 ]; then
	devfull=
	echo "output-checks: skipped: -o onto a full device (mknod failed)"
fi
if [ -n "$devfull" ]; then
	fo db report 1 --db "$tmp/s.db" -o "$devfull"
	check "db report -o full device: exit 4" is 4
	check "db report -o full device: no space said" \
		has "cannot write '$devfull': No space left on device" "$tmp/err"
	check "db report -o full device: still a character device" is_chr "$devfull"
fi

# --- a full disk: exit 4, the reason with the path, the previous output
# byte for byte, no temporary file.
if [ "$(id -u)" = 0 ] && mkdir "$full" && mount -t tmpfs -o size=128k tmpfs "$full" 2>/dev/null; then
	fill() { dd if=/dev/zero of="$full/filler" bs=4k 2>/dev/null; }
	for f in whatif render spof diff gen db; do echo "previous $f" >"$full/$f.out"; done
	fo report "$Q" --scenarios "$tmp/qs.xml" -o "$full/r" -q --no-diagrams
	check "full disk: the previous report" is 0
	cp -R "$full/r" "$tmp/r-before"
	fill
	disk_full() { # NAME ARGS... (writing -o $full/NAME.out)
		name=$1
		shift
		cp "$full/$name.out" "$tmp/prev"
		fo "$@" -o "$full/$name.out"
		check "full disk: $name -o: exit 4" is 4
		check "full disk: $name -o: no space said with the path" \
			has "cannot write '$full/$name.out': No space left on device" "$tmp/err"
		check "full disk: $name -o: previous output intact" same "$full/$name.out" "$tmp/prev"
		check "full disk: $name -o: no temporary file" notmp "$full"
	}
	disk_full whatif $W
	disk_full render render "$Q" --fail gz3-cooling --format dot
	disk_full spof spof "$A"
	disk_full diff diff "$B" "$A"
	disk_full gen gen --nodes 100
	disk_full db db report 1 --db "$tmp/s.db"
	# Diagrams small enough to sit in stdio's buffer: fclose is where
	# the write fails (the double fclose that aborted with status 134).
	fo report "$Q" --scenarios "$tmp/qs.xml" -o "$full/r" -q
	check "full disk: report: exit 4" is 4
	check "full disk: report: no space said" has "No space left on device" "$tmp/err"
	check "full disk: report: one reason, no 'input/output error'" lacks "input/output error" "$tmp/err"
	check "full disk: report: previous report intact" diff -r "$tmp/r-before" "$full/r"
	check "full disk: report: no temporary file" notmp "$full"

	# A snapshot database on a full disk: nothing stored, nothing broken.
	rm -rf "${full:?}"/*
	# (made outside, where the import's WAL has room; the tmpfs is 128 KiB
	# and not 64 since schema 4: the quickstart database with its compiled
	# copy is 72 KiB)
	$FALLOUT import "$Q" --db "$tmp/q-before.db" --label one >/dev/null 2>&1
	cp "$tmp/q-before.db" "$full/q.db"
	fill
	fo import "$A" --db "$full/q.db" --label two
	check "full disk: import: exit 4" is 4
	check "full disk: import: nothing stored" has "nothing was stored" "$tmp/err"
	check "full disk: import: no space said" has "No space left on device" "$tmp/err"
	check "full disk: import: database byte for byte" same "$full/q.db" "$tmp/q-before.db"
	# Opened elsewhere: its -shm alone (32 KiB) does not fit beside it.
	cp "$full/q.db" "$tmp/q-after.db"
	fo db list --db "$tmp/q-after.db"
	check "full disk: import: database usable" is 0
	check "full disk: import: the earlier snapshot listed" has "one" "$tmp/out"
	umount "$full"
else
	echo "output-checks: skipped: full disk (needs root and a tmpfs mount)"
fi

# --- SIGKILL: whatever the moment, the previous report and snapshot stay
# whole and usable; the next report into the folder removes the temporary
# files a killed run left.
# (A fixed SOURCE_DATE_EPOCH: "new" is then the bytes of any run.)
SOURCE_DATE_EPOCH=1680048000
export SOURCE_DATE_EPOCH
$FALLOUT gen --nodes 20000 -o "$tmp/big.xml" 2>/dev/null
cat >"$tmp/bs.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<scenarios name="big">
  <scenario name="cooling"><fail ref="r1-z1-s1-cooling"/></scenario>
  <scenario name="site"><destroy ref="r1-z2-s1"/></scenario>
  <scenario name="feed"><fail ref="r1-z1-s1-power-a"/></scenario>
</scenarios>
EOF
$FALLOUT report "$tmp/big.xml" --scenarios "$tmp/bs.xml" -o "$tmp/kr-old" -q --no-diagrams \
	>/dev/null 2>&1
$FALLOUT report "$tmp/big.xml" --scenarios "$tmp/bs.xml" -o "$tmp/kr-new" -q >/dev/null 2>&1
# old or new, never anything else
old_or_new() { same "$tmp/kr/$1" "$tmp/kr-old/$1" || same "$tmp/kr/$1" "$tmp/kr-new/$1"; }
for ms in 50 200 500 900; do
	rm -rf "$tmp/kr"
	cp -R "$tmp/kr-old" "$tmp/kr"
	$FALLOUT report "$tmp/big.xml" --scenarios "$tmp/bs.xml" -o "$tmp/kr" -q >/dev/null 2>&1 &
	pid=$!
	sleep "$(echo "$ms" | awk '{ print $1 / 1000 }')"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	for f in index.html report.md report.json impacts.csv; do
		check "SIGKILL report after ${ms} ms: $f old or new, whole" old_or_new $f
	done
done
# Stale temporaries: ours with a dead PID go, a live PID's and others stay.
sh -c 'exit 0' &
dead=$!
wait $dead
: >"$tmp/kr/index.html.tmp-$dead"
: >"$tmp/kr/scenario-007.svg.tmp-$dead"
: >"$tmp/kr/index.html.tmp-$$"
: >"$tmp/kr/notes.txt.tmp-$dead"
fo report "$Q" --scenarios "$tmp/qs.xml" -o "$tmp/kr" -q --no-diagrams
check "report after a kill: exit 0" is 0
check "report after a kill: dead run's temporaries removed" \
	test ! -e "$tmp/kr/index.html.tmp-$dead" -a ! -e "$tmp/kr/scenario-007.svg.tmp-$dead"
check "report after a kill: a live PID's temporary kept" test -e "$tmp/kr/index.html.tmp-$$"
check "report after a kill: a file not ours kept" test -e "$tmp/kr/notes.txt.tmp-$dead"

$FALLOUT import "$Q" --db "$tmp/k.db" --label one >/dev/null 2>&1
# shellcheck disable=SC2086
$FALLOUT whatif "$tmp/k.db@one" --fail gz3-cooling >"$tmp/k-want" 2>/dev/null
for ms in 100 300 600 1000; do
	$FALLOUT import "$tmp/big.xml" --db "$tmp/k.db" --label big >/dev/null 2>&1 &
	pid=$!
	sleep "$(echo "$ms" | awk '{ print $1 / 1000 }')"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	fo whatif "$tmp/k.db@one" --fail gz3-cooling
	check "SIGKILL import after ${ms} ms: earlier snapshot usable" is 0
	check "SIGKILL import after ${ms} ms: earlier snapshot unchanged" same "$tmp/out" "$tmp/k-want"
	check "SIGKILL import after ${ms} ms: integrity" \
		test "$(sqlite3 "$tmp/k.db" 'PRAGMA integrity_check' 2>&1)" = ok
	# Either stored whole or not at all: remove a complete one to retry.
	$FALLOUT db rm big --db "$tmp/k.db" >/dev/null 2>&1
done
fo import "$tmp/big.xml" --db "$tmp/k.db" --label big
check "import after the kills: the label is free, exit 0" is 0

echo "output-checks: $pass passed, $fail failed"
[ "$fail" = 0 ]
