/*
 * cmd_cutsets.c — `fallout cutsets INVENTORY --app ID`: the minimal sets of
 * nodes whose joint failure takes the app down (or, with --event lost,
 * loses data it needs), counted exactly and listed up to --max-order and
 * --top; or the minimal cut sets of an Open-PSA MEF tree's top
 * (docs/risk.md, "Commands"; formats in docs/output-formats.md).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "../graphs/fo_error.h"
#include "../reports/fo_riskreport.h"
#include "../risk/fo_risk.h"

typedef struct cutsets_opts {
	cmd_inputs in;
	const char *output, *app;
	unsigned long max_order, top;
	int event;  /* index in events */
	int sort;   /* index in sorts */
	int format; /* index in formats */
	int event_given;
} cutsets_opts;

static const char *const formats[] = { "text", "json", "csv", NULL };
static const char *const events[] = { "down", "lost", NULL };
static const char *const sorts[] = { "order", "prob", NULL };

static int opt_event(void *ctx, const char *prog, const char *val)
{
	cutsets_opts *o = ctx;
	o->event_given = 1;
	return cmd_choice(prog, "--event", val, events, &o->event);
}

#define OFF(f) offsetof(cutsets_opts, f)
static const cmd_opt opts[] = {
	CMD_STRING("app", 0, "ID", OFF(app), "the app whose failure sets are computed (required for an "
		   "inventory)"),
	CMD_CALL("event", 0, "EVENT", opt_event, "down: sets of failed nodes that take the app down "
		 "(default); lost: sets of destroyed nodes that lose data it needs"),
	CMD_COUNT("max-order", 0, "K", OFF(max_order), 0, "only the sets of at most K nodes (exact, "
		  "and what makes large cones tractable; default 0: all)"),
	CMD_COUNT("top", 0, "N", OFF(top), 0, "list the first N sets (default 20; 0: all); the counts "
		  "are always of every set"),
	CMD_CHOICE("sort", 0, "ORDER", OFF(sort), sorts, "order: fewest nodes first (default); prob: "
		   "most probable first (needs failure data)"),
	CMD_CHOICE("format", 0, "FMT", OFF(format), formats, "text (default), json or csv"),
	CMD_STRING("output", 'o', "FILE", OFF(output), "write to FILE instead of standard output"),
	CMD_RISK_INPUT_OPTS(OFF(in)),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	return cmd_input_operand(prog, &((cutsets_opts *)ctx)->in, val);
}

static const cmd_spec spec = {
	"fallout cutsets",
	"Usage: fallout cutsets INVENTORY... --app ID [options]\n"
	"       fallout cutsets [--from openpsa] TREE.xml [options]\n"
	"Minimal failure sets: the sets of nodes whose joint failure takes the app down\n"
	"(no node of a set can be left out), by the rules of whatif. The count of all\n"
	"sets and the count per order are exact however many there are; the listing\n"
	"is bounded by --max-order and --top. For an Open-PSA fault tree, the minimal\n"
	"cut sets of its top.\n",
	opts,
	CMD_RISK_INPUTS_NOTE "Formats: docs/output-formats.md; meaning: docs/risk.md.\n",
	{ CMD_EXIT_OK, NULL, CMD_EXIT_USAGE, CMD_EXIT_INPUT, CMD_EXIT_IO },
	operand,
};

int cmd_cutsets(int argc, char **argv)
{
	const char *prog = spec.prog;
	cutsets_opts o = { .top = 20 };
	static const fo_riskreport_format values[] = { FO_RISKREPORT_TEXT, FO_RISKREPORT_JSON,
						       FO_RISKREPORT_CSV };
	int status = EXIT_OK, err = FO_OK, mef;
	fo_graph *g = NULL;
	fo_ft *ft = NULL;
	fo_risk *r = NULL;
	fo_cutsets *cs = NULL;
	fo_diag *d = NULL;
	cmd_out out = { 0 };

	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK) {
		if (status == CMD_DONE)
			status = EXIT_OK;
		goto done;
	}
	if (!o.in.n) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	if (o.max_order > UINT32_MAX) {
		status = cmd_usage_error(prog, "--max-order %lu is too large", o.max_order);
		goto done;
	}
	mef = cmd_risk_is_openpsa(&o.in);
	if (mef && (o.app || o.event_given)) {
		status = cmd_usage_error(prog, "%s does not apply to an Open-PSA fault tree (its top is "
					 "analysed)", o.app ? "--app" : "--event");
		goto done;
	}
	if (!mef && !o.app) {
		status = cmd_usage_error(prog, "missing --app ID: whose failure sets?");
		goto done;
	}
	if (mef) {
		if ((status = cmd_risk_load_openpsa(&ft, prog, &o.in)) != EXIT_OK)
			goto done;
	} else {
		uint32_t app;
		if ((status = cmd_load(&g, prog, &o.in, 0)) != EXIT_OK ||
		    (status = cmd_risk_app(g, prog, o.app, &app)) != EXIT_OK ||
		    (status = cmd_risk_app_tree(&ft, prog, g, app, o.event == 1)) != EXIT_OK)
			goto done;
	}
	if (o.sort == FO_CUTSETS_BY_PROB && (status = cmd_risk_need_p(prog, ft, !mef)) != EXIT_OK) {
		fprintf(stderr, "%s: --sort prob needs the probability of every node\n", prog);
		goto done;
	}
	fo_risk_opts ro = { 0, (uint32_t)o.max_order };
	if ((err = fo_diag_new(&d, 100)) < 0 || (err = fo_risk_new(&r, ft, &ro, d)) < 0 ||
	    (err = fo_risk_cutsets(r, &cs)) < 0)
		goto fail;
	if ((status = cmd_out_open(&out, prog, o.output)) != EXIT_OK)
		goto done;
	fo_riskreport_src src = { NULL, mef ? NULL : events[o.event], g };
	src.input = mef ? (strcmp(o.in.paths[0], "-") ? o.in.paths[0] : "<stdin>") : (fo_graph_file(g) ? fo_graph_file(g) : fo_graph_name(g));
	err = fo_riskreport_cutsets(out.fp, &src, ft, cs, (uint32_t)o.max_order,
				    o.sort ? FO_CUTSETS_BY_PROB : FO_CUTSETS_BY_ORDER, (size_t)o.top,
				    values[o.format]);
	status = cmd_out_close(&out, prog, err == FO_OK);
fail:
	if (err < 0) {
		if (d && fo_diag_count(d))
			cmd_diag_print(prog, d, stderr);
		else if (err != FO_EIO)
			fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
		if (status == EXIT_OK)
			status = cmd_exit_for(err);
	}
done:
	if (out.fp)
		cmd_out_close(&out, prog, 0);
	fo_cutsets_free(cs);
	fo_risk_free(r);
	fo_diag_free(d);
	fo_ft_free(ft);
	fo_graph_free(g);
	cmd_parse_dispose(&spec, &o);
	cmd_inputs_dispose(&o.in);
	return status;
}
