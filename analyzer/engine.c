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
#include "fo_engine.h"

#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"

typedef struct seed {
	uint32_t owner, group, cause;
} seed;

struct fo_engine {
	const fo_graph *g;
	fo_graph_view v;

	/* per node */
	uint8_t *flags;
	uint32_t *cause, *cgroup, *root;     /* down / degraded (the headline) */
	uint32_t *rcause, *rgroup, *rroot;   /* at-risk */
	/* per group */
	uint32_t *down, *degr, *risk, *gone; /* gone: copy holders destroyed/lost */
	uint8_t *gtouched;

	uint32_t *touched; /* nodes with any flag, in the order they got it */
	size_t ntouched;
	uint32_t *tgroups; /* groups with a non-zero counter */
	size_t ntgroups;
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
	free(e->flags);
	free(e->cause);
	free(e->cgroup);
	free(e->root);
	free(e->rcause);
	free(e->rgroup);
	free(e->rroot);
	free(e->down);
	free(e->degr);
	free(e->risk);
	free(e->gone);
	free(e->gtouched);
	free(e->touched);
	free(e->tgroups);
	free(e->queue);
	free(e->seeds);
	free(e->scratch);
	free(e->sorted);
	free(e);
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
	e->flags = calloc(n, 1);
	e->cause = malloc(n * sizeof *e->cause);
	e->cgroup = malloc(n * sizeof *e->cgroup);
	e->root = malloc(n * sizeof *e->root);
	e->rcause = malloc(n * sizeof *e->rcause);
	e->rgroup = malloc(n * sizeof *e->rgroup);
	e->rroot = malloc(n * sizeof *e->rroot);
	e->touched = malloc(n * sizeof *e->touched);
	e->queue = malloc(n * sizeof *e->queue);
	e->sorted = malloc(n * sizeof *e->sorted);
	e->down = calloc(m, sizeof *e->down);
	e->degr = calloc(m, sizeof *e->degr);
	e->risk = calloc(m, sizeof *e->risk);
	e->gone = calloc(m, sizeof *e->gone);
	e->gtouched = calloc(m, 1);
	e->tgroups = malloc(m * sizeof *e->tgroups);
	if (!e->flags || !e->cause || !e->cgroup || !e->root || !e->rcause || !e->rgroup ||
	    !e->rroot || !e->touched || !e->queue || !e->sorted || !e->down || !e->degr ||
	    !e->risk || !e->gone || !e->gtouched || !e->tgroups) {
		err = FO_ENOMEM;
		goto done;
	}
	memset(e->cause, 0xff, n * sizeof *e->cause);
	memset(e->cgroup, 0xff, n * sizeof *e->cgroup);
	memset(e->root, 0xff, n * sizeof *e->root);
	memset(e->rcause, 0xff, n * sizeof *e->rcause);
	memset(e->rgroup, 0xff, n * sizeof *e->rgroup);
	memset(e->rroot, 0xff, n * sizeof *e->rroot);
	e->sorted_valid = 1; /* nothing impacted */
	*out = e;
	e = NULL;
done:
	fo_engine_free(e);
	return err;
}

const fo_graph *fo_engine_graph(const fo_engine *e) { return e->g; }

static void reset(fo_engine *e)
{
	for (size_t i = 0; i < e->ntouched; i++) {
		uint32_t v = e->touched[i];
		e->flags[v] = 0;
		e->cause[v] = e->cgroup[v] = e->root[v] = FO_NONE;
		e->rcause[v] = e->rgroup[v] = e->rroot[v] = FO_NONE;
	}
	for (size_t i = 0; i < e->ntgroups; i++) {
		uint32_t gi = e->tgroups[i];
		e->down[gi] = e->degr[gi] = e->risk[gi] = e->gone[gi] = 0;
		e->gtouched[gi] = 0;
	}
	e->ntouched = e->ntgroups = e->nseeds = 0;
	e->sorted_valid = 0;
}

/* Adds flag f to v; records v as impacted the first time. */
static inline void mark(fo_engine *e, uint32_t v, uint8_t f)
{
	if (!e->flags[v])
		e->touched[e->ntouched++] = v;
	e->flags[v] |= f;
}

static inline void touch_group(fo_engine *e, uint32_t gi)
{
	if (!e->gtouched[gi]) {
		e->gtouched[gi] = 1;
		e->tgroups[e->ntgroups++] = gi;
	}
}

static inline void set_cause(fo_engine *e, uint32_t v, uint32_t gi, uint32_t c)
{
	e->cause[v] = c;
	e->cgroup[v] = gi;
	e->root[v] = e->root[c];
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
 * spread `flag` through hard groups, counting flagged members in count[] for
 * every group (soft ones too, for fo_engine_group_healthy/safe) and recording
 * cause, group and root in the phase's own arrays.
 */
static void spread(fo_engine *e, int soft_seeds, uint8_t flag, uint32_t *count,
		   uint32_t *cause, uint32_t *group, uint32_t *root)
{
	const fo_graph_view *v = &e->v;
	size_t head = 0, tail = 0;

	for (size_t i = 0; i < e->nseeds; i++) {
		const seed *s = &e->seeds[i];
		if ((v->group_type[s->group] == FO_GROUP_DEGRADES) != soft_seeds ||
		    (e->flags[s->owner] & (FO_F_DOWN | flag)))
			continue;
		mark(e, s->owner, flag);
		cause[s->owner] = s->cause;
		group[s->owner] = s->group;
		root[s->owner] = e->root[s->cause]; /* the cause is down */
		e->queue[tail++] = s->owner;
	}
	while (head < tail) {
		uint32_t x = e->queue[head++];
		for (uint32_t i = v->memberof_off[x]; i < v->memberof_off[x + 1]; i++) {
			uint32_t gi = v->memberof[i];
			touch_group(e, gi);
			++count[gi];
			if (!fo_group_type_is_hard((fo_group_type)v->group_type[gi]))
				continue;
			uint32_t n = v->member_off[gi + 1] - v->member_off[gi];
			uint32_t o = v->group_owner[gi];
			if (n - e->down[gi] - count[gi] < v->group_k[gi] &&
			    !(e->flags[o] & (FO_F_DOWN | flag))) {
				mark(e, o, flag);
				cause[o] = x;
				group[o] = gi;
				root[o] = root[x];
				e->queue[tail++] = o;
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
		e->root[s] = s;
		if (e->flags[s] & FO_F_DESTROYED)
			e->queue[tail++] = s;
	}

	/* Phase 0: destroyed, down the containment tree (breadth first). */
	while (head < tail) {
		uint32_t x = e->queue[head++];
		for (uint32_t i = v->child_off[x]; i < v->child_off[x + 1]; i++) {
			uint32_t c = v->child[i];
			if (e->flags[c] & FO_F_DESTROYED)
				continue;
			int was_scenario = (e->flags[c] & FO_F_FAILED) != 0;
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
			if (v->group_type[gi] != FO_GROUP_COPIES)
				continue;
			touch_group(e, gi);
			uint32_t n = v->member_off[gi + 1] - v->member_off[gi];
			if (++e->gone[gi] < n)
				continue;
			uint32_t o = v->group_owner[gi];
			if (e->flags[o] & FO_F_LOST)
				continue;
			int destroyed = (e->flags[o] & FO_F_DESTROYED) != 0;
			int had_cause = e->cause[o] != FO_NONE || e->root[o] == o;
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
		if (e->root[x] != x) /* not a scenario node: destroyed or lost */
			e->queue[tail++] = x;
	}
	while (head < tail) {
		uint32_t x = e->queue[head++];
		for (uint32_t i = v->memberof_off[x]; i < v->memberof_off[x + 1]; i++) {
			uint32_t gi = v->memberof[i];
			uint32_t n = v->member_off[gi + 1] - v->member_off[gi];
			uint32_t k = v->group_k[gi];
			uint32_t o = v->group_owner[gi];
			touch_group(e, gi);
			uint32_t left = n - ++e->down[gi];
			if (v->group_type[gi] == FO_GROUP_DEGRADES) {
				if (left + 1 == k && (err = push_seed(e, o, gi, x)) < 0)
					return err;
				continue;
			}
			if (left == k && (err = push_seed(e, o, gi, x)) < 0)
				return err;
			if (left < k && !(e->flags[o] & FO_F_DOWN)) {
				mark(e, o, FO_F_DOWN);
				set_cause(e, o, gi, x);
				e->queue[tail++] = o;
			}
		}
	}

	/* Phase 2: degraded. Seeds: degrades-groups tipped below K. */
	spread(e, 1, FO_F_DEGRADED, e->degr, e->cause, e->cgroup, e->root);
	/* Phase 3: at-risk. Seeds: hard groups left with exactly K members up
	 * after losing some (still exactly K: otherwise the owner is down). */
	spread(e, 0, FO_F_AT_RISK, e->risk, e->rcause, e->rgroup, e->rroot);
	return FO_OK;
}

unsigned fo_engine_flags(const fo_engine *e, uint32_t node) { return e->flags[node]; }

fo_state fo_engine_state(const fo_engine *e, uint32_t node)
{
	unsigned f = e->flags[node];
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
	return (e->flags[node] & (FO_F_DOWN | FO_F_DEGRADED | FO_F_AT_RISK)) == FO_F_AT_RISK;
}

uint32_t fo_engine_cause(const fo_engine *e, uint32_t node)
{
	return risk_only(e, node) ? e->rcause[node] : e->cause[node];
}

uint32_t fo_engine_cause_group(const fo_engine *e, uint32_t node)
{
	return risk_only(e, node) ? e->rgroup[node] : e->cgroup[node];
}

uint32_t fo_engine_root(const fo_engine *e, uint32_t node)
{
	return risk_only(e, node) ? e->rroot[node] : e->root[node];
}

size_t fo_engine_impacted(fo_engine *e, const uint32_t **out)
{
	if (!e->sorted_valid) {
		size_t k = e->ntouched;
		/* Dense results: a scan of the flags beats a comparison sort. */
		if (k > e->v.nodes / 32) {
			size_t j = 0;
			for (uint32_t x = 0; x < e->v.nodes; x++)
				if (e->flags[x])
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
		unsigned f = e->flags[x];
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

static uint32_t group_n(const fo_engine *e, uint32_t gi)
{
	return e->v.member_off[gi + 1] - e->v.member_off[gi];
}

uint32_t fo_engine_group_up(const fo_engine *e, uint32_t gi)
{
	return group_n(e, gi) - e->down[gi];
}

uint32_t fo_engine_group_healthy(const fo_engine *e, uint32_t gi)
{
	return group_n(e, gi) - e->down[gi] - e->degr[gi];
}

uint32_t fo_engine_group_safe(const fo_engine *e, uint32_t gi)
{
	return group_n(e, gi) - e->down[gi] - e->risk[gi];
}

int fo_engine_explain(const fo_engine *e, uint32_t node, fo_explain_step **out, size_t *len)
{
	int err = FO_OK;
	fo_explain_step *steps = NULL;
	size_t n = 0, alloc = 0;

	*out = NULL;
	*len = 0;
	if (node >= e->v.nodes)
		return FO_EINVAL;
	/* The chain follows the headline of the node asked about: a node that is
	 * at-risk only is explained by at-risk causes until the chain reaches a
	 * down node, then by down causes. Causes always point to nodes that got
	 * their state earlier, so the chain ends (at most `nodes` steps). */
	int risk_mode = risk_only(e, node);
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
		unsigned f = e->flags[x];
		int use_r = risk_mode && !(f & FO_F_DOWN);
		fo_explain_step *s = &steps[n++];
		s->node = x;
		s->flags = f;
		s->state = use_r ? FO_STATE_AT_RISK : fo_engine_state(e, x);
		s->group = use_r ? e->rgroup[x] : e->cgroup[x];
		s->cause = use_r ? e->rcause[x] : e->cause[x];
		s->k = s->n = s->count = 0;
		if (s->group != FO_NONE) {
			uint32_t gi = s->group;
			s->k = e->v.group_k[gi];
			s->n = group_n(e, gi);
			if (s->state == FO_STATE_DEGRADED && fo_group_type_is_hard((fo_group_type)e->v.group_type[gi]))
				s->count = fo_engine_group_healthy(e, gi);
			else if (s->state == FO_STATE_AT_RISK && e->rcause[x] != FO_NONE &&
				 !(e->flags[e->rcause[x]] & FO_F_DOWN))
				s->count = fo_engine_group_safe(e, gi);
			else if (s->flags & FO_F_LOST && e->v.group_type[gi] == FO_GROUP_COPIES)
				s->count = group_n(e, gi) - e->gone[gi];
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
