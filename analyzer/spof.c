/*
 * spof.c — single points of failure for every node in one pass (fo_spof.h;
 * definitions and proof sketch in docs/spof.md).
 *
 * With D(v) the nodes down when v alone fails, F(x) = {v != x : x ∈ D(v)}.
 * By the rules, x ∈ D(v) iff x = v or some hard group of x (K of n) has more
 * than n - K members in D(v). Hence, writing F+(m) = F(m) ∪ {m},
 *   F(x) = ⋃ over hard groups G of x of {v : #{m ∈ G : v ∈ F+(m)} > n - K}
 * (minus x): a union for K = n, an intersection for K = 1, a threshold count
 * in between. The equations for different v do not interact, so the least
 * fixed point of this system is, for every v at once, the engine's least
 * fixed point. Loss sets are built the same way on top of
 *   lost(x) = ⋂ over copy holders h of (Anc(h) ∪ lost(h))  (x with copies)
 * where Anc(h) is h and its containers (what destroys h), and
 *   L(x) = lost(x) ∪ threshold terms as above over L(members).
 *
 * Nodes are evaluated in topological order of the condensation of the hard
 * graph (members before owners); a strongly connected component is
 * evaluated repeatedly, from below, until no set grows (monotone, so this
 * reaches the least fixed point). Sets are sorted arrays in one append-only
 * pool; counting uses one dense counter array reset after each group.
 */
#include "fo_spof.h"

#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_cycles.h"
#include "../graphs/fo_error.h"

enum { SET_F, SET_LOST, SET_L, NSETS };

typedef struct span {
	size_t off;
	uint32_t len;
} span;

struct fo_spof {
	const fo_graph *g;
	fo_graph_view v;
	span *set[NSETS];  /* per node */
	uint32_t *pool;
	size_t pool_len, pool_alloc;
	fo_spof_rank *rank; /* sorted; NULL when shared_only */
	uint32_t *rank_pos; /* node -> index in rank */
	/* fo_spof_compute_shared_fate: fail sets only, and only of the nodes
	 * need[] marks (see there); the other sets stay empty. */
	int shared_only;
	uint8_t *need;

	/* scratch for the pass */
	uint32_t *cnt;     /* per node counter for threshold merges */
	uint32_t *stamp;   /* per node: 1 + x when already in the result */
	uint32_t *hstamp;  /* per node: last hseq that counted it */
	uint32_t hseq;
	uint32_t *touched; /* counters to reset */
	size_t ntouched;
	uint32_t *res;     /* result being built */
	size_t nres, res_alloc;
};

unsigned fo_spof_tier_weight(unsigned tier)
{
	return tier == 1 ? 4 : tier == 2 ? 2 : 1;
}

void fo_spof_free(fo_spof *s)
{
	if (!s)
		return;
	for (int i = 0; i < NSETS; i++)
		free(s->set[i]);
	free(s->pool);
	free(s->rank);
	free(s->rank_pos);
	free(s->need);
	free(s->cnt);
	free(s->stamp);
	free(s->hstamp);
	free(s->touched);
	free(s->res);
	free(s);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Ascending. Most sets are short (a node's fail set is about the depth of
 * its dependency stack): those are sorted inline, without qsort's call per
 * comparison. */
static void sort_u32(uint32_t *a, size_t n)
{
	if (n > 32) {
		qsort(a, n, sizeof *a, cmp_u32);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		uint32_t x = a[i];
		size_t j = i;
		for (; j > 0 && a[j - 1] > x; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

static inline const uint32_t *items(const fo_spof *s, int which, uint32_t x, uint32_t *len)
{
	static const uint32_t none[1];
	const span *sp = &s->set[which][x];
	*len = sp->len;
	return sp->len ? s->pool + sp->off : none; /* the pool may still be NULL */
}

static int res_add(fo_spof *s, uint32_t v)
{
	if (s->nres == s->res_alloc) {
		size_t na = s->res_alloc ? s->res_alloc * 2 : 64;
		uint32_t *p = realloc(s->res, na * sizeof *p);
		if (!p)
			return FO_ENOMEM;
		s->res = p;
		s->res_alloc = na;
	}
	s->res[s->nres++] = v;
	return FO_OK;
}

/* Adds v to the result being built for x (stamp = 1 + x), once. */
static inline int put(fo_spof *s, uint32_t x, uint32_t v)
{
	if (s->stamp[v] == x + 1)
		return FO_OK;
	s->stamp[v] = x + 1;
	return res_add(s, v);
}

/* Counts v for a threshold merge; adds it to x's result when it reaches thr. */
static inline int count(fo_spof *s, uint32_t x, uint32_t v, uint32_t thr)
{
	if (s->cnt[v] == 0)
		s->touched[s->ntouched++] = v;
	if (++s->cnt[v] == thr)
		return put(s, x, v);
	return FO_OK;
}

static void reset_counts(fo_spof *s)
{
	for (size_t i = 0; i < s->ntouched; i++)
		s->cnt[s->touched[i]] = 0;
	s->ntouched = 0;
}

/* Stores the result as set `which` of x if it grew; *grew set accordingly. */
static int store(fo_spof *s, int which, uint32_t x, int *grew)
{
	span *sp = &s->set[which][x];
	if (s->nres == sp->len) { /* sets only grow: same size, same set */
		*grew = 0;
		return FO_OK;
	}
	*grew = 1;
	if (s->nres > UINT32_MAX)
		return FO_ELIMIT;
	if (s->pool_len + s->nres > s->pool_alloc) {
		size_t na = s->pool_alloc ? s->pool_alloc * 2 : 1024;
		while (na < s->pool_len + s->nres)
			na *= 2;
		uint32_t *p = realloc(s->pool, na * sizeof *p);
		if (!p)
			return FO_ENOMEM;
		s->pool = p;
		s->pool_alloc = na;
	}
	sort_u32(s->res, s->nres);
	memcpy(s->pool + s->pool_len, s->res, s->nres * sizeof *s->res);
	sp->off = s->pool_len;
	sp->len = (uint32_t)s->nres;
	s->pool_len += s->nres;
	return FO_OK;
}

/* Threshold merge over the hard groups of x of set `which` (F or L), the
 * member itself counting as in its own set for F. */
static int merge_groups(fo_spof *s, int which, uint32_t x)
{
	const fo_graph_view *v = &s->v;
	int err;
	for (uint32_t gi = v->owned_off[x]; gi < v->owned_off[x + 1]; gi++) {
		if (!fo_group_type_is_hard((fo_group_type)v->group_type[gi]))
			continue;
		uint32_t n = v->member_off[gi + 1] - v->member_off[gi];
		uint32_t thr = n - v->group_k[gi] + 1;
		for (uint32_t i = v->member_off[gi]; i < v->member_off[gi + 1]; i++) {
			uint32_t m = v->members[i], len;
			const uint32_t *it = items(s, which, m, &len);
			if (which == SET_F && m != x &&
			    (err = thr == 1 ? put(s, x, m) : count(s, x, m, thr)) < 0)
				return err;
			for (uint32_t j = 0; j < len; j++)
				if ((err = thr == 1 ? put(s, x, it[j]) : count(s, x, it[j], thr)) < 0)
					return err;
		}
		reset_counts(s);
	}
	return FO_OK;
}

/* lost(x): intersection over copy holders h of Anc(h) ∪ lost(h). */
static int eval_lost(fo_spof *s, uint32_t x)
{
	const fo_graph_view *v = &s->v;
	int err;
	for (uint32_t gi = v->owned_off[x]; gi < v->owned_off[x + 1]; gi++) {
		if (v->group_type[gi] != FO_GROUP_COPIES)
			continue;
		uint32_t n = v->member_off[gi + 1] - v->member_off[gi];
		for (uint32_t i = v->member_off[gi]; i < v->member_off[gi + 1]; i++) {
			uint32_t h = v->members[i], len;
			uint32_t hs = ++s->hseq; /* marks what this holder counted */
			if (!hs) {
				memset(s->hstamp, 0, s->v.nodes * sizeof *s->hstamp);
				hs = s->hseq = 1;
			}
			for (uint32_t a = h; a != FO_NONE; a = v->container[a]) {
				s->hstamp[a] = hs;
				if ((err = count(s, x, a, n)) < 0)
					return err;
			}
			const uint32_t *it = items(s, SET_LOST, h, &len);
			for (uint32_t j = 0; j < len; j++) {
				if (s->hstamp[it[j]] == hs)
					continue;
				s->hstamp[it[j]] = hs;
				if ((err = count(s, x, it[j], n)) < 0)
					return err;
			}
		}
		reset_counts(s);
	}
	return FO_OK;
}

/* Forgets the marks of the result just stored. */
static void unmark(fo_spof *s, uint32_t x)
{
	for (size_t i = 0; i < s->nres; i++)
		s->stamp[s->res[i]] = 0;
	s->stamp[x] = 0;
	s->nres = 0;
}

/* Evaluates the three sets of x once; *grew when any of them grew. */
static int eval(fo_spof *s, uint32_t x, int *grew)
{
	int err, g1, g2, g3;
	uint32_t len;
	const uint32_t *it;

	s->nres = 0;
	if (s->shared_only) {
		if (!s->need[x]) {
			*grew = 0;
			return FO_OK;
		}
		s->stamp[x] = x + 1;
		if ((err = merge_groups(s, SET_F, x)) < 0 || (err = store(s, SET_F, x, grew)) < 0)
			return err;
		unmark(s, x);
		return FO_OK;
	}
	if ((err = eval_lost(s, x)) < 0 || (err = store(s, SET_LOST, x, &g1)) < 0)
		return err;
	unmark(s, x);
	s->stamp[x] = x + 1; /* x is never in F(x) */
	if ((err = merge_groups(s, SET_F, x)) < 0 || (err = store(s, SET_F, x, &g2)) < 0)
		return err;
	unmark(s, x);
	it = items(s, SET_LOST, x, &len);
	for (uint32_t j = 0; j < len; j++)
		if ((err = put(s, x, it[j])) < 0)
			return err;
	if ((err = merge_groups(s, SET_L, x)) < 0 || (err = store(s, SET_L, x, &g3)) < 0)
		return err;
	unmark(s, x);
	*grew = g1 || g2 || g3;
	return FO_OK;
}

static int cmp_rank(const void *a, const void *b)
{
	const fo_spof_rank *x = a, *y = b;
	if (x->weight != y->weight)
		return x->weight < y->weight ? 1 : -1;
	if (x->apps_down != y->apps_down)
		return x->apps_down < y->apps_down ? 1 : -1;
	if (x->nodes_down != y->nodes_down)
		return x->nodes_down < y->nodes_down ? 1 : -1;
	return (x->node > y->node) - (x->node < y->node);
}

static int rank_all(fo_spof *s)
{
	uint32_t n = s->v.nodes;
	fo_spof_rank *r = calloc(n ? n : 1, sizeof *r);
	if (!r)
		return FO_ENOMEM;
	for (uint32_t v = 0; v < n; v++) {
		r[v].node = v;
		r[v].nodes_down = 1;
		if (fo_graph_node_kind(s->g, v) == FO_KIND_APP) {
			r[v].apps_down = 1;
			r[v].weight = fo_spof_tier_weight(fo_graph_node_tier(s->g, v));
		}
	}
	for (uint32_t x = 0; x < n; x++) {
		uint32_t len;
		const uint32_t *it = items(s, SET_F, x, &len);
		int app = fo_graph_node_kind(s->g, x) == FO_KIND_APP;
		unsigned w = fo_spof_tier_weight(fo_graph_node_tier(s->g, x));
		for (uint32_t j = 0; j < len; j++) {
			r[it[j]].nodes_down++;
			if (app) {
				r[it[j]].apps_down++;
				r[it[j]].weight += w;
			}
		}
		if (app) {
			it = items(s, SET_L, x, &len);
			for (uint32_t j = 0; j < len; j++)
				r[it[j]].apps_lost++;
		}
	}
	qsort(r, n, sizeof *r, cmp_rank);
	for (uint32_t i = 0; i < n; i++)
		s->rank_pos[r[i].node] = i;
	s->rank = r;
	return FO_OK;
}

/* Marks in s->need what fo_spof_shared_fate reads: the members of every
 * redundant hard group (2 <= n, K < n), and, since F(x) is made of the fail
 * sets of x's hard members, everything those depend on through hard groups,
 * transitively. A cause of shared fate lies in a member's fail set, hence
 * in that closure too. The closure is closed downwards, so evaluating only
 * its nodes, bottom-up, gives them exactly the sets the full pass gives.
 * O(nodes + members). */
static int mark_needed(fo_spof *s)
{
	const fo_graph_view *v = &s->v;
	size_t nn = v->nodes ? v->nodes : 1, top = 0;
	uint32_t *stack = malloc(nn * sizeof *stack);
	if (!(s->need = calloc(nn, 1)) || !stack) {
		free(stack);
		return FO_ENOMEM;
	}
	for (uint32_t gi = 0; gi < v->groups; gi++) {
		uint32_t n = v->member_off[gi + 1] - v->member_off[gi];
		if (!fo_group_type_is_hard((fo_group_type)v->group_type[gi]) || n < 2 ||
		    v->group_k[gi] >= n)
			continue;
		for (uint32_t i = v->member_off[gi]; i < v->member_off[gi + 1]; i++)
			if (!s->need[v->members[i]]) {
				s->need[v->members[i]] = 1;
				stack[top++] = v->members[i];
			}
	}
	while (top) {
		uint32_t x = stack[--top];
		for (uint32_t gi = v->owned_off[x]; gi < v->owned_off[x + 1]; gi++) {
			if (!fo_group_type_is_hard((fo_group_type)v->group_type[gi]))
				continue;
			for (uint32_t i = v->member_off[gi]; i < v->member_off[gi + 1]; i++)
				if (!s->need[v->members[i]]) {
					s->need[v->members[i]] = 1;
					stack[top++] = v->members[i];
				}
		}
	}
	free(stack);
	return FO_OK;
}

static int compute(fo_spof **out, const fo_graph *g, int shared_only)
{
	int err = FO_OK;
	fo_sccs sccs = { 0, NULL, NULL };
	uint32_t *comp = NULL, *indeg = NULL, *queue = NULL, *single = NULL;
	fo_spof *s = calloc(1, sizeof *s);

	if (!s)
		return FO_ENOMEM;
	s->g = g;
	fo_graph_view_get(g, &s->v);
	s->shared_only = shared_only;
	const fo_graph_view *v = &s->v;
	uint32_t n = v->nodes;
	size_t nn = n ? n : 1;
	for (int i = 0; i < NSETS; i++)
		if (!(s->set[i] = calloc(nn, sizeof *s->set[i])))
			err = FO_ENOMEM;
	s->cnt = calloc(nn, sizeof *s->cnt);
	s->stamp = calloc(nn, sizeof *s->stamp);
	s->hstamp = calloc(nn, sizeof *s->hstamp);
	s->touched = malloc(nn * sizeof *s->touched);
	s->rank_pos = malloc(nn * sizeof *s->rank_pos);
	comp = malloc(nn * sizeof *comp);
	if (err < 0 || !s->cnt || !s->stamp || !s->hstamp || !s->touched || !s->rank_pos || !comp) {
		err = FO_ENOMEM;
		goto done;
	}
	if ((shared_only && (err = mark_needed(s)) < 0) || (err = fo_graph_cycles(g, &sccs)) < 0)
		goto done;

	/* Components: the cyclic SCCs 0..c-1, then one per remaining node. */
	size_t nc = sccs.count;
	memset(comp, 0xff, nn * sizeof *comp);
	for (size_t c = 0; c < sccs.count; c++)
		for (uint32_t i = sccs.off[c]; i < sccs.off[c + 1]; i++)
			comp[sccs.nodes[i]] = (uint32_t)c;
	if (!(single = malloc(nn * sizeof *single))) {
		err = FO_ENOMEM;
		goto done;
	}
	for (uint32_t x = 0; x < n; x++)
		if (comp[x] == FO_NONE) {
			single[nc - sccs.count] = x;
			comp[x] = (uint32_t)nc++;
		}
	indeg = calloc(nc ? nc : 1, sizeof *indeg);
	queue = malloc((nc ? nc : 1) * sizeof *queue);
	if (!indeg || !queue) {
		err = FO_ENOMEM;
		goto done;
	}
	for (uint32_t gi = 0; gi < v->groups; gi++) {
		if (!fo_group_type_is_hard((fo_group_type)v->group_type[gi]))
			continue;
		uint32_t o = v->group_owner[gi];
		for (uint32_t i = v->member_off[gi]; i < v->member_off[gi + 1]; i++)
			if (comp[v->members[i]] != comp[o])
				indeg[comp[o]]++;
	}
	size_t head = 0, tail = 0;
	for (size_t c = 0; c < nc; c++)
		if (!indeg[c])
			queue[tail++] = (uint32_t)c;
	while (head < tail) {
		uint32_t c = queue[head++];
		const uint32_t *mem;
		size_t len;
		if (c < sccs.count) {
			mem = sccs.nodes + sccs.off[c];
			len = sccs.off[c + 1] - sccs.off[c];
		} else {
			mem = &single[c - sccs.count];
			len = 1;
		}
		int again = 1;
		while (again) {
			again = 0;
			for (size_t i = 0; i < len; i++) {
				int grew;
				if ((err = eval(s, mem[i], &grew)) < 0)
					goto done;
				again |= grew && c < sccs.count;
			}
		}
		for (size_t i = 0; i < len; i++) {
			uint32_t x = mem[i];
			for (uint32_t j = v->memberof_off[x]; j < v->memberof_off[x + 1]; j++) {
				uint32_t gi = v->memberof[j];
				if (!fo_group_type_is_hard((fo_group_type)v->group_type[gi]))
					continue;
				uint32_t oc = comp[v->group_owner[gi]];
				if (oc != c && --indeg[oc] == 0)
					queue[tail++] = oc;
			}
		}
	}
	if (tail != nc) { /* the adapter's components do not match the graph */
		err = FO_EGRAPH;
		goto done;
	}
	if (!shared_only && (err = rank_all(s)) < 0)
		goto done;
	free(s->cnt);
	free(s->touched);
	free(s->hstamp);
	free(s->need);
	s->cnt = s->touched = s->hstamp = NULL;
	s->need = NULL;
	*out = s;
	s = NULL;
done:
	fo_sccs_dispose(&sccs);
	free(comp);
	free(single);
	free(indeg);
	free(queue);
	fo_spof_free(s);
	return err;
}

int fo_spof_compute(fo_spof **out, const fo_graph *g)
{
	return compute(out, g, 0);
}

int fo_spof_compute_shared_fate(fo_spof **out, const fo_graph *g)
{
	return compute(out, g, 1);
}

size_t fo_spof_fail_set(const fo_spof *s, uint32_t x, const uint32_t **out)
{
	uint32_t len;
	*out = items(s, SET_F, x, &len);
	return len;
}

size_t fo_spof_loss_set(const fo_spof *s, uint32_t x, const uint32_t **out)
{
	uint32_t len;
	*out = items(s, SET_L, x, &len);
	return len;
}

int fo_spof_in_fail_set(const fo_spof *s, uint32_t x, uint32_t v)
{
	uint32_t len;
	const uint32_t *it = items(s, SET_F, x, &len);
	return len && bsearch(&v, it, len, sizeof *it, cmp_u32) != NULL;
}

size_t fo_spof_ranking(const fo_spof *s, const fo_spof_rank **out)
{
	*out = s->rank;
	return s->rank ? s->v.nodes : 0;
}

const fo_spof_rank *fo_spof_rank_of(const fo_spof *s, uint32_t v)
{
	return &s->rank[s->rank_pos[v]];
}

int fo_spof_shared_fate(const fo_spof *s, uint32_t gi, uint32_t **out, size_t *nout)
{
	const fo_graph_view *v = &s->v;
	int err = FO_OK;
	uint32_t n = v->member_off[gi + 1] - v->member_off[gi], k = v->group_k[gi];
	uint32_t *c = NULL, *keep = NULL;
	size_t nc = 0, nk = 0;

	*out = NULL;
	*nout = 0;
	if (!fo_group_type_is_hard((fo_group_type)v->group_type[gi]) || n < 2 || k >= n)
		return FO_OK;
	/* Candidates: the nodes in the fail set of any member; a cause is in
	 * more than n - K of them. Merge with a sort (no shared scratch: the
	 * result is read-only after fo_spof_compute). */
	size_t total = 0;
	for (uint32_t i = v->member_off[gi]; i < v->member_off[gi + 1]; i++)
		total += s->set[SET_F][v->members[i]].len;
	if (!total)
		return FO_OK;
	if (!(c = malloc(total * sizeof *c))) {
		err = FO_ENOMEM;
		goto done;
	}
	for (uint32_t i = v->member_off[gi]; i < v->member_off[gi + 1]; i++) {
		uint32_t len;
		const uint32_t *it = items(s, SET_F, v->members[i], &len);
		if (len)
			memcpy(c + nc, it, len * sizeof *it);
		nc += len;
	}
	qsort(c, nc, sizeof *c, cmp_u32);
	size_t w = 0;
	for (size_t i = 0; i < nc;) {
		size_t j = i;
		while (j < nc && c[j] == c[i])
			j++;
		int member = 0;
		for (uint32_t m = v->member_off[gi]; m < v->member_off[gi + 1]; m++)
			member |= v->members[m] == c[i];
		if (j - i > n - k && !member)
			c[w++] = c[i];
		i = j;
	}
	nc = w;
	if (!nc)
		goto done;
	if (!(keep = malloc(nc * sizeof *keep))) {
		err = FO_ENOMEM;
		goto done;
	}
	/* Nearest: drop a cause strictly upstream of another cause. */
	for (size_t i = 0; i < nc; i++) {
		int upstream = 0;
		for (size_t j = 0; j < nc && !upstream; j++)
			upstream = j != i && fo_spof_in_fail_set(s, c[j], c[i]) &&
				   !fo_spof_in_fail_set(s, c[i], c[j]);
		if (!upstream)
			keep[nk++] = c[i];
	}
	*out = keep;
	*nout = nk;
	keep = NULL;
done:
	free(c);
	free(keep);
	return err;
}
