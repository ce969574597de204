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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyzer/fo_engine.h"
#include "graphs/fo_error.h"
#include "graphs/fo_ft.h"
#include "helpers/fixture.h"
#include "helpers/rgraph.h"
#include "reports/report_int.h"
#include "risk/fo_ftgraph.h"

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
	fo_diag_free(d);
	fo_graph_free(g);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
