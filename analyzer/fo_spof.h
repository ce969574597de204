/*
 * fo_spof.h — single points of failure, blast-radius ranking and shared fate,
 * for every node at once (design and definitions: docs/spof.md).
 *
 * For every node x the analysis computes
 *   fail set  F(x): the nodes v != x whose failure alone (--fail v) takes x
 *                   down, by the rules of docs/semantics.md;
 *   loss set  L(x): the nodes v whose destruction alone (--destroy v) loses
 *                   data x cannot run without: x is down when exactly the
 *                   nodes lost by destroying v fail.
 * For an app, F is its single points of failure and L its data-loss single
 * points of failure. Both are computed in one bottom-up pass over the
 * condensation of the hard-dependency graph (SCCs from fo_graph_cycles),
 * never by one propagation per node, and agree exactly with fo_engine_run.
 */
#ifndef FO_SPOF_H
#define FO_SPOF_H

#include <stddef.h>
#include <stdint.h>

#include "../graphs/fo_graph.h"

typedef struct fo_spof fo_spof;

/* Blast radius of one node when it fails alone. */
typedef struct fo_spof_rank {
	uint32_t node;
	uint32_t nodes_down; /* nodes down, the node itself included */
	uint32_t apps_down;  /* apps (kind app) down, the node itself if an app */
	uint64_t weight;     /* sum of fo_spof_tier_weight over those apps */
	uint32_t apps_lost;  /* apps whose loss set holds the node */
} fo_spof_rank;

/* Weight of an app of tier t in the ranking: tier 1 → 4, tier 2 → 2,
 * any other tier and untiered (0) → 1. */
unsigned fo_spof_tier_weight(unsigned tier);

/* Computes everything for g (borrowed: must outlive the result). *out owned
 * by the caller: fo_spof_free. Returns FO_OK, FO_ENOMEM,
 * FO_ELIMIT (more than 2^32 - 1 set entries).
 * Time O(sum over groups of the members' set sizes + sort of each set);
 * memory O(nodes + sum of set sizes). The sum of fail-set sizes equals the
 * sum over v of the nodes down when v fails: O(nodes^2) in the worst case (a
 * chain), about nodes × depth of the dependency stack in practice. Nodes in
 * a cycle are iterated to the least fixed point. */
int fo_spof_compute(fo_spof **out, const fo_graph *g);
void fo_spof_free(fo_spof *s);

/* Computes only what fo_spof_shared_fate needs, for `fallout check`: the
 * fail sets of the members of redundant hard groups (2 <= n, K < n) and of
 * every node they depend on through hard groups, transitively; those sets
 * are exactly the ones fo_spof_compute gives. Every other fail set, every
 * loss set and the ranking are left empty: fo_spof_ranking returns 0 and
 * fo_spof_rank_of must not be called. Same errors; time and memory at most
 * those of fo_spof_compute, without the loss sets and the ranking's sort. */
int fo_spof_compute_shared_fate(fo_spof **out, const fo_graph *g);

/* F(x) and L(x), ascending; *out borrowed for the result's lifetime. O(1). */
size_t fo_spof_fail_set(const fo_spof *s, uint32_t x, const uint32_t **out);
size_t fo_spof_loss_set(const fo_spof *s, uint32_t x, const uint32_t **out);
/* Membership tests. O(log |set|). */
int fo_spof_in_fail_set(const fo_spof *s, uint32_t x, uint32_t v);

/* Every node ranked: by weight, then apps down, then nodes down (all
 * descending), then node index. *out borrowed; 0 (and *out NULL) for a
 * result of fo_spof_compute_shared_fate. O(1). */
size_t fo_spof_ranking(const fo_spof *s, const fo_spof_rank **out);
/* The ranking entry of node v. O(1). */
const fo_spof_rank *fo_spof_rank_of(const fo_spof *s, uint32_t v);

/* Shared fate of group gi: when gi is a hard group with 2 <= n and K < n
 * (redundant on paper), the nearest common causes: nodes c, not members,
 * whose failure alone takes more than n - K members down (so the group
 * falls), keeping only those c for which no other such cause fails with c
 * (the water loop, not the site around it). *out malloc'd (free()), *n
 * causes ascending; *n = 0 and *out = NULL when the group has none or is not
 * redundant. Returns FO_OK, FO_ENOMEM. O(sum of members' fail-set sizes
 * + causes^2 log). */
int fo_spof_shared_fate(const fo_spof *s, uint32_t gi, uint32_t **out, size_t *n);

#endif
