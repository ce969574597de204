/*
 * graphml.c — the GraphML reader (fo_graphml.h; the mapping of each
 * construct is in docs/importers/graphml.md).
 *
 * The document goes through the inventory reader's hardened input
 * (reader.h): our own descriptor, every byte through the pre-scanner (no
 * DOCTYPE, hence no entity; UTF-8 only; depth and markup limits), the
 * streaming xmlTextReader without DTD loading, entity substitution, network
 * or XInclude, and the refusing entity loader. Elements are handled as the
 * reader reports them, with a stack of open elements; what GraphML allows
 * but fallout does not model (ports, hyperedges, locators, yEd graphics) is
 * skipped with its reason in the model's summary.
 *
 * A node's kind, name, tenant and tier come from its <data>, which follows
 * the <node> start tag, so a node is added to the model when its element
 * ends, or when a nested <graph> opens in it (its children are located in
 * it). Edges are kept until the end of the document: parallel edges are
 * folded, and the "one-of" reading of undirected links needs every link of
 * a node before its group can be written. Then each dependency goes into
 * the model in document order.
 */
#include "fo_graphml.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "../graphs/fo_error.h"
#include "reader.h"
#include "scan.h"
#include "grow_int.h"
#include "strtab_int.h"

#define GRAPHML_NS "http://graphml.graphdrawing.org/xmlns"

/* Where a key applies (<key for>). */
enum { D_NODE = 1, D_EDGE = 2, D_GRAPH = 4, D_OTHER = 8, D_ALL = 15 };

typedef struct key {
	char *id;
	char *name;      /* attr.name, else the id */
	char *def;       /* <default>, or NULL */
	unsigned dom;    /* D_* */
	int graphics;    /* yfiles.type: drawing data, never a value */
	int in_defs;     /* listed in reader.defs */
	fo_pos pos;
} key;

/* A <data> value of the element being read. */
typedef struct datum {
	uint32_t key;
	char *value;
	fo_pos pos;
} datum;

/* An open <node>, <edge> or <graph>: its data are data[first..]. */
typedef enum elem {
	E_ROOT, E_KEY, E_DEFAULT, E_GRAPH, E_NODE, E_EDGE, E_DATA, E_SKIP,
	E_GFX,    /* inside yEd's graphics of a node: looked through for its label */
	E_YLABEL, /* <y:NodeLabel> */
} elem;

#define YWORKS_NS "http://www.yworks.com/xml/graphml"

typedef struct frame {
	elem type;
	size_t first;         /* its data in r->data */
	/* E_NODE */
	char *id;
	char *ylabel;         /* the text of yEd's first <y:NodeLabel>, or NULL */
	fo_pos pos;
	int added;
	int nested;           /* its nested <graph> has opened */
	uint32_t index;
	uint32_t parent;      /* model index of the enclosing node, FO_NONE */
	/* E_GRAPH */
	int directed;         /* edgedefault */
	/* E_EDGE */
	char *source, *target;
	int edge_directed;    /* -1: the graph's default */
	fo_pos spos, tpos;
	/* E_DATA */
	uint32_t data_key;    /* UINT32_MAX: unknown key (reported) */
	int complex;          /* has child elements: graphics, not a value */
	/* E_KEY */
	uint32_t key_index;
} frame;

/* One dependency, kept until the end (see the top of the file). */
typedef struct dep {
	char *owner, *member;
	fo_group_type type;
	int rel;              /* R_* */
	char *slot;           /* the group it belongs to, NULL: its own */
	size_t slot_len;
	unsigned long k;      /* of its group: 0 = all */
	fo_pos pos;
} dep;

enum { R_DEP = 0, R_LOCATED, R_COPY };

typedef struct reader {
	fo_reader x;
	fo_model *m;
	char *file;              /* the source's name (a copy: the model's moves) */
	/* options (copies: the model's strings move as it grows) */
	char *kind_key, *name_key, *tenant_key, *tier_key, *type_key, *default_kind;
	int reverse;
	int undirected;       /* U_* */
	key *keys;
	size_t nkeys, akeys;
	uint32_t *defs;       /* the keys with a <default>, in document order */
	size_t ndefs, adefs;
	/* per domain (node, edge, graph): attr.name -> the first key of defs
	 * for it; rebuilt when a <default> comes (defmap_ok bit cleared) */
	fo_imp__strtab defmap[3];
	unsigned defmap_ok;
	size_t applied;       /* values nodes took from <default>s */
	int limit;            /* a limit was hit: FO_ELIMIT */
	fo_imp__strtab keytab;
	datum *data;
	size_t ndata, adata;
	frame *st;
	size_t depth, ast;
	unsigned long skip;   /* depth of a skipped subtree, 0 = none */
	char *text;
	size_t ntext, atext;
	char *ltext;          /* the text of the open <y:NodeLabel> */
	size_t nltext, altext;
	fo_scan_tag tag;
	int have_tag;
	uint64_t elements;
	int root_seen;
	dep *deps;
	size_t ndeps, adeps;
	fo_imp__strtab seen;          /* edges already read: parallel ones are folded */
	fo_imp__strtab slots;
	/* A document of fallout's writer (a node key "fallout.id"): GraphML
	 * ids are synthetic, the node's id is its fallout.id, edges are
	 * translated through idmap (GraphML id -> ids[i]). */
	int own;
	fo_imp__strtab idmap;
	char **ids;
	size_t nids, aids;
} reader;

enum { U_BOTH = 0, U_ONE_OF, U_SKIP };

static const fo_reader_format graphml_format = {
	.tidy = 1,
	.docs = "GraphML documents",
	.doc = "the GraphML document",
	.empty = "empty document: a GraphML document needs a <graphml> element",
};

/* ------------------------------------------------------------ helpers */

__attribute__((format(printf, 4, 5)))
static void diag_at(reader *r, fo_severity sev, fo_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fo_reader__verror(&r->x, sev, sev == FO_SEV_ERROR ? "graphml" : "graphml-warning", pos,
			  NULL, fmt, ap);
	va_end(ap);
}

static void nomem(reader *r) { r->x.nomem = 1; }

/* Position of attribute `name` of the current start tag (its value), else
 * of the tag. */
static fo_pos attr_pos(const reader *r, const char *name)
{
	return fo_reader__attr_pos(&r->x, &r->tag, r->have_tag, name);
}

static fo_pos tag_pos(const reader *r)
{
	return (fo_pos){ r->tag.line, r->have_tag ? r->tag.col : 0 };
}

/* The value of attribute `name` (no namespace), a copy (free()) or NULL. */
static char *attr(reader *r, xmlTextReaderPtr x, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(x, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *c = strdup((const char *)v);
	xmlFree(v);
	if (!c)
		nomem(r);
	return c;
}

/* s without leading and trailing blanks, into buf (at most bufsz - 1
 * bytes; longer: NULL). */
static const char *trimmed(const char *s, char *buf, size_t bufsz)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (n >= bufsz)
		return NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* ------------------------------------------------------------ keys */

static int key_lookup(const reader *r, const char *id, uint32_t *out)
{
	return fo_imp__strtab_find(&r->keytab, id, strlen(id), out);
}

/* The value of the key named `name` (attr.name) for the element whose data
 * start at `first`, applying <default>s; dom: D_NODE, D_EDGE or D_GRAPH.
 * *pos (may be NULL) receives where the value was written. Borrowed. */
static const char *value_of(reader *r, size_t first, unsigned dom, const char *name,
			    fo_pos *pos)
{
	if (!name || !*name)
		return NULL;
	for (size_t i = first; i < r->ndata; i++) {
		const key *k = &r->keys[r->data[i].key];
		if ((k->dom & dom) && !k->graphics && !strcmp(k->name, name)) {
			if (pos)
				*pos = r->data[i].pos;
			return r->data[i].value;
		}
	}
	int d = dom == D_NODE ? 0 : dom == D_EDGE ? 1 : 2;
	fo_imp__strtab *t = &r->defmap[d];
	uint32_t ki;
	if (!(r->defmap_ok & (1u << d))) {
		/* O(keys with a default): at most FO_GRAPHML_MAX_DEFAULTS, and
		 * once per <default> element at most. */
		fo_imp__strtab_free(t);
		for (size_t i = 0; i < r->ndefs; i++) {
			const key *k = &r->keys[r->defs[i]];
			if ((k->dom & dom) && !fo_imp__strtab_find(t, k->name, strlen(k->name), &ki) &&
			    fo_imp__strtab_put(t, k->name, strlen(k->name), r->defs[i]) < 0) {
				nomem(r);
				return NULL;
			}
		}
		r->defmap_ok |= 1u << d;
	}
	if (!fo_imp__strtab_find(t, name, strlen(name), &ki))
		return NULL;
	if (pos)
		*pos = r->keys[ki].pos;
	return r->keys[ki].def;
}

static void start_key(reader *r, xmlTextReaderPtr x, frame *f)
{
	char *id = attr(r, x, "id"), *forv = attr(r, x, "for"), *name = attr(r, x, "attr.name");
	char *yf = attr(r, x, "yfiles.type");
	char sb[FO_READER_SHOW_BUF];
	uint32_t dup;

	f->key_index = UINT32_MAX;
	if (!id) {
		diag_at(r, FO_SEV_ERROR, tag_pos(r), "<key> without an id");
		goto done;
	}
	if (key_lookup(r, id, &dup)) {
		diag_at(r, FO_SEV_ERROR, attr_pos(r, "id"), "duplicate key id '%s' (first at line %lu)",
			fo_reader__show(id, sb), r->keys[dup].pos.line);
		goto done;
	}
	if (r->nkeys >= FO_GRAPHML_MAX_KEYS) {
		diag_at(r, FO_SEV_ERROR, tag_pos(r), "more than %u keys (fallout's limit)",
			FO_GRAPHML_MAX_KEYS);
		r->limit = 1;
		r->x.stopped = 1;
		goto done;
	}
	unsigned dom = D_ALL;
	if (forv) {
		if (!strcmp(forv, "node"))
			dom = D_NODE;
		else if (!strcmp(forv, "edge"))
			dom = D_EDGE;
		else if (!strcmp(forv, "graph"))
			dom = D_GRAPH;
		else if (!strcmp(forv, "all"))
			dom = D_ALL;
		else if (!strcmp(forv, "graphml") || !strcmp(forv, "hyperedge") ||
			 !strcmp(forv, "port") || !strcmp(forv, "endpoint"))
			dom = D_OTHER;
		else {
			diag_at(r, FO_SEV_ERROR, attr_pos(r, "for"),
				"<key for='%s'>: GraphML keys are for node, edge, graph, all, graphml, "
				"hyperedge, port or endpoint", fo_reader__show(forv, sb));
			goto done;
		}
	}
	if (fo_imp__grow((void **)&r->keys, &r->akeys, r->nkeys + 1, sizeof *r->keys) < 0 ||
	    fo_imp__strtab_put(&r->keytab, id, strlen(id), (uint32_t)r->nkeys) < 0) {
		nomem(r);
		goto done;
	}
	key *k = &r->keys[r->nkeys];
	k->id = id;
	k->name = name ? name : strdup(id);
	k->def = NULL;
	k->dom = dom;
	k->graphics = yf != NULL;
	k->in_defs = 0;
	k->pos = attr_pos(r, "id");
	id = name = NULL;
	if (!k->name) {
		nomem(r);
		free(k->id);
		return;
	}
	if ((k->dom & D_NODE) && !k->graphics && !strcmp(k->name, "fallout.id"))
		r->own = 1;
	f->key_index = (uint32_t)r->nkeys++;
done:
	free(id);
	free(forv);
	free(name);
	free(yf);
}

/* ------------------------------------------------------------ nodes */

/* The names of the props a node was given so far: a short list searched
 * in order, a table past NS_SMALL (a node with thousands of data stays
 * linear). */
#define NS_SMALL 32
typedef struct nameset {
	const char *small[NS_SMALL];
	size_t n;
	fo_imp__strtab big;
} nameset;

static int ns_has(const nameset *ns, const char *name)
{
	uint32_t dummy;
	if (ns->n > NS_SMALL)
		return fo_imp__strtab_find(&ns->big, name, strlen(name), &dummy);
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->small[i], name))
			return 1;
	return 0;
}

/* name is borrowed until ns_free (the data outlive the set). */
static int ns_add(nameset *ns, const char *name)
{
	if (ns->n < NS_SMALL) {
		ns->small[ns->n++] = name;
		return FO_OK;
	}
	if (ns->n == NS_SMALL)
		for (size_t i = 0; i < NS_SMALL; i++)
			if (fo_imp__strtab_put(&ns->big, ns->small[i], strlen(ns->small[i]), 0) < 0)
				return FO_ENOMEM;
	ns->n++;
	return fo_imp__strtab_put(&ns->big, name, strlen(name), 0);
}

static void ns_free(nameset *ns) { fo_imp__strtab_free(&ns->big); }

/* A key name that is one of a node's fields (not a prop). */
static int is_field(const reader *r, const char *name, const char *name_key)
{
	return !strcmp(name, r->kind_key) || !strcmp(name, name_key) ||
	       !strcmp(name, r->tenant_key) || !strcmp(name, r->tier_key) ||
	       (!strcmp(name_key, "label") && !strcmp(name, "name")) ||
	       (r->own && (!strcmp(name, "fallout.id") || !strcmp(name, "label")));
}

/* Adds the node of frame f to the model (once). */
static void add_node(reader *r, frame *f)
{
	char kb[128], tb[32], sb[FO_READER_SHOW_BUF], vb[FO_READER_SHOW_BUF];
	fo_pos vp = f->pos;
	if (f->added)
		return;
	f->added = 1;
	f->index = FO_NONE;
	if (fo_model_count_read(r->m, "node", 1) < 0) {
		nomem(r);
		return;
	}
	const char *kind = r->default_kind;
	const char *kv = value_of(r, f->first, D_NODE, r->kind_key, &vp);
	if (kv) {
		char *t = (char *)trimmed(kv, kb, sizeof kb);
		if (t && *t == ':') { /* Neo4j labels ":Server:Linux": the first */
			t++;
			t[strcspn(t, ":")] = '\0';
		}
		for (char *p = t; p && *p; p++)
			*p = (char)tolower((unsigned char)*p);
		int ok = t && *t >= 'a' && *t <= 'z';
		for (const char *p = t; ok && *p; p++)
			ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
			     *p == '-';
		if (ok)
			kind = t;
		else if (*kv)
			diag_at(r, FO_SEV_WARNING, vp,
				"node '%s': kind '%s' (key '%s') is not a kind word "
				"([a-z][a-z0-9_-]*): the node is a '%s'",
				fo_reader__show(f->id, sb), fo_reader__show(kv, vb), r->kind_key,
				r->default_kind);
	}
	const char *name_key = r->name_key ? r->name_key : r->own ? "name" : "label";
	const char *name = value_of(r, f->first, D_NODE, name_key, NULL);
	if (!name && !strcmp(name_key, "label"))
		name = value_of(r, f->first, D_NODE, "name", NULL);
	if (name && !*name)
		name = NULL;
	if (!name && !r->name_key)
		name = f->ylabel; /* yEd keeps labels in its graphics only */
	const char *tenant = value_of(r, f->first, D_NODE, r->tenant_key, NULL);
	if (tenant && !*tenant)
		tenant = NULL;
	unsigned tier = 0;
	const char *tv = value_of(r, f->first, D_NODE, r->tier_key, &vp);
	if (tv) {
		const char *t = trimmed(tv, tb, sizeof tb);
		char *end = NULL;
		unsigned long v = t && *t >= '0' && *t <= '9' ? strtoul(t, &end, 10) : 0;
		if (t && end && !*end && v >= 1 && v <= 1000000)
			tier = (unsigned)v;
		else if (t && !*t)
			;
		else
			diag_at(r, FO_SEV_WARNING, vp,
				"node '%s': tier '%s' (key '%s') is not a whole number from 1 to "
				"1000000: no tier", fo_reader__show(f->id, sb), fo_reader__show(tv, vb),
				r->tier_key);
	}
	const char *id = f->id;
	if (r->own) {
		const char *fid = value_of(r, f->first, D_NODE, "fallout.id", NULL);
		if (fid && *fid) {
			if (fo_imp__grow((void **)&r->ids, &r->aids, r->nids + 1, sizeof *r->ids) < 0 ||
			    !(r->ids[r->nids] = strdup(fid)) ||
			    fo_imp__strtab_put(&r->idmap, f->id, strlen(f->id), (uint32_t)r->nids++) < 0) {
				nomem(r);
				return;
			}
			id = fid;
		}
	}
	uint32_t idx;
	int err = fo_model_add_node(r->m, id, kind, name, tenant, tier, "node", f->pos, &idx);
	if (err == FO_ENOMEM) {
		nomem(r);
		return;
	}
	if (err < 0)
		return; /* reported by the model */
	f->index = idx;
	/* Data as props, but for what became the node's fields and the
	 * fallout writer's own structure (container). A node's props are
	 * unique (reports key objects by them): a second value for a name is
	 * a warning. */
	const char *container = NULL;
	fo_pos cpos = f->pos;
	nameset seen;
	memset(&seen, 0, sizeof seen);
	for (size_t i = f->first; i < r->ndata && !r->x.nomem; i++) {
		const key *k = &r->keys[r->data[i].key];
		if (!(k->dom & D_NODE) || k->graphics || is_field(r, k->name, name_key))
			continue;
		const char *pk = k->name;
		if (!strncmp(pk, "prop:", 5))
			pk += 5; /* the writer's escape of a prop named like a field */
		if (ns_has(&seen, pk)) {
			diag_at(r, FO_SEV_WARNING, r->data[i].pos,
				"node '%s': a second value for '%s': the first is kept",
				fo_reader__show(f->id, sb), fo_reader__show(pk, vb));
			continue;
		}
		if (ns_add(&seen, pk) < 0) {
			nomem(r);
			break;
		}
		if (!strcmp(k->name, "container")) {
			container = r->data[i].value;
			cpos = r->data[i].pos;
		} else if (fo_model_add_prop(r->m, idx, pk, r->data[i].value) < 0) {
			nomem(r);
		}
	}
	/* Defaults of keys the node has no data for are its values too. */
	for (size_t d = 0; d < r->ndefs && !r->x.nomem; d++) {
		const key *k = &r->keys[r->defs[d]];
		const char *pk = !strncmp(k->name, "prop:", 5) ? k->name + 5 : k->name;
		if (!(k->dom & D_NODE) || is_field(r, k->name, name_key) || ns_has(&seen, pk))
			continue;
		if (++r->applied > FO_GRAPHML_MAX_APPLIED) {
			/* <default>s multiply: each node takes every one. */
			diag_at(r, FO_SEV_ERROR, f->pos,
				"the <default>s of the keys give nodes more than %u values in all "
				"(fallout's limit)", FO_GRAPHML_MAX_APPLIED);
			r->limit = 1;
			r->x.stopped = 1;
			break;
		}
		if (ns_add(&seen, pk) < 0)
			nomem(r);
		else if (!strcmp(k->name, "container"))
			container = k->def;
		else if (fo_model_add_prop(r->m, idx, pk, k->def) < 0)
			nomem(r);
	}
	ns_free(&seen);
	if (r->x.nomem)
		return;
	err = FO_OK;
	if (f->parent != FO_NONE)
		err = fo_model_set_parent(r->m, idx, f->parent);
	else if (container && *container)
		err = fo_model_set_container_local(r->m, idx, container, cpos);
	if (err == FO_ENOMEM)
		nomem(r);
}

/* The model index of the innermost open node, FO_NONE if none. */
static uint32_t enclosing_node(reader *r)
{
	for (size_t i = r->depth; i-- > 0;)
		if (r->st[i].type == E_NODE) {
			add_node(r, &r->st[i]);
			return r->st[i].index;
		}
	return FO_NONE;
}

/* ------------------------------------------------------------ edges */

static int keep_dep(reader *r, const char *owner, const char *member, fo_group_type type, int rel,
		    const char *slot, size_t slot_len, unsigned long k, fo_pos pos)
{
	if (fo_imp__grow((void **)&r->deps, &r->adeps, r->ndeps + 1, sizeof *r->deps) < 0)
		return FO_ENOMEM;
	dep *d = &r->deps[r->ndeps];
	memset(d, 0, sizeof *d);
	d->owner = strdup(owner);
	d->member = strdup(member);
	if (slot && (d->slot = malloc(slot_len + 1))) {
		memcpy(d->slot, slot, slot_len);
		d->slot[slot_len] = '\0';
	}
	d->slot_len = slot_len;
	d->type = type;
	d->rel = rel;
	d->k = k;
	d->pos = pos;
	r->ndeps++;
	if (!d->owner || !d->member || (slot && !d->slot))
		return FO_ENOMEM;
	return FO_OK;
}

/* A key string of parts separated by NUL bytes, into *buf (grown). */
static int join(char **buf, size_t *alloc, size_t *len, const char *const *parts, size_t n)
{
	size_t need = 0;
	for (size_t i = 0; i < n; i++)
		need += strlen(parts[i]) + 1;
	if (fo_imp__grow((void **)buf, alloc, need, 1) < 0)
		return FO_ENOMEM;
	char *p = *buf;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(parts[i]);
		memcpy(p, parts[i], l);
		p[l] = '\0';
		p += l + 1;
	}
	*len = need;
	return FO_OK;
}

static void end_edge(reader *r, frame *f)
{
	char sb[FO_READER_SHOW_BUF], tb[FO_READER_SHOW_BUF], vb[64], gb[256], kb[32];
	char whatbuf[2 * FO_READER_SHOW_BUF + 8];
	const char *what = NULL;
	char *keybuf = NULL;
	size_t keyalloc = 0, keylen;
	uint32_t dummy;

	if (fo_model_count_read(r->m, "edge", 1) < 0) {
		nomem(r);
		return;
	}
	if (!f->source || !f->target) {
		diag_at(r, FO_SEV_ERROR, f->pos, "<edge> without a %s",
			!f->source && !f->target ? "source and a target"
			: !f->source ? "source" : "target");
		return;
	}
	int directed = f->edge_directed >= 0 ? f->edge_directed : 1;
	for (size_t i = r->depth; i-- > 0;)
		if (r->st[i].type == E_GRAPH) {
			if (f->edge_directed < 0)
				directed = r->st[i].directed;
			break;
		}
	if (f->id) {
		what = f->id;
	} else {
		/* No id: "source -> target" (or "--" when undirected) */
		snprintf(whatbuf, sizeof whatbuf, "%s %s %s", fo_reader__show(f->source, sb),
			 directed ? "->" : "--", fo_reader__show(f->target, tb));
		what = whatbuf;
	}
	if (!strcmp(f->source, f->target)) {
		if (fo_model_skip(r->m, "edge", what, "self-loop: a node cannot need itself") < 0)
			nomem(r);
		return;
	}
	/* The edge's type: requires, degrades, or the writer's located and
	 * copies. */
	fo_group_type type = FO_GROUP_REQUIRES;
	int rel = R_DEP;
	fo_pos tp = f->pos;
	const char *tv = value_of(r, f->first, D_EDGE, r->type_key, &tp);
	const char *t = tv ? trimmed(tv, vb, sizeof vb) : NULL;
	if (t) {
		for (char *p = vb; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!strcmp(t, "degrades") || !strcmp(t, "soft"))
			type = FO_GROUP_DEGRADES;
		else if (!strcmp(t, "located"))
			rel = R_LOCATED;
		else if (!strcmp(t, "copies") || !strcmp(t, "copy"))
			rel = R_COPY;
	}
	/* fallout's own groups: edges with the same owner and "group" value
	 * are one group needing "k" of them. */
	const char *gv = directed && rel == R_DEP ? value_of(r, f->first, D_EDGE, "group", NULL) : NULL;
	const char *group = gv ? trimmed(gv, gb, sizeof gb) : NULL;
	unsigned long k = 1;
	if (group) {
		fo_pos kp = f->pos;
		const char *kv = value_of(r, f->first, D_EDGE, "k", &kp);
		const char *ks = kv ? trimmed(kv, kb, sizeof kb) : NULL;
		char *end = NULL;
		k = 0;
		if (ks && *ks >= '0' && *ks <= '9')
			k = strtoul(ks, &end, 10);
		if (kv && (!ks || !end || *end || k > 1000000000ul)) {
			diag_at(r, FO_SEV_ERROR, kp, "edge '%s': k '%s' is not a whole number",
				fo_reader__show(what, sb), fo_reader__show(kv, tb));
			return;
		}
	}
	const char *a = f->source, *b = f->target;
	if (directed && r->reverse)
		a = f->target, b = f->source;
	/* Parallel edges: the same ends (either way round when undirected),
	 * the same type and group. */
	const char *lo = a, *hi = b;
	if (!directed && strcmp(a, b) > 0)
		lo = b, hi = a;
	char typebuf[8];
	snprintf(typebuf, sizeof typebuf, "%d%d%d", directed, (int)type, rel);
	const char *parts[] = { typebuf, group ? group : "", lo, hi };
	if (join(&keybuf, &keyalloc, &keylen, parts, 4) < 0) {
		nomem(r);
		goto done;
	}
	if (fo_imp__strtab_find(&r->seen, keybuf, keylen, &dummy)) {
		if (fo_model_count_folded(r->m, "edge", "a parallel edge, kept once") < 0)
			nomem(r);
		goto done;
	}
	if (fo_imp__strtab_put(&r->seen, keybuf, keylen, 0) < 0) {
		nomem(r);
		goto done;
	}
	if (!directed && r->undirected == U_SKIP) {
		if (fo_model_skip(r->m, "edge", what, "undirected link (option undirected=skip)") < 0)
			nomem(r);
		goto done;
	}
	int err = FO_OK;
	if (directed) {
		if (group) {
			const char *sp[] = { "g", a, typebuf, group };
			if (join(&keybuf, &keyalloc, &keylen, sp, 4) < 0)
				err = FO_ENOMEM;
			else
				err = keep_dep(r, a, b, type, rel, keybuf, keylen, k, f->pos);
		} else {
			err = keep_dep(r, a, b, type, rel, NULL, 0, 1, f->pos);
		}
	} else if (r->undirected == U_ONE_OF && rel == R_DEP) {
		const char *s1[] = { "u", a, typebuf }, *s2[] = { "u", b, typebuf };
		if (join(&keybuf, &keyalloc, &keylen, s1, 3) < 0 ||
		    keep_dep(r, a, b, type, rel, keybuf, keylen, 1, f->pos) < 0 ||
		    join(&keybuf, &keyalloc, &keylen, s2, 3) < 0 ||
		    keep_dep(r, b, a, type, rel, keybuf, keylen, 1, f->pos) < 0)
			err = FO_ENOMEM;
	} else if (rel != R_DEP) {
		diag_at(r, FO_SEV_WARNING, tp, "edge '%s': a '%s' edge must be directed: skipped",
			fo_reader__show(what, sb), t);
		if (fo_model_skip(r->m, "edge", what, "undirected located or copies edge") < 0)
			err = FO_ENOMEM;
	} else {
		if (keep_dep(r, a, b, type, rel, NULL, 0, 1, f->pos) < 0 ||
		    keep_dep(r, b, a, type, rel, NULL, 0, 1, f->pos) < 0)
			err = FO_ENOMEM;
	}
	if (err == FO_OK && (directed || r->undirected != U_SKIP) && !(!directed && rel != R_DEP))
		err = fo_model_count_folded(r->m, "edge",
					    rel == R_LOCATED ? "the container of its source"
					    : rel == R_COPY ? "a copy of its source's data"
					    : directed ? "a dependency of its source"
					    : r->undirected == U_ONE_OF ? "one-of groups of its ends"
					    : "a dependency of each end on the other");
	if (err < 0)
		nomem(r);
done:
	free(keybuf);
}

/* Writes the kept dependencies into the model, in document order; the
 * members of one slot go in together when its first dependency comes. */
static int emit(reader *r)
{
	int err = FO_OK;
	uint32_t *next = NULL, *last = NULL;
	unsigned char *done = NULL;
	size_t nslots = 0;
	char sb[FO_READER_SHOW_BUF];

	if (!r->ndeps)
		return FO_OK;
	if (!(next = malloc(r->ndeps * sizeof *next)) || !(last = malloc(r->ndeps * sizeof *last)) ||
	    !(done = calloc(r->ndeps, 1))) {
		err = FO_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < r->ndeps; i++) {
		dep *d = &r->deps[i];
		uint32_t s;
		next[i] = UINT32_MAX;
		if (!d->slot)
			continue;
		if (fo_imp__strtab_find(&r->slots, d->slot, d->slot_len, &s)) {
			next[last[s]] = (uint32_t)i;
			last[s] = (uint32_t)i;
		} else {
			if ((err = fo_imp__strtab_put(&r->slots, d->slot, d->slot_len, (uint32_t)nslots)) < 0)
				goto out;
			last[nslots] = (uint32_t)i;
			nslots++;
		}
	}
	if (r->own)
		for (size_t i = 0; i < r->ndeps; i++) {
			dep *d = &r->deps[i];
			uint32_t ix;
			char **ends[2] = { &d->owner, &d->member };
			for (int e = 0; e < 2; e++)
				if (fo_imp__strtab_find(&r->idmap, *ends[e], strlen(*ends[e]), &ix)) {
					char *c = strdup(r->ids[ix]);
					if (!c) {
						err = FO_ENOMEM;
						goto out;
					}
					free(*ends[e]);
					*ends[e] = c;
				}
		}
	for (size_t i = 0; i < r->ndeps; i++) {
		dep *d = &r->deps[i];
		uint32_t owner;
		if (done[i])
			continue;
		if (fo_model_lookup_local(r->m, d->owner, &owner) != FO_OK) {
			/* Its member may be dangling too: the model says so for
			 * members; an owner that is no node is said here. */
			for (uint32_t j = (uint32_t)i; j != UINT32_MAX; j = d->slot ? next[j] : UINT32_MAX)
				done[j] = 1;
			if (fo_diag_add_code(fo_model_diag(r->m), FO_SEV_WARNING, "dangling-reference",
					     r->file, d->pos.line, d->pos.col, NULL,
					     "edge from '%s', which is no node of the document: no "
					     "dependency", fo_reader__show(d->owner, sb)) == FO_ENOMEM) {
				err = FO_ENOMEM;
				goto out;
			}
			fo_model_count_dangling(r->m, 1);
			continue;
		}
		if (d->rel == R_LOCATED) {
			done[i] = 1;
			if ((err = fo_model_set_container_local(r->m, owner, d->member, d->pos)) < 0)
				goto out;
			continue;
		}
		if (d->rel == R_COPY) {
			done[i] = 1;
			if ((err = fo_model_add_copy_local(r->m, owner, d->member, d->pos)) < 0)
				goto out;
			continue;
		}
		if ((err = fo_model_group_begin(r->m, owner, d->type, d->k, d->pos)) < 0)
			goto out;
		for (uint32_t j = (uint32_t)i; j != UINT32_MAX; j = d->slot ? next[j] : UINT32_MAX) {
			done[j] = 1;
			if ((err = fo_model_group_add_local(r->m, r->deps[j].member, r->deps[j].pos)) < 0)
				goto out;
		}
		if ((err = fo_model_group_end(r->m)) < 0)
			goto out;
	}
out:
	free(next);
	free(last);
	free(done);
	return err;
}

/* ------------------------------------------------------------ elements */

static int is_graphml_ns(const xmlChar *ns)
{
	return !ns || !strcmp((const char *)ns, GRAPHML_NS);
}

static frame *push(reader *r, elem type)
{
	if (fo_imp__grow((void **)&r->st, &r->ast, r->depth + 1, sizeof *r->st) < 0) {
		nomem(r);
		return NULL;
	}
	frame *f = &r->st[r->depth++];
	memset(f, 0, sizeof *f);
	f->type = type;
	f->first = r->ndata;
	f->parent = FO_NONE;
	f->index = FO_NONE;
	f->edge_directed = -1;
	f->data_key = UINT32_MAX;
	return f;
}

static void drop_data(reader *r, size_t first)
{
	while (r->ndata > first)
		free(r->data[--r->ndata].value);
}

static void pop(reader *r)
{
	frame *f = &r->st[r->depth - 1];
	switch (f->type) {
	case E_NODE:
		add_node(r, f);
		break;
	case E_EDGE:
		end_edge(r, f);
		break;
	case E_GRAPH:
		/* The top graph's name is the inventory's. */
		if (r->depth == 2) {
			const char *n = value_of(r, f->first, D_GRAPH, "name", NULL);
			if (!n)
				n = value_of(r, f->first, D_GRAPH, "label", NULL);
			if (n && *n && fo_model_set_name(r->m, n) < 0)
				nomem(r);
		}
		break;
	case E_DATA:
		if (f->data_key != UINT32_MAX && !f->complex && !r->keys[f->data_key].graphics) {
			char *v = malloc(r->ntext + 1);
			if (!v || fo_imp__grow((void **)&r->data, &r->adata, r->ndata + 1, sizeof *r->data) < 0) {
				free(v);
				nomem(r);
				break;
			}
			memcpy(v, r->text ? r->text : "", r->ntext);
			v[r->ntext] = '\0';
			r->data[r->ndata++] = (datum){ f->data_key, v, f->pos };
		}
		break;
	case E_YLABEL: {
		frame *n = NULL;
		for (size_t i = r->depth - 1; i-- > 0;)
			if (r->st[i].type == E_NODE) {
				n = &r->st[i];
				break;
			}
		const char *t = r->ltext ? r->ltext : "";
		size_t len = r->nltext, lead = 0;
		while (lead < len && (t[lead] == ' ' || t[lead] == '\n' || t[lead] == '\t' || t[lead] == '\r'))
			lead++;
		while (len > lead && (t[len - 1] == ' ' || t[len - 1] == '\n' || t[len - 1] == '\t' ||
				      t[len - 1] == '\r'))
			len--;
		if (n && !n->ylabel && len > lead) {
			if (!(n->ylabel = malloc(len - lead + 1))) {
				nomem(r);
				break;
			}
			memcpy(n->ylabel, t + lead, len - lead);
			n->ylabel[len - lead] = '\0';
		}
		break;
	}
	case E_DEFAULT:
		if (r->depth >= 2 && r->st[r->depth - 2].key_index != UINT32_MAX) {
			key *k = &r->keys[r->st[r->depth - 2].key_index];
			free(k->def);
			if (!(k->def = malloc(r->ntext + 1))) {
				nomem(r);
				break;
			}
			memcpy(k->def, r->text ? r->text : "", r->ntext);
			k->def[r->ntext] = '\0';
			r->defmap_ok = 0;
			if (!k->graphics && !k->in_defs) { /* a second <default> replaces the first */
				if (r->ndefs >= FO_GRAPHML_MAX_DEFAULTS) {
					diag_at(r, FO_SEV_ERROR, r->st[r->depth - 1].pos,
						"more than %u keys with a <default> (fallout's limit)",
						FO_GRAPHML_MAX_DEFAULTS);
					r->limit = 1;
					r->x.stopped = 1;
					break;
				}
				if (fo_imp__grow((void **)&r->defs, &r->adefs, r->ndefs + 1, sizeof *r->defs) < 0) {
					nomem(r);
					break;
				}
				k->in_defs = 1;
				r->defs[r->ndefs++] = r->st[r->depth - 2].key_index;
			}
		}
		break;
	default:
		break;
	}
	if (f->type != E_DATA && f->type != E_DEFAULT && f->type != E_KEY)
		drop_data(r, f->first);
	free(f->id);
	free(f->ylabel);
	free(f->source);
	free(f->target);
	r->depth--;
}

/* Skips the subtree of the element just opened, counting it when `type`
 * is given (an object fallout does not model) with `reason`. */
static void skip_here(reader *r, int empty, const char *type, const char *what, const char *reason)
{
	if (type && (fo_model_count_read(r->m, type, 1) < 0 ||
		     fo_model_skip(r->m, type, what, reason) < 0))
		nomem(r);
	if (!empty)
		r->skip = r->depth + 1;
	if (push(r, E_SKIP) && empty)
		r->depth--;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "false") || !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

static void on_start(reader *r, xmlTextReaderPtr x, int empty)
{
	const char *qname = (const char *)xmlTextReaderConstName(x);
	const char *local = (const char *)xmlTextReaderConstLocalName(x);
	const xmlChar *ns = xmlTextReaderConstNamespaceUri(x);
	char sb[FO_READER_SHOW_BUF];

	if (!qname || !local) {
		nomem(r);
		return;
	}
	r->have_tag = fo_reader__start_tag(&r->x, x, qname, &r->tag);
	r->elements++;
	r->ntext = 0;
	if (r->skip) {
		if (!empty)
			push(r, E_SKIP);
		return;
	}
	frame *parent = r->depth ? &r->st[r->depth - 1] : NULL;
	elem pt = parent ? parent->type : E_SKIP;
	int gml = is_graphml_ns(ns);
	frame *f;

	if (!parent) {
		if (!gml || strcmp(local, "graphml")) {
			diag_at(r, FO_SEV_ERROR, tag_pos(r),
				"the root element is <%s>%s%s%s: a GraphML document starts with "
				"<graphml xmlns=\"" GRAPHML_NS "\">", fo_reader__show(qname, sb),
				ns ? " in the namespace '" : "", ns ? (const char *)ns : "", ns ? "'" : "");
			r->x.stopped = 1;
			return;
		}
		r->root_seen = 1;
		if (push(r, E_ROOT) && empty)
			pop(r);
		return;
	}
	if (pt == E_DATA || pt == E_DEFAULT || pt == E_GFX || pt == E_YLABEL) {
		/* yEd's graphics (y:ShapeNode…) inside <data>: not a value,
		 * but a node's are looked through for its <y:NodeLabel>. */
		int gfx = pt == E_GFX ||
			  (pt == E_DATA && parent->data_key != UINT32_MAX &&
			   r->keys[parent->data_key].graphics && r->depth >= 2 &&
			   r->st[r->depth - 2].type == E_NODE);
		if (pt != E_GFX)
			parent->complex = 1;
		if (!gfx) {
			skip_here(r, empty, NULL, NULL, NULL);
			return;
		}
		int label = ns && !strcmp((const char *)ns, YWORKS_NS) && !strcmp(local, "NodeLabel");
		if (label)
			r->nltext = 0;
		if (push(r, label ? E_YLABEL : E_GFX) && empty)
			pop(r);
		return;
	}
	if (!gml) {
		skip_here(r, empty, NULL, NULL, NULL); /* other vocabularies: ignored */
		return;
	}
	if (!strcmp(local, "desc")) {
		skip_here(r, empty, NULL, NULL, NULL);
		return;
	}
	if (pt == E_ROOT && !strcmp(local, "key")) {
		if (!(f = push(r, E_KEY)))
			return;
		start_key(r, x, f);
	} else if (pt == E_KEY && !strcmp(local, "default")) {
		if (!(f = push(r, E_DEFAULT)))
			return;
		f->pos = tag_pos(r);
	} else if ((pt == E_ROOT || pt == E_NODE) && !strcmp(local, "graph")) {
		uint32_t encl = pt == E_NODE ? enclosing_node(r) : FO_NONE;
		if (pt == E_NODE)
			parent->nested = 1;
		char *ed = attr(r, x, "edgedefault");
		if (!(f = push(r, E_GRAPH))) {
			free(ed);
			return;
		}
		f->index = encl;
		f->directed = 1;
		if (!ed) {
			/* Required by the schema; networkx and igraph always
			 * write it. Directed, as the schema's default would be. */
			diag_at(r, FO_SEV_WARNING, tag_pos(r),
				"<graph> without edgedefault: its edges are directed");
		} else if (!strcmp(ed, "undirected")) {
			f->directed = 0;
		} else if (strcmp(ed, "directed")) {
			diag_at(r, FO_SEV_ERROR, attr_pos(r, "edgedefault"),
				"edgedefault='%s': directed or undirected", fo_reader__show(ed, sb));
		}
		free(ed);
	} else if (pt == E_EDGE && !strcmp(local, "graph")) {
		skip_here(r, empty, "graph", parent->id,
			  "a graph nested in an edge has no meaning for dependencies");
		return;
	} else if (pt == E_GRAPH && !strcmp(local, "node")) {
		char *id = attr(r, x, "id");
		if (!(f = push(r, E_NODE))) {
			free(id);
			return;
		}
		parent = &r->st[r->depth - 2]; /* push may have moved the stack */
		f->id = id;
		f->pos = tag_pos(r);
		f->parent = parent->index;
		if (!id) {
			diag_at(r, FO_SEV_ERROR, f->pos, "<node> without an id");
			f->added = 1;
			if (fo_model_count_read(r->m, "node", 1) < 0)
				nomem(r);
		}
	} else if (pt == E_GRAPH && !strcmp(local, "edge")) {
		char *dv = attr(r, x, "directed");
		if (!(f = push(r, E_EDGE))) {
			free(dv);
			return;
		}
		f->id = attr(r, x, "id");
		f->source = attr(r, x, "source");
		f->target = attr(r, x, "target");
		f->pos = tag_pos(r);
		f->spos = attr_pos(r, "source");
		f->tpos = attr_pos(r, "target");
		if (dv && parse_bool(dv, &f->edge_directed) < 0) {
			diag_at(r, FO_SEV_ERROR, attr_pos(r, "directed"),
				"directed='%s': true or false", fo_reader__show(dv, sb));
			f->edge_directed = -1;
		}
		free(dv);
	} else if (pt == E_GRAPH && !strcmp(local, "hyperedge")) {
		char *id = attr(r, x, "id");
		skip_here(r, empty, "hyperedge", id,
			  "a hyperedge joins several nodes with no direction: no dependency");
		free(id);
		return;
	} else if (pt == E_NODE && !strcmp(local, "port")) {
		char *pn = attr(r, x, "name");
		skip_here(r, empty, "port", pn,
			  "ports are not modelled: an edge to a port is an edge to its node");
		free(pn);
		return;
	} else if ((pt == E_NODE || pt == E_GRAPH) && !strcmp(local, "locator")) {
		skip_here(r, empty, "locator", NULL,
			  "a graph in another document (locator) is not read");
		return;
	} else if ((pt == E_ROOT || pt == E_GRAPH || pt == E_NODE || pt == E_EDGE) &&
		   !strcmp(local, "data")) {
		char *kid = attr(r, x, "key");
		uint32_t ki = UINT32_MAX;
		if (!(f = push(r, E_DATA))) {
			free(kid);
			return;
		}
		parent = &r->st[r->depth - 2]; /* push may have moved the stack */
		f->pos = tag_pos(r);
		if (!kid)
			diag_at(r, FO_SEV_ERROR, f->pos, "<data> without a key");
		else if (!key_lookup(r, kid, &ki))
			diag_at(r, FO_SEV_ERROR, attr_pos(r, "key"),
				"<data key='%s'>: no <key> has this id", fo_reader__show(kid, sb));
		else {
			unsigned want = pt == E_NODE ? D_NODE : pt == E_EDGE ? D_EDGE
				      : pt == E_GRAPH ? D_GRAPH : D_OTHER;
			if (!(r->keys[ki].dom & want)) {
				/* Schema-invalid but harmless: said, and the value
				 * not used where it does not belong. */
				diag_at(r, FO_SEV_WARNING, attr_pos(r, "key"),
					"<data key='%s'> in a <%s>, but the key is not for %ss: ignored",
					fo_reader__show(kid, sb), pt == E_NODE ? "node" : pt == E_EDGE ? "edge"
					: pt == E_GRAPH ? "graph" : "graphml",
					pt == E_NODE ? "node" : pt == E_EDGE ? "edge"
					: pt == E_GRAPH ? "graph" : "graphml");
				ki = UINT32_MAX;
			}
		}
		if (pt == E_NODE && parent->nested) {
			diag_at(r, FO_SEV_WARNING, f->pos,
				"<data> after the nested <graph> of node '%s': ignored",
				fo_reader__show(parent->id ? parent->id : "", sb));
			ki = UINT32_MAX;
		}
		f->data_key = ki;
		free(kid);
	} else {
		diag_at(r, FO_SEV_WARNING, tag_pos(r), "unexpected element <%s> in <%s>: ignored",
			fo_reader__show(qname, sb),
			pt == E_ROOT ? "graphml" : pt == E_KEY ? "key" : pt == E_GRAPH ? "graph"
			: pt == E_NODE ? "node" : pt == E_EDGE ? "edge" : "default");
		skip_here(r, empty, NULL, NULL, NULL);
		return;
	}
	if (empty)
		pop(r);
}

static void on_end(reader *r)
{
	if (!r->depth)
		return;
	if (r->skip && r->depth >= r->skip) {
		if (r->depth == r->skip)
			r->skip = 0;
		r->depth--;
		return;
	}
	pop(r);
}

static void on_text(reader *r, xmlTextReaderPtr x)
{
	if (!r->depth || r->skip)
		return;
	frame *f = &r->st[r->depth - 1];
	if (f->type != E_DATA && f->type != E_DEFAULT && f->type != E_YLABEL)
		return; /* text elsewhere: blanks, or nothing GraphML defines */
	const char *v = (const char *)xmlTextReaderConstValue(x);
	size_t n = v ? strlen(v) : 0;
	char **buf = f->type == E_YLABEL ? &r->ltext : &r->text;
	size_t *len = f->type == E_YLABEL ? &r->nltext : &r->ntext;
	size_t *alloc = f->type == E_YLABEL ? &r->altext : &r->atext;
	if (fo_imp__grow((void **)buf, alloc, *len + n + 1, 1) < 0) {
		nomem(r);
		return;
	}
	memcpy(*buf + *len, v ? v : "", n);
	*len += n;
}

static int read_document(reader *r)
{
	int ret = 0;
	xmlTextReaderPtr x = fo_reader__xml(&r->x);
	while (x && !r->x.nomem && (ret = xmlTextReaderRead(x)) == 1) {
		switch (xmlTextReaderNodeType(x)) {
		case XML_READER_TYPE_ELEMENT:
			on_start(r, x, xmlTextReaderIsEmptyElement(x) == 1);
			break;
		case XML_READER_TYPE_END_ELEMENT:
			on_end(r);
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_WHITESPACE:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
			on_text(r, x);
			break;
		case XML_READER_TYPE_DOCUMENT_TYPE:
		case XML_READER_TYPE_ENTITY_REFERENCE:
			/* Unreachable while the scanner refuses DOCTYPEs. */
			diag_at(r, FO_SEV_ERROR,
				(fo_pos){ (unsigned long)xmlTextReaderGetParserLineNumber(x), 0 },
				"DOCTYPE and entity references are not allowed");
			r->x.stopped = 1;
			break;
		default:
			break;
		}
		if (r->x.stopped)
			break;
	}
	if (x)
		xmlFreeTextReader(x);
	return fo_reader__verdict(&r->x, x != NULL, ret);
}

/* ------------------------------------------------------------ options */

/* A copy of option k, else of def (NULL: NULL); *bad set when out of
 * memory. */
static char *opt(const fo_model *m, const char *k, const char *def, int *bad)
{
	const char *v = fo_model_option(m, k);
	if (!(v && *v) && !def)
		return NULL;
	char *c = strdup(v && *v ? v : def);
	if (!c)
		*bad = 1;
	return c;
}

static int read_options(reader *r)
{
	fo_model *m = r->m;
	int bad = 0;
	r->kind_key = opt(m, "kind-key", "kind", &bad);
	r->name_key = opt(m, "name-key", NULL, &bad); /* NULL: label, or name in fallout's own files */
	r->tenant_key = opt(m, "tenant-key", "tenant", &bad);
	r->tier_key = opt(m, "tier-key", "tier", &bad);
	r->type_key = opt(m, "edge-type-key", "type", &bad);
	r->default_kind = opt(m, "kind", "node", &bad);
	if (bad)
		return FO_ENOMEM;
	/* Only read here: borrowed is fine. */
	const char *d = fo_model_option(m, "direction"), *u = fo_model_option(m, "undirected");
	d = d && *d ? d : "as-declared";
	u = u && *u ? u : "both";
	int ok = 1;
	if (!strcmp(d, "reverse"))
		r->reverse = 1;
	else if (strcmp(d, "as-declared")) {
		fo_diag_add_code(fo_model_diag(m), FO_SEV_ERROR, "option", r->file, 0, 0, NULL,
				 "option direction='%s': as-declared or reverse", d);
		ok = 0;
	}
	if (!strcmp(u, "one-of"))
		r->undirected = U_ONE_OF;
	else if (!strcmp(u, "skip"))
		r->undirected = U_SKIP;
	else if (strcmp(u, "both")) {
		fo_diag_add_code(fo_model_diag(m), FO_SEV_ERROR, "option", r->file, 0, 0, NULL,
				 "option undirected='%s': both, one-of or skip", u);
		ok = 0;
	}
	const char *k = r->default_kind;
	int kw = *k >= 'a' && *k <= 'z';
	for (const char *p = k; kw && *p; p++)
		kw = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-';
	if (!kw) {
		fo_diag_add_code(fo_model_diag(m), FO_SEV_ERROR, "option", r->file, 0, 0, NULL,
				 "option kind='%s': a kind word ([a-z][a-z0-9_-]*)", k);
		ok = 0;
	}
	return ok ? FO_OK : FO_EINPUT;
}

/* ------------------------------------------------------------ entry */

int fo_graphml_read(fo_model *m, const char *path)
{
	int err = FO_OK;
	reader r;

	if (!m || !path || fo_model_source_current(m) == FO_NONE)
		return FO_EINVAL;
	memset(&r, 0, sizeof r);
	r.m = m;
	fo_diag *diag = fo_model_diag(m);
	if (!(r.file = strdup(fo_model_source_file(m, fo_model_source_current(m)))))
		return FO_ENOMEM;
	size_t errors_before = fo_diag_errors(diag);
	if ((err = fo_reader__init(&r.x, r.file, diag, &graphml_format, &r)) < 0)
		goto done;
	if ((err = read_options(&r)) < 0)
		goto done;
	if ((err = fo_reader__open(&r.x, path, 0)) < 0)
		goto done;
	fo_reader__begin(&r.x);
	err = read_document(&r);
	if (err == FO_OK)
		err = fo_reader__drain(&r.x);
	fo_reader__end(&r.x);
	if (err < 0)
		goto done;
	if (r.x.nomem) {
		err = FO_ENOMEM;
		goto done;
	}
	if (fo_diag_errors(diag) != errors_before) {
		err = FO_EINPUT;
		goto done;
	}
	err = emit(&r);
	if (err == FO_OK && fo_diag_errors(diag) != errors_before)
		err = FO_EINPUT;
done:
	if (err == FO_EINPUT && r.limit)
		err = FO_ELIMIT;
	fo_reader__end(&r.x);
	fo_reader__dispose(&r.x);
	while (r.depth)
		r.depth--, free(r.st[r.depth].id), free(r.st[r.depth].source),
			free(r.st[r.depth].target), free(r.st[r.depth].ylabel);
	free(r.st);
	drop_data(&r, 0);
	free(r.data);
	for (size_t i = 0; i < r.nkeys; i++) {
		free(r.keys[i].id);
		free(r.keys[i].name);
		free(r.keys[i].def);
	}
	free(r.keys);
	free(r.defs);
	for (int d = 0; d < 3; d++)
		fo_imp__strtab_free(&r.defmap[d]);
	fo_imp__strtab_free(&r.keytab);
	fo_imp__strtab_free(&r.seen);
	fo_imp__strtab_free(&r.slots);
	fo_imp__strtab_free(&r.idmap);
	for (size_t i = 0; i < r.nids; i++)
		free(r.ids[i]);
	free(r.ids);
	for (size_t i = 0; i < r.ndeps; i++) {
		free(r.deps[i].owner);
		free(r.deps[i].member);
		free(r.deps[i].slot);
	}
	free(r.deps);
	free(r.text);
	free(r.ltext);
	free(r.file);
	free(r.kind_key);
	free(r.name_key);
	free(r.tenant_key);
	free(r.tier_key);
	free(r.type_key);
	free(r.default_kind);
	return err;
}

/* ------------------------------------------------------------ sniff */

int fo_graphml_sniff(const char *head, size_t n)
{
	size_t len;
	const char *name = fo_reader__sniff_root(head, n, &len);
	if (!name)
		return 0;
	const char *colon = memchr(name, ':', len);
	const char *local = colon ? colon + 1 : name, *p = name + len;
	if ((size_t)(p - local) != 7 || memcmp(local, "graphml", 7))
		return 0;
	return *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '>' || *p == '/';
}
