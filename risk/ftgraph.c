/*
 * ftgraph.c — an inventory's app as a fault tree (fo_ftgraph.h).
 *
 * The engine's states are least fixed points of monotone equations
 * (docs/semantics.md). Written per node they are boolean variables:
 *
 *   FO_FTG_DOWN   down(v)  = fail(v) | OR over v's hard groups (requires,
 *                            located, copies) of "fewer than K members up",
 *                            i.e. ATLEAST(n-K+1, down(members))
 *   FO_FTG_LOST   nl(v)    = lost(v) | OR over v's requires and located
 *                            groups of ATLEAST(n-K+1, nl(members))
 *                 lost(v)  = AND over v's copy holders h of gone(h)
 *                            (false when v keeps no copies)
 *                 gone(h)  = destr(h) | lost(h)
 *                 destr(v) = destroy(v) | destr(container(v))
 *
 * ("nl": needs lost data). Degrades groups never make anything down, so
 * they are not followed. The variables reachable from the top are the cone;
 * only they are translated, and only the basic events that survive in the
 * final tree are created.
 *
 * Cycles. The value of a variable in the least fixed point is the value of
 * its equation unfolded depth first, where a variable already on the current
 * path counts as false: a minimal derivation of "true" never needs a
 * variable inside its own derivation, and false is below everything in a
 * monotone system (docs/risk.md, "Translating an inventory"). So:
 *   - the strongly connected components of the cone are found (Tarjan,
 *     iteratively: a cone may be a million nodes deep);
 *   - a variable outside any cycle gets one gate, built from its members'
 *     gates, in the components' reverse topological order;
 *   - a cyclic component is unfolded from each variable by which it is
 *     entered (from outside, or the top). Inside it, the unfolded formula of
 *     u with path P depends only on the variables of P that u reaches
 *     without crossing P; the unfolding is memoised on (u, that set) for
 *     components of at most SCC_MEMO_MAX variables, and bounded by a work
 *     budget (WORK_MAX) past which the build fails with FO_ELIMIT naming
 *     the cycle: an entangled cycle can make the exact tree exponential.
 *
 * Gates are hash-consed (the same op, k and arguments give the same gate)
 * and constants are folded, so the tree has no duplicate subtree. Terms are
 * built in a scratch store first and copied into the fo_ft at the end, only
 * those reachable from the top: events in document order (the numbers cut
 * sets are made of), then the gates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"
#include "../importers/fo_inventory.h"
#include "fo_ftgraph.h"

/* Variables of the LOST translation: node * 4 + one of these. */
enum { K_NL = 0, K_LOST, K_GONE, K_DESTR, K__COUNT };

/* Terms 0 and 1 are the constants. */
#define T_FALSE 0u
#define T_TRUE 1u

/* Unfolding work (frames plus steps of the relevance searches) past which a
 * cyclic component is refused: about a second of work. */
#define WORK_MAX ((size_t)1 << 25)
/* Components larger than this are unfolded without the (u, set) memo: the
 * relevance search would cost O(component) per step. */
#define SCC_MEMO_MAX 256u
/* Terms in the scratch store (and so gates of the tree). */
#define TERMS_MAX ((uint32_t)1 << 30)

typedef struct term_store {
	uint8_t *op;     /* fo_ft_op of each term */
	uint32_t *k;     /* ATLEAST k; graph node of an EVENT */
	uint32_t *off;   /* args of term t: args[off[t] .. off[t+1]) */
	uint32_t *args;
	uint32_t n, cap;
	size_t nargs, argcap;
	uint32_t *slot; /* hash-consing table of term numbers, FO_NONE empty */
	size_t nslot;
} term_store;

typedef struct u32vec {
	uint32_t *v;
	size_t n, cap;
} u32vec;

typedef struct ctx {
	const fo_graph *g;
	fo_graph_view gv;
	fo_ftg_event ev;
	fo_diag *diag;
	term_store t;

	/* The cone: local variables 0..nl-1, in order of discovery. */
	/* Global variable -> local number: a hash map (open addressing; key
	 * v + 1, 0 empty), so that a small cone costs nothing for the size of
	 * the graph. */
	uint64_t *lkey;
	uint32_t *lval;
	size_t lcap;
	u32vec gvar;     /* per local: its global variable */
	/* Per local variable: has an event; its clauses
	 * [cl_off[x], cl_off[x+1]); clause c: k = cl_k[c], members (local)
	 * mem[mem_off[c] .. mem_off[c+1]). */
	u32vec has_event, cl_off, cl_k, mem_off, mem;

	/* Components (Tarjan). */
	uint32_t *scc;     /* per local: its component number */
	uint32_t *memo;    /* per local: its term with an empty path, or FO_NONE */
	uint8_t *flag;     /* per local: F_* */
	u32vec order;      /* locals in order of their components' completion */
	u32vec scc_start;  /* component c is order[scc_start[c] .. scc_start[c+1]) */

	/* Unfolding. */
	uint32_t *stamp; /* per local: last search that visited it */
	uint32_t stamp_now;
	u32vec keybuf; /* the key being made: [u, len, members...] */
	size_t work;   /* frames and search steps so far, against WORK_MAX */
} ctx;

/* F_ONPATH: on Tarjan's stack while finding components, on the path while
 * unfolding. */
enum { F_CYCLIC = 1, F_ENTRY = 2, F_ONPATH = 4 };

/* ------------------------------------------------------------- helpers */

static int vec_push(u32vec *v, uint32_t x)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		uint32_t *p = realloc(v->v, cap * sizeof *p);
		if (!p)
			return FO_ENOMEM;
		v->v = p;
		v->cap = cap;
	}
	v->v[v->n++] = x;
	return FO_OK;
}

static void vec_free(u32vec *v)
{
	free(v->v);
	memset(v, 0, sizeof *v);
}

static uint64_t mix(uint64_t h, uint64_t x)
{
	h ^= x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

static uint64_t fin(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* --------------------------------------------------------------- terms */

static uint64_t term_hash(uint8_t op, uint32_t k, const uint32_t *a, size_t n)
{
	uint64_t h = mix(op, k);
	for (size_t i = 0; i < n; i++)
		h = mix(h, a[i]);
	return fin(mix(h, n));
}

static int term_same(const term_store *t, uint32_t x, uint8_t op, uint32_t k, const uint32_t *a,
		     size_t n)
{
	if (t->op[x] != op || t->k[x] != k || t->off[x + 1] - t->off[x] != n)
		return 0;
	return n == 0 || memcmp(t->args + t->off[x], a, n * sizeof *a) == 0;
}

static int terms_rehash(term_store *t, size_t nslot)
{
	uint32_t *s = malloc(nslot * sizeof *s);
	if (!s)
		return FO_ENOMEM;
	memset(s, 0xff, nslot * sizeof *s);
	for (uint32_t x = 0; x < t->n; x++) {
		size_t i = term_hash(t->op[x], t->k[x], t->args + t->off[x], t->off[x + 1] - t->off[x]) &
			   (nslot - 1);
		while (s[i] != FO_NONE)
			i = (i + 1) & (nslot - 1);
		s[i] = x;
	}
	free(t->slot);
	t->slot = s;
	t->nslot = nslot;
	return FO_OK;
}

/* The term (op, k, a[0..n)), made once: *out the existing one when the same
 * term was made before. a is canonical (sorted) for the symmetric ops. */
static int term_get(ctx *c, uint8_t op, uint32_t k, const uint32_t *a, size_t n, uint32_t *out)
{
	term_store *t = &c->t;
	int err;
	if ((size_t)(t->n + 1) * 2 > t->nslot && (err = terms_rehash(t, t->nslot ? t->nslot * 2 : 1024)) < 0)
		return err;
	size_t i = term_hash(op, k, a, n) & (t->nslot - 1);
	for (; t->slot[i] != FO_NONE; i = (i + 1) & (t->nslot - 1))
		if (term_same(t, t->slot[i], op, k, a, n)) {
			*out = t->slot[i];
			return FO_OK;
		}
	if (t->n >= TERMS_MAX) {
		if (c->diag)
			fo_diag_add(c->diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
				    "the fault tree would have more than %u gates", (unsigned)TERMS_MAX);
		return FO_ELIMIT;
	}
	if (t->n + 1 >= t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 256;
		uint8_t *op2 = realloc(t->op, cap * sizeof *op2);
		if (op2)
			t->op = op2;
		uint32_t *k2 = realloc(t->k, cap * sizeof *k2);
		if (k2)
			t->k = k2;
		uint32_t *off2 = realloc(t->off, (cap + 1) * sizeof *off2);
		if (off2)
			t->off = off2;
		if (!op2 || !k2 || !off2)
			return FO_ENOMEM;
		t->cap = cap;
	}
	if (t->nargs + n > t->argcap) {
		size_t cap = t->argcap ? t->argcap : 1024;
		while (cap < t->nargs + n)
			cap *= 2;
		uint32_t *p = realloc(t->args, cap * sizeof *p);
		if (!p)
			return FO_ENOMEM;
		t->args = p;
		t->argcap = cap;
	}
	uint32_t x = t->n++;
	t->op[x] = op;
	t->k[x] = k;
	if (n)
		memcpy(t->args + t->nargs, a, n * sizeof *a);
	t->nargs += n;
	t->off[x + 1] = (uint32_t)t->nargs;
	t->slot[i] = x;
	*out = x;
	return FO_OK;
}

static int terms_init(ctx *c)
{
	uint32_t x;
	int err;
	c->t.off = malloc(sizeof *c->t.off);
	if (!c->t.off)
		return FO_ENOMEM;
	c->t.off[0] = 0;
	if ((err = term_get(c, FO_FT_CONST, 0, NULL, 0, &x)) < 0 ||
	    (err = term_get(c, FO_FT_CONST, 1, NULL, 0, &x)) < 0)
		return err;
	return FO_OK;
}

static void terms_free(term_store *t)
{
	free(t->op);
	free(t->k);
	free(t->off);
	free(t->args);
	free(t->slot);
}

/* Whether sorted term list l[0..n) holds x. O(log n). */
static int holds(const uint32_t *l, size_t n, uint32_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l[mid] == x)
			return 1;
		if (l[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Absorption one level deep: a | (a & x) = a, a & (a | x) = a. Drops from
 * the arguments a[0..n) of an OR (an AND) every AND (OR) argument that
 * holds another of them; returns the new count. It removes the events that
 * a node's direct dependency makes irrelevant through a redundancy group
 * (requires a, and 1 of {a, x}: x cannot matter). The arguments of every
 * gate are sorted. O(n^2 log n) for n arguments, usually a handful. */
static size_t absorb(const term_store *t, uint8_t op, uint32_t *a, size_t n)
{
	uint8_t inner = op == FO_FT_OR ? FO_FT_AND : FO_FT_OR;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		int drop = 0;
		if (t->op[a[i]] == inner) {
			const uint32_t *l = t->args + t->off[a[i]];
			size_t nl = t->off[a[i] + 1] - t->off[a[i]];
			for (size_t j = 0; j < n && !drop; j++)
				drop = j != i && holds(l, nl, a[j]);
		}
		if (!drop)
			a[m++] = a[i];
	}
	return m;
}

/* "At least k of a[0..n)", folded: constants removed (a true argument
 * lowers k), k <= 0 is true, k > n false, one argument is itself, k = 1 an
 * OR, k = n an AND (both without repeated arguments). a is reordered. */
static int mk_atleast(ctx *c, uint32_t k, uint32_t *a, size_t n, uint32_t *out)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (a[i] == T_FALSE)
			continue;
		if (a[i] == T_TRUE) {
			if (k > 0)
				k--;
			continue;
		}
		a[m++] = a[i];
	}
	n = m;
	if (k == 0) {
		*out = T_TRUE;
		return FO_OK;
	}
	if (k > n) {
		*out = T_FALSE;
		return FO_OK;
	}
	if (n > 1)
		qsort(a, n, sizeof *a, cmp_u32);
	uint8_t op = FO_FT_ATLEAST;
	if (k == 1 || k == n) {
		op = k == 1 ? FO_FT_OR : FO_FT_AND;
		/* a | a = a & a = a */
		m = 0;
		for (size_t i = 0; i < n; i++)
			if (m == 0 || a[m - 1] != a[i])
				a[m++] = a[i];
		n = m;
		k = 0;
		n = absorb(&c->t, op, a, n);
	}
	if (n == 1) {
		*out = a[0];
		return FO_OK;
	}
	return term_get(c, op, k, a, n, out);
}

/* ---------------------------------------------------------------- cone */

/* The local number of global variable v, numbering it (and queueing it) on
 * first sight. */
static int local_of(ctx *c, uint32_t v, uint32_t *out)
{
	int err;
	if ((c->gvar.n + 1) * 2 > c->lcap) {
		size_t cap = c->lcap ? c->lcap * 2 : 1024;
		uint64_t *k = calloc(cap, sizeof *k);
		uint32_t *val = malloc(cap * sizeof *val);
		if (!k || !val) {
			free(k);
			free(val);
			return FO_ENOMEM;
		}
		for (size_t i = 0; i < c->lcap; i++) {
			if (!c->lkey[i])
				continue;
			size_t j = fin(c->lkey[i]) & (cap - 1);
			while (k[j])
				j = (j + 1) & (cap - 1);
			k[j] = c->lkey[i];
			val[j] = c->lval[i];
		}
		free(c->lkey);
		free(c->lval);
		c->lkey = k;
		c->lval = val;
		c->lcap = cap;
	}
	uint64_t key = (uint64_t)v + 1;
	size_t i = fin(key) & (c->lcap - 1);
	for (; c->lkey[i]; i = (i + 1) & (c->lcap - 1))
		if (c->lkey[i] == key) {
			*out = c->lval[i];
			return FO_OK;
		}
	if ((err = vec_push(&c->gvar, v)) < 0)
		return err;
	c->lkey[i] = key;
	c->lval[i] = (uint32_t)(c->gvar.n - 1);
	*out = c->lval[i];
	return FO_OK;
}

static uint32_t copies_group(const ctx *c, uint32_t v)
{
	for (uint32_t gi = c->gv.owned_off[v]; gi < c->gv.owned_off[v + 1]; gi++)
		if (c->gv.group_type[gi] == FO_GROUP_COPIES)
			return gi;
	return FO_NONE;
}

/* Adds clause "at least k of the members" whose global variables are
 * node * mul + kind for each member node of group gi (gi FO_NONE: the one
 * member `single`). */
static int add_clause(ctx *c, uint32_t k, uint32_t gi, uint32_t single, uint32_t mul, uint32_t kind)
{
	int err;
	uint32_t x;
	if ((err = vec_push(&c->cl_k, k)) < 0)
		return err;
	if (gi == FO_NONE) {
		if ((err = local_of(c, single * mul + kind, &x)) < 0 || (err = vec_push(&c->mem, x)) < 0)
			return err;
	} else {
		for (uint32_t i = c->gv.member_off[gi]; i < c->gv.member_off[gi + 1]; i++)
			if ((err = local_of(c, c->gv.members[i] * mul + kind, &x)) < 0 ||
			    (err = vec_push(&c->mem, x)) < 0)
				return err;
	}
	return vec_push(&c->mem_off, (uint32_t)c->mem.n);
}

static uint32_t group_n(const ctx *c, uint32_t gi)
{
	return c->gv.member_off[gi + 1] - c->gv.member_off[gi];
}

/* Writes the equation of local variable x (the next one of the cone). */
static int expand(ctx *c, uint32_t x)
{
	uint32_t v = c->gvar.v[x], node, kind, cg;
	int err = FO_OK, event = 0;
	const fo_graph_view *gv = &c->gv;
	if (c->ev == FO_FTG_DOWN) {
		node = v;
		event = 1;
		for (uint32_t gi = gv->owned_off[node]; gi < gv->owned_off[node + 1] && err == FO_OK; gi++)
			if (gv->group_type[gi] != FO_GROUP_DEGRADES)
				err = add_clause(c, group_n(c, gi) - gv->group_k[gi] + 1, gi, 0, 1, 0);
		goto done;
	}
	node = v / K__COUNT;
	kind = v % K__COUNT;
	cg = copies_group(c, node);
	switch (kind) {
	case K_NL:
		if (cg != FO_NONE)
			err = add_clause(c, 1, FO_NONE, node, K__COUNT, K_LOST);
		for (uint32_t gi = gv->owned_off[node]; gi < gv->owned_off[node + 1] && err == FO_OK; gi++)
			if (gv->group_type[gi] == FO_GROUP_REQUIRES || gv->group_type[gi] == FO_GROUP_LOCATED)
				err = add_clause(c, group_n(c, gi) - gv->group_k[gi] + 1, gi, 0, K__COUNT, K_NL);
		break;
	case K_LOST:
		if (cg != FO_NONE)
			err = add_clause(c, group_n(c, cg) - gv->group_k[cg] + 1, cg, 0, K__COUNT, K_GONE);
		break;
	case K_GONE:
		err = add_clause(c, 1, FO_NONE, node, K__COUNT, K_DESTR);
		if (err == FO_OK && cg != FO_NONE)
			err = add_clause(c, 1, FO_NONE, node, K__COUNT, K_LOST);
		break;
	default: /* K_DESTR */
		event = 1;
		if (gv->container[node] != FO_NONE)
			err = add_clause(c, 1, FO_NONE, gv->container[node], K__COUNT, K_DESTR);
		break;
	}
done:
	if (err < 0)
		return err;
	if ((err = vec_push(&c->has_event, (uint32_t)event)) < 0)
		return err;
	return vec_push(&c->cl_off, (uint32_t)c->cl_k.n);
}

/* Numbers the cone breadth first from the top and writes every equation. */
static int build_cone(ctx *c, uint32_t top)
{
	int err;
	uint32_t x;
	if ((err = local_of(c, top, &x)) < 0 || (err = vec_push(&c->cl_off, 0)) < 0 ||
	    (err = vec_push(&c->mem_off, 0)) < 0)
		return err;
	for (x = 0; x < c->gvar.n; x++)
		if ((err = expand(c, x)) < 0)
			return err;
	return FO_OK;
}

/* Successors of local x: mem[mem_off[cl_off[x]] .. mem_off[cl_off[x+1]]). */
static void succ_range(const ctx *c, uint32_t x, uint32_t *lo, uint32_t *hi)
{
	*lo = c->mem_off.v[c->cl_off.v[x]];
	*hi = c->mem_off.v[c->cl_off.v[x + 1]];
}

/* ---------------------------------------------------------- components */

/* Tarjan's algorithm without recursion. Fills scc, order, scc_start, and
 * marks cyclic variables (in a component of two or more, or on a loop of
 * their own) and entries (the top, and targets of edges between
 * components). O(cone + edges). */
static int components(ctx *c)
{
	uint32_t n = (uint32_t)c->gvar.n, next = 0, nscc = 0;
	uint32_t *idx = malloc(n * sizeof *idx), *low = malloc(n * sizeof *low);
	uint32_t *cur = malloc(n * sizeof *cur);
	u32vec stack = { 0 }, call = { 0 };
	int err = FO_OK;
	if (!idx || !low || !cur) {
		err = FO_ENOMEM;
		goto done;
	}
	memset(idx, 0xff, n * sizeof *idx);
	for (uint32_t root = 0; root < n; root++) {
		if (idx[root] != FO_NONE)
			continue;
		if ((err = vec_push(&call, root)) < 0)
			goto done;
		idx[root] = low[root] = next++;
		succ_range(c, root, &cur[root], &(uint32_t){ 0 });
		if ((err = vec_push(&stack, root)) < 0)
			goto done;
		c->flag[root] |= F_ONPATH; /* "on Tarjan's stack" here */
		while (call.n) {
			uint32_t u = call.v[call.n - 1], lo, hi;
			succ_range(c, u, &lo, &hi);
			if (cur[u] < hi) {
				uint32_t w = c->mem.v[cur[u]++];
				if (w == u)
					c->flag[u] |= F_CYCLIC;
				if (idx[w] == FO_NONE) {
					idx[w] = low[w] = next++;
					succ_range(c, w, &cur[w], &hi);
					if ((err = vec_push(&call, w)) < 0 || (err = vec_push(&stack, w)) < 0)
						goto done;
					c->flag[w] |= F_ONPATH;
				} else if (c->flag[w] & F_ONPATH) {
					if (idx[w] < low[u])
						low[u] = idx[w];
				}
				continue;
			}
			call.n--;
			if (call.n) {
				uint32_t p = call.v[call.n - 1];
				if (low[u] < low[p])
					low[p] = low[u];
			}
			if (low[u] != idx[u])
				continue;
			/* u is the root of a component: pop it */
			size_t first = c->order.n;
			if ((err = vec_push(&c->scc_start, (uint32_t)first)) < 0)
				goto done;
			uint32_t w;
			do {
				w = stack.v[--stack.n];
				c->flag[w] &= (uint8_t)~F_ONPATH;
				c->scc[w] = nscc;
				if ((err = vec_push(&c->order, w)) < 0)
					goto done;
			} while (w != u);
			if (c->order.n - first > 1)
				for (size_t i = first; i < c->order.n; i++)
					c->flag[c->order.v[i]] |= F_CYCLIC;
			nscc++;
		}
	}
	if ((err = vec_push(&c->scc_start, (uint32_t)c->order.n)) < 0)
		goto done;
	c->flag[0] |= F_ENTRY; /* the top */
	for (uint32_t u = 0; u < n; u++) {
		uint32_t lo, hi;
		succ_range(c, u, &lo, &hi);
		for (uint32_t i = lo; i < hi; i++)
			if (c->scc[c->mem.v[i]] != c->scc[u])
				c->flag[c->mem.v[i]] |= F_ENTRY;
	}
done:
	free(idx);
	free(low);
	free(cur);
	vec_free(&stack);
	vec_free(&call);
	return err;
}

/* ------------------------------------------------------------ building */

static uint32_t event_term_node(const ctx *c, uint32_t x)
{
	uint32_t v = c->gvar.v[x];
	return c->ev == FO_FTG_DOWN ? v : v / K__COUNT;
}

/* The term of x from its clauses' argument terms already computed:
 * args[i] for each member, in the order of its clauses. `cres` is scratch of
 * one entry per clause plus one. */
static int combine(ctx *c, uint32_t x, uint32_t *args, u32vec *cres, uint32_t *out)
{
	int err;
	size_t base = cres->n;
	uint32_t t;
	if (c->has_event.v[x]) {
		if ((err = term_get(c, FO_FT_EVENT, event_term_node(c, x), NULL, 0, &t)) < 0 ||
		    (err = vec_push(cres, t)) < 0)
			return err;
	}
	size_t ai = 0;
	for (uint32_t cl = c->cl_off.v[x]; cl < c->cl_off.v[x + 1]; cl++) {
		size_t n = c->mem_off.v[cl + 1] - c->mem_off.v[cl];
		if ((err = mk_atleast(c, c->cl_k.v[cl], args + ai, n, &t)) < 0 ||
		    (err = vec_push(cres, t)) < 0)
			return err;
		ai += n;
	}
	err = mk_atleast(c, 1, cres->v + base, cres->n - base, out);
	cres->n = base;
	return err;
}

/* A variable outside any cycle: every member's term is known. */
static int build_acyclic(ctx *c, uint32_t x, u32vec *args, u32vec *cres)
{
	uint32_t lo, hi;
	int err;
	succ_range(c, x, &lo, &hi);
	args->n = 0;
	for (uint32_t i = lo; i < hi; i++)
		if ((err = vec_push(args, c->memo[c->mem.v[i]])) < 0)
			return err;
	return combine(c, x, args->v, cres, &c->memo[x]);
}

static int over_budget(ctx *c, uint32_t x)
{
	char buf[FO_DIAG_SHORT_BUF];
	uint32_t s = c->scc[x];
	uint32_t size = c->scc_start.v[s + 1] - c->scc_start.v[s];
	uint32_t node = event_term_node(c, x);
	if (c->diag)
		fo_diag_add(c->diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
		    "the dependency cycle through '%s' (%u %s) is too entangled to translate into a "
		    "fault tree exactly: unfolding it took more than %zu steps (docs/risk.md, "
		    "\"Translating an inventory into a fault tree\")",
		    fo_diag_shorten(fo_graph_node_id(c->g, node), buf), (unsigned)size,
		    c->ev == FO_FTG_DOWN ? "nodes" : "equations", WORK_MAX);
	return FO_ELIMIT;
}

/* The memo key of u under the current path: u, then the path variables that
 * u reaches without crossing the path (sorted), into keybuf. Only for
 * components of at most SCC_MEMO_MAX variables. */
static int make_key(ctx *c, uint32_t u, u32vec *bfs)
{
	int err;
	uint32_t s = c->scc[u];
	c->keybuf.n = 0;
	bfs->n = 0;
	if ((err = vec_push(&c->keybuf, u)) < 0 || (err = vec_push(&c->keybuf, 0)) < 0)
		return err;
	if (++c->stamp_now == 0) {
		memset(c->stamp, 0, c->gvar.n * sizeof *c->stamp);
		c->stamp_now = 1;
	}
	c->stamp[u] = c->stamp_now;
	if ((err = vec_push(bfs, u)) < 0)
		return err;
	for (size_t h = 0; h < bfs->n; h++) {
		uint32_t lo, hi;
		succ_range(c, bfs->v[h], &lo, &hi);
		c->work += hi - lo;
		for (uint32_t i = lo; i < hi; i++) {
			uint32_t w = c->mem.v[i];
			if (c->scc[w] != s || c->stamp[w] == c->stamp_now)
				continue;
			c->stamp[w] = c->stamp_now;
			if (c->flag[w] & F_ONPATH)
				err = vec_push(&c->keybuf, w);
			else
				err = vec_push(bfs, w);
			if (err < 0)
				return err;
		}
	}
	if (c->keybuf.n > 3)
		qsort(c->keybuf.v + 2, c->keybuf.n - 2, sizeof *c->keybuf.v, cmp_u32);
	c->keybuf.v[1] = (uint32_t)(c->keybuf.n - 2);
	return FO_OK;
}

static uint64_t key_hash(const uint32_t *k, size_t n)
{
	uint64_t h = 0x12345;
	for (size_t i = 0; i < n; i++)
		h = mix(h, k[i]);
	return fin(h);
}

/* The unfolding's memo: (u, relevant path set) -> term. */
typedef struct memo_tab {
	u32vec kstore; /* keys, back to back */
	u32vec koff;   /* entry e's key starts at kstore.v[koff.v[e]] */
	u32vec val;    /* entry e's term */
	uint32_t *slot;
	size_t nslot;
} memo_tab;

static const uint32_t *memo_key(const memo_tab *m, uint32_t e, size_t *n)
{
	const uint32_t *k = m->kstore.v + m->koff.v[e];
	*n = 2 + (size_t)k[1];
	return k;
}

static uint32_t memo_find(const memo_tab *m, const uint32_t *k, size_t n)
{
	if (!m->nslot)
		return FO_NONE;
	for (size_t i = key_hash(k, n) & (m->nslot - 1); m->slot[i] != FO_NONE; i = (i + 1) & (m->nslot - 1)) {
		size_t n2;
		const uint32_t *k2 = memo_key(m, m->slot[i], &n2);
		if (n2 == n && memcmp(k, k2, n * sizeof *k) == 0)
			return m->val.v[m->slot[i]];
	}
	return FO_NONE;
}

static int memo_put(memo_tab *m, const uint32_t *k, size_t n, uint32_t term)
{
	int err;
	if ((m->val.n + 1) * 2 > m->nslot) {
		size_t ns = m->nslot ? m->nslot * 2 : 256;
		uint32_t *s = malloc(ns * sizeof *s);
		if (!s)
			return FO_ENOMEM;
		memset(s, 0xff, ns * sizeof *s);
		for (uint32_t e = 0; e < m->val.n; e++) {
			size_t n2;
			const uint32_t *k2 = memo_key(m, e, &n2);
			size_t i = key_hash(k2, n2) & (ns - 1);
			while (s[i] != FO_NONE)
				i = (i + 1) & (ns - 1);
			s[i] = e;
		}
		free(m->slot);
		m->slot = s;
		m->nslot = ns;
	}
	uint32_t e = (uint32_t)m->val.n;
	if ((err = vec_push(&m->koff, (uint32_t)m->kstore.n)) < 0 || (err = vec_push(&m->val, term)) < 0)
		return err;
	for (size_t i = 0; i < n; i++)
		if ((err = vec_push(&m->kstore, k[i])) < 0)
			return err;
	size_t i = key_hash(k, n) & (m->nslot - 1);
	while (m->slot[i] != FO_NONE)
		i = (i + 1) & (m->nslot - 1);
	m->slot[i] = e;
	return FO_OK;
}

static void memo_free(memo_tab *m)
{
	vec_free(&m->kstore);
	vec_free(&m->koff);
	vec_free(&m->val);
	free(m->slot);
}

/* One frame of the unfolding: variable u, the next successor to look at,
 * where its arguments start on the argument stack, and where its memo key
 * starts in `keys` (FO_NONE: no memo). */
typedef struct frame {
	uint32_t u, next, argbase;
	uint32_t keyat;
} frame;

typedef struct unfold_state {
	frame *fr;
	size_t nfr, capfr;
	u32vec args, cres, bfs, keys;
	memo_tab memo;
} unfold_state;

/* Looks the value of member w of a frame up (outside the component: its
 * term; on the path: false; memoised: the memo) into *out, or returns
 * FO_NONE in *out when a frame must be pushed for it (its key then pushed
 * on st->keys, *keyat where). */
static int member_value(ctx *c, unfold_state *st, uint32_t s, uint32_t w, uint32_t *out,
			uint32_t *keyat)
{
	int err;
	*keyat = FO_NONE;
	if (c->scc[w] != s) {
		*out = c->memo[w];
		return FO_OK;
	}
	if (c->flag[w] & F_ONPATH) {
		*out = T_FALSE;
		return FO_OK;
	}
	uint32_t size = c->scc_start.v[s + 1] - c->scc_start.v[s];
	*out = FO_NONE;
	if (size > SCC_MEMO_MAX)
		return FO_OK;
	if ((err = make_key(c, w, &st->bfs)) < 0)
		return err;
	if (c->keybuf.v[1] == 0 && c->memo[w] != FO_NONE) {
		*out = c->memo[w];
		return FO_OK;
	}
	uint32_t hit = memo_find(&st->memo, c->keybuf.v, c->keybuf.n);
	if (hit != FO_NONE) {
		*out = hit;
		return FO_OK;
	}
	*keyat = (uint32_t)st->keys.n;
	for (size_t i = 0; i < c->keybuf.n; i++)
		if ((err = vec_push(&st->keys, c->keybuf.v[i])) < 0)
			return err;
	return FO_OK;
}

static int push_frame(ctx *c, unfold_state *st, uint32_t u, uint32_t keyat)
{
	if (st->nfr == st->capfr) {
		size_t cap = st->capfr ? st->capfr * 2 : 64;
		frame *p = realloc(st->fr, cap * sizeof *p);
		if (!p)
			return FO_ENOMEM;
		st->fr = p;
		st->capfr = cap;
	}
	uint32_t lo, hi;
	succ_range(c, u, &lo, &hi);
	st->fr[st->nfr++] = (frame){ u, lo, (uint32_t)st->args.n, keyat };
	c->flag[u] |= F_ONPATH;
	c->work++;
	return FO_OK;
}

/* memo[s] for an entry s of a cyclic component: the equations unfolded
 * depth first from s, a variable on the current path being false. */
static int unfold(ctx *c, unfold_state *st, uint32_t s0)
{
	uint32_t s = c->scc[s0];
	int err;
	st->nfr = 0;
	st->args.n = 0;
	st->keys.n = 0;
	if ((err = push_frame(c, st, s0, FO_NONE)) < 0)
		return err;
	while (st->nfr) {
		frame *f = &st->fr[st->nfr - 1];
		uint32_t lo, hi;
		if (c->work > WORK_MAX)
			return over_budget(c, s0);
		succ_range(c, f->u, &lo, &hi);
		if (f->next < hi) {
			uint32_t w = c->mem.v[f->next++], val, keyat;
			if ((err = member_value(c, st, s, w, &val, &keyat)) < 0)
				return err;
			if (val != FO_NONE) {
				if ((err = vec_push(&st->args, val)) < 0)
					return err;
			} else if ((err = push_frame(c, st, w, keyat)) < 0) {
				return err;
			}
			continue;
		}
		/* every member known: the frame's term */
		uint32_t u = f->u, keyat = f->keyat, t;
		if ((err = combine(c, u, st->args.v + f->argbase, &st->cres, &t)) < 0)
			return err;
		st->args.n = f->argbase;
		c->flag[u] &= (uint8_t)~F_ONPATH;
		st->nfr--;
		if (keyat != FO_NONE) {
			const uint32_t *k = st->keys.v + keyat;
			if (k[1] == 0)
				c->memo[u] = t;
			else if ((err = memo_put(&st->memo, k, 2 + (size_t)k[1], t)) < 0)
				return err;
			st->keys.n = keyat;
		}
		if (st->nfr == 0) {
			c->memo[s0] = t;
			break;
		}
		if ((err = vec_push(&st->args, t)) < 0)
			return err;
	}
	return FO_OK;
}

static int build_terms(ctx *c)
{
	u32vec args = { 0 }, cres = { 0 };
	unfold_state st = { 0 };
	int err = FO_OK;
	for (size_t ci = 0; ci + 1 < c->scc_start.n; ci++) {
		uint32_t a = c->scc_start.v[ci], b = c->scc_start.v[ci + 1];
		if (!(c->flag[c->order.v[a]] & F_CYCLIC)) {
			if ((err = build_acyclic(c, c->order.v[a], &args, &cres)) < 0)
				goto done;
			continue;
		}
		/* The term of (u, relevant path) is a function of those two
		 * alone, so the order of the entries changes nothing but the
		 * work shared through the memo. */
		for (uint32_t i = a; i < b; i++) {
			uint32_t x = c->order.v[i];
			if ((c->flag[x] & F_ENTRY) && c->memo[x] == FO_NONE &&
			    (err = unfold(c, &st, x)) < 0)
				goto done;
		}
	}
done:
	vec_free(&args);
	vec_free(&cres);
	vec_free(&st.args);
	vec_free(&st.cres);
	vec_free(&st.bfs);
	vec_free(&st.keys);
	memo_free(&st.memo);
	free(st.fr);
	return err;
}

/* ------------------------------------------------------------ emitting */

static const char *const suffix_lost[K__COUNT] = { " needs lost data", " lost", " lost or destroyed",
						   " destroyed" };

/* Copies the terms reachable from `top` into ft: events in document order,
 * then gates in the order they were made (arguments first). Gates that are
 * a variable's value with an empty path are named after it ("ID down", ...):
 * the top's variable first, then the cone in order. */
static int emit(ctx *c, uint32_t top, fo_ft *ft)
{
	term_store *t = &c->t;
	uint32_t *map = malloc(t->n * sizeof *map), *namer = malloc(t->n * sizeof *namer);
	uint8_t *live = calloc(t->n, 1);
	u32vec stack = { 0 }, evs = { 0 };
	char *name = NULL;
	int err = FO_OK;
	if (!map || !namer || !live) {
		err = FO_ENOMEM;
		goto done;
	}
	memset(map, 0xff, t->n * sizeof *map);
	memset(namer, 0xff, t->n * sizeof *namer);
	live[top] = 1;
	if ((err = vec_push(&stack, top)) < 0)
		goto done;
	while (stack.n) {
		uint32_t x = stack.v[--stack.n];
		if (t->op[x] == FO_FT_EVENT && (err = vec_push(&evs, x)) < 0)
			goto done;
		for (uint32_t i = t->off[x]; i < t->off[x + 1]; i++)
			if (!live[t->args[i]]) {
				live[t->args[i]] = 1;
				if ((err = vec_push(&stack, t->args[i])) < 0)
					goto done;
			}
	}
	/* events by graph node: document order (event terms are made
	 * once per node, so the nodes are distinct) */
	for (size_t i = 0; i < evs.n; i++)
		evs.v[i] = t->k[evs.v[i]];
	if (evs.n > 1)
		qsort(evs.v, evs.n, sizeof *evs.v, cmp_u32);
	for (size_t i = 0; i < evs.n; i++) {
		uint32_t node = evs.v[i], et;
		if ((err = term_get(c, FO_FT_EVENT, node, NULL, 0, &et)) < 0 ||
		    (err = fo_ft_add_event(ft, fo_graph_node_id(c->g, node), fo_ftgraph_node_p(c->g, node),
					   node, &map[et])) < 0)
			goto done;
	}
	for (uint32_t x = 0; x < c->gvar.n; x++) {
		uint32_t m = c->memo[x];
		/* gone(h) is destroyed(h) or lost(h): named after those */
		if (c->ev == FO_FTG_LOST && c->gvar.v[x] % K__COUNT == K_GONE && x != 0)
			continue;
		if (m != FO_NONE && namer[m] == FO_NONE)
			namer[m] = x;
	}
	for (uint32_t x = 0; x < t->n; x++) {
		if (!live[x] || t->op[x] == FO_FT_EVENT)
			continue;
		const char *nm = NULL;
		if (namer[x] != FO_NONE) {
			uint32_t v = c->gvar.v[namer[x]];
			const char *id = fo_graph_node_id(c->g, event_term_node(c, namer[x]));
			const char *suf = c->ev == FO_FTG_DOWN ? " down" : suffix_lost[v % K__COUNT];
			size_t len = strlen(id) + strlen(suf) + 1;
			char *p = realloc(name, len);
			if (!p) {
				err = FO_ENOMEM;
				goto done;
			}
			name = p;
			snprintf(name, len, "%s%s", id, suf);
			nm = name;
		}
		uint32_t nargs = t->off[x + 1] - t->off[x];
		for (uint32_t i = 0; i < nargs; i++)
			t->args[t->off[x] + i] = map[t->args[t->off[x] + i]];
		if ((err = fo_ft_add_gate(ft, nm, (fo_ft_op)t->op[x], t->k[x], t->args + t->off[x], nargs,
					  &map[x])) < 0)
			goto done;
	}
	err = fo_ft_set_top(ft, map[top]);
done:
	free(map);
	free(namer);
	free(live);
	free(name);
	vec_free(&stack);
	vec_free(&evs);
	return err;
}

/* ---------------------------------------------------------------- API */

int fo_ftgraph_build(const fo_graph *g, uint32_t app, const fo_ftg_opts *opts, fo_ft **out,
		     fo_diag *diag)
{
	ctx c;
	fo_ft *ft = NULL;
	uint32_t top;
	int err;
	if (!out)
		return FO_EINVAL;
	*out = NULL;
	if (!g || app >= fo_graph_node_count(g) ||
	    (opts && opts->event != FO_FTG_DOWN && opts->event != FO_FTG_LOST))
		return FO_EINVAL;
	memset(&c, 0, sizeof c);
	c.g = g;
	c.diag = diag;
	c.ev = opts ? opts->event : FO_FTG_DOWN;
	fo_graph_view_get(g, &c.gv);
	/* a LOST variable is node * 4 + kind, in 32 bits */
	if (c.ev == FO_FTG_LOST && c.gv.nodes > UINT32_MAX / K__COUNT) {
		if (diag)
			fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
				    "too many nodes to translate needing lost data (%u)", (unsigned)c.gv.nodes);
		return FO_ELIMIT;
	}
	top = c.ev == FO_FTG_DOWN ? app : app * K__COUNT + K_NL;
	if ((err = build_cone(&c, top)) < 0)
		goto done;
	size_t n = c.gvar.n;
	c.scc = malloc(n * sizeof *c.scc);
	c.memo = malloc(n * sizeof *c.memo);
	c.stamp = calloc(n, sizeof *c.stamp);
	c.flag = calloc(n, 1);
	if (!c.scc || !c.memo || !c.stamp || !c.flag) {
		err = FO_ENOMEM;
		goto done;
	}
	memset(c.memo, 0xff, n * sizeof *c.memo);
	if ((err = terms_init(&c)) < 0 || (err = components(&c)) < 0 || (err = build_terms(&c)) < 0)
		goto done;
	if ((err = fo_ft_new(&ft)) < 0 || (err = fo_ft_set_name(ft, fo_graph_node_id(g, app))) < 0)
		goto done;
	if ((err = emit(&c, c.memo[0], ft)) < 0)
		goto done;
	*out = ft;
	ft = NULL;
done:
	fo_ft_free(ft);
	free(c.lkey);
	free(c.lval);
	free(c.scc);
	free(c.memo);
	free(c.stamp);
	free(c.flag);
	vec_free(&c.gvar);
	vec_free(&c.has_event);
	vec_free(&c.cl_off);
	vec_free(&c.cl_k);
	vec_free(&c.mem_off);
	vec_free(&c.mem);
	vec_free(&c.order);
	vec_free(&c.scc_start);
	vec_free(&c.keybuf);
	terms_free(&c.t);
	return err;
}

double fo_ftgraph_node_p(const fo_graph *g, uint32_t n)
{
	const fo_prop *pr;
	const char *p = NULL, *mtbf = NULL, *mttr = NULL;
	size_t np = fo_graph_node_props(g, n, &pr);
	for (size_t i = 0; i < np; i++) {
		const char **slot = strcmp(pr[i].key, "p") == 0      ? &p
				    : strcmp(pr[i].key, "mtbf") == 0 ? &mtbf
				    : strcmp(pr[i].key, "mttr") == 0 ? &mttr
								     : NULL;
		if (slot && !*slot)
			*slot = pr[i].value;
	}
	return fo_inventory_failure_p(p, mtbf, mttr);
}
