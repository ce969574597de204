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

/* Lost first (the data is gone, the strongest news), then the scenario's
 * own nodes, then the headline state. */
static enum cat category(unsigned f)
{
	if (f & FO_F_LOST)
		return C_LOST;
	if (f & (FO_F_FAILED | FO_F_DESTROYED))
		return C_FAILED;
	if (f & FO_F_DOWN)
		return C_DOWN;
	if (f & FO_F_DEGRADED)
		return C_DEGRADED;
	if (f & FO_F_AT_RISK)
		return C_AT_RISK;
	return C_UP;
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
} rctx;

enum { M_SCOPE = 1, M_CLUSTER = 2 };

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
		{ "margin", "" }, { "tooltip", "" },
	};
	static const char *const edge_attrs[][2] = {
		{ "style", "" }, { "color", "#78909c" }, { "arrowhead", "" }, { "arrowsize", "0.7" },
		{ "penwidth", "" }, { "lhead", "" }, { "ltail", "" }, { "label", "" },
		{ "fontname", "Helvetica" }, { "fontsize", "9" }, { "tooltip", "" },
	};
	for (size_t i = 0; i < sizeof graph_attrs / sizeof *graph_attrs; i++)
		agattr(g, AGRAPH, (char *)graph_attrs[i][0], (char *)graph_attrs[i][1]);
	for (size_t i = 0; i < sizeof node_attrs / sizeof *node_attrs; i++)
		agattr(g, AGNODE, (char *)node_attrs[i][0], (char *)node_attrs[i][1]);
	for (size_t i = 0; i < sizeof edge_attrs / sizeof *edge_attrs; i++)
		agattr(g, AGEDGE, (char *)edge_attrs[i][0], (char *)edge_attrs[i][1]);
}

static void put_node_label(rctx *c, fo_sbuf *b, uint32_t v)
{
	const char *id = fo_graph_node_id(c->g, v), *name = fo_graph_node_name(c->g, v);
	if (name && strcmp(name, id)) {
		label_text(b, name);
		fo_sbuf__puts(b, "\\n");
	}
	label_text(b, id);
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

static void make_node(rctx *c, uint32_t v)
{
	Agnode_t *n = agnode(c->root, (char *)node_name(c, "n", v), 1);
	Agraph_t *home = home_graph(c, v);
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
	set(c, lg, "label", "Legend");
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
	/* roots are impacted themselves; add the members that keep a hit
	 * group of an impacted owner going, so "1 of 2" shows both */
	for (uint32_t v = 0; v < c->nodes; v++) {
		if (!fo_engine_flags(c->e, v))
			continue;
		for (uint32_t gi = c->v.owned_off[v]; gi < c->v.owned_off[v + 1]; gi++) {
			uint32_t a = c->v.member_off[gi], z = c->v.member_off[gi + 1], hit = 0;
			for (uint32_t i = a; i < z && !hit; i++)
				hit = fo_engine_flags(c->e, c->v.members[i]) != 0;
			if (hit)
				for (uint32_t i = a; i < z; i++)
					c->mark[c->v.members[i]] |= M_SCOPE;
		}
	}
}

static int scope_app(rctx *c, uint32_t app)
{
	uint32_t *queue = malloc((size_t)c->nodes * sizeof *queue);
	size_t head = 0, tail = 0;
	if (!queue)
		return FO_ENOMEM;
	c->mark[app] |= M_SCOPE;
	queue[tail++] = app;
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
	free(queue);
	return FO_OK;
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

/* "inventory\nfail a, b; destroy c\nscope: impact, 12 nodes" */
static void put_title(rctx *c, fo_sbuf *b, fo_scope scope, uint32_t app, size_t count)
{
	const char *name = fo_graph_name(c->g);
	label_text(b, name ? name : "fallout");
	fo_sbuf__puts(b, "\\n");
	/* a node in both sets is destroyed (docs/semantics.md) */
	size_t nf = put_scenario_part(c, b, "fail ", FO_F_FAILED, FO_F_DESTROYED);
	size_t nd = put_scenario_part(c, b, nf ? "; destroy " : "destroy ", FO_F_DESTROYED, 0);
	if (!nf && !nd)
		fo_sbuf__puts(b, "no failure");
	fo_sbuf__puts(b, "\\nscope: ");
	if (scope == FO_SCOPE_APP) {
		fo_sbuf__puts(b, "app ");
		label_text(b, fo_graph_node_id(c->g, app));
	} else {
		fo_sbuf__puts(b, scope == FO_SCOPE_IMPACT ? "impact" : "all");
	}
	fo_sbuf__printf(b, ", %zu node%s", count, count == 1 ? "" : "s");
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
	    scope != FO_SCOPE_APP)
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
	if (scope == FO_SCOPE_AUTO) {
		scope = FO_SCOPE_ALL;
		for (uint32_t v = 0; v < c.nodes; v++)
			if (fo_engine_flags(e, v)) {
				scope = FO_SCOPE_IMPACT;
				break;
			}
	}
	if (scope == FO_SCOPE_ALL)
		memset(c.mark, M_SCOPE, c.nodes);
	else if (scope == FO_SCOPE_IMPACT)
		scope_impact(&c);
	else if ((err = scope_app(&c, o->app)) < 0)
		goto done;
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
	if (count > limit) {
		if (diag)
			fo_diag_add(diag, FO_SEV_ERROR, NULL, 0, 0, NULL,
				    "the diagram would have %zu nodes, more than the limit of %zu that "
				    "lays out in reasonable time; narrow it with --scope app:ID or "
				    "--scope impact, or raise --max-nodes",
				    count, limit);
		err = FO_ELIMIT;
		goto done;
	}

	c.sub = calloc(c.nodes ? c.nodes : 1, sizeof *c.sub);
	c.agn = calloc(c.nodes ? c.nodes : 1, sizeof *c.agn);
	c.stack = malloc((c.nodes ? c.nodes : 1) * sizeof *c.stack);
	if (!c.sub || !c.agn || !c.stack) {
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

	/* Nodes in index order, each container's cluster made on first need;
	 * then the edges, owner by owner; the legend last. */
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
	make_legend(&c);

	/* Graph attributes last: a subgraph inherits the values its parent
	 * has when it is made, and the clusters must not inherit the title. */
	fo_sbuf__clear(&c.lab);
	put_title(&c, &c.lab, scope, o->app, count);
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
	return err;
}
