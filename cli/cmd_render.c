/*
 * cmd_render.c — `fallout render INVENTORY [--fail ID]… [--destroy ID]…`:
 * draws the scenario with Graphviz (DOT on stdout by default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>

#include "cmd.h"
#include "../analyzer/fo_engine.h"
#include "../graphs/fo_error.h"
#include "../reports/fo_render.h"

static const char help[] =
	"Usage: fallout render INVENTORY [--fail ID]... [--destroy ID]... [options]\n"
	"Draws the dependency graph coloured by the scenario's impact: DOT on standard\n"
	"output by default; -o picks the format from the file's extension. Up to 150\n"
	"nodes are drawn one by one; a larger drawing becomes the impact map, nodes\n"
	"grouped into boxes per container, kind and (apps) tenant and tier, at the\n"
	"finest level that fits in 150 boxes (docs/diagrams.md).\n\n"
	"  --fail ID          a node that fails (repeatable)\n"
	"  --destroy ID       a node destroyed with its contents (repeatable)\n"
	"  --scope SCOPE      impact (default with a failure): impacted nodes, their roots,\n"
	"                     the spares keeping partly hit groups alive and the owners\n"
	"                     of groups that held; all (default without): everything;\n"
	"                     app:ID: everything the app ID depends on;\n"
	"                     tenant:NAME: what the tenant's nodes depend on (after a\n"
	"                     failure, the impacted part of it)\n"
	"  --detail LEVEL     nodes: every node (up to --max-nodes); map: the impact map\n"
	"  --max-boxes N      the map's budget, and where nodes turn into a map (150)\n"
	"  --collapse KINDS   kinds (comma-separated, repeatable) always drawn as boxes\n"
	"  --expand ID        in the map, draw what is in container ID one by one\n"
	"                     (repeatable)\n"
	"  --depth N          only nodes at most N cause links from the failures\n"
	"  --paths            only the cause chains from the failures to impacted apps\n"
	"  --format FMT       dot, svg, png or pdf (default: from -o's extension, else dot)\n"
	"  --max-nodes N      refuse larger drawings of nodes (default 1500; dot is\n"
	"                     superlinear)\n"
	"  -o, --output FILE  write to FILE instead of standard output\n"
	"  -h, --help         this help\n\n"
	"PNG and PDF too large to stay legible are refused (status 2): use SVG.\n"
	EXIT_STATUS_HELP;

enum {
	O_FAIL = 1, O_DESTROY, O_SCOPE, O_FORMAT, O_MAX, O_OUT, O_HELP, O_DETAIL, O_BOXES,
	O_COLLAPSE, O_EXPAND, O_DEPTH, O_PATHS
};
static const cmd_opt opts[] = {
	{ "fail", 0, 1, O_FAIL },
	{ "destroy", 0, 1, O_DESTROY },
	{ "scope", 0, 1, O_SCOPE },
	{ "detail", 0, 1, O_DETAIL },
	{ "max-boxes", 0, 1, O_BOXES },
	{ "collapse", 0, 1, O_COLLAPSE },
	{ "expand", 0, 1, O_EXPAND },
	{ "depth", 0, 1, O_DEPTH },
	{ "paths", 0, 0, O_PATHS },
	{ "format", 0, 1, O_FORMAT },
	{ "max-nodes", 0, 1, O_MAX },
	{ "output", 'o', 1, O_OUT },
	{ "help", 'h', 0, O_HELP },
	{ NULL, 0, 0, 0 },
};

static const char *const formats[] = { "dot", "svg", "png", "pdf", NULL };
static const char *const details[] = { "nodes", "map", NULL };

/* Splits a --collapse value at commas into kinds[] (copies, NUL-ended
 * list kept by the caller); an empty word is a usage error. */
static int add_kinds(const char *prog, const char *val, char ***kinds, size_t *n)
{
	const char *p = val;
	for (;;) {
		size_t len = strcspn(p, ",");
		if (!len)
			return cmd_usage_error(prog, "--collapse needs kinds separated by commas, not '%s'",
					       val);
		char **k = realloc(*kinds, (*n + 2) * sizeof *k);
		if (!k)
			return EXIT_IO;
		*kinds = k;
		if (!(k[*n] = strndup(p, len)))
			return EXIT_IO;
		/* vendor aliases name the kind they stand for */
		fo_kind kk = fo_kind_parse(k[*n]);
		if (kk != FO_KIND_OTHER && strcmp(k[*n], fo_kind_name(kk))) {
			free(k[*n]);
			if (!(k[*n] = strdup(fo_kind_name(kk))))
				return EXIT_IO;
		}
		k[++*n] = NULL;
		if (!p[len])
			return EXIT_OK;
		p += len + 1;
	}
}

int cmd_render(int argc, char **argv)
{
	const char *prog = "fallout render", *path = NULL, *out_path = NULL, *val;
	const char *format = NULL, *scope = NULL, *detail = NULL;
	const char **fail = calloc((size_t)argc + 1, sizeof *fail);
	const char **destroy = calloc((size_t)argc + 1, sizeof *destroy);
	const char **expand = calloc((size_t)argc + 1, sizeof *expand);
	char **collapse = NULL;
	uint32_t *vexpand = NULL;
	size_t nfail = 0, ndestroy = 0, nexpand = 0, ncollapse = 0;
	unsigned long max_nodes = 0, max_boxes = 0, depth = 0;
	int has_depth = 0, paths = 0;
	int status = EXIT_OK, id, err;
	cmd_args a;
	cmd_session ss = { 0 };
	cmd_out out = { 0 };
	fo_render_opts ro;

	memset(&ro, 0, sizeof ro);
	if (!fail || !destroy || !expand) {
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
		case O_DETAIL: detail = val; break;
		case O_EXPAND: expand[nexpand++] = val; break;
		case O_PATHS: paths = 1; break;
		case O_COLLAPSE:
			if ((status = add_kinds(prog, val, &collapse, &ncollapse)) != EXIT_OK)
				goto done;
			break;
		case O_BOXES:
			if ((status = cmd_count(prog, "--max-boxes", val, 1, &max_boxes)) != EXIT_OK)
				goto done;
			break;
		case O_DEPTH:
			if ((status = cmd_count(prog, "--depth", val, 0, &depth)) != EXIT_OK)
				goto done;
			has_depth = 1;
			break;
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
		else if (!strncmp(scope, "tenant:", 7) && scope[7]) {
			ro.scope = FO_SCOPE_TENANT;
			ro.tenant = scope + 7;
		} else {
			status = cmd_usage_error(prog, "unknown scope '%s' (impact, all, app:ID or "
						 "tenant:NAME)", scope);
			goto done;
		}
	}
	if (detail) {
		int di;
		if ((status = cmd_choice(prog, "detail", detail, details, &di)) != EXIT_OK)
			goto done;
		ro.detail = di == 0 ? FO_DETAIL_NODES : FO_DETAIL_MAP;
	}
	if (nexpand && ro.detail == FO_DETAIL_NODES) {
		status = cmd_usage_error(prog, "--expand opens a box of the map; with --detail "
					 "nodes every node is drawn already");
		goto done;
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
	if (nexpand && (status = cmd_resolve_ids(ss.g, prog, "--expand", expand, nexpand,
						 &vexpand)) != EXIT_OK)
		goto done;
	ro.expand = vexpand;
	ro.nexpand = nexpand;
	ro.collapse = (const char *const *)collapse;
	ro.max_boxes = max_boxes;
	ro.limit_depth = has_depth;
	ro.depth = depth > UINT_MAX ? UINT_MAX : (unsigned)depth;
	ro.paths = paths;
	ro.cli = 1;
	ro.format = format;
	ro.max_nodes = max_nodes;
	if ((status = cmd_out_open(&out, prog, out_path)) != EXIT_OK)
		goto done;
	err = fo_render(out.fp, ss.e, &ro, ss.diag);
	if (err < 0) {
		fo_diag_print(ss.diag, stderr);
		if (err != FO_ELIMIT && err != FO_EIO && !(err == FO_EINVAL && fo_diag_count(ss.diag)))
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
	free(expand);
	free(vexpand);
	for (size_t i = 0; i < ncollapse; i++)
		free(collapse[i]);
	free(collapse);
	return status;
}
