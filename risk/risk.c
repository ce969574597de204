/*
 * risk.c — the analyses of fo_risk.h on the decision diagrams of fo_dd.h.
 *
 * Pipeline (docs/risk.md, "Algorithms"): the top's cone is collected and its
 * events given BDD levels by a depth-first walk from the top (the static
 * variable order); the BDD of each gate is built bottom-up, once per shared
 * gate, with garbage collection between gates. Probability is a Shannon
 * expansion over the BDD, importance one more top-down pass over it. The
 * minimal cut sets are the minimal solutions of the BDD (Rauzy), or, for a
 * coherent tree with an order bound, a ZBDD built directly over the gates
 * with the bound applied at every step. The cut-set ZBDD is then copied out
 * of the manager into flat arrays in post-order (struct fo_cutsets), which
 * make counting (exact, arbitrary precision, per order), listing and the
 * approximations simple bottom-up loops, and let the cut sets live on their
 * own.
 */
#include "fo_risk.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"
#include "fo_dd.h"

#define NONE UINT32_MAX
/* run_deep: the large stack of the heavy steps, and its depth bound. */
#define DEEP_STACK ((size_t)1 << 30)
#define DEEP_DEPTH 4000000u

extern double fo_risk__enum_max;
extern size_t fo_risk__budget0;

/* The first node budget of the race of variable orders (ensure_bdd). A
 * variable only so that the unit tests can make every order race. */
size_t fo_risk__budget0 = (size_t)1 << 16;

struct fo_risk {
	const fo_ft *ft;
	fo_risk_opts opts;
	fo_diag *diag;
	/* Cone of the top, variable order. */
	int prepared;
	uint32_t nlevels;         /* variables: cone events and module gates */
	uint32_t nevents;         /* events in the cone */
	uint32_t *level_of_event; /* event -> level, NONE outside the cone */
	uint32_t *event_of_level; /* NONE for a module's variable */
	uint32_t *post;           /* cone nodes, children before parents */
	uint32_t npost;
	int coherent;
	/* Modules (independent subtrees, docs/risk.md): in post-order, the top
	 * last. A module's BDD is built over its own events and the
	 * variables of the modules just below it. */
	uint32_t nmods;
	uint32_t *mod_of_node;  /* gate -> module index, NONE if not one */
	uint32_t *encl;         /* node -> the module whose BDD holds it */
	uint32_t *mod_gate;     /* module -> its gate */
	uint32_t *mod_level;    /* module -> its variable (NONE: the top) */
	uint32_t *mod_parent;   /* module -> the module whose BDD uses it */
	fo_dd_edge *mod_bdd;    /* referenced; FO_DD_ERR until built */
	double *p_of_level;
	uint64_t *tsize;        /* node -> size of its tree (ordering key) */
	int variant;            /* the variable order in use (assign_levels) */
	int deep;               /* running on the large stack (run_deep) */
	size_t peak_before;     /* peak bytes of the managers raced before */
	fo_dd *dd;
	fo_dd_edge bdd; /* the top's BDD (mod_bdd[top]); FO_DD_ERR until built */
	size_t bdd_nodes;
	struct fo_cutsets *cs; /* one reference held */
	size_t zbdd_nodes;
};

/* The cut-set family in flat post-order: index 0 and 1 are the terminals
 * (empty family, {{}}), every other node's children have lower indices and
 * the root is the last index (or a terminal). */
struct fo_cutsets {
	int refs;
	uint32_t n;      /* nodes, terminals included */
	uint32_t root;
	uint32_t *lvl, *lo, *hi;
	uint32_t *event_of_level; /* copy */
	double *p_of_level;       /* < 0: unknown */
	double *p_of_event;       /* by event number; < 0: unknown */
	int all_p;
	uint32_t *minord, *maxord;
	uint64_t *mask; /* bit j (< 63): a set of order j below; bit 63: order >= 63 */
	double *maxp;   /* largest product of p below (-1: none) */
	int certain;
	uint32_t max_order;
	char *count;      /* decimal */
	char **order_cnt; /* 0 .. max_order, decimal */
	double count_f;
};

/* ---- Diagnostics ---- */

static const char *gate_label(const fo_ft *ft, uint32_t node, char buf[FO_DIAG_SHORT_BUF])
{
	const char *name = fo_ft_node_name(ft, node);
	return name ? fo_diag_shorten(name, buf) : "(anonymous)";
}

static int dd_fail(fo_risk *r, const char *what, uint32_t node)
{
	int err = r->dd ? fo_dd_error(r->dd) : FO_ENOMEM;
	if (err == FO_OK)
		err = FO_ENOMEM;
	if (err == FO_ELIMIT && r->diag) {
		char buf[FO_DIAG_SHORT_BUF];
		if (node != NONE)
			fo_diag_add(r->diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
				    "decision diagrams exceed the memory limit of %zu bytes (or %u "
				    "levels of recursion) while building %s of '%s'",
				    r->opts.mem_limit, FO_DD_MAX_DEPTH, what,
				    gate_label(r->ft, node, buf));
		else
			fo_diag_add(r->diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
				    "decision diagrams exceed the memory limit of %zu bytes (or %u "
				    "levels of recursion) while building %s",
				    r->opts.mem_limit, FO_DD_MAX_DEPTH, what);
	}
	return err;
}

/* ---- Life cycle ---- */

int fo_risk_new(fo_risk **out, const fo_ft *ft, const fo_risk_opts *opts, fo_diag *diag)
{
	*out = NULL;
	if (!ft || fo_ft_top(ft) == FO_NONE) {
		if (diag)
			fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL, "the fault tree has no top event");
		return FO_EINVAL;
	}
	fo_risk *r = calloc(1, sizeof *r);
	if (!r)
		return FO_ENOMEM;
	r->ft = ft;
	if (opts)
		r->opts = *opts;
	if (r->opts.mem_limit == 0)
		r->opts.mem_limit = FO_RISK_MEM_DEFAULT;
	r->diag = diag;
	r->bdd = FO_DD_ERR;
	*out = r;
	return FO_OK;
}

void fo_cutsets_free(fo_cutsets *cs)
{
	if (!cs || --cs->refs > 0)
		return;
	free(cs->lvl);
	free(cs->lo);
	free(cs->hi);
	free(cs->event_of_level);
	free(cs->p_of_level);
	free(cs->p_of_event);
	free(cs->minord);
	free(cs->maxord);
	free(cs->mask);
	free(cs->maxp);
	free(cs->count);
	if (cs->order_cnt)
		for (uint32_t j = 0; j <= cs->max_order; j++)
			free(cs->order_cnt[j]);
	free(cs->order_cnt);
	free(cs);
}

void fo_risk_free(fo_risk *r)
{
	if (!r)
		return;
	fo_dd_free(r->dd);
	fo_cutsets_free(r->cs);
	free(r->level_of_event);
	free(r->event_of_level);
	free(r->post);
	free(r->mod_of_node);
	free(r->encl);
	free(r->mod_gate);
	free(r->mod_level);
	free(r->mod_parent);
	free(r->mod_bdd);
	free(r->p_of_level);
	free(r->tsize);
	free(r);
}

/* ---- Cone and variable order ---- */

/* Depth-first from the top (explicit stack: trees may be deep): the cone's
 * nodes in post-order and pre-order, with the visit dates that find the
 * modules (Dutuit and Rauzy 1996: a gate is a module when every node below
 * it is first reached after it and last reached before it is left). The
 * variables are numbered in pre-order (events, and the modules' own
 * variables), which is the static variable order; a gate's gate arguments
 * are visited before its event arguments. */
static int assign_levels(fo_risk *r, int variant);

static int prepare(fo_risk *r)
{
	if (r->prepared)
		return FO_OK;
	const fo_ft *ft = r->ft;
	uint32_t nn = fo_ft_node_count(ft), ne = fo_ft_event_count(ft);
	size_t nn1 = nn ? nn : 1, nl1 = (size_t)ne + nn + 1;
	int err = FO_ENOMEM;
	uint8_t *state = calloc(nn1, 1);
	uint32_t *stack = malloc(nn1 * sizeof *stack);
	uint32_t *pos = malloc(nn1 * sizeof *pos);
	uint32_t *pre = malloc(nn1 * sizeof *pre);
	uint64_t *enter = malloc(nn1 * sizeof *enter);
	uint64_t *last = malloc(nn1 * sizeof *last);
	uint64_t *leave = malloc(nn1 * sizeof *leave);
	uint64_t *dmin = malloc(nn1 * sizeof *dmin);
	uint64_t *dmax = malloc(nn1 * sizeof *dmax);
	r->level_of_event = malloc((ne ? ne : 1) * sizeof *r->level_of_event);
	r->event_of_level = malloc(nl1 * sizeof *r->event_of_level);
	r->post = malloc(nn1 * sizeof *r->post);
	r->mod_of_node = malloc(nn1 * sizeof *r->mod_of_node);
	r->encl = calloc(nn1, sizeof *r->encl);
	if (!r->encl || !state || !stack || !pos || !pre || !enter || !last || !leave || !dmin || !dmax ||
	    !r->level_of_event || !r->event_of_level || !r->post || !r->mod_of_node)
		goto done;
	memset(r->level_of_event, 0xFF, (ne ? ne : 1) * sizeof *r->level_of_event);
	memset(r->mod_of_node, 0xFF, nn1 * sizeof *r->mod_of_node);
	r->coherent = 1;
	uint32_t sp = 0, npre = 0, top = fo_ft_top(ft);
	uint64_t t = 0;
	stack[sp] = top;
	pos[sp++] = 0;
	state[top] = 1;
	pre[npre++] = top;
	enter[top] = last[top] = t++;
	while (sp) {
		uint32_t node = stack[sp - 1];
		const uint32_t *args;
		size_t na = fo_ft_node_args(ft, node, &args);
		fo_ft_op op = fo_ft_node_op(ft, node);
		if (op == FO_FT_NOT || op == FO_FT_XOR)
			r->coherent = 0;
		/* Two rounds over the arguments: gates (pos < na), then events. */
		int pushed = 0;
		while (pos[sp - 1] < 2 * na) {
			size_t i = pos[sp - 1]++;
			int round = i >= na;
			uint32_t a = args[round ? i - na : i];
			int is_event = fo_ft_node_op(ft, a) == FO_FT_EVENT;
			if (is_event != round)
				continue;
			if (state[a]) {
				last[a] = t++;
				continue;
			}
			state[a] = 1;
			enter[a] = last[a] = t++;
			pre[npre++] = a;
			stack[sp] = a;
			pos[sp++] = 0;
			pushed = 1;
			break;
		}
		if (pushed)
			continue;
		leave[node] = t++;
		r->post[r->npost++] = node;
		sp--;
	}
	/* Modules: dmin/dmax, the earliest first visit and the latest visit
	 * of any node strictly below. Only in coherent trees (the cut sets of
	 * a module are then substituted for its variable; docs/risk.md). */
	uint32_t nmods = 0;
	for (uint32_t i = 0; i < r->npost; i++) {
		uint32_t node = r->post[i];
		const uint32_t *args;
		size_t na = fo_ft_node_args(ft, node, &args);
		uint64_t lo = UINT64_MAX, hi = 0;
		for (size_t j = 0; j < na; j++) {
			uint32_t a = args[j];
			if (enter[a] < lo)
				lo = enter[a];
			if (last[a] > hi)
				hi = last[a];
			if (fo_ft_node_op(ft, a) != FO_FT_EVENT && fo_ft_node_op(ft, a) != FO_FT_CONST) {
				if (dmin[a] < lo)
					lo = dmin[a];
				if (dmax[a] > hi)
					hi = dmax[a];
			}
		}
		dmin[node] = lo;
		dmax[node] = hi;
		fo_ft_op op = fo_ft_node_op(ft, node);
		if (node == top || (r->coherent && op != FO_FT_EVENT && op != FO_FT_CONST && na > 1 &&
				    lo > enter[node] && hi < leave[node]))
			r->mod_of_node[node] = nmods++;
	}
	r->nmods = nmods;
	r->mod_gate = malloc(nmods * sizeof *r->mod_gate);
	r->mod_level = malloc(nmods * sizeof *r->mod_level);
	r->mod_parent = malloc(nmods * sizeof *r->mod_parent);
	r->mod_bdd = malloc(nmods * sizeof *r->mod_bdd);
	if (!r->mod_gate || !r->mod_level || !r->mod_parent || !r->mod_bdd)
		goto done;
	for (uint32_t i = 0; i < r->npost; i++) {
		uint32_t mi = r->mod_of_node[r->post[i]];
		if (mi != NONE) {
			r->mod_gate[mi] = r->post[i];
			r->mod_level[mi] = NONE;
			r->mod_parent[mi] = NONE;
			r->mod_bdd[mi] = FO_DD_ERR;
		}
	}
	/* The number of variables (levels are assigned by assign_levels). */
	for (uint32_t i = 0; i < npre; i++) {
		uint32_t node = pre[i];
		if (fo_ft_node_op(ft, node) == FO_FT_EVENT) {
			r->nlevels++;
			r->nevents++;
		} else if (r->mod_of_node[node] != NONE && node != top) {
			r->nlevels++;
		}
	}
	r->tsize = malloc(nn1 * sizeof *r->tsize);
	if (!r->tsize)
		goto done;
	/* Tree sizes (shared subtrees counted at each use, capped): the key
	 * of the ordering variants. */
	for (uint32_t i = 0; i < r->npost; i++) {
		uint32_t node = r->post[i];
		const uint32_t *args;
		size_t na = fo_ft_node_args(ft, node, &args);
		uint64_t sz = 1;
		for (size_t j = 0; j < na; j++)
			sz += r->tsize[args[j]];
		r->tsize[node] = sz > ((uint64_t)1 << 40) ? (uint64_t)1 << 40 : sz;
	}
	/* The enclosing module of each node, parents first (reverse
	 * post-order); by the module property it does not depend on the
	 * path. dmin is reused as that module's index. */
	for (uint32_t i = r->npost; i-- > 0;) {
		uint32_t node = r->post[i];
		uint32_t own = r->mod_of_node[node] != NONE ? r->mod_of_node[node] : (uint32_t)dmin[node];
		if (node == top)
			own = r->mod_of_node[top];
		const uint32_t *args;
		size_t na = fo_ft_node_args(ft, node, &args);
		for (size_t j = 0; j < na; j++) {
			dmin[args[j]] = own;
			r->encl[args[j]] = own;
			uint32_t mj = r->mod_of_node[args[j]];
			if (mj != NONE)
				r->mod_parent[mj] = own;
		}
	}
	r->p_of_level = malloc((r->nlevels ? r->nlevels : 1) * sizeof *r->p_of_level);
	if (!r->p_of_level || (err = assign_levels(r, 0)))
		goto done;
	r->prepared = 1;
	err = FO_OK;
done:
	free(state);
	free(stack);
	free(pos);
	free(pre);
	free(enter);
	free(last);
	free(leave);
	free(dmin);
	free(dmax);
	return err;
}

/* Numbers the variables (events, and the variables of the modules) in the
 * pre-order of a depth-first walk from the top, the static variable order.
 * The walk takes a gate's gate arguments before its events, the gates in
 * one of three orders: as written (variant 0), largest tree first (1),
 * smallest first (2). No order is best for every tree (docs/risk.md,
 * "Limits"): ensure_bdd races them. */
struct argkey {
	uint64_t key;
	uint32_t node;
};

static int cmp_argkey(const void *a, const void *b)
{
	const struct argkey *x = a, *y = b;
	return x->key > y->key ? -1 : x->key < y->key;
}

static int assign_levels(fo_risk *r, int variant)
{
	const fo_ft *ft = r->ft;
	uint32_t nn = fo_ft_node_count(ft), ne = fo_ft_event_count(ft);
	size_t nn1 = nn ? nn : 1, total = 0;
	for (uint32_t i = 0; i < r->npost; i++) {
		const uint32_t *args;
		total += fo_ft_node_args(ft, r->post[i], &args);
	}
	uint8_t *state = calloc(nn1, 1);
	uint32_t *stack = malloc(nn1 * sizeof *stack);
	size_t *pos = malloc(nn1 * sizeof *pos);
	size_t *end = malloc(nn1 * sizeof *end);
	struct argkey *ord = malloc((total ? total : 1) * sizeof *ord);
	int err = FO_ENOMEM;
	if (!state || !stack || !pos || !end || !ord)
		goto done;
	memset(r->level_of_event, 0xFF, (ne ? ne : 1) * sizeof *r->level_of_event);
	uint32_t sp = 0, nl = 0, top = fo_ft_top(ft);
	size_t used = 0;
	stack[sp++] = top;
	state[top] = 1;
	int fresh = 1;
	while (sp) {
		uint32_t node = stack[sp - 1];
		if (fresh) {
			/* First visit: number it, and lay out its arguments in the
			 * variant's order (gates by key, then events as written). */
			if (fo_ft_node_op(ft, node) == FO_FT_EVENT) {
				uint32_t ev = fo_ft_node_event(ft, node);
				r->level_of_event[ev] = nl;
				r->event_of_level[nl++] = ev;
			} else if (r->mod_of_node[node] != NONE && node != top) {
				r->mod_level[r->mod_of_node[node]] = nl;
				r->event_of_level[nl++] = NONE;
			}
			const uint32_t *args;
			size_t na = fo_ft_node_args(ft, node, &args);
			pos[sp - 1] = used;
			for (size_t j = 0; j < na; j++) {
				uint32_t a = args[j];
				uint64_t key;
				if (fo_ft_node_op(ft, a) == FO_FT_EVENT)
					key = (uint64_t)(na - j); /* below every gate key */
				else if (variant == 1)
					key = ((uint64_t)1 << 62) + r->tsize[a];
				else if (variant == 2)
					key = ((uint64_t)1 << 62) + ((uint64_t)1 << 41) - r->tsize[a];
				else
					key = ((uint64_t)1 << 62) + (uint64_t)(na - j);
				ord[used++] = (struct argkey){key, a};
			}
			qsort(ord + pos[sp - 1], na, sizeof *ord, cmp_argkey);
			end[sp - 1] = used;
		}
		fresh = 0;
		while (pos[sp - 1] < end[sp - 1] && state[ord[pos[sp - 1]].node])
			pos[sp - 1]++;
		if (pos[sp - 1] < end[sp - 1]) {
			uint32_t a = ord[pos[sp - 1]++].node;
			state[a] = 1;
			stack[sp++] = a;
			fresh = 1;
			continue;
		}
		sp--;
	}
	for (uint32_t lv = 0; lv < r->nlevels; lv++)
		r->p_of_level[lv] = r->event_of_level[lv] != NONE
					    ? fo_ft_event_p(ft, r->event_of_level[lv])
					    : NAN;
	r->variant = variant;
	err = FO_OK;
done:
	free(state);
	free(stack);
	free(pos);
	free(end);
	free(ord);
	return err;
}

/* A fresh manager over the order `variant` (diagrams built before are
 * gone). budget: live nodes allowed (0: none). */
static int new_manager(fo_risk *r, int variant, size_t budget)
{
	if (r->dd && fo_dd_peak_bytes(r->dd) > r->peak_before)
		r->peak_before = fo_dd_peak_bytes(r->dd);
	fo_dd_free(r->dd);
	r->dd = NULL;
	r->bdd = FO_DD_ERR;
	for (uint32_t i = 0; i < r->nmods; i++)
		r->mod_bdd[i] = FO_DD_ERR;
	int err = assign_levels(r, variant);
	if (err)
		return err;
	if (fo_dd_new(&r->dd, r->nlevels ? r->nlevels : 1, r->opts.mem_limit) != FO_OK) {
		if (r->diag)
			fo_diag_add(r->diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
				    "the memory limit of %zu bytes is too small for the decision diagrams",
				    r->opts.mem_limit);
		return FO_ELIMIT;
	}
	fo_dd_set_budget(r->dd, budget);
	fo_dd_set_max_depth(r->dd, r->deep ? DEEP_DEPTH : FO_DD_MAX_DEPTH);
	return FO_OK;
}

/* ---- Building diagrams over the gates ---- */

static int cmp_u64_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x > y ? -1 : x < y;
}

/* The BDD (zdd = 0) or the truncated cut-set ZBDD (zdd = 1, coherent
 * trees only) of one node from its arguments' diagrams. */
static fo_dd_edge build_node(fo_risk *r, uint32_t node, const fo_dd_edge *val, int zdd,
			     uint32_t k)
{
	fo_dd *m = r->dd;
	const fo_ft *ft = r->ft;
	const uint32_t *args;
	size_t na = fo_ft_node_args(ft, node, &args);
	fo_dd_edge acc;
	switch (fo_ft_node_op(ft, node)) {
	case FO_FT_EVENT: {
		uint32_t lv = r->level_of_event[fo_ft_node_event(ft, node)];
		if (zdd)
			return k == 0 ? FO_DD_FALSE : fo_dd_zdd_single(m, lv);
		return fo_dd_bdd_var(m, lv);
	}
	case FO_FT_CONST:
		return fo_ft_node_k(ft, node) ? FO_DD_TRUE : FO_DD_FALSE;
	case FO_FT_NOT:
		return fo_dd_bdd_not(m, val[args[0]]);
	case FO_FT_AND:
	case FO_FT_OR:
	case FO_FT_XOR: {
		/* Deepest arguments first: each next one then usually sits above
		 * the accumulated diagram, and joining costs little (folding in
		 * written order is quadratic on a wide gate over a chain). */
		uint64_t *ord = malloc((na ? na : 1) * sizeof *ord);
		if (!ord)
			return FO_DD_ERR;
		for (size_t i = 0; i < na; i++) {
			fo_dd_edge e = val[args[i]];
			uint64_t lv = e == FO_DD_ERR ? 0 : fo_dd_level(m, e);
			ord[i] = lv << 32 | e;
		}
		qsort(ord, na, sizeof *ord, cmp_u64_desc);
		fo_ft_op op = fo_ft_node_op(ft, node);
		acc = op == FO_FT_AND ? FO_DD_TRUE : FO_DD_FALSE;
		for (size_t i = 0; i < na && acc != FO_DD_ERR; i++) {
			fo_dd_edge a = (fo_dd_edge)ord[i];
			if (op == FO_FT_AND)
				acc = zdd ? fo_dd_zdd_minimize(m, fo_dd_zdd_product(m, acc, a, k))
					  : fo_dd_bdd_and(m, acc, a);
			else if (op == FO_FT_OR)
				acc = zdd ? fo_dd_zdd_union(m, acc, a) : fo_dd_bdd_or(m, acc, a);
			else
				acc = fo_dd_bdd_xor(m, acc, a);
			if (!zdd && op != FO_FT_XOR && acc == (op == FO_FT_AND ? FO_DD_FALSE : FO_DD_TRUE))
				break;
		}
		free(ord);
		return zdd && op == FO_FT_OR ? fo_dd_zdd_minimize(m, acc) : acc;
	}
	case FO_FT_ATLEAST: {
		/* t[j]: at least j of the arguments seen so far (j <= kk). */
		uint32_t kk = fo_ft_node_k(ft, node);
		fo_dd_edge *t = malloc(((size_t)kk + 1) * sizeof *t);
		if (!t)
			return FO_DD_ERR;
		t[0] = FO_DD_TRUE;
		for (uint32_t j = 1; j <= kk; j++)
			t[j] = FO_DD_FALSE;
		for (size_t i = 0; i < na; i++) {
			fo_dd_edge a = val[args[i]];
			for (uint32_t j = kk; j >= 1; j--) {
				if (zdd)
					t[j] = fo_dd_zdd_union(m, t[j],
							       fo_dd_zdd_product(m, a, t[j - 1], k));
				else
					t[j] = fo_dd_bdd_or(m, t[j], fo_dd_bdd_and(m, a, t[j - 1]));
			}
		}
		acc = t[kk];
		free(t);
		return zdd ? fo_dd_zdd_minimize(m, acc) : acc;
	}
	}
	return FO_DD_ERR;
}

/* Builds the diagram of every cone node bottom-up and returns the top's
 * (referenced) in *out. Each node's diagram is referenced until its last
 * parent is built; the collector runs between gates when the table grew. */
static int build_all(fo_risk *r, int zdd, uint32_t k, fo_dd_edge *out, const char *what,
		     uint32_t *progress)
{
	*progress = 0;
	const fo_ft *ft = r->ft;
	uint32_t nn = fo_ft_node_count(ft);
	fo_dd *m = r->dd;
	int err = FO_ENOMEM;
	fo_dd_edge *val = malloc((nn ? nn : 1) * sizeof *val);
	uint32_t *parents = calloc(nn ? nn : 1, sizeof *parents);
	uint32_t *seen = malloc((nn ? nn : 1) * sizeof *seen);
	uint32_t *lastpar = malloc((nn ? nn : 1) * sizeof *lastpar);
	if (!val || !parents || !seen || !lastpar) {
		if (r->diag)
			fo_diag_add(r->diag, FO_SEV_ERROR, NULL, 0, 0, NULL, "out of memory");
		goto done;
	}
	memset(seen, 0xFF, (nn ? nn : 1) * sizeof *seen);
	/* Count distinct parents of each node within the cone. */
	for (uint32_t i = 0; i < r->npost; i++) {
		uint32_t node = r->post[i];
		const uint32_t *args;
		size_t na = fo_ft_node_args(ft, node, &args);
		for (size_t j = 0; j < na; j++)
			if (seen[args[j]] != node) {
				seen[args[j]] = node;
				parents[args[j]]++;
			}
	}
	memset(seen, 0xFF, (nn ? nn : 1) * sizeof *seen);
	memset(lastpar, 0xFF, (nn ? nn : 1) * sizeof *lastpar);
	size_t live_after_gc = fo_dd_live_nodes(m);
	for (uint32_t i = 0; i < r->npost; i++) {
		uint32_t node = r->post[i];
		fo_dd_edge e = build_node(r, node, val, zdd, k);
		/* An ATLEAST may finish although an update it did not need
		 * failed: the manager's error decides. */
		if (fo_dd_error(m) != FO_OK)
			e = FO_DD_ERR;
		if (e == FO_DD_ERR && fo_dd_error(m) == FO_ELIMIT) {
			/* Retry once with only the live diagrams kept. */
			fo_dd_gc(m);
			fo_dd_clear_error(m);
			e = build_node(r, node, val, zdd, k);
			if (fo_dd_error(m) != FO_OK)
				e = FO_DD_ERR;
		}
		if (e == FO_DD_ERR) {
			*progress = i;
			err = fo_dd_over_budget(m) ? FO_ELIMIT : dd_fail(r, what, node);
			for (uint32_t j = 0; j < i; j++)
				if (seen[r->post[j]] == 1)
					fo_dd_deref(m, val[r->post[j]]);
			goto done;
		}
		uint32_t mi = r->mod_of_node[node];
		if (!zdd && mi != NONE) {
			/* A module: its BDD is kept; its parents see its variable
			 * (or the constant it turned out to be). */
			fo_dd_ref(m, e);
			r->mod_bdd[mi] = e;
			if (node != fo_ft_top(ft) && e >= 2) {
				e = fo_dd_bdd_var(m, r->mod_level[mi]);
				if (e == FO_DD_ERR) {
					err = dd_fail(r, what, node);
					goto done;
				}
			}
		}
		val[node] = e;
		fo_dd_ref(m, e);
		seen[node] = 1; /* referenced */
		const uint32_t *args;
		size_t na = fo_ft_node_args(ft, node, &args);
		for (size_t j = 0; j < na; j++) {
			uint32_t a = args[j];
			/* Once per distinct argument (AND(a, a) has one parent). */
			if (lastpar[a] == node)
				continue;
			lastpar[a] = node;
			if (seen[a] == 1 && --parents[a] == 0) {
				fo_dd_deref(m, val[a]);
				seen[a] = 2; /* released */
			}
		}
		fo_dd_gc_maybe(m, &live_after_gc);
	}
	*out = val[fo_ft_top(ft)];
	/* The top holds the one reference left (it has no parents). */
	err = FO_OK;
done:
	free(val);
	free(parents);
	free(seen);
	free(lastpar);
	return err;
}

/* The recursions of the diagram operations go as deep as the number of
 * variables. The heavy steps (building, minimal solutions) therefore run on
 * a thread of their own with a DEEP_STACK stack (address space, committed
 * only as used) and a matching depth bound; if the thread cannot be made,
 * on the caller's stack with the default bound. */

struct deep_call {
	fo_risk *r;
	int (*fn)(fo_risk *);
	int ret;
};

static int call_with_depth(struct deep_call *c, int deep)
{
	c->r->deep = deep;
	if (c->r->dd)
		fo_dd_set_max_depth(c->r->dd, deep ? DEEP_DEPTH : FO_DD_MAX_DEPTH);
	int ret = c->fn(c->r);
	c->r->deep = 0;
	if (c->r->dd)
		fo_dd_set_max_depth(c->r->dd, FO_DD_MAX_DEPTH);
	return ret;
}

static void *deep_main(void *p)
{
	struct deep_call *c = p;
	c->ret = call_with_depth(c, 1);
	return NULL;
}

static int run_deep(fo_risk *r, int (*fn)(fo_risk *))
{
	struct deep_call c = {r, fn, FO_ENOMEM};
	if (r->deep)
		return fn(r); /* already on the large stack */
	pthread_attr_t at;
	pthread_t th;
	if (pthread_attr_init(&at) == 0) {
		if (pthread_attr_setstacksize(&at, DEEP_STACK) == 0 &&
		    pthread_create(&th, &at, deep_main, &c) == 0) {
			pthread_join(th, NULL);
			pthread_attr_destroy(&at);
			return c.ret;
		}
		pthread_attr_destroy(&at);
	}
	return call_with_depth(&c, 0);
}

static int ensure_bdd_here(fo_risk *r);

static int ensure_bdd(fo_risk *r)
{
	int err = prepare(r);
	if (err)
		return err;
	if (r->bdd != FO_DD_ERR)
		return FO_OK;
	return run_deep(r, ensure_bdd_here);
}

static int ensure_bdd_here(fo_risk *r)
{
	int err = prepare(r);
	if (err)
		return err;
	if (r->bdd != FO_DD_ERR)
		return FO_OK;
	fo_dd_edge top;
	/* The three orders race: each may use `budget` live nodes; the first
	 * to finish wins; else the budget grows fourfold. Past the last
	 * budget, the order that built the most gates goes on unbounded. The
	 * cost is within a small factor of the best order's. */
	int best = 0;
	uint32_t best_progress = 0;
	/* Orders that come out the same (a flat tree) race once. */
	uint64_t h[3];
	int dup[3] = {0, 0, 0};
	for (int v = 0; v < 3; v++) {
		if ((err = assign_levels(r, v)))
			return err;
		h[v] = 1469598103934665603ull;
		for (uint32_t lv = 0; lv < r->nlevels; lv++)
			h[v] = (h[v] ^ r->event_of_level[lv]) * 1099511628211ull;
		for (uint32_t mi = 0; mi < r->nmods; mi++)
			h[v] = (h[v] ^ r->mod_level[mi]) * 1099511628211ull;
		for (int u = 0; u < v; u++)
			dup[v] |= h[u] == h[v];
	}
	/* A BDD has at least a node per variable: start above that. */
	size_t budget0 = fo_risk__budget0;
	if (budget0 < 2 * (size_t)r->nlevels)
		budget0 = 2 * (size_t)r->nlevels;
	for (size_t budget = budget0;; budget *= 4) {
		int last = budget > ((size_t)1 << 24);
		for (int v = 0; v < 3; v++) {
			if ((last && v != best) || dup[v])
				continue;
			if ((err = new_manager(r, v, last ? 0 : budget)))
				return err;
			uint32_t progress = 0;
			err = build_all(r, 0, 0, &top, "the BDD", &progress);
			if (err == FO_OK)
				goto built;
			if (!fo_dd_over_budget(r->dd))
				return err;
			if (progress > best_progress) {
				best_progress = progress;
				best = v;
			}
		}
	}
built:
	fo_dd_set_budget(r->dd, 0);
	r->bdd = top;
	r->bdd_nodes = fo_dd_size_n(r->dd, r->mod_bdd, r->nmods);
	fo_dd_gc(r->dd);
	return FO_OK;
}

/* ---- Probability and importance ---- */

static int check_p(fo_risk *r)
{
	for (uint32_t lv = 0; lv < r->nlevels; lv++) {
		uint32_t ev = r->event_of_level[lv];
		if (ev == NONE)
			continue;
		double p = fo_ft_event_p(r->ft, ev);
		if (!(p >= 0)) {
			if (r->diag) {
				char buf[FO_DIAG_SHORT_BUF];
				fo_diag_add(r->diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
					    "event '%s' has no probability",
					    fo_diag_shorten(fo_ft_event_name(r->ft, ev), buf));
			}
			return FO_EINVAL;
		}
	}
	return FO_OK;
}

static int prob_table(fo_risk *r, double **out)
{
	*out = NULL;
	size_t n = fo_dd_index_bound(r->dd);
	if (fo_dd_charge(r->dd, (long long)(n * sizeof(double))) != FO_OK) {
		if (r->diag)
			fo_diag_add(r->diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
				    "decision diagrams exceed the memory limit of %zu bytes while "
				    "computing probabilities", r->opts.mem_limit);
		return FO_ELIMIT;
	}
	double *prob = malloc(n * sizeof *prob);
	if (!prob) {
		fo_dd_charge(r->dd, -(long long)(n * sizeof(double)));
		return FO_ENOMEM;
	}
	*out = prob;
	return FO_OK;
}

static void prob_table_free(fo_risk *r, double *prob)
{
	if (!prob)
		return;
	fo_dd_charge(r->dd, -(long long)(fo_dd_index_bound(r->dd) * sizeof(double)));
	free(prob);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The nodes of every module's BDD (terminals excluded), each once, as
 * (level << 32 | node) keys sorted by level: parents before children.
 * Iterative (explicit stack), whatever the depth. *out malloc'd. */
static int nodes_by_level(fo_risk *r, uint64_t **out, size_t *n)
{
	fo_dd *m = r->dd;
	size_t nb = fo_dd_index_bound(m);
	*out = NULL;
	*n = 0;
	uint8_t *seen = calloc(nb, 1);
	uint32_t *stack = malloc(nb * sizeof *stack);
	uint64_t *list = malloc(nb * sizeof *list);
	if (!seen || !stack || !list) {
		free(seen);
		free(stack);
		free(list);
		return FO_ENOMEM;
	}
	size_t cnt = 0;
	for (uint32_t mi = 0; mi < r->nmods; mi++) {
		fo_dd_edge root = r->mod_bdd[mi];
		if (root == FO_DD_ERR || root < 2 || seen[root])
			continue;
		size_t sp = 0;
		seen[root] = 1;
		stack[sp++] = root;
		while (sp) {
			fo_dd_edge e = stack[--sp];
			list[cnt++] = (uint64_t)fo_dd_level(m, e) << 32 | e;
			fo_dd_edge kids[2] = {fo_dd_lo(m, e), fo_dd_hi(m, e)};
			for (int i = 0; i < 2; i++)
				if (kids[i] >= 2 && !seen[kids[i]]) {
					seen[kids[i]] = 1;
					stack[sp++] = kids[i];
				}
		}
	}
	free(seen);
	free(stack);
	qsort(list, cnt, sizeof *list, cmp_u64);
	*out = list;
	*n = cnt;
	return FO_OK;
}

static double edge_p(const double *prob, fo_dd_edge e)
{
	return e < 2 ? (double)e : prob[e];
}

/* P of every node, children first (levels descending); a module's
 * variable takes its module's probability just before its level is
 * reached (a module's nodes all lie below its variable). Returns P(top).
 * Linear in the total size of the modules' BDDs. */
static double all_probs(fo_risk *r, const uint64_t *list, size_t cnt, double *prob,
			const uint32_t *mod_at_level)
{
	fo_dd *m = r->dd;
	uint32_t cur = NONE;
	for (size_t i = cnt; i-- > 0;) {
		fo_dd_edge e = (fo_dd_edge)list[i];
		uint32_t lv = (uint32_t)(list[i] >> 32);
		if (lv != cur) {
			cur = lv;
			uint32_t mi = mod_at_level[lv];
			if (mi != NONE)
				r->p_of_level[lv] = edge_p(prob, r->mod_bdd[mi]);
		}
		double p = r->p_of_level[lv];
		prob[e] = p * edge_p(prob, fo_dd_hi(m, e)) + (1 - p) * edge_p(prob, fo_dd_lo(m, e));
	}
	return edge_p(prob, r->bdd);
}

/* The tables both analyses need: nodes by level, P of each node, and
 * which module's variable each level is. */
struct ptables {
	uint64_t *list;
	size_t cnt;
	double *prob;
	uint32_t *mod_at_level;
	double q;
};

static void ptables_free(fo_risk *r, struct ptables *t)
{
	free(t->list);
	prob_table_free(r, t->prob);
	free(t->mod_at_level);
}

static int ptables_make(fo_risk *r, struct ptables *t)
{
	memset(t, 0, sizeof *t);
	int err = prob_table(r, &t->prob);
	if (err)
		return err;
	t->mod_at_level = malloc(((size_t)r->nlevels + 1) * sizeof *t->mod_at_level);
	if (!t->mod_at_level || (err = nodes_by_level(r, &t->list, &t->cnt))) {
		ptables_free(r, t);
		return err ? err : FO_ENOMEM;
	}
	memset(t->mod_at_level, 0xFF, ((size_t)r->nlevels + 1) * sizeof *t->mod_at_level);
	for (uint32_t mi = 0; mi < r->nmods; mi++)
		if (r->mod_level[mi] != NONE)
			t->mod_at_level[r->mod_level[mi]] = mi;
	t->q = all_probs(r, t->list, t->cnt, t->prob, t->mod_at_level);
	return FO_OK;
}

int fo_risk_probability(fo_risk *r, double *out)
{
	*out = NAN;
	int err = prepare(r);
	if (err || (err = check_p(r)) || (err = ensure_bdd(r)))
		return err;
	struct ptables t;
	if ((err = ptables_make(r, &t)))
		return err;
	*out = t.q;
	ptables_free(r, &t);
	return FO_OK;
}

/* Birnbaum's measure is the derivative of P(top) by the event's p. In one
 * module's BDD, the derivative by a variable is the sum over its nodes of
 * (probability of reaching the node) x (P(hi) - P(lo)): one top-down pass.
 * Through the modules, the chain rule: d top / d e = d top / d M x d M / d e,
 * where M is the module whose BDD holds e. */
int fo_risk_importance(fo_risk *r, fo_importance **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int err = prepare(r);
	if (err || (err = check_p(r)) || (err = ensure_bdd(r)))
		return err;
	fo_dd *m = r->dd;
	size_t nb = fo_dd_index_bound(m);
	double *flow = NULL, *birn = NULL, *mult = NULL;
	fo_importance *res = NULL;
	size_t nlv = (size_t)r->nlevels + 1;
	size_t extra = nb * (sizeof(double) + sizeof(uint64_t)) + nlv * sizeof(double) +
		       (size_t)r->nmods * sizeof(double);
	struct ptables t;
	if ((err = ptables_make(r, &t)))
		return err;
	if (fo_dd_charge(m, (long long)extra) != FO_OK) {
		if (r->diag)
			fo_diag_add(r->diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
				    "decision diagrams exceed the memory limit of %zu bytes while "
				    "computing importance", r->opts.mem_limit);
		ptables_free(r, &t);
		return FO_ELIMIT;
	}
	err = FO_ENOMEM;
	flow = calloc(nb, sizeof *flow);
	birn = calloc(nlv, sizeof *birn);
	mult = calloc(r->nmods ? r->nmods : 1, sizeof *mult);
	res = calloc(r->nevents ? r->nevents : 1, sizeof *res);
	if (!flow || !birn || !mult || !res)
		goto done;
	double q = t.q;
	for (uint32_t mi = 0; mi < r->nmods; mi++)
		if (r->mod_bdd[mi] != FO_DD_ERR && r->mod_bdd[mi] >= 2)
			flow[r->mod_bdd[mi]] = 1;
	/* Parents first: each module's own reaching probabilities (the
	 * modules' nodes are disjoint). */
	for (size_t i = 0; i < t.cnt; i++) {
		fo_dd_edge e = (fo_dd_edge)t.list[i];
		uint32_t lv = (uint32_t)(t.list[i] >> 32);
		double p = r->p_of_level[lv];
		fo_dd_edge hi = fo_dd_hi(m, e), lo = fo_dd_lo(m, e);
		birn[lv] += flow[e] * (edge_p(t.prob, hi) - edge_p(t.prob, lo));
		if (hi >= 2)
			flow[hi] += flow[e] * p;
		if (lo >= 2)
			flow[lo] += flow[e] * (1 - p);
	}
	/* d top / d module, parents first (reverse post-order). */
	for (uint32_t mi = r->nmods; mi-- > 0;) {
		uint32_t lv = r->mod_level[mi];
		mult[mi] = lv == NONE ? 1 : mult[r->mod_parent[mi]] * birn[lv];
	}
	/* By event number: walk the events, keep those of the cone. */
	size_t k = 0;
	uint32_t ne = fo_ft_event_count(r->ft);
	for (uint32_t ev = 0; ev < ne; ev++) {
		uint32_t lv = r->level_of_event[ev];
		if (lv == NONE)
			continue;
		fo_importance *im = &res[k++];
		double p = fo_ft_event_p(r->ft, ev);
		double b = mult[r->encl[fo_ft_event_node(r->ft, ev)]] * birn[lv];
		im->event = ev;
		im->p = p;
		im->birnbaum = b;
		im->q1 = q + (1 - p) * b;
		im->q0 = q - p * b;
		if (im->q0 < 0)
			im->q0 = 0;
		if (im->q1 > 1)
			im->q1 = 1;
		im->fussell_vesely = q > 0 ? (q - im->q0) / q : 0;
		im->raw = q > 0 ? im->q1 / q : (im->q1 > 0 ? INFINITY : 1);
		im->rrw = im->q0 > 0 ? q / im->q0 : (q > 0 ? INFINITY : 1);
	}
	*out = res;
	*n = k;
	res = NULL;
	err = FO_OK;
done:
	fo_dd_charge(m, -(long long)extra);
	ptables_free(r, &t);
	free(flow);
	free(birn);
	free(mult);
	free(res);
	return err;
}

/* ---- Arbitrary-precision counts ---- */

/* a += b, nl limbs of 32 bits, little endian (no overflow by the choice
 * of nl). */
static void big_add(uint32_t *a, const uint32_t *b, uint32_t nl)
{
	uint64_t c = 0;
	for (uint32_t i = 0; i < nl; i++) {
		c += (uint64_t)a[i] + b[i];
		a[i] = (uint32_t)c;
		c >>= 32;
	}
}

/* Decimal text of a (malloc'd, NULL: no memory); a is destroyed. */
static char *big_dec(uint32_t *a, uint32_t nl)
{
	size_t cap = (size_t)nl * 10 + 2;
	char *buf = malloc(cap), *s;
	if (!buf)
		return NULL;
	size_t len = 0;
	for (;;) {
		uint64_t rem = 0;
		int zero = 1;
		for (uint32_t i = nl; i-- > 0;) {
			uint64_t cur = (rem << 32) | a[i];
			a[i] = (uint32_t)(cur / 1000000000u);
			rem = cur % 1000000000u;
			if (a[i])
				zero = 0;
		}
		for (int d = 0; d < 9; d++) {
			buf[len++] = (char)('0' + rem % 10);
			rem /= 10;
			if (zero && rem == 0)
				break;
		}
		if (zero)
			break;
	}
	while (len > 1 && buf[len - 1] == '0')
		len--;
	buf[len] = 0;
	for (size_t i = 0; i < len / 2; i++) {
		char t = buf[i];
		buf[i] = buf[len - 1 - i];
		buf[len - 1 - i] = t;
	}
	s = buf;
	return s;
}

/* ---- Cut sets ---- */

/* Copies the ZBDD z out of the manager into cs's flat post-order arrays. */
static int flatten(fo_risk *r, fo_dd_edge z, struct fo_cutsets *cs)
{
	fo_dd *m = r->dd;
	size_t size = fo_dd_size(m, z);
	size_t nb = fo_dd_index_bound(m);
	int err = FO_ENOMEM;
	uint32_t *map = malloc(nb * sizeof *map);
	uint32_t *stack = malloc((size + 2) * 2 * sizeof *stack);
	cs->lvl = malloc((size + 2) * sizeof *cs->lvl);
	cs->lo = malloc((size + 2) * sizeof *cs->lo);
	cs->hi = malloc((size + 2) * sizeof *cs->hi);
	if (!map || !stack || !cs->lvl || !cs->lo || !cs->hi)
		goto done;
	memset(map, 0xFF, nb * sizeof *map);
	map[0] = 0;
	map[1] = 1;
	for (uint32_t i = 0; i < 2; i++) {
		cs->lvl[i] = NONE;
		cs->lo[i] = cs->hi[i] = i;
	}
	uint32_t n = 2;
	/* Iterative post-order: a node is emitted when both children are. */
	size_t sp = 0;
	if (map[z] == NONE)
		stack[sp++] = z;
	while (sp) {
		fo_dd_edge e = stack[sp - 1];
		if (map[e] != NONE) {
			sp--;
			continue;
		}
		fo_dd_edge lo = fo_dd_lo(m, e), hi = fo_dd_hi(m, e);
		if (map[lo] == NONE) {
			stack[sp++] = lo;
			continue;
		}
		if (map[hi] == NONE) {
			stack[sp++] = hi;
			continue;
		}
		cs->lvl[n] = fo_dd_level(m, e);
		cs->lo[n] = map[lo];
		cs->hi[n] = map[hi];
		map[e] = n++;
		sp--;
	}
	cs->n = n;
	cs->root = map[z];
	err = FO_OK;
done:
	free(map);
	free(stack);
	return err;
}

/* Per-node order ranges, masks, best probabilities, and the exact counts
 * per order at the root. */
static int summarise(fo_risk *r, struct fo_cutsets *cs)
{
	uint32_t n = cs->n;
	int err = FO_ENOMEM;
	double *cf = NULL;
	uint32_t *off = NULL, *limbs = NULL;
	cs->minord = malloc(n * sizeof *cs->minord);
	cs->maxord = malloc(n * sizeof *cs->maxord);
	cs->mask = malloc(n * sizeof *cs->mask);
	cs->maxp = malloc(n * sizeof *cs->maxp);
	cf = malloc(n * sizeof *cf);
	if (!cs->minord || !cs->maxord || !cs->mask || !cs->maxp || !cf)
		goto done;
	cs->minord[0] = NONE;
	cs->maxord[0] = 0;
	cs->mask[0] = 0;
	cs->maxp[0] = -1;
	cf[0] = 0;
	cs->minord[1] = 0;
	cs->maxord[1] = 0;
	cs->mask[1] = 1;
	cs->maxp[1] = 1;
	cf[1] = 1;
	int overflow = 0;
	for (uint32_t i = 2; i < n; i++) {
		uint32_t lo = cs->lo[i], hi = cs->hi[i];
		uint32_t hmin = cs->minord[hi] + 1, hmax = cs->maxord[hi] + 1;
		cs->minord[i] = cs->minord[lo] < hmin ? cs->minord[lo] : hmin;
		cs->maxord[i] = lo != 0 && cs->maxord[lo] > hmax ? cs->maxord[lo] : hmax;
		uint64_t hm = cs->mask[hi];
		/* Shifted by one order; bit 63 (order >= 63) stays. */
		cs->mask[i] = cs->mask[lo] | (hm << 1) | (hm & (1ull << 63));
		double p = cs->p_of_level[cs->lvl[i]];
		double ph = p * cs->maxp[hi];
		cs->maxp[i] = cs->maxp[lo] > ph ? cs->maxp[lo] : ph;
		cf[i] = cf[lo] + cf[hi];
		if (isinf(cf[i]))
			overflow = 1;
	}
	uint32_t root = cs->root;
	cs->count_f = cf[root];
	cs->certain = root == 1;
	cs->max_order = root >= 1 ? cs->maxord[root] : 0;
	uint32_t nl = overflow ? (uint32_t)(r->nlevels / 32 + 2)
			       : (uint32_t)(ilogb(cf[root] > 1 ? cf[root] : 1) / 32 + 2);
	/* Per node, counts of orders minord .. maxord, nl limbs each. */
	off = malloc(((size_t)n + 1) * sizeof *off);
	if (!off)
		goto done;
	size_t total = 0;
	for (uint32_t i = 0; i < n; i++) {
		off[i] = (uint32_t)total;
		if (i >= 1)
			total += (size_t)(cs->maxord[i] - cs->minord[i] + 1) * nl;
		if (total > UINT32_MAX)
			break;
	}
	if (total > UINT32_MAX || fo_dd_charge(r->dd, (long long)(total * 4)) != FO_OK) {
		if (r->diag)
			fo_diag_add(r->diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
				    "counting the cut sets exceeds the memory limit of %zu bytes",
				    r->opts.mem_limit);
		err = FO_ELIMIT;
		goto done;
	}
	limbs = calloc(total ? total : 1, 4);
	if (!limbs) {
		fo_dd_charge(r->dd, -(long long)(total * 4));
		goto done;
	}
	if (n > 1)
		limbs[off[1]] = 1;
	for (uint32_t i = 2; i < n; i++) {
		uint32_t lo = cs->lo[i], hi = cs->hi[i], mn = cs->minord[i];
		uint32_t *dst = limbs + off[i];
		if (lo != 0)
			for (uint32_t j = cs->minord[lo]; j <= cs->maxord[lo]; j++)
				big_add(dst + (size_t)(j - mn) * nl,
					limbs + off[lo] + (size_t)(j - cs->minord[lo]) * nl, nl);
		for (uint32_t j = cs->minord[hi]; j <= cs->maxord[hi]; j++)
			big_add(dst + (size_t)(j + 1 - mn) * nl,
				limbs + off[hi] + (size_t)(j - cs->minord[hi]) * nl, nl);
	}
	cs->order_cnt = calloc((size_t)cs->max_order + 1, sizeof *cs->order_cnt);
	uint32_t *sum = calloc(nl, 4);
	if (!cs->order_cnt || !sum) {
		free(sum);
		goto freelimbs;
	}
	for (uint32_t j = 0; j <= cs->max_order; j++) {
		uint32_t *c = NULL;
		if (root >= 1 && j >= cs->minord[root] && j <= cs->maxord[root]) {
			c = limbs + off[root] + (size_t)(j - cs->minord[root]) * nl;
			big_add(sum, c, nl);
			cs->order_cnt[j] = big_dec(c, nl);
		} else {
			cs->order_cnt[j] = malloc(2);
			if (cs->order_cnt[j])
				strcpy(cs->order_cnt[j], "0");
		}
		if (!cs->order_cnt[j]) {
			free(sum);
			goto freelimbs;
		}
	}
	cs->count = big_dec(sum, nl);
	free(sum);
	if (!cs->count)
		goto freelimbs;
	err = FO_OK;
freelimbs:
	fo_dd_charge(r->dd, -(long long)(total * 4));
done:
	free(limbs);
	free(off);
	free(cf);
	return err;
}

/* The minimal solutions of each module's BDD, bottom-up, each module's
 * variable then replaced by its module's family (coherent trees: the sets
 * of a module are independent of the rest, so the substitution keeps them
 * minimal). *out referenced. */
static int modules_minsol(fo_risk *r, uint32_t k, fo_dd_edge *out)
{
	fo_dd *m = r->dd;
	uint32_t nm = r->nmods;
	fo_dd_edge *z = malloc((nm ? nm : 1) * sizeof *z);
	uint32_t *head = malloc((nm ? nm : 1) * sizeof *head);
	uint32_t *next = malloc((nm ? nm : 1) * sizeof *next);
	int err = FO_ENOMEM;
	uint32_t done_upto = 0;
	size_t live_after_gc = fo_dd_live_nodes(m);
	if (!z || !head || !next)
		goto done;
	memset(head, 0xFF, (nm ? nm : 1) * sizeof *head);
	for (uint32_t j = 0; j < nm; j++)
		if (r->mod_parent[j] != NONE && r->mod_bdd[j] != FO_DD_ERR && r->mod_bdd[j] >= 2) {
			next[j] = head[r->mod_parent[j]];
			head[r->mod_parent[j]] = j;
		}
	for (uint32_t i = 0; i < nm; i++) {
		fo_dd_edge f = r->mod_bdd[i];
		if (f == FO_DD_ERR) {
			z[i] = FO_DD_FALSE;
			done_upto = i + 1;
			continue;
		}
		fo_dd_edge zi = fo_dd_zdd_minsol(m, f, k);
		for (uint32_t j = head[i]; j != NONE && zi != FO_DD_ERR; j = next[j])
			zi = fo_dd_zdd_subst(m, zi, r->mod_level[j], z[j]);
		if (zi == FO_DD_ERR) {
			err = dd_fail(r, "the cut-set ZBDD", r->mod_gate[i]);
			goto done;
		}
		fo_dd_ref(m, zi);
		z[i] = zi;
		done_upto = i + 1;
		for (uint32_t j = head[i]; j != NONE; j = next[j]) {
			fo_dd_deref(m, z[j]);
			z[j] = FO_DD_ERR;
		}
		fo_dd_gc_maybe(m, &live_after_gc);
	}
	*out = z[nm - 1];
	z[nm - 1] = FO_DD_ERR;
	err = FO_OK;
done:
	if (z)
		for (uint32_t i = 0; i < done_upto; i++)
			if (z[i] != FO_DD_ERR)
				fo_dd_deref(m, z[i]);
	free(z);
	free(head);
	free(next);
	return err;
}

static int make_cutsets_here(fo_risk *r);

static int make_cutsets(fo_risk *r)
{
	if (r->cs)
		return FO_OK;
	return run_deep(r, make_cutsets_here);
}

static int make_cutsets_here(fo_risk *r)
{
	int err = prepare(r);
	if (err)
		return err;
	fo_dd *m;
	uint32_t k = r->opts.max_order ? r->opts.max_order : FO_DD_NO_BOUND;
	fo_dd_edge z;
	if (r->opts.max_order && r->coherent) {
		/* Direct: the bound prunes every intermediate family. */
		uint32_t progress;
		if (!r->dd && (err = new_manager(r, 0, 0)))
			return err;
		if ((err = build_all(r, 1, k, &z, "the cut-set ZBDD", &progress)))
			return err;
	} else {
		if ((err = ensure_bdd(r)) || (err = modules_minsol(r, k, &z)))
			return err;
	}
	m = r->dd; /* ensure_bdd may have made a new manager */
	r->zbdd_nodes = fo_dd_size(m, z);
	struct fo_cutsets *cs = calloc(1, sizeof *cs);
	err = FO_ENOMEM;
	if (!cs)
		goto done;
	cs->refs = 1;
	uint32_t nl = r->nlevels ? r->nlevels : 1;
	cs->event_of_level = malloc(nl * sizeof *cs->event_of_level);
	cs->p_of_level = malloc(nl * sizeof *cs->p_of_level);
	uint32_t ne = fo_ft_event_count(r->ft);
	cs->p_of_event = malloc((ne ? ne : 1) * sizeof *cs->p_of_event);
	if (!cs->event_of_level || !cs->p_of_level || !cs->p_of_event)
		goto done;
	for (uint32_t ev = 0; ev < ne; ev++)
		cs->p_of_event[ev] = fo_ft_event_p(r->ft, ev);
	cs->all_p = 1;
	for (uint32_t lv = 0; lv < r->nlevels; lv++) {
		uint32_t ev = r->event_of_level[lv];
		cs->event_of_level[lv] = ev;
		double p = ev == NONE ? -1 : fo_ft_event_p(r->ft, ev);
		cs->p_of_level[lv] = p >= 0 ? p : -1;
		if (ev != NONE && !(p >= 0))
			cs->all_p = 0;
	}
	if ((err = flatten(r, z, cs)) || (err = summarise(r, cs)))
		goto done;
	r->cs = cs;
	cs = NULL;
	err = FO_OK;
done:
	fo_cutsets_free(cs);
	fo_dd_deref(m, z);
	fo_dd_gc(m);
	return err;
}

int fo_risk_cutsets(fo_risk *r, fo_cutsets **out)
{
	*out = NULL;
	int err = make_cutsets(r);
	if (err)
		return err;
	r->cs->refs++;
	*out = r->cs;
	return FO_OK;
}

const char *fo_cutsets_count(const fo_cutsets *cs) { return cs->count; }
double fo_cutsets_count_f(const fo_cutsets *cs) { return cs->count_f; }
uint32_t fo_cutsets_max_order(const fo_cutsets *cs) { return cs->max_order; }
int fo_cutsets_certain(const fo_cutsets *cs) { return cs->certain; }

const char *fo_cutsets_order_count(const fo_cutsets *cs, uint32_t order)
{
	if (order > cs->max_order)
		return "0";
	return cs->order_cnt[order];
}

/* ---- Listing ---- */

static int has_order(const struct fo_cutsets *cs, uint32_t i, uint32_t j)
{
	if (i == 0 || j < cs->minord[i] || j > cs->maxord[i])
		return 0;
	if (j < 63)
		return (int)((cs->mask[i] >> j) & 1);
	return (int)(cs->mask[i] >> 63);
}

struct setbuf {
	uint32_t order;
	size_t cap, n; /* sets stored, each `order` events */
	size_t want;   /* keep at most this many (the smallest) */
	uint32_t *ev;
	int err;
};

static int cmp_lex(const uint32_t *a, const uint32_t *b, uint32_t order)
{
	for (uint32_t i = 0; i < order; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static void cmp_swap(uint32_t *a, uint32_t *b, uint32_t order)
{
	for (uint32_t i = 0; i < order; i++) {
		uint32_t t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

/* Max-heap by lexicographic order, so the largest kept set is evicted. */
static void heap_down(struct setbuf *sb, size_t i)
{
	uint32_t o = sb->order;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, big = i;
		if (l < sb->n && cmp_lex(sb->ev + l * o, sb->ev + big * o, o) > 0)
			big = l;
		if (r < sb->n && cmp_lex(sb->ev + r * o, sb->ev + big * o, o) > 0)
			big = r;
		if (big == i)
			return;
		cmp_swap(sb->ev + i * o, sb->ev + big * o, o);
		i = big;
	}
}

static void heap_up(struct setbuf *sb, size_t i)
{
	uint32_t o = sb->order;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (cmp_lex(sb->ev + i * o, sb->ev + p * o, o) <= 0)
			return;
		cmp_swap(sb->ev + i * o, sb->ev + p * o, o);
		i = p;
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void offer(struct setbuf *sb, const struct fo_cutsets *cs, const uint32_t *lv)
{
	uint32_t o = sb->order;
	uint32_t tmp[64], *t = tmp;
	if (o > 64) {
		t = malloc((size_t)o * sizeof *t);
		if (!t) {
			sb->err = FO_ENOMEM;
			return;
		}
	}
	for (uint32_t i = 0; i < o; i++)
		t[i] = cs->event_of_level[lv[i]];
	if (o > 1)
		qsort(t, o, sizeof *t, cmp_u32);
	if (sb->n == sb->want) {
		if (o && cmp_lex(t, sb->ev, o) < 0) {
			memcpy(sb->ev, t, (size_t)o * sizeof *t);
			heap_down(sb, 0);
		}
	} else {
		if (sb->n == sb->cap) {
			size_t nc = sb->cap ? sb->cap * 2 : 64;
			if (nc > sb->want)
				nc = sb->want;
			uint32_t *ne = realloc(sb->ev, nc * (o ? o : 1) * sizeof *ne);
			if (!ne) {
				sb->err = FO_ENOMEM;
				goto out;
			}
			sb->ev = ne;
			sb->cap = nc;
		}
		memcpy(sb->ev + sb->n * o, t, (size_t)o * sizeof *t);
		heap_up(sb, sb->n++);
	}
out:
	if (t != tmp)
		free(t);
}

/* Every set of exactly `need` more events below node i (path: levels). */
static void enum_order(const struct fo_cutsets *cs, uint32_t i, uint32_t need, uint32_t *path,
		       uint32_t depth, struct setbuf *sb)
{
	while (!sb->err && has_order(cs, i, need)) {
		if (i == 1) {
			offer(sb, cs, path);
			return;
		}
		if (need > 0 && has_order(cs, cs->hi[i], need - 1)) {
			path[depth] = cs->lvl[i];
			enum_order(cs, cs->hi[i], need - 1, path, depth + 1, sb);
		}
		i = cs->lo[i];
	}
}

/* The probability of a set given by its events, multiplied in event
 * order (so a set has one value whichever listing gives it); NaN when some
 * p is unknown. */
static double set_p(const struct fo_cutsets *cs, const uint32_t *events, uint32_t order)
{
	double p = 1;
	for (uint32_t i = 0; i < order; i++) {
		if (cs->p_of_event[events[i]] < 0)
			return NAN;
		p *= cs->p_of_event[events[i]];
	}
	return p;
}

/* In-place heapsort of a setbuf's max-heap: ascending lexicographic. */
static void heap_sort(struct setbuf *sb)
{
	size_t n = sb->n;
	uint32_t o = sb->order;
	while (sb->n > 1) {
		cmp_swap(sb->ev, sb->ev + (sb->n - 1) * o, o);
		sb->n--;
		heap_down(sb, 0);
	}
	sb->n = n;
}

/* Lexicographic listing for orders with too many sets to enumerate: a
 * depth-first search deciding the events in ascending event number (in
 * before out), each decision checked by an oracle: "is there a set of
 * exactly j events holding every event decided in and none decided out?",
 * a memoised pass over the flat ZBDD in O(nodes x j). Polynomial delay: at
 * most 2 x events oracle calls between two listed sets. */
struct lexsearch {
	const struct fo_cutsets *cs;
	uint32_t j, nlev, nev;
	uint8_t *st;    /* per level: 0 free, 1 in, 2 out */
	uint32_t *pre;  /* pre[l]: levels < l decided in */
	uint8_t *memo;  /* node x (j + 1): 0 unknown, 1 yes, 2 no */
	uint32_t *bylev; /* levels by ascending event number */
	uint32_t *chosen;
	size_t want, listed;
	fo_cutsets_fn fn;
	void *arg;
	int stop;
};

static uint32_t lvl_or_end(const struct lexsearch *ls, uint32_t node)
{
	return node < 2 ? ls->nlev : ls->cs->lvl[node];
}

static int feasible(struct lexsearch *ls, uint32_t node, uint32_t r)
{
	const struct fo_cutsets *cs = ls->cs;
	if (node == 1)
		return r == 0;
	if (!has_order(cs, node, r))
		return 0;
	uint8_t *mm = &ls->memo[(size_t)node * (ls->j + 1) + r];
	if (*mm)
		return *mm == 1;
	uint32_t a = cs->lvl[node];
	int ok = 0;
	uint32_t lo = cs->lo[node], hi = cs->hi[node];
	if (ls->st[a] != 2 && r >= 1 && ls->pre[lvl_or_end(ls, hi)] == ls->pre[a + 1])
		ok = feasible(ls, hi, r - 1);
	if (!ok && ls->st[a] != 1 && lo != 0 && ls->pre[lvl_or_end(ls, lo)] == ls->pre[a + 1])
		ok = feasible(ls, lo, r);
	*mm = ok ? 1 : 2;
	return ok;
}

static int oracle(struct lexsearch *ls)
{
	uint32_t acc = 0;
	for (uint32_t l = 0; l < ls->nlev; l++) {
		ls->pre[l] = acc;
		acc += ls->st[l] == 1;
	}
	ls->pre[ls->nlev] = acc;
	memset(ls->memo, 0, (size_t)ls->cs->n * (ls->j + 1));
	uint32_t root = ls->cs->root;
	if (ls->pre[lvl_or_end(ls, root)] != 0)
		return 0;
	return feasible(ls, root, ls->j);
}

static void lexdfs(struct lexsearch *ls, uint32_t t, uint32_t nchosen)
{
	if (ls->stop)
		return;
	if (nchosen == ls->j) {
		ls->stop = ls->fn(ls->arg, ls->chosen, ls->j, set_p(ls->cs, ls->chosen, ls->j)) != 0;
		if (++ls->listed == ls->want)
			ls->stop = 1;
		return;
	}
	if (t == ls->nev)
		return;
	uint32_t lv = ls->bylev[t];
	ls->st[lv] = 1;
	if (oracle(ls)) {
		ls->chosen[nchosen] = ls->cs->event_of_level[lv];
		lexdfs(ls, t + 1, nchosen + 1);
	}
	ls->st[lv] = 2;
	if (!ls->stop && oracle(ls))
		lexdfs(ls, t + 1, nchosen);
	ls->st[lv] = 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

static int list_lex_search(const struct fo_cutsets *cs, uint32_t j, size_t want, fo_cutsets_fn fn,
			   void *arg, size_t *listed, int *stop)
{
	struct lexsearch ls = {.cs = cs, .j = j, .want = want, .fn = fn, .arg = arg};
	uint32_t nlev = 0;
	for (uint32_t i = 2; i < cs->n; i++)
		if (cs->lvl[i] + 1 > nlev)
			nlev = cs->lvl[i] + 1;
	ls.nlev = nlev;
	int err = FO_ENOMEM;
	uint32_t *pairs = malloc(((size_t)nlev + 1) * 2 * sizeof *pairs);
	ls.st = calloc((size_t)nlev + 1, 1);
	ls.pre = malloc(((size_t)nlev + 1) * sizeof *ls.pre);
	ls.memo = malloc((size_t)cs->n * (j + 1));
	ls.bylev = malloc(((size_t)nlev + 1) * sizeof *ls.bylev);
	ls.chosen = malloc(((size_t)j + 1) * sizeof *ls.chosen);
	if (!pairs || !ls.st || !ls.pre || !ls.memo || !ls.bylev || !ls.chosen)
		goto done;
	uint32_t nev = 0;
	for (uint32_t l = 0; l < nlev; l++)
		if (cs->event_of_level[l] != NONE) {
			pairs[2 * nev] = cs->event_of_level[l];
			pairs[2 * nev++ + 1] = l;
		}
	qsort(pairs, nev, 2 * sizeof *pairs, cmp_pair);
	for (uint32_t l = 0; l < nev; l++)
		ls.bylev[l] = pairs[2 * l + 1];
	ls.nev = nev;
	if (oracle(&ls))
		lexdfs(&ls, 0, 0);
	*listed += ls.listed;
	*stop = ls.stop;
	err = FO_OK;
done:
	free(pairs);
	free(ls.st);
	free(ls.pre);
	free(ls.memo);
	free(ls.bylev);
	free(ls.chosen);
	return err;
}

/* Orders with at most this many sets are enumerated whole and the first
 * ones kept (bounded heap); larger ones are searched (list_lex_search).
 * A variable only so that the unit tests can force the search. */
double fo_risk__enum_max = 4000000.0;

static int list_by_order(const struct fo_cutsets *cs, size_t top, fo_cutsets_fn fn, void *arg)
{
	size_t listed = 0;
	int err = FO_OK;
	uint32_t *path = malloc(((size_t)cs->max_order + 1) * sizeof *path);
	if (!path) {
		err = FO_ENOMEM;
		goto done;
	}
	for (uint32_t j = 0; j <= cs->max_order && (top == 0 || listed < top); j++) {
		if (!has_order(cs, cs->root, j))
			continue;
		size_t want = top ? top - listed : SIZE_MAX;
		if (top && strtod(cs->order_cnt[j], NULL) > fo_risk__enum_max) {
			int stop = 0;
			if ((err = list_lex_search(cs, j, want, fn, arg, &listed, &stop)) || stop)
				goto done;
			continue;
		}
		struct setbuf sb = {.order = j, .want = want};
		enum_order(cs, cs->root, j, path, 0, &sb);
		if (sb.err) {
			free(sb.ev);
			err = sb.err;
			goto done;
		}
		heap_sort(&sb);
		int stop = 0;
		for (size_t s = 0; s < sb.n && !stop; s++) {
			const uint32_t *evs = sb.ev + s * j;
			stop = fn(arg, evs, j, set_p(cs, evs, j)) != 0;
			listed++;
		}
		free(sb.ev);
		if (stop)
			break;
	}
done:
	free(path);
	return err;
}

/* Best-first search for BY_PROB: partial paths ordered by their bound
 * (the prefix product times the best completion below), so complete sets
 * come out by probability descending; equal probabilities are gathered and
 * sorted by order, then events. */
struct pitem {
	double bound, prefix;
	uint32_t node, path; /* path: index in the trail, NONE: empty */
};
struct trail {
	uint32_t lvl, parent;
};
struct pheap {
	struct pitem *a;
	size_t n, cap;
};

static int pheap_push(struct pheap *h, struct pitem it)
{
	if (h->n == h->cap) {
		size_t nc = h->cap ? h->cap * 2 : 256;
		struct pitem *na = realloc(h->a, nc * sizeof *na);
		if (!na)
			return FO_ENOMEM;
		h->a = na;
		h->cap = nc;
	}
	size_t i = h->n++;
	h->a[i] = it;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (h->a[p].bound >= h->a[i].bound)
			break;
		struct pitem t = h->a[p];
		h->a[p] = h->a[i];
		h->a[i] = t;
		i = p;
	}
	return FO_OK;
}

static struct pitem pheap_pop(struct pheap *h)
{
	struct pitem top = h->a[0];
	h->a[0] = h->a[--h->n];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, big = i;
		if (l < h->n && h->a[l].bound > h->a[big].bound)
			big = l;
		if (r < h->n && h->a[r].bound > h->a[big].bound)
			big = r;
		if (big == i)
			break;
		struct pitem t = h->a[big];
		h->a[big] = h->a[i];
		h->a[i] = t;
		i = big;
	}
	return top;
}

struct tieset {
	uint32_t order;
	uint32_t off; /* in the tie event buffer */
};

static int cmp_tie(const struct tieset *x, const struct tieset *y, const uint32_t *ev)
{
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return cmp_lex(ev + x->off, ev + y->off, x->order);
}

/* Heapsort of the tie group by order, then events (no global state). */
static void sort_ties(struct tieset *t, size_t n, const uint32_t *ev)
{
	for (size_t start = n / 2; start-- > 0;) {
		size_t i = start;
		for (;;) {
			size_t l = 2 * i + 1, r = l + 1, big = i;
			if (l < n && cmp_tie(&t[l], &t[big], ev) > 0)
				big = l;
			if (r < n && cmp_tie(&t[r], &t[big], ev) > 0)
				big = r;
			if (big == i)
				break;
			struct tieset x = t[i];
			t[i] = t[big];
			t[big] = x;
			i = big;
		}
	}
	for (size_t end = n; end > 1; end--) {
		struct tieset x = t[0];
		t[0] = t[end - 1];
		t[end - 1] = x;
		size_t i = 0, m = end - 1;
		for (;;) {
			size_t l = 2 * i + 1, r = l + 1, big = i;
			if (l < m && cmp_tie(&t[l], &t[big], ev) > 0)
				big = l;
			if (r < m && cmp_tie(&t[r], &t[big], ev) > 0)
				big = r;
			if (big == i)
				break;
			struct tieset y = t[i];
			t[i] = t[big];
			t[big] = y;
			i = big;
		}
	}
}

static int list_by_prob(const struct fo_cutsets *cs, size_t top, fo_cutsets_fn fn, void *arg)
{
	struct pheap h = {0};
	struct trail *tr = NULL;
	size_t ntr = 0, ctr = 0;
	struct tieset *ties = NULL;
	size_t nties = 0, cties = 0;
	uint32_t *tev = NULL;
	size_t ntev = 0, ctev = 0;
	double tie_p = -1;
	size_t listed = 0;
	int err = FO_OK, stop = 0;
	if (cs->root == 0)
		return FO_OK;
	if ((err = pheap_push(&h, (struct pitem){cs->maxp[cs->root], 1, cs->root, NONE})))
		goto done;
	for (;;) {
		int flush = h.n == 0 || (nties && h.a[0].bound < tie_p);
		if (flush && nties) {
			sort_ties(ties, nties, tev);
			for (size_t i = 0; i < nties && !stop; i++) {
				const uint32_t *evs = tev + ties[i].off;
				stop = fn(arg, evs, ties[i].order, set_p(cs, evs, ties[i].order)) != 0;
				if (++listed == top && top)
					stop = 1;
			}
			nties = 0;
			ntev = 0;
		}
		if (stop || h.n == 0)
			break;
		struct pitem it = pheap_pop(&h);
		if (it.node == 1) {
			/* A complete set: its events from the trail. */
			uint32_t order = 0;
			for (uint32_t t = it.path; t != NONE; t = tr[t].parent)
				order++;
			if (nties == cties) {
				size_t nc = cties ? cties * 2 : 64;
				struct tieset *nt = realloc(ties, nc * sizeof *nt);
				if (!nt) {
					err = FO_ENOMEM;
					goto done;
				}
				ties = nt;
				cties = nc;
			}
			while (ntev + order > ctev) {
				size_t nc = ctev ? ctev * 2 : 256;
				uint32_t *ne = realloc(tev, nc * sizeof *ne);
				if (!ne) {
					err = FO_ENOMEM;
					goto done;
				}
				tev = ne;
				ctev = nc;
			}
			uint32_t x = 0;
			for (uint32_t t = it.path; t != NONE; t = tr[t].parent)
				tev[ntev + x++] = cs->event_of_level[tr[t].lvl];
			if (order > 1)
				qsort(tev + ntev, order, sizeof *tev, cmp_u32);
			ties[nties++] = (struct tieset){order, (uint32_t)ntev};
			ntev += order;
			tie_p = it.prefix;
			continue;
		}
		uint32_t lo = cs->lo[it.node], hi = cs->hi[it.node];
		if (cs->maxp[lo] >= 0 &&
		    (err = pheap_push(&h, (struct pitem){it.prefix * cs->maxp[lo], it.prefix, lo,
							 it.path})))
			goto done;
		if (ntr == ctr) {
			size_t nc = ctr ? ctr * 2 : 256;
			struct trail *nt = realloc(tr, nc * sizeof *nt);
			if (!nt) {
				err = FO_ENOMEM;
				goto done;
			}
			tr = nt;
			ctr = nc;
		}
		tr[ntr] = (struct trail){cs->lvl[it.node], it.path};
		double pre = it.prefix * cs->p_of_level[cs->lvl[it.node]];
		if ((err = pheap_push(&h, (struct pitem){pre * cs->maxp[hi], pre, hi,
							 (uint32_t)ntr})))
			goto done;
		ntr++;
	}
done:
	free(h.a);
	free(tr);
	free(ties);
	free(tev);
	return err;
}

int fo_cutsets_list(const fo_cutsets *cs, fo_cutsets_sort sort, size_t top, fo_cutsets_fn fn,
		    void *arg)
{
	if (!cs || !fn)
		return FO_EINVAL;
	if (sort == FO_CUTSETS_BY_ORDER)
		return list_by_order(cs, top, fn, arg);
	if (sort != FO_CUTSETS_BY_PROB || !cs->all_p)
		return FO_EINVAL;
	return list_by_prob(cs, top, fn, arg);
}

/* ---- Approximations ---- */

/* Sum over the sets of prod p^m (R_m), one bottom-up pass. */
static double power_sum(const struct fo_cutsets *cs, double *v, uint32_t mexp)
{
	v[0] = 0;
	v[1] = 1;
	for (uint32_t i = 2; i < cs->n; i++)
		v[i] = v[cs->lo[i]] + pow(cs->p_of_level[cs->lvl[i]], mexp) * v[cs->hi[i]];
	return v[cs->root];
}

static int approx_prep(fo_risk *r)
{
	int err = prepare(r);
	if (err || (err = check_p(r)) || (err = make_cutsets(r)))
		return err;
	return FO_OK;
}

int fo_risk_probability_rare(fo_risk *r, double *out)
{
	*out = NAN;
	int err = approx_prep(r);
	if (err)
		return err;
	double *v = malloc((size_t)r->cs->n * sizeof *v);
	if (!v)
		return FO_ENOMEM;
	*out = power_sum(r->cs, v, 1);
	free(v);
	return FO_OK;
}

struct bigsets {
	double logsum; /* sum of log(1 - P) over the listed sets */
	double sum[65]; /* sum of P^m, m = 1 .. 64 */
	double threshold;
	int one;
	size_t n;
};

static int big_fn(void *arg, const uint32_t *events, uint32_t order, double p)
{
	struct bigsets *b = arg;
	(void)events;
	(void)order;
	if (p < b->threshold)
		return 1;
	if (p >= 1)
		b->one = 1;
	else
		b->logsum += log1p(-p);
	double pm = 1;
	for (int m = 1; m <= 64; m++) {
		pm *= p;
		b->sum[m] += pm;
	}
	b->n++;
	return b->n > 1000000;
}

/* log(1 - mcub) = sum over sets of log(1 - P(s)) = - sum_m R_m / m: the
 * sets with P >= 1/16 are taken one by one (a best-first listing), the rest
 * by the series, whose terms then fall by 16 per step. */
int fo_risk_probability_mcub(fo_risk *r, double *out)
{
	*out = NAN;
	int err = approx_prep(r);
	if (err)
		return err;
	const struct fo_cutsets *cs = r->cs;
	struct bigsets b = {.threshold = 1.0 / 16};
	if ((err = list_by_prob(cs, 0, big_fn, &b)))
		return err;
	if (b.one) {
		*out = 1;
		return FO_OK;
	}
	double *v = malloc((size_t)cs->n * sizeof *v);
	if (!v)
		return FO_ENOMEM;
	double acc = b.logsum;
	for (uint32_t mexp = 1; mexp <= 64; mexp++) {
		double rm = power_sum(cs, v, mexp) - b.sum[mexp];
		if (rm < 0)
			rm = 0;
		double term = rm / mexp;
		acc -= term;
		if (term <= 1e-18 * fabs(acc) || rm == 0)
			break;
	}
	free(v);
	*out = -expm1(acc);
	return FO_OK;
}

void fo_risk_stats_get(const fo_risk *r, fo_risk_stats *out)
{
	memset(out, 0, sizeof *out);
	out->bdd_nodes = r->bdd_nodes;
	out->zbdd_nodes = r->zbdd_nodes;
	out->peak_bytes = r->dd ? fo_dd_peak_bytes(r->dd) : 0;
	if (r->peak_before > out->peak_bytes)
		out->peak_bytes = r->peak_before;
	out->events = r->nevents;
}
