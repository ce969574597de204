/*
 * engine.c — the propagation engine (fo_engine.h, rules in docs/semantics.md).
 *
 * Each rule is a least fixed point reached by a worklist, driven by counters
 * kept per group: members down, members degraded (and not down), members
 * at-risk (and not down), copy holders destroyed or lost. A node is pushed at
 * most once per phase, and processing it touches each group it is a member of
 * once, so a run is O(impacted nodes + memberships of impacted nodes) — cycles
 * cannot loop because a node's flag is set before it is queued.
 *
 * Phases: (0) destroyed, through containment; (0b) lost, through copies;
 * (1) down, through hard groups; (2) degraded; (3) at-risk. Phase 1 also
 * records the groups that a down member tipped to "fewer than K" (degrades
 * groups: seeds of phase 2) or to "exactly K left" (hard groups: seeds of
 * phase 3), so no phase scans groups it did not touch.
 *
 * Every array is allocated once in fo_engine_new; a run resets only the nodes
 * and groups the previous run touched.
 */
/* madvise(MADV_HUGEPAGE) is a Linux extension, outside POSIX. */
#define _DEFAULT_SOURCE
#include "fo_engine.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "engine_int.h"
#include "../graphs/fo_error.h"

typedef struct seed {
	uint32_t owner, group, cause;
} seed;

/* The state of a node after a run, in one record: a run touches a node's
 * flags and causes together, so one cache miss serves both (the engine is
 * bound by memory latency on large graphs, not by arithmetic). */
typedef struct nslot {
	uint32_t cause, cgroup, root;    /* down / degraded (the headline) */
	uint32_t rcause, rgroup, rroot;  /* at-risk */
	uint32_t flags : 8;
	uint32_t epoch : 24;             /* the run that wrote it; else fresh */
} nslot;

/* A group as the engine sees it: its shape (copied from the graph's arrays
 * on the slot's first use) next to its counters, 32 bytes, so that one
 * membership costs one miss. */
static const nslot fresh_node = { FO_NONE, FO_NONE, FO_NONE, FO_NONE, FO_NONE, FO_NONE, 0, 0 };

/* Epochs are 24 bits: the slots are cleared once every 2^24 - 1 runs. */
#define EPOCH_END (1u << 24)

typedef struct gslot {
	uint32_t n, k, owner;
	uint32_t type : 8;
	uint32_t epoch : 24;             /* the run that counted; else zeros */
	uint32_t down, degr, risk, gone; /* gone: copy holders destroyed/lost */
} gslot;

struct fo_engine {
	const fo_graph *g;
	/* The arrays the run walks, in the engine's numbering: the graph's own
	 * (graph layout), or the engine's renumbered copy (local layout,
	 * build_layout). Only nodes, groups, memberof_off, memberof, child_off
	 * and child are read through it; the group shape is in gs. */
	fo_graph_view v;
	fo_graph_view gv;  /* the graph's arrays, in its numbering */
	/* Local layout (all NULL for the graph layout): node and group numbers
	 * both ways, and the renumbered CSR arrays v points to. */
	uint32_t *n_int, *n_ext, *g_int, *g_ext;
	uint32_t *l_memberof_off, *l_memberof, *l_child_off, *l_child;
	uint32_t *located; /* per node: its located group (FO_NONE if none) */
	int layout_borrowed; /* the arrays above are another engine's */
	uint64_t *bits;    /* fo_engine_impacted: impacted nodes by graph index */

	nslot *ns; /* per node */
	gslot *gs; /* per group */

	uint32_t epoch;    /* of the current results, 1..EPOCH_END - 1; slots of
			    * other epochs are fresh, so a run never has to
			    * clear the last one */
	uint32_t *touched; /* nodes with any flag, in the order they got it */
	size_t ntouched;
	uint32_t *queue;   /* worklist, reused by every phase (each node once) */
	/* Seeds found during phase 1, in the order found: [0] of phase 2
	 * (degrades groups), [1] of phase 3 (hard groups), apart so that
	 * neither phase reads the other's nor a group slot to tell them apart. */
	seed *seeds[2];
	size_t nseeds[2], seeds_alloc[2];
	uint32_t *scratch; /* sorted scenario nodes */
	size_t scratch_alloc;
	uint32_t *sorted;  /* impacted nodes ascending, built on demand */
	int sorted_valid;
};

const char *fo_state_name(fo_state s)
{
	switch (s) {
	case FO_STATE_DOWN: return "down";
	case FO_STATE_DEGRADED: return "degraded";
	case FO_STATE_AT_RISK: return "at-risk";
	case FO_STATE_UP: break;
	}
	return "up";
}

void fo_engine_free(fo_engine *e)
{
	if (!e)
		return;
	free(e->ns);
	free(e->gs);
	free(e->touched);
	free(e->queue);
	free(e->seeds[0]);
	free(e->seeds[1]);
	free(e->scratch);
	free(e->sorted);
	if (!e->layout_borrowed) {
		free(e->n_int);
		free(e->n_ext);
		free(e->g_int);
		free(e->g_ext);
		free(e->l_memberof_off);
		free(e->l_memberof);
		free(e->l_child_off);
		free(e->l_child);
		free(e->located);
	}
	free(e->bits);
	free(e);
}

/* The per-node and per-group slots are read at random over hundreds of MB
 * on large graphs: with 4 KiB pages nearly every access also misses the
 * TLB. Arrays of 4 MiB or more are offered to the kernel for transparent
 * huge pages (a hint; where THP is off, or on other systems, they are plain
 * memory): the whole 2 MiB pages inside them. Zeroed by calloc, which for
 * such sizes maps fresh zero pages without writing them, so that creating
 * an engine costs no pass over its slots: a one-shot whatif touches only
 * the slots its run reaches. Free with free(). */
static void *big_alloc(size_t size)
{
	const size_t huge = (size_t)2 << 20;
	void *p = calloc(1, size ? size : 1);
#ifdef MADV_HUGEPAGE
	if (p && size >= 2 * huge) {
		uintptr_t a = ((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1);
		uintptr_t b = ((uintptr_t)p + size) & ~(uintptr_t)(huge - 1);
		if (b > a)
			madvise((void *)a, b - a, MADV_HUGEPAGE);
	}
#endif
	return p;
}

/*
 * The local layout: nodes renumbered in the order a failure reaches them, so
 * that a run walks its slots (and the CSR arrays) mostly forward instead of
 * at random over the whole graph.
 *
 * The order is a breadth-first forest along member -> owner links (from a
 * dependency to its dependents: the direction failures travel), started
 * from each node that depends on nothing, in graph order, then from each
 * node still unnumbered (cycles), in graph order. A node's dependents get
 * consecutive numbers right after the nodes found before them, so the
 * dependents of consecutive worklist entries are neighbours in memory.
 * Groups are numbered in the order that search first meets them (as the
 * memberships of a node being expanded), so group slots are walked in the
 * same order; groups without members come last.
 *
 * Only locality changes: each node's membership list and child list keep
 * their order, and a run seeds its worklist in graph order, so the run visits
 * the same nodes in the same order under either numbering and gives the same
 * results (causes included). O(nodes + groups + memberships + children).
 */
static int build_layout(fo_engine *e)
{
	const fo_graph_view *v = &e->gv;
	uint32_t n = v->nodes, m = v->groups, nn = 0, ng = 0;
	size_t nmo = v->memberof_off[n], nch = v->child_off[n];

	e->n_int = malloc((n ? n : 1) * sizeof *e->n_int);
	e->n_ext = malloc((n ? n : 1) * sizeof *e->n_ext);
	e->g_int = malloc((m ? m : 1) * sizeof *e->g_int);
	e->g_ext = malloc((m ? m : 1) * sizeof *e->g_ext);
	e->l_memberof_off = malloc(((size_t)n + 1) * sizeof *e->l_memberof_off);
	e->l_memberof = malloc((nmo ? nmo : 1) * sizeof *e->l_memberof);
	e->l_child_off = malloc(((size_t)n + 1) * sizeof *e->l_child_off);
	e->l_child = malloc((nch ? nch : 1) * sizeof *e->l_child);
	e->located = malloc((n ? n : 1) * sizeof *e->located);
	if (!e->n_int || !e->n_ext || !e->g_int || !e->g_ext || !e->l_memberof_off ||
	    !e->l_memberof || !e->l_child_off || !e->l_child || !e->located)
		return FO_ENOMEM;
	memset(e->n_int, 0xff, n * sizeof *e->n_int);
	memset(e->g_int, 0xff, m * sizeof *e->g_int);

	/* n_ext is the search's queue: entries [head, nn) are numbered, not yet
	 * expanded. Pass 0 starts from nodes that own no group, pass 1 from the
	 * rest. */
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t s = 0; s < n; s++) {
			if (e->n_int[s] != FO_NONE ||
			    (pass == 0 && v->owned_off[s] != v->owned_off[s + 1]))
				continue;
			uint32_t head = nn;
			e->n_int[s] = nn;
			e->n_ext[nn++] = s;
			while (head < nn) {
				uint32_t x = e->n_ext[head++];
				for (uint32_t i = v->memberof_off[x]; i < v->memberof_off[x + 1]; i++) {
					uint32_t gi = v->memberof[i], o = v->group_owner[gi];
					if (e->g_int[gi] == FO_NONE) {
						e->g_int[gi] = ng;
						e->g_ext[ng++] = gi;
					}
					if (e->n_int[o] == FO_NONE) {
						e->n_int[o] = nn;
						e->n_ext[nn++] = o;
					}
				}
			}
		}
	for (uint32_t gi = 0; gi < m; gi++)
		if (e->g_int[gi] == FO_NONE) {
			e->g_int[gi] = ng;
			e->g_ext[ng++] = gi;
		}

	size_t k = 0, c = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t x = e->n_ext[i];
		e->l_memberof_off[i] = (uint32_t)k;
		for (uint32_t j = v->memberof_off[x]; j < v->memberof_off[x + 1]; j++)
			e->l_memberof[k++] = e->g_int[v->memberof[j]];
		e->l_child_off[i] = (uint32_t)c;
		for (uint32_t j = v->child_off[x]; j < v->child_off[x + 1]; j++)
			e->l_child[c++] = e->n_int[v->child[j]];
		e->located[i] = v->owned_off[x] < v->owned_off[x + 1] ? e->g_int[v->owned_off[x]]
									: FO_NONE;
	}
	e->l_memberof_off[n] = (uint32_t)k;
	e->l_child_off[n] = (uint32_t)c;
	e->v.memberof_off = e->l_memberof_off;
	e->v.memberof = e->l_memberof;
	e->v.child_off = e->l_child_off;
	e->v.child = e->l_child;
	return FO_OK;
}

int fo_engine_new(fo_engine **out, const fo_graph *g)
{
	return fo_engine_new_opts(out, g, NULL);
}

int fo_engine_new_opts(fo_engine **out, const fo_graph *g, const fo_engine_opts *opts)
{
	int err = FO_OK;
	fo_engine *e = calloc(1, sizeof *e);
	if (!e)
		return FO_ENOMEM;
	e->g = g;
	fo_graph_view_get(g, &e->gv);
	e->v = e->gv;
	size_t n = e->v.nodes ? e->v.nodes : 1, m = e->v.groups ? e->v.groups : 1;
	if (opts && opts->layout != FO_ENGINE_LAYOUT_GRAPH && opts->layout != FO_ENGINE_LAYOUT_LOCAL) {
		err = FO_EINVAL;
		goto done;
	}
	if (opts && opts->share) {
		const fo_engine *o = opts->share;
		if (o->g != g || o->gv.nodes != e->gv.nodes || o->gv.groups != e->gv.groups) {
			err = FO_EINVAL;
			goto done;
		}
		/* Read only after build_layout: safe to share between threads. */
		e->layout_borrowed = 1;
		e->n_int = o->n_int;
		e->n_ext = o->n_ext;
		e->g_int = o->g_int;
		e->g_ext = o->g_ext;
		e->l_memberof_off = o->l_memberof_off;
		e->l_memberof = o->l_memberof;
		e->l_child_off = o->l_child_off;
		e->l_child = o->l_child;
		e->located = o->located;
		e->v = o->v;
	} else if (opts && opts->layout == FO_ENGINE_LAYOUT_LOCAL &&
		   (err = build_layout(e)) < 0) {
		goto done;
	}
	/* Zeroed slots are of epoch 0, fresh for every run (runs start at 1). */
	e->ns = big_alloc(n * sizeof *e->ns);
	e->touched = malloc(n * sizeof *e->touched);
	e->queue = malloc(n * sizeof *e->queue);
	e->sorted = malloc(n * sizeof *e->sorted);
	e->bits = calloc((n + 63) / 64, sizeof *e->bits);
	e->gs = big_alloc(m * sizeof *e->gs);
	if (!e->ns || !e->touched || !e->queue || !e->sorted || !e->bits || !e->gs) {
		err = FO_ENOMEM;
		goto done;
	}
	e->epoch = 1;
	e->sorted_valid = 1; /* nothing impacted */
	*out = e;
	e = NULL;
done:
	fo_engine_free(e);
	return err;
}

/* Numbers across the API: graph <-> engine. FO_NONE maps to itself. */
static inline uint32_t in_node(const fo_engine *e, uint32_t x)
{
	return e->n_int ? e->n_int[x] : x;
}

static inline uint32_t out_node(const fo_engine *e, uint32_t x)
{
	return e->n_ext && x != FO_NONE ? e->n_ext[x] : x;
}

static inline uint32_t in_group(const fo_engine *e, uint32_t gi)
{
	return e->g_int ? e->g_int[gi] : gi;
}

static inline uint32_t out_group(const fo_engine *e, uint32_t gi)
{
	return e->g_ext && gi != FO_NONE ? e->g_ext[gi] : gi;
}

uint32_t fo_engine__number(const fo_engine *e, uint32_t node)
{
	return in_node(e, node);
}

/* The located group of node c (engine numbers): the first group it owns. */
static inline uint32_t located_group(const fo_engine *e, uint32_t c)
{
	return e->located ? e->located[c] : e->v.owned_off[c];
}

const fo_graph *fo_engine_graph(const fo_engine *e) { return e->g; }

void fo_engine__set_epoch(fo_engine *e, uint32_t epoch)
{
	e->epoch = epoch % EPOCH_END ? epoch % EPOCH_END : 1;
}

/* Starts new results: a new epoch makes every slot fresh in O(1). When the
 * epoch wraps (every 2^24 - 1 runs: O(nodes + groups) once in 16 million
 * runs) the slots are cleared, so an old slot can never pass for a current
 * one. */
static void reset(fo_engine *e)
{
	if (++e->epoch == EPOCH_END) {
		for (size_t x = 0; x < e->v.nodes; x++)
			e->ns[x].epoch = 0;
		for (size_t gi = 0; gi < e->v.groups; gi++)
			e->gs[gi].epoch = 0;
		e->epoch = 1;
	}
	e->ntouched = e->nseeds[0] = e->nseeds[1] = 0;
	e->sorted_valid = 0;
}

/* A node's slot for this run (made fresh on first use). */
static inline nslot *nw(fo_engine *e, uint32_t v)
{
	nslot *s = &e->ns[v];
	if (s->epoch != e->epoch) {
		*s = fresh_node;
		s->epoch = e->epoch;
	}
	return s;
}

/* A node's state for readers: a slot of another run reads as fresh. */
static inline const nslot *nr(const fo_engine *e, uint32_t v)
{
	return e->ns[v].epoch == e->epoch ? &e->ns[v] : &fresh_node;
}

/* The shape of group gi (engine number) from the graph's arrays. */
static void group_shape(const fo_engine *e, uint32_t gi, gslot *q)
{
	const fo_graph_view *v = &e->gv;
	uint32_t x = e->g_ext ? e->g_ext[gi] : gi, o = v->group_owner[x];
	q->n = v->member_off[x + 1] - v->member_off[x];
	q->k = v->group_k[x];
	q->owner = e->n_int ? e->n_int[o] : o;
	q->type = v->group_type[x];
}

/* A group's slot for this run, its counters zeroed on first use. A slot of
 * epoch 0 has never been used (or was cleared at an epoch wrap): its shape
 * is copied in then, so fo_engine_new need not visit every group. */
static inline gslot *gw(fo_engine *e, uint32_t gi)
{
	gslot *q = &e->gs[gi];
	if (q->epoch != e->epoch) {
		if (q->epoch == 0)
			group_shape(e, gi, q);
		q->down = q->degr = q->risk = q->gone = 0;
		q->epoch = e->epoch;
	}
	return q;
}

/* The shape of group gi for readers, whether or not a run used its slot. */
static gslot shape_of(const fo_engine *e, uint32_t gi)
{
	gslot q = e->gs[gi];
	if (q.epoch == 0)
		group_shape(e, gi, &q);
	return q;
}

static inline uint32_t gcount(const fo_engine *e, uint32_t gi, int which)
{
	const gslot *q = &e->gs[gi];
	if (q->epoch != e->epoch)
		return 0;
	return which == 0 ? q->down : which == 1 ? q->degr : which == 2 ? q->risk : q->gone;
}

/* Adds flag f to v; records v as impacted the first time. */
static inline void mark(fo_engine *e, uint32_t v, uint8_t f)
{
	nslot *s = nw(e, v);
	if (!s->flags)
		e->touched[e->ntouched++] = v;
	s->flags |= f;
}

static inline void set_cause(fo_engine *e, uint32_t v, uint32_t gi, uint32_t c)
{
	nslot *s = nw(e, v);
	s->cause = c;
	s->cgroup = gi;
	s->root = nw(e, c)->root;
}

/* The propagation is bound by memory latency: each membership of a dequeued
 * node costs a miss on its group's slot, each dequeued node a miss on its
 * membership list. Prefetching the queue's next entries in three stages
 * (offsets, then list, then group slots) lets those misses overlap instead of
 * waiting one after another. Only hints: no effect on results. */
#define PF_FAR 16
#define PF_MID 8
#define PF_NEAR 4
static inline void prefetch_ahead(const fo_engine *e, const uint32_t *queue, size_t head,
				  size_t tail)
{
	const fo_graph_view *v = &e->v;
	if (head + PF_FAR < tail)
		__builtin_prefetch(&v->memberof_off[queue[head + PF_FAR]]);
	if (head + PF_MID < tail)
		__builtin_prefetch(&v->memberof[v->memberof_off[queue[head + PF_MID]]]);
	if (head + PF_NEAR < tail) {
		uint32_t y = queue[head + PF_NEAR];
		for (uint32_t i = v->memberof_off[y]; i < v->memberof_off[y + 1]; i++)
			__builtin_prefetch(&e->gs[v->memberof[i]], 1);
	}
}

static int push_seed(fo_engine *e, int risk, uint32_t owner, uint32_t gi, uint32_t cause)
{
	if (e->nseeds[risk] == e->seeds_alloc[risk]) {
		size_t na = e->seeds_alloc[risk] ? e->seeds_alloc[risk] * 2 : 256;
		seed *ns = realloc(e->seeds[risk], na * sizeof *ns);
		if (!ns)
			return FO_ENOMEM;
		e->seeds[risk] = ns;
		e->seeds_alloc[risk] = na;
	}
	e->seeds[risk][e->nseeds[risk]++] = (seed){ owner, gi, cause };
	return FO_OK;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Copies fail and destroy into one ascending, duplicate-free array. */
static int sorted_scenario(fo_engine *e, const fo_scenario *sc, size_t *len)
{
	size_t n = sc->nfail + sc->ndestroy, k = 0;
	if (n > e->scratch_alloc) {
		uint32_t *p = realloc(e->scratch, n * sizeof *p);
		if (!p)
			return FO_ENOMEM;
		e->scratch = p;
		e->scratch_alloc = n;
	}
	if (n) {
		if (sc->nfail)
			memcpy(e->scratch, sc->fail, sc->nfail * sizeof *sc->fail);
		if (sc->ndestroy)
			memcpy(e->scratch + sc->nfail, sc->destroy, sc->ndestroy * sizeof *sc->destroy);
		qsort(e->scratch, n, sizeof *e->scratch, cmp_u32);
	}
	for (size_t i = 0; i < n; i++)
		if (i == 0 || e->scratch[i] != e->scratch[i - 1])
			e->scratch[k++] = e->scratch[i];
	/* Sorted in graph order (the order the rules name), then renumbered. */
	for (size_t i = 0; i < k; i++)
		e->scratch[i] = in_node(e, e->scratch[i]);
	*len = k;
	return FO_OK;
}

/*
 * Phases 2 and 3 share one shape: seed the owners of the groups phase 1
 * tipped (degrades-groups for degraded, hard groups for at-risk), then
 * spread `flag` through hard groups, counting flagged members in each
 * group's degr (risk) counter — soft groups too, for
 * fo_engine_group_healthy/safe — and recording cause, group and root in the
 * phase's own fields (the headline's, or the r* ones for at-risk).
 */
static void spread(fo_engine *e, int risk)
{
	const fo_graph_view *v = &e->v;
	uint8_t flag = risk ? FO_F_AT_RISK : FO_F_DEGRADED;
	size_t head = 0, tail = 0;

	for (size_t i = 0; i < e->nseeds[risk]; i++) {
		const seed *s = &e->seeds[risk][i];
		nslot *o = nw(e, s->owner);
		if (o->flags & (FO_F_DOWN | flag))
			continue;
		mark(e, s->owner, flag);
		if (risk) {
			o->rcause = s->cause;
			o->rgroup = s->group;
			o->rroot = nw(e, s->cause)->root; /* the cause is down */
		} else {
			o->cause = s->cause;
			o->cgroup = s->group;
			o->root = nw(e, s->cause)->root;
		}
		e->queue[tail++] = s->owner;
	}
	while (head < tail) {
		prefetch_ahead(e, e->queue, head, tail);
		uint32_t x = e->queue[head++];
		uint32_t xroot = risk ? nw(e, x)->rroot : nw(e, x)->root;
		for (uint32_t i = v->memberof_off[x]; i < v->memberof_off[x + 1]; i++) {
			uint32_t gi = v->memberof[i];
			gslot *q = gw(e, gi);
			uint32_t c = risk ? ++q->risk : ++q->degr;
			if (q->type == FO_GROUP_DEGRADES) /* soft: counted, never spreads */
				continue;
			if (q->n - q->down - c >= q->k)
				continue;
			/* Only now the owner's slot: most increments leave the group
			 * above K, and reading the owner would cost a miss each. */
			nslot *o = nw(e, q->owner);
			if (!(o->flags & (FO_F_DOWN | flag))) {
				mark(e, q->owner, flag);
				if (risk) {
					o->rcause = x;
					o->rgroup = gi;
					o->rroot = xroot;
				} else {
					o->cause = x;
					o->cgroup = gi;
					o->root = xroot;
				}
				e->queue[tail++] = q->owner;
			}
		}
	}
}

int fo_engine_run(fo_engine *e, const fo_scenario *sc)
{
	const fo_graph_view *v = &e->v;
	size_t nseed, head = 0, tail = 0;
	int err;

	reset(e);
	for (size_t i = 0; i < sc->nfail; i++)
		if (sc->fail[i] >= v->nodes)
			return FO_EINVAL;
	for (size_t i = 0; i < sc->ndestroy; i++)
		if (sc->destroy[i] >= v->nodes)
			return FO_EINVAL;
	if ((err = sorted_scenario(e, sc, &nseed)) < 0)
		return err;

	/* Scenario nodes: their own roots, no cause. */
	for (size_t i = 0; i < sc->nfail; i++)
		mark(e, in_node(e, sc->fail[i]), FO_F_FAILED | FO_F_DOWN);
	for (size_t i = 0; i < sc->ndestroy; i++)
		mark(e, in_node(e, sc->destroy[i]), FO_F_DESTROYED | FO_F_DOWN);
	for (size_t i = 0; i < nseed; i++) {
		uint32_t s = e->scratch[i];
		nw(e, s)->root = s;
		if (nw(e, s)->flags & FO_F_DESTROYED)
			e->queue[tail++] = s;
	}

	/* Phase 0: destroyed, down the containment tree (breadth first). */
	while (head < tail) {
		uint32_t x = e->queue[head++];
		for (uint32_t i = v->child_off[x]; i < v->child_off[x + 1]; i++) {
			uint32_t c = v->child[i];
			if (nw(e, c)->flags & FO_F_DESTROYED)
				continue;
			int was_scenario = (nw(e, c)->flags & FO_F_FAILED) != 0;
			mark(e, c, FO_F_DESTROYED | FO_F_DOWN);
			if (!was_scenario)
				set_cause(e, c, located_group(e, c), x);
			e->queue[tail++] = c;
		}
	}

	/* Phase 0b: lost, through copy groups; the queue continues with the
	 * newly lost nodes, which may hold copies of other nodes. */
	head = 0;
	while (head < tail) {
		uint32_t x = e->queue[head++];
		for (uint32_t i = v->memberof_off[x]; i < v->memberof_off[x + 1]; i++) {
			uint32_t gi = v->memberof[i];
			gslot *q = gw(e, gi);
			if (q->type != FO_GROUP_COPIES)
				continue;
			if (++q->gone < q->n)
				continue;
			uint32_t o = q->owner;
			if (nw(e, o)->flags & FO_F_LOST)
				continue;
			int destroyed = (nw(e, o)->flags & FO_F_DESTROYED) != 0;
			int had_cause = nw(e, o)->cause != FO_NONE || nw(e, o)->root == o;
			mark(e, o, FO_F_LOST | FO_F_DOWN);
			if (!had_cause)
				set_cause(e, o, gi, x);
			/* A destroyed owner is in the queue already and has counted
			 * as a gone holder; queueing it again would count twice. */
			if (!destroyed)
				e->queue[tail++] = o;
		}
	}

	/* Phase 1: down. Seeds: scenario nodes in inventory order, then the
	 * nodes destroyed and lost above, in the order they were found. */
	head = tail = 0;
	for (size_t i = 0; i < nseed; i++)
		e->queue[tail++] = e->scratch[i];
	for (size_t i = 0; i < e->ntouched; i++) {
		uint32_t x = e->touched[i];
		if (nw(e, x)->root != x) /* not a scenario node: destroyed or lost */
			e->queue[tail++] = x;
	}
	while (head < tail) {
		prefetch_ahead(e, e->queue, head, tail);
		uint32_t x = e->queue[head++];
		uint32_t xroot = nw(e, x)->root;
		for (uint32_t i = v->memberof_off[x]; i < v->memberof_off[x + 1]; i++) {
			uint32_t gi = v->memberof[i];
			gslot *q = gw(e, gi);
			uint32_t k = q->k, o = q->owner;
			uint32_t left = q->n - ++q->down;
			if (q->type == FO_GROUP_DEGRADES) {
				if (left + 1 == k && (err = push_seed(e, 0, o, gi, x)) < 0)
					return err;
				continue;
			}
			if (left == k && (err = push_seed(e, 1, o, gi, x)) < 0)
				return err;
			if (left < k) {
				nslot *os = nw(e, o);
				if (os->flags & FO_F_DOWN)
					continue;
				if (!os->flags)
					e->touched[e->ntouched++] = o;
				os->flags |= FO_F_DOWN;
				os->cause = x;
				os->cgroup = gi;
				os->root = xroot;
				e->queue[tail++] = o;
			}
		}
	}

	/* Phase 2: degraded. Seeds: degrades-groups tipped below K. */
	spread(e, 0);
	/* Phase 3: at-risk. Seeds: hard groups left with exactly K members up
	 * after losing some (still exactly K: otherwise the owner is down). */
	spread(e, 1);
	return FO_OK;
}

/* The getters take and return graph numbers; they read the slot of the
 * node's engine number. */
unsigned fo_engine_flags(const fo_engine *e, uint32_t node)
{
	return nr(e, in_node(e, node))->flags;
}

static fo_state state_of(const fo_engine *e, uint32_t x)
{
	unsigned f = nr(e, x)->flags;
	if (f & FO_F_DOWN)
		return FO_STATE_DOWN;
	if (f & FO_F_DEGRADED)
		return FO_STATE_DEGRADED;
	if (f & FO_F_AT_RISK)
		return FO_STATE_AT_RISK;
	return FO_STATE_UP;
}

fo_state fo_engine_state(const fo_engine *e, uint32_t node)
{
	return state_of(e, in_node(e, node));
}

/* At-risk-only nodes carry their cause in the r* fields (engine number). */
static int risk_only(const fo_engine *e, uint32_t x)
{
	return (nr(e, x)->flags & (FO_F_DOWN | FO_F_DEGRADED | FO_F_AT_RISK)) == FO_F_AT_RISK;
}

uint32_t fo_engine_cause(const fo_engine *e, uint32_t node)
{
	uint32_t x = in_node(e, node);
	return out_node(e, risk_only(e, x) ? nr(e, x)->rcause : nr(e, x)->cause);
}

uint32_t fo_engine_cause_group(const fo_engine *e, uint32_t node)
{
	uint32_t x = in_node(e, node);
	return out_group(e, risk_only(e, x) ? nr(e, x)->rgroup : nr(e, x)->cgroup);
}

uint32_t fo_engine_root(const fo_engine *e, uint32_t node)
{
	uint32_t x = in_node(e, node);
	return out_node(e, risk_only(e, x) ? nr(e, x)->rroot : nr(e, x)->root);
}

uint32_t fo_engine_risk_cause(const fo_engine *e, uint32_t node)
{
	const nslot *s = nr(e, in_node(e, node));
	return (s->flags & FO_F_AT_RISK) ? out_node(e, s->rcause) : FO_NONE;
}

uint32_t fo_engine_risk_cause_group(const fo_engine *e, uint32_t node)
{
	const nslot *s = nr(e, in_node(e, node));
	return (s->flags & FO_F_AT_RISK) ? out_group(e, s->rgroup) : FO_NONE;
}

uint32_t fo_engine_risk_root(const fo_engine *e, uint32_t node)
{
	const nslot *s = nr(e, in_node(e, node));
	return (s->flags & FO_F_AT_RISK) ? out_node(e, s->rroot) : FO_NONE;
}

size_t fo_engine_impacted(fo_engine *e, const uint32_t **out)
{
	if (!e->sorted_valid) {
		size_t k = e->ntouched, j = 0;
		/* Many impacted nodes: a bitmap by graph number (n / 8 bytes, in
		 * cache), set from the touched list and scanned, beats a
		 * comparison sort; it is left clear for the next call. */
		if (k > e->v.nodes / 1024) {
			uint64_t *b = e->bits;
			for (size_t i = 0; i < k; i++) {
				uint32_t x = out_node(e, e->touched[i]);
				b[x >> 6] |= (uint64_t)1 << (x & 63);
			}
			for (size_t w = 0; w < ((size_t)e->v.nodes + 63) / 64; w++)
				while (b[w]) {
					e->sorted[j++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(b[w]));
					b[w] &= b[w] - 1;
				}
		} else {
			for (size_t i = 0; i < k; i++)
				e->sorted[i] = out_node(e, e->touched[i]);
			qsort(e->sorted, k, sizeof *e->sorted, cmp_u32);
		}
		e->sorted_valid = 1;
	}
	*out = e->sorted;
	return e->ntouched;
}

void fo_engine_summary(fo_engine *e, fo_summary *out)
{
	memset(out, 0, sizeof *out);
	out->nodes = e->v.nodes;
	for (size_t i = 0; i < e->ntouched; i++) {
		uint32_t x = e->touched[i];
		unsigned f = nr(e, x)->flags;
		int app = fo_graph_node_kind(e->g, out_node(e, x)) == FO_KIND_APP;
		if (f & FO_F_DOWN) {
			out->down++;
			out->apps_down += app;
		}
		if (f & FO_F_LOST) {
			out->lost++;
			out->apps_lost += app;
		}
		if (f & FO_F_DEGRADED) {
			out->degraded++;
			out->apps_degraded += app;
		}
		if (f & FO_F_AT_RISK) {
			out->at_risk++;
			out->apps_at_risk += app;
		}
	}
}

static uint32_t group_n(const fo_engine *e, uint32_t gi)
{
	return shape_of(e, gi).n;
}

/* Members of group gi (engine number) not down / healthy / safe. */
static uint32_t g_up(const fo_engine *e, uint32_t gi)
{
	return group_n(e, gi) - gcount(e, gi, 0);
}

static uint32_t g_healthy(const fo_engine *e, uint32_t gi)
{
	return group_n(e, gi) - gcount(e, gi, 0) - gcount(e, gi, 1);
}

static uint32_t g_safe(const fo_engine *e, uint32_t gi)
{
	return group_n(e, gi) - gcount(e, gi, 0) - gcount(e, gi, 2);
}

uint32_t fo_engine_group_up(const fo_engine *e, uint32_t gi)
{
	return g_up(e, in_group(e, gi));
}

uint32_t fo_engine_group_healthy(const fo_engine *e, uint32_t gi)
{
	return g_healthy(e, in_group(e, gi));
}

uint32_t fo_engine_group_safe(const fo_engine *e, uint32_t gi)
{
	return g_safe(e, in_group(e, gi));
}

/* The chain of `node`: its at-risk chain when risk_mode, else its headline
 * chain (fo_engine_explain, fo_engine_explain_at_risk). */
static int explain(const fo_engine *e, uint32_t node, int risk_mode, fo_explain_step **out,
		   size_t *len)
{
	int err = FO_OK;
	fo_explain_step *steps = NULL;
	size_t n = 0, alloc = 0;

	/* An at-risk chain is explained by at-risk causes until it reaches a
	 * down node, then by down causes. Causes always point to nodes that got
	 * their state earlier, so the chain ends (at most `nodes` steps). */
	uint32_t x = node;
	for (;;) {
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 8;
			fo_explain_step *ns = realloc(steps, na * sizeof *ns);
			if (!ns) {
				err = FO_ENOMEM;
				goto done;
			}
			steps = ns;
			alloc = na;
		}
		unsigned f = nr(e, x)->flags;
		int use_r = risk_mode && !(f & FO_F_DOWN);
		fo_explain_step *s = &steps[n++];
		uint32_t gi = use_r ? nr(e, x)->rgroup : nr(e, x)->cgroup;
		uint32_t cause = use_r ? nr(e, x)->rcause : nr(e, x)->cause;
		s->node = out_node(e, x);
		s->flags = f;
		s->state = use_r ? FO_STATE_AT_RISK : state_of(e, x);
		s->group = out_group(e, gi);
		s->cause = out_node(e, cause);
		s->k = s->n = s->count = 0;
		if (gi != FO_NONE) {
			gslot q = shape_of(e, gi);
			s->k = q.k;
			s->n = q.n;
			if (s->state == FO_STATE_DEGRADED && fo_group_type_is_hard((fo_group_type)q.type))
				s->count = g_healthy(e, gi);
			else if (s->state == FO_STATE_AT_RISK && nr(e, x)->rcause != FO_NONE &&
				 !(nr(e, nr(e, x)->rcause)->flags & FO_F_DOWN))
				s->count = g_safe(e, gi);
			else if (s->flags & FO_F_LOST && q.type == FO_GROUP_COPIES)
				s->count = q.n - gcount(e, gi, 3);
			else
				s->count = g_up(e, gi);
		}
		if (cause == FO_NONE || n > e->v.nodes)
			break;
		x = cause;
	}
	*out = steps;
	*len = n;
	steps = NULL;
done:
	free(steps);
	return err;
}

int fo_engine_explain(const fo_engine *e, uint32_t node, fo_explain_step **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (node >= e->v.nodes)
		return FO_EINVAL;
	/* The chain follows the headline of the node asked about. */
	uint32_t x = in_node(e, node);
	return explain(e, x, risk_only(e, x), out, len);
}

int fo_engine_explain_at_risk(const fo_engine *e, uint32_t node, fo_explain_step **out,
			      size_t *len)
{
	*out = NULL;
	*len = 0;
	if (node >= e->v.nodes || !(nr(e, in_node(e, node))->flags & FO_F_AT_RISK))
		return FO_EINVAL;
	return explain(e, in_node(e, node), 1, out, len);
}
