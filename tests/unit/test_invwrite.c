/*
 * test_invwrite.c — a graph written as an inventory XML (importers/
 * fo_invwrite.h): the exact text for the quickstart graph, reading it back
 * gives the same graph and writing that gives the same bytes (also for
 * hostile ids, names and tenants: quotes, backslashes, <, newlines, control
 * characters, invalid UTF-8, Chinese text), property keys made XML names
 * and unique, and the error paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"
#include "graphs/fo_graph.h"
#include "importers/fo_inventory.h"
#include "importers/fo_invwrite.h"
#include "helpers/rfix.h"

/* fo_invwrite's output for g (malloc'd). */
static char *written(const fo_graph *g)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(fo_invwrite(fp, g), FO_OK);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/* Reads text back through the inventory reader (from a temporary file);
 * it must load without a diagnostic. */
static fo_graph *read_back(const char *text)
{
	char path[] = "/tmp/fo-test-invwrite-XXXXXX";
	int fd = mkstemp(path);
	fo_diag *d;
	fo_graph *g = NULL;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	int err = fo_inventory_load(&g, path, NULL, d);
	if (err != FO_OK || fo_diag_count(d)) {
		fo_diag_print(d, stderr);
		fail_msg("the written inventory does not read back: %d", err);
	}
	fo_diag_free(d);
	unlink(path);
	return g;
}

/* Written, read back, written again: the same bytes. Returns the text. */
static char *round_trip(const fo_graph *g)
{
	char *t1 = written(g);
	fo_graph *g2 = read_back(t1);
	char *t2 = written(g2);
	assert_string_equal(t1, t2);
	assert_int_equal(fo_graph_node_count(g2), fo_graph_node_count(g));
	assert_int_equal(fo_graph_group_count(g2), fo_graph_group_count(g));
	assert_int_equal(fo_graph_member_count(g2), fo_graph_member_count(g));
	fo_graph_free(g2);
	free(t2);
	return t1;
}

static void quickstart_text(void **state)
{
	(void)state;
	fo_graph *g;
	assert_int_equal(rfix_quickstart(&g), FO_OK);
	char *t = round_trip(g);
	static const char want[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<inventory name=\"quickstart\" version=\"1\">\n"
		"  <node id=\"gz\" kind=\"region\" name=\"Guangzhou\"/>\n"
		"  <node id=\"gz-3\" kind=\"zone\" in=\"gz\"/>\n"
		"  <node id=\"gz3-dc\" kind=\"site\" name=\"GZ3 data center\" in=\"gz-3\"/>\n"
		"  <node id=\"gz3-cooling\" kind=\"cooling\" in=\"gz3-dc\"/>\n"
		"  <node id=\"gz3-hall-a\" kind=\"room\" in=\"gz3-dc\">\n"
		"    <requires ref=\"gz3-cooling\"/>\n"
		"  </node>\n"
		"  <node id=\"gz3-rack-01\" kind=\"rack\" in=\"gz3-hall-a\"/>\n"
		"  <node id=\"cvm-gz3\" kind=\"vm\" in=\"gz3-rack-01\"/>\n" /* the alias as its kind */
		"  <node id=\"pay-gz\" kind=\"service\">\n"
		"    <requires ref=\"cvm-gz3\"/>\n"
		"  </node>\n"
		"  <node id=\"pay-sh\" kind=\"service\"/>\n"
		"  <node id=\"cdn-gz\" kind=\"cdn\"/>\n"
		"  <node id=\"wechat-pay\" kind=\"app\" name=\"WeChat Pay\" tenant=\"tencent\" tier=\"1\" "
		"owner=\"pay-team\" sla=\"99.99%\">\n"
		"    <requires min=\"1\">\n"
		"      <ref id=\"pay-gz\"/>\n"
		"      <ref id=\"pay-sh\"/>\n"
		"    </requires>\n"
		"    <degrades ref=\"cdn-gz\"/>\n"
		"  </node>\n"
		"  <node id=\"photos\" kind=\"dataset\" tenant=\"tencent\">\n"
		"    <copy ref=\"cvm-gz3\"/>\n"
		"    <copy ref=\"pay-sh\"/>\n"
		"  </node>\n";
	/* The head is exact; the rest (more apps) round-trips above. */
	if (strncmp(t, want, sizeof want - 1) != 0)
		fail_msg("unexpected output:\n%s", t);
	size_t n = strlen(t);
	assert_true(n > 14 && !strcmp(t + n - 13, "</inventory>\n"));
	fo_graph_free(g);
	free(t);
}

static void hostile_text(void **state)
{
	(void)state;
	fo_graph *g, *g2;
	assert_int_equal(rfix_hostile(&g), FO_OK);
	char *t = round_trip(g);
	/* Escaped for an attribute, never raw. */
	assert_non_null(strstr(t, "id=\"q&quot;uote\""));
	assert_non_null(strstr(t, "id=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
	assert_non_null(strstr(t, "id=\"a&amp;b\""));
	assert_non_null(strstr(t, "id=\"new&#10;line\""));
	assert_non_null(strstr(t, "id=\"tab&#9;here\""));
	assert_non_null(strstr(t, "id=\"cr&#13;lf\""));
	assert_non_null(strstr(t, "id=\"back\\slash\""));
	assert_non_null(strstr(t, "id=\"\xe4\xb8\xad\xe6\x96\x87\xe5\x90\x8d\""));
	assert_non_null(strstr(t, "id=\"]]&gt; --&gt; &lt;!-- &lt;![CDATA[\""));
	/* What XML cannot hold is U+FFFD. */
	assert_non_null(strstr(t, "id=\"ctl\xEF\xBF\xBD\xEF\xBF\xBD\""));
	assert_non_null(strstr(t, "id=\"bad\xEF\xBF\xBD\xEF\xBF\xBDutf8\""));
	assert_null(strchr(t, '\x01'));
	assert_null(strchr(t, '\r'));

	/* Every id XML can hold reads back as itself. */
	g2 = read_back(t);
	for (size_t i = 0; i < rfix_hostile_count; i++) {
		const char *id = rfix_hostile_ids[i];
		uint32_t v;
		if (strchr(id, '\x01') || strstr(id, "\xff"))
			continue;
		if (fo_graph_lookup(g2, id, &v) != FO_OK)
			fail_msg("id %zu lost in the round trip", i);
	}
	fo_graph_free(g2);
	fo_graph_free(g);
	free(t);
}

/* Property keys: XML names without a colon, never a word of the format,
 * unique on their node; values escaped. */
static void prop_keys(void **state)
{
	(void)state;
	fo_diag *d;
	fo_builder *b;
	fo_graph *g = NULL;
	uint32_t v;
	static const char *const keys[] = {
		"topology.kubernetes.io/zone", "kind", "xmlns", "XMLfoo", "1st", "a b", "a/b", "a_b",
		"x:y", "\xe6\x9c\xba\xe6\x88\xbf", "owner", "ok-key.v2", "in",
	};
	static const char *const want =
		" topology.kubernetes.io_zone=\"us-east-1b\" _kind=\"v1\" _xmlns=\"v2\" _XMLfoo=\"v3\""
		" _1st=\"v4\" a_b=\"v5\" a_b_2=\"v6\" a_b_3=\"v7\" x_y=\"v8\""
		" \xe6\x9c\xba\xe6\x88\xbf=\"v9\" owner=\"&lt;&amp;&gt;&quot;&#10;\" ok-key.v2=\"v11\" _in=\"v12\"";
	static const char *const values[] = {
		"us-east-1b", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "<&>\"\n", "v11", "v12",
	};

	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_builder_new(&b, d, "props"), FO_OK);
	assert_int_equal(fo_builder_add_node(b, "n", "vm", NULL, NULL, 0, (fo_pos){ 1, 1 }, &v), FO_OK);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_int_equal(fo_builder_add_prop(b, v, keys[i], values[i]), FO_OK);
	assert_int_equal(fo_builder_finish(b, &g), FO_OK);
	fo_builder_free(b);
	fo_diag_free(d);

	char *t = round_trip(g);
	if (!strstr(t, want))
		fail_msg("unexpected properties:\n%s", t);
	/* No name attribute: the graph had none. */
	assert_non_null(strstr(t, "<inventory version=\"1\">"));
	fo_graph_free(g);
	free(t);
}

static void errors(void **state)
{
	(void)state;
	fo_graph *g;
	char buf[16];
	assert_int_equal(rfix_quickstart(&g), FO_OK);
	assert_int_equal(fo_invwrite(NULL, g), FO_EINVAL);
	FILE *fp = fmemopen(buf, sizeof buf, "w");
	assert_non_null(fp);
	assert_int_equal(fo_invwrite(fp, NULL), FO_EINVAL);
	/* A stream that fills up: the write error is said. */
	setvbuf(fp, NULL, _IONBF, 0);
	assert_int_equal(fo_invwrite(fp, g), FO_EIO);
	fclose(fp);
	fo_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quickstart_text),
		cmocka_unit_test(hostile_text),
		cmocka_unit_test(prop_keys),
		cmocka_unit_test(errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
