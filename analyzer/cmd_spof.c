/*
 * cmd_spof.c — `fallout spof INVENTORY`: per app its single points of
 * failure and of data loss, the blast-radius ranking of nodes and the
 * redundancy groups that share one fate (text, JSON or CSV; docs/spof.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fo_spof.h"
#include "../graphs/fo_error.h"

static const char help[] =
	"Usage: fallout spof INVENTORY [options]\n"
	"Single points of failure: for each app, the nodes whose failure alone takes it\n"
	"down and the nodes whose destruction alone loses data it cannot run without;\n"
	"a ranking of nodes by blast radius (apps down weighted by tier: tier 1 = 4,\n"
	"tier 2 = 2, other = 1); redundancy groups whose members share one fate.\n\n"
	"  --app ID           only this app (its SPOFs, and the ranking of its SPOFs)\n"
	"  --kind KIND        rank only nodes of this kind (vm, cooling, site, ...;\n"
	"                     aliases such as cvm or ec2 count as vm)\n"
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

enum fmt { F_TEXT, F_JSON, F_CSV };

/* JSON string (RFC 8259); the reader hands over UTF-8 only. */
static void json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\u%04x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

/* CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF. */
static void csv_str(FILE *fp, const char *s)
{
	s = s ? s : "";
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void text_ids(FILE *fp, const fo_graph *g, const uint32_t *v, size_t n)
{
	if (!n)
		fputs("none", fp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", fp);
		fo_diag_fputs_escaped(fo_graph_node_id(g, v[i]), fp);
	}
}

static void json_ids(FILE *fp, const fo_graph *g, const uint32_t *v, size_t n)
{
	fputc('[', fp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", fp);
		json_str(fp, fo_graph_node_id(g, v[i]));
	}
	fputc(']', fp);
}

static const char *group_word(fo_group_type t)
{
	return t == FO_GROUP_COPIES ? "copies" : t == FO_GROUP_LOCATED ? "located" : "requires";
}

/* qsort has no context argument: the graph being sorted for. */
static const fo_graph *sort_graph;

/* Apps by tenant (untenanted last), then document order. */
static int cmp_app_q(const void *a, const void *b)
{
	const fo_graph *g = sort_graph;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const char *tx = fo_graph_node_tenant(g, x), *ty = fo_graph_node_tenant(g, y);
	if (!tx != !ty)
		return tx ? -1 : 1;
	int c = tx ? strcmp(tx, ty) : 0;
	return c ? c : (x > y) - (x < y);
}

typedef struct view {
	const fo_graph *g;
	const fo_spof *s;
	uint32_t *apps;     /* apps shown, by tenant */
	size_t napps;
	const fo_spof_rank **rows; /* ranking rows shown */
	size_t nrows, ranked;      /* shown, eligible */
} view;

static void write_text(FILE *fp, const view *w, unsigned long top)
{
	const fo_graph *g = w->g;
	const char *tenant = NULL;
	int first = 1;
	fprintf(fp, "Single points of failure (%zu app%s)\n", w->napps, w->napps == 1 ? "" : "s");
	for (size_t i = 0; i < w->napps; i++) {
		uint32_t a = w->apps[i];
		const char *t = fo_graph_node_tenant(g, a);
		const uint32_t *f, *l;
		size_t nf = fo_spof_fail_set(w->s, a, &f), nl = fo_spof_loss_set(w->s, a, &l);
		if (first || (!t != !tenant) || (t && strcmp(t, tenant))) {
			fputs("\ntenant ", fp);
			fo_diag_fputs_escaped(t ? t : "(none)", fp);
			fputs(":\n", fp);
			tenant = t;
			first = 0;
		}
		fputs("  ", fp);
		fo_diag_fputs_escaped(fo_graph_node_id(g, a), fp);
		if (fo_graph_node_tier(g, a))
			fprintf(fp, " (tier %u)", fo_graph_node_tier(g, a));
		fprintf(fp, "\n    fails with (%zu): ", nf);
		text_ids(fp, g, f, nf);
		fprintf(fp, "\n    data lost with (%zu): ", nl);
		text_ids(fp, g, l, nl);
		fputc('\n', fp);
	}
	fprintf(fp, "\nRanking by blast radius (%zu of %zu node%s%s; weight: tier 1 = 4, tier 2 = 2, other = 1)\n",
		w->nrows, w->ranked, w->ranked == 1 ? "" : "s", top ? "" : ", all");
	if (w->nrows)
		fprintf(fp, "  %4s  %6s  %9s  %10s  %9s  %s\n", "rank", "weight", "apps down",
			"nodes down", "apps lost", "node (kind)");
	for (size_t i = 0; i < w->nrows; i++) {
		const fo_spof_rank *r = w->rows[i];
		fprintf(fp, "  %4zu  %6llu  %9u  %10u  %9u  ", i + 1, (unsigned long long)r->weight,
			r->apps_down, r->nodes_down, r->apps_lost);
		fo_diag_fputs_escaped(fo_graph_node_id(g, r->node), fp);
		fprintf(fp, " (%s)\n", fo_graph_node_kind_word(g, r->node));
	}
}

static void write_json(FILE *fp, const view *w)
{
	const fo_graph *g = w->g;
	fputs("{\n  \"inventory\": ", fp);
	if (fo_graph_name(g))
		json_str(fp, fo_graph_name(g));
	else
		fputs("null", fp);
	fputs(",\n  \"weights\": {\"1\": 4, \"2\": 2, \"other\": 1},\n  \"apps\": [", fp);
	for (size_t i = 0; i < w->napps; i++) {
		uint32_t a = w->apps[i];
		const uint32_t *f, *l;
		size_t nf = fo_spof_fail_set(w->s, a, &f), nl = fo_spof_loss_set(w->s, a, &l);
		fputs(i ? ",\n    {\"id\": " : "\n    {\"id\": ", fp);
		json_str(fp, fo_graph_node_id(g, a));
		fputs(", \"tenant\": ", fp);
		if (fo_graph_node_tenant(g, a))
			json_str(fp, fo_graph_node_tenant(g, a));
		else
			fputs("null", fp);
		if (fo_graph_node_tier(g, a))
			fprintf(fp, ", \"tier\": %u", fo_graph_node_tier(g, a));
		else
			fputs(", \"tier\": null", fp);
		fputs(", \"spof\": ", fp);
		json_ids(fp, g, f, nf);
		fputs(", \"data_loss\": ", fp);
		json_ids(fp, g, l, nl);
		fputc('}', fp);
	}
	fputs(w->napps ? "\n  ],\n  \"ranking\": [" : "],\n  \"ranking\": [", fp);
	for (size_t i = 0; i < w->nrows; i++) {
		const fo_spof_rank *r = w->rows[i];
		fputs(i ? ",\n    {\"id\": " : "\n    {\"id\": ", fp);
		json_str(fp, fo_graph_node_id(g, r->node));
		fputs(", \"kind\": ", fp);
		json_str(fp, fo_graph_node_kind_word(g, r->node));
		fprintf(fp, ", \"weight\": %llu, \"apps_down\": %u, \"nodes_down\": %u, \"apps_lost\": %u}",
			(unsigned long long)r->weight, r->apps_down, r->nodes_down, r->apps_lost);
	}
	fputs(w->nrows ? "\n  ],\n" : "],\n", fp);
}

static int write_shared_json(FILE *fp, const view *w)
{
	const fo_graph *g = w->g;
	int first = 1, err = FO_OK;
	fputs("  \"shared_fate\": [", fp);
	for (uint32_t gi = 0; gi < fo_graph_group_count(g); gi++) {
		uint32_t *c = NULL;
		size_t nc = 0;
		fo_group_info gr;
		if ((err = fo_spof_shared_fate(w->s, gi, &c, &nc)) < 0)
			return err;
		if (!nc)
			continue;
		fo_graph_group(g, gi, &gr);
		fputs(first ? "\n    {\"owner\": " : ",\n    {\"owner\": ", fp);
		first = 0;
		json_str(fp, fo_graph_node_id(g, gr.owner));
		fprintf(fp, ", \"type\": \"%s\", \"k\": %u, \"n\": %u, \"members\": ", group_word(gr.type),
			gr.k, gr.n);
		json_ids(fp, g, gr.members, gr.n);
		fputs(", \"causes\": ", fp);
		json_ids(fp, g, c, nc);
		fputc('}', fp);
		free(c);
	}
	fputs(first ? "]\n}\n" : "\n  ]\n}\n", fp);
	return err;
}

static int write_shared_text(FILE *fp, const view *w)
{
	const fo_graph *g = w->g;
	int err = FO_OK;
	size_t count = 0;
	for (uint32_t gi = 0; gi < fo_graph_group_count(g); gi++) {
		uint32_t *c = NULL;
		size_t nc = 0;
		fo_group_info gr;
		if ((err = fo_spof_shared_fate(w->s, gi, &c, &nc)) < 0)
			return err;
		if (!nc)
			continue;
		fo_graph_group(g, gi, &gr);
		if (!count++)
			fputs("\nShared fate (redundancy on paper only)\n", fp);
		fputs("  ", fp);
		fo_diag_fputs_escaped(fo_graph_node_id(g, gr.owner), fp);
		fprintf(fp, " %s %u of {", group_word(gr.type), gr.k);
		text_ids(fp, g, gr.members, gr.n);
		fputs("}: all fall with ", fp);
		text_ids(fp, g, c, nc);
		fputc('\n', fp);
		free(c);
	}
	if (!count)
		fputs("\nShared fate: none\n", fp);
	return err;
}

static void write_csv(FILE *fp, const view *w)
{
	const fo_graph *g = w->g;
	fputs("record,app,node,kind,tenant,weight,apps_down,nodes_down,apps_lost\r\n", fp);
	for (size_t i = 0; i < w->napps; i++) {
		uint32_t a = w->apps[i];
		for (int loss = 0; loss < 2; loss++) {
			const uint32_t *f;
			size_t nf = loss ? fo_spof_loss_set(w->s, a, &f) : fo_spof_fail_set(w->s, a, &f);
			for (size_t j = 0; j < nf; j++) {
				fputs(loss ? "data_loss," : "spof,", fp);
				csv_str(fp, fo_graph_node_id(g, a));
				fputc(',', fp);
				csv_str(fp, fo_graph_node_id(g, f[j]));
				fputc(',', fp);
				csv_str(fp, fo_graph_node_kind_word(g, f[j]));
				fputc(',', fp);
				csv_str(fp, fo_graph_node_tenant(g, a));
				fputs(",,,,\r\n", fp);
			}
		}
	}
	for (size_t i = 0; i < w->nrows; i++) {
		const fo_spof_rank *r = w->rows[i];
		fputs("rank,,", fp);
		csv_str(fp, fo_graph_node_id(g, r->node));
		fputc(',', fp);
		csv_str(fp, fo_graph_node_kind_word(g, r->node));
		fputc(',', fp);
		csv_str(fp, fo_graph_node_tenant(g, r->node));
		fprintf(fp, ",%llu,%u,%u,%u\r\n", (unsigned long long)r->weight, r->apps_down,
			r->nodes_down, r->apps_lost);
	}
}

int cmd_spof(int argc, char **argv)
{
	const char *prog = "fallout spof", *path = NULL, *out_path = NULL, *val;
	const char *app_id = NULL, *kind = NULL;
	unsigned long top = 20;
	enum fmt fmt = F_TEXT;
	int status = EXIT_OK, id, err = FO_OK;
	cmd_args a;
	fo_diag *diag = NULL;
	fo_graph *g = NULL;
	fo_spof *s = NULL;
	cmd_out out = { 0 };
	view w = { 0 };

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
			static const enum fmt values[] = { F_TEXT, F_JSON, F_CSV };
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
	/* A known kind (or alias) matches by its canonical kind; any other
	 * word matches the kind as written ("building"). */
	fo_kind want_kind = kind ? fo_kind_parse(kind) : FO_KIND_OTHER;
	if (fo_diag_new(&diag, 100) < 0) {
		status = EXIT_IO;
		goto done;
	}
	if ((status = cmd_load(&g, prog, path, 0, diag)) != EXIT_OK)
		goto done;
	w.g = g;
	uint32_t app = FO_NONE, n = fo_graph_node_count(g);
	if (app_id) {
		if (fo_graph_lookup(g, app_id, &app) != FO_OK) {
			fprintf(stderr, "%s: unknown id '", prog);
			fo_diag_fputs_escaped(app_id, stderr);
			fputs("' for --app\n", stderr);
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
	if ((err = fo_spof_compute(&s, g)) < 0)
		goto fail;
	w.s = s;
	w.apps = malloc((n ? n : 1) * sizeof *w.apps);
	w.rows = malloc((n ? n : 1) * sizeof *w.rows);
	if (!w.apps || !w.rows) {
		err = FO_ENOMEM;
		goto fail;
	}
	for (uint32_t v = 0; v < n; v++)
		if (fo_graph_node_kind(g, v) == FO_KIND_APP && (app == FO_NONE || v == app))
			w.apps[w.napps++] = v;
	sort_graph = g;
	qsort(w.apps, w.napps, sizeof *w.apps, cmp_app_q);
	const fo_spof_rank *r;
	size_t nr = fo_spof_ranking(s, &r);
	for (size_t i = 0; i < nr; i++) {
		if (kind && (want_kind != FO_KIND_OTHER
				     ? fo_graph_node_kind(g, r[i].node) != want_kind
				     : strcmp(fo_graph_node_kind_word(g, r[i].node), kind) != 0))
			continue;
		if (app != FO_NONE && !fo_spof_in_fail_set(s, app, r[i].node))
			continue;
		w.ranked++;
		if (!top || w.nrows < top)
			w.rows[w.nrows++] = &r[i];
	}
	if ((status = cmd_out_open(&out, prog, out_path)) != EXIT_OK)
		goto done;
	if (fmt == F_TEXT) {
		write_text(out.fp, &w, top);
		err = write_shared_text(out.fp, &w);
	} else if (fmt == F_JSON) {
		write_json(out.fp, &w);
		err = write_shared_json(out.fp, &w);
	} else {
		write_csv(out.fp, &w);
	}
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
	free(w.apps);
	free(w.rows);
	fo_spof_free(s);
	fo_graph_free(g);
	fo_diag_free(diag);
	return status;
}
