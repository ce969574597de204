/* rgraph.c — random graphs for the cross-checks (rgraph.h). Test code:
 * fails the test on a builder error. */
#include "rgraph.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "graphs/fo_error.h"

uint32_t rgraph_rnd(uint64_t *state, uint32_t bound)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (uint32_t)((*state >> 11) % bound);
}

static int in_set(const uint32_t *a, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] == x)
			return 1;
	return 0;
}

/* Distinct random nodes into out[0..k). */
static void pick(uint64_t *st, uint32_t n, uint32_t k, uint32_t *out)
{
	for (uint32_t i = 0; i < k; i++) {
		uint32_t x;
		do
			x = rgraph_rnd(st, n);
		while (in_set(out, i, x));
		out[i] = x;
	}
}

fo_graph *rgraph_new(uint64_t *st, const rgraph_params *p)
{
	fo_diag *d = NULL;
	fo_builder *b = NULL;
	fo_graph *g = NULL;
	uint32_t n = p->n, *perm = malloc(n * sizeof *perm), mem[8];
	char id[32], ref[32];
	assert_non_null(perm);
	assert_true(p->max_size <= 8);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_builder_new(&b, d, "random"), FO_OK);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t x, r = rgraph_rnd(st, 10);
		unsigned tier = p->tiers ? rgraph_rnd(st, 4) : 0;
		snprintf(id, sizeof id, "n%u", i);
		assert_int_equal(fo_builder_add_node(b, id, r < 3 ? "app" : r < 4 ? "dataset" : "service",
						     NULL, NULL, tier, (fo_pos){ i + 1, 1 }, &x), FO_OK);
		perm[i] = i;
	}
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j = rgraph_rnd(st, i + 1), tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
	}
	/* Containment forest: a node may only be placed in an earlier one of
	 * the permutation, so no loops. */
	for (uint32_t i = 1; i < n; i++) {
		if (rgraph_rnd(st, 100) >= p->contain_pct)
			continue;
		uint32_t parent = perm[rgraph_rnd(st, i)];
		if (!p->flat_in || rgraph_rnd(st, 2)) {
			assert_int_equal(fo_builder_set_parent(b, perm[i], parent), FO_OK);
		} else {
			snprintf(ref, sizeof ref, "n%u", parent);
			assert_int_equal(fo_builder_set_container(b, perm[i], ref, (fo_pos){ 1, 1 }), FO_OK);
		}
	}
	for (uint32_t v = 0; v < n; v++) {
		uint32_t ng = rgraph_rnd(st, p->max_groups + 1);
		for (uint32_t j = 0; j < ng; j++) {
			uint32_t size = 1 + rgraph_rnd(st, p->max_size < n ? p->max_size : n);
			fo_group_type ty = rgraph_rnd(st, 100) < p->soft_pct ? FO_GROUP_DEGRADES
									 : FO_GROUP_REQUIRES;
			pick(st, n, size, mem);
			assert_int_equal(fo_builder_group_begin(b, v, ty, 1 + rgraph_rnd(st, size),
								(fo_pos){ v + 1, 1 }), FO_OK);
			for (uint32_t m = 0; m < size; m++) {
				snprintf(ref, sizeof ref, "n%u", mem[m]);
				assert_int_equal(fo_builder_group_add(b, ref, (fo_pos){ v + 1, 1 }), FO_OK);
			}
			assert_int_equal(fo_builder_group_end(b), FO_OK);
		}
		if (rgraph_rnd(st, 100) < p->copy_pct) {
			uint32_t nc = 1 + rgraph_rnd(st, n < 3 ? n : 3);
			pick(st, n, nc, mem);
			for (uint32_t m = 0; m < nc; m++) {
				snprintf(ref, sizeof ref, "n%u", mem[m]);
				assert_int_equal(fo_builder_add_copy(b, v, ref, (fo_pos){ v + 1, 1 }), FO_OK);
			}
		}
	}
	int err = fo_builder_finish(b, &g);
	if (err != FO_OK)
		fo_diag_print(d, stderr);
	assert_int_equal(err, FO_OK);
	fo_builder_free(b);
	fo_diag_free(d);
	free(perm);
	return g;
}
