/*
 * test_risk.c — the analyses of risk/fo_risk.h against a brute-force truth
 * table written here: on hundreds of random small fault trees (every gate
 * kind, NOT and XOR included, shared subtrees, duplicated arguments,
 * constants) P(top), every importance measure, the whole minimal cut-set
 * family (the non-coherent convention of docs/risk.md: the minimal sets S
 * such that the top happens when exactly the events of S happen), the
 * per-order counts, the order bound, both listing orders and the two
 * approximations; then small hand trees with known answers, the errors and
 * the memory limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"
#include "graphs/fo_ft.h"
#include "risk/fo_risk.h"

#define MAXEV 10

/* risk.c's threshold between enumerating an order whole and searching it
 * (test hook). */
extern double fo_risk__enum_max;
/* risk.c's first node budget of the race of variable orders (test hook). */
extern size_t fo_risk__budget0;

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)((rng_state >> 33) % n);
}

/* Dyadic probabilities: every product of at most MAXEV of them is exact,
 * so the probability order of the listing is checked without rounding
 * ties. */
static double rnd_p(void)
{
	static const double ps[] = {0.5, 0.25, 0.125, 0.0625, 0.75, 0.875, 0.375, 0.03125, 1, 0};
	return ps[rnd(sizeof ps / sizeof *ps - (rnd(8) ? 2 : 0))];
}

/* A random tree: nev events then ngates gates over any earlier nodes. */
static fo_ft *random_tree(uint32_t nev, uint32_t ngates, int coherent)
{
	fo_ft *ft = NULL;
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	char name[32];
	for (uint32_t i = 0; i < nev; i++) {
		snprintf(name, sizeof name, "e%u", i);
		assert_int_equal(fo_ft_add_event(ft, name, rnd_p(), i, NULL), FO_OK);
	}
	uint32_t node = nev;
	for (uint32_t g = 0; g < ngates; g++) {
		uint32_t args[6];
		size_t na = 2 + rnd(4);
		/* Prefer recent nodes so that gates build on gates (sharing). */
		for (size_t i = 0; i < na; i++)
			args[i] = rnd(3) ? node - 1 - rnd(node < 6 ? node : 6) : rnd(node);
		fo_ft_op op;
		uint32_t k = 0;
		uint32_t pick = rnd(coherent ? 3 : 6);
		if (rnd(40) == 0) {
			op = FO_FT_CONST;
			k = rnd(2);
			na = 0;
		} else if (pick == 0) {
			op = FO_FT_AND;
		} else if (pick == 1) {
			op = FO_FT_OR;
		} else if (pick == 2) {
			op = FO_FT_ATLEAST;
			k = 1 + rnd((uint32_t)na);
		} else if (pick == 3) {
			op = FO_FT_NOT;
			na = 1;
		} else if (pick == 4) {
			op = FO_FT_XOR;
		} else {
			op = FO_FT_AND;
			args[0] = node; /* replaced below by a NOT of it */
			uint32_t inner = rnd(node);
			assert_int_equal(fo_ft_add_gate(ft, NULL, FO_FT_NOT, 0, &inner, 1, NULL), FO_OK);
			node++;
			args[0] = node - 1;
		}
		snprintf(name, sizeof name, "g%u", g);
		assert_int_equal(fo_ft_add_gate(ft, name, op, k, args, na, NULL), FO_OK);
		node++;
	}
	assert_int_equal(fo_ft_set_top(ft, node - 1), FO_OK);
	return ft;
}

/* Value of every node under the assignment `mask` (bit i: event i). */
static int eval(const fo_ft *ft, uint32_t mask, uint8_t *val)
{
	uint32_t n = fo_ft_node_count(ft);
	for (uint32_t v = 0; v < n; v++) {
		const uint32_t *a;
		size_t na = fo_ft_node_args(ft, v, &a);
		uint32_t cnt = 0;
		for (size_t i = 0; i < na; i++)
			cnt += val[a[i]];
		switch (fo_ft_node_op(ft, v)) {
		case FO_FT_EVENT: val[v] = (mask >> fo_ft_node_event(ft, v)) & 1; break;
		case FO_FT_AND: val[v] = cnt == na; break;
		case FO_FT_OR: val[v] = cnt > 0; break;
		case FO_FT_ATLEAST: val[v] = cnt >= fo_ft_node_k(ft, v); break;
		case FO_FT_NOT: val[v] = !cnt; break;
		case FO_FT_XOR: val[v] = cnt & 1; break;
		case FO_FT_CONST: val[v] = fo_ft_node_k(ft, v) != 0; break;
		}
	}
	return val[fo_ft_top(ft)];
}

struct brute {
	uint32_t nev;
	uint8_t f[1 << MAXEV];
	uint8_t minimal[1 << MAXEV];
	double q, q1[MAXEV], q0[MAXEV];
	uint8_t in_cone[MAXEV];
	uint64_t by_order[MAXEV + 1];
	uint64_t count;
	double rare, mcub_log;
};

static void brute_force(const fo_ft *ft, struct brute *b)
{
	memset(b, 0, sizeof *b);
	uint32_t nev = fo_ft_event_count(ft), nn = fo_ft_node_count(ft);
	b->nev = nev;
	uint8_t *val = malloc(nn);
	uint8_t *anysub = malloc((size_t)1 << nev);
	assert_non_null(val);
	assert_non_null(anysub);
	double pe1[MAXEV] = {0}, pe0[MAXEV] = {0};
	for (uint32_t m = 0; m < (1u << nev); m++) {
		b->f[m] = (uint8_t)eval(ft, m, val);
		double pr = 1;
		for (uint32_t i = 0; i < nev; i++) {
			double p = fo_ft_event_p(ft, i);
			pr *= (m >> i) & 1 ? p : 1 - p;
		}
		if (b->f[m]) {
			b->q += pr;
			for (uint32_t i = 0; i < nev; i++) {
				double p = fo_ft_event_p(ft, i);
				/* P(top | e) = sum over assignments with e of the
				 * others' probability. */
				if ((m >> i) & 1) {
					if (p > 0)
						pe1[i] += pr / p;
				} else if (p < 1) {
					pe0[i] += pr / (1 - p);
				}
			}
		}
	}
	/* Conditioning by division fails for p = 0 or 1: redo those
	 * directly. */
	for (uint32_t i = 0; i < nev; i++) {
		double p = fo_ft_event_p(ft, i);
		if (p > 0 && p < 1) {
			b->q1[i] = pe1[i];
			b->q0[i] = pe0[i];
			continue;
		}
		double s1 = 0, s0 = 0;
		for (uint32_t m = 0; m < (1u << nev); m++) {
			if (!b->f[m])
				continue;
			double pr = 1;
			for (uint32_t j = 0; j < nev; j++) {
				if (j == i)
					continue;
				double pj = fo_ft_event_p(ft, j);
				pr *= (m >> j) & 1 ? pj : 1 - pj;
			}
			if ((m >> i) & 1)
				s1 += pr;
			else
				s0 += pr;
		}
		b->q1[i] = s1;
		b->q0[i] = s0;
	}
	/* Minimal true sets: anysub[m] = some subset of m (m included) is
	 * true. */
	b->mcub_log = 0;
	for (uint32_t m = 0; m < (1u << nev); m++) {
		int below = 0;
		for (uint32_t i = 0; i < nev; i++)
			if ((m >> i) & 1 && anysub[m & ~(1u << i)])
				below = 1;
		anysub[m] = (uint8_t)(below || b->f[m]);
		b->minimal[m] = (uint8_t)(b->f[m] && !below);
		if (b->minimal[m]) {
			b->by_order[__builtin_popcount(m)]++;
			b->count++;
			double pr = 1;
			for (uint32_t i = 0; i < nev; i++)
				if ((m >> i) & 1)
					pr *= fo_ft_event_p(ft, i);
			b->rare += pr;
			b->mcub_log += log1p(-pr);
		}
	}
	/* The cone: events reachable from the top. */
	uint8_t *reach = calloc(nn, 1);
	assert_non_null(reach);
	reach[fo_ft_top(ft)] = 1;
	for (uint32_t v = nn; v-- > 0;) {
		if (!reach[v])
			continue;
		const uint32_t *a;
		size_t na = fo_ft_node_args(ft, v, &a);
		for (size_t i = 0; i < na; i++)
			reach[a[i]] = 1;
		if (fo_ft_node_op(ft, v) == FO_FT_EVENT)
			b->in_cone[fo_ft_node_event(ft, v)] = 1;
	}
	free(reach);
	free(val);
	free(anysub);
}

static int close_to(double a, double b)
{
	if (isinf(a) || isinf(b))
		return a == b;
	return fabs(a - b) <= 1e-12 + 1e-9 * fabs(b);
}

struct collect {
	uint32_t masks[1 << MAXEV];
	double p[1 << MAXEV];
	size_t n;
	size_t stop_after;
};

static int collect_fn(void *arg, const uint32_t *events, uint32_t order, double p)
{
	struct collect *c = arg;
	uint32_t m = 0;
	for (uint32_t i = 0; i < order; i++) {
		if (i > 0)
			assert_true(events[i - 1] < events[i]);
		m |= 1u << events[i];
	}
	c->masks[c->n] = m;
	c->p[c->n++] = p;
	return c->stop_after && c->n >= c->stop_after;
}

static double mask_p(const fo_ft *ft, uint32_t m)
{
	double p = 1;
	for (uint32_t i = 0; i < MAXEV; i++)
		if ((m >> i) & 1)
			p *= fo_ft_event_p(ft, i);
	return p;
}

/* Position of a set in the listing orders: negative when a comes first. */
static int cmp_order(uint32_t a, uint32_t b)
{
	int oa = __builtin_popcount(a), ob = __builtin_popcount(b);
	if (oa != ob)
		return oa < ob ? -1 : 1;
	/* Lexicographic on ascending event lists = the lowest differing event
	 * belongs to the first. */
	uint32_t d = a ^ b;
	if (!d)
		return 0;
	uint32_t low = d & -d;
	return (a & low) ? -1 : 1;
}

static void check_tree(const fo_ft *ft, uint32_t max_order)
{
	struct brute *b = malloc(sizeof *b);
	struct collect *c = malloc(sizeof *c);
	assert_non_null(b);
	assert_non_null(c);
	brute_force(ft, b);
	fo_risk *r = NULL;
	fo_risk_opts opts = {.max_order = max_order};
	assert_int_equal(fo_risk_new(&r, ft, &opts, NULL), FO_OK);
	double q;
	assert_int_equal(fo_risk_probability(r, &q), FO_OK);
	assert_true(close_to(q, b->q));

	fo_importance *im = NULL;
	size_t nim = 0;
	assert_int_equal(fo_risk_importance(r, &im, &nim), FO_OK);
	size_t k = 0;
	for (uint32_t ev = 0; ev < b->nev; ev++) {
		if (!b->in_cone[ev])
			continue;
		assert_true(k < nim);
		const fo_importance *x = &im[k++];
		assert_int_equal(x->event, ev);
		assert_true(close_to(x->q1, b->q1[ev]));
		assert_true(close_to(x->q0, b->q0[ev]));
		assert_true(close_to(x->birnbaum, b->q1[ev] - b->q0[ev]));
		if (b->q > 1e-9) {
			assert_true(close_to(x->fussell_vesely, (b->q - b->q0[ev]) / b->q));
			assert_true(close_to(x->raw, b->q1[ev] / b->q));
		}
		if (b->q0[ev] > 1e-9)
			assert_true(close_to(x->rrw, b->q / b->q0[ev]));
	}
	assert_int_equal(k, nim);
	free(im);

	fo_cutsets *cs = NULL;
	assert_int_equal(fo_risk_cutsets(r, &cs), FO_OK);
	uint64_t want_total = 0;
	uint32_t want_max = 0;
	char buf[32];
	for (uint32_t j = 0; j <= MAXEV; j++) {
		uint64_t w = max_order && j > max_order ? 0 : b->by_order[j];
		want_total += w;
		if (w)
			want_max = j;
		snprintf(buf, sizeof buf, "%llu", (unsigned long long)w);
		assert_string_equal(fo_cutsets_order_count(cs, j), buf);
	}
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)want_total);
	assert_string_equal(fo_cutsets_count(cs), buf);
	assert_true(fo_cutsets_count_f(cs) == (double)want_total);
	assert_int_equal(fo_cutsets_max_order(cs), want_max);
	assert_int_equal(fo_cutsets_certain(cs), b->f[0]);

	/* BY_ORDER: exactly the brute-force family, in order. */
	c->n = 0;
	c->stop_after = 0;
	assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_ORDER, 0, collect_fn, c), FO_OK);
	assert_int_equal(c->n, want_total);
	for (size_t i = 0; i < c->n; i++) {
		assert_true(b->minimal[c->masks[i]]);
		assert_true(c->p[i] == mask_p(ft, c->masks[i]));
		if (i > 0)
			assert_true(cmp_order(c->masks[i - 1], c->masks[i]) < 0);
	}
	/* The same by the lexicographic search (forced), with top set. */
	if (want_total) {
		uint32_t *full = malloc(c->n * sizeof *full);
		assert_non_null(full);
		memcpy(full, c->masks, c->n * sizeof *full);
		size_t nfull = c->n;
		double saved = fo_risk__enum_max;
		fo_risk__enum_max = 0;
		for (size_t top = 1; top <= nfull + 1; top += 1 + nfull / 3) {
			c->n = 0;
			assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_ORDER, top, collect_fn, c),
					 FO_OK);
			assert_int_equal(c->n, top < nfull ? top : nfull);
			assert_memory_equal(c->masks, full, c->n * sizeof *full);
		}
		fo_risk__enum_max = saved;
		free(full);
	}
	/* BY_PROB: the same sets, probability descending, ties by order. */
	c->n = 0;
	assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_PROB, 0, collect_fn, c), FO_OK);
	assert_int_equal(c->n, want_total);
	for (size_t i = 0; i < c->n; i++) {
		assert_true(b->minimal[c->masks[i]]);
		if (i > 0) {
			assert_true(c->p[i - 1] >= c->p[i]);
			if (c->p[i - 1] == c->p[i])
				assert_true(cmp_order(c->masks[i - 1], c->masks[i]) < 0);
		}
	}
	/* `top` bounds both listings to a prefix of the full one. */
	if (want_total > 2) {
		uint32_t first[3];
		double firstp[3];
		memcpy(first, c->masks, sizeof first);
		memcpy(firstp, c->p, sizeof firstp);
		c->n = 0;
		assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_PROB, 3, collect_fn, c), FO_OK);
		assert_int_equal(c->n, 3);
		assert_memory_equal(c->masks, first, sizeof first);
		c->n = 0;
		c->stop_after = 2; /* the callback stops the listing */
		assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_ORDER, 3, collect_fn, c), FO_OK);
		assert_int_equal(c->n, 2);
		(void)firstp;
	}

	/* Approximations over the (possibly bounded) family. */
	double rare_want = 0, mlog = 0;
	for (uint32_t m = 0; m < (1u << b->nev); m++)
		if (b->minimal[m] && (!max_order || (uint32_t)__builtin_popcount(m) <= max_order)) {
			rare_want += mask_p(ft, m);
			mlog += log1p(-mask_p(ft, m));
		}
	double rare, mcub;
	assert_int_equal(fo_risk_probability_rare(r, &rare), FO_OK);
	assert_int_equal(fo_risk_probability_mcub(r, &mcub), FO_OK);
	assert_true(close_to(rare, rare_want));
	assert_true(close_to(mcub, isinf(mlog) ? 1 : -expm1(mlog)));

	fo_risk_stats st;
	fo_risk_stats_get(r, &st);
	uint32_t cone = 0;
	for (uint32_t ev = 0; ev < b->nev; ev++)
		cone += b->in_cone[ev];
	assert_int_equal(st.events, cone);
	assert_true(st.peak_bytes > 0);

	fo_cutsets_free(cs);
	fo_risk_free(r);
	free(b);
	free(c);
}

static void random_trees_match_brute_force(void **state)
{
	(void)state;
	rng_state = 12;
	for (int t = 0; t < 400; t++) {
		uint32_t nev = 1 + rnd(MAXEV);
		uint32_t ngates = 1 + rnd(12);
		int coherent = t % 2;
		fo_ft *ft = random_tree(nev, ngates, coherent);
		check_tree(ft, 0);
		fo_ft_free(ft);
	}
}

/* The order bound: exactly the sets of order <= K of the full family, by
 * the direct ZBDD (coherent trees) and by bounded minimal solutions. */
static void order_bound_is_exact(void **state)
{
	(void)state;
	rng_state = 99;
	for (int t = 0; t < 300; t++) {
		fo_ft *ft = random_tree(2 + rnd(MAXEV - 1), 2 + rnd(12), t % 2);
		check_tree(ft, 1 + rnd(4));
		fo_ft_free(ft);
	}
}

/* Tiny node budgets make the three variable orders race and fail in turn
 * (docs/risk.md, "Limits"): the answers are those of any order. */
static void order_race_gives_same_answers(void **state)
{
	(void)state;
	size_t saved = fo_risk__budget0;
	rng_state = 5;
	for (int t = 0; t < 200; t++) {
		fo_risk__budget0 = 1 + rnd(12);
		fo_ft *ft = random_tree(2 + rnd(MAXEV - 1), 2 + rnd(12), t % 2);
		check_tree(ft, t % 3 == 0 ? 1 + rnd(3) : 0);
		fo_ft_free(ft);
	}
	fo_risk__budget0 = saved;
}

static fo_ft *hand_tree(void)
{
	/* top = OR(AND(a, b), ATLEAST 2 of (a, c, d), NOT-free) */
	fo_ft *ft = NULL;
	uint32_t a, b, c, d, g1, g2, top;
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "a", 0.1, FO_NONE, &a), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "b", 0.2, FO_NONE, &b), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "c", 0.3, FO_NONE, &c), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "d", 0.4, FO_NONE, &d), FO_OK);
	assert_int_equal(fo_ft_add_gate(ft, "g1", FO_FT_AND, 0, (uint32_t[]){a, b}, 2, &g1), FO_OK);
	assert_int_equal(fo_ft_add_gate(ft, "g2", FO_FT_ATLEAST, 2, (uint32_t[]){a, c, d}, 3, &g2),
			 FO_OK);
	assert_int_equal(fo_ft_add_gate(ft, "top", FO_FT_OR, 0, (uint32_t[]){g1, g2}, 2, &top),
			 FO_OK);
	assert_int_equal(fo_ft_set_top(ft, top), FO_OK);
	return ft;
}

struct text {
	char s[512];
};

static int text_fn(void *arg, const uint32_t *events, uint32_t order, double p)
{
	struct text *t = arg;
	size_t len = strlen(t->s);
	snprintf(t->s + len, sizeof t->s - len, "{");
	for (uint32_t i = 0; i < order; i++) {
		len = strlen(t->s);
		snprintf(t->s + len, sizeof t->s - len, "%s%u", i ? "," : "", events[i]);
	}
	len = strlen(t->s);
	snprintf(t->s + len, sizeof t->s - len, "}%.4g ", p);
	return 0;
}

static void hand_tree_known_answers(void **state)
{
	(void)state;
	fo_ft *ft = hand_tree();
	fo_risk *r = NULL;
	assert_int_equal(fo_risk_new(&r, ft, NULL, NULL), FO_OK);
	double q;
	assert_int_equal(fo_risk_probability(r, &q), FO_OK);
	/* ab + ac + ad + cd: by inclusion-exclusion on the 4 events. */
	double want = 0;
	for (int m = 0; m < 16; m++) {
		int A = m & 1, B = m >> 1 & 1, C = m >> 2 & 1, D = m >> 3 & 1;
		double pr = (A ? .1 : .9) * (B ? .2 : .8) * (C ? .3 : .7) * (D ? .4 : .6);
		if ((A && B) || (A + C + D >= 2))
			want += pr;
	}
	assert_true(fabs(q - want) < 1e-15);
	fo_cutsets *cs = NULL;
	assert_int_equal(fo_risk_cutsets(r, &cs), FO_OK);
	assert_string_equal(fo_cutsets_count(cs), "4");
	assert_string_equal(fo_cutsets_order_count(cs, 2), "4");
	assert_string_equal(fo_cutsets_order_count(cs, 1), "0");
	assert_string_equal(fo_cutsets_order_count(cs, 7), "0");
	struct text t = {{0}};
	assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_ORDER, 0, text_fn, &t), FO_OK);
	assert_string_equal(t.s, "{0,1}0.02 {0,2}0.03 {0,3}0.04 {2,3}0.12 ");
	t.s[0] = 0;
	assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_PROB, 2, text_fn, &t), FO_OK);
	assert_string_equal(t.s, "{2,3}0.12 {0,3}0.04 ");
	fo_cutsets_free(cs);
	fo_risk_free(r);
	fo_ft_free(ft);
}

/* An Aralia-like non-coherent tree: top = AND(OR(a, b), NOT c, XOR(a, d)).
 * Sets of positive literals: {a} (a true, d false: xor true; c false) is
 * minimal; {b, d} too. */
static void non_coherent_convention(void **state)
{
	(void)state;
	fo_ft *ft = NULL;
	uint32_t a, b, c, d, o, n, x, top;
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "a", 0.5, FO_NONE, &a), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "b", 0.5, FO_NONE, &b), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "c", 0.5, FO_NONE, &c), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "d", 0.5, FO_NONE, &d), FO_OK);
	assert_int_equal(fo_ft_add_gate(ft, NULL, FO_FT_OR, 0, (uint32_t[]){a, b}, 2, &o), FO_OK);
	assert_int_equal(fo_ft_add_gate(ft, NULL, FO_FT_NOT, 0, &c, 1, &n), FO_OK);
	assert_int_equal(fo_ft_add_gate(ft, NULL, FO_FT_XOR, 0, (uint32_t[]){a, d}, 2, &x), FO_OK);
	assert_int_equal(fo_ft_add_gate(ft, "top", FO_FT_AND, 0, (uint32_t[]){o, n, x}, 3, &top),
			 FO_OK);
	assert_int_equal(fo_ft_set_top(ft, top), FO_OK);
	fo_risk *r = NULL;
	assert_int_equal(fo_risk_new(&r, ft, NULL, NULL), FO_OK);
	double q;
	assert_int_equal(fo_risk_probability(r, &q), FO_OK);
	/* (a or b) and not c and (a xor d): of 16 equally likely states,
	 * c = 0 and (a, d) in {(1,0), (0,1)} with a or b: (1,0): b any -> 2;
	 * (0,1): b = 1 -> 1. 3 of 16. */
	assert_true(fabs(q - 3.0 / 16) < 1e-15);
	fo_cutsets *cs = NULL;
	assert_int_equal(fo_risk_cutsets(r, &cs), FO_OK);
	struct text t = {{0}};
	assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_ORDER, 0, text_fn, &t), FO_OK);
	assert_string_equal(t.s, "{0}0.5 {1,3}0.25 ");
	fo_cutsets_free(cs);
	fo_risk_free(r);
	fo_ft_free(ft);
}

static void certain_and_impossible_tops(void **state)
{
	(void)state;
	for (uint32_t k = 0; k < 2; k++) {
		fo_ft *ft = NULL;
		uint32_t a, cst, top;
		assert_int_equal(fo_ft_new(&ft), FO_OK);
		assert_int_equal(fo_ft_add_event(ft, "a", 0.5, FO_NONE, &a), FO_OK);
		assert_int_equal(fo_ft_add_gate(ft, NULL, FO_FT_CONST, k, NULL, 0, &cst), FO_OK);
		/* OR(a, true) is certain; AND(a, false) impossible. */
		assert_int_equal(fo_ft_add_gate(ft, "top", k ? FO_FT_OR : FO_FT_AND, 0,
						(uint32_t[]){a, cst}, 2, &top),
				 FO_OK);
		assert_int_equal(fo_ft_set_top(ft, top), FO_OK);
		fo_risk *r = NULL;
		assert_int_equal(fo_risk_new(&r, ft, NULL, NULL), FO_OK);
		double q;
		assert_int_equal(fo_risk_probability(r, &q), FO_OK);
		assert_true(q == (double)k);
		fo_cutsets *cs = NULL;
		assert_int_equal(fo_risk_cutsets(r, &cs), FO_OK);
		assert_int_equal(fo_cutsets_certain(cs), (int)k);
		assert_string_equal(fo_cutsets_count(cs), k ? "1" : "0");
		assert_string_equal(fo_cutsets_order_count(cs, 0), k ? "1" : "0");
		assert_int_equal(fo_cutsets_max_order(cs), 0);
		struct text t = {{0}};
		assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_ORDER, 0, text_fn, &t), FO_OK);
		assert_string_equal(t.s, k ? "{}1 " : "");
		fo_importance *im = NULL;
		size_t n = 9;
		assert_int_equal(fo_risk_importance(r, &im, &n), FO_OK);
		assert_int_equal(n, 1);
		assert_true(im[0].birnbaum == 0);
		free(im);
		fo_cutsets_free(cs);
		fo_risk_free(r);
		fo_ft_free(ft);
	}
}

struct tail {
	uint32_t last[3][2];
	size_t n;
};

static int tail_fn(void *arg, const uint32_t *events, uint32_t order, double p)
{
	struct tail *t = arg;
	assert_int_equal(order, 100);
	assert_true(p == ldexp(1, -100));
	t->last[t->n][0] = events[order - 2];
	t->last[t->n][1] = events[order - 1];
	t->n++;
	return 0;
}

/* AND of n ORs of 2 events: 2^n minimal sets of order n, counted exactly
 * past 64 bits (n = 100: 1267650600228229401496703205376). */
static void huge_counts_are_exact(void **state)
{
	(void)state;
	fo_ft *ft = NULL;
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	uint32_t ors[100];
	for (uint32_t i = 0; i < 100; i++) {
		uint32_t a, b;
		assert_int_equal(fo_ft_add_event(ft, "x", 0.5, FO_NONE, &a), FO_OK);
		assert_int_equal(fo_ft_add_event(ft, "y", 0.5, FO_NONE, &b), FO_OK);
		assert_int_equal(fo_ft_add_gate(ft, NULL, FO_FT_OR, 0, (uint32_t[]){a, b}, 2, &ors[i]),
				 FO_OK);
	}
	uint32_t top;
	assert_int_equal(fo_ft_add_gate(ft, "top", FO_FT_AND, 0, ors, 100, &top), FO_OK);
	assert_int_equal(fo_ft_set_top(ft, top), FO_OK);
	fo_risk *r = NULL;
	assert_int_equal(fo_risk_new(&r, ft, NULL, NULL), FO_OK);
	fo_cutsets *cs = NULL;
	assert_int_equal(fo_risk_cutsets(r, &cs), FO_OK);
	assert_string_equal(fo_cutsets_count(cs), "1267650600228229401496703205376");
	assert_string_equal(fo_cutsets_order_count(cs, 100), "1267650600228229401496703205376");
	assert_string_equal(fo_cutsets_order_count(cs, 99), "0");
	assert_true(fo_cutsets_count_f(cs) == ldexp(1, 100));
	/* Listing stays bounded by top: the three lexicographically first. */
	struct tail t = {0};
	assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_ORDER, 3, tail_fn, &t), FO_OK);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.last[0][0], 196);
	assert_int_equal(t.last[0][1], 198);
	assert_int_equal(t.last[1][0], 196);
	assert_int_equal(t.last[1][1], 199);
	assert_int_equal(t.last[2][0], 197);
	assert_int_equal(t.last[2][1], 198);
	fo_cutsets_free(cs);
	fo_risk_free(r);
	fo_ft_free(ft);
}

static void unknown_probability_is_refused(void **state)
{
	(void)state;
	fo_ft *ft = NULL;
	uint32_t a, b, top;
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "a", 0.5, FO_NONE, &a), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "b\n<x>", -1, FO_NONE, &b), FO_OK);
	assert_int_equal(fo_ft_add_gate(ft, "top", FO_FT_OR, 0, (uint32_t[]){a, b}, 2, &top), FO_OK);
	assert_int_equal(fo_ft_set_top(ft, top), FO_OK);
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	fo_risk *r = NULL;
	assert_int_equal(fo_risk_new(&r, ft, NULL, d), FO_OK);
	double q = 0;
	assert_int_equal(fo_risk_probability(r, &q), FO_EINVAL);
	assert_true(isnan(q));
	assert_int_equal(fo_diag_errors(d), 1);
	assert_string_equal(fo_diag_get(d, 0)->msg, "event 'b\n<x>' has no probability");
	fo_importance *im = NULL;
	size_t n = 0;
	assert_int_equal(fo_risk_importance(r, &im, &n), FO_EINVAL);
	assert_null(im);
	/* Cut sets need no probability; listing by probability does. */
	fo_cutsets *cs = NULL;
	assert_int_equal(fo_risk_cutsets(r, &cs), FO_OK);
	assert_string_equal(fo_cutsets_count(cs), "2");
	struct text t = {{0}};
	assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_PROB, 0, text_fn, &t), FO_EINVAL);
	assert_int_equal(fo_cutsets_list(cs, FO_CUTSETS_BY_ORDER, 0, text_fn, &t), FO_OK);
	assert_string_equal(t.s, "{0}0.5 {1}nan ");
	double rare;
	assert_int_equal(fo_risk_probability_rare(r, &rare), FO_EINVAL);
	fo_cutsets_free(cs);
	fo_risk_free(r);
	fo_diag_free(d);
	fo_ft_free(ft);
}

static void no_top_is_refused(void **state)
{
	(void)state;
	fo_ft *ft = NULL;
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	assert_int_equal(fo_ft_add_event(ft, "a", 0.5, FO_NONE, NULL), FO_OK);
	fo_risk *r = (fo_risk *)&r;
	assert_int_equal(fo_risk_new(&r, ft, NULL, NULL), FO_EINVAL);
	assert_null(r);
	fo_ft_free(ft);
}

/* A tree whose BDD needs more than the memory limit under any variable
 * order (20000 pairs x_i and y_i: at least one node per event) gives
 * FO_ELIMIT with the limit named on the diag, never a crash. */
static void memory_limit_gives_elimit(void **state)
{
	(void)state;
	fo_ft *ft = NULL;
	assert_int_equal(fo_ft_new(&ft), FO_OK);
	enum { N = 20000 };
	uint32_t *ands = malloc(N * sizeof *ands);
	assert_non_null(ands);
	for (uint32_t i = 0; i < N; i++) {
		uint32_t x, y;
		assert_int_equal(fo_ft_add_event(ft, "x", 0.5, FO_NONE, &x), FO_OK);
		assert_int_equal(fo_ft_add_event(ft, "y", 0.5, FO_NONE, &y), FO_OK);
		assert_int_equal(fo_ft_add_gate(ft, NULL, FO_FT_AND, 0, (uint32_t[]){x, y}, 2, &ands[i]),
				 FO_OK);
	}
	uint32_t top;
	assert_int_equal(fo_ft_add_gate(ft, "top", FO_FT_OR, 0, ands, N, &top), FO_OK);
	assert_int_equal(fo_ft_set_top(ft, top), FO_OK);
	free(ands);
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	fo_risk *r = NULL;
	fo_risk_opts opts = {.mem_limit = 1 << 20};
	assert_int_equal(fo_risk_new(&r, ft, &opts, d), FO_OK);
	double q;
	assert_int_equal(fo_risk_probability(r, &q), FO_ELIMIT);
	assert_true(fo_diag_errors(d) >= 1);
	assert_non_null(strstr(fo_diag_get(d, 0)->msg, "memory limit of 1048576 bytes"));
	fo_risk_stats st;
	fo_risk_stats_get(r, &st);
	assert_true(st.peak_bytes <= (size_t)1 << 20);
	fo_cutsets *cs = NULL;
	assert_int_equal(fo_risk_cutsets(r, &cs), FO_ELIMIT);
	assert_null(cs);
	fo_risk_free(r);
	/* With the default limit the same tree is solved. */
	assert_int_equal(fo_risk_new(&r, ft, NULL, NULL), FO_OK);
	assert_int_equal(fo_risk_probability(r, &q), FO_OK);
	assert_true(q > 0.999);
	fo_risk_free(r);
	fo_diag_free(d);
	fo_ft_free(ft);
}

/* 60 000 events under one OR and one AND: chains deeper than the 8 MiB
 * stack's bound (FO_DD_MAX_DEPTH), solved on the analyses' large stack. */
static void deep_chains_are_solved(void **state)
{
	(void)state;
	enum { N = 60000 };
	uint32_t *ev = malloc(N * sizeof *ev);
	assert_non_null(ev);
	for (int op = 0; op < 2; op++) {
		fo_ft *ft = NULL;
		assert_int_equal(fo_ft_new(&ft), FO_OK);
		for (uint32_t i = 0; i < N; i++)
			assert_int_equal(fo_ft_add_event(ft, "e", 0.5, i, &ev[i]), FO_OK);
		uint32_t top;
		assert_int_equal(fo_ft_add_gate(ft, "top", op ? FO_FT_AND : FO_FT_OR, 0, ev, N, &top),
				 FO_OK);
		assert_int_equal(fo_ft_set_top(ft, top), FO_OK);
		fo_risk *r = NULL;
		assert_int_equal(fo_risk_new(&r, ft, NULL, NULL), FO_OK);
		double q;
		assert_int_equal(fo_risk_probability(r, &q), FO_OK);
		assert_true(q == (op ? 0 : 1)); /* 2^-60000 rounds to 0 */
		fo_importance *im = NULL;
		size_t n = 0;
		assert_int_equal(fo_risk_importance(r, &im, &n), FO_OK);
		assert_int_equal(n, N);
		free(im);
		fo_cutsets *cs = NULL;
		assert_int_equal(fo_risk_cutsets(r, &cs), FO_OK);
		assert_string_equal(fo_cutsets_count(cs), op ? "1" : "60000");
		assert_string_equal(fo_cutsets_order_count(cs, op ? N : 1), op ? "1" : "60000");
		fo_cutsets_free(cs);
		fo_risk_free(r);
		fo_ft_free(ft);
	}
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_trees_match_brute_force),
		cmocka_unit_test(order_bound_is_exact),
		cmocka_unit_test(order_race_gives_same_answers),
		cmocka_unit_test(hand_tree_known_answers),
		cmocka_unit_test(non_coherent_convention),
		cmocka_unit_test(certain_and_impossible_tops),
		cmocka_unit_test(huge_counts_are_exact),
		cmocka_unit_test(unknown_probability_is_refused),
		cmocka_unit_test(no_top_is_refused),
		cmocka_unit_test(memory_limit_gives_elimit),
		cmocka_unit_test(deep_chains_are_solved),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
