/*
 * model.c — the import model (fo_model.h): several sources read into flat
 * arrays, rewritten by the mapping file, then resolved and built into one
 * graph through one fo_builder.
 *
 * Layout: every string lives in one arena (offsets, NOSTR for none). Nodes,
 * groups, members, copies, props and aliases are arrays in the order they
 * were added; a node's props are a chain (head/tail/next) so that they can
 * be added at any time. Full ids are interned in an open-addressing table.
 * fo_model_build resolves everything itself — unknown and repeated
 * references, containers, aliases, containment loops — so that messages
 * name the right file of several, and hands the builder only node indices:
 * the builder then finds nothing more to report.
 */
#include "fo_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"
#include "../graphs/fo_suggest.h"
#include "../graphs/fo_xxh64.h"
#include "grow_int.h"

#define NOSTR SIZE_MAX
/* The first few names kept per skip reason, for --explain-import. */
#define SKIP_EXAMPLES 3
/* Suggestions for unknown references in strict sources: each reads every id. */
#define SUGGEST_REFS 50

typedef struct reason_count {
	size_t text;  /* the reason, or what a folded object went into */
	size_t count;
	size_t ex[SKIP_EXAMPLES]; /* skipped objects' names (NOSTR: none) */
	int folded;
} reason_count;

typedef struct type_stat {
	size_t type;
	size_t read;
	size_t nodes;            /* at build */
	size_t merged;           /* at build: merged into another node (aliases) */
	reason_count *reasons;
	size_t nreasons, reasons_alloc;
	size_t *kind_words;      /* at build: kinds its nodes became, with counts */
	size_t *kind_counts;
	size_t nkinds, kinds_alloc;
} type_stat;

/* A source's strings are its own (not the arena's), so that
 * fo_model_source_file and fo_model_option stay valid as the model grows. */
typedef struct sopt {
	char *key, *value;
} sopt;

typedef struct source {
	char *file, *format, *prefix;
	int strict;
	sopt *opts;
	size_t nopts, opts_alloc;
	type_stat *types;
	size_t ntypes, types_alloc;
	size_t dangling;         /* at build */
	size_t reader_dangling;  /* said by the importer (fo_model_count_dangling) */
} source;

typedef struct mnode {
	size_t id, kind, name, tenant, stype, drop_reason;
	unsigned tier;
	uint32_t source;
	fo_pos pos;
	size_t cont;             /* container id (full), NOSTR: none or by index */
	uint32_t cont_node;      /* container by index, FO_NONE: none */
	fo_pos cont_pos;
	uint32_t prop_head, prop_tail;
	int dropped;
} mnode;

typedef struct mref {
	size_t id;               /* full id, or NOSTR when by index */
	uint32_t node;           /* by index, FO_NONE otherwise */
	fo_pos pos;
} mref;

typedef struct mgroup {
	uint32_t owner, source;
	fo_group_type type;
	unsigned long k;
	size_t first, n;
	fo_pos pos;
} mgroup;

typedef struct mcopy {
	uint32_t owner, source;
	mref holder;
} mcopy;

typedef struct mprop {
	size_t key, value;
	uint32_t next;
} mprop;

typedef struct malias {
	size_t id, as, file;
	fo_pos pos;
} malias;

struct fo_model {
	fo_diag *diag;
	char *a;                 /* string arena */
	size_t alen, aalloc;
	size_t name;             /* inventory name */
	source *src;
	size_t nsrc, src_alloc;
	mnode *nodes;
	size_t nnodes, nodes_alloc;
	mgroup *groups;
	size_t ngroups, groups_alloc;
	mref *members;
	size_t nmembers, members_alloc;
	int open;                /* a group is open (the last one) */
	mcopy *copies;
	size_t ncopies, copies_alloc;
	mprop *props;
	size_t nprops, props_alloc;
	malias *aliases;
	size_t naliases, aliases_alloc;
	uint32_t *slot;          /* id table: node index or FO_NONE */
	size_t mask;             /* slots - 1 (a power of two), 0 before the first */
	fo_prop *scratch;        /* fo_model_node_get's props view */
	size_t scratch_alloc;
	char *buf;               /* prefixing ids */
	size_t buf_alloc;
	size_t aliases_merged;   /* at build */
	size_t dropped;          /* by fo_model_node_drop */
	size_t errors0;          /* diag's errors when the model was made */
	int built;
};

/* ---------------------------------------------------------------- helpers */

#define PUSH(vec, len, alloc, val)                                               \
	(fo_imp__grow((void **)&(vec), &(alloc), (len) + 1, sizeof *(vec)) < 0 ? FO_ENOMEM \
		: ((vec)[(len)++] = (val), FO_OK))

/* Copies n bytes of s (plus a NUL) into the arena; *out its offset. */
static int put(fo_model *m, const char *s, size_t n, size_t *out)
{
	int err;
	/* s may be a string of the arena itself (statistics keyed by a
	 * node's type): find it again after the arena moves. */
	int inside = m->a && s >= m->a && s < m->a + m->alen;
	size_t at = inside ? (size_t)(s - m->a) : 0;
	if (n > SIZE_MAX - m->alen - 1)
		return FO_ENOMEM;
	if ((err = fo_imp__grow((void **)&m->a, &m->aalloc, m->alen + n + 1, 1)) < 0)
		return err;
	if (inside)
		s = m->a + at;
	memcpy(m->a + m->alen, s, n);
	m->a[m->alen + n] = '\0';
	*out = m->alen;
	m->alen += n + 1;
	return FO_OK;
}

/* Puts n strings (NULL: NOSTR) with one growth of the arena, so that a
 * string borrowed from this model (fo_model_node_get's) stays valid while
 * the others are copied. */
static int put_all(fo_model *m, size_t n, const char *const *in, size_t *out)
{
	size_t total = 0, at[8];
	int err;
	if (n > 8)
		return FO_EINVAL;
	for (size_t i = 0; i < n; i++) {
		at[i] = in[i] && m->a && in[i] >= m->a && in[i] < m->a + m->alen
			? (size_t)(in[i] - m->a) : SIZE_MAX;
		if (in[i]) {
			size_t l = strlen(in[i]) + 1;
			if (l > SIZE_MAX - total)
				return FO_ENOMEM;
			total += l;
		}
	}
	if (total > SIZE_MAX - m->alen)
		return FO_ENOMEM;
	if ((err = fo_imp__grow((void **)&m->a, &m->aalloc, m->alen + total, 1)) < 0)
		return err;
	for (size_t i = 0; i < n; i++) {
		const char *s = at[i] != SIZE_MAX ? m->a + at[i] : in[i];
		if (!s) {
			out[i] = NOSTR;
			continue;
		}
		size_t l = strlen(s);
		memcpy(m->a + m->alen, s, l + 1);
		out[i] = m->alen;
		m->alen += l + 1;
	}
	return FO_OK;
}

static int put_opt(fo_model *m, const char *s, size_t *out)
{
	if (!s) {
		*out = NOSTR;
		return FO_OK;
	}
	return put(m, s, strlen(s), out);
}

static const char *str(const fo_model *m, size_t off)
{
	return off == NOSTR ? NULL : m->a + off;
}

/* The current source's prefix applied to a local id, in m->buf. */
static const char *full_id(fo_model *m, const char *id, size_t *len)
{
	const source *s = m->nsrc ? &m->src[m->nsrc - 1] : NULL;
	const char *p = s ? s->prefix : "";
	size_t pl = strlen(p), il = strlen(id), need = pl + il + 2;
	if (!pl) {
		*len = il;
		return id;
	}
	if (fo_imp__grow((void **)&m->buf, &m->buf_alloc, need, 1) < 0)
		return NULL;
	memcpy(m->buf, p, pl);
	m->buf[pl] = ':';
	memcpy(m->buf + pl + 1, id, il + 1);
	*len = pl + 1 + il;
	return m->buf;
}

static uint32_t id_hash(const char *s, size_t n)
{
	return (uint32_t)fo_xxh64(s, n, 0);
}

/* The slot of id (its node or an empty slot). */
static size_t find_slot(const fo_model *m, const char *id, size_t n)
{
	size_t j = id_hash(id, n) & m->mask;
	while (m->slot[j] != FO_NONE) {
		const char *have = m->a + m->nodes[m->slot[j]].id;
		if (!strcmp(have, id))
			return j;
		j = (j + 1) & m->mask;
	}
	return j;
}

static int table_grow(fo_model *m)
{
	size_t slots = m->mask ? (m->mask + 1) * 2 : 64;
	uint32_t *ns = malloc(slots * sizeof *ns);
	if (!ns)
		return FO_ENOMEM;
	for (size_t i = 0; i < slots; i++)
		ns[i] = FO_NONE;
	uint32_t *old = m->slot;
	size_t oldn = m->mask ? m->mask + 1 : 0;
	m->slot = ns;
	m->mask = slots - 1;
	for (size_t i = 0; i < oldn; i++) {
		if (old[i] == FO_NONE)
			continue;
		const char *id = m->a + m->nodes[old[i]].id;
		m->slot[find_slot(m, id, strlen(id))] = old[i];
	}
	free(old);
	return FO_OK;
}

static int lookup(const fo_model *m, const char *id, uint32_t *out)
{
	if (!m->mask)
		return FO_ENOTFOUND;
	size_t j = find_slot(m, id, strlen(id));
	if (m->slot[j] == FO_NONE)
		return FO_ENOTFOUND;
	*out = m->slot[j];
	return FO_OK;
}

static const char *src_file(const fo_model *m, uint32_t s)
{
	return s < m->nsrc ? m->src[s].file : NULL;
}

/* A kind word as the inventory format writes it: [a-z][a-z0-9_-]*. */
static int kind_ok(const char *k)
{
	if (!k || !(*k >= 'a' && *k <= 'z'))
		return 0;
	for (k++; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_' || *k == '-'))
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ model */

int fo_model_new(fo_model **out, fo_diag *diag)
{
	if (!out)
		return FO_EINVAL;
	*out = calloc(1, sizeof **out);
	if (!*out)
		return FO_ENOMEM;
	(*out)->diag = diag;
	(*out)->name = NOSTR;
	(*out)->errors0 = diag ? fo_diag_errors(diag) : 0;
	return FO_OK;
}

void fo_model_free(fo_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nsrc; i++) {
		for (size_t t = 0; t < m->src[i].ntypes; t++) {
			free(m->src[i].types[t].reasons);
			free(m->src[i].types[t].kind_words);
			free(m->src[i].types[t].kind_counts);
		}
		free(m->src[i].types);
		for (size_t o = 0; o < m->src[i].nopts; o++) {
			free(m->src[i].opts[o].key);
			free(m->src[i].opts[o].value);
		}
		free(m->src[i].opts);
		free(m->src[i].file);
		free(m->src[i].format);
		free(m->src[i].prefix);
	}
	free(m->src);
	free(m->a);
	free(m->nodes);
	free(m->groups);
	free(m->members);
	free(m->copies);
	free(m->props);
	free(m->aliases);
	free(m->slot);
	free(m->scratch);
	free(m->buf);
	free(m);
}

fo_diag *fo_model_diag(const fo_model *m) { return m ? m->diag : NULL; }

int fo_model_set_name(fo_model *m, const char *name)
{
	if (!m || !name)
		return FO_EINVAL;
	if (m->name != NOSTR)
		return FO_OK;
	return put(m, name, strlen(name), &m->name);
}

/* ---------------------------------------------------------------- sources */

int fo_model_source_begin(fo_model *m, const char *file, const char *format,
			  const char *prefix, int strict, uint32_t *out)
{
	source s = { 0 };
	int err;
	if (!m || !format || m->open)
		return FO_EINVAL;
	if (m->nsrc >= UINT32_MAX - 1)
		return FO_ELIMIT;
	s.file = strdup(file ? file : "<stdin>");
	s.format = strdup(format);
	s.prefix = strdup(prefix ? prefix : format);
	if (!s.file || !s.format || !s.prefix) {
		err = FO_ENOMEM;
		goto fail;
	}
	s.strict = strict;
	if ((err = PUSH(m->src, m->nsrc, m->src_alloc, s)) < 0)
		goto fail;
	if (out)
		*out = (uint32_t)(m->nsrc - 1);
	return FO_OK;
fail:
	free(s.file);
	free(s.format);
	free(s.prefix);
	return err;
}

size_t fo_model_source_count(const fo_model *m) { return m ? m->nsrc : 0; }
const char *fo_model_source_file(const fo_model *m, uint32_t s) { return src_file(m, s); }
const char *fo_model_source_format(const fo_model *m, uint32_t s)
{
	return s < m->nsrc ? m->src[s].format : NULL;
}
const char *fo_model_source_prefix(const fo_model *m, uint32_t s)
{
	return s < m->nsrc ? m->src[s].prefix : NULL;
}
uint32_t fo_model_source_current(const fo_model *m)
{
	return m && m->nsrc ? (uint32_t)(m->nsrc - 1) : FO_NONE;
}

int fo_model_set_option(fo_model *m, const char *key, const char *value)
{
	sopt o;
	char *v;
	int err;
	if (!m || !m->nsrc || !key || !value)
		return FO_EINVAL;
	source *s = &m->src[m->nsrc - 1];
	if (!(v = strdup(value)))
		return FO_ENOMEM;
	for (size_t i = 0; i < s->nopts; i++)
		if (!strcmp(s->opts[i].key, key)) {
			free(s->opts[i].value);
			s->opts[i].value = v;
			return FO_OK;
		}
	o.value = v;
	if (!(o.key = strdup(key))) {
		free(v);
		return FO_ENOMEM;
	}
	if ((err = PUSH(s->opts, s->nopts, s->opts_alloc, o)) < 0) {
		free(o.key);
		free(o.value);
	}
	return err;
}

const char *fo_model_option(const fo_model *m, const char *key)
{
	if (!m || !m->nsrc || !key)
		return NULL;
	const source *s = &m->src[m->nsrc - 1];
	for (size_t i = 0; i < s->nopts; i++)
		if (!strcmp(s->opts[i].key, key))
			return s->opts[i].value;
	return NULL;
}

/* The current source's statistics of one source type (created if new). */
static int type_stat_of(fo_model *m, uint32_t s, const char *type, type_stat **out)
{
	source *src = &m->src[s];
	type_stat t = { 0 };
	int err;
	for (size_t i = 0; i < src->ntypes; i++)
		if (!strcmp(m->a + src->types[i].type, type)) {
			*out = &src->types[i];
			return FO_OK;
		}
	if ((err = put(m, type, strlen(type), &t.type)) < 0)
		return err;
	src = &m->src[s];
	if ((err = PUSH(src->types, src->ntypes, src->types_alloc, t)) < 0)
		return err;
	*out = &src->types[src->ntypes - 1];
	return FO_OK;
}

int fo_model_count_read(fo_model *m, const char *source_type, size_t n)
{
	type_stat *t;
	int err;
	if (!m || !m->nsrc || !source_type)
		return FO_EINVAL;
	if ((err = type_stat_of(m, (uint32_t)(m->nsrc - 1), source_type, &t)) < 0)
		return err;
	t->read += n;
	return FO_OK;
}

/* A string's offset when it lives in the arena (which may move under a
 * later put), NOSTR otherwise; again() finds it after a put. */
static size_t arena_off(const fo_model *m, const char *p)
{
	return p && m->a && p >= m->a && p < m->a + m->alen ? (size_t)(p - m->a) : NOSTR;
}
static const char *again(const fo_model *m, size_t off, const char *p)
{
	return off == NOSTR ? p : m->a + off;
}

static int count_reason(fo_model *m, uint32_t s, const char *source_type, const char *what,
			const char *reason, int folded)
{
	type_stat *t;
	int err;
	size_t off, wo = arena_off(m, what), ro = arena_off(m, reason);
	if ((err = type_stat_of(m, s, source_type, &t)) < 0)
		return err;
	what = again(m, wo, what);
	reason = again(m, ro, reason);
	for (size_t i = 0; i < t->nreasons; i++) {
		reason_count *r = &t->reasons[i];
		if (r->folded != folded || strcmp(m->a + r->text, reason))
			continue;
		if (what && r->count < SKIP_EXAMPLES) {
			size_t c = r->count;
			if ((err = put(m, what, strlen(what), &off)) < 0)
				return err;
			/* put may move the arena, never the stats */
			t->reasons[i].ex[c] = off;
		}
		t->reasons[i].count++;
		return FO_OK;
	}
	reason_count r = { 0, 1, { NOSTR, NOSTR, NOSTR }, folded };
	if ((err = put(m, reason, strlen(reason), &r.text)) < 0)
		return err;
	what = again(m, wo, what);
	if (what && (err = put(m, what, strlen(what), &r.ex[0])) < 0)
		return err;
	return PUSH(t->reasons, t->nreasons, t->reasons_alloc, r);
}

int fo_model_skip(fo_model *m, const char *source_type, const char *what, const char *reason)
{
	if (!m || !m->nsrc || !source_type || !reason)
		return FO_EINVAL;
	return count_reason(m, (uint32_t)(m->nsrc - 1), source_type, what, reason, 0);
}

int fo_model_count_dangling(fo_model *m, size_t n)
{
	if (!m || !m->nsrc)
		return FO_EINVAL;
	m->src[m->nsrc - 1].reader_dangling += n;
	return FO_OK;
}

int fo_model_count_folded(fo_model *m, const char *source_type, const char *into)
{
	if (!m || !m->nsrc || !source_type || !into)
		return FO_EINVAL;
	return count_reason(m, (uint32_t)(m->nsrc - 1), source_type, NULL, into, 1);
}

/* ------------------------------------------------------------------ nodes */

static void say(fo_model *m, fo_severity sev, const char *code, uint32_t s, fo_pos pos,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void say(fo_model *m, fo_severity sev, const char *code, uint32_t s, fo_pos pos,
		const char *fmt, ...)
{
	va_list ap;
	if (!m->diag)
		return;
	va_start(ap, fmt);
	fo_diag_vadd_code(m->diag, sev, code, src_file(m, s), pos.line, pos.col, NULL, fmt, ap);
	va_end(ap);
}

int fo_model_add_node(fo_model *m, const char *id, const char *kind, const char *name,
		      const char *tenant, unsigned tier, const char *source_type,
		      fo_pos pos, uint32_t *out)
{
	mnode n;
	size_t len;
	const char *fid;
	int err;
	char buf[FO_DIAG_SHORT_BUF];

	if (!m || !m->nsrc || !id || !kind || !source_type || m->open)
		return FO_EINVAL;
	if (m->nnodes >= UINT32_MAX - 2)
		return FO_ELIMIT;
	memset(&n, 0, sizeof n);
	n.source = (uint32_t)(m->nsrc - 1);
	n.pos = pos;
	n.tier = tier;
	n.cont = NOSTR;
	n.cont_node = FO_NONE;
	n.prop_head = n.prop_tail = FO_NONE;
	n.drop_reason = NOSTR;
	int empty = !*id;
	if (!(fid = full_id(m, id, &len)))
		return FO_ENOMEM;
	{
		const char *in[5] = { fid, kind, name, tenant, source_type };
		size_t offs[5];
		if ((err = put_all(m, 5, in, offs)) < 0)
			return err;
		n.id = offs[0];
		n.kind = offs[1];
		n.name = offs[2];
		n.tenant = offs[3];
		n.stype = offs[4];
		kind = m->a + n.kind;
	}
	if (empty)
		say(m, FO_SEV_ERROR, "empty-id", n.source, pos, "empty id");
	else if (len > FO_ID_MAX)
		say(m, FO_SEV_ERROR, "long-id", n.source, pos, "id '%s' is %zu bytes long; the limit is %d",
		    fo_diag_shorten(m->a + n.id, buf), len, FO_ID_MAX);
	if (!kind_ok(kind))
		say(m, FO_SEV_ERROR, "bad-kind", n.source, pos,
		    "kind '%s' of '%s' is not a lowercase word ([a-z][a-z0-9_-]*)", kind,
		    fo_diag_shorten(m->a + n.id, buf));
	if ((err = PUSH(m->nodes, m->nnodes, m->nodes_alloc, n)) < 0)
		return err;
	uint32_t v = (uint32_t)(m->nnodes - 1);
	if ((m->nnodes + 1) * 2 > (m->mask ? m->mask + 1 : 0) && (err = table_grow(m)) < 0)
		return err;
	const char *full = m->a + m->nodes[v].id;
	size_t j = find_slot(m, full, strlen(full));
	if (m->slot[j] != FO_NONE) {
		const mnode *first = &m->nodes[m->slot[j]];
		/* As the XML reader says it within one file; naming the file
		 * when the first is in another. */
		if (first->source == n.source)
			say(m, FO_SEV_ERROR, "duplicate-id", n.source, pos,
			    "duplicate id '%s' (first defined at line %lu)", fo_diag_shorten(full, buf),
			    first->pos.line);
		else
			say(m, FO_SEV_ERROR, "duplicate-id", n.source, pos,
			    "duplicate id '%s' (first defined at %s:%lu)", fo_diag_shorten(full, buf),
			    src_file(m, first->source), first->pos.line);
	} else {
		m->slot[j] = v;
	}
	if (out)
		*out = v;
	return FO_OK;
}

int fo_model_add_prop(fo_model *m, uint32_t node, const char *key, const char *value)
{
	mprop p;
	int err;
	if (!m || node >= m->nnodes || !key || !value)
		return FO_EINVAL;
	if (m->nprops >= UINT32_MAX - 1)
		return FO_ELIMIT;
	const char *in[2] = { key, value };
	size_t offs[2];
	if ((err = put_all(m, 2, in, offs)) < 0)
		return err;
	p.key = offs[0];
	p.value = offs[1];
	p.next = FO_NONE;
	if ((err = PUSH(m->props, m->nprops, m->props_alloc, p)) < 0)
		return err;
	uint32_t i = (uint32_t)(m->nprops - 1);
	mnode *n = &m->nodes[node];
	if (n->prop_tail == FO_NONE)
		n->prop_head = i;
	else
		m->props[n->prop_tail].next = i;
	n->prop_tail = i;
	return FO_OK;
}

int fo_model_lookup(const fo_model *m, const char *full, uint32_t *out)
{
	if (!m || !full || !out)
		return FO_EINVAL;
	return lookup(m, full, out);
}

int fo_model_lookup_local(const fo_model *m, const char *id, uint32_t *out)
{
	size_t len;
	if (!m || !id || !out)
		return FO_EINVAL;
	const char *fid = full_id((fo_model *)m, id, &len);
	if (!fid)
		return FO_ENOMEM;
	return lookup(m, fid, out);
}

int fo_model_set_parent(fo_model *m, uint32_t node, uint32_t parent)
{
	if (!m || node >= m->nnodes || parent >= m->nnodes)
		return FO_EINVAL;
	m->nodes[node].cont = NOSTR;
	m->nodes[node].cont_node = parent;
	m->nodes[node].cont_pos = m->nodes[node].pos;
	return FO_OK;
}

static int set_container(fo_model *m, uint32_t node, const char *id, int local, fo_pos pos)
{
	size_t len, off;
	int err;
	if (!m || node >= m->nnodes || !id)
		return FO_EINVAL;
	const char *fid = local ? full_id(m, id, &len) : (len = strlen(id), id);
	if (!fid)
		return FO_ENOMEM;
	if ((err = put(m, fid, len, &off)) < 0)
		return err;
	m->nodes[node].cont = off;
	m->nodes[node].cont_node = FO_NONE;
	m->nodes[node].cont_pos = pos;
	return FO_OK;
}

int fo_model_set_container_local(fo_model *m, uint32_t node, const char *id, fo_pos pos)
{
	return set_container(m, node, id, 1, pos);
}

int fo_model_set_container_global(fo_model *m, uint32_t node, const char *id, fo_pos pos)
{
	return set_container(m, node, id, 0, pos);
}

/* ----------------------------------------------------------- dependencies */

int fo_model_group_begin(fo_model *m, uint32_t owner, fo_group_type type, unsigned long k,
			 fo_pos pos)
{
	mgroup g;
	if (!m || owner >= m->nnodes || m->open ||
	    (type != FO_GROUP_REQUIRES && type != FO_GROUP_DEGRADES))
		return FO_EINVAL;
	if (m->ngroups >= UINT32_MAX - 1)
		return FO_ELIMIT;
	g.owner = owner;
	g.source = (uint32_t)(m->nsrc - 1);
	g.type = type;
	g.k = k;
	g.first = m->nmembers;
	g.n = 0;
	g.pos = pos;
	int err = PUSH(m->groups, m->ngroups, m->groups_alloc, g);
	if (err == FO_OK)
		m->open = 1;
	return err;
}

static int add_member(fo_model *m, mref r)
{
	int err;
	if (!m->open)
		return FO_EINVAL;
	if ((err = PUSH(m->members, m->nmembers, m->members_alloc, r)) < 0)
		return err;
	m->groups[m->ngroups - 1].n++;
	return FO_OK;
}

static int make_ref(fo_model *m, const char *id, int local, fo_pos pos, mref *r)
{
	size_t len;
	const char *fid = local ? full_id(m, id, &len) : (len = strlen(id), id);
	if (!fid)
		return FO_ENOMEM;
	r->node = FO_NONE;
	r->pos = pos;
	return put(m, fid, len, &r->id);
}

int fo_model_group_add_local(fo_model *m, const char *id, fo_pos pos)
{
	mref r;
	int err;
	if (!m || !id)
		return FO_EINVAL;
	if ((err = make_ref(m, id, 1, pos, &r)) < 0)
		return err;
	return add_member(m, r);
}

int fo_model_group_add_global(fo_model *m, const char *id, fo_pos pos)
{
	mref r;
	int err;
	if (!m || !id)
		return FO_EINVAL;
	if ((err = make_ref(m, id, 0, pos, &r)) < 0)
		return err;
	return add_member(m, r);
}

int fo_model_group_add_node(fo_model *m, uint32_t member, fo_pos pos)
{
	if (!m || member >= m->nnodes)
		return FO_EINVAL;
	return add_member(m, (mref){ NOSTR, member, pos });
}

int fo_model_group_end(fo_model *m)
{
	if (!m || !m->open)
		return FO_EINVAL;
	m->open = 0;
	mgroup *g = &m->groups[m->ngroups - 1];
	if (g->n == 0) {
		/* An importer that found nothing to depend on; a strict source
		 * (the XML reader) never opens an empty group but says so. */
		if (m->src[g->source].strict)
			say(m, FO_SEV_ERROR, "empty-group", g->source, g->pos, "group has no members");
		m->ngroups--;
		return FO_OK;
	}
	if (m->src[g->source].strict && g->k > g->n)
		say(m, FO_SEV_ERROR, "bad-min", g->source, g->pos,
		    "bad min: needs %lu of %zu members (min must be between 1 and the number of members)",
		    g->k, g->n);
	return FO_OK;
}

int fo_model_requires_local(fo_model *m, uint32_t owner, fo_group_type type, const char *id,
			    fo_pos pos)
{
	int err;
	if ((err = fo_model_group_begin(m, owner, type, 1, pos)) < 0)
		return err;
	if ((err = fo_model_group_add_local(m, id, pos)) < 0) {
		m->open = 0;
		m->nmembers = m->groups[m->ngroups - 1].first;
		m->ngroups--;
		return err;
	}
	return fo_model_group_end(m);
}

int fo_model_add_copy_local(fo_model *m, uint32_t owner, const char *holder_id, fo_pos pos)
{
	mcopy c;
	int err;
	if (!m || owner >= m->nnodes || !holder_id)
		return FO_EINVAL;
	c.owner = owner;
	c.source = (uint32_t)(m->nsrc - 1);
	if ((err = make_ref(m, holder_id, 1, pos, &c.holder)) < 0)
		return err;
	return PUSH(m->copies, m->ncopies, m->copies_alloc, c);
}

int fo_model_add_copy_node(fo_model *m, uint32_t owner, uint32_t holder, fo_pos pos)
{
	mcopy c;
	if (!m || owner >= m->nnodes || holder >= m->nnodes)
		return FO_EINVAL;
	c.owner = owner;
	c.source = (uint32_t)(m->nsrc - 1);
	c.holder = (mref){ NOSTR, holder, pos };
	return PUSH(m->copies, m->ncopies, m->copies_alloc, c);
}

/* ----------------------------------------- what the mapping file rewrites */

size_t fo_model_node_count(const fo_model *m) { return m ? m->nnodes : 0; }

void fo_model_node_get(const fo_model *m, uint32_t node, fo_model_node *out)
{
	fo_model *mm = (fo_model *)m; /* the props view is a cache */
	const mnode *n = &m->nodes[node];
	size_t np = 0;
	for (uint32_t p = n->prop_head; p != FO_NONE; p = m->props[p].next)
		np++;
	out->nprops = 0;
	out->props = NULL;
	if (np && fo_imp__grow((void **)&mm->scratch, &mm->scratch_alloc, np, sizeof *mm->scratch) == FO_OK) {
		for (uint32_t p = n->prop_head; p != FO_NONE; p = m->props[p].next)
			mm->scratch[out->nprops++] =
				(fo_prop){ m->a + m->props[p].key, m->a + m->props[p].value };
		out->props = mm->scratch;
	}
	out->id = m->a + n->id;
	out->kind = m->a + n->kind;
	out->name = str(m, n->name);
	out->tenant = str(m, n->tenant);
	out->tier = n->tier;
	out->source_type = m->a + n->stype;
	out->source = n->source;
	out->pos = n->pos;
	out->dropped = n->dropped;
}

int fo_model_node_set_kind(fo_model *m, uint32_t node, const char *kind)
{
	if (!m || node >= m->nnodes || !kind)
		return FO_EINVAL;
	if (!kind_ok(kind))
		return FO_EINVAL;
	return put(m, kind, strlen(kind), &m->nodes[node].kind);
}

int fo_model_node_set_name(fo_model *m, uint32_t node, const char *name)
{
	if (!m || node >= m->nnodes)
		return FO_EINVAL;
	return put_opt(m, name, &m->nodes[node].name);
}

int fo_model_node_set_tenant(fo_model *m, uint32_t node, const char *tenant)
{
	if (!m || node >= m->nnodes)
		return FO_EINVAL;
	return put_opt(m, tenant, &m->nodes[node].tenant);
}

int fo_model_node_set_tier(fo_model *m, uint32_t node, unsigned tier)
{
	if (!m || node >= m->nnodes)
		return FO_EINVAL;
	m->nodes[node].tier = tier;
	return FO_OK;
}

int fo_model_node_drop(fo_model *m, uint32_t node, const char *reason)
{
	int err;
	if (!m || node >= m->nnodes || !reason)
		return FO_EINVAL;
	if (m->nodes[node].dropped)
		return FO_OK;
	if ((err = put(m, reason, strlen(reason), &m->nodes[node].drop_reason)) < 0)
		return err;
	m->nodes[node].dropped = 1;
	m->dropped++;
	return FO_OK;
}

int fo_model_alias(fo_model *m, const char *id, const char *same_as, const char *file, fo_pos pos)
{
	malias a;
	int err;
	if (!m || !id || !same_as)
		return FO_EINVAL;
	const char *in[3] = { id, same_as, file };
	size_t offs[3];
	if ((err = put_all(m, 3, in, offs)) < 0)
		return err;
	a.id = offs[0];
	a.as = offs[1];
	a.file = offs[2];
	a.pos = pos;
	return PUSH(m->aliases, m->naliases, m->aliases_alloc, a);
}

size_t fo_model_group_count(const fo_model *m) { return m ? m->ngroups : 0; }

void fo_model_group_get(const fo_model *m, uint32_t group, fo_model_group *out)
{
	const mgroup *g = &m->groups[group];
	out->owner = g->owner;
	out->type = g->type;
	out->k = g->k;
	out->n = g->n;
	out->pos = g->pos;
}

const char *fo_model_group_member(const fo_model *m, uint32_t group, size_t i)
{
	const mgroup *g = &m->groups[group];
	if (i >= g->n)
		return NULL;
	const mref *r = &m->members[g->first + i];
	return r->id != NOSTR ? m->a + r->id : m->a + m->nodes[r->node].id;
}

int fo_model_group_set_k(fo_model *m, uint32_t group, unsigned long k)
{
	if (!m || group >= m->ngroups)
		return FO_EINVAL;
	m->groups[group].k = k;
	return FO_OK;
}

/* ------------------------------------------------------------------ build */

/* What fo_model_build works with: where each node went. */
typedef struct build {
	fo_model *m;
	uint32_t *rep;      /* node → the node it is merged into (itself if kept) */
	uint32_t *out;      /* representative node → its index in the graph, FO_NONE: not built */
	uint32_t *stamp;    /* per node: the last group that held it */
	size_t suggested;
} build;

static uint32_t find_rep(uint32_t *rep, uint32_t v)
{
	while (rep[v] != v) {
		rep[v] = rep[rep[v]];
		v = rep[v];
	}
	return v;
}

static const char *model_id_at(void *ctx, uint32_t i, size_t *len)
{
	const fo_model *m = ctx;
	const char *s = m->a + m->nodes[i].id;
	*len = strlen(s);
	return s;
}

/* Resolves r (made in source s) to a graph node index, or reports it and
 * returns FO_NONE: an error in a strict source, a warning otherwise. */
static uint32_t resolve_ref(build *b, const mref *r, uint32_t s, const char *owner,
			    const char *verb, const char *code, const char *what)
{
	fo_model *m = b->m;
	uint32_t v = r->node;
	char buf[FO_DIAG_SHORT_BUF], obuf[FO_DIAG_SHORT_BUF], tail[FO_DIAG_SHORT_BUF + 32];
	if (v == FO_NONE && lookup(m, m->a + r->id, &v) < 0)
		v = FO_NONE;
	if (v != FO_NONE) {
		v = find_rep(b->rep, v);
		if (!m->nodes[v].dropped)
			return b->out[v];
	}
	const char *id = r->id != NOSTR ? m->a + r->id : m->a + m->nodes[r->node].id;
	if (m->src[s].strict) {
		tail[0] = '\0';
		if (b->suggested < SUGGEST_REFS) {
			uint32_t near = fo_suggest_best(id, model_id_at, m, (uint32_t)m->nnodes);
			b->suggested++;
			if (near != FO_NONE && !m->nodes[near].dropped)
				snprintf(tail, sizeof tail, "; did you mean '%s'?",
					 fo_diag_shorten(m->a + m->nodes[near].id, obuf));
		}
		say(m, FO_SEV_ERROR, code, s, r->pos, "%s '%s'%s%s", what, fo_diag_shorten(id, buf),
		    v != FO_NONE ? " (dropped by the mapping file)" : "", tail);
	} else {
		m->src[s].dangling++;
		say(m, FO_SEV_WARNING, "dangling-reference", s, r->pos,
		    "'%s' %s '%s', which %s: dropped", fo_diag_shorten(owner, obuf), verb,
		    fo_diag_shorten(id, buf),
		    v != FO_NONE ? "the mapping file dropped" : "no input defines");
	}
	return FO_NONE;
}

/* Merges aliases (a union-find over nodes: `id` into `same_as`). */
static int merge_aliases(build *b)
{
	fo_model *m = b->m;
	char buf[FO_DIAG_SHORT_BUF];
	for (size_t i = 0; i < m->naliases; i++) {
		const malias *a = &m->aliases[i];
		uint32_t x, y;
		const char *file = str(m, a->file);
		if (lookup(m, m->a + a->id, &x) < 0 || lookup(m, m->a + a->as, &y) < 0) {
			const char *missing = lookup(m, m->a + a->id, &x) < 0 ? m->a + a->id : m->a + a->as;
			if (m->diag)
				fo_diag_add_code(m->diag, FO_SEV_WARNING, "unknown-alias", file, a->pos.line,
						 a->pos.col, NULL,
						 "same-as names '%s', which no input defines: ignored",
						 fo_diag_shorten(missing, buf));
			continue;
		}
		x = find_rep(b->rep, x);
		y = find_rep(b->rep, y);
		if (x == y)
			continue;
		b->rep[x] = y;
		m->aliases_merged++;
		/* What y lacks, x gives. */
		mnode *nx = &m->nodes[x], *ny = &m->nodes[y];
		if (ny->name == NOSTR)
			ny->name = nx->name;
		if (ny->tenant == NOSTR)
			ny->tenant = nx->tenant;
		if (!ny->tier)
			ny->tier = nx->tier;
		if (ny->cont == NOSTR && ny->cont_node == FO_NONE) {
			ny->cont = nx->cont;
			ny->cont_node = nx->cont_node;
			ny->cont_pos = nx->cont_pos;
		}
		if (nx->prop_head != FO_NONE) {
			if (ny->prop_tail == FO_NONE)
				ny->prop_head = nx->prop_head;
			else
				m->props[ny->prop_tail].next = nx->prop_head;
			ny->prop_tail = nx->prop_tail;
			nx->prop_head = nx->prop_tail = FO_NONE;
		}
	}
	return FO_OK;
}

/* Containment loops among the built nodes (cont[] in graph indices). */
static void check_loops(build *b, const uint32_t *cont, const uint32_t *node_of, uint32_t n)
{
	fo_model *m = b->m;
	char buf[FO_DIAG_SHORT_BUF];
	uint32_t *mark = b->stamp; /* reused: 0 unseen, walk id otherwise */
	memset(mark, 0, n * sizeof *mark);
	for (uint32_t v = 0; v < n; v++) {
		uint32_t u = v, walk = v + 1;
		while (u != FO_NONE && !mark[u]) {
			mark[u] = walk;
			u = cont[u];
		}
		if (u != FO_NONE && mark[u] == walk) {
			const mnode *mn = &m->nodes[node_of[u]];
			say(m, FO_SEV_ERROR, "containment-loop", mn->source, mn->cont_pos,
			    "node '%s' is located in itself through a containment loop",
			    fo_diag_shorten(m->a + mn->id, buf));
		}
	}
}

static void stat_node(fo_model *m, const mnode *n, int merged)
{
	type_stat *t;
	if (type_stat_of(m, n->source, m->a + n->stype, &t) < 0)
		return; /* statistics only */
	if (merged) {
		t->merged++;
		return;
	}
	t->nodes++;
	for (size_t i = 0; i < t->nkinds; i++)
		if (!strcmp(m->a + t->kind_words[i], m->a + n->kind)) {
			t->kind_counts[i]++;
			return;
		}
	size_t a1 = t->kinds_alloc, a2 = t->kinds_alloc;
	if (fo_imp__grow((void **)&t->kind_words, &a1, t->nkinds + 1, sizeof *t->kind_words) < 0 ||
	    fo_imp__grow((void **)&t->kind_counts, &a2, t->nkinds + 1, sizeof *t->kind_counts) < 0) {
		t->kinds_alloc = a1 < a2 ? a1 : a2;
		return;
	}
	t->kinds_alloc = a1 < a2 ? a1 : a2;
	t->kind_words[t->nkinds] = n->kind;
	t->kind_counts[t->nkinds++] = 1;
}

static void reset_stats(fo_model *m)
{
	for (size_t s = 0; s < m->nsrc; s++) {
		m->src[s].dangling = 0;
		for (size_t t = 0; t < m->src[s].ntypes; t++) {
			m->src[s].types[t].nodes = m->src[s].types[t].merged = 0;
			m->src[s].types[t].nkinds = 0;
		}
	}
	m->aliases_merged = 0;
}

/* The graph's file name: the one source's, or all joined with " + ". */
static char *joined_files(const fo_model *m)
{
	size_t len = 1;
	for (size_t s = 0; s < m->nsrc; s++)
		len += strlen(m->src[s].file) + 3;
	char *p = malloc(len), *q = p;
	if (!p)
		return NULL;
	*q = '\0';
	for (size_t s = 0; s < m->nsrc; s++)
		q += sprintf(q, "%s%s", s ? " + " : "", m->src[s].file);
	return p;
}

int fo_model_build(fo_model *m, fo_graph **out)
{
	build b = { 0 };
	fo_builder *bu = NULL;
	uint32_t *cont = NULL, *node_of = NULL, *copy_to = NULL, *copy_count = NULL;
	size_t *copy_order = NULL;
	char *file = NULL;
	size_t errors0;
	uint32_t nb = 0, sid = 0;
	int err = FO_OK, single;

	if (!m || !out || m->open)
		return FO_EINVAL;
	*out = NULL;
	reset_stats(m);
	b.m = m;
	errors0 = m->errors0; /* the importers' errors count too */
	size_t nn = m->nnodes ? m->nnodes : 1;
	if (!(b.rep = malloc(nn * sizeof *b.rep)) || !(b.out = malloc(nn * sizeof *b.out)) ||
	    !(b.stamp = calloc(nn, sizeof *b.stamp)) || !(cont = malloc(nn * sizeof *cont)) ||
	    !(node_of = malloc(nn * sizeof *node_of))) {
		err = FO_ENOMEM;
		goto done;
	}
	for (uint32_t v = 0; v < m->nnodes; v++)
		b.rep[v] = v;
	/* A duplicate id's second node was never entered in the table: it
	 * stays out of the graph (reported at add). */
	if ((err = merge_aliases(&b)) < 0)
		goto done;

	/* Graph indices, in model order, of the nodes that stay. */
	for (uint32_t v = 0; v < m->nnodes; v++) {
		mnode *n = &m->nodes[v];
		uint32_t slot_owner;
		b.out[v] = FO_NONE;
		int findable = lookup(m, m->a + n->id, &slot_owner) == FO_OK && slot_owner == v;
		if (n->dropped) {
			count_reason(m, n->source, m->a + n->stype, m->a + n->id, m->a + n->drop_reason, 0);
			continue;
		}
		if (!findable)
			continue;
		if (find_rep(b.rep, v) != v) {
			stat_node(m, n, 1);
			continue;
		}
		node_of[nb] = v;
		b.out[v] = nb++;
		stat_node(m, n, 0);
	}

	/* Containers. (Resolution goes on after a reader's errors: one run
	 * reports everything, as the XML reader does.) */
	for (uint32_t i = 0; i < nb; i++) {
		const mnode *n = &m->nodes[node_of[i]];
		cont[i] = FO_NONE;
		if (n->cont == NOSTR && n->cont_node == FO_NONE)
			continue;
		mref r = { n->cont, n->cont_node, n->cont_pos };
		uint32_t c = resolve_ref(&b, &r, n->source, m->a + n->id, "is located in", "unknown-container",
					 "unknown container");
		if (c == i) {
			char buf[FO_DIAG_SHORT_BUF];
			say(m, FO_SEV_ERROR, "containment-loop", n->source, n->cont_pos,
			    "node '%s' cannot be located in itself", fo_diag_shorten(m->a + n->id, buf));
			continue;
		}
		cont[i] = c;
	}
	check_loops(&b, cont, node_of, nb);

	/* Groups: resolved in place (members rewritten to graph indices). */
	memset(b.stamp, 0, nn * sizeof *b.stamp);
	for (size_t gi = 0; gi < m->ngroups; gi++) {
		mgroup *g = &m->groups[gi];
		uint32_t owner = find_rep(b.rep, g->owner);
		char buf[FO_DIAG_SHORT_BUF];
		size_t kept = 0;
		if (b.out[owner] == FO_NONE)
			continue;
		sid++;
		for (size_t i = 0; i < g->n; i++) {
			mref *r = &m->members[g->first + i];
			uint32_t v = resolve_ref(&b, r, g->source, m->a + m->nodes[g->owner].id,
						 g->type == FO_GROUP_DEGRADES ? "degrades without" : "needs",
						 "unknown-reference", "unknown reference");
			if (v == FO_NONE)
				continue;
			if (b.stamp[v] == sid) {
				if (m->src[g->source].strict)
					say(m, FO_SEV_ERROR, "repeated-member", g->source, r->pos,
					    "repeated member '%s' in one group",
					    fo_diag_shorten(m->a + m->nodes[node_of[v]].id, buf));
				continue;
			}
			/* A strict source keeps what the XML reader keeps. */
			if (v == b.out[owner] && !m->src[g->source].strict) {
				say(m, FO_SEV_WARNING, "self-dependency", g->source, r->pos,
				    "'%s' would need itself: dropped",
				    fo_diag_shorten(m->a + m->nodes[owner].id, buf));
				continue;
			}
			b.stamp[v] = sid;
			kept++;
		}
		if (kept && g->k > kept && !m->src[g->source].strict && kept < g->n)
			say(m, FO_SEV_WARNING, "dangling-reference", g->source, g->pos,
			    "'%s' needs %lu of %zu, but only %zu are defined: needs %zu of %zu",
			    fo_diag_shorten(m->a + m->nodes[owner].id, buf), g->k, g->n, kept, kept, kept);
	}
	/* Copies: resolved (and said) with everything else, then one group per
	 * owner without a holder twice (an error in a strict source, as the
	 * XML reader says it). copy_to[i]: copy i's holder, FO_NONE: none. */
	if (!(copy_to = malloc((m->ncopies ? m->ncopies : 1) * sizeof *copy_to)) ||
	    !(copy_order = malloc((m->ncopies ? m->ncopies : 1) * sizeof *copy_order)) ||
	    !(copy_count = calloc((size_t)nb + 1, sizeof *copy_count))) {
		err = FO_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < m->ncopies; i++) {
		const mcopy *c = &m->copies[i];
		uint32_t owner = b.out[find_rep(b.rep, c->owner)];
		copy_to[i] = FO_NONE;
		if (owner == FO_NONE)
			continue;
		uint32_t v = resolve_ref(&b, &c->holder, c->source, m->a + m->nodes[c->owner].id,
					 "keeps a copy on", "unknown-copy-holder", "unknown copy holder");
		if (v == FO_NONE || (v == owner && !m->src[c->source].strict))
			continue;
		copy_to[i] = v;
		copy_count[owner + 1]++;
	}
	for (uint32_t v = 0; v < nb; v++)
		copy_count[v + 1] += copy_count[v];
	size_t ncopy_ok = 0;
	for (size_t i = 0; i < m->ncopies; i++)
		if (copy_to[i] != FO_NONE) {
			copy_order[copy_count[b.out[find_rep(b.rep, m->copies[i].owner)]]++] = i;
			ncopy_ok++;
		}
	memset(b.stamp, 0, nn * sizeof *b.stamp);
	for (size_t a = 0, e; a < ncopy_ok; a = e) {
		size_t first = copy_order[a];
		uint32_t owner = b.out[find_rep(b.rep, m->copies[first].owner)];
		sid++;
		for (e = a; e < ncopy_ok; e++) {
			size_t i = copy_order[e];
			if (b.out[find_rep(b.rep, m->copies[i].owner)] != owner)
				break;
			if (b.stamp[copy_to[i]] == sid) {
				char buf[FO_DIAG_SHORT_BUF];
				if (m->src[m->copies[i].source].strict)
					say(m, FO_SEV_ERROR, "repeated-copy-holder", m->copies[i].source,
					    m->copies[i].holder.pos, "repeated copy holder '%s'",
					    fo_diag_shorten(m->a + m->nodes[node_of[copy_to[i]]].id, buf));
				copy_to[i] = FO_NONE;
				continue;
			}
			b.stamp[copy_to[i]] = sid;
		}
	}
	if (m->diag && fo_diag_errors(m->diag) > errors0) {
		err = FO_EINPUT;
		goto done;
	}

	/* Build. */
	single = m->nsrc == 1;
	if (!(file = joined_files(m))) {
		err = FO_ENOMEM;
		goto done;
	}
	if ((err = fo_builder_new(&bu, m->diag, file)) < 0)
		goto done;
	if (m->name != NOSTR && (err = fo_builder_set_name(bu, m->a + m->name)) < 0)
		goto done;
	if ((err = fo_builder_reserve(bu, nb, m->ngroups, m->nmembers)) < 0)
		goto done;
	for (uint32_t i = 0; i < nb; i++) {
		const mnode *n = &m->nodes[node_of[i]];
		uint32_t got;
		fo_pos pos = single ? n->pos : (fo_pos){ 0, 0 };
		if ((err = fo_builder_add_node(bu, m->a + n->id, m->a + n->kind, str(m, n->name),
					       str(m, n->tenant), n->tier, pos, &got)) < 0)
			goto done;
		for (uint32_t p = n->prop_head; p != FO_NONE; p = m->props[p].next)
			if ((err = fo_builder_add_prop(bu, got, m->a + m->props[p].key,
						       m->a + m->props[p].value)) < 0)
				goto done;
	}
	for (uint32_t i = 0; i < nb; i++)
		if (cont[i] != FO_NONE && (err = fo_builder_set_parent(bu, i, cont[i])) < 0)
			goto done;
	memset(b.stamp, 0, nn * sizeof *b.stamp);
	for (size_t gi = 0; gi < m->ngroups; gi++) {
		const mgroup *g = &m->groups[gi];
		uint32_t owner = b.out[find_rep(b.rep, g->owner)];
		size_t kept = 0;
		if (owner == FO_NONE)
			continue;
		sid++;
		/* Members again, silently now (everything was said above). */
		for (size_t i = 0; i < g->n; i++) {
			const mref *r = &m->members[g->first + i];
			uint32_t v = r->node;
			if (v == FO_NONE && lookup(m, m->a + r->id, &v) < 0)
				continue;
			v = find_rep(b.rep, v);
			if (m->nodes[v].dropped || (v = b.out[v]) == FO_NONE || b.stamp[v] == sid ||
			    (v == owner && !m->src[g->source].strict))
				continue;
			b.stamp[v] = sid;
			kept++;
		}
		if (!kept)
			continue;
		unsigned long k = g->k == 0 || g->k > kept ? kept : g->k;
		if ((err = fo_builder_group_begin(bu, owner, g->type, k, g->pos)) < 0)
			goto done;
		sid++;
		for (size_t i = 0; i < g->n; i++) {
			const mref *r = &m->members[g->first + i];
			uint32_t v = r->node;
			if (v == FO_NONE && lookup(m, m->a + r->id, &v) < 0)
				continue;
			v = find_rep(b.rep, v);
			if (m->nodes[v].dropped || (v = b.out[v]) == FO_NONE || b.stamp[v] == sid ||
			    (v == owner && !m->src[g->source].strict))
				continue;
			b.stamp[v] = sid;
			if ((err = fo_builder_group_add_node(bu, v, single ? r->pos : (fo_pos){ 0, 0 })) < 0)
				goto done;
		}
		if ((err = fo_builder_group_end(bu)) < 0)
			goto done;
	}
	for (size_t i = 0; i < m->ncopies; i++) {
		const mcopy *c = &m->copies[i];
		if (copy_to[i] == FO_NONE)
			continue;
		if ((err = fo_builder_add_copy_node(bu, b.out[find_rep(b.rep, c->owner)], copy_to[i],
						    single ? c->holder.pos : (fo_pos){ 0, 0 })) < 0)
			goto done;
	}
	if (m->diag && fo_diag_errors(m->diag) > errors0) {
		err = FO_EINPUT;
		goto done;
	}
	err = fo_builder_finish(bu, out);
	m->built = err == FO_OK;
done:
	fo_builder_free(bu);
	free(file);
	free(b.rep);
	free(b.out);
	free(b.stamp);
	free(cont);
	free(node_of);
	free(copy_to);
	free(copy_order);
	free(copy_count);
	return err;
}

/* ---------------------------------------------------------------- explain */

static size_t type_nodes_total(const source *s, size_t *read, size_t *folded, size_t *skipped,
			       size_t *merged)
{
	size_t nodes = 0;
	*read = *folded = *skipped = *merged = 0;
	for (size_t t = 0; t < s->ntypes; t++) {
		const type_stat *ts = &s->types[t];
		nodes += ts->nodes;
		*read += ts->read;
		*merged += ts->merged;
		for (size_t r = 0; r < ts->nreasons; r++)
			*(ts->reasons[r].folded ? folded : skipped) += ts->reasons[r].count;
	}
	return nodes;
}

int fo_model_explain(const fo_model *m, FILE *fp)
{
	if (!m || !fp)
		return FO_EINVAL;
	for (size_t si = 0; si < m->nsrc; si++) {
		const source *s = &m->src[si];
		size_t read, folded, skipped, merged;
		size_t nodes = type_nodes_total(s, &read, &folded, &skipped, &merged);
		fprintf(fp, "%s (%s", s->file, s->format);
		if (*s->prefix)
			fprintf(fp, ", ids %s:…", s->prefix);
		fprintf(fp, "): %zu objects read, %zu nodes, %zu folded, %zu skipped", read, nodes,
			folded, skipped);
		if (merged)
			fprintf(fp, ", %zu merged by same-as", merged);
		size_t dangling = s->dangling + s->reader_dangling;
		if (dangling)
			fprintf(fp, ", %zu dangling reference%s", dangling, dangling == 1 ? "" : "s");
		fputc('\n', fp);
		for (size_t t = 0; t < s->ntypes; t++) {
			const type_stat *ts = &s->types[t];
			fprintf(fp, "  %s: ", m->a + ts->type);
			if (ts->read)
				fprintf(fp, "%zu read", ts->read);
			else
				fputs("created", fp);
			if (ts->nodes) {
				fprintf(fp, "; %zu node%s (", ts->nodes, ts->nodes == 1 ? "" : "s");
				for (size_t k = 0; k < ts->nkinds; k++)
					fprintf(fp, "%s%s %zu", k ? ", " : "", m->a + ts->kind_words[k],
						ts->kind_counts[k]);
				fputc(')', fp);
			}
			if (ts->merged)
				fprintf(fp, "; %zu merged by same-as", ts->merged);
			for (size_t r = 0; r < ts->nreasons; r++) {
				const reason_count *rc = &ts->reasons[r];
				fprintf(fp, "; %zu %s %s", rc->count, rc->folded ? "folded into" : "skipped:",
					m->a + rc->text);
				if (!rc->folded && rc->ex[0] != NOSTR) {
					fputs(" (", fp);
					for (size_t e = 0; e < SKIP_EXAMPLES && rc->ex[e] != NOSTR; e++)
						fprintf(fp, "%s%s", e ? ", " : "", m->a + rc->ex[e]);
					if (rc->count > SKIP_EXAMPLES)
						fputs(", …", fp);
					fputc(')', fp);
				}
			}
			fputc('\n', fp);
		}
	}
	if (m->naliases)
		fprintf(fp, "same-as: %zu declared, %zu merged\n", m->naliases, m->aliases_merged);
	return ferror(fp) ? FO_EIO : FO_OK;
}

int fo_model_summary(const fo_model *m, FILE *fp)
{
	if (!m || !fp)
		return FO_EINVAL;
	for (size_t si = 0; si < m->nsrc; si++) {
		const source *s = &m->src[si];
		size_t read, folded, skipped, merged;
		if (s->strict)
			continue;
		size_t nodes = type_nodes_total(s, &read, &folded, &skipped, &merged);
		fprintf(fp, "%s (%s): %zu objects: %zu nodes, %zu folded, %zu skipped", s->file,
			s->format, read, nodes, folded, skipped);
		if (merged)
			fprintf(fp, ", %zu merged", merged);
		size_t dangling = s->dangling + s->reader_dangling;
		if (dangling)
			fprintf(fp, "; %zu dangling reference%s", dangling, dangling == 1 ? "" : "s");
		fputs(" (--explain-import)\n", fp);
	}
	return ferror(fp) ? FO_EIO : FO_OK;
}
