/* test_diff.c — structural diff of two inventories (analyzer/fo_diff.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analyzer/fo_diff.h"
#include "graphs/fo_error.h"
#include "helpers/fixture.h"
#include "importers/fo_inventory.h"

static fo_graph *load(const char *path)
{
	fo_diag *d = NULL;
	fo_graph *g = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_inventory_load(&g, path, NULL, d), FO_OK);
	fo_diag_free(d);
	return g;
}

static void identical_graphs_have_no_diff(void **state)
{
	(void)state;
	fo_graph *a = load("samples/tencent-gz-2023.xml"), *b = load("samples/tencent-gz-2023.xml");
	fo_diff d;
	assert_int_equal(fo_diff_graphs(&d, a, b), FO_OK);
	assert_int_equal(d.nnodes, 0);
	assert_int_equal(d.ndeps, 0);
	fo_diff_dispose(&d);
	fo_graph_free(a);
	fo_graph_free(b);
}

static void member_order_does_not_matter(void **state)
{
	(void)state;
	fo_graph *a = NULL, *b = NULL;
	fo_diff d;
	assert_int_equal(fx_graph(&a, "x > 1: p q r\n", NULL), FO_OK);
	assert_int_equal(fx_graph(&b, "x > 1: r p q\n", NULL), FO_OK);
	assert_int_equal(fo_diff_graphs(&d, a, b), FO_OK);
	assert_int_equal(d.nnodes, 0);
	assert_int_equal(d.ndeps, 0);
	fo_diff_dispose(&d);
	fo_graph_free(a);
	fo_graph_free(b);
}

static void nodes_and_dependencies(void **state)
{
	(void)state;
	fo_graph *a = NULL, *b = NULL;
	fo_diff d;
	assert_int_equal(fx_graph(&a, "N gone\nN x app tier=1\nx > 1: p q\nx ~> c\np @ s1\nN old\nold > p\n", NULL), FO_OK);
	assert_int_equal(fx_graph(&b, "N x app tier=2\nx > 2: p q\nx ~> c\np @ s2\nN new\nN old\nold > q\n", NULL), FO_OK);
	assert_int_equal(fo_diff_graphs(&d, a, b), FO_OK);

	/* nodes: gone and s1 removed; x changed (tier); s2 and new added */
	assert_int_equal(d.nnodes, 5);
	assert_int_equal(d.nodes[0].op, FO_DIFF_REMOVED);
	assert_string_equal(fo_graph_node_id(a, d.nodes[0].before), "gone");
	assert_int_equal(d.nodes[1].op, FO_DIFF_REMOVED);
	assert_string_equal(fo_graph_node_id(a, d.nodes[1].before), "s1");
	assert_int_equal(d.nodes[2].op, FO_DIFF_CHANGED);
	assert_string_equal(fo_graph_node_id(b, d.nodes[2].after), "x");
	assert_int_equal(d.nodes[2].fields, FO_DIFF_TIER);
	assert_int_equal(d.nodes[3].op, FO_DIFF_ADDED);
	assert_string_equal(fo_graph_node_id(b, d.nodes[3].after), "s2");
	assert_int_equal(d.nodes[4].op, FO_DIFF_ADDED);
	assert_string_equal(fo_graph_node_id(b, d.nodes[4].after), "new");

	/* deps: p in s1 and old > p removed; 1-of {p,q} became 2-of: changed;
	 * p in s2 and old > q added; x ~> c unchanged */
	size_t removed = 0, added = 0, changed = 0;
	for (size_t i = 0; i < d.ndeps; i++) {
		fo_group_info gi;
		if (d.deps[i].op == FO_DIFF_REMOVED) {
			removed++;
			assert_int_equal(added + changed, 0); /* removed come first */
		} else if (d.deps[i].op == FO_DIFF_ADDED) {
			added++;
		} else {
			changed++;
			fo_graph_group(a, d.deps[i].before, &gi);
			assert_int_equal(gi.k, 1);
			fo_graph_group(b, d.deps[i].after, &gi);
			assert_int_equal(gi.k, 2);
		}
	}
	assert_int_equal(removed, 2);
	assert_int_equal(added, 2);
	assert_int_equal(changed, 1);
	fo_diff_dispose(&d);
	fo_graph_free(a);
	fo_graph_free(b);
}

static void migration_sample(void **state)
{
	(void)state;
	fo_graph *a = load("samples/migration/before.xml"), *b = load("samples/migration/after.xml");
	fo_diff d;
	assert_int_equal(fo_diff_graphs(&d, a, b), FO_OK);
	size_t added = 0, removed = 0;
	for (size_t i = 0; i < d.nnodes; i++) {
		added += d.nodes[i].op == FO_DIFF_ADDED;
		removed += d.nodes[i].op == FO_DIFF_REMOVED;
	}
	assert_int_equal(removed, 0);
	assert_int_equal(added, 9); /* the loop, zone 4's 7 nodes, the replica */
	fo_diff_dispose(&d);
	fo_graph_free(a);
	fo_graph_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identical_graphs_have_no_diff),
		cmocka_unit_test(member_order_does_not_matter),
		cmocka_unit_test(nodes_and_dependencies),
		cmocka_unit_test(migration_sample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
