/*
 * fo_engine.h — the propagation engine: the state of every node for a
 * scenario of failed and destroyed nodes (rules in docs/semantics.md).
 *
 * An engine holds the per-node and per-group state arrays for one graph and
 * reuses them across scenarios: a run costs time proportional to the part of
 * the graph it reaches, not to the graph; fo_engine_new allocates the arrays
 * without a pass over them. Results stay readable until the next run or free.
 * An engine is not thread-safe; use one engine per thread over a shared graph.
 */
#ifndef FO_ENGINE_H
#define FO_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "../graphs/fo_graph.h"

/* Flags of a node after a run. */
enum fo_flag {
	FO_F_FAILED = 1u << 0,    /* in the scenario's fail set */
	FO_F_DESTROYED = 1u << 1, /* destroyed, or located in a destroyed node */
	FO_F_LOST = 1u << 2,      /* every copy holder destroyed or lost */
	FO_F_DOWN = 1u << 3,      /* set with each of the three above too */
	FO_F_DEGRADED = 1u << 4,
	FO_F_AT_RISK = 1u << 5,
};

/* Headline state: the first that applies of down, degraded, at-risk. */
typedef enum fo_state {
	FO_STATE_UP = 0,
	FO_STATE_DOWN,
	FO_STATE_DEGRADED,
	FO_STATE_AT_RISK,
} fo_state;

/* Canonical word: "up", "down", "degraded", "at-risk". */
const char *fo_state_name(fo_state s);

typedef struct fo_scenario {
	const uint32_t *fail; /* node indices; duplicates are harmless */
	size_t nfail;
	const uint32_t *destroy;
	size_t ndestroy;
} fo_scenario;

typedef struct fo_summary {
	size_t nodes;
	size_t down, lost, degraded, at_risk;       /* nodes with the flag */
	size_t apps_down, apps_lost, apps_degraded, apps_at_risk;
} fo_summary;

typedef struct fo_engine fo_engine;

/* How an engine lays out its arrays. Either gives the same results, bit
 * for bit: only the speed of large runs differs. */
typedef enum fo_engine_layout {
	/* Walk the graph's own arrays: nothing to build, for one-shot use. */
	FO_ENGINE_LAYOUT_GRAPH = 0,
	/* Renumber nodes and groups inside the engine in the order failures
	 * reach them (breadth first from the nodes that depend on nothing), so
	 * a large impact walks memory mostly forward: about 2x faster runs of
	 * hundreds of thousands of impacted nodes, for an O(nodes + groups +
	 * memberships) build in fo_engine_new_opts (about a few runs of a site
	 * failure at 1M nodes) and about 4 bytes per membership + 16 per node
	 * and 8 per group more. For engines that answer many scenarios. */
	FO_ENGINE_LAYOUT_LOCAL,
} fo_engine_layout;

typedef struct fo_engine_opts {
	fo_engine_layout layout;
	/* Another engine over the same graph whose layout (and its memory) the
	 * new engine shares instead of building its own; `layout` is then
	 * ignored. Borrowed: it must outlive the new engine. The layout is
	 * read-only once built, so engines sharing one may run in different
	 * threads at once (e.g. one per server thread). NULL: none. */
	const fo_engine *share;
} fo_engine_opts;

/* Creates an engine over g (borrowed: g must outlive the engine), with the
 * graph layout. *out owned by the caller: fo_engine_free. Allocates
 * O(nodes + groups) zeroed memory but makes no pass over it (the slots are
 * set up on first use), so a one-shot run pays only for what it reaches. */
int fo_engine_new(fo_engine **out, const fo_graph *g);

/* The same with options (opts NULL: the defaults, all zero). Node and group
 * numbers across the API are the graph's whatever the layout. Returns FO_OK,
 * FO_ENOMEM, or FO_EINVAL (an unknown layout, or opts->share over another
 * graph). As fo_engine_new, plus the local layout's build (O(nodes + groups
 * + memberships)) unless shared. */
int fo_engine_new_opts(fo_engine **out, const fo_graph *g, const fo_engine_opts *opts);
void fo_engine_free(fo_engine *e);

const fo_graph *fo_engine_graph(const fo_engine *e);

/* Evaluates a scenario, replacing the previous results. Node indices out of
 * range give FO_EINVAL (and leave no results). Every failure of the scenario
 * is propagated in one pass. O(impacted nodes + their groups' members). */
int fo_engine_run(fo_engine *e, const fo_scenario *sc);

/* Results of the last run (all nodes up before the first run). O(1). */
unsigned fo_engine_flags(const fo_engine *e, uint32_t node);
fo_state fo_engine_state(const fo_engine *e, uint32_t node);
/* Member whose change decided the state; FO_NONE for up nodes and for the
 * scenario's own failed/destroyed nodes. */
uint32_t fo_engine_cause(const fo_engine *e, uint32_t node);
/* Group of the owner through which the cause acted (FO_NONE as above). */
uint32_t fo_engine_cause_group(const fo_engine *e, uint32_t node);
/* Scenario node at the end of the cause chain; the node itself for scenario
 * nodes; FO_NONE for up nodes. */
uint32_t fo_engine_root(const fo_engine *e, uint32_t node);

/* The at-risk chain of a node flagged at-risk (FO_NONE for every other
 * node): the member whose change made it at-risk, its group, and the
 * scenario node at the end of that chain. For a node that is at-risk only
 * they equal fo_engine_cause/_cause_group/_root; for a node both degraded
 * and at-risk those follow the degradation (the headline) and these the
 * at-risk state. Following risk causes, and the plain cause from the first
 * node that has no risk cause (a down node) on, ends at the risk root
 * (docs/semantics.md, "Cause and root"). O(1). */
uint32_t fo_engine_risk_cause(const fo_engine *e, uint32_t node);
uint32_t fo_engine_risk_cause_group(const fo_engine *e, uint32_t node);
uint32_t fo_engine_risk_root(const fo_engine *e, uint32_t node);

/* Every node that is not up, ascending (= document order). *out borrowed
 * until the next run. The sort costs O(k log k) for k impacted nodes. */
size_t fo_engine_impacted(fo_engine *e, const uint32_t **out);

/* Counts over the impacted nodes. O(impacted). */
void fo_engine_summary(fo_engine *e, fo_summary *out);

/* Members of group g that are not down / neither down nor degraded / neither
 * down nor at-risk, after the last run. O(1). */
uint32_t fo_engine_group_up(const fo_engine *e, uint32_t group);
uint32_t fo_engine_group_healthy(const fo_engine *e, uint32_t group);
uint32_t fo_engine_group_safe(const fo_engine *e, uint32_t group);

/* One step of an explanation: `node` is in `state` because in `group`
 * (FO_NONE for a scenario node, or a node destroyed by containment when
 * group is its located group) the member `cause` changed; `k`/`n` are the
 * group's numbers and `count` the members still counting for the rule that
 * applied (not down for down/at-risk-by-spare, healthy for degraded, safe for
 * at-risk). */
typedef struct fo_explain_step {
	uint32_t node;
	fo_state state;
	unsigned flags;
	uint32_t group;
	uint32_t cause;
	uint32_t k, n, count;
} fo_explain_step;

/* The cause chain from node to its root, node first. *out owned by the
 * caller (free()), *len steps; an up node gives one step with state up.
 * O(chain length). Returns FO_OK, FO_EINVAL, FO_ENOMEM. */
int fo_engine_explain(const fo_engine *e, uint32_t node, fo_explain_step **out, size_t *len);

/* The chain of the at-risk state of a node flagged at-risk, node first:
 * at-risk steps until the chain reaches a down node, then down steps (for a
 * node that is at-risk only, the same chain as fo_engine_explain). Ends at
 * fo_engine_risk_root. *out owned by the caller (free()). O(chain length).
 * Returns FO_OK, FO_EINVAL (index out of range, node not at-risk),
 * FO_ENOMEM. */
int fo_engine_explain_at_risk(const fo_engine *e, uint32_t node, fo_explain_step **out,
			      size_t *len);

#endif
