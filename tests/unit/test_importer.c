/*
 * test_importer.c — the inventory reader (importers/fo_inventory.h): what a
 * valid file turns into, every error with its exact FILE:LINE:COL, hostile
 * input (DTDs, entity bombs, deep nesting, garbage, foreign encodings), and
 * the byte pre-scanner that makes the positions exact and refuses DOCTYPEs.
 *
 * Small documents are written inline (positions are easier to check next to
 * the text) into a temporary directory; hostile fixtures live in
 * tests/hostile/ (see its README), big ones are generated at run time.
 * Tests run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"
#include "graphs/fo_graph.h"
#include "graphs/fo_sha256.h"
#include "importers/fo_inventory.h"
#include "importers/scan.h"
#include "generators/fo_gen.h"

/* ------------------------------------------------------------ helpers */

static char tmpdir[64];

static int setup_tmp(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/fo-test-importer-XXXXXX");
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
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tmpdir);
	return 0;
}

/* Writes data into tmpdir/name; returns the path (static buffer, one at a
 * time is enough for these tests). */
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

typedef struct result {
	int err;
	fo_graph *g;
	fo_diag *d;
	double ms;
	char path[512];
} result;

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void load_path(result *r, const char *path, int schema)
{
	fo_inventory_opts o = { schema, NULL, 0, 0 };
	memset(r, 0, sizeof *r);
	snprintf(r->path, sizeof r->path, "%s", path);
	assert_int_equal(fo_diag_new(&r->d, 0), FO_OK);
	double t0 = now_ms();
	r->err = fo_inventory_load(&r->g, path, &o, r->d);
	r->ms = now_ms() - t0;
	if (getenv("FO_TEST_TIMING"))
		fprintf(stderr, "  %-50s %8.2f ms\n", path, r->ms);
	if (r->err == FO_OK)
		assert_non_null(r->g);
	else
		assert_null(r->g);
}

static void load_text(result *r, const char *xml, int schema)
{
	load_path(r, write_tmp("t.xml", xml, strlen(xml)), schema);
}

static void result_free(result *r)
{
	fo_graph_free(r->g);
	fo_diag_free(r->d);
	r->g = NULL;
	r->d = NULL;
}

static void dump(const fo_diag *d)
{
	fprintf(stderr, "--- diagnostics:\n");
	fo_diag_print(d, stderr);
}

/* The entry at line:col whose message contains `sub`, or NULL. */
static const fo_diag_entry *find_diag(const fo_diag *d, unsigned long line, unsigned long col,
				      const char *sub)
{
	for (size_t i = 0; i < fo_diag_count(d); i++) {
		const fo_diag_entry *e = fo_diag_get(d, i);
		if (e->line == line && e->col == col && strstr(e->msg, sub))
			return e;
	}
	return NULL;
}

#define assert_diag(d, line, col, sub)                                                     \
	do {                                                                               \
		if (!find_diag((d), (line), (col), (sub))) {                               \
			dump(d);                                                           \
			fail_msg("no diagnostic %lu:%lu containing \"%s\"", (unsigned long)(line), \
				 (unsigned long)(col), (sub));                             \
		}                                                                          \
	} while (0)

/* Exactly n errors, all stored, and all located in the loaded file. */
static void assert_errors(const result *r, size_t n)
{
	if (fo_diag_errors(r->d) != n || fo_diag_count(r->d) != n) {
		dump(r->d);
		fail_msg("expected %zu errors, got %zu", n, fo_diag_errors(r->d));
	}
	for (size_t i = 0; i < n; i++)
		assert_string_equal(fo_diag_get(r->d, i)->file, r->path);
}

/* No message mentions `s`. */
static void assert_no_mention(const fo_diag *d, const char *s)
{
	for (size_t i = 0; i < fo_diag_count(d); i++)
		assert_null(strstr(fo_diag_get(d, i)->msg, s));
}

static uint32_t node(const fo_graph *g, const char *id)
{
	uint32_t n = FO_NONE;
	if (fo_graph_lookup(g, id, &n) != FO_OK)
		fail_msg("no node '%s'", id);
	return n;
}

/* The group of `owner` of this type and size, or fails. */
static void owned_group(const fo_graph *g, uint32_t owner, fo_group_type type, uint32_t k,
			uint32_t n, fo_group_info *out)
{
	uint32_t first, count;
	fo_graph_node_groups(g, owner, &first, &count);
	for (uint32_t i = first; i < first + count; i++) {
		fo_graph_group(g, i, out);
		if (out->type == type && out->k == k && out->n == n)
			return;
	}
	fail_msg("node %u has no group type %d %u of %u", owner, type, k, n);
}

static int has_member(const fo_group_info *gi, uint32_t v)
{
	for (uint32_t i = 0; i < gi->n; i++)
		if (gi->members[i] == v)
			return 1;
	return 0;
}

/* ------------------------------------------------------- valid input */

static const char valid_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                       /* 1 */
	"<!-- a comment -->\n"                                               /* 2 */
	"<inventory name=\"unit\" version=\"1\">\n"                          /* 3 */
	"  <node id=\"gz\" kind=\"region\" name=\"Guangzhou\">\n"            /* 4 */
	"    <node id=\"dc\" kind=\"site\">\n"                               /* 5 */
	"      <node id=\"cooling\" kind=\"cooling\"/>\n"                    /* 6 */
	"      <node id=\"hall\" kind=\"room\">\n"                           /* 7 */
	"        <requires ref=\"cooling\"/>\n"                              /* 8 */
	"        <node id=\"rack\" kind=\"rack\"/>\n"                        /* 9 */
	"      </node>\n"                                                    /* 10 */
	"    </node>\n"                                                      /* 11 */
	"  </node>\n"                                                        /* 12 */
	"  <node id=\"vm1\" kind=\"cvm\" in=\"rack\" owner=\"team-a\" cost-center=\"CC-42\"/>\n"
	"  <node id=\"bucket\" kind=\"s3\"/>\n"                              /* 14 */
	"  <node id=\"pay-gz\" kind=\"service\"><requires ref=\"vm1\"/></node>\n"
	"  <node id=\"pay-sh\" kind=\"service\"/>\n"                         /* 16 */
	"  <node id=\"cdn\" kind=\"cdn\"/>\n"                                /* 17 */
	"  <node id=\"wechat-pay\" kind=\"app\" tenant=\"tencent\" tier=\"1\">\n"
	"    <requires min=\"1\"><ref id=\"pay-gz\"/><ref id=\"pay-sh\"/></requires>\n"
	"    <degrades ref=\"cdn\"/>\n"                                      /* 20 */
	"    <degrades min=\"2\"><ref id=\"cdn\"/><ref id=\"pay-sh\"/></degrades>\n"
	"  </node>\n"                                                        /* 22 */
	"  <node id=\"photos\" kind=\"dataset\" tenant=\"tencent\">\n"       /* 23 */
	"    <copy ref=\"vm1\"/><copy ref=\"bucket\"/>\n"                    /* 24 */
	"  </node>\n"                                                        /* 25 */
	"  <node id=\"later\" kind=\"app\"><requires ref=\"defined-after\"/></node>\n"
	"  <node id=\"defined-after\" kind=\"queue\"/>\n"                    /* 27 */
	"  <?fallout a processing instruction is ignored?>\n"                /* 28 */
	"  <node id=\"custom\" kind=\"k8s-cluster\" tier=\" 2 \"/>\n"        /* 29 */
	"</inventory>\n";

static void check_valid_graph(const fo_graph *g)
{
	fo_group_info gi;
	const fo_prop *props;

	assert_int_equal(fo_graph_node_count(g), 15);
	assert_int_equal(fo_graph_group_count(g), 12);
	assert_string_equal(fo_graph_name(g), "unit");

	/* nesting and in= make the same "located" groups */
	uint32_t gz = node(g, "gz"), dc = node(g, "dc"), hall = node(g, "hall");
	uint32_t rack = node(g, "rack"), vm1 = node(g, "vm1"), cooling = node(g, "cooling");
	assert_int_equal(fo_graph_node_container(g, gz), FO_NONE);
	assert_int_equal(fo_graph_node_container(g, dc), gz);
	assert_int_equal(fo_graph_node_container(g, cooling), dc);
	assert_int_equal(fo_graph_node_container(g, hall), dc);
	assert_int_equal(fo_graph_node_container(g, rack), hall);
	assert_int_equal(fo_graph_node_container(g, vm1), rack);
	owned_group(g, vm1, FO_GROUP_LOCATED, 1, 1, &gi);
	assert_int_equal(gi.members[0], rack);

	/* kinds: aliases resolved, unknown words kept */
	assert_int_equal(fo_graph_node_kind(g, vm1), FO_KIND_VM);
	assert_string_equal(fo_graph_node_kind_word(g, vm1), "vm");
	assert_int_equal(fo_graph_node_kind(g, node(g, "bucket")), FO_KIND_STORAGE);
	assert_string_equal(fo_graph_node_kind_word(g, node(g, "bucket")), "storage");
	assert_int_equal(fo_graph_node_kind(g, node(g, "custom")), FO_KIND_OTHER);
	assert_string_equal(fo_graph_node_kind_word(g, node(g, "custom")), "k8s-cluster");
	assert_int_equal(fo_graph_node_kind(g, gz), FO_KIND_REGION);

	/* names, labels, tenant, tier, lines */
	assert_string_equal(fo_graph_node_name(g, gz), "Guangzhou");
	assert_string_equal(fo_graph_node_label(g, gz), "Guangzhou");
	assert_null(fo_graph_node_name(g, dc));
	assert_string_equal(fo_graph_node_label(g, dc), "dc");
	uint32_t app = node(g, "wechat-pay");
	assert_string_equal(fo_graph_node_tenant(g, app), "tencent");
	assert_null(fo_graph_node_tenant(g, dc));
	assert_int_equal(fo_graph_node_tier(g, app), 1);
	assert_int_equal(fo_graph_node_tier(g, node(g, "custom")), 2);
	assert_int_equal(fo_graph_node_tier(g, dc), 0);
	assert_int_equal(fo_graph_node_line(g, gz), 4);
	assert_int_equal(fo_graph_node_line(g, node(g, "custom")), 29);

	/* free-form properties, in document order */
	assert_int_equal(fo_graph_node_props(g, vm1, &props), 2);
	assert_string_equal(props[0].key, "owner");
	assert_string_equal(props[0].value, "team-a");
	assert_string_equal(props[1].key, "cost-center");
	assert_string_equal(props[1].value, "CC-42");
	assert_int_equal(fo_graph_node_props(g, gz, &props), 0);

	/* requires, min groups, degrades, copies */
	owned_group(g, hall, FO_GROUP_REQUIRES, 1, 1, &gi);
	assert_int_equal(gi.members[0], cooling);
	owned_group(g, app, FO_GROUP_REQUIRES, 1, 2, &gi);
	assert_true(has_member(&gi, node(g, "pay-gz")) && has_member(&gi, node(g, "pay-sh")));
	assert_int_equal(gi.line, 19);
	owned_group(g, app, FO_GROUP_DEGRADES, 1, 1, &gi);
	assert_int_equal(gi.members[0], node(g, "cdn"));
	owned_group(g, app, FO_GROUP_DEGRADES, 2, 2, &gi);
	assert_true(has_member(&gi, node(g, "cdn")) && has_member(&gi, node(g, "pay-sh")));
	owned_group(g, node(g, "photos"), FO_GROUP_COPIES, 1, 2, &gi);
	assert_true(has_member(&gi, vm1) && has_member(&gi, node(g, "bucket")));
	/* a forward reference */
	owned_group(g, node(g, "later"), FO_GROUP_REQUIRES, 1, 1, &gi);
	assert_int_equal(gi.members[0], node(g, "defined-after"));
}

static void test_valid_inventory(void **state)
{
	(void)state;
	result r;
	load_text(&r, valid_xml, 0);
	if (r.err)
		dump(r.d);
	assert_int_equal(r.err, FO_OK);
	assert_int_equal(fo_diag_count(r.d), 0);
	check_valid_graph(r.g);
	assert_string_equal(fo_graph_file(r.g), r.path);
	result_free(&r);
}

static void test_valid_inventory_schema(void **state)
{
	(void)state;
	result r;
	load_text(&r, valid_xml, 1);
	if (r.err)
		dump(r.d);
	assert_int_equal(r.err, FO_OK);
	assert_int_equal(fo_diag_count(r.d), 0);
	check_valid_graph(r.g);
	result_free(&r);
}

static void test_empty_inventory(void **state)
{
	(void)state;
	result r;
	load_text(&r, "<inventory/>", 0);
	assert_int_equal(r.err, FO_OK);
	assert_int_equal(fo_graph_node_count(r.g), 0);
	assert_null(fo_graph_name(r.g));
	result_free(&r);
}

/* Ids with quotes, a backslash, markup characters, a newline and Chinese
 * text load, are found by lookup and come back byte for byte. */
static void test_hostile_ids_round_trip(void **state)
{
	(void)state;
	static const char xml[] =
		"<inventory name=\"&lt;&quot;&gt;\">\n"
		"  <node id=\"q&quot;uote\" kind=\"x\"/>\n"
		"  <node id=\"back\\slash\" kind=\"x\"/>\n"
		"  <node id=\"a&lt;b&gt;c&amp;d\" kind=\"x\"/>\n"
		"  <node id=\"line&#10;break\" kind=\"x\" note=\"tab&#9;here\"/>\n"
		"  <node id=\"广州 机房\" kind=\"x\" name=\"广州电信&#10;二楼\"/>\n"
		"  <node id='single&apos;quote \"double\"' kind=\"x\"/>\n"
		"  <node id=\"user\" kind=\"app\">\n"
		"    <requires min=\"6\"><ref id=\"q&quot;uote\"/><ref id=\"back\\slash\"/>"
		"<ref id=\"a&lt;b&gt;c&amp;d\"/><ref id=\"line&#10;break\"/><ref id=\"广州 机房\"/>"
		"<ref id=\"single'quote &quot;double&quot;\"/></requires>\n"
		"  </node>\n"
		"</inventory>\n";
	static const char *const ids[] = { "q\"uote", "back\\slash", "a<b>c&d", "line\nbreak",
					   "广州 机房", "single'quote \"double\"" };
	result r;
	fo_group_info gi;
	const fo_prop *props;

	load_text(&r, xml, 0);
	if (r.err)
		dump(r.d);
	assert_int_equal(r.err, FO_OK);
	assert_string_equal(fo_graph_name(r.g), "<\">");
	owned_group(r.g, node(r.g, "user"), FO_GROUP_REQUIRES, 6, 6, &gi);
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		uint32_t n = node(r.g, ids[i]);
		assert_string_equal(fo_graph_node_id(r.g, n), ids[i]);
		assert_true(has_member(&gi, n));
	}
	assert_string_equal(fo_graph_node_name(r.g, node(r.g, "广州 机房")), "广州电信\n二楼");
	assert_int_equal(fo_graph_node_props(r.g, node(r.g, "line\nbreak"), &props), 1);
	assert_string_equal(props[0].value, "tab\there");
	result_free(&r);

	/* the same ids pass the schema too */
	load_text(&r, xml, 1);
	assert_int_equal(r.err, FO_OK);
	result_free(&r);
}

/* Standard input: read through a pipe-like descriptor, with columns
 * found by re-reading the spooled copy. */
static void test_stdin(void **state)
{
	(void)state;
	static const char xml[] =
		"<inventory>\n"
		"  <node id=\"a\" kind=\"x\" in=\"b\"/>\n"
		"  <node id=\"b\" kind=\"x\"    in=\"a\"/>\n"
		"  <node id=\"c\" kind=\"x\"><requires ref=\"nope\"/></node>\n"
		"</inventory>\n";
	int fds[2], saved = dup(0);
	result r;

	assert_true(saved >= 0);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], xml, sizeof xml - 1), (ssize_t)(sizeof xml - 1));
	close(fds[1]);
	assert_int_equal(dup2(fds[0], 0), 0);
	close(fds[0]);
	load_path(&r, "-", 0);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);

	assert_int_equal(r.err, FO_EINPUT);
	snprintf(r.path, sizeof r.path, "<stdin>");
	assert_errors(&r, 2);
	assert_diag(r.d, 4, 40, "unknown reference 'nope'");
	/* the builder reports the loop with a column to find: "in=" on line 2 */
	assert_diag(r.d, 2, 25, "containment loop");
	result_free(&r);
}

/* ------------------------------------------------------------ errors */

static void test_duplicate_id(void **state)
{
	(void)state;
	result r;
	load_text(&r, "<inventory>\n"
		      "  <node id=\"a\" kind=\"x\"/>\n"
		      "  <node id=\"b\" kind=\"x\"/>\n"
		      "  <node id=\"a\" kind=\"y\"/>\n"
		      "</inventory>\n", 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 1);
	assert_diag(r.d, 4, 13, "duplicate id 'a' (first defined at line 2)");
	result_free(&r);
}

/* Unknown references are reported where the reference is written, not
 * where the node starts. */
static void test_unknown_references(void **state)
{
	(void)state;
	result r;
	load_text(&r, "<inventory>\n"
		      "  <node id=\"app\" kind=\"app\">\n"
		      "    <requires min=\"1\">\n"
		      "      <ref id=\"db\"/>\n"
		      "      <ref id=\"nope\"/>\n"
		      "    </requires>\n"
		      "    <degrades ref=\"gone\"/>\n"
		      "    <copy ref=\"missing\"/>\n"
		      "  </node>\n"
		      "  <node id=\"db\" kind=\"db\" in=\"nowhere\"/>\n"
		      "  <node id=\"广州\" kind=\"x\"><requires ref=\"北京\"/></node>\n"
		      "</inventory>\n", 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 5);
	assert_diag(r.d, 5, 16, "unknown reference 'nope'");
	assert_diag(r.d, 7, 20, "unknown reference 'gone'");
	assert_diag(r.d, 8, 16, "unknown copy holder 'missing'");
	assert_diag(r.d, 10, 31, "unknown container 'nowhere'");
	/* columns count characters, not bytes */
	assert_diag(r.d, 11, 41, "unknown reference '北京'");
	result_free(&r);
}

static void test_bad_min(void **state)
{
	(void)state;
	static const char xml[] =
		"<inventory>\n"
		"  <node id=\"a\" kind=\"x\"/>\n"
		"  <node id=\"b\" kind=\"x\"/>\n"
		"  <node id=\"c\" kind=\"x\">\n"
		"    <requires min=\"0\"><ref id=\"a\"/></requires>\n"
		"    <requires min=\"abc\"><ref id=\"a\"/></requires>\n"
		"    <requires min=\"3\"><ref id=\"a\"/><ref id=\"b\"/></requires>\n"
		"    <degrades min=\"99999999999\"><ref id=\"a\"/></degrades>\n"
		"    <degrades min=\"-1\"><ref id=\"a\"/></degrades>\n"
		"    <requires min=\"2\"><ref id=\"a\"/><ref id=\"b\"/></requires>\n"
		"  </node>\n"
		"</inventory>\n";
	result r;

	load_text(&r, xml, 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 5);
	assert_diag(r.d, 5, 20, "bad min '0'");
	assert_diag(r.d, 6, 20, "bad min 'abc'");
	assert_diag(r.d, 7, 20, "bad min: needs 3 of 2 members");
	assert_diag(r.d, 8, 20, "bad min '99999999999'");
	assert_diag(r.d, 9, 20, "bad min '-1'");
	result_free(&r);

	/* with the schema: lexical errors are the validator's, each once */
	load_text(&r, xml, 1);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 5);
	assert_diag(r.d, 5, 15, "attribute 'min'");
	assert_diag(r.d, 6, 15, "attribute 'min'");
	assert_diag(r.d, 7, 20, "bad min: needs 3 of 2 members");
	assert_diag(r.d, 8, 20, "bad min '99999999999'");
	assert_diag(r.d, 9, 15, "attribute 'min'");
	result_free(&r);
}

static void test_repeated_member(void **state)
{
	(void)state;
	result r;
	/* Both refs are on one line: the error is at the second one. */
	load_text(&r, "<inventory>\n"
		      "  <node id=\"a\" kind=\"x\"/>\n"
		      "  <node id=\"c\" kind=\"x\"><requires min=\"1\"><ref id=\"a\"/><ref id=\"a\"/></requires></node>\n"
		      "  <node id=\"d\" kind=\"x\"><copy ref=\"a\"/><copy ref=\"a\"/></node>\n"
		      "</inventory>\n", 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 2);
	assert_diag(r.d, 3, 65, "repeated member 'a'");
	assert_diag(r.d, 4, 51, "repeated copy holder 'a'");
	result_free(&r);
}

static void test_in_on_nested_node(void **state)
{
	(void)state;
	result r;
	load_text(&r, "<inventory>\n"
		      "  <node id=\"a\" kind=\"x\">\n"
		      "    <node id=\"b\" kind=\"x\" in=\"a\"/>\n"
		      "  </node>\n"
		      "  <node id=\"c\" kind=\"x\" in=\"c\"/>\n"
		      "</inventory>\n", 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 2);
	assert_diag(r.d, 3, 27, "'in' on a nested node");
	assert_diag(r.d, 5, 29, "node 'c' cannot be located in itself");
	result_free(&r);
}

static void test_containment_loop(void **state)
{
	(void)state;
	result r;
	load_text(&r, "<inventory>\n"
		      "  <node id=\"a\" kind=\"x\" in=\"b\"/>\n"
		      "  <node id=\"b\" kind=\"x\"\tin=\"a\"/>\n"
		      "</inventory>\n", 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 1);
	/* reported by the builder with no column: found by re-reading */
	assert_diag(r.d, 2, 25, "containment loop");
	result_free(&r);
}

static void test_unknown_element(void **state)
{
	(void)state;
	static const char xml[] =
		"<inventory>\n"
		"  <node id=\"a\" kind=\"x\">\n"
		"    <depends ref=\"b\"><node id=\"hidden\" kind=\"x\" in=\"nope\"/></depends>\n"
		"    <ref id=\"a\"/>\n"
		"  </node>\n"
		"  <widget/>\n"
		"  <x:node xmlns:x=\"urn:x\" id=\"b\" kind=\"x\"/>\n"
		"</inventory>\n";
	result r;

	load_text(&r, xml, 0);
	assert_int_equal(r.err, FO_EINPUT);
	/* the content of an unknown element is skipped, not reported */
	assert_errors(&r, 4);
	assert_diag(r.d, 3, 5, "unknown element <depends> in <node>");
	assert_diag(r.d, 4, 5, "element <ref> is not allowed in <node>");
	assert_diag(r.d, 6, 3, "unknown element <widget> in <inventory>");
	assert_diag(r.d, 7, 3, "unknown element <x:node>");
	result_free(&r);

	load_text(&r, xml, 1);
	assert_int_equal(r.err, FO_EINPUT);
	assert_diag(r.d, 3, 5, "Element 'depends': This element is not expected");
	result_free(&r);
}

static void test_unknown_attributes(void **state)
{
	(void)state;
	static const char xml[] =
		"<inventory owner=\"me\">\n"
		"  <node id=\"a\" kind=\"x\"/>\n"
		"  <node id=\"b\" kind=\"x\"><requires ref=\"a\" weight=\"2\"/></node>\n"
		"  <node id=\"c\" kind=\"x\"><degrades><ref id=\"a\" w=\"1\"/></degrades><copy ref=\"a\" how=\"nfs\"/></node>\n"
		"</inventory>\n";
	result r;

	load_text(&r, xml, 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 4);
	assert_diag(r.d, 1, 12, "unknown attribute 'owner' on <inventory>");
	assert_diag(r.d, 3, 43, "unknown attribute 'weight' on <requires>");
	assert_diag(r.d, 4, 47, "unknown attribute 'w' on <ref>");
	assert_diag(r.d, 4, 79, "unknown attribute 'how' on <copy>");
	result_free(&r);

	/* with the schema, the validator says it, once */
	load_text(&r, xml, 1);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 4);
	assert_diag(r.d, 3, 43, "attribute 'weight': The attribute 'weight' is not allowed");
	result_free(&r);
}

static void test_bad_tier(void **state)
{
	(void)state;
	static const char xml[] =
		"<inventory>\n"
		"  <node id=\"a\" kind=\"x\" tier=\"0\"/>\n"
		"  <node id=\"b\" kind=\"x\" tier=\"-1\"/>\n"
		"  <node id=\"c\" kind=\"x\" tier=\"x\"/>\n"
		"  <node id=\"d\" kind=\"x\" tier=\"1000001\"/>\n"
		"  <node id=\"e\" kind=\"x\" tier=\"+1\"/>\n"
		"  <node id=\"f\" kind=\"x\" tier=\"01\"/>\n"
		"  <node id=\"g\" kind=\"x\" tier=\"1000000\"/>\n"
		"</inventory>\n";
	result r;

	load_text(&r, xml, 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 6);
	assert_diag(r.d, 2, 31, "bad tier '0'");
	assert_diag(r.d, 3, 31, "bad tier '-1'");
	assert_diag(r.d, 4, 31, "bad tier 'x'");
	assert_diag(r.d, 5, 31, "bad tier '1000001': the largest tier is 1000000");
	assert_diag(r.d, 6, 31, "bad tier '+1'");
	assert_diag(r.d, 7, 31, "bad tier '01'");
	result_free(&r);

	load_text(&r, xml, 1);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 6);
	assert_diag(r.d, 2, 25, "attribute 'tier'");
	assert_diag(r.d, 5, 31, "bad tier '1000001'");
	result_free(&r);
}

static void test_bad_ids(void **state)
{
	(void)state;
	char xml[4096], a1025[1026], b1024[1025];
	result r;

	memset(a1025, 'a', 1025);
	a1025[1025] = '\0';
	memset(b1024, 'b', 1024);
	b1024[1024] = '\0';
	snprintf(xml, sizeof xml,
		 "<inventory>\n"
		 "  <node id=\"\" kind=\"x\"/>\n"
		 "  <node id=\"%s\" kind=\"x\"/>\n"
		 "  <node id=\"%s\" kind=\"x\"/>\n"
		 "  <node kind=\"x\"/>\n"
		 "  <node id=\"k\"/>\n"
		 "  <node id=\"m\" kind=\"Host\"/>\n"
		 "  <node id=\"n\" kind=\"x\"><copy ref=\"\"/></node>\n"
		 "</inventory>\n",
		 a1025, b1024);
	load_text(&r, xml, 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 6);
	assert_diag(r.d, 2, 13, "empty id");
	assert_diag(r.d, 3, 13, "is 1025 bytes long; the limit is 1024");
	assert_diag(r.d, 5, 3, "missing attribute 'id' on <node>");
	assert_diag(r.d, 6, 3, "missing attribute 'kind' on <node>");
	assert_diag(r.d, 7, 22, "bad kind 'Host'");
	assert_diag(r.d, 8, 36, "empty reference");
	result_free(&r);

	/* 1024 bytes is fine */
	snprintf(xml, sizeof xml, "<inventory><node id=\"%s\" kind=\"x\"/></inventory>", b1024);
	load_text(&r, xml, 0);
	assert_int_equal(r.err, FO_OK);
	assert_string_equal(fo_graph_node_id(r.g, node(r.g, b1024)), b1024);
	result_free(&r);
}

static void test_bad_version_and_root(void **state)
{
	(void)state;
	result r;

	load_text(&r, "<inventory version=\"2\"/>\n", 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 1);
	assert_diag(r.d, 1, 21, "unsupported version '2'");
	result_free(&r);

	load_text(&r, "<inventory version=\"2\"/>\n", 1);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 1);
	assert_diag(r.d, 1, 12, "fixed value constraint '1'");
	result_free(&r);

	/* a wrong root: one error, its content is not looked at */
	load_text(&r, "<?xml version=\"1.0\"?>\n<inv>\n  <node id=\"a\" kind=\"x\" in=\"zz\"/>\n</inv>\n", 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 1);
	assert_diag(r.d, 2, 1, "the root element is <inv>");
	result_free(&r);

	load_text(&r, "<inventory xmlns=\"urn:fallout\"/>", 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 1);
	assert_diag(r.d, 1, 1, "namespace 'urn:fallout'");
	result_free(&r);
}

static void test_group_forms(void **state)
{
	(void)state;
	static const char xml[] =
		"<inventory>\n"
		"  <node id=\"a\" kind=\"x\"/>\n"
		"  <node id=\"b\" kind=\"x\">\n"
		"    <requires ref=\"a\" min=\"1\"/>\n"
		"    <requires ref=\"a\"><ref id=\"a\"/><ref id=\"a\"/></requires>\n"
		"    <degrades/>\n"
		"    <degrades min=\"1\">\n"
		"    </degrades>\n"
		"  </node>\n"
		"</inventory>\n";
	result r;

	load_text(&r, xml, 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 4);
	assert_diag(r.d, 4, 23, "min= together with ref=");
	assert_diag(r.d, 5, 23, "<requires> has both ref= and <ref> children");
	assert_diag(r.d, 6, 5, "group has no members");
	assert_diag(r.d, 7, 5, "group has no members");
	result_free(&r);

	/* XSD 1.0 cannot say any of these: same errors with the schema */
	load_text(&r, xml, 1);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 4);
	result_free(&r);
}

static void test_text_content(void **state)
{
	(void)state;
	result r;
	load_text(&r, "<inventory>\n"
		      "  <node id=\"a\" kind=\"x\">\n"
		      "    hello\n"
		      "    <requires ref=\"a\">world</requires>\n"
		      "    <![CDATA[cdata]]> again\n"
		      "  </node>\n"
		      "  stray &amp; text\n"
		      "</inventory>\n", 0);
	assert_int_equal(r.err, FO_EINPUT);
	/* one error per element */
	assert_errors(&r, 3);
	assert_diag(r.d, 3, 5, "text is not allowed in <node>: 'hello'");
	assert_diag(r.d, 4, 23, "text is not allowed in <requires>: 'world'");
	assert_diag(r.d, 7, 3, "text is not allowed in <inventory>: 'stray & text'");
	result_free(&r);

	/* A CDATA section is text even when blank (libxml2's validator says
	 * so too): an error with and without the schema. */
	for (int schema = 0; schema < 2; schema++) {
		load_text(&r, "<inventory>\n  <![CDATA[  ]]>\n</inventory>\n", schema);
		assert_int_equal(r.err, FO_EINPUT);
		assert_errors(&r, 1);
		if (!schema)
			assert_diag(r.d, 2, 3, "text is not allowed in <inventory>: CDATA section");
		result_free(&r);
	}
}

static void test_namespaced_attributes(void **state)
{
	(void)state;
	static const char xml[] =
		"<inventory xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
		"           xsi:noNamespaceSchemaLocation=\"nowhere.xsd\" xmlns:x=\"urn:x\">\n"
		"  <node id=\"a\" kind=\"x\" x:owner=\"me\" xml:lang=\"zh\"/>\n"
		"</inventory>\n";
	result r;

	load_text(&r, xml, 0);
	assert_int_equal(r.err, FO_EINPUT);
	/* xmlns declarations and xsi:* are fine; other prefixes are not */
	assert_errors(&r, 2);
	assert_diag(r.d, 3, 25, "namespaced attribute 'x:owner'");
	assert_diag(r.d, 3, 38, "namespaced attribute 'xml:lang'");
	result_free(&r);

	load_text(&r, xml, 1);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 2);
	assert_diag(r.d, 3, 25, "attribute '{urn:x}owner'");
	result_free(&r);
}

/* Start tags over several lines: each problem at its own line. */
static void test_multiline_tags(void **state)
{
	(void)state;
	result r;
	load_text(&r, "<inventory>\n"
		      "  <node\n"
		      "      id=\"x\"\n"
		      "      kind=\"app\"\n"
		      "      tier=\"zero\">\n"
		      "    <requires\n"
		      "       ref=\"missing\"/>\n"
		      "  </node>\n"
		      "</inventory>\n", 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 2);
	assert_diag(r.d, 5, 13, "bad tier 'zero'");
	assert_diag(r.d, 7, 13, "unknown reference 'missing'");
	result_free(&r);

	load_text(&r, "<inventory>\n"
		      "  <node\n"
		      "      kind=\"Bad\"\n"
		      "      id=\"x\"/>\n"
		      "</inventory>\n", 1);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 1);
	/* libxml2 says line 4 (where the tag ends); the scanner knows better */
	assert_diag(r.d, 3, 7, "attribute 'kind'");
	result_free(&r);
}

/* Every semantic error of a file in one run, in document order for those
 * found while reading, then the references resolved at the end. */
static void test_many_errors_one_run(void **state)
{
	(void)state;
	result r;
	load_text(&r, "<inventory>\n"
		      "  <node id=\"a\" kind=\"x\" tier=\"0\"/>\n"
		      "  <node id=\"a\" kind=\"x\">\n"
		      "    <node id=\"b\" kind=\"x\" in=\"a\"/>\n"
		      "    <bogus/>\n"
		      "    <requires min=\"2\"><ref id=\"b\"/></requires>\n"
		      "    <requires ref=\"nope\"/>\n"
		      "  </node>\n"
		      "  <node id=\"c\" kind=\"x\" in=\"zz\"><copy ref=\"yy\"/></node>\n"
		      "</inventory>\n", 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 8);
	assert_diag(r.d, 2, 31, "bad tier '0'");
	assert_diag(r.d, 3, 13, "duplicate id 'a'");
	assert_diag(r.d, 4, 27, "'in' on a nested node");
	assert_diag(r.d, 5, 5, "unknown element <bogus>");
	assert_diag(r.d, 6, 20, "bad min: needs 2 of 1");
	assert_diag(r.d, 7, 20, "unknown reference 'nope'");
	assert_diag(r.d, 9, 29, "unknown container 'zz'");
	assert_diag(r.d, 9, 44, "unknown copy holder 'yy'");
	result_free(&r);
}

/* Errors found before a fatal XML error are kept; references are then not
 * resolved (the rest of the file is unknown). */
static void test_errors_before_fatal(void **state)
{
	(void)state;
	result r;
	load_text(&r, "<inventory>\n"
		      "  <node id=\"a\" kind=\"x\"/>\n"
		      "  <node id=\"a\" kind=\"x\"><requires ref=\"later\"/></node>\n"
		      "  <node id=\"b\" kind=\"x\">\n"
		      "  </nod>\n"
		      "</inventory>\n", 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 2);
	assert_diag(r.d, 3, 13, "duplicate id 'a'");
	assert_diag(r.d, 5, 9, "Opening and ending tag mismatch");
	result_free(&r);
}

/* Lines past 65535 (libxml2 keeps 16 bits without XML_PARSE_BIG_LINES). */
static void test_big_line_numbers(void **state)
{
	(void)state;
	size_t cap = 80000 * 40, len = 0;
	char *xml = malloc(cap);
	assert_non_null(xml);
	len += (size_t)snprintf(xml + len, cap - len, "<inventory>\n");
	for (int i = 2; i < 70003; i++)
		len += (size_t)snprintf(xml + len, cap - len, "  <node id=\"n%d\" kind=\"host\"/>\n", i);
	/* line 70003 */
	len += (size_t)snprintf(xml + len, cap - len,
				"  <node id=\"x\" kind=\"app\"><requires ref=\"nope\"/></node>\n");
	/* line 70004 */
	len += (size_t)snprintf(xml + len, cap - len, "  <node id=\"y\" kind=\"Bad\" tier=\"0\"/>\n");
	len += (size_t)snprintf(xml + len, cap - len, "</inventory>\n");
	const char *path = write_tmp("big.xml", xml, len);
	free(xml);

	result r;
	load_path(&r, path, 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 3);
	assert_diag(r.d, 70003, 42, "unknown reference 'nope'");
	assert_diag(r.d, 70004, 22, "bad kind 'Bad'");
	assert_diag(r.d, 70004, 33, "bad tier '0'");
	result_free(&r);

	load_path(&r, path, 1);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 3);
	assert_diag(r.d, 70003, 42, "unknown reference 'nope'");
	assert_diag(r.d, 70004, 16, "attribute 'kind'");
	assert_diag(r.d, 70004, 27, "attribute 'tier'");
	result_free(&r);
}

/* The caller's cap bounds what is stored; the count stays true. */
static void test_diag_cap(void **state)
{
	(void)state;
	char *xml = malloc(64 * 1024);
	size_t len = 0;
	fo_graph *g = NULL;
	fo_diag *d = NULL;

	assert_non_null(xml);
	len += (size_t)sprintf(xml, "<inventory>\n");
	for (int i = 0; i < 500; i++)
		len += (size_t)sprintf(xml + len, "<node id=\"n%d\" kind=\"x\" in=\"missing%d\"/>\n", i, i);
	len += (size_t)sprintf(xml + len, "</inventory>\n");
	const char *path = write_tmp("cap.xml", xml, len);
	free(xml);
	assert_int_equal(fo_diag_new(&d, 10), FO_OK);
	assert_int_equal(fo_inventory_load(&g, path, NULL, d), FO_EINPUT);
	assert_null(g);
	assert_int_equal(fo_diag_errors(d), 500);
	assert_int_equal(fo_diag_count(d), 10);
	fo_diag_free(d);
}

/* The schema-checked fixtures of tests/xsd/: with and without the schema,
 * the importer accepts exactly the *-ok.xml files (no check depends on the
 * option but for the wording and the number of messages). */
static void test_xsd_fixtures_agree(void **state)
{
	(void)state;
	DIR *dir = opendir("tests/xsd");
	struct dirent *e;
	int seen = 0;

	if (!dir)
		skip();
	while ((e = readdir(dir))) {
		size_t n = strlen(e->d_name);
		char path[512];
		if (n < 4 || strcmp(e->d_name + n - 4, ".xml") != 0)
			continue;
		int ok = n >= 7 && strcmp(e->d_name + n - 7, "-ok.xml") == 0;
		snprintf(path, sizeof path, "tests/xsd/%s", e->d_name);
		for (int schema = 0; schema < 2; schema++) {
			result r;
			load_path(&r, path, schema);
			if ((r.err == FO_OK) != ok) {
				dump(r.d);
				fail_msg("%s (schema %d): got %d", path, schema, r.err);
			}
			if (!ok) {
				assert_int_equal(r.err, FO_EINPUT);
				assert_true(fo_diag_errors(r.d) >= 1);
			}
			result_free(&r);
		}
		seen++;
	}
	closedir(dir);
	assert_true(seen > 0);
}

/* Several threads loading at once (libxml2's error handlers are per
 * thread; the entity loader is installed once). */
static void *load_many(void *arg)
{
	const char *path = arg;
	for (int i = 0; i < 20; i++) {
		fo_graph *g = NULL;
		fo_diag *d = NULL;
		fo_inventory_opts o = { i % 2, NULL, 0, 0 };
		if (fo_diag_new(&d, 0) != FO_OK)
			return (void *)1;
		int err = fo_inventory_load(&g, path, &o, d);
		int bad = err != FO_OK || fo_graph_node_count(g) != 15 || fo_diag_count(d) != 0;
		fo_graph_free(g);
		fo_diag_free(d);
		if (bad)
			return (void *)1;
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	char path[512];
	pthread_t t[4];
	snprintf(path, sizeof path, "%s", write_tmp("threads.xml", valid_xml, strlen(valid_xml)));
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, load_many, path), 0);
	for (int i = 0; i < 4; i++) {
		void *ret;
		assert_int_equal(pthread_join(t[i], &ret), 0);
		assert_null(ret);
	}
}

/* The warnings the locate tests add after loading, with what they expect. */
static void add_late_warnings(fo_diag *d, const char *file)
{
	fo_diag_add(d, FO_SEV_WARNING, file, 23, 0, "photos", "nothing depends on 'photos'");
	fo_diag_add(d, FO_SEV_WARNING, file, 7, 0, NULL, "first non-blank");
	fo_diag_add(d, FO_SEV_WARNING, file, 13, 0, "<node", "an element");
	fo_diag_add(d, FO_SEV_WARNING, file, 13, 0, "in=", "an attribute");
	fo_diag_add(d, FO_SEV_WARNING, "other.xml", 13, 0, "in=", "another file");
	fo_diag_add(d, FO_SEV_WARNING, file, 9999, 0, NULL, "past the end");
}

static void assert_late_warnings(const fo_diag *d, int located)
{
	assert_diag(d, 23, located ? 13 : 0, "nothing depends on 'photos'");
	assert_diag(d, 7, located ? 7 : 0, "first non-blank");
	assert_diag(d, 13, located ? 3 : 0, "an element");
	assert_diag(d, 13, located ? 29 : 0, "an attribute");
	assert_diag(d, 13, 0, "another file");
	assert_diag(d, 9999, 0, "past the end");
}

/* fo_inventory_read on path (opts: schema off); the input is kept. */
static fo_inventory_input *read_kept(fo_graph **g, fo_diag *d, const char *path)
{
	fo_inventory_input *in = NULL;
	assert_int_equal(fo_inventory_read(g, &in, path, NULL, d), FO_OK);
	assert_non_null(in);
	return in;
}

/* Columns of diagnostics added after loading (fallout check's warnings),
 * from the input kept by the read: the path is never opened again, so a
 * file removed since still gives them. */
static void test_locate(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	char path[512];
	snprintf(path, sizeof path, "%s", write_tmp("locate.xml", valid_xml, strlen(valid_xml)));
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	fo_inventory_input *in = read_kept(&g, d, path);
	assert_string_equal(fo_inventory_input_name(in), path);
	assert_int_equal(unlink(path), 0);
	add_late_warnings(d, path);
	assert_int_equal(fo_inventory_input_locate(in, d), FO_OK);
	assert_late_warnings(d, 1);
	assert_int_equal(fo_inventory_input_locate(NULL, d), FO_EINVAL);
	assert_int_equal(fo_inventory_input_locate(in, NULL), FO_EINVAL);
	fo_inventory_input_free(in);
	fo_inventory_input_free(NULL);
	fo_graph_free(g);
	fo_diag_free(d);
}

/* A file rewritten after the read: its columns would point into other
 * bytes, so they stay unknown. */
static void test_locate_rewritten(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	char path[512];
	snprintf(path, sizeof path, "%s", write_tmp("rewritten.xml", valid_xml, strlen(valid_xml)));
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	fo_inventory_input *in = read_kept(&g, d, path);
	/* In place (the same inode, which the kept descriptor reads): every
	 * line shifted by two blanks. */
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	for (const char *p = valid_xml; *p; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fputs("  ", f);
	}
	assert_int_equal(fclose(f), 0);
	add_late_warnings(d, path);
	assert_int_equal(fo_inventory_input_locate(in, d), FO_OK);
	assert_late_warnings(d, 0);
	fo_inventory_input_free(in);
	fo_graph_free(g);
	fo_diag_free(d);
}

/* Writes `len` bytes of `data` into a pipe from a thread; the read end is
 * the test's. */
typedef struct pipe_feed {
	int fd;
	const char *data;
	size_t len;
	pthread_t t;
} pipe_feed;

static void *feed_pipe(void *arg)
{
	pipe_feed *f = arg;
	size_t off = 0;
	while (off < f->len) {
		/* odd pieces, so that reads see partial buffers */
		size_t n = f->len - off < 1000 ? f->len - off : 1000;
		ssize_t w = write(f->fd, f->data + off, n);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(f->fd);
	return NULL;
}

/* Reads through /dev/fd/N of a pipe that a thread fills; returns the read
 * end's path in path (the caller closes *rfd). */
static void start_pipe(pipe_feed *f, int *rfd, char path[64], const char *data, size_t len)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	*rfd = fds[0];
	f->fd = fds[1];
	f->data = data;
	f->len = len;
	assert_int_equal(pthread_create(&f->t, NULL, feed_pipe, f), 0);
	snprintf(path, 64, "/dev/fd/%d", fds[0]);
}

/* The digest is that of the bytes parsed, whatever the input: a file, a
 * pipe (which has no second read), larger than the read-ahead buffer. */
static void test_read_digest(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	char hex[65], path[512], ppath[64];
	/* valid_xml, then a comment making it larger than one read-ahead
	 * (256 KiB) and not a multiple of the hash's block */
	size_t pad = 300 * 1024 + 7, n = strlen(valid_xml);
	char *big = malloc(n + pad + 8);
	assert_non_null(big);
	memcpy(big, valid_xml, n);
	memcpy(big + n, "<!--", 4);
	memset(big + n + 4, 'x', pad);
	memcpy(big + n + 4 + pad, "-->\n", 4);
	size_t len = n + pad + 8;
	snprintf(path, sizeof path, "%s", write_tmp("digest.xml", big, len));
	fo_sha256_ctx c;
	char want[65];
	fo_sha256_init(&c);
	fo_sha256_update(&c, big, len);
	fo_sha256_final(&c, want);

	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	fo_inventory_input *in = read_kept(&g, d, path);
	assert_string_equal(fo_inventory_input_sha256(in), want);
	assert_int_equal(fo_sha256_file(hex, path, NULL), FO_OK);
	assert_string_equal(hex, want);
	fo_inventory_input_free(in);
	fo_graph_free(g);
	g = NULL;

	pipe_feed f;
	int rfd;
	start_pipe(&f, &rfd, ppath, big, len);
	in = read_kept(&g, d, ppath);
	assert_int_equal(pthread_join(f.t, NULL), 0);
	close(rfd);
	assert_string_equal(fo_inventory_input_sha256(in), want);
	assert_int_equal(fo_graph_node_count(g), 15);
	fo_inventory_input_free(in);
	fo_graph_free(g);
	fo_diag_free(d);
	free(big);
}

/* A pipe's columns come from the copy made while reading it. */
static void test_locate_pipe(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	char ppath[64];
	pipe_feed f;
	int rfd;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	start_pipe(&f, &rfd, ppath, valid_xml, strlen(valid_xml));
	fo_inventory_opts o = { 1, "piped.xml", 0, 0 };
	fo_inventory_input *in = NULL;
	assert_int_equal(fo_inventory_read(&g, &in, ppath, &o, d), FO_OK);
	assert_int_equal(pthread_join(f.t, NULL), 0);
	close(rfd);
	assert_string_equal(fo_inventory_input_name(in), "piped.xml");
	assert_int_equal(strlen(fo_inventory_input_sha256(in)), 64);
	add_late_warnings(d, "piped.xml");
	assert_int_equal(fo_inventory_input_locate(in, d), FO_OK);
	assert_late_warnings(d, 1);
	fo_inventory_input_free(in);
	fo_graph_free(g);
	fo_diag_free(d);
}

/* A failed read keeps nothing. */
static void test_read_failed(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	fo_inventory_input *in = (fo_inventory_input *)&g; /* must be reset */
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_inventory_read(&g, &in, "tests/hostile/does-not-exist.xml", NULL, d),
			 FO_EIO);
	assert_null(in);
	assert_null(g);
	in = (fo_inventory_input *)&g;
	const char *bad = "<inventory version=\"1\"><node/></inventory>";
	assert_int_equal(fo_inventory_read(&g, &in, write_tmp("bad.xml", bad, strlen(bad)), NULL, d),
			 FO_EINPUT);
	assert_null(in);
	assert_null(g);
	assert_int_equal(fo_inventory_read(&g, NULL, "x", NULL, NULL), FO_EINVAL);
	fo_diag_free(d);
}

static void test_schema_text(void **state)
{
	(void)state;
	const char *x = fo_inventory_schema();
	assert_non_null(x);
	assert_non_null(strstr(x, "<xs:schema"));
	assert_non_null(strstr(x, "name=\"inventory\""));
}

static void test_invalid_arguments(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_inventory_load(NULL, "x", NULL, d), FO_EINVAL);
	assert_int_equal(fo_inventory_load(&g, NULL, NULL, d), FO_EINVAL);
	assert_int_equal(fo_inventory_load(&g, "x", NULL, NULL), FO_EINVAL);
	fo_diag_free(d);
}

/* ------------------------------------------------------------ I/O */

static void test_file_not_found(void **state)
{
	(void)state;
	result r;
	load_path(&r, "tests/hostile/does-not-exist.xml", 0);
	assert_int_equal(r.err, FO_EIO);
	assert_errors(&r, 1);
	const fo_diag_entry *e = fo_diag_get(r.d, 0);
	assert_int_equal(e->line, 0);
	assert_string_equal(e->msg, "cannot open: No such file or directory");
	result_free(&r);

	load_path(&r, "tests/hostile", 0);
	assert_int_equal(r.err, FO_EIO);
	assert_errors(&r, 1);
	assert_non_null(strstr(fo_diag_get(r.d, 0)->msg, "cannot read"));
	result_free(&r);
}

/* -------------------------------------------------------- hostile */

/* Loads a hostile file: refused with exactly one located error containing
 * `sub`. No time is asserted (the machines are shared): the located error
 * proves the scanner refused it before libxml2 parsed it. */
static void expect_refused(const char *path, unsigned long line, unsigned long col,
			   const char *sub)
{
	for (int schema = 0; schema < 2; schema++) {
		result r;
		load_path(&r, path, schema);
		assert_int_equal(r.err, FO_EINPUT);
		assert_errors(&r, 1);
		assert_diag(r.d, line, col, sub);
		/* nothing was read from outside: no password file, no marker */
		assert_no_mention(r.d, "root:");
		assert_no_mention(r.d, "FALLOUT-SECRET-MARKER");
		result_free(&r);
	}
}

#define DOCTYPE_MSG "DOCTYPE is not allowed: fallout inventories take no DTD"

static void test_doctype_external_entity(void **state)
{
	(void)state;
	expect_refused("tests/hostile/doctype-external-entity.xml", 2, 1, DOCTYPE_MSG);
	expect_refused("tests/hostile/doctype-external-marker.xml", 2, 1, DOCTYPE_MSG);
	expect_refused("tests/hostile/doctype-external-dtd.xml", 2, 1, DOCTYPE_MSG);
}

static void test_doctype_after_comment(void **state)
{
	(void)state;
	/* "<!DOCTYPE" inside a comment and a PI is text; the real one is not */
	expect_refused("tests/hostile/doctype-after-comment.xml", 4, 1, DOCTYPE_MSG);
}

static void test_billion_laughs(void **state)
{
	(void)state;
	expect_refused("tests/hostile/billion-laughs.xml", 2, 1, DOCTYPE_MSG);
}

static void test_parameter_entities(void **state)
{
	(void)state;
	expect_refused("tests/hostile/parameter-entities.xml", 2, 1, DOCTYPE_MSG);
}

/* One 64 KiB entity referenced 20,000 times: 1.3 GB if expanded. */
static void test_quadratic_blowup(void **state)
{
	(void)state;
	size_t big = 64 * 1024, refs = 20000;
	size_t cap = big + refs * 4 + 256, len = 0;
	char *xml = malloc(cap);
	assert_non_null(xml);
	len += (size_t)sprintf(xml, "<?xml version=\"1.0\"?>\n<!DOCTYPE inventory [<!ENTITY a \"");
	memset(xml + len, 'x', big);
	len += big;
	len += (size_t)sprintf(xml + len, "\">]>\n<inventory><node id=\"q\" kind=\"x\" name=\"");
	for (size_t i = 0; i < refs; i++) {
		memcpy(xml + len, "&a;", 3);
		len += 3;
	}
	len += (size_t)sprintf(xml + len, "\"/></inventory>\n");
	const char *path = write_tmp("quadratic.xml", xml, len);
	free(xml);
	expect_refused(path, 2, 1, DOCTYPE_MSG);
}

static void test_deep_nesting(void **state)
{
	(void)state;
	size_t depth = 10000, cap = depth * 40 + 64, len = 0;
	char *xml = malloc(cap);
	assert_non_null(xml);
	len += (size_t)sprintf(xml, "<inventory>\n");
	for (size_t i = 0; i < depth; i++)
		len += (size_t)sprintf(xml + len, "<node id=\"n%zu\" kind=\"x\">\n", i);
	for (size_t i = 0; i < depth; i++)
		len += (size_t)sprintf(xml + len, "</node>\n");
	len += (size_t)sprintf(xml + len, "</inventory>\n");
	const char *path = write_tmp("deep.xml", xml, len);
	free(xml);
	/* line 257 holds the first element 257 deep (the root is 1 deep) */
	expect_refused(path, 257, 1, "nested more than 256 deep");

	/* errors just before the refusal are still reported */
	len = 0;
	xml = malloc(cap);
	assert_non_null(xml);
	len += (size_t)sprintf(xml, "<inventory>\n<node id=\"a\" kind=\"x\"/>\n<node id=\"a\" kind=\"x\"/>\n");
	for (size_t i = 0; i < 300; i++)
		len += (size_t)sprintf(xml + len, "<node id=\"n%zu\" kind=\"x\">\n", i);
	path = write_tmp("deep2.xml", xml, len);
	free(xml);
	result r2;
	load_path(&r2, path, 0);
	assert_int_equal(r2.err, FO_EINPUT);
	assert_errors(&r2, 2);
	assert_diag(r2.d, 3, 11, "duplicate id 'a'");
	assert_diag(r2.d, 259, 1, "nested more than 256 deep");
	result_free(&r2);

	/* 256 deep is fine */
	len = 0;
	xml = malloc(cap);
	assert_non_null(xml);
	len += (size_t)sprintf(xml, "<inventory>");
	for (size_t i = 0; i < 255; i++)
		len += (size_t)sprintf(xml + len, "<node id=\"n%zu\" kind=\"x\">", i);
	for (size_t i = 0; i < 255; i++)
		len += (size_t)sprintf(xml + len, "</node>");
	len += (size_t)sprintf(xml + len, "</inventory>\n");
	path = write_tmp("deep256.xml", xml, len);
	free(xml);
	result r;
	load_path(&r, path, 0);
	assert_int_equal(r.err, FO_OK);
	assert_int_equal(fo_graph_node_count(r.g), 255);
	result_free(&r);
}

static void test_truncated(void **state)
{
	(void)state;
	expect_refused("tests/hostile/truncated.xml", 4, 30,
		       "unexpected end of file: <node> from line 4 is not closed");
}

static void test_binary_garbage(void **state)
{
	(void)state;
	expect_refused("tests/hostile/binary-garbage.bin", 1, 91, "NUL byte");
	expect_refused("tests/hostile/binary-no-nul.bin", 1, 1, "not an XML document");
}

static void test_empty_documents(void **state)
{
	(void)state;
	expect_refused("tests/hostile/empty.xml", 1, 1, "empty document");
	expect_refused("tests/hostile/blank.xml", 4, 1, "empty document");
	expect_refused("tests/hostile/comment-only.xml", 3, 1, "empty document");
}

static void test_encodings(void **state)
{
	(void)state;
	expect_refused("tests/hostile/utf16-bom.xml", 1, 1, "UTF-16 byte order mark");
	expect_refused("tests/hostile/utf16-no-bom.xml", 1, 2, "not UTF-8 text");
	expect_refused("tests/hostile/invalid-utf8.xml", 3, 16, "invalid UTF-8");
	expect_refused("tests/hostile/encoding-latin1.xml", 1, 1, "unsupported encoding 'ISO-8859-1'");
	expect_refused("tests/hostile/encoding-utf7.xml", 1, 1, "unsupported encoding 'UTF-7'");

	/* a UTF-8 byte order mark is fine, and not a column */
	result r;
	load_text(&r, "\xEF\xBB\xBF<inventory><node id=\"a\" kind=\"x\" in=\"b\"/></inventory>", 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 1);
	assert_diag(r.d, 1, 38, "unknown container 'b'");
	result_free(&r);
}

static void test_undefined_entity(void **state)
{
	(void)state;
	expect_refused("tests/hostile/undefined-entity.xml", 3, 41, "Entity 'passwd' not defined");
}

static void test_xinclude_not_processed(void **state)
{
	(void)state;
	result r;
	load_path(&r, "tests/hostile/xinclude.xml", 0);
	assert_int_equal(r.err, FO_EINPUT);
	assert_errors(&r, 1);
	assert_diag(r.d, 4, 5, "unknown element <xi:include>");
	assert_no_mention(r.d, "root:");
	result_free(&r);
}

/* xsi:noNamespaceSchemaLocation names a schema that would reject the file:
 * it is never loaded, the embedded one is used. */
static void test_schema_location_ignored(void **state)
{
	(void)state;
	result r;
	load_path(&r, "tests/hostile/schema-location.xml", 1);
	if (r.err)
		dump(r.d);
	assert_int_equal(r.err, FO_OK);
	assert_int_equal(fo_diag_count(r.d), 0);
	result_free(&r);
}


/* 257 attributes on one <node> (tests/hostile/many-attributes.xml): refused
 * at the name of the 257th; 256 are read (libxml2 2.9 checks duplicates in
 * quadratic time: 200,000 attributes took 102 s). */
static void test_many_attributes(void **state)
{
	(void)state;
	expect_refused("tests/hostile/many-attributes.xml", 21, 131,
		       "more than 256 attributes on one element (fallout's limit)");

	/* id, kind and 254 properties: exactly the limit */
	size_t cap = 64 + FO_SCAN_MAX_ATTRS * 16, len = 0;
	char *xml = malloc(cap);
	assert_non_null(xml);
	len += (size_t)sprintf(xml, "<inventory version=\"1\">\n<node id=\"a\" kind=\"x\"");
	for (unsigned i = 0; i < FO_SCAN_MAX_ATTRS - 2; i++)
		len += (size_t)sprintf(xml + len, " p%u=\"\"", i);
	len += (size_t)sprintf(xml + len, "/>\n</inventory>\n");
	const char *path = write_tmp("attrs256.xml", xml, len);
	free(xml);
	result r;
	load_path(&r, path, 0);
	assert_int_equal(r.err, FO_OK);
	assert_int_equal(fo_graph_node_count(r.g), 1);
	result_free(&r);

	/* namespace declarations are attributes too */
	cap = 64 + (FO_SCAN_MAX_ATTRS + 1) * 24;
	len = 0;
	xml = malloc(cap);
	assert_non_null(xml);
	len += (size_t)sprintf(xml, "<inventory version=\"1\"");
	for (unsigned i = 0; i < FO_SCAN_MAX_ATTRS; i++)
		len += (size_t)sprintf(xml + len, "\nxmlns:p%u=\"urn:x\"", i);
	len += (size_t)sprintf(xml + len, "><node id=\"a\" kind=\"x\"/></inventory>\n");
	path = write_tmp("xmlns257.xml", xml, len);
	free(xml);
	expect_refused(path, FO_SCAN_MAX_ATTRS + 1, 1, "more than 256 attributes");
}

/* n comments and PIs, one a line, alternating, inside the root. */
static const char *write_markup(const char *name, size_t n)
{
	size_t cap = 64 + n * 8, len = 0;
	char *xml = malloc(cap);
	assert_non_null(xml);
	len += (size_t)sprintf(xml, "<inventory version=\"1\">\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(xml + len, i % 2 ? "<?p?>\n" : "<!---->\n");
	len += (size_t)sprintf(xml + len, "<node id=\"a\" kind=\"x\"/></inventory>\n");
	const char *path = write_tmp(name, xml, len);
	free(xml);
	return path;
}

/* libxml2's reader keeps comments and PIs outside and directly inside the
 * root until the end: 200 MB of "<!---->" peaked at 4.9 GB. */
static void test_many_comments(void **state)
{
	(void)state;
	result r;
	load_path(&r, write_markup("markup-max.xml", FO_SCAN_MAX_MARKUP), 0);
	assert_int_equal(r.err, FO_OK);
	result_free(&r);

	/* one more: refused at its '<' (line 1 is the root's start tag) */
	expect_refused(write_markup("markup-over.xml", FO_SCAN_MAX_MARKUP + 1),
			   FO_SCAN_MAX_MARKUP + 2, 1,
			   "more than 100000 comments and processing instructions in one document");
}

/* Comments and PIs of more than FO_SCAN_MAX_MARKUP_BYTES in all, each under
 * libxml2's own limit: refused at the '<' of the one that crosses it, before
 * libxml2 has buffered it all. */
static void test_comment_bytes(void **state)
{
	(void)state;
	size_t big = FO_SCAN_MAX_MARKUP_BYTES - 1000, cap = FO_SCAN_MAX_MARKUP_BYTES + 4096;
	char *xml = malloc(cap);
	assert_non_null(xml);
	size_t len = (size_t)sprintf(xml, "<!--");
	memset(xml + len, 'x', big - 7);
	len += big - 7;
	len += (size_t)sprintf(xml + len, "-->\n<inventory version=\"1\">\n  <!--");
	size_t head = len;
	/* the second comment ends the total exactly at the limit... */
	memset(xml + len, 'y', 1000 - 7);
	len += 1000 - 7;
	len += (size_t)sprintf(xml + len, "-->\n<node id=\"a\" kind=\"x\"/></inventory>\n");
	const char *path = write_tmp("comments-at-limit.xml", xml, len);
	result r;
	load_path(&r, path, 0);
	assert_int_equal(r.err, FO_OK);
	result_free(&r);

	/* ...one byte more is refused, wherever the comment ends */
	len = head;
	memset(xml + len, 'y', 1000 - 6);
	len += 1000 - 6;
	len += (size_t)sprintf(xml + len, "-->\n<node id=\"a\" kind=\"x\"/></inventory>\n");
	path = write_tmp("comments-over.xml", xml, len);
	expect_refused(path, 3, 3, "comments and processing instructions longer than 10000000 bytes");

	/* and an unclosed one is refused as soon as it crosses the limit */
	len = head;
	memset(xml + len, 'y', 4000);
	len += 4000;
	path = write_tmp("comments-unclosed.xml", xml, len);
	free(xml);
	expect_refused(path, 3, 3, "comments and processing instructions longer than 10000000 bytes");
}

/* ------------------------------------------------- the pre-scanner */

typedef struct scan_out {
	fo_scan_tag tags[16];
	fo_scan_attr attrs[16][4];
	size_t n;
	enum fo_scan_stop stop;
	unsigned long stop_line, stop_col;
} scan_out;

/* Scans doc in chunks of `chunk` bytes, popping tags as they come. */
static void scan_doc(const char *doc, size_t chunk, scan_out *o)
{
	fo_scan s;
	size_t len = strlen(doc);
	memset(o, 0, sizeof *o);
	fo_scan__init(&s);
	for (size_t i = 0; i < len && !o->stop; i += chunk) {
		size_t n = len - i < chunk ? len - i : chunk;
		o->stop = fo_scan__feed(&s, (const unsigned char *)doc + i, n);
		while (o->n < 16 && fo_scan__pop_tag(&s, &o->tags[o->n]) == 0) {
			for (uint32_t a = 0; a < o->tags[o->n].attr_count && a < 4; a++)
				o->attrs[o->n][a] = *fo_scan__attr(&s, &o->tags[o->n], a);
			o->n++;
		}
	}
	o->stop_line = s.stop_line;
	o->stop_col = s.stop_col;
	fo_scan__dispose(&s);
}

static void test_scanner_positions_any_chunking(void **state)
{
	(void)state;
	static const char doc[] =
		"<?xml version='1.0'?>\n"
		"<!-- <node id=\"no\"> -->\n"
		"<a x=\"1>/2\" y='\"'>\n"
		"  <![CDATA[<b c=\"d\">]]><?pi <e f=\"g\"?>\n"
		"  <p:h\n"
		"     i = \"广州\" j='k'/>\n"
		"</a>\n";
	scan_out whole, bytes;

	scan_doc(doc, sizeof doc, &whole);
	assert_int_equal(whole.stop, FO_SCAN_GO);
	assert_int_equal(whole.n, 2);
	assert_int_equal(whole.tags[0].line, 3);
	assert_int_equal(whole.tags[0].col, 1);
	assert_int_equal(whole.tags[0].attr_count, 2);
	assert_true(whole.tags[0].hash == fo_scan__hash("a", 1));
	assert_int_equal(whole.attrs[0][1].col, 13);  /* y */
	assert_int_equal(whole.attrs[0][1].vcol, 16);
	assert_int_equal(whole.tags[1].line, 5);
	assert_int_equal(whole.tags[1].col, 3);
	assert_int_equal(whole.tags[1].end_line, 6);
	assert_true(whole.tags[1].hash == fo_scan__hash("p:h", 3));
	assert_int_equal(whole.attrs[1][0].line, 6);
	assert_int_equal(whole.attrs[1][0].col, 6);
	assert_int_equal(whole.attrs[1][1].col, 15);  /* after two characters, six bytes */
	assert_true(whole.attrs[1][1].hash == fo_scan__hash("j", 1));

	/* one byte at a time gives the same */
	scan_doc(doc, 1, &bytes);
	assert_int_equal(bytes.n, whole.n);
	for (size_t i = 0; i < whole.n; i++) {
		const fo_scan_tag *a = &whole.tags[i], *b = &bytes.tags[i];
		assert_true(a->seq == b->seq && a->hash == b->hash && a->line == b->line &&
			    a->col == b->col && a->end_line == b->end_line &&
			    a->attr_first == b->attr_first && a->attr_count == b->attr_count);
		for (uint32_t j = 0; j < a->attr_count && j < 4; j++) {
			const fo_scan_attr *x = &whole.attrs[i][j], *y = &bytes.attrs[i][j];
			assert_true(x->hash == y->hash && x->line == y->line && x->col == y->col &&
				    x->vline == y->vline && x->vcol == y->vcol);
		}
	}
}

/* Attributes taken by the scanner's fast path for start tags (tag_run in
 * scan.c): names, values with a LF and UTF-8 in them, single quotes,
 * blanks around '=' (left to the one-byte path), a tab, an empty tag; the
 * positions are those of the one-byte path, for every chunk size. */
static void test_scanner_attribute_runs(void **state)
{
	(void)state;
	static const char doc[] =
		"<r>\n"
		"<node id=\"\xE5\xB9\xBF\xE5\xB7\x9E-1\" kind='host'\n"
		"      name=\"a\nb\" x = \"y\" z=\"\xC3\xA9\"/>\n"
		"<n2\tq=\"1\"><n3/></n2></r>\n";
	scan_out whole, part;

	scan_doc(doc, sizeof doc, &whole);
	assert_int_equal(whole.stop, FO_SCAN_GO);
	assert_int_equal(whole.n, 4);
	const fo_scan_tag *t = &whole.tags[1];
	assert_true(t->hash == fo_scan__hash("node", 4));
	assert_int_equal(t->line, 2);
	assert_int_equal(t->col, 1);
	assert_int_equal(t->end_line, 4);
	assert_int_equal(t->attr_count, 5);
	static const unsigned long want[4][4] = {
		{ 2, 7, 2, 11 },  /* id, its value after two 3-byte characters... */
		{ 2, 17, 2, 23 }, /* kind, single-quoted */
		{ 3, 7, 3, 13 },  /* name, whose value holds a LF */
		{ 4, 4, 4, 9 },   /* x = "y" */
	};
	static const char *const names[4] = { "id", "kind", "name", "x" };
	for (int a = 0; a < 4; a++) {
		const fo_scan_attr *x = &whole.attrs[1][a];
		assert_true(x->hash == fo_scan__hash(names[a], strlen(names[a])));
		assert_int_equal(x->line, want[a][0]);
		assert_int_equal(x->col, want[a][1]);
		assert_int_equal(x->vline, want[a][2]);
		assert_int_equal(x->vcol, want[a][3]);
	}
	assert_true(whole.tags[2].hash == fo_scan__hash("n2", 2));
	assert_int_equal(whole.tags[2].line, 5);
	assert_int_equal(whole.attrs[2][0].col, 5);
	assert_int_equal(whole.attrs[2][0].vcol, 8);
	assert_int_equal(whole.tags[3].col, 11);
	for (size_t chunk = 1; chunk < sizeof doc; chunk++) {
		scan_doc(doc, chunk, &part);
		assert_int_equal(part.n, whole.n);
		for (size_t i = 0; i < whole.n; i++) {
			const fo_scan_tag *a = &whole.tags[i], *b = &part.tags[i];
			assert_true(a->seq == b->seq && a->hash == b->hash && a->line == b->line &&
				    a->col == b->col && a->end_line == b->end_line &&
				    a->attr_first == b->attr_first && a->attr_count == b->attr_count);
			for (uint32_t j = 0; j < a->attr_count && j < 4; j++) {
				const fo_scan_attr *x = &whole.attrs[i][j], *y = &part.attrs[i][j];
				assert_true(x->hash == y->hash && x->line == y->line && x->col == y->col &&
					    x->vline == y->vline && x->vcol == y->vcol);
			}
		}
	}
}

static void test_scanner_doctype_any_chunking(void **state)
{
	(void)state;
	static const char doc[] = "<?xml version=\"1.0\"?>\n<!-- -- --><!DOCTYPE x [<!ENTITY a 'b'>]><x/>";
	for (size_t chunk = 1; chunk <= sizeof doc; chunk++) {
		scan_out o;
		scan_doc(doc, chunk, &o);
		assert_int_equal(o.stop, FO_SCAN_DOCTYPE);
		assert_int_equal(o.stop_line, 2);
		assert_int_equal(o.stop_col, 12);
		assert_int_equal(o.n, 0);
	}
	/* inside a comment, a PI or CDATA it is only text */
	scan_out o;
	scan_doc("<x><!--<!DOCTYPE--><?p <!DOCTYPE?><![CDATA[<!DOCTYPE]]></x>", 1, &o);
	assert_int_equal(o.stop, FO_SCAN_GO);
	assert_int_equal(o.n, 1);
}


/* The caps on comments, PIs and attributes stop at the same place whatever
 * the chunking. */
static void test_scanner_caps_any_chunking(void **state)
{
	(void)state;
	/* a budget of bytes spent, then a comment that crosses it */
	size_t fill = FO_SCAN_MAX_MARKUP_BYTES - 10;
	char *doc = malloc(fill + 64);
	assert_non_null(doc);
	memcpy(doc, "<?p", 3);
	memset(doc + 3, 'x', fill - 5);
	memcpy(doc + fill - 2, "?>\n<x><!-- over the limit --></x>", 34);
	static const size_t chunks[] = { 1, 7, 4096, 65536 };
	for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		scan_out o;
		scan_doc(doc, chunks[i], &o);
		assert_int_equal(o.stop, FO_SCAN_MARKUP_BYTES);
		assert_int_equal(o.stop_line, 2);
		assert_int_equal(o.stop_col, 4);
	}
	free(doc);

	char tag[8 + FO_SCAN_MAX_ATTRS * 8 + 8];
	size_t len = (size_t)sprintf(tag, "<x\n");
	for (unsigned i = 0; i <= FO_SCAN_MAX_ATTRS; i++)
		len += (size_t)sprintf(tag + len, " a%03u=''", i);
	sprintf(tag + len, "/>");
	for (size_t chunk = 1; chunk < 40; chunk++) {
		scan_out o;
		scan_doc(tag, chunk, &o);
		assert_int_equal(o.stop, FO_SCAN_ATTRS);
		assert_int_equal(o.stop_line, 2);
		assert_int_equal(o.stop_col, 2 + FO_SCAN_MAX_ATTRS * 8);
	}
}

/* ------------------------------------------------------------- threads */

/* The same read with one thread and with the builder's own thread (from
 * the start, or from FO_INVENTORY_THREAD_AT bytes on) gives the same
 * status, the same graph and the same diagnostics in the same order,
 * however the two threads interleave. */
typedef struct thread_run {
	int err;
	fo_graph *g;
	fo_diag *d;
} thread_run;

static void read_threads(thread_run *r, const char *path, int threads, size_t cap)
{
	fo_inventory_opts o = { 0, NULL, 0, threads };
	memset(r, 0, sizeof *r);
	assert_int_equal(fo_diag_new(&r->d, cap), FO_OK);
	r->err = fo_inventory_load(&r->g, path, &o, r->d);
}

static void same_str_or_null(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void same_run(const thread_run *a, const thread_run *b)
{
	assert_int_equal(a->err, b->err);
	assert_int_equal(fo_diag_count(a->d), fo_diag_count(b->d));
	assert_int_equal(fo_diag_errors(a->d), fo_diag_errors(b->d));
	assert_int_equal(fo_diag_warnings(a->d), fo_diag_warnings(b->d));
	assert_int_equal(fo_diag_dropped(a->d), fo_diag_dropped(b->d));
	for (size_t i = 0; i < fo_diag_count(a->d); i++) {
		const fo_diag_entry *x = fo_diag_get(a->d, i), *y = fo_diag_get(b->d, i);
		assert_int_equal(x->sev, y->sev);
		same_str_or_null(x->code, y->code);
		same_str_or_null(x->file, y->file);
		assert_int_equal(x->line, y->line);
		assert_int_equal(x->col, y->col);
		same_str_or_null(x->hint, y->hint);
		assert_string_equal(x->msg, y->msg);
	}
	if (a->err != FO_OK)
		return;
	const fo_graph *p = a->g, *q = b->g;
	uint32_t n = fo_graph_node_count(p);
	assert_int_equal(n, fo_graph_node_count(q));
	assert_int_equal(fo_graph_group_count(p), fo_graph_group_count(q));
	assert_int_equal(fo_graph_member_count(p), fo_graph_member_count(q));
	same_str_or_null(fo_graph_name(p), fo_graph_name(q));
	for (uint32_t v = 0; v < n; v++) {
		const fo_prop *pa, *pb;
		assert_string_equal(fo_graph_node_id(p, v), fo_graph_node_id(q, v));
		same_str_or_null(fo_graph_node_name(p, v), fo_graph_node_name(q, v));
		assert_string_equal(fo_graph_node_kind_word(p, v), fo_graph_node_kind_word(q, v));
		same_str_or_null(fo_graph_node_tenant(p, v), fo_graph_node_tenant(q, v));
		assert_int_equal(fo_graph_node_tier(p, v), fo_graph_node_tier(q, v));
		assert_int_equal(fo_graph_node_container(p, v), fo_graph_node_container(q, v));
		assert_int_equal(fo_graph_node_line(p, v), fo_graph_node_line(q, v));
		size_t na = fo_graph_node_props(p, v, &pa), nb = fo_graph_node_props(q, v, &pb);
		assert_int_equal(na, nb);
		for (size_t i = 0; i < na; i++) {
			assert_string_equal(pa[i].key, pb[i].key);
			assert_string_equal(pa[i].value, pb[i].value);
		}
	}
	for (uint32_t i = 0; i < fo_graph_group_count(p); i++) {
		fo_group_info x, y;
		fo_graph_group(p, i, &x);
		fo_graph_group(q, i, &y);
		assert_int_equal(x.owner, y.owner);
		assert_int_equal(x.type, y.type);
		assert_int_equal(x.k, y.k);
		assert_int_equal(x.n, y.n);
		assert_int_equal(x.line, y.line);
		assert_memory_equal(x.members, y.members, x.n * sizeof *x.members);
	}
}

static void run_free(thread_run *r)
{
	fo_graph_free(r->g);
	fo_diag_free(r->d);
}

/* Errors of the reader (attributes, kinds, text) and of the builder
 * (duplicate ids, bad min, empty groups, unknown and repeated references,
 * containment loops), interleaved, many times over; with an unlimited diag
 * and with a cap that cuts in the middle. */
static void test_threads_same_diagnostics(void **state)
{
	(void)state;
	static const char block[] =
		"  <node id=\"a%d\" kind=\"host\" color=\"red\"/>\n"
		"  <node id=\"a%d\" kind=\"Host\" bogus:x=\"1\"/>\n"
		"  <node id=\"b%d\" kind=\"vm\" in=\"a%d\" zap=\"1\">text\n"
		"    <requires min=\"3\"><ref id=\"a%d\"/><ref id=\"a%d\"/></requires>\n"
		"    <requires><ref id=\"nowhere%d\"/><ref id=\"c%d\"/></requires>\n"
		"    <degrades/>\n"
		"    <copy ref=\"missing%d\"/><copy ref=\"a%d\"/><copy ref=\"a%d\"/>\n"
		"  </node>\n"
		"  <node id=\"c%d\" kind=\"app\" in=\"d%d\"><bad/></node>\n"
		"  <node id=\"d%d\" kind=\"site\" in=\"c%d\"/>\n"
		"  <node id=\"\" kind=\"x\"/>\n";
	/* Over PAR_MIN (graph.c) builder groups: fo_builder_finish tries
	 * its two-thread pass, finds the errors and falls back. */
	enum { BLOCKS = 2100 };
	size_t cap = 64 + BLOCKS * (sizeof block + 100), len;
	char *xml = malloc(cap);
	assert_non_null(xml);
	len = (size_t)snprintf(xml, cap, "<inventory name=\"threads\">\n");
	for (int i = 0; i < BLOCKS; i++)
		len += (size_t)snprintf(xml + len, cap - len, block, i, i, i, i, i, i, i, i, i, i, i,
					i, i, i, i);
	len += (size_t)snprintf(xml + len, cap - len, "</inventory>\n");
	char path[512];
	snprintf(path, sizeof path, "%s", write_tmp("errors.xml", xml, len));
	free(xml);

	static const size_t caps[] = { 0, 7, 1000 };
	for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
		thread_run one, two;
		read_threads(&one, path, 1, caps[c]);
		assert_int_equal(one.err, FO_EINPUT);
		assert_true(fo_diag_errors(one.d) > BLOCKS * 10);
		for (int rep = 0; rep < 3; rep++) {
			read_threads(&two, path, 2, caps[c]);
			same_run(&one, &two);
			run_free(&two);
		}
		run_free(&one);
	}
}

/* A generated inventory larger than FO_INVENTORY_THREAD_AT: the default
 * starts the thread part way through; the graphs are the same. */
static void test_threads_same_graph(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s/gen.xml", tmpdir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fo_gen_opts go = { 20000, 7 };
	assert_int_equal(fo_gen_write(f, &go), FO_OK);
	assert_int_equal(fclose(f), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true((uint64_t)st.st_size > FO_INVENTORY_THREAD_AT);

	thread_run one, def, two;
	read_threads(&one, path, 1, 0);
	assert_int_equal(one.err, FO_OK);
	read_threads(&def, path, 0, 0);
	read_threads(&two, path, 2, 0);
	same_run(&one, &def);
	same_run(&one, &two);
	run_free(&one);
	run_free(&def);
	run_free(&two);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_inventory),
		cmocka_unit_test(test_valid_inventory_schema),
		cmocka_unit_test(test_empty_inventory),
		cmocka_unit_test(test_hostile_ids_round_trip),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_duplicate_id),
		cmocka_unit_test(test_unknown_references),
		cmocka_unit_test(test_bad_min),
		cmocka_unit_test(test_repeated_member),
		cmocka_unit_test(test_in_on_nested_node),
		cmocka_unit_test(test_containment_loop),
		cmocka_unit_test(test_unknown_element),
		cmocka_unit_test(test_unknown_attributes),
		cmocka_unit_test(test_bad_tier),
		cmocka_unit_test(test_bad_ids),
		cmocka_unit_test(test_bad_version_and_root),
		cmocka_unit_test(test_group_forms),
		cmocka_unit_test(test_text_content),
		cmocka_unit_test(test_namespaced_attributes),
		cmocka_unit_test(test_multiline_tags),
		cmocka_unit_test(test_many_errors_one_run),
		cmocka_unit_test(test_errors_before_fatal),
		cmocka_unit_test(test_big_line_numbers),
		cmocka_unit_test(test_diag_cap),
		cmocka_unit_test(test_xsd_fixtures_agree),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_locate_rewritten),
		cmocka_unit_test(test_read_digest),
		cmocka_unit_test(test_locate_pipe),
		cmocka_unit_test(test_read_failed),
		cmocka_unit_test(test_schema_text),
		cmocka_unit_test(test_invalid_arguments),
		cmocka_unit_test(test_file_not_found),
		cmocka_unit_test(test_doctype_external_entity),
		cmocka_unit_test(test_doctype_after_comment),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_parameter_entities),
		cmocka_unit_test(test_quadratic_blowup),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_binary_garbage),
		cmocka_unit_test(test_empty_documents),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_undefined_entity),
		cmocka_unit_test(test_xinclude_not_processed),
		cmocka_unit_test(test_schema_location_ignored),
		cmocka_unit_test(test_many_attributes),
		cmocka_unit_test(test_many_comments),
		cmocka_unit_test(test_comment_bytes),
		cmocka_unit_test(test_scanner_positions_any_chunking),
		cmocka_unit_test(test_scanner_doctype_any_chunking),
		cmocka_unit_test(test_scanner_attribute_runs),
		cmocka_unit_test(test_scanner_caps_any_chunking),
		cmocka_unit_test(test_threads_same_diagnostics),
		cmocka_unit_test(test_threads_same_graph),
	};
	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
