/*
 * cmd_render.c — `fallout render INVENTORY [--fail ID]… [--destroy ID]…`:
 * draws the scenario with Graphviz (DOT on stdout by default).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "../analyzer/fo_engine.h"
#include "../graphs/fo_error.h"
#include "../reports/fo_render.h"

typedef struct render_opts {
	const char *path, *output, *format, *scope;
	cmd_list fail, destroy;
	unsigned long max_nodes;
} render_opts;

#define OFF(f) offsetof(render_opts, f)
static const cmd_opt opts[] = {
	CMD_LIST("fail", 0, "ID", OFF(fail), "a node that fails (repeatable)"),
	CMD_LIST("destroy", 0, "ID", OFF(destroy), "a node destroyed with its contents (repeatable)"),
	CMD_STRING("scope", 0, "SCOPE", OFF(scope),
		   "impact (default with a failure): impacted nodes, their roots and the spares "
		   "keeping partly hit groups alive;\nall (default without): everything;\n"
		   "app:ID: everything the app ID depends on"),
	CMD_STRING("format", 0, "FMT", OFF(format),
		   "dot, svg, png or pdf (default: from -o's extension, else dot)"),
	CMD_COUNT("max-nodes", 0, "N", OFF(max_nodes), 1,
		  "refuse larger scopes (default 1500; dot is superlinear)"),
	CMD_STRING("output", 'o', "FILE", OFF(output), "write to FILE instead of standard output"),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	return cmd_operand(prog, &((render_opts *)ctx)->path, val);
}

static const cmd_spec spec = {
	"fallout render",
	"Usage: fallout render INVENTORY [--fail ID]... [--destroy ID]... [options]\n"
	"Draws the dependency graph coloured by the scenario's impact: DOT on standard\n"
	"output by default; -o picks the format from the file's extension.\n",
	opts,
	NULL,
	{ CMD_EXIT_OK, NULL, CMD_EXIT_USAGE, CMD_EXIT_INPUT, CMD_EXIT_IO },
	operand,
};

static const char *const formats[] = { "dot", "svg", "png", "pdf", NULL };

int cmd_render(int argc, char **argv)
{
	const char *prog = spec.prog;
	render_opts o = { 0 };
	int status, err;
	cmd_session ss = { 0 };
	cmd_out out = { 0 };
	fo_render_opts ro;

	memset(&ro, 0, sizeof ro);
	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK) {
		if (status == CMD_DONE)
			status = EXIT_OK;
		goto done;
	}
	const char *path = o.path, *out_path = o.output, *format = o.format, *scope = o.scope;
	if (!path) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	if (!format && out_path && strcmp(out_path, "-")) {
		format = fo_render_format_for_path(out_path);
		if (!format) {
			status = cmd_usage_error(prog, "cannot tell the format of '%s' from its extension; "
						 "use .dot, .gv, .svg, .png or .pdf, or --format", out_path);
			goto done;
		}
	}
	if (!format)
		format = "dot";
	int fi;
	if ((status = cmd_choice(prog, "format", format, formats, &fi)) != EXIT_OK)
		goto done;
	if ((!out_path || !strcmp(out_path, "-")) && (!strcmp(format, "png") || !strcmp(format, "pdf")) &&
	    isatty(STDOUT_FILENO)) {
		status = cmd_usage_error(prog, "not writing %s to a terminal; use -o FILE or a pipe", format);
		goto done;
	}
	ro.scope = FO_SCOPE_AUTO;
	if (scope) {
		if (!strcmp(scope, "impact"))
			ro.scope = FO_SCOPE_IMPACT;
		else if (!strcmp(scope, "all"))
			ro.scope = FO_SCOPE_ALL;
		else if (!strncmp(scope, "app:", 4) && scope[4])
			ro.scope = FO_SCOPE_APP;
		else {
			status = cmd_usage_error(prog, "unknown scope '%s' (impact, all or app:ID)", scope);
			goto done;
		}
	}
	if ((status = cmd_session_run(&ss, prog, path, o.fail.v, o.fail.n, o.destroy.v, o.destroy.n)) != EXIT_OK)
		goto done;
	if (ro.scope == FO_SCOPE_APP) {
		const char *app = scope + 4;
		uint32_t *vapp = NULL;
		if ((status = cmd_resolve_ids(ss.g, prog, "--scope", &app, 1, &vapp)) != EXIT_OK)
			goto done;
		ro.app = vapp[0];
		free(vapp);
	}
	ro.format = format;
	ro.max_nodes = o.max_nodes;
	if ((status = cmd_out_open(&out, prog, out_path)) != EXIT_OK)
		goto done;
	err = fo_render(out.fp, ss.e, &ro, ss.diag);
	if (err < 0) {
		fo_diag_print(ss.diag, stderr);
		if (err != FO_ELIMIT && err != FO_EIO)
			fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	}
	status = cmd_out_close(&out, prog, err == FO_OK);
	if (status == EXIT_OK && err < 0)
		status = cmd_exit_for(err);
done:
	if (out.fp)
		cmd_out_close(&out, prog, 0);
	cmd_session_dispose(&ss);
	cmd_parse_dispose(&spec, &o);
	return status;
}
