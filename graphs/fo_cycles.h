/*
 * fo_cycles.h — dependency cycles: strongly connected components of the
 * hard-dependency graph (Tarjan's algorithm over the graph's CSR arrays,
 * graphs/cycles.c; tests compare it with igraph's).
 *
 * A cycle of hard dependencies (requires, located, copies) means the system
 * cannot cold-start: every member waits for another. Soft dependencies do not
 * block a start and are ignored.
 */
#ifndef FO_CYCLES_H
#define FO_CYCLES_H

#include <stddef.h>
#include <stdint.h>

#include "fo_graph.h"

/* Strongly connected components with a cycle: component i has the nodes
 * nodes[off[i] .. off[i+1]), ascending; components ordered by their smallest
 * node. Caller-owned struct: fo_sccs_dispose frees its arrays. */
typedef struct fo_sccs {
	size_t count;
	uint32_t *off;
	uint32_t *nodes;
} fo_sccs;

/* Every component of the hard-dependency graph that contains a cycle (two or
 * more nodes, or one node that depends on itself). Returns FO_OK or
 * FO_ENOMEM. O(nodes + members) time, 5 arrays of nodes of memory. */
int fo_graph_cycles(const fo_graph *g, fo_sccs *out);
void fo_sccs_dispose(fo_sccs *s);

#endif
