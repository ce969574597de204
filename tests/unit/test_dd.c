/*
 * test_dd.c — the decision-diagram manager (risk/fo_dd.h): canonicity (one
 * function, one node, however built), the operation cache, garbage
 * collection (live nodes kept and intact, dead ones freed), the memory
 * limit (FO_ELIMIT, never a crash), and the ZBDD operations against
 * explicit families of sets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graphs/fo_error.h"
#include "risk/fo_dd.h"

/* Value of the BDD f under the assignment `mask` (bit i: level i). */
static int bdd_eval(const fo_dd *m, fo_dd_edge f, uint32_t mask)
{
	while (f >= 2)
		f = (mask >> fo_dd_level(m, f)) & 1 ? fo_dd_hi(m, f) : fo_dd_lo(m, f);
	return (int)f;
}

/* The family of the ZBDD z as a bitmap over the subsets of 8 levels. */
static void zdd_family(const fo_dd *m, fo_dd_edge z, uint32_t prefix, uint8_t fam[256])
{
	if (z == FO_DD_FALSE)
		return;
	if (z == FO_DD_TRUE) {
		fam[prefix] = 1;
		return;
	}
	zdd_family(m, fo_dd_lo(m, z), prefix, fam);
	zdd_family(m, fo_dd_hi(m, z), prefix | 1u << fo_dd_level(m, z), fam);
}

/* The ZBDD of an explicit family (bitmap over 8 levels). */
static fo_dd_edge zdd_of(fo_dd *m, const uint8_t fam[256])
{
	fo_dd_edge z = FO_DD_FALSE;
	for (uint32_t s = 0; s < 256; s++) {
		if (!fam[s])
			continue;
		fo_dd_edge set = FO_DD_TRUE;
		for (uint32_t l = 8; l-- > 0;)
			if ((s >> l) & 1)
				set = fo_dd_zdd_node(m, l, FO_DD_FALSE, set);
		z = fo_dd_zdd_union(m, z, set);
	}
	return z;
}

static void canonical_whatever_the_construction(void **state)
{
	(void)state;
	fo_dd *m = NULL;
	assert_int_equal(fo_dd_new(&m, 4, 0), FO_OK);
	fo_dd_edge a = fo_dd_bdd_var(m, 0), b = fo_dd_bdd_var(m, 1), c = fo_dd_bdd_var(m, 2);
	/* (a and b) or c, and its De Morgan form not(not(a and b) and not c). */
	fo_dd_edge f1 = fo_dd_bdd_or(m, fo_dd_bdd_and(m, a, b), c);
	fo_dd_edge f2 = fo_dd_bdd_not(
		m, fo_dd_bdd_and(m, fo_dd_bdd_not(m, fo_dd_bdd_and(m, b, a)), fo_dd_bdd_not(m, c)));
	assert_int_equal(f1, f2);
	/* a xor b from and/or/not. */
	fo_dd_edge x1 = fo_dd_bdd_xor(m, a, b);
	fo_dd_edge x2 = fo_dd_bdd_or(m, fo_dd_bdd_and(m, a, fo_dd_bdd_not(m, b)),
				     fo_dd_bdd_and(m, fo_dd_bdd_not(m, a), b));
	assert_int_equal(x1, x2);
	assert_int_equal(fo_dd_bdd_xor(m, x1, x1), FO_DD_FALSE);
	assert_int_equal(fo_dd_bdd_or(m, a, fo_dd_bdd_not(m, a)), FO_DD_TRUE);
	/* Reduction: a node with equal children is its child. */
	assert_int_equal(fo_dd_bdd_node(m, 0, c, c), c);
	assert_int_equal(fo_dd_bdd_node(m, 0, FO_DD_FALSE, FO_DD_TRUE), a);
	assert_int_equal(fo_dd_size(m, f1), 5); /* a, b, c and the terminals */
	for (uint32_t mask = 0; mask < 8; mask++)
		assert_int_equal(bdd_eval(m, f1, mask), ((mask & 1) && (mask & 2)) || (mask & 4));
	assert_int_equal(fo_dd_level(m, FO_DD_TRUE), FO_DD_TERMINAL_LEVEL);
	assert_int_equal(fo_dd_bdd_var(m, 4), FO_DD_ERR);
	assert_int_equal(fo_dd_error(m), FO_EINVAL);
	assert_int_equal(fo_dd_bdd_and(m, a, b), FO_DD_ERR); /* sticky until cleared */
	fo_dd_clear_error(m);
	assert_int_not_equal(fo_dd_bdd_and(m, a, b), FO_DD_ERR);
	fo_dd_free(m);
}

static void operation_cache_answers_repeats(void **state)
{
	(void)state;
	fo_dd *m = NULL;
	assert_int_equal(fo_dd_new(&m, 16, 0), FO_OK);
	fo_dd_edge f = FO_DD_FALSE, g = FO_DD_TRUE;
	for (uint32_t i = 0; i < 16; i += 2)
		f = fo_dd_bdd_or(m, f, fo_dd_bdd_and(m, fo_dd_bdd_var(m, i), fo_dd_bdd_var(m, i + 1)));
	for (uint32_t i = 0; i < 16; i++)
		g = fo_dd_bdd_and(m, g, fo_dd_bdd_var(m, (i * 7) % 16));
	uint64_t l1, h1, l2, h2;
	fo_dd_cache_stats(m, &l1, &h1);
	fo_dd_edge r1 = fo_dd_bdd_xor(m, f, g);
	fo_dd_cache_stats(m, &l2, &h2);
	size_t live = fo_dd_live_nodes(m);
	fo_dd_edge r2 = fo_dd_bdd_xor(m, g, f); /* commutative: same entry */
	uint64_t l3, h3;
	fo_dd_cache_stats(m, &l3, &h3);
	assert_int_equal(r1, r2);
	assert_int_equal(l3 - l2, 1); /* answered by the first lookup */
	assert_int_equal(h3 - h2, 1);
	assert_int_equal(fo_dd_live_nodes(m), live); /* nothing new built */
	/* After a collection the cache is cleared but answers stay equal. */
	fo_dd_ref(m, f);
	fo_dd_ref(m, g);
	fo_dd_ref(m, r1);
	fo_dd_gc(m);
	assert_int_equal(fo_dd_bdd_xor(m, f, g), r1);
	fo_dd_free(m);
}

static void gc_keeps_live_frees_dead(void **state)
{
	(void)state;
	fo_dd *m = NULL;
	assert_int_equal(fo_dd_new(&m, 12, 0), FO_OK);
	fo_dd_edge keep = FO_DD_FALSE;
	for (uint32_t i = 0; i < 12; i += 3)
		keep = fo_dd_bdd_or(m, keep,
				    fo_dd_bdd_and(m, fo_dd_bdd_var(m, i), fo_dd_bdd_var(m, i + 2)));
	fo_dd_ref(m, keep);
	uint8_t truth[1 << 12];
	for (uint32_t mask = 0; mask < (1u << 12); mask++)
		truth[mask] = (uint8_t)bdd_eval(m, keep, mask);
	size_t keep_size = fo_dd_size(m, keep);
	/* Garbage: a parity of everything, not referenced. */
	fo_dd_edge junk = FO_DD_FALSE;
	for (uint32_t i = 0; i < 12; i++)
		junk = fo_dd_bdd_xor(m, junk, fo_dd_bdd_var(m, i));
	assert_true(fo_dd_size(m, junk) > 12);
	size_t before = fo_dd_live_nodes(m);
	size_t bound_before = fo_dd_index_bound(m);
	size_t freed = fo_dd_gc(m);
	assert_true(freed > 0);
	assert_int_equal(fo_dd_live_nodes(m), before - freed);
	assert_int_equal(fo_dd_live_nodes(m), keep_size); /* only keep's nodes left */
	for (uint32_t mask = 0; mask < (1u << 12); mask++)
		assert_int_equal(bdd_eval(m, keep, mask), truth[mask]);
	/* Rebuilding keep after the collection finds the same node (the
	 * unique table was rebuilt over the survivors). */
	fo_dd_edge again = FO_DD_FALSE;
	for (uint32_t i = 0; i < 12; i += 3)
		again = fo_dd_bdd_or(m, again,
				     fo_dd_bdd_and(m, fo_dd_bdd_var(m, i), fo_dd_bdd_var(m, i + 2)));
	assert_int_equal(again, keep);
	/* Freed slots are reused: building the garbage again needs no slot
	 * beyond those it had. */
	junk = FO_DD_FALSE;
	for (uint32_t i = 0; i < 12; i++)
		junk = fo_dd_bdd_xor(m, junk, fo_dd_bdd_var(m, i));
	assert_true(fo_dd_index_bound(m) <= bound_before);
	fo_dd_deref(m, keep);
	fo_dd_gc(m);
	assert_int_equal(fo_dd_live_nodes(m), 2); /* the terminals */
	fo_dd_free(m);
}

static void memory_limit_gives_elimit(void **state)
{
	(void)state;
	fo_dd *m = NULL;
	assert_int_equal(fo_dd_new(&m, 40, 1000), FO_ELIMIT);
	assert_null(m);
	/* x_i and y_i pairs with all x's first: 2^20 nodes would be needed. */
	size_t limit = 256 * 1024;
	assert_int_equal(fo_dd_new(&m, 40, limit), FO_OK);
	fo_dd_edge f = FO_DD_FALSE;
	for (uint32_t i = 0; i < 20; i++)
		f = fo_dd_bdd_or(m, f, fo_dd_bdd_and(m, fo_dd_bdd_var(m, i), fo_dd_bdd_var(m, 20 + i)));
	assert_int_equal(f, FO_DD_ERR);
	assert_int_equal(fo_dd_error(m), FO_ELIMIT);
	assert_true(fo_dd_peak_bytes(m) <= limit);
	assert_int_equal(fo_dd_charge(m, (long long)limit), FO_ELIMIT);
	/* The manager stays usable after a collection. */
	fo_dd_gc(m);
	fo_dd_clear_error(m);
	f = fo_dd_bdd_and(m, fo_dd_bdd_var(m, 0), fo_dd_bdd_var(m, 1));
	assert_int_not_equal(f, FO_DD_ERR);
	fo_dd_free(m);
	/* Charges count against the limit and are given back. */
	assert_int_equal(fo_dd_new(&m, 4, limit), FO_OK);
	size_t base = fo_dd_bytes(m);
	assert_int_equal(fo_dd_charge(m, (long long)(limit - base)), FO_OK);
	assert_int_equal(fo_dd_charge(m, 1), FO_ELIMIT);
	assert_int_equal(fo_dd_charge(m, -(long long)(limit - base)), FO_OK);
	assert_int_equal(fo_dd_bytes(m), base);
	fo_dd_free(m);
}

static void zdd_operations_match_sets(void **state)
{
	(void)state;
	uint64_t seed = 7;
	for (int t = 0; t < 200; t++) {
		fo_dd *m = NULL;
		assert_int_equal(fo_dd_new(&m, 8, 0), FO_OK);
		uint8_t p[256] = {0}, q[256] = {0};
		for (int i = 0; i < 256; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			p[i] = (seed >> 60) == 0;
			q[i] = ((seed >> 50) & 31) == 0;
		}
		fo_dd_edge zp = zdd_of(m, p), zq = zdd_of(m, q);
		uint8_t got[256], want[256];
		/* union */
		memset(got, 0, sizeof got);
		zdd_family(m, fo_dd_zdd_union(m, zp, zq), 0, got);
		for (int s = 0; s < 256; s++)
			assert_int_equal(got[s], p[s] || q[s]);
		/* without: sets of p containing no set of q */
		memset(got, 0, sizeof got);
		zdd_family(m, fo_dd_zdd_without(m, zp, zq), 0, got);
		for (int s = 0; s < 256; s++) {
			int w = p[s];
			for (int x = 0; x < 256 && w; x++)
				if (q[x] && (x & s) == x)
					w = 0;
			assert_int_equal(got[s], w);
		}
		/* minimize */
		memset(got, 0, sizeof got);
		zdd_family(m, fo_dd_zdd_minimize(m, zp), 0, got);
		for (int s = 0; s < 256; s++) {
			int w = p[s];
			for (int x = 0; x < 256 && w; x++)
				if (p[x] && x != s && (x & s) == x)
					w = 0;
			assert_int_equal(got[s], w);
		}
		/* product truncated at k, and truncate */
		uint32_t k = (uint32_t)(t % 5);
		memset(got, 0, sizeof got);
		memset(want, 0, sizeof want);
		zdd_family(m, fo_dd_zdd_product(m, zp, zq, k), 0, got);
		for (int a = 0; a < 256; a++)
			for (int b = 0; b < 256; b++)
				if (p[a] && q[b] && (uint32_t)__builtin_popcount(a | b) <= k)
					want[a | b] = 1;
		assert_memory_equal(got, want, sizeof got);
		memset(got, 0, sizeof got);
		zdd_family(m, fo_dd_zdd_truncate(m, zp, k), 0, got);
		for (int s = 0; s < 256; s++)
			assert_int_equal(got[s], p[s] && (uint32_t)__builtin_popcount(s) <= k);
		/* minsol of a random BDD: the minimal s with f(s) true, <= k */
		fo_dd_edge f = FO_DD_FALSE;
		for (int s = 0; s < 256; s++) {
			if (!q[s] && !(p[s] && s % 3 == 0))
				continue;
			fo_dd_edge cube = FO_DD_TRUE;
			for (uint32_t l = 8; l-- > 0;)
				cube = (s >> l) & 1 ? fo_dd_bdd_node(m, l, FO_DD_FALSE, cube)
						    : fo_dd_bdd_node(m, l, cube, FO_DD_FALSE);
			f = fo_dd_bdd_or(m, f, cube);
		}
		uint32_t bound = t % 2 ? k : FO_DD_NO_BOUND;
		memset(got, 0, sizeof got);
		zdd_family(m, fo_dd_zdd_minsol(m, f, bound), 0, got);
		for (int s = 0; s < 256; s++) {
			int w = bdd_eval(m, f, (uint32_t)s) &&
				(bound == FO_DD_NO_BOUND || (uint32_t)__builtin_popcount(s) <= bound);
			for (int x = 0; x < 256 && w; x++)
				if (x != s && (x & s) == x && bdd_eval(m, f, (uint32_t)x))
					w = 0;
			assert_int_equal(got[s], w);
		}
		assert_int_equal(fo_dd_error(m), FO_OK);
		fo_dd_free(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(canonical_whatever_the_construction),
		cmocka_unit_test(operation_cache_answers_repeats),
		cmocka_unit_test(gc_keeps_live_frees_dead),
		cmocka_unit_test(memory_limit_gives_elimit),
		cmocka_unit_test(zdd_operations_match_sets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
