#!/bin/sh
# tests/xsd/run.sh: checks importers/inventory-v1.xsd with xmllint.
# Every *-ok.xml here and every samples/*.xml must validate; every other
# *.xml here must be rejected. The scenario files of the samples
# (samples/*-scenarios.xml) must validate against importers/scenarios-v1.xsd
# instead. Run from anywhere; exit 0 when all pass.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v xmllint >/dev/null 2>&1 || { echo "run.sh: xmllint not found (apt-get install libxml2-utils)" >&2; exit 2; }
fail=0
for f in "$top"/tests/xsd/*.xml "$top"/samples/*.xml; do
	[ -e "$f" ] || continue
	case $f in
	*-ok.xml | "$top"/samples/*) want=valid ;;
	*) want=invalid ;;
	esac
	case $f in
	"$top"/samples/*-scenarios.xml) xsd=$top/importers/scenarios-v1.xsd ;;
	*) xsd=$top/importers/inventory-v1.xsd ;;
	esac
	if xmllint --noout --nonet --schema "$xsd" "$f" >/dev/null 2>&1; then got=valid; else got=invalid; fi
	if [ "$got" = "$want" ]; then
		echo "ok   $want  ${f#"$top"/}"
	else
		echo "FAIL expected $want, got $got: ${f#"$top"/}"
		fail=1
	fi
done
exit $fail
