/*
 * cmd.h — shared plumbing of the `fallout` command's subcommands (CLI only;
 * not part of the library). Each cmd_*.c parses its options, calls the
 * library and prints; this header gives them one option parser, one way to
 * load an inventory and one exit-status mapping.
 */
#ifndef FO_CMD_H
#define FO_CMD_H

#include <stdio.h>

#include "../graphs/fo_diag.h"
#include "../graphs/fo_graph.h"
#include "fo_engine.h"

/* Exit statuses, documented in README.md and every --help. */
enum {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1, /* findings: diff --fail-on refuses the plan */
	EXIT_USAGE = 2,
	EXIT_INPUT = 3,
	EXIT_IO = 4,
};

#define EXIT_STATUS_HELP \
	"Exit status: 0 success; 1 findings (diff --fail-on); 2 usage error (unknown\n" \
	"option, unknown id); 3 invalid input; 4 I/O or system error.\n"

/* Option parser: options may come before or after operands, as --name VALUE
 * or --name=VALUE; "--" ends options. */
typedef struct cmd_opt {
	const char *name;  /* long name without dashes, e.g. "fail" */
	char short_name;   /* 'o', or 0 */
	int takes_value;
	int id;            /* returned by cmd_next */
} cmd_opt;

typedef struct cmd_args {
	int argc, i;
	char **argv;
	const char *prog; /* "fallout whatif" for messages */
	const cmd_opt *opts;
	int no_more_opts;
} cmd_args;

void cmd_args_init(cmd_args *a, const char *prog, int argc, char **argv, const cmd_opt *opts);
/* Returns the next option's id with *value set (NULL for flags), 0 for an
 * operand (in *value), -1 at the end; prints a usage error and returns -2 for
 * an unknown option or a missing value. */
int cmd_next(cmd_args *a, const char **value);

/* Takes an operand as the one INVENTORY; a second one is a usage error.
 * Returns EXIT_OK or EXIT_USAGE (after printing why). */
int cmd_operand(const char *prog, const char **path, const char *val);

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

/* Maps a library error code to an exit status. */
int cmd_exit_for(int err);

/* Loads an inventory; on failure prints the diagnostics to stderr and returns
 * the exit status (non-zero); on success *out owns the graph. */
int cmd_load(fo_graph **out, const char *prog, const char *path, int validate_schema,
	     fo_diag *diag);

/* True when path names a snapshot rather than an inventory XML: FILE or
 * FILE@LABEL where FILE is an existing file starting with SQLite's header
 * (docs/snapshots.md). cmd_load then loads the snapshot (newest without
 * @LABEL); validate_schema does not apply to it. */
int cmd_is_snapshot(const char *path);

/* Splits a snapshot reference: *db (malloc'd) and *label (inside path, NULL
 * for the newest). Returns 1 for a snapshot, 0 for an XML path, -1 when out
 * of memory. A whole path that is a database wins over a split at '@'. */
int cmd_split_snapshot(const char *path, char **db, const char **label);

/* Output to -o FILE (written to FILE.tmp-PID then renamed, so a failed run
 * never leaves a half-written file) or to stdout. */
typedef struct cmd_out {
	FILE *fp;
	const char *path; /* NULL = stdout */
	char *tmp;
} cmd_out;
int cmd_out_open(cmd_out *o, const char *prog, const char *path);
/* Flushes and commits (ok != 0) or discards the output; returns an exit
 * status (EXIT_IO if writing failed). */
int cmd_out_close(cmd_out *o, const char *prog, int ok);

/* Resolves ids into node indices; an unknown id is a usage error naming the
 * option. *out is malloc'd (free()). */
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

/* Loads `path`, resolves the --fail and --destroy ids and runs the scenario.
 * Prints every problem itself; returns an exit status. The session must be
 * disposed either way. */
int cmd_session_run(cmd_session *s, const char *prog, const char *path,
		    const char *const *fail, size_t nfail, const char *const *destroy,
		    size_t ndestroy);
void cmd_session_dispose(cmd_session *s);

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

#endif
