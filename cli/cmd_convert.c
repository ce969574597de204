/*
 * cmd_convert.c — `fallout convert INVENTORY... [-o FILE]`: reads one or
 * several inputs in any format fallout reads, joins them into one graph
 * and writes it as an inventory XML v1 (importers/fo_invwrite.h), or as
 * GraphML with --to graphml (reports/fo_graphml.h), so that
 * an import can be reviewed, edited, diffed and versioned (docs/cli.md,
 * "convert").
 */
#include <stddef.h>
#include <stdio.h>

#include "cmd.h"
#include "../graphs/fo_error.h"
#include "../importers/fo_invwrite.h"
#include "../reports/fo_graphml.h"

typedef struct convert_opts {
	cmd_inputs in;
	const char *output;
	int to; /* index in targets */
} convert_opts;

static const char *const targets[] = { "inventory", "graphml", NULL };

static int opt_to(void *ctx, const char *prog, const char *val)
{
	return cmd_choice(prog, "--to format", val, targets, &((convert_opts *)ctx)->to);
}

#define OFF(f) offsetof(convert_opts, f)
static const cmd_opt opts[] = {
	CMD_CALL("to", 0, "FMT", opt_to, "inventory: fallout's inventory XML v1 (the default);\n"
		 "graphml: GraphML for yEd, Gephi, networkx (docs/importers/graphml.md)"),
	CMD_STRING("output", 'o', "FILE", OFF(output), "write to FILE instead of standard output"),
	CMD_INPUT_OPTS(OFF(in)),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	return cmd_input_operand(prog, &((convert_opts *)ctx)->in, val);
}

static const cmd_spec spec = {
	"fallout convert",
	"Usage: fallout convert INVENTORY... [--from FMT] [--map FILE] [--to FMT] [-o FILE]\n"
	"Reads INVENTORY (several are joined into one graph, as every command joins\n"
	"them) and writes the graph as a fallout inventory XML (format v1), for review,\n"
	"editing, diffs and version control: every node flat with in= for its\n"
	"container, its name, tenant, tier and properties, its groups and copies. The\n"
	"output depends on the graph alone: converting it again gives the same bytes,\n"
	"and every command answers the same on it as on INVENTORY. --to graphml writes\n"
	"GraphML instead, for yEd or Gephi (fallout reads it back).\n",
	opts,
	CMD_INPUTS_NOTE,
	{ "written", NULL, CMD_EXIT_USAGE, CMD_EXIT_INPUT, CMD_EXIT_IO },
	operand,
};

int cmd_convert(int argc, char **argv)
{
	const char *prog = spec.prog;
	convert_opts o = { 0 };
	fo_graph *g = NULL;
	cmd_out out = { 0 };
	int status, err;

	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK) {
		if (status == CMD_DONE)
			status = EXIT_OK;
		goto done;
	}
	if (!o.in.n) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	/* Nothing is opened for writing before the inputs are valid: an
	 * invalid import leaves -o FILE as it was. */
	if ((status = cmd_load_inputs(&g, NULL, prog, &o.in, 0, "written")) != EXIT_OK)
		goto done;
	if ((status = cmd_out_open(&out, prog, o.output)) != EXIT_OK)
		goto done;
	err = o.to == 1 ? fo_graphml_write(out.fp, g, NULL) : fo_invwrite(out.fp, g);
	if (err < 0 && err != FO_EIO)
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	status = cmd_out_close(&out, prog, err == FO_OK);
	if (status == EXIT_OK && err < 0)
		status = cmd_exit_for(err);
done:
	if (out.fp)
		cmd_out_close(&out, prog, 0);
	fo_graph_free(g);
	cmd_parse_dispose(&spec, &o);
	cmd_inputs_dispose(&o.in);
	return status;
}
