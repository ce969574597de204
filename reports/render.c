/*
 * render.c — diagrams with Graphviz (fo_render.h; the drawing conventions are
 * documented in docs/output-formats.md).
 *
 * The diagram is built as a cgraph graph — never as DOT text — then written
 * with agwrite (dot) or laid out with dot and rendered by gvc. Five things
 * need care:
 *
 * Escaping. Labels are plain (never HTML-like) strings, so '<' cannot open
 * markup. cgraph's writer escapes '"' but not '\' (2.42/2.43), and dot reads
 * '\' as the start of an escape (\n, \l, \N, \G…): label_text doubles every
 * backslash. dot also decodes HTML entities in plain labels ("&lt;" shows
 * "<", "&#1;" a control character that makes the SVG ill-formed), so '&' is
 * written "&amp;". Control characters and bytes that are not UTF-8 become
 * visible "\xNN" text: XML 1.0 cannot carry them. gvc's SVG renderer
 * XML-escapes what remains.
 *
 * Determinism. cgraph orders subgraphs by id, and its default id discipline
 * uses the address of the interned name: the order of clusters in the output
 * would depend on malloc. A small id discipline (names_*) numbers names in
 * creation order instead, and nodes are created in node-index order.
 *
 * Errors. Graphviz prints warnings and errors itself; its only hook
 * (agseterrf) takes no context, so the messages of one call are collected in
 * a file-scope buffer and moved to the caller's fo_diag.
 *
 * Size. dot is superlinear; the node count of the scope is checked against
 * max_nodes before anything is built.
 *
 * One gvc context per process. Graphviz 2.43's pango text-layout plugin
 * keeps, in a static variable, a pointer to a font name owned by the context
 * that first used it: after gvFreeContext, the next context's first label
 * reads freed memory. So the context is made on first use and kept (it stays
 * reachable, so leak checkers do not count it), like the dot command does.
 */
#include "fo_render.h"

#include <gvc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../graphs/fo_error.h"
#include "fo_map.h"
#include "report_int.h"

/* ------------------------------------------------------ id discipline */

/* Names interned in creation order. Ids: 2*(index+1) for a name (even, like
 * cgraph's own), odd numbers for anonymous objects. The strings themselves
 * are cgraph reference strings (agstrdup), as with the default discipline:
 * cgraph's writer looks at the header of a reference string to tell HTML-like
 * names from plain ones, and they are freed with the graph. */
typedef struct names {
	Agraph_t *g;
	char **name;
	size_t n, cap;
	uint32_t *slot; /* open addressing: index+1, 0 = empty */
	size_t nslot;   /* a power of two, at least 2n */
	IDTYPE anon;
} names;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

static int names_find(const names *nm, const char *s, size_t *out)
{
	if (!nm->nslot)
		return 0;
	for (size_t i = hash_str(s) & (nm->nslot - 1);; i = (i + 1) & (nm->nslot - 1)) {
		uint32_t x = nm->slot[i];
		if (!x)
			return 0;
		if (!strcmp(nm->name[x - 1], s)) {
			*out = x - 1;
			return 1;
		}
	}
}

static void names_place(uint32_t *slot, size_t nslot, const char *s, uint32_t x)
{
	size_t i = hash_str(s) & (nslot - 1);
	while (slot[i])
		i = (i + 1) & (nslot - 1);
	slot[i] = x;
}

static int names_add(names *nm, const char *s, size_t *out)
{
	if (nm->n >= UINT32_MAX - 1)
		return -1;
	if (2 * (nm->n + 1) > nm->nslot) {
		size_t ns = nm->nslot ? nm->nslot * 2 : 256;
		uint32_t *slot = calloc(ns, sizeof *slot);
		if (!slot)
			return -1;
		for (size_t i = 0; i < nm->n; i++)
			names_place(slot, ns, nm->name[i], (uint32_t)i + 1);
		free(nm->slot);
		nm->slot = slot;
		nm->nslot = ns;
	}
	if (nm->n == nm->cap) {
		size_t nc = nm->cap ? nm->cap * 2 : 256;
		char **name = realloc(nm->name, nc * sizeof *name);
		if (!name)
			return -1;
		nm->name = name;
		nm->cap = nc;
	}
	char *copy = agstrdup(nm->g, (char *)s);
	if (!copy)
		return -1;
	nm->name[nm->n] = copy;
	names_place(nm->slot, nm->nslot, copy, (uint32_t)nm->n + 1);
	*out = nm->n++;
	return 0;
}

/* After agclose: the strings went with the graph. */
static void names_dispose(names *nm)
{
	free(nm->name);
	free(nm->slot);
}

/* The Agdisc_t is the first member, so the discipline's open() finds the
 * names table from the pointer agopen passes it. */
typedef struct render_disc {
	Agdisc_t disc;
	names *nm;
} render_disc;

static void *id_open(Agraph_t *g, Agdisc_t *disc)
{
	names *nm = ((render_disc *)disc)->nm;
	nm->g = g;
	return nm;
}

static long id_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
	names *nm = state;
	size_t i;
	(void)objtype;
	if (!str) {
		*id = nm->anon;
		nm->anon += 2;
		return 1;
	}
	if (names_find(nm, str, &i)) {
		*id = 2 * ((IDTYPE)i + 1);
		return 1;
	}
	if (!createflag || names_add(nm, str, &i) < 0)
		return 0; /* cgraph then fails the constructor: agnode() gives NULL */
	*id = 2 * ((IDTYPE)i + 1);
	return 1;
}

static long id_alloc(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id;
	return 0; /* no caller-chosen ids */
}

static void id_free(void *state, int objtype, IDTYPE id)
{
	/* Names are shared by objects of different types (a node and a
	 * subgraph may both be "x"): they live until names_dispose. */
	(void)state;
	(void)objtype;
	(void)id;
}

static char *id_print(void *state, int objtype, IDTYPE id)
{
	const names *nm = state;
	(void)objtype;
	if (id % 2 == 0 && id / 2 >= 1 && id / 2 <= nm->n)
		return nm->name[id / 2 - 1];
	return NULL;
}

static void id_close(void *state)
{
	(void)state;
}

static void id_register(void *state, int objtype, void *obj)
{
	(void)state;
	(void)objtype;
	(void)obj;
}

static Agiddisc_t render_iddisc = { id_open, id_map, id_alloc, id_free,
				    id_print, id_close, id_register };

/* ------------------------------------------------------- Graphviz errors */

/* Graphviz's error hook has no context argument: the messages of the
 * current call land here. Set and cleared by fo_render only. */
static fo_sbuf *gv_messages;

static int gv_hook(char *msg)
{
	if (gv_messages)
		fo_sbuf__puts(gv_messages, msg);
	return 0;
}

/* Moves the collected messages to diag, one entry per line: "Error: …"
 * lines as errors, everything else as warnings. Returns whether any error
 * was seen. */
static int gv_flush(fo_sbuf *msgs, fo_diag *diag)
{
	int errors = 0;
	const char *p = fo_sbuf__str(msgs);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int is_err = len >= 6 && !strncmp(p, "Error:", 6);
		errors |= is_err;
		if (diag && len)
			fo_diag_add(diag, is_err ? FO_SEV_ERROR : FO_SEV_WARNING, NULL, 0, 0, NULL,
				    "graphviz: %.*s", (int)len, p);
		p += len + (nl != NULL);
	}
	fo_sbuf__clear(msgs);
	return errors;
}

/* ------------------------------------------------------------- labels */

/* Characters of one name or id drawn in a label (docs/output-formats.md).
 * Graphviz lays a label out in time and memory that grow with its length (a
 * 9 MB name: 7 s, 700 MB, then "Edge length larger than maximum"); nobody
 * reads 200 characters in a diagram box anyway. */
#define MAX_LABEL_CHARS 200

/* Appends s as the text of a plain Graphviz label (see the top of the file:
 * backslashes doubled, '&' as "&amp;", newlines as dot's "\n", other control
 * bytes and non-UTF-8 bytes as visible \xNN), at most `max` characters of it
 * (a byte that is not UTF-8 counts as one): a longer s is cut on a character
 * boundary and ends with "…". O(min(strlen(s), max)). */
static void label_text_max(fo_sbuf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t chars = 0; *p; chars++) {
		uint32_t c;
		if (chars == max) {
			fo_sbuf__puts(b, "\xe2\x80\xa6");
			return;
		}
		size_t n = fo_report__utf8(p, &c);
		if (n == 0 || c == 0xfffe || c == 0xffff) {
			/* not a character XML may carry: show the bytes */
			for (size_t i = 0; i < (n ? n : 1); i++)
				fo_sbuf__printf(b, "\\\\x%02x", p[i]);
			p += n ? n : 1;
			continue;
		}
		switch (c) {
		case '\\': fo_sbuf__puts(b, "\\\\"); break;
		case '\n': fo_sbuf__puts(b, "\\n"); break;
		case '&': fo_sbuf__puts(b, "&amp;"); break;
		case '\r': fo_sbuf__puts(b, "\\\\r"); break;
		case '\t': fo_sbuf__puts(b, "\\\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fo_sbuf__printf(b, "\\\\x%02x", (unsigned)c);
			else
				fo_sbuf__putn(b, (const char *)p, n);
		}
		p += n;
	}
}

/* A name or id in a label: at most MAX_LABEL_CHARS characters. */
static void label_text(fo_sbuf *b, const char *s)
{
	label_text_max(b, s, MAX_LABEL_CHARS);
}

/* An id in a tooltip: whole (the builder keeps ids to 1024 bytes), so the
 * full id of a node whose label is cut stays one hover away. */
static void tooltip_text(fo_sbuf *b, const char *s)
{
	label_text_max(b, s, SIZE_MAX);
}

/* ------------------------------------------------------------- styling */

enum cat { C_FAILED, C_DOWN, C_LOST, C_DEGRADED, C_AT_RISK, C_UP, C__COUNT };

static const struct palette {
	const char *legend, *fill, *font, *pen, *tint;
} palette[C__COUNT] = {
	[C_FAILED] = { "failed / destroyed", "#b71c1c", "white", "#7f0000", "#ffcdd2" },
	[C_DOWN] = { "down", "#ef9a9a", "black", "#c62828", "#ffebee" },
	[C_LOST] = { "lost (data gone)", "#4a148c", "white", "#12005e", "#e1bee7" },
	[C_DEGRADED] = { "degraded", "#fff59d", "black", "#f9a825", "#fffde7" },
	[C_AT_RISK] = { "at-risk", "#ffcc80", "black", "#ef6c00", "#fff3e0" },
	[C_UP] = { "up", "white", "black", "#78909c", "#f5f5f5" },
};

_Static_assert((int)C_LOST == (int)FO_MAP_LOST && (int)C_UP == (int)FO_MAP_UP &&
		       (int)C__COUNT == (int)FO_MAP_CAT_COUNT,
	       "the map's categories are the palette's, in the same order");

/* The map's categories are the palette's, in the same order. */
static enum cat category(unsigned f)
{
	return (enum cat)fo_map_category(f);
}

static const char *kind_shape(fo_kind k)
{
	switch (k) {
	case FO_KIND_REGION: case FO_KIND_ZONE: case FO_KIND_ROOM: return "tab";
	case FO_KIND_SITE: return "house";
	case FO_KIND_POWER: return "hexagon";
	case FO_KIND_COOLING: return "octagon";
	case FO_KIND_NETWORK: return "parallelogram";
	case FO_KIND_RACK: return "Msquare";
	case FO_KIND_HOST: return "box";
	case FO_KIND_VM: return "box3d";
	case FO_KIND_STORAGE: case FO_KIND_DB: return "cylinder";
	case FO_KIND_CDN: return "cds";
	case FO_KIND_LB: return "trapezium";
	case FO_KIND_DNS: return "invtrapezium";
	case FO_KIND_QUEUE: return "rarrow";
	case FO_KIND_SERVICE: return "component";
	case FO_KIND_APP: return "doubleoctagon";
	case FO_KIND_DATASET: return "note";
	default: return "ellipse";
	}
}

/* Line style of a group's edges: solid (the default, left unset) for hard
 * requirements, dashed for soft ones, dotted for copies. */
static const char *group_style(fo_group_type t)
{
	return t == FO_GROUP_DEGRADES ? "dashed" : t == FO_GROUP_COPIES ? "dotted" : NULL;
}

/* ------------------------------------------------------------- builder */

typedef struct rctx {
	const fo_engine *e;
	const fo_graph *g;
	fo_graph_view v;
	uint32_t nodes;
	uint8_t *mark;     /* M_* bits per node */
	Agraph_t *root;
	Agraph_t **sub;    /* cluster of a container node, or NULL */
	Agnode_t **agn;    /* drawn node, or a cluster's invisible anchor */
	uint32_t *stack;   /* scratch for cluster_of */
	fo_sbuf lab, tmp;  /* a label being built; a short-lived object name */
	int oom;           /* an allocation failed (ours or cgraph's) */
	/* clusters of tenants around their apps (detail nodes) */
	const char **tenant;
	Agraph_t **tenant_g;
	size_t ntenant, cap_tenant;
	unsigned kinds_drawn[FO_KIND__COUNT]; /* for the legend: shapes used */
	int map;           /* drawing a map: boxes, links with counts */
	int map_contains;  /* the map draws a containment line */
	int junctions;     /* a "K of n" junction is drawn */
} rctx;

enum { M_SCOPE = 1, M_CLUSTER = 2, M_HELD = 4, M_KEEP = 8 };

/* Sets an attribute declared in declare_attrs; cgraph copies the value. */
static void set(rctx *c, void *obj, const char *name, const char *value)
{
	if (agset(obj, (char *)name, (char *)value) != 0)
		c->oom = 1;
}

/* Every attribute is declared once, with its default, before any object is
 * made: the DOT output then has one fixed header, and defaults need not be
 * repeated on each node. */
static void declare_attrs(Agraph_t *g)
{
	static const char *const graph_attrs[][2] = {
		{ "label", "" }, { "labelloc", "" }, { "labeljust", "" }, { "fontname", "" },
		{ "fontsize", "" }, { "rankdir", "" }, { "compound", "" }, { "nodesep", "" },
		{ "ranksep", "" }, { "outputorder", "" }, { "style", "" }, { "color", "" },
		{ "fillcolor", "" }, { "fontcolor", "" }, { "penwidth", "" }, { "tooltip", "" },
		{ "rank", "" },
	};
	static const char *const node_attrs[][2] = {
		{ "label", "" }, { "shape", "box" }, { "style", "filled" }, { "fillcolor", "white" },
		{ "color", "#78909c" }, { "fontcolor", "black" }, { "fontname", "Helvetica" },
		{ "fontsize", "11" }, { "penwidth", "" }, { "width", "" }, { "height", "" },
		{ "margin", "" }, { "tooltip", "" }, { "peripheries", "" },
	};
	static const char *const edge_attrs[][2] = {
		{ "style", "" }, { "color", "#78909c" }, { "arrowhead", "" }, { "arrowsize", "0.7" },
		{ "penwidth", "" }, { "lhead", "" }, { "ltail", "" }, { "label", "" },
		{ "fontname", "Helvetica" }, { "fontsize", "9" }, { "tooltip", "" }, { "minlen", "" },
	};
	for (size_t i = 0; i < sizeof graph_attrs / sizeof *graph_attrs; i++)
		agattr(g, AGRAPH, (char *)graph_attrs[i][0], (char *)graph_attrs[i][1]);
	for (size_t i = 0; i < sizeof node_attrs / sizeof *node_attrs; i++)
		agattr(g, AGNODE, (char *)node_attrs[i][0], (char *)node_attrs[i][1]);
	for (size_t i = 0; i < sizeof edge_attrs / sizeof *edge_attrs; i++)
		agattr(g, AGEDGE, (char *)edge_attrs[i][0], (char *)edge_attrs[i][1]);
}

/* Appends "tenant · tier N" (either part may be missing). */
static void put_tenant_tier(fo_sbuf *b, const char *tenant, unsigned tier)
{
	if (tenant)
		label_text(b, tenant);
	if (tenant && tier)
		fo_sbuf__puts(b, " \xc2\xb7 ");
	if (tier)
		fo_sbuf__printf(b, "tier %u", tier);
}

static void put_node_label(rctx *c, fo_sbuf *b, uint32_t v)
{
	const char *id = fo_graph_node_id(c->g, v), *name = fo_graph_node_name(c->g, v);
	if (name && strcmp(name, id)) {
		label_text(b, name);
		fo_sbuf__puts(b, "\\n");
	}
	label_text(b, id);
	if (fo_graph_node_kind(c->g, v) == FO_KIND_APP) {
		const char *tenant = fo_graph_node_tenant(c->g, v);
		unsigned tier = fo_graph_node_tier(c->g, v);
		if (tenant || tier) {
			fo_sbuf__puts(b, "\\n");
			put_tenant_tier(b, tenant, tier);
		}
	}
}

/* "id (kind): state; root R; cause C" — the SVG tooltip of a node. */
static void put_tooltip(rctx *c, fo_sbuf *b, uint32_t v)
{
	uint32_t root = fo_engine_root(c->e, v), cause = fo_engine_cause(c->e, v);

	tooltip_text(b, fo_graph_node_id(c->g, v));
	fo_sbuf__puts(b, " (");
	label_text(b, fo_graph_node_kind_word(c->g, v));
	fo_sbuf__puts(b, "): ");
	fo_report__state(b, fo_engine_flags(c->e, v));
	if (root != FO_NONE && root != v) {
		fo_sbuf__puts(b, "; root ");
		tooltip_text(b, fo_graph_node_id(c->g, root));
	}
	if (cause != FO_NONE) {
		fo_sbuf__puts(b, "; cause ");
		tooltip_text(b, fo_graph_node_id(c->g, cause));
	}
}

static const char *node_name(rctx *c, const char *prefix, uint32_t x)
{
	fo_sbuf__clear(&c->tmp);
	fo_sbuf__printf(&c->tmp, "%s%u", prefix, x);
	return fo_sbuf__str(&c->tmp);
}

/* The cluster of container v, made (with its enclosing clusters, outermost
 * first) on first use. Iterative: containment chains can be deep. */
static Agraph_t *cluster_of(rctx *c, uint32_t v)
{
	size_t top = 0;
	for (uint32_t x = v; x != FO_NONE && !c->sub[x]; x = c->v.container[x])
		c->stack[top++] = x;
	while (top) {
		uint32_t x = c->stack[--top];
		uint32_t up = c->v.container[x];
		Agraph_t *parent = up == FO_NONE ? c->root : c->sub[up];
		Agraph_t *sg = agsubg(parent, (char *)node_name(c, "cluster_n", x), 1);
		if (!sg) {
			c->oom = 1;
			return NULL;
		}
		c->sub[x] = sg;
		unsigned f = fo_engine_flags(c->e, x);
		const struct palette *pal = &palette[category(f)];
		fo_sbuf__clear(&c->lab);
		put_node_label(c, &c->lab, x);
		set(c, sg, "label", fo_sbuf__str(&c->lab));
		fo_sbuf__clear(&c->lab);
		put_tooltip(c, &c->lab, x);
		set(c, sg, "tooltip", fo_sbuf__str(&c->lab));
		set(c, sg, "style", "filled,rounded");
		set(c, sg, "fillcolor", pal->tint);
		set(c, sg, "color", pal->pen);
		set(c, sg, "penwidth", f ? "2" : "1");
		set(c, sg, "fontcolor", "black");
		set(c, sg, "labeljust", "l");
		set(c, sg, "labelloc", "t");
		set(c, sg, "fontname", "Helvetica");
		set(c, sg, "fontsize", "11");
	}
	return c->sub[v];
}

/* Where a node is drawn: its container's cluster, or the root. */
static Agraph_t *home_graph(rctx *c, uint32_t v)
{
	uint32_t up = c->v.container[v];
	return up == FO_NONE ? c->root : c->sub[up];
}

/* The cluster of a tenant's apps (drawn at the top level), made on first
 * use. Linear in the tenants drawn: a drawing of nodes has few. */
static Agraph_t *tenant_cluster(rctx *c, const char *tenant)
{
	for (size_t i = 0; i < c->ntenant; i++)
		if (!strcmp(c->tenant[i], tenant))
			return c->tenant_g[i];
	if (c->ntenant == c->cap_tenant) {
		size_t nc = c->cap_tenant ? 2 * c->cap_tenant : 8;
		const char **t = realloc(c->tenant, nc * sizeof *t);
		if (!t) {
			c->oom = 1;
			return NULL;
		}
		c->tenant = t;
		Agraph_t **tg = realloc(c->tenant_g, nc * sizeof *tg);
		if (!tg) {
			c->oom = 1;
			return NULL;
		}
		c->tenant_g = tg;
		c->cap_tenant = nc;
	}
	Agraph_t *sg = agsubg(c->root, (char *)node_name(c, "cluster_tenant", (uint32_t)c->ntenant), 1);
	if (!sg) {
		c->oom = 1;
		return NULL;
	}
	c->tenant[c->ntenant] = tenant;
	c->tenant_g[c->ntenant++] = sg;
	fo_sbuf__clear(&c->lab);
	fo_sbuf__puts(&c->lab, "tenant ");
	label_text(&c->lab, tenant);
	set(c, sg, "label", fo_sbuf__str(&c->lab));
	set(c, sg, "style", "dashed,rounded");
	set(c, sg, "color", "#5c6bc0");
	set(c, sg, "penwidth", "1");
	set(c, sg, "fontcolor", "#283593");
	set(c, sg, "labeljust", "l");
	set(c, sg, "labelloc", "t");
	set(c, sg, "fontname", "Helvetica");
	set(c, sg, "fontsize", "11");
	return sg;
}

static void make_node_in(rctx *c, uint32_t v, Agraph_t *home);

static void make_node(rctx *c, uint32_t v)
{
	Agraph_t *home = home_graph(c, v);
	/* apps outside any container gather by tenant */
	const char *tenant = fo_graph_node_tenant(c->g, v);
	if (home == c->root && tenant && fo_graph_node_kind(c->g, v) == FO_KIND_APP)
		home = tenant_cluster(c, tenant);
	if (home)
		make_node_in(c, v, home);
}

static void make_node_in(rctx *c, uint32_t v, Agraph_t *home)
{
	Agnode_t *n = agnode(c->root, (char *)node_name(c, "n", v), 1);
	c->kinds_drawn[fo_graph_node_kind(c->g, v)]++;
	if (!n || (home != c->root && !agsubnode(home, n, 1))) {
		c->oom = 1;
		return;
	}
	c->agn[v] = n;
	unsigned f = fo_engine_flags(c->e, v);
	const struct palette *pal = &palette[category(f)];
	fo_sbuf__clear(&c->lab);
	put_node_label(c, &c->lab, v);
	set(c, n, "label", fo_sbuf__str(&c->lab));
	set(c, n, "shape", kind_shape(fo_graph_node_kind(c->g, v)));
	if (strcmp(pal->fill, "white"))
		set(c, n, "fillcolor", pal->fill);
	if (strcmp(pal->font, "black"))
		set(c, n, "fontcolor", pal->font);
	set(c, n, "color", pal->pen);
	/* degraded and at-risk at once: degraded fill, at-risk border */
	if ((f & FO_F_DEGRADED) && (f & FO_F_AT_RISK) && !(f & FO_F_DOWN))
		set(c, n, "color", palette[C_AT_RISK].pen);
	if (f)
		set(c, n, "penwidth", "2");
	fo_sbuf__clear(&c->lab);
	put_tooltip(c, &c->lab, v);
	set(c, n, "tooltip", fo_sbuf__str(&c->lab));
}

/* The node an edge to or from v attaches to: v's own node, or for a
 * container an invisible point inside its cluster (the edge is then clipped
 * at the cluster's border with lhead/ltail). */
static Agnode_t *endpoint(rctx *c, uint32_t v)
{
	if (c->agn[v])
		return c->agn[v];
	Agnode_t *n = agnode(c->root, (char *)node_name(c, "n", v), 1);
	if (!n || !agsubnode(c->sub[v], n, 1)) {
		c->oom = 1;
		return NULL;
	}
	set(c, n, "shape", "point");
	set(c, n, "style", "invis");
	set(c, n, "width", "0.01");
	set(c, n, "height", "0.01");
	set(c, n, "label", "");
	c->agn[v] = n;
	return n;
}

/* Whether something drawn in container `home` (FO_NONE = root) lies inside
 * the cluster of container `k`. */
static int inside(const rctx *c, uint32_t home, uint32_t k)
{
	for (uint32_t x = home, d = 0; x != FO_NONE && d <= c->nodes; x = c->v.container[x], d++)
		if (x == k)
			return 1;
	return 0;
}

/* An edge from `t` (drawn in container t_home, or the cluster of t_clu) to
 * `h` likewise: a dependency to what depends on it. */
static Agedge_t *edge(rctx *c, Agnode_t *t, uint32_t t_home, uint32_t t_clu, Agnode_t *h,
		      uint32_t h_home, uint32_t h_clu)
{
	Agedge_t *ed;
	if (!t || !h)
		return NULL;
	if (!(ed = agedge(c->root, t, h, NULL, 1))) {
		c->oom = 1;
		return NULL;
	}
	if (t_clu != FO_NONE && !inside(c, h_home, t_clu))
		set(c, ed, "ltail", agnameof(c->sub[t_clu]));
	if (h_clu != FO_NONE && !inside(c, t_home, h_clu))
		set(c, ed, "lhead", agnameof(c->sub[h_clu]));
	return ed;
}

/* Draws the groups of owner v: located groups are the nesting itself; a
 * group of one member is one edge; a larger one goes through a "K of n"
 * node, placed where the owner is drawn. */
static void make_groups(rctx *c, uint32_t v)
{
	uint32_t first, count;
	fo_graph_node_groups(c->g, v, &first, &count);
	int v_clu = (c->mark[v] & M_CLUSTER) != 0;
	uint32_t v_home = v_clu ? v : c->v.container[v];

	for (uint32_t gi = first; gi < first + count; gi++) {
		fo_group_info info;
		fo_graph_group(c->g, gi, &info);
		if (info.type == FO_GROUP_LOCATED)
			continue;
		uint32_t shown = 0;
		for (uint32_t i = 0; i < info.n; i++)
			shown += (c->mark[info.members[i]] & M_SCOPE) != 0;
		if (!shown)
			continue;
		const char *style = group_style(info.type);
		Agnode_t *owner = endpoint(c, v);

		if (info.n == 1) {
			uint32_t m = info.members[0];
			int m_clu = (c->mark[m] & M_CLUSTER) != 0;
			Agedge_t *ed = edge(c, endpoint(c, m), m_clu ? m : c->v.container[m],
					    m_clu ? m : FO_NONE, owner, v_home, v_clu ? v : FO_NONE);
			if (!ed)
				continue;
			if (style)
				set(c, ed, "style", style);
			unsigned mf = fo_engine_flags(c->e, m);
			if (mf) {
				set(c, ed, "color", palette[category(mf)].pen);
				set(c, ed, "penwidth", "1.5");
			}
			continue;
		}

		/* the "K of n" junction, coloured by what is left of the group */
		c->junctions = 1;
		uint32_t up = fo_engine_group_up(c->e, gi);
		enum cat gc = up < info.k ? (info.type == FO_GROUP_DEGRADES ? C_DEGRADED : C_DOWN)
			    : up == info.k && up < info.n ? C_AT_RISK : C_UP;
		uint32_t j_home = c->v.container[v];
		Agraph_t *jg = j_home == FO_NONE ? c->root : c->sub[j_home];
		Agnode_t *j = agnode(c->root, (char *)node_name(c, "g", gi), 1);
		if (!j || (jg != c->root && !agsubnode(jg, j, 1))) {
			c->oom = 1;
			return;
		}
		fo_sbuf__clear(&c->lab);
		fo_sbuf__printf(&c->lab, "%u of %u", info.k, info.n);
		set(c, j, "label", fo_sbuf__str(&c->lab));
		set(c, j, "shape", "diamond");
		set(c, j, "fontsize", "9");
		set(c, j, "margin", "0.02,0.02");
		set(c, j, "width", "0.3");
		set(c, j, "height", "0.3");
		if (gc != C_UP)
			set(c, j, "fillcolor", gc == C_DOWN ? palette[C_DOWN].fill : palette[gc].tint);
		set(c, j, "color", palette[gc].pen);
		fo_sbuf__clear(&c->lab);
		tooltip_text(&c->lab, fo_graph_node_id(c->g, v));
		fo_sbuf__printf(&c->lab, " %s %u of %u: %u up",
				info.type == FO_GROUP_DEGRADES ? "wants" :
				info.type == FO_GROUP_COPIES ? "keeps copies on" : "needs",
				info.k, info.n, up);
		set(c, j, "tooltip", fo_sbuf__str(&c->lab));

		Agedge_t *ed = edge(c, j, j_home, FO_NONE, owner, v_home, v_clu ? v : FO_NONE);
		if (ed) {
			if (style)
				set(c, ed, "style", style);
			if (gc != C_UP) {
				set(c, ed, "color", palette[gc].pen);
				set(c, ed, "penwidth", "1.5");
			}
		}
		for (uint32_t i = 0; i < info.n; i++) {
			uint32_t m = info.members[i];
			if (!(c->mark[m] & M_SCOPE))
				continue;
			int m_clu = (c->mark[m] & M_CLUSTER) != 0;
			ed = edge(c, endpoint(c, m), m_clu ? m : c->v.container[m], m_clu ? m : FO_NONE,
				  j, j_home, FO_NONE);
			if (!ed)
				continue;
			if (style)
				set(c, ed, "style", style);
			set(c, ed, "arrowhead", "none");
			unsigned mf = fo_engine_flags(c->e, m);
			if (mf) {
				set(c, ed, "color", palette[category(mf)].pen);
				set(c, ed, "penwidth", "1.5");
			}
		}
	}
}

/* A compact cluster: one box per colour in a column (held by invisible
 * edges), and beside the first three a sample of each line style drawn as
 * a flat edge (its two ends share the box's rank). */
static void make_legend(rctx *c)
{
	static const char *const lines[][2] = {
		{ "requires", "solid" }, { "degrades (soft)", "dashed" }, { "copy of data", "dotted" },
	};
	Agraph_t *lg = agsubg(c->root, "cluster_legend", 1);
	Agnode_t *prev = NULL;
	if (!lg) {
		c->oom = 1;
		return;
	}
	/* the one arrow convention, said where the reader looks */
	set(c, lg, "label", "Legend\\nan arrow runs from a dependency to what\\n"
			   "depends on it: the way a failure spreads\\l");
	set(c, lg, "style", "filled,rounded");
	set(c, lg, "fillcolor", "#fafafa");
	set(c, lg, "color", "#bdbdbd");
	set(c, lg, "penwidth", "1");
	set(c, lg, "fontcolor", "black");
	set(c, lg, "labeljust", "l");
	set(c, lg, "labelloc", "t");
	set(c, lg, "fontname", "Helvetica");
	set(c, lg, "fontsize", "11");
	for (uint32_t i = 0; i < C__COUNT && !c->oom; i++) {
		Agraph_t *row = lg;
		if (i < sizeof lines / sizeof *lines) {
			if (!(row = agsubg(lg, (char *)node_name(c, "legend_row", i), 1))) {
				c->oom = 1;
				return;
			}
			set(c, row, "rank", "same");
		}
		Agnode_t *n = agnode(row, (char *)node_name(c, "legend_s", i), 1);
		if (!n) {
			c->oom = 1;
			return;
		}
		set(c, n, "label", palette[i].legend);
		set(c, n, "fillcolor", palette[i].fill);
		set(c, n, "fontcolor", palette[i].font);
		set(c, n, "color", palette[i].pen);
		set(c, n, "fontsize", "9");
		set(c, n, "width", "1.3");
		if (prev) {
			Agedge_t *ed = agedge(lg, prev, n, NULL, 1);
			if (!ed) {
				c->oom = 1;
				return;
			}
			set(c, ed, "style", "invis");
		}
		prev = n;
		if (row == lg)
			continue;
		Agnode_t *a = agnode(row, (char *)node_name(c, "legend_la", i), 1);
		Agnode_t *b = agnode(row, (char *)node_name(c, "legend_lb", i), 1);
		Agedge_t *ed = a && b ? agedge(row, a, b, NULL, 1) : NULL;
		if (!ed) {
			c->oom = 1;
			return;
		}
		/* two points joined by the sample line, labelled: the label
		 * gives the flat edge its length */
		for (int k = 0; k < 2; k++) {
			Agnode_t *p = k ? b : a;
			set(c, p, "shape", "point");
			set(c, p, "label", "");
			set(c, p, "width", "0.05");
			set(c, p, "height", "0.05");
		}
		set(c, ed, "label", lines[i][0]);
		set(c, ed, "style", lines[i][1]);
	}
	if (c->oom)
		return;
	/* then what else this drawing uses: containment lines, junctions or
	 * boxes, and one sample of each kind's shape */
	Agnode_t *n;
	if (c->map_contains) {
		Agraph_t *row = agsubg(lg, "legend_row_contains", 1);
		Agnode_t *a = row ? agnode(row, "legend_ca", 1) : NULL;
		Agnode_t *b = row ? agnode(row, "legend_cb", 1) : NULL;
		Agedge_t *ed = a && b ? agedge(row, a, b, NULL, 1) : NULL;
		if (!ed) {
			c->oom = 1;
			return;
		}
		set(c, row, "rank", "same");
		for (int k = 0; k < 2; k++) {
			Agnode_t *p = k ? b : a;
			set(c, p, "shape", "point");
			set(c, p, "label", "");
			set(c, p, "width", "0.05");
			set(c, p, "height", "0.05");
		}
		set(c, ed, "label", "contains (not nested)");
		set(c, ed, "style", "bold");
		set(c, ed, "color", "#9e9e9e");
		Agedge_t *iv = agedge(lg, prev, a, NULL, 1);
		if (!iv) {
			c->oom = 1;
			return;
		}
		set(c, iv, "style", "invis");
		prev = a;
	}
	if (c->junctions) {
		if (!(n = agnode(lg, "legend_junction", 1))) {
			c->oom = 1;
			return;
		}
		set(c, n, "label", "K of n: a group\\nneeding K members");
		set(c, n, "shape", "diamond");
		set(c, n, "fontsize", "9");
		set(c, n, "margin", "0.02,0.02");
		Agedge_t *iv = agedge(lg, prev, n, NULL, 1);
		if (!iv) {
			c->oom = 1;
			return;
		}
		set(c, iv, "style", "invis");
		prev = n;
	}
	if (c->map) {
		if (!(n = agnode(lg, "legend_box", 1))) {
			c->oom = 1;
			return;
		}
		set(c, n, "label", "double border: a box of\\nmany nodes of one kind;\\n"
				   "a count on a line: the\\ndependencies it stands for");
		set(c, n, "peripheries", "2");
		set(c, n, "fontsize", "9");
		Agedge_t *iv = agedge(lg, prev, n, NULL, 1);
		if (!iv) {
			c->oom = 1;
			return;
		}
		set(c, iv, "style", "invis");
		prev = n;
	}
	for (int k = 0; k < FO_KIND__COUNT && !c->oom; k++) {
		if (!c->kinds_drawn[k])
			continue;
		if (!(n = agnode(lg, (char *)node_name(c, "legend_k", (uint32_t)k), 1))) {
			c->oom = 1;
			return;
		}
		set(c, n, "label", k == FO_KIND_OTHER ? "other kinds" : fo_kind_name((fo_kind)k));
		set(c, n, "shape", kind_shape((fo_kind)k));
		set(c, n, "fontsize", "9");
		Agedge_t *iv = agedge(lg, prev, n, NULL, 1);
		if (!iv) {
			c->oom = 1;
			return;
		}
		set(c, iv, "style", "invis");
		prev = n;
	}
}

/* ------------------------------------------------------------- scope */

static void mark_ancestors(rctx *c)
{
	/* closing upwards: a container is drawn around everything drawn in it;
	 * stops at the first ancestor already marked, so O(nodes) in total */
	for (uint32_t v = 0; v < c->nodes; v++) {
		if (!(c->mark[v] & M_SCOPE))
			continue;
		for (uint32_t x = c->v.container[v]; x != FO_NONE && !(c->mark[x] & M_SCOPE);
		     x = c->v.container[x])
			c->mark[x] |= M_SCOPE;
	}
}

static void scope_impact(rctx *c)
{
	for (uint32_t v = 0; v < c->nodes; v++)
		if (fo_engine_flags(c->e, v))
			c->mark[v] |= M_SCOPE;
}

/* Around the impacted nodes in the scope: the members that keep a hit group
 * of a drawn owner going, so "1 of 2" shows both; and the up owners of the
 * groups that lost a drawn member but held, with those groups' members: a
 * redundancy that held is what a review argues about. O(impacted + the
 * members of their groups). */
static void scope_spares(rctx *c)
{
	for (uint32_t v = 0; v < c->nodes; v++) {
		if (!(c->mark[v] & M_SCOPE) || !fo_engine_flags(c->e, v))
			continue;
		for (uint32_t i = c->v.memberof_off[v]; i < c->v.memberof_off[v + 1]; i++) {
			uint32_t gi = c->v.memberof[i], o = c->v.group_owner[gi];
			if (c->v.group_type[gi] == FO_GROUP_LOCATED || fo_engine_flags(c->e, o) ||
			    (c->mark[o] & M_HELD))
				continue;
			uint32_t a = c->v.member_off[gi], z = c->v.member_off[gi + 1];
			if (fo_engine_group_up(c->e, gi) < c->v.group_k[gi] && z - a > 0)
				continue; /* it did not hold; yet the owner is up? keep it out */
			c->mark[o] |= M_SCOPE | M_HELD;
		}
	}
	for (uint32_t v = 0; v < c->nodes; v++) {
		if (!(c->mark[v] & M_SCOPE) || !(fo_engine_flags(c->e, v) || (c->mark[v] & M_HELD)))
			continue;
		for (uint32_t gi = c->v.owned_off[v]; gi < c->v.owned_off[v + 1]; gi++) {
			uint32_t a = c->v.member_off[gi], z = c->v.member_off[gi + 1], hit = 0;
			for (uint32_t i = a; i < z && !hit; i++)
				hit = fo_engine_flags(c->e, c->v.members[i]) != 0;
			/* the impacted members are in the scope already, or were
			 * filtered out (--depth, --paths) */
			if (hit)
				for (uint32_t i = a; i < z; i++)
					if (!fo_engine_flags(c->e, c->v.members[i]))
						c->mark[c->v.members[i]] |= M_SCOPE;
		}
	}
}

/* Marks everything the nodes queue[0..tail) (marked already) depend on,
 * through their groups, as in scope. queue holds room for every node.
 * O(nodes reached + their memberships). */
static void scope_close(rctx *c, uint32_t *queue, size_t tail)
{
	size_t head = 0;
	while (head < tail) {
		uint32_t v = queue[head++];
		for (uint32_t gi = c->v.owned_off[v]; gi < c->v.owned_off[v + 1]; gi++)
			for (uint32_t i = c->v.member_off[gi]; i < c->v.member_off[gi + 1]; i++) {
				uint32_t m = c->v.members[i];
				if (c->mark[m] & M_SCOPE)
					continue;
				c->mark[m] |= M_SCOPE;
				queue[tail++] = m;
			}
	}
}

static int scope_app(rctx *c, uint32_t app)
{
	uint32_t *queue = malloc((size_t)c->nodes * sizeof *queue);
	if (!queue)
		return FO_ENOMEM;
	c->mark[app] |= M_SCOPE;
	queue[0] = app;
	scope_close(c, queue, 1);
	free(queue);
	return FO_OK;
}

/* The nodes whose tenant is `tenant`, and everything they depend on. */
static int scope_tenant(rctx *c, const char *tenant, size_t *found)
{
	uint32_t *queue = malloc((size_t)(c->nodes ? c->nodes : 1) * sizeof *queue);
	size_t tail = 0;
	if (!queue)
		return FO_ENOMEM;
	for (uint32_t v = 0; v < c->nodes; v++) {
		const char *t = fo_graph_node_tenant(c->g, v);
		if (t && !strcmp(t, tenant)) {
			c->mark[v] |= M_SCOPE;
			queue[tail++] = v;
		}
	}
	*found = tail;
	scope_close(c, queue, tail);
	free(queue);
	return FO_OK;
}

/* Keeps, of the impacted nodes in the scope, those at most `depth` cause
 * links from a failure of the scenario; drops the rest of the scope.
 * Memoised along the cause chains: O(nodes). */
static int filter_depth(rctx *c, unsigned depth)
{
	uint32_t *hop = malloc((size_t)(c->nodes ? c->nodes : 1) * sizeof *hop);
	uint32_t *stack = malloc((size_t)(c->nodes ? c->nodes : 1) * sizeof *stack);
	if (!hop || !stack) {
		free(hop);
		free(stack);
		return FO_ENOMEM;
	}
	for (uint32_t v = 0; v < c->nodes; v++)
		hop[v] = UINT32_MAX;
	for (uint32_t v = 0; v < c->nodes; v++) {
		if (!fo_engine_flags(c->e, v) || hop[v] != UINT32_MAX)
			continue;
		size_t top = 0;
		uint32_t x = v, base = 0;
		while (top < c->nodes) {
			if (hop[x] != UINT32_MAX) {
				base = hop[x] + 1;
				break;
			}
			stack[top++] = x;
			uint32_t cause = fo_engine_root(c->e, x) == x ? FO_NONE : fo_engine_cause(c->e, x);
			if (cause == FO_NONE || !fo_engine_flags(c->e, cause))
				break; /* x is a failure of the scenario: hop 0 */
			x = cause;
		}
		while (top)
			hop[stack[--top]] = base++;
	}
	for (uint32_t v = 0; v < c->nodes; v++)
		if (!fo_engine_flags(c->e, v) || hop[v] > depth)
			c->mark[v] &= (uint8_t)~M_SCOPE;
	free(hop);
	free(stack);
	return FO_OK;
}

/* Keeps, of the scope, the nodes on the cause chain of an impacted app in
 * it (the app included). O(nodes): each chain stops at a node kept before. */
static void filter_paths(rctx *c)
{
	for (uint32_t v = 0; v < c->nodes; v++) {
		if (!(c->mark[v] & M_SCOPE) || fo_graph_node_kind(c->g, v) != FO_KIND_APP ||
		    !fo_engine_flags(c->e, v))
			continue;
		for (uint32_t x = v, d = 0; x != FO_NONE && !(c->mark[x] & M_KEEP) && d <= c->nodes;
		     d++) {
			c->mark[x] |= M_KEEP;
			x = fo_engine_root(c->e, x) == x ? FO_NONE : fo_engine_cause(c->e, x);
		}
	}
	for (uint32_t v = 0; v < c->nodes; v++) {
		if (!(c->mark[v] & M_KEEP))
			c->mark[v] &= (uint8_t)~M_SCOPE;
		c->mark[v] &= (uint8_t)~M_KEEP;
	}
}

/* ------------------------------------------------------------- title */

/* Appends up to 5 ids of the scenario nodes with flag `want` (and not
 * `skip`), after `intro`; returns how many there are. The scenario is read
 * back from the results: its nodes are their own roots. */
static size_t put_scenario_part(rctx *c, fo_sbuf *b, const char *intro, unsigned want,
				unsigned skip)
{
	size_t seen = 0;
	for (uint32_t v = 0; v < c->nodes; v++) {
		unsigned f = fo_engine_flags(c->e, v);
		if (!(f & want) || (f & skip) || fo_engine_root(c->e, v) != v)
			continue;
		if (seen < 5) {
			fo_sbuf__puts(b, seen ? ", " : intro);
			label_text(b, fo_graph_node_id(c->g, v));
		}
		seen++;
	}
	if (seen > 5)
		fo_sbuf__printf(b, ", \xe2\x80\xa6 %zu more", seen - 5);
	return seen;
}

/* Appends n with thousands separators ("12,844"): counts in a map run to
 * six digits. */
static void put_count(fo_sbuf *b, size_t n)
{
	char d[32];
	int len = snprintf(d, sizeof d, "%zu", n);
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			fo_sbuf__putc(b, ',');
		fo_sbuf__putc(b, d[i]);
	}
}

/* The headline: the apps hit as the partition `whatif` prints (each app in
 * one class), with how many of the down ones need lost data (the rule of
 * docs/semantics.md, as in `whatif`). O(nodes) flag reads, plus the
 * lost-data walk when something is lost. */
static void put_headline(rctx *c, fo_sbuf *b)
{
	fo_appcounts apps = { 0 };
	fo_lostdeps ld = { 0 };
	uint32_t *lost = NULL;
	size_t nlost = 0;
	char t[FO_APPCOUNTS_TEXT];

	/* fo_report__lostdeps takes any ascending list holding the lost nodes */
	for (uint32_t v = 0; v < c->nodes; v++)
		nlost += (fo_engine_flags(c->e, v) & FO_F_LOST) != 0;
	if (nlost) {
		size_t k = 0;
		/* out of memory: the render fails with FO_ENOMEM rather than
		 * draw a headline that hides the lost data */
		if (!(lost = malloc(nlost * sizeof *lost))) {
			c->oom = 1;
			return;
		}
		for (uint32_t v = 0; v < c->nodes; v++)
			if (fo_engine_flags(c->e, v) & FO_F_LOST)
				lost[k++] = v;
		int err = fo_report__lostdeps(&ld, c->e, lost, nlost);
		free(lost);
		if (err < 0) {
			c->oom = 1;
			return;
		}
	}
	for (uint32_t v = 0; v < c->nodes; v++) {
		unsigned f = fo_engine_flags(c->e, v);
		if (f && fo_graph_node_kind(c->g, v) == FO_KIND_APP)
			fo_report__count_app(&apps, f, fo_report__lost_rep(&ld, v) != FO_NONE);
	}
	fo_report__lostdeps_dispose(&ld);
	fo_sbuf__puts(b, "apps: ");
	if (!apps.hit) {
		fo_sbuf__puts(b, "none hit");
		return;
	}
	/* counts run to six digits in a map: thousands separators */
	put_count(b, apps.hit);
	fo_sbuf__puts(b, " hit: ");
	fo_report__nonzero(t, &apps);
	for (const char *p = t; *p;) {
		if (*p >= '0' && *p <= '9') {
			size_t n = 0;
			while (*p >= '0' && *p <= '9')
				n = n * 10 + (size_t)(*p++ - '0');
			put_count(b, n);
		} else {
			fo_sbuf__putc(b, *p++);
		}
	}
}

/* "inventory\nfail a, b; destroy c\napps: 3 down, …\nscope: impact, 12
 * nodes[ in 40 boxes (map level 2)]" */
static void put_title(rctx *c, fo_sbuf *b, fo_scope scope, const fo_render_opts *o, size_t count,
		      const fo_map *map)
{
	const char *name = fo_graph_name(c->g);
	label_text(b, name ? name : "fallout");
	fo_sbuf__puts(b, "\\n");
	/* a node in both sets is destroyed (docs/semantics.md) */
	size_t nf = put_scenario_part(c, b, "fail ", FO_F_FAILED, FO_F_DESTROYED);
	size_t nd = put_scenario_part(c, b, nf ? "; destroy " : "destroy ", FO_F_DESTROYED, 0);
	if (!nf && !nd)
		fo_sbuf__puts(b, "no failure");
	else {
		fo_sbuf__puts(b, "\\n");
		put_headline(c, b);
	}
	fo_sbuf__puts(b, "\\nscope: ");
	if (scope == FO_SCOPE_APP) {
		fo_sbuf__puts(b, "app ");
		label_text(b, fo_graph_node_id(c->g, o->app));
	} else if (scope == FO_SCOPE_TENANT) {
		fo_sbuf__puts(b, "tenant ");
		label_text(b, o->tenant);
	} else {
		fo_sbuf__puts(b, scope == FO_SCOPE_IMPACT ? "impact" : "all");
	}
	if (o->limit_depth)
		fo_sbuf__printf(b, " within %u hop%s", o->depth, o->depth == 1 ? "" : "s");
	if (o->paths)
		fo_sbuf__puts(b, ", cause paths to apps");
	fo_sbuf__puts(b, ", ");
	put_count(b, count);
	fo_sbuf__puts(b, count == 1 ? " node" : " nodes");
	if (map && !map->nodes) {
		fo_sbuf__puts(b, " in ");
		put_count(b, map->nitems);
		fo_sbuf__puts(b, " boxes (impact map, ");
		if (map->level >= 0)
			fo_sbuf__printf(b, "containers to depth %d)", map->level);
		else
			fo_sbuf__puts(b, map->level == -1 ? "no containers)" :
					 map->level == -2 ? "apps by tenant)" : "apps by state)");
	} else if (map) {
		fo_sbuf__puts(b, " in ");
		put_count(b, map->nitems);
		fo_sbuf__puts(b, " boxes");
	}
}

/* --------------------------------------------------------------- map */

/* "hosts", "VMs": the plural of a kind word in a box's label. */
static void put_kind_plural(fo_sbuf *b, const char *kind, size_t n)
{
	static const char *const special[][3] = {
		{ "vm", "VM", "VMs" }, { "db", "DB", "DBs" }, { "lb", "LB", "LBs" },
		{ "cdn", "CDN", "CDNs" }, { "dns", "DNS", "DNS" },
	};
	for (size_t i = 0; i < sizeof special / sizeof *special; i++)
		if (!strcmp(kind, special[i][0])) {
			fo_sbuf__puts(b, special[i][n == 1 ? 1 : 2]);
			return;
		}
	label_text(b, kind);
	if (n != 1)
		fo_sbuf__puts(b, "s");
}

/* A box: "t17 · tier 1\n14 apps\n12 down, 2 degraded\n3 held: 1 of 2 left". */
static void put_box_label(fo_sbuf *b, const fo_map_item *it)
{
	static const char *const word[FO_MAP_CAT_COUNT] = {
		[FO_MAP_FAILED] = "failed", [FO_MAP_DOWN] = "down", [FO_MAP_LOST] = "lost",
		[FO_MAP_DEGRADED] = "degraded", [FO_MAP_AT_RISK] = "at-risk", [FO_MAP_UP] = "up",
	};
	static const fo_map_cat order[] = { FO_MAP_FAILED, FO_MAP_LOST, FO_MAP_DOWN,
					    FO_MAP_DEGRADED, FO_MAP_AT_RISK, FO_MAP_UP };
	if (it->tenant || it->tier) {
		put_tenant_tier(b, it->tenant, it->tier);
		fo_sbuf__puts(b, "\\n");
	}
	put_count(b, it->total);
	fo_sbuf__puts(b, " ");
	put_kind_plural(b, it->kind, it->total);
	fo_sbuf__puts(b, "\\n");
	int first = 1;
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		uint32_t n = it->count[order[i]];
		if (!n)
			continue;
		if (!first)
			fo_sbuf__puts(b, ", ");
		first = 0;
		if (n == it->total)
			fo_sbuf__puts(b, "all ");
		else {
			put_count(b, n);
			fo_sbuf__puts(b, " ");
		}
		fo_sbuf__puts(b, word[order[i]]);
	}
	if (it->held) {
		fo_sbuf__puts(b, "\\n");
		put_count(b, it->held);
		fo_sbuf__printf(b, " group%s held; tightest %u of %u left (needs %u)",
				it->held == 1 ? "" : "s", it->held_left, it->held_n, it->held_k);
	}
}

/* The worst category an item counts, for its fill. */
static enum cat item_cat(const fo_map_item *it)
{
	static const enum cat order[] = { C_LOST, C_FAILED, C_DOWN, C_DEGRADED, C_AT_RISK };
	for (size_t i = 0; i < sizeof order / sizeof *order; i++)
		if (it->count[order[i]])
			return order[i];
	return C_UP;
}

static Agnode_t *make_box(rctx *c, const fo_map *m, uint32_t i, Agraph_t *home)
{
	const fo_map_item *it = &m->items[i];
	Agnode_t *n = agnode(c->root, (char *)node_name(c, "b", i), 1);
	if (!n || (home != c->root && !agsubnode(home, n, 1))) {
		c->oom = 1;
		return NULL;
	}
	fo_kind k = fo_kind_parse(it->kind);
	c->kinds_drawn[k]++;
	const struct palette *pal = &palette[item_cat(it)];
	fo_sbuf__clear(&c->lab);
	put_box_label(&c->lab, it);
	set(c, n, "label", fo_sbuf__str(&c->lab));
	set(c, n, "shape", kind_shape(k));
	set(c, n, "peripheries", "2");
	if (strcmp(pal->fill, "white"))
		set(c, n, "fillcolor", pal->fill);
	if (strcmp(pal->font, "black"))
		set(c, n, "fontcolor", pal->font);
	set(c, n, "color", it->held ? palette[C_AT_RISK].pen : pal->pen);
	if (item_cat(it) != C_UP || it->held)
		set(c, n, "penwidth", "2");
	fo_sbuf__clear(&c->lab);
	put_count(&c->lab, it->total);
	fo_sbuf__puts(&c->lab, " ");
	tooltip_text(&c->lab, it->kind);
	fo_sbuf__puts(&c->lab, it->total == 1 ? " node" : " nodes");
	if (it->home != FO_NONE) {
		fo_sbuf__puts(&c->lab, " in ");
		tooltip_text(&c->lab, fo_graph_node_id(c->g, it->home));
	}
	set(c, n, "tooltip", fo_sbuf__str(&c->lab));
	return n;
}

/* Draws the map: clusters, single nodes and boxes in item order, then one
 * line per link, labelled with its count when it stands for several. */
static void draw_map(rctx *c, const fo_map *m, Agnode_t **item_n)
{
	c->map = !m->nodes;
	for (uint32_t i = 0; i < m->nitems && !c->oom; i++) {
		const fo_map_item *it = &m->items[i];
		Agraph_t *home = it->home == FO_NONE ? c->root : cluster_of(c, it->home);
		if (!home)
			return;
		if (it->cluster) {
			cluster_of(c, it->node);
		} else if (it->node != FO_NONE) {
			const char *tenant = fo_graph_node_tenant(c->g, it->node);
			if (m->nodes && home == c->root && tenant &&
			    fo_graph_node_kind(c->g, it->node) == FO_KIND_APP)
				home = tenant_cluster(c, tenant);
			if (home)
				make_node_in(c, it->node, home);
			item_n[i] = c->agn[it->node];
			if (it->held && item_n[i]) {
				/* no junction in a map: the group that held is told */
				fo_sbuf__clear(&c->lab);
				put_node_label(c, &c->lab, it->node);
				fo_sbuf__printf(&c->lab, "\\n%u of %u left (needs %u)", it->held_left,
						it->held_n, it->held_k);
				set(c, item_n[i], "label", fo_sbuf__str(&c->lab));
				set(c, item_n[i], "color", palette[C_AT_RISK].pen);
				set(c, item_n[i], "penwidth", "2");
			}
		} else {
			c->map = 1;
			item_n[i] = make_box(c, m, i, home);
		}
	}
	for (size_t l = 0; l < m->nlinks && !c->oom; l++) {
		const fo_map_link *ln = &m->links[l];
		const fo_map_item *a = &m->items[ln->from], *b = &m->items[ln->to];
		Agnode_t *t = a->cluster ? endpoint(c, a->node) : item_n[ln->from];
		Agnode_t *h = b->cluster ? endpoint(c, b->node) : item_n[ln->to];
		Agedge_t *ed = edge(c, t, a->cluster ? a->node : a->home, a->cluster ? a->node : FO_NONE,
				    h, b->cluster ? b->node : b->home, b->cluster ? b->node : FO_NONE);
		if (!ed)
			continue;
		if (ln->type == FO_MAP_CONTAINS) {
			c->map_contains = 1;
			set(c, ed, "style", "bold");
			set(c, ed, "color", "#9e9e9e");
		} else {
			const char *style = group_style((fo_group_type)ln->type);
			if (style)
				set(c, ed, "style", style);
			if (ln->cat != FO_MAP_UP) {
				set(c, ed, "color", palette[ln->cat].pen);
				set(c, ed, "penwidth", "1.5");
			}
		}
		/* boxes of apps all sit at the bottom: one rank of dozens of
		 * wide boxes makes a strip; staggering them over three ranks
		 * (what Graphviz's unflatten does) keeps the drawing square */
		if (b->node == FO_NONE && !b->cluster && !strcmp(b->kind, "app")) {
			static const char *const minlen[] = { "1", "2", "3" };
			set(c, ed, "minlen", minlen[ln->to % 3]);
		}
		if (ln->count > 1) {
			fo_sbuf__clear(&c->lab);
			put_count(&c->lab, ln->count);
			set(c, ed, "label", fo_sbuf__str(&c->lab));
		}
	}
}

/* ------------------------------------------------------------------ API */

static GVC_t *shared_gvc;

static GVC_t *gvc_get(void)
{
	if (!shared_gvc)
		shared_gvc = gvContext();
	return shared_gvc;
}

const char *fo_render_format_for_path(const char *file_name)
{
	static const char *const ext[][2] = {
		{ ".dot", "dot" }, { ".gv", "dot" }, { ".svg", "svg" }, { ".png", "png" }, { ".pdf", "pdf" },
	};
	if (!file_name)
		return NULL;
	const char *dot = strrchr(file_name, '.');
	if (!dot || strchr(dot, '/'))
		return NULL;
	for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
		if (!strcasecmp(dot, ext[i][0]))
			return ext[i][1];
	return NULL;
}

/* The error for a drawing of too many nodes (or boxes with --collapse):
 * what actually helps, with the command's options when o->cli says the
 * reader has them. The words up to the count are read by bench/bench.c. */
static void count_error(fo_diag *diag, const fo_render_opts *o, size_t count, size_t limit,
			const char *what)
{
	if (!diag)
		return;
	if (o->cli)
		fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
			    "the diagram would have %zu %s, more than the limit of %zu that lays out "
			    "in reasonable time; draw the impact map instead (--detail map, the "
			    "default above %d), or keep less: --paths, --depth N, --scope "
			    "tenant:NAME or app:ID; --max-nodes N raises the limit",
			    count, what, limit, FO_RENDER_MAX_BOXES);
	else
		fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
			    "the diagram would have %zu %s, more than the limit of %zu that lays out "
			    "in reasonable time; the impact map (nodes grouped into boxes) or a "
			    "diagram of one app or tenant would fit",
			    count, what, limit);
}

/* After layout: PNG and PDF past their size limit would be scaled down by
 * Graphviz below legible size (it says so on stderr and succeeds); refuse
 * instead. SVG and DOT have no limit. */
static int check_legible(rctx *c, const char *fmt, const fo_render_opts *o, fo_diag *diag)
{
	double max = !strcmp(fmt, "png") ? FO_RENDER_MAX_PNG_PT :
		     !strcmp(fmt, "pdf") ? FO_RENDER_MAX_PDF_PT : 0;
	if (max <= 0)
		return FO_OK;
	boxf bb = GD_bb(c->root);
	double w = bb.UR.x - bb.LL.x, h = bb.UR.y - bb.LL.y;
	if (w <= max && h <= max)
		return FO_OK;
	if (diag)
		fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
			    "the drawing is %.0f x %.0f pt: as %s it would be scaled below legible "
			    "size (at most %.0f pt a side); %s",
			    w, h, !strcmp(fmt, "png") ? "PNG" : "PDF", max,
			    o->cli ? (c->map ? "write SVG instead (-o FILE.svg), or a coarser map "
					       "(--max-boxes N)"
					     : "write SVG instead (-o FILE.svg), or draw the impact "
					       "map (--detail map)")
				   : "SVG, or the impact map, has no such limit");
	return FO_ELIMIT;
}

static int known_format(const char *f)
{
	return !strcmp(f, "dot") || !strcmp(f, "svg") || !strcmp(f, "png") || !strcmp(f, "pdf");
}

int fo_render(FILE *fp, const fo_engine *e, const fo_render_opts *o, fo_diag *diag)
{
	int err = FO_OK;
	rctx c = { 0 };
	names nm = { 0 };
	render_disc rd;
	GVC_t *gvc = NULL;
	int laid_out = 0;
	char *data = NULL;
	unsigned int len = 0;
	fo_sbuf msgs = { 0 };
	agusererrf old_hook = NULL;
	int hooked = 0;
	uint32_t *scope_list = NULL;
	fo_map *map = NULL;
	Agnode_t **item_n = NULL;

	if (!fp || !e || !o)
		return FO_EINVAL;
	const char *fmt = o->format ? o->format : "dot";
	if (!known_format(fmt)) {
		if (diag)
			fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
				    "unknown diagram format \"%s\" (use dot, svg, png or pdf)", fmt);
		return FO_EINVAL;
	}
	c.e = e;
	c.g = fo_engine_graph(e);
	fo_graph_view_get(c.g, &c.v);
	c.nodes = c.v.nodes;
	fo_scope scope = o->scope;
	if (scope != FO_SCOPE_AUTO && scope != FO_SCOPE_IMPACT && scope != FO_SCOPE_ALL &&
	    scope != FO_SCOPE_APP && scope != FO_SCOPE_TENANT)
		return FO_EINVAL;
	if (scope == FO_SCOPE_TENANT && !o->tenant)
		return FO_EINVAL;
	if (scope == FO_SCOPE_APP && o->app >= c.nodes) {
		if (diag)
			fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
				    "diagram scope: node %u out of range", o->app);
		return FO_EINVAL;
	}

	if (!(c.mark = calloc(c.nodes ? c.nodes : 1, 1))) {
		err = FO_ENOMEM;
		goto done;
	}
	int impact = 0;
	for (uint32_t v = 0; v < c.nodes && !impact; v++)
		impact = fo_engine_flags(e, v) != 0;
	if (scope == FO_SCOPE_AUTO)
		scope = impact ? FO_SCOPE_IMPACT : FO_SCOPE_ALL;
	if ((o->limit_depth || o->paths) && !impact) {
		if (diag)
			fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
				    "%s needs a failure%s, and the scenario has none",
				    o->paths ? (o->cli ? "--paths" : "a drawing of the cause paths")
					     : (o->cli ? "--depth" : "a depth from the failures"),
				    o->cli ? " (--fail or --destroy)" : "");
		err = FO_EINVAL;
		goto done;
	}
	if (scope == FO_SCOPE_ALL)
		memset(c.mark, M_SCOPE, c.nodes);
	else if (scope == FO_SCOPE_IMPACT)
		scope_impact(&c);
	else if (scope == FO_SCOPE_TENANT) {
		size_t found = 0;
		if ((err = scope_tenant(&c, o->tenant, &found)) < 0)
			goto done;
		if (!found) {
			if (diag) {
				fo_sbuf__clear(&c.tmp);
				fo_report__esc(&c.tmp, o->tenant);
				fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
					    "no node has tenant '%s'", fo_sbuf__str(&c.tmp));
			}
			err = FO_EINVAL;
			goto done;
		}
		/* after a failure: the impacted part of what the tenant needs */
		if (impact)
			for (uint32_t v = 0; v < c.nodes; v++)
				if (!fo_engine_flags(e, v))
					c.mark[v] &= (uint8_t)~M_SCOPE;
	} else if ((err = scope_app(&c, o->app)) < 0)
		goto done;
	if (o->limit_depth && (err = filter_depth(&c, o->depth)) < 0)
		goto done;
	if (o->paths)
		filter_paths(&c);
	if (impact && (scope == FO_SCOPE_IMPACT || scope == FO_SCOPE_TENANT))
		scope_spares(&c);
	mark_ancestors(&c);
	size_t count = 0;
	for (uint32_t v = 0; v < c.nodes; v++) {
		if (!(c.mark[v] & M_SCOPE))
			continue;
		count++;
		uint32_t up = c.v.container[v];
		if (up != FO_NONE)
			c.mark[up] |= M_CLUSTER;
	}
	size_t limit = o->max_nodes ? o->max_nodes : FO_RENDER_MAX_NODES;
	size_t budget = o->max_boxes ? o->max_boxes : FO_RENDER_MAX_BOXES;
	int use_map;
	if (o->detail == FO_DETAIL_MAP)
		use_map = 1;
	else if (o->detail == FO_DETAIL_NODES)
		use_map = o->collapse != NULL;
	else
		use_map = o->collapse != NULL || count > (budget < limit ? budget : limit);
	if (use_map) {
		if (!(scope_list = malloc((count ? count : 1) * sizeof *scope_list))) {
			err = FO_ENOMEM;
			goto done;
		}
		size_t k = 0;
		for (uint32_t v = 0; v < c.nodes; v++)
			if (c.mark[v] & M_SCOPE)
				scope_list[k++] = v;
		/* the map reads M_SCOPE as "in the scope" */
		for (uint32_t v = 0; v < c.nodes; v++)
			c.mark[v] &= M_SCOPE;
		fo_map_opts mo = { 0 };
		mo.collapse = o->collapse;
		mo.expand = o->expand;
		mo.nexpand = o->nexpand;
		int as_nodes = o->detail == FO_DETAIL_NODES ||
			       (o->detail == FO_DETAIL_AUTO && count <= (budget < limit ? budget : limit));
		if (as_nodes) {
			mo.nodes = 1;
			err = fo_map_build(&map, e, c.mark, scope_list, count, &mo);
		} else {
			err = fo_map_build_auto(&map, e, c.mark, scope_list, count, &mo, budget);
		}
		if (err < 0)
			goto done;
		if (as_nodes && map->nitems > limit) {
			count_error(diag, o, map->nitems, limit, "boxes");
			err = FO_ELIMIT;
			goto done;
		}
	} else if (count > limit) {
		count_error(diag, o, count, limit, "nodes");
		err = FO_ELIMIT;
		goto done;
	}

	c.sub = calloc(c.nodes ? c.nodes : 1, sizeof *c.sub);
	c.agn = calloc(c.nodes ? c.nodes : 1, sizeof *c.agn);
	c.stack = malloc((c.nodes ? c.nodes : 1) * sizeof *c.stack);
	if (!c.sub || !c.agn || !c.stack ||
	    (map && !(item_n = calloc(map->nitems ? map->nitems : 1, sizeof *item_n)))) {
		err = FO_ENOMEM;
		goto done;
	}

	/* From here on Graphviz may talk: collect what it says. */
	gv_messages = &msgs;
	old_hook = agseterrf(gv_hook);
	hooked = 1;

	nm.anon = 1;
	rd.nm = &nm;
	rd.disc.mem = &AgMemDisc;
	rd.disc.id = &render_iddisc;
	rd.disc.io = &AgIoDisc;
	if (!(c.root = agopen("fallout", Agdirected, &rd.disc))) {
		err = FO_ENOMEM;
		goto done;
	}
	declare_attrs(c.root);

	if (map) {
		draw_map(&c, map, item_n);
	} else {
		/* Nodes in index order, each container's cluster made on first
		 * need; then the edges, owner by owner. */
		for (uint32_t v = 0; v < c.nodes && !c.oom; v++) {
			if (!(c.mark[v] & M_SCOPE))
				continue;
			if (c.mark[v] & M_CLUSTER)
				cluster_of(&c, v);
			else {
				uint32_t up = c.v.container[v];
				if (up != FO_NONE)
					cluster_of(&c, up);
				make_node(&c, v);
			}
		}
		for (uint32_t v = 0; v < c.nodes && !c.oom; v++)
			if (c.mark[v] & M_SCOPE)
				make_groups(&c, v);
	}
	make_legend(&c);

	/* Graph attributes last: a subgraph inherits the values its parent
	 * has when it is made, and the clusters must not inherit the title. */
	fo_sbuf__clear(&c.lab);
	put_title(&c, &c.lab, scope, o, count, map);
	set(&c, c.root, "label", fo_sbuf__str(&c.lab));
	set(&c, c.root, "labelloc", "t");
	set(&c, c.root, "fontname", "Helvetica");
	set(&c, c.root, "fontsize", "14");
	set(&c, c.root, "rankdir", "TB");
	set(&c, c.root, "compound", "true");
	set(&c, c.root, "nodesep", "0.3");
	set(&c, c.root, "ranksep", "0.45");
	set(&c, c.root, "outputorder", "edgesfirst");
	if (c.oom || c.lab.oom || c.tmp.oom) {
		err = FO_ENOMEM;
		goto done;
	}

	if (!strcmp(fmt, "dot")) {
		if (agwrite(c.root, fp) == EOF || ferror(fp))
			err = FO_EIO;
		goto done;
	}
	if (!(gvc = gvc_get())) {
		err = FO_ERENDER;
		goto done;
	}
	if (gvLayout(gvc, c.root, "dot") != 0) {
		err = FO_ERENDER;
		goto done;
	}
	laid_out = 1;
	if ((err = check_legible(&c, fmt, o, diag)) < 0)
		goto done;
	/* Render into memory and write it ourselves: Graphviz 2.43's own file
	 * writer calls exit(1) when a write comes up short (a full disk). */
	if (gvRenderData(gvc, c.root, fmt, &data, &len) != 0 || !data) {
		err = FO_ERENDER;
		goto done;
	}
	if (fwrite(data, 1, len, fp) != len || fflush(fp) != 0 || ferror(fp))
		err = FO_EIO;
done:
	if (data)
		gvFreeRenderData(data);
	if (laid_out)
		gvFreeLayout(gvc, c.root);
	if (c.root)
		agclose(c.root);
	if (hooked) {
		/* an error Graphviz reported fails the call even when the
		 * function that reported it returned success */
		int gv_errors = gv_flush(&msgs, diag);
		if (gv_errors && err == FO_OK)
			err = FO_ERENDER;
		if (err == FO_ERENDER && !gv_errors && diag)
			fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
				    "graphviz could not render the \"%s\" format", fmt);
		agseterrf(old_hook);
		gv_messages = NULL;
	}
	names_dispose(&nm);
	fo_sbuf__dispose(&msgs);
	fo_sbuf__dispose(&c.lab);
	fo_sbuf__dispose(&c.tmp);
	free(c.stack);
	free(c.agn);
	free(c.sub);
	free(c.mark);
	free(c.tenant);
	free(c.tenant_g);
	free(item_n);
	free(scope_list);
	fo_map_free(map);
	return err;
}
