/*
 * cmd_check.c — `fallout check INVENTORY`: schema and semantic validation,
 * then design warnings, then a one-line summary. Diagnostics go to stdout
 * (they are this command's output); the status says whether it is valid.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../analyzer/fo_check.h"
#include "../graphs/fo_error.h"
#include "../importers/fo_inventory.h"

typedef struct check_opts {
	const char *path;
	unsigned long max_errors;
	int print_schema;
} check_opts;

#define OFF(f) offsetof(check_opts, f)
static const cmd_opt opts[] = {
	CMD_COUNT("max-errors", 0, "N", OFF(max_errors), 0,
		  "print at most N diagnostics (default 100; 0 = all)"),
	CMD_FLAG("print-schema", 0, OFF(print_schema), "print the embedded XSD and exit"),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	return cmd_operand(prog, &((check_opts *)ctx)->path, val);
}

static const cmd_spec spec = {
	"fallout check",
	"Usage: fallout check INVENTORY [--max-errors N] [--print-schema]\n"
	"Validates INVENTORY against the XSD and the rules of docs/inventory-format.md,\n"
	"printing every problem as FILE:LINE:COL: error|warning: message, then a summary.\n"
	"Warnings: dependency cycles (cannot cold-start), nodes nothing depends on that\n"
	"are not apps, groups whose members all sit in one container.\n",
	opts,
	NULL,
	{ "valid (warnings allowed)", NULL, "usage error", CMD_EXIT_INPUT, CMD_EXIT_IO },
	operand,
};

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

int cmd_check(int argc, char **argv)
{
	const char *prog = spec.prog, *path;
	check_opts o = { .max_errors = 100 };
	fo_diag *diag = NULL;
	fo_graph *g = NULL;
	fo_inventory_input *in = NULL;
	fo_check_stats st;
	int status = EXIT_OK, err;

	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK)
		return status == CMD_DONE ? EXIT_OK : status;
	if (o.print_schema) {
		fputs(fo_inventory_schema(), stdout);
		return EXIT_OK;
	}
	path = o.path;
	unsigned long cap = o.max_errors;
	if (!path)
		return cmd_usage_error(prog, "missing INVENTORY");
	if (fo_diag_new(&diag, cap) < 0) {
		status = EXIT_IO;
		goto done;
	}
	const char *shown = strcmp(path, "-") ? path : "<stdin>";
	if (strcmp(path, "-") && cmd_is_snapshot(path)) {
		/* A snapshot was valid when imported: load it, then warn. Its
		 * lines are those of the source file; columns are not kept. */
		if ((status = cmd_load(&g, prog, path, 0, diag)) != EXIT_OK)
			goto done;
		shown = fo_graph_file(g);
	} else {
		/* Read once; the input is kept (a copy, for a pipe or a FIFO)
		 * to locate the warnings below: the path is not opened again. */
		fo_inventory_opts iopts = { 1, shown };
		err = fo_inventory_read(&g, &in, path, &iopts, diag);
		if (err < 0) {
			fo_diag_print(diag, stdout);
			if (err == FO_EINPUT)
				printf("%s: invalid: %zu %s, %zu %s\n", shown, fo_diag_errors(diag),
				       plural(fo_diag_errors(diag), "error", "errors"), fo_diag_warnings(diag),
				       plural(fo_diag_warnings(diag), "warning", "warnings"));
			else if (err != FO_EIO)
				fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
			status = cmd_exit_for(err);
			goto done;
		}
	}
	if ((err = fo_check_warnings(g, diag, &st)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
		status = cmd_exit_for(err);
		goto done;
	}
	if (in)
		fo_inventory_input_locate(in, diag);
	fo_diag_print(diag, stdout);
	printf("%s: ok: %zu %s, %zu %s, %zu redundancy %s, %zu %s, %zu %s; %zu %s\n", shown,
	       st.nodes, plural(st.nodes, "node", "nodes"), st.dependencies,
	       plural(st.dependencies, "dependency", "dependencies"), st.groups,
	       plural(st.groups, "group", "groups"), st.apps, plural(st.apps, "app", "apps"),
	       st.tenants, plural(st.tenants, "tenant", "tenants"), fo_diag_warnings(diag),
	       plural(fo_diag_warnings(diag), "warning", "warnings"));

done:
	fo_inventory_input_free(in);
	fo_graph_free(g);
	fo_diag_free(diag);
	return status;
}
