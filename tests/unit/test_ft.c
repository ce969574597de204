/*
 * test_ft.c — fault trees (graphs/fo_ft.h): building, reading back, the
 * shape rules of each gate, names (hostile and anonymous), coherence.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graphs/fo_error.h"
#include "graphs/fo_ft.h"

static void build_and_read(void **state)
{
	(void)state;
	fo_ft *ft = NULL;
	uint32_t a, b, c, g1, g2;
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	assert_int_equal(fo_ft_top(ft), FO_NONE);
	assert_int_equal(fo_ft_add_event(ft, "a \"q\" <x>\n\xe5\x86\xb7", 0.25, 7, &a), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "b", -3.0, FO_NONE, &b), FO_OK);
	uint32_t ab[] = {a, b};
	assert_int_equal(fo_ft_add_gate(ft, "g1", FO_FT_AND, 99, ab, 2, &g1), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "c", 1.0, 3, &c), FO_OK);
	uint32_t three[] = {g1, c, a};
	assert_int_equal(fo_ft_add_gate(ft, NULL, FO_FT_ATLEAST, 2, three, 3, &g2), FO_OK);
	assert_int_equal(fo_ft_set_top(ft, g2), FO_OK);

	assert_int_equal(fo_ft_node_count(ft), 5);
	assert_int_equal(fo_ft_event_count(ft), 3);
	assert_int_equal(fo_ft_top(ft), g2);
	assert_string_equal(fo_ft_node_name(ft, a), "a \"q\" <x>\n\xe5\x86\xb7");
	assert_null(fo_ft_node_name(ft, g2));
	assert_string_equal(fo_ft_node_name(ft, g1), "g1");
	assert_int_equal(fo_ft_node_op(ft, g1), FO_FT_AND);
	assert_int_equal(fo_ft_node_k(ft, g1), 0); /* k means nothing for AND */
	assert_int_equal(fo_ft_node_k(ft, g2), 2);
	const uint32_t *args;
	assert_int_equal(fo_ft_node_args(ft, g2, &args), 3);
	assert_int_equal(args[0], g1);
	assert_int_equal(args[2], a);
	assert_int_equal(fo_ft_node_args(ft, a, &args), 0);
	assert_int_equal(fo_ft_node_event(ft, c), 2);
	assert_int_equal(fo_ft_node_event(ft, g1), FO_NONE);
	assert_int_equal(fo_ft_event_node(ft, 2), c);
	assert_true(fo_ft_event_p(ft, 0) == 0.25);
	assert_true(fo_ft_event_p(ft, 1) < 0); /* unknown */
	assert_int_equal(fo_ft_event_ref(ft, 0), 7);
	assert_string_equal(fo_ft_event_name(ft, 2), "c");
	assert_int_equal(fo_ft_is_coherent(ft), 1);
	assert_null(fo_ft_name(ft));
	assert_int_equal(fo_ft_set_name(ft, "tree"), FO_OK);
	assert_string_equal(fo_ft_name(ft), "tree");
	assert_int_equal(fo_ft_set_name(ft, NULL), FO_OK);
	assert_null(fo_ft_name(ft));
	fo_ft_free(ft);
}

static void shapes_refused(void **state)
{
	(void)state;
	fo_ft *ft = NULL;
	uint32_t a, b, g;
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, NULL, 0.1, 0, &a), FO_EINVAL);
	assert_int_equal(fo_ft_add_event(ft, "x", 1.5, 0, &a), FO_EINVAL);
	assert_int_equal(fo_ft_add_event(ft, "x", NAN, 0, &a), FO_EINVAL);
	assert_int_equal(fo_ft_add_event(ft, "a", 0.1, 0, &a), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "b", 0.1, 0, &b), FO_OK);
	uint32_t ab[] = {a, b}, bad[] = {a, 9};
	assert_int_equal(fo_ft_add_gate(ft, "g", FO_FT_AND, 0, ab, 0, &g), FO_EINVAL);
	assert_int_equal(fo_ft_add_gate(ft, "g", FO_FT_OR, 0, bad, 2, &g), FO_EINVAL);
	assert_int_equal(fo_ft_add_gate(ft, "g", FO_FT_ATLEAST, 0, ab, 2, &g), FO_EINVAL);
	assert_int_equal(fo_ft_add_gate(ft, "g", FO_FT_ATLEAST, 3, ab, 2, &g), FO_EINVAL);
	assert_int_equal(fo_ft_add_gate(ft, "g", FO_FT_NOT, 0, ab, 2, &g), FO_EINVAL);
	assert_int_equal(fo_ft_add_gate(ft, "g", FO_FT_XOR, 0, ab, 1, &g), FO_EINVAL);
	assert_int_equal(fo_ft_add_gate(ft, "g", FO_FT_CONST, 2, NULL, 0, &g), FO_EINVAL);
	assert_int_equal(fo_ft_add_gate(ft, "g", FO_FT_CONST, 1, ab, 1, &g), FO_EINVAL);
	assert_int_equal(fo_ft_add_gate(ft, "g", FO_FT_EVENT, 0, ab, 2, &g), FO_EINVAL);
	/* Nothing half-added by the refusals. */
	assert_int_equal(fo_ft_node_count(ft), 2);
	assert_int_equal(fo_ft_set_top(ft, 2), FO_EINVAL);
	/* A gate may not use itself or a later node: acyclic by construction. */
	uint32_t self[] = {2};
	assert_int_equal(fo_ft_add_gate(ft, "g", FO_FT_NOT, 0, self, 1, &g), FO_EINVAL);
	assert_int_equal(fo_ft_add_gate(ft, "t", FO_FT_CONST, 1, NULL, 0, &g), FO_OK);
	assert_int_equal(fo_ft_node_k(ft, g), 1);
	fo_ft_free(ft);
	fo_ft_free(NULL);
}

static void coherence(void **state)
{
	(void)state;
	fo_ft *ft = NULL;
	uint32_t a, b, n, x, top, other;
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	assert_int_equal(fo_ft_is_coherent(ft), 1); /* no top */
	assert_int_equal(fo_ft_add_event(ft, "a", 0.1, 0, &a), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "b", 0.1, 0, &b), FO_OK);
	assert_int_equal(fo_ft_add_gate(ft, NULL, FO_FT_NOT, 0, &a, 1, &n), FO_OK);
	uint32_t ab[] = {a, b}, nb[] = {n, b};
	assert_int_equal(fo_ft_add_gate(ft, NULL, FO_FT_OR, 0, ab, 2, &top), FO_OK);
	assert_int_equal(fo_ft_add_gate(ft, NULL, FO_FT_AND, 0, nb, 2, &other), FO_OK);
	assert_int_equal(fo_ft_set_top(ft, top), FO_OK);
	/* The NOT exists but is outside the top's cone. */
	assert_int_equal(fo_ft_is_coherent(ft), 1);
	assert_int_equal(fo_ft_set_top(ft, other), FO_OK);
	assert_int_equal(fo_ft_is_coherent(ft), 0);
	assert_int_equal(fo_ft_add_gate(ft, NULL, FO_FT_XOR, 0, ab, 2, &x), FO_OK);
	assert_int_equal(fo_ft_set_top(ft, x), FO_OK);
	assert_int_equal(fo_ft_is_coherent(ft), 0);
	fo_ft_free(ft);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_and_read),
		cmocka_unit_test(shapes_refused),
		cmocka_unit_test(coherence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
