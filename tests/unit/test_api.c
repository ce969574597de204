/*
 * test_api.c — the library as a second program uses it, through the public
 * headers only: load an inventory, look up ids, run scenarios, read results,
 * explain, free. Uses samples/quickstart.xml.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "analyzer/fo_engine.h"
#include "graphs/fo_error.h"
#include "importers/fo_inventory.h"

static fo_graph *load(const char *path)
{
	fo_diag *d = NULL;
	fo_graph *g = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	int err = fo_inventory_load(&g, path, NULL, d);
	if (err)
		fo_diag_print(d, stderr);
	assert_int_equal(err, FO_OK);
	fo_diag_free(d);
	return g;
}

static uint32_t id(const fo_graph *g, const char *s)
{
	uint32_t n = FO_NONE;
	assert_int_equal(fo_graph_lookup(g, s, &n), FO_OK);
	return n;
}

static void quickstart_cooling(void **state)
{
	(void)state;
	fo_graph *g = load("samples/quickstart.xml");
	fo_engine *e = NULL;
	uint32_t x;

	assert_int_equal(fo_graph_node_count(g), 12);
	assert_int_equal(fo_graph_lookup(g, "no-such-node", &x), FO_ENOTFOUND);
	assert_string_equal(fo_graph_node_kind_word(g, id(g, "cvm-gz3")), "vm");
	assert_int_equal(fo_engine_new(&e, g), FO_OK);

	uint32_t fail[] = { id(g, "gz3-cooling") };
	fo_scenario sc = { fail, 1, NULL, 0 };
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);

	fo_summary s;
	fo_engine_summary(e, &s);
	assert_int_equal(s.nodes, 12);
	assert_int_equal(s.down, 5); /* cooling, hall, rack, cvm, pay-gz */
	assert_int_equal(s.lost, 0);
	assert_int_equal(s.degraded, 0);
	assert_int_equal(s.at_risk, 2); /* wechat-pay and photos: one spare left */
	assert_int_equal(s.apps_at_risk, 1);

	uint32_t wp = id(g, "wechat-pay");
	assert_int_equal(fo_engine_state(e, wp), FO_STATE_AT_RISK);
	assert_int_equal(fo_engine_cause(e, wp), id(g, "pay-gz"));
	assert_int_equal(fo_engine_root(e, wp), id(g, "gz3-cooling"));
	assert_int_equal(fo_engine_cause(e, fail[0]), FO_NONE);
	assert_int_equal(fo_engine_root(e, fail[0]), fail[0]);

	fo_explain_step *steps = NULL;
	size_t n = 0;
	assert_int_equal(fo_engine_explain(e, wp, &steps, &n), FO_OK);
	/* wechat-pay <- pay-gz <- cvm-gz3 <- gz3-rack-01 <- gz3-hall-a <- gz3-cooling */
	assert_int_equal(n, 6);
	assert_int_equal(steps[0].k, 1);
	assert_int_equal(steps[0].n, 2);
	assert_int_equal(steps[0].count, 1);
	assert_int_equal(steps[n - 1].node, fail[0]);
	assert_int_equal(steps[n - 1].group, FO_NONE);
	free(steps);

	const uint32_t *imp;
	size_t k = fo_engine_impacted(e, &imp);
	assert_int_equal(k, 7);
	for (size_t i = 1; i < k; i++)
		assert_true(imp[i - 1] < imp[i]);

	fo_engine_free(e);
	fo_graph_free(g);
}

static void quickstart_destroy(void **state)
{
	(void)state;
	fo_graph *g = load("samples/quickstart.xml");
	fo_engine *e = NULL;
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	uint32_t d[] = { id(g, "gz3-dc") };
	fo_scenario sc = { NULL, 0, d, 1 };
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);
	unsigned f = fo_engine_flags(e, id(g, "cvm-gz3"));
	assert_true(f & FO_F_DESTROYED);
	assert_true(f & FO_F_DOWN);
	assert_false(f & FO_F_FAILED);
	assert_int_equal(fo_engine_cause(e, id(g, "gz3-hall-a")), d[0]);
	/* photos keeps a copy on pay-sh: not lost. */
	assert_false(fo_engine_flags(e, id(g, "photos")) & FO_F_LOST);
	fo_engine_free(e);
	fo_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quickstart_cooling),
		cmocka_unit_test(quickstart_destroy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
