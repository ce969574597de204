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

/* A group as the engine sees it: its shape (copied from the graph view once)
 * next to its counters, 32 bytes, so that one membership costs one miss. */
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
	fo_graph_view v;

	nslot *ns; /* per node */
	gslot *gs; /* per group */
	void *ns_block, *gs_block; /* what big_alloc allocated for them */

	uint32_t epoch;    /* of the current results, 1..EPOCH_END - 1; slots of
			    * other epochs are fresh, so a run never has to
			    * clear the last one */
	uint32_t *touched; /* nodes with any flag, in the order they got it */
	size_t ntouched;
	uint32_t *queue;   /* worklist, reused by every phase (each node once) */
	seed *seeds;       /* phase 2/3 seeds found during phase 1 */
	size_t nseeds, seeds_alloc;
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
	free(e->ns_block);
	free(e->gs_block);
	free(e->touched);
	free(e->queue);
	free(e->seeds);
	free(e->scratch);
	free(e->sorted);
	free(e);
}

/* The per-node and per-group slots are read at random over hundreds of MB
 * on large graphs: with 4 KiB pages nearly every access also misses the
 * TLB. Arrays of 4 MiB or more are aligned to 2 MiB inside a larger block
 * and offered to the kernel for transparent huge pages (a hint; where THP is
 * off, or on other systems, they are plain memory). Zeroed by calloc, which
 * does not write a fresh mapping: the pages are the kernel's zero pages
 * until a run touches them, so a what-if that reaches a few nodes of a
 * million touches a few pages, not 170 MB (docs/benchmarks.md, "whatif
 * DB@L end to end"). *block receives what to free(). */
static void *big_alloc(size_t size, void **block)
{
	const size_t huge = (size_t)2 << 20;
	char *p;
	size = size ? size : 1;
	if (size < 2 * huge)
		return *block = calloc(1, size);
	size = (size + huge - 1) / huge * huge;
	if (size > SIZE_MAX - huge || !(*block = calloc(1, size + huge)))
		return NULL;
	p = (char *)(((uintptr_t)*block + huge - 1) & ~(uintptr_t)(huge - 1));
#ifdef MADV_HUGEPAGE
	madvise(p, size, MADV_HUGEPAGE);
#endif
	return p;
}

int fo_engine_new(fo_engine **out, const fo_graph *g)
{
	int err = FO_OK;
	fo_engine *e = calloc(1, sizeof *e);
	if (!e)
		return FO_ENOMEM;
	e->g = g;
	fo_graph_view_get(g, &e->v);
	size_t n = e->v.nodes ? e->v.nodes : 1, m = e->v.groups ? e->v.groups : 1;
	e->ns = big_alloc(n * sizeof *e->ns, &e->ns_block);
	e->touched = malloc(n * sizeof *e->touched);
	e->queue = malloc(n * sizeof *e->queue);
	e->sorted = malloc(n * sizeof *e->sorted);
	e->gs = big_alloc(m * sizeof *e->gs, &e->gs_block);
	if (!e->ns || !e->touched || !e->queue || !e->sorted || !e->gs) {
		err = FO_ENOMEM;
		goto done;
	}
	/* Zeroed slots are of epoch 0: fresh nodes, and groups whose shape gw
	 * copies from the view on first use. Nothing is written here: O(1)
	 * besides the allocation, whatever the graph's size. */
	e->epoch = 1;
	e->sorted_valid = 1; /* nothing impacted */
	*out = e;
	e = NULL;
done:
	fo_engine_free(e);
	return err;
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
	e->ntouched = e->nseeds = 0;
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

/* A group's slot for this run, its counters zeroed on first use; a slot of
 * epoch 0 (never used, or cleared by an epoch wrap) first gets its shape
 * from the view (copying it again after a wrap is harmless). */
static inline gslot *gw(fo_engine *e, uint32_t gi)
{
	gslot *q = &e->gs[gi];
	if (q->epoch != e->epoch) {
		if (q->epoch == 0) {
			q->n = e->v.member_off[gi + 1] - e->v.member_off[gi];
			q->k = e->v.group_k[gi];
			q->owner = e->v.group_owner[gi];
			q->type = e->v.group_type[gi];
		}
		q->down = q->degr = q->risk = q->gone = 0;
		q->epoch = e->epoch;
	}
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

static int push_seed(fo_engine *e, uint32_t owner, uint32_t gi, uint32_t cause)
{
	if (e->nseeds == e->seeds_alloc) {
		size_t na = e->seeds_alloc ? e->seeds_alloc * 2 : 256;
		seed *ns = realloc(e->seeds, na * sizeof *ns);
		if (!ns)
			return FO_ENOMEM;
		e->seeds = ns;
		e->seeds_alloc = na;
	}
	e->seeds[e->nseeds++] = (seed){ owner, gi, cause };
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

	for (size_t i = 0; i < e->nseeds; i++) {
		const seed *s = &e->seeds[i];
		nslot *o = nw(e, s->owner);
		if ((gw(e, s->group)->type == FO_GROUP_DEGRADES) == risk ||
		    (o->flags & (FO_F_DOWN | flag)))
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
			nslot *o = nw(e, q->owner);
			if (q->n - q->down - c < q->k && !(o->flags & (FO_F_DOWN | flag))) {
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
		mark(e, sc->fail[i], FO_F_FAILED | FO_F_DOWN);
	for (size_t i = 0; i < sc->ndestroy; i++)
		mark(e, sc->destroy[i], FO_F_DESTROYED | FO_F_DOWN);
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
				set_cause(e, c, v->owned_off[c], x); /* located group comes first */
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
		for (uint32_t i = v->memberof_off[x]; i < v->memberof_off[x + 1]; i++) {
			uint32_t gi = v->memberof[i];
			gslot *q = gw(e, gi);
			uint32_t k = q->k, o = q->owner;
			uint32_t left = q->n - ++q->down;
			if (q->type == FO_GROUP_DEGRADES) {
				if (left + 1 == k && (err = push_seed(e, o, gi, x)) < 0)
					return err;
				continue;
			}
			if (left == k && (err = push_seed(e, o, gi, x)) < 0)
				return err;
			if (left < k && !(nw(e, o)->flags & FO_F_DOWN)) {
				mark(e, o, FO_F_DOWN);
				set_cause(e, o, gi, x);
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

unsigned fo_engine_flags(const fo_engine *e, uint32_t node) { return nr(e, node)->flags; }

fo_state fo_engine_state(const fo_engine *e, uint32_t node)
{
	unsigned f = nr(e, node)->flags;
	if (f & FO_F_DOWN)
		return FO_STATE_DOWN;
	if (f & FO_F_DEGRADED)
		return FO_STATE_DEGRADED;
	if (f & FO_F_AT_RISK)
		return FO_STATE_AT_RISK;
	return FO_STATE_UP;
}

/* At-risk-only nodes carry their cause in the r* arrays. */
static int risk_only(const fo_engine *e, uint32_t node)
{
	return (nr(e, node)->flags & (FO_F_DOWN | FO_F_DEGRADED | FO_F_AT_RISK)) == FO_F_AT_RISK;
}

uint32_t fo_engine_cause(const fo_engine *e, uint32_t node)
{
	return risk_only(e, node) ? nr(e, node)->rcause : nr(e, node)->cause;
}

uint32_t fo_engine_cause_group(const fo_engine *e, uint32_t node)
{
	return risk_only(e, node) ? nr(e, node)->rgroup : nr(e, node)->cgroup;
}

uint32_t fo_engine_root(const fo_engine *e, uint32_t node)
{
	return risk_only(e, node) ? nr(e, node)->rroot : nr(e, node)->root;
}

uint32_t fo_engine_risk_cause(const fo_engine *e, uint32_t node)
{
	return (nr(e, node)->flags & FO_F_AT_RISK) ? nr(e, node)->rcause : FO_NONE;
}

uint32_t fo_engine_risk_cause_group(const fo_engine *e, uint32_t node)
{
	return (nr(e, node)->flags & FO_F_AT_RISK) ? nr(e, node)->rgroup : FO_NONE;
}

uint32_t fo_engine_risk_root(const fo_engine *e, uint32_t node)
{
	return (nr(e, node)->flags & FO_F_AT_RISK) ? nr(e, node)->rroot : FO_NONE;
}

size_t fo_engine_impacted(fo_engine *e, const uint32_t **out)
{
	if (!e->sorted_valid) {
		size_t k = e->ntouched;
		/* Dense results: a scan of the flags beats a comparison sort. */
		if (k > e->v.nodes / 32) {
			size_t j = 0;
			for (uint32_t x = 0; x < e->v.nodes; x++)
				if (nr(e, x)->flags)
					e->sorted[j++] = x;
		} else {
			memcpy(e->sorted, e->touched, k * sizeof *e->sorted);
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
		int app = fo_graph_node_kind(e->g, x) == FO_KIND_APP;
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

/* From the view: a slot never used has no shape yet. */
static uint32_t group_n(const fo_engine *e, uint32_t gi)
{
	return e->v.member_off[gi + 1] - e->v.member_off[gi];
}

uint32_t fo_engine_group_up(const fo_engine *e, uint32_t gi)
{
	return group_n(e, gi) - gcount(e, gi, 0);
}

uint32_t fo_engine_group_healthy(const fo_engine *e, uint32_t gi)
{
	return group_n(e, gi) - gcount(e, gi, 0) - gcount(e, gi, 1);
}

uint32_t fo_engine_group_safe(const fo_engine *e, uint32_t gi)
{
	return group_n(e, gi) - gcount(e, gi, 0) - gcount(e, gi, 2);
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
		s->node = x;
		s->flags = f;
		s->state = use_r ? FO_STATE_AT_RISK : fo_engine_state(e, x);
		s->group = use_r ? nr(e, x)->rgroup : nr(e, x)->cgroup;
		s->cause = use_r ? nr(e, x)->rcause : nr(e, x)->cause;
		s->k = s->n = s->count = 0;
		if (s->group != FO_NONE) {
			uint32_t gi = s->group;
			s->k = e->v.group_k[gi];
			s->n = group_n(e, gi);
			if (s->state == FO_STATE_DEGRADED && fo_group_type_is_hard((fo_group_type)e->v.group_type[gi]))
				s->count = fo_engine_group_healthy(e, gi);
			else if (s->state == FO_STATE_AT_RISK && nr(e, x)->rcause != FO_NONE &&
				 !(nr(e, nr(e, x)->rcause)->flags & FO_F_DOWN))
				s->count = fo_engine_group_safe(e, gi);
			else if (s->flags & FO_F_LOST && e->v.group_type[gi] == FO_GROUP_COPIES)
				s->count = group_n(e, gi) - gcount(e, gi, 3);
			else
				s->count = fo_engine_group_up(e, gi);
		}
		if (s->cause == FO_NONE || n > e->v.nodes)
			break;
		x = s->cause;
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
	return explain(e, node, risk_only(e, node), out, len);
}

int fo_engine_explain_at_risk(const fo_engine *e, uint32_t node, fo_explain_step **out,
			      size_t *len)
{
	*out = NULL;
	*len = 0;
	if (node >= e->v.nodes || !(nr(e, node)->flags & FO_F_AT_RISK))
		return FO_EINVAL;
	return explain(e, node, 1, out, len);
}
