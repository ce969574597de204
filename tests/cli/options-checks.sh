#!/bin/sh
# tests/cli/options-checks.sh: the option tables of the subcommands
# (cli/cmd_opts.c, docs/cli.md "Options"): one parser for every command,
# --help generated from the table, --version everywhere, and each help
# listing only the exit statuses its command can return.
#   FALLOUT=./fallout sh tests/cli/options-checks.sh
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

Q=samples/quickstart.xml
COMMANDS="check whatif render import db spof cutsets availability report diff export gen"

fo --version
cp "$tmp/out" "$tmp/version"
check "fallout --version: fallout VERSION" grep -q -E '^fallout [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/version"
for c in $COMMANDS; do
	fo "$c" --version
	check "$c --version: status 0" is 0
	check "$c --version: what fallout --version prints" cmp -s "$tmp/version" "$tmp/out"
	fo help "$c"
	check "help $c: status 0" is 0
	cp "$tmp/out" "$tmp/help-$c"
	check "$c --help: no line wider than 80 columns" lacks '^.{81}' "$tmp/help-$c"
	check "$c --help: lists --version" grep -q -E '^  --version  ' "$tmp/help-$c"
	check "$c --help: lists -h, --help" grep -q -E '^  -h, --help  ' "$tmp/help-$c"
	check "$c --help: one exit status paragraph" grep -q '^Exit status: 0 ' "$tmp/help-$c"
	# Only diff can return 1 (--fail-on).
	if [ "$c" = diff ]; then
		check "diff --help: lists status 1" grep -q -E '; 1 worse' "$tmp/help-$c"
	else
		check "$c --help: does not list status 1" lacks '(^|; )1 ' "$tmp/help-$c"
	fi
	# A flag takes no value; an option with a value needs one.
	fo "$c" --help=x
	check "$c --help=x: usage error" is 2
	check "$c --help=x: says why" has "fallout $c: option '--help' takes no value" "$tmp/err"
	fo "$c" --no-such-option
	check "$c --no-such-option: usage error" is 2
	check "$c --no-such-option: says which" has "fallout $c: unknown option '--no-such-option'" "$tmp/err"
done
# gen never reads an inventory: no status 3 in its help.
check "gen --help: does not list status 3" lacks '(^|; )3 ' "$tmp/help-gen"

# The top-level help lists every status some command returns.
fo --help
check "fallout --help: lists status 1" grep -q '; 1 findings' "$tmp/out"

# Parser semantics, the same for every command: options before or after
# operands, --name=VALUE, -oVALUE, repeatable options in order, "--".
fo whatif "$Q" --fail gz3-cooling --format json
cp "$tmp/out" "$tmp/a.json"
fo whatif --format=json --fail=gz3-cooling "$Q"
check "whatif: --name=VALUE and options before the operand" cmp -s "$tmp/a.json" "$tmp/out"
fo whatif "$Q" --fail gz3-cooling --format json "-o$tmp/b.json"
check "whatif -oFILE: status 0" is 0
check "whatif -oFILE: writes FILE" cmp -s "$tmp/a.json" "$tmp/b.json"
cp "$Q" "$tmp/-dash.xml"
fo whatif --fail gz3-cooling --format json -- "$tmp/-dash.xml"
check "whatif -- FILE: an operand after --" is 0
fo whatif "$Q" --fail gz3-cooling --why gz3-cooling --why gz3-cooling
check "whatif --why twice: status 0" is 0
check "whatif --why twice: two chains" test "$(grep -c '^gz3-cooling' "$tmp/out")" -ge 2
fo whatif "$Q" --fail
check "whatif --fail without a value: usage error" is 2
check "whatif --fail without a value: says why" has "fallout whatif: option '--fail' needs a value" "$tmp/err"
fo whatif "$Q" --fail gz3-cooling --format yaml
check "whatif --format yaml: says the choices" has "fallout whatif: unknown format 'yaml' (text, json or csv)" "$tmp/err"
fo spof "$Q" --top -1
check "spof --top -1: usage error" is 2
fo gen --nodes 100 extra
check "gen: an operand is a usage error" has "fallout gen: unexpected operand 'extra'" "$tmp/err"

echo "options-checks: $pass passed, $fail failed"
[ $fail = 0 ]
