/*
 * dd.c — the BDD/ZBDD manager of fo_dd.h.
 *
 * One flat node array (struct node, 16 bytes, plus a 4-byte external
 * reference count per node): indices are edges, 0 and 1 the terminals.
 * The unique table is an array of bucket heads chained through node.next;
 * free nodes are chained through next as well. The operation cache is a
 * direct-mapped array of (a, b, op|k<<8) -> result entries, cleared by
 * every GC. The mark bit of the mark-and-sweep collector is the top bit of
 * node.var, so collecting needs no memory and cannot fail.
 *
 * Growth doubles the node array (then the buckets and the cache, which
 * follow the node count) while the byte limit allows; past it, a smaller
 * step; then FO_ELIMIT. The recursions carry their depth so that a chain
 * deeper than FO_DD_MAX_DEPTH is refused instead of exhausting the stack.
 */
#include "fo_dd.h"

#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"

#define NIL UINT32_MAX
#define VAR_TERM 0x7FFFFFFFu
#define VAR_FREE 0x7FFFFFFEu
#define MARK 0x80000000u
#define VAR_MASK 0x7FFFFFFFu

enum {
	OP_AND = 1,
	OP_OR,
	OP_XOR,
	OP_NOT,
	OP_ZUNION,
	OP_ZWITHOUT,
	OP_ZMIN,
	OP_ZTRUNC,
	OP_ZPROD,
	OP_MINSOL,
	OP_ZSUBST,
};

struct node {
	uint32_t var, lo, hi, next;
};

struct centry {
	uint32_t a, b, c, r;
};

struct fo_dd {
	struct node *nodes;
	uint32_t *refs;
	uint32_t cap, used, free_head, live;
	uint32_t *buckets;
	uint32_t bmask;
	struct centry *cache;
	uint32_t cmask;
	uint32_t nvars;
	size_t limit, bytes, peak, charged;
	int err;
	int over_budget;
	size_t budget;
	uint32_t max_depth;
	uint64_t lookups, hits;
};

#ifndef CACHE_RATIO
#define CACHE_RATIO 4
#endif
#define NODE_BYTES (sizeof(struct node) + sizeof(uint32_t))

static void set_err(fo_dd *m, int err)
{
	if (m->err == FO_OK)
		m->err = err;
}

static int fits(const fo_dd *m, size_t more)
{
	return m->limit == 0 || (m->bytes <= m->limit && more <= m->limit - m->bytes);
}

static void add_bytes(fo_dd *m, size_t b)
{
	m->bytes += b;
	if (m->bytes > m->peak)
		m->peak = m->bytes;
}

static inline uint32_t hash3(uint32_t a, uint32_t b, uint32_t c)
{
	uint64_t h = (uint64_t)a * 0x9E3779B97F4A7C15ull;
	h ^= (uint64_t)b * 0xC2B2AE3D27D4EB4Full + (h >> 29);
	h ^= (uint64_t)c * 0x165667B19E3779F9ull + (h >> 31);
	h ^= h >> 32;
	return (uint32_t)h;
}

static inline uint32_t var_of(const fo_dd *m, uint32_t e)
{
	return m->nodes[e].var & VAR_MASK;
}

static void rehash(fo_dd *m)
{
	memset(m->buckets, 0xFF, ((size_t)m->bmask + 1) * sizeof *m->buckets);
	for (uint32_t i = 2; i < m->used; i++) {
		struct node *n = &m->nodes[i];
		if ((n->var & VAR_MASK) == VAR_FREE)
			continue;
		uint32_t h = hash3(n->var & VAR_MASK, n->lo, n->hi) & m->bmask;
		n->next = m->buckets[h];
		m->buckets[h] = i;
	}
}

/* Grows buckets and cache to follow the node capacity when the limit
 * allows; both are optional (a fuller table is slower, not wrong). */
static void grow_tables(fo_dd *m)
{
	size_t want = (size_t)m->bmask + 1;
	while (want < m->cap && want < ((size_t)1 << 31))
		want <<= 1;
	if (want > (size_t)m->bmask + 1) {
		size_t old = ((size_t)m->bmask + 1) * sizeof(uint32_t);
		size_t nb = want * sizeof(uint32_t);
		if (fits(m, nb - old)) {
			uint32_t *b = realloc(m->buckets, nb);
			if (b) {
				m->buckets = b;
				m->bmask = (uint32_t)(want - 1);
				add_bytes(m, nb - old);
				rehash(m);
			}
		}
	}
	size_t cwant = (size_t)m->cmask + 1;
	while (cwant < (size_t)m->cap * CACHE_RATIO / 2 && cwant < ((size_t)1 << 30))
		cwant <<= 1;
	if (cwant > (size_t)m->cmask + 1) {
		size_t old = ((size_t)m->cmask + 1) * sizeof(struct centry);
		size_t nb = cwant * sizeof(struct centry);
		if (fits(m, nb - old)) {
			struct centry *c = malloc(nb);
			if (c) {
				free(m->cache);
				m->cache = c;
				m->cmask = (uint32_t)(cwant - 1);
				memset(c, 0xFF, nb);
				m->bytes -= old;
				add_bytes(m, nb);
			}
		}
	}
}

static int grow_nodes(fo_dd *m)
{
	if (m->cap >= (1u << 31) - 2) {
		set_err(m, FO_ELIMIT);
		return -1;
	}
	uint64_t want = (uint64_t)m->cap * 2;
	if (want > (1u << 31) - 2)
		want = (1u << 31) - 2;
	while (want > m->cap && !fits(m, (size_t)(want - m->cap) * NODE_BYTES))
		want = m->cap + (want - m->cap) / 2;
	if (want <= m->cap + 16) {
		set_err(m, FO_ELIMIT);
		return -1;
	}
	struct node *n = realloc(m->nodes, (size_t)want * sizeof *n);
	if (!n) {
		set_err(m, FO_ENOMEM);
		return -1;
	}
	m->nodes = n;
	uint32_t *r = realloc(m->refs, (size_t)want * sizeof *r);
	if (!r) {
		set_err(m, FO_ENOMEM);
		return -1;
	}
	m->refs = r;
	memset(r + m->cap, 0, (size_t)(want - m->cap) * sizeof *r);
	add_bytes(m, (size_t)(want - m->cap) * NODE_BYTES);
	m->cap = (uint32_t)want;
	grow_tables(m);
	return 0;
}

/* The unique-table lookup: the one node (var, lo, hi), created if new. */
static uint32_t mk(fo_dd *m, uint32_t var, uint32_t lo, uint32_t hi)
{
	uint32_t h = hash3(var, lo, hi) & m->bmask;
	for (uint32_t i = m->buckets[h]; i != NIL; i = m->nodes[i].next) {
		const struct node *n = &m->nodes[i];
		if (n->lo == lo && n->hi == hi && (n->var & VAR_MASK) == var)
			return i;
	}
	uint32_t idx;
	if (m->budget && m->live >= m->budget) {
		m->over_budget = 1;
		set_err(m, FO_ELIMIT);
		return FO_DD_ERR;
	}
	if (m->free_head != NIL) {
		idx = m->free_head;
		m->free_head = m->nodes[idx].next;
	} else {
		if (m->used == m->cap) {
			if (grow_nodes(m) < 0)
				return FO_DD_ERR;
			h = hash3(var, lo, hi) & m->bmask; /* the table may have grown */
		}
		idx = m->used++;
	}
	struct node *n = &m->nodes[idx];
	n->var = var;
	n->lo = lo;
	n->hi = hi;
	n->next = m->buckets[h];
	m->buckets[h] = idx;
	m->refs[idx] = 0;
	m->live++;
	return idx;
}

static inline uint32_t bnode(fo_dd *m, uint32_t var, uint32_t lo, uint32_t hi)
{
	if (lo == FO_DD_ERR || hi == FO_DD_ERR)
		return FO_DD_ERR;
	if (lo == hi)
		return lo;
	return mk(m, var, lo, hi);
}

static inline uint32_t znode(fo_dd *m, uint32_t var, uint32_t lo, uint32_t hi)
{
	if (lo == FO_DD_ERR || hi == FO_DD_ERR)
		return FO_DD_ERR;
	if (hi == FO_DD_FALSE)
		return lo;
	return mk(m, var, lo, hi);
}

static inline struct centry *cslot(fo_dd *m, uint32_t a, uint32_t b, uint32_t c)
{
	return &m->cache[hash3(a, b, c) & m->cmask];
}

static inline uint32_t clook(fo_dd *m, uint32_t a, uint32_t b, uint32_t c)
{
	struct centry *e = cslot(m, a, b, c);
	m->lookups++;
	if (e->r != FO_DD_ERR && e->a == a && e->b == b && e->c == c) {
		m->hits++;
		return e->r;
	}
	return FO_DD_ERR;
}

static inline void cput(fo_dd *m, uint32_t a, uint32_t b, uint32_t c, uint32_t r)
{
	if (r == FO_DD_ERR)
		return;
	struct centry *e = cslot(m, a, b, c);
	e->a = a;
	e->b = b;
	e->c = c;
	e->r = r;
}

static int too_deep(fo_dd *m, uint32_t depth)
{
	if (depth > m->max_depth) {
		set_err(m, FO_ELIMIT);
		return 1;
	}
	return 0;
}

/* ---- Manager ---- */

int fo_dd_new(fo_dd **out, uint32_t nvars, size_t mem_limit)
{
	*out = NULL;
	if (nvars >= (1u << 24))
		return FO_EINVAL;
	uint32_t cap = 1024, nb = 1024, nc = 1024;
	size_t need = sizeof(fo_dd) + cap * NODE_BYTES + nb * sizeof(uint32_t) +
		      nc * sizeof(struct centry);
	if (mem_limit && mem_limit < need)
		return FO_ELIMIT;
	fo_dd *m = calloc(1, sizeof *m);
	if (!m)
		return FO_ENOMEM;
	m->nodes = malloc(cap * sizeof *m->nodes);
	m->refs = calloc(cap, sizeof *m->refs);
	m->buckets = malloc(nb * sizeof *m->buckets);
	m->cache = malloc(nc * sizeof *m->cache);
	if (!m->nodes || !m->refs || !m->buckets || !m->cache) {
		fo_dd_free(m);
		return FO_ENOMEM;
	}
	m->cap = cap;
	m->bmask = nb - 1;
	m->cmask = nc - 1;
	m->nvars = nvars;
	m->limit = mem_limit;
	m->max_depth = FO_DD_MAX_DEPTH;
	m->free_head = NIL;
	memset(m->buckets, 0xFF, nb * sizeof *m->buckets);
	memset(m->cache, 0xFF, nc * sizeof *m->cache);
	for (uint32_t i = 0; i < 2; i++) {
		m->nodes[i].var = VAR_TERM;
		m->nodes[i].lo = m->nodes[i].hi = i;
		m->nodes[i].next = NIL;
		m->refs[i] = 1;
	}
	m->used = 2;
	m->live = 2;
	m->bytes = 0;
	add_bytes(m, need);
	*out = m;
	return FO_OK;
}

void fo_dd_free(fo_dd *m)
{
	if (!m)
		return;
	free(m->nodes);
	free(m->refs);
	free(m->buckets);
	free(m->cache);
	free(m);
}

int fo_dd_error(const fo_dd *m) { return m->err; }
void fo_dd_clear_error(fo_dd *m)
{
	m->err = FO_OK;
	m->over_budget = 0;
}
void fo_dd_set_budget(fo_dd *m, size_t max_live) { m->budget = max_live; }
void fo_dd_set_max_depth(fo_dd *m, uint32_t depth) { m->max_depth = depth; }
int fo_dd_over_budget(const fo_dd *m) { return m->over_budget; }
uint32_t fo_dd_nvars(const fo_dd *m) { return m->nvars; }

uint32_t fo_dd_level(const fo_dd *m, fo_dd_edge e)
{
	return e < 2 ? FO_DD_TERMINAL_LEVEL : var_of(m, e);
}

fo_dd_edge fo_dd_lo(const fo_dd *m, fo_dd_edge e) { return m->nodes[e].lo; }
fo_dd_edge fo_dd_hi(const fo_dd *m, fo_dd_edge e) { return m->nodes[e].hi; }
uint32_t fo_dd_index_bound(const fo_dd *m) { return m->used; }
size_t fo_dd_bytes(const fo_dd *m) { return m->bytes; }
size_t fo_dd_peak_bytes(const fo_dd *m) { return m->peak; }
size_t fo_dd_live_nodes(const fo_dd *m) { return m->live; }

void fo_dd_cache_stats(const fo_dd *m, uint64_t *lookups, uint64_t *hits)
{
	*lookups = m->lookups;
	*hits = m->hits;
}

int fo_dd_charge(fo_dd *m, long long delta)
{
	if (delta < 0) {
		size_t d = (size_t)(-delta);
		if (d > m->charged)
			d = m->charged;
		m->charged -= d;
		m->bytes -= d;
		return FO_OK;
	}
	if (!fits(m, (size_t)delta))
		return FO_ELIMIT;
	m->charged += (size_t)delta;
	add_bytes(m, (size_t)delta);
	return FO_OK;
}

/* Marks the nodes reachable from root, returning how many were newly
 * marked. Iterative, whatever the depth: the stack is threaded through the
 * nodes' `next` fields, so the unique table must be rebuilt (rehash)
 * afterwards; free nodes are never reached, so the free list survives. */
static size_t mark_from(fo_dd *m, uint32_t root)
{
	if (m->nodes[root].var & MARK)
		return 0;
	m->nodes[root].var |= MARK;
	size_t n = 1;
	if (root < 2)
		return n;
	uint32_t top = root;
	m->nodes[root].next = NIL;
	while (top != NIL) {
		uint32_t e = top;
		top = m->nodes[e].next;
		uint32_t kids[2] = {m->nodes[e].lo, m->nodes[e].hi};
		for (int i = 0; i < 2; i++) {
			uint32_t c = kids[i];
			if (m->nodes[c].var & MARK)
				continue;
			m->nodes[c].var |= MARK;
			n++;
			if (c >= 2) {
				m->nodes[c].next = top;
				top = c;
			}
		}
	}
	return n;
}

static void unmark_all(fo_dd *m)
{
	for (uint32_t i = 0; i < m->used; i++)
		m->nodes[i].var &= ~MARK;
}

size_t fo_dd_size_n(fo_dd *m, const fo_dd_edge *e, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		if (e[i] != FO_DD_ERR)
			total += mark_from(m, e[i]);
	unmark_all(m);
	rehash(m);
	return total;
}

size_t fo_dd_size(fo_dd *m, fo_dd_edge e)
{
	return fo_dd_size_n(m, &e, 1);
}

void fo_dd_ref(fo_dd *m, fo_dd_edge e)
{
	if (e != FO_DD_ERR && m->refs[e] != UINT32_MAX)
		m->refs[e]++;
}

void fo_dd_deref(fo_dd *m, fo_dd_edge e)
{
	if (e != FO_DD_ERR && e >= 2 && m->refs[e] > 0 && m->refs[e] != UINT32_MAX)
		m->refs[e]--;
}

size_t fo_dd_gc(fo_dd *m)
{
	for (uint32_t i = 0; i < m->used; i++)
		if (m->refs[i] > 0 && (m->nodes[i].var & VAR_MASK) != VAR_FREE)
			mark_from(m, i);
	size_t freed = 0;
	m->free_head = NIL;
	/* Highest indices first into the free list, so reuse starts low. */
	for (uint32_t i = m->used; i-- > 2;) {
		struct node *n = &m->nodes[i];
		if ((n->var & VAR_MASK) == VAR_FREE) {
			n->next = m->free_head;
			m->free_head = i;
		} else if (n->var & MARK) {
			n->var &= ~MARK;
		} else {
			n->var = VAR_FREE;
			n->next = m->free_head;
			m->free_head = i;
			freed++;
		}
	}
	m->nodes[0].var &= ~MARK;
	m->nodes[1].var &= ~MARK;
	m->live -= (uint32_t)freed;
	/* Trim the high-water mark over a free tail so index_bound shrinks. */
	while (m->used > 2 && (m->nodes[m->used - 1].var & VAR_MASK) == VAR_FREE)
		m->used--;
	m->free_head = NIL;
	for (uint32_t i = m->used; i-- > 2;)
		if ((m->nodes[i].var & VAR_MASK) == VAR_FREE) {
			m->nodes[i].next = m->free_head;
			m->free_head = i;
		}
	rehash(m);
	memset(m->cache, 0xFF, ((size_t)m->cmask + 1) * sizeof *m->cache);
	return freed;
}

size_t fo_dd_gc_maybe(fo_dd *m, size_t *live_after_last)
{
	/* Collect only when the next node would force the table to grow and
	 * enough of it may be garbage to make room. */
	if (m->free_head != NIL || m->used < m->cap - m->cap / 8 ||
	    m->live < 2 * *live_after_last)
		return 0;
	size_t freed = fo_dd_gc(m);
	*live_after_last = m->live;
	return freed;
}

/* ---- BDD ---- */

fo_dd_edge fo_dd_bdd_var(fo_dd *m, uint32_t level)
{
	if (level >= m->nvars) {
		set_err(m, FO_EINVAL);
		return FO_DD_ERR;
	}
	return mk(m, level, FO_DD_FALSE, FO_DD_TRUE);
}

fo_dd_edge fo_dd_bdd_node(fo_dd *m, uint32_t level, fo_dd_edge lo, fo_dd_edge hi)
{
	if (level >= m->nvars) {
		set_err(m, FO_EINVAL);
		return FO_DD_ERR;
	}
	return bnode(m, level, lo, hi);
}

static uint32_t bnot(fo_dd *m, uint32_t f, uint32_t depth)
{
	if (f < 2)
		return f ^ 1u;
	if (too_deep(m, depth))
		return FO_DD_ERR;
	uint32_t r = clook(m, f, 0, OP_NOT);
	if (r != FO_DD_ERR)
		return r;
	uint32_t v = var_of(m, f), lo = m->nodes[f].lo, hi = m->nodes[f].hi;
	uint32_t l = bnot(m, lo, depth + 1);
	if (l == FO_DD_ERR)
		return FO_DD_ERR;
	uint32_t h = bnot(m, hi, depth + 1);
	r = bnode(m, v, l, h);
	cput(m, f, 0, OP_NOT, r);
	return r;
}

static uint32_t apply(fo_dd *m, uint32_t op, uint32_t f, uint32_t g, uint32_t depth)
{
	switch (op) {
	case OP_AND:
		if (f == 0 || g == 0)
			return 0;
		if (f == 1 || f == g)
			return g;
		if (g == 1)
			return f;
		break;
	case OP_OR:
		if (f == 1 || g == 1)
			return 1;
		if (f == 0 || f == g)
			return g;
		if (g == 0)
			return f;
		break;
	default: /* OP_XOR */
		if (f == g)
			return 0;
		if (f == 0)
			return g;
		if (g == 0)
			return f;
		if (f == 1)
			return bnot(m, g, depth);
		if (g == 1)
			return bnot(m, f, depth);
		break;
	}
	if (too_deep(m, depth))
		return FO_DD_ERR;
	if (f > g) {
		uint32_t t = f;
		f = g;
		g = t;
	}
	uint32_t r = clook(m, f, g, op);
	if (r != FO_DD_ERR)
		return r;
	uint32_t vf = var_of(m, f), vg = var_of(m, g);
	uint32_t v = vf < vg ? vf : vg;
	uint32_t f0 = f, f1 = f, g0 = g, g1 = g;
	if (vf == v) {
		f0 = m->nodes[f].lo;
		f1 = m->nodes[f].hi;
	}
	if (vg == v) {
		g0 = m->nodes[g].lo;
		g1 = m->nodes[g].hi;
	}
	uint32_t lo = apply(m, op, f0, g0, depth + 1);
	if (lo == FO_DD_ERR)
		return FO_DD_ERR;
	uint32_t hi = apply(m, op, f1, g1, depth + 1);
	r = bnode(m, v, lo, hi);
	cput(m, f, g, op, r);
	return r;
}

fo_dd_edge fo_dd_bdd_not(fo_dd *m, fo_dd_edge f)
{
	if (f == FO_DD_ERR || m->err)
		return FO_DD_ERR;
	return bnot(m, f, 0);
}

fo_dd_edge fo_dd_bdd_and(fo_dd *m, fo_dd_edge f, fo_dd_edge g)
{
	if (f == FO_DD_ERR || g == FO_DD_ERR || m->err)
		return FO_DD_ERR;
	return apply(m, OP_AND, f, g, 0);
}

fo_dd_edge fo_dd_bdd_or(fo_dd *m, fo_dd_edge f, fo_dd_edge g)
{
	if (f == FO_DD_ERR || g == FO_DD_ERR || m->err)
		return FO_DD_ERR;
	return apply(m, OP_OR, f, g, 0);
}

fo_dd_edge fo_dd_bdd_xor(fo_dd *m, fo_dd_edge f, fo_dd_edge g)
{
	if (f == FO_DD_ERR || g == FO_DD_ERR || m->err)
		return FO_DD_ERR;
	return apply(m, OP_XOR, f, g, 0);
}

/* ---- ZBDD ---- */

fo_dd_edge fo_dd_zdd_single(fo_dd *m, uint32_t level)
{
	if (level >= m->nvars) {
		set_err(m, FO_EINVAL);
		return FO_DD_ERR;
	}
	return mk(m, level, FO_DD_FALSE, FO_DD_TRUE);
}

fo_dd_edge fo_dd_zdd_node(fo_dd *m, uint32_t level, fo_dd_edge lo, fo_dd_edge hi)
{
	if (level >= m->nvars) {
		set_err(m, FO_EINVAL);
		return FO_DD_ERR;
	}
	return znode(m, level, lo, hi);
}

static uint32_t zunion(fo_dd *m, uint32_t p, uint32_t q, uint32_t depth)
{
	if (p == 0 || p == q)
		return q;
	if (q == 0)
		return p;
	if (too_deep(m, depth))
		return FO_DD_ERR;
	if (p > q) {
		uint32_t t = p;
		p = q;
		q = t;
	}
	uint32_t r = clook(m, p, q, OP_ZUNION);
	if (r != FO_DD_ERR)
		return r;
	uint32_t vp = var_of(m, p), vq = var_of(m, q);
	if (vp < vq) {
		uint32_t lo = zunion(m, m->nodes[p].lo, q, depth + 1);
		r = znode(m, vp, lo, m->nodes[p].hi);
	} else if (vq < vp) {
		uint32_t lo = zunion(m, p, m->nodes[q].lo, depth + 1);
		r = znode(m, vq, lo, m->nodes[q].hi);
	} else {
		uint32_t lo = zunion(m, m->nodes[p].lo, m->nodes[q].lo, depth + 1);
		if (lo == FO_DD_ERR)
			return FO_DD_ERR;
		uint32_t hi = zunion(m, m->nodes[p].hi, m->nodes[q].hi, depth + 1);
		r = znode(m, vp, lo, hi);
	}
	cput(m, p, q, OP_ZUNION, r);
	return r;
}

static uint32_t zwithout(fo_dd *m, uint32_t p, uint32_t q, uint32_t depth)
{
	if (p == 0 || q == 1 || p == q)
		return 0;
	if (q == 0)
		return p;
	if (too_deep(m, depth))
		return FO_DD_ERR;
	uint32_t vp = var_of(m, p), vq = var_of(m, q);
	uint32_t r = clook(m, p, q, OP_ZWITHOUT);
	if (r != FO_DD_ERR)
		return r;
	if (vq < vp) {
		/* Sets of p lack q's top variable: only q's lo can be inside.
		 * Cached too: without({{}}, chain) walks a whole lo chain, once. */
		r = zwithout(m, p, m->nodes[q].lo, depth + 1);
	} else if (vp < vq) {
		uint32_t lo = zwithout(m, m->nodes[p].lo, q, depth + 1);
		if (lo == FO_DD_ERR)
			return FO_DD_ERR;
		uint32_t hi = zwithout(m, m->nodes[p].hi, q, depth + 1);
		r = znode(m, vp, lo, hi);
	} else {
		uint32_t lo = zwithout(m, m->nodes[p].lo, m->nodes[q].lo, depth + 1);
		if (lo == FO_DD_ERR)
			return FO_DD_ERR;
		uint32_t hi = zwithout(m, m->nodes[p].hi, m->nodes[q].lo, depth + 1);
		if (hi == FO_DD_ERR)
			return FO_DD_ERR;
		hi = zwithout(m, hi, m->nodes[q].hi, depth + 1);
		r = znode(m, vp, lo, hi);
	}
	cput(m, p, q, OP_ZWITHOUT, r);
	return r;
}

static uint32_t zmin(fo_dd *m, uint32_t p, uint32_t depth)
{
	if (p < 2)
		return p;
	if (too_deep(m, depth))
		return FO_DD_ERR;
	uint32_t r = clook(m, p, 0, OP_ZMIN);
	if (r != FO_DD_ERR)
		return r;
	uint32_t lo = zmin(m, m->nodes[p].lo, depth + 1);
	if (lo == FO_DD_ERR)
		return FO_DD_ERR;
	uint32_t hi = zmin(m, m->nodes[p].hi, depth + 1);
	if (hi == FO_DD_ERR)
		return FO_DD_ERR;
	hi = zwithout(m, hi, lo, depth + 1);
	r = znode(m, var_of(m, p), lo, hi);
	cput(m, p, 0, OP_ZMIN, r);
	return r;
}

/* Whether the family p holds the empty set (the lo chain ends in 1). */
static uint32_t has_empty(const fo_dd *m, uint32_t p)
{
	while (p >= 2)
		p = m->nodes[p].lo;
	return p;
}

static uint32_t ztrunc(fo_dd *m, uint32_t p, uint32_t k, uint32_t depth)
{
	if (p < 2 || k >= FO_DD_NO_BOUND)
		return p;
	if (k == 0)
		return has_empty(m, p);
	if (too_deep(m, depth))
		return FO_DD_ERR;
	uint32_t r = clook(m, p, k, OP_ZTRUNC);
	if (r != FO_DD_ERR)
		return r;
	uint32_t lo = ztrunc(m, m->nodes[p].lo, k, depth + 1);
	if (lo == FO_DD_ERR)
		return FO_DD_ERR;
	uint32_t hi = ztrunc(m, m->nodes[p].hi, k - 1, depth + 1);
	r = znode(m, var_of(m, p), lo, hi);
	cput(m, p, k, OP_ZTRUNC, r);
	return r;
}

static uint32_t zprod(fo_dd *m, uint32_t p, uint32_t q, uint32_t k, uint32_t depth)
{
	if (p == 0 || q == 0)
		return 0;
	if (p == 1)
		return ztrunc(m, q, k, depth);
	if (q == 1)
		return ztrunc(m, p, k, depth);
	if (k == 0)
		return has_empty(m, p) & has_empty(m, q);
	if (too_deep(m, depth))
		return FO_DD_ERR;
	if (p > q) {
		uint32_t t = p;
		p = q;
		q = t;
	}
	uint32_t key = k >= FO_DD_NO_BOUND ? FO_DD_NO_BOUND : k;
	uint32_t c = OP_ZPROD | (key << 8);
	uint32_t r = clook(m, p, q, c);
	if (r != FO_DD_ERR)
		return r;
	uint32_t vp = var_of(m, p), vq = var_of(m, q);
	uint32_t v = vp < vq ? vp : vq;
	uint32_t p0 = p, p1 = 0, q0 = q, q1 = 0;
	if (vp == v) {
		p0 = m->nodes[p].lo;
		p1 = m->nodes[p].hi;
	}
	if (vq == v) {
		q0 = m->nodes[q].lo;
		q1 = m->nodes[q].hi;
	}
	uint32_t k1 = key >= FO_DD_NO_BOUND ? key : key - 1;
	uint32_t lo = zprod(m, p0, q0, key, depth + 1);
	if (lo == FO_DD_ERR)
		return FO_DD_ERR;
	uint32_t a = zprod(m, p1, q1, k1, depth + 1);
	if (a == FO_DD_ERR)
		return FO_DD_ERR;
	uint32_t b = zprod(m, p1, q0, k1, depth + 1);
	if (b == FO_DD_ERR)
		return FO_DD_ERR;
	uint32_t hi = zunion(m, a, b, depth + 1);
	if (hi == FO_DD_ERR)
		return FO_DD_ERR;
	b = zprod(m, p0, q1, k1, depth + 1);
	if (b == FO_DD_ERR)
		return FO_DD_ERR;
	hi = zunion(m, hi, b, depth + 1);
	r = znode(m, v, lo, hi);
	cput(m, p, q, c, r);
	return r;
}

/* Whether f is true with every variable false (the lo chain ends in 1). */
static uint32_t bdd_at_zero(const fo_dd *m, uint32_t f)
{
	return has_empty(m, f);
}

static uint32_t minsol(fo_dd *m, uint32_t f, uint32_t k, uint32_t depth)
{
	if (f < 2)
		return f;
	if (k == 0)
		return bdd_at_zero(m, f);
	if (too_deep(m, depth))
		return FO_DD_ERR;
	uint32_t c = OP_MINSOL | (k << 8);
	uint32_t r = clook(m, f, 0, c);
	if (r != FO_DD_ERR)
		return r;
	uint32_t lo = minsol(m, m->nodes[f].lo, k, depth + 1);
	if (lo == FO_DD_ERR)
		return FO_DD_ERR;
	uint32_t hi = minsol(m, m->nodes[f].hi, k >= FO_DD_NO_BOUND ? k : k - 1, depth + 1);
	if (hi == FO_DD_ERR)
		return FO_DD_ERR;
	hi = zwithout(m, hi, lo, depth + 1);
	r = znode(m, var_of(m, f), lo, hi);
	cput(m, f, 0, c, r);
	return r;
}

/* z with the variable `level` replaced by the family c, whose levels are
 * all below `level` and disjoint from z's: the sets with the variable
 * become their products with c's sets. */
static uint32_t zsubst(fo_dd *m, uint32_t z, uint32_t level, uint32_t c, uint32_t depth)
{
	if (z < 2 || var_of(m, z) > level)
		return z;
	if (too_deep(m, depth))
		return FO_DD_ERR;
	uint32_t key = OP_ZSUBST | (level << 8);
	uint32_t r = clook(m, z, c, key);
	if (r != FO_DD_ERR)
		return r;
	uint32_t v = var_of(m, z);
	if (v == level) {
		uint32_t h = zprod(m, m->nodes[z].hi, c, FO_DD_NO_BOUND, depth + 1);
		r = h == FO_DD_ERR ? h : zunion(m, m->nodes[z].lo, h, depth + 1);
	} else {
		uint32_t lo = zsubst(m, m->nodes[z].lo, level, c, depth + 1);
		if (lo == FO_DD_ERR)
			return FO_DD_ERR;
		uint32_t hi = zsubst(m, m->nodes[z].hi, level, c, depth + 1);
		r = znode(m, v, lo, hi);
	}
	cput(m, z, c, key, r);
	return r;
}

fo_dd_edge fo_dd_zdd_subst(fo_dd *m, fo_dd_edge z, uint32_t level, fo_dd_edge c)
{
	if (z == FO_DD_ERR || c == FO_DD_ERR || m->err)
		return FO_DD_ERR;
	if (level >= m->nvars) {
		set_err(m, FO_EINVAL);
		return FO_DD_ERR;
	}
	return zsubst(m, z, level, c, 0);
}

fo_dd_edge fo_dd_zdd_union(fo_dd *m, fo_dd_edge p, fo_dd_edge q)
{
	if (p == FO_DD_ERR || q == FO_DD_ERR || m->err)
		return FO_DD_ERR;
	return zunion(m, p, q, 0);
}

fo_dd_edge fo_dd_zdd_without(fo_dd *m, fo_dd_edge p, fo_dd_edge q)
{
	if (p == FO_DD_ERR || q == FO_DD_ERR || m->err)
		return FO_DD_ERR;
	return zwithout(m, p, q, 0);
}

fo_dd_edge fo_dd_zdd_minimize(fo_dd *m, fo_dd_edge p)
{
	if (p == FO_DD_ERR || m->err)
		return FO_DD_ERR;
	return zmin(m, p, 0);
}

fo_dd_edge fo_dd_zdd_truncate(fo_dd *m, fo_dd_edge p, uint32_t k)
{
	if (p == FO_DD_ERR || m->err)
		return FO_DD_ERR;
	return ztrunc(m, p, k, 0);
}

fo_dd_edge fo_dd_zdd_product(fo_dd *m, fo_dd_edge p, fo_dd_edge q, uint32_t k)
{
	if (p == FO_DD_ERR || q == FO_DD_ERR || m->err)
		return FO_DD_ERR;
	return zprod(m, p, q, k >= FO_DD_NO_BOUND ? FO_DD_NO_BOUND : k, 0);
}

fo_dd_edge fo_dd_zdd_minsol(fo_dd *m, fo_dd_edge f, uint32_t k)
{
	if (f == FO_DD_ERR || m->err)
		return FO_DD_ERR;
	return minsol(m, f, k >= FO_DD_NO_BOUND ? FO_DD_NO_BOUND : k, 0);
}
