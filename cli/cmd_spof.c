/*
 * cmd_spof.c — `fallout spof INVENTORY`: per app its single points of
 * failure and of data loss, the blast-radius ranking of nodes and the
 * redundancy groups that share one fate (text, JSON or CSV; docs/spof.md).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "../analyzer/fo_spof.h"
#include "../graphs/fo_error.h"
#include "../graphs/fo_suggest.h"
#include "../reports/fo_spofreport.h"

typedef struct spof_opts {
	cmd_inputs in;
	const char *output, *app, *kind;
	unsigned long top, pair_apps;
	int format; /* index in formats */
} spof_opts;

static const char *const formats[] = { "text", "json", "csv", NULL };

#define OFF(f) offsetof(spof_opts, f)
static const cmd_opt opts[] = {
	CMD_STRING("app", 0, "ID", OFF(app), "only this app (its SPOFs, and the ranking of its SPOFs)"),
	CMD_STRING("kind", 0, "KIND", OFF(kind), "rank only nodes of this kind (vm, cooling, site, ...; "
		   "aliases such as cvm or ec2 count as vm); a word that is neither documented nor "
		   "in INVENTORY is a usage error"),
	CMD_COUNT("top", 0, "N", OFF(top), 0, "ranking rows (default 20; 0 = every node)"),
	CMD_COUNT("pair-apps", 0, "N", OFF(pair_apps), 0, "the pairs (two nodes that take an app down "
		  "together) of the first N tier-1 apps (default 10; 0: every one; each costs a "
		  "decision diagram)"),
	CMD_CHOICE("format", 0, "FMT", OFF(format), formats, "text (default), json or csv (docs/spof.md)"),
	CMD_STRING("output", 'o', "FILE", OFF(output), "write to FILE instead of standard output"),
	CMD_INPUT_OPTS(OFF(in)),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	return cmd_input_operand(prog, &((spof_opts *)ctx)->in, val);
}

static const cmd_spec spec = {
	"fallout spof",
	"Usage: fallout spof INVENTORY... [options]\n"
	"Single points of failure: for each app, the nodes whose failure alone takes it\n"
	"down and the nodes whose destruction alone loses data it cannot run without;\n"
	"a ranking of nodes by blast radius (apps down weighted by tier: tier 1 = 4,\n"
	"tier 2 = 2, other = 1); redundancy groups whose members share one fate.\n",
	opts,
	CMD_INPUTS_NOTE,
	{ CMD_EXIT_OK, NULL, CMD_EXIT_USAGE, CMD_EXIT_INPUT, CMD_EXIT_IO },
	operand,
};

static const char *kind_word_at(void *ctx, uint32_t i, size_t *len)
{
	const char *w = fo_graph_node_kind_word(ctx, i);
	*len = strlen(w);
	return w;
}

/* --kind takes a documented kind or alias (docs/inventory-format.md, which
 * may have no node here: an empty ranking), or a kind word of the
 * inventory's own. Anything else is a typo, not an empty table: a usage
 * error with the nearest documented kind, else the nearest of the
 * inventory's kinds. O(nodes). */
static int check_kind(const fo_graph *g, const char *prog, const char *kind)
{
	uint32_t n = fo_graph_node_count(g);
	char sb[FO_DIAG_SHORT_BUF];
	if (fo_kind_parse(kind) != FO_KIND_OTHER)
		return EXIT_OK;
	for (uint32_t v = 0; v < n; v++)
		if (strcmp(fo_graph_node_kind_word(g, v), kind) == 0)
			return EXIT_OK;
	const char *near = fo_suggest_kind(kind);
	if (!near) {
		uint32_t i = fo_suggest_best(kind, kind_word_at, (void *)g, n);
		near = i == FO_NONE ? NULL : fo_graph_node_kind_word(g, i);
	}
	fprintf(stderr, "%s: unknown kind '", prog);
	fo_diag_fputs_escaped(fo_diag_shorten(kind, sb), stderr);
	fputs("' in --kind: not a documented kind and no node of ", stderr);
	fo_diag_fputs_escaped(fo_graph_file(g) ? fo_graph_file(g) : "the inventory", stderr);
	fputs(" has it", stderr);
	if (near) {
		fputs("; did you mean '", stderr);
		fo_diag_fputs_escaped(fo_diag_shorten(near, sb), stderr);
		fputs("'?", stderr);
	}
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int cmd_spof(int argc, char **argv)
{
	const char *prog = spec.prog;
	spof_opts o = { .top = 20, .pair_apps = FO_SPOFREPORT_PAIR_APPS };
	static const fo_spofreport_format values[] = { FO_SPOFREPORT_TEXT, FO_SPOFREPORT_JSON,
						       FO_SPOFREPORT_CSV };
	int status = EXIT_OK, err = FO_OK;
	fo_graph *g = NULL;
	fo_spof *s = NULL;
	cmd_out out = { 0 };
	fo_spofreport w = { 0 };

	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK) {
		if (status == CMD_DONE)
			status = EXIT_OK;
		goto done;
	}
	const char *out_path = o.output, *app_id = o.app, *kind = o.kind;
	unsigned long top = o.top;
	fo_spofreport_format fmt = values[o.format];
	if (!o.in.n) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	if ((status = cmd_load(&g, prog, &o.in, 0)) != EXIT_OK)
		goto done;
	uint32_t app = FO_NONE;
	if (app_id) {
		if (fo_graph_lookup(g, app_id, &app) != FO_OK) {
			cmd_unknown_id(g, prog, "--app", app_id);
			status = EXIT_USAGE;
			goto done;
		}
		if (fo_graph_node_kind(g, app) != FO_KIND_APP) {
			fprintf(stderr, "%s: '", prog);
			fo_diag_fputs_escaped(app_id, stderr);
			fprintf(stderr, "' is a %s, not an app (--app)\n", fo_graph_node_kind_word(g, app));
			status = EXIT_USAGE;
			goto done;
		}
	}
	if (kind && (status = check_kind(g, prog, kind)) != EXIT_OK)
		goto done;
	if ((err = fo_spof_compute(&s, g)) < 0)
		goto fail;
	if ((err = fo_spofreport_select(&w, g, s, app, kind, top)) < 0 ||
	    (err = fo_spofreport_pairs(&w, app != FO_NONE, (size_t)o.pair_apps)) < 0)
		goto fail;
	if ((status = cmd_out_open(&out, prog, out_path)) != EXIT_OK)
		goto done;
	err = fo_spofreport_write(out.fp, &w, fmt);
	status = cmd_out_close(&out, prog, err == FO_OK);
fail:
	if (err < 0) {
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
		if (status == EXIT_OK)
			status = cmd_exit_for(err);
	}
done:
	if (out.fp)
		cmd_out_close(&out, prog, 0);
	fo_spofreport_dispose(&w);
	fo_spof_free(s);
	fo_graph_free(g);
	cmd_inputs_dispose(&o.in);
	return status;
}
