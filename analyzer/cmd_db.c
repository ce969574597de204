/*
 * cmd_db.c — `fallout db list --db FILE` and `fallout db rm LABEL --db FILE`:
 * the snapshots of a database (docs/snapshots.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../graphs/fo_error.h"
#include "../graphs/fo_snapshot.h"

static const char help[] =
	"Usage: fallout db list --db FILE\n"
	"       fallout db rm LABEL --db FILE\n"
	"list prints the snapshots of the SQLite database FILE, oldest first: label,\n"
	"import time (UTC), node count, first 12 hex digits of the source's sha256 and\n"
	"the source file. rm deletes one snapshot with everything it holds.\n\n"
	"  --db FILE    the snapshot database (required)\n"
	"  -h, --help   this help\n\n"
	"Exit status: 0 success; 2 usage error (unknown label); 3 invalid input\n"
	"(database not fallout's, corrupt or newer); 4 I/O error (cannot open,\n"
	"read-only, locked).\n";

enum { O_DB = 1, O_HELP };
static const cmd_opt opts[] = {
	{ "db", 0, 1, O_DB },
	{ "help", 'h', 0, O_HELP },
	{ NULL, 0, 0, 0 },
};

static int failed(const char *prog, fo_diag *diag, int err)
{
	fo_diag_print(diag, stderr);
	if (err == FO_ENOMEM || err == FO_EINVAL)
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	return cmd_exit_for(err);
}

static void cell(const char *s, int width)
{
	fo_diag_fputs_escaped(s, stdout);
	for (int n = (int)strlen(s); n < width; n++)
		putchar(' ');
}

int cmd_db(int argc, char **argv)
{
	const char *prog = "fallout db", *sub = NULL, *label = NULL, *db = NULL, *val;
	fo_snapshot_info *v = NULL;
	size_t nv = 0;
	fo_diag *diag = NULL;
	cmd_args a;
	int status = EXIT_OK, id, err;

	cmd_args_init(&a, prog, argc - 1, argv + 1, opts);
	while ((id = cmd_next(&a, &val)) != -1) {
		switch (id) {
		case -2: return EXIT_USAGE;
		case O_HELP: fputs(help, stdout); return EXIT_OK;
		case O_DB: db = val; break;
		default:
			if (!sub)
				sub = val;
			else if (!label && strcmp(sub, "rm") == 0)
				label = val;
			else
				return cmd_usage_error(prog, "unexpected operand '%s'", val);
		}
	}
	if (!sub)
		return cmd_usage_error(prog, "missing subcommand (list or rm)");
	if (strcmp(sub, "list") && strcmp(sub, "rm"))
		return cmd_usage_error(prog, "unknown subcommand '%s' (list or rm)", sub);
	if (!strcmp(sub, "rm") && !label)
		return cmd_usage_error(prog, "rm: missing LABEL");
	if (!db)
		return cmd_usage_error(prog, "missing --db FILE");
	if (fo_diag_new(&diag, 100) < 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_IO;
	}
	if (!strcmp(sub, "rm")) {
		if ((err = fo_snapshot_remove(db, label, diag)) < 0) {
			status = failed(prog, diag, err);
			goto done;
		}
		fputs("removed ", stdout);
		fo_diag_fputs_escaped(label, stdout);
		fputs(" from ", stdout);
		fo_diag_fputs_escaped(db, stdout);
		putchar('\n');
		goto done;
	}
	if ((err = fo_snapshot_list(&v, &nv, db, diag)) < 0) {
		status = failed(prog, diag, err);
		goto done;
	}
	int w = 5;
	for (size_t i = 0; i < nv; i++)
		if ((int)strlen(v[i].label) > w)
			w = (int)strlen(v[i].label);
	cell("LABEL", w);
	printf("  %-20s  %8s  %-12s  %s\n", "IMPORTED", "NODES", "SHA256", "SOURCE");
	for (size_t i = 0; i < nv; i++) {
		cell(v[i].label, w);
		printf("  %-20s  %8llu  %-12.12s  ", v[i].imported_at, (unsigned long long)v[i].nodes,
		       v[i].sha256);
		fo_diag_fputs_escaped(v[i].source, stdout);
		putchar('\n');
	}
done:
	fo_snapshot_list_free(v, nv);
	fo_diag_free(diag);
	return status;
}
