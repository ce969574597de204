/* test_batchreport.c — the batch report writer (reports/fo_batchreport.h),
 * the impacts CSV rows (fo_report_impacts_csv), the SPOF report selection
 * (reports/fo_spofreport.h) and the stored runs of a report in a snapshot
 * database (graphs/fo_snapshot.h, schema 2). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "analyzer/fo_engine.h"
#include "analyzer/fo_spof.h"
#include "graphs/fo_error.h"
#include "graphs/fo_snapshot.h"
#include "reports/fo_batchreport.h"
#include "reports/fo_report.h"
#include "reports/fo_spofreport.h"
#include "helpers/fixture.h"

/* A hostile little world: ids and names that try markup in every syntax. */
static const char world[] =
	"N site site\n"
	"N chiller cooling\n"
	"N svc<b> service name=a|b*c\n"
	"N app&1 app tenant=t<x> tier=1\n"
	"N app2 app tenant=t<x> tier=2\n"
	"N app3 app tier=3\n"
	"chiller @ site\n"
	"svc<b> > chiller\n"
	"app&1 > svc<b>\n"
	"app2 ~> svc<b>\n"
	"app3 > site\n";

typedef struct out {
	char *p;
	size_t len;
	FILE *fp;
} out;

static void out_open(out *o)
{
	memset(o, 0, sizeof *o);
	o->fp = open_memstream(&o->p, &o->len);
	assert_non_null(o->fp);
}

static void out_close(out *o)
{
	assert_int_equal(fclose(o->fp), 0);
	o->fp = NULL;
}

/* Runs "fail:..." on a fresh world and writes its HTML and Markdown. */
static void render_world(const char *scenario, const fo_batchreport_diagram *d, out *html,
			 out *md)
{
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	fo_batchreport *r = NULL;
	fo_spof *s = NULL;
	fo_spofreport sr;
	fo_batchreport_info info = { "t|<title>", "inv", "in.xml", "sc.xml", "2023-03-29T00:00:00Z",
				     "9.9<b>" };
	uint32_t fail;

	assert_int_equal(fx_graph(&g, world, NULL), FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	fail = fx_id(g, scenario);
	fo_scenario sc = { &fail, 1, NULL, 0 };
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);
	assert_int_equal(fo_batchreport_new(&r, g, &info), FO_OK);
	assert_int_equal(fo_batchreport_add(r, e, "name <i>|*x*", &sc, d), FO_OK);
	assert_int_equal(fo_spof_compute(&s, g), FO_OK);
	assert_int_equal(fo_spofreport_select(&sr, g, s, FO_NONE, NULL, 3), FO_OK);
	out_open(html);
	out_open(md);
	assert_int_equal(fo_batchreport_finish(r, &sr, html->fp, md->fp), FO_OK);
	out_close(html);
	out_close(md);
	fo_spofreport_dispose(&sr);
	fo_spof_free(s);
	fo_batchreport_free(r);
	fo_engine_free(e);
	fo_graph_free(g);
}

static void test_html_escapes_and_structure(void **state)
{
	(void)state;
	out html, md;
	fo_batchreport_diagram d = { NULL, 0, NULL, "too large" };
	render_world("chiller", &d, &html, &md);
	/* Hostile text escaped, never raw. */
	assert_non_null(strstr(html.p, "<title>fallout: t|&lt;title&gt;</title>"));
	assert_non_null(strstr(html.p, "<code>svc&lt;b&gt;</code>"));
	assert_non_null(strstr(html.p, "<code>app&amp;1</code>"));
	assert_null(strstr(html.p, "<b>svc"));
	assert_null(strstr(html.p, "9.9<b>"));
	/* When and by what: the time as given, the version escaped. */
	assert_non_null(strstr(html.p, "<meta name=\"generator\" content=\"fallout 9.9&lt;b&gt;\">"));
	assert_non_null(strstr(html.p, "Written by fallout 9.9&lt;b&gt; on <time datetime=\"2023-03-29T00:00:00Z\">"
				       "2023-03-29 00:00:00 UTC</time>."));
	assert_non_null(strstr(md.p, "\nWritten by fallout 9.9&lt;b&gt; on 2023-03-29 00:00:00 UTC.\n"));
	/* Key findings first, right after the header; hostile ids escaped
	 * and linked to the rows below. */
	const char *kf = strstr(html.p, "</header>\n<section id=\"findings\">\n<h2>Key findings</h2>");
	assert_non_null(kf);
	assert_true(kf < strstr(html.p, "<section id=\"summary\">"));
	assert_non_null(strstr(kf, "<p>1 of 1 tier-1 app goes down when one node fails, or loses data when "
				   "one is destroyed:</p>\n<ul>\n<li><a href=\"#spof-1\"><code>app&amp;1</code>"
				   "</a> (t&lt;x&gt;): fails with 3: "));
	assert_non_null(strstr(html.p, "<tr id=\"spof-1\"><td><code>app&amp;1</code>"));
	const char *mkf = strstr(md.p, "\n## Key findings\n");
	assert_non_null(mkf);
	assert_true(mkf < strstr(md.p, "\n## Summary\n"));
	assert_non_null(strstr(mkf, "- app&amp;1 (t&lt;x&gt;): fails with 3: "));
	assert_null(strstr(html.p, "<i>"));
	/* Summary: the scenario linked to its section, counts, tiers, tenants. */
	assert_non_null(strstr(html.p, "<a href=\"#s1\">name &lt;i&gt;|*x*</a>"));
	assert_non_null(strstr(html.p, "<td class=\"n\">1 / 0 / 0</td>"));
	assert_non_null(strstr(html.p, "t&lt;x&gt;: 1 down, 1 degraded only"));
	/* The section: its chain, the diagram note, then the SPOF section. */
	const char *sec = strstr(html.p, "<section class=\"scenario\" id=\"s1\">");
	assert_non_null(sec);
	assert_non_null(strstr(sec, "<pre class=\"why\">app&amp;1 is down: requires svc&lt;b&gt; (down)"));
	assert_non_null(strstr(sec, "<p class=\"note\">too large</p>"));
	assert_true(strstr(html.p, "<section id=\"spof\">") > sec);
	assert_non_null(strstr(html.p, "Content-Security-Policy"));
	assert_null(strstr(html.p, "<script"));
	/* Markdown: table cells cannot be split or styled by the text. */
	assert_non_null(strstr(md.p, "| name &lt;i&gt;\\|\\*x\\* | 2 | 1 | 0 | 1 | 0 | 0 | 1 / 0 / 0 | 3 |"));
	assert_non_null(strstr(md.p, "| svc&lt;b&gt; |"));
	assert_non_null(strstr(md.p, "No diagram: too large"));
	assert_non_null(strstr(md.p, "\n    app&1 is down: requires svc<b> (down)\n"));
	free(html.p);
	free(md.p);
}

static void test_svg_prolog_dropped_ids_prefixed(void **state)
{
	(void)state;
	static const char svg[] =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"x\" \"y\">\n<!-- c -->\n"
		"<svg width=\"1pt\"><g id=\"a\"><use xlink:href=\"#a\"/>"
		"<path fill=\"url(#g)\"/></g></svg>\n";
	out html, md;
	fo_batchreport_diagram d = { svg, sizeof svg - 1, "scenario-001.svg", NULL };
	render_world("site", &d, &html, &md);
	assert_null(strstr(html.p, "<?xml"));
	assert_null(strstr(html.p, "<!-- c -->"));
	assert_non_null(strstr(html.p, "<div class=\"frame\" style=\"--w:1px\">\n<svg width=\"1pt\">"
					"<g id=\"s1-a\"><use xlink:href=\"#s1-a\"/><path fill=\"url(#s1-g)\"/>"));
	assert_non_null(strstr(md.p, "![diagram of name &lt;i&gt;\\|\\*x\\*](scenario-001.svg)"));
	free(html.p);
	free(md.p);
}

/* Only attribute references are prefixed: text, comments and titles carry
 * node names and stay as written. */
static void test_svg_text_not_rewritten(void **state)
{
	(void)state;
	static const char svg[] =
		"<svg width=\"1pt\">\n"
		"<!-- url(#c) id=\"c\" -->\n"
		"<g id=\"node1\" class=\"node\"><title>url(#foo)</title>\n"
		"<a xlink:href=\"#node1\" xlink:title=\"url(#foo) href=&quot;#t&quot;\">\n"
		"<path fill=\"url(#g1)\" style=\"stroke:url(#g2)\" d=\"M0,0\"/>\n"
		"<text x='1' id='t2'>url(#foo)</text>\n"
		"<text>id=\"x\" href=\"#y\"</text>\n"
		"</a></g></svg>\n";
	static const char want[] =
		"<svg width=\"1pt\">\n"
		"<!-- url(#c) id=\"c\" -->\n"
		"<g id=\"s1-node1\" class=\"node\"><title>url(#foo)</title>\n"
		"<a xlink:href=\"#s1-node1\" xlink:title=\"url(#foo) href=&quot;#t&quot;\">\n"
		"<path fill=\"url(#s1-g1)\" style=\"stroke:url(#s1-g2)\" d=\"M0,0\"/>\n"
		"<text x='1' id='s1-t2'>url(#foo)</text>\n"
		"<text>id=\"x\" href=\"#y\"</text>\n"
		"</a></g></svg>\n";
	out html, md;
	fo_batchreport_diagram d = { svg, sizeof svg - 1, "scenario-001.svg", NULL };
	render_world("site", &d, &html, &md);
	if (!strstr(html.p, want))
		fail_msg("SVG not copied as expected:\n%s", html.p);
	free(html.p);
	free(md.p);
}

static void test_no_app_affected_and_no_spof(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	fo_batchreport *r = NULL;
	fo_batchreport_info info = { NULL, NULL, "in.xml", "sc.xml", NULL, NULL };
	out html, md;
	assert_int_equal(fx_graph(&g, "N a service\nN b service\na ~> b\n", NULL), FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	uint32_t v = fx_id(g, "a");
	fo_scenario sc = { &v, 1, NULL, 0 };
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);
	assert_int_equal(fo_batchreport_new(&r, g, &info), FO_OK);
	assert_int_equal(fo_batchreport_add(r, e, "s", &sc, NULL), FO_OK);
	out_open(&html);
	out_open(&md);
	assert_int_equal(fo_batchreport_finish(r, NULL, html.fp, md.fp), FO_OK);
	out_close(&html);
	out_close(&md);
	assert_non_null(strstr(html.p, "<title>fallout: scenario report</title>"));
	assert_non_null(strstr(html.p, "<p>No app is affected.</p>"));
	assert_non_null(strstr(html.p, "<td>none</td>"));
	assert_non_null(strstr(html.p, "<p>Not computed.</p>"));
	assert_non_null(strstr(md.p, "No app is affected."));
	/* No time, no version: nothing invented. */
	assert_non_null(strstr(html.p, "<meta name=\"generator\" content=\"fallout\">"));
	assert_non_null(strstr(html.p, "<p class=\"meta\">Written by fallout.</p>"));
	assert_non_null(strstr(md.p, "\nWritten by fallout.\n"));
	assert_non_null(strstr(html.p, "<h3>Data lost</h3>\n<p>No scenario loses data.</p>"));
	/* A graph from another engine is refused. */
	fo_graph *g2 = NULL;
	fo_engine *e2 = NULL;
	assert_int_equal(fx_graph(&g2, "N x service\n", NULL), FO_OK);
	assert_int_equal(fo_engine_new(&e2, g2), FO_OK);
	assert_int_equal(fo_batchreport_add(r, e2, "s", &sc, NULL), FO_EINVAL);
	fo_engine_free(e2);
	fo_graph_free(g2);
	free(html.p);
	free(md.p);
	fo_batchreport_free(r);
	fo_engine_free(e);
	fo_graph_free(g);
}

/* Shared fate and lost data in the findings, each linked to its detail;
 * a region and the owner's own container are not findings. */
static void test_findings_fate_and_loss(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	fo_batchreport *r = NULL;
	fo_spof *s = NULL;
	fo_spofreport sr;
	fo_batchreport_info info = { "f", NULL, "in.xml", "sc.xml", "not a stamp <x>", "1" };
	out html, md;
	assert_int_equal(fx_graph(&g,
				  "N reg region\n"
				  "N room room\n"
				  "N loop cooling\n"
				  "N c1 cooling\nN c2 cooling\n"
				  "N d1 storage\nN d2 storage\n"
				  "N data dataset\n"
				  "N hall room\n"
				  "N a app tenant=t tier=1\n"
				  "room @ reg\nloop @ reg\nhall @ reg\n"
				  "c1 > loop\nc2 > loop\n"
				  "hall > 1: c1 c2\n"
				  "d1 @ room\nd2 @ room\n"
				  "data copy d1 d2\n"
				  "N h2 room\nN e1 cooling\nN e2 cooling\n"
				  "e1 @ reg\ne2 @ reg\nh2 > 1: e1 e2\n"
				  "N hx host\nN p1 power\nN p2 power\n"
				  "hx @ room\np1 @ room\np2 @ room\nhx > 1: p1 p2\n"
				  "a > data\na > hall\na > h2\n",
				  NULL),
			 FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fo_batchreport_new(&r, g, &info), FO_OK);
	uint32_t v = fx_id(g, "c1");
	fo_scenario sc1 = { &v, 1, NULL, 0 };
	assert_int_equal(fo_engine_run(e, &sc1), FO_OK);
	assert_int_equal(fo_batchreport_add(r, e, "one chiller", &sc1, NULL), FO_OK);
	uint32_t w = fx_id(g, "room");
	fo_scenario sc2 = { NULL, 0, &w, 1 };
	assert_int_equal(fo_engine_run(e, &sc2), FO_OK);
	assert_int_equal(fo_batchreport_add(r, e, "room <burns>", &sc2, NULL), FO_OK);
	assert_int_equal(fo_spof_compute(&s, g), FO_OK);
	assert_int_equal(fo_spofreport_select(&sr, g, s, FO_NONE, NULL, 0), FO_OK);
	out_open(&html);
	out_open(&md);
	assert_int_equal(fo_batchreport_finish(r, &sr, html.fp, md.fp), FO_OK);
	out_close(&html);
	out_close(&md);
	/* A time that is not a stamp is shown as given, escaped. */
	assert_non_null(strstr(html.p, "Written by fallout 1 on <time>not a stamp &lt;x&gt;</time>."));
	/* The two chillers on one loop: a finding, linked to its row; the
	 * region is not named. The copies in one room fall with the room. */
	const char *kf = strstr(html.p, "<section id=\"findings\">");
	assert_non_null(kf);
	assert_non_null(strstr(kf, "<li><a href=\"#fate-2\"><code>hall</code></a> requires 1 of "
				   "{<code>c1</code>, <code>c2</code>}: all fall with <code>loop</code></li>"));
	assert_non_null(strstr(kf, "<li><a href=\"#fate-1\"><code>data</code></a> copies 1 of "
				   "{<code>d1</code>, <code>d2</code>}: all fall with <code>room</code></li>"));
	const char *sf = strstr(kf, "<h3>Shared fate"), *dl = strstr(kf, "<h3>Data lost");
	assert_non_null(sf);
	assert_non_null(dl);
	for (const char *p = sf; p < dl; p++)
		assert_true(strncmp(p, "<code>reg</code>", 16) != 0);
	assert_non_null(strstr(html.p, "<tr id=\"fate-2\"><td><code>hall</code></td><td>requires 1 of 2"));
	assert_non_null(strstr(html.p, "<tr id=\"fate-1\"><td><code>data</code></td><td>copies 1 of 2"));
	/* The table keeps a group that falls with a region only, as `fallout
	 * spof` does; the findings do not. */
	assert_non_null(strstr(html.p, "<tr id=\"fate-3\"><td><code>h2</code></td><td>requires 1 of 2</td>"
				       "<td><code>e1</code>, <code>e2</code></td><td><code>reg</code></td></tr>"));
	assert_null(strstr(kf, "#fate-3"));
	/* Nor one that falls with its owner's container: the owner falls
	 * with it anyway. */
	assert_non_null(strstr(html.p, "<tr id=\"fate-4\"><td><code>hx</code></td>"));
	assert_null(strstr(kf, "#fate-4"));
	/* Lost data: the second scenario, linked to its section. */
	assert_non_null(strstr(kf, "<li><a href=\"#s2\">room &lt;burns&gt;</a>: 1 node lost: "
				   "<code>data</code>; 1 app down</li>"));
	assert_non_null(strstr(md.p, "- room &lt;burns&gt;: 1 node lost: data; 1 app down\n"));
	assert_non_null(strstr(md.p, "- hall requires 1 of {c1, c2}: all fall with loop\n"));
	/* The app that needs the lost data says so: in the summary's column,
	 * in its section's summary, in the tenant cell and in its row. */
	if (!strstr(md.p, "| room &lt;burns&gt; | 1 | 1 | 1 | 0 | 0 | 0 | 1 / 0 / 0 |"))
		fail_msg("summary row:\n%s", md.p);
	assert_non_null(strstr(md.p, "apps: 1 hit = 1 down (1 needs lost data) + 0 degraded only"));
	assert_non_null(strstr(md.p, "| t: 1 down (1 needs lost data) |"));
	const char *s2 = strstr(html.p, "<h2>2. room &lt;burns&gt;</h2>");
	assert_non_null(s2);
	const char *arow = strstr(s2, "<td><code>a</code></td><td>a</td><td>t</td><td>1</td>");
	assert_non_null(arow); /* the apps table's row (the nodes table has no tier) */
	const char *aend = strstr(arow, "</tr>");
	assert_non_null(aend);
	if (aend - arow < 26 || strncmp(aend - 26, "<td><code>data</code></td>", 26) != 0)
		fail_msg("app row without its lost data: %.*s", (int)(aend - arow + 5), arow);
	assert_non_null(strstr(md.p, "|App|Name|Tenant|Tier|State|Root cause|Cause|Lost data|") ||
			strstr(md.p, "| App | Name | Tenant | Tier | State | Root cause | Cause | Lost data |"));
	fo_spofreport_dispose(&sr);
	fo_spof_free(s);
	free(html.p);
	free(md.p);
	fo_batchreport_free(r);
	fo_engine_free(e);
	fo_graph_free(g);
}

/* The tenant cell, the summary row and the section's summary partition the
 * apps not up: down, degraded only, at-risk only, degraded and at-risk; each
 * app counted once. */
static void test_tenant_cell_partition(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	fo_batchreport *r = NULL;
	fo_batchreport_info info = { NULL, NULL, "in.xml", "sc.xml", NULL, NULL };
	out html, md;
	assert_int_equal(fx_graph(&g,
				  "N x service\nN y service\nN z service\n"
				  "N down app tenant=t\n"
				  "N deg app tenant=t\n"
				  "N both app tenant=t\n"
				  "N risk app tenant=t\n"
				  "N lone app\n"
				  "down > x\n"
				  "deg ~> x\n"
				  "both ~> x\nboth > 1: x y\n"
				  "risk > 1: x z\n"
				  "lone > 1: x z\n",
				  NULL),
			 FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	uint32_t v = fx_id(g, "x");
	fo_scenario sc = { &v, 1, NULL, 0 };
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);
	assert_int_equal(fo_batchreport_new(&r, g, &info), FO_OK);
	assert_int_equal(fo_batchreport_add(r, e, "x", &sc, NULL), FO_OK);
	out_open(&html);
	out_open(&md);
	assert_int_equal(fo_batchreport_finish(r, NULL, html.fp, md.fp), FO_OK);
	out_close(&html);
	out_close(&md);
	if (!strstr(md.p, "| t: 1 down, 1 degraded only, 1 at-risk only, 1 degraded and at-risk; "
			  "(no tenant): 1 at-risk only |"))
		fail_msg("tenant cell:\n%s", md.p);
	/* The summary row is the same partition: 5 hit = 1 down + 1 degraded
	 * only + 2 at-risk only + 1 degraded and at-risk. */
	if (!strstr(md.p, "| x | 5 | 1 | 0 | 1 | 2 | 1 | 0 / 0 / 1 |"))
		fail_msg("summary row:\n%s", md.p);
	if (!strstr(md.p, "apps: 5 hit = 1 down + 1 degraded only + 2 at-risk only + 1 degraded and "
			  "at-risk\n"))
		fail_msg("section summary:\n%s", md.p);
	free(html.p);
	free(md.p);
	fo_batchreport_free(r);
	fo_engine_free(e);
	fo_graph_free(g);
}

/* A diagram: in a frame at its natural width (points as CSS pixels), zoom
 * radio buttons, the link to its file and a "Go to" link to the drawn
 * node of the scenario, a node or a cluster. */
static void test_diagram_frame(void **state)
{
	(void)state;
	out html, md;
	char svg[512];
	fo_graph *g = NULL;
	assert_int_equal(fx_graph(&g, world, NULL), FO_OK);
	uint32_t site = fx_id(g, "site"), chiller = fx_id(g, "chiller");
	fo_graph_free(g);
	snprintf(svg, sizeof svg,
		 "<svg width=\"300pt\" height=\"10pt\">\n"
		 "<g id=\"clust1\" class=\"cluster\">\n<title>cluster_n%u</title>\n</g>\n"
		 "<g id=\"node2\" class=\"node\">\n<title>n%u</title>\n</g>\n</svg>\n",
		 site, chiller);
	fo_batchreport_diagram d = { svg, strlen(svg), "scenario-001.svg", NULL };
	render_world("site", &d, &html, &md);
	const char *fig = strstr(html.p, "<figure class=\"diagram\" id=\"d1\">\n");
	assert_non_null(fig);
	assert_non_null(strstr(fig, "<input type=\"radio\" name=\"z1\" id=\"d1-fit\" class=\"z-fit\">"
				    "<input type=\"radio\" name=\"z1\" id=\"d1-50\" class=\"z-50\">"
				    "<input type=\"radio\" name=\"z1\" id=\"d1-100\" class=\"z-100\" checked>"));
	assert_non_null(strstr(fig, "<label for=\"d1-fit\" class=\"l-fit\">Fit</label>"));
	assert_non_null(strstr(fig, "<span class=\"goto\">Go to</span><a class=\"goto\" href=\"#s1-clust1\">"
				    "<code>site</code></a><a class=\"svglink\" href=\"scenario-001.svg\">"
				    "scenario-001.svg</a></div>\n<div class=\"frame\" style=\"--w:400px\">\n"));
	free(html.p);
	free(md.p);
	render_world("chiller", &d, &html, &md);
	assert_non_null(strstr(html.p, "<a class=\"goto\" href=\"#s1-node2\"><code>chiller</code></a>"));
	free(html.p);
	free(md.p);
	/* A node the diagram does not draw gets no link. */
	render_world("svc<b>", &d, &html, &md);
	assert_null(strstr(html.p, "class=\"goto\""));
	free(html.p);
	free(md.p);
}

static void test_json_pieces(void **state)
{
	(void)state;
	out o;
	/* The time and version are on the pages, never in report.json. */
	fo_batchreport_info info = { "t\"1", NULL, "a.db@x", "s.xml", "2023-03-29T00:00:00Z", "9" };
	out_open(&o);
	assert_int_equal(fo_batchreport_json_head(o.fp, &info), FO_OK);
	assert_int_equal(fo_batchreport_json_run(o.fp, 0, "one", "{\"a\": 1}\n", 9), FO_OK);
	assert_int_equal(fo_batchreport_json_run(o.fp, 1, "t\nwo", "{\"b\": 2}\n", 9), FO_OK);
	assert_int_equal(fo_batchreport_json_tail(o.fp, 2, "{\"s\": 3}\n", 9), FO_OK);
	out_close(&o);
	assert_string_equal(o.p,
			    "{\"report\": {\"title\": \"t\\\"1\", \"inventory\": null, \"input\": "
			    "\"a.db@x\", \"scenarios_file\": \"s.xml\"},\n \"runs\": [\n"
			    "{\"scenario\": \"one\", \"whatif\": {\"a\": 1}},\n"
			    "{\"scenario\": \"t\\nwo\", \"whatif\": {\"b\": 2}}\n ],\n"
			    " \"spof\": {\"s\": 3}}\n");
	free(o.p);
	out_open(&o);
	assert_int_equal(fo_batchreport_json_head(o.fp, &info), FO_OK);
	assert_int_equal(fo_batchreport_json_tail(o.fp, 0, NULL, 0), FO_OK);
	out_close(&o);
	assert_non_null(strstr(o.p, "\"runs\": [],\n \"spof\": null}\n"));
	free(o.p);
	assert_int_equal(fo_batchreport_json_run(stdout, 0, NULL, "{}", 2), FO_EINVAL);
}

static void test_impacts_csv(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	out o;
	assert_int_equal(fx_graph(&g, world, NULL), FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "destroy:site"), FO_OK);
	out_open(&o);
	assert_int_equal(fo_report_impacts_csv(o.fp, e, "=cmd,\"x\"", 1), FO_OK);
	out_close(&o);
	/* Header, formula defused and quoted, flags as words, empty cause and
	 * root for the scenario's own node. */
	assert_non_null(strstr(o.p, "scenario,id,kind,tenant,tier,state,flags,cause,root\r\n"));
	assert_non_null(strstr(o.p, "\"'=cmd,\"\"x\"\"\",site,site,,,down,destroyed,,\r\n"));
	assert_non_null(strstr(o.p, ",chiller,cooling,,,down,destroyed,site,site\r\n"));
	assert_non_null(strstr(o.p, ",app&1,app,t<x>,1,down,,svc<b>,site\r\n"));
	assert_non_null(strstr(o.p, ",app2,app,t<x>,2,degraded,degraded,svc<b>,site\r\n"));
	free(o.p);
	out_open(&o);
	assert_int_equal(fo_report_impacts_csv(o.fp, e, "s", 0), FO_OK);
	out_close(&o);
	assert_null(strstr(o.p, "scenario,id"));
	free(o.p);
	assert_int_equal(fo_report_impacts_csv(stdout, e, NULL, 0), FO_EINVAL);
	fo_engine_free(e);
	fo_graph_free(g);
}

static void test_spofreport_select(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_spof *s = NULL;
	fo_spofreport r;
	assert_int_equal(fx_graph(&g, world, NULL), FO_OK);
	assert_int_equal(fo_spof_compute(&s, g), FO_OK);
	/* Apps by tenant, untenanted last; every node ranked. */
	assert_int_equal(fo_spofreport_select(&r, g, s, FO_NONE, NULL, 0), FO_OK);
	assert_int_equal(r.napps, 3);
	assert_int_equal(r.apps[0], fx_id(g, "app&1"));
	assert_int_equal(r.apps[1], fx_id(g, "app2"));
	assert_int_equal(r.apps[2], fx_id(g, "app3"));
	assert_int_equal(r.nrows, fo_graph_node_count(g));
	fo_spofreport_dispose(&r);
	/* One app: its SPOFs only; a kind; a top. */
	assert_int_equal(fo_spofreport_select(&r, g, s, fx_id(g, "app&1"), NULL, 0), FO_OK);
	assert_int_equal(r.napps, 1);
	assert_int_equal(r.ranked, 3); /* site, chiller, svc<b> */
	fo_spofreport_dispose(&r);
	assert_int_equal(fo_spofreport_select(&r, g, s, FO_NONE, "cooling", 0), FO_OK);
	assert_int_equal(r.ranked, 1);
	assert_int_equal(r.rows[0]->node, fx_id(g, "chiller"));
	fo_spofreport_dispose(&r);
	assert_int_equal(fo_spofreport_select(&r, g, s, FO_NONE, NULL, 2), FO_OK);
	assert_int_equal(r.nrows, 2);
	assert_int_equal(r.ranked, fo_graph_node_count(g));
	assert_int_equal(fo_spofreport_write(stdout, &r, (fo_spofreport_format)9), FO_EINVAL);
	fo_spofreport_dispose(&r);
	fo_spof_free(s);
	fo_graph_free(g);
}

/* ----------------------------------------------------------- stored runs */

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/fo-brep-XXXXXX");
	setenv("FALLOUT_BUSY_TIMEOUT_MS", "200", 1);
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

typedef struct seen {
	int n, heads;
	char title[16];
	char names[4][16];
	char docs[4][32];
} seen;

/* The report comes before any of its runs. */
static int on_head(void *ctx, const fo_snapshot_report_info *info)
{
	seen *s = ctx;
	assert_int_equal(s->n, 0);
	s->heads++;
	snprintf(s->title, sizeof s->title, "%s", info->title ? info->title : "");
	return 0;
}

static int on_run(void *ctx, uint64_t seq, const char *scenario, const char *whatif, size_t len)
{
	seen *s = ctx;
	assert_int_equal(seq, (uint64_t)s->n);
	snprintf(s->names[s->n], sizeof s->names[0], "%s", scenario);
	snprintf(s->docs[s->n], sizeof s->docs[0], "%.*s", (int)len, whatif);
	s->n++;
	return 0;
}

static void test_stored_runs(void **state)
{
	(void)state;
	char db[128];
	fo_graph *g = NULL;
	fo_diag *diag = NULL;
	fo_snapshot_report_writer *w = NULL;
	fo_snapshot_report_info *v = NULL, *info = NULL;
	size_t n = 0, spof_len = 0;
	char *spof = NULL;
	int64_t id = 0;
	seen s = { 0 };
	fo_snapshot_report_meta meta = { "title", "DB@one", "s.xml", NULL };

	snprintf(db, sizeof db, "%s/r.db", dir);
	assert_int_equal(fo_diag_new(&diag, 10), FO_OK);
	assert_int_equal(fx_graph(&g, world, NULL), FO_OK);
	assert_int_equal(fo_snapshot_save(NULL, db, g, "one", "w.xml", NULL, diag), FO_OK);
	assert_int_equal(fo_snapshot_save(NULL, db, g, "two", "w.xml", NULL, diag), FO_OK);

	/* Unknown label: refused before anything is written. */
	assert_int_equal(fo_snapshot_report_begin(&w, db, "nope", &meta, diag), FO_ENOTFOUND);
	assert_null(w);
	/* A writer freed without commit stores nothing. */
	assert_int_equal(fo_snapshot_report_begin(&w, db, "one", &meta, diag), FO_OK);
	assert_int_equal(fo_snapshot_report_run(w, "a", 1, 2, "{\"x\": 1}\n", 9), FO_OK);
	fo_snapshot_report_free(w);
	w = NULL;
	assert_int_equal(fo_snapshot_reports(&v, &n, db, diag), FO_OK);
	assert_int_equal(n, 0);
	fo_snapshot_report_info_free(v, n);

	/* Stored and read back in order, on the newest snapshot (NULL). */
	assert_int_equal(fo_snapshot_report_begin(&w, db, NULL, &meta, diag), FO_OK);
	assert_int_equal(fo_snapshot_report_run(w, "a", 1, 2, "{\"x\": 1}\n", 9), FO_OK);
	assert_int_equal(fo_snapshot_report_run(w, "b", 0, 1, "{\"y\": 2}\n", 9), FO_OK);
	assert_int_equal(fo_snapshot_report_commit(w, "{\"spof\": 1}\n", 12, &id), FO_OK);
	assert_true(id > 0);
	assert_int_equal(fo_snapshot_reports(&v, &n, db, diag), FO_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].snapshot, "two");
	assert_string_equal(v[0].title, "title");
	assert_string_equal(v[0].input, "DB@one");
	assert_string_equal(v[0].scenarios_sha256, "");
	assert_int_equal(v[0].runs, 2);
	fo_snapshot_report_info_free(v, n);
	assert_int_equal(fo_snapshot_report_read(db, id, on_head, on_run, &s, &info, &spof, &spof_len, diag),
			 FO_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.heads, 1);
	assert_string_equal(s.title, "title");
	assert_string_equal(s.names[1], "b");
	assert_string_equal(s.docs[0], "{\"x\": 1}\n");
	assert_int_equal(spof_len, 12);
	assert_string_equal(spof, "{\"spof\": 1}\n");
	assert_int_equal(info->runs, 2);
	fo_snapshot_report_info_free(info, 1);
	free(spof);
	spof = NULL;
	info = NULL;
	assert_int_equal(fo_snapshot_report_read(db, id + 1, on_head, on_run, &s, &info, &spof, &spof_len,
						 diag), FO_ENOTFOUND);
	assert_null(info);

	/* Removing the snapshot removes its reports. */
	assert_int_equal(fo_snapshot_remove(db, "two", diag), FO_OK);
	assert_int_equal(fo_snapshot_reports(&v, &n, db, diag), FO_OK);
	assert_int_equal(n, 0);
	fo_snapshot_report_info_free(v, n);
	assert_int_equal(fo_snapshot_report_begin(&w, NULL, NULL, &meta, diag), FO_EINVAL);
	fo_graph_free(g);
	fo_diag_free(diag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escapes_and_structure),
		cmocka_unit_test(test_svg_prolog_dropped_ids_prefixed),
		cmocka_unit_test(test_svg_text_not_rewritten),
		cmocka_unit_test(test_no_app_affected_and_no_spof),
		cmocka_unit_test(test_findings_fate_and_loss),
		cmocka_unit_test(test_tenant_cell_partition),
		cmocka_unit_test(test_diagram_frame),
		cmocka_unit_test(test_json_pieces),
		cmocka_unit_test(test_impacts_csv),
		cmocka_unit_test(test_spofreport_select),
		cmocka_unit_test_setup_teardown(test_stored_runs, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
