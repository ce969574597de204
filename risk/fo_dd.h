/*
 * fo_dd.h — a manager of reduced ordered decision diagrams: BDDs (Boolean
 * functions) and ZBDDs (zero-suppressed: families of sets), sharing one node
 * table. The engine behind risk/fo_risk.h (docs/risk.md, "Algorithms").
 *
 * Variables are levels 0 .. nvars-1, level 0 nearest the root: the caller
 * chooses the variable order by numbering. A diagram is an edge
 * (fo_dd_edge): the index of its root node. Nodes are hash-consed (one unique
 * table), so two equal functions built in any two ways are the same edge,
 * and a node means a BDD or a ZBDD only by the operations applied to it
 * (never mix the two on one edge: the reduction rules differ). No
 * complement edges: a NOT costs a traversal (cached).
 *
 * Errors: an operation that cannot complete returns FO_DD_ERR and records
 * the first error (fo_dd_error: FO_ENOMEM, or FO_ELIMIT when the memory
 * limit or the recursion bound is reached); every operation given
 * FO_DD_ERR returns FO_DD_ERR, so calls can be chained and checked once.
 * Nothing aborts. After an error the manager stays consistent: the caller
 * may free it, or clear the error (fo_dd_clear_error) after a GC.
 *
 * Memory: nodes (20 bytes each), the unique table (4 bytes per bucket) and
 * the operation cache (16 bytes per entry) are counted against the limit
 * given to fo_dd_new, with auxiliary arrays of the caller charged through
 * fo_dd_charge. The operation cache is lossy (direct-mapped) and grows with
 * the node table while the limit allows.
 *
 * Garbage collection: mark and sweep, only when the caller calls fo_dd_gc
 * (a safe point: no operation running). Roots are the edges with a positive
 * external reference count (fo_dd_ref / fo_dd_deref); every other node is
 * freed and the operation cache cleared. Operations never collect, so
 * intermediate results need no references between two safe points.
 *
 * Not thread-safe. Recursion depth of the operations is bounded by about
 * twice the number of levels; beyond the manager's depth bound
 * (FO_DD_MAX_DEPTH, safe in an 8 MiB stack; fo_dd_set_max_depth for a
 * caller running on a larger stack) they give FO_ELIMIT rather than
 * overflowing the stack.
 */
#ifndef FO_DD_H
#define FO_DD_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t fo_dd_edge;

#define FO_DD_FALSE ((fo_dd_edge)0) /* BDD false; ZBDD: the empty family */
#define FO_DD_TRUE ((fo_dd_edge)1)  /* BDD true; ZBDD: the family {{}} */
#define FO_DD_ERR ((fo_dd_edge)UINT32_MAX)
/* The level of the two terminals (below every variable). */
#define FO_DD_TERMINAL_LEVEL UINT32_MAX
/* Order bound meaning "no bound" for the truncating ZBDD operations. */
#define FO_DD_NO_BOUND ((uint32_t)0xFFFFFF)
#define FO_DD_MAX_DEPTH 50000u

typedef struct fo_dd fo_dd;

/* A manager of nvars variables (< 2^24) using at most mem_limit bytes
 * (0: no limit). *out owned by the caller: fo_dd_free. Returns FO_OK,
 * FO_ENOMEM, FO_EINVAL (nvars too large), FO_ELIMIT (limit below the
 * minimum tables, about 64 KiB). */
int fo_dd_new(fo_dd **out, uint32_t nvars, size_t mem_limit);
void fo_dd_free(fo_dd *m);

/* First error recorded (FO_OK if none), and clearing it. */
int fo_dd_error(const fo_dd *m);
void fo_dd_clear_error(fo_dd *m);

/* A budget of live nodes (0: none, the default): creating a node past it
 * fails with FO_ELIMIT and fo_dd_over_budget says it was the budget (not
 * the memory limit). For racing variable orders cheaply. */
void fo_dd_set_budget(fo_dd *m, size_t max_live);
/* The recursion bound (levels), for a caller whose stack is larger than
 * FO_DD_MAX_DEPTH needs (about 160 bytes per level). */
void fo_dd_set_max_depth(fo_dd *m, uint32_t depth);
int fo_dd_over_budget(const fo_dd *m);

/* ---- Node access (all O(1)) ---- */
uint32_t fo_dd_nvars(const fo_dd *m);
uint32_t fo_dd_level(const fo_dd *m, fo_dd_edge e); /* FO_DD_TERMINAL_LEVEL for 0, 1 */
fo_dd_edge fo_dd_lo(const fo_dd *m, fo_dd_edge e);  /* else-child (variable false / absent) */
fo_dd_edge fo_dd_hi(const fo_dd *m, fo_dd_edge e);  /* then-child (true / present) */
/* One more than the largest node index in use: per-node arrays of the
 * caller are indexed 0 .. fo_dd_index_bound - 1. */
uint32_t fo_dd_index_bound(const fo_dd *m);
/* Nodes reachable from e, terminals included; _n: from any of n edges
 * (FO_DD_ERR ignored), each node once. Needs no memory and no recursion
 * (a mark bit and the nodes' chain links); O(size + nodes in the table)
 * since the unique table is rebuilt after. */
size_t fo_dd_size(fo_dd *m, fo_dd_edge e);
size_t fo_dd_size_n(fo_dd *m, const fo_dd_edge *e, size_t n);

/* ---- References and collection ---- */
/* e must be a valid edge (not FO_DD_ERR, which is ignored). */
void fo_dd_ref(fo_dd *m, fo_dd_edge e);
void fo_dd_deref(fo_dd *m, fo_dd_edge e);
/* Frees every node not reachable from a referenced edge; clears the
 * operation cache. Never fails. O(nodes + buckets + cache). Returns the
 * number of nodes freed. */
size_t fo_dd_gc(fo_dd *m);

/* The collection policy of a loop of operations: collects (as fo_dd_gc)
 * only when the node table is nearly full and has at least doubled its
 * live nodes since the last collection (*live_after_last, updated), so
 * that collecting is rare and growing is the alternative. Returns the
 * nodes freed. */
size_t fo_dd_gc_maybe(fo_dd *m, size_t *live_after_last);

/* ---- Accounting and statistics ---- */
/* Charges (delta > 0) or releases (delta < 0) caller memory against the
 * limit. FO_ELIMIT (nothing charged) if it would exceed it. */
int fo_dd_charge(fo_dd *m, long long delta);
size_t fo_dd_bytes(const fo_dd *m);
size_t fo_dd_peak_bytes(const fo_dd *m);
size_t fo_dd_live_nodes(const fo_dd *m);
/* Operation-cache lookups and hits since fo_dd_new. */
void fo_dd_cache_stats(const fo_dd *m, uint64_t *lookups, uint64_t *hits);

/* ---- BDD ---- */
fo_dd_edge fo_dd_bdd_var(fo_dd *m, uint32_t level);
fo_dd_edge fo_dd_bdd_not(fo_dd *m, fo_dd_edge f);
fo_dd_edge fo_dd_bdd_and(fo_dd *m, fo_dd_edge f, fo_dd_edge g);
fo_dd_edge fo_dd_bdd_or(fo_dd *m, fo_dd_edge f, fo_dd_edge g);
fo_dd_edge fo_dd_bdd_xor(fo_dd *m, fo_dd_edge f, fo_dd_edge g);
/* The node (level, lo, hi) of a BDD, reduced (lo == hi gives lo). level
 * must be above the levels of lo and hi. */
fo_dd_edge fo_dd_bdd_node(fo_dd *m, uint32_t level, fo_dd_edge lo, fo_dd_edge hi);

/* ---- ZBDD ---- */
/* The family {{level}}. */
fo_dd_edge fo_dd_zdd_single(fo_dd *m, uint32_t level);
/* The node (level, lo, hi), reduced (hi == empty gives lo). */
fo_dd_edge fo_dd_zdd_node(fo_dd *m, uint32_t level, fo_dd_edge lo, fo_dd_edge hi);
fo_dd_edge fo_dd_zdd_union(fo_dd *m, fo_dd_edge p, fo_dd_edge q);
/* The sets of p that contain no set of q (Rauzy's "without"). */
fo_dd_edge fo_dd_zdd_without(fo_dd *m, fo_dd_edge p, fo_dd_edge q);
/* The minimal sets of p (no proper subset in p). */
fo_dd_edge fo_dd_zdd_minimize(fo_dd *m, fo_dd_edge p);
/* The sets of p with at most k elements. */
fo_dd_edge fo_dd_zdd_truncate(fo_dd *m, fo_dd_edge p, uint32_t k);
/* {a u b : a in p, b in q, |a u b| <= k} (k: FO_DD_NO_BOUND for none). */
fo_dd_edge fo_dd_zdd_product(fo_dd *m, fo_dd_edge p, fo_dd_edge q, uint32_t k);
/* z with the variable `level` replaced by the family c: each set holding
 * it becomes its unions with c's sets, the others stay. c's levels must
 * all lie below `level` and apart from z's (an independent module: then
 * minimal families stay minimal). */
fo_dd_edge fo_dd_zdd_subst(fo_dd *m, fo_dd_edge z, uint32_t level, fo_dd_edge c);
/* Minimal solutions of the BDD f (Rauzy 1993): the minimal sets S of
 * variables such that f is true when exactly the variables of S are true,
 * restricted to sets of at most k variables (exactly those of the full
 * family). For a monotone f, its minimal cut sets (prime implicants).
 * O(|f| x |result|) typical, cached. */
fo_dd_edge fo_dd_zdd_minsol(fo_dd *m, fo_dd_edge f, uint32_t k);

#endif
