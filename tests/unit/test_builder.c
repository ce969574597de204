/*
 * test_builder.c — the builder's fast paths give what the plain ones give:
 * members and copy holders by node index (what a snapshot load uses) build
 * the same graph as by id, also when an id does not find its node; forward
 * and backward references resolve alike; fo_builder_reserve changes
 * nothing but sizes; fo_graph_memory counts what the graph holds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"
#include "graphs/fo_graph.h"

#define N 3000

static void node_id(char *buf, size_t n, unsigned i)
{
	snprintf(buf, n, "node-%u", i);
}

/* The id node i was given (with dup, the last node repeats node 5's). */
static void id_of(char *buf, size_t n, unsigned i, int dup)
{
	node_id(buf, n, dup && i == N - 1 ? 5 : i);
}

/* A graph of N nodes where node i requires 2 of {i-1, i-2, (i*7)%N} (a
 * forward reference for some) and copies to (i+1)%N; by_index names
 * members by node index instead of by the node's id (as a snapshot load
 * does); dup gives the last node node 5's id. */
static int build(fo_graph **out, fo_diag *d, int by_index, int reserve, int dup)
{
	fo_builder *b = NULL;
	char id[32];
	uint32_t v;
	int err;

	assert_int_equal(fo_builder_new(&b, d, "t.xml"), FO_OK);
	if (reserve)
		assert_int_equal(fo_builder_reserve(b, N, N, 3 * N), FO_OK);
	for (unsigned i = 0; i < N; i++) {
		id_of(id, sizeof id, i, dup);
		assert_int_equal(fo_builder_add_node(b, id, i % 2 ? "vm" : "host", NULL, NULL, 0,
						     (fo_pos){ i + 1, 3 }, &v), FO_OK);
		assert_int_equal(v, i);
	}
	for (unsigned i = 2; i < N; i++) {
		unsigned m[3] = { i - 1, i - 2, (i * 7) % N };
		if (m[2] == m[0] || m[2] == m[1] || m[2] == i)
			m[2] = (i + 5) % N;
		assert_int_equal(fo_builder_group_begin(b, i, FO_GROUP_REQUIRES, 2, (fo_pos){ i, 1 }),
				 FO_OK);
		for (int k = 0; k < 3; k++) {
			id_of(id, sizeof id, m[k], dup);
			assert_int_equal(by_index ? fo_builder_group_add_node(b, m[k], (fo_pos){ i, 5 })
						  : fo_builder_group_add(b, id, (fo_pos){ i, 5 }),
					 FO_OK);
		}
		assert_int_equal(fo_builder_group_end(b), FO_OK);
		id_of(id, sizeof id, (i + 1) % N, dup);
		assert_int_equal(by_index ? fo_builder_add_copy_node(b, i, (i + 1) % N, (fo_pos){ i, 9 })
					  : fo_builder_add_copy(b, i, id, (fo_pos){ i, 9 }),
				 FO_OK);
	}
	err = fo_builder_finish(b, out);
	fo_builder_free(b);
	return err;
}

static void assert_same(const fo_graph *a, const fo_graph *b)
{
	assert_int_equal(fo_graph_node_count(a), fo_graph_node_count(b));
	assert_int_equal(fo_graph_group_count(a), fo_graph_group_count(b));
	assert_int_equal(fo_graph_member_count(a), fo_graph_member_count(b));
	for (uint32_t gi = 0; gi < fo_graph_group_count(a); gi++) {
		fo_group_info x, y;
		fo_graph_group(a, gi, &x);
		fo_graph_group(b, gi, &y);
		assert_int_equal(x.owner, y.owner);
		assert_int_equal(x.type, y.type);
		assert_int_equal(x.k, y.k);
		assert_int_equal(x.n, y.n);
		assert_memory_equal(x.members, y.members, x.n * sizeof *x.members);
	}
}

static void by_index_equals_by_id(void **state)
{
	fo_diag *d = NULL;
	fo_graph *a = NULL, *b = NULL, *c = NULL;
	(void)state;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(build(&a, d, 0, 0, 0), FO_OK);
	assert_int_equal(build(&b, d, 1, 0, 0), FO_OK);
	assert_int_equal(build(&c, d, 1, 1, 0), FO_OK);
	assert_same(a, b);
	assert_same(a, c);
	char id[32];
	for (unsigned i = 0; i < N; i += 97) {
		uint32_t v = FO_NONE;
		node_id(id, sizeof id, i);
		assert_int_equal(fo_graph_lookup(c, id, &v), FO_OK);
		assert_int_equal(v, i);
	}
	assert_int_equal(fo_graph_lookup(c, "node-x", &(uint32_t){ 0 }), FO_ENOTFOUND);
	assert_int_equal(fo_diag_errors(d), 0);
	fo_graph_free(a);
	fo_graph_free(b);
	fo_graph_free(c);
	fo_diag_free(d);
}

/* With a duplicate id, by index must report exactly what by id reports. */
static void by_index_duplicate_reports_as_by_id(void **state)
{
	fo_diag *d1 = NULL, *d2 = NULL;
	fo_graph *a = NULL, *b = NULL;
	(void)state;
	assert_int_equal(fo_diag_new(&d1, 0), FO_OK);
	assert_int_equal(fo_diag_new(&d2, 0), FO_OK);
	assert_int_equal(build(&a, d1, 0, 0, 1), FO_EINPUT);
	assert_int_equal(build(&b, d2, 1, 0, 1), FO_EINPUT);
	assert_null(a);
	assert_null(b);
	assert_int_equal(fo_diag_count(d1), fo_diag_count(d2));
	assert_true(fo_diag_errors(d1) > 0);
	char *s1 = NULL, *s2 = NULL;
	size_t n1 = 0, n2 = 0;
	FILE *f1 = open_memstream(&s1, &n1), *f2 = open_memstream(&s2, &n2);
	fo_diag_print(d1, f1);
	fo_diag_print(d2, f2);
	fclose(f1);
	fclose(f2);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);
	fo_diag_free(d1);
	fo_diag_free(d2);
}

/* fo_graph_memory: at least the arrays the counts imply, and the same for
 * the same graph however it was built. */
static void memory_is_counted(void **state)
{
	fo_diag *d = NULL;
	fo_graph *a = NULL, *c = NULL;
	(void)state;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(build(&a, d, 0, 0, 0), FO_OK);
	assert_int_equal(build(&c, d, 1, 1, 0), FO_OK);
	size_t nodes = fo_graph_node_count(a), groups = fo_graph_group_count(a);
	size_t members = fo_graph_member_count(a);
	size_t floor = nodes * (8 * 4 + 1) + groups * (4 * 4 + 1) + members * 2 * 4;
	assert_true(fo_graph_memory(a) >= floor);
	assert_true(fo_graph_memory(a) < floor + nodes * 64 + 65536);
	assert_int_equal(fo_graph_memory(a), fo_graph_memory(c));
	fo_graph_free(a);
	fo_graph_free(c);
	fo_diag_free(d);
}

static void empty_graph(void **state)
{
	fo_builder *b = NULL;
	fo_graph *g = NULL;
	(void)state;
	assert_int_equal(fo_builder_new(&b, NULL, NULL), FO_OK);
	assert_int_equal(fo_builder_reserve(b, 0, 0, 0), FO_OK);
	assert_int_equal(fo_builder_finish(b, &g), FO_OK);
	fo_builder_free(b);
	assert_int_equal(fo_graph_node_count(g), 0);
	assert_true(fo_graph_memory(g) > 0);
	assert_int_equal(fo_graph_lookup(g, "x", &(uint32_t){ 0 }), FO_ENOTFOUND);
	fo_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(by_index_equals_by_id),
		cmocka_unit_test(by_index_duplicate_reports_as_by_id),
		cmocka_unit_test(memory_is_counted),
		cmocka_unit_test(empty_graph),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
