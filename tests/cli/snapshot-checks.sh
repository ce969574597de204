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

# ------------------------------- readers leave no -wal or -shm file behind
# (docs/cli.md "Snapshots read by a command leave nothing behind")
mkdir "$tmp/side"
SD=$tmp/side/s.db
fo import "$Q" --db "$SD" --label q
check "sidecars: import: status 0" is 0
check "sidecars: import leaves only the database" [ "$(ls "$tmp/side")" = s.db ]
for args in "whatif $SD@q --fail gz3-cooling" "render $SD@q --fail gz3-cooling" "check $SD" \
	"spof $SD" "db list --db $SD" "db reports --db $SD"; do
	# shellcheck disable=SC2086
	fo $args
	check "sidecars: $args: status 0" is 0
	check "sidecars: $args leaves no -wal or -shm file" [ "$(ls "$tmp/side")" = s.db ]
done
# A -journal beside it (a hot journal would be rolled back): read-only, the
# database's bytes unchanged.
sum "$SD" >"$tmp/side.sum"
: >"$SD-journal"
fo whatif "$SD@q" --fail gz3-cooling
check "sidecars: with a -journal: status 0" is 0
check "sidecars: with a -journal: the database unchanged" [ "$(sum "$SD")" = "$(cat "$tmp/side.sum")" ]
check "sidecars: with a -journal: it is left as it was" [ -f "$SD-journal" ] && [ ! -s "$SD-journal" ]
rm -f "$SD-journal" "$SD-wal" "$SD-shm"

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
fo check --format json "$DB@t" "$DB@nope"
check "check json of two snapshots, one label unknown: status 2" is 2
check "check json of snapshots: valid JSON" python3 -m json.tool "$tmp/out"
check "check json: a snapshot's warning has its line, no column" \
	grep -q -E '"line": [0-9]+, "column": null, "severity": "warning"' "$tmp/out"
check "check json: the unknown label is a located snapshot diagnostic" \
	has '"code": "snapshot", "message": "no snapshot labelled' "$tmp/out"
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

# ------------------------------------- damaged snapshots (issue 8, defect 6)
# Every value read back is validated: damage is status 3 "damaged: TABLE
# row KEY: ...", never 4 ("out of memory", "no such table"), never accepted.
damage() { # NAME SQL...: $tmp/NAME.db, quickstart stored as q, then damaged
	d=$tmp/$1.db
	shift
	rm -f "$d"
	timeout 20 $FALLOUT import "$Q" --db "$d" --label q >/dev/null 2>&1
	# The rows are under test: without its compiled copy, a load reads them.
	sqlite3 "$d" 'DELETE FROM compiled_parts; DELETE FROM compiled;'
	for s in "$@"; do sqlite3 "$d" "$s" || echo "FAIL sqlite3 $s"; done
}
# SQLite enforces NOT NULL on writes only: drop it from the stored schema.
unnull() { echo "PRAGMA writable_schema = 1; UPDATE sqlite_master SET sql = replace(sql, '$2 TEXT NOT NULL', '$2 TEXT') WHERE name = '$1';"; }
damaged() { # DESC MESSAGE COMMAND...: status 3, MESSAGE on stderr, nothing on stdout
	dmg_what=$1 dmg_msg=$2
	shift 2
	fo "$@"
	check "$dmg_what: status 3" is 3
	check "$dmg_what: says '$dmg_msg'" has "$dmg_msg" "$tmp/err"
	check "$dmg_what: nothing on stdout" test ! -s "$tmp/out"
}
damage null-label "$(unnull snapshots label)" "UPDATE snapshots SET label = NULL"
damaged "NULL label: db list (was 'out of memory', 4)" "damaged: snapshots row 1: label is NULL" db list --db "$d"
damaged "NULL label: whatif" "damaged: snapshots row 1: label is NULL" whatif "$d" --fail gz3-cooling
damage null-id "$(unnull nodes id)" "UPDATE nodes SET id = NULL WHERE idx = 3"
damaged "NULL node id: whatif" "damaged: nodes row (snapshot_id 1, idx 3): id is NULL" whatif "$d" --fail gz3-cooling
damage no-table "DROP TABLE members"
damaged "missing table: db list (was 4)" "damaged: table members is missing" db list --db "$d"
damaged "missing table: whatif (was 4)" "damaged: table members is missing" whatif "$d" --fail gz3-cooling
damage no-column "ALTER TABLE nodes DROP COLUMN tier"
damaged "missing column: whatif (was 4)" "damaged: the schema: no such column: tier" whatif "$d" --fail gz3-cooling
damage big-version "UPDATE schema_version SET version = 4294967297"
damaged "version 4294967297 (was read as 1)" "schema_version row 1: database schema version 4294967297, newer" db list --db "$d"
damage text-version "UPDATE schema_version SET version = 'x'"
damaged "version 'x' (was an empty database)" "damaged: schema_version row 1: version is not an integer" db list --db "$d"
damaged "version 'x': whatif" "damaged: schema_version row 1: version is not an integer" whatif "$d" --fail gz3-cooling
damage bad-tier "UPDATE nodes SET tier = 'high' WHERE idx = 2"
damaged "text tier" "damaged: nodes row (snapshot_id 1, idx 2): tier is not an integer" whatif "$d" --fail gz3-cooling

# ------------------------------------- compiled copies (schema 4, issue 11)
# Each snapshot stores its compiled graph; a copy not to be trusted is not
# used: a warning (status 0), the answer from the rows, the file unchanged.
check "compiled: one copy per snapshot" \
	[ "$(sqlite3 "$DB" 'SELECT count(*) FROM compiled')" = "$(sqlite3 "$DB" 'SELECT count(*) FROM snapshots')" ]
fo whatif "$Q" --fail gz3-cooling --format json
cp "$tmp/out" "$tmp/cq.json"
compiled_bad() { # DESC SQL MESSAGE
	cp "$DB" "$tmp/cb.db"
	sqlite3 "$tmp/cb.db" "$2" || echo "FAIL sqlite3 $2"
	cb_sum=$(sum "$tmp/cb.db")
	fo whatif "$tmp/cb.db@q" --fail gz3-cooling --format json
	check "compiled copy $1: status 0" is 0
	check "compiled copy $1: the answer of the XML" cmp -s "$tmp/out" "$tmp/cq.json"
	check "compiled copy $1: warned" has "w""arning: snapshot 'q': compiled copy not used ($3); loaded from its rows" "$tmp/err"
	check "compiled copy $1: unchanged" [ "$(sum "$tmp/cb.db")" = "$cb_sum" ]
}
qid="(SELECT id FROM snapshots WHERE label = 'q')"
compiled_bad "with a bad checksum" \
	"UPDATE compiled_parts SET data = randomblob(length(data)) WHERE seq = 1 AND snapshot_id = $qid" \
	"its checksum does not match"
compiled_bad "of another format" "UPDATE compiled SET format = 99 WHERE snapshot_id = $qid" \
	"it is of another format version"
compiled_bad "cut short" \
	"UPDATE compiled_parts SET data = substr(data, 1, 3) WHERE seq = 2 AND snapshot_id = $qid" \
	"a part has the wrong size"
# A schema-3 database (no compiled copy): read from its rows, silently; the
# next import migrates it to 4 (then 5) and compiles the new snapshot only.
cp "$DB" "$tmp/v3.db"
sqlite3 "$tmp/v3.db" 'DROP TABLE compiled_parts; DROP TABLE compiled; UPDATE schema_version SET version = 3;'
fo whatif "$tmp/v3.db@q" --fail gz3-cooling --format json
check "schema 3: loads from the rows" cmp -s "$tmp/out" "$tmp/cq.json"
check "schema 3: no warning" test ! -s "$tmp/err"
fo import "$F" --db "$tmp/v3.db" --label f3
check "schema 3: import migrates to 5 (3 -> 4 -> 5)" [ "$(sqlite3 "$tmp/v3.db" 'SELECT version FROM schema_version')" = 5 ]
check "schema 3: the new snapshot is compiled, the old ones not" \
	[ "$(sqlite3 "$tmp/v3.db" 'SELECT group_concat(s.label) FROM compiled c JOIN snapshots s ON s.id = c.snapshot_id')" = f3 ]
fo whatif "$tmp/v3.db@q" --fail gz3-cooling --format json
check "schema 3 migrated: the old snapshot still loads, silently" cmp -s "$tmp/out" "$tmp/cq.json"
check "schema 3 migrated: no warning" test ! -s "$tmp/err"

# ---------------------------------------------- corruption sweep (issue 8)
# 200 copies of a small database (a snapshot and a stored report), each with
# one byte flipped or cut at a different offset (fixed seed). db report,
# db list and whatif must each give status 0 with the original output, or
# status 3 with a clear message; never 4, never a sanitizer report. (db
# report may also say "no stored report 1", status 2, when the flip hit the
# report's id.) whatif's output is not checksummed (docs/snapshots.md): a
# status 0 there must still be valid JSON; how many differ is printed.
SW=$tmp/sweep.db
timeout 20 $FALLOUT import samples/migration/before.xml --db "$SW" --label b >/dev/null 2>&1
timeout 60 $FALLOUT report "$SW" --scenarios samples/migration/scenarios.xml -o "$tmp/sweep-r" \
	--no-diagrams >/dev/null 2>&1
check "sweep: the database is one file (WAL checkpointed)" test ! -e "$SW-wal"
timeout 20 $FALLOUT db report 1 --db "$SW" >"$tmp/sw-report" 2>/dev/null
timeout 20 $FALLOUT db list --db "$SW" >"$tmp/sw-list" 2>/dev/null
timeout 20 $FALLOUT whatif "$SW" --fail chiller-3 --format json >"$tmp/sw-whatif" 2>/dev/null
check "sweep: originals read" test -s "$tmp/sw-report" -a -s "$tmp/sw-list" -a -s "$tmp/sw-whatif"
size=$(wc -c <"$SW")
json_ok() { python3 -m json.tool "$1" >/dev/null 2>&1; }
clear='damaged|corrupt|not an SQLite database|not a fallout database|newer than this fallout'
n=$((200 / scale))
awk -v n="$n" -v size="$size" 'BEGIN { srand(20261); for (i = 0; i < n; i++)
	printf "%d %d %d\n", i, int(rand() * size), 1 + int(rand() * 255) }' >"$tmp/sweep-plan"
sw_bad=0 sw_damaged=0 sw_same=0 sw_whatif_diff=0
while read -r i off mask; do
	C=$tmp/sw-$i.db
	if [ $((i % 10)) = 9 ]; then
		head -c "$off" "$SW" >"$C"
	else
		cp "$SW" "$C"
		b=$(od -An -tu1 -j "$off" -N1 "$SW" | tr -d ' ')
		# shellcheck disable=SC2059
		printf "$(printf '\\%03o' $((b ^ mask)))" | dd of="$C" bs=1 seek="$off" conv=notrunc 2>/dev/null
	fi
	what="copy $i (offset $off, $([ $((i % 10)) = 9 ] && echo cut || echo "xor $mask"))"
	fo db report 1 --db "$C"
	if [ "$st" = 0 ] && cmp -s "$tmp/out" "$tmp/sw-report"; then
		sw_same=$((sw_same + 1))
	elif [ "$st" = 3 ] && [ ! -s "$tmp/out" ] && grep -q -E "$clear" "$tmp/err"; then
		sw_damaged=$((sw_damaged + 1))
	elif [ "$st" = 2 ] && [ ! -s "$tmp/out" ] && has "no stored report 1" "$tmp/err"; then
		sw_damaged=$((sw_damaged + 1))
	else
		echo "FAIL sweep $what: db report status $st"; head -3 "$tmp/err"; sw_bad=$((sw_bad + 1))
	fi
	fo db list --db "$C"
	if ! { [ "$st" = 0 ] || { [ "$st" = 3 ] && grep -q -E "$clear" "$tmp/err"; }; }; then
		echo "FAIL sweep $what: db list status $st"; head -3 "$tmp/err"; sw_bad=$((sw_bad + 1))
	fi
	fo whatif "$C" --fail chiller-3 --format json
	if [ "$st" = 0 ]; then
		if ! cmp -s "$tmp/out" "$tmp/sw-whatif"; then
			sw_whatif_diff=$((sw_whatif_diff + 1))
			json_ok "$tmp/out" || { echo "FAIL sweep $what: whatif invalid JSON, status 0"; sw_bad=$((sw_bad + 1)); }
		fi
	elif [ "$st" != 3 ]; then
		echo "FAIL sweep $what: whatif status $st"; head -3 "$tmp/err"; sw_bad=$((sw_bad + 1))
	fi
	rm -f "$C"
done <"$tmp/sweep-plan"
echo "corruption sweep: $n copies: db report identical $sw_same, refused $sw_damaged;" \
	"whatif status 0 with other output $sw_whatif_diff"
check "corruption sweep: every copy identical or refused" [ "$sw_bad" = 0 ]
check "corruption sweep: some copies refused (the sweep hits data)" [ "$sw_damaged" -gt 0 ]

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
