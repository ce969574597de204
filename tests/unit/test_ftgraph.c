/*
 * test_ftgraph.c — an inventory's app as a fault tree (risk/fo_ftgraph.h).
 *
 * The proof of the translation: on hundreds of small random inventories
 * (tests/unit/helpers/rgraph.h: K of n groups, containment, copies,
 * degrades, cycles), the tree of every node is evaluated under EVERY subset
 * of the graph's nodes and compared with the engine: FO_F_DOWN of the node
 * after `--fail SUBSET` (FO_FTG_DOWN), and "needs lost data" after
 * `--destroy SUBSET` (FO_FTG_LOST). The reference of the latter is what
 * whatif and the reports print: fo_report__lostdeps (reports/lostdata.c)
 * over the engine's lost nodes — the engine itself has no per-node accessor
 * for it. Then hand cases: each rule's gate, the cone, names, sharing,
 * cycles, the limit of the unfolding.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "analyzer/fo_engine.h"
#include "graphs/fo_error.h"
#include "graphs/fo_ft.h"
#include "helpers/fixture.h"
#include "helpers/rgraph.h"
#include "graphs/fo_snapshot.h"
#include "importers/fo_inventory.h"
#include "importers/fo_invwrite.h"
#include "reports/report_int.h"
#include "risk/fo_ftgraph.h"
#include "risk/fo_risk.h"

/* ----------------------------------------------------------- evaluator */

/* The top of ft under an assignment of its events (ev[e] != 0: event e
 * happens). Nodes are numbered after their arguments, so one pass in order
 * evaluates everything. val: scratch of fo_ft_node_count entries. */
static int ft_eval(const fo_ft *ft, const unsigned char *ev, unsigned char *val)
{
	uint32_t n = fo_ft_node_count(ft);
	for (uint32_t x = 0; x < n; x++) {
		const uint32_t *a;
		size_t na = fo_ft_node_args(ft, x, &a), cnt = 0;
		for (size_t i = 0; i < na; i++) {
			assert_true(a[i] < x);
			cnt += val[a[i]];
		}
		switch (fo_ft_node_op(ft, x)) {
		case FO_FT_EVENT:
			val[x] = ev[fo_ft_node_event(ft, x)] != 0;
			break;
		case FO_FT_AND:
			val[x] = cnt == na;
			break;
		case FO_FT_OR:
			val[x] = cnt > 0;
			break;
		case FO_FT_ATLEAST:
			val[x] = cnt >= fo_ft_node_k(ft, x);
			break;
		case FO_FT_NOT:
			val[x] = cnt == 0;
			break;
		case FO_FT_XOR:
			val[x] = cnt % 2;
			break;
		case FO_FT_CONST:
			val[x] = fo_ft_node_k(ft, x) != 0;
			break;
		}
	}
	return val[fo_ft_top(ft)];
}

/* The top under "exactly the events whose node (ref) is in set". */
static int eval_set(const fo_ft *ft, const unsigned char *in_set, unsigned char *ev,
		    unsigned char *val)
{
	for (uint32_t e = 0; e < fo_ft_event_count(ft); e++)
		ev[e] = in_set[fo_ft_event_ref(ft, e)];
	return ft_eval(ft, ev, val);
}

static fo_ft *build(const fo_graph *g, uint32_t app, fo_ftg_event event)
{
	fo_ftg_opts o = { .event = event };
	fo_ft *ft = NULL;
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	int err = fo_ftgraph_build(g, app, &o, &ft, d);
	if (err != FO_OK)
		fo_diag_print(d, stderr);
	assert_int_equal(err, FO_OK);
	assert_non_null(ft);
	fo_diag_free(d);
	return ft;
}

/* What every built tree must be: the top set, named by the app; events in
 * document order, named by their node, one per node, with the node as ref
 * and p unknown (no failure data in these graphs); coherent; no two gates
 * alike (same op, k and arguments). */
static void check_shape(const fo_graph *g, uint32_t app, const fo_ft *ft)
{
	uint32_t n = fo_ft_node_count(ft), ne = fo_ft_event_count(ft);
	assert_true(fo_ft_top(ft) < n);
	assert_string_equal(fo_ft_name(ft), fo_graph_node_id(g, app));
	assert_int_equal(fo_ft_is_coherent(ft), 1);
	for (uint32_t e = 0; e < ne; e++) {
		uint32_t ref = fo_ft_event_ref(ft, e);
		assert_true(ref < fo_graph_node_count(g));
		if (e > 0)
			assert_true(fo_ft_event_ref(ft, e - 1) < ref);
		assert_string_equal(fo_ft_event_name(ft, e), fo_graph_node_id(g, ref));
		assert_true(fo_ft_event_p(ft, e) < 0);
	}
	for (uint32_t x = 0; x < n; x++) {
		if (fo_ft_node_op(ft, x) == FO_FT_EVENT)
			continue;
		const uint32_t *a, *b;
		size_t na = fo_ft_node_args(ft, x, &a);
		/* a constant is only ever the whole tree */
		if (fo_ft_node_op(ft, x) == FO_FT_CONST)
			assert_int_equal(x, fo_ft_top(ft));
		for (size_t i = 0; i < na; i++)
			assert_int_not_equal(fo_ft_node_op(ft, a[i]), FO_FT_CONST);
		for (uint32_t y = 0; y < x; y++) {
			size_t nb = fo_ft_node_args(ft, y, &b);
			if (fo_ft_node_op(ft, y) == fo_ft_node_op(ft, x) &&
			    fo_ft_node_k(ft, y) == fo_ft_node_k(ft, x) && na == nb &&
			    memcmp(a, b, na * sizeof *a) == 0 && fo_ft_node_op(ft, x) != FO_FT_CONST)
				fail_msg("gates %u and %u are the same", (unsigned)x, (unsigned)y);
		}
	}
}

/* The nodes of app's cone along hard groups (what FO_FTG_DOWN may name). */
static void hard_cone(const fo_graph *g, uint32_t app, unsigned char *in)
{
	uint32_t n = fo_graph_node_count(g), *q = malloc(n * sizeof *q), head = 0, tail = 0;
	assert_non_null(q);
	memset(in, 0, n);
	in[app] = 1;
	q[tail++] = app;
	while (head < tail) {
		uint32_t v = q[head++], first, cnt;
		fo_graph_node_groups(g, v, &first, &cnt);
		for (uint32_t gi = first; gi < first + cnt; gi++) {
			fo_group_info gr;
			fo_graph_group(g, gi, &gr);
			if (!fo_group_type_is_hard(gr.type))
				continue;
			for (uint32_t i = 0; i < gr.n; i++)
				if (!in[gr.members[i]]) {
					in[gr.members[i]] = 1;
					q[tail++] = gr.members[i];
				}
		}
	}
	free(q);
}

/* ---------------------------------------------- exhaustive random check */

static uint64_t rng = 0x853c49e6748fea9bull;

/* Whether g has a dependency cycle along hard groups (for the count that
 * shows cycles were covered). */
static int has_cycle(const fo_graph *g)
{
	unsigned char *in = malloc(fo_graph_node_count(g));
	int cyc = 0;
	assert_non_null(in);
	for (uint32_t v = 0; v < fo_graph_node_count(g) && !cyc; v++) {
		uint32_t first, cnt;
		fo_graph_node_groups(g, v, &first, &cnt);
		for (uint32_t gi = first; gi < first + cnt && !cyc; gi++) {
			fo_group_info gr;
			fo_graph_group(g, gi, &gr);
			if (!fo_group_type_is_hard(gr.type))
				continue;
			for (uint32_t i = 0; i < gr.n && !cyc; i++) {
				hard_cone(g, gr.members[i], in);
				cyc = in[v];
			}
		}
	}
	free(in);
	return cyc;
}

static void exhaustive(uint32_t graphs, uint32_t min_n, uint32_t max_n)
{
	uint32_t cyclic = 0, lost_cases = 0, checks = 0;
	for (uint32_t gno = 0; gno < graphs; gno++) {
		rgraph_params p = {
			.n = min_n + rgraph_rnd(&rng, max_n - min_n + 1),
			.contain_pct = rgraph_rnd(&rng, 60),
			.max_groups = 1 + rgraph_rnd(&rng, 3),
			.soft_pct = rgraph_rnd(&rng, 40),
			.copy_pct = rgraph_rnd(&rng, 60),
			.max_size = 1 + rgraph_rnd(&rng, 4),
			.flat_in = 1,
		};
		fo_graph *g = rgraph_new(&rng, &p);
		uint32_t n = p.n;
		fo_ft **down = calloc(n, sizeof *down), **lost = calloc(n, sizeof *lost);
		unsigned char *in = malloc(n), *cone = malloc(n), ev[64], val[4096];
		uint32_t *set = malloc(n * sizeof *set);
		fo_engine *e = NULL;
		assert_true(down && lost && in && cone && set);
		cyclic += has_cycle(g) != 0;
		for (uint32_t v = 0; v < n; v++) {
			down[v] = build(g, v, FO_FTG_DOWN);
			lost[v] = build(g, v, FO_FTG_LOST);
			check_shape(g, v, down[v]);
			check_shape(g, v, lost[v]);
			assert_true(fo_ft_node_count(down[v]) <= sizeof val);
			assert_true(fo_ft_node_count(lost[v]) <= sizeof val);
			/* a node outside the cone gets no event (and the app's
			 * own failure always matters) */
			hard_cone(g, v, cone);
			for (uint32_t ei = 0; ei < fo_ft_event_count(down[v]); ei++)
				assert_true(cone[fo_ft_event_ref(down[v], ei)]);
			int own = 0;
			for (uint32_t ei = 0; ei < fo_ft_event_count(down[v]); ei++)
				own |= fo_ft_event_ref(down[v], ei) == v;
			assert_true(own);
		}
		assert_int_equal(fo_engine_new(&e, g), FO_OK);
		for (uint32_t mask = 0; mask < (1u << n); mask++) {
			size_t ns = 0;
			for (uint32_t v = 0; v < n; v++) {
				in[v] = (mask >> v) & 1;
				if (in[v])
					set[ns++] = v;
			}
			fo_scenario sc = { .fail = set, .nfail = ns };
			assert_int_equal(fo_engine_run(e, &sc), FO_OK);
			for (uint32_t v = 0; v < n; v++) {
				int want = (fo_engine_flags(e, v) & FO_F_DOWN) != 0;
				if (eval_set(down[v], in, ev, val) != want)
					fail_msg("random graph #%u (%u nodes), node n%u, failed set 0x%x: "
						 "engine says %s", (unsigned)gno, (unsigned)n, (unsigned)v,
						 (unsigned)mask, want ? "down" : "not down");
			}
			fo_scenario sd = { .destroy = set, .ndestroy = ns };
			assert_int_equal(fo_engine_run(e, &sd), FO_OK);
			const uint32_t *imp;
			size_t nimp = fo_engine_impacted(e, &imp);
			fo_lostdeps ld;
			assert_int_equal(fo_report__lostdeps(&ld, e, imp, nimp), FO_OK);
			for (uint32_t v = 0; v < n; v++) {
				int want = fo_report__lost_rep(&ld, v) != FO_NONE;
				lost_cases += want;
				if (eval_set(lost[v], in, ev, val) != want)
					fail_msg("random graph #%u (%u nodes), node n%u, destroyed set 0x%x: "
						 "engine says it %s lost data", (unsigned)gno, (unsigned)n,
						 (unsigned)v, (unsigned)mask, want ? "needs" : "needs no");
				checks += 2;
			}
			fo_report__lostdeps_dispose(&ld);
		}
		for (uint32_t v = 0; v < n; v++) {
			fo_ft_free(down[v]);
			fo_ft_free(lost[v]);
		}
		fo_engine_free(e);
		fo_graph_free(g);
		free(down);
		free(lost);
		free(in);
		free(cone);
		free(set);
	}
	print_message("%u graphs (%u with hard cycles), %u evaluations, %u needing lost data\n",
		      (unsigned)graphs, (unsigned)cyclic, (unsigned)checks, (unsigned)lost_cases);
	/* the generator must have covered what this test is about */
	assert_true(cyclic > graphs / 10);
	assert_true(lost_cases > 0);
}

static void random_exhaustive(void **state)
{
	(void)state;
	exhaustive(300, 2, 10);
}

/* ------------------------------------------------------------ hand cases */

typedef struct hc {
	fo_graph *g;
	fo_ft *ft;
} hc;

static hc mk(const char *spec, const char *app, fo_ftg_event event)
{
	hc h = { 0 };
	assert_int_equal(fx_graph(&h.g, spec, NULL), FO_OK);
	h.ft = build(h.g, fx_id(h.g, app), event);
	check_shape(h.g, fx_id(h.g, app), h.ft);
	return h;
}

static void rm(hc *h)
{
	fo_ft_free(h->ft);
	fo_graph_free(h->g);
}

/* The events' ids, space-separated, in event order. */
static void events_are(const hc *h, const char *want)
{
	char buf[512] = "";
	for (uint32_t e = 0; e < fo_ft_event_count(h->ft); e++) {
		if (e)
			strcat(buf, " ");
		strcat(buf, fo_ft_event_name(h->ft, e));
	}
	assert_string_equal(buf, want);
}

/* The top with exactly the listed ids' events happening. */
static int top_with(const hc *h, const char *ids)
{
	unsigned char in[64] = { 0 }, ev[64], val[512];
	char buf[256], *save = NULL;
	snprintf(buf, sizeof buf, "%s", ids);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		in[fx_id(h->g, t)] = 1;
	assert_true(fo_ft_node_count(h->ft) <= sizeof val);
	return eval_set(h->ft, in, ev, val);
}

/* The gate named `name`, or FO_NONE. */
static uint32_t named(const hc *h, const char *name)
{
	for (uint32_t x = 0; x < fo_ft_node_count(h->ft); x++)
		if (fo_ft_node_op(h->ft, x) != FO_FT_EVENT && fo_ft_node_name(h->ft, x) &&
		    strcmp(fo_ft_node_name(h->ft, x), name) == 0)
			return x;
	return FO_NONE;
}

static void containment(void **state)
{
	(void)state;
	hc h = mk("N room room\nN rack rack\nN host host\nN app app\nN other host\n"
		  "rack @ room\nhost @ rack\napp > host\nother @ rack\n",
		  "app", FO_FTG_DOWN);
	/* every place above the host takes the app down; the host's
	 * neighbour in the rack is not in the cone */
	events_are(&h, "room rack host app");
	assert_int_equal(top_with(&h, ""), 0);
	assert_int_equal(top_with(&h, "room"), 1);
	assert_int_equal(top_with(&h, "rack"), 1);
	assert_int_equal(top_with(&h, "host"), 1);
	assert_int_equal(top_with(&h, "app"), 1);
	/* a chain of single dependencies: one OR per node, each named */
	uint32_t t = fo_ft_top(h.ft);
	assert_string_equal(fo_ft_node_name(h.ft, t), "app down");
	assert_int_equal(fo_ft_node_op(h.ft, t), FO_FT_OR);
	assert_int_not_equal(named(&h, "host down"), FO_NONE);
	assert_int_not_equal(named(&h, "rack down"), FO_NONE);
	/* room depends on nothing: its gate is its event */
	assert_int_equal(named(&h, "room down"), FO_NONE);
	rm(&h);
}

static void k_of_n(void **state)
{
	(void)state;
	hc h = mk("N app app\napp > 2: a b c\n", "app", FO_FTG_DOWN);
	events_are(&h, "app a b c");
	/* needs 2 of 3: down when 2 of them are */
	assert_int_equal(top_with(&h, "a"), 0);
	assert_int_equal(top_with(&h, "c"), 0);
	assert_int_equal(top_with(&h, "a c"), 1);
	assert_int_equal(top_with(&h, "a b c"), 1);
	uint32_t t = fo_ft_top(h.ft);
	const uint32_t *a;
	assert_int_equal(fo_ft_node_args(h.ft, t, &a), 2);
	assert_int_equal(fo_ft_node_op(h.ft, a[1]), FO_FT_ATLEAST);
	assert_int_equal(fo_ft_node_k(h.ft, a[1]), 2);
	rm(&h);

	/* 1 of n: all must be down (AND); n of n: any (OR) */
	h = mk("N app app\napp > 1: a b c\n", "app", FO_FTG_DOWN);
	assert_int_equal(top_with(&h, "a b"), 0);
	assert_int_equal(top_with(&h, "a b c"), 1);
	rm(&h);
	h = mk("N app app\napp > 3: a b c\n", "app", FO_FTG_DOWN);
	assert_int_equal(top_with(&h, "b"), 1);
	rm(&h);
}

static void copies(void **state)
{
	(void)state;
	hc h = mk("N app app\nN d dataset\napp > d\nd copy h1 h2\n", "app", FO_FTG_DOWN);
	events_are(&h, "app d h1 h2");
	assert_int_equal(top_with(&h, "h1"), 0);
	assert_int_equal(top_with(&h, "h1 h2"), 1);
	assert_int_equal(top_with(&h, "d"), 1);
	rm(&h);
}

static void degrades_ignored(void **state)
{
	(void)state;
	hc h = mk("N app app\napp ~> cdn\napp ~> 1: x y\napp > db\n", "app", FO_FTG_DOWN);
	events_are(&h, "app db");
	assert_int_equal(top_with(&h, "cdn x y"), 0);
	rm(&h);
	/* nothing hard at all: the tree is the app's event */
	h = mk("N app app\napp ~> cdn\n", "app", FO_FTG_DOWN);
	events_are(&h, "app");
	assert_int_equal(fo_ft_node_op(h.ft, fo_ft_top(h.ft)), FO_FT_EVENT);
	rm(&h);
}

static void outside_cone(void **state)
{
	(void)state;
	/* `user` depends on the app, `z` is unrelated, `w` only degrades it:
	 * none of their failures can take the app down */
	hc h = mk("N z\nN user app\nN app app\nuser > app\napp > db\nw ~> app\napp ~> w\n", "app",
		  FO_FTG_DOWN);
	events_are(&h, "app db");
	rm(&h);
}

static void cycles(void **state)
{
	(void)state;
	/* a and b need each other: either failing takes both down */
	hc h = mk("N app app\napp > a\na > b\nb > a\n", "app", FO_FTG_DOWN);
	events_are(&h, "app a b");
	assert_int_equal(top_with(&h, "b"), 1);
	assert_int_equal(top_with(&h, ""), 0);
	rm(&h);

	/* y needs x or the app: in the least fixed point "x failed" alone
	 * never takes y down (the app is up unless something else failed),
	 * and when the app is down y follows it anyway: x cannot matter, and
	 * gets no event */
	h = mk("N app app\napp > y\ny > 1: x app\n", "app", FO_FTG_DOWN);
	events_are(&h, "app y");
	assert_int_equal(top_with(&h, "x"), 0);
	rm(&h);

	/* absorption: the app needs a, and 1 of {a, x}: a & (a | x) is a in
	 * the down world (a | (a & x)), so x cannot matter and gets no event;
	 * in a gate further down, the absorption is not seen and the node
	 * keeps an event that is in no cut set (docs/risk.md, "What may
	 * remain"): here y (a | x | (a & y)) */
	h = mk("N app app\napp > a\napp > 1: a x\n", "app", FO_FTG_DOWN);
	events_are(&h, "app a");
	rm(&h);
	h = mk("N app app\napp > 2: a x\nx > 1: a y\n", "app", FO_FTG_DOWN);
	events_are(&h, "app a x y");
	assert_int_equal(top_with(&h, "y"), 0);
	assert_int_equal(top_with(&h, "a"), 1);
	rm(&h);

	/* a self-dependency and a 2-of-3 quorum whose members need each
	 * other */
	h = mk("N app app\napp > q\nq > 2: m1 m2 m3\nm1 > m2\nm2 > m3\nm3 > m1\nm1 > m1\n", "app",
	       FO_FTG_DOWN);
	events_are(&h, "app q m1 m2 m3");
	assert_int_equal(top_with(&h, "m2"), 1);
	rm(&h);

	/* datasets keeping copies on each other: with both hosts destroyed,
	 * each still holds the other's copy (the least fixed point: nothing
	 * makes the first of them lost), as the engine says; destroying the
	 * dataset node that holds the copy loses it, and destroying d1 with
	 * both hosts loses d2, and so d1 */
	h = mk("N app app\nN d1 dataset\nN d2 dataset\napp > d1\nd1 copy d2 h1\nd2 copy d1 h2\n",
	       "app", FO_FTG_LOST);
	events_are(&h, "d1 d2 h1 h2");
	assert_int_equal(top_with(&h, "h1"), 0);
	assert_int_equal(top_with(&h, "h1 h2"), 0);
	assert_int_equal(top_with(&h, "h1 d2"), 1);
	assert_int_equal(top_with(&h, "d1 h1 h2"), 1);
	assert_int_equal(top_with(&h, "d1 h1"), 0);
	rm(&h);
}

static void lost_data(void **state)
{
	(void)state;
	/* the ledger's copies: h1 in a rack, h2 elsewhere; destroying the
	 * rack and h2 loses it, and the app needs it */
	hc h = mk("N app app\nN ledger dataset\nN rack rack\nN h1 host\nN h2 host\n"
		  "app > ledger\nledger copy h1 h2\nh1 @ rack\napp > cache\n",
		  "app", FO_FTG_LOST);
	/* destroying the dataset's own node loses nothing: only its holders
	 * matter (docs/semantics.md, rule 2) */
	events_are(&h, "rack h1 h2");
	assert_int_equal(top_with(&h, "rack"), 0);
	assert_int_equal(top_with(&h, "rack h2"), 1);
	assert_int_equal(top_with(&h, "h1 h2"), 1);
	/* destroying the app itself or the cache loses no data */
	assert_int_equal(top_with(&h, "h1"), 0);
	/* the app needs lost data exactly when the ledger does, which is
	 * exactly when the ledger is lost: one gate, named after the top */
	assert_int_equal(named(&h, "app needs lost data"), fo_ft_top(h.ft));
	assert_int_equal(named(&h, "ledger needs lost data"), FO_NONE);
	assert_int_equal(named(&h, "ledger lost"), FO_NONE);
	assert_int_not_equal(named(&h, "h1 destroyed"), FO_NONE);
	rm(&h);

	/* an app that needs no data with copies can never need lost data */
	h = mk("N app app\napp > svc\nsvc @ rack\n", "app", FO_FTG_LOST);
	events_are(&h, "");
	assert_int_equal(fo_ft_node_op(h.ft, fo_ft_top(h.ft)), FO_FT_CONST);
	assert_int_equal(fo_ft_node_k(h.ft, fo_ft_top(h.ft)), 0);
	rm(&h);

	/* 1 of two datasets: lost data is needed only when both are lost */
	h = mk("N app app\napp > 1: d1 d2\nd1 copy h1\nd2 copy h2\n", "app", FO_FTG_LOST);
	assert_int_equal(top_with(&h, "h1"), 0);
	assert_int_equal(top_with(&h, "h1 h2"), 1);
	rm(&h);
}

static void sharing(void **state)
{
	(void)state;
	/* two services on one host, both needed: the host's gate is made once
	 * and used twice */
	hc h = mk("N app app\napp > s1\napp > s2\ns1 > host\ns2 > host\nhost @ rack\n", "app",
		  FO_FTG_DOWN);
	uint32_t host = named(&h, "host down"), uses = 0;
	assert_int_not_equal(host, FO_NONE);
	for (uint32_t x = 0; x < fo_ft_node_count(h.ft); x++) {
		const uint32_t *a;
		size_t na = fo_ft_node_args(h.ft, x, &a);
		for (size_t i = 0; i < na; i++)
			uses += a[i] == host;
	}
	assert_int_equal(uses, 2);
	rm(&h);
}

static void hostile_names(void **state)
{
	(void)state;
	fo_builder *b = NULL;
	fo_diag *d = NULL;
	fo_graph *g = NULL;
	uint32_t a, x;
	const char *id = "app \"q\" \\ <b>\n\xe4\xb8\xad";
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_builder_new(&b, d, "t"), FO_OK);
	assert_int_equal(fo_builder_add_node(b, id, "app", NULL, NULL, 0, (fo_pos){ 1, 1 }, &a), FO_OK);
	assert_int_equal(fo_builder_add_node(b, "x", "host", NULL, NULL, 0, (fo_pos){ 2, 1 }, &x), FO_OK);
	assert_int_equal(fo_builder_group_begin(b, a, FO_GROUP_REQUIRES, 0, (fo_pos){ 1, 1 }), FO_OK);
	assert_int_equal(fo_builder_group_add(b, "x", (fo_pos){ 1, 1 }), FO_OK);
	assert_int_equal(fo_builder_group_end(b), FO_OK);
	assert_int_equal(fo_builder_finish(b, &g), FO_OK);
	fo_ft *ft = build(g, a, FO_FTG_DOWN);
	assert_string_equal(fo_ft_name(ft), id);
	assert_string_equal(fo_ft_event_name(ft, 0), id);
	char want[64];
	snprintf(want, sizeof want, "%s down", id);
	assert_string_equal(fo_ft_node_name(ft, fo_ft_top(ft)), want);
	fo_ft_free(ft);
	fo_graph_free(g);
	fo_builder_free(b);
	fo_diag_free(d);
}

static void bad_arguments(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_ft *ft = (fo_ft *)&ft;
	fo_ftg_opts o = { .event = (fo_ftg_event)7 };
	assert_int_equal(fx_graph(&g, "N app app\n", NULL), FO_OK);
	assert_int_equal(fo_ftgraph_build(g, 1, NULL, &ft, NULL), FO_EINVAL);
	assert_null(ft);
	assert_int_equal(fo_ftgraph_build(g, 0, &o, &ft, NULL), FO_EINVAL);
	assert_int_equal(fo_ftgraph_build(NULL, 0, NULL, &ft, NULL), FO_EINVAL);
	assert_int_equal(fo_ftgraph_build(g, 0, NULL, NULL, NULL), FO_EINVAL);
	/* opts NULL: DOWN */
	assert_int_equal(fo_ftgraph_build(g, 0, NULL, &ft, NULL), FO_OK);
	assert_int_equal(fo_ft_event_count(ft), 1);
	fo_ft_free(ft);
	fo_graph_free(g);
}

/* Every node needs all the others but one to be up, in one cycle: the
 * exact unfolding is exponential, and the build says so instead of
 * running for hours. */
static void entangled_cycle_limit(void **state)
{
	(void)state;
	char spec[8192], *p = spec;
	const int n = 40;
	p += sprintf(p, "N app app\napp > n0\n");
	for (int i = 0; i < n; i++) {
		p += sprintf(p, "n%d > %d:", i, n - 2);
		for (int j = 0; j < n; j++)
			if (j != i)
				p += sprintf(p, " n%d", j);
		p += sprintf(p, "\n");
	}
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	fo_ft *ft = NULL;
	assert_int_equal(fx_graph(&g, spec, NULL), FO_OK);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_ftgraph_build(g, fx_id(g, "app"), NULL, &ft, d), FO_ELIMIT);
	assert_null(ft);
	assert_int_equal(fo_diag_count(d), 1);
	const char *msg = fo_diag_get(d, 0)->msg;
	assert_non_null(strstr(msg, "the dependency cycle through 'n"));
	assert_non_null(strstr(msg, "(40 nodes) is too entangled to translate into a fault tree exactly"));
	/* without a diag: the same status, nothing said */
	assert_int_equal(fo_ftgraph_build(g, fx_id(g, "app"), NULL, &ft, NULL), FO_ELIMIT);
	assert_null(ft);
	fo_diag_free(d);
	fo_graph_free(g);
}


/* ---------------------------------------------------------- failure data */

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/fo-ftg-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *tmp(const char *name)
{
	static char buf[4][128];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

static const char *write_file(const char *name, const char *text)
{
	const char *path = tmp(name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* Loads text as an inventory: the graph (NULL on errors) and, in msgs, every
 * diagnostic as "LINE:COL: message" one per line. */
static fo_graph *load_text(const char *text, char *msgs, size_t cap)
{
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	const char *path = write_file("in.xml", text);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	int err = fo_inventory_load(&g, path, NULL, d);
	msgs[0] = '\0';
	size_t *order = NULL;
	assert_int_equal(fo_diag_order(d, &order), FO_OK);
	for (size_t i = 0; i < fo_diag_count(d); i++) {
		const fo_diag_entry *e = fo_diag_get(d, order[i]);
		size_t len = strlen(msgs);
		snprintf(msgs + len, cap - len, "%lu:%lu: %s [%s]\n", e->line, e->col, e->msg,
			 e->code ? e->code : "-");
	}
	free(order);
	assert_int_equal(err == FO_OK, g != NULL);
	fo_diag_free(d);
	return g;
}

static double p_of(const fo_graph *g, const char *id)
{
	return fo_ftgraph_node_p(g, fx_id(g, id));
}

static const char *FD_OK =
	"<inventory version=\"1\">\n"
	"  <failure-data kind=\"host\" mtbf=\"9996\" mttr=\"4\"/>\n"
	"  <failure-data kind=\"cvm\" p=\"5e-4\"/>\n"
	"  <failure-data kind=\"building\" p=\" 0.25 \"/>\n"
	"  <node id=\"dc\" kind=\"building\"/>\n"
	"  <node id=\"h1\" kind=\"host\" in=\"dc\"/>\n"
	"  <node id=\"h2\" kind=\"host\" p=\"0\"/>\n"
	"  <node id=\"h3\" kind=\"host\" mtbf=\"8760\" mttr=\"0\" owner=\"ops\"/>\n"
	"  <node id=\"v1\" kind=\"ec2\"><requires ref=\"h1\"/></node>\n"
	"  <node id=\"v2\" kind=\"vm\" p=\"1\"/>\n"
	"  <node id=\"app\" kind=\"app\"><requires ref=\"v1\"/></node>\n"
	"</inventory>\n";

static void failure_data_values(void **state)
{
	(void)state;
	char msgs[2048];
	fo_graph *g = load_text(FD_OK, msgs, sizeof msgs);
	assert_string_equal(msgs, "");
	assert_non_null(g);
	/* own data, or the kind's default (an alias is its kind), else none */
	assert_true(p_of(g, "dc") == 0.25);
	assert_true(p_of(g, "h1") == 4.0 / 10000.0);
	assert_true(p_of(g, "h2") == 0);
	assert_true(p_of(g, "h3") == 0);
	assert_true(p_of(g, "v1") == 5e-4);
	assert_true(p_of(g, "v2") == 1);
	assert_true(p_of(g, "app") < 0);
	/* the defaults are the nodes' properties, as if written on them */
	const fo_prop *pr;
	size_t n = fo_graph_node_props(g, fx_id(g, "h1"), &pr);
	assert_int_equal(n, 2);
	assert_string_equal(pr[0].key, "mtbf");
	assert_string_equal(pr[0].value, "9996");
	assert_string_equal(pr[1].key, "mttr");
	/* the tree's events carry them */
	fo_ft *ft = build(g, fx_id(g, "app"), FO_FTG_DOWN);
	assert_int_equal(fo_ft_event_count(ft), 4);
	assert_string_equal(fo_ft_event_name(ft, 0), "dc");
	assert_true(fo_ft_event_p(ft, 0) == 0.25);
	assert_true(fo_ft_event_p(ft, 1) == 4.0 / 10000.0);
	assert_true(fo_ft_event_p(ft, 2) == 5e-4);
	assert_true(fo_ft_event_p(ft, 3) < 0); /* app: none */
	fo_ft_free(ft);
	fo_graph_free(g);

	/* the number syntax and the combinations read by fo_ftgraph_node_p */
	double x;
	assert_int_equal(fo_inventory_number("1e-3", &x), FO_OK);
	assert_true(x == 1e-3);
	assert_int_equal(fo_inventory_number(" .5 ", &x), FO_OK);
	assert_int_equal(fo_inventory_number("5.", &x), FO_OK);
	assert_int_equal(fo_inventory_number("-2E+2", &x), FO_OK);
	assert_true(x == -200);
	static const char *const bad[] = { "", " ", ".", "e5", "1e", "0x1p3", "inf", "nan", "1,5",
					   "1 5", "5%", "--1", "1e999" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (fo_inventory_number(bad[i], &x) != FO_EINPUT)
			fail_msg("'%s' read as a number", bad[i]);
	assert_true(fo_inventory_failure_p("0.1", NULL, NULL) == 0.1);
	assert_true(fo_inventory_failure_p(NULL, "3", "1") == 0.25);
	assert_true(fo_inventory_failure_p("0.1", "3", "1") < 0);
	assert_true(fo_inventory_failure_p(NULL, "3", NULL) < 0);
	assert_true(fo_inventory_failure_p(NULL, NULL, "1") < 0);
	assert_true(fo_inventory_failure_p("high", NULL, NULL) < 0);
	assert_true(fo_inventory_failure_p("1.01", NULL, NULL) < 0);
	assert_true(fo_inventory_failure_p(NULL, "0", "1") < 0);
	assert_true(fo_inventory_failure_p(NULL, "1", "-1") < 0);
	assert_true(fo_inventory_failure_p(NULL, NULL, NULL) < 0);
}

/* Each error of failure data, with its exact message, code and place. */
static void failure_data_errors(void **state)
{
	(void)state;
	static const struct {
		const char *xml, *want;
	} cases[] = {
		{ "<node id=\"a\" kind=\"host\" p=\"1.5\"/>",
		  "2:29: bad p '1.5': a probability is between 0 and 1 [bad-failure-data]\n" },
		{ "<node id=\"a\" kind=\"host\" p=\"-0.1\"/>",
		  "2:29: bad p '-0.1': a probability is between 0 and 1 [bad-failure-data]\n" },
		{ "<node id=\"a\" kind=\"host\" p=\"10%\"/>",
		  "2:29: bad p '10%': not a number (write a decimal such as 0.0005 or 5e-4) [bad-failure-data]\n" },
		{ "<node id=\"a\" kind=\"host\" mtbf=\"0\" mttr=\"1\"/>",
		  "2:32: bad mtbf '0': the mean time between failures must be more than 0 hours [bad-failure-data]\n" },
		{ "<node id=\"a\" kind=\"host\" mtbf=\"ten\" mttr=\"1\"/>",
		  "2:32: bad mtbf 'ten': not a number of hours [bad-failure-data]\n" },
		{ "<node id=\"a\" kind=\"host\" mtbf=\"10\" mttr=\"-1\"/>",
		  "2:42: bad mttr '-1': the mean time to repair cannot be negative [bad-failure-data]\n" },
		{ "<node id=\"a\" kind=\"host\" mtbf=\"10\" mttr=\"1h\"/>",
		  "2:42: bad mttr '1h': not a number of hours [bad-failure-data]\n" },
		{ "<node id=\"a\" kind=\"host\" p=\"0.1\" mtbf=\"10\" mttr=\"1\"/>",
		  "2:26: p together with mtbf and mttr: give either p or mtbf and mttr [bad-failure-data]\n" },
		{ "<node id=\"a\" kind=\"host\" p=\"0.1\" mttr=\"1\"/>",
		  "2:26: p together with mttr: give either p or mtbf and mttr [bad-failure-data]\n" },
		{ "<node id=\"a\" kind=\"host\" mtbf=\"10\"/>",
		  "2:26: mtbf without mttr: p = mttr / (mtbf + mttr) needs both [bad-failure-data]\n" },
		{ "<node id=\"a\" kind=\"host\" mttr=\"10\"/>",
		  "2:26: mttr without mtbf: p = mttr / (mtbf + mttr) needs both [bad-failure-data]\n" },
		{ "<failure-data kind=\"host\" p=\"2\"/><node id=\"a\" kind=\"host\"/>",
		  "2:30: bad p '2': a probability is between 0 and 1 [bad-failure-data]\n" },
		{ "<failure-data kind=\"host\"/>",
		  "2:1: <failure-data> gives no failure data: write p=, or mtbf= and mttr= [bad-failure-data]\n" },
		{ "<failure-data p=\"0.1\"/>",
		  "2:1: missing attribute 'kind' on <failure-data> [missing-attribute]\n" },
		{ "<failure-data kind=\"Host\" p=\"0.1\"/>",
		  "2:21: bad kind 'Host': a kind is a lowercase word ([a-z][a-z0-9_-]*) [bad-kind]\n" },
		{ "<failure-data kind=\"hots\" p=\"0.1\"/><node id=\"a\" kind=\"host\"/>",
		  "2:21: <failure-data> for kind 'hots', which no node has and fallout does not know; "
		  "did you mean 'host'? [failure-data-kind]\n" },
		{ "<failure-data kind=\"vm\" p=\"0.1\"/>\n<failure-data kind=\"cvm\" p=\"0.2\"/>",
		  "3:21: second <failure-data> for kind 'vm' (first at line 2) [duplicate-failure-data]\n" },
		{ "<node id=\"a\" kind=\"host\"/><failure-data kind=\"host\" p=\"0.1\"/>",
		  "2:27: <failure-data> after the first <node>: declare the defaults before the nodes "
		  "[failure-data-order]\n" },
		{ "<failure-data kind=\"host\" p=\"0.1\" q=\"1\"/>",
		  "2:35: unknown attribute 'q' on <failure-data> [unknown-attribute]\n" },
		{ "<node id=\"a\" kind=\"host\"><failure-data kind=\"host\" p=\"0.1\"/></node>",
		  "2:26: element <failure-data> is not allowed in <node> [unknown-element]\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char xml[1024], msgs[2048];
		snprintf(xml, sizeof xml, "<inventory>\n%s\n</inventory>\n", cases[i].xml);
		fo_graph *g = load_text(xml, msgs, sizeof msgs);
		if (g || strcmp(msgs, cases[i].want) != 0)
			fail_msg("case %zu: got\n%swanted\n%s", i, msgs, cases[i].want);
	}
	/* a documented kind that no node has yet is fine (a shared header of
	 * defaults), and a node of an unknown kind makes its default used */
	char msgs[1024];
	fo_graph *g = load_text("<inventory><failure-data kind=\"dns\" p=\"0.1\"/>"
				"<failure-data kind=\"ups\" p=\"0.2\"/><node id=\"u\" kind=\"ups\"/>"
				"</inventory>",
				msgs, sizeof msgs);
	assert_string_equal(msgs, "");
	assert_true(p_of(g, "u") == 0.2);
	fo_graph_free(g);
}

/* Writes g with fo_invwrite into a file; returns its path. */
static const char *write_graph(const fo_graph *g, const char *name)
{
	const char *path = tmp(name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fo_invwrite(fp, g), FO_OK);
	assert_int_equal(fclose(fp), 0);
	return path;
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char *buf = malloc(1 << 16);
	assert_non_null(buf);
	size_t n = fread(buf, 1, (1 << 16) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void same_p(const fo_graph *a, const fo_graph *b)
{
	assert_int_equal(fo_graph_node_count(a), fo_graph_node_count(b));
	for (uint32_t v = 0; v < fo_graph_node_count(a); v++) {
		assert_string_equal(fo_graph_node_id(a, v), fo_graph_node_id(b, v));
		double x = fo_ftgraph_node_p(a, v), y = fo_ftgraph_node_p(b, v);
		if (!(x == y))
			fail_msg("%s: p %g then %g", fo_graph_node_id(a, v), x, y);
	}
}

/* The failure data means the same through a snapshot (rows and compiled
 * copy) and through convert's XML, read back: the defaults are written on
 * each node, and the second round is byte for byte the first. */
static void failure_data_round_trip(void **state)
{
	(void)state;
	char msgs[1024];
	fo_graph *g = load_text(FD_OK, msgs, sizeof msgs), *s = NULL, *x = NULL, *x2 = NULL;
	fo_diag *d = NULL;
	char *label = NULL;
	assert_non_null(g);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	const char *db = tmp("fd.db");
	assert_int_equal(fo_snapshot_save(&label, db, g, "one", NULL, NULL, d), FO_OK);
	assert_int_equal(fo_snapshot_load(&s, db, "one", d), FO_OK);
	assert_int_equal(fo_diag_count(d), 0);
	same_p(g, s);
	const char *out1 = write_graph(s, "out1.xml");
	char *text1 = slurp(out1);
	assert_null(strstr(text1, "failure-data"));
	assert_non_null(strstr(text1, "<node id=\"h1\" kind=\"host\" in=\"dc\" mtbf=\"9996\" mttr=\"4\"/>"));
	assert_int_equal(fo_inventory_load(&x, out1, NULL, d), FO_OK);
	same_p(g, x);
	char *text2 = slurp(write_graph(x, "out2.xml"));
	assert_string_equal(text1, text2);
	assert_int_equal(fo_inventory_load(&x2, tmp("out2.xml"), NULL, d), FO_OK);
	same_p(g, x2);
	free(text1);
	free(text2);
	free(label);
	fo_graph_free(g);
	fo_graph_free(s);
	fo_graph_free(x);
	fo_graph_free(x2);
	fo_diag_free(d);
}

/* Properties named p, mtbf, mttr from a source other than an inventory
 * need not be failure data: convert writes them as _p, ... so the output
 * reads back, with no failure data, as the graph has none. Valid ones stay
 * failure data. */
static void failure_data_foreign_props(void **state)
{
	(void)state;
	fo_builder *b = NULL;
	fo_diag *d = NULL;
	fo_graph *g = NULL, *back = NULL;
	uint32_t a, c, e;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_builder_new(&b, d, "cmdb"), FO_OK);
	assert_int_equal(fo_builder_add_node(b, "a", "host", NULL, NULL, 0, (fo_pos){ 1, 1 }, &a), FO_OK);
	assert_int_equal(fo_builder_add_prop(b, a, "p", "high"), FO_OK);
	assert_int_equal(fo_builder_add_prop(b, a, "mttr", "4"), FO_OK);
	assert_int_equal(fo_builder_add_node(b, "c", "host", NULL, NULL, 0, (fo_pos){ 2, 1 }, &c), FO_OK);
	assert_int_equal(fo_builder_add_prop(b, c, "mtbf", "100"), FO_OK);
	assert_int_equal(fo_builder_add_prop(b, c, "mttr", "25"), FO_OK);
	assert_int_equal(fo_builder_add_prop(b, c, "p", "0.3"), FO_OK); /* with both: not valid */
	assert_int_equal(fo_builder_add_node(b, "e", "host", NULL, NULL, 0, (fo_pos){ 3, 1 }, &e), FO_OK);
	assert_int_equal(fo_builder_add_prop(b, e, "p", "0.3"), FO_OK);
	assert_int_equal(fo_builder_add_prop(b, e, "p", "0.4"), FO_OK); /* the first counts */
	assert_int_equal(fo_builder_finish(b, &g), FO_OK);
	assert_true(fo_ftgraph_node_p(g, a) < 0);
	assert_true(fo_ftgraph_node_p(g, c) < 0);
	assert_true(fo_ftgraph_node_p(g, e) == 0.3);
	const char *path = write_graph(g, "foreign.xml");
	char *text = slurp(path);
	assert_non_null(strstr(text, "<node id=\"a\" kind=\"host\" _p=\"high\" _mttr=\"4\"/>"));
	assert_non_null(strstr(text, "<node id=\"c\" kind=\"host\" _mtbf=\"100\" _mttr=\"25\" _p=\"0.3\"/>"));
	assert_non_null(strstr(text, "<node id=\"e\" kind=\"host\" p=\"0.3\" p_2=\"0.4\"/>"));
	assert_int_equal(fo_inventory_load(&back, path, NULL, d), FO_OK);
	same_p(g, back);
	free(text);
	fo_graph_free(g);
	fo_graph_free(back);
	fo_builder_free(b);
	fo_diag_free(d);
}

/* ------------------------------------------- cut sets and availability */

/* The app's state after the engine ran `set` as failures (DOWN) or
 * destructions (LOST): the reference of everything below. */
static int engine_says(fo_engine *e, uint32_t app, fo_ftg_event ev, const uint32_t *set, size_t n)
{
	fo_scenario sc = { 0 };
	if (ev == FO_FTG_DOWN) {
		sc.fail = set;
		sc.nfail = n;
	} else {
		sc.destroy = set;
		sc.ndestroy = n;
	}
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);
	if (ev == FO_FTG_DOWN)
		return (fo_engine_flags(e, app) & FO_F_DOWN) != 0;
	const uint32_t *imp;
	size_t nimp = fo_engine_impacted(e, &imp);
	fo_lostdeps ld;
	assert_int_equal(fo_report__lostdeps(&ld, e, imp, nimp), FO_OK);
	int r = fo_report__lost_rep(&ld, app) != FO_NONE;
	fo_report__lostdeps_dispose(&ld);
	return r;
}

/* The listed sets, as sorted graph-node masks (graphs of at most 32
 * nodes here). */
typedef struct listing {
	const fo_ft *ft;
	uint32_t *masks;
	size_t n, cap;
	uint32_t last_order;
	int sorted_ok;
} listing;

static int on_set(void *arg, const uint32_t *events, uint32_t order, double p)
{
	listing *l = arg;
	(void)p;
	uint32_t m = 0;
	for (uint32_t i = 0; i < order; i++) {
		if (i > 0 && events[i - 1] >= events[i])
			l->sorted_ok = 0;
		m |= 1u << fo_ft_event_ref(l->ft, events[i]);
	}
	if (order < l->last_order)
		l->sorted_ok = 0;
	l->last_order = order;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->masks = realloc(l->masks, l->cap * sizeof *l->masks);
		assert_non_null(l->masks);
	}
	l->masks[l->n++] = m;
	return 0;
}

static int popcount(uint32_t m)
{
	int c = 0;
	for (; m; m &= m - 1)
		c++;
	return c;
}

/* Minimal sets of nodes taking the app down, by brute force over every
 * subset of at most max_order nodes (of all subsets when max_order is 0):
 * a set is minimal when the engine says yes for it and no for it minus any
 * one node (the rules are monotone). down[mask] caches the engine. Fills
 * per-order counts; returns the sets as masks (malloc'd). */
static uint32_t *brute_mcs(fo_engine *e, uint32_t n, uint32_t app, fo_ftg_event ev,
			   uint32_t max_order, size_t *count, unsigned long *per_order)
{
	uint32_t *out = NULL, set[32];
	size_t no = 0, cap = 0;
	memset(per_order, 0, 33 * sizeof *per_order);
	for (uint32_t mask = 0; mask < (1u << n); mask++) {
		int k = popcount(mask);
		if (max_order && k > (int)max_order)
			continue;
		size_t ns = 0;
		for (uint32_t v = 0; v < n; v++)
			if (mask >> v & 1)
				set[ns++] = v;
		if (!engine_says(e, app, ev, set, ns))
			continue;
		int minimal = 1;
		for (size_t i = 0; i < ns && minimal; i++) {
			uint32_t sub[32];
			size_t m = 0;
			for (size_t j = 0; j < ns; j++)
				if (j != i)
					sub[m++] = set[j];
			minimal = !engine_says(e, app, ev, sub, m);
		}
		if (!minimal)
			continue;
		if (no == cap) {
			cap = cap ? cap * 2 : 64;
			out = realloc(out, cap * sizeof *out);
			assert_non_null(out);
		}
		out[no++] = mask;
		per_order[k]++;
	}
	*count = no;
	return out;
}

static int cmp_mask(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void same_families(uint32_t *a, size_t na, uint32_t *b, size_t nb, const char *what, uint32_t gno,
			  uint32_t app)
{
	if (na > 1)
		qsort(a, na, sizeof *a, cmp_mask);
	if (nb > 1)
		qsort(b, nb, sizeof *b, cmp_mask);
	if (na != nb || (na && memcmp(a, b, na * sizeof *a) != 0))
		fail_msg("random graph #%u, node n%u, %s: %zu sets listed, %zu by brute force",
			 (unsigned)gno, (unsigned)app, what, na, nb);
}

/* A copy of ft whose event e has probability p[ref of e]. */
static fo_ft *with_p(const fo_ft *ft, const double *p)
{
	fo_ft *c = NULL;
	assert_int_equal(fo_ft_new(&c), FO_OK);
	for (uint32_t x = 0; x < fo_ft_node_count(ft); x++) {
		const uint32_t *a;
		size_t na = fo_ft_node_args(ft, x, &a);
		uint32_t y;
		if (fo_ft_node_op(ft, x) == FO_FT_EVENT) {
			uint32_t ev = fo_ft_node_event(ft, x);
			assert_int_equal(fo_ft_add_event(c, fo_ft_event_name(ft, ev), p[fo_ft_event_ref(ft, ev)],
							 fo_ft_event_ref(ft, ev), &y), FO_OK);
		} else {
			assert_int_equal(fo_ft_add_gate(c, fo_ft_node_name(ft, x), fo_ft_node_op(ft, x),
							fo_ft_node_k(ft, x), a, na, &y), FO_OK);
		}
		assert_int_equal(y, x);
	}
	assert_int_equal(fo_ft_set_top(c, fo_ft_top(ft)), FO_OK);
	return c;
}

/* Every minimal cut set of every node of small random inventories, of all
 * orders, against brute force through the engine; the exact count per
 * order; the listing checked against the engine (each set takes the app
 * down, each set minus one node does not); the bounded family (order <= 3)
 * equal to the sets of order <= 3; the exact probability against the sum
 * over all subsets of nodes weighted by random p. */
static void risk_vs_brute_force(void **state)
{
	(void)state;
	uint64_t st = 0x2545f4914f6cdd1dull;
	unsigned long sets_seen = 0, with_cycles = 0;
	for (uint32_t gno = 0; gno < 120; gno++) {
		rgraph_params p = {
			.n = 3 + rgraph_rnd(&st, 8),
			.contain_pct = rgraph_rnd(&st, 60),
			.max_groups = 1 + rgraph_rnd(&st, 3),
			.soft_pct = rgraph_rnd(&st, 40),
			.copy_pct = rgraph_rnd(&st, 60),
			.max_size = 1 + rgraph_rnd(&st, 4),
			.flat_in = 1,
		};
		fo_graph *g = rgraph_new(&st, &p);
		uint32_t n = p.n;
		fo_engine *e = NULL;
		double pr[32];
		with_cycles += has_cycle(g) != 0;
		for (uint32_t v = 0; v < n; v++)
			pr[v] = rgraph_rnd(&st, 3) == 0 ? 0.5 : (1 + rgraph_rnd(&st, 999)) / 1000.0;
		assert_int_equal(fo_engine_new(&e, g), FO_OK);
		for (uint32_t app = 0; app < n; app++) {
			for (int ev = FO_FTG_DOWN; ev <= FO_FTG_LOST; ev++) {
				fo_ft *ft0 = build(g, app, (fo_ftg_event)ev), *ft = with_p(ft0, pr);
				fo_risk *r = NULL;
				fo_cutsets *cs = NULL;
				unsigned long per[33];
				size_t nb;
				uint32_t *bf = brute_mcs(e, n, app, (fo_ftg_event)ev, 0, &nb, per);
				assert_int_equal(fo_risk_new(&r, ft, NULL, NULL), FO_OK);
				assert_int_equal(fo_risk_cutsets(r, &cs), FO_OK);
				assert_int_equal(fo_cutsets_certain(cs), 0);
				char want[32];
				snprintf(want, sizeof want, "%zu", nb);
				assert_string_equal(fo_cutsets_count(cs), want);
				for (uint32_t k = 1; k <= n; k++) {
					snprintf(want, sizeof want, "%lu", per[k]);
					assert_string_equal(fo_cutsets_order_count(cs, k), want);
				}
				listing l = { .ft = ft, .sorted_ok = 1 };
				assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_ORDER, 0, on_set, &l), FO_OK);
				assert_true(l.sorted_ok);
				/* whatif's word on each listed set */
				for (size_t i = 0; i < l.n; i++) {
					uint32_t set[32], ns = 0;
					for (uint32_t v = 0; v < n; v++)
						if (l.masks[i] >> v & 1)
							set[ns++] = v;
					assert_true(engine_says(e, app, (fo_ftg_event)ev, set, ns));
					for (uint32_t j = 0; j < ns; j++) {
						uint32_t sub[32], m = 0;
						for (uint32_t k = 0; k < ns; k++)
							if (k != j)
								sub[m++] = set[k];
						assert_false(engine_says(e, app, (fo_ftg_event)ev, sub, m));
					}
				}
				sets_seen += l.n;
				same_families(l.masks, l.n, bf, nb, ev ? "lost, all orders" : "down, all orders",
					      gno, app);
				/* the bounded family: the sets of order <= 3 */
				fo_risk *r3 = NULL;
				fo_cutsets *cs3 = NULL;
				fo_risk_opts o3 = { .max_order = 3 };
				size_t n3;
				uint32_t *bf3 = brute_mcs(e, n, app, (fo_ftg_event)ev, 3, &n3, per);
				assert_int_equal(fo_risk_new(&r3, ft, &o3, NULL), FO_OK);
				assert_int_equal(fo_risk_cutsets(r3, &cs3), FO_OK);
				listing l3 = { .ft = ft, .sorted_ok = 1 };
				assert_int_equal(fo_cutsets_list(cs3, FO_CUTSETS_BY_ORDER, 0, on_set, &l3), FO_OK);
				same_families(l3.masks, l3.n, bf3, n3, "order <= 3", gno, app);
				/* exact probability: every subset of the nodes */
				double q = 0, got;
				for (uint32_t mask = 0; mask < (1u << n); mask++) {
					uint32_t set[32], ns = 0;
					double w = 1;
					for (uint32_t v = 0; v < n; v++) {
						if (mask >> v & 1) {
							set[ns++] = v;
							w *= pr[v];
						} else {
							w *= 1 - pr[v];
						}
					}
					if (engine_says(e, app, (fo_ftg_event)ev, set, ns))
						q += w;
				}
				assert_int_equal(fo_risk_probability(r, &got), FO_OK);
				if (!(fabs(got - q) <= 1e-12 * (q > 1 ? q : 1)))
					fail_msg("random graph #%u, node n%u, %s: P = %.17g, brute force %.17g",
						 (unsigned)gno, (unsigned)app, ev ? "lost" : "down", got, q);
				free(l.masks);
				free(l3.masks);
				free(bf);
				free(bf3);
				fo_cutsets_free(cs);
				fo_cutsets_free(cs3);
				fo_risk_free(r);
				fo_risk_free(r3);
				fo_ft_free(ft);
				fo_ft_free(ft0);
			}
		}
		fo_engine_free(e);
		fo_graph_free(g);
	}
	print_message("%lu minimal sets checked, %lu graphs with cycles\n", sets_seen, with_cycles);
	assert_true(sets_seen > 1000);
	assert_true(with_cycles > 10);
}

/* Larger inventories: the sets of order <= 3 against brute force over all
 * subsets of at most 3 nodes (too many nodes for every subset). */
static void risk_order3_larger(void **state)
{
	(void)state;
	uint64_t st = 0x9e3779b97f4a7c15ull;
	for (uint32_t gno = 0; gno < 30; gno++) {
		rgraph_params p = {
			.n = 14 + rgraph_rnd(&st, 9),
			.contain_pct = rgraph_rnd(&st, 50),
			.max_groups = 1 + rgraph_rnd(&st, 2),
			.soft_pct = rgraph_rnd(&st, 40),
			.copy_pct = rgraph_rnd(&st, 40),
			.max_size = 1 + rgraph_rnd(&st, 3),
			.flat_in = 1,
		};
		fo_graph *g = rgraph_new(&st, &p);
		fo_engine *e = NULL;
		assert_int_equal(fo_engine_new(&e, g), FO_OK);
		for (uint32_t k = 0; k < 3; k++) {
			uint32_t app = rgraph_rnd(&st, p.n);
			int ev = (int)rgraph_rnd(&st, 2);
			fo_ft *ft = build(g, app, (fo_ftg_event)ev);
			fo_risk *r = NULL;
			fo_cutsets *cs = NULL;
			fo_risk_opts o = { .max_order = 3 };
			unsigned long per[33];
			size_t nb;
			uint32_t *bf = brute_mcs(e, p.n, app, (fo_ftg_event)ev, 3, &nb, per);
			assert_int_equal(fo_risk_new(&r, ft, &o, NULL), FO_OK);
			assert_int_equal(fo_risk_cutsets(r, &cs), FO_OK);
			listing l = { .ft = ft, .sorted_ok = 1 };
			assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_ORDER, 0, on_set, &l), FO_OK);
			same_families(l.masks, l.n, bf, nb, "order <= 3, larger", gno, app);
			free(l.masks);
			free(bf);
			fo_cutsets_free(cs);
			fo_risk_free(r);
			fo_ft_free(ft);
		}
		fo_engine_free(e);
		fo_graph_free(g);
	}
}

/* The migration sample through the whole chain (inventory -> tree -> cut
 * sets): before, every node of pay-app's cone is a single point of failure
 * and no pair adds anything; after, the shared water loop is one of the
 * few single points left, and the zones make pairs (one from each zone). */
static int find_single(void *arg, const uint32_t *events, uint32_t order, double p)
{
	const void **a = arg;
	const fo_ft *ft = a[0];
	(void)p;
	if (order == 1 && strcmp(fo_ft_event_name(ft, events[0]), a[1]) == 0)
		a[2] = "found";
	return 0;
}

static void migration_sample(void **state)
{
	(void)state;
	static const char *const files[] = { "samples/migration/before.xml", "samples/migration/after.xml" };
	for (int i = 0; i < 2; i++) {
		fo_graph *g = NULL;
		fo_diag *d = NULL;
		fo_risk *r = NULL;
		fo_cutsets *cs = NULL;
		fo_risk_opts o = { .max_order = 2 };
		uint32_t app;
		assert_int_equal(fo_diag_new(&d, 0), FO_OK);
		assert_int_equal(fo_inventory_load(&g, files[i], NULL, d), FO_OK);
		assert_int_equal(fo_graph_lookup(g, "pay-app", &app), FO_OK);
		fo_ft *ft = build(g, app, FO_FTG_DOWN);
		assert_int_equal(fo_risk_new(&r, ft, &o, d), FO_OK);
		assert_int_equal(fo_risk_cutsets(r, &cs), FO_OK);
		if (i == 0) {
			/* one zone: every event is a single point */
			char n[16];
			snprintf(n, sizeof n, "%u", fo_ft_event_count(ft));
			assert_string_equal(fo_cutsets_order_count(cs, 1), n);
			assert_string_equal(fo_cutsets_order_count(cs, 2), "0");
		} else {
			const void *arg[3] = { ft, "gz-water-loop", NULL };
			assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_ORDER, 0, find_single, arg), FO_OK);
			assert_non_null(arg[2]);
			assert_true(fo_cutsets_count_f(cs) > 0);
			assert_string_not_equal(fo_cutsets_order_count(cs, 2), "0");
			const void *zone[3] = { ft, "gz-3", NULL };
			assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_ORDER, 0, find_single, zone), FO_OK);
			assert_null(zone[2]);
		}
		fo_cutsets_free(cs);
		fo_risk_free(r);
		fo_ft_free(ft);
		fo_graph_free(g);
		fo_diag_free(d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(containment),
		cmocka_unit_test(k_of_n),
		cmocka_unit_test(copies),
		cmocka_unit_test(degrades_ignored),
		cmocka_unit_test(outside_cone),
		cmocka_unit_test(cycles),
		cmocka_unit_test(lost_data),
		cmocka_unit_test(sharing),
		cmocka_unit_test(hostile_names),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(entangled_cycle_limit),
		cmocka_unit_test(random_exhaustive),
		cmocka_unit_test(failure_data_values),
		cmocka_unit_test(failure_data_errors),
		cmocka_unit_test(failure_data_round_trip),
		cmocka_unit_test(failure_data_foreign_props),
		cmocka_unit_test(risk_vs_brute_force),
		cmocka_unit_test(risk_order3_larger),
		cmocka_unit_test(migration_sample),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
