/*
 * test_mapfile.c — the mapping file (importers/fo_mapfile.h,
 * docs/mapping-format.md): the example map loads and agrees with the XSD;
 * every error the reader reports, with its exact FILE:LINE:COL and text, and
 * all of them in one run; hostile input refused; per-source prefixes and
 * options; then what each rule does to an import model (matching by format,
 * file, type, id, kind and properties; templates and filters; value tables;
 * document order; K-of-n; drops; same-as by id, by template and by a join on
 * keys), the warnings of rules that matched nothing, and the example map
 * joining facilities, a Terraform state and a Kubernetes dump end to end.
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

#include "analyzer/fo_engine.h"
#include "graphs/fo_error.h"
#include "graphs/fo_graph.h"
#include "importers/fo_mapfile.h"
#include "importers/fo_model.h"
#include "helpers/fixture.h"

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
		fail();
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
		fail();
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
	assert_int_equal(fo_mapfile_rule_count(map), 10); /* 6 rules, 4 <same> */
	assert_int_equal(fo_mapfile_source_count(map), 2);
	/* the first <source> with a prefix that matches: by base name when
	 * the glob has no '/', and by format */
	assert_string_equal(fo_mapfile_source_prefix(map, "states/prod-eu.tfstate", "terraform"),
			    "tf-prod");
	assert_string_equal(fo_mapfile_source_prefix(map, "shared-net.tfstate", "terraform"),
			    "tf-shared");
	assert_null(fo_mapfile_source_prefix(map, "prod-eu.tfstate", "k8s"));
	assert_null(fo_mapfile_source_prefix(map, "cluster.json", "k8s"));
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
		{ "<map version=\"1\"><rule id=\"*\"><min k=\"majority\"/></rule></map>", 1 },
		{ "<map version=\"1\"><rule id=\"*\"><min k=\"50%\"/></rule></map>", 1 },
		{ "<map version=\"1\"><rule id=\"*\"><min k=\"0%\"/></rule></map>", 0 },
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
	/* an editor's schema hint is fine (the XSD allows it too) */
	expect_doc("<map xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
		   "xsi:noNamespaceSchemaLocation=\"map-v1.xsd\" version=\"1\"/>\n", FO_OK, "");
	expect_doc("<map xmlns:v=\"urn:v\" v:x=\"1\" version=\"1\"/>\n", FO_EINPUT,
		   "MAP:1:22: error: unknown attribute 'v:x' on <map>\n");
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
	       "MAP:2:24: error: bad k '0' on <min>: a positive integer up to 1000000, \"all\", \"majority\" "
	       "or a percentage (\"50%\")\n");
	expect("  <rule id=\"*\"><min k=\"101%\"/></rule>", FO_EINPUT,
	       "MAP:2:24: error: bad k '101%' on <min>: a percentage is 1% to 100%\n");
	expect("  <rule id=\"*\"><min k=\"%\"/></rule>", FO_EINPUT,
	       "MAP:2:24: error: bad k '%' on <min>: a positive integer up to 1000000, \"all\", \"majority\" "
	       "or a percentage (\"50%\")\n");
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

/* Hostile input: refused by the inventory's pre-scanner before libxml2
 * sees it, with the same messages; a cap on elements. */
static void hostile(void **state)
{
	(void)state;
	expect_doc("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<map version=\"1\"/>\n", FO_EINPUT,
		   "MAP:1:1: error: unsupported encoding 'ISO-8859-1': fallout mapping files are UTF-8\n");
	expect_doc("<map version=\"1\">\n<!ENTITY x \"y\">\n</map>\n", FO_EINPUT,
		   "MAP:2:1: error: internal error: detected an error in element content\n"); /* libxml2's, as for an inventory */
	char *deep = malloc(300 * 8 + 64);
	assert_non_null(deep);
	size_t n = (size_t)sprintf(deep, "<map version=\"1\">");
	for (int i = 0; i < 300; i++)
		n += (size_t)sprintf(deep + n, "<x>");
	char *got = NULL;
	assert_int_equal(load_text(deep, &got), FO_EINPUT);
	assert_string_equal(got, "MAP:1:783: error: elements nested more than 256 deep (the XML parser's limit)\n");
	free(got);
	free(deep);
	/* 100,000 statements at most */
	size_t cap = 100001 * 40 + 64;
	char *many = malloc(cap);
	assert_non_null(many);
	n = (size_t)sprintf(many, "<map version=\"1\">\n");
	for (int i = 0; i < 100001; i++)
		n += (size_t)sprintf(many + n, "<rule id=\"*\"><drop/></rule>\n");
	sprintf(many + n, "</map>\n");
	assert_int_equal(load_text(many, &got), FO_EINPUT);
	assert_string_equal(got, "MAP:100002:1: error: too many elements of one sort: a mapping file has at most "
				 "100000\n");
	free(got);
	free(many);
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

/* ------------------------------------------------------------ applying */

static const fo_pos P0 = { 0, 0 };

/* Adds a node of the current source with props "key=value"..., NULL. */
static uint32_t add(fo_model *m, const char *id, const char *kind, const char *type, ...)
{
	uint32_t v;
	va_list ap;
	assert_int_equal(fo_model_add_node(m, id, kind, NULL, NULL, 0, type, P0, &v), FO_OK);
	va_start(ap, type);
	for (const char *kv; (kv = va_arg(ap, const char *));) {
		const char *eq = strchr(kv, '=');
		char key[128];
		assert_non_null(eq);
		snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
		assert_int_equal(fo_model_add_prop(m, v, key, eq + 1), FO_OK);
	}
	va_end(ap);
	return v;
}

static fo_model_node get(const fo_model *m, const char *id)
{
	uint32_t v;
	fo_model_node nd;
	if (fo_model_lookup(m, id, &v) != FO_OK)
		fail_msg("no node '%s'", id);
	fo_model_node_get(m, v, &nd);
	return nd;
}

static void assert_str(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

/* A small import: a fallout source with zones, a terraform one, a k8s
 * one. */
static void small_model(fo_model *m)
{
	assert_int_equal(fo_model_source_begin(m, "site/facilities.xml", "fallout", "", 1, NULL), FO_OK);
	add(m, "zone-a", "zone", "node", NULL);
	add(m, "zone-b", "zone", "node", NULL);
	assert_int_equal(fo_model_source_begin(m, "states/prod.tfstate", "terraform", "tf", 0, NULL), FO_OK);
	add(m, "aws_instance.web[0]", "vm", "aws_instance", "az=a", "id=i-1", "tags.Name=Web 0", NULL);
	add(m, "aws_instance.web[1]", "vm", "aws_instance", "az=b", "id=i-2", NULL);
	add(m, "aws_iam_role.r", "iam", "aws_iam_role", NULL);
	add(m, "aws_lb.front", "lb", "aws_lb", NULL);
	assert_int_equal(fo_model_source_begin(m, "cluster.json", "k8s", "k8s", 0, NULL), FO_OK);
	uint32_t n1 = add(m, "node/n1", "host", "Node", "zone=a", "provider=aws:///a/i-1", NULL);
	add(m, "node/n2", "host", "Node", "zone=b", "provider=aws:///b/i-2", NULL);
	add(m, "node/n3", "host", "Node", "zone=c", "provider=aws:///c/i-3", NULL);
	uint32_t p1 = add(m, "pod/shop/web-1", "service", "Pod", "namespace=shop", NULL);
	uint32_t p2 = add(m, "pod/shop/web-2", "service", "Pod", "namespace=shop", NULL);
	uint32_t p3 = add(m, "pod/shop/web-3", "service", "Pod", "namespace=shop", NULL);
	uint32_t dep = add(m, "deployment/shop/web", "service", "Deployment", "namespace=shop",
			   "labels.app=Web-Shop", NULL);
	assert_int_equal(fo_model_requires_local(m, p1, FO_GROUP_REQUIRES, "node/n1", P0), FO_OK);
	assert_int_equal(fo_model_requires_local(m, p2, FO_GROUP_REQUIRES, "node/n1", P0), FO_OK);
	assert_int_equal(fo_model_requires_local(m, p3, FO_GROUP_REQUIRES, "node/n2", P0), FO_OK);
	assert_int_equal(fo_model_group_begin(m, dep, FO_GROUP_REQUIRES, 0, P0), FO_OK);
	assert_int_equal(fo_model_group_add_node(m, p1, P0), FO_OK);
	assert_int_equal(fo_model_group_add_node(m, p2, P0), FO_OK);
	assert_int_equal(fo_model_group_add_node(m, p3, P0), FO_OK);
	assert_int_equal(fo_model_group_end(m), FO_OK);
	(void)n1;
}

typedef struct applied {
	fo_diag *d;
	fo_model *m;
	char *path;
	int status;
	char *diag; /* what apply printed, the map's path as MAP */
} applied;

/* Loads the map body (inside <map version="1">), builds small_model, and
 * applies the map. */
static void run_map(applied *a, const char *body)
{
	char text[8192];
	fo_mapfile *map = NULL;
	memset(a, 0, sizeof *a);
	snprintf(text, sizeof text, "<map version=\"1\">\n%s\n</map>\n", body);
	a->path = write_tmp(text);
	assert_int_equal(fo_diag_new(&a->d, 0), FO_OK);
	if (fo_mapfile_load(&map, a->path, a->d) != FO_OK) {
		fo_diag_print(a->d, stderr);
		fail_msg("the map does not load");
	}
	assert_int_equal(fo_model_new(&a->m, a->d), FO_OK);
	small_model(a->m);
	a->status = fo_mapfile_apply(map, a->m);
	fo_mapfile_free(map); /* the model keeps nothing of the map's */
	a->diag = printed(a->d, a->path);
}

static void done_map(applied *a)
{
	unlink(a->path);
	free(a->path);
	free(a->diag);
	fo_model_free(a->m);
	fo_diag_free(a->d);
}

static void expect_diag(const applied *a, int status, const char *diag)
{
	if (a->status != status || strcmp(a->diag, diag))
		fail_msg("status %d, printed:\n%s\nexpected %d:\n%s", a->status, a->diag, status, diag);
}

/* Selectors: format, file (base name or path), type and id globs, kind,
 * a property present, a property's value glob, several <where> (AND). */
static void matching(void **state)
{
	(void)state;
	applied a;
	run_map(&a, "  <rule format=\"terraform\" type=\"aws_*\" id=\"*web*\"><set tier=\"3\"/></rule>\n"
		    "  <rule file=\"prod.tfstate\" kind=\"lb\"><set tier=\"4\"/></rule>\n"
		    "  <rule file=\"states/*.tfstate\" type=\"aws_iam_role\"><set tier=\"5\"/></rule>\n"
		    "  <rule file=\"other/*.tfstate\" id=\"*\"><set tier=\"6\"/></rule>\n"
		    "  <rule format=\"k8s\" prop=\"zone\" value=\"b*\"><set tier=\"7\"/></rule>\n"
		    "  <rule format=\"k8s\" type=\"Pod\"><where prop=\"namespace\" value=\"shop\"/>"
		    "<where prop=\"missing\"/><set tier=\"8\"/></rule>\n"
		    "  <rule id=\"k8s:pod/*/web-?\"><where prop=\"namespace\"/><set tier=\"9\"/></rule>");
	expect_diag(&a, FO_OK,
		    "MAP:5:3: warning: <rule> matched no node (no input is of its format= and file=)\n"
		    "MAP:7:3: warning: <rule> matched no node\n");
	assert_string_equal(fo_diag_get(a.d, 0)->code, "map-unmatched");
	assert_int_equal(get(a.m, "tf:aws_instance.web[0]").tier, 3);
	assert_int_equal(get(a.m, "tf:aws_instance.web[1]").tier, 3);
	assert_int_equal(get(a.m, "tf:aws_lb.front").tier, 4);
	assert_int_equal(get(a.m, "tf:aws_iam_role.r").tier, 5);
	assert_int_equal(get(a.m, "k8s:node/n1").tier, 0);
	assert_int_equal(get(a.m, "k8s:node/n2").tier, 7);
	assert_int_equal(get(a.m, "k8s:node/n3").tier, 0);
	assert_int_equal(get(a.m, "k8s:pod/shop/web-1").tier, 9);
	assert_int_equal(get(a.m, "k8s:deployment/shop/web").tier, 0);
	assert_int_equal(get(a.m, "zone-a").tier, 0);
	done_map(&a);
}

/* <set> with templates and filters; an undefined field skips the node with
 * one warning per action; "" clears a name or tenant. */
static void templates(void **state)
{
	(void)state;
	applied a;
	run_map(&a, "  <rule type=\"Deployment\"><set kind=\"app\" tenant=\"{prop:namespace|upper}\" "
		    "name=\"{prop:labels.app|lower} ({local}, {format}/{type}) {{x}}\"/></rule>\n"
		    "  <rule type=\"Node\"><set name=\"{prop:provider|after-last:/|upper}@"
		    "{prop:provider|before-first::}\"/></rule>\n"
		    "  <rule type=\"aws_instance\"><set name=\"{prop:tags.Name}\" tenant=\"x\"/></rule>\n"
		    "  <rule id=\"tf:aws_instance.web[0]\"><set tenant=\"\" kind=\"{kind}-{id|after-last:.|before-first:[}\"/></rule>");
	expect_diag(&a, FO_OK,
		    "MAP:4:29: warning: <set> skips 'tf:aws_instance.web[1]': {prop:tags.Name} is undefined on "
		    "it: name not set\n");
	fo_model_node nd = get(a.m, "k8s:deployment/shop/web");
	assert_string_equal(nd.kind, "app");
	assert_string_equal(nd.tenant, "SHOP");
	assert_string_equal(nd.name, "web-shop (deployment/shop/web, k8s/Deployment) {x}");
	assert_string_equal(get(a.m, "k8s:node/n1").name, "I-1@aws");
	nd = get(a.m, "tf:aws_instance.web[0]");
	assert_string_equal(nd.name, "Web 0");
	assert_null(nd.tenant);
	assert_string_equal(nd.kind, "vm-web"); /* and the id's brackets are plain text */
	nd = get(a.m, "tf:aws_instance.web[1]");
	assert_null(nd.name);
	assert_string_equal(nd.tenant, "x");
	done_map(&a);
}

/* A template that gives no kind word or no tier is an error, once per
 * action with a count. */
static void template_errors(void **state)
{
	(void)state;
	applied a;
	run_map(&a, "  <rule type=\"Node\"><set kind=\"{prop:zone|upper}\" tier=\"{prop:zone}\"/></rule>");
	expect_diag(&a, FO_EINPUT,
		    "MAP:2:21: error: <set> cannot apply to 'k8s:node/n1': kind= gives 'A', not a kind word "
		    "([a-z][a-z0-9_-]*) (and 2 more of the 3 nodes matched)\n");
	assert_string_equal(get(a.m, "k8s:node/n1").kind, "host");
	done_map(&a);
	run_map(&a, "  <rule type=\"Node\"><set tier=\"{prop:zone}\"/></rule>");
	expect_diag(&a, FO_EINPUT,
		    "MAP:2:21: error: <set> cannot apply to 'k8s:node/n1': tier= gives 'a', not a tier (0 to "
		    "1000000) (and 2 more of the 3 nodes matched)\n");
	done_map(&a);
}

/* Rules apply in document order: a later <set> wins, a rule sees the kind
 * an earlier one set, a dropped node is out of later rules. */
static void order(void **state)
{
	(void)state;
	applied a;
	run_map(&a, "  <rule format=\"k8s\" type=\"Pod\"><set kind=\"app\" tier=\"1\"/></rule>\n"
		    "  <rule kind=\"app\"><set tier=\"2\"/></rule>\n"
		    "  <rule id=\"k8s:pod/shop/web-3\"><drop/><set tier=\"9\"/></rule>\n"
		    "  <rule id=\"k8s:pod/shop/web-3\"><set tier=\"7\"/></rule>");
	expect_diag(&a, FO_OK, "MAP:5:3: warning: <rule> matched no node\n");
	fo_model_node nd = get(a.m, "k8s:pod/shop/web-1");
	assert_string_equal(nd.kind, "app");
	assert_int_equal(nd.tier, 2);
	nd = get(a.m, "k8s:pod/shop/web-3");
	assert_true(nd.dropped);
	assert_int_equal(nd.tier, 2); /* nothing after the drop */
	done_map(&a);
}

/* <place>: a value table, a template with {value}, the value itself as the
 * id; unmapped values, containers no source defines. */
static void placing(void **state)
{
	(void)state;
	applied a;
	run_map(&a, "  <rule type=\"Node\">\n"
		    "    <place prop=\"zone\">\n"
		    "      <value from=\"a\" to=\"zone-a\"/>\n"
		    "      <value from=\"b\" to=\"zone-b\"/>\n"
		    "    </place>\n"
		    "  </rule>\n"
		    "  <rule type=\"aws_instance\"><place prop=\"az\" in=\"zone-{value}\"/></rule>\n"
		    "  <rule type=\"aws_lb\"><place in=\"zone-{prop:az}\"/></rule>\n"
		    "  <rule type=\"Pod\"><place prop=\"namespace\"/></rule>\n"
		    "  <rule id=\"zone-a\"><place in=\"{id}\"/></rule>\n"
		    "  <rule id=\"zone-b\"><drop/></rule>\n"
		    "  <rule type=\"aws_lb\"><place in=\"zone-b\"/><same as=\"zone-b\"/></rule>");
	expect_diag(&a, FO_EINPUT,
		    "MAP:3:5: warning: <place> skips 'k8s:node/n3': its zone 'c' has no <value from> entry\n"
		    "MAP:9:23: warning: <place> skips 'tf:aws_lb.front': {prop:az} is undefined on it: not "
		    "placed\n"
		    "MAP:10:20: warning: <place> skips 'k8s:pod/shop/web-1': no source defines 'shop' to place "
		    "it in (and 2 more of the 3 nodes matched)\n"
		    "MAP:11:21: error: <place> cannot apply to 'zone-a': it would be placed in itself\n"
		    "MAP:13:23: warning: <place> skips 'tf:aws_lb.front': 'zone-b', to place it in, is dropped "
		    "by the map\n"
		    "MAP:13:43: warning: <same> skips 'tf:aws_lb.front': 'zone-b' is dropped by the map\n");
	done_map(&a);

	/* placed: the graph built says so */
	/* the table first, then the template; a later <place> wins */
	run_map(&a, "  <rule type=\"Node\"><place prop=\"zone\" in=\"zone-{value}\">"
		    "<value from=\"a\" to=\"zone-b\"/></place></rule>\n"
		    "  <rule type=\"aws_instance\"><place prop=\"az\" in=\"zone-{value}\"/></rule>\n"
		    "  <rule id=\"k8s:node/n2\"><place in=\"zone-a\"/></rule>");
	expect_diag(&a, FO_OK,
		    "MAP:2:21: warning: <place> skips 'k8s:node/n3': no source defines 'zone-c' to place it in\n");
	fo_graph *g = NULL;
	assert_int_equal(fo_model_build(a.m, &g), FO_OK);
	assert_int_equal(fo_graph_node_container(g, fx_id(g, "k8s:node/n1")), fx_id(g, "zone-b"));
	assert_int_equal(fo_graph_node_container(g, fx_id(g, "k8s:node/n2")), fx_id(g, "zone-a"));
	assert_int_equal(fo_graph_node_container(g, fx_id(g, "k8s:node/n3")), FO_NONE);
	assert_int_equal(fo_graph_node_container(g, fx_id(g, "tf:aws_instance.web[1]")), fx_id(g, "zone-b"));
	fo_graph_free(g);
	done_map(&a);
}

/* <min>: K on the matched owners' groups of two or more members. */
static void k_of_n(void **state)
{
	(void)state;
	applied a;
	run_map(&a, "  <rule type=\"Deployment\"><min k=\"2\"/></rule>\n"
		    "  <rule type=\"Pod\"><min k=\"1\"/></rule>\n"
		    "  <rule type=\"Deployment\"><min k=\"4\"/></rule>\n"
		    "  <rule type=\"Deployment\"><min k=\"1\" group=\"degrades\"/></rule>");
	expect_diag(&a, FO_EINPUT,
		    "MAP:3:20: warning: <min> skips 'k8s:pod/shop/web-1': it has no requires group of two or "
		    "more members (and 2 more of the 3 nodes matched)\n"
		    "MAP:4:27: error: <min> k=4 cannot apply to 'k8s:deployment/shop/web': its group has 3 members\n"
		    "MAP:5:27: warning: <min> skips 'k8s:deployment/shop/web': it has no degrades group of two "
		    "or more members\n");
	fo_model_group g;
	for (uint32_t i = 0; i < fo_model_group_count(a.m); i++) {
		fo_model_group_get(a.m, i, &g);
		if (g.n == 3)
			assert_int_equal(g.k, 2);
		else
			assert_int_equal(g.k, 1);
	}
	done_map(&a);
	/* a quorum and a percentage (rounded up, as Kubernetes) follow each
	 * group's size */
	static const struct {
		const char *k;
		unsigned long want;
	} ks[] = { { "majority", 2 }, { "50%", 2 }, { "34%", 2 }, { "33%", 1 }, { "100%", 3 } };
	for (size_t c = 0; c < sizeof ks / sizeof *ks; c++) {
		char body[128];
		snprintf(body, sizeof body, "  <rule type=\"Deployment\"><min k=\"%s\"/></rule>", ks[c].k);
		run_map(&a, body);
		expect_diag(&a, FO_OK, "");
		for (uint32_t i = 0; i < fo_model_group_count(a.m); i++) {
			fo_model_group_get(a.m, i, &g);
			if (g.n == 3 && g.k != ks[c].want)
				fail_msg("k=\"%s\": %lu, not %lu", ks[c].k, g.k, ks[c].want);
		}
		done_map(&a);
	}
	run_map(&a, "  <rule type=\"Deployment\"><min k=\"all\"/></rule>");
	expect_diag(&a, FO_OK, "");
	for (uint32_t i = 0; i < fo_model_group_count(a.m); i++) {
		fo_model_group_get(a.m, i, &g);
		if (g.n == 3)
			assert_int_equal(g.k, 0);
	}
	fo_graph *gr = NULL;
	fo_engine *e = NULL;
	assert_int_equal(fo_model_build(a.m, &gr), FO_OK);
	assert_int_equal(fo_engine_new(&e, gr), FO_OK);
	assert_int_equal(fx_run(e, "fail:k8s:node/n2"), FO_OK);
	assert_true(fx_flags(e, "k8s:deployment/shop/web") & FO_F_DOWN); /* all 3 needed */
	fo_engine_free(e);
	fo_graph_free(gr);
	done_map(&a);
}

/* <same> by two ids, by a template in a rule, and a join on keys; what
 * matched nothing is said. */
static void same_as(void **state)
{
	(void)state;
	applied a;
	run_map(&a, "  <same>\n"
		    "    <node type=\"Node\" key=\"{prop:provider|after-last:/}\"/>\n"
		    "    <as format=\"terraform\" type=\"aws_instance\" key=\"{prop:id}\"/>\n"
		    "  </same>\n"
		    "  <rule type=\"aws_lb\"><same as=\"k8s:node/{prop:host}\"/></rule>\n"
		    "  <rule id=\"tf:aws_iam_role.r\"><same as=\"tf:aws_iam_{local}\"/></rule>\n"
		    "  <same id=\"k8s:node/n3\" as=\"zone-b\"/>\n"
		    "  <same><node type=\"Pod\" key=\"{prop:namespace}\"/><as type=\"Deployment\" key=\"x\"/></same>");
	expect_diag(&a, FO_OK,
		    "MAP:2:3: warning: <same> <node> skips 'k8s:node/n3': its key 'i-3' is no <as> node's\n"
		    "MAP:6:23: warning: <same> skips 'tf:aws_lb.front': {prop:host} is undefined on it: no alias\n"
		    "MAP:7:32: warning: <same> skips 'tf:aws_iam_role.r': no source defines "
		    "'tf:aws_iam_aws_iam_role.r'\n"
		    "MAP:9:3: warning: <same> joined no pair (3 <node> nodes with a key, 1 <as> nodes with a key)\n"
		    "MAP:9:3: warning: <same> <node> skips 'k8s:pod/shop/web-1': its key 'shop' is no <as> "
		    "node's (and 2 more of the 3 nodes selected)\n");
	fo_graph *g = NULL;
	assert_int_equal(fo_model_build(a.m, &g), FO_OK);
	uint32_t z;
	assert_int_equal(fo_graph_lookup(g, "k8s:node/n1", &z), FO_ENOTFOUND);
	assert_int_equal(fo_graph_lookup(g, "k8s:node/n2", &z), FO_ENOTFOUND);
	assert_int_equal(fo_graph_lookup(g, "k8s:node/n3", &z), FO_ENOTFOUND);
	/* the pods need the instances now */
	fo_engine *e = NULL;
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "fail:tf:aws_instance.web[0]"), FO_OK);
	assert_true(fx_flags(e, "k8s:pod/shop/web-1") & FO_F_DOWN);
	assert_false(fx_flags(e, "k8s:pod/shop/web-3") & FO_F_DOWN);
	fo_engine_free(e);
	fo_graph_free(g);
	done_map(&a);

	/* one key, two <as> nodes: ambiguous, not merged */
	run_map(&a, "  <same>\n"
		    "    <node id=\"k8s:node/n1\" key=\"x\"/>\n"
		    "    <as type=\"aws_instance\" key=\"x\"/>\n"
		    "  </same>");
	expect_diag(&a, FO_OK,
		    "MAP:2:3: warning: <same> joined no pair (1 <node> nodes with a key, 2 <as> nodes with a key)\n"
		    "MAP:2:3: warning: <same> <node> skips 'k8s:node/n1': its key 'x' is the key of several <as> "
		    "nodes ('tf:aws_instance.web[0]', ...)\n");
	done_map(&a);
}

/* <source>: prefixes (first match with one), options in document order,
 * and a <source> no input matched is a warning. */
static void sources(void **state)
{
	(void)state;
	applied a;
	char text[] = "<map version=\"1\">\n"
		      "  <source format=\"k8s\"><option name=\"a\" value=\"1\"/><option name=\"b\" value=\"1\"/></source>\n"
		      "  <source file=\"east-*.json\" prefix=\"k8s-east\"><option name=\"b\" value=\"2\"/></source>\n"
		      "  <source file=\"clusters/west.json\" prefix=\"k8s-west\"/>\n"
		      "  <source file=\"*.graphml\" format=\"graphml\"/>\n"
		      "</map>\n";
	memset(&a, 0, sizeof a);
	a.path = write_tmp(text);
	fo_mapfile *map = NULL;
	assert_int_equal(fo_diag_new(&a.d, 0), FO_OK);
	assert_int_equal(fo_mapfile_load(&map, a.path, a.d), FO_OK);
	assert_string_equal(fo_mapfile_source_prefix(map, "dumps/east-1.json", "k8s"), "k8s-east");
	assert_string_equal(fo_mapfile_source_prefix(map, "clusters/west.json", "k8s"), "k8s-west");
	assert_null(fo_mapfile_source_prefix(map, "west.json", "k8s")); /* a glob with '/' is a path */
	assert_int_equal(fo_model_new(&a.m, a.d), FO_OK);
	assert_int_equal(fo_model_source_begin(a.m, "dumps/east-1.json", "k8s",
					       fo_mapfile_source_prefix(map, "dumps/east-1.json", "k8s"), 0,
					       NULL), FO_OK);
	assert_int_equal(fo_mapfile_begin_source(map, a.m), FO_OK);
	assert_string_equal(fo_model_option(a.m, "a"), "1");
	assert_string_equal(fo_model_option(a.m, "b"), "2");
	add(a.m, "node/x", "host", "Node", NULL);
	assert_int_equal(fo_model_source_begin(a.m, "west.json", "k8s", NULL, 0, NULL), FO_OK);
	assert_int_equal(fo_mapfile_begin_source(map, a.m), FO_OK);
	assert_string_equal(fo_model_option(a.m, "b"), "1");
	add(a.m, "node/x", "host", "Node", NULL);
	assert_int_equal(fo_mapfile_apply(map, a.m), FO_OK);
	a.diag = printed(a.d, a.path);
	expect_diag(&a, FO_OK,
		    "MAP:4:3: warning: <source> matched no input\n"
		    "MAP:5:3: warning: <source> matched no input\n");
	fo_model_node nd = get(a.m, "k8s-east:node/x");
	assert_int_equal(nd.source, 0);
	fo_mapfile_free(map);
	done_map(&a);
}

/* The example map of docs/mapping-format.md on a facilities file, one
 * account's Terraform state and a Kubernetes dump, with the ids, zones,
 * labels and instance ids the real files of tests/importers/map/README.md
 * give (the importers' id schemes and properties): the Terraform zones
 * merge into the zones of facilities.xml, the Kubernetes nodes are placed
 * there by their zone label and merge into their EC2 instances, and the
 * API server, 2 of its 3 replicas in us-east-1b as in the real cluster, goes down with
 * that zone only. */
static void example_end_to_end(void **state)
{
	(void)state;
	fo_diag *d = NULL;
	fo_mapfile *map = NULL;
	fo_model *m = NULL;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	uint32_t v, r, z2, z4, zb, zc;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_mapfile_load(&map, ESTATE, d), FO_OK);
	assert_int_equal(fo_model_new(&m, d), FO_OK);

	assert_int_equal(fo_model_source_begin(m, "facilities.xml", "fallout", "", 1, NULL), FO_OK);
	assert_null(fo_mapfile_source_prefix(map, "facilities.xml", "fallout"));
	assert_int_equal(fo_mapfile_begin_source(map, m), FO_OK);
	r = add(m, "us-east-1", "region", "node", NULL);
	z2 = add(m, "use1-az2", "zone", "node", NULL);
	z4 = add(m, "use1-az4", "zone", "node", NULL);
	assert_int_equal(fo_model_set_parent(m, z2, r), FO_OK);
	assert_int_equal(fo_model_set_parent(m, z4, r), FO_OK);
	v = add(m, "bastion-1", "host", "node", NULL);
	assert_int_equal(fo_model_set_parent(m, v, z2), FO_OK);

	/* terraform: the importer makes zone/NAME and places by it */
	const char *tf = "states/prod-main.tfstate";
	assert_int_equal(fo_model_source_begin(m, tf, "terraform", fo_mapfile_source_prefix(map, tf, "terraform"),
					       0, NULL), FO_OK);
	assert_int_equal(fo_mapfile_begin_source(map, m), FO_OK);
	assert_string_equal(fo_model_option(m, "depends-on"), "props");
	zb = add(m, "zone/us-east-1b", "zone", "zone", NULL);
	zc = add(m, "zone/us-east-1c", "zone", "zone", NULL);
	v = add(m, "aws_subnet.private[0]", "network", "aws_subnet", "availability_zone=us-east-1b", NULL);
	assert_int_equal(fo_model_set_parent(m, v, zb), FO_OK);
	v = add(m, "aws_instance.worker[0]", "vm", "aws_instance", "id=i-04c3029e207ee2de8",
		"availability_zone=us-east-1b", "tags.Name=worker-0", NULL);
	assert_int_equal(fo_model_set_parent(m, v, zb), FO_OK);
	assert_int_equal(fo_model_requires_local(m, v, FO_GROUP_REQUIRES, "aws_subnet.private[0]", P0), FO_OK);
	v = add(m, "aws_instance.worker[1]", "vm", "aws_instance", "id=i-0bb916cc32a8034eb",
		"availability_zone=us-east-1c", NULL);
	assert_int_equal(fo_model_set_parent(m, v, zc), FO_OK);
	add(m, "aws_iam_role.worker", "iam", "aws_iam_role", NULL);

	/* k8s: likewise zone/NAME from the nodes' labels */
	assert_int_equal(fo_model_source_begin(m, "ocp.json", "k8s", fo_mapfile_source_prefix(map, "ocp.json", "k8s"),
					       0, NULL), FO_OK);
	assert_int_equal(fo_mapfile_begin_source(map, m), FO_OK);
	add(m, "zone/us-east-1b", "zone", "zone", NULL);
	add(m, "zone/us-east-1c", "zone", "zone", NULL);
	add(m, "zone/us-west-2a", "zone", "zone", NULL);
	static const char *const nodes[][3] = {
		{ "node/ip-10-0-129-220.ec2.internal", "us-east-1b", "aws:///us-east-1b/i-04c3029e207ee2de8" },
		{ "node/ip-10-0-195-177.ec2.internal", "us-east-1c", "aws:///us-east-1c/i-0bb916cc32a8034eb" },
		{ "node/ip-10-9-0-1.us-west-2.compute.internal", "us-west-2a", "aws:///us-west-2a/i-0fffffffffffffff0" },
	};
	for (int i = 0; i < 3; i++) {
		char zl[64], zp[64], pid[96], zid[64];
		snprintf(zl, sizeof zl, "label:topology.kubernetes.io/zone=%s", nodes[i][1]);
		snprintf(zp, sizeof zp, "zone=%s", nodes[i][1]);
		snprintf(pid, sizeof pid, "providerID=%s", nodes[i][2]);
		snprintf(zid, sizeof zid, "zone/%s", nodes[i][1]);
		v = add(m, nodes[i][0], "host", "Node", zl, zp, pid, NULL);
		assert_int_equal(fo_model_set_container_local(m, v, zid, P0), FO_OK);
	}
	add(m, "node/bastion", "host", "Node", NULL);
	uint32_t pods[3], api, con;
	for (int i = 0; i < 3; i++) {
		char id[64];
		snprintf(id, sizeof id, "pod/openshift-apiserver/apiserver-%d", i);
		pods[i] = add(m, id, "service", "Pod", NULL);
		assert_int_equal(fo_model_requires_local(m, pods[i], FO_GROUP_REQUIRES,
							 i < 2 ? nodes[0][0] : nodes[1][0], P0), FO_OK);
	}
	assert_int_equal(fo_model_add_node(m, "deployment/openshift-apiserver/apiserver", "app", "apiserver",
					   "openshift-apiserver", 0, "Deployment", P0, &api), FO_OK);
	assert_int_equal(fo_model_group_begin(m, api, FO_GROUP_REQUIRES, 1, P0), FO_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(fo_model_group_add_node(m, pods[i], P0), FO_OK);
	assert_int_equal(fo_model_group_end(m), FO_OK);
	assert_int_equal(fo_model_add_node(m, "deployment/openshift-console/console", "app", "console",
					   "openshift-console", 0, "Deployment", P0, &con), FO_OK);
	assert_int_equal(fo_model_requires_local(m, con, FO_GROUP_REQUIRES,
						 "deployment/openshift-apiserver/apiserver", P0), FO_OK);
	assert_int_equal(fo_model_add_node(m, "deployment/default/web", "app", "web", "default", 0, "Deployment",
					   P0, NULL), FO_OK);

	assert_int_equal(fo_mapfile_apply(map, m), FO_OK);
	char *t = printed(d, ESTATE);
	assert_string_equal(t,
		"MAP:11:3: warning: <source> matched no input\n"
		"MAP:17:5: warning: <place> skips 'k8s:node/ip-10-9-0-1.us-west-2.compute.internal': its "
		"label:topology.kubernetes.io/zone 'us-west-2a' has no <value from> entry\n"
		"MAP:52:3: warning: <same> <node> skips 'k8s:node/ip-10-9-0-1.us-west-2.compute.internal': its key "
		"'i-0fffffffffffffff0' is no <as> node's\n"
		"MAP:53:41: warning: <same> <node> skips 'k8s:node/bastion': {prop:providerID} is undefined "
		"on it: no key\n");
	free(t);
	fo_model_node nd = get(m, "k8s:deployment/openshift-console/console");
	assert_string_equal(nd.tenant, "console");
	assert_int_equal(nd.tier, 1);
	assert_string_equal(nd.name, "CONSOLE");
	nd = get(m, "k8s:deployment/default/web");
	assert_string_equal(nd.tenant, "default");
	assert_int_equal(nd.tier, 0);
	assert_str(get(m, "tf-prod:aws_instance.worker[0]").name, "worker-0");
	assert_true(get(m, "tf-prod:aws_iam_role.worker").dropped);
	fo_model_group gr;
	fo_model_group_get(m, fo_model_group_count(m) - 2, &gr); /* the API server's */
	assert_int_equal(gr.owner, api);
	assert_int_equal(gr.k, 2);

	assert_int_equal(fo_model_build(m, &g), FO_OK);
	assert_int_equal(fo_diag_count(d), 4); /* the build adds nothing: every id resolved */
	uint32_t w0 = fx_id(g, "tf-prod:aws_instance.worker[0]"), w1 = fx_id(g, "tf-prod:aws_instance.worker[1]");
	assert_int_equal(fo_graph_node_container(g, w0), fx_id(g, "use1-az2"));
	assert_int_equal(fo_graph_node_container(g, w1), fx_id(g, "use1-az4"));
	assert_int_equal(fo_graph_node_container(g, fx_id(g, "tf-prod:aws_subnet.private[0]")), fx_id(g, "use1-az2"));
	assert_int_equal(fo_graph_lookup(g, "tf-prod:zone/us-east-1b", &v), FO_ENOTFOUND);
	assert_int_equal(fo_graph_lookup(g, "k8s:node/ip-10-0-129-220.ec2.internal", &v), FO_ENOTFOUND);
	assert_int_equal(fo_graph_lookup(g, "k8s:node/bastion", &v), FO_ENOTFOUND);
	assert_int_equal(fo_graph_lookup(g, "tf-prod:aws_iam_role.worker", &v), FO_ENOTFOUND);
	/* the west node kept the importer's zone */
	assert_int_equal(fo_graph_node_container(g, fx_id(g, "k8s:node/ip-10-9-0-1.us-west-2.compute.internal")),
			 fx_id(g, "k8s:zone/us-west-2a"));
	/* the Kubernetes node's label and the instance's attributes, joined */
	const fo_prop *props;
	size_t np = fo_graph_node_props(g, w0, &props);
	int has_label = 0;
	for (size_t i = 0; i < np; i++)
		has_label |= !strcmp(props[i].key, "label:topology.kubernetes.io/zone");
	assert_true(has_label);

	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "fail:use1-az2"), FO_OK);
	assert_true(fx_flags(e, "k8s:deployment/openshift-apiserver/apiserver") & FO_F_DOWN);
	assert_true(fx_flags(e, "k8s:deployment/openshift-console/console") & FO_F_DOWN);
	assert_int_equal(fx_run(e, "fail:use1-az4"), FO_OK);
	assert_false(fx_flags(e, "k8s:deployment/openshift-apiserver/apiserver") & FO_F_DOWN);
	assert_true(fx_flags(e, "k8s:pod/openshift-apiserver/apiserver-2") & FO_F_DOWN);
	fo_engine_free(e);
	fo_graph_free(g);
	fo_model_free(m);
	fo_mapfile_free(map);
	fo_diag_free(d);
}

/* Ids with quotes, backslashes, '<', newlines and Chinese text stay one
 * line in every message. */
static void hostile_ids(void **state)
{
	(void)state;
	fo_diag *d = NULL;
	fo_model *m = NULL;
	fo_mapfile *map = NULL;
	char *path = write_tmp("<map version=\"1\">\n  <rule type=\"Pod\"><set tier=\"{prop:t}\"/></rule>\n</map>\n");
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_mapfile_load(&map, path, d), FO_OK);
	assert_int_equal(fo_model_new(&m, d), FO_OK);
	assert_int_equal(fo_model_source_begin(m, "c.json", "k8s", NULL, 0, NULL), FO_OK);
	add(m, "pod/\"q\"\\\n<中文>", "service", "Pod", "t=x\ny", NULL);
	assert_int_equal(fo_mapfile_apply(map, m), FO_EINPUT);
	char *t = printed(d, path);
	assert_string_equal(fo_diag_get(d, 0)->code, "map-apply");
	assert_string_equal(t, "MAP:2:20: error: <set> cannot apply to 'k8s:pod/\"q\"\\\\\\n<中文>': tier= gives "
			       "'x\\ny', not a tier (0 to 1000000)\n");
	free(t);
	fo_model_free(m);
	fo_mapfile_free(map);
	fo_diag_free(d);
	unlink(path);
	free(path);
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
		cmocka_unit_test(hostile),
		cmocka_unit_test(hostile_ids),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(matching),
		cmocka_unit_test(templates),
		cmocka_unit_test(template_errors),
		cmocka_unit_test(order),
		cmocka_unit_test(placing),
		cmocka_unit_test(k_of_n),
		cmocka_unit_test(same_as),
		cmocka_unit_test(sources),
		cmocka_unit_test(example_end_to_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
