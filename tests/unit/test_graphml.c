/*
 * test_graphml.c — the GraphML reader (importers/fo_graphml.h) and writer
 * (reports/fo_graphml.h): the real Topology Zoo file (GÉANT 2012, written
 * by networkx) with the facts a user would check by hand, each construct
 * and option on small documents written inline, every error located
 * FILE:LINE:COL and all of them in one run, hostile input, the sniffer,
 * and the writer read back by the reader into the same graph.
 * Tests run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"
#include "graphs/fo_graph.h"
#include "importers/fo_graphml.h"
#include "importers/fo_inventory.h"
#include "importers/fo_model.h"
#include "analyzer/fo_engine.h"
#include "reports/fo_graphml.h"
#include "helpers/fixture.h"

#define GEANT "tests/importers/graphml/topologyzoo-Geant2012.graphml"

/* ------------------------------------------------------------ helpers */

static char tmpdir[64];

static int setup_tmp(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/fo-test-graphml-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
	(void)state;
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char p[512];
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tmpdir);
	return 0;
}

static const char *write_tmp(const char *name, const char *data, size_t len)
{
	static char path[512];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* One read: the model, its diag, the status, the diag printed. */
typedef struct rd {
	fo_diag *d;
	fo_model *m;
	fo_graph *g;
	int err, built;
	char *text;    /* every diag line */
	char *explain; /* fo_model_explain, after a build */
} rd;

static char *print_diag(const fo_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	fo_diag_print(d, fp);
	fclose(fp);
	return buf;
}

/* Reads path as source `file` with prefix (NULL: graphml's) and options
 * "key=value" (NULL-ended); builds when the read succeeds. */
static void read_path(rd *r, const char *path, const char *file, const char *prefix,
		      const char *const *opts)
{
	memset(r, 0, sizeof *r);
	assert_int_equal(fo_diag_new(&r->d, 0), FO_OK);
	assert_int_equal(fo_model_new(&r->m, r->d), FO_OK);
	assert_int_equal(fo_model_source_begin(r->m, file, "graphml", prefix, 0, NULL), FO_OK);
	for (size_t i = 0; opts && opts[i]; i++) {
		char k[64];
		const char *eq = strchr(opts[i], '=');
		assert_non_null(eq);
		snprintf(k, sizeof k, "%.*s", (int)(eq - opts[i]), opts[i]);
		assert_int_equal(fo_model_set_option(r->m, k, eq + 1), FO_OK);
	}
	r->err = fo_graphml_read(r->m, path);
	if (r->err == FO_OK) {
		r->built = fo_model_build(r->m, &r->g);
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);
		assert_non_null(fp);
		assert_int_equal(fo_model_explain(r->m, fp), FO_OK);
		fclose(fp);
		r->explain = buf;
	}
	r->text = print_diag(r->d);
}

static void read_text(rd *r, const char *text, const char *const *opts)
{
	const char *p = write_tmp("t.graphml", text, strlen(text));
	read_path(r, p, "t.graphml", NULL, opts);
}

static void rd_free(rd *r)
{
	fo_graph_free(r->g);
	fo_model_free(r->m);
	fo_diag_free(r->d);
	free(r->text);
	free(r->explain);
}

static const char *prop(const fo_graph *g, uint32_t v, const char *key)
{
	const fo_prop *p;
	size_t n = fo_graph_node_props(g, v, &p);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].key, key))
			return p[i].value;
	return NULL;
}

/* Node ids down after failing `fail` (one id), in document order, joined
 * by spaces. */
static char *down_after(const fo_graph *g, const char *fail)
{
	fo_engine *e = NULL;
	uint32_t v = fx_id(g, fail);
	fo_scenario sc = { &v, 1, NULL, 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);
	for (uint32_t i = 0; i < fo_graph_node_count(g); i++)
		if (fo_engine_flags(e, i) & FO_F_DOWN)
			fprintf(fp, "%s%s", len || ftell(fp) ? " " : "", fo_graph_node_id(g, i));
	fclose(fp);
	fo_engine_free(e);
	return buf;
}

static size_t count_words(const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p; p++)
		n += *p != ' ' && (p == s || p[-1] == ' ');
	return n;
}

/* The groups of node v as "type k/n: member member | ...". */
static char *groups_of(const fo_graph *g, uint32_t v)
{
	static const char *const tw[] = { "requires", "located", "copies", "degrades" };
	uint32_t first, count;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	fo_graph_node_groups(g, v, &first, &count);
	for (uint32_t i = 0; i < count; i++) {
		fo_group_info gi;
		fo_graph_group(g, first + i, &gi);
		fprintf(fp, "%s%s %u/%u:", i ? " | " : "", tw[gi.type], gi.k, gi.n);
		for (uint32_t j = 0; j < gi.n; j++)
			fprintf(fp, " %s", fo_graph_node_id(g, gi.members[j]));
	}
	fclose(fp);
	return buf;
}

/* ------------------------------------------------------------ the real file */

/* GÉANT 2012: 40 PoPs, 61 undirected links, no parallel link; names from
 * "label" (d33), the other node keys kept as props; the graph's label is
 * the inventory's name. Every link is a dependency of each end on the
 * other, so the backbone is one cycle of hard dependencies: failing any
 * PoP takes all 40 down (docs/importers/graphml.md says why, and what to
 * use instead). */
static void geant_default(void **state)
{
	rd r;
	(void)state;
	read_path(&r, GEANT, "Geant2012.graphml", NULL, NULL);
	assert_int_equal(r.err, FO_OK);
	assert_int_equal(r.built, FO_OK);
	assert_string_equal(r.text, "");
	assert_non_null(strstr(r.explain, "Geant2012.graphml (graphml, ids graphml:…): 101 objects read, "
				   "40 nodes, 61 folded, 0 skipped\n"));
	assert_non_null(strstr(r.explain, "  node: 40 read; 40 nodes (node 40)\n"));
	assert_non_null(strstr(r.explain, "  edge: 61 read; 61 folded into a dependency of each end on the other\n"));
	const fo_graph *g = r.g;
	assert_int_equal(fo_graph_node_count(g), 40);
	assert_int_equal(fo_graph_group_count(g), 122);
	assert_int_equal(fo_graph_member_count(g), 122);
	assert_string_equal(fo_graph_name(g), "Geant2012");
	uint32_t pl = fx_id(g, "graphml:3");
	assert_string_equal(fo_graph_node_name(g, pl), "PL");
	assert_string_equal(fo_graph_node_kind_word(g, pl), "node");
	assert_string_equal(prop(g, pl, "Country"), "Poland");
	assert_string_equal(prop(g, pl, "Latitude"), "52.41667");
	assert_null(prop(g, pl, "label")); /* it is the name */
	/* Node 2 (DK) has type=NORDUNet: a prop, not a kind (kind-key is "kind"). */
	assert_string_equal(prop(g, fx_id(g, "graphml:2"), "type"), "NORDUNet");
	/* PL links UA, BY (theirs only), and three more. */
	char *gr = groups_of(g, fx_id(g, "graphml:10"));
	assert_string_equal(gr, "requires 1/1: graphml:3");
	free(gr);
	char *down = down_after(g, "graphml:3");
	assert_int_equal(count_words(down), 40);
	free(down);
	rd_free(&r);
}

/* undirected=one-of: a PoP needs one of its neighbours; failing PL then
 * takes down only the PoPs linked to PL alone (UA and BY); failing NL
 * takes down nothing else. */
static void geant_one_of(void **state)
{
	static const char *const opts[] = { "undirected=one-of", NULL };
	rd r;
	(void)state;
	read_path(&r, GEANT, "Geant2012.graphml", NULL, opts);
	assert_int_equal(r.built, FO_OK);
	assert_int_equal(fo_graph_group_count(r.g), 40);
	assert_non_null(strstr(r.explain, "  edge: 61 read; 61 folded into one-of groups of its ends\n"));
	char *gr = groups_of(r.g, fx_id(r.g, "graphml:3"));
	assert_string_equal(gr, "requires 1/5: graphml:10 graphml:19 graphml:4 graphml:5 graphml:30");
	free(gr);
	char *down = down_after(r.g, "graphml:3");
	assert_string_equal(down, "graphml:3 graphml:10 graphml:19");
	free(down);
	down = down_after(r.g, "graphml:0");
	assert_string_equal(down, "graphml:0");
	free(down);
	rd_free(&r);
}

static void geant_skip(void **state)
{
	static const char *const opts[] = { "undirected=skip", NULL };
	rd r;
	(void)state;
	read_path(&r, GEANT, "Geant2012.graphml", NULL, opts);
	assert_int_equal(r.built, FO_OK);
	assert_int_equal(fo_graph_group_count(r.g), 0);
	assert_non_null(strstr(r.explain, "  edge: 61 read; 61 skipped: undirected link (option undirected=skip) (0 -- 1, 0 -- 2, 0 -- 4, …)\n"));
	rd_free(&r);
}

/* ------------------------------------------------------------ constructs */

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"

/* A directed edge A -> B: A needs B (as-declared), B needs A (reverse);
 * directed= on an edge overrides edgedefault both ways. */
static void directions(void **state)
{
	static const char doc[] = HEAD
		"<graph edgedefault=\"directed\">\n"
		"<node id=\"a\"/><node id=\"b\"/><node id=\"c\"/><node id=\"d\"/>\n"
		"<edge source=\"a\" target=\"b\"/>\n"
		"<edge source=\"c\" target=\"d\" directed=\"false\"/>\n"
		"</graph>\n"
		"<graph edgedefault=\"undirected\">\n"
		"<node id=\"e\"/><node id=\"f\"/>\n"
		"<edge source=\"e\" target=\"f\" directed=\"true\"/>\n"
		"</graph></graphml>\n";
	static const char *const rev[] = { "direction=reverse", NULL };
	rd r;
	char *s;
	(void)state;
	read_text(&r, doc, NULL);
	assert_int_equal(r.built, FO_OK);
	s = groups_of(r.g, fx_id(r.g, "graphml:a"));
	assert_string_equal(s, "requires 1/1: graphml:b");
	free(s);
	s = groups_of(r.g, fx_id(r.g, "graphml:b"));
	assert_string_equal(s, "");
	free(s);
	s = groups_of(r.g, fx_id(r.g, "graphml:c"));
	assert_string_equal(s, "requires 1/1: graphml:d");
	free(s);
	s = groups_of(r.g, fx_id(r.g, "graphml:d"));
	assert_string_equal(s, "requires 1/1: graphml:c");
	free(s);
	s = groups_of(r.g, fx_id(r.g, "graphml:e"));
	assert_string_equal(s, "requires 1/1: graphml:f");
	free(s);
	s = down_after(r.g, "graphml:b");
	assert_string_equal(s, "graphml:a graphml:b");
	free(s);
	rd_free(&r);

	read_text(&r, doc, rev);
	assert_int_equal(r.built, FO_OK);
	s = groups_of(r.g, fx_id(r.g, "graphml:b"));
	assert_string_equal(s, "requires 1/1: graphml:a");
	free(s);
	s = groups_of(r.g, fx_id(r.g, "graphml:a"));
	assert_string_equal(s, "");
	free(s);
	s = groups_of(r.g, fx_id(r.g, "graphml:f"));
	assert_string_equal(s, "requires 1/1: graphml:e");
	free(s);
	rd_free(&r);

	/* MicroDepGraph's shape (FORMATS.md §4): one line, consumer ->
	 * provider, ids with punctuation, a non-schema label on <edge>. */
	read_text(&r, "<?xml version='1.0' encoding='utf-8'?><graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">"
		      "<key attr.name=\"edgelabel\" attr.type=\"string\" for=\"edge\" id=\"edgelabel\"/>"
		      "<graph edgedefault=\"directed\"><node id=\"webmvc\"/><node id=\"basket.api\"/>"
		      "<node id=\"basket.data\"/><node id=\"webshoppingagg\"/>"
		      "<edge id=\"webmvc->webshoppingagg\" source=\"webmvc\" target=\"webshoppingagg\" label=\"depends\">"
		      "<data key=\"edgelabel\">depends</data></edge>"
		      "<edge id=\"basket.api->basket.data\" source=\"basket.api\" target=\"basket.data\" label=\"depends\">"
		      "<data key=\"edgelabel\">depends</data></edge></graph></graphml>", NULL);
	assert_int_equal(r.built, FO_OK);
	assert_string_equal(r.text, "");
	s = groups_of(r.g, fx_id(r.g, "graphml:webmvc"));
	assert_string_equal(s, "requires 1/1: graphml:webshoppingagg");
	free(s);
	s = down_after(r.g, "graphml:basket.data");
	assert_string_equal(s, "graphml:basket.api graphml:basket.data");
	free(s);
	rd_free(&r);
}

/* Keys by attr.name whatever their id, <default>s, for="all", nested
 * graphs as containment, yEd graphics ignored but for the node's first
 * <y:NodeLabel> (its name when no key gives one), ports and hyperedges
 * skipped with their reason, self-loops skipped, parallel edges folded,
 * degrades edges, data kept as props, desc ignored. */
static void constructs(void **state)
{
	static const char doc[] = HEAD
		"  <desc>an estate</desc>\n"
		"  <key id=\"d0\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"><default>host</default></key>\n"
		"  <key id=\"d1\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
		"  <key id=\"d2\" for=\"node\" attr.name=\"tenant\"/>\n"
		"  <key id=\"d3\" for=\"node\" attr.name=\"tier\" attr.type=\"int\"/>\n"
		"  <key id=\"d4\" for=\"all\" attr.name=\"owner\"><default>ops</default></key>\n"
		"  <key id=\"d5\" for=\"edge\" attr.name=\"type\"/>\n"
		"  <key id=\"d6\" for=\"node\" yfiles.type=\"nodegraphics\"/>\n"
		"  <key id=\"d7\" for=\"graph\" attr.name=\"label\"/>\n"
		"  <graph id=\"G\" edgedefault=\"directed\">\n"
		"    <data key=\"d7\">Estate 1</data>\n"
		"    <node id=\"dc1\">\n"
		"      <data key=\"d0\">site</data><data key=\"d1\">Frankfurt</data>\n"
		"      <port name=\"p1\"/>\n"
		"      <graph id=\"dc1:\" edgedefault=\"directed\">\n"
		"        <node id=\"h1\"><data key=\"d6\"><y:ShapeNode xmlns:y=\"http://www.yworks.com/xml/graphml\"><y:Geometry x=\"1\"/>"
		"<y:NodeLabel visible=\"true\"> esx-01 <y:LabelModel><y:SmartNodeLabelModel distance=\"4.0\"/></y:LabelModel></y:NodeLabel>"
		"<y:NodeLabel>second label</y:NodeLabel></y:ShapeNode></data></node>\n"
		"        <node id=\"h2\"><data key=\"d4\">dba</data></node>\n"
		"      </graph>\n"
		"    </node>\n"
		"    <node id=\"pay\"><data key=\"d0\">App</data><data key=\"d2\">shop</data><data key=\"d3\">1</data></node>\n"
		"    <edge source=\"pay\" target=\"h1\"/>\n"
		"    <edge source=\"pay\" target=\"h1\"/>\n"
		"    <edge source=\"pay\" target=\"h2\"><data key=\"d5\">soft</data></edge>\n"
		"    <edge source=\"pay\" target=\"pay\" id=\"loop\"/>\n"
		"    <hyperedge id=\"hy\"><endpoint node=\"h1\"/><endpoint node=\"h2\"/></hyperedge>\n"
		"  </graph>\n"
		"</graphml>\n";
	rd r;
	char *s;
	(void)state;
	read_text(&r, doc, NULL);
	assert_int_equal(r.err, FO_OK);
	assert_int_equal(r.built, FO_OK);
	assert_string_equal(r.text, "");
	const fo_graph *g = r.g;
	assert_string_equal(fo_graph_name(g), "Estate 1");
	uint32_t dc = fx_id(g, "graphml:dc1"), h1 = fx_id(g, "graphml:h1"), h2 = fx_id(g, "graphml:h2");
	uint32_t pay = fx_id(g, "graphml:pay");
	assert_string_equal(fo_graph_node_kind_word(g, dc), "site");
	assert_string_equal(fo_graph_node_name(g, dc), "Frankfurt");
	assert_string_equal(fo_graph_node_kind_word(g, h1), "host"); /* the default */
	assert_string_equal(fo_graph_node_name(g, h1), "esx-01");  /* yEd's first label, trimmed */
	assert_null(fo_graph_node_name(g, h2));
	assert_int_equal(fo_graph_node_container(g, h1), dc);
	assert_int_equal(fo_graph_node_container(g, h2), dc);
	assert_string_equal(prop(g, h1, "owner"), "ops");           /* for="all" default */
	assert_string_equal(prop(g, h2, "owner"), "dba");
	assert_string_equal(fo_graph_node_kind_word(g, pay), "app"); /* lowercased */
	assert_string_equal(fo_graph_node_tenant(g, pay), "shop");
	assert_int_equal(fo_graph_node_tier(g, pay), 1);
	s = groups_of(g, pay);
	assert_string_equal(s, "requires 1/1: graphml:h1 | degrades 1/1: graphml:h2");
	free(s);
	assert_non_null(strstr(r.explain, "  node: 4 read; 4 nodes (site 1, host 2, app 1)\n"));
	assert_non_null(strstr(r.explain, "  port: 1 read; 1 skipped: ports are not modelled: an edge to a port is an edge to its node (p1)\n"));
	assert_non_null(strstr(r.explain, "t.graphml (graphml, ids graphml:…): 10 objects read, 4 nodes, 3 folded, 3 skipped\n"));
	assert_non_null(strstr(r.explain, "  edge: 4 read; 2 folded into a dependency of its source; 1 folded into a parallel edge, kept once; 1 skipped: self-loop: a node cannot need itself (loop)\n"));
	assert_non_null(strstr(r.explain, "  hyperedge: 1 read; 1 skipped: a hyperedge joins several nodes with no direction: no dependency (hy)\n"));
	rd_free(&r);
}

/* Undirected parallel links, either way round, are kept once and counted;
 * a self-loop is skipped with its reason. */
static void parallel_and_loops_counted(void **state)
{
	static const char doc[] = HEAD
		"<graph edgedefault=\"undirected\">\n"
		"<node id=\"a\"/><node id=\"b\"/>\n"
		"<edge source=\"a\" target=\"b\"/>\n"
		"<edge source=\"b\" target=\"a\"/>\n"
		"<edge source=\"a\" target=\"a\" id=\"self\"/>\n"
		"<edge source=\"a\" target=\"b\"/>\n"
		"</graph></graphml>\n";
	rd r;
	(void)state;
	read_text(&r, doc, NULL);
	assert_int_equal(r.built, FO_OK);
	assert_non_null(strstr(r.explain, "  edge: 4 read; 1 folded into a dependency of each end on the other; "
				   "2 folded into a parallel edge, kept once; 1 skipped: self-loop: a node cannot need itself (self)\n"));
	assert_int_equal(fo_graph_group_count(r.g), 2);
	rd_free(&r);
}

/* Options name the keys: networkx-style d-ids looked up by attr.name;
 * Neo4j's ":Label:Other" gives the first label as the kind; a value that
 * is no kind word is a located warning. */
static void options_map_keys(void **state)
{
	static const char doc[] = HEAD
		"<key id=\"d0\" for=\"node\" attr.name=\"labels\"/>\n"
		"<key id=\"d1\" for=\"node\" attr.name=\"hostname\"/>\n"
		"<key id=\"d2\" for=\"node\" attr.name=\"team\"/>\n"
		"<key id=\"d3\" for=\"node\" attr.name=\"criticality\"/>\n"
		"<key id=\"d4\" for=\"edge\" attr.name=\"rel\"/>\n"
		"<graph edgedefault=\"directed\">\n"
		"<node id=\"n0\"><data key=\"d0\">:Server:Linux</data><data key=\"d1\">web-1</data>"
		"<data key=\"d2\">shop</data><data key=\"d3\">2</data></node>\n"
		"<node id=\"n1\"><data key=\"d0\">Data Base</data><data key=\"d3\">high</data></node>\n"
		"<edge source=\"n0\" target=\"n1\"><data key=\"d4\">DEGRADES</data></edge>\n"
		"</graph></graphml>\n";
	static const char *const opts[] = {
		"kind-key=labels", "name-key=hostname", "tenant-key=team", "tier-key=criticality",
		"edge-type-key=rel", "kind=device", NULL,
	};
	rd r;
	(void)state;
	read_text(&r, doc, opts);
	assert_int_equal(r.built, FO_OK);
	uint32_t n0 = fx_id(r.g, "graphml:n0"), n1 = fx_id(r.g, "graphml:n1");
	assert_string_equal(fo_graph_node_kind_word(r.g, n0), "server");
	assert_string_equal(fo_graph_node_name(r.g, n0), "web-1");
	assert_string_equal(fo_graph_node_tenant(r.g, n0), "shop");
	assert_int_equal(fo_graph_node_tier(r.g, n0), 2);
	assert_string_equal(fo_graph_node_kind_word(r.g, n1), "device");
	assert_int_equal(fo_graph_node_tier(r.g, n1), 0);
	char *s = groups_of(r.g, n0);
	assert_string_equal(s, "degrades 1/1: graphml:n1");
	free(s);
	assert_string_equal(r.text,
		"t.graphml:10:15: warning: node 'n1': kind 'Data Base' (key 'labels') is not a kind word ([a-z][a-z0-9_-]*): the node is a 'device'\n"
		"t.graphml:10:46: warning: node 'n1': tier 'high' (key 'criticality') is not a whole number from 1 to 1000000: no tier\n");
	rd_free(&r);
}

/* An edge to a node no graph defines is the model's located dangling
 * reference; an edge from one is said here. */
static void dangling(void **state)
{
	static const char doc[] = HEAD
		"<graph edgedefault=\"directed\">\n"
		"<node id=\"a\"/>\n"
		"<edge source=\"a\" target=\"ghost\"/>\n"
		"<edge source=\"nobody\" target=\"a\"/>\n"
		"</graph></graphml>\n";
	rd r;
	(void)state;
	read_text(&r, doc, NULL);
	assert_int_equal(r.built, FO_OK);
	assert_non_null(strstr(r.text, "t.graphml:6:1: warning: edge from 'nobody', which is no node of the document: no dependency\n"));
	assert_non_null(strstr(r.text, "t.graphml:5:1: warning: 'graphml:a' needs 'graphml:ghost', which no input defines: dropped"));
	rd_free(&r);
}

/* ------------------------------------------------------------ errors */

/* Every problem of the document in one run, each at its place. */
static void errors_located(void **state)
{
	static const char doc[] = HEAD
		"<key id=\"k\" for=\"nodes\"/>\n"
		"<key id=\"t\" for=\"edge\" attr.name=\"type\"/>\n"
		"<key id=\"t\" for=\"node\"/>\n"
		"<key for=\"node\"/>\n"
		"<graph edgedefault=\"sideways\">\n"
		"<node id=\"a\"><data key=\"nokey\">x</data><data>y</data></node>\n"
		"<node><data key=\"t\">z</data></node>\n"
		"<edge source=\"a\"/>\n"
		"<edge source=\"a\" target=\"a\" directed=\"maybe\"/>\n"
		"<edge source=\"a\" target=\"b\"><data key=\"t\">located</data></edge>\n"
		"<edge source=\"a\" target=\"b\"><data key=\"k\">1</data></edge>\n"
		"<frobnicate/>\n"
		"</graph></graphml>\n";
	rd r;
	(void)state;
	read_text(&r, doc, NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_null(r.g);
	assert_string_equal(r.text,
		"t.graphml:3:18: error: <key for='nodes'>: GraphML keys are for node, edge, graph, all, graphml, hyperedge, port or endpoint\n"
		"t.graphml:5:10: error: duplicate key id 't' (first at line 4)\n"
		"t.graphml:6:1: error: <key> without an id\n"
		"t.graphml:7:21: error: edgedefault='sideways': directed or undirected\n"
		"t.graphml:8:25: error: <data key='nokey'>: no <key> has this id\n"
		"t.graphml:8:40: error: <data> without a key\n"
		"t.graphml:9:1: error: <node> without an id\n"
		"t.graphml:9:18: warning: <data key='t'> in a <node>, but the key is not for nodes: ignored\n"
		"t.graphml:10:1: error: <edge> without a target\n"
		"t.graphml:11:39: error: directed='maybe': true or false\n"
		"t.graphml:13:40: error: <data key='k'>: no <key> has this id\n"
		"t.graphml:14:1: warning: unexpected element <frobnicate> in <graph>: ignored\n");
	rd_free(&r);
}

static void hostile(void **state)
{
	rd r;
	(void)state;
	/* An entity bomb: refused at the DOCTYPE, nothing expanded. */
	read_text(&r, "<?xml version=\"1.0\"?>\n<!DOCTYPE graphml [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]>\n"
		      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"><graph edgedefault=\"directed\">"
		      "<node id=\"&b;\"/></graph></graphml>\n", NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "t.graphml:2:1: error: DOCTYPE is not allowed: GraphML documents take no DTD\n");
	rd_free(&r);
	/* Not UTF-8. */
	read_text(&r, HEAD "<graph edgedefault=\"directed\"><node id=\"caf\xe9\"/></graph></graphml>\n", NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_non_null(strstr(r.text, "t.graphml:3:"));
	assert_non_null(strstr(r.text, "invalid UTF-8"));
	assert_non_null(strstr(r.text, "GraphML documents are UTF-8"));
	rd_free(&r);
	/* Another root. */
	read_text(&r, "<?xml version=\"1.0\"?>\n<inventory version=\"1\"/>\n", NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "t.graphml:2:1: error: the root element is <inventory>: a GraphML document starts with <graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n");
	rd_free(&r);
	/* Not well-formed: libxml2's message at its place. */
	read_text(&r, HEAD "<graph edgedefault=\"directed\"><node id=\"a\"></graph></graphml>\n", NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_non_null(strstr(r.text, "t.graphml:3:"));
	rd_free(&r);
	/* Empty. */
	read_text(&r, "", NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "t.graphml:1:1: error: empty document: a GraphML document needs a <graphml> element\n");
	rd_free(&r);
	/* Hostile ids are data: kept exactly. */
	read_text(&r, HEAD "<graph edgedefault=\"directed\"><node id=\"a&quot;&lt;b&gt;&#10;广州\"/></graph></graphml>\n", NULL);
	assert_int_equal(r.built, FO_OK);
	assert_string_equal(fo_graph_node_id(r.g, 0), "graphml:a\"<b>\n广州");
	rd_free(&r);
}

/* More keys than fallout's limit: FO_ELIMIT, said at the key. */
static void too_many_keys(void **state)
{
	size_t cap = 64 * (FO_GRAPHML_MAX_KEYS + 2) + 256, len = 0;
	char *doc = malloc(cap);
	rd r;
	(void)state;
	assert_non_null(doc);
	len += (size_t)snprintf(doc + len, cap - len, HEAD);
	for (unsigned i = 0; i <= FO_GRAPHML_MAX_KEYS; i++)
		len += (size_t)snprintf(doc + len, cap - len, "<key id=\"k%u\" for=\"node\"/>\n", i);
	len += (size_t)snprintf(doc + len, cap - len, "</graphml>\n");
	const char *p = write_tmp("keys.graphml", doc, len);
	read_path(&r, p, "keys.graphml", NULL, NULL);
	assert_int_equal(r.err, FO_ELIMIT);
	assert_non_null(strstr(r.text, "keys.graphml:10003:1: error: more than 10000 keys (fallout's limit)\n"));
	rd_free(&r);
	free(doc);
}

static void bad_options(void **state)
{
	static const char *const opts[] = { "direction=backwards", "undirected=maybe", "kind=Not Kind", NULL };
	rd r;
	(void)state;
	read_text(&r, HEAD "<graph edgedefault=\"directed\"/></graphml>\n", opts);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text,
		"t.graphml: error: option direction='backwards': as-declared or reverse\n"
		"t.graphml: error: option undirected='maybe': both, one-of or skip\n"
		"t.graphml: error: option kind='Not Kind': a kind word ([a-z][a-z0-9_-]*)\n");
	rd_free(&r);
}

/* ------------------------------------------------------------ sniff */

static void sniff(void **state)
{
	static const char geant_head[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?><graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"";
	(void)state;
	assert_int_equal(fo_graphml_sniff(geant_head, strlen(geant_head)), 1);
	assert_int_equal(fo_graphml_sniff("\xEF\xBB\xBF<!-- yEd -->\n<graphml>", 27), 1);
	assert_int_equal(fo_graphml_sniff("<g:graphml xmlns:g=\"x\">", 23), 1);
	assert_int_equal(fo_graphml_sniff("<graphmlx>", 10), 0);
	assert_int_equal(fo_graphml_sniff("<graph", 6), 0);        /* cut: not sure */
	assert_int_equal(fo_graphml_sniff("<?xml version", 13), 0); /* cut in the declaration */
	assert_int_equal(fo_graphml_sniff("<inventory version=\"1\">", 23), 0);
	assert_int_equal(fo_graphml_sniff("{\"graphml\": 1}", 14), 0);
	assert_int_equal(fo_graphml_sniff("", 0), 0);
}

/* ------------------------------------------------------------ the writer */

static char *write_graph(const fo_graph *g, const fo_engine *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(fo_graphml_write(fp, g, e), FO_OK);
	fclose(fp);
	return buf;
}

/* Node by node and group by group, a and b are the same graph. */
static void assert_same_graph(const fo_graph *a, const fo_graph *b)
{
	uint32_t n = fo_graph_node_count(a);
	assert_int_equal(fo_graph_node_count(b), n);
	assert_int_equal(fo_graph_group_count(b), fo_graph_group_count(a));
	assert_true((fo_graph_name(a) == NULL) == (fo_graph_name(b) == NULL));
	if (fo_graph_name(a))
		assert_string_equal(fo_graph_name(b), fo_graph_name(a));
	for (uint32_t v = 0; v < n; v++) {
		const char *id = fo_graph_node_id(a, v);
		assert_string_equal(fo_graph_node_id(b, v), id);
		assert_string_equal(fo_graph_node_kind_word(b, v), fo_graph_node_kind_word(a, v));
		const char *s = fo_graph_node_name(a, v), *t = fo_graph_node_name(b, v);
		assert_true((s == NULL) == (t == NULL));
		if (s)
			assert_string_equal(t, s);
		s = fo_graph_node_tenant(a, v), t = fo_graph_node_tenant(b, v);
		assert_true((s == NULL) == (t == NULL));
		if (s)
			assert_string_equal(t, s);
		assert_int_equal(fo_graph_node_tier(b, v), fo_graph_node_tier(a, v));
		assert_int_equal(fo_graph_node_container(b, v), fo_graph_node_container(a, v));
		const fo_prop *pa, *pb;
		size_t na = fo_graph_node_props(a, v, &pa), nb = fo_graph_node_props(b, v, &pb);
		assert_int_equal(nb, na);
		for (size_t i = 0; i < na; i++) {
			assert_string_equal(pb[i].key, pa[i].key);
			assert_string_equal(pb[i].value, pa[i].value);
		}
		char *ga = groups_of(a, v), *gb = groups_of(b, v);
		assert_string_equal(gb, ga);
		free(ga);
		free(gb);
	}
}

/* write → read (no prefix) → build: the same nodes, props, containers and
 * groups (type, k, members in order). */
static void round_trip_one(const char *inventory)
{
	fo_diag *d = NULL;
	fo_graph *g = NULL;
	rd r;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_inventory_load(&g, inventory, NULL, d), FO_OK);
	char *out = write_graph(g, NULL);
	const char *p = write_tmp("rt.graphml", out, strlen(out));
	read_path(&r, p, "rt.graphml", "", NULL);
	assert_int_equal(r.err, FO_OK);
	assert_int_equal(r.built, FO_OK);
	assert_string_equal(r.text, "");
	assert_same_graph(g, r.g);
	/* And again: the bytes are stable. */
	char *out2 = write_graph(r.g, NULL);
	assert_string_equal(out2, out);
	free(out2);
	free(out);
	rd_free(&r);
	fo_graph_free(g);
	fo_diag_free(d);
}

static void round_trip(void **state)
{
	(void)state;
	round_trip_one("samples/quickstart.xml");
	round_trip_one("samples/tencent-gz-2023.xml");
	round_trip_one("samples/fire-backups.xml");
	round_trip_one("tests/cli/inputs/hostile-names.xml");
}

/* Hostile text escaped; the impact as attributes; what XML cannot carry
 * replaced; a prop named like a field written prop:NAME and read back. */
static void writer_escapes_and_impact(void **state)
{
	fo_diag *d = NULL;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	(void)state;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_inventory_load(&g, "tests/cli/inputs/hostile-names.xml", NULL, d), FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	uint32_t cool = fx_id(g, "cool\"]; evil [label=\"x");
	fo_scenario sc = { &cool, 1, NULL, 0 };
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);
	char *out = write_graph(g, e);
	assert_null(strstr(out, "<script>"));
	assert_null(strstr(out, "\"x\">"));
	assert_non_null(strstr(out, "<data key=\"id\">cool&quot;]; evil [label=&quot;x</data>\n"
				    "      <data key=\"label\">&quot; onload=&quot;x</data>\n"));
	assert_non_null(strstr(out, "<data key=\"label\">广州电信机房&#10;second line &lt;script&gt;"));
	assert_non_null(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;&#9;tab&#13;cr</data>"));
	assert_non_null(strstr(out, "<data key=\"state\">failed</data>\n      <data key=\"flags\">failed</data>\n"));
	assert_non_null(strstr(out, "<data key=\"state\">down</data>\n"
				    "      <data key=\"cause\">hall \\N \\G \\L \\E \\T \\H \\l \\r</data>\n"
				    "      <data key=\"root\">cool&quot;]; evil [label=&quot;x</data>\n"));
	assert_non_null(strstr(out, "<key id=\"state\" for=\"node\" attr.name=\"state\" attr.type=\"string\"/>"));
	/* The impact file reads back too: state and the rest become props. */
	const char *p = write_tmp("impact.graphml", out, strlen(out));
	rd r;
	read_path(&r, p, "impact.graphml", "", NULL);
	assert_int_equal(r.built, FO_OK);
	assert_string_equal(prop(r.g, cool, "state"), "failed");
	rd_free(&r);
	free(out);
	/* An engine over another graph is refused. */
	fo_graph *g2 = NULL;
	assert_int_equal(fx_graph(&g2, "N a\n", NULL), FO_OK);
	FILE *fp = fopen("/dev/null", "w");
	assert_non_null(fp);
	assert_int_equal(fo_graphml_write(fp, g2, e), FO_EINVAL);
	assert_int_equal(fo_graphml_write(fp, NULL, NULL), FO_EINVAL);
	fclose(fp);
	fo_graph_free(g2);
	fo_engine_free(e);
	fo_graph_free(g);

	/* Control characters, bytes that are not UTF-8, reserved prop names. */
	fo_builder *b = NULL;
	uint32_t v;
	assert_int_equal(fo_builder_new(&b, d, "x"), FO_OK);
	assert_int_equal(fo_builder_add_node(b, "a\x01z", "host", "n\xff", NULL, 0, (fo_pos){ 1, 1 }, &v), FO_OK);
	assert_int_equal(fo_builder_add_prop(b, v, "kind", "not the kind"), FO_OK);
	assert_int_equal(fo_builder_add_prop(b, v, "prop:x", "1"), FO_OK);
	assert_int_equal(fo_builder_add_prop(b, v, "zone", "b"), FO_OK);
	assert_int_equal(fo_builder_finish(b, &g), FO_OK);
	fo_builder_free(b);
	out = write_graph(g, NULL);
	assert_non_null(strstr(out, "<data key=\"id\">a\xEF\xBF\xBDz</data>"));
	assert_non_null(strstr(out, "<data key=\"nname\">n\xEF\xBF\xBD</data>"));
	assert_non_null(strstr(out, "<key id=\"p0\" for=\"node\" attr.name=\"prop:kind\" attr.type=\"string\"/>\n"
				    "  <key id=\"p1\" for=\"node\" attr.name=\"prop:prop:x\" attr.type=\"string\"/>\n"
				    "  <key id=\"p2\" for=\"node\" attr.name=\"zone\" attr.type=\"string\"/>\n"));
	p = write_tmp("props.graphml", out, strlen(out));
	read_path(&r, p, "props.graphml", "", NULL);
	assert_int_equal(r.built, FO_OK);
	assert_string_equal(fo_graph_node_kind_word(r.g, 0), "host");
	assert_string_equal(prop(r.g, 0, "kind"), "not the kind");
	assert_string_equal(prop(r.g, 0, "prop:x"), "1");
	assert_string_equal(prop(r.g, 0, "zone"), "b");
	rd_free(&r);
	free(out);
	fo_graph_free(g);
	fo_diag_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(geant_default),
		cmocka_unit_test(geant_one_of),
		cmocka_unit_test(geant_skip),
		cmocka_unit_test(directions),
		cmocka_unit_test(constructs),
		cmocka_unit_test(parallel_and_loops_counted),
		cmocka_unit_test(options_map_keys),
		cmocka_unit_test(dangling),
		cmocka_unit_test(errors_located),
		cmocka_unit_test(hostile),
		cmocka_unit_test(too_many_keys),
		cmocka_unit_test(bad_options),
		cmocka_unit_test(sniff),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(writer_escapes_and_impact),
	};
	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
