/*
 * cmd_render.c — `fallout render INVENTORY [--fail ID]… [--destroy ID]…`:
 * draws the scenario with Graphviz (DOT on stdout by default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "../analyzer/fo_engine.h"
#include "../graphs/fo_error.h"
#include "../reports/fo_render.h"

static const char help[] =
	"Usage: fallout render INVENTORY [--fail ID]... [--destroy ID]... [options]\n"
	"Draws the dependency graph coloured by the scenario's impact: DOT on standard\n"
	"output by default; -o picks the format from the file's extension.\n\n"
	"  --fail ID          a node that fails (repeatable)\n"
	"  --destroy ID       a node destroyed with its contents (repeatable)\n"
	"  --scope SCOPE      impact (default with a failure): impacted nodes, their roots\n"
	"                     and the spares keeping partly hit groups alive;\n"
	"                     all (default without): everything;\n"
	"                     app:ID: everything the app ID depends on\n"
	"  --format FMT       dot, svg, png or pdf (default: from -o's extension, else dot)\n"
	"  --max-nodes N      refuse larger scopes (default 1500; dot is superlinear)\n"
	"  -o, --output FILE  write to FILE instead of standard output\n"
	"  -h, --help         this help\n\n"
	EXIT_STATUS_HELP;

enum { O_FAIL = 1, O_DESTROY, O_SCOPE, O_FORMAT, O_MAX, O_OUT, O_HELP };
static const cmd_opt opts[] = {
	{ "fail", 0, 1, O_FAIL },
	{ "destroy", 0, 1, O_DESTROY },
	{ "scope", 0, 1, O_SCOPE },
	{ "format", 0, 1, O_FORMAT },
	{ "max-nodes", 0, 1, O_MAX },
	{ "output", 'o', 1, O_OUT },
	{ "help", 'h', 0, O_HELP },
	{ NULL, 0, 0, 0 },
};

static const char *const formats[] = { "dot", "svg", "png", "pdf", NULL };

int cmd_render(int argc, char **argv)
{
	const char *prog = "fallout render", *path = NULL, *out_path = NULL, *val;
	const char *format = NULL, *scope = NULL;
	const char **fail = calloc((size_t)argc + 1, sizeof *fail);
	const char **destroy = calloc((size_t)argc + 1, sizeof *destroy);
	size_t nfail = 0, ndestroy = 0;
	unsigned long max_nodes = 0;
	int status = EXIT_OK, id, err;
	cmd_args a;
	cmd_session ss = { 0 };
	cmd_out out = { 0 };
	fo_render_opts ro;

	memset(&ro, 0, sizeof ro);
	if (!fail || !destroy) {
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
		case O_SCOPE: scope = val; break;
		case O_FORMAT: format = val; break;
		case O_OUT: out_path = val; break;
		case O_MAX:
			if ((status = cmd_count(prog, "--max-nodes", val, 1, &max_nodes)) != EXIT_OK)
				goto done;
			break;
		default:
			if ((status = cmd_operand(prog, &path, val)) != EXIT_OK)
				goto done;
		}
	}
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
	if ((status = cmd_session_run(&ss, prog, path, fail, nfail, destroy, ndestroy)) != EXIT_OK)
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
	ro.max_nodes = max_nodes;
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
	free(fail);
	free(destroy);
	return status;
}
