/*
 * test_import.c — the one import path (importers/fo_import.h): the format
 * words and the readers' table, detection from the first bytes (every
 * row's sniff on real heads from ../shared/importers, copied into
 * tests/importers/heads/), what no sniff claims, the fallout sniff's edge
 * cases, and fo_import_load: the fast path, several inputs joined through
 * the model, standard input, and every error path (no input, unknown or
 * unbuilt word, "-" twice, a missing file, an undetectable one).
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
#include <sys/stat.h>
#include <unistd.h>

#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"
#include "graphs/fo_graph.h"
#include "importers/fo_import.h"
#include "importers/fo_inventory.h"
#include "importers/fo_invwrite.h"
#include "importers/fo_mapfile.h"
#include "importers/fo_model.h"

/* ------------------------------------------------------------ helpers */

static char tmpdir[64];

static int setup_tmp(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/fo-test-import-XXXXXX");
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
		if (rmdir(p) != 0)
			unlink(p);
	}
	closedir(d);
	rmdir(tmpdir);
	return 0;
}

/* Writes data into tmpdir/name; returns the path (malloc'd). */
static char *write_tmp(const char *name, const char *data, size_t len)
{
	char *path = malloc(512);
	assert_non_null(path);
	snprintf(path, 512, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static char *write_str(const char *name, const char *data)
{
	return write_tmp(name, data, strlen(data));
}

/* Every stored diag line joined (malloc'd). */
static char *diag_text(const fo_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	fo_diag_print(d, fp);
	fclose(fp);
	return buf;
}

static void assert_diag_has(const fo_diag *d, const char *needle)
{
	char *t = diag_text(d);
	if (!strstr(t, needle))
		fail_msg("diagnostics lack '%s':\n%s", needle, t);
	free(t);
}

/* The first n bytes of a file (malloc'd); *len what was read. */
static char *head_of(const char *path, size_t n, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(n + 1);
	if (!f)
		fail_msg("cannot open %s", path);
	assert_non_null(buf);
	*len = fread(buf, 1, n, f);
	fclose(f);
	return buf;
}

static const char *sniffed(const char *head, size_t n)
{
	const fo_import_format *f = fo_import_sniff(head, n);
	return f ? f->word : NULL;
}

/* ---------------------------------------------------------- the table */

static void words_and_rows(void **state)
{
	(void)state;
	const char *const *w = fo_import_words();
	static const char *const want[] = { "fallout", "archimate", "k8s", "terraform", "graphml", "cmdb" };
	size_t n = 0;
	for (; w[n]; n++) {
		assert_true(n < 6);
		assert_string_equal(w[n], want[n]);
	}
	assert_int_equal(n, 6);

	const fo_import_format *f = fo_import_format_for("fallout");
	assert_non_null(f);
	assert_string_equal(f->word, "fallout");
	assert_string_equal(f->prefix, "");
	assert_true(f->strict);
	assert_non_null(f->read);
	assert_non_null(f->sniff);
	assert_null(fo_import_format_for("k9s"));
	assert_null(fo_import_format_for(""));
	assert_null(fo_import_format_for(NULL));
	/* Every row is a word of the list, and imported formats are not
	 * strict: their dangling references are warnings. */
	for (size_t i = 0; w[i]; i++) {
		const fo_import_format *r = fo_import_format_for(w[i]);
		if (!r)
			continue;
		assert_string_equal(r->word, w[i]);
		assert_int_equal(r->strict, strcmp(w[i], "fallout") == 0);
		assert_non_null(r->read);
		assert_non_null(r->sniff);
	}
}

/* --------------------------------------------------------- detection */

/* Real files of other projects (tests/importers/heads/README.md) and the
 * word they are: a row of this build must claim its own, and nobody else's. */
static void sniff_real_heads(void **state)
{
	(void)state;
	static const struct {
		const char *path, *word;
	} cases[] = {
		{ "samples/tencent-gz-2023.xml", "fallout" },
		{ "samples/migration/before.xml", "fallout" },
		{ "tests/importers/heads/archisurance-3.0-archi.xml", "archimate" },
		{ "tests/importers/heads/alltypes-3.1-archi-5.0.2.xml", "archimate" },
		{ "tests/importers/heads/ocp-aws-us-east-1.infra.list.json", "k8s" },
		{ "tests/importers/heads/ocp-aws-us-east-1.pods.list.json", "k8s" },
		{ "tests/importers/heads/infracost-tf0.14-state.show.json", "terraform" },
		{ "tests/importers/heads/driftctl-aws-lb-listener.tfstate", "terraform" },
		{ "tests/importers/heads/topologyzoo-Geant2012.graphml", "graphml" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n;
		char *h = head_of(cases[i].path, FO_IMPORT_HEAD, &n);
		const char *got = sniffed(h, n);
		if (fo_import_format_for(cases[i].word)) {
			if (!got || strcmp(got, cases[i].word))
				fail_msg("%s: sniffed as %s, not %s", cases[i].path, got ? got : "nothing",
					 cases[i].word);
		} else if (got) {
			/* Not built: no other row may claim it. */
			fail_msg("%s (%s, not built) sniffed as %s", cases[i].path, cases[i].word, got);
		}
		/* A head cut anywhere is never claimed by the wrong row. */
		for (size_t cut = 1; cut < n && cut < 400; cut += 7) {
			got = sniffed(h, cut);
			if (got && strcmp(got, cases[i].word))
				fail_msg("%s cut at %zu: sniffed as %s", cases[i].path, cut, got);
		}
		free(h);
	}
}

static void fallout_sniff_edges(void **state)
{
	(void)state;
	static const struct {
		const char *head;
		int yes;
	} cases[] = {
		{ "<inventory>", 1 },
		{ "<inventory", 1 }, /* cut after the name */
		{ "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c -> -->\n<?pi x?>\n<inventory name=\"a\">", 1 },
		{ "  \n<inventory/>", 1 },
		{ "<inventory xmlns:x=\"urn:x\" name='xmlns=\"a\"'>", 1 }, /* prefixed ns, quoted text */
		{ "<inventory xmlns=\"urn:x\">", 0 },                   /* a default namespace */
		{ "<inventory name=\"a\" xmlns = 'urn:x'>", 0 },
		{ "<x:inventory xmlns:x=\"urn:x\">", 0 },
		{ "<inventoryx>", 0 },
		{ "<invent", 0 },
		{ "<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\">", 0 },
		{ "{\"kind\": \"List\"}", 0 },
		{ "", 0 },
		{ "<!-- never closed", 0 },
		{ "<!DOCTYPE inventory>\n<inventory>", 1 }, /* the reader refuses the DOCTYPE */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (fo_inventory_sniff(cases[i].head, strlen(cases[i].head)) != cases[i].yes)
			fail_msg("fo_inventory_sniff(\"%s\") != %d", cases[i].head, cases[i].yes);
	assert_int_equal(fo_inventory_sniff(NULL, 0), 0);
}

/* A UTF-16 head is decoded before sniffing (little and big endian). */
static void sniff_utf16(void **state)
{
	(void)state;
	const char *text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<inventory name=\"\xe4\xb8\xad\">";
	char le[256], be[256];
	size_t n = 2;
	le[0] = (char)0xFF, le[1] = (char)0xFE, be[0] = (char)0xFE, be[1] = (char)0xFF;
	for (const char *p = text; *p; p++, n += 2) {
		le[n] = *p, le[n + 1] = 0;
		be[n] = 0, be[n + 1] = *p;
	}
	assert_string_equal(sniffed(le, n), "fallout");
	assert_string_equal(sniffed(be, n), "fallout");
	/* An odd length (cut mid-unit) too. */
	assert_string_equal(sniffed(le, n - 1), "fallout");
	/* The same bytes without the BOM are no known format. */
	assert_null(sniffed(le + 2, n - 2));
}

static void detect_files(void **state)
{
	(void)state;
	fo_diag *d;
	const fo_import_format *f;
	char *text = write_str("notes.txt", "hello, this is not an inventory\n");
	char *bin = write_tmp("garbage.bin", "\x01\x02\x00\x03", 4);
	char *bad = write_tmp("latin1.dat", "caf\xe9 au lait", 12);
	char *empty = write_str("empty.xml", "");
	char *wrong = write_str("wrong-root.xml", "<?xml version=\"1.0\"?>\n<inventry/>\n");
	char *json = write_str("thing.json", "{\"hello\": [1, 2, 3]}\n");
	char missing[600];
	snprintf(missing, sizeof missing, "%s/no-such-file.xml", tmpdir);

	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	/* Text that no reader claims: the error names the way out. */
	assert_int_equal(fo_import_detect(&f, text, d), FO_EINPUT);
	assert_null(f);
	assert_int_equal(fo_diag_errors(d), 1);
	assert_diag_has(d, "notes.txt: error: cannot tell the format: use --from FMT (fallout, archimate, "
			   "k8s, terraform, graphml or cmdb)");
	assert_int_equal(fo_import_detect(&f, json, d), FO_EINPUT);
	assert_int_equal(fo_diag_errors(d), 2);

	/* What the XML reader says best: not text, blank, XML of another root,
	 * a missing file. */
	const char *to_fallout[] = { bin, bad, empty, wrong, missing, "samples/tencent-gz-2023.xml" };
	for (size_t i = 0; i < sizeof to_fallout / sizeof to_fallout[0]; i++) {
		assert_int_equal(fo_import_detect(&f, to_fallout[i], d), FO_OK);
		assert_non_null(f);
		assert_string_equal(f->word, "fallout");
	}
	/* A directory is a cluster dump when this build reads those. */
	assert_int_equal(fo_import_detect(&f, tmpdir, d), FO_OK);
	assert_string_equal(f->word, fo_import_format_for("k8s") ? "k8s" : "fallout");
	assert_int_equal(fo_diag_errors(d), 2);
	assert_int_equal(fo_import_detect(NULL, text, d), FO_EINVAL);

	fo_diag_free(d);
	free(text), free(bin), free(bad), free(empty), free(wrong), free(json);
}

/* -------------------------------------------------------------- load */

static const char A_XML[] =
	"<inventory name=\"facilities\">\n"
	"  <node id=\"site\" kind=\"site\"/>\n"
	"  <node id=\"db\" kind=\"db\" in=\"site\" owner=\"x\"/>\n"
	"</inventory>\n";
static const char B_XML[] =
	"<inventory name=\"apps\">\n"
	"  <node id=\"pay\" kind=\"app\" tenant=\"t\" tier=\"1\">\n"
	"    <requires min=\"1\"><ref id=\"db\"/><ref id=\"db2\"/></requires>\n"
	"  </node>\n"
	"  <node id=\"db2\" kind=\"db\"/>\n"
	"</inventory>\n";

static void load_fast_path(void **state)
{
	(void)state;
	fo_diag *d;
	fo_graph *g = NULL;
	fo_model *m = (fo_model *)1;
	char *a = write_str("a.xml", A_XML);
	const char *paths[] = { a };

	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_import_load(&g, paths, 1, NULL, d, &m), FO_OK);
	assert_null(m); /* no model: fo_inventory_load itself */
	assert_non_null(g);
	assert_int_equal(fo_graph_node_count(g), 2);
	assert_string_equal(fo_graph_file(g), a);
	assert_string_equal(fo_graph_name(g), "facilities");
	fo_graph_free(g);

	/* --explain-import wants the model: the same graph through it. */
	fo_import_opts o = { 0 };
	o.want_model = 1;
	assert_int_equal(fo_import_load(&g, paths, 1, &o, d, &m), FO_OK);
	assert_non_null(m);
	assert_int_equal(fo_graph_node_count(g), 2);
	assert_int_equal(fo_model_source_count(m), 1);
	assert_string_equal(fo_model_source_format(m, 0), "fallout");
	assert_string_equal(fo_model_source_prefix(m, 0), "");
	uint32_t db;
	assert_int_equal(fo_graph_lookup(g, "db", &db), FO_OK);
	assert_string_equal(fo_graph_node_kind_word(g, db), "db");
	fo_model_free(m);
	fo_graph_free(g);
	assert_int_equal(fo_diag_count(d), 0);
	fo_diag_free(d);
	free(a);
}

/* Two fallout files make one graph: a reference of one resolves to a node
 * of the other, after both are read. */
static void load_several(void **state)
{
	(void)state;
	fo_diag *d;
	fo_graph *g = NULL;
	fo_model *m = NULL;
	char *a = write_str("a.xml", A_XML), *b = write_str("b.xml", B_XML);
	const char *paths[] = { b, a }; /* b needs a's db: read first */
	uint32_t pay, db;
	char joined[1200];

	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_import_load(&g, paths, 2, NULL, d, &m), FO_OK);
	assert_non_null(m);
	assert_int_equal(fo_model_source_count(m), 2);
	assert_int_equal(fo_graph_node_count(g), 4);
	assert_int_equal(fo_graph_lookup(g, "pay", &pay), FO_OK);
	assert_int_equal(fo_graph_lookup(g, "db", &db), FO_OK);
	snprintf(joined, sizeof joined, "%s + %s", b, a);
	assert_string_equal(fo_graph_file(g), joined);
	assert_string_equal(fo_graph_node_tenant(g, pay), "t");
	/* The first name given wins. */
	assert_string_equal(fo_graph_name(g), "apps");
	fo_model_free(m);
	fo_graph_free(g);

	/* A fallout source is strict: a reference nothing defines is an
	 * error even when joined, and nothing is built. */
	char *c = write_str("c.xml", "<inventory>\n  <node id=\"x\" kind=\"app\" in=\"nowhere\"/>\n</inventory>\n");
	const char *bad[] = { a, c };
	g = (fo_graph *)1;
	assert_int_equal(fo_import_load(&g, bad, 2, NULL, d, &m), FO_EINPUT);
	assert_null(g);
	assert_non_null(m);
	assert_diag_has(d, "c.xml:2:31: error: unknown container 'nowhere'");
	fo_model_free(m);

	/* The same id in two files: an error naming both places. */
	const char *dup[] = { a, a };
	fo_diag_free(d);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_import_load(&g, dup, 2, NULL, d, NULL), FO_EINPUT);
	assert_null(g);
	assert_diag_has(d, "duplicate id 'site'");
	fo_diag_free(d);
	free(a), free(b), free(c);
}

/* Standard input is copied, sniffed, and read under the name <stdin>. */
static void load_stdin(void **state)
{
	(void)state;
	fo_diag *d;
	fo_graph *g = NULL;
	fo_model *m = NULL;
	int fds[2], saved = dup(0);
	const char *paths[] = { "-" };

	assert_true(saved >= 0);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], B_XML, sizeof B_XML - 1), (ssize_t)(sizeof B_XML - 1));
	close(fds[1]);
	assert_int_equal(dup2(fds[0], 0), 0);
	close(fds[0]);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	int err = fo_import_load(&g, paths, 1, NULL, d, &m);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);

	/* Alone, B lacks db: the fast path's error, located in <stdin>. */
	assert_int_equal(err, FO_EINPUT);
	assert_null(m);
	assert_diag_has(d, "<stdin>:3:32: error: unknown reference 'db'; did you mean 'db2'?");
	fo_diag_free(d);
}

static void load_errors(void **state)
{
	(void)state;
	fo_diag *d;
	fo_graph *g = (fo_graph *)1;
	fo_model *m = (fo_model *)1;
	char *text = write_str("notes.txt", "plain words\n");
	char *a = write_str("a.xml", A_XML);
	char missing[600];
	snprintf(missing, sizeof missing, "%s/missing.xml", tmpdir);

	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	/* No input. */
	assert_int_equal(fo_import_load(&g, NULL, 0, NULL, d, &m), FO_EINVAL);
	assert_null(g);
	assert_null(m);
	assert_diag_has(d, "no input to import");

	/* An unknown word, a word without a reader in this build. */
	const char *one[] = { a };
	fo_import_opts o = { 0 };
	o.from = "k9s";
	assert_int_equal(fo_import_load(&g, one, 1, &o, d, NULL), FO_EINVAL);
	assert_diag_has(d, "unknown format 'k9s' (fallout, archimate, k8s, terraform, graphml or cmdb)");
	for (const char *const *w = fo_import_words(); *w; w++) {
		if (fo_import_format_for(*w))
			continue;
		o.from = *w;
		assert_int_equal(fo_import_load(&g, one, 1, &o, d, NULL), FO_EINVAL);
		assert_diag_has(d, "this build of fallout has no");
	}

	/* Standard input twice. */
	const char *twice[] = { "-", a, "-" };
	assert_int_equal(fo_import_load(&g, twice, 3, NULL, d, NULL), FO_EINVAL);
	assert_diag_has(d, "'-' (standard input) given twice");

	/* A missing file: the reader's message, FO_EIO. */
	const char *gone[] = { missing };
	assert_int_equal(fo_import_load(&g, gone, 1, NULL, d, &m), FO_EIO);
	assert_null(g);
	assert_diag_has(d, "missing.xml: error: cannot open: No such file or directory");

	/* Undetectable among good ones: said, nothing read or built. */
	fo_diag_free(d);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	const char *mixed[] = { a, text };
	assert_int_equal(fo_import_load(&g, mixed, 2, NULL, d, &m), FO_EINPUT);
	assert_null(g);
	assert_null(m);
	assert_int_equal(fo_diag_errors(d), 1);
	assert_diag_has(d, "notes.txt: error: cannot tell the format");

	/* Forced: the text is read as what it was said to be. */
	fo_diag_free(d);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	o.from = "fallout";
	const char *forced[] = { text };
	assert_int_equal(fo_import_load(&g, forced, 1, &o, d, NULL), FO_EINPUT);
	assert_diag_has(d, "notes.txt:1:1: error: not an XML document");

	assert_int_equal(fo_import_load(NULL, one, 1, NULL, d, NULL), FO_EINVAL);
	fo_diag_free(d);
	free(text), free(a);
}

/* The graph as inventory text (malloc'd): equal texts, equal graphs. */
static char *as_text(const fo_graph *g)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(fo_invwrite(fp, g), FO_OK);
	fclose(fp);
	return buf;
}

/* The fallout reader into a model (fo_inventory_read_model) builds the
 * same graph as the reader into a builder, on every sample. */
static void model_reader_same_graph(void **state)
{
	(void)state;
	static const char *const files[] = {
		"samples/quickstart.xml", "samples/tencent-gz-2023.xml", "samples/fire-backups.xml",
		"samples/migration/before.xml", "samples/migration/after.xml",
		"tests/cli/inputs/hostile-names.xml", "tests/cli/inputs/control-names.xml",
		"tests/cli/inputs/tenants-ranked.xml",
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		fo_diag *d;
		fo_graph *g1 = NULL, *g2 = NULL;
		fo_model *m = NULL;
		fo_import_opts o = { 0 };
		o.want_model = 1;
		assert_int_equal(fo_diag_new(&d, 0), FO_OK);
		assert_int_equal(fo_inventory_load(&g1, files[i], NULL, d), FO_OK);
		assert_int_equal(fo_import_load(&g2, &files[i], 1, &o, d, &m), FO_OK);
		assert_non_null(m);
		assert_int_equal(fo_diag_count(d), 0);
		char *t1 = as_text(g1), *t2 = as_text(g2);
		if (strcmp(t1, t2))
			fail_msg("%s: the model's graph differs:\n%s\n---\n%s", files[i], t1, t2);
		assert_string_equal(fo_graph_file(g2), files[i]);
		free(t1), free(t2);
		fo_graph_free(g1), fo_graph_free(g2);
		fo_model_free(m);
		fo_diag_free(d);
	}
}

/* A mapping file: the prefix it gives a source, and its rules applied
 * before references are resolved (a Terraform zone declared the same as a
 * zone of a fallout inventory). */
static void load_with_map(void **state)
{
	(void)state;
	static const char *const paths[] = {
		"tests/cli/inputs/import/aws-facilities.xml",
		"tests/importers/terraform/driftctl-aws-lb-listener.tfstate",
	};
	fo_diag *d;
	fo_mapfile *map = NULL;
	fo_graph *g = NULL;
	fo_model *m = NULL;
	fo_import_opts o = { 0 };
	uint32_t subnet, zone, v;

	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_mapfile_load(&map, "tests/cli/inputs/import/zones.map.xml", d), FO_OK);
	o.map = map;
	assert_int_equal(fo_import_load(&g, paths, 2, &o, d, &m), FO_OK);
	assert_int_equal(fo_diag_errors(d), 0);
	assert_int_equal(fo_graph_lookup(g, "tf:aws_subnet.main-1", &subnet), FO_OK);
	assert_int_equal(fo_graph_lookup(g, "use1-az1", &zone), FO_OK);
	assert_int_equal(fo_graph_node_container(g, subnet), zone);
	assert_int_equal(fo_graph_lookup(g, "tf:zone/us-east-1a", &v), FO_ENOTFOUND);
	fo_graph_free(g);
	fo_model_free(m);
	fo_mapfile_free(map);

	/* Without the map, the zone is the state's own: two zones. */
	assert_int_equal(fo_import_load(&g, paths, 2, NULL, d, NULL), FO_OK);
	assert_int_equal(fo_graph_lookup(g, "tf:zone/us-east-1a", &v), FO_OK);
	fo_graph_free(g);

	/* A <source> prefix. */
	char *mp = write_str("prefix.map.xml",
			     "<map version=\"1\">\n"
			     "  <source file=\"*.tfstate\" format=\"terraform\" prefix=\"tf-prod\"/>\n"
			     "</map>\n");
	assert_int_equal(fo_mapfile_load(&map, mp, d), FO_OK);
	o.map = map;
	assert_int_equal(fo_import_load(&g, &paths[1], 1, &o, d, &m), FO_OK);
	assert_int_equal(fo_graph_lookup(g, "tf-prod:aws_lb.test", &v), FO_OK);
	assert_int_equal(fo_graph_lookup(g, "tf:aws_lb.test", &v), FO_ENOTFOUND);
	assert_string_equal(fo_model_source_prefix(m, 0), "tf-prod");
	fo_graph_free(g);
	fo_model_free(m);
	fo_mapfile_free(map);

	/* A map on one fallout inventory goes through the model. */
	assert_int_equal(fo_mapfile_load(&map, "tests/cli/inputs/import/zones.map.xml", d), FO_OK);
	o.map = map;
	assert_int_equal(fo_import_load(&g, paths, 1, &o, d, &m), FO_EINPUT);
	assert_non_null(m); /* tf:aws_lb.test is unknown alone: strict */
	fo_model_free(m);
	fo_mapfile_free(map);
	fo_diag_free(d);
	free(mp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words_and_rows),
		cmocka_unit_test(sniff_real_heads),
		cmocka_unit_test(fallout_sniff_edges),
		cmocka_unit_test(sniff_utf16),
		cmocka_unit_test(detect_files),
		cmocka_unit_test(load_fast_path),
		cmocka_unit_test(load_several),
		cmocka_unit_test(load_stdin),
		cmocka_unit_test(load_errors),
		cmocka_unit_test(model_reader_same_graph),
		cmocka_unit_test(load_with_map),
	};
	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
