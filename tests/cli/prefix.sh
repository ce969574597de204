# tests/cli/prefix.sh — sourced by the scripted CLI checks: every line fallout
# writes to standard error says where it comes from (docs/cli.md, "Messages").
#   stderr_prefixed ERRFILE ARGS...   status 0 when every line of ERRFILE
#       starts with "fallout CMD: " (CMD = ARGS' command; "fallout: " when
#       ARGS name none) or with a location "FILE:LINE:COL: error|warning: ";
#       else status 1, the other lines printed on stderr.
# A run that writes its result to stderr on purpose (-o /dev/stderr) or
# draws the progress bar (a terminal) is not checked by its caller.
stderr_prefixed() {
	spb_err=$1
	shift
	spb_cmd=
	case ${1:-} in
	check|whatif|render|import|db|spof|cutsets|availability|report|diff|gen|convert|export) spb_cmd=" $1" ;;
	esac
	awk -v want="fallout$spb_cmd: " '
		index($0, want) == 1 { next }
		/^.+:[0-9]+:[0-9]+: (error|warning): / { next }
		{ print "  stderr line without its prefix (" want "): " $0; bad = 1 }
		END { exit bad }' "$spb_err" >&2
}
