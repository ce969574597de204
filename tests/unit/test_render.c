/*
 * test_render.c — diagrams (reports/fo_render.h): the DOT golden file, what
 * each scope selects, the drawing conventions (K of n, dashed soft edges,
 * clusters, legend), the size limit, and above all that hostile ids and
 * names can neither inject DOT nor SVG markup: the DOT is parsed back with
 * cgraph and every label compared with the id it came from; Graphviz's own
 * `dot` must accept it, and the SVG must be well-formed (xmllint) and contain
 * only the elements and attributes Graphviz itself writes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cgraph.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "analyzer/fo_engine.h"
#include "graphs/fo_error.h"
#include "helpers/fixture.h"
#include "helpers/golden.h"
#include "helpers/rfix.h"
#include "importers/fo_inventory.h"
#include "reports/fo_render.h"

typedef struct world {
	fo_graph *g;
	fo_engine *e;
} world;

static void world_init(world *w, int hostile, const char *scenario)
{
	memset(w, 0, sizeof *w);
	assert_int_equal(hostile ? rfix_hostile(&w->g) : rfix_quickstart(&w->g), FO_OK);
	assert_int_equal(fo_engine_new(&w->e, w->g), FO_OK);
	assert_int_equal(fx_run(w->e, scenario), FO_OK);
}

static void world_free(world *w)
{
	fo_engine_free(w->e);
	fo_graph_free(w->g);
}

/* Renders with full options into c; returns fo_render's status. */
static int render_o(gold_capture *c, const fo_engine *e, const fo_render_opts *o, fo_diag *diag)
{
	FILE *fp = gold_open(c);
	int err = fo_render(fp, e, o, diag);
	gold_close(c);
	return err;
}

/* Renders into c; returns fo_render's status. diag may be NULL. */
static int render(gold_capture *c, const fo_engine *e, fo_scope scope, uint32_t app,
		  const char *fmt, size_t max, fo_diag *diag)
{
	fo_render_opts o = { .scope = scope, .app = app, .format = fmt, .max_nodes = max };
	FILE *fp = gold_open(c);
	int err = fo_render(fp, e, &o, diag);
	gold_close(c);
	return err;
}

/* ---------------------------------------------------------- DOT parsing */

/* Undoes the escapes of a plain Graphviz label that fo_render uses:
 * "\\" → '\', "\n" → newline, "&amp;" → '&'. */
static char *unescape_label(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	assert_non_null(out);
	while (*s) {
		if (s[0] == '\\' && s[1] == '\\') {
			*o++ = '\\';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'n') {
			*o++ = '\n';
			s += 2;
		} else if (!strncmp(s, "&amp;", 5)) {
			*o++ = '&';
			s += 5;
		} else {
			assert_false(s[0] == '\\'); /* no other escape is ever produced */
			assert_false(s[0] == '&');  /* no entity dot would decode */
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* What a label shows for an id: control characters other than newline and
 * bytes that are not UTF-8 as visible escapes (XML 1.0 cannot carry them). */
static char *visible(const char *s)
{
	char *out = malloc(4 * strlen(s) + 1), *o = out;
	assert_non_null(out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\t')
			o += sprintf(o, "\\t");
		else if (*p == '\r')
			o += sprintf(o, "\\r");
		else if ((*p < 0x20 && *p != '\n') || *p == 0x7f || *p == 0xff || *p == 0xfe)
			o += sprintf(o, "\\x%02x", *p);
		else
			*o++ = (char)*p;
	}
	*o = '\0';
	return out;
}

static Agnode_t *find_node(Agraph_t *g, const char *name)
{
	return agnode(g, (char *)name, 0);
}

static const char *attr(void *obj, const char *name)
{
	char *v = agget(obj, (char *)name);
	return v ? v : "";
}

/* The label of the drawing of node `id`: its node, or its cluster. */
static char *drawn_label(Agraph_t *dg, const fo_graph *g, const char *id)
{
	char name[64];
	uint32_t v = fx_id(g, id);
	snprintf(name, sizeof name, "n%u", v);
	Agnode_t *n = find_node(dg, name);
	if (n && strcmp(attr(n, "shape"), "point"))
		return unescape_label(attr(n, "label"));
	snprintf(name, sizeof name, "cluster_n%u", v);
	Agraph_t *sg = agsubg(dg, name, 0);
	for (Agraph_t *s = agfstsubg(dg); !sg && s; s = agnxtsubg(s))
		sg = agsubg(s, name, 0); /* nested one level; enough here */
	assert_non_null(sg);
	return unescape_label(attr(sg, "label"));
}

static int count_edges(Agraph_t *g)
{
	int n = 0;
	for (Agnode_t *v = agfstnode(g); v; v = agnxtnode(g, v))
		for (Agedge_t *e = agfstout(g, v); e; e = agnxtout(g, e))
			n++;
	return n;
}

/* ------------------------------------------------------------- golden */

static void dot_golden(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	world_init(&w, 0, "fail:gz3-cooling");
	assert_int_equal(render(&c, w.e, FO_SCOPE_AUTO, 0, NULL, 0, NULL), FO_OK);
	assert_int_equal(gold_check("render-quickstart.dot", c.buf, c.len), 0);
	gold_free(&c);
	assert_int_equal(render(&c, w.e, FO_SCOPE_ALL, 0, "dot", 0, NULL), FO_OK);
	assert_int_equal(gold_check("render-quickstart-all.dot", c.buf, c.len), 0);
	gold_free(&c);
	world_free(&w);
}

/* ---------------------------------------------------------- injection */

static void dot_round_trip_hostile(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	world_init(&w, 1, "fail:new\nline");
	assert_int_equal(render(&c, w.e, FO_SCOPE_ALL, 0, "dot", 0, NULL), FO_OK);
	assert_int_equal(gold_check("render-hostile.dot", c.buf, c.len), 0);

	Agraph_t *dg = agmemread(c.buf);
	assert_non_null(dg);
	/* every hostile id comes back as its own label, nothing more */
	for (size_t i = 0; i < rfix_hostile_count; i++) {
		char *got = drawn_label(dg, w.g, rfix_hostile_ids[i]);
		char *want = visible(rfix_hostile_ids[i]);
		assert_string_equal(got, want);
		free(got);
		free(want);
	}
	char *got = drawn_label(dg, w.g, "app");
	assert_string_equal(got, "App <\"&\\\n\xe5\xbe\xae\xe4\xbf\xa1>\napp\nten\"ant\n<x> \xc2\xb7 tier 1");
	free(got);
	got = drawn_label(dg, w.g, "box");
	assert_string_equal(got, "the \"box\"\nroom <b>\nbox");
	free(got);
	/* no node or edge was injected: the app's requires edges (one per
	 * hostile id), the legend's 5 invisible and 3 sample edges, and one
	 * invisible edge per shape sample (service, app) */
	assert_int_equal(count_edges(dg), (int)rfix_hostile_count + 8 + 2);
	int drawn = 0;
	for (Agnode_t *v = agfstnode(dg); v; v = agnxtnode(dg, v))
		drawn += strncmp(agnameof(v), "legend_", 7) != 0;
	/* hostile ids + app ("box" is a cluster without edges: no anchor) */
	assert_int_equal(drawn, (int)rfix_hostile_count + 1);
	/* the title is one label too */
	char *title = unescape_label(attr(dg, "label"));
	assert_string_equal(title, "inv \"</title><script>\\n\nfail new\nline\n"
				   "apps: 1 hit: 1 down\nscope: all, 25 nodes");
	free(title);
	agclose(dg);
	gold_free(&c);
	world_free(&w);
}

static int have(const char *cmd)
{
	char buf[256];
	snprintf(buf, sizeof buf, "command -v %s >/dev/null 2>&1", cmd);
	return system(buf) == 0;
}

static const char *const svg_elements[] = { "svg", "g", "title", "text", "polygon", "ellipse",
					    "path", "polyline", "a", NULL };
static const char *const svg_attrs[] = {
	"width", "height", "viewBox", "id", "class", "transform", "fill", "stroke", "points",
	"cx", "cy", "rx", "ry", "d", "x", "y", "text-anchor", "font-family", "font-size",
	"font-weight", "stroke-width", "stroke-dasharray", "href", "title", "target", NULL
};

static int in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

/* Walks the SVG: only Graphviz's own elements and attributes; collects the
 * text of every <text> element (one line of a label each). */
static void check_svg_tree(xmlNode *n, gold_capture *texts)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!in_list(svg_elements, (const char *)n->name))
			fail_msg("unexpected SVG element <%s>", n->name);
		for (xmlAttr *a = n->properties; a; a = a->next)
			if (!in_list(svg_attrs, (const char *)a->name))
				fail_msg("unexpected SVG attribute %s on <%s>", a->name, n->name);
		if (!strcmp((const char *)n->name, "text")) {
			xmlChar *t = xmlNodeGetContent(n);
			fprintf(texts->fp, "%s\n", (const char *)t);
			xmlFree(t);
		}
		check_svg_tree(n->children, texts);
	}
}

static void check_svg(const char *buf, size_t len)
{
	gold_capture texts;
	/* no network, no DTD loading, no entity substitution */
	xmlDoc *doc = xmlReadMemory(buf, (int)len, "render.svg", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	FILE *fp = gold_open(&texts);
	(void)fp;
	check_svg_tree(xmlDocGetRootElement(doc), &texts);
	gold_close(&texts);
	xmlFreeDoc(doc);
	/* the hostile texts are there, as text */
	char needle[512];
	for (size_t i = 0; i < rfix_hostile_count; i++) {
		if (strchr(rfix_hostile_ids[i], '\n'))
			continue; /* two lines; checked below */
		char *vis = visible(rfix_hostile_ids[i]);
		snprintf(needle, sizeof needle, "\n%s\n", vis);
		if (!strstr(texts.buf, needle))
			fail_msg("label %s missing from the SVG text", vis);
		free(vis);
	}
	assert_non_null(strstr(texts.buf, "\nnew\nline\n"));
	assert_non_null(strstr(texts.buf, "\nApp <\"&\\\n\xe5\xbe\xae\xe4\xbf\xa1>\napp\n"));
	assert_non_null(strstr(texts.buf, "\n<script>alert(1)</script>\n"));
	gold_free(&texts);
}

static int run(const char *cmd)
{
	int rc = system(cmd);
	return rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void svg_from_graphviz_dot(void **state)
{
	(void)state;
	if (!have("dot") || !have("xmllint"))
		skip();
	world w;
	gold_capture c;
	char dir[] = "/tmp/fo-render-XXXXXX", cmd[512], path[256];
	assert_non_null(mkdtemp(dir));
	world_init(&w, 1, "fail:new\nline");
	assert_int_equal(render(&c, w.e, FO_SCOPE_ALL, 0, "dot", 0, NULL), FO_OK);
	snprintf(path, sizeof path, "%s/h.dot", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(c.buf, 1, c.len, f), c.len);
	assert_int_equal(fclose(f), 0);
	gold_free(&c);

	/* Graphviz's own dot accepts the file, silently */
	snprintf(cmd, sizeof cmd, "dot -Tsvg %s/h.dot -o %s/h.svg 2>%s/err", dir, dir, dir);
	assert_int_equal(run(cmd), 0);
	size_t len;
	snprintf(path, sizeof path, "%s/err", dir);
	char *err = gold_read(path, &len);
	assert_non_null(err);
	assert_string_equal(err, "");
	free(err);
	snprintf(cmd, sizeof cmd, "xmllint --noout --nonet %s/h.svg", dir);
	assert_int_equal(run(cmd), 0);
	snprintf(path, sizeof path, "%s/h.svg", dir);
	char *svg = gold_read(path, &len);
	assert_non_null(svg);
	check_svg(svg, len);
	free(svg);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	run(cmd);
	world_free(&w);
}

static void svg_from_gvc(void **state)
{
	(void)state;
	world w;
	gold_capture c, c2;
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	world_init(&w, 1, "fail:new\nline");
	assert_int_equal(render(&c, w.e, FO_SCOPE_ALL, 0, "svg", 0, d), FO_OK);
	/* Graphviz had nothing to say about our graph */
	assert_int_equal(fo_diag_count(d), 0);
	check_svg(c.buf, c.len);
	/* same input, same bytes: no timestamp, no address-dependent order */
	assert_int_equal(render(&c2, w.e, FO_SCOPE_ALL, 0, "svg", 0, d), FO_OK);
	assert_int_equal(c.len, c2.len);
	assert_memory_equal(c.buf, c2.buf, c.len);
	gold_free(&c);
	gold_free(&c2);
	fo_diag_free(d);
	world_free(&w);
}

/* -------------------------------------------------------- conventions */

static Agedge_t *edge_between(Agraph_t *g, const char *t, const char *h)
{
	Agnode_t *a = find_node(g, t), *b = find_node(g, h);
	if (!a || !b)
		return NULL;
	return agedge(g, a, b, NULL, 0);
}

static void drawing_conventions(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	char t[32], h[32];
	world_init(&w, 0, "fail:gz3-cooling");
	assert_int_equal(render(&c, w.e, FO_SCOPE_ALL, 0, "dot", 0, NULL), FO_OK);
	Agraph_t *dg = agmemread(c.buf);
	assert_non_null(dg);
	assert_string_equal(attr(dg, "compound"), "true");

	/* wechat-pay needs 1 of {pay-gz, pay-sh}: a "1 of 2" junction, the
	 * members' edges lead to it, it leads to the app */
	Agnode_t *j = NULL;
	for (Agnode_t *v = agfstnode(dg); v; v = agnxtnode(dg, v))
		if (!strcmp(attr(v, "label"), "1 of 2") && !strcmp(attr(v, "shape"), "diamond")) {
			snprintf(h, sizeof h, "n%u", fx_id(w.g, "wechat-pay"));
			if (agedge(dg, v, find_node(dg, h), NULL, 0))
				j = v;
		}
	assert_non_null(j);
	snprintf(t, sizeof t, "n%u", fx_id(w.g, "pay-gz"));
	assert_non_null(agedge(dg, find_node(dg, t), j, NULL, 0));
	snprintf(t, sizeof t, "n%u", fx_id(w.g, "pay-sh"));
	assert_non_null(agedge(dg, find_node(dg, t), j, NULL, 0));
	/* bank needs 2 of 3 */
	int two_of_three = 0;
	for (Agnode_t *v = agfstnode(dg); v; v = agnxtnode(dg, v))
		two_of_three += !strcmp(attr(v, "label"), "2 of 3");
	assert_int_equal(two_of_three, 1);

	/* the soft dependency is dashed, from cdn-gz to wechat-pay */
	snprintf(t, sizeof t, "n%u", fx_id(w.g, "cdn-gz"));
	snprintf(h, sizeof h, "n%u", fx_id(w.g, "wechat-pay"));
	Agedge_t *e = edge_between(dg, t, h);
	assert_non_null(e);
	assert_string_equal(attr(e, "style"), "dashed");
	/* a hard one is solid (unset), and follows the failure */
	snprintf(t, sizeof t, "n%u", fx_id(w.g, "cvm-gz3"));
	snprintf(h, sizeof h, "n%u", fx_id(w.g, "pay-gz"));
	assert_non_null(e = edge_between(dg, t, h));
	assert_string_equal(attr(e, "style"), "");

	/* containers are nested clusters; the hall, which requires the
	 * cooling, receives the edge at its border */
	char name[32];
	snprintf(name, sizeof name, "cluster_n%u", fx_id(w.g, "gz"));
	Agraph_t *gz = agsubg(dg, name, 0);
	assert_non_null(gz);
	assert_string_equal(attr(gz, "label"), "Guangzhou\\ngz");
	snprintf(name, sizeof name, "cluster_n%u", fx_id(w.g, "gz-3"));
	assert_non_null(agsubg(gz, name, 0));
	snprintf(t, sizeof t, "n%u", fx_id(w.g, "gz3-cooling"));
	snprintf(h, sizeof h, "n%u", fx_id(w.g, "gz3-hall-a"));
	assert_non_null(e = edge_between(dg, t, h));
	snprintf(name, sizeof name, "cluster_n%u", fx_id(w.g, "gz3-hall-a"));
	assert_string_equal(attr(e, "lhead"), name);
	assert_string_equal(attr(find_node(dg, h), "style"), "invis");

	/* colour by state, shape by kind */
	assert_string_equal(attr(find_node(dg, t), "fillcolor"), "#b71c1c");
	assert_string_equal(attr(find_node(dg, t), "shape"), "octagon");
	snprintf(h, sizeof h, "n%u", fx_id(w.g, "wechat-pay"));
	assert_string_equal(attr(find_node(dg, h), "fillcolor"), "#ffcc80");
	assert_string_equal(attr(find_node(dg, h), "shape"), "doubleoctagon");
	snprintf(h, sizeof h, "n%u", fx_id(w.g, "photos"));
	assert_string_equal(attr(find_node(dg, h), "shape"), "note");

	/* copies dotted */
	snprintf(t, sizeof t, "n%u", fx_id(w.g, "pay-sh"));
	int dotted = 0;
	for (e = agfstout(dg, find_node(dg, t)); e; e = agnxtout(dg, e))
		dotted += !strcmp(attr(e, "style"), "dotted");
	assert_int_equal(dotted, 1);

	/* the legend: one box per state colour */
	Agraph_t *lg = agsubg(dg, "cluster_legend", 0);
	assert_non_null(lg);
	assert_non_null(strstr(attr(lg, "label"), "an arrow runs from a dependency to what"));
	int boxes = 0;
	for (Agnode_t *v = agfstnode(lg); v; v = agnxtnode(lg, v))
		boxes += !strncmp(agnameof(v), "legend_s", 8);
	assert_int_equal(boxes, 6);
	agclose(dg);
	gold_free(&c);
	world_free(&w);
}

/* Labels of the drawn nodes and clusters, "\n"-joined, for scope tests. */
static void collect_labels(Agraph_t *g, FILE *fp)
{
	for (Agraph_t *s = agfstsubg(g); s; s = agnxtsubg(s)) {
		if (!strncmp(agnameof(s), "cluster_n", 9))
			fprintf(fp, "[%s]\n", attr(s, "label"));
		collect_labels(s, fp);
	}
	if (agparent(g))
		return;
	for (Agnode_t *v = agfstnode(g); v; v = agnxtnode(g, v))
		if (agnameof(v)[0] == 'n' && strcmp(attr(v, "shape"), "point"))
			fprintf(fp, "%s\n", attr(v, "label"));
}

static char *scope_labels(const fo_engine *e, fo_scope scope, uint32_t app)
{
	gold_capture c, l;
	assert_int_equal(render(&c, e, scope, app, "dot", 0, NULL), FO_OK);
	Agraph_t *dg = agmemread(c.buf);
	assert_non_null(dg);
	collect_labels(dg, gold_open(&l));
	gold_close(&l);
	agclose(dg);
	gold_free(&c);
	return l.buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The same lines in any order (the DOT writer orders nodes its own way). */
static void assert_same_lines(const char *got, const char *want)
{
	char *g = strdup(got), *w = strdup(want), *gl[64], *wl[64], *save;
	int ng = 0, nw = 0;
	for (char *t = strtok_r(g, "\n", &save); t && ng < 64; t = strtok_r(NULL, "\n", &save))
		gl[ng++] = t;
	for (char *t = strtok_r(w, "\n", &save); t && nw < 64; t = strtok_r(NULL, "\n", &save))
		wl[nw++] = t;
	qsort(gl, (size_t)ng, sizeof *gl, cmp_str);
	qsort(wl, (size_t)nw, sizeof *wl, cmp_str);
	if (ng != nw)
		fail_msg("%d labels drawn, %d expected:\n%s", ng, nw, got);
	for (int i = 0; i < ng; i++)
		assert_string_equal(gl[i], wl[i]);
	free(g);
	free(w);
}

static void scopes(void **state)
{
	(void)state;
	world w;
	world_init(&w, 0, "fail:gz3-cooling");

	/* app:bank — bank, what it needs, and the containers around them;
	 * not the other apps, not the cooling (pay-gz's chain is its own) */
	char *s = scope_labels(w.e, FO_SCOPE_APP, fx_id(w.g, "bank"));
	assert_same_lines(s, "[Guangzhou\\ngz]\n[gz-3]\n[GZ3 data center\\ngz3-dc]\n"
			       "[gz3-hall-a]\n[gz3-rack-01]\n"
			       "cvm-gz3\ngz3-cooling\npay-gz\npay-sh\ncdn-gz\nbank\\nabc \xc2\xb7 tier 1\n");
	free(s);

	/* impact (the default with a failure): the impacted nodes, the up
	 * members that keep a hit group going (pay-sh, cdn-gz), and the
	 * containers around them; nothing else */
	s = scope_labels(w.e, FO_SCOPE_AUTO, 0);
	assert_same_lines(s, "[Guangzhou\\ngz]\n[gz-3]\n[GZ3 data center\\ngz3-dc]\n"
			       "[gz3-hall-a]\n[gz3-rack-01]\n"
			       "cvm-gz3\ngz3-cooling\npay-gz\npay-sh\ncdn-gz\n"
			       "WeChat Pay\\nwechat-pay\\ntencent \xc2\xb7 tier 1\nphotos\n"
			       "qq-mail\\ntencent \xc2\xb7 tier 2\nblog\nbank\\nabc \xc2\xb7 tier 1\n"
			       "stats\\nabc\n");
	free(s);

	/* no failure: auto means all */
	assert_int_equal(fx_run(w.e, ""), FO_OK);
	gold_capture c;
	assert_int_equal(render(&c, w.e, FO_SCOPE_AUTO, 0, "dot", 0, NULL), FO_OK);
	assert_non_null(strstr(c.buf, "no failure\\nscope: all, 16 nodes"));
	gold_free(&c);
	world_free(&w);
}

static void too_large(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	world_init(&w, 0, "fail:gz3-cooling");
	/* by default a drawing over the limit becomes the map */
	assert_int_equal(render(&c, w.e, FO_SCOPE_ALL, 0, "dot", 10, d), FO_OK);
	assert_non_null(strstr(c.buf, "16 nodes in "));
	assert_non_null(strstr(c.buf, " boxes (impact map"));
	gold_free(&c);
	/* asked for nodes: refused, with what helps, in the command's words */
	fo_render_opts o = { .scope = FO_SCOPE_ALL, .format = "svg", .max_nodes = 10,
			     .detail = FO_DETAIL_NODES, .cli = 1 };
	assert_int_equal(render_o(&c, w.e, &o, d), FO_ELIMIT);
	assert_int_equal(c.len, 0); /* nothing written */
	assert_int_equal(fo_diag_count(d), 1);
	const char *msg = fo_diag_get(d, 0)->msg;
	assert_non_null(strstr(msg, "16 nodes"));
	assert_non_null(strstr(msg, "limit of 10"));
	assert_non_null(strstr(msg, "--detail map"));
	assert_non_null(strstr(msg, "--paths"));
	assert_non_null(strstr(msg, "--scope tenant:NAME or app:ID"));
	assert_non_null(strstr(msg, "--max-nodes"));
	assert_null(strstr(msg, "--scope impact")); /* nothing that does not help */
	gold_free(&c);
	/* for a page: the same without options */
	o.cli = 0;
	assert_int_equal(render_o(&c, w.e, &o, d), FO_ELIMIT);
	msg = fo_diag_get(d, fo_diag_count(d) - 1)->msg;
	assert_non_null(strstr(msg, "16 nodes"));
	assert_null(strstr(msg, "--"));
	assert_non_null(strstr(msg, "impact map"));
	gold_free(&c);
	/* the impact scope fits */
	assert_int_equal(render(&c, w.e, FO_SCOPE_IMPACT, 0, "dot", 16, d), FO_OK);
	gold_free(&c);
	fo_diag_free(d);
	world_free(&w);
}

static void formats(void **state)
{
	(void)state;
	world w;
	gold_capture c;
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	world_init(&w, 0, "fail:gz3-cooling");
	assert_int_equal(render(&c, w.e, FO_SCOPE_AUTO, 0, "png", 0, d), FO_OK);
	assert_true(c.len > 8 && !memcmp(c.buf, "\x89PNG\r\n\x1a\n", 8));
	gold_free(&c);
	assert_int_equal(render(&c, w.e, FO_SCOPE_AUTO, 0, "pdf", 0, d), FO_OK);
	assert_true(c.len > 5 && !memcmp(c.buf, "%PDF-", 5));
	gold_free(&c);
	assert_int_equal(fo_diag_count(d), 0);
	assert_int_equal(render(&c, w.e, FO_SCOPE_AUTO, 0, "gif", 0, d), FO_EINVAL);
	assert_int_equal(fo_diag_count(d), 1);
	assert_non_null(strstr(fo_diag_get(d, 0)->msg, "unknown diagram format"));
	gold_free(&c);
	assert_int_equal(render(&c, w.e, FO_SCOPE_APP, 100000, "dot", 0, d), FO_EINVAL);
	gold_free(&c);
	FILE *ro = fopen("/dev/null", "r");
	assert_non_null(ro);
	fo_render_opts o = { .scope = FO_SCOPE_AUTO, .format = "dot" };
	assert_int_equal(fo_render(ro, w.e, &o, NULL), FO_EIO);
	fclose(ro);
	fo_diag_free(d);
	world_free(&w);

	assert_string_equal(fo_render_format_for_path("out/x.svg"), "svg");
	assert_string_equal(fo_render_format_for_path("X.PNG"), "png");
	assert_string_equal(fo_render_format_for_path("a.b/c.pdf"), "pdf");
	assert_string_equal(fo_render_format_for_path("g.gv"), "dot");
	assert_string_equal(fo_render_format_for_path("g.dot"), "dot");
	assert_null(fo_render_format_for_path("a.b/c"));
	assert_null(fo_render_format_for_path("c.jpeg"));
	assert_null(fo_render_format_for_path("svg"));
	assert_null(fo_render_format_for_path(NULL));
}

/* Bytes of the UTF-8 sequence that starts with byte c (valid input). */
static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

static void long_labels_round_trip(void **state)
{
	(void)state;
	/* cgraph's writer breaks long strings with backslash-newline; with
	 * escapes everywhere the text must still come back unchanged */
	static const char *const pats[] = { "ab\\\"c\n&x ", "\\", "\"", "-. \\n",
					    "\xe4\xb8\xad\\" };
	for (size_t k = 0; k < sizeof pats / sizeof *pats; k++) {
		char id[FO_ID_MAX + 1];
		size_t pl = strlen(pats[k]);
		for (size_t i = 0; i < FO_ID_MAX; i++)
			id[i] = pats[k][i % pl];
		id[FO_ID_MAX - (FO_ID_MAX % pl)] = '\0'; /* whole characters */
		fo_diag *d = NULL;
		fo_builder *b = NULL;
		fo_graph *g = NULL;
		fo_engine *e = NULL;
		uint32_t n;
		gold_capture c;
		assert_int_equal(fo_diag_new(&d, 0), FO_OK);
		assert_int_equal(fo_builder_new(&b, d, NULL), FO_OK);
		assert_int_equal(fo_builder_add_node(b, id, "service", id, NULL, 0, (fo_pos){ 1, 1 }, &n),
				 FO_OK);
		assert_int_equal(fo_builder_finish(b, &g), FO_OK);
		fo_builder_free(b);
		assert_int_equal(fo_engine_new(&e, g), FO_OK);
		assert_int_equal(render(&c, e, FO_SCOPE_ALL, 0, "dot", 0, NULL), FO_OK);
		Agraph_t *dg = agmemread(c.buf);
		assert_non_null(dg);
		/* the label is cut at 200 characters; the tooltip has the whole id */
		char *got = unescape_label(attr(find_node(dg, "n0"), "label"));
		size_t cut = 0;
		for (size_t chars = 0; chars < 200; chars++)
			cut += utf8_len((unsigned char)id[cut]);
		assert_int_equal(strlen(got), cut + 3);
		assert_memory_equal(got, id, cut);
		assert_string_equal(got + cut, "\xe2\x80\xa6");
		free(got);
		got = unescape_label(attr(find_node(dg, "n0"), "tooltip"));
		assert_memory_equal(got, id, strlen(id));
		assert_string_equal(got + strlen(id), " (service): up");
		free(got);
		agclose(dg);
		gold_free(&c);
		fo_engine_free(e);
		fo_graph_free(g);
		fo_diag_free(d);
	}
}

/* A 20 MB name: drawn as its first 200 characters and "…", cut on a
 * character boundary, and laid out like any other (Graphviz took 7 s and
 * 700 MB on a 9 MB one, then failed: "Edge length larger than maximum"). */
static void huge_name_label_capped(void **state)
{
	(void)state;
	size_t len = 20 * 1000 * 1000 + 1; /* "a" then 3-byte characters */
	char *name = malloc(len + 1);
	assert_non_null(name);
	name[0] = 'a';
	for (size_t i = 1; i < len; i += 3)
		memcpy(name + i, "\xe4\xb8\xad", 3);
	name[len] = '\0';
	fo_diag *d = NULL;
	fo_builder *b = NULL;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	uint32_t n;
	gold_capture c;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_builder_new(&b, d, NULL), FO_OK);
	assert_int_equal(fo_builder_add_node(b, "big", "service", name, NULL, 0, (fo_pos){ 1, 1 }, &n),
			 FO_OK);
	assert_int_equal(fo_builder_finish(b, &g), FO_OK);
	fo_builder_free(b);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "fail:big"), FO_OK);

	assert_int_equal(render(&c, e, FO_SCOPE_ALL, 0, "dot", 0, NULL), FO_OK);
	assert_true(c.len < 100000);
	Agraph_t *dg = agmemread(c.buf);
	assert_non_null(dg);
	char *got = unescape_label(attr(find_node(dg, "n0"), "label"));
	char want[1 + 199 * 3 + 3 + 1 + 3 + 1];
	memcpy(want, name, 1 + 199 * 3);
	strcpy(want + 1 + 199 * 3, "\xe2\x80\xa6\nbig");
	assert_string_equal(got, want);
	free(got);
	agclose(dg);
	gold_free(&c);

	/* laid out and rendered by Graphviz */
	assert_int_equal(render(&c, e, FO_SCOPE_ALL, 0, "svg", 0, NULL), FO_OK);
	assert_non_null(strstr(c.buf, "<svg"));
	assert_true(c.len < 100000);
	assert_non_null(strstr(c.buf, "\xe4\xb8\xad\xe2\x80\xa6</text>"));
	gold_free(&c);

	fo_engine_free(e);
	fo_graph_free(g);
	fo_diag_free(d);
	free(name);
}

static void deep_containment(void **state)
{
	(void)state;
	/* 300 nested containers declared innermost first (flat in= style):
	 * clusters are made outermost first without recursion */
	char *spec = malloc(300 * 32);
	size_t n = 0;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	gold_capture c;
	assert_non_null(spec);
	for (int i = 0; i < 300; i++)
		n += (size_t)sprintf(spec + n, "c%d @ c%d\n", i, i + 1);
	assert_int_equal(fx_graph(&g, spec, NULL), FO_OK);
	free(spec);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "fail:c0"), FO_OK);
	fo_render_opts o = { .scope = FO_SCOPE_IMPACT, .format = "dot", .detail = FO_DETAIL_NODES };
	assert_int_equal(render_o(&c, e, &o, NULL), FO_OK);
	Agraph_t *dg = agmemread(c.buf);
	assert_non_null(dg);
	int depth = 0;
	for (Agraph_t *s = agsubg(dg, "cluster_n300", 0); s; s = agfstsubg(s))
		depth++;
	assert_int_equal(depth, 300); /* c300 … c1 are clusters, c0 a node */
	agclose(dg);
	gold_free(&c);
	/* the default: the map of the chain, in budget */
	o.detail = FO_DETAIL_AUTO;
	assert_int_equal(render_o(&c, e, &o, NULL), FO_OK);
	assert_non_null(strstr(c.buf, "301 nodes in "));
	gold_free(&c);
	fo_engine_free(e);
	fo_graph_free(g);
}

/* Counts nodes named "b<number>" (boxes) and reads their labels. */
static int count_boxes(Agraph_t *dg, FILE *labels)
{
	int n = 0;
	for (Agnode_t *v = agfstnode(dg); v; v = agnxtnode(dg, v)) {
		const char *name = agnameof(v);
		if (name[0] != 'b' || name[1] < '0' || name[1] > '9')
			continue;
		n++;
		assert_string_equal(attr(v, "peripheries"), "2");
		if (labels) {
			char *l = unescape_label(attr(v, "label"));
			fprintf(labels, "%s\n--\n", l);
			free(l);
		}
	}
	return n;
}

static void map_drawing(void **state)
{
	(void)state;
	fo_diag *d = NULL;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	gold_capture c, l;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_inventory_load(&g, "samples/tencent-gz-2023.xml", NULL, d), FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "fail:gz-cooling"), FO_OK);

	/* 76 nodes: drawn one by one by default, apps in tenant clusters */
	fo_render_opts o = { .scope = FO_SCOPE_AUTO, .format = "dot" };
	assert_int_equal(render_o(&c, e, &o, d), FO_OK);
	Agraph_t *dg = agmemread(c.buf);
	assert_non_null(dg);
	assert_int_equal(count_boxes(dg, NULL), 0);
	Agraph_t *t0 = agsubg(dg, "cluster_tenant0", 0), *t1 = agsubg(dg, "cluster_tenant1", 0);
	assert_non_null(t0);
	assert_non_null(t1);
	assert_string_equal(attr(t0, "label"), "tenant wechat");
	char name[32];
	snprintf(name, sizeof name, "n%u", fx_id(g, "wechat-pay"));
	assert_non_null(agsubnode(t0, agnode(dg, name, 0), 0));
	char *label = unescape_label(attr(agnode(dg, name, 0), "label"));
	assert_string_equal(label, "WeChat Pay \xe5\xbe\xae\xe4\xbf\xa1\xe6\x94\xaf\xe4\xbb\x98\n"
				   "wechat-pay\nwechat \xc2\xb7 tier 1");
	free(label);
	/* the headline in the title */
	char *title = unescape_label(attr(dg, "label"));
	if (!strstr(title, "\napps: 8 hit: 6 down, 2 degraded and at-risk\n"))
		fail_msg("%s", title);
	free(title);
	agclose(dg);
	gold_free(&c);

	/* the map: boxes with double borders, counts on lines, the legend
	 * says what a box is */
	o.detail = FO_DETAIL_MAP;
	assert_int_equal(render_o(&c, e, &o, d), FO_OK);
	dg = agmemread(c.buf);
	assert_non_null(dg);
	int boxes = count_boxes(dg, gold_open(&l));
	gold_close(&l);
	assert_true(boxes > 0);
	/* the tier-1 apps of wechat: pay and chat (down, degraded) */
	assert_non_null(strstr(l.buf, "wechat \xc2\xb7 tier 1\n2 apps\n1 down, 1 degraded"));
	assert_non_null(agnode(agsubg(dg, "cluster_legend", 0), "legend_box", 0));
	int counted = 0;
	for (Agnode_t *v = agfstnode(dg); v; v = agnxtnode(dg, v))
		for (Agedge_t *ed = agfstout(dg, v); ed; ed = agnxtout(dg, ed))
			counted += attr(ed, "label")[0] >= '2' && attr(ed, "label")[0] <= '9';
	assert_true(counted > 0);
	title = unescape_label(attr(dg, "label"));
	assert_non_null(strstr(title, "76 nodes in "));
	free(title);
	agclose(dg);
	gold_free(&l);
	gold_free(&c);

	/* budget: one box at most is not reachable; the coarsest map is drawn */
	o.max_boxes = 5;
	assert_int_equal(render_o(&c, e, &o, d), FO_OK);
	dg = agmemread(c.buf);
	assert_non_null(dg);
	title = unescape_label(attr(dg, "label"));
	assert_non_null(strstr(title, "(impact map, apps by state)"));
	free(title);
	agclose(dg);
	gold_free(&c);

	fo_engine_free(e);
	fo_graph_free(g);
	fo_diag_free(d);
}

/* Hostile tenants and kind words in a box's label come back as text. */
static void map_hostile_labels(void **state)
{
	(void)state;
	const char *tenant = "t\"<&>\\n\n\xe5\xbe\xae", *kind = "k\"<b>&\\";
	fo_builder *b = NULL;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	uint32_t root, x;
	gold_capture c, l;
	assert_int_equal(fo_builder_new(&b, NULL, "h"), FO_OK);
	assert_int_equal(fo_builder_add_node(b, "root", "power", NULL, NULL, 0, (fo_pos){ 1, 1 }, &root),
			 FO_OK);
	for (int i = 0; i < 3; i++) {
		char id[16];
		snprintf(id, sizeof id, "a%d", i);
		assert_int_equal(fo_builder_add_node(b, id, "app", NULL, tenant, 1, (fo_pos){ 2, 1 }, &x),
				 FO_OK);
		assert_int_equal(fo_builder_group_begin(b, x, FO_GROUP_REQUIRES, 1, (fo_pos){ 2, 1 }), FO_OK);
		assert_int_equal(fo_builder_group_add(b, "root", (fo_pos){ 2, 1 }), FO_OK);
		assert_int_equal(fo_builder_group_end(b), FO_OK);
		snprintf(id, sizeof id, "k%d", i);
		assert_int_equal(fo_builder_add_node(b, id, kind, NULL, NULL, 0, (fo_pos){ 3, 1 }, &x),
				 FO_OK);
		assert_int_equal(fo_builder_group_begin(b, x, FO_GROUP_REQUIRES, 1, (fo_pos){ 3, 1 }), FO_OK);
		assert_int_equal(fo_builder_group_add(b, "root", (fo_pos){ 3, 1 }), FO_OK);
		assert_int_equal(fo_builder_group_end(b), FO_OK);
	}
	assert_int_equal(fo_builder_finish(b, &g), FO_OK);
	fo_builder_free(b);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "fail:root"), FO_OK);
	fo_render_opts o = { .scope = FO_SCOPE_AUTO, .format = "dot", .detail = FO_DETAIL_MAP };
	assert_int_equal(render_o(&c, e, &o, NULL), FO_OK);
	Agraph_t *dg = agmemread(c.buf);
	assert_non_null(dg);
	assert_int_equal(count_boxes(dg, gold_open(&l)), 2);
	gold_close(&l);
	assert_non_null(strstr(l.buf, "t\"<&>\\n\n\xe5\xbe\xae \xc2\xb7 tier 1\n3 apps\nall down\n"));
	assert_non_null(strstr(l.buf, "3 k\"<b>&\\s\nall down\n"));
	agclose(dg);
	gold_free(&l);
	/* and Graphviz reads it back into well-formed SVG */
	gold_free(&c);
	o.format = "svg";
	assert_int_equal(render_o(&c, e, &o, NULL), FO_OK);
	xmlDoc *doc = xmlReadMemory(c.buf, (int)c.len, "h.svg", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlFreeDoc(doc);
	gold_free(&c);
	fo_engine_free(e);
	fo_graph_free(g);
}

/* --scope tenant:NAME, --depth, --paths. */
static void map_scopes(void **state)
{
	(void)state;
	world w;
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	world_init(&w, 0, "fail:gz3-cooling");
	gold_capture c, l;

	/* depth 1: the cooling and what it took down directly (the hall),
	 * inside their containers */
	fo_render_opts o = { .scope = FO_SCOPE_IMPACT, .format = "dot", .limit_depth = 1, .depth = 1 };
	assert_int_equal(render_o(&c, w.e, &o, d), FO_OK);
	Agraph_t *dg = agmemread(c.buf);
	collect_labels(dg, gold_open(&l));
	gold_close(&l);
	assert_same_lines(l.buf, "[Guangzhou\\ngz]\n[gz-3]\n[GZ3 data center\\ngz3-dc]\n"
				 "gz3-cooling\ngz3-hall-a\n");
	agclose(dg);
	gold_free(&l);
	gold_free(&c);

	/* paths: the chains to the impacted apps, nothing else (not photos,
	 * a dataset); the spare of a hit group stays */
	memset(&o, 0, sizeof o);
	o.scope = FO_SCOPE_IMPACT;
	o.format = "dot";
	o.paths = 1;
	assert_int_equal(render_o(&c, w.e, &o, d), FO_OK);
	dg = agmemread(c.buf);
	collect_labels(dg, gold_open(&l));
	gold_close(&l);
	assert_null(strstr(l.buf, "photos"));
	assert_non_null(strstr(l.buf, "gz3-cooling"));
	assert_non_null(strstr(l.buf, "wechat-pay"));
	agclose(dg);
	gold_free(&l);
	gold_free(&c);

	/* tenant: what tenant abc's nodes need, impacted part */
	memset(&o, 0, sizeof o);
	o.scope = FO_SCOPE_TENANT;
	o.tenant = "abc";
	o.format = "dot";
	assert_int_equal(render_o(&c, w.e, &o, d), FO_OK);
	assert_non_null(strstr(c.buf, "scope: tenant abc"));
	gold_free(&c);
	o.tenant = "nobody\n";
	assert_int_equal(render_o(&c, w.e, &o, d), FO_EINVAL);
	assert_string_equal(fo_diag_get(d, fo_diag_count(d) - 1)->msg, "no node has tenant 'nobody\\n'");
	gold_free(&c);

	/* depth and paths need a failure */
	assert_int_equal(fx_run(w.e, ""), FO_OK);
	memset(&o, 0, sizeof o);
	o.format = "dot";
	o.paths = 1;
	o.cli = 1;
	assert_int_equal(render_o(&c, w.e, &o, d), FO_EINVAL);
	assert_non_null(strstr(fo_diag_get(d, fo_diag_count(d) - 1)->msg, "--paths needs a failure"));
	gold_free(&c);
	fo_diag_free(d);
	world_free(&w);
}

/* A PNG wider than cairo's bitmaps would be scaled down by Graphviz: it is
 * refused, and the message points to SVG. */
static void png_too_large(void **state)
{
	(void)state;
	char *spec = malloc(400 * 40);
	size_t n = 0;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	fo_diag *d = NULL;
	gold_capture c;
	assert_non_null(spec);
	n += (size_t)sprintf(spec + n, "N root power\n");
	for (int i = 0; i < 400; i++)
		n += (size_t)sprintf(spec + n, "svc-with-a-long-name-%03d > root\n", i);
	assert_int_equal(fx_graph(&g, spec, NULL), FO_OK);
	free(spec);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "fail:root"), FO_OK);
	fo_render_opts o = { .scope = FO_SCOPE_IMPACT, .format = "png", .detail = FO_DETAIL_NODES,
			     .cli = 1 };
	assert_int_equal(render_o(&c, e, &o, d), FO_ELIMIT);
	assert_int_equal(c.len, 0);
	const char *msg = fo_diag_get(d, 0)->msg;
	assert_non_null(strstr(msg, "as PNG it would be scaled below legible size"));
	assert_non_null(strstr(msg, "-o FILE.svg"));
	gold_free(&c);
	/* the map of it is small and fine as PNG */
	o.detail = FO_DETAIL_AUTO;
	assert_int_equal(render_o(&c, e, &o, d), FO_OK);
	assert_true(c.len > 8 && !memcmp(c.buf, "\x89PNG", 4));
	gold_free(&c);
	fo_engine_free(e);
	fo_graph_free(g);
	fo_diag_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dot_golden),
		cmocka_unit_test(dot_round_trip_hostile),
		cmocka_unit_test(svg_from_graphviz_dot),
		cmocka_unit_test(svg_from_gvc),
		cmocka_unit_test(drawing_conventions),
		cmocka_unit_test(scopes),
		cmocka_unit_test(too_large),
		cmocka_unit_test(huge_name_label_capped),
		cmocka_unit_test(formats),
		cmocka_unit_test(long_labels_round_trip),
		cmocka_unit_test(deep_containment),
		cmocka_unit_test(map_drawing),
		cmocka_unit_test(map_hostile_labels),
		cmocka_unit_test(map_scopes),
		cmocka_unit_test(png_too_large),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
