/*
 * test_mapfile.c — the mapping file (importers/fo_mapfile.h,
 * docs/mapping-format.md): the example map loads and agrees with the XSD;
 * every error the reader reports, with its exact FILE:LINE:COL and text, and
 * all of them in one run; hostile input refused; per-source prefixes and
 * options.
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

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "graphs/fo_error.h"
#include "importers/fo_mapfile.h"
#include "importers/fo_model.h"

#define ESTATE "tests/importers/map/estate.map.xml"

/* Writes text to a temporary file; returns its malloc'd path. */
static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/fo-test-mapfile-XXXXXX");
	assert_non_null(path);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

/* The diagnostics as printed, with `path` replaced by "MAP". Caller frees. */
static char *printed(const fo_diag *d, const char *path)
{
	char *buf = NULL, *out;
	size_t len = 0, pl = strlen(path);
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(fo_diag_print(d, fp), FO_OK);
	assert_int_equal(fclose(fp), 0);
	out = malloc(len + 1);
	assert_non_null(out);
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		if (!strncmp(buf + i, path, pl)) {
			memcpy(out + o, "MAP", 3);
			o += 3;
			i += pl;
		} else {
			out[o++] = buf[i++];
		}
	}
	out[o] = '\0';
	free(buf);
	return out;
}

/* Loads text; the status, and what was printed in *diag_out (caller
 * frees). A failed load returns no map. */
static int load_text(const char *text, char **diag_out)
{
	char *path = write_tmp(text);
	fo_diag *d = NULL;
	fo_mapfile *map = (fo_mapfile *)&d; /* must be reset */
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	int err = fo_mapfile_load(&map, path, d);
	if (err != FO_OK)
		assert_null(map);
	*diag_out = printed(d, path);
	fo_mapfile_free(map);
	fo_diag_free(d);
	unlink(path);
	free(path);
	return err;
}

/* The body between <map version="1"> and </map>, one line after the root. */
static void expect(const char *body, int status, const char *diag)
{
	char text[4096];
	char *got = NULL;
	snprintf(text, sizeof text, "<map version=\"1\">\n%s\n</map>\n", body);
	int err = load_text(text, &got);
	if (err != status || strcmp(got, diag)) {
		fprintf(stderr, "for:\n%s\ngot status %d:\n%s\nexpected %d:\n%s\n", text, err, got, status,
			diag);
		free(got);
		if (!getenv("MAP_ALL"))
			fail();
		return;
	}
	free(got);
}

static void expect_doc(const char *text, int status, const char *diag)
{
	char *got = NULL;
	int err = load_text(text, &got);
	if (err != status || strcmp(got, diag)) {
		fprintf(stderr, "for:\n%s\ngot status %d:\n%s\nexpected %d:\n%s\n", text, err, got, status,
			diag);
		free(got);
		if (!getenv("MAP_ALL"))
			fail();
		return;
	}
	free(got);
}

/* ------------------------------------------------------------ the example */

static void example_loads(void **state)
{
	(void)state;
	fo_diag *d = NULL;
	fo_mapfile *map = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_mapfile_load(&map, ESTATE, d), FO_OK);
	assert_int_equal(fo_diag_count(d), 0);
	assert_string_equal(fo_mapfile_file(map), ESTATE);
	assert_int_equal(fo_mapfile_rule_count(map), 9); /* 7 rules, 2 <same> */
	assert_int_equal(fo_mapfile_source_count(map), 3);
	/* the first <source> with a prefix that matches: by base name when
	 * the glob has no '/', and by format */
	assert_string_equal(fo_mapfile_source_prefix(map, "states/prod-eu.tfstate", "terraform"),
			    "tf-prod");
	assert_string_equal(fo_mapfile_source_prefix(map, "shared-net.tfstate", "terraform"),
			    "tf-shared");
	assert_string_equal(fo_mapfile_source_prefix(map, "prod-eu.tfstate", "k8s"), "k8s");
	assert_string_equal(fo_mapfile_source_prefix(map, "cluster.json", "k8s"), "k8s");
	assert_null(fo_mapfile_source_prefix(map, "dev.tfstate", "terraform"));
	assert_null(fo_mapfile_source_prefix(map, "facilities.xml", "fallout"));
	fo_mapfile_free(map);
	fo_diag_free(d);
}

static void quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

/* The embedded XSD compiles, the example is valid against it, and so is
 * the file on disk (the binary carries the same bytes). */
static void schema_agrees(void **state)
{
	(void)state;
	const char *xsd = fo_mapfile_schema();
	assert_non_null(strstr(xsd, "<xs:element name=\"map\">"));
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(xsd, (int)strlen(xsd));
	assert_non_null(pc);
	xmlSchemaPtr schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	assert_non_null(schema);
	static const struct {
		const char *doc;
		int valid;
	} cases[] = {
		{ NULL, 1 }, /* the example */
		{ "<map version=\"1\"/>", 1 },
		{ "<map version=\"2\"/>", 0 },
		{ "<map/>", 0 },
		{ "<map version=\"1\"><rule id=\"*\"/></map>", 0 },              /* no action */
		{ "<map version=\"1\"><rule id=\"*\"><drop/><where prop=\"a\"/></rule></map>", 0 },
		{ "<map version=\"1\"><rule format=\"nope\" id=\"*\"><drop/></rule></map>", 0 },
		{ "<map version=\"1\"><rule id=\"*\"><min k=\"0\"/></rule></map>", 0 },
		{ "<map version=\"1\"><rule id=\"*\"><min k=\"all\"/></rule></map>", 1 },
		{ "<map version=\"1\"><source prefix=\"-x\"/></map>", 0 },
		{ "<map version=\"1\"><same><as key=\"k\"/><node key=\"k\"/></same></map>", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		xmlDocPtr doc = cases[i].doc
					? xmlReadMemory(cases[i].doc, (int)strlen(cases[i].doc), "case.xml", NULL,
							XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
					: xmlReadFile(ESTATE, NULL, XML_PARSE_NONET);
		assert_non_null(doc);
		xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
		assert_non_null(vc);
		xmlSchemaSetValidStructuredErrors(vc, quiet, NULL);
		int rc = xmlSchemaValidateDoc(vc, doc);
		if ((rc == 0) != cases[i].valid)
			fail_msg("case %zu: the XSD says %s", i, rc == 0 ? "valid" : "invalid");
		/* and the reader agrees */
		if (cases[i].doc) {
			char *got = NULL;
			int err = load_text(cases[i].doc, &got);
			if ((err == FO_OK) != cases[i].valid)
				fail_msg("case %zu: the reader says %d:\n%s", i, err, got);
			free(got);
		}
		xmlSchemaFreeValidCtxt(vc);
		xmlFreeDoc(doc);
	}
	xmlSchemaFree(schema);
}

/* ------------------------------------------------------------ errors */

static void root_errors(void **state)
{
	(void)state;
	expect_doc("<mapping version=\"1\"/>\n", FO_EINPUT,
		   "MAP:1:1: error: the root element is <mapping>: a mapping file starts with <map version=\"1\">\n");
	expect_doc("<map xmlns=\"urn:x\" version=\"1\"/>\n", FO_EINPUT,
		   "MAP:1:1: error: the root element <map> is in the namespace 'urn:x': the mapping format "
		   "has no namespace (<map version=\"1\">)\n");
	expect_doc("<map/>\n", FO_EINPUT, "MAP:1:1: error: missing attribute 'version' on <map>\n");
	expect_doc("<map version=\"2\"/>\n", FO_EINPUT,
		   "MAP:1:15: error: unsupported version '2': this fallout reads mapping files of version 1\n");
	expect_doc("<map version=\"1\" name=\"x\"/>\n", FO_EINPUT,
		   "MAP:1:18: error: unknown attribute 'name' on <map>\n");
	expect_doc("", FO_EINPUT,
		   "MAP:1:1: error: empty document: a mapping file needs a <map version=\"1\"> element\n");
	expect_doc("<map version=\"1\">\n  <rule id=\"*\"><drop/>\n</map>\n", FO_EINPUT,
		   "MAP:3:7: error: Opening and ending tag mismatch: rule line 2 and map\n");
	expect_doc("<!DOCTYPE map [<!ENTITY x \"y\">]>\n<map version=\"1\"/>\n", FO_EINPUT,
		   "MAP:1:1: error: DOCTYPE is not allowed: fallout mapping files take no DTD\n");
	expect_doc("<map version=\"1\">text</map>\n", FO_EINPUT,
		   "MAP:1:18: error: text is not allowed in <map>: a mapping file says everything in attributes\n");
}

static void element_errors(void **state)
{
	(void)state;
	expect("  <rules/>", FO_EINPUT,
	       "MAP:2:3: error: unknown element <rules> in <map> (a map holds <source>, <rule> and <same>)\n");
	expect("  <rule id=\"*\"><drop/><sett kind=\"vm\"/></rule>", FO_EINPUT,
	       "MAP:2:23: error: unknown element <sett> in <rule> (a <rule> holds <where>, then <set>, "
	       "<place>, <min>, <drop>, <same>)\n");
	expect("  <source format=\"k8s\"><opt name=\"a\" value=\"b\"/></source>", FO_EINPUT,
	       "MAP:2:24: error: unknown element <opt> in <source> (a <source> holds <option>)\n");
	expect("  <rule id=\"*\"><place prop=\"z\"><map from=\"a\" to=\"b\"/></place></rule>", FO_EINPUT,
	       "MAP:2:32: error: unknown element <map> in <place> (a <place> holds <value>)\n");
	expect("  <rule id=\"*\"><drop><x/></drop></rule>", FO_EINPUT,
	       "MAP:2:22: error: unknown element <x> in <drop> (it takes no content)\n");
	expect("  <rule id=\"*\" kinds=\"vm\"><drop/></rule>", FO_EINPUT,
	       "MAP:2:16: error: unknown attribute 'kinds' on <rule>\n");
	expect("  <rule id=\"*\">\n    <drop/> now\n  </rule>", FO_EINPUT,
	       "MAP:3:13: error: text is not allowed in <rule>: a mapping file says everything in attributes\n");
}

static void rule_errors(void **state)
{
	(void)state;
	expect("  <rule><drop/></rule>", FO_EINPUT,
	       "MAP:2:3: error: <rule> selects nothing: give format=, file=, type=, id=, kind= or prop= "
	       "(id=\"*\" for every node)\n");
	expect("  <rule id=\"*\"/>", FO_EINPUT,
	       "MAP:2:3: error: <rule> does nothing: give <set>, <place>, <min>, <drop> or <same>\n");
	expect("  <rule id=\"*\">\n    <where prop=\"a\"/>\n  </rule>", FO_EINPUT,
	       "MAP:2:3: error: <rule> does nothing: give <set>, <place>, <min>, <drop> or <same>\n");
	expect("  <rule id=\"*\"><drop/><where prop=\"a\"/></rule>", FO_EINPUT,
	       "MAP:2:23: error: <where> after an action: a rule's conditions come before its actions\n");
	expect("  <rule id=\"*\"><where value=\"a\"/><drop/></rule>", FO_EINPUT,
	       "MAP:2:16: error: missing attribute 'prop' on <where>\n");
	expect("  <rule type=\"\" format=\"k8s\"><drop/></rule>", FO_EINPUT,
	       "MAP:2:15: error: empty attribute 'type' on <rule>\n");
	expect("  <rule id=\"*\" value=\"x\"><drop/></rule>", FO_EINPUT,
	       "MAP:2:23: error: value= on <rule> needs prop= (the property it is the value of)\n");
	expect("  <rule format=\"kubernetes\"><drop/></rule>", FO_EINPUT,
	       "MAP:2:17: error: unknown format 'kubernetes' on <rule> (known: fallout, archimate, k8s, "
	       "terraform, graphml, cmdb)\n");
}

static void set_errors(void **state)
{
	(void)state;
	expect("  <rule id=\"*\"><set/></rule>", FO_EINPUT,
	       "MAP:2:16: error: <set> sets nothing: give kind=, tenant=, tier= or name=\n");
	expect("  <rule id=\"*\"><set kind=\"Virtual Machine\"/></rule>", FO_EINPUT,
	       "MAP:2:27: error: bad kind 'Virtual Machine' in <set>: a kind is a lowercase word "
	       "([a-z][a-z0-9_-]*)\n");
	expect("  <rule id=\"*\"><set tier=\"-1\"/></rule>", FO_EINPUT,
	       "MAP:2:27: error: bad tier '-1' in <set>: a tier is an integer from 1 (most critical) to "
	       "1000000, 0 or \"\" for none\n");
	expect("  <rule id=\"*\"><set tier=\"1000001\"/></rule>", FO_EINPUT,
	       "MAP:2:27: error: bad tier '1000001' in <set>: a tier is an integer from 1 (most critical) to "
	       "1000000, 0 or \"\" for none\n");
	expect("  <rule id=\"*\"><set name=\"{prop:x\"/></rule>", FO_EINPUT,
	       "MAP:2:27: error: bad template in <set name>: a '{' that is not closed (write '{{' for a "
	       "brace)\n");
	expect("  <rule id=\"*\"><set name=\"a}b\"/></rule>", FO_EINPUT,
	       "MAP:2:27: error: bad template in <set name>: a '}' that closes nothing (write '}}' for a "
	       "brace)\n");
	expect("  <rule id=\"*\"><set tenant=\"{namespace}\"/></rule>", FO_EINPUT,
	       "MAP:2:29: error: bad template in <set tenant>: unknown field {namespace} (known: id, local, "
	       "name, kind, tenant, type, format, prop:KEY)\n");
	expect("  <rule id=\"*\"><set tenant=\"{value}\"/></rule>", FO_EINPUT,
	       "MAP:2:29: error: bad template in <set tenant>: {value} is only defined in <place in> with "
	       "prop=\n");
	expect("  <rule id=\"*\"><set name=\"{prop:}\"/></rule>", FO_EINPUT,
	       "MAP:2:27: error: bad template in <set name>: {prop:KEY} needs a key\n");
	expect("  <rule id=\"*\"><set name=\"{id|title}\"/></rule>", FO_EINPUT,
	       "MAP:2:27: error: bad template in <set name>: unknown filter 'title' (known: lower, upper, "
	       "after-last:TEXT, before-first:TEXT)\n");
	expect("  <rule id=\"*\"><set name=\"{id|after-last:}\"/></rule>", FO_EINPUT,
	       "MAP:2:27: error: bad template in <set name>: unknown filter 'after-last:' (known: lower, "
	       "upper, after-last:TEXT, before-first:TEXT)\n");
	/* templates are checked when applied; braces doubled are text */
	expect("  <rule id=\"*\"><set kind=\"{prop:kind|lower}\" name=\"{{x}}\" tier=\"\"/></rule>", FO_OK, "");
}

static void place_min_same_errors(void **state)
{
	(void)state;
	expect("  <rule id=\"*\"><place/></rule>", FO_EINPUT,
	       "MAP:2:16: error: <place> needs prop= (the property naming the container), in= (a template "
	       "of its id), or both\n");
	expect("  <rule id=\"*\"><place in=\"z\"><value from=\"a\" to=\"b\"/></place></rule>", FO_EINPUT,
	       "MAP:2:30: error: <value> entries map the values of a property: <place> needs prop=\n");
	expect("  <rule id=\"*\"><place prop=\"z\">\n    <value from=\"a\" to=\"b\"/>\n"
	       "    <value from=\"a\" to=\"c\"/>\n  </place></rule>",
	       FO_EINPUT, "MAP:4:18: error: duplicate <value from=\"a\"> in <place> (first at line 3)\n");
	expect("  <rule id=\"*\"><place prop=\"z\"><value from=\"a\"/></place></rule>", FO_EINPUT,
	       "MAP:2:32: error: missing attribute 'to' on <value>\n");
	expect("  <rule id=\"*\"><place prop=\"z\" in=\"{value\"/></rule>", FO_EINPUT,
	       "MAP:2:36: error: bad template in <place in>: a '{' that is not closed (write '{{' for a "
	       "brace)\n");
	expect("  <rule id=\"*\"><place in=\"zone-{value}\"/></rule>", FO_EINPUT,
	       "MAP:2:27: error: bad template in <place in>: {value} is only defined in <place in> with "
	       "prop=\n");
	expect("  <rule id=\"*\"><min/></rule>", FO_EINPUT, "MAP:2:16: error: missing attribute 'k' on <min>\n");
	expect("  <rule id=\"*\"><min k=\"0\"/></rule>", FO_EINPUT,
	       "MAP:2:24: error: bad k '0' on <min>: a positive integer up to 1000000, or \"all\"\n");
	expect("  <rule id=\"*\"><min k=\"2\" group=\"copies\"/></rule>", FO_EINPUT,
	       "MAP:2:34: error: bad group 'copies' on <min>: \"requires\" (the default) or \"degrades\"\n");
	expect("  <rule id=\"*\"><same/></rule>", FO_EINPUT, "MAP:2:16: error: missing attribute 'as' on <same>\n");
	expect("  <rule id=\"*\"><same as=\"tf:{prop:id\"/></rule>", FO_EINPUT,
	       "MAP:2:26: error: bad template in <same as>: a '{' that is not closed (write '{{' for a "
	       "brace)\n");
	expect("  <same id=\"a\" as=\"a\"/>", FO_EINPUT,
	       "MAP:2:20: error: <same> declares 'a' the same as itself\n");
	expect("  <same id=\"a\"/>", FO_EINPUT, "MAP:2:3: error: missing attribute 'as' on <same>\n");
	expect("  <same/>", FO_EINPUT,
	       "MAP:2:3: error: <same> needs id= and as= (two ids), or a <node> and an <as> (a join on "
	       "keys)\n");
	expect("  <same>\n    <node type=\"Node\" key=\"{id}\"/>\n  </same>", FO_EINPUT,
	       "MAP:2:3: error: <same> joins a <node> to an <as>: the <as> is missing\n");
	expect("  <same>\n    <node type=\"Node\"/>\n    <as type=\"x\" key=\"{id}\"/>\n  </same>", FO_EINPUT,
	       "MAP:3:5: error: missing attribute 'key' on <node>\n");
	expect("  <same>\n    <as type=\"x\" key=\"{id}\"/>\n    <node type=\"Node\" key=\"{id}\"/>\n  </same>",
	       FO_EINPUT, "MAP:4:5: error: <node> after <as>: write <node> first\n");
	expect("  <same>\n    <node key=\"{id}\"/>\n    <as type=\"x\" key=\"{id}\"/>\n  </same>", FO_EINPUT,
	       "MAP:3:5: error: <node> selects nothing: give format=, file=, type=, id=, kind= or prop=\n");
	expect("  <same>\n    <node type=\"a\" key=\"{id}\"/>\n    <node type=\"b\" key=\"{id}\"/>\n"
	       "    <as type=\"x\" key=\"{id}\"/>\n  </same>",
	       FO_EINPUT, "MAP:4:5: error: a second <node> in <same>: a join has one <node> and one <as>\n");
	expect("  <same id=\"a\" as=\"b\">\n    <node type=\"a\" key=\"{id}\"/>\n  </same>", FO_EINPUT,
	       "MAP:3:5: error: <same id=... as=...> names two ids: it takes no <node> (use "
	       "<same><node .../><as .../></same> without attributes to join on keys)\n");
}

static void source_errors(void **state)
{
	(void)state;
	expect("  <source prefix=\"x\"/>", FO_EINPUT,
	       "MAP:2:3: error: <source> selects no input: give file= (a glob), format=, or both\n");
	expect("  <source format=\"k8s\" prefix=\"k 8\"/>", FO_EINPUT,
	       "MAP:2:32: error: bad prefix 'k 8' on <source>: letters, digits, '_', '.', '-', starting "
	       "with a letter or digit (\"\" for none)\n");
	expect("  <source format=\"k8s\">\n    <option name=\"x\"/>\n  </source>", FO_EINPUT,
	       "MAP:3:5: error: missing attribute 'value' on <option>\n");
	expect("  <source format=\"k8s\" prefix=\"\"><option name=\"x\" value=\"\"/></source>", FO_OK, "");
}

/* Every error of a file in one run, in file order; the XSD's own messages
 * are not added to the reader's (they would say the same twice). */
static void all_in_one_run(void **state)
{
	(void)state;
	expect("  <rule id=\"*\"><set kind=\"VM\"/></rule>\n"
	       "  <rule><drop/></rule>\n"
	       "  <source prefix=\"x\"/>\n"
	       "  <bogus/>",
	       FO_EINPUT,
	       "MAP:2:27: error: bad kind 'VM' in <set>: a kind is a lowercase word ([a-z][a-z0-9_-]*)\n"
	       "MAP:3:3: error: <rule> selects nothing: give format=, file=, type=, id=, kind= or prop= "
	       "(id=\"*\" for every node)\n"
	       "MAP:4:3: error: <source> selects no input: give file= (a glob), format=, or both\n"
	       "MAP:5:3: error: unknown element <bogus> in <map> (a map holds <source>, <rule> and "
	       "<same>)\n");
}

static void bad_arguments(void **state)
{
	(void)state;
	fo_diag *d = NULL;
	fo_mapfile *map = (fo_mapfile *)&d;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_mapfile_load(NULL, ESTATE, d), FO_EINVAL);
	assert_int_equal(fo_mapfile_load(&map, NULL, d), FO_EINVAL);
	assert_null(map);
	assert_int_equal(fo_mapfile_load(&map, ESTATE, NULL), FO_EINVAL);
	assert_int_equal(fo_mapfile_load(&map, "/nonexistent/map.xml", d), FO_EIO);
	assert_null(map);
	assert_int_equal(fo_diag_errors(d), 1);
	assert_non_null(strstr(fo_diag_get(d, 0)->msg, "cannot open"));
	assert_null(fo_mapfile_source_prefix(NULL, "a", "k8s"));
	assert_int_equal(fo_mapfile_apply(NULL, NULL), FO_EINVAL);
	assert_int_equal(fo_mapfile_begin_source(NULL, NULL), FO_EINVAL);
	fo_mapfile_free(NULL);
	fo_diag_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(example_loads),
		cmocka_unit_test(schema_agrees),
		cmocka_unit_test(root_errors),
		cmocka_unit_test(element_errors),
		cmocka_unit_test(rule_errors),
		cmocka_unit_test(set_errors),
		cmocka_unit_test(place_min_same_errors),
		cmocka_unit_test(source_errors),
		cmocka_unit_test(all_in_one_run),
		cmocka_unit_test(bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
