/*
 * cmd_whatif.c — `fallout whatif INVENTORY (--fail ID | --destroy ID)…`:
 * runs one scenario and prints the impact (text, JSON or CSV), or with
 * --why the cause chain of the named nodes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../analyzer/fo_engine.h"
#include "../graphs/fo_error.h"
#include "../reports/fo_report.h"

static const char help[] =
	"Usage: fallout whatif INVENTORY (--fail ID | --destroy ID)... [options]\n"
	"Computes what goes down, is lost, degraded or at risk when the given nodes fail\n"
	"(stop working) or are destroyed (with everything located in them).\n\n"
	"  --fail ID          a node that fails (repeatable)\n"
	"  --destroy ID       a node destroyed with its contents (repeatable)\n"
	"  --format FMT       text (default), json or csv\n"
	"  --all              text: list every impacted node, not only apps\n"
	"  --top N            text: the N tenants hit hardest, the others on one line\n"
	"                     (default 0: every tenant)\n"
	"  --why ID           print the chain from ID to its root cause instead of the\n"
	"                     impact list, with the arithmetic at each group (repeatable)\n"
	"  -o, --output FILE  write to FILE instead of standard output\n"
	"  -h, --help         this help\n\n"
	"INVENTORY may be - for standard input. JSON contract: docs/output-formats.md.\n\n"
	EXIT_STATUS_HELP;

enum { O_FAIL = 1, O_DESTROY, O_FORMAT, O_ALL, O_TOP, O_WHY, O_OUT, O_HELP };
static const cmd_opt opts[] = {
	{ "fail", 0, 1, O_FAIL },
	{ "destroy", 0, 1, O_DESTROY },
	{ "format", 0, 1, O_FORMAT },
	{ "all", 0, 0, O_ALL },
	{ "top", 0, 1, O_TOP },
	{ "why", 0, 1, O_WHY },
	{ "output", 'o', 1, O_OUT },
	{ "help", 'h', 0, O_HELP },
	{ NULL, 0, 0, 0 },
};

int cmd_whatif(int argc, char **argv)
{
	const char *prog = "fallout whatif", *path = NULL, *out_path = NULL, *val;
	const char **fail = calloc((size_t)argc + 1, sizeof *fail);
	const char **destroy = calloc((size_t)argc + 1, sizeof *destroy);
	const char **why = calloc((size_t)argc + 1, sizeof *why);
	size_t nfail = 0, ndestroy = 0, nwhy = 0;
	uint32_t *vwhy = NULL;
	fo_format fmt = FO_FORMAT_TEXT;
	fo_whatif_opts wo = { 0, 0 };
	unsigned long top = 0;
	int status = EXIT_OK, id, err, fmt_given = 0;
	cmd_args a;
	cmd_session ss = { 0 };
	cmd_out out = { 0 };

	if (!fail || !destroy || !why) {
		status = EXIT_IO;
		goto done;
	}
	cmd_args_init(&a, prog, argc - 1, argv + 1, opts);
	while ((id = cmd_next(&a, &val)) != -1) {
		switch (id) {
		case -2: status = EXIT_USAGE; goto done;
		case O_HELP: fputs(help, stdout); goto done;
		case O_FAIL: fail[nfail++] = val; break;
		case O_DESTROY: destroy[ndestroy++] = val; break;
		case O_WHY: why[nwhy++] = val; break;
		case O_ALL: wo.all = 1; break;
		case O_TOP:
			if ((status = cmd_count(prog, "--top", val, 0, &top)) != EXIT_OK)
				goto done;
			wo.top = top;
			break;
		case O_OUT: out_path = val; break;
		case O_FORMAT: {
			static const char *const words[] = { "text", "json", "csv", NULL };
			static const fo_format values[] = { FO_FORMAT_TEXT, FO_FORMAT_JSON, FO_FORMAT_CSV };
			int i;
			fmt_given = 1;
			if ((status = cmd_choice(prog, "format", val, words, &i)) != EXIT_OK)
				goto done;
			fmt = values[i];
			break;
		}
		default:
			if ((status = cmd_operand(prog, &path, val)) != EXIT_OK)
				goto done;
		}
	}
	if (!path) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	if (!nfail && !ndestroy) {
		status = cmd_usage_error(prog, "nothing fails: give --fail ID or --destroy ID");
		goto done;
	}
	if (nwhy && fmt_given && fmt != FO_FORMAT_TEXT) {
		status = cmd_usage_error(prog, "--why prints text; it cannot be combined with --format %s",
					 fmt == FO_FORMAT_JSON ? "json" : "csv");
		goto done;
	}
	if ((status = cmd_session_run(&ss, prog, path, fail, nfail, destroy, ndestroy)) != EXIT_OK ||
	    (status = cmd_resolve_ids(ss.g, prog, "--why", why, nwhy, &vwhy)) != EXIT_OK)
		goto done;
	if ((status = cmd_out_open(&out, prog, out_path)) != EXIT_OK)
		goto done;
	err = FO_OK;
	if (nwhy) {
		for (size_t i = 0; i < nwhy && err == FO_OK; i++)
			err = fo_report_why(out.fp, ss.e, vwhy[i]);
	} else {
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
	free(fail);
	free(destroy);
	free(why);
	return status;
}
