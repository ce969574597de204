/*
 * spofreport.c — text, JSON and CSV of the single-point-of-failure analysis
 * (fo_spofreport.h; contracts in docs/spof.md).
 */
#include "fo_spofreport.h"

#include <stdlib.h>
#include <string.h>

#include "fo_riskreport.h"
#include "report_int.h"
#include "../graphs/fo_diag.h"
#include "../graphs/fo_error.h"

/* JSON string through the shared escaper (report_int.h). */
static void json_str(FILE *fp, const char *s)
{
	fo_sbuf b = { 0 };
	fo_report__json_str(&b, s ? s : "");
	fputs(fo_sbuf__str(&b), fp);
	fo_sbuf__dispose(&b);
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

const char *fo_spofreport_group_word(fo_group_type t)
{
	return t == FO_GROUP_COPIES ? "copies" : t == FO_GROUP_LOCATED ? "located" : "requires";
}

static void write_text(FILE *fp, const fo_spofreport *w)
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
		w->nrows, w->ranked, w->ranked == 1 ? "" : "s", w->top ? "" : ", all");
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

static void write_json(FILE *fp, const fo_spofreport *w)
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

static int write_shared_json(FILE *fp, const fo_spofreport *w)
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
		fprintf(fp, ", \"type\": \"%s\", \"k\": %u, \"n\": %u, \"members\": ", fo_spofreport_group_word(gr.type),
			gr.k, gr.n);
		json_ids(fp, g, gr.members, gr.n);
		fputs(", \"causes\": ", fp);
		json_ids(fp, g, c, nc);
		fputc('}', fp);
		free(c);
	}
	fputs(first ? "]" : "\n  ]", fp);
	return err;
}

/* Pairs shown per app in text; JSON has them all. */
#define TEXT_PAIRS 10
/* npairs of an app whose pairs hit a limit. */
#define PAIRS_LIMIT SIZE_MAX

static void write_pairs_text(FILE *fp, const fo_spofreport *w)
{
	const fo_graph *g = w->g;
	if (!w->pairs || !w->pairs_apps)
		return;
	fputs("\nPairs: two nodes whose joint failure takes the app down, neither alone\n", fp);
	if (w->pairs_apps < w->pairs_eligible)
		fprintf(fp, "  (of the first %zu of %zu tier-1 apps; spof --pair-apps 0 computes "
			    "every one)\n", w->pairs_apps, w->pairs_eligible);
	for (size_t i = 0; i < w->napps; i++) {
		if (!w->pairs[i] && !w->npairs[i])
			continue;
		size_t np = w->npairs[i];
		fputs("  ", fp);
		fo_diag_fputs_escaped(fo_graph_node_id(g, w->apps[i]), fp);
		if (fo_graph_node_tier(g, w->apps[i]))
			fprintf(fp, " (tier %u)", fo_graph_node_tier(g, w->apps[i]));
		if (np == PAIRS_LIMIT) {
			fputs(": not computed (over a limit of the fault tree or its decision "
			      "diagrams; fallout cutsets --max-order 2 says which)\n", fp);
			continue;
		}
		fprintf(fp, ": %zu pair%s\n", np, np == 1 ? "" : "s");
		for (size_t j = 0; j < np && j < TEXT_PAIRS; j++) {
			fputs("    ", fp);
			fo_diag_fputs_escaped(fo_graph_node_id(g, w->pairs[i][2 * j]), fp);
			fputs(" + ", fp);
			fo_diag_fputs_escaped(fo_graph_node_id(g, w->pairs[i][2 * j + 1]), fp);
			fputc('\n', fp);
		}
		if (np > TEXT_PAIRS)
			fprintf(fp, "    ... and %zu more (fallout cutsets --max-order 2 lists them)\n",
				np - TEXT_PAIRS);
	}
}

static void write_pairs_json(FILE *fp, const fo_spofreport *w)
{
	const fo_graph *g = w->g;
	int first = 1;
	fputs(",\n  \"pairs\": [", fp);
	for (size_t i = 0; w->pairs && i < w->napps; i++) {
		if (!w->pairs[i] && !w->npairs[i])
			continue;
		fputs(first ? "\n    {\"app\": " : ",\n    {\"app\": ", fp);
		first = 0;
		json_str(fp, fo_graph_node_id(g, w->apps[i]));
		if (w->npairs[i] == PAIRS_LIMIT) {
			fputs(", \"count\": null, \"pairs\": null}", fp);
			continue;
		}
		fprintf(fp, ", \"count\": %zu, \"pairs\": [", w->npairs[i]);
		for (size_t j = 0; j < w->npairs[i]; j++) {
			fputs(j ? ", [" : "[", fp);
			json_str(fp, fo_graph_node_id(g, w->pairs[i][2 * j]));
			fputs(", ", fp);
			json_str(fp, fo_graph_node_id(g, w->pairs[i][2 * j + 1]));
			fputc(']', fp);
		}
		fputs("]}", fp);
	}
	fprintf(fp, "%s],\n  \"pairs_apps\": {\"computed\": %zu, \"eligible\": %zu}\n}\n",
		first ? "" : "\n  ", w->pairs_apps, w->pairs_eligible);
}

int fo_spofreport_pairs(fo_spofreport *r, int all, size_t max_apps)
{
	int err = FO_OK;
	if (!r || !r->g)
		return FO_EINVAL;
	if (!r->pairs) {
		r->pairs = calloc(r->napps ? r->napps : 1, sizeof *r->pairs);
		r->npairs = calloc(r->napps ? r->napps : 1, sizeof *r->npairs);
		if (!r->pairs || !r->npairs)
			return FO_ENOMEM;
	}
	r->pairs_eligible = 0;
	for (size_t i = 0; i < r->napps; i++) {
		if (!all && fo_graph_node_tier(r->g, r->apps[i]) != 1)
			continue;
		r->pairs_eligible++;
		if (r->pairs[i] || (max_apps && r->pairs_apps >= max_apps))
			continue;
		err = fo_riskreport_pairs(r->g, r->apps[i], 0, &r->pairs[i], &r->npairs[i], NULL);
		/* One app over a limit (its tree, its diagrams) does not cost
		 * the whole report: it says so instead of listing its pairs. */
		if (err == FO_ELIMIT)
			r->npairs[i] = PAIRS_LIMIT;
		else if (err < 0)
			return err;
		err = FO_OK;
		/* No pair still marks the app as computed. */
		if (!r->pairs[i] && !(r->pairs[i] = malloc(sizeof **r->pairs)))
			return FO_ENOMEM;
		r->pairs_apps++;
	}
	return err;
}

static int write_shared_text(FILE *fp, const fo_spofreport *w)
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
		fprintf(fp, " %s %u of {", fo_spofreport_group_word(gr.type), gr.k);
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

static void write_csv(FILE *fp, const fo_spofreport *w)
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
				fo_report__csv_put(fp, fo_graph_node_id(g, a));
				fputc(',', fp);
				fo_report__csv_put(fp, fo_graph_node_id(g, f[j]));
				fputc(',', fp);
				fo_report__csv_put(fp, fo_graph_node_kind_word(g, f[j]));
				fputc(',', fp);
				fo_report__csv_put(fp, fo_graph_node_tenant(g, a));
				fputs(",,,,\r\n", fp);
			}
		}
	}
	for (size_t i = 0; i < w->nrows; i++) {
		const fo_spof_rank *r = w->rows[i];
		fputs("rank,,", fp);
		fo_report__csv_put(fp, fo_graph_node_id(g, r->node));
		fputc(',', fp);
		fo_report__csv_put(fp, fo_graph_node_kind_word(g, r->node));
		fputc(',', fp);
		fo_report__csv_put(fp, fo_graph_node_tenant(g, r->node));
		fprintf(fp, ",%llu,%u,%u,%u\r\n", (unsigned long long)r->weight, r->apps_down,
			r->nodes_down, r->apps_lost);
	}
}

typedef struct app_key {
	const char *tenant;
	uint32_t v;
} app_key;

/* Apps by tenant in natural order (t2 before t10; untenanted last), then
 * document order. */
static int cmp_app(const void *a, const void *b)
{
	const app_key *x = a, *y = b;
	if (!x->tenant != !y->tenant)
		return x->tenant ? -1 : 1;
	int c = x->tenant ? fo_report__natcmp(x->tenant, y->tenant) : 0;
	return c ? c : (x->v > y->v) - (x->v < y->v);
}

int fo_spofreport_select(fo_spofreport *r, const fo_graph *g, const fo_spof *s, uint32_t app,
			 const char *kind, unsigned long top)
{
	int err = FO_OK;
	app_key *keys = NULL;
	uint32_t n;

	if (!r || !g || !s)
		return FO_EINVAL;
	memset(r, 0, sizeof *r);
	r->g = g;
	r->s = s;
	r->top = top;
	n = fo_graph_node_count(g);
	/* A known kind (or alias) matches by its canonical kind; any other
	 * word matches the kind as written ("building"). */
	fo_kind want_kind = kind ? fo_kind_parse(kind) : FO_KIND_OTHER;
	keys = malloc((n ? n : 1) * sizeof *keys);
	r->apps = malloc((n ? n : 1) * sizeof *r->apps);
	r->rows = malloc((n ? n : 1) * sizeof *r->rows);
	if (!keys || !r->apps || !r->rows) {
		err = FO_ENOMEM;
		goto done;
	}
	for (uint32_t v = 0; v < n; v++)
		if (fo_graph_node_kind(g, v) == FO_KIND_APP && (app == FO_NONE || v == app))
			keys[r->napps++] = (app_key){ fo_graph_node_tenant(g, v), v };
	qsort(keys, r->napps, sizeof *keys, cmp_app);
	for (size_t i = 0; i < r->napps; i++)
		r->apps[i] = keys[i].v;
	const fo_spof_rank *rk;
	size_t nr = fo_spof_ranking(s, &rk);
	for (size_t i = 0; i < nr; i++) {
		if (kind && (want_kind != FO_KIND_OTHER
				     ? fo_graph_node_kind(g, rk[i].node) != want_kind
				     : strcmp(fo_graph_node_kind_word(g, rk[i].node), kind) != 0))
			continue;
		if (app != FO_NONE && !fo_spof_in_fail_set(s, app, rk[i].node))
			continue;
		r->ranked++;
		if (!top || r->nrows < top)
			r->rows[r->nrows++] = &rk[i];
	}
done:
	free(keys);
	if (err != FO_OK)
		fo_spofreport_dispose(r);
	return err;
}

void fo_spofreport_dispose(fo_spofreport *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->pairs && i < r->napps; i++)
		free(r->pairs[i]);
	free(r->pairs);
	free(r->npairs);
	r->pairs = NULL;
	r->npairs = NULL;
	r->pairs_apps = r->pairs_eligible = 0;
	free(r->apps);
	free(r->rows);
	r->apps = NULL;
	r->rows = NULL;
	r->napps = r->nrows = r->ranked = 0;
}

int fo_spofreport_write(FILE *fp, const fo_spofreport *r, fo_spofreport_format fmt)
{
	int err = FO_OK;
	if (!fp || !r || !r->g || !r->s)
		return FO_EINVAL;
	switch (fmt) {
	case FO_SPOFREPORT_TEXT:
		write_text(fp, r);
		if ((err = write_shared_text(fp, r)) == FO_OK)
			write_pairs_text(fp, r);
		break;
	case FO_SPOFREPORT_JSON:
		write_json(fp, r);
		if ((err = write_shared_json(fp, r)) == FO_OK)
			write_pairs_json(fp, r);
		break;
	case FO_SPOFREPORT_CSV:
		write_csv(fp, r);
		break;
	default:
		return FO_EINVAL;
	}
	if (err == FO_OK && ferror(fp))
		err = FO_EIO;
	return err;
}
