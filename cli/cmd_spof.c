/*
 * cmd_spof.c — `fallout spof INVENTORY`: per app its single points of
 * failure and of data loss, the blast-radius ranking of nodes and the
 * redundancy groups that share one fate (text, JSON or CSV; docs/spof.md).
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "../analyzer/fo_spof.h"
#include "../graphs/fo_error.h"
#include "../graphs/fo_suggest.h"
#include "../reports/fo_spofreport.h"

static const char help[] =
	"Usage: fallout spof INVENTORY [options]\n"
	"Single points of failure: for each app, the nodes whose failure alone takes it\n"
	"down and the nodes whose destruction alone loses data it cannot run without;\n"
	"a ranking of nodes by blast radius (apps down weighted by tier: tier 1 = 4,\n"
	"tier 2 = 2, other = 1); redundancy groups whose members share one fate.\n\n"
	"  --app ID           only this app (its SPOFs, and the ranking of its SPOFs)\n"
	"  --kind KIND        rank only nodes of this kind (vm, cooling, site, ...;\n"
	"                     aliases such as cvm or ec2 count as vm); a word that is\n"
	"                     neither documented nor in INVENTORY is a usage error\n"
	"  --top N            ranking rows (default 20; 0 = every node)\n"
	"  --format FMT       text (default), json or csv (docs/spof.md)\n"
	"  -o, --output FILE  write to FILE instead of standard output\n"
	"  -h, --help         this help\n\n"
	"INVENTORY may be - for standard input.\n\n"
	EXIT_STATUS_HELP;

enum { O_APP = 1, O_KIND, O_TOP, O_FORMAT, O_OUT, O_HELP };
static const cmd_opt opts[] = {
	{ "app", 0, 1, O_APP },
	{ "kind", 0, 1, O_KIND },
	{ "top", 0, 1, O_TOP },
	{ "format", 0, 1, O_FORMAT },
	{ "output", 'o', 1, O_OUT },
	{ "help", 'h', 0, O_HELP },
	{ NULL, 0, 0, 0 },
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
	const char *prog = "fallout spof", *path = NULL, *out_path = NULL, *val;
	const char *app_id = NULL, *kind = NULL;
	unsigned long top = 20;
	fo_spofreport_format fmt = FO_SPOFREPORT_TEXT;
	int status = EXIT_OK, id, err = FO_OK;
	cmd_args a;
	fo_diag *diag = NULL;
	fo_graph *g = NULL;
	fo_spof *s = NULL;
	cmd_out out = { 0 };
	fo_spofreport w = { 0 };

	cmd_args_init(&a, prog, argc - 1, argv + 1, opts);
	while ((id = cmd_next(&a, &val)) != -1) {
		switch (id) {
		case -2: status = EXIT_USAGE; goto done;
		case O_HELP: fputs(help, stdout); goto done;
		case O_APP: app_id = val; break;
		case O_KIND: kind = val; break;
		case O_OUT: out_path = val; break;
		case O_TOP:
			if ((status = cmd_count(prog, "--top", val, 0, &top)) != EXIT_OK)
				goto done;
			break;
		case O_FORMAT: {
			static const char *const words[] = { "text", "json", "csv", NULL };
			static const fo_spofreport_format values[] = { FO_SPOFREPORT_TEXT, FO_SPOFREPORT_JSON,
								       FO_SPOFREPORT_CSV };
			int i;
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
	if (fo_diag_new(&diag, 100) < 0) {
		status = EXIT_IO;
		goto done;
	}
	if ((status = cmd_load(&g, prog, path, 0, diag)) != EXIT_OK)
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
	if ((err = fo_spofreport_select(&w, g, s, app, kind, top)) < 0)
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
	fo_diag_free(diag);
	return status;
}
