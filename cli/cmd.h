/*
 * cmd.h — shared plumbing of the `fallout` command's subcommands (CLI only;
 * not part of the library). Each cmd_*.c parses its options, calls the
 * library and prints; this header gives them one option parser, one way to
 * load an inventory and one exit-status mapping.
 */
#ifndef FO_CMD_H
#define FO_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "../graphs/fo_diag.h"
#include "../graphs/fo_graph.h"
#include "../analyzer/fo_engine.h"
#include "../importers/fo_inventory.h"
#include "../importers/fo_mapfile.h"
#include "../importers/fo_model.h"
#include "../graphs/fo_ft.h"

/* Exit statuses, documented in README.md and every --help. */
enum {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1, /* findings: diff --fail-on refuses the plan */
	EXIT_USAGE = 2,
	EXIT_INPUT = 3,
	EXIT_IO = 4,
};

/* ------------------------------------------------------------ options
 *
 * Each subcommand declares its options once, in a table of cmd_opt: names,
 * value name, help line and what the option does. The parser (cmd_parse)
 * and the "Options" part of --help (cmd_help) both read that table, so a new
 * option is one line:
 *
 *     CMD_STRING("scope", 0, "SCOPE", OFF(scope), "impact, all or app:ID"),
 *
 * where OFF(field) is offsetof(the command's options struct, field). Options
 * may come before or after operands, as --name VALUE, --name=VALUE, -o VALUE
 * or -oVALUE; "--" ends options. -h/--help and --version are every
 * command's, added by the parser and to the help (docs/cli.md). */

typedef enum cmd_opt_kind {
	CMD_OPT_END = 0,
	CMD_OPT_FLAG,   /* int field set to 1 */
	CMD_OPT_STRING, /* const char * field: the value (the last one given wins) */
	CMD_OPT_LIST,   /* cmd_list field: every value, in order (repeatable) */
	CMD_OPT_CHOICE, /* int field: the value's index in words (else usage error) */
	CMD_OPT_COUNT,  /* unsigned long field: a decimal count, at least min */
	CMD_OPT_CALL,   /* fn(ctx, prog, value) decides */
	CMD_OPT_HELP,   /* -h/--help and --version: every command's (cmd_opts.c) */
	CMD_OPT_VERSION,
} cmd_opt_kind;

/* What CMD_OPT_CALL runs: ctx is the command's options struct, value NULL
 * for a flag. Returns EXIT_OK, or an exit status after printing why. */
typedef int (*cmd_opt_fn)(void *ctx, const char *prog, const char *value);

typedef struct cmd_opt {
	const char *name;         /* long name without dashes, e.g. "fail" */
	char short_name;          /* 'o', or 0 */
	const char *value_name;   /* "FILE" for an option with a value; NULL: a flag */
	const char *help;         /* the help text; '\n' starts an indented line */
	cmd_opt_kind kind;
	size_t offset;            /* of the field in the options struct */
	const char *const *words; /* CMD_OPT_CHOICE: NULL-terminated */
	unsigned long min;        /* CMD_OPT_COUNT: 0 or 1 */
	cmd_opt_fn fn;            /* CMD_OPT_CALL */
} cmd_opt;

/* A repeatable option's values, in order (borrowed from argv; v malloc'd). */
typedef struct cmd_list {
	const char **v;
	size_t n;
} cmd_list;

#define CMD_FLAG(name, short_name, off, help) \
	{ name, short_name, NULL, help, CMD_OPT_FLAG, off, NULL, 0, NULL }
#define CMD_STRING(name, short_name, value_name, off, help) \
	{ name, short_name, value_name, help, CMD_OPT_STRING, off, NULL, 0, NULL }
#define CMD_LIST(name, short_name, value_name, off, help) \
	{ name, short_name, value_name, help, CMD_OPT_LIST, off, NULL, 0, NULL }
#define CMD_CHOICE(name, short_name, value_name, off, words, help) \
	{ name, short_name, value_name, help, CMD_OPT_CHOICE, off, words, 0, NULL }
#define CMD_COUNT(name, short_name, value_name, off, min, help) \
	{ name, short_name, value_name, help, CMD_OPT_COUNT, off, NULL, min, NULL }
#define CMD_CALL(name, short_name, value_name, fn, help) \
	{ name, short_name, value_name, help, CMD_OPT_CALL, 0, NULL, 0, fn }
#define CMD_END { NULL, 0, NULL, NULL, CMD_OPT_END, 0, NULL, 0, NULL }

/* One subcommand: its table, its help text around the options, and the exit
 * statuses it can return (its help lists only these). */
typedef struct cmd_spec {
	const char *prog;     /* "fallout whatif": messages and help */
	const char *synopsis; /* "Usage: ..." lines and the description */
	const cmd_opt *opts;  /* ended by CMD_END; -h/--help and --version added */
	const char *notes;    /* printed after the options, or NULL */
	/* exits[S]: what status S means for this command; NULL: never returned */
	const char *exits[EXIT_IO + 1];
	/* Called for each operand, in order; NULL: any operand is a usage error. */
	int (*operand)(void *ctx, const char *prog, const char *value);
} cmd_spec;

/* The usual meanings, for cmd_spec.exits. */
#define CMD_EXIT_OK "success"
#define CMD_EXIT_USAGE "usage error (unknown option, unknown id)"
#define CMD_EXIT_INPUT "invalid input"
#define CMD_EXIT_IO "I/O or system error"

/* What cmd_parse returns once --help or --version is printed: the command
 * returns EXIT_OK without doing anything else. */
#define CMD_DONE (-1)

/* Parses argv[1..argc-1] (argv[0] is the subcommand) into ctx, the
 * command's options struct (zeroed or preset with defaults), following
 * spec. Returns EXIT_OK, CMD_DONE, or an exit status after printing why
 * ("fallout X: unknown option '--y'" and a hint). cmd_list fields grow with
 * realloc: call cmd_parse_dispose on ctx whatever this returned.
 * O(argc * options). */
int cmd_parse(const cmd_spec *spec, void *ctx, int argc, char **argv);

/* Frees the cmd_list fields of ctx (not the strings, which are argv's). */
void cmd_parse_dispose(const cmd_spec *spec, void *ctx);

/* Prints spec's --help: synopsis, the options generated from the table,
 * notes, and the exit statuses the command can return. */
void cmd_help(const cmd_spec *spec, FILE *fp);

/* Prints what `fallout --version` prints: "fallout VERSION\n". */
void cmd_version(FILE *fp);

/* The top-level help's exit statuses (every status some command returns). */
void cmd_exit_help(const char *const exits[EXIT_IO + 1], FILE *fp);

/* Takes an operand as the one INVENTORY; a second one is a usage error.
 * Returns EXIT_OK or EXIT_USAGE (after printing why). */
int cmd_operand(const char *prog, const char **path, const char *val);

/* The inventories a command reads (docs/cli.md, "Inputs"): its operands,
 * each a file in any format fallout imports (or - for standard input, once),
 * joined into one graph; or one snapshot DB[@LABEL]. With the options every
 * such command takes (CMD_INPUT_OPTS). */
typedef struct cmd_inputs {
	const char **paths; /* the operands in order (borrowed from argv; the
			     * array malloc'd: cmd_inputs_dispose) */
	size_t n;
	const char *from;   /* --from FMT, or NULL: detected */
	int explain;        /* --explain-import */
	const char *map;    /* --map FILE, or NULL */
} cmd_inputs;

/* The options of cmd_inputs, for a command's table; off is the offset of
 * its cmd_inputs field: CMD_INPUT_OPTS(OFF(in)). */
#define CMD_INPUT_OPTS(off)                                                                       \
	CMD_STRING("from", 0, "FMT", (off) + offsetof(cmd_inputs, from),                          \
		   "read every INVENTORY as FMT: fallout, archimate, k8s,\n"                    \
		   "terraform, graphml or cmdb (default: detected from each one's content)"),     \
	CMD_STRING("map", 0, "FILE", (off) + offsetof(cmd_inputs, map),                           \
		   "the mapping file (docs/mapping-format.md): kinds, tenants,\n"               \
		   "placement, K of n, drops and same-as for imported objects"),                 \
	CMD_FLAG("explain-import", 0, (off) + offsetof(cmd_inputs, explain),                      \
		 "say on standard error what the import read, mapped,\n"                         \
		 "folded and skipped, per source")

/* The help's note on INVENTORY for the commands that take cmd_inputs. */
#define CMD_INPUTS_NOTE                                                                \
	"INVENTORY: a file in any format fallout reads (docs/importers.md), - for\n"  \
	"standard input, or a snapshot DB[@LABEL]; several are joined into one graph.\n"

/* Appends an operand to in (the command's operand callback calls it);
 * "-" twice is a usage error. Returns EXIT_OK, EXIT_USAGE or EXIT_IO (out
 * of memory), after printing why. */
int cmd_input_operand(const char *prog, cmd_inputs *in, const char *val);

/* Frees in->paths (not the strings, argv's). */
void cmd_inputs_dispose(cmd_inputs *in);

/* Finds val among the NULL-terminated words; *out = its index. Otherwise
 * prints "unknown WHAT 'val' (a, b or c)" and returns EXIT_USAGE. */
int cmd_choice(const char *prog, const char *what, const char *val,
	       const char *const *words, int *out);

/* Parses an option's decimal count (no sign, no blanks, in range; positive
 * when `positive`). Returns EXIT_OK or EXIT_USAGE (after printing why). */
int cmd_count(const char *prog, const char *option, const char *val, int positive,
	      unsigned long *out);

/* "fallout X: message" on stderr, then returns EXIT_USAGE. */
int cmd_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* fo_diag_print for standard error: a line without a location
 * ("FILE:LINE:COL: ") is prefixed with "PROG: ", so every line of stderr
 * says where it comes from (a file that cannot be opened, a diagram too
 * large, "... and N more"). Returns FO_OK or FO_EIO. O(size of the text). */
int cmd_diag_print(const char *prog, const fo_diag *diag, FILE *fp);

/* Maps a library error code to an exit status. */
int cmd_exit_for(int err);

/* Loads the inputs into one graph: a snapshot DB[@LABEL] (alone), or the
 * files through fo_import_read. Prints on stderr, every line prefixed with
 * "PROG: " or located: an imported source's warnings and its summary line
 * (fo_model_summary; nothing for one fallout XML), the --explain-import
 * text; on failure the diagnostics and "PROG: NAMES: N errors; nothing was
 * VERB" (`nothing`: "analysed", "stored", ...). On success *out owns the
 * graph and *kept (kept may be NULL) the fallout reader's input handle of a
 * single fallout XML (NULL otherwise); returns the exit status. The
 * diagnostics are on a context of this call's: printed here, never again. */
int cmd_load_inputs(fo_graph **out, fo_inventory_input **kept, const char *prog,
		    const cmd_inputs *in, int validate_schema, const char *nothing);

/* cmd_load_inputs(out, NULL, prog, in, validate_schema, "analysed"). */
int cmd_load(fo_graph **out, const char *prog, const cmd_inputs *in, int validate_schema);

/* cmd_load of the one input path, with the options of opts (may be NULL:
 * detected, no explanation): diff's BEFORE and AFTER. */
int cmd_load_one(fo_graph **out, const char *prog, const char *path, const cmd_inputs *opts);

/* On stderr, each line prefixed "PROG: ": with explain, fo_model_explain;
 * then fo_model_summary (one line per imported source). */
void cmd_model_say(const char *prog, const fo_model *m, int explain);

/* Checks --from: a word fallout knows and this build reads. Returns
 * EXIT_OK or EXIT_USAGE (said). */
int cmd_check_from(const char *prog, const char *from);

/* Loads --map FILE (in->map; *out NULL when none): on failure prints its
 * located errors and "PROG: FILE: N errors; nothing was VERB" and returns
 * the exit status; *out owned by the caller (fo_mapfile_free). */
int cmd_load_map(fo_mapfile **out, const char *prog, const cmd_inputs *in, const char *nothing);

/* True when path names a snapshot rather than an inventory XML: FILE or
 * FILE@LABEL where FILE is an existing file starting with SQLite's header
 * (docs/snapshots.md). cmd_load then loads the snapshot (newest without
 * @LABEL); validate_schema does not apply to it. */
int cmd_is_snapshot(const char *path);

/* True when an operand looks like a snapshot database given where --db
 * was meant (`fallout db list plans.db`): a snapshot database, or a name
 * ending in .db, .sqlite or .sqlite3. */
int cmd_looks_like_db(const char *word);

/* Splits a snapshot reference: *db (malloc'd) and *label (inside path, NULL
 * for the newest). Returns 1 for a snapshot, 0 for an XML path, -1 when out
 * of memory. A whole path that is a database wins over a split at '@'. */
int cmd_split_snapshot(const char *path, char **db, const char **label);

/* Output of a subcommand: standard output or -o FILE (docs/cli.md, "Output
 * files"). Every write goes through a stream that records the errno of the
 * first failed write(2), so a full disk is reported as such even when stdio
 * discarded its buffer and other calls changed errno since.
 *   - NULL, "-", /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N:
 *     straight through that descriptor (never opened, renamed or closed).
 *   - a character device, FIFO or socket: opened and written straight through.
 *   - a regular file, a missing one, or a symlink to either (followed): written
 *     to TARGET.tmp-PID in the target's directory (mode, owner and group of
 *     the old file), fsync'd, then renamed over TARGET; a file with hard
 *     links, or whose owner cannot be kept, is instead copied into TARGET in
 *     place once complete (space reserved first), so its links and owner stay.
 *   - anything else (a directory, a block device): refused, EXIT_IO.
 * The struct must stay zeroed until cmd_out_open; once open it must not be
 * copied (the stream refers to it). */
typedef struct cmd_out_sink cmd_out_sink;
typedef struct cmd_out {
	FILE *fp;          /* where the command writes; NULL once closed */
	const char *path;  /* as given, for messages (borrowed); NULL = stdout */
	char *target;      /* the regular file replaced at commit (malloc'd) */
	char *tmp;         /* its temporary file, until committed (malloc'd) */
	cmd_out_sink *sink; /* the descriptor under fp and its first error */
	int how;           /* internal: which of the cases above */
	int copy;          /* commit by copying in place instead of renaming */
	int prepared;      /* cmd_out_prepare succeeded: only the commit is left */
} cmd_out;

/* The first directory on the way to file `path` that does not exist
 * ("out/x" for out/x/y.svg when out exists), malloc'd; NULL when every
 * one exists (or out of memory). O(length of path) stat calls. */
char *cmd_missing_dir(const char *path);

/* Opens the output (o zeroed or closed; path borrowed for o's lifetime).
 * Returns EXIT_OK, or EXIT_IO after saying why (nothing created then).
 * O(1) system calls (a symlink chain: one per link, at most 40). */
int cmd_out_open(cmd_out *o, const char *prog, const char *path);

/* Flushes, fsyncs (a temporary file) and closes the stream: afterwards only
 * cmd_out_commit is left, which cannot run out of space for a rename. On
 * failure says why (ENOSPC as "No space left on device", with the path),
 * removes the temporary file and returns EXIT_IO. */
int cmd_out_prepare(cmd_out *o, const char *prog);

/* After cmd_out_prepare: renames (or copies) the temporary file over the
 * target and releases o. Returns EXIT_OK or EXIT_IO (said; the temporary
 * file removed, the old target left as it was except after a failed
 * in-place copy). */
int cmd_out_commit(cmd_out *o, const char *prog);

/* ok != 0: prepare and commit. ok == 0: discard (temporary file removed; a
 * write error is still said, being the likely reason the caller failed).
 * Releases o either way; a zeroed or already closed o is a no-op. Returns
 * EXIT_OK or EXIT_IO. */
int cmd_out_close(cmd_out *o, const char *prog, int ok);

/* Discards silently (the caller said why already): the temporary file
 * removed, o released. */
void cmd_out_discard(cmd_out *o);

/* What main() does last: flushes and closes the process's stdout (what the
 * subcommands printed with printf), turning a failure into EXIT_IO with the
 * reason ("No space left on device") when the command had succeeded. */
int cmd_stdout_close(const char *prog, int status);

/* Says on stderr that id (given to option) names no node of g, with the
 * nearest id when one is close ("did you mean"; fo_suggest.h: one pass over
 * the ids, on this error path only). Ids shortened and escaped. */
void cmd_unknown_id(const fo_graph *g, const char *prog, const char *option, const char *id);

/* Resolves ids into node indices; an unknown id is a usage error naming the
 * option, with a suggestion (cmd_unknown_id). *out is malloc'd (free()). */
int cmd_resolve_ids(const fo_graph *g, const char *prog, const char *option,
		    const char *const *ids, size_t n, uint32_t **out);

/* What whatif and render share: the loaded inventory, the resolved scenario
 * and an engine that has run it. */
typedef struct cmd_session {
	fo_diag *diag;
	fo_graph *g;
	fo_engine *e;
	uint32_t *fail, *destroy;
	fo_scenario sc;
} cmd_session;

/* Loads the inputs, resolves the --fail and --destroy ids and runs the
 * scenario. Prints every problem itself; returns an exit status. The
 * session must be disposed either way. */
int cmd_session_run(cmd_session *s, const char *prog, const cmd_inputs *in,
		    const char *const *fail, size_t nfail, const char *const *destroy,
		    size_t ndestroy);
void cmd_session_dispose(cmd_session *s);

/* ------------------------------------------------------------ fault trees
 * What cutsets, availability and export share (cli/cmd_risk.c): a fault
 * tree from an inventory's app (risk/fo_ftgraph.h) or from an Open-PSA MEF
 * file (importers/fo_openpsa.h), docs/risk.md "Commands". */

/* The input options of those commands: CMD_INPUT_OPTS with openpsa among
 * the --from words. */
#define CMD_RISK_INPUT_OPTS(off)                                                                  \
	CMD_STRING("from", 0, "FMT", (off) + offsetof(cmd_inputs, from),                          \
		   "read every INVENTORY as FMT: fallout, archimate, k8s,\n"                    \
		   "terraform, graphml or cmdb; openpsa: one Open-PSA MEF fault tree, whose "     \
		   "top is analysed (default: detected from each one's content)"),                \
	CMD_STRING("map", 0, "FILE", (off) + offsetof(cmd_inputs, map),                           \
		   "the mapping file (docs/mapping-format.md): kinds, tenants,\n"               \
		   "placement, K of n, drops and same-as for imported objects"),                 \
	CMD_FLAG("explain-import", 0, (off) + offsetof(cmd_inputs, explain),                      \
		 "say on standard error what the import read, mapped,\n"                         \
		 "folded and skipped, per source")

/* The help's note on INVENTORY for those commands. */
#define CMD_RISK_INPUTS_NOTE                                                           \
	CMD_INPUTS_NOTE                                                                \
	"An Open-PSA MEF file (root <opsa-mef>; docs/openpsa.md) is read as one fault\n" \
	"tree instead: detected, or forced with --from openpsa (for standard input).\n"

/* True when the inputs are one Open-PSA MEF tree: --from openpsa, or one
 * regular file (not a snapshot) whose first 64 KiB fo_openpsa_sniff claims. */
int cmd_risk_is_openpsa(const cmd_inputs *in);

/* Reads the one MEF tree of in (--map, --explain-import and several inputs
 * are usage errors); prints its located errors and "PROG: FILE: N errors;
 * nothing was analysed". *out owned by the caller (fo_ft_free). Returns the
 * exit status. */
int cmd_risk_load_openpsa(fo_ft **out, const char *prog, const cmd_inputs *in);

/* Looks --app ID up: an unknown id (with "did you mean") or a node that is
 * not an app is a usage error, said. Returns the exit status. */
int cmd_risk_app(const fo_graph *g, const char *prog, const char *id, uint32_t *out);

/* Builds app's fault tree (event: 0 down, 1 lost). *out owned by the
 * caller. Prints why on failure; returns the exit status. */
int cmd_risk_app_tree(fo_ft **out, const char *prog, const fo_graph *g, uint32_t app, int lost);

/* Checks that every event of ft's top cone has a probability: else says
 * "no failure data for N nodes of WHAT: a, b, c, ... (p=, mtbf= and mttr=,
 * or per-kind defaults: docs/inventory-format.md)" and returns EXIT_INPUT.
 * O(tree). */
int cmd_risk_need_p(const char *prog, const fo_ft *ft, int inventory);

/* The subcommands: argv[0] is the subcommand's name; return an exit status. */
int cmd_check(int argc, char **argv);
int cmd_whatif(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_spof(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_cutsets(int argc, char **argv);
int cmd_availability(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
