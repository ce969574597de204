/*
 * graph.c — the builder and the compiled graph (fo_graph.h).
 *
 * Layout. All strings live in one arena (offset 0 is the empty string, which
 * doubles as "none"). Ids are interned in an open-addressing hash table of node
 * indices (linear probing, load <= 1/2); each slot keeps the 32-bit hash of
 * its key next to the value, so a probe that meets another key is rejected
 * without touching the arena (one cache miss per probe, not three), and the
 * table grows without hashing a string again. Kinds and tenants repeat a lot,
 * so they are interned too and stored once.
 *
 * References. A member given by id is looked up as it comes, in batches
 * whose cache misses overlap (resolve_run, flush_stage); one not found yet
 * (a forward reference), a copy holder and an `in=` container keep their
 * string, in a second arena that dies with the builder (the graph holds
 * only ids, names and words), and fo_builder_finish resolves those in one
 * pass and reports every unknown one. A reference given by node index (a
 * snapshot load) needs no lookup.
 *
 * Threads. After fo_builder_start_thread the calls are queued and run by a
 * worker thread ("Worker thread" below), and fo_builder_finish splits its
 * largest loops over two threads; the result is that of one thread. fo_builder_finish then compiles the CSR arrays
 * described in fo_graph.h with counting sorts, so the whole build is linear,
 * and trims what was allocated ahead.
 *
 * Group order. Each owner's groups are contiguous: its located group first,
 * then its requires/degrades groups in document order, then its copies group.
 * Each node's memberof list is ascending by group, hence by owner, which makes
 * the propagation order (and so every cause) deterministic.
 */
#include "fo_graph.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "diag_int.h"
#include "fo_error.h"
#include "fo_suggest.h"
#include "graph_blob.h"

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

const char *fo_kind_alias(size_t i)
{
	return i < sizeof kind_aliases / sizeof kind_aliases[0] ? kind_aliases[i].word : NULL;
}

/* Called for every node: the first byte is compared before strcmp. */
fo_kind fo_kind_parse(const char *word)
{
	for (int k = 1; k < FO_KIND__COUNT; k++)
		if (word[0] == kind_names[k][0] && strcmp(word, kind_names[k]) == 0)
			return (fo_kind)k;
	for (size_t i = 0; i < sizeof kind_aliases / sizeof kind_aliases[0]; i++)
		if (word[0] == kind_aliases[i].word[0] && strcmp(word, kind_aliases[i].word) == 0)
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

/* FNV-1a, then a final mix so that the low bits, which pick the slot, are
 * spread; 32 bits are kept (slot and tag). O(len(s)). */
static uint32_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)h;
}

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* A slot: the value (FO_NONE = empty) and the hash of its key. */
typedef struct strent {
	uint32_t hash;
	uint32_t val;
} strent;

/* Open-addressing set of uint32 values whose key string is arena + keyoff(v).
 * A key's home slot is hash & mask: in a table of more than 2^32 slots (over
 * 2^31 keys) the upper slots are reached only by probing, which is slower
 * but still correct. */
typedef struct strtab {
	strent *slot;
	size_t mask;    /* capacity - 1; capacity a power of two */
	size_t used;
} strtab;

/* Re-allocates t with capacity ncap (a power of two, > 2 * used), moving
 * the slots by their stored hash: no key is read. O(old + new capacity). */
static int strtab_resize(strtab *t, size_t ncap)
{
	if (ncap > SIZE_MAX / sizeof(strent))
		return FO_ENOMEM;
	strent *ns = malloc(ncap * sizeof *ns);
	if (!ns)
		return FO_ENOMEM;
	memset(ns, 0xff, ncap * sizeof *ns);
	if (t->slot) {
		for (size_t i = 0; i <= t->mask; i++) {
			strent e = t->slot[i];
			if (e.val == FO_NONE)
				continue;
			size_t j = e.hash & (ncap - 1);
			while (ns[j].val != FO_NONE)
				j = (j + 1) & (ncap - 1);
			ns[j] = e;
		}
	}
	free(t->slot);
	t->slot = ns;
	t->mask = ncap - 1;
	return FO_OK;
}

/* Makes room for `more` keys beyond those stored without growing again
 * (load stays <= 1/2). O(capacity) when it grows, else O(1). */
static int strtab_reserve(strtab *t, size_t more)
{
	size_t cap = t->slot ? t->mask + 1 : 0, ncap = cap ? cap : 1024;
	if (more > SIZE_MAX / 4 - t->used)
		return FO_ENOMEM;
	while ((t->used + more) * 2 > ncap)
		ncap *= 2;
	return ncap == cap ? FO_OK : strtab_resize(t, ncap);
}

/* Finds key (of hash h); returns the slot index (holding the value or
 * FO_NONE). keyoff maps a stored value to its key offset (NULL: the value is
 * the offset). Expected O(1) probes; strcmp only on a matching hash. */
static size_t strtab_find(const strtab *t, const arena *a, const uint32_t *keyoff,
			  const char *key, uint32_t h)
{
	size_t j = h & t->mask;
	for (;;) {
		strent e = t->slot[j];
		if (e.val == FO_NONE ||
		    (e.hash == h && strcmp(a->p + (keyoff ? keyoff[e.val] : e.val), key) == 0))
			return j;
		j = (j + 1) & t->mask;
	}
}

/* Stores v for the key of hash h in the empty slot j found by strtab_find. */
static void strtab_set(strtab *t, size_t j, uint32_t h, uint32_t v)
{
	t->slot[j] = (strent){ h, v };
	t->used++;
}

/* Interns a string whose value is its own arena offset (kinds, tenants). */
static int intern(strtab *t, arena *a, const char *s, uint32_t *off)
{
	int err = strtab_reserve(t, 1);
	if (err < 0)
		return err;
	uint32_t h = hash_str(s);
	size_t j = strtab_find(t, a, NULL, s, h);
	if (t->slot[j].val != FO_NONE) {
		*off = t->slot[j].val;
		return FO_OK;
	}
	if ((err = arena_put(a, s, strlen(s), off)) < 0)
		return err;
	strtab_set(t, j, h, *off);
	return FO_OK;
}

/* ---------------------------------------------------------------- builder */

typedef struct pending_ref {
	uint32_t node;  /* the node referenced, or FO_NONE: not resolved yet */
	uint32_t ref;   /* unresolved: offset of the referenced id in b->refs */
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
	arena refs;        /* ids of the references given by id, still unresolved */
	arena stage;       /* ids of the members from members[staged], not looked up yet */
	size_t staged;
	uint32_t *fwd;     /* members still unresolved before members[staged], ascending */
	size_t nfwd, fwd_alloc;
	size_t pending;    /* references given by id, resolved by fo_builder_finish */
	uint32_t name_off;
	strtab ids, words;
	size_t unfindable; /* nodes whose id does not find them (empty, too long, duplicate) */
	size_t suggested;  /* unknown references given a suggestion (resolve) */

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

	struct bpipe *pipe; /* the worker thread, or NULL (fo_builder_start_thread) */
	int threaded;       /* had one: fo_builder_finish may use two threads too */
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

	size_t mem; /* bytes held, for fo_graph_memory */
};

static int pipe_stop(fo_builder *b);

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
	pipe_stop(b);
	free(b->file);
	free(b->a.p);
	free(b->refs.p);
	free(b->stage.p);
	free(b->fwd);
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

static void report(fo_builder *b, const char *code, unsigned long line, unsigned long col,
		   const char *hint, const char *what, const char *id, const char *tail)
{
	char buf[FO_DIAG_SHORT_BUF];
	b->errors++;
	if (b->diag)
		fo_diag_add_code(b->diag, FO_SEV_ERROR, code, b->file, line, col, hint, "%s '%s'%s",
				 what, fo_diag_shorten(id, buf), tail ? tail : "");
}

static int do_set_name(fo_builder *b, const char *name)
{
	return arena_put(&b->a, name, strlen(name), &b->name_off);
}

/* Gives the per-node arrays room for want nodes (want > nodes_alloc). */
static int grow_nodes(fo_builder *b, size_t want)
{
#define GROW(f)                                                       \
	do {                                                          \
		void *p_ = realloc(b->f, want * sizeof *b->f);         \
		if (!p_)                                              \
			return FO_ENOMEM;                             \
		b->f = p_;                                            \
	} while (0)
	GROW(id_off); GROW(label_off); GROW(kind_off); GROW(tenant_off);
	GROW(tier); GROW(container); GROW(line); GROW(kind);
#undef GROW
	b->nodes_alloc = want;
	return FO_OK;
}

static int do_reserve(fo_builder *b, size_t nodes, size_t groups, size_t members)
{
	int err;
	if (!b)
		return FO_EINVAL;
	if (nodes > UINT32_MAX || groups > UINT32_MAX || members > UINT32_MAX)
		return FO_ELIMIT;
	if (b->nodes + nodes > b->nodes_alloc && (err = grow_nodes(b, b->nodes + nodes)) < 0)
		return err;
	if ((err = strtab_reserve(&b->ids, nodes)) < 0 ||
	    (err = vec_reserve((void **)&b->groups, &b->groups_alloc, b->ngroups + groups,
			       sizeof *b->groups)) < 0 ||
	    (err = vec_reserve((void **)&b->members, &b->members_alloc, b->nmembers + members,
			       sizeof *b->members)) < 0)
		return err;
	/* Sized once, filled from the front: huge pages pay here (they did not
	 * for arrays grown step by step, bench/notes.md). Hints only. */
	fo_graph_blob_hint_huge(b->groups, b->groups_alloc * sizeof *b->groups);
	fo_graph_blob_hint_huge(b->members, b->members_alloc * sizeof *b->members);
	fo_graph_blob_hint_huge(b->id_off, b->nodes_alloc * sizeof *b->id_off);
	fo_graph_blob_hint_huge(b->label_off, b->nodes_alloc * sizeof *b->label_off);
	fo_graph_blob_hint_huge(b->kind_off, b->nodes_alloc * sizeof *b->kind_off);
	fo_graph_blob_hint_huge(b->tenant_off, b->nodes_alloc * sizeof *b->tenant_off);
	fo_graph_blob_hint_huge(b->tier, b->nodes_alloc * sizeof *b->tier);
	fo_graph_blob_hint_huge(b->container, b->nodes_alloc * sizeof *b->container);
	fo_graph_blob_hint_huge(b->line, b->nodes_alloc * sizeof *b->line);
	return FO_OK;
}

static int do_add_node(fo_builder *b, const char *id, const char *kind, const char *name,
		       const char *tenant, unsigned tier, fo_pos pos, uint32_t *out)
{
	int err;
	size_t idlen = strlen(id);
	size_t n = b->nodes;
	uint32_t idoff, kindoff, tenoff = 0, nameoff = 0;
	fo_kind k = fo_kind_parse(kind);
	int findable = 1;
	uint32_t h = hash_str(id);

	/* The id's slot is a cache miss: start loading it now, the strings
	 * below are copied meanwhile. */
	if (b->ids.slot)
		PREFETCH(&b->ids.slot[h & b->ids.mask]);
	if (n >= UINT32_MAX - 1)
		return FO_ELIMIT;
	if (idlen == 0) {
		b->errors++;
		if (b->diag)
			fo_diag_add_code(b->diag, FO_SEV_ERROR, "empty-id", b->file, pos.line,
					 pos.col, "id=", "empty id");
		findable = 0;
	} else if (idlen > FO_ID_MAX) {
		char tail[64];
		snprintf(tail, sizeof tail, " is %zu bytes long; the limit is %d", idlen, FO_ID_MAX);
		report(b, "long-id", pos.line, pos.col, "id=", "id", id, tail);
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
	if (findable && (err = strtab_reserve(&b->ids, 1)) < 0)
		return err;
	if (n + 1 > b->nodes_alloc &&
	    (err = grow_nodes(b, b->nodes_alloc ? b->nodes_alloc * 2 : 1024)) < 0)
		return err;

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
		size_t j = strtab_find(&b->ids, &b->a, b->id_off, id, h);
		if (b->ids.slot[j].val != FO_NONE) {
			char tail[64];
			snprintf(tail, sizeof tail, " (first defined at line %u)",
				 b->line[b->ids.slot[j].val]);
			report(b, "duplicate-id", pos.line, pos.col, id, "duplicate id", id, tail);
			b->unfindable++;
		} else {
			strtab_set(&b->ids, j, h, (uint32_t)n);
		}
	} else {
		b->unfindable++;
	}
	*out = (uint32_t)n;
	return FO_OK;
}

static int do_add_prop(fo_builder *b, uint32_t node, const char *key, const char *value)
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

static int do_set_parent(fo_builder *b, uint32_t node, uint32_t parent)
{
	if (node >= b->nodes || parent >= b->nodes)
		return FO_EINVAL;
	b->container[node] = parent;
	return FO_OK;
}

/* A reference to `id` at pos; its string is kept for fo_builder_finish,
 * which resolves all references in one pass (resolve_all). */
/* A reference's position, clamped to what it stores. */
static void ref_at(pending_ref *r, fo_pos pos)
{
	r->line = pos.line > UINT32_MAX ? UINT32_MAX : (uint32_t)pos.line;
	r->col = pos.col > UINT32_MAX ? UINT32_MAX : (uint32_t)pos.col;
}

static int make_ref_in(fo_builder *b, arena *a, const char *id, fo_pos pos, pending_ref *out)
{
	ref_at(out, pos);
	out->node = FO_NONE;
	b->pending++;
	return arena_put(a, id, strlen(id), &out->ref);
}

static int make_ref(fo_builder *b, const char *id, fo_pos pos, pending_ref *out)
{
	return make_ref_in(b, &b->refs, id, pos, out);
}

/* A reference to node v by index: the same as a reference to its id, which
 * finds v itself unless some id does not find its node (then by its id, so
 * that the outcome and the errors stay those of the id). O(1) then. */
static int make_node_ref(fo_builder *b, uint32_t v, fo_pos pos, pending_ref *out)
{
	if (v >= b->nodes)
		return FO_EINVAL;
	if (b->unfindable)
		return make_ref(b, b->a.p + b->id_off[v], pos, out);
	ref_at(out, pos);
	out->ref = 0;
	out->node = v;
	return FO_OK;
}

/* The id a reference was written with. */
static const char *ref_id(const fo_builder *b, const pending_ref *r)
{
	return r->node != FO_NONE ? b->a.p + b->id_off[r->node] : b->refs.p + r->ref;
}

static int do_set_container(fo_builder *b, uint32_t node, const char *container_id, fo_pos pos)
{
	bin in = { node, { 0, 0, 0, 0 } };
	int err;
	if (node >= b->nodes)
		return FO_EINVAL;
	if ((err = make_ref(b, container_id, pos, &in.container)) < 0)
		return err;
	return VEC_PUSH(b->ins, b->nins, b->ins_alloc, in);
}

static int do_group_begin(fo_builder *b, uint32_t owner, fo_group_type type, unsigned long k,
			  fo_pos pos)
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

static void resolve_run(fo_builder *b, void *first, const uint32_t *idx, size_t count, size_t stride,
			const char *keys);

/* Members given by id are looked up as they come, a batch at a time
 * (resolve_run), while their ids are still in the cache: an id found then
 * is the node fo_builder_finish would find (an id, once in the table, keeps
 * its node), so only a reference to a node not yet added (a forward
 * reference) keeps its id, moved to b->refs for finish. The stage holds the
 * ids of the batch being gathered. O(batch) per batch. */
#define STAGE_BATCH 64

static int flush_stage(fo_builder *b)
{
	int err;
	if (b->staged == b->nmembers)
		return FO_OK;
	resolve_run(b, b->members + b->staged, NULL, b->nmembers - b->staged, sizeof *b->members,
		    b->stage.p);
	for (size_t i = b->staged; i < b->nmembers; i++) {
		pending_ref *r = &b->members[i];
		if (r->node == FO_NONE &&
		    ((err = arena_put(&b->refs, b->stage.p + r->ref, strlen(b->stage.p + r->ref),
				      &r->ref)) < 0 ||
		     (err = VEC_PUSH(b->fwd, b->nfwd, b->fwd_alloc, (uint32_t)i)) < 0))
			return err;
	}
	b->stage.len = 0;
	b->staged = b->nmembers;
	return FO_OK;
}

static int push_member(fo_builder *b, const pending_ref *r)
{
	int err = VEC_PUSH(b->members, b->nmembers, b->members_alloc, *r);
	if (err == FO_OK)
		b->groups[b->ngroups - 1].count++;
	if (err == FO_OK && b->nmembers - b->staged >= STAGE_BATCH)
		err = flush_stage(b);
	return err;
}

static int do_group_add(fo_builder *b, const char *member_id, fo_pos pos)
{
	pending_ref r;
	int err;
	if (!b->open_group)
		return FO_EINVAL;
	if (b->nmembers >= UINT32_MAX - 1)
		return FO_ELIMIT;
	if ((err = make_ref_in(b, &b->stage, member_id, pos, &r)) < 0)
		return err;
	return push_member(b, &r);
}

static int do_group_add_node(fo_builder *b, uint32_t member, fo_pos pos)
{
	pending_ref r;
	int err;
	if (!b->open_group)
		return FO_EINVAL;
	if (b->nmembers >= UINT32_MAX - 1)
		return FO_ELIMIT;
	/* Its id, if it needs one, goes to b->refs, not to the stage. */
	if ((err = flush_stage(b)) < 0 || (err = make_node_ref(b, member, pos, &r)) < 0 ||
	    (err = push_member(b, &r)) < 0)
		return err;
	b->staged = b->nmembers;
	if (r.node == FO_NONE)
		return VEC_PUSH(b->fwd, b->nfwd, b->fwd_alloc, (uint32_t)(b->nmembers - 1));
	return FO_OK;
}

static int do_group_end(fo_builder *b)
{
	if (!b->open_group)
		return FO_EINVAL;
	b->open_group = 0;
	bgroup *g = &b->groups[b->ngroups - 1];
	if (g->count == 0) {
		b->errors++;
		if (b->diag)
			fo_diag_add_code(b->diag, FO_SEV_ERROR, "empty-group", b->file, g->line,
					 g->col, NULL, "group has no members");
	} else if (g->k > g->count) {
		b->errors++;
		if (b->diag)
			fo_diag_add_code(b->diag, FO_SEV_ERROR, "bad-min", b->file, g->line, g->col, "min=",
				    "bad min: needs %u of %u members (min must be between 1 and the number of members)",
				    g->k, g->count);
	}
	return FO_OK;
}

static int do_add_copy(fo_builder *b, uint32_t owner, const char *holder_id, fo_pos pos)
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

static int do_add_copy_node(fo_builder *b, uint32_t owner, uint32_t holder, fo_pos pos)
{
	bcopy c;
	int err;
	if (owner >= b->nodes)
		return FO_EINVAL;
	c.owner = owner;
	if ((err = make_node_ref(b, holder, pos, &c.holder)) < 0)
		return err;
	return VEC_PUSH(b->copies, b->ncopies, b->copies_alloc, c);
}

/* ---------------------------------------------------------- worker thread */

/*
 * fo_builder_start_thread: from then on the calls above are queued, with
 * copies of their strings, and a worker thread runs them in order, while
 * the caller (the XML reader) goes on parsing. The caller is answered at
 * once from a mirror of what it can see (node and member counts, the open
 * group), so return values and node numbers are those of one thread. A
 * failure of the worker (memory, a limit) is returned by a later call and
 * by fo_builder_finish.
 *
 * Diagnostics keep the order one thread gives. The worker reports into a
 * diag of its own; before the caller adds anything to its diag (a hook on
 * it, diag_int.h), the queue is drained and the worker's entries are moved
 * in first: they come from calls made before that entry. A valid inventory
 * has no diagnostics, so this costs nothing there; one with many errors is
 * read almost as by one thread.
 */
enum { OP_NAME = 1, OP_NODE, OP_PROP, OP_PARENT, OP_CONTAINER, OP_BEGIN, OP_ADD, OP_END, OP_COPY };

#define PIPE_CHUNK (256 * 1024) /* bytes of queued calls handed over at a time */
#define PIPE_CHUNKS 8           /* chunks in flight: the caller waits beyond */
#define PIPE_NULL UINT32_MAX    /* length of a NULL string in a record */

typedef struct bchunk {
	unsigned char *p;
	size_t len, alloc;
} bchunk;

struct bpipe {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;   /* any change of pub, done or stop */
	bchunk c[PIPE_CHUNKS];
	uint64_t pub, done;  /* chunks published by the caller, run by the worker */
	int stop;            /* nothing more will be published */
	int err;             /* the worker's first failure */
	fo_diag *real;       /* the caller's diag; b->diag is `mine` meanwhile */
	fo_diag *mine;
	/* the caller's side: its view of the builder, its first failure */
	size_t nodes, nmembers;
	int open_group;
	int cerr;
};

static void put_u64(unsigned char **w, uint64_t v)
{
	memcpy(*w, &v, sizeof v);
	*w += sizeof v;
}

static void put_str(unsigned char **w, const char *s, size_t n)
{
	uint32_t len = s ? (uint32_t)n : PIPE_NULL;
	memcpy(*w, &len, sizeof len);
	*w += sizeof len;
	if (s) {
		memcpy(*w, s, n);
		(*w)[n] = '\0';
		*w += n + 1;
	}
}

static uint64_t get_u64(const unsigned char **r)
{
	uint64_t v;
	memcpy(&v, *r, sizeof v);
	*r += sizeof v;
	return v;
}

static const char *get_str(const unsigned char **r)
{
	uint32_t len;
	const char *s;
	memcpy(&len, *r, sizeof len);
	*r += sizeof len;
	if (len == PIPE_NULL)
		return NULL;
	s = (const char *)*r;
	*r += (size_t)len + 1;
	return s;
}

/* Hands the chunk being filled to the worker and takes the next one,
 * waiting while every chunk is in flight. Returns the worker's failure,
 * if any so far. Called by the caller's thread only. */
static int pipe_publish(struct bpipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->pub++;
	pthread_cond_broadcast(&p->cv);
	while (p->pub - p->done >= PIPE_CHUNKS)
		pthread_cond_wait(&p->cv, &p->mu);
	int err = p->err;
	pthread_mutex_unlock(&p->mu);
	p->c[p->pub % PIPE_CHUNKS].len = 0;
	return err;
}

/* Queues one call: op, nn numbers, ns strings (NULL allowed). */
static int enqueue(fo_builder *b, int op, const uint64_t *num, size_t nn, const char *const *str,
		   size_t ns)
{
	struct bpipe *p = b->pipe;
	size_t len[4], need = 1 + nn * sizeof(uint64_t);
	bchunk *c;
	unsigned char *w;
	int err;

	if (p->cerr)
		return p->cerr;
	for (size_t i = 0; i < ns; i++) {
		len[i] = str[i] ? strlen(str[i]) : 0;
		if (len[i] >= PIPE_NULL) {
			p->cerr = FO_ELIMIT;
			return p->cerr;
		}
		need += sizeof(uint32_t) + (str[i] ? len[i] + 1 : 0);
	}
	c = &p->c[p->pub % PIPE_CHUNKS];
	if (c->len + need > c->alloc && c->len) {
		if ((err = pipe_publish(p)) < 0)
			return p->cerr = err;
		c = &p->c[p->pub % PIPE_CHUNKS];
	}
	if (need > c->alloc) { /* the first use, or a call longer than a chunk */
		size_t na = need > PIPE_CHUNK ? need : PIPE_CHUNK;
		unsigned char *np = realloc(c->p, na);
		if (!np)
			return p->cerr = FO_ENOMEM;
		c->p = np;
		c->alloc = na;
	}
	w = c->p + c->len;
	*w++ = (unsigned char)op;
	for (size_t i = 0; i < nn; i++)
		put_u64(&w, num[i]);
	for (size_t i = 0; i < ns; i++)
		put_str(&w, str[i], len[i]);
	c->len += need;
	return FO_OK;
}

/* Runs the calls of one chunk. Returns the first failure. */
static int run_chunk(fo_builder *b, const unsigned char *r, size_t n)
{
	const unsigned char *end = r + n;
	int err = FO_OK;
	while (r < end && err >= 0) {
		int op = *r++;
		uint64_t a, t, k;
		const char *s1, *s2, *s3, *s4;
		fo_pos pos;
		uint32_t out;
		switch (op) {
		case OP_NAME:
			err = do_set_name(b, get_str(&r));
			break;
		case OP_NODE:
			t = get_u64(&r);
			pos.line = get_u64(&r);
			pos.col = get_u64(&r);
			s1 = get_str(&r);
			s2 = get_str(&r);
			s3 = get_str(&r);
			s4 = get_str(&r);
			err = do_add_node(b, s1, s2, s3, s4, (unsigned)t, pos, &out);
			break;
		case OP_PROP:
			a = get_u64(&r);
			s1 = get_str(&r);
			s2 = get_str(&r);
			err = do_add_prop(b, (uint32_t)a, s1, s2);
			break;
		case OP_PARENT:
			a = get_u64(&r);
			t = get_u64(&r);
			err = do_set_parent(b, (uint32_t)a, (uint32_t)t);
			break;
		case OP_CONTAINER:
		case OP_COPY:
			a = get_u64(&r);
			pos.line = get_u64(&r);
			pos.col = get_u64(&r);
			s1 = get_str(&r);
			err = op == OP_COPY ? do_add_copy(b, (uint32_t)a, s1, pos)
					    : do_set_container(b, (uint32_t)a, s1, pos);
			break;
		case OP_BEGIN:
			a = get_u64(&r);
			t = get_u64(&r);
			k = get_u64(&r);
			pos.line = get_u64(&r);
			pos.col = get_u64(&r);
			err = do_group_begin(b, (uint32_t)a, (fo_group_type)t, (unsigned long)k, pos);
			break;
		case OP_ADD:
			pos.line = get_u64(&r);
			pos.col = get_u64(&r);
			err = do_group_add(b, get_str(&r), pos);
			break;
		case OP_END:
			err = do_group_end(b);
			break;
		default:
			err = FO_EINVAL; /* a bug: the queue is out of step */
			break;
		}
	}
	return err;
}

static void *worker(void *arg)
{
	fo_builder *b = arg;
	struct bpipe *p = b->pipe;
	int err = FO_OK;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->done == p->pub && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->done == p->pub)
			break;
		const bchunk *c = &p->c[p->done % PIPE_CHUNKS];
		pthread_mutex_unlock(&p->mu);
		/* After a failure the rest is skipped: the read fails anyway. */
		if (err >= 0)
			err = run_chunk(b, c->p, c->len);
		pthread_mutex_lock(&p->mu);
		if (err < 0 && !p->err)
			p->err = err;
		p->done++;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Waits until the worker has run every queued call (it then waits for more
 * and touches nothing), publishing the chunk being filled. */
static void pipe_drain(struct bpipe *p)
{
	pthread_mutex_lock(&p->mu);
	if (p->c[p->pub % PIPE_CHUNKS].len) {
		p->pub++;
		pthread_cond_broadcast(&p->cv);
	}
	while (p->done != p->pub)
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->err && !p->cerr)
		p->cerr = p->err;
	pthread_mutex_unlock(&p->mu);
	p->c[p->pub % PIPE_CHUNKS].len = 0;
}

/* The caller's diag is about to take an entry: the worker's come first. */
static void pipe_sync_hook(void *ctx)
{
	fo_builder *b = ctx;
	pipe_drain(b->pipe);
	fo_diag__move(b->pipe->real, b->pipe->mine);
}

static void pipe_free(struct bpipe *p)
{
	for (size_t i = 0; i < PIPE_CHUNKS; i++)
		free(p->c[i].p);
	fo_diag_free(p->mine);
	free(p);
}

/* Ends the worker after it has run everything queued, moves its
 * diagnostics to the caller's diag and goes back to one thread. Returns
 * the first failure of either side. */
static int pipe_stop(fo_builder *b)
{
	struct bpipe *p = b->pipe;
	int err;

	if (!p)
		return FO_OK;
	pthread_mutex_lock(&p->mu);
	if (p->c[p->pub % PIPE_CHUNKS].len)
		p->pub++;
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->th, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	err = p->cerr ? p->cerr : p->err;
	b->diag = p->real;
	if (p->real) {
		fo_diag__set_hook(p->real, NULL, NULL);
		fo_diag__move(p->real, p->mine);
	}
	b->pipe = NULL;
	pipe_free(p);
	return err;
}

int fo_builder_start_thread(fo_builder *b)
{
	struct bpipe *p;

	if (!b)
		return FO_EINVAL;
	if (b->pipe)
		return FO_OK;
	if (!(p = calloc(1, sizeof *p)))
		return FO_ENOMEM;
	p->real = b->diag;
	if (p->real && fo_diag_new(&p->mine, fo_diag__cap(p->real)) < 0) {
		pipe_free(p);
		return FO_ENOMEM;
	}
	p->nodes = b->nodes;
	p->nmembers = b->nmembers;
	p->open_group = b->open_group;
	if (pthread_mutex_init(&p->mu, NULL) != 0) {
		pipe_free(p);
		return FO_OK; /* stays with one thread */
	}
	if (pthread_cond_init(&p->cv, NULL) != 0) {
		pthread_mutex_destroy(&p->mu);
		pipe_free(p);
		return FO_OK;
	}
	b->pipe = p;
	b->diag = p->mine;
	if (pthread_create(&p->th, NULL, worker, b) != 0) {
		b->diag = p->real;
		b->pipe = NULL;
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
		pipe_free(p);
		return FO_OK; /* no thread to be had: one thread does it all */
	}
	if (p->real)
		fo_diag__set_hook(p->real, pipe_sync_hook, b);
	b->threaded = 1;
	return FO_OK;
}

/* Before a call the queue cannot take (it reads the builder's state): the
 * worker is drained, the call made here, and the caller's view updated. */
static void pipe_direct_begin(fo_builder *b)
{
	if (b->pipe)
		pipe_drain(b->pipe);
}

static int pipe_direct_end(fo_builder *b, int err)
{
	if (b->pipe) {
		b->pipe->nodes = b->nodes;
		b->pipe->nmembers = b->nmembers;
		b->pipe->open_group = b->open_group;
		if (err >= 0 && b->pipe->cerr)
			err = b->pipe->cerr;
	}
	return err;
}

/* ------------------------------------------------------- the builder calls */

int fo_builder_set_name(fo_builder *b, const char *name)
{
	if (!b->pipe)
		return do_set_name(b, name);
	const char *s[1] = { name };
	return enqueue(b, OP_NAME, NULL, 0, s, 1);
}

int fo_builder_reserve(fo_builder *b, size_t nodes, size_t groups, size_t members)
{
	if (!b)
		return FO_EINVAL;
	pipe_direct_begin(b);
	return pipe_direct_end(b, do_reserve(b, nodes, groups, members));
}

int fo_builder_add_node(fo_builder *b, const char *id, const char *kind, const char *name,
			const char *tenant, unsigned tier, fo_pos pos, uint32_t *out)
{
	struct bpipe *p = b->pipe;
	int err;
	if (!p)
		return do_add_node(b, id, kind, name, tenant, tier, pos, out);
	if (p->nodes >= UINT32_MAX - 1)
		return FO_ELIMIT;
	uint64_t num[3] = { tier, pos.line, pos.col };
	const char *s[4] = { id, kind, name, tenant };
	if ((err = enqueue(b, OP_NODE, num, 3, s, 4)) < 0)
		return err;
	*out = (uint32_t)p->nodes++;
	return FO_OK;
}

int fo_builder_add_prop(fo_builder *b, uint32_t node, const char *key, const char *value)
{
	if (!b->pipe)
		return do_add_prop(b, node, key, value);
	if (node >= b->pipe->nodes)
		return FO_EINVAL;
	uint64_t num[1] = { node };
	const char *s[2] = { key, value };
	return enqueue(b, OP_PROP, num, 1, s, 2);
}

int fo_builder_set_parent(fo_builder *b, uint32_t node, uint32_t parent)
{
	if (!b->pipe)
		return do_set_parent(b, node, parent);
	if (node >= b->pipe->nodes || parent >= b->pipe->nodes)
		return FO_EINVAL;
	uint64_t num[2] = { node, parent };
	return enqueue(b, OP_PARENT, num, 2, NULL, 0);
}

int fo_builder_set_container(fo_builder *b, uint32_t node, const char *container_id, fo_pos pos)
{
	if (!b->pipe)
		return do_set_container(b, node, container_id, pos);
	if (node >= b->pipe->nodes)
		return FO_EINVAL;
	uint64_t num[3] = { node, pos.line, pos.col };
	const char *s[1] = { container_id };
	return enqueue(b, OP_CONTAINER, num, 3, s, 1);
}

int fo_builder_group_begin(fo_builder *b, uint32_t owner, fo_group_type type,
			   unsigned long k, fo_pos pos)
{
	struct bpipe *p = b->pipe;
	int err;
	if (!p)
		return do_group_begin(b, owner, type, k, pos);
	if (owner >= p->nodes || p->open_group ||
	    (type != FO_GROUP_REQUIRES && type != FO_GROUP_DEGRADES))
		return FO_EINVAL;
	uint64_t num[5] = { owner, (uint64_t)type, k, pos.line, pos.col };
	if ((err = enqueue(b, OP_BEGIN, num, 5, NULL, 0)) < 0)
		return err;
	p->open_group = 1;
	return FO_OK;
}

int fo_builder_group_add(fo_builder *b, const char *member_id, fo_pos pos)
{
	struct bpipe *p = b->pipe;
	int err;
	if (!p)
		return do_group_add(b, member_id, pos);
	if (!p->open_group)
		return FO_EINVAL;
	if (p->nmembers >= UINT32_MAX - 1)
		return FO_ELIMIT;
	uint64_t num[2] = { pos.line, pos.col };
	const char *s[1] = { member_id };
	if ((err = enqueue(b, OP_ADD, num, 2, s, 1)) < 0)
		return err;
	p->nmembers++;
	return FO_OK;
}

int fo_builder_group_add_node(fo_builder *b, uint32_t member, fo_pos pos)
{
	pipe_direct_begin(b);
	return pipe_direct_end(b, do_group_add_node(b, member, pos));
}

int fo_builder_group_end(fo_builder *b)
{
	struct bpipe *p = b->pipe;
	int err;
	if (!p)
		return do_group_end(b);
	if (!p->open_group)
		return FO_EINVAL;
	if ((err = enqueue(b, OP_END, NULL, 0, NULL, 0)) < 0)
		return err;
	p->open_group = 0;
	return FO_OK;
}

int fo_builder_add_copy(fo_builder *b, uint32_t owner, const char *holder_id, fo_pos pos)
{
	if (!b->pipe)
		return do_add_copy(b, owner, holder_id, pos);
	if (owner >= b->pipe->nodes)
		return FO_EINVAL;
	uint64_t num[3] = { owner, pos.line, pos.col };
	const char *s[1] = { holder_id };
	return enqueue(b, OP_COPY, num, 3, s, 1);
}

int fo_builder_add_copy_node(fo_builder *b, uint32_t owner, uint32_t holder, fo_pos pos)
{
	pipe_direct_begin(b);
	return pipe_direct_end(b, do_add_copy_node(b, owner, holder, pos));
}

/* Looks up the ids of `count` references (every `stride` bytes from
 * first; with idx, the idx[i]-th ones), whose ids are at keys + ref,
 * setting the node of each one not yet resolved, FO_NONE when unknown. The id table is
 * far larger than the caches and each lookup misses three times (slot,
 * id_off, arena), one miss waiting for the other; so lookups go in batches:
 * first every slot of the batch is prefetched, then every id_off, then
 * every key, so that the misses of a batch overlap, and only then is each
 * looked up for real (strtab_find, exact whatever was prefetched). O(count)
 * expected. */
static void resolve_run(fo_builder *b, void *first, const uint32_t *idx, size_t count, size_t stride,
			const char *keys)
{
	enum { BATCH = 32 };
	const strtab *t = &b->ids;
	uint32_t h[BATCH];

	if (!t->slot)
		return;
	for (size_t i0 = 0; i0 < count; i0 += BATCH) {
		size_t n = count - i0 < BATCH ? count - i0 : BATCH;
		pending_ref *r[BATCH];
		for (size_t i = 0; i < n; i++) {
			r[i] = (pending_ref *)((char *)first + (idx ? idx[i0 + i] : i0 + i) * stride);
			h[i] = r[i]->node == FO_NONE ? hash_str(keys + r[i]->ref) : 0;
			if (r[i]->node == FO_NONE)
				PREFETCH(&t->slot[h[i] & t->mask]);
		}
		for (size_t i = 0; i < n; i++) {
			strent e = t->slot[h[i] & t->mask];
			if (r[i]->node == FO_NONE && e.val != FO_NONE)
				PREFETCH(&b->id_off[e.val]);
		}
		for (size_t i = 0; i < n; i++) {
			strent e = t->slot[h[i] & t->mask];
			if (r[i]->node == FO_NONE && e.val != FO_NONE && e.hash == h[i])
				PREFETCH(b->a.p + b->id_off[e.val]);
		}
		for (size_t i = 0; i < n; i++)
			if (r[i]->node == FO_NONE)
				r[i]->node = t->slot[strtab_find(t, &b->a, b->id_off,
								 keys + r[i]->ref, h[i])].val;
	}
}

/* Resolves every reference kept by make_ref. */
/* Runs fn(a) on this thread and fn(other) on a second one, and waits for
 * both; one after the other when no thread can be had. The two must touch
 * disjoint data (or only read shared data). */
static void run2(void *(*fn)(void *), void *a, void *other)
{
	pthread_t th;
	int threaded = pthread_create(&th, NULL, fn, other) == 0;
	fn(a);
	if (threaded)
		pthread_join(th, NULL);
	else
		fn(other);
}

/* Half of the forward references, looked up (resolve_all). */
typedef struct fwdjob {
	fo_builder *b;
	const uint32_t *idx;
	size_t n;
} fwdjob;

static void *resolve_fwd(void *arg)
{
	fwdjob *j = arg;
	resolve_run(j->b, j->b->members, j->idx, j->n, sizeof *j->b->members, j->b->refs.p);
	return NULL;
}

#define PAR_MIN 4096 /* fewer items than this: not worth a second thread */

static void resolve_all(fo_builder *b)
{
	if (!b->pending)
		return;
	if (b->nins)
		resolve_run(b, &b->ins[0].container, NULL, b->nins, sizeof *b->ins, b->refs.p);
	/* The members looked up as they came and not found, by two threads
	 * after a threaded read: the id table is only read, and each
	 * reference written by one of them. */
	if (b->threaded && b->nfwd >= PAR_MIN) {
		fwdjob j[2] = { { b, b->fwd, b->nfwd / 2 },
				{ b, b->fwd + b->nfwd / 2, b->nfwd - b->nfwd / 2 } };
		run2(resolve_fwd, &j[0], &j[1]);
	} else if (b->nfwd) {
		resolve_run(b, b->members, b->fwd, b->nfwd, sizeof *b->members, b->refs.p);
	}
	if (b->ncopies)
		resolve_run(b, &b->copies[0].holder, NULL, b->ncopies, sizeof *b->copies, b->refs.p);
}

static const char *builder_id_at(void *ctx, uint32_t i, size_t *len)
{
	const fo_builder *b = ctx;
	const char *id = b->a.p + b->id_off[i];
	*len = strlen(id);
	return *len ? id : NULL;
}

/* A resolved reference (resolve_all), reported when unknown, with the
 * nearest id as a suggestion for the first FO_SUGGEST_REFS of them: each
 * search reads every id, and a file with a million dangling references
 * must still be reported quickly (clang caps its typo corrections the
 * same way, -fspell-checking-limit). */
#define FO_SUGGEST_REFS 50
static uint32_t resolve(fo_builder *b, const pending_ref *r, const char *code, const char *what)
{
	char tail[FO_DIAG_SHORT_BUF + 32], buf[FO_DIAG_SHORT_BUF];
	const char *id;
	/* Resolved (always so from a snapshot, whose builder keeps no
	 * reference text: refs.p may be NULL there). */
	if (r->node != FO_NONE)
		return r->node;
	id = b->refs.p + r->ref;
	tail[0] = '\0';
	if (b->suggested < FO_SUGGEST_REFS && b->diag) {
		uint32_t near = fo_suggest_best(id, builder_id_at, b, (uint32_t)b->nodes);
		b->suggested++;
		if (near != FO_NONE)
			snprintf(tail, sizeof tail, "; did you mean '%s'?",
				 fo_diag_shorten(b->a.p + b->id_off[near], buf));
	}
	report(b, code, r->line, r->col, id, what, id, tail);
	return FO_NONE;
}

/* A group ready to be compiled: owner, type, k and its resolved members. */
typedef struct cgroup {
	uint32_t owner, k, line, first, count;
	uint8_t type;
} cgroup;

/* Explicit groups checked by two threads (fo_builder_finish), for the
 * common case where each of them compiles as it was written: every member
 * resolved, none repeated, 1 <= K <= n. Then compile reads them from the
 * builder's own groups and members (a `cvirt` range), and nothing is
 * copied for them. Anything else would be reported: `clean` drops to 0 and
 * fo_builder_finish runs the one-thread loop instead, which reports it, in
 * order. */
typedef struct gjob {
	const fo_builder *b;
	uint32_t *stamp;   /* per node: this job's last group holding it */
	size_t from, to;   /* explicit groups [from, to) */
	uint32_t sid;
	int clean;
} gjob;


static void *clean_groups(void *arg)
{
	gjob *j = arg;
	const fo_builder *b = j->b;
	j->clean = 1;
	for (size_t i = j->from; i < j->to; i++) {
		const bgroup *bg = &b->groups[i];
		uint32_t sid = ++j->sid;
		if (bg->count == 0 || bg->k > bg->count) {
			j->clean = 0;
			return NULL;
		}
		for (uint32_t m = 0; m < bg->count; m++) {
			uint32_t v = b->members[bg->first + m].node;
			if (v == FO_NONE || j->stamp[v] == sid) {
				j->clean = 0;
				return NULL;
			}
			j->stamp[v] = sid;
		}
	}
	return NULL;
}

/* 1 when every explicit group compiles as written (checked by two threads);
 * the caller's stamp array and *sid are used for one half. O(members) split
 * over two threads. */
static int clean_groups_2(fo_builder *b, uint32_t *stamp, uint32_t *sid)
{
	size_t nodes = b->nodes, split = 0;
	gjob j[2];
	int ok;

	if (!b->threaded || b->ngroups < PAR_MIN)
		return 0;
	/* Halves of about equal member counts. */
	while (split < b->ngroups && b->groups[split].first < b->nmembers / 2)
		split++;
	j[0] = (gjob){ b, stamp, 0, split, *sid, 0 };
	j[1] = (gjob){ b, malloc((nodes ? nodes : 1) * sizeof *stamp), split, b->ngroups, 0, 0 };
	if (!j[1].stamp)
		return 0; /* the one-thread loop needs no more memory */
	memset(j[1].stamp, 0xff, nodes * sizeof *stamp);
	run2(clean_groups, &j[0], &j[1]);
	free(j[1].stamp);
	*sid = j[0].sid;
	ok = j[0].clean && j[1].clean;
	if (!ok) { /* start the one-thread loop afresh */
		memset(stamp, 0xff, nodes * sizeof *stamp);
		*sid = 0;
	}
	return ok;
}

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
			report(b, "containment-loop", b->line[v], 0, "in=", "node", b->a.p + b->id_off[v],
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

/* Shrinks a block of `alloc` elements of `elem` bytes to its `len` used ones
 * (at least one) and adds the bytes it then holds to *mem. Returns the
 * block: the same one, still valid, if realloc cannot shrink it. */
static void *trim(void *p, size_t len, size_t alloc, size_t elem, size_t *mem)
{
	size_t keep = len ? len : 1;
	if (p && keep < alloc) {
		void *np = realloc(p, keep * elem);
		if (np) {
			p = np;
			alloc = keep;
		}
	}
	*mem += p ? alloc * elem : 0;
	return p;
}

/* n (at least one) elements of elem bytes, zeroed or not, counted in *mem. */
static void *galloc(size_t n, size_t elem, int zero, size_t *mem)
{
	void *p;
	n = n ? n : 1;
	p = zero ? calloc(n, elem) : malloc(n * elem);
	if (p)
		*mem += n * elem;
	return p;
}

/* Moves the builder's node arrays and arena into a new graph, trimmed to
 * what they hold, and builds the CSR arrays from the resolved groups with
 * counting sorts. O(nodes + members). */
/* Entries [g0, g0 + ng) of the groups given to compile are the builder's
 * explicit groups as written (clean_groups_2), with their members from
 * b->members at member entries [m0, ...); the cg and cmem entries there are
 * not filled. ng = 0: none. */
typedef struct cvirt {
	size_t g0, ng, m0;
} cvirt;

/* Group entry i of compile's input. */
static cgroup cg_at(const fo_builder *b, const cgroup *cg, const cvirt *vt, size_t i)
{
	if (i - vt->g0 < vt->ng) {
		const bgroup *bg = &b->groups[i - vt->g0];
		return (cgroup){ bg->owner, bg->k, bg->line, (uint32_t)(vt->m0 + bg->first), bg->count,
				 bg->type };
	}
	return cg[i];
}

/* Compiled groups [from, to) (in owner order) of compile, member_off set. */
typedef struct fill_job {
	const fo_builder *b;
	fo_graph *g;
	const cgroup *cg;
	const uint32_t *cmem;
	const cvirt *vt;
	const uint32_t *order;
	size_t from, to;
} fill_job;

static void *fill_groups(void *arg)
{
	const fill_job *j = arg;
	fo_graph *g = j->g;
	for (size_t gi = j->from; gi < j->to; gi++) {
		const cgroup c = cg_at(j->b, j->cg, j->vt, j->order[gi]);
		uint32_t mpos = g->member_off[gi];
		g->group_owner[gi] = c.owner;
		g->group_k[gi] = c.k;
		g->group_line[gi] = c.line;
		g->group_type[gi] = c.type;
		if (j->order[gi] - j->vt->g0 < j->vt->ng) {
			const pending_ref *r = j->b->members + (c.first - j->vt->m0);
			for (uint32_t m = 0; m < c.count; m++)
				g->members[mpos + m] = r[m].node;
		} else {
			memcpy(g->members + mpos, j->cmem + c.first, c.count * sizeof *j->cmem);
		}
	}
	return NULL;
}

static int compile(fo_builder *b, const cgroup *cg, size_t ncg, const uint32_t *cmem,
		   size_t ncmem, const cvirt *vt, fo_graph **out)
{
	int err = FO_OK;
	fo_graph *g = NULL;
	uint32_t *order = NULL, *count = NULL;
	size_t nodes = b->nodes, na = b->nodes_alloc, nchild = 0;

	if (!(g = calloc(1, sizeof *g))) {
		err = FO_ENOMEM;
		goto done;
	}
	g->mem = sizeof *g;
	g->nodes = (uint32_t)nodes;
	g->groups = (uint32_t)ncg;
	g->nmembers = ncmem;
	g->file = b->file; b->file = NULL;
	g->mem += g->file ? strlen(g->file) + 1 : 0;
	g->a = b->a; memset(&b->a, 0, sizeof b->a);
	g->a.p = trim(g->a.p, g->a.len, g->a.alloc, 1, &g->mem);
	g->a.alloc = g->a.len;
	g->ids = b->ids; memset(&b->ids, 0, sizeof b->ids);
	g->mem += g->ids.slot ? (g->ids.mask + 1) * sizeof *g->ids.slot : 0;
	g->name_off = b->name_off;
#define MOVE(f) do { g->f = trim(b->f, nodes, na, sizeof *b->f, &g->mem); b->f = NULL; } while (0)
	MOVE(id_off); MOVE(label_off); MOVE(kind_off); MOVE(tenant_off);
	MOVE(tier); MOVE(container); MOVE(line); MOVE(kind);
#undef MOVE
	b->nodes_alloc = 0;
	for (size_t v = 0; v < nodes; v++)
		nchild += g->container[v] != FO_NONE;

	size_t n1 = nodes + 1;
	g->owned_off = galloc(n1, sizeof *g->owned_off, 1, &g->mem);
	g->memberof_off = galloc(n1, sizeof *g->memberof_off, 1, &g->mem);
	g->child_off = galloc(n1, sizeof *g->child_off, 1, &g->mem);
	g->prop_off = galloc(n1, sizeof *g->prop_off, 1, &g->mem);
	g->memberof = galloc(ncmem, sizeof *g->memberof, 0, &g->mem);
	g->child = galloc(nchild, sizeof *g->child, 0, &g->mem);
	g->props = galloc(b->nprops, sizeof *g->props, 0, &g->mem);
	g->group_owner = galloc(ncg, sizeof *g->group_owner, 0, &g->mem);
	g->group_k = galloc(ncg, sizeof *g->group_k, 0, &g->mem);
	g->group_line = galloc(ncg, sizeof *g->group_line, 0, &g->mem);
	g->group_type = galloc(ncg, 1, 0, &g->mem);
	g->member_off = galloc(ncg + 1, sizeof *g->member_off, 0, &g->mem);
	g->members = galloc(ncmem, sizeof *g->members, 0, &g->mem);
	order = malloc((ncg ? ncg : 1) * sizeof *order);
	count = calloc(n1, sizeof *count);
	if (!g->owned_off || !g->memberof_off || !g->child_off || !g->prop_off ||
	    !g->memberof || !g->child || !g->props || !g->group_owner || !g->group_k ||
	    !g->group_line || !g->group_type || !g->member_off || !g->members || !order || !count) {
		err = FO_ENOMEM;
		goto done;
	}
	/* Written once, front to back or scattered: 2 MiB pages spare the
	 * page faults of some 150 MB at 1M nodes (the builder's arrays grow by
	 * realloc, which huge pages do not suit: bench/notes.md). */
	fo_graph_blob_hint_huge(g->members, ncmem * sizeof *g->members);
	fo_graph_blob_hint_huge(g->memberof, ncmem * sizeof *g->memberof);
	fo_graph_blob_hint_huge(g->group_owner, ncg * sizeof *g->group_owner);
	fo_graph_blob_hint_huge(g->group_k, ncg * sizeof *g->group_k);
	fo_graph_blob_hint_huge(g->group_line, ncg * sizeof *g->group_line);
	fo_graph_blob_hint_huge(g->member_off, (ncg + 1) * sizeof *g->member_off);
	fo_graph_blob_hint_huge(g->group_type, ncg);
	fo_graph_blob_hint_huge(g->owned_off, n1 * sizeof *g->owned_off);
	fo_graph_blob_hint_huge(g->memberof_off, n1 * sizeof *g->memberof_off);
	fo_graph_blob_hint_huge(g->child_off, n1 * sizeof *g->child_off);
	fo_graph_blob_hint_huge(g->prop_off, n1 * sizeof *g->prop_off);

	/* Stable counting sort of groups by owner. */
	for (size_t i = 0; i < ncg; i++)
		g->owned_off[cg_at(b, cg, vt, i).owner + 1]++;
	prefix_sums(g->owned_off, nodes, count);
	for (size_t i = 0; i < ncg; i++)
		order[count[cg_at(b, cg, vt, i).owner]++] = (uint32_t)i;
	/* Where each group's members go, then the groups filled in, in two
	 * halves on two threads after a threaded read. */
	uint32_t mpos = 0;
	for (size_t gi = 0; gi < ncg; gi++) {
		g->member_off[gi] = mpos;
		mpos += cg_at(b, cg, vt, order[gi]).count;
	}
	g->member_off[ncg] = mpos;
	fill_job fj[2] = { { b, g, cg, cmem, vt, order, 0, ncg / 2 },
			   { b, g, cg, cmem, vt, order, ncg / 2, ncg } };
	if (b->threaded && ncg >= PAR_MIN) {
		run2(fill_groups, &fj[0], &fj[1]);
	} else {
		fj[0].to = ncg;
		fill_groups(&fj[0]);
	}

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
	if ((err = pipe_stop(b)) < 0)
		goto done;
	nodes = b->nodes; /* the worker's count is final only now */
	if ((err = flush_stage(b)) < 0)
		goto done;
	if (b->open_group) {
		err = FO_EINVAL;
		goto done;
	}
	resolve_all(b);
	/* Resolve `in=` references; `in` naming the node itself is a loop too. */
	for (size_t i = 0; i < b->nins; i++) {
		uint32_t c = resolve(b, &b->ins[i].container, "unknown-container", "unknown container");
		if (c == b->ins[i].node) {
			const char *id = ref_id(b, &b->ins[i].container);
			report(b, "containment-loop", b->ins[i].container.line, b->ins[i].container.col, id,
			       "node", id,
			       " cannot be located in itself");
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
	/* Allocated once, filled from the front: huge pages, as in compile. */
	fo_graph_blob_hint_huge(cg, maxg * sizeof *cg);
	fo_graph_blob_hint_huge(cmem, maxm * sizeof *cmem);
	fo_graph_blob_hint_huge(stamp, nodes * sizeof *stamp);
	memset(stamp, 0xff, nodes * sizeof *stamp);
	uint32_t sid = 0; /* stamp of the group being resolved: finds repeated members */
	for (size_t v = 0; v < nodes; v++) {
		if (b->container[v] == FO_NONE)
			continue;
		cg[ncg] = (cgroup){ (uint32_t)v, 1, b->line[v], (uint32_t)ncmem, 1, FO_GROUP_LOCATED };
		cmem[ncmem++] = b->container[v];
		ncg++;
	}
	cvirt vt = { ncg, 0, ncmem };
	int fast = clean_groups_2(b, stamp, &sid);
	if (fast) { /* their entries are left to compile (cg_at) */
		vt.ng = b->ngroups;
		ncg += b->ngroups;
		ncmem += b->nmembers;
	}
	for (size_t i = 0; !fast && i < b->ngroups; i++) {
		const bgroup *bg = &b->groups[i];
		cgroup c = { bg->owner, bg->k, bg->line, (uint32_t)ncmem, 0, bg->type };
		sid++;
		for (uint32_t m = 0; m < bg->count; m++) {
			const pending_ref *r = &b->members[bg->first + m];
			uint32_t v = resolve(b, r, "unknown-reference", "unknown reference");
			if (v == FO_NONE)
				continue;
			if (stamp[v] == sid) {
				report(b, "repeated-member", r->line, r->col, ref_id(b, r), "repeated member", ref_id(b, r),
				       " in one group");
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
			uint32_t v = resolve(b, r, "unknown-copy-holder", "unknown copy holder");
			if (v == FO_NONE)
				continue;
			if (stamp[v] == sid) {
				report(b, "repeated-copy-holder", r->line, r->col, ref_id(b, r), "repeated copy holder",
				       ref_id(b, r), NULL);
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

	err = compile(b, cg, ncg, cmem, ncmem, &vt, out);
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

size_t fo_graph_memory(const fo_graph *g) { return g->mem; }

uint32_t fo_graph_node_count(const fo_graph *g) { return g->nodes; }
uint32_t fo_graph_group_count(const fo_graph *g) { return g->groups; }
size_t fo_graph_member_count(const fo_graph *g) { return g->nmembers; }
const char *fo_graph_name(const fo_graph *g) { return g->name_off ? g->a.p + g->name_off : NULL; }
const char *fo_graph_file(const fo_graph *g) { return g->file; }

int fo_graph_lookup(const fo_graph *g, const char *id, uint32_t *out)
{
	if (!g->ids.slot)
		return FO_ENOTFOUND;
	size_t j = strtab_find(&g->ids, &g->a, g->id_off, id, hash_str(id));
	if (g->ids.slot[j].val == FO_NONE)
		return FO_ENOTFOUND;
	*out = g->ids.slot[j].val;
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

/* --------------------------------------------------------- compiled image
 * The image of a graph (graph_blob.h): what a snapshot stores beside its
 * rows so that a load reads arrays instead of rebuilding them. */

#include <stdio.h>

#include "graph_blob.h"

_Static_assert(sizeof(strent) == 8, "an id slot is stored as two uint32");
_Static_assert(FO_KIND__COUNT <= 256 && FO_GROUP_DEGRADES < 256, "kinds and types fit a byte");

void fo_graph_blob_layout(char buf[FO_GRAPH_BLOB_LAYOUT_MAX])
{
	/* The id table's slots store hash_str's values: the hash of a fixed
	 * text is part of the word, so that a build whose hash_str differs
	 * (however it was changed) refuses the stored tables instead of
	 * missing ids in them. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	const char *order = "be";
#else
	const char *order = "le";
#endif
	snprintf(buf, FO_GRAPH_BLOB_LAYOUT_MAX, "%s u32 u8 slot8 hash %08lx", order,
		 (unsigned long)hash_str("fallout compiled graph"));
}

void fo_graph_blob_head(const fo_graph *g, uint64_t head[FO_GRAPH_BLOB_HEAD])
{
	head[FO_BLOB_NODES] = g->nodes;
	head[FO_BLOB_GROUPS] = g->groups;
	head[FO_BLOB_MEMBERS] = g->nmembers;
	head[FO_BLOB_CHILDREN] = g->child_off[g->nodes];
	head[FO_BLOB_PROPS] = g->prop_off[g->nodes];
	head[FO_BLOB_ARENA] = g->a.len;
	head[FO_BLOB_SLOTS] = g->ids.slot ? g->ids.mask + 1 : 0;
	head[FO_BLOB_IDS_USED] = g->ids.used;
	head[FO_BLOB_NAME_OFF] = g->name_off;
}

int fo_graph_blob_sizes(const uint64_t head[FO_GRAPH_BLOB_HEAD],
			uint64_t bytes[FO_GRAPH_BLOB_ARRAYS], uint64_t *total)
{
	uint64_t n = head[FO_BLOB_NODES], ng = head[FO_BLOB_GROUPS], nm = head[FO_BLOB_MEMBERS];
	uint64_t slots = head[FO_BLOB_SLOTS], sum = 0;

	/* The limits of a built graph: uint32 indices and offsets. */
	if (n >= UINT32_MAX || ng >= UINT32_MAX || nm >= UINT32_MAX ||
	    head[FO_BLOB_CHILDREN] > n || head[FO_BLOB_PROPS] >= UINT32_MAX ||
	    head[FO_BLOB_ARENA] > (uint64_t)UINT32_MAX + 1 || slots > (uint64_t)1 << 34 ||
	    (slots & (slots - 1)) != 0)
		return FO_ELIMIT;
	for (int i = FO_BLOB_ID_OFF; i <= FO_BLOB_LINE; i++)
		bytes[i] = n * 4;
	bytes[FO_BLOB_KIND] = n;
	bytes[FO_BLOB_OWNED_OFF] = bytes[FO_BLOB_MEMBEROF_OFF] = (n + 1) * 4;
	bytes[FO_BLOB_CHILD_OFF] = bytes[FO_BLOB_PROP_OFF] = (n + 1) * 4;
	bytes[FO_BLOB_MEMBERS_A] = nm * 4;
	bytes[FO_BLOB_PROPS_A] = head[FO_BLOB_PROPS] * 8;
	bytes[FO_BLOB_GROUP_OWNER] = bytes[FO_BLOB_GROUP_K] = bytes[FO_BLOB_GROUP_LINE] = ng * 4;
	bytes[FO_BLOB_MEMBER_OFF] = (ng + 1) * 4;
	bytes[FO_BLOB_GROUP_TYPE] = ng;
	bytes[FO_BLOB_ARENA_A] = head[FO_BLOB_ARENA];
	bytes[FO_BLOB_ID_SLOTS] = slots * sizeof(strent);
	for (int i = 0; i < FO_GRAPH_BLOB_ARRAYS; i++)
		sum += bytes[i];
	if (total)
		*total = sum;
	return FO_OK;
}

void fo_graph_blob_parts(const fo_graph *g, uint32_t *prop_offs,
			 fo_graph_blob_part parts[FO_GRAPH_BLOB_ARRAYS])
{
	uint64_t head[FO_GRAPH_BLOB_HEAD], bytes[FO_GRAPH_BLOB_ARRAYS];
	size_t np = g->prop_off[g->nodes];
	void *arrays[FO_GRAPH_BLOB_ARRAYS] = {
		g->id_off, g->label_off, g->kind_off, g->tenant_off, g->tier, g->container, g->line,
		g->kind, g->owned_off, g->memberof_off, g->child_off, g->prop_off, prop_offs, g->group_owner, g->group_k, g->member_off, g->members,
		g->group_line, g->group_type, g->a.p, g->ids.slot,
	};

	fo_graph_blob_head(g, head);
	(void)fo_graph_blob_sizes(head, bytes, NULL); /* a built graph is within the limits */
	for (size_t i = 0; i < np; i++) {
		prop_offs[2 * i] = (uint32_t)(g->props[i].key - g->a.p);
		prop_offs[2 * i + 1] = (uint32_t)(g->props[i].value - g->a.p);
	}
	for (int i = 0; i < FO_GRAPH_BLOB_ARRAYS; i++)
		parts[i] = (fo_graph_blob_part){ arrays[i], bytes[i] };
}

int fo_graph_blob_alloc(fo_graph **out, const uint64_t head[FO_GRAPH_BLOB_HEAD],
			const char *file, fo_graph_blob_part parts[FO_GRAPH_BLOB_ARRAYS])
{
	uint64_t bytes[FO_GRAPH_BLOB_ARRAYS];
	fo_graph *g = NULL;
	int err;

	*out = NULL;
	if ((err = fo_graph_blob_sizes(head, bytes, NULL)) < 0)
		return err;
	if (bytes[FO_BLOB_ARENA_A] > SIZE_MAX / 2 || bytes[FO_BLOB_ID_SLOTS] > SIZE_MAX / 2)
		return FO_ELIMIT;
	if (!(g = calloc(1, sizeof *g)))
		return FO_ENOMEM;
	g->mem = sizeof *g;
	g->nodes = (uint32_t)head[FO_BLOB_NODES];
	g->groups = (uint32_t)head[FO_BLOB_GROUPS];
	g->nmembers = (size_t)head[FO_BLOB_MEMBERS];
	if (file && !(g->file = strdup(file))) {
		err = FO_ENOMEM;
		goto done;
	}
	g->mem += g->file ? strlen(g->file) + 1 : 0;
	/* Each array as compile() allocates it (at least one element); the
	 * properties at their in-memory size, filled with offsets first. */
	size_t n = g->nodes, n1 = n + 1, ng = g->groups, nm = g->nmembers;
	size_t nc = (size_t)head[FO_BLOB_CHILDREN], np = (size_t)head[FO_BLOB_PROPS];
	g->id_off = galloc(n, 4, 0, &g->mem);
	g->label_off = galloc(n, 4, 0, &g->mem);
	g->kind_off = galloc(n, 4, 0, &g->mem);
	g->tenant_off = galloc(n, 4, 0, &g->mem);
	g->tier = galloc(n, 4, 0, &g->mem);
	g->container = galloc(n, 4, 0, &g->mem);
	g->line = galloc(n, 4, 0, &g->mem);
	g->kind = galloc(n, 1, 0, &g->mem);
	g->owned_off = galloc(n1, 4, 0, &g->mem);
	g->memberof_off = galloc(n1, 4, 0, &g->mem);
	g->memberof = galloc(nm, 4, 0, &g->mem);
	g->child_off = galloc(n1, 4, 0, &g->mem);
	g->child = galloc(nc, 4, 0, &g->mem);
	g->prop_off = galloc(n1, 4, 0, &g->mem);
	g->props = galloc(np, sizeof *g->props, 0, &g->mem);
	g->group_owner = galloc(ng, 4, 0, &g->mem);
	g->group_k = galloc(ng, 4, 0, &g->mem);
	g->member_off = galloc(ng + 1, 4, 0, &g->mem);
	g->members = galloc(nm, 4, 0, &g->mem);
	g->group_line = galloc(ng, 4, 0, &g->mem);
	g->group_type = galloc(ng, 1, 0, &g->mem);
	g->a.p = galloc((size_t)bytes[FO_BLOB_ARENA_A], 1, 0, &g->mem);
	g->a.len = g->a.alloc = (size_t)bytes[FO_BLOB_ARENA_A];
	if (head[FO_BLOB_SLOTS]) {
		g->ids.slot = galloc((size_t)head[FO_BLOB_SLOTS], sizeof(strent), 0, &g->mem);
		g->ids.mask = (size_t)head[FO_BLOB_SLOTS] - 1;
	}
	g->ids.used = head[FO_BLOB_IDS_USED] <= SIZE_MAX ? (size_t)head[FO_BLOB_IDS_USED] : SIZE_MAX;
	g->name_off = head[FO_BLOB_NAME_OFF] <= UINT32_MAX ? (uint32_t)head[FO_BLOB_NAME_OFF] : UINT32_MAX;
	if (!g->id_off || !g->label_off || !g->kind_off || !g->tenant_off || !g->tier ||
	    !g->container || !g->line || !g->kind || !g->owned_off || !g->memberof_off ||
	    !g->memberof || !g->child_off || !g->child || !g->prop_off || !g->props ||
	    !g->group_owner || !g->group_k || !g->member_off || !g->members || !g->group_line ||
	    !g->group_type || !g->a.p || (head[FO_BLOB_SLOTS] && !g->ids.slot)) {
		err = FO_ENOMEM;
		goto done;
	}
	void *arrays[FO_GRAPH_BLOB_ARRAYS] = {
		g->id_off, g->label_off, g->kind_off, g->tenant_off, g->tier, g->container, g->line,
		g->kind, g->owned_off, g->memberof_off, g->child_off, g->prop_off, g->props, g->group_owner, g->group_k, g->member_off, g->members,
		g->group_line, g->group_type, g->a.p, g->ids.slot,
	};
	for (int i = 0; i < FO_GRAPH_BLOB_ARRAYS; i++) {
		parts[i] = (fo_graph_blob_part){ arrays[i], bytes[i] };
		fo_graph_blob_hint_huge(arrays[i], (size_t)bytes[i]);
	}
	fo_graph_blob_hint_huge(g->memberof, nm * sizeof *g->memberof); /* filled by seal */
	fo_graph_blob_hint_huge(g->child, nc * sizeof *g->child);
	*out = g;
	g = NULL;
done:
	fo_graph_free(g);
	return err;
}

/* off[0..count] is a CSR offset array: 0 first, monotone, `last` last. */
static int blob_csr_ok(const uint32_t *off, size_t count, uint64_t last)
{
	if (off[0] != 0 || off[count] != last)
		return 0;
	for (size_t i = 0; i < count; i++)
		if (off[i] > off[i + 1])
			return 0;
	return 1;
}

/* graph_blob.h. ASCII runs are skipped 8 bytes at a time. */
int fo_graph_blob_utf8_ok(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint64_t w;
		if (n - i >= 8 && (memcpy(&w, p + i, 8), (w & 0x8080808080808080ull) == 0)) {
			i += 8;
			continue;
		}
		unsigned c = p[i], k, min, cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, min = 0x80, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, min = 0x800, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, min = 0x10000, cp = c & 0x07;
		else
			return 0;
		if (n - i <= k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* The seal's per-node scratch: a node's next free place in a list being
 * filled, and the last group (or walk) that met it. */
typedef struct cslot {
	uint32_t cursor, stamp;
} cslot;

int fo_graph_blob_seal(fo_graph *g, const char **why)
{
	size_t n = g->nodes, ng = g->groups, nm = g->nmembers, alen = g->a.len;
	size_t nc = g->child_off[n], np, used = 0;
	cslot *cs = NULL; /* per node: a fill cursor and a stamp */
	int err = FO_EINPUT;

#define BAD(what) do { *why = (what); goto done; } while (0)
	*why = NULL;
	/* Strings: every offset below alen finds a NUL inside the arena. */
	if (alen == 0 || g->a.p[0] != '\0' || g->a.p[alen - 1] != '\0')
		BAD("the string arena does not start and end with a NUL");
	if (!fo_graph_blob_utf8_ok((const unsigned char *)g->a.p, alen))
		BAD("the string arena is not UTF-8");
	if (g->name_off >= alen)
		BAD("the inventory name is out of the arena");
	for (size_t v = 0; v < n; v++) {
		if (g->id_off[v] >= alen || g->label_off[v] >= alen || g->kind_off[v] >= alen ||
		    g->tenant_off[v] >= alen)
			BAD("a node's string is out of the arena");
		if (g->kind[v] >= FO_KIND__COUNT)
			BAD("a node's kind is out of range");
		if (g->container[v] != FO_NONE && g->container[v] >= n)
			BAD("a node's container is out of range");
	}
	/* CSR offsets; the children and property counts were taken from the
	 * head, so the last offsets must match them. */
	if (!blob_csr_ok(g->owned_off, n, ng) || !blob_csr_ok(g->memberof_off, n, nm) ||
	    !blob_csr_ok(g->child_off, n, nc) || !blob_csr_ok(g->member_off, ng, nm))
		BAD("an offset array is not monotone or does not end at its count");
	np = g->prop_off[n];
	if (g->prop_off[0] != 0)
		BAD("the property offsets do not start at 0");
	for (size_t v = 0; v < n; v++)
		if (g->prop_off[v] > g->prop_off[v + 1])
			BAD("the property offsets are not monotone");
	for (size_t i = 0; i < 2 * np; i++) {
		uint32_t off;
		memcpy(&off, (const char *)g->props + 4 * i, 4);
		if (off >= alen)
			BAD("a property's string is out of the arena");
	}
	/* Groups: owner consistent with owned_off, type, 1 <= k <= n. */
	for (size_t v = 0; v < n; v++)
		for (uint32_t gi = g->owned_off[v]; gi < g->owned_off[v + 1]; gi++)
			if (g->group_owner[gi] != v)
				BAD("a group's owner is not the node that owns it");
	for (size_t gi = 0; gi < ng; gi++) {
		uint32_t cnt = g->member_off[gi + 1] - g->member_off[gi];
		if (g->group_type[gi] > FO_GROUP_DEGRADES)
			BAD("a group's type is out of range");
		if (g->group_k[gi] < 1 || g->group_k[gi] > cnt)
			BAD("a group's k is not between 1 and its member count");
	}
	if (!(cs = malloc((n ? n : 1) * sizeof *cs))) {
		err = FO_ENOMEM;
		goto done;
	}
	fo_graph_blob_hint_huge(cs, n * sizeof *cs);
	/* memberof: the transpose of members, ascending by group, filled as
	 * compile() fills it; every write inside the array, and each node's
	 * list then exactly its stored range. No member twice in a group. The
	 * loop is bound by three random accesses per member (the node's
	 * cursor and stamp, kept side by side in one 8-byte slot, then its
	 * memberof entry): the slot of the member 16 ahead and the entry of
	 * the member 8 ahead are prefetched so that the misses overlap (hints
	 * only: the addresses are read from arrays already checked or
	 * bounded, and a stale guess is only a wasted prefetch). */
	for (size_t v = 0; v < n; v++)
		cs[v] = (cslot){ g->memberof_off[v], FO_NONE };
	for (size_t gi = 0, m = 0; gi < ng; gi++) {
		for (uint32_t end = g->member_off[gi + 1]; m < end; m++) {
			if (m + 16 < nm && g->members[m + 16] < n)
				__builtin_prefetch(&cs[g->members[m + 16]], 1);
			if (m + 8 < nm && g->members[m + 8] < n && cs[g->members[m + 8]].cursor < nm)
				__builtin_prefetch(&g->memberof[cs[g->members[m + 8]].cursor], 1);
			uint32_t v = g->members[m];
			if (v >= n)
				BAD("a group member is out of range");
			if (cs[v].stamp == gi)
				BAD("a node is twice a member of one group");
			cs[v].stamp = (uint32_t)gi;
			if (cs[v].cursor >= nm)
				BAD("the member-of offsets do not match the groups");
			g->memberof[cs[v].cursor++] = (uint32_t)gi;
		}
	}
	for (size_t v = 0; v < n; v++)
		if (cs[v].cursor != g->memberof_off[v + 1])
			BAD("the member-of offsets do not match the groups");
	/* child: the transpose of container, ascending, the same way. */
	for (size_t v = 0; v < n; v++)
		cs[v].cursor = g->child_off[v];
	for (size_t v = 0; v < n; v++) {
		uint32_t c = g->container[v];
		if (c == FO_NONE)
			continue;
		if (cs[c].cursor >= nc)
			BAD("the children offsets do not match the containers");
		g->child[cs[c].cursor++] = (uint32_t)v;
	}
	for (size_t v = 0; v < n; v++)
		if (cs[v].cursor != g->child_off[v + 1])
			BAD("the children offsets do not match the containers");
	/* Containment without a cycle: walk up from each node, stamping the
	 * walk; meeting the walk's own stamp is a cycle, an older one a node
	 * already known to reach the top. O(nodes) in all. */
	for (size_t v = 0; v < n; v++)
		cs[v].stamp = FO_NONE;
	for (size_t v = 0; v < n; v++) {
		uint32_t u = (uint32_t)v;
		while (u != FO_NONE && cs[u].stamp == FO_NONE) {
			cs[u].stamp = (uint32_t)v;
			u = g->container[u];
		}
		if (u != FO_NONE && cs[u].stamp == v)
			BAD("the containment has a cycle");
	}
	/* The id table: an empty slot left (a probe ends), values in range. */
	if (g->ids.slot) {
		for (size_t j = 0; j <= g->ids.mask; j++) {
			if (g->ids.slot[j].val == FO_NONE)
				continue;
			if (g->ids.slot[j].val >= n)
				BAD("an id slot names no node");
			used++;
		}
		if (used != g->ids.used || used > g->ids.mask)
			BAD("the id table's count is wrong or it has no empty slot");
	} else if (g->ids.used) {
		BAD("the id table is missing");
	}
	/* Offsets to pointers, from the last property down: property i's
	 * offsets (bytes 8i..8i+7) are read before property i (16i..16i+15)
	 * is written, and a later write never reaches an earlier offset. */
	for (size_t i = np; i-- > 0;) {
		uint32_t off[2];
		memcpy(off, (const char *)g->props + 8 * i, 8);
		g->props[i] = (fo_prop){ g->a.p + off[0], g->a.p + off[1] };
	}
	err = FO_OK;
#undef BAD
done:
	free(cs);
	return err;
}
