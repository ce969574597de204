/*
 * graph.c — the builder and the compiled graph (fo_graph.h).
 *
 * Layout. All strings live in one arena (offset 0 is the empty string, which
 * doubles as "none"). Ids are interned in an open-addressing hash table of node
 * indices (linear probing, load <= 1/2). Kinds and tenants repeat a lot, so
 * they are interned too and stored once. While building, references are kept
 * as strings with their source position; fo_builder_finish resolves them all,
 * reporting every unknown one, then compiles the CSR arrays described in
 * fo_graph.h with counting sorts, so the whole build is linear.
 *
 * Group order. Each owner's groups are contiguous: its located group first,
 * then its requires/degrades groups in document order, then its copies group.
 * Each node's memberof list is ascending by group, hence by owner, which makes
 * the propagation order (and so every cause) deterministic.
 */
#include "fo_graph.h"

#include <stdlib.h>
#include <string.h>

#include "fo_error.h"

/* ------------------------------------------------------------------ kinds */

static const char *const kind_names[FO_KIND__COUNT] = {
	"other", "region", "zone", "site", "room", "power", "cooling", "network",
	"rack", "host", "vm", "storage", "cdn", "db", "lb", "dns", "queue",
	"service", "app", "dataset",
};

static const struct { const char *word; fo_kind kind; } kind_aliases[] = {
	{ "cvm", FO_KIND_VM }, { "ec2", FO_KIND_VM }, { "ecs", FO_KIND_VM },
	{ "gce", FO_KIND_VM }, { "cos", FO_KIND_STORAGE }, { "s3", FO_KIND_STORAGE },
	{ "oss", FO_KIND_STORAGE }, { "gcs", FO_KIND_STORAGE }, { "blob", FO_KIND_STORAGE },
};

const char *fo_kind_name(fo_kind k)
{
	return (unsigned)k < FO_KIND__COUNT ? kind_names[k] : kind_names[0];
}

fo_kind fo_kind_parse(const char *word)
{
	for (int k = 1; k < FO_KIND__COUNT; k++)
		if (strcmp(word, kind_names[k]) == 0)
			return (fo_kind)k;
	for (size_t i = 0; i < sizeof kind_aliases / sizeof kind_aliases[0]; i++)
		if (strcmp(word, kind_aliases[i].word) == 0)
			return kind_aliases[i].kind;
	return FO_KIND_OTHER;
}

/* ------------------------------------------------------------ primitives */

typedef struct arena {
	char *p;
	size_t len, alloc;
} arena;

/* Appends s with its NUL; *off receives its offset. Offsets fit uint32: an
 * inventory over 4 GiB of strings is refused with FO_ELIMIT. */
static int arena_put(arena *a, const char *s, size_t n, uint32_t *off)
{
	if (a->len + n + 1 > a->alloc) {
		size_t na = a->alloc ? a->alloc : 4096;
		while (na < a->len + n + 1)
			na *= 2;
		char *np = realloc(a->p, na);
		if (!np)
			return FO_ENOMEM;
		a->p = np;
		a->alloc = na;
	}
	if (a->len > UINT32_MAX - n - 1)
		return FO_ELIMIT;
	memcpy(a->p + a->len, s, n);
	a->p[a->len + n] = '\0';
	*off = (uint32_t)a->len;
	a->len += n + 1;
	return FO_OK;
}

/* Grows a typed vector to hold at least need elements. */
static int vec_reserve(void **v, size_t *alloc, size_t need, size_t elem)
{
	if (need <= *alloc)
		return FO_OK;
	size_t na = *alloc ? *alloc : 64;
	while (na < need)
		na *= 2;
	void *nv = realloc(*v, na * elem);
	if (!nv)
		return FO_ENOMEM;
	*v = nv;
	*alloc = na;
	return FO_OK;
}
#define VEC_PUSH(vec, len, alloc, val)                                                 \
	(vec_reserve((void **)&(vec), &(alloc), (len) + 1, sizeof *(vec)) < 0 ? FO_ENOMEM \
		: ((vec)[(len)++] = (val), FO_OK))

static uint64_t hash_str(const char *s)
{
	/* FNV-1a, then a final mix so linear probing sees spread low bits. */
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

/* Open-addressing set of uint32 values whose key string is arena + keyoff(v). */
typedef struct strtab {
	uint32_t *slot; /* FO_NONE = empty */
	size_t mask;    /* capacity - 1; capacity a power of two */
	size_t used;
} strtab;

static int strtab_grow(strtab *t, const arena *a, const uint32_t *keyoff)
{
	size_t ncap = t->slot ? (t->mask + 1) * 2 : 1024;
	uint32_t *ns = malloc(ncap * sizeof *ns);
	if (!ns)
		return FO_ENOMEM;
	memset(ns, 0xff, ncap * sizeof *ns);
	if (t->slot) {
		for (size_t i = 0; i <= t->mask; i++) {
			uint32_t v = t->slot[i];
			if (v == FO_NONE)
				continue;
			const char *k = a->p + (keyoff ? keyoff[v] : v);
			size_t j = hash_str(k) & (ncap - 1);
			while (ns[j] != FO_NONE)
				j = (j + 1) & (ncap - 1);
			ns[j] = v;
		}
	}
	free(t->slot);
	t->slot = ns;
	t->mask = ncap - 1;
	return FO_OK;
}

/* Finds key; returns the slot index (holding the value or FO_NONE). keyoff
 * maps a stored value to its key offset (NULL: the value is the offset). */
static size_t strtab_find(const strtab *t, const arena *a, const uint32_t *keyoff,
			  const char *key)
{
	size_t j = hash_str(key) & t->mask;
	for (;;) {
		uint32_t v = t->slot[j];
		if (v == FO_NONE || strcmp(a->p + (keyoff ? keyoff[v] : v), key) == 0)
			return j;
		j = (j + 1) & t->mask;
	}
}

static int strtab_ready(strtab *t, const arena *a, const uint32_t *keyoff)
{
	if (!t->slot || (t->used + 1) * 2 > t->mask + 1)
		return strtab_grow(t, a, keyoff);
	return FO_OK;
}

/* Interns a string whose value is its own arena offset (kinds, tenants). */
static int intern(strtab *t, arena *a, const char *s, uint32_t *off)
{
	int err = strtab_ready(t, a, NULL);
	if (err < 0)
		return err;
	size_t j = strtab_find(t, a, NULL, s);
	if (t->slot[j] != FO_NONE) {
		*off = t->slot[j];
		return FO_OK;
	}
	if ((err = arena_put(a, s, strlen(s), off)) < 0)
		return err;
	t->slot[j] = *off;
	t->used++;
	return FO_OK;
}

/* ---------------------------------------------------------------- builder */

typedef struct pending_ref {
	uint32_t ref;   /* offset of the referenced id in the arena */
	uint32_t line;  /* position of the reference, for errors */
	uint32_t col;
} pending_ref;

typedef struct bgroup {
	uint32_t owner;
	uint8_t type;
	uint32_t k;
	uint32_t line, col;
	uint32_t first, count; /* in b->members */
} bgroup;

typedef struct bcopy {
	uint32_t owner;
	pending_ref holder;
} bcopy;

typedef struct bin {
	uint32_t node;
	pending_ref container;
} bin;

typedef struct bprop {
	uint32_t node, key, value;
} bprop;

struct fo_builder {
	fo_diag *diag;
	char *file;
	size_t diag_errors_at_start;
	size_t errors;

	arena a;
	uint32_t name_off;
	strtab ids, words;

	/* per node */
	uint32_t *id_off, *label_off, *kind_off, *tenant_off, *tier, *container, *line;
	uint8_t *kind;
	size_t nodes, nodes_alloc;

	bgroup *groups;
	size_t ngroups, groups_alloc;
	pending_ref *members;
	size_t nmembers, members_alloc;
	int open_group; /* index+1 of the open group, 0 = none */

	bcopy *copies;
	size_t ncopies, copies_alloc;
	bin *ins;
	size_t nins, ins_alloc;
	bprop *props;
	size_t nprops, props_alloc;
};

struct fo_graph {
	char *file;
	arena a;
	uint32_t name_off;
	strtab ids;
	uint32_t nodes, groups;
	size_t nmembers;

	uint32_t *id_off, *label_off, *kind_off, *tenant_off, *tier, *container, *line;
	uint8_t *kind;

	uint32_t *owned_off;    /* nodes + 1 */
	uint32_t *memberof_off; /* nodes + 1 */
	uint32_t *memberof;     /* nmembers */
	uint32_t *child_off;    /* nodes + 1 */
	uint32_t *child;        /* nodes */
	uint32_t *prop_off;     /* nodes + 1 */
	fo_prop *props;

	uint32_t *group_owner, *group_k, *member_off, *members, *group_line;
	uint8_t *group_type;
};

int fo_builder_new(fo_builder **out, fo_diag *diag, const char *file)
{
	int err = FO_OK;
	fo_builder *b = calloc(1, sizeof *b);
	uint32_t off;

	if (!b)
		return FO_ENOMEM;
	b->diag = diag;
	b->diag_errors_at_start = diag ? fo_diag_errors(diag) : 0;
	if (file && !(b->file = strdup(file))) {
		err = FO_ENOMEM;
		goto done;
	}
	if ((err = arena_put(&b->a, "", 0, &off)) < 0) /* offset 0 = "" = none */
		goto done;
	*out = b;
	b = NULL;
done:
	fo_builder_free(b);
	return err;
}

void fo_builder_free(fo_builder *b)
{
	if (!b)
		return;
	free(b->file);
	free(b->a.p);
	free(b->ids.slot);
	free(b->words.slot);
	free(b->id_off);
	free(b->label_off);
	free(b->kind_off);
	free(b->tenant_off);
	free(b->tier);
	free(b->container);
	free(b->line);
	free(b->kind);
	free(b->groups);
	free(b->members);
	free(b->copies);
	free(b->ins);
	free(b->props);
	free(b);
}

/* Shortens an id for a message: at most 80 bytes, cut on a UTF-8 boundary. */
static const char *shorten(const char *s, char buf[96])
{
	size_t n = strlen(s);
	if (n <= 80)
		return s;
	n = 80;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

static void report(fo_builder *b, unsigned long line, unsigned long col, const char *hint,
		   const char *what, const char *id, const char *tail)
{
	char buf[96];
	b->errors++;
	if (b->diag)
		fo_diag_add(b->diag, FO_SEV_ERROR, b->file, line, col, hint, "%s '%s'%s", what,
			    shorten(id, buf), tail ? tail : "");
}

int fo_builder_set_name(fo_builder *b, const char *name)
{
	return arena_put(&b->a, name, strlen(name), &b->name_off);
}

int fo_builder_add_node(fo_builder *b, const char *id, const char *kind, const char *name,
			const char *tenant, unsigned tier, fo_pos pos, uint32_t *out)
{
	int err;
	size_t idlen = strlen(id);
	size_t n = b->nodes;
	uint32_t idoff, kindoff, tenoff = 0, nameoff = 0;
	fo_kind k = fo_kind_parse(kind);
	int findable = 1;

	if (n >= UINT32_MAX - 1)
		return FO_ELIMIT;
	if (idlen == 0) {
		b->errors++;
		if (b->diag)
			fo_diag_add(b->diag, FO_SEV_ERROR, b->file, pos.line, pos.col, "id=",
				    "empty id");
		findable = 0;
	} else if (idlen > FO_ID_MAX) {
		char tail[64];
		snprintf(tail, sizeof tail, " is %zu bytes long; the limit is %d", idlen, FO_ID_MAX);
		report(b, pos.line, pos.col, "id=", "id", id, tail);
		findable = 0;
	}
	if ((err = arena_put(&b->a, id, idlen, &idoff)) < 0)
		return err;
	if ((err = intern(&b->words, &b->a, k == FO_KIND_OTHER ? kind : fo_kind_name(k), &kindoff)) < 0)
		return err;
	if (tenant && (err = intern(&b->words, &b->a, tenant, &tenoff)) < 0)
		return err;
	if (name && (err = arena_put(&b->a, name, strlen(name), &nameoff)) < 0)
		return err;

	size_t na = b->nodes_alloc;
	if (n + 1 > na) {
		size_t want = na ? na * 2 : 1024;
#define GROW(f) do { void *p_ = realloc(b->f, want * sizeof *b->f); if (!p_) return FO_ENOMEM; b->f = p_; } while (0)
		GROW(id_off); GROW(label_off); GROW(kind_off); GROW(tenant_off);
		GROW(tier); GROW(container); GROW(line); GROW(kind);
#undef GROW
		b->nodes_alloc = want;
	}
	b->id_off[n] = idoff;
	b->label_off[n] = nameoff;
	b->kind_off[n] = kindoff;
	b->tenant_off[n] = tenoff;
	b->tier[n] = tier;
	b->container[n] = FO_NONE;
	b->line[n] = pos.line > UINT32_MAX ? UINT32_MAX : (uint32_t)pos.line;
	b->kind[n] = (uint8_t)k;
	b->nodes++;

	if (findable) {
		if ((err = strtab_ready(&b->ids, &b->a, b->id_off)) < 0)
			return err;
		size_t j = strtab_find(&b->ids, &b->a, b->id_off, id);
		if (b->ids.slot[j] != FO_NONE) {
			char tail[64];
			snprintf(tail, sizeof tail, " (first defined at line %u)", b->line[b->ids.slot[j]]);
			report(b, pos.line, pos.col, id, "duplicate id", id, tail);
		} else {
			b->ids.slot[j] = (uint32_t)n;
			b->ids.used++;
		}
	}
	*out = (uint32_t)n;
	return FO_OK;
}

int fo_builder_add_prop(fo_builder *b, uint32_t node, const char *key, const char *value)
{
	bprop p = { node, 0, 0 };
	int err;
	if (node >= b->nodes)
		return FO_EINVAL;
	if ((err = intern(&b->words, &b->a, key, &p.key)) < 0 ||
	    (err = arena_put(&b->a, value, strlen(value), &p.value)) < 0)
		return err;
	return VEC_PUSH(b->props, b->nprops, b->props_alloc, p);
}

int fo_builder_set_parent(fo_builder *b, uint32_t node, uint32_t parent)
{
	if (node >= b->nodes || parent >= b->nodes)
		return FO_EINVAL;
	b->container[node] = parent;
	return FO_OK;
}

static int make_ref(fo_builder *b, const char *id, fo_pos pos, pending_ref *out)
{
	out->line = pos.line > UINT32_MAX ? UINT32_MAX : (uint32_t)pos.line;
	out->col = pos.col > UINT32_MAX ? UINT32_MAX : (uint32_t)pos.col;
	return arena_put(&b->a, id, strlen(id), &out->ref);
}

int fo_builder_set_container(fo_builder *b, uint32_t node, const char *container_id, fo_pos pos)
{
	bin in = { node, { 0, 0, 0 } };
	int err;
	if (node >= b->nodes)
		return FO_EINVAL;
	if ((err = make_ref(b, container_id, pos, &in.container)) < 0)
		return err;
	return VEC_PUSH(b->ins, b->nins, b->ins_alloc, in);
}

int fo_builder_group_begin(fo_builder *b, uint32_t owner, fo_group_type type,
			   unsigned long k, fo_pos pos)
{
	bgroup g;
	int err;
	if (owner >= b->nodes || b->open_group ||
	    (type != FO_GROUP_REQUIRES && type != FO_GROUP_DEGRADES))
		return FO_EINVAL;
	g.owner = owner;
	g.type = (uint8_t)type;
	g.k = k == 0 ? 1 : (k > UINT32_MAX ? UINT32_MAX : (uint32_t)k);
	g.line = pos.line > UINT32_MAX ? UINT32_MAX : (uint32_t)pos.line;
	g.col = pos.col > UINT32_MAX ? UINT32_MAX : (uint32_t)pos.col;
	g.first = (uint32_t)b->nmembers;
	g.count = 0;
	if ((err = VEC_PUSH(b->groups, b->ngroups, b->groups_alloc, g)) < 0)
		return err;
	b->open_group = 1;
	return FO_OK;
}

int fo_builder_group_add(fo_builder *b, const char *member_id, fo_pos pos)
{
	pending_ref r;
	int err;
	if (!b->open_group)
		return FO_EINVAL;
	if (b->nmembers >= UINT32_MAX - 1)
		return FO_ELIMIT;
	if ((err = make_ref(b, member_id, pos, &r)) < 0 ||
	    (err = VEC_PUSH(b->members, b->nmembers, b->members_alloc, r)) < 0)
		return err;
	b->groups[b->ngroups - 1].count++;
	return FO_OK;
}

int fo_builder_group_end(fo_builder *b)
{
	if (!b->open_group)
		return FO_EINVAL;
	b->open_group = 0;
	bgroup *g = &b->groups[b->ngroups - 1];
	if (g->count == 0) {
		b->errors++;
		if (b->diag)
			fo_diag_add(b->diag, FO_SEV_ERROR, b->file, g->line, g->col, NULL,
				    "group has no members");
	} else if (g->k > g->count) {
		b->errors++;
		if (b->diag)
			fo_diag_add(b->diag, FO_SEV_ERROR, b->file, g->line, g->col, "min=",
				    "bad min: needs %u of %u members (min must be between 1 and the number of members)",
				    g->k, g->count);
	}
	return FO_OK;
}

int fo_builder_add_copy(fo_builder *b, uint32_t owner, const char *holder_id, fo_pos pos)
{
	bcopy c;
	int err;
	if (owner >= b->nodes)
		return FO_EINVAL;
	c.owner = owner;
	if ((err = make_ref(b, holder_id, pos, &c.holder)) < 0)
		return err;
	return VEC_PUSH(b->copies, b->ncopies, b->copies_alloc, c);
}

/* Resolves a reference, reporting it when unknown. */
static uint32_t resolve(fo_builder *b, const pending_ref *r, const char *what)
{
	const char *id = b->a.p + r->ref;
	if (b->ids.slot) {
		size_t j = strtab_find(&b->ids, &b->a, b->id_off, id);
		if (b->ids.slot[j] != FO_NONE)
			return b->ids.slot[j];
	}
	report(b, r->line, r->col, id, what, id, NULL);
	return FO_NONE;
}

/* A group ready to be compiled: owner, type, k and its resolved members. */
typedef struct cgroup {
	uint32_t owner, k, line, first, count;
	uint8_t type;
} cgroup;

/* Containment must be a forest: `in=` can close a loop (a in b, b in a).
 * Each loop is reported once and broken so compilation can go on. O(nodes). */
static void check_containment(fo_builder *b, uint8_t *mark)
{
	/* mark: 0 unvisited, 1 on the current walk, 2 done */
	for (size_t s = 0; s < b->nodes; s++) {
		uint32_t v = (uint32_t)s;
		while (v != FO_NONE && mark[v] == 0) {
			mark[v] = 1;
			v = b->container[v];
		}
		int loop = v != FO_NONE && mark[v] == 1;
		for (uint32_t w = (uint32_t)s; w != FO_NONE && mark[w] == 1; w = b->container[w])
			mark[w] = 2;
		if (loop) {
			report(b, b->line[v], 0, "in=", "node", b->a.p + b->id_off[v],
			       " is located in itself through a containment loop");
			b->container[v] = FO_NONE;
		}
	}
}

/* Turns per-node counts in off[1..nodes] into CSR offsets (off[0] = 0) and
 * copies them to cursor[], the fill position of each node. O(nodes). */
static void prefix_sums(uint32_t *off, size_t nodes, uint32_t *cursor)
{
	for (size_t v = 0; v < nodes; v++)
		off[v + 1] += off[v];
	memcpy(cursor, off, (nodes + 1) * sizeof *cursor);
}

/* Moves the builder's node arrays and arena into a new graph and builds the
 * CSR arrays from the resolved groups with counting sorts. O(nodes + members). */
static int compile(fo_builder *b, const cgroup *cg, size_t ncg, const uint32_t *cmem,
		   size_t ncmem, fo_graph **out)
{
	int err = FO_OK;
	fo_graph *g = NULL;
	uint32_t *order = NULL, *count = NULL;
	size_t nodes = b->nodes;

	if (!(g = calloc(1, sizeof *g))) {
		err = FO_ENOMEM;
		goto done;
	}
	g->nodes = (uint32_t)nodes;
	g->groups = (uint32_t)ncg;
	g->nmembers = ncmem;
	g->file = b->file; b->file = NULL;
	g->a = b->a; memset(&b->a, 0, sizeof b->a);
	g->ids = b->ids; memset(&b->ids, 0, sizeof b->ids);
	g->name_off = b->name_off;
	g->id_off = b->id_off; b->id_off = NULL;
	g->label_off = b->label_off; b->label_off = NULL;
	g->kind_off = b->kind_off; b->kind_off = NULL;
	g->tenant_off = b->tenant_off; b->tenant_off = NULL;
	g->tier = b->tier; b->tier = NULL;
	g->container = b->container; b->container = NULL;
	g->line = b->line; b->line = NULL;
	g->kind = b->kind; b->kind = NULL;

	size_t n1 = nodes + 1;
	g->owned_off = calloc(n1, sizeof *g->owned_off);
	g->memberof_off = calloc(n1, sizeof *g->memberof_off);
	g->child_off = calloc(n1, sizeof *g->child_off);
	g->prop_off = calloc(n1, sizeof *g->prop_off);
	g->memberof = malloc((ncmem ? ncmem : 1) * sizeof *g->memberof);
	g->child = malloc((nodes ? nodes : 1) * sizeof *g->child);
	g->props = malloc((b->nprops ? b->nprops : 1) * sizeof *g->props);
	g->group_owner = malloc((ncg ? ncg : 1) * sizeof *g->group_owner);
	g->group_k = malloc((ncg ? ncg : 1) * sizeof *g->group_k);
	g->group_line = malloc((ncg ? ncg : 1) * sizeof *g->group_line);
	g->group_type = malloc(ncg ? ncg : 1);
	g->member_off = malloc((ncg + 1) * sizeof *g->member_off);
	g->members = malloc((ncmem ? ncmem : 1) * sizeof *g->members);
	order = malloc((ncg ? ncg : 1) * sizeof *order);
	count = calloc(n1, sizeof *count);
	if (!g->owned_off || !g->memberof_off || !g->child_off || !g->prop_off || !g->memberof ||
	    !g->child || !g->props || !g->group_owner || !g->group_k || !g->group_line ||
	    !g->group_type || !g->member_off || !g->members || !order || !count) {
		err = FO_ENOMEM;
		goto done;
	}

	/* Stable counting sort of groups by owner. */
	for (size_t i = 0; i < ncg; i++)
		g->owned_off[cg[i].owner + 1]++;
	prefix_sums(g->owned_off, nodes, count);
	for (size_t i = 0; i < ncg; i++)
		order[count[cg[i].owner]++] = (uint32_t)i;
	uint32_t mpos = 0;
	for (size_t gi = 0; gi < ncg; gi++) {
		const cgroup *c = &cg[order[gi]];
		g->group_owner[gi] = c->owner;
		g->group_k[gi] = c->k;
		g->group_line[gi] = c->line;
		g->group_type[gi] = c->type;
		g->member_off[gi] = mpos;
		memcpy(g->members + mpos, cmem + c->first, c->count * sizeof *cmem);
		mpos += c->count;
	}
	g->member_off[ncg] = mpos;

	/* memberof CSR: for each member, the groups it belongs to, ascending. */
	for (size_t i = 0; i < ncmem; i++)
		g->memberof_off[g->members[i] + 1]++;
	prefix_sums(g->memberof_off, nodes, count);
	for (size_t gi = 0; gi < ncg; gi++)
		for (uint32_t m = g->member_off[gi]; m < g->member_off[gi + 1]; m++)
			g->memberof[count[g->members[m]]++] = (uint32_t)gi;

	/* children CSR */
	for (size_t v = 0; v < nodes; v++)
		if (g->container[v] != FO_NONE)
			g->child_off[g->container[v] + 1]++;
	prefix_sums(g->child_off, nodes, count);
	for (size_t v = 0; v < nodes; v++)
		if (g->container[v] != FO_NONE)
			g->child[count[g->container[v]]++] = (uint32_t)v;

	/* properties, grouped by node, document order kept */
	for (size_t i = 0; i < b->nprops; i++)
		g->prop_off[b->props[i].node + 1]++;
	prefix_sums(g->prop_off, nodes, count);
	for (size_t i = 0; i < b->nprops; i++)
		g->props[count[b->props[i].node]++] =
			(fo_prop){ g->a.p + b->props[i].key, g->a.p + b->props[i].value };

	*out = g;
	g = NULL;
done:
	fo_graph_free(g);
	free(order);
	free(count);
	return err;
}

int fo_builder_finish(fo_builder *b, fo_graph **out)
{
	int err = FO_OK;
	cgroup *cg = NULL;
	uint32_t *cmem = NULL, *stamp = NULL, *order = NULL, *count = NULL;
	uint8_t *mark = NULL;
	size_t ncg = 0, ncmem = 0, nodes = b->nodes;

	*out = NULL;
	if (b->open_group) {
		err = FO_EINVAL;
		goto done;
	}
	/* Resolve `in=` references; `in` naming the node itself is a loop too. */
	for (size_t i = 0; i < b->nins; i++) {
		uint32_t c = resolve(b, &b->ins[i].container, "unknown container");
		if (c == b->ins[i].node) {
			report(b, b->ins[i].container.line, b->ins[i].container.col,
			       b->a.p + b->ins[i].container.ref, "node",
			       b->a.p + b->ins[i].container.ref, " cannot be located in itself");
			c = FO_NONE;
		}
		if (c != FO_NONE)
			b->container[b->ins[i].node] = c;
	}
	if (!(mark = calloc(nodes ? nodes : 1, 1))) {
		err = FO_ENOMEM;
		goto done;
	}
	check_containment(b, mark);

	/* Compile groups: located first, then explicit, then copies. */
	size_t maxg = nodes + b->ngroups + b->ncopies; /* located + explicit + copies */
	size_t maxm = nodes + b->nmembers + b->ncopies;
	cg = malloc((maxg ? maxg : 1) * sizeof *cg);
	cmem = malloc((maxm ? maxm : 1) * sizeof *cmem);
	stamp = malloc((nodes ? nodes : 1) * sizeof *stamp);
	if (!cg || !cmem || !stamp) {
		err = FO_ENOMEM;
		goto done;
	}
	if (maxg >= UINT32_MAX || maxm >= UINT32_MAX) {
		err = FO_ELIMIT;
		goto done;
	}
	memset(stamp, 0xff, nodes * sizeof *stamp);
	uint32_t sid = 0; /* stamp of the group being resolved: finds repeated members */
	for (size_t v = 0; v < nodes; v++) {
		if (b->container[v] == FO_NONE)
			continue;
		cg[ncg] = (cgroup){ (uint32_t)v, 1, b->line[v], (uint32_t)ncmem, 1, FO_GROUP_LOCATED };
		cmem[ncmem++] = b->container[v];
		ncg++;
	}
	for (size_t i = 0; i < b->ngroups; i++) {
		const bgroup *bg = &b->groups[i];
		cgroup c = { bg->owner, bg->k, bg->line, (uint32_t)ncmem, 0, bg->type };
		sid++;
		for (uint32_t m = 0; m < bg->count; m++) {
			const pending_ref *r = &b->members[bg->first + m];
			uint32_t v = resolve(b, r, "unknown reference");
			if (v == FO_NONE)
				continue;
			if (stamp[v] == sid) {
				report(b, r->line, r->col, b->a.p + r->ref, "repeated member",
				       b->a.p + r->ref, " in one group");
				continue;
			}
			stamp[v] = sid;
			cmem[ncmem++] = v;
			c.count++;
		}
		if (c.count == 0 || c.k > c.count)
			continue; /* already reported; never compiled since finish fails */
		cg[ncg++] = c;
	}
	/* Copies: one group per owner. An owner's <copy> elements may be split
	 * by nested nodes, so order them by owner first (stable counting sort). */
	if (!(order = malloc((b->ncopies ? b->ncopies : 1) * sizeof *order)) ||
	    !(count = calloc(nodes + 1, sizeof *count))) {
		err = FO_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < b->ncopies; i++)
		count[b->copies[i].owner + 1]++;
	for (size_t v = 0; v < nodes; v++)
		count[v + 1] += count[v];
	for (size_t i = 0; i < b->ncopies; i++)
		order[count[b->copies[i].owner]++] = (uint32_t)i;
	for (size_t i = 0; i < b->ncopies;) {
		uint32_t owner = b->copies[order[i]].owner;
		cgroup c = { owner, 1, b->copies[order[i]].holder.line, (uint32_t)ncmem, 0, FO_GROUP_COPIES };
		sid++;
		for (; i < b->ncopies && b->copies[order[i]].owner == owner; i++) {
			const pending_ref *r = &b->copies[order[i]].holder;
			uint32_t v = resolve(b, r, "unknown copy holder");
			if (v == FO_NONE)
				continue;
			if (stamp[v] == sid) {
				report(b, r->line, r->col, b->a.p + r->ref, "repeated copy holder",
				       b->a.p + r->ref, NULL);
				continue;
			}
			stamp[v] = sid;
			cmem[ncmem++] = v;
			c.count++;
		}
		if (c.count)
			cg[ncg++] = c;
	}
	free(order);
	free(count);
	order = count = NULL;

	if (b->errors || (b->diag && fo_diag_errors(b->diag) > b->diag_errors_at_start)) {
		err = FO_EINPUT;
		goto done;
	}

	err = compile(b, cg, ncg, cmem, ncmem, out);
done:
	free(cg);
	free(cmem);
	free(stamp);
	free(order);
	free(count);
	free(mark);
	return err;
}
/* ------------------------------------------------------------------ graph */

void fo_graph_free(fo_graph *g)
{
	if (!g)
		return;
	free(g->file);
	free(g->a.p);
	free(g->ids.slot);
	free(g->id_off);
	free(g->label_off);
	free(g->kind_off);
	free(g->tenant_off);
	free(g->tier);
	free(g->container);
	free(g->line);
	free(g->kind);
	free(g->owned_off);
	free(g->memberof_off);
	free(g->memberof);
	free(g->child_off);
	free(g->child);
	free(g->prop_off);
	free(g->props);
	free(g->group_owner);
	free(g->group_k);
	free(g->member_off);
	free(g->members);
	free(g->group_line);
	free(g->group_type);
	free(g);
}

uint32_t fo_graph_node_count(const fo_graph *g) { return g->nodes; }
uint32_t fo_graph_group_count(const fo_graph *g) { return g->groups; }
size_t fo_graph_member_count(const fo_graph *g) { return g->nmembers; }
const char *fo_graph_name(const fo_graph *g) { return g->name_off ? g->a.p + g->name_off : NULL; }
const char *fo_graph_file(const fo_graph *g) { return g->file; }

int fo_graph_lookup(const fo_graph *g, const char *id, uint32_t *out)
{
	if (!g->ids.slot)
		return FO_ENOTFOUND;
	size_t j = strtab_find(&g->ids, &g->a, g->id_off, id);
	if (g->ids.slot[j] == FO_NONE)
		return FO_ENOTFOUND;
	*out = g->ids.slot[j];
	return FO_OK;
}

const char *fo_graph_node_id(const fo_graph *g, uint32_t n) { return g->a.p + g->id_off[n]; }

const char *fo_graph_node_name(const fo_graph *g, uint32_t n)
{
	return g->label_off[n] ? g->a.p + g->label_off[n] : NULL;
}

const char *fo_graph_node_label(const fo_graph *g, uint32_t n)
{
	return g->a.p + (g->label_off[n] ? g->label_off[n] : g->id_off[n]);
}

const char *fo_graph_node_kind_word(const fo_graph *g, uint32_t n) { return g->a.p + g->kind_off[n]; }
fo_kind fo_graph_node_kind(const fo_graph *g, uint32_t n) { return (fo_kind)g->kind[n]; }

const char *fo_graph_node_tenant(const fo_graph *g, uint32_t n)
{
	return g->tenant_off[n] ? g->a.p + g->tenant_off[n] : NULL;
}

unsigned fo_graph_node_tier(const fo_graph *g, uint32_t n) { return g->tier[n]; }
uint32_t fo_graph_node_container(const fo_graph *g, uint32_t n) { return g->container[n]; }
unsigned long fo_graph_node_line(const fo_graph *g, uint32_t n) { return g->line[n]; }

size_t fo_graph_node_props(const fo_graph *g, uint32_t n, const fo_prop **out)
{
	*out = g->props + g->prop_off[n];
	return g->prop_off[n + 1] - g->prop_off[n];
}

void fo_graph_node_groups(const fo_graph *g, uint32_t n, uint32_t *first, uint32_t *count)
{
	*first = g->owned_off[n];
	*count = g->owned_off[n + 1] - g->owned_off[n];
}

size_t fo_graph_node_memberof(const fo_graph *g, uint32_t n, const uint32_t **out)
{
	*out = g->memberof + g->memberof_off[n];
	return g->memberof_off[n + 1] - g->memberof_off[n];
}

size_t fo_graph_node_children(const fo_graph *g, uint32_t n, const uint32_t **out)
{
	*out = g->child + g->child_off[n];
	return g->child_off[n + 1] - g->child_off[n];
}

void fo_graph_group(const fo_graph *g, uint32_t group, fo_group_info *out)
{
	out->owner = g->group_owner[group];
	out->type = (fo_group_type)g->group_type[group];
	out->k = g->group_k[group];
	out->n = g->member_off[group + 1] - g->member_off[group];
	out->members = g->members + g->member_off[group];
	out->line = g->group_line[group];
}

void fo_graph_view_get(const fo_graph *g, fo_graph_view *out)
{
	out->nodes = g->nodes;
	out->groups = g->groups;
	out->owned_off = g->owned_off;
	out->memberof_off = g->memberof_off;
	out->memberof = g->memberof;
	out->group_owner = g->group_owner;
	out->group_type = g->group_type;
	out->group_k = g->group_k;
	out->member_off = g->member_off;
	out->members = g->members;
	out->child_off = g->child_off;
	out->child = g->child;
	out->container = g->container;
}
