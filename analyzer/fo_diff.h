/*
 * fo_diff.h — what changed between two inventories (before and after a
 * migration): nodes added, removed and changed, and dependencies added,
 * removed and changed.
 *
 * Nodes are matched by id. A dependency is a group identified by its owner's
 * id, its type and the set of its members' ids; when both inventories have
 * that group with a different K ("needs 1 of" became "needs 2 of") it is
 * changed, otherwise added or removed. Being located in a container is a
 * dependency like any other (type located), so a node that moved shows as one
 * located group removed and one added, not as a changed node.
 */
#ifndef FO_DIFF_H
#define FO_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "../graphs/fo_graph.h"

typedef enum fo_diff_op {
	FO_DIFF_ADDED = 0,
	FO_DIFF_REMOVED = 1,
	FO_DIFF_CHANGED = 2,
} fo_diff_op;

/* Fields of a changed node. */
enum fo_diff_field {
	FO_DIFF_KIND = 1u << 0,   /* canonical kind word */
	FO_DIFF_NAME = 1u << 1,
	FO_DIFF_TENANT = 1u << 2,
	FO_DIFF_TIER = 1u << 3,
	FO_DIFF_PROPS = 1u << 4,  /* free-form properties (as an ordered list) */
};

typedef struct fo_diff_node {
	fo_diff_op op;
	uint32_t before; /* node in `before`, FO_NONE when added */
	uint32_t after;  /* node in `after`, FO_NONE when removed */
	unsigned fields; /* FO_DIFF_* bits, for FO_DIFF_CHANGED */
} fo_diff_node;

typedef struct fo_diff_dep {
	fo_diff_op op;
	uint32_t before; /* group in `before`, FO_NONE when added */
	uint32_t after;  /* group in `after`, FO_NONE when removed */
} fo_diff_dep;

/* Caller-owned result; fo_diff_dispose frees its arrays. Entries are in a
 * deterministic order: removed ones in `before`'s order first, then added
 * and changed ones in `after`'s order. */
typedef struct fo_diff {
	fo_diff_node *nodes;
	size_t nnodes;
	fo_diff_dep *deps;
	size_t ndeps;
} fo_diff;

/* Compares two graphs (both borrowed). Returns FO_OK or FO_ENOMEM.
 * O((n + m) log(n + m)) for n nodes and m group members in both. */
int fo_diff_graphs(fo_diff *out, const fo_graph *before, const fo_graph *after);
void fo_diff_dispose(fo_diff *d);

#endif
