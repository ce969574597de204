/*
 * rgraph.h — random graphs for the randomised cross-checks against brute
 * force (test_engine.c, test_spof.c): nodes "n0".."n<n-1>" of kinds app,
 * dataset and service, a containment forest, requires and degrades groups
 * of random K of n (cycles happen) and copies.
 *
 * Deterministic: a graph depends only on the parameters and on the state of
 * the caller's generator, which it advances; the caller draws its own
 * numbers (scenarios, parameters) from the same generator with rgraph_rnd.
 */
#ifndef FO_TEST_RGRAPH_H
#define FO_TEST_RGRAPH_H

#include <stdint.h>

#include "graphs/fo_graph.h"

typedef struct rgraph_params {
	uint32_t n;           /* nodes, >= 1 */
	uint32_t contain_pct; /* chance (%) that a node is placed in another */
	uint32_t max_groups;  /* groups per node: 0..max_groups */
	uint32_t soft_pct;    /* chance (%) that a group is a degrades group */
	uint32_t copy_pct;    /* chance (%) that a node keeps copies (1 to 3) */
	uint32_t max_size;    /* members per group: 1..max_size (<= 8) */
	int tiers;            /* each node gets a tier 0..3 (one more draw a node) */
	int flat_in;          /* half the placements by in= rather than nested
			       * (one more draw a placement); 0: all nested */
} rgraph_params;

/* xorshift64: the next number in [0, bound) (bound > 0), advancing *state. */
uint32_t rgraph_rnd(uint64_t *state, uint32_t bound);

/* A new random graph (caller frees with fo_graph_free), drawing from
 * *state. Fails the test if the builder refuses it. O(n * max_groups *
 * max_size). */
fo_graph *rgraph_new(uint64_t *state, const rgraph_params *p);

#endif
