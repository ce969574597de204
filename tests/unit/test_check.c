/*
 * test_check.c — the design warnings of `fallout check` (analyzer/fo_check.h):
 * unknown kinds, cycles (compared with igraph on random graphs), unused
 * nodes, doubtful redundancy; codes, shortened ids; and the summary
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
#include "helpers/rgraph.h"

#include <igraph.h>
#include <stdlib.h>

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

static const fo_diag_entry *find_code(const fo_diag *d, const char *code)
{
	for (size_t i = 0; i < fo_diag_count(d); i++)
		if (fo_diag_get(d, i)->code && !strcmp(fo_diag_get(d, i)->code, code))
			return fo_diag_get(d, i);
	return NULL;
}

/* One warning per distinct undocumented kind, at its first node, counting
 * its nodes, with the nearest documented kind when close; aliases and
 * documented kinds are not warned. */
static void unknown_kind_warned_once_with_suggestion(void **state)
{
	(void)state;
	fo_check_stats st;
	fo_diag *d = run("N x app\nN y ap\nN z ap\nN w firewall\nN v cvm\nx > y\nx > z\nx > w\nx > v\n",
			 &st);
	assert_int_equal(st.unknown_kinds, 2);
	assert_true(has(d, "unknown kind 'ap' (2 nodes); did you mean 'app'?"));
	assert_true(has(d, "unknown kind 'firewall' (1 node): not a documented kind, analysed as a generic node"));
	assert_false(has(d, "'cvm'"));
	const fo_diag_entry *e = find_code(d, "unknown-kind");
	assert_non_null(e);
	assert_int_equal(e->sev, FO_SEV_WARNING);
	fo_diag_free(d);
}

/* Every warning has its code; ids longer than 80 bytes are shortened. */
static void warnings_have_codes_and_short_ids(void **state)
{
	(void)state;
	fo_check_stats st;
	char spec[512], id[101];
	memset(id, 'q', 100);
	id[100] = '\0';
	snprintf(spec, sizeof spec, "N app app\napp > a\na > a\nN %s\nN s site\nb @ s\nc @ s\napp > 1: b c\n", id);
	fo_diag *d = run(spec, &st);
	assert_non_null(find_code(d, "cycle"));
	assert_non_null(find_code(d, "doubtful-redundancy"));
	const fo_diag_entry *e = find_code(d, "unused");
	assert_non_null(e);
	char want[256];
	snprintf(want, sizeof want, "nothing depends on '%.80s...' (kind service), and it is not an app", id);
	assert_string_equal(e->msg, want);
	for (size_t i = 0; i < fo_diag_count(d); i++)
		assert_non_null(fo_diag_get(d, i)->code);
	fo_diag_free(d);
}

/* fo_graph_cycles (Tarjan over the CSR arrays) finds exactly igraph's
 * strongly connected components with a cycle, on random graphs. */
static void cycles_match_igraph(void **state)
{
	(void)state;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	igraph_set_error_handler(igraph_error_handler_ignore);
	for (int round = 0; round < 200; round++) {
		rgraph_params p = { 1 + rgraph_rnd(&seed, 60), 30, 3, 20, 10, 4, 0, 1 };
		fo_graph *g = rgraph_new(&seed, &p);
		fo_graph_view v;
		fo_sccs s;
		igraph_vector_int_t edges, memb;
		igraph_t ig;
		igraph_integer_t nc;
		uint8_t *self = calloc(p.n, 1);
		fo_graph_view_get(g, &v);
		assert_int_equal(igraph_vector_int_init(&edges, 0), IGRAPH_SUCCESS);
		for (uint32_t gi = 0; gi < v.groups; gi++) {
			if (!fo_group_type_is_hard((fo_group_type)v.group_type[gi]))
				continue;
			for (uint32_t m = v.member_off[gi]; m < v.member_off[gi + 1]; m++) {
				if (v.members[m] == v.group_owner[gi])
					self[v.members[m]] = 1;
				igraph_vector_int_push_back(&edges, v.group_owner[gi]);
				igraph_vector_int_push_back(&edges, v.members[m]);
			}
		}
		assert_int_equal(igraph_create(&ig, &edges, v.nodes, IGRAPH_DIRECTED), IGRAPH_SUCCESS);
		assert_int_equal(igraph_vector_int_init(&memb, 0), IGRAPH_SUCCESS);
		assert_int_equal(igraph_connected_components(&ig, &memb, NULL, &nc, IGRAPH_STRONG),
				 IGRAPH_SUCCESS);
		assert_int_equal(fo_graph_cycles(g, &s), FO_OK);
		/* Every reported component is one igraph component, whole. */
		size_t reported = 0;
		for (size_t c = 0; c < s.count; c++) {
			igraph_integer_t ic = VECTOR(memb)[s.nodes[s.off[c]]];
			size_t size = 0;
			for (uint32_t x = 0; x < v.nodes; x++)
				size += VECTOR(memb)[x] == ic;
			assert_int_equal(size, s.off[c + 1] - s.off[c]);
			for (uint32_t i = s.off[c]; i < s.off[c + 1]; i++)
				assert_int_equal(VECTOR(memb)[s.nodes[i]], ic);
			assert_true(size > 1 || self[s.nodes[s.off[c]]]);
			reported += size;
		}
		/* ... and every node in a cyclic igraph component is reported. */
		size_t cyclic = 0;
		for (uint32_t x = 0; x < v.nodes; x++) {
			size_t size = 0;
			for (uint32_t y = 0; y < v.nodes; y++)
				size += VECTOR(memb)[y] == VECTOR(memb)[x];
			cyclic += size > 1 || self[x];
		}
		assert_int_equal(reported, cyclic);
		fo_sccs_dispose(&s);
		igraph_vector_int_destroy(&memb);
		igraph_destroy(&ig);
		igraph_vector_int_destroy(&edges);
		free(self);
		fo_graph_free(g);
	}
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
		cmocka_unit_test(cycles_match_igraph),
		cmocka_unit_test(unknown_kind_warned_once_with_suggestion),
		cmocka_unit_test(warnings_have_codes_and_short_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
