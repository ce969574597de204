/*
 * test_check.c — the design warnings of `fallout check` (analyzer/fo_check.h):
 * cycles through igraph, unused nodes, doubtful redundancy; and the summary
 * statistics.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "analyzer/fo_check.h"
#include "graphs/fo_cycles.h"
#include "graphs/fo_error.h"
#include "helpers/fixture.h"

static fo_diag *run(const char *spec, fo_check_stats *st)
{
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	assert_int_equal(fx_graph(&g, spec, NULL), FO_OK);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_check_warnings(g, d, st), FO_OK);
	fo_graph_free(g);
	return d;
}

static int has(const fo_diag *d, const char *needle)
{
	for (size_t i = 0; i < fo_diag_count(d); i++)
		if (strstr(fo_diag_get(d, i)->msg, needle))
			return 1;
	return 0;
}

static void clean_inventory_no_warning(void **state)
{
	(void)state;
	fo_check_stats st;
	fo_diag *d = run("N r region\nN s1 site\nN s2 site\ns1 @ r\ns2 @ r\n"
			 "h1 @ s1\nh2 @ s2\nN a app tenant=t\nN b app tenant=u\n"
			 "a > 1: h1 h2\nb > h1\n", &st);
	assert_int_equal(fo_diag_warnings(d), 0);
	assert_int_equal(st.nodes, 7);
	assert_int_equal(st.apps, 2);
	assert_int_equal(st.tenants, 2);
	assert_int_equal(st.groups, 1);        /* a's 1 of {h1, h2} */
	assert_int_equal(st.dependencies, 7);  /* 4 located + 2 + 1 */
	fo_diag_free(d);
}

static void cycle_reported_with_members(void **state)
{
	(void)state;
	fo_check_stats st;
	fo_diag *d = run("N app app\napp > a\na > b\nb > c\nc > a\n", &st);
	assert_int_equal(st.cycles, 1);
	assert_true(has(d, "dependency cycle of 3 nodes: {a, b, c}"));
	fo_diag_free(d);
}

static void soft_cycle_is_not_a_cycle(void **state)
{
	(void)state;
	fo_check_stats st;
	fo_diag *d = run("N x app\nN y app\nx ~> y\ny ~> x\n", &st);
	assert_int_equal(st.cycles, 0);
	fo_diag_free(d);
}

static void self_dependency(void **state)
{
	(void)state;
	fo_check_stats st;
	fo_diag *d = run("N x app\nx > 1: x y\n", &st);
	assert_int_equal(st.cycles, 1);
	assert_true(has(d, "'x' depends on itself"));
	fo_diag_free(d);
}

static void unused_node(void **state)
{
	(void)state;
	fo_check_stats st;
	fo_diag *d = run("N a app\nN orphan service\nN lonely app\na > b\n", &st);
	assert_int_equal(st.unused, 1);
	assert_true(has(d, "nothing depends on 'orphan' (kind service)"));
	assert_false(has(d, "'lonely'")); /* apps are the targets */
	fo_diag_free(d);
}

static void shared_container(void **state)
{
	(void)state;
	fo_check_stats st;
	/* Two "redundant" chillers in one plant room, and copies in one building. */
	fo_diag *d = run("N site site\nN room room\nroom @ site\nc1 @ room\nc2 @ room\n"
			 "N hall room\nhall @ site\nhall > 1: c1 c2\n"
			 "N bld building\nbld @ site\nd1 @ bld\nd2 @ bld\nN data dataset\n"
			 "data copy d1 d2\nN app app\napp > hall\napp > data\n", &st);
	assert_int_equal(st.shared, 2);
	assert_true(has(d, "'hall' requires 1 of {c1, c2}, all located in 'room' (kind room)"));
	assert_true(has(d, "'data' copies 1 of {d1, d2}, all located in 'bld' (kind building)"));
	fo_diag_free(d);
}

static void region_is_not_a_shared_container(void **state)
{
	(void)state;
	fo_check_stats st;
	fo_diag *d = run("N r region\nN z1 zone\nN z2 zone\nz1 @ r\nz2 @ r\ns1 @ z1\ns2 @ z2\n"
			 "N a app\na > 1: s1 s2\n", &st);
	assert_int_equal(st.shared, 0);
	fo_diag_free(d);
}

static void member_is_the_container(void **state)
{
	(void)state;
	fo_check_stats st;
	/* a is in b: b is the common container but a member itself; the group
	 * is still doubtful only if b's own container holds both. */
	fo_diag *d = run("N s site\nb @ s\na @ b\nN x app\nx > 1: a b\n", &st);
	assert_int_equal(st.shared, 1);
	assert_true(has(d, "all located in 's'"));
	fo_diag_free(d);
}

static void cycles_api_components(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_sccs s;
	assert_int_equal(fx_graph(&g, "a > b\nb > a\nc > d\nd > e\ne > d\nf > g\n", NULL), FO_OK);
	assert_int_equal(fo_graph_cycles(g, &s), FO_OK);
	assert_int_equal(s.count, 2);
	assert_int_equal(s.off[1] - s.off[0], 2);
	assert_int_equal(s.nodes[0], fx_id(g, "a"));
	assert_int_equal(s.nodes[1], fx_id(g, "b"));
	assert_int_equal(s.nodes[s.off[1]], fx_id(g, "d"));
	fo_sccs_dispose(&s);
	fo_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_inventory_no_warning),
		cmocka_unit_test(cycle_reported_with_members),
		cmocka_unit_test(soft_cycle_is_not_a_cycle),
		cmocka_unit_test(self_dependency),
		cmocka_unit_test(unused_node),
		cmocka_unit_test(shared_container),
		cmocka_unit_test(region_is_not_a_shared_container),
		cmocka_unit_test(member_is_the_container),
		cmocka_unit_test(cycles_api_components),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
