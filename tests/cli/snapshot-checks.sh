#!/bin/sh
# tests/cli/snapshot-checks.sh: scripted checks of SQLite snapshots
# (docs/snapshots.md) that golden files cannot express: byte-identical
# results for a snapshot and its XML, snapshots accepted by render and
# check, refusals that leave a database unchanged, and import atomicity
# under SIGKILL. Called by tests/cli/checks.sh; runnable alone:
#   FALLOUT=./fallout sh tests/cli/snapshot-checks.sh
# Tools: POSIX utilities, timeout, awk, cksum, the sqlite3 command.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

Q=samples/quickstart.xml
T=samples/tencent-gz-2023.xml
F=samples/fire-backups.xml
DB=$tmp/s.db

# ------------------------------------------------------------ import, list
fo import "$Q" --db "$DB" --label q
check "import quickstart: status 0" is 0
check "import prints label, nodes, db" [ "$(cat "$tmp/out")" = "q: 12 nodes in $DB" ]
fo import "$T" --db "$DB" --label t
fo import "$F" --db "$DB" --label f
check "import fire: status 0" is 0
fo import "$Q" --db "$DB" --label q
check "import: a taken label is status 2" is 2
check "import: a taken label is said" has "is taken" "$tmp/err"
fo db list --db "$DB"
check "db list: status 0" is 0
check "db list: three snapshots and a header" [ "$(wc -l <"$tmp/out")" = 4 ]
check "db list: the source's sha256 prefix" has "$(sha256sum "$T" | cut -c1-12)" "$tmp/out"

# --------------------------------------- snapshot and XML: identical output
for c in "q $Q --fail gz3-cooling" "q $Q --fail pay-sh --destroy gz-3" \
	"t $T --fail gz-cooling" "t $T --destroy gz" "f $F --destroy sbg2" "f $F --fail sbg"; do
	# shellcheck disable=SC2086
	set -- $c
	label=$1 xml=$2
	shift 2
	fo whatif "$xml" "$@" --format json
	cp "$tmp/out" "$tmp/xml.json"
	fo whatif "$DB@$label" "$@" --format json
	check "whatif --format json $label $*: snapshot = XML, byte for byte" cmp -s "$tmp/out" "$tmp/xml.json"
	fo whatif "$xml" "$@" --format csv
	cp "$tmp/out" "$tmp/xml.csv"
	fo whatif "$DB@$label" "$@" --format csv
	check "whatif --format csv $label $*: snapshot = XML" cmp -s "$tmp/out" "$tmp/xml.csv"
done
fo whatif "$DB" --destroy sbg2 --format json
cp "$tmp/out" "$tmp/newest.json"
fo whatif "$F" --destroy sbg2 --format json
check "DB alone is the newest snapshot" cmp -s "$tmp/out" "$tmp/newest.json"
fo render "$DB@q" --fail gz3-cooling --format dot
cp "$tmp/out" "$tmp/snap.dot"
fo render "$Q" --fail gz3-cooling --format dot
check "render accepts DB@LABEL: same DOT as the XML" cmp -s "$tmp/out" "$tmp/snap.dot"
fo check "$DB@t"
check "check accepts DB@LABEL: status 0" is 0
check "check DB@LABEL: summary names DB@LABEL" has "$DB@t: ok: " "$tmp/out"
fo whatif "$DB@nope" --fail a
check "unknown label: status 2" is 2
check "unknown label: said" has "no snapshot labelled 'nope'" "$tmp/err"
fo whatif "$DB@t" --fail no-such-node
check "unknown id in a snapshot: status 2" is 2
# An XML file named x.db is still XML.
cp "$Q" "$tmp/xml.db"
fo whatif "$tmp/xml.db" --fail gz3-cooling
check "an XML file named .db is read as XML" is 0

# ----------------------------------------------------------- db rm
fo db rm f --db "$DB"
check "db rm: status 0" is 0
fo db rm f --db "$DB"
check "db rm unknown label: status 2" is 2
fo db list --db "$DB"
check "db rm: two left" [ "$(wc -l <"$tmp/out")" = 3 ]

# ------------------------------------------- refusals leave files unchanged
printf 'hello, not a database\n' >"$tmp/text.db"
before=$(sum "$tmp/text.db")
fo import "$Q" --db "$tmp/text.db"
check "import into a text file: status 3" is 3
check "import into a text file: said" has "not an SQLite database" "$tmp/err"
check "import into a text file: unchanged" [ "$(sum "$tmp/text.db")" = "$before" ]
sqlite3 "$tmp/foo.db" 'CREATE TABLE foo (x); INSERT INTO foo VALUES (42);'
before=$(sum "$tmp/foo.db")
fo import "$Q" --db "$tmp/foo.db"
check "import into a non-fallout SQLite file: status 3" is 3
check "non-fallout: said" has "not a fallout database" "$tmp/err"
check "non-fallout: unchanged" [ "$(sum "$tmp/foo.db")" = "$before" ]
fo whatif "$tmp/foo.db" --fail a
check "whatif on a non-fallout SQLite file: status 3" is 3
cp "$DB" "$tmp/new.db"
sqlite3 "$tmp/new.db" 'UPDATE schema_version SET version = 999;'
before=$(sum "$tmp/new.db")
fo import "$Q" --db "$tmp/new.db" --label x
check "newer schema: status 3" is 3
check "newer schema: said" has "newer than this fallout knows" "$tmp/err"
fo db rm q --db "$tmp/new.db"
check "newer schema: rm refused too" is 3
check "newer schema: unchanged" [ "$(sum "$tmp/new.db")" = "$before" ]
fo import "$Q" --db "$tmp"
check "--db a directory: status 4" is 4

# Locked: another process holds the write lock longer than the busy timeout.
( sqlite3 "$DB" 'BEGIN EXCLUSIVE; SELECT 1;' '.shell sleep 3' 'COMMIT;' >/dev/null 2>&1 & )
sleep 0.5
before=$(sum "$DB")
FALLOUT_BUSY_TIMEOUT_MS=300 fo import "$Q" --db "$DB" --label locked
check "locked database: status 4" is 4
check "locked database: said" has "locked" "$tmp/err"
check "locked database: unchanged" [ "$(sum "$DB")" = "$before" ]
sleep 3

# --------------------------------------------- atomicity under SIGKILL
# A 204 000-node inventory: import takes a noticeable time; it is killed at
# random moments, then the database must hold only complete snapshots.
awk 'BEGIN {
	print "<inventory name=\"gen\" version=\"1\">"
	for (s = 0; s < 40; s++) {
		printf "<node id=\"s%d\" kind=\"site\"><node id=\"c%d\" kind=\"cooling\"/>\n", s, s
		for (r = 0; r < 100; r++) {
			printf "<node id=\"r%d-%d\" kind=\"rack\"><requires ref=\"c%d\"/>\n", s, r, s
			for (h = 0; h < 49; h++)
				printf "<node id=\"h%d-%d-%d\" kind=\"host\" owner=\"team%d\"/>\n", s, r, h, h % 7
			print "</node>"
		}
		print "</node>"
	}
	for (a = 0; a < 2000; a++) {
		printf "<node id=\"app%d\" kind=\"app\" tier=\"%d\"><requires min=\"2\">", a, a % 3 + 1
		printf "<ref id=\"h%d-%d-1\"/><ref id=\"h%d-%d-2\"/><ref id=\"h%d-%d-3\"/></requires></node>\n", a % 40, a % 100, (a + 7) % 40, a % 100, (a + 3) % 40, (a + 1) % 100
	}
	print "</inventory>"
}' >"$tmp/gen.xml"
fo_gen_ok=1
timeout $((60 * scale)) $FALLOUT check "$tmp/gen.xml" >"$tmp/gen.check" 2>&1 || fo_gen_ok=0
check "generated inventory is valid" [ $fo_gen_ok = 1 ]
nodes=$(awk '/: ok: / { print $3 }' "$tmp/gen.check" | tail -n 1)
K=$tmp/k.db
timeout $((120 * scale)) $FALLOUT import "$tmp/gen.xml" --db "$K" --label base >/dev/null 2>"$tmp/err"
check "import the generated inventory" [ $? = 0 ]
i=0
killed=0
while [ $i -lt 10 ]; do
	i=$((i + 1))
	$FALLOUT import "$tmp/gen.xml" --db "$K" --label "k$i" >/dev/null 2>&1 &
	pid=$!
	# Random moment between 0.05 s and 1.05 s (an import takes about 1.2 s).
	ms=$(awk -v s="$$$i" 'BEGIN { srand(s); printf "%d", 50 + rand() * 1000 }')
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
	wait "$pid" 2>/dev/null
done
check "integrity_check ok after $killed kills" [ "$(sqlite3 "$K" 'PRAGMA integrity_check;')" = ok ]
check "foreign keys hold after the kills" [ -z "$(sqlite3 "$K" 'PRAGMA foreign_key_check;')" ]
# Every listed snapshot is complete: its stored rows match its counts.
bad=$(sqlite3 "$K" "SELECT label FROM snapshots s WHERE
	nodes != (SELECT count(*) FROM nodes WHERE snapshot_id = s.id) OR
	members != (SELECT count(*) FROM members WHERE snapshot_id = s.id)
		+ (SELECT count(*) FROM nodes WHERE snapshot_id = s.id AND container IS NOT NULL) OR
	nodes != $nodes;")
check "only complete snapshots after SIGKILL" [ -z "$bad" ]
orphans=$(sqlite3 "$K" 'SELECT count(*) FROM nodes WHERE snapshot_id NOT IN (SELECT id FROM snapshots);')
check "no rows of a half snapshot" [ "$orphans" = 0 ]
fo db list --db "$K"
check "db list after the kills: status 0" is 0
listed=$(($(wc -l <"$tmp/out") - 1))
check "db list shows every stored snapshot" [ "$listed" = "$(sqlite3 "$K" 'SELECT count(*) FROM snapshots;')" ]
for l in $(sqlite3 "$K" 'SELECT label FROM snapshots;'); do
	fo whatif "$K@$l" --fail c3 --format csv
	check "snapshot $l loads and runs" is 0
	break
done

echo "snapshot-checks: $pass passed, $fail failed"
[ $fail = 0 ]
