/*
 * cmd_check.c — `fallout check INVENTORY`: schema and semantic validation,
 * then design warnings, then a one-line summary. Diagnostics go to stdout
 * (they are this command's output); the status says whether it is valid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../analyzer/fo_check.h"
#include "../graphs/fo_error.h"
#include "../importers/fo_inventory.h"

static const char help[] =
	"Usage: fallout check INVENTORY [--max-errors N] [--print-schema]\n"
	"Validates INVENTORY against the XSD and the rules of docs/inventory-format.md,\n"
	"printing every problem as FILE:LINE:COL: error|warning: message, then a summary.\n"
	"Warnings: dependency cycles (cannot cold-start), nodes nothing depends on that\n"
	"are not apps, groups whose members all sit in one container.\n\n"
	"  --max-errors N   print at most N diagnostics (default 100; 0 = all)\n"
	"  --print-schema   print the embedded XSD and exit\n"
	"  -h, --help       this help\n\n"
	"Exit status: 0 valid (warnings allowed); 2 usage error; 3 invalid input;\n"
	"4 I/O or system error.\n";

enum { O_MAX = 1, O_SCHEMA, O_HELP };
static const cmd_opt opts[] = {
	{ "max-errors", 0, 1, O_MAX },
	{ "print-schema", 0, 0, O_SCHEMA },
	{ "help", 'h', 0, O_HELP },
	{ NULL, 0, 0, 0 },
};

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

int cmd_check(int argc, char **argv)
{
	const char *prog = "fallout check", *path = NULL, *val;
	unsigned long cap = 100;
	cmd_args a;
	fo_diag *diag = NULL;
	fo_graph *g = NULL;
	fo_inventory_input *in = NULL;
	fo_check_stats st;
	int status = EXIT_OK, id, err;

	cmd_args_init(&a, prog, argc - 1, argv + 1, opts);
	while ((id = cmd_next(&a, &val)) != -1) {
		switch (id) {
		case -2: return EXIT_USAGE;
		case O_HELP: fputs(help, stdout); return EXIT_OK;
		case O_SCHEMA: fputs(fo_inventory_schema(), stdout); return EXIT_OK;
		case O_MAX:
			if ((status = cmd_count(prog, "--max-errors", val, 0, &cap)) != EXIT_OK)
				return status;
			break;
		default:
			if ((status = cmd_operand(prog, &path, val)) != EXIT_OK)
				return status;
		}
	}
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
