/*
 * test_spof.c — single points of failure (analyzer/fo_spof.h): the one-pass
 * fail and loss sets, the ranking and shared fate, each checked against brute
 * force (one fo_engine_run per node) on the samples and on random graphs with
 * K-of-n groups, degrades groups, copies, containment and cycles.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyzer/fo_check.h"
#include "analyzer/fo_engine.h"
#include "analyzer/fo_spof.h"
#include "graphs/fo_error.h"
#include "importers/fo_inventory.h"
#include "helpers/fixture.h"
#include "helpers/rgraph.h"

static int in_set(const uint32_t *a, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] == x)
			return 1;
	return 0;
}

/* Brute force: every fail set, loss set and ranking entry against one engine
 * run per node (two for the loss sets). Returns 0 when all agree. */
static int brute_force_equal(const fo_graph *g, const fo_spof *s)
{
	uint32_t n = fo_graph_node_count(g);
	fo_engine *e = NULL;
	uint32_t *lost = malloc((n ? n : 1) * sizeof *lost);
	uint32_t *apps_lost = calloc(n ? n : 1, sizeof *apps_lost);
	int bad = 0;
	assert_non_null(lost);
	assert_non_null(apps_lost);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	for (uint32_t v = 0; v < n && !bad; v++) {
		fo_scenario sc = { &v, 1, NULL, 0 };
		uint32_t nd = 0, ad = 0;
		uint64_t w = 0;
		assert_int_equal(fo_engine_run(e, &sc), FO_OK);
		for (uint32_t x = 0; x < n; x++) {
			int down = (fo_engine_flags(e, x) & FO_F_DOWN) != 0;
			int want = x == v || fo_spof_in_fail_set(s, x, v);
			if (down != want) {
				print_message("fail %s: %s is %s by the engine, %s by spof\n",
					      fo_graph_node_id(g, v), fo_graph_node_id(g, x),
					      down ? "down" : "up", want ? "down" : "up");
				bad = 1;
			}
			if (down) {
				nd++;
				if (fo_graph_node_kind(g, x) == FO_KIND_APP) {
					ad++;
					w += fo_spof_tier_weight(fo_graph_node_tier(g, x));
				}
			}
		}
		const fo_spof_rank *r = fo_spof_rank_of(s, v);
		if (r->node != v || r->nodes_down != nd || r->apps_down != ad || r->weight != w) {
			print_message("rank of %s: %u/%u/%llu, brute force %u/%u/%llu\n",
				      fo_graph_node_id(g, v), r->nodes_down, r->apps_down,
				      (unsigned long long)r->weight, nd, ad, (unsigned long long)w);
			bad = 1;
		}
		/* Loss: destroy v, then fail exactly what was lost. */
		sc = (fo_scenario){ NULL, 0, &v, 1 };
		assert_int_equal(fo_engine_run(e, &sc), FO_OK);
		size_t nl = 0;
		for (uint32_t x = 0; x < n; x++)
			if (fo_engine_flags(e, x) & FO_F_LOST)
				lost[nl++] = x;
		sc = (fo_scenario){ lost, nl, NULL, 0 };
		assert_int_equal(fo_engine_run(e, &sc), FO_OK);
		for (uint32_t x = 0; x < n; x++) {
			const uint32_t *ls;
			size_t len = fo_spof_loss_set(s, x, &ls);
			int down = nl && (fo_engine_flags(e, x) & FO_F_DOWN);
			if (down != in_set(ls, len, v)) {
				print_message("destroy %s: %s %s by lost data for the engine, not for spof\n",
					      fo_graph_node_id(g, v), fo_graph_node_id(g, x),
					      down ? "down" : "up");
				bad = 1;
			}
			if (down && fo_graph_node_kind(g, x) == FO_KIND_APP)
				apps_lost[v]++;
		}
		if (fo_spof_rank_of(s, v)->apps_lost != apps_lost[v]) {
			print_message("apps lost of %s differ\n", fo_graph_node_id(g, v));
			bad = 1;
		}
	}
	/* Sets are ascending and never hold the node itself (fail sets). */
	for (uint32_t x = 0; x < n; x++) {
		const uint32_t *f;
		size_t len = fo_spof_fail_set(s, x, &f);
		for (size_t i = 0; i < len; i++)
			if (f[i] == x || (i && f[i - 1] >= f[i]))
				bad = 1;
	}
	/* Ranking order. */
	const fo_spof_rank *r;
	size_t nr = fo_spof_ranking(s, &r);
	assert_int_equal(nr, n);
	for (size_t i = 1; i < nr; i++)
		if (r[i - 1].weight < r[i].weight ||
		    (r[i - 1].weight == r[i].weight && r[i - 1].apps_down < r[i].apps_down))
			bad = 1;
	/* Shared fate: every cause fells its group; a group some non-member
	 * fells has at least one cause. */
	for (uint32_t gi = 0; gi < fo_graph_group_count(g) && !bad; gi++) {
		fo_group_info gr;
		uint32_t *c = NULL;
		size_t nc = 0;
		fo_graph_group(g, gi, &gr);
		assert_int_equal(fo_spof_shared_fate(s, gi, &c, &nc), FO_OK);
		if (!fo_group_type_is_hard(gr.type) || gr.n < 2 || gr.k >= gr.n) {
			assert_int_equal(nc, 0);
			continue;
		}
		int any = 0;
		for (uint32_t v = 0; v < n; v++) {
			if (in_set(gr.members, gr.n, v))
				continue;
			fo_scenario sc = { &v, 1, NULL, 0 };
			assert_int_equal(fo_engine_run(e, &sc), FO_OK);
			uint32_t down = 0;
			for (uint32_t m = 0; m < gr.n; m++)
				down += (fo_engine_flags(e, gr.members[m]) & FO_F_DOWN) != 0;
			int fells = down > gr.n - gr.k;
			any |= fells;
			if (in_set(c, nc, v) && !fells)
				bad = 1;
		}
		if (any != (nc > 0))
			bad = 1;
		free(c);
	}
	fo_engine_free(e);
	free(lost);
	free(apps_lost);
	return bad;
}

/* fo_spof_compute_shared_fate against the full result s of the same graph:
 * the same causes for every group, the same fail set for every member of a
 * redundant hard group, no loss set, no ranking. Returns 0 when all agree. */
static int shared_only_equal(const fo_graph *g, const fo_spof *s)
{
	fo_spof *r = NULL;
	int bad = 0;
	assert_int_equal(fo_spof_compute_shared_fate(&r, g), FO_OK);
	const fo_spof_rank *rk;
	if (fo_spof_ranking(r, &rk) != 0)
		bad = 1;
	for (uint32_t x = 0; x < fo_graph_node_count(g); x++) {
		const uint32_t *l;
		if (fo_spof_loss_set(r, x, &l) != 0)
			bad = 1;
	}
	for (uint32_t gi = 0; gi < fo_graph_group_count(g); gi++) {
		fo_group_info gr;
		uint32_t *c1 = NULL, *c2 = NULL;
		size_t n1 = 0, n2 = 0;
		fo_graph_group(g, gi, &gr);
		assert_int_equal(fo_spof_shared_fate(s, gi, &c1, &n1), FO_OK);
		assert_int_equal(fo_spof_shared_fate(r, gi, &c2, &n2), FO_OK);
		if (n1 != n2 || (n1 && memcmp(c1, c2, n1 * sizeof *c1) != 0))
			bad = 1;
		free(c1);
		free(c2);
		if (!fo_group_type_is_hard(gr.type) || gr.n < 2 || gr.k >= gr.n)
			continue;
		for (uint32_t m = 0; m < gr.n; m++) {
			const uint32_t *f1, *f2;
			size_t l1 = fo_spof_fail_set(s, gr.members[m], &f1);
			size_t l2 = fo_spof_fail_set(r, gr.members[m], &f2);
			if (l1 != l2 || (l1 && memcmp(f1, f2, l1 * sizeof *f1) != 0))
				bad = 1;
		}
	}
	fo_spof_free(r);
	return bad;
}

static void check_spec(const char *spec)
{
	fo_graph *g = NULL;
	fo_spof *s = NULL;
	assert_int_equal(fx_graph(&g, spec, NULL), FO_OK);
	assert_int_equal(fo_spof_compute(&s, g), FO_OK);
	assert_int_equal(brute_force_equal(g, s), 0);
	assert_int_equal(shared_only_equal(g, s), 0);
	fo_spof_free(s);
	fo_graph_free(g);
}

static void samples_equal_brute_force(void **state)
{
	(void)state;
	static const char *const files[] = {
		"samples/quickstart.xml", "samples/tencent-gz-2023.xml", "samples/fire-backups.xml",
		"samples/migration/before.xml", "samples/migration/after.xml",
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		fo_graph *g = NULL;
		fo_diag *d = NULL;
		fo_spof *s = NULL;
		assert_int_equal(fo_diag_new(&d, 0), FO_OK);
		assert_int_equal(fo_inventory_load(&g, files[i], NULL, d), FO_OK);
		assert_int_equal(fo_spof_compute(&s, g), FO_OK);
		if (brute_force_equal(g, s))
			fail_msg("%s: spof and brute force differ", files[i]);
		if (shared_only_equal(g, s))
			fail_msg("%s: the shared-fate pass and the full pass differ", files[i]);
		fo_spof_free(s);
		fo_graph_free(g);
		fo_diag_free(d);
	}
}

static void tencent_wechat_pay_spofs(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	fo_spof *s = NULL;
	uint32_t app, cooling;
	const uint32_t *f;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_inventory_load(&g, "samples/tencent-gz-2023.xml", NULL, d), FO_OK);
	assert_int_equal(fo_spof_compute(&s, g), FO_OK);
	assert_int_equal(fo_graph_lookup(g, "wechat-pay", &app), FO_OK);
	assert_int_equal(fo_graph_lookup(g, "gz-cooling", &cooling), FO_OK);
	size_t n = fo_spof_fail_set(s, app, &f);
	assert_true(in_set(f, n, cooling));
	fo_spof_free(s);
	fo_graph_free(g);
	fo_diag_free(d);
}

static void k_of_n_and_chains(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_spof *s = NULL;
	const uint32_t *f;
	assert_int_equal(fx_graph(&g, "N a app tier=1\na > 2: b c d\nb > x\nc > x\nd > y\n"
				       "N e app\ne > 1: b d\nb > z\nd > z\n", NULL), FO_OK);
	assert_int_equal(fo_spof_compute(&s, g), FO_OK);
	size_t n = fo_spof_fail_set(s, fx_id(g, "a"), &f);
	/* a needs 2 of 3: x downs b and c, z downs b and d; y only d, and
	 * no member alone is enough */
	assert_int_equal(n, 2);
	assert_true(in_set(f, n, fx_id(g, "x")) && in_set(f, n, fx_id(g, "z")));
	n = fo_spof_fail_set(s, fx_id(g, "e"), &f);
	assert_int_equal(n, 1);
	assert_int_equal(f[0], fx_id(g, "z"));
	const fo_spof_rank *r = fo_spof_rank_of(s, fx_id(g, "x"));
	assert_int_equal(r->apps_down, 1);
	assert_int_equal(r->weight, 4);
	assert_int_equal(r->nodes_down, 4); /* x, b, c, a */
	assert_int_equal(brute_force_equal(g, s), 0);
	fo_spof_free(s);
	fo_graph_free(g);
}

static void tier_weights(void **state)
{
	(void)state;
	assert_int_equal(fo_spof_tier_weight(1), 4);
	assert_int_equal(fo_spof_tier_weight(2), 2);
	assert_int_equal(fo_spof_tier_weight(3), 1);
	assert_int_equal(fo_spof_tier_weight(0), 1);
	fo_graph *g = NULL;
	fo_spof *s = NULL;
	const fo_spof_rank *r;
	assert_int_equal(fx_graph(&g, "N a app tier=1\nN b app tier=2\nN c app tier=2\nN d app\n"
				       "a > p\nb > q\nc > q\nd > q\n", NULL), FO_OK);
	assert_int_equal(fo_spof_compute(&s, g), FO_OK);
	fo_spof_ranking(s, &r);
	/* q: 3 apps weighing 2+2+1 = 5 comes before p: 1 app weighing 4 */
	assert_int_equal(r[0].node, fx_id(g, "q"));
	assert_int_equal(r[0].weight, 5);
	assert_int_equal(r[0].apps_down, 3);
	assert_int_equal(r[1].node, fx_id(g, "p"));
	assert_int_equal(r[1].weight, 4);
	fo_spof_free(s);
	fo_graph_free(g);
}

static void cycles_least_fixed_point(void **state)
{
	(void)state;
	/* a and b need each other; x feeds the cycle; y feeds only one side of
	 * a 1-of-2 group that the cycle itself keeps up. */
	check_spec("N app app\napp > a\na > b\nb > a\nb > x\n");
	check_spec("N app app\napp > a\na > 1: b y\nb > a\nb > x\n");
	check_spec("a > a\n");
	check_spec("a > 1: a b\nb > c\n");
}

static void data_loss(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_spof *s = NULL;
	const uint32_t *l;
	assert_int_equal(fx_graph(&g, "N site site\nN s1 storage\nN s2 storage\ns1 @ site\ns2 @ site\n"
				       "N ds dataset\nds copy s1 s2\nN app app\napp > ds\n"
				       "N bk dataset\nbk copy s1 far\nN app2 app\napp2 > bk\n", NULL), FO_OK);
	assert_int_equal(fo_spof_compute(&s, g), FO_OK);
	size_t n = fo_spof_loss_set(s, fx_id(g, "app"), &l);
	assert_int_equal(n, 1);
	assert_int_equal(l[0], fx_id(g, "site"));
	assert_int_equal(fo_spof_loss_set(s, fx_id(g, "app2"), &l), 0);
	assert_int_equal(fo_spof_rank_of(s, fx_id(g, "site"))->apps_lost, 1);
	assert_int_equal(brute_force_equal(g, s), 0);
	fo_spof_free(s);
	fo_graph_free(g);
}

static void shared_fate_two_chillers_one_loop(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_spof *s = NULL;
	uint32_t *c = NULL, first, count;
	size_t n;
	assert_int_equal(fx_graph(&g, "N site site\nN loop cooling\nloop @ site\n"
				       "N c1 cooling\nN c2 cooling\nc1 > loop\nc2 > loop\n"
				       "c1 @ site\nc2 @ site\nN hall room\nhall > 1: c1 c2\n"
				       "N d1 cooling\nN d2 cooling\nN far site\nd1 @ site\nd2 @ far\n"
				       "N hall2 room\nhall2 > 1: d1 d2\n", NULL), FO_OK);
	assert_int_equal(fo_spof_compute(&s, g), FO_OK);
	fo_graph_node_groups(g, fx_id(g, "hall"), &first, &count);
	assert_int_equal(count, 1);
	assert_int_equal(fo_spof_shared_fate(s, first, &c, &n), FO_OK);
	assert_int_equal(n, 1); /* the loop, not the site around it */
	assert_int_equal(c[0], fx_id(g, "loop"));
	free(c);
	fo_graph_node_groups(g, fx_id(g, "hall2"), &first, &count);
	assert_int_equal(fo_spof_shared_fate(s, first, &c, &n), FO_OK);
	assert_int_equal(n, 0);
	assert_null(c);
	assert_int_equal(brute_force_equal(g, s), 0);
	fo_spof_free(s);
	fo_graph_free(g);
}

/* `fallout check` warns about shared fate; independent redundancy, and a
 * group already named by the doubtful-redundancy warning, do not. */
static void check_warns_shared_fate(void **state)
{
	(void)state;
	static const struct {
		const char *spec;
		size_t shared_fate, shared;
	} cases[] = {
		/* two chillers in different rooms, fed by one water loop */
		{ "N r region\nN s site\ns @ r\nN m1 room\nN m2 room\nm1 @ s\nm2 @ s\n"
		  "N loop cooling\nloop @ s\nN c1 cooling\nN c2 cooling\nc1 @ m1\nc2 @ m2\n"
		  "c1 > loop\nc2 > loop\nN app app\napp > 1: c1 c2\n", 1, 1 },
		/* truly independent: two sites, two loops, one region (ignored) */
		{ "N r region\nN s1 site\nN s2 site\ns1 @ r\ns2 @ r\nN l1 cooling\nN l2 cooling\n"
		  "l1 @ s1\nl2 @ s2\nN c1 cooling\nN c2 cooling\nc1 @ s1\nc2 @ s2\nc1 > l1\nc2 > l2\n"
		  "N app app\napp > 1: c1 c2\n", 0, 0 },
		/* shared only through the common container: one warning, not two */
		{ "N s site\nN c1 cooling\nN c2 cooling\nc1 @ s\nc2 @ s\nN app app\napp > 1: c1 c2\n", 0, 1 },
		/* a shared dependency that is not a container: 2 of 3 with two on one loop */
		{ "N loop cooling\nN x service\nN y service\nN z service\nx > loop\ny > loop\n"
		  "N app app\napp > 2: x y z\n", 1, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fo_graph *g = NULL;
		fo_diag *d = NULL;
		fo_check_stats st;
		assert_int_equal(fx_graph(&g, cases[i].spec, NULL), FO_OK);
		assert_int_equal(fo_diag_new(&d, 0), FO_OK);
		assert_int_equal(fo_check_warnings(g, d, &st), FO_OK);
		if (st.shared_fate != cases[i].shared_fate || st.shared != cases[i].shared) {
			fo_diag_print(d, stderr);
			fail_msg("case %zu: %zu shared-fate, %zu doubtful warnings", i, st.shared_fate, st.shared);
		}
		int found = 0;
		for (size_t j = 0; j < fo_diag_count(d); j++)
			found |= strstr(fo_diag_get(d, j)->msg, "redundancy on paper only") != NULL;
		assert_int_equal(found, cases[i].shared_fate > 0);
		if (i == 0)
			for (size_t j = 0; j < fo_diag_count(d); j++)
				if (strstr(fo_diag_get(d, j)->msg, "on paper"))
					assert_non_null(strstr(fo_diag_get(d, j)->msg,
							       "'app' requires 1 of {c1, c2}, but one failure of 'loop' fails all of them at once"));
		fo_diag_free(d);
		fo_graph_free(g);
	}
}

/* The shared-fate pass leaves out what shared fate never reads: the app
 * above the redundant group (its fail set holds the loop in the full pass)
 * and the unrelated chain beside it. */
static void shared_fate_pass_computes_only_the_closure(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_spof *s = NULL;
	uint32_t app, c1, loop, y, *c = NULL;
	size_t nc = 0;
	const uint32_t *f;
	assert_int_equal(fx_graph(&g, "N loop cooling\nN c1 cooling\nN c2 cooling\nc1 > loop\n"
				       "c2 > loop\nN app app\napp > 1: c1 c2\nN x host\nN y vm\ny > x\n",
				  NULL), FO_OK);
	assert_int_equal(fo_spof_compute_shared_fate(&s, g), FO_OK);
	assert_int_equal(fo_graph_lookup(g, "app", &app), FO_OK);
	assert_int_equal(fo_graph_lookup(g, "c1", &c1), FO_OK);
	assert_int_equal(fo_graph_lookup(g, "loop", &loop), FO_OK);
	assert_int_equal(fo_graph_lookup(g, "y", &y), FO_OK);
	assert_int_equal(fo_spof_fail_set(s, c1, &f), 1);
	assert_int_equal(f[0], loop);
	assert_int_equal(fo_spof_fail_set(s, app, &f), 0);
	assert_int_equal(fo_spof_fail_set(s, y, &f), 0);
	uint32_t first, count;
	fo_graph_node_groups(g, app, &first, &count);
	assert_int_equal(fo_spof_shared_fate(s, first, &c, &nc), FO_OK);
	assert_int_equal(nc, 1);
	assert_int_equal(c[0], loop);
	free(c);
	fo_spof_free(s);
	fo_graph_free(g);
}

/* ------------------------------------------------------- random graphs */

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t rnd(uint32_t bound)
{
	return rgraph_rnd(&rng, bound);
}

/* test_engine.c's graphs with tiers (helpers/rgraph.h): containment,
 * requires and degrades groups of random K of n (cycles happen), copies.
 * The parameters are drawn last to first, as the arguments of the call they
 * once were happened to be, so that the seed gives the same graphs. */
static fo_graph *random_graph(uint32_t n)
{
	rgraph_params p = { .n = n, .tiers = 1 };
	p.max_size = 1 + rnd(5);
	p.copy_pct = rnd(50);
	p.soft_pct = rnd(40);
	p.max_groups = 1 + rnd(3);
	p.contain_pct = rnd(80);
	return rgraph_new(&rng, &p);
}

static void random_graphs_equal_brute_force(void **state)
{
	(void)state;
	for (int i = 0; i < 400; i++) {
		uint32_t n = 2 + rnd(i < 200 ? 12 : 60);
		fo_graph *g = random_graph(n);
		fo_spof *s = NULL;
		assert_int_equal(fo_spof_compute(&s, g), FO_OK);
		if (brute_force_equal(g, s))
			fail_msg("random graph #%d (%u nodes): spof and brute force differ", i, n);
		if (shared_only_equal(g, s))
			fail_msg("random graph #%d (%u nodes): the shared-fate pass differs", i, n);
		fo_spof_free(s);
		fo_graph_free(g);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(k_of_n_and_chains),
		cmocka_unit_test(tier_weights),
		cmocka_unit_test(cycles_least_fixed_point),
		cmocka_unit_test(data_loss),
		cmocka_unit_test(shared_fate_two_chillers_one_loop),
		cmocka_unit_test(check_warns_shared_fate),
		cmocka_unit_test(shared_fate_pass_computes_only_the_closure),
		cmocka_unit_test(samples_equal_brute_force),
		cmocka_unit_test(tencent_wechat_pay_spofs),
		cmocka_unit_test(random_graphs_equal_brute_force),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
