/*
 * cmd_import.c — `fallout import INVENTORY --db FILE [--label LABEL]`:
 * reads an inventory and stores it as one snapshot (docs/snapshots.md).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../graphs/fo_error.h"
#include "../graphs/fo_snapshot.h"
#include "../importers/fo_inventory.h"

typedef struct import_opts {
	cmd_inputs in;
	const char *db, *label;
} import_opts;

#define OFF(f) offsetof(import_opts, f)
static const cmd_opt opts[] = {
	CMD_STRING("db", 0, "FILE", OFF(db), "the snapshot database (required)"),
	CMD_STRING("label", 0, "LABEL", OFF(label), "the snapshot's name, unique in FILE, no '@' "
		   "(default: the import time, ISO 8601 UTC, e.g. 2026-11-25T21:19:28Z)"),
	CMD_INPUT_OPTS(OFF(in)),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	import_opts *o = ctx;
	if (o->in.n && cmd_looks_like_db(val))
		return cmd_usage_error(prog, "unexpected operand '%s': the database is given with --db, "
				       "as in 'fallout import %s --db %s'", val, o->in.paths[0], val);
	return cmd_input_operand(prog, &o->in, val);
}

static const cmd_spec spec = {
	"fallout import",
	"Usage: fallout import INVENTORY... --db FILE [--label LABEL]\n"
	"Stores INVENTORY (a file, a pipe, or - for standard input, recorded as\n"
	"<stdin>; several are joined into one graph) as a snapshot in the SQLite\n"
	"database FILE, created when missing, in one transaction: every node with its\n"
	"attributes and properties, containment, groups and members, copies, the\n"
	"source file's name, the sha256 of the bytes read (one fallout XML: it is read\n"
	"once; empty for imported formats) and the import time.\n"
	"Prints: LABEL: N nodes in FILE.\n"
	"Analysis commands then accept FILE@LABEL (or FILE: the newest snapshot).\n",
	opts,
	"INVENTORY: a file in any format fallout reads (docs/importers.md).\n"
	"A writer waits up to 5 s (FALLOUT_BUSY_TIMEOUT_MS) for another one.\n",
	{ "stored", NULL, "usage error (label taken or malformed)",
	  "invalid input (inventory invalid; database not fallout's, corrupt or newer)",
	  "I/O error (cannot read or write, read-only, locked)" },
	operand,
};

int cmd_import(int argc, char **argv)
{
	const char *prog = spec.prog;
	import_opts o = { 0 };
	char *used = NULL;
	fo_diag *diag = NULL;
	fo_graph *g = NULL;
	fo_inventory_input *in = NULL;
	int status = EXIT_OK, err;

	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK) {
		if (status == CMD_DONE)
			status = EXIT_OK;
		goto done;
	}
	const char *db = o.db, *label = o.label;
	if (!o.in.n) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	if (!db) {
		status = cmd_usage_error(prog, "missing --db FILE");
		goto done;
	}
	for (size_t i = 0; i < o.in.n; i++)
		if (cmd_is_snapshot(o.in.paths[i])) {
			status = cmd_usage_error(prog, "'%s' is a snapshot database, not an inventory",
						 o.in.paths[i]);
			goto done;
		}
	if (fo_diag_new(&diag, 100) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		status = EXIT_IO;
		goto done;
	}
	/* One read: the digest stored is that of the bytes parsed, so a pipe,
	 * a FIFO or standard input can be imported, and a file rewritten
	 * meanwhile cannot pair one version's graph with another's hash. */
	if ((status = cmd_load_inputs(&g, &in, prog, &o.in, 0, "stored")) != EXIT_OK)
		goto done;
	if ((err = fo_snapshot_save(&used, db, g, label, in ? fo_inventory_input_name(in) : fo_graph_file(g),
				    in ? fo_inventory_input_sha256(in) : NULL, diag)) < 0) {
		cmd_diag_print(prog, diag, stderr);
		if (err == FO_ENOMEM)
			fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
		fprintf(stderr, "%s: nothing was stored\n", prog);
		status = cmd_exit_for(err);
		goto done;
	}
	fo_diag_fputs_escaped(used, stdout);
	printf(": %u node%s in ", fo_graph_node_count(g), fo_graph_node_count(g) == 1 ? "" : "s");
	fo_diag_fputs_escaped(db, stdout);
	putchar('\n');
done:
	free(used);
	fo_inventory_input_free(in);
	fo_graph_free(g);
	fo_diag_free(diag);
	cmd_inputs_dispose(&o.in);
	return status;
}
