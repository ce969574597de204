/*
 * test_scenarios.c — scenario files (importers/fo_scenarios.h): a valid
 * file, every error with its FILE:LINE:COL, and the hostile inputs of
 * tests/hostile/ (DOCTYPEs, entities, foreign encodings, garbage), which
 * must be refused cleanly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "graphs/fo_error.h"
#include "graphs/fo_sha256.h"
#include "importers/fo_inventory.h"
#include "importers/fo_scenarios.h"
#include "helpers/fixture.h"

static fo_graph *graph(void)
{
	fo_graph *g = NULL;
	assert_int_equal(fx_graph(&g, "N gz3-cooling cooling\nN sbg site\nN cdn-gz cdn\nN gz-3 zone\n", NULL),
			 FO_OK);
	return g;
}

/* Writes text to a temporary file; returns its malloc'd path. */
static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/fo-test-scenarios-XXXXXX");
	assert_non_null(path);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

/* Loads text; returns the status, *d the diagnostics (caller frees). */
static int load_text(const char *text, fo_scenarios **out, fo_diag **d, char **pathp)
{
	fo_graph *g = graph();
	char *path = write_tmp(text);
	assert_int_equal(fo_diag_new(d, 0), FO_OK);
	int err = fo_scenarios_load(out, path, g, *d);
	fo_graph_free(g);
	unlink(path);
	if (pathp)
		*pathp = path;
	else
		free(path);
	return err;
}

/* Expects exactly one error "LINE:COL: msg" (msg a substring). */
static void expect_error(const char *text, unsigned long line, unsigned long col, const char *msg)
{
	fo_scenarios *s = NULL;
	fo_diag *d = NULL;
	int err = load_text(text, &s, &d, NULL);
	assert_int_equal(err, FO_EINPUT);
	assert_null(s);
	int found = 0;
	for (size_t i = 0; i < fo_diag_count(d); i++) {
		const fo_diag_entry *e = fo_diag_get(d, i);
		if (strstr(e->msg, msg) && e->line == line && e->col == col)
			found = 1;
	}
	if (!found) {
		fo_diag_print(d, stderr);
		fail_msg("expected %lu:%lu: %s", line, col, msg);
	}
	fo_diag_free(d);
}

static void valid_file(void **state)
{
	(void)state;
	fo_scenarios *s = NULL;
	fo_diag *d = NULL;
	fo_graph *g = graph();
	const uint32_t *v;
	int err = load_text("<?xml version=\"1.0\"?>\n<!-- c -->\n<scenarios name=\"before migration\" version=\"1\">\n"
			    "  <scenario name=\"GZ3 cooling plant fails\"><fail ref=\"gz3-cooling\"/></scenario>\n"
			    "  <scenario name=\"Strasbourg site fire\"><destroy ref=\"sbg\"/></scenario>\n"
			    "  <scenario name=\"CDN and one zone\"><fail ref=\"cdn-gz\"/><fail ref=\"gz-3\"/>"
			    "<destroy ref=\"sbg\"/></scenario>\n</scenarios>\n", &s, &d, NULL);
	if (err)
		fo_diag_print(d, stderr);
	assert_int_equal(err, FO_OK);
	assert_string_equal(fo_scenarios_name(s), "before migration");
	assert_int_equal(fo_scenarios_count(s), 3);
	assert_string_equal(fo_scenarios_scenario_name(s, 0), "GZ3 cooling plant fails");
	assert_int_equal(fo_scenarios_line(s, 1), 5);
	assert_int_equal(fo_scenarios_fail(s, 0, &v), 1);
	assert_int_equal(v[0], fx_id(g, "gz3-cooling"));
	assert_int_equal(fo_scenarios_destroy(s, 0, &v), 0);
	assert_int_equal(fo_scenarios_fail(s, 1, &v), 0);
	assert_int_equal(fo_scenarios_destroy(s, 1, &v), 1);
	assert_int_equal(v[0], fx_id(g, "sbg"));
	assert_int_equal(fo_scenarios_fail(s, 2, &v), 2);
	assert_int_equal(v[0], fx_id(g, "cdn-gz"));
	assert_int_equal(v[1], fx_id(g, "gz-3"));
	assert_int_equal(fo_scenarios_destroy(s, 2, &v), 1);
	assert_int_equal(fo_diag_count(d), 0);
	fo_scenarios_free(s);
	fo_scenarios_free(NULL);
	fo_diag_free(d);
	fo_graph_free(g);
}

static void empty_list_and_no_name(void **state)
{
	(void)state;
	fo_scenarios *s = NULL;
	fo_diag *d = NULL;
	assert_int_equal(load_text("<scenarios/>", &s, &d, NULL), FO_OK);
	assert_null(fo_scenarios_name(s));
	assert_int_equal(fo_scenarios_count(s), 0);
	fo_scenarios_free(s);
	fo_diag_free(d);
}

static void migration_sample(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_diag *d = NULL;
	fo_scenarios *s = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_inventory_load(&g, "samples/migration/after.xml", NULL, d), FO_OK);
	assert_int_equal(fo_scenarios_load(&s, "samples/migration/scenarios.xml", g, d), FO_OK);
	assert_int_equal(fo_scenarios_count(s), 4);
	fo_scenarios_free(s);
	fo_graph_free(g);
	fo_diag_free(d);
}

static void errors(void **state)
{
	(void)state;
	expect_error("<scenarios>\n  <scenario name=\"GZ3 cooling plant fails\">\n    <fail ref=\"x\"/></scenario>\n</scenarios>",
		     3, 16, "scenario 'GZ3 cooling plant fails': unknown node 'x'");
	expect_error("<scenarios><scenario name=\"a\"><destroy ref=\"nope\"/></scenario></scenarios>", 1, 45,
		     "scenario 'a': unknown node 'nope'");
	expect_error("<scenarios>\n<scenario name=\"a\"><fail ref=\"sbg\"/></scenario>\n<scenario name=\"a\"><fail ref=\"sbg\"/></scenario></scenarios>",
		     3, 17, "duplicate scenario name 'a' (first at line 2)");
	expect_error("<scenarios>\n <scenario><fail ref=\"sbg\"/></scenario></scenarios>", 2, 2,
		     "missing attribute 'name' on <scenario>");
	expect_error("<scenarios><scenario name=\"\"><fail ref=\"sbg\"/></scenario></scenarios>", 1, 28,
		     "empty scenario name");
	expect_error("<scenarios>\n <scenario name=\"quiet\"></scenario></scenarios>", 2, 2,
		     "scenario 'quiet': nothing fails");
	expect_error("<scenarios>\n <scenario name=\"quiet\"/></scenarios>", 2, 2, "scenario 'quiet': nothing fails");
	expect_error("<scenarios><scenario name=\"a\"><fail/></scenario></scenarios>", 1, 31,
		     "missing attribute 'ref' on <fail>");
	expect_error("<scenarios><scenario name=\"a\"><fail ref=\"\"/></scenario></scenarios>", 1, 42,
		     "empty reference in <fail ref>");
	expect_error("<scenarios><scenario name=\"a\"><fail ref=\"sbg\" why=\"x\"/></scenario></scenarios>", 1, 52,
		     "unknown attribute 'why' on <fail>");
	expect_error("<scenarios><scenario name=\"a\"><melt ref=\"sbg\"/></scenario></scenarios>", 1, 31,
		     "unknown element <melt> in <scenario>");
	expect_error("<scenarios><fail ref=\"sbg\"/></scenarios>", 1, 12, "unknown element <fail> in <scenarios>");
	expect_error("<inventory/>", 1, 1, "the root element is <inventory>: a scenario file starts with <scenarios>");
	expect_error("<scenarios version=\"2\"/>", 1, 21, "unsupported version '2'");
	expect_error("<scenarios>\n  hello<scenario name=\"a\"><fail ref=\"sbg\"/></scenario></scenarios>", 2, 3,
		     "text is not allowed in <scenarios>");
	expect_error("<x:scenarios xmlns:x=\"urn:x\"/>", 1, 1,
		     "the root element <x:scenarios> is in the namespace 'urn:x': the format has no namespace");
	expect_error("<scenarios xmlns=\"urn:fallout:scenarios:1\"/>", 1, 1,
		     "the root element <scenarios> is in the namespace 'urn:fallout:scenarios:1'");
	expect_error("<scenarios>\n<scenario name=\"a\"><fail ref=\"sbg\"></scenario></scenarios>", 2, 47, "");
	expect_error("", 1, 1, "empty document");
}

static void every_error_in_one_run(void **state)
{
	(void)state;
	fo_scenarios *s = NULL;
	fo_diag *d = NULL;
	assert_int_equal(load_text("<scenarios>\n<scenario name=\"a\"><fail ref=\"x\"/></scenario>\n"
				   "<scenario name=\"b\"><fail ref=\"y\"/><destroy ref=\"z\"/></scenario>\n</scenarios>",
				   &s, &d, NULL), FO_EINPUT);
	assert_int_equal(fo_diag_errors(d), 3);
	fo_diag_free(d);
}

static void hostile_inputs(void **state)
{
	(void)state;
	static const char *const files[] = {
		"billion-laughs.xml", "binary-garbage.bin", "binary-no-nul.bin", "blank.xml",
		"comment-only.xml", "doctype-after-comment.xml", "doctype-external-dtd.xml",
		"doctype-external-entity.xml", "doctype-external-marker.xml", "empty.xml",
		"encoding-latin1.xml", "encoding-utf7.xml", "invalid-utf8.xml", "parameter-entities.xml",
		"truncated.xml", "undefined-entity.xml", "utf16-bom.xml", "utf16-no-bom.xml", "xinclude.xml",
		"schema-location.xml",
	};
	fo_graph *g = graph();
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[256];
		fo_diag *d = NULL;
		fo_scenarios *s = NULL;
		snprintf(path, sizeof path, "tests/hostile/%s", files[i]);
		assert_int_equal(fo_diag_new(&d, 0), FO_OK);
		int err = fo_scenarios_load(&s, path, g, d);
		if (err != FO_EINPUT || s || fo_diag_errors(d) == 0)
			fail_msg("%s: status %d, expected a located refusal", files[i], err);
		/* Never the content of secret.txt, never an external load. */
		for (size_t j = 0; j < fo_diag_count(d); j++)
			assert_null(strstr(fo_diag_get(d, j)->msg, "SECRET"));
		fo_diag_free(d);
	}
	fo_graph_free(g);
}

static void missing_file_and_arguments(void **state)
{
	(void)state;
	fo_graph *g = graph();
	fo_diag *d = NULL;
	fo_scenarios *s = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_scenarios_load(&s, "/nonexistent/scenarios.xml", g, d), FO_EIO);
	assert_true(strstr(fo_diag_get(d, 0)->msg, "cannot open") != NULL);
	assert_int_equal(fo_scenarios_load(&s, NULL, g, d), FO_EINVAL);
	assert_non_null(strstr(fo_scenarios_schema(), "<xs:element name=\"scenarios\">"));
	fo_diag_free(d);
	fo_graph_free(g);
}

/* One read, bound to two graphs: each its own nodes, the same names,
 * lines and digest (the sha256 of the file's bytes); unknown nodes are
 * reported by the bind, located, in document order. */
static void read_once_bind_twice(void **state)
{
	(void)state;
	static const char text[] =
		"<scenarios name=\"two sides\">\n"
		"  <scenario name=\"a\"><destroy ref=\"sbg\"/><fail ref=\"gz-3\"/></scenario>\n"
		"  <scenario name=\"b\"><fail ref=\"x-only\"/><fail ref=\"y-only\"/></scenario>\n"
		"</scenarios>\n";
	fo_graph *g1 = graph(), *g2 = NULL;
	assert_int_equal(fx_graph(&g2, "N x-only site\nN y-only zone\nN gz-3 zone\nN sbg site\n", NULL),
			 FO_OK);
	char *path = write_tmp(text);
	fo_diag *d = NULL;
	fo_scenarios *s = NULL, *b1 = NULL, *b2 = NULL;
	const uint32_t *v;
	char want[65], hex[65];
	fo_sha256_ctx c;
	fo_sha256_init(&c);
	fo_sha256_update(&c, text, strlen(text));
	fo_sha256_final(&c, want);

	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_scenarios_read(&s, path, d), FO_OK);
	/* the file is gone: binding needs no second read */
	unlink(path);
	assert_string_equal(fo_scenarios_sha256(s), want);
	assert_string_equal(fo_scenarios_file(s), path);
	assert_int_equal(fo_scenarios_count(s), 2);
	assert_int_equal(fo_scenarios_fail(s, 0, &v), 0);
	assert_null(v);

	assert_int_equal(fo_scenarios_bind(&b2, s, g2, d), FO_OK);
	assert_int_equal(fo_diag_count(d), 0);
	assert_string_equal(fo_scenarios_name(b2), "two sides");
	assert_string_equal(fo_scenarios_sha256(b2), want);
	assert_int_equal(fo_scenarios_line(b2, 1), 3);
	assert_int_equal(fo_scenarios_fail(b2, 0, &v), 1);
	assert_string_equal(fo_graph_node_id(g2, v[0]), "gz-3");
	assert_int_equal(fo_scenarios_destroy(b2, 0, &v), 1);
	assert_string_equal(fo_graph_node_id(g2, v[0]), "sbg");
	assert_int_equal(fo_scenarios_fail(b2, 1, &v), 2);
	assert_string_equal(fo_graph_node_id(g2, v[0]), "x-only");
	assert_string_equal(fo_graph_node_id(g2, v[1]), "y-only");

	assert_int_equal(fo_scenarios_bind(&b1, s, g1, d), FO_EINPUT);
	assert_null(b1);
	assert_int_equal(fo_diag_errors(d), 2);
	const fo_diag_entry *e = fo_diag_get(d, 0);
	assert_string_equal(e->file, path);
	assert_int_equal(e->line, 3);
	assert_int_equal(e->col, 33);
	assert_string_equal(e->msg, "scenario 'b': unknown node 'x-only'");
	assert_int_equal(fo_diag_get(d, 1)->col, 53);

	/* a bound set binds again */
	fo_scenarios *b3 = NULL;
	assert_int_equal(fo_scenarios_bind(&b3, b2, g2, d), FO_OK);
	assert_int_equal(fo_scenarios_fail(b3, 1, &v), 2);
	fo_scenarios_free(b3);
	assert_int_equal(fo_scenarios_bind(&b3, s, NULL, d), FO_EINVAL);
	assert_null(b3);

	/* load = read + bind, same digest */
	fo_scenarios *l = NULL;
	char *p2 = write_tmp(text);
	assert_int_equal(fo_scenarios_load(&l, p2, g2, d), FO_OK);
	assert_int_equal(fo_sha256_file(hex, p2, NULL), FO_OK);
	assert_string_equal(fo_scenarios_sha256(l), hex);
	unlink(p2);
	free(p2);
	fo_scenarios_free(l);

	fo_scenarios_free(b2);
	fo_scenarios_free(s);
	fo_diag_free(d);
	fo_graph_free(g1);
	fo_graph_free(g2);
	free(path);
}

/* A read with errors keeps nothing; unknown nodes are not its business. */
static void read_errors(void **state)
{
	(void)state;
	char *path = write_tmp("<scenarios>\n<scenario><fail ref=\"nowhere\"/></scenario>\n</scenarios>\n");
	fo_diag *d = NULL;
	fo_scenarios *s = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_scenarios_read(&s, path, d), FO_EINPUT);
	assert_null(s);
	assert_int_equal(fo_diag_errors(d), 1);
	assert_non_null(strstr(fo_diag_get(d, 0)->msg, "missing attribute 'name'"));
	unlink(path);
	free(path);
	fo_diag_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_file),
		cmocka_unit_test(empty_list_and_no_name),
		cmocka_unit_test(migration_sample),
		cmocka_unit_test(errors),
		cmocka_unit_test(every_error_in_one_run),
		cmocka_unit_test(hostile_inputs),
		cmocka_unit_test(missing_file_and_arguments),
		cmocka_unit_test(read_once_bind_twice),
		cmocka_unit_test(read_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
