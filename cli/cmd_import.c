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
	const char *path, *db, *label;
} import_opts;

#define OFF(f) offsetof(import_opts, f)
static const cmd_opt opts[] = {
	CMD_STRING("db", 0, "FILE", OFF(db), "the snapshot database (required)"),
	CMD_STRING("label", 0, "LABEL", OFF(label), "the snapshot's name, unique in FILE, no '@' "
		   "(default: the import time, ISO 8601 UTC, e.g. 2026-11-25T21:19:28Z)"),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	import_opts *o = ctx;
	if (o->path && cmd_looks_like_db(val))
		return cmd_usage_error(prog, "unexpected operand '%s': the database is given with --db, "
				       "as in 'fallout import %s --db %s'", val, o->path, val);
	return cmd_operand(prog, &o->path, val);
}

static const cmd_spec spec = {
	"fallout import",
	"Usage: fallout import INVENTORY --db FILE [--label LABEL]\n"
	"Stores INVENTORY (an XML file, a pipe, or - for standard input, recorded as\n"
	"<stdin>) as a snapshot in the SQLite database FILE, created when missing, in\n"
	"one transaction: every node with its attributes and properties, containment,\n"
	"groups and members, copies, the source file's name, the sha256 of the bytes\n"
	"read (INVENTORY is read once) and the import time.\n"
	"Prints: LABEL: N nodes in FILE.\n"
	"Analysis commands then accept FILE@LABEL (or FILE: the newest snapshot).\n",
	opts,
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

	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK)
		return status == CMD_DONE ? EXIT_OK : status;
	const char *path = o.path, *db = o.db, *label = o.label;
	if (!path)
		return cmd_usage_error(prog, "missing INVENTORY");
	if (!db)
		return cmd_usage_error(prog, "missing --db FILE");
	if (cmd_is_snapshot(path))
		return cmd_usage_error(prog, "'%s' is a snapshot database, not an inventory XML", path);
	if (fo_diag_new(&diag, 100) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_IO;
	}
	/* One read: the digest stored is that of the bytes parsed, so a pipe,
	 * a FIFO or standard input can be imported, and a file rewritten
	 * meanwhile cannot pair one version's graph with another's hash. */
	if ((err = fo_inventory_read(&g, &in, path, NULL, diag)) < 0) {
		cmd_diag_print(prog, diag, stderr);
		if (err == FO_EINPUT)
			fprintf(stderr, "%s: %s: %zu error%s; nothing was stored\n", prog,
				strcmp(path, "-") ? path : "<stdin>", fo_diag_errors(diag),
				fo_diag_errors(diag) == 1 ? "" : "s");
		else if (err != FO_EIO)
			fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
		status = cmd_exit_for(err);
		goto done;
	}
	if ((err = fo_snapshot_save(&used, db, g, label, fo_inventory_input_name(in),
				    fo_inventory_input_sha256(in), diag)) < 0) {
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
	return status;
}
