/*
 * fo_map.h — the impact map: the nodes of a drawing aggregated into boxes,
 * so that an impact of any size reads as a few dozen boxes
 * (docs/diagrams.md).
 *
 * A drawing is a set of nodes (the scope, closed under containment: the
 * container of a drawn node is drawn). The map cuts the containment tree:
 * containers above the cut are clusters; every other node goes into an
 * item of the nearest cluster around it — either itself (a single node) or a
 * box of all the nodes of one kind there ("site r1-z1-s1: 12,844 hosts, all
 * down"); apps are boxed per tenant and tier ("t17: 14 tier-1 apps down").
 * Links between items carry how many dependencies they stand for.
 *
 * Pure data (no Graphviz): reports/render.c draws it; tests read it.
 */
#ifndef FO_MAP_H
#define FO_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "../analyzer/fo_engine.h"

/* What an item counts, per node: the drawing's colour categories. */
typedef enum fo_map_cat {
	FO_MAP_FAILED = 0, /* the scenario's failed / destroyed nodes */
	FO_MAP_DOWN,
	FO_MAP_LOST,
	FO_MAP_DEGRADED,
	FO_MAP_AT_RISK,
	FO_MAP_UP, /* drawn but up: spares, owners of groups that held */
	FO_MAP_CAT_COUNT
} fo_map_cat;

/* The category of a node's flags: lost first, then the scenario's own
 * nodes, then the headline state. */
fo_map_cat fo_map_category(unsigned flags);

/* Link type beyond fo_group_type: containment drawn as a line, when the
 * container is not a cluster around the contents. */
#define FO_MAP_CONTAINS 255

/* Levels below 0: -1 no container is a cluster; -2 apps boxed per tenant
 * only; -3 apps boxed per state only (the coarsest map). */
#define FO_MAP_LEVEL_MIN (-3)

/* Tenants named in a map, the most impacted first; the apps of the others
 * are boxed as tenant fo_map_other_tenants (compare the pointer). */
#define FO_MAP_TENANTS 8
extern const char fo_map_other_tenants[];

typedef struct fo_map_opts {
	int nodes;                /* 1: every node is its own item (detail
				   * "nodes"), except the collapsed kinds */
	int level;                /* with nodes == 0: containers at
				   * containment depth <= level are clusters
				   * (0 = the outermost); FO_MAP_LEVEL_MIN..-1
				   * as above */
	const char *const *collapse; /* kind words always boxed, NULL-ended; may be NULL */
	const uint32_t *expand;   /* nodes opened: a cluster with each node
				   * inside drawn as itself */
	size_t nexpand;
} fo_map_opts;

typedef struct fo_map_item {
	uint32_t node;    /* the node of a single node or a cluster; FO_NONE for a
			   * box of several nodes (a box of one is made that
			   * node: its name says more than "1 host") */
	uint32_t home;    /* the container whose cluster holds it; FO_NONE = top */
	int cluster;      /* a container drawn around its items */
	const char *kind; /* kind word of the box (borrowed from the graph) */
	const char *tenant; /* boxes of apps: the tenant (NULL = none or not split) */
	unsigned tier;    /* boxes of apps: the tier (0 = none or not split) */
	uint32_t count[FO_MAP_CAT_COUNT];
	uint32_t total;
	/* groups owned by the item's nodes that lost members but held */
	uint32_t held;
	uint32_t held_left, held_n; /* the tightest of them: members left of n */
	uint32_t held_k;
} fo_map_item;

typedef struct fo_map_link {
	uint32_t from, to; /* items: the dependency, what depends on it */
	unsigned type;     /* fo_group_type, or FO_MAP_CONTAINS */
	fo_map_cat cat;    /* worst category of the dependencies it stands for */
	uint32_t count;    /* dependencies it stands for */
} fo_map_link;

typedef struct fo_map {
	const fo_graph *g;
	fo_map_item *items;
	size_t nitems;
	fo_map_link *links;
	size_t nlinks;
	int level;        /* the level used (opts or chosen) */
	int nodes;        /* detail nodes */
	uint32_t *item_of; /* per node; valid for scope nodes only */
} fo_map;

/* Builds the map of the scope `scope` (n node indices, ascending, closed
 * under containment; `in_scope` is a per-node byte array, nonzero = in the
 * scope) after the engine's last run. *out owned by the caller: fo_map_free.
 * Returns FO_OK, FO_EINVAL, FO_ENOMEM. O(scope + members of the groups
 * owned by scope nodes), plus one O(nodes) allocation left uninitialised. */
int fo_map_build(fo_map **out, const fo_engine *e, const uint8_t *in_scope,
		 const uint32_t *scope, size_t n, const fo_map_opts *o);

/* Like fo_map_build with the finest level whose map has at most `budget`
 * items (the coarsest level if none has): a binary search over the levels
 * (the item count grows with the level), O(log depth) builds. o->nodes and
 * o->level are ignored. */
int fo_map_build_auto(fo_map **out, const fo_engine *e, const uint8_t *in_scope,
		      const uint32_t *scope, size_t n, const fo_map_opts *o, size_t budget);

void fo_map_free(fo_map *m);

#endif
