/*
 * cmd_export.c — `fallout export --to openpsa INVENTORY --app ID`: the
 * app's cone as an Open-PSA MEF fault tree (importers/fo_openpsa.h) that
 * SCRAM and other PSA tools read. `convert` writes whole graphs (inventory
 * XML, GraphML); `export` writes one analysis's tree, so it is its own
 * command (docs/cli.md, "export").
 */
#include <stddef.h>
#include <stdio.h>

#include "cmd.h"
#include "../graphs/fo_error.h"
#include "../importers/fo_openpsa.h"

typedef struct export_opts {
	cmd_inputs in;
	const char *output, *app;
	int to;    /* index in targets */
	int event; /* index in events */
} export_opts;

static const char *const targets[] = { "openpsa", NULL };
static const char *const events[] = { "down", "lost", NULL };

#define OFF(f) offsetof(export_opts, f)
static const cmd_opt opts[] = {
	CMD_CHOICE("to", 0, "FMT", OFF(to), targets, "openpsa: Open-PSA MEF (the default and, for "
		   "now, the only one)"),
	CMD_STRING("app", 0, "ID", OFF(app), "the app whose fault tree is written (required)"),
	CMD_CHOICE("event", 0, "EVENT", OFF(event), events, "down: the app is down (default); lost: "
		   "it needs lost data"),
	CMD_STRING("output", 'o', "FILE", OFF(output), "write to FILE instead of standard output"),
	CMD_INPUT_OPTS(OFF(in)),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	return cmd_input_operand(prog, &((export_opts *)ctx)->in, val);
}

static const cmd_spec spec = {
	"fallout export",
	"Usage: fallout export [--to openpsa] INVENTORY... --app ID [options]\n"
	"Writes the fault tree of an app (its dependency cone by the rules of whatif, as\n"
	"cutsets and availability analyse it) as an Open-PSA MEF document, with each\n"
	"node's probability when the inventory gives failure data. SCRAM and other PSA\n"
	"tools read it; fallout reads it back (cutsets --from openpsa).\n",
	opts,
	CMD_INPUTS_NOTE "MEF subset and naming: docs/openpsa.md.\n",
	{ "written", NULL, CMD_EXIT_USAGE, CMD_EXIT_INPUT, CMD_EXIT_IO },
	operand,
};

int cmd_export(int argc, char **argv)
{
	const char *prog = spec.prog;
	export_opts o = { 0 };
	fo_graph *g = NULL;
	fo_ft *ft = NULL;
	cmd_out out = { 0 };
	int status, err;
	uint32_t app;

	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK) {
		if (status == CMD_DONE)
			status = EXIT_OK;
		goto done;
	}
	if (!o.in.n) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	if (!o.app) {
		status = cmd_usage_error(prog, "missing --app ID: whose fault tree?");
		goto done;
	}
	/* Nothing is opened for writing before the tree exists: an invalid
	 * input leaves -o FILE as it was. */
	if ((status = cmd_load_inputs(&g, NULL, prog, &o.in, 0, "written")) != EXIT_OK ||
	    (status = cmd_risk_app(g, prog, o.app, &app)) != EXIT_OK ||
	    (status = cmd_risk_app_tree(&ft, prog, g, app, o.event == 1)) != EXIT_OK)
		goto done;
	if ((status = cmd_out_open(&out, prog, o.output)) != EXIT_OK)
		goto done;
	err = fo_openpsa_write(out.fp, ft);
	if (err < 0 && err != FO_EIO)
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	status = cmd_out_close(&out, prog, err == FO_OK);
	if (status == EXIT_OK && err < 0)
		status = cmd_exit_for(err);
done:
	if (out.fp)
		cmd_out_close(&out, prog, 0);
	fo_ft_free(ft);
	fo_graph_free(g);
	cmd_parse_dispose(&spec, &o);
	cmd_inputs_dispose(&o.in);
	return status;
}
