/*
 * cmd_render.c — `fallout render INVENTORY [--fail ID]… [--destroy ID]…`:
 * draws the scenario with Graphviz (DOT on stdout by default), or writes
 * the whole graph with the impact as attributes in GraphML (--format
 * graphml), for yEd and Gephi to lay out.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "../analyzer/fo_engine.h"
#include "../graphs/fo_error.h"
#include "../reports/fo_graphml.h"
#include "../reports/fo_render.h"

typedef struct render_opts {
	cmd_inputs in;
	const char *output, *format, *scope;
	cmd_list fail, destroy, collapse, expand;
	unsigned long max_nodes, max_boxes, depth; /* depth: ULONG_MAX = not given */
	int detail; /* index in details[], -1 = not given */
	int paths;
} render_opts;

static const char *const details[] = { "nodes", "map", NULL };

#define OFF(f) offsetof(render_opts, f)
static const cmd_opt opts[] = {
	CMD_LIST("fail", 0, "ID", OFF(fail), "a node that fails (repeatable)"),
	CMD_LIST("destroy", 0, "ID", OFF(destroy), "a node destroyed with its contents (repeatable)"),
	CMD_STRING("scope", 0, "SCOPE", OFF(scope),
		   "impact (default with a failure): impacted nodes, their roots, the spares "
		   "keeping partly hit groups alive and the owners of groups that held;\n"
		   "all (default without): everything;\n"
		   "app:ID: everything the app ID depends on;\n"
		   "tenant:NAME: what the tenant's nodes depend on (after a failure, the "
		   "impacted part of it)"),
	CMD_CHOICE("detail", 0, "LEVEL", OFF(detail), details,
		   "nodes: every node (up to --max-nodes); map: the impact map (default: "
		   "nodes up to 150, the map above)"),
	CMD_COUNT("max-boxes", 0, "N", OFF(max_boxes), 1,
		  "the map's budget of boxes, and where nodes turn into a map (default 150)"),
	CMD_LIST("collapse", 0, "KINDS", OFF(collapse),
		 "kinds (comma-separated, repeatable) always drawn as boxes"),
	CMD_LIST("expand", 0, "ID", OFF(expand),
		 "in the map, draw what is in container ID one by one (repeatable)"),
	CMD_COUNT("depth", 0, "N", OFF(depth), 0,
		  "only nodes at most N cause links from the failures"),
	CMD_FLAG("paths", 0, OFF(paths),
		 "only the cause chains from the failures to the impacted apps"),
	CMD_STRING("format", 0, "FMT", OFF(format),
		   "dot, svg, png, pdf, or graphml: the whole graph with each node's state as "
		   "attributes, for yEd or Gephi (default: from -o's extension, else dot)"),
	CMD_COUNT("max-nodes", 0, "N", OFF(max_nodes), 1,
		  "refuse larger drawings of nodes (default 1500; dot is superlinear)"),
	CMD_STRING("output", 'o', "FILE", OFF(output), "write to FILE instead of standard output"),
	CMD_INPUT_OPTS(OFF(in)),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	return cmd_input_operand(prog, &((render_opts *)ctx)->in, val);
}

static const cmd_spec spec = {
	"fallout render",
	"Usage: fallout render INVENTORY... [--fail ID]... [--destroy ID]... [options]\n"
	"Draws the dependency graph coloured by the scenario's impact: DOT on standard\n"
	"output by default; -o picks the format from the file's extension. Up to 150\n"
	"nodes are drawn one by one; a larger drawing becomes the impact map, nodes\n"
	"grouped into boxes per container, kind and (apps) tenant and tier, at the\n"
	"finest level that fits in 150 boxes (docs/diagrams.md).\n",
	opts,
	CMD_INPUTS_NOTE "PNG and PDF too large to stay legible are refused (status 2): use SVG.\n",
	{ CMD_EXIT_OK, NULL, CMD_EXIT_USAGE, CMD_EXIT_INPUT, CMD_EXIT_IO },
	operand,
};

/* Splits the --collapse values at commas into a NULL-ended list of kind
 * words (*out malloc'd, each word too; freed by free_kinds); vendor aliases
 * become the kind they stand for. An empty word is a usage error. */
static int split_kinds(const char *prog, const cmd_list *l, char ***out)
{
	char **k = NULL;
	size_t n = 0;
	*out = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const char *p = l->v[i];
		for (;;) {
			size_t len = strcspn(p, ",");
			if (!len) {
				*out = k;
				return cmd_usage_error(prog, "--collapse needs kinds separated by commas, "
							     "not '%s'", l->v[i]);
			}
			char **nk = realloc(k, (n + 2) * sizeof *nk);
			if (!nk || !(nk[n] = strndup(p, len))) {
				*out = nk ? nk : k;
				if (nk)
					nk[n] = NULL;
				fprintf(stderr, "%s: out of memory\n", prog);
				return EXIT_IO;
			}
			k = nk;
			fo_kind kk = fo_kind_parse(k[n]);
			if (kk != FO_KIND_OTHER && strcmp(k[n], fo_kind_name(kk))) {
				char *canon = strdup(fo_kind_name(kk));
				if (!canon) {
					k[n + 1] = NULL;
					*out = k;
					fprintf(stderr, "%s: out of memory\n", prog);
					return EXIT_IO;
				}
				free(k[n]);
				k[n] = canon;
			}
			k[++n] = NULL;
			if (!p[len])
				break;
			p += len + 1;
		}
	}
	*out = k;
	return EXIT_OK;
}

static void free_kinds(char **k)
{
	for (size_t i = 0; k && k[i]; i++)
		free(k[i]);
	free(k);
}

static const char *const formats[] = { "dot", "svg", "png", "pdf", "graphml", NULL };

int cmd_render(int argc, char **argv)
{
	const char *prog = spec.prog;
	render_opts o = { 0 };
	char **collapse = NULL;
	uint32_t *vexpand = NULL;
	int status, err;
	cmd_session ss = { 0 };
	cmd_out out = { 0 };
	fo_render_opts ro;

	memset(&ro, 0, sizeof ro);
	o.detail = -1;
	o.depth = ULONG_MAX;
	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK) {
		if (status == CMD_DONE)
			status = EXIT_OK;
		goto done;
	}
	const char *out_path = o.output, *format = o.format, *scope = o.scope;
	if (!o.in.n) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	if (!format && out_path && strcmp(out_path, "-")) {
		size_t ol = strlen(out_path);
		format = ol > 8 && !strcmp(out_path + ol - 8, ".graphml") ? "graphml"
			 : fo_render_format_for_path(out_path);
		if (!format) {
			status = cmd_usage_error(prog, "cannot tell the format of '%s' from its extension; "
						 "use .dot, .gv, .svg, .png, .pdf or .graphml, or --format",
						 out_path);
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
	int graphml = !strcmp(format, "graphml");
	if (graphml && (scope || o.detail >= 0 || o.max_boxes || o.collapse.n || o.expand.n ||
			o.depth != ULONG_MAX || o.paths || o.max_nodes)) {
		status = cmd_usage_error(prog, "--format graphml writes the whole graph, with each "
					 "node's state: --scope, --detail, --max-boxes, --collapse, "
					 "--expand, --depth, --paths and --max-nodes shape drawings only");
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
	if (o.detail >= 0)
		ro.detail = o.detail == 0 ? FO_DETAIL_NODES : FO_DETAIL_MAP;
	if (o.expand.n && ro.detail == FO_DETAIL_NODES) {
		status = cmd_usage_error(prog, "--expand opens a box of the map; with --detail "
					 "nodes every node is drawn already");
		goto done;
	}
	if ((status = split_kinds(prog, &o.collapse, &collapse)) != EXIT_OK)
		goto done;
	if ((status = cmd_session_run(&ss, prog, &o.in, o.fail.v, o.fail.n, o.destroy.v, o.destroy.n)) != EXIT_OK)
		goto done;
	if (ro.scope == FO_SCOPE_APP) {
		const char *app = scope + 4;
		uint32_t *vapp = NULL;
		if ((status = cmd_resolve_ids(ss.g, prog, "--scope", &app, 1, &vapp)) != EXIT_OK)
			goto done;
		ro.app = vapp[0];
		free(vapp);
	}
	if (o.expand.n && (status = cmd_resolve_ids(ss.g, prog, "--expand", o.expand.v, o.expand.n,
						    &vexpand)) != EXIT_OK)
		goto done;
	ro.format = format;
	ro.max_nodes = o.max_nodes;
	ro.max_boxes = o.max_boxes;
	ro.collapse = (const char *const *)collapse;
	ro.expand = vexpand;
	ro.nexpand = o.expand.n;
	ro.limit_depth = o.depth != ULONG_MAX;
	ro.depth = o.depth > UINT_MAX ? UINT_MAX : (unsigned)o.depth;
	ro.paths = o.paths;
	ro.cli = 1;
	if ((status = cmd_out_open(&out, prog, out_path)) != EXIT_OK)
		goto done;
	err = graphml ? fo_graphml_write(out.fp, ss.g, ss.e) : fo_render(out.fp, ss.e, &ro, ss.diag);
	if (err < 0) {
		cmd_diag_print(prog, ss.diag, stderr);
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
	cmd_parse_dispose(&spec, &o);
	cmd_inputs_dispose(&o.in);
	free_kinds(collapse);
	free(vexpand);
	return status;
}
