/*
 * cmd_availability.c — `fallout availability INVENTORY [--app ID]`: per app
 * the exact probability of being down under independent node failures (as
 * a probability, nines and minutes per year) and the importance of each
 * node of its cone, ranked into "what to harden first"; or the same for
 * the top of an Open-PSA MEF tree (docs/risk.md, "Commands"; formats in
 * docs/output-formats.md).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../graphs/fo_error.h"
#include "../reports/fo_riskreport.h"
#include "../risk/fo_risk.h"

typedef struct avail_opts {
	cmd_inputs in;
	const char *output, *app;
	unsigned long top;
	int event;  /* index in events */
	int approx; /* index in approxs; 0 = exact */
	int format; /* index in formats */
	int event_given;
} avail_opts;

static const char *const formats[] = { "text", "json", "csv", NULL };
static const char *const events[] = { "down", "lost", NULL };
static const char *const approxs[] = { "exact", "rare", "mcub", NULL };

static int opt_event(void *ctx, const char *prog, const char *val)
{
	avail_opts *o = ctx;
	o->event_given = 1;
	return cmd_choice(prog, "--event", val, events, &o->event);
}

#define OFF(f) offsetof(avail_opts, f)
static const cmd_opt opts[] = {
	CMD_STRING("app", 0, "ID", OFF(app), "only this app (default: every app, by tenant)"),
	CMD_CALL("event", 0, "EVENT", opt_event, "down: the app is down (default); lost: it needs "
		 "lost data (its nodes' p then means being destroyed)"),
	CMD_COUNT("top", 0, "N", OFF(top), 0, "hardening rows per app (default 10; 0: every node of "
		  "its cone)"),
	CMD_CHOICE("approx", 0, "METHOD", OFF(approx), approxs, "exact: the BDD (default); rare: "
		   "rare-event sum over the minimal sets; mcub: min-cut upper bound (both for "
		   "comparison; no importance table then)"),
	CMD_CHOICE("format", 0, "FMT", OFF(format), formats, "text (default), json or csv"),
	CMD_STRING("output", 'o', "FILE", OFF(output), "write to FILE instead of standard output"),
	CMD_RISK_INPUT_OPTS(OFF(in)),
	CMD_END,
};

static int operand(void *ctx, const char *prog, const char *val)
{
	return cmd_input_operand(prog, &((avail_opts *)ctx)->in, val);
}

static const cmd_spec spec = {
	"fallout availability",
	"Usage: fallout availability INVENTORY... [--app ID] [options]\n"
	"       fallout availability [--from openpsa] TREE.xml [options]\n"
	"For each app (or one), the exact probability that it is down when its nodes\n"
	"fail independently with the probabilities of the inventory's failure data\n"
	"(p, or mtbf and mttr, or per-kind defaults), as availability, nines and\n"
	"minutes down per year; and the nodes ranked by importance (Fussell-Vesely,\n"
	"risk reduction and achievement worth, Birnbaum): what to harden first.\n",
	opts,
	CMD_RISK_INPUTS_NOTE
	"Every node of an analysed app's cone needs failure data (else status 3,\n"
	"naming the nodes). Formats: docs/output-formats.md; meaning: docs/risk.md.\n",
	{ CMD_EXIT_OK, NULL, CMD_EXIT_USAGE, "invalid input, or failure data missing", CMD_EXIT_IO },
	operand,
};

typedef struct app_key {
	const char *tenant;
	uint32_t v;
} app_key;

static int natcmp(const char *a, const char *b)
{
	/* Natural order as the other reports (t2 before t10). */
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			const char *x = a, *y = b;
			while (*x == '0')
				x++;
			while (*y == '0')
				y++;
			size_t lx = 0, ly = 0;
			while (x[lx] >= '0' && x[lx] <= '9')
				lx++;
			while (y[ly] >= '0' && y[ly] <= '9')
				ly++;
			if (lx != ly)
				return lx < ly ? -1 : 1;
			int c = strncmp(x, y, lx);
			if (c)
				return c;
			a = x + lx;
			b = y + ly;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return (*a != 0) - (*b != 0);
}

/* Apps by tenant (untenanted last), then document order: as spof. */
static int cmp_app(const void *a, const void *b)
{
	const app_key *x = a, *y = b;
	if (!x->tenant != !y->tenant)
		return x->tenant ? -1 : 1;
	int c = x->tenant ? natcmp(x->tenant, y->tenant) : 0;
	return c ? c : (x->v > y->v) - (x->v < y->v);
}

/* One tree's probability (and importance when exact). */
static int analyse(const char *prog, fo_ft *ft, int method, fo_riskreport_avail *a,
		   fo_importance **imp)
{
	fo_risk *r = NULL;
	fo_diag *d = NULL;
	int err;
	if ((err = fo_diag_new(&d, 100)) < 0 || (err = fo_risk_new(&r, ft, NULL, d)) < 0)
		goto done;
	a->ft = ft;
	if (method == FO_RISKREPORT_RARE)
		err = fo_risk_probability_rare(r, &a->q);
	else if (method == FO_RISKREPORT_MCUB)
		err = fo_risk_probability_mcub(r, &a->q);
	else if ((err = fo_risk_probability(r, &a->q)) == FO_OK &&
		 (err = fo_risk_importance(r, imp, &a->nimp)) == FO_OK) {
		fo_riskreport_rank_importance(*imp, a->nimp);
		a->imp = *imp;
	}
done:
	if (err < 0) {
		if (d && fo_diag_count(d))
			cmd_diag_print(prog, d, stderr);
		else
			fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	}
	fo_risk_free(r);
	fo_diag_free(d);
	return err;
}

int cmd_availability(int argc, char **argv)
{
	const char *prog = spec.prog;
	avail_opts o = { .top = 10 };
	static const fo_riskreport_format values[] = { FO_RISKREPORT_TEXT, FO_RISKREPORT_JSON,
						       FO_RISKREPORT_CSV };
	int status = EXIT_OK, err = FO_OK, mef;
	fo_graph *g = NULL;
	fo_ft **fts = NULL;
	fo_importance **imps = NULL;
	fo_riskreport_avail *av = NULL;
	app_key *keys = NULL;
	size_t n = 0;
	cmd_out out = { 0 };

	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK) {
		if (status == CMD_DONE)
			status = EXIT_OK;
		goto done;
	}
	if (!o.in.n) {
		status = cmd_usage_error(prog, "missing INVENTORY");
		goto done;
	}
	mef = cmd_risk_is_openpsa(&o.in);
	if (mef && (o.app || o.event_given)) {
		status = cmd_usage_error(prog, "%s does not apply to an Open-PSA fault tree (its top is "
					 "analysed)", o.app ? "--app" : "--event");
		goto done;
	}
	if (mef) {
		n = 1;
	} else {
		if ((status = cmd_load(&g, prog, &o.in, 0)) != EXIT_OK)
			goto done;
		uint32_t nn = fo_graph_node_count(g), app;
		if (o.app && (status = cmd_risk_app(g, prog, o.app, &app)) != EXIT_OK)
			goto done;
		if (!(keys = malloc((nn ? nn : 1) * sizeof *keys)))
			goto oom;
		for (uint32_t v = 0; v < nn; v++)
			if (fo_graph_node_kind(g, v) == FO_KIND_APP && (!o.app || v == app))
				keys[n++] = (app_key){ fo_graph_node_tenant(g, v), v };
		qsort(keys, n, sizeof *keys, cmp_app);
	}
	fts = calloc(n ? n : 1, sizeof *fts);
	imps = calloc(n ? n : 1, sizeof *imps);
	av = calloc(n ? n : 1, sizeof *av);
	if (!fts || !imps || !av)
		goto oom;
	/* Every tree first: a missing probability anywhere stops the command
	 * before anything is written, naming the nodes. */
	for (size_t i = 0; i < n; i++) {
		if (mef)
			status = cmd_risk_load_openpsa(&fts[i], prog, &o.in);
		else
			status = cmd_risk_app_tree(&fts[i], prog, g, keys[i].v, o.event == 1);
		if (status != EXIT_OK || (status = cmd_risk_need_p(prog, fts[i], !mef)) != EXIT_OK)
			goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if ((err = analyse(prog, fts[i], o.approx, &av[i], &imps[i])) < 0) {
			status = cmd_exit_for(err);
			goto done;
		}
		if (!mef) {
			av[i].tier = fo_graph_node_tier(g, keys[i].v);
			av[i].tenant = fo_graph_node_tenant(g, keys[i].v);
		}
	}
	if ((status = cmd_out_open(&out, prog, o.output)) != EXIT_OK)
		goto done;
	fo_riskreport_src src = { NULL, mef ? NULL : events[o.event], g };
	src.input = mef ? (strcmp(o.in.paths[0], "-") ? o.in.paths[0] : "<stdin>") : (fo_graph_file(g) ? fo_graph_file(g) : fo_graph_name(g));
	err = fo_riskreport_availability(out.fp, &src, av, n, (fo_riskreport_method)o.approx,
					 (size_t)o.top, values[o.format]);
	if (err < 0 && err != FO_EIO)
		fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
	status = cmd_out_close(&out, prog, err == FO_OK);
	if (status == EXIT_OK && err < 0)
		status = cmd_exit_for(err);
	goto done;
oom:
	fprintf(stderr, "%s: out of memory\n", prog);
	status = EXIT_IO;
done:
	if (out.fp)
		cmd_out_close(&out, prog, 0);
	for (size_t i = 0; i < n && fts; i++)
		fo_ft_free(fts[i]);
	for (size_t i = 0; i < n && imps; i++)
		free(imps[i]);
	free(fts);
	free(imps);
	free(av);
	free(keys);
	fo_graph_free(g);
	cmd_parse_dispose(&spec, &o);
	cmd_inputs_dispose(&o.in);
	return status;
}
