#!/bin/sh
# tests/cli/man-check.sh: docs/fallout.1 is in step with the help texts.
# Every option of every subcommand's --help (generated from its option
# table) is a ".TP" entry of that command's ".SS" section with the same
# value name ("-o, --output FILE"); the man page lists no option the command
# lacks; -h/--help and --version are in the "Every command" section. groff,
# when installed, renders the page without a warning; `make install` puts it
# in $(PREFIX)/share/man/man1.
#   FALLOUT=./fallout sh tests/cli/man-check.sh
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

MAN=docs/fallout.1
COMMANDS="check whatif render import db spof cutsets availability serve report diff convert export gen"

# "SECTION<TAB>-o, --output FILE" for each option of the man page; SECTION
# is the command, or * for the options of every command.
awk '
	/^\.SS "fallout [a-z]+"/ { sec = $3; sub(/"$/, "", sec); next }
	/^\.SS "Every command"/ { sec = "*"; next }
	/^\.S[HS]/ { sec = ""; next }
	/^\.TP/ { tp = 1; next }
	tp && sec != "" && /^\\fB\\-/ {
		line = $0
		gsub(/\\f[BIRP]/, "", line)
		gsub(/\\-/, "-", line)
		print sec "\t" line
	}
	{ tp = 0 }
' "$MAN" | sort >"$tmp/man"
check "man: lists options" test "$(wc -l <"$tmp/man")" -ge 30

: >"$tmp/help"
for c in $COMMANDS; do
	fo "$c" --help
	check "$c --help: status 0" is 0
	grep -E '^  (-[a-zA-Z], )?--[a-z]' "$tmp/out" | sed -E 's/^  //; s/  .*//' >"$tmp/opts"
	check "$c --help: lists options" test -s "$tmp/opts"
	while IFS= read -r o; do
		case $o in
		"-h, --help" | --version) printf '*\t%s\n' "$o" ;;
		*) printf '%s\t%s\n' "$c" "$o" ;;
		esac
	done <"$tmp/opts" >>"$tmp/help"
done
sort -u "$tmp/help" >"$tmp/help.sorted"
# In the help, not in the man page (or with another value name).
comm -23 "$tmp/help.sorted" "$tmp/man" >"$tmp/missing"
# In the man page, not in any help.
comm -13 "$tmp/help.sorted" "$tmp/man" >"$tmp/extra"
check "man: every option of every --help is in $MAN" test ! -s "$tmp/missing"
check "man: $MAN lists no option the commands lack" test ! -s "$tmp/extra"
# What to add, in the page's form (the help's first line as a start).
while IFS="$(printf '\t')" read -r c o; do
	echo "  missing from the man page, in .SS \"fallout $c\" (or \"Every command\" for *):"
	echo ".TP"
	echo "$o" | sed -E 's/-/\\-/g; s/(\\-[^ ,]+)/\\fB\1\\fR/g; s/ ([A-Z][A-Z_]*)$/ \\fI\1\\fR/'
	[ "$c" = "*" ] || $FALLOUT "$c" --help | grep -F -e "  $o  " | head -1 | sed -E 's/^ +[^ ].*[^ ]  +//'
done <"$tmp/missing"
sed 's/^/  not an option of the command: /' "$tmp/extra"
check "man: one section per command" test "$(grep -c '^\.SS "fallout ' "$MAN")" = "$(echo $COMMANDS | wc -w)"

# The page's version is the program's.
fo --version
check "man: .TH names the version" grep -q "^\.TH FALLOUT 1 .*\"$(cat "$tmp/out")\"" "$MAN"

if command -v groff >/dev/null 2>&1; then
	LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$MAN" >"$tmp/groff.out" 2>&1
	check "man: groff renders $MAN (status 0)" test $? = 0
	check "man: groff renders $MAN without a warning" test ! -s "$tmp/groff.out"
	cat "$tmp/groff.out"
else
	echo "man-check: groff not installed, rendering not checked (make deps-test installs groff-base)"
fi

# make install puts it under $(DESTDIR)$(PREFIX)/share/man/man1.
make -n install DESTDIR=/DEST PREFIX=/PFX >"$tmp/install" 2>&1
check "man: make install installs $MAN into \$(PREFIX)/share/man/man1" \
	grep -q -E "install .*-m 644 $MAN /DEST/PFX/share/man/man1/fallout\.1" "$tmp/install"

echo "man-check: $pass passed, $fail failed"
[ $fail = 0 ]
