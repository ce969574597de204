/*
 * cmd_diff.c — `fallout diff BEFORE AFTER`: what a migration changes — nodes
 * and dependencies added, removed and changed, single points of failure
 * introduced and removed per app, and with --scenarios the apps whose state
 * changed in each scenario; --fail-on turns "worse" into exit status 1 for a
 * CI gate (docs/diff.md). Printing is reports/diffreport.c's.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../analyzer/fo_diff.h"
#include "../analyzer/fo_engine.h"
#include "../analyzer/fo_spof.h"
#include "../graphs/fo_error.h"
#include "../importers/fo_scenarios.h"
#include "../reports/fo_diffreport.h"
#include "../reports/fo_riskreport.h"

typedef struct diff_opts {
	const char *paths[2], *output, *scenarios;
	cmd_inputs in; /* --from and --explain-import for both (no operands) */
	int fail_new_spof, fail_more_down, fail_new_pair;
	int format; /* index in formats */
} diff_opts;

static const char *const formats[] = { "text", "json", "md", NULL };

static int opt_fail_on(void *ctx, const char *prog, const char *val);

#define OFF(f) offsetof(diff_opts, f)
static const cmd_opt opts[] = {
	CMD_STRING("scenarios", 0, "FILE", OFF(scenarios), "scenario file (docs/scenarios-format.md); "
		   "every node it names must exist in both inventories (else status 3)"),
	CMD_CALL("fail-on", 0, "WHAT", opt_fail_on,
		 "exit 1 when the after-state is worse (repeatable):\n"
		 "new-spof   some app has a SPOF it did not have before\n"
		 "new-pair   some app has a pair of nodes whose joint\n"
		 "           failure takes it down and did not before\n"
		 "more-down  in some scenario more apps are down after, or\n"
		 "           some app's state is worse, in the order\n"
		 "           up < at-risk < degraded < down (needs\n"
		 "           --scenarios)"),
	CMD_CHOICE("format", 0, "FMT", OFF(format), formats, "text (default), json or md (docs/diff.md)"),
	CMD_STRING("output", 'o', "FILE", OFF(output), "write to FILE instead of standard output"),
	CMD_INPUT_OPTS(OFF(in)),
	CMD_END,
};

static int opt_fail_on(void *ctx, const char *prog, const char *val)
{
	static const char *const words[] = { "new-spof", "more-down", "new-pair", NULL };
	diff_opts *o = ctx;
	int i, status;
	if ((status = cmd_choice(prog, "--fail-on", val, words, &i)) != EXIT_OK)
		return status;
	if (i == 0)
		o->fail_new_spof = 1;
	else if (i == 1)
		o->fail_more_down = 1;
	else
		o->fail_new_pair = 1;
	return EXIT_OK;
}

/* BEFORE, then AFTER. */
static int operand(void *ctx, const char *prog, const char *val)
{
	diff_opts *o = ctx;
	if (o->paths[1])
		return cmd_usage_error(prog, "unexpected operand '%s' (BEFORE and AFTER already given)", val);
	o->paths[o->paths[0] ? 1 : 0] = val;
	return EXIT_OK;
}

static const cmd_spec spec = {
	"fallout diff",
	"Usage: fallout diff BEFORE AFTER [options]\n"
	"What a migration changes: nodes and dependencies added, removed and changed;\n"
	"single points of failure introduced and removed per app (apps and nodes\n"
	"matched by id; apps present in both); with --scenarios, for each scenario the\n"
	"apps whose state changed, resolved and run against each inventory.\n",
	opts,
	"BEFORE and AFTER are one inventory each, in any format fallout reads\n"
	"(docs/importers.md), or snapshots DB@LABEL; at most one may be -. To compare\n"
	"joined graphs, convert each first ('fallout convert A B -o before.xml').\n",
	{ "success (without --fail-on, whatever changed)", "worse by a --fail-on measure",
	  "usage error", CMD_EXIT_INPUT, CMD_EXIT_IO },
	operand,
};

/* Apps of `after` that are apps in `before` too, with their SPOF changes;
 * only apps with a change are kept. The id arrays point into `ids`. */
typedef struct spof_diff {
	fo_diffreport_spof *apps;
	size_t napps;
	uint32_t *ids; /* one arena: every introduced and removed node */
} spof_diff;

static void spof_diff_dispose(spof_diff *d)
{
	free(d->apps);
	free(d->ids);
}

/* The app of `before` with the id of `after`'s node a, or FO_NONE. */
static uint32_t match_app(const fo_graph *before, const fo_graph *after, uint32_t a)
{
	uint32_t v;
	if (fo_graph_node_kind(after, a) != FO_KIND_APP ||
	    fo_graph_lookup(before, fo_graph_node_id(after, a), &v) != FO_OK ||
	    fo_graph_node_kind(before, v) != FO_KIND_APP)
		return FO_NONE;
	return v;
}

/* O(sum of fail-set sizes × log). */
static int spof_diff_compute(spof_diff *out, const fo_graph *before, const fo_spof *sb,
			     const fo_graph *after, const fo_spof *sa)
{
	size_t total = 0, used = 0;
	uint32_t na = fo_graph_node_count(after);
	const uint32_t *f;
	for (uint32_t a = 0; a < na; a++) {
		uint32_t b = match_app(before, after, a);
		if (b != FO_NONE)
			total += fo_spof_fail_set(sa, a, &f) + fo_spof_fail_set(sb, b, &f);
	}
	out->apps = calloc(na ? na : 1, sizeof *out->apps);
	out->ids = malloc((total ? total : 1) * sizeof *out->ids);
	if (!out->apps || !out->ids)
		return FO_ENOMEM;
	for (uint32_t a = 0; a < na; a++) {
		uint32_t b = match_app(before, after, a), v;
		if (b == FO_NONE)
			continue;
		fo_diffreport_spof *s = &out->apps[out->napps];
		s->app = a;
		s->introduced = out->ids + used;
		size_t n = fo_spof_fail_set(sa, a, &f);
		for (size_t i = 0; i < n; i++)
			if (fo_graph_lookup(before, fo_graph_node_id(after, f[i]), &v) != FO_OK ||
			    !fo_spof_in_fail_set(sb, b, v))
				out->ids[used++] = f[i], s->nintroduced++;
		s->removed = out->ids + used;
		n = fo_spof_fail_set(sb, b, &f);
		for (size_t i = 0; i < n; i++)
			if (fo_graph_lookup(after, fo_graph_node_id(before, f[i]), &v) != FO_OK ||
			    !fo_spof_in_fail_set(sa, a, v))
				out->ids[used++] = f[i], s->nremoved++;
		if (s->nintroduced || s->nremoved)
			out->napps++;
	}
	return FO_OK;
}

/* Runs scenario i of each side and records the apps (of both) whose state
 * changed, in `after`'s order; counts apps down on each side. `changes` has
 * room for every app present in both. */
static int run_scenario(fo_diffreport_scenario *out, fo_diffreport_change *changes,
			fo_engine *eb, const fo_scenarios *scb, fo_engine *ea,
			const fo_scenarios *sca, size_t i)
{
	const fo_graph *before = fo_engine_graph(eb), *after = fo_engine_graph(ea);
	fo_scenario sc;
	fo_summary sum;
	int err;

	sc.nfail = fo_scenarios_fail(scb, i, &sc.fail);
	sc.ndestroy = fo_scenarios_destroy(scb, i, &sc.destroy);
	if ((err = fo_engine_run(eb, &sc)) < 0)
		return err;
	sc.nfail = fo_scenarios_fail(sca, i, &sc.fail);
	sc.ndestroy = fo_scenarios_destroy(sca, i, &sc.destroy);
	if ((err = fo_engine_run(ea, &sc)) < 0)
		return err;
	out->name = fo_scenarios_scenario_name(sca, i);
	fo_engine_summary(eb, &sum);
	out->apps_down_before = sum.apps_down;
	fo_engine_summary(ea, &sum);
	out->apps_down_after = sum.apps_down;
	out->worse = out->apps_down_after > out->apps_down_before;
	out->changes = changes;
	out->nchanges = 0;
	for (uint32_t a = 0; a < fo_graph_node_count(after); a++) {
		uint32_t b = match_app(before, after, a);
		if (b == FO_NONE)
			continue;
		fo_state sb = fo_engine_state(eb, b), sa = fo_engine_state(ea, a);
		if (sb == sa)
			continue;
		changes[out->nchanges++] = (fo_diffreport_change){ a, sb, sa };
		if (fo_diffreport_severity(sa) > fo_diffreport_severity(sb))
			out->worse = 1;
	}
	return FO_OK;
}

/* New pairs per app (--fail-on new-pair); the pair arrays owned. */
typedef struct pair_diff {
	fo_diffreport_pairs *apps;
	size_t napps;
} pair_diff;

static void pair_diff_dispose(pair_diff *d)
{
	for (size_t i = 0; i < d->napps; i++)
		free((void *)d->apps[i].pairs);
	free(d->apps);
	d->apps = NULL;
	d->napps = 0;
}

static int cmp_u32_pair(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

/* For each app of `after` that is an app of `before` too: its pairs
 * (order-2 failure sets) whose failure did not take it down before:
 * neither node (of those that existed) a SPOF of `before`, and, when both
 * existed, not a pair of `before` either. Only apps with such a pair are kept.
 * Cost: two fault trees and ZBDDs bounded to order 2 per app. */
static int pair_diff_compute(pair_diff *out, const fo_graph *before, const fo_spof *sb,
			     const fo_graph *after)
{
	uint32_t na = fo_graph_node_count(after);
	uint32_t *pa = NULL, *pb = NULL;
	size_t npa = 0, npb = 0;
	int err = FO_OK;
	out->apps = calloc(na ? na : 1, sizeof *out->apps);
	if (!out->apps)
		return FO_ENOMEM;
	for (uint32_t a = 0; a < na; a++) {
		uint32_t b = match_app(before, after, a);
		if (b == FO_NONE)
			continue;
		if ((err = fo_riskreport_pairs(after, a, 0, &pa, &npa, NULL)) < 0 ||
		    (err = fo_riskreport_pairs(before, b, 0, &pb, &npb, NULL)) < 0)
			goto done;
		size_t kept = 0;
		for (size_t i = 0; i < npa; i++) {
			uint32_t x, y, k[2];
			int hx = fo_graph_lookup(before, fo_graph_node_id(after, pa[2 * i]), &x) == FO_OK;
			int hy = fo_graph_lookup(before, fo_graph_node_id(after, pa[2 * i + 1]), &y) == FO_OK;
			/* Covered before: one of the two (that existed) took the
			 * app down alone, or both were a pair. */
			if ((hx && (x == b || fo_spof_in_fail_set(sb, b, x))) ||
			    (hy && (y == b || fo_spof_in_fail_set(sb, b, y))))
				continue;
			if (hx && hy) {
				k[0] = x < y ? x : y;
				k[1] = x < y ? y : x;
				if (npb && bsearch(k, pb, npb, 2 * sizeof *pb, cmp_u32_pair))
					continue;
			}
			pa[2 * kept] = pa[2 * i];
			pa[2 * kept + 1] = pa[2 * i + 1];
			kept++;
		}
		free(pb);
		pb = NULL;
		if (kept) {
			out->apps[out->napps++] = (fo_diffreport_pairs){ a, pa, kept };
			pa = NULL;
		}
		free(pa);
		pa = NULL;
	}
done:
	free(pa);
	free(pb);
	return err;
}

/* Resolves the scenario file, read once, against one side; on failure says
 * which side. */
static int bind_scenarios(fo_scenarios **out, const char *prog, const fo_scenarios *file,
			  const fo_graph *g, const char *side, const char *gpath)
{
	fo_diag *diag = NULL;
	int err;
	if (fo_diag_new(&diag, 100) < 0)
		return EXIT_IO;
	err = fo_scenarios_bind(out, file, g, diag);
	if (err != FO_OK) {
		cmd_diag_print(prog, diag, stderr);
		fprintf(stderr, "%s: ", prog);
		fo_diag_fputs_escaped(fo_scenarios_file(file), stderr);
		fprintf(stderr, ": does not apply to %s inventory '", side);
		fo_diag_fputs_escaped(gpath, stderr);
		fprintf(stderr, "' (%s); nothing was compared\n", fo_strerror(err));
	}
	fo_diag_free(diag);
	return err == FO_OK ? EXIT_OK : cmd_exit_for(err);
}

int cmd_diff(int argc, char **argv)
{
	const char *prog = spec.prog;
	diff_opts o = { 0 };
	static const fo_diffreport_format values[] = { FO_DIFFREPORT_TEXT, FO_DIFFREPORT_JSON,
						       FO_DIFFREPORT_MD };
	int status = EXIT_OK, err = FO_OK;
	fo_diag *diag = NULL;
	fo_graph *g[2] = { NULL, NULL };
	fo_spof *sp[2] = { NULL, NULL };
	fo_engine *e[2] = { NULL, NULL };
	fo_scenarios *sc[2] = { NULL, NULL }, *scf = NULL;
	fo_diff d = { 0 };
	spof_diff sd = { 0 };
	pair_diff pd = { 0 };
	fo_diffreport_scenario *rs = NULL;
	fo_diffreport_change *changes = NULL;
	fo_diffreport r = { 0 };
	cmd_out out = { 0 };

	if ((status = cmd_parse(&spec, &o, argc, argv)) != EXIT_OK) {
		if (status == CMD_DONE)
			status = EXIT_OK;
		goto done;
	}
	const char *const *paths = o.paths, *out_path = o.output, *scen_path = o.scenarios;
	int fail_new_spof = o.fail_new_spof, fail_more_down = o.fail_more_down;
	fo_diffreport_format fmt = values[o.format];
	if (!paths[1]) {
		status = cmd_usage_error(prog, paths[0] ? "missing AFTER" : "missing BEFORE and AFTER");
		goto done;
	}
	if (!strcmp(paths[0], "-") && !strcmp(paths[1], "-")) {
		status = cmd_usage_error(prog, "BEFORE and AFTER cannot both be - (standard input)");
		goto done;
	}
	if (scen_path && !strcmp(scen_path, "-") && (!strcmp(paths[0], "-") || !strcmp(paths[1], "-"))) {
		status = cmd_usage_error(prog, "an inventory and --scenarios cannot both be - (standard input)");
		goto done;
	}
	if (fail_more_down && !scen_path) {
		status = cmd_usage_error(prog, "--fail-on more-down needs --scenarios FILE");
		goto done;
	}
	for (int i = 0; i < 2; i++) {
		fo_diag_free(diag);
		diag = NULL;
		if (fo_diag_new(&diag, 100) < 0) {
			status = EXIT_IO;
			goto done;
		}
		if ((status = cmd_load_one(&g[i], prog, paths[i], &o.in)) != EXIT_OK)
			goto done;
	}
	if (scen_path) {
		/* Read once (a pipe or <(...) has no second read), resolved
		 * against each side. */
		fo_diag_free(diag);
		diag = NULL;
		if (fo_diag_new(&diag, 100) < 0) {
			status = EXIT_IO;
			goto done;
		}
		if ((err = fo_scenarios_read(&scf, scen_path, diag)) != FO_OK) {
			cmd_diag_print(prog, diag, stderr);
			if (err == FO_EINPUT)
				fprintf(stderr, "%s: %s: %zu error%s; nothing was compared\n", prog,
					strcmp(scen_path, "-") ? scen_path : "<stdin>",
					fo_diag_errors(diag), fo_diag_errors(diag) == 1 ? "" : "s");
			else if (err != FO_EIO)
				fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
			status = cmd_exit_for(err);
			err = FO_OK;
			goto done;
		}
		if ((status = bind_scenarios(&sc[0], prog, scf, g[0], "BEFORE", paths[0])) != EXIT_OK ||
		    (status = bind_scenarios(&sc[1], prog, scf, g[1], "AFTER", paths[1])) != EXIT_OK)
			goto done;
	}
	if ((err = fo_diff_graphs(&d, g[0], g[1])) < 0 ||
	    (err = fo_spof_compute(&sp[0], g[0])) < 0 ||
	    (err = fo_spof_compute(&sp[1], g[1])) < 0 ||
	    (err = spof_diff_compute(&sd, g[0], sp[0], g[1], sp[1])) < 0)
		goto fail;
	r.before = g[0];
	r.after = g[1];
	r.diff = &d;
	r.spof = sd.apps;
	r.nspof = sd.napps;
	for (size_t i = 0; i < sd.napps; i++)
		if (sd.apps[i].nintroduced)
			r.new_spof = 1;
	if (o.fail_new_pair) {
		if ((err = pair_diff_compute(&pd, g[0], sp[0], g[1])) < 0)
			goto fail;
		r.pairs_checked = 1;
		r.pairs = pd.apps;
		r.npairs = pd.napps;
		r.new_pair = pd.napps > 0;
	}
	if (scen_path) {
		/* One read bound twice: same scenarios in the same order. */
		size_t n = fo_scenarios_count(sc[1]), m = 0;
		for (uint32_t v = 0; v < fo_graph_node_count(g[1]); v++)
			m += match_app(g[0], g[1], v) != FO_NONE;
		m = m ? m : 1;
		rs = calloc(n ? n : 1, sizeof *rs);
		if (n && m > SIZE_MAX / sizeof *changes / n) {
			err = FO_ENOMEM;
			goto fail;
		}
		changes = malloc((n ? n : 1) * m * sizeof *changes);
		if (!rs || !changes) {
			err = FO_ENOMEM;
			goto fail;
		}
		if ((err = fo_engine_new(&e[0], g[0])) < 0 || (err = fo_engine_new(&e[1], g[1])) < 0)
			goto fail;
		for (size_t i = 0; i < n; i++) {
			if ((err = run_scenario(&rs[i], changes + i * m, e[0], sc[0], e[1], sc[1],
						i)) < 0)
				goto fail;
			if (rs[i].worse)
				r.more_down = 1;
		}
		r.scenarios = rs;
		r.nscenarios = n;
		r.scenarios_name = fo_scenarios_name(sc[1]);
	}
	if ((status = cmd_out_open(&out, prog, out_path)) != EXIT_OK)
		goto done;
	err = fo_diffreport_write(out.fp, &r, fmt);
	status = cmd_out_close(&out, prog, err == FO_OK);
	if (status == EXIT_OK && err == FO_OK &&
	    ((fail_new_spof && r.new_spof) || (fail_more_down && r.more_down) ||
	     (o.fail_new_pair && r.new_pair)))
		status = EXIT_FINDINGS;
fail:
	if (err < 0) {
		if (err != FO_EIO)
			fprintf(stderr, "%s: %s\n", prog, fo_strerror(err));
		if (status == EXIT_OK)
			status = cmd_exit_for(err);
	}
done:
	if (out.fp)
		cmd_out_close(&out, prog, 0);
	free(changes);
	free(rs);
	spof_diff_dispose(&sd);
	pair_diff_dispose(&pd);
	fo_diff_dispose(&d);
	for (int i = 1; i >= 0; i--) {
		fo_engine_free(e[i]);
		fo_scenarios_free(sc[i]);
		fo_spof_free(sp[i]);
		fo_graph_free(g[i]);
	}
	fo_scenarios_free(scf);
	fo_diag_free(diag);
	return status;
}
