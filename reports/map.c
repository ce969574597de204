/*
 * map.c — the impact map (fo_map.h; the rules are in docs/diagrams.md).
 *
 * One pass resolves each scope node's containment depth, whether it is
 * "open" (a cluster when it holds drawn nodes) and its home (the nearest
 * open container above it), memoised per node so that a deep containment
 * chain costs its length once, not once per node under it. Openness is
 * closed upwards (an open node's container is open), so the home is simply
 * the first open container met going up. A second pass gives each node its
 * item — a cluster, the node itself, or a box keyed by (home, kind) and for
 * apps (tenant, tier) in a hash table — and a third walks the groups owned by
 * scope nodes for the links (keyed by (from, to, type)) and for the groups
 * that were hit but held.
 */
#include "fo_map.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"

fo_map_cat fo_map_category(unsigned f)
{
	if (f & FO_F_LOST)
		return FO_MAP_LOST;
	if (f & (FO_F_FAILED | FO_F_DESTROYED))
		return FO_MAP_FAILED;
	if (f & FO_F_DOWN)
		return FO_MAP_DOWN;
	if (f & FO_F_DEGRADED)
		return FO_MAP_DEGRADED;
	if (f & FO_F_AT_RISK)
		return FO_MAP_AT_RISK;
	return FO_MAP_UP;
}

/* How bad a category is, for the colour of a link standing for several. */
static int severity(fo_map_cat c)
{
	static const int rank[FO_MAP_CAT_COUNT] = {
		[FO_MAP_LOST] = 5, [FO_MAP_FAILED] = 4, [FO_MAP_DOWN] = 3,
		[FO_MAP_DEGRADED] = 2, [FO_MAP_AT_RISK] = 1, [FO_MAP_UP] = 0,
	};
	return rank[c];
}

const char fo_map_other_tenants[] = "other tenants";

/* Scenario nodes drawn by name in a map, at most. */
#define FO_MAP_NAMED_FAILURES 16

enum {
	F_KIDS = 1,    /* some scope node is located in it */
	F_EXP = 2,     /* expanded */
	F_EXPANC = 4,  /* an expanded node is inside it */
	F_OPEN = 8,
	F_DONE = 16,   /* depth, open and home resolved */
};

typedef struct build {
	const fo_engine *e;
	const fo_graph *g;
	fo_graph_view v;
	const uint8_t *in;
	const fo_map_opts *o;
	uint8_t *fl;
	uint32_t *depth, *home, *stack;
	uint32_t *slot; /* box / link hash tables: index + 1, 0 = empty */
	size_t nslot;
	size_t cap_items, cap_links;
	size_t nscenario;
	/* tenants of the scope's apps, ranked (maps only): the named ones */
	const char **tenant;
	uint32_t *tslot;
	size_t ntenant, ntslot;
	uint8_t *named;
	fo_map *m;
} build;

static uint64_t mix(uint64_t h, uint64_t x)
{
	h ^= x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	if (!s)
		return mix(h, 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

static int is_collapsed(const build *b, uint32_t v)
{
	if (!b->o->collapse)
		return 0;
	const char *k = fo_graph_node_kind_word(b->g, v);
	for (const char *const *c = b->o->collapse; *c; c++)
		if (!strcmp(*c, k))
			return 1;
	return 0;
}

/* Whether v may be open, given that its container is. */
static int open_here(const build *b, uint32_t v, uint32_t depth)
{
	uint32_t up = b->v.container[v];
	if (b->o->nodes)
		return !is_collapsed(b, v);
	if (b->fl[v] & (F_EXP | F_EXPANC))
		return 1;
	if (up != FO_NONE && (b->fl[up] & F_EXP))
		return 1;
	return b->o->level >= 0 && depth <= (uint32_t)b->o->level;
}

/* Resolves v and every unresolved container above it, outermost first. */
static void resolve(build *b, uint32_t v)
{
	size_t top = 0;
	uint32_t x = v;
	while (x != FO_NONE && !(b->fl[x] & F_DONE)) {
		b->stack[top++] = x;
		x = b->v.container[x];
	}
	while (top) {
		x = b->stack[--top];
		uint32_t up = b->v.container[x];
		if (up == FO_NONE) {
			b->depth[x] = 0;
			b->home[x] = FO_NONE;
		} else {
			b->depth[x] = b->depth[up] + 1;
			b->home[x] = (b->fl[up] & F_OPEN) ? up : b->home[up];
		}
		if ((up == FO_NONE || (b->fl[up] & F_OPEN)) && open_here(b, x, b->depth[x]))
			b->fl[x] |= F_OPEN;
		b->fl[x] |= F_DONE;
	}
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 64;
	while (nc < need)
		nc *= 2;
	void *q = realloc(*p, nc * size);
	if (!q)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

/* A fresh, empty hash table of at least 2 * want slots. */
static int table_reset(build *b, size_t want)
{
	size_t ns = 256;
	while (ns < 2 * want)
		ns *= 2;
	if (ns != b->nslot) {
		free(b->slot);
		b->nslot = 0;
		if (!(b->slot = malloc(ns * sizeof *b->slot)))
			return -1;
		b->nslot = ns;
	}
	memset(b->slot, 0, ns * sizeof *b->slot);
	return 0;
}

static int new_item(build *b, uint32_t *out)
{
	fo_map *m = b->m;
	if (grow((void **)&m->items, &b->cap_items, m->nitems + 1, sizeof *m->items) < 0)
		return -1;
	memset(&m->items[m->nitems], 0, sizeof *m->items);
	*out = (uint32_t)m->nitems++;
	return 0;
}

static uint64_t box_hash(const fo_map_item *it)
{
	uint64_t h = mix(1469598103934665603ull, it->home);
	h = hash_str(h, it->kind);
	h = hash_str(h, it->tenant);
	return mix(h, it->tier);
}

static int box_equal(const fo_map_item *a, const fo_map_item *k)
{
	return a->node == FO_NONE && a->home == k->home && !strcmp(a->kind, k->kind) &&
	       a->tier == k->tier &&
	       (a->tenant == k->tenant || (a->tenant && k->tenant && !strcmp(a->tenant, k->tenant)));
}

/* The box with key k (home, kind, tenant, tier), made when missing. The
 * table holds boxes only, and is grown (rehashed) at half full. */
static int box_get(build *b, const fo_map_item *k, uint32_t *out)
{
	fo_map *m = b->m;
	if (2 * (m->nitems + 1) > b->nslot) {
		size_t ns = b->nslot * 2;
		uint32_t *slot = calloc(ns, sizeof *slot);
		if (!slot)
			return -1;
		for (size_t i = 0; i < m->nitems; i++) {
			if (m->items[i].node != FO_NONE)
				continue;
			size_t j = box_hash(&m->items[i]) & (ns - 1);
			while (slot[j])
				j = (j + 1) & (ns - 1);
			slot[j] = (uint32_t)i + 1;
		}
		free(b->slot);
		b->slot = slot;
		b->nslot = ns;
	}
	size_t j = box_hash(k) & (b->nslot - 1);
	for (; b->slot[j]; j = (j + 1) & (b->nslot - 1))
		if (box_equal(&m->items[b->slot[j] - 1], k)) {
			*out = b->slot[j] - 1;
			return 0;
		}
	uint32_t i;
	if (new_item(b, &i) < 0)
		return -1;
	m->items[i] = *k;
	b->slot[j] = i + 1;
	*out = i;
	return 0;
}

static uint64_t link_hash(uint32_t from, uint32_t to, unsigned type)
{
	return mix(mix(mix(7, from), to), type);
}

static int link_add(build *b, uint32_t from, uint32_t to, unsigned type, fo_map_cat cat)
{
	fo_map *m = b->m;
	if (2 * (m->nlinks + 1) > b->nslot) {
		size_t ns = b->nslot * 2;
		uint32_t *slot = calloc(ns, sizeof *slot);
		if (!slot)
			return -1;
		for (size_t i = 0; i < m->nlinks; i++) {
			const fo_map_link *l = &m->links[i];
			size_t j = link_hash(l->from, l->to, l->type) & (ns - 1);
			while (slot[j])
				j = (j + 1) & (ns - 1);
			slot[j] = (uint32_t)i + 1;
		}
		free(b->slot);
		b->slot = slot;
		b->nslot = ns;
	}
	size_t j = link_hash(from, to, type) & (b->nslot - 1);
	for (; b->slot[j]; j = (j + 1) & (b->nslot - 1)) {
		fo_map_link *l = &m->links[b->slot[j] - 1];
		if (l->from == from && l->to == to && l->type == type) {
			l->count++;
			if (severity(cat) > severity(l->cat))
				l->cat = cat;
			return 0;
		}
	}
	if (grow((void **)&m->links, &b->cap_links, m->nlinks + 1, sizeof *m->links) < 0)
		return -1;
	m->links[m->nlinks] = (fo_map_link){ from, to, type, cat, 1 };
	b->slot[j] = (uint32_t)++m->nlinks;
	return 0;
}

/* Whether v is drawn as itself rather than in a box of its kind. */
static int single(const build *b, uint32_t v)
{
	uint32_t up = b->v.container[v];
	if (b->o->nodes)
		return b->home[v] == up && !is_collapsed(b, v);
	if (b->fl[v] & F_EXP)
		return 1;
	if (up != FO_NONE && (b->fl[up] & F_EXP))
		return 1;
	/* the scenario's own nodes are the news: named, unless there are
	 * many of them */
	return b->nscenario <= FO_MAP_NAMED_FAILURES && fo_engine_flags(b->e, v) &&
	       fo_engine_root(b->e, v) == v;
}

/* Index of tenant t in b->tenant (added when `add`), or -1. */
static long tenant_index(build *b, const char *t, int add)
{
	size_t j = hash_str(1469598103934665603ull, t) & (b->ntslot - 1);
	for (; b->tslot[j]; j = (j + 1) & (b->ntslot - 1)) {
		const char *x = b->tenant[b->tslot[j] - 1];
		if (x == t || !strcmp(x, t))
			return (long)b->tslot[j] - 1;
	}
	if (!add)
		return -1;
	b->tenant[b->ntenant] = t;
	b->tslot[j] = (uint32_t)++b->ntenant;
	return (long)b->ntenant - 1;
}

typedef struct tenant_rank {
	uint32_t index;
	uint64_t score;
	const char *name;
} tenant_rank;

static int cmp_rank(const void *pa, const void *pb)
{
	const tenant_rank *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Ranks the tenants of the scope's apps by impact (apps down, then
 * degraded, then at-risk, tier 1 weighing most) and names the first
 * FO_MAP_TENANTS; the apps of the others share boxes. O(scope + tenants
 * log tenants). */
static int rank_tenants(build *b, const uint32_t *scope, size_t n)
{
	size_t napps = 0;
	tenant_rank *r = NULL;
	int err = -1;
	for (size_t i = 0; i < n; i++)
		napps += fo_graph_node_kind(b->g, scope[i]) == FO_KIND_APP &&
			 fo_graph_node_tenant(b->g, scope[i]);
	b->ntslot = 16;
	while (b->ntslot < 2 * napps + 2)
		b->ntslot *= 2;
	if (!(b->tslot = calloc(b->ntslot, sizeof *b->tslot)) ||
	    !(b->tenant = malloc((napps ? napps : 1) * sizeof *b->tenant)) ||
	    !(r = calloc(napps ? napps : 1, sizeof *r)))
		goto done;
	for (size_t i = 0; i < n; i++) {
		uint32_t v = scope[i];
		const char *t = fo_graph_node_tenant(b->g, v);
		if (!t || fo_graph_node_kind(b->g, v) != FO_KIND_APP)
			continue;
		long ti = tenant_index(b, t, 1);
		unsigned f = fo_engine_flags(b->e, v), tier = fo_graph_node_tier(b->g, v);
		uint64_t w = tier == 1 ? 4 : tier == 2 ? 2 : 1;
		r[ti].index = (uint32_t)ti;
		r[ti].name = t;
		r[ti].score += (f & FO_F_DOWN)       ? w << 40
			       : (f & FO_F_DEGRADED) ? w << 20
			       : (f & FO_F_AT_RISK)  ? w : 0;
	}
	if (!(b->named = calloc(b->ntenant ? b->ntenant : 1, 1)))
		goto done;
	qsort(r, b->ntenant, sizeof *r, cmp_rank);
	for (size_t i = 0; i < b->ntenant && i < FO_MAP_TENANTS; i++)
		b->named[r[i].index] = 1;
	err = 0;
done:
	free(r);
	return err;
}

static int items(build *b, const uint32_t *scope, size_t n)
{
	fo_map *m = b->m;
	for (size_t i = 0; i < n; i++) {
		uint32_t v = scope[i], it;
		if ((b->fl[v] & F_OPEN) && (b->fl[v] & F_KIDS)) {
			if (new_item(b, &it) < 0)
				return -1;
			m->items[it].node = v;
			m->items[it].home = b->home[v];
			m->items[it].cluster = 1;
			m->items[it].kind = fo_graph_node_kind_word(b->g, v);
		} else if (single(b, v)) {
			if (new_item(b, &it) < 0)
				return -1;
			m->items[it].node = v;
			m->items[it].home = b->home[v];
			m->items[it].kind = fo_graph_node_kind_word(b->g, v);
		} else {
			fo_map_item k = { 0 };
			k.node = FO_NONE;
			k.home = b->home[v];
			k.kind = fo_graph_node_kind_word(b->g, v);
			if (fo_graph_node_kind(b->g, v) == FO_KIND_APP) {
				int lv = b->o->nodes ? 0 : b->o->level;
				if (lv >= -2)
					k.tenant = fo_graph_node_tenant(b->g, v);
				if (k.tenant && !b->o->nodes && !b->named[tenant_index(b, k.tenant, 0)])
					k.tenant = fo_map_other_tenants;
				if (lv >= -1)
					k.tier = fo_graph_node_tier(b->g, v);
			}
			if (box_get(b, &k, &it) < 0)
				return -1;
		}
		m->item_of[v] = it;
		fo_map_item *x = &m->items[it];
		if (x->node == FO_NONE && !x->total)
			x->held_k = v; /* the first node, until links() */
		x->count[fo_map_category(fo_engine_flags(b->e, v))]++;
		x->total++;
	}
	return 0;
}

/* A box of one node becomes that node. */
static void singles(build *b)
{
	fo_map *m = b->m;
	for (size_t i = 0; i < m->nitems; i++) {
		fo_map_item *x = &m->items[i];
		if (x->node != FO_NONE)
			continue;
		uint32_t v = x->held_k;
		x->held_k = 0;
		if (x->total == 1) {
			x->node = v;
			x->tenant = NULL;
			x->tier = 0;
		}
	}
}

static int links(build *b, const uint32_t *scope, size_t n)
{
	fo_map *m = b->m;
	const fo_graph_view *gv = &b->v;
	for (size_t i = 0; i < n; i++) {
		uint32_t v = scope[i], to = m->item_of[v];
		unsigned vf = fo_engine_flags(b->e, v);
		uint32_t cause = fo_engine_cause(b->e, v), cgroup = fo_engine_cause_group(b->e, v);
		for (uint32_t gi = gv->owned_off[v]; gi < gv->owned_off[v + 1]; gi++) {
			unsigned type = gv->group_type[gi];
			uint32_t a = gv->member_off[gi], z = gv->member_off[gi + 1];
			/* a map draws how the failure spread (each impacted node's
			 * cause) and the groups that held, not every dependency */
			int spread_only = !b->o->nodes && vf;
			if (spread_only && gi != cgroup)
				continue;
			if (type == FO_GROUP_LOCATED) {
				uint32_t c = a < z ? gv->members[a] : FO_NONE;
				if (c == FO_NONE || !b->in[c] || m->items[m->item_of[c]].cluster ||
				    m->item_of[c] == to || (!b->o->nodes && !vf))
					continue;
				if (link_add(b, m->item_of[c], to, FO_MAP_CONTAINS,
					     fo_map_category(fo_engine_flags(b->e, c))) < 0)
					return -1;
				continue;
			}
			uint32_t up = fo_engine_group_up(b->e, gi), k = gv->group_k[gi];
			if (up < z - a && up >= k) {
				fo_map_item *x = &m->items[to];
				if (!x->held || up - k < x->held_left - x->held_k) {
					x->held_left = up;
					x->held_n = z - a;
					x->held_k = k;
				}
				x->held++;
			}
			for (uint32_t j = a; j < z; j++) {
				uint32_t mb = gv->members[j];
				unsigned mf = fo_engine_flags(b->e, mb);
				if (!b->in[mb] || m->item_of[mb] == to)
					continue;
				if (spread_only && mb != cause)
					continue;
				/* an up owner: only the members it lost, in grey
				 * (the failure stopped there) */
				if (!b->o->nodes && !vf && !mf)
					continue;
				if (link_add(b, m->item_of[mb], to, type,
					     vf || b->o->nodes ? fo_map_category(mf) : FO_MAP_UP) < 0)
					return -1;
			}
		}
	}
	return 0;
}

static void map_dispose(fo_map *m)
{
	free(m->items);
	free(m->links);
	free(m->item_of);
}

void fo_map_free(fo_map *m)
{
	if (!m)
		return;
	map_dispose(m);
	free(m);
}

/* Builds into *m (zeroed by the caller); the scratch arrays of b are the
 * caller's. */
static int build_into(build *b, fo_map *m, const uint32_t *scope, size_t n, int *max_depth)
{
	b->m = m;
	b->cap_items = b->cap_links = 0;
	m->g = b->g;
	m->level = b->o->level;
	m->nodes = b->o->nodes;
	if (!(m->item_of = malloc((b->v.nodes ? b->v.nodes : 1) * sizeof *m->item_of)))
		return FO_ENOMEM;
	for (size_t i = 0; i < n; i++)
		b->fl[scope[i]] = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t up = b->v.container[scope[i]];
		if (up != FO_NONE)
			b->fl[up] |= F_KIDS;
	}
	for (size_t i = 0; i < b->o->nexpand; i++) {
		uint32_t x = b->o->expand[i];
		if (x >= b->v.nodes || !b->in[x])
			continue;
		b->fl[x] |= F_EXP;
		for (uint32_t y = b->v.container[x]; y != FO_NONE && !(b->fl[y] & F_EXPANC);
		     y = b->v.container[y])
			b->fl[y] |= F_EXPANC;
	}
	int md = 0;
	for (size_t i = 0; i < n; i++) {
		resolve(b, scope[i]);
		if (b->depth[scope[i]] > (uint32_t)md)
			md = b->depth[scope[i]] > INT_MAX ? INT_MAX : (int)b->depth[scope[i]];
	}
	*max_depth = md;
	if (!b->o->nodes && !b->named && rank_tenants(b, scope, n) < 0)
		return FO_ENOMEM;
	if (table_reset(b, 64) < 0 || items(b, scope, n) < 0)
		return FO_ENOMEM;
	singles(b);
	if (table_reset(b, m->nitems) < 0 ||
	    links(b, scope, n) < 0)
		return FO_ENOMEM;
	return FO_OK;
}

static int check_scope(const fo_engine *e, const uint8_t *in_scope, const uint32_t *scope,
		       size_t n)
{
	uint32_t nodes = fo_graph_node_count(fo_engine_graph(e));
	for (size_t i = 0; i < n; i++)
		if (scope[i] >= nodes || !in_scope[scope[i]])
			return FO_EINVAL;
	return FO_OK;
}

static int run(fo_map **out, const fo_engine *e, const uint8_t *in_scope, const uint32_t *scope,
	       size_t n, const fo_map_opts *o, int automatic, size_t budget)
{
	build b = { 0 };
	fo_map *m = NULL;
	fo_map_opts oo = *o;
	int err, md = 0;

	*out = NULL;
	if ((err = check_scope(e, in_scope, scope, n)) < 0)
		return err;
	b.e = e;
	b.g = fo_engine_graph(e);
	fo_graph_view_get(b.g, &b.v);
	b.in = in_scope;
	b.o = &oo;
	size_t nn = b.v.nodes ? b.v.nodes : 1;
	b.fl = malloc(nn);
	b.depth = malloc(nn * sizeof *b.depth);
	b.home = malloc(nn * sizeof *b.home);
	b.stack = malloc(nn * sizeof *b.stack);
	if (!b.fl || !b.depth || !b.home || !b.stack) {
		err = FO_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned f = fo_engine_flags(e, scope[i]);
		b.nscenario += f && fo_engine_root(e, scope[i]) == scope[i];
	}
	if (automatic) {
		/* the finest level first: it also tells the depth */
		oo.nodes = 0;
		oo.level = INT_MAX;
		if (!(m = calloc(1, sizeof *m)) || (err = build_into(&b, m, scope, n, &md)) < 0) {
			err = err < 0 ? err : FO_ENOMEM;
			goto done;
		}
		if (m->nitems > budget) {
			/* largest level in [MIN, md - 1] within the budget */
			int lo = FO_MAP_LEVEL_MIN, hi = md - 1, best = FO_MAP_LEVEL_MIN;
			fo_map kept = { 0 }; /* the map of `best`, once built */
			int have = 0;
			while (lo <= hi) {
				int mid = lo + (hi - lo) / 2;
				fo_map t = { 0 };
				oo.level = mid;
				if ((err = build_into(&b, &t, scope, n, &md)) < 0) {
					map_dispose(&t);
					map_dispose(&kept);
					goto done;
				}
				if (t.nitems <= budget) {
					best = mid;
					lo = mid + 1;
					map_dispose(&kept);
					kept = t;
					have = 1;
				} else {
					hi = mid - 1;
					map_dispose(&t);
				}
			}
			map_dispose(m);
			if (have) {
				*m = kept;
			} else {
				/* nothing fits: the coarsest map */
				memset(m, 0, sizeof *m);
				oo.level = best;
				if ((err = build_into(&b, m, scope, n, &md)) < 0)
					goto done;
			}
		} else {
			m->level = md;
		}
	} else {
		if (!(m = calloc(1, sizeof *m))) {
			err = FO_ENOMEM;
			goto done;
		}
		if ((err = build_into(&b, m, scope, n, &md)) < 0)
			goto done;
	}
	*out = m;
	m = NULL;
done:
	fo_map_free(m);
	free(b.slot);
	free(b.tslot);
	free(b.tenant);
	free(b.named);
	free(b.stack);
	free(b.home);
	free(b.depth);
	free(b.fl);
	return err;
}

int fo_map_build(fo_map **out, const fo_engine *e, const uint8_t *in_scope,
		 const uint32_t *scope, size_t n, const fo_map_opts *o)
{
	if (!out || !e || !in_scope || (!scope && n) || !o)
		return FO_EINVAL;
	return run(out, e, in_scope, scope, n, o, 0, 0);
}

int fo_map_build_auto(fo_map **out, const fo_engine *e, const uint8_t *in_scope,
		      const uint32_t *scope, size_t n, const fo_map_opts *o, size_t budget)
{
	if (!out || !e || !in_scope || (!scope && n) || !o)
		return FO_EINVAL;
	return run(out, e, in_scope, scope, n, o, 1, budget);
}
