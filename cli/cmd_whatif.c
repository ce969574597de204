/*
 * cmd_whatif.c — `fallout whatif INVENTORY (--fail ID | --destroy ID)…`:
 * runs one scenario and prints the impact (text, JSON or CSV), or with
 * --why the cause chain of the named nodes.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../analyzer/fo_engine.h"
#include "../graphs/fo_error.h"
#include "../reports/fo_report.h"

typedef struct whatif_opts {
	cmd_inputs in;
	const char *output;
	cmd_list fail, destroy, why;
	int format; /* index in formats; -1 = not given */
	int all;
	unsigned long top;
} whatif_opts;

static const char *const formats[] = { "text", "json", "csv", NULL };

#define OFF(f) offsetof(whatif_opts, f)
static const cmd_opt opts[] = {
	CMD_LIST("fail", 0, "ID", OFF(fail), "a node that fails (repeatable)"),
	CMD_LIST("destroy", 0, "ID", OFF(destroy), "a node destroyed with its contents (repeatable)"),
	CMD_CHOICE("format", 0, "FMT", OFF(format), formats, "text (default), json or csv"),
	CMD_FLAG("all", 0, OFF(all), "text: list every impacted node, not only apps"),
	CMD_COUNT("top", 0, "N", OFF(top), 0, "text: the N tenants hit hardest and the N worst apps of "
		  "each, the rest summed up on one line (default 0: everything)"),
	CMD_LIST("why", 0, "ID", OFF(why), "print the chain from ID to its root cause instead of the "
		 "impact list, with the arithmetic at each group (repeatable)"),
	CMD_STRING("output", 'o', "FILE", OFF(output), "write to FILE instead of standard output"),
	CMD_INPUT_OPTS(OFF(in)),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	return cmd_input_operand(prog, &((whatif_opts *)ctx)->in, val);
}

static const cmd_spec spec = {
	"fallout whatif",
	"Usage: fallout whatif INVENTORY... (--fail ID | --destroy ID)... [options]\n"
	"Computes what goes down, is lost, degraded or at risk when the given nodes fail\n"
	"(stop working) or are destroyed (with everything located in them).\n",
	opts,
	CMD_INPUTS_NOTE "JSON contract: docs/output-formats.md.\n",
	{ CMD_EXIT_OK, NULL, CMD_EXIT_USAGE, CMD_EXIT_INPUT, CMD_EXIT_IO },
	operand,
};

int cmd_whatif(int argc, char **argv)
{
	const char *prog = spec.prog;
	whatif_opts o = { .format = -1 };
	uint32_t *vwhy = NULL;
	static const fo_format values[] = { FO_FORMAT_TEXT, FO_FORMAT_JSON, FO_FORMAT_CSV };
	fo_format fmt;
	int status, err;
	cmd_session ss = { 0 };
	cmd_out out = { 0 };

	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK) {
		if (status == CMD_DONE)
			status = EXIT_OK;
		goto done;
	}
	const char *const *fail = o.fail.v, *const *destroy = o.destroy.v, *const *why = o.why.v;
	size_t nfail = o.fail.n, ndestroy = o.destroy.n, nwhy = o.why.n;
	fmt = o.format < 0 ? FO_FORMAT_TEXT : values[o.format];
	if (!o.in.n) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	if (!nfail && !ndestroy) {
		status = cmd_usage_error(prog, "nothing fails: give --fail ID or --destroy ID");
		goto done;
	}
	if (nwhy && o.format > 0) {
		status = cmd_usage_error(prog, "--why prints text; it cannot be combined with --format %s",
					 fmt == FO_FORMAT_JSON ? "json" : "csv");
		goto done;
	}
	if ((status = cmd_session_run(&ss, prog, &o.in, fail, nfail, destroy, ndestroy)) != EXIT_OK ||
	    (status = cmd_resolve_ids(ss.g, prog, "--why", why, nwhy, &vwhy)) != EXIT_OK)
		goto done;
	if ((status = cmd_out_open(&out, prog, o.output)) != EXIT_OK)
		goto done;
	err = FO_OK;
	if (nwhy) {
		for (size_t i = 0; i < nwhy && err == FO_OK; i++)
			err = fo_report_why(out.fp, ss.e, vwhy[i]);
	} else {
		fo_whatif_opts wo = { o.all, (size_t)o.top };
		err = fo_report_whatif_with(out.fp, ss.e, &ss.sc, fmt, &wo);
	}
	if (err < 0 && err != FO_EIO)
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	status = cmd_out_close(&out, prog, err == FO_OK);
	if (status == EXIT_OK && err < 0)
		status = cmd_exit_for(err);
done:
	if (out.fp)
		cmd_out_close(&out, prog, 0);
	cmd_session_dispose(&ss);
	free(vwhy);
	cmd_parse_dispose(&spec, &o);
	cmd_inputs_dispose(&o.in);
	return status;
}
