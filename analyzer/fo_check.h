/*
 * fo_check.h — design warnings about a valid inventory, for `fallout check`.
 *
 * Five kinds of warning, each located at the line of the node it concerns
 * and given a stable code (docs/inventory-format.md):
 *  - unknown kinds ("unknown-kind"): one per distinct kind word that is not a
 *    documented kind or alias, at its first node, with the count of nodes
 *    and the nearest documented kind when one is close (fo_suggest.h);
 *  - dependency cycles ("cycle"): each strongly connected component of hard
 *    dependencies, with its members (such a system cannot cold-start);
 *  - unused nodes ("unused"): nothing depends on them (no group lists them, nothing is
 *    located in them) and they are not apps;
 *  - doubtful redundancy ("doubtful-redundancy"): a group of two or more members (requires, degrades
 *    or copies) whose members are all located, transitively, in one common
 *    container below region level: one fire or cooling failure there takes
 *    every member at once. Regions are not counted as a shared container: a
 *    region is a geography, not a failure domain fallout models.
 *  - shared fate ("shared-fate"): a hard group needing K of n members (K < n) whose
 *    members fall together (more than n - K of them) when one common node
 *    fails (docs/spof.md): the nearest such causes are named. Regions are
 *    left out as above, and a group whose only cause is the container of the
 *    doubtful-redundancy warning is not warned twice.
 */
#ifndef FO_CHECK_H
#define FO_CHECK_H

#include <stddef.h>

#include "../graphs/fo_diag.h"
#include "../graphs/fo_graph.h"

typedef struct fo_check_stats {
	size_t nodes;
	size_t dependencies; /* group memberships: one per member of each group */
	size_t groups;       /* groups of two or more members */
	size_t apps;
	size_t tenants;      /* distinct tenants of apps and other nodes */
	size_t cycles, unused, shared; /* warnings of each kind */
	size_t shared_fate;  /* redundancy on paper only (docs/spof.md) */
	size_t unknown_kinds; /* distinct kind words that are not documented */
} fo_check_stats;

/* Adds the warnings to diag (located in fo_graph_file(g)) in a deterministic
 * order: unknown kinds, cycles, then unused nodes, then doubtful groups and
 * shared fate, by group. Ids in messages are shortened (fo_diag_shorten).
 * Fills *stats. Returns FO_OK or FO_ENOMEM.
 * O(nodes + members * containment depth), plus fo_spof_compute. */
int fo_check_warnings(const fo_graph *g, fo_diag *diag, fo_check_stats *stats);

#endif
