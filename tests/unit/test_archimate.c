/*
 * test_archimate.c — the ArchiMate exchange format reader
 * (importers/fo_archimate.h, docs/importers/archimate.md): on the two real
 * files (Archisurance 3.0 and every type 3.1, both exported by Archi), the
 * summary accounts for every element and relationship, and the built graph
 * gives the answers a user checks by hand (what an application component
 * needs, what fails with a Node or a Device); 2.1 spellings, windows-1252,
 * junctions (And, Or, chains, an And inside an Or, a cycle), languages,
 * inferred nesting; every error path located and all errors in one run;
 * the sniffer.
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

#include "analyzer/fo_engine.h"
#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"
#include "graphs/fo_graph.h"
#include "helpers/fixture.h"
#include "importers/fo_archimate.h"
#include "importers/fo_model.h"

#define DIR "tests/importers/archimate/"
#define SURANCE DIR "archisurance-3.0-archi.xml"
#define ALLTYPES DIR "alltypes-3.1-archi-5.0.2.xml"

typedef struct imp {
	fo_diag *d;
	fo_model *m;
	fo_graph *g;
	fo_engine *e;
	int err;
} imp;

/* Reads path (options as NULL-terminated key, value pairs); builds the
 * graph and an engine when the read succeeded. */
static int imp_read(imp *x, const char *path, ...)
{
	va_list ap;
	const char *k;
	memset(x, 0, sizeof *x);
	assert_int_equal(fo_diag_new(&x->d, 0), FO_OK);
	assert_int_equal(fo_model_new(&x->m, x->d), FO_OK);
	assert_int_equal(fo_model_source_begin(x->m, path, "archimate", NULL, 0, NULL), FO_OK);
	va_start(ap, path);
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);
		assert_int_equal(fo_model_set_option(x->m, k, v), FO_OK);
	}
	va_end(ap);
	x->err = fo_archimate_read(x->m, path);
	if (x->err == FO_OK) {
		assert_int_equal(fo_model_build(x->m, &x->g), FO_OK);
		assert_int_equal(fo_engine_new(&x->e, x->g), FO_OK);
	}
	return x->err;
}

static void imp_free(imp *x)
{
	fo_engine_free(x->e);
	fo_graph_free(x->g);
	fo_model_free(x->m);
	fo_diag_free(x->d);
}

static char *diag_text(const fo_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(fo_diag_print(d, fp), FO_OK);
	fclose(fp);
	return buf;
}

static char *explain_text(const fo_model *m, int summary)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(summary ? fo_model_summary(m, fp) : fo_model_explain(m, fp), FO_OK);
	fclose(fp);
	return buf;
}

/* The code of the diagnostic on `line`. */
static const char *code_at(const fo_diag *d, unsigned long line)
{
	for (size_t i = 0; i < fo_diag_count(d); i++)
		if (fo_diag_get(d, i)->line == line)
			return fo_diag_get(d, i)->code ? fo_diag_get(d, i)->code : "(none)";
	return "(no diagnostic)";
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("expected to find\n  %s\nin\n%s", needle, hay);
}

static void assert_summary(const imp *x, const char *want)
{
	char *s = explain_text(x->m, 1);
	assert_string_equal(s, want);
	free(s);
}

static void assert_diag(const imp *x, const char *want)
{
	char *s = diag_text(x->d);
	assert_string_equal(s, want);
	free(s);
}

static uint32_t node(const imp *x, const char *local)
{
	char id[256];
	uint32_t v;
	snprintf(id, sizeof id, "archimate:%s", local);
	if (fo_graph_lookup(x->g, id, &v) != FO_OK)
		fail_msg("no node %s", id);
	return v;
}

/* The members of owner's requires groups, as "{k: a b} {k: c}" by local id. */
static char *needs(const imp *x, const char *owner)
{
	char *buf = NULL;
	size_t len = 0;
	uint32_t first, count, v = node(x, owner);
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	int printed = 0;
	fo_graph_node_groups(x->g, v, &first, &count);
	for (uint32_t i = first; i < first + count; i++) {
		fo_group_info gi;
		fo_graph_group(x->g, i, &gi);
		if (gi.type != FO_GROUP_REQUIRES)
			continue;
		fprintf(fp, "%s{%u:", printed++ ? " " : "", (unsigned)gi.k);
		for (uint32_t j = 0; j < gi.n; j++)
			fprintf(fp, " %s", fo_graph_node_id(x->g, gi.members[j]) + strlen("archimate:"));
		fputc('}', fp);
	}
	fclose(fp);
	return buf;
}

static void assert_needs(const imp *x, const char *owner, const char *want)
{
	char *s = needs(x, owner);
	assert_string_equal(s, want);
	free(s);
}

static void assert_needs_some(const imp *x, const char *owner, const char *group)
{
	char *s = needs(x, owner);
	assert_contains(s, group);
	free(s);
}

static const char *name(const imp *x, const char *local)
{
	const char *n = fo_graph_node_name(x->g, node(x, local));
	return n ? n : "(none)";
}

static const char *kind(const imp *x, const char *local)
{
	uint32_t v = node(x, local);
	fo_kind k = fo_graph_node_kind(x->g, v);
	return fo_kind_name(k);
}

static const char *prop(const imp *x, const char *local, const char *key)
{
	const fo_prop *p;
	size_t n = fo_graph_node_props(x->g, node(x, local), &p);
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].key, key) == 0)
			return p[i].value;
	return NULL;
}

/* Runs "fail:ID ..." (local ids) and returns whether each listed node is down. */
static void run(imp *x, const char *scenario)
{
	char buf[1024], out[1024] = "";
	snprintf(buf, sizeof buf, "%s", scenario);
	for (char *t = strtok(buf, " "); t; t = strtok(NULL, " ")) {
		char *colon = strchr(t, ':');
		assert_non_null(colon);
		size_t n = strlen(out);
		snprintf(out + n, sizeof out - n, "%s%.*sarchimate:%s", n ? " " : "",
			 (int)(colon - t + 1), t, colon + 1);
	}
	assert_int_equal(fx_run(x->e, out), FO_OK);
}

static int down(const imp *x, const char *local)
{
	return (fo_engine_flags(x->e, node(x, local)) & FO_F_DOWN) != 0;
}

static size_t count_down(const imp *x)
{
	size_t n = 0;
	for (uint32_t v = 0; v < fo_graph_node_count(x->g); v++)
		n += (fo_engine_flags(x->e, v) & FO_F_DOWN) != 0;
	return n;
}

static size_t count_kind(const imp *x, const char *k)
{
	size_t n = 0;
	for (uint32_t v = 0; v < fo_graph_node_count(x->g); v++)
		n += strcmp(fo_kind_name(fo_graph_node_kind(x->g, v)), k) == 0;
	return n;
}

/* ------------------------------------------------------------ Archisurance */

static void archisurance_counts(void **state)
{
	imp x;
	(void)state;
	assert_int_equal(imp_read(&x, SURANCE, NULL), FO_OK);
	/* 120 elements + 178 relationships, every one accounted for. */
	assert_summary(&x, SURANCE " (archimate): 298 objects: 43 nodes, 31 folded, 224 skipped "
			   "(--explain-import)\n");
	char *s = explain_text(x.m, 0);
	assert_contains(s, "  ApplicationComponent: 10 read; 10 nodes (app 10)\n");
	assert_contains(s, "  ApplicationService: 3 read; 3 nodes (app 3)\n");
	assert_contains(s, "  Device: 5 read; 5 nodes (host 5)\n");
	assert_contains(s, "  Node: 4 read; 4 nodes (host 4)\n");
	assert_contains(s, "  SystemSoftware: 4 read; 4 nodes (service 4)\n");
	assert_contains(s, "  CommunicationNetwork: 3 read; 3 nodes (network 3)\n");
	assert_contains(s, "  BusinessActor: 17 read; 17 skipped: business layer");
	assert_contains(s, "  Principle: 9 read; 9 skipped: motivation element: no runtime semantics");
	assert_contains(s, "  Serving: 32 read; 19 skipped: an end is not imported");
	assert_contains(s, "; 13 folded into a dependency\n");
	assert_contains(s, "  Association: 28 read; 28 skipped: association: no direction of dependency");
	assert_contains(s, "  Flow: 33 read; 33 skipped: flow:");
	assert_contains(s, "  Triggering: 13 read; 13 skipped: triggering:");
	/* Skipped relationships are named by their ends. */
	assert_contains(s, "(phone -> Customer, ");
	free(s);
	assert_int_equal(fo_diag_count(x.d), 0);
	assert_int_equal(count_kind(&x, "app"), 13);
	assert_int_equal(count_kind(&x, "host"), 9);
	assert_int_equal(count_kind(&x, "service"), 9);
	assert_int_equal(count_kind(&x, "dataset"), 4);
	imp_free(&x);
}

static void archisurance_facts(void **state)
{
	imp x;
	(void)state;
	assert_int_equal(imp_read(&x, SURANCE, NULL), FO_OK);
	assert_string_equal(name(&x, "id-1399"), "Financial Application");
	assert_string_equal(kind(&x, "id-1399"), "app");
	/* Financial Application: served by Claim InfoServ, Bank System and
	 * Customer File Service, realized by Financial Software. */
	assert_needs(&x, "id-1399", "{1: id-1414} {1: id-1813} {1: id-1870} {1: id-1462}");
	/* Bank System is realized by the BIBIT Server device. */
	assert_needs(&x, "id-1813", "{1: id-1882}");
	/* CRM System only needs the Claim Files Service, on the Mainframe. */
	assert_needs(&x, "id-1393", "{1: id-1455}");
	assert_needs(&x, "id-1455", "{1: id-986}");
	/* A part needs its whole: Policy Data Management in Home & Away. */
	assert_needs_some(&x, "id-861", "{1: id-843}");
	/* The accessor needs the data it writes. */
	assert_needs_some(&x, "id-867", "{1: id-839}");
	assert_string_equal(prop(&x, "id-1407", "documentation"), "Customer Information Service");
	assert_string_equal(name(&x, "id-843"), "Home & Away Policy Administration");

	/* The BIBIT Server fails: the bank link, the financial application and
	 * the whole Home & Away chain up to the web portal; CRM stays up. */
	run(&x, "fail:id-1882");
	assert_true(down(&x, "id-1813"));
	assert_true(down(&x, "id-1399"));
	assert_true(down(&x, "id-843"));
	assert_true(down(&x, "id-1800"));
	assert_false(down(&x, "id-1393"));
	assert_false(down(&x, "id-1407"));
	assert_false(down(&x, "id-867"));
	assert_int_equal(count_down(&x), 11);

	/* The Mainframe fails: its technology services, CRM and CIS too. */
	run(&x, "fail:id-986");
	assert_true(down(&x, "id-1128"));
	assert_true(down(&x, "id-1455"));
	assert_true(down(&x, "id-1393"));
	assert_true(down(&x, "id-1407"));
	assert_false(down(&x, "id-867"));
	assert_int_equal(count_down(&x), 14);

	/* A Unix Server is only associated with a network: nothing needs it
	 * (its hosting is drawn, not modelled: see infer-nesting). */
	run(&x, "fail:id-1053");
	assert_int_equal(count_down(&x), 1);
	/* One of the two Firewalls realizes the Network Service. */
	run(&x, "fail:id-998");
	assert_true(down(&x, "id-1116"));
	assert_int_equal(count_down(&x), 2);
	imp_free(&x);
}

static void archisurance_infer_nesting(void **state)
{
	imp x;
	(void)state;
	assert_int_equal(imp_read(&x, SURANCE, "infer-nesting", "1", NULL), FO_OK);
	/* 66 boxes drawn in element boxes: 13 inferred, the rest skipped. */
	assert_summary(&x, SURANCE " (archimate): 364 objects: 43 nodes, 44 folded, 277 skipped "
			   "(--explain-import)\n");
	char *s = explain_text(x.m, 0);
	assert_contains(s, "  diagram nesting: 66 read; 13 folded into an inferred dependency (prop "
			   "inferred); 46 skipped: an end is not imported");
	assert_contains(s, "2 skipped: the two elements already have a relationship");
	assert_contains(s, "5 skipped: already inferred from another box (Message Queing in Mainframe, ");
	free(s);
	assert_diag(&x, SURANCE ":1177:7: warning: 13 dependencies inferred from boxes drawn inside "
			"boxes (option infer-nesting=1), each flagged with the prop 'inferred'\n");
	/* CICS, DBMS and Message Queuing are drawn inside the Mainframe. */
	assert_needs(&x, "id-1022", "{1: id-986}");
	assert_string_equal(prop(&x, "id-1022", "inferred"),
			    "needs id-986 'Mainframe': drawn inside it in the view 'Layered View'");
	assert_null(prop(&x, "id-1393", "inferred"));
	run(&x, "fail:id-986");
	assert_true(down(&x, "id-1022"));
	assert_true(down(&x, "id-1016"));
	assert_true(down(&x, "id-1010"));
	/* The two Unix Servers drawn in the Unix Server Farm: the farm takes
	 * them down (the inner box needs the outer one), and the Financial
	 * Software drawn in it. */
	run(&x, "fail:id-992");
	assert_true(down(&x, "id-1053"));
	assert_true(down(&x, "id-1059"));
	assert_true(down(&x, "id-1870"));
	run(&x, "fail:id-1053");
	assert_int_equal(count_down(&x), 1);
	imp_free(&x);

	assert_int_equal(imp_read(&x, SURANCE, "infer-nesting", "0", NULL), FO_OK);
	assert_null(prop(&x, "id-1022", "inferred"));
	assert_int_equal(fo_diag_count(x.d), 0);
	imp_free(&x);
}

/* ------------------------------------------------------------ every type 3.1 */

static void alltypes(void **state)
{
	imp x;
	(void)state;
	assert_int_equal(imp_read(&x, ALLTYPES, NULL), FO_OK);
	/* 92 elements + 42 relationships. */
	assert_summary(&x, ALLTYPES " (archimate): 134 objects: 45 nodes, 16 folded, 73 skipped "
			    "(--explain-import)\n");
	char *s = explain_text(x.m, 0);
	assert_contains(s, "  Facility: 2 read; 2 nodes (site 2)\n");
	assert_contains(s, "  Equipment: 3 read; 3 nodes (host 3)\n");
	assert_contains(s, "  Location: 1 read; 1 node (site 1)\n");
	assert_contains(s, "  Path: 1 read; 1 node (network 1)\n");
	assert_contains(s, "  Grouping: 2 read; 2 nodes (grouping 2)\n");
	assert_contains(s, "  AndJunction: 1 read; 1 skipped: not on a dependency path");
	assert_contains(s, "  OrJunction: 1 read; 1 skipped: not on a dependency path");
	assert_contains(s, "  ValueStream: 1 read; 1 skipped: strategy element");
	assert_contains(s, "  Gap: 1 read; 1 skipped: implementation and migration element");
	assert_contains(s, "1 skipped: an end is a relationship, not an element (Data Object -> "
			   "id-01d1422197eb437aaecaf47e5bfd8993)");
	assert_contains(s, "4 skipped: aggregation: the part exists without the whole (Node -> "
			   "System Software, ");
	free(s);
	/* The model's language is Portuguese, and its property definitions
	 * give the props' names. */
	const char *eq = "id-c66f4f1de7ef4b28a5aafdbd497a2aff";
	assert_string_equal(prop(&x, eq, "test"), "Test value");
	assert_string_equal(prop(&x, eq, "test 2"), "Test Value 2");
	assert_string_equal(prop(&x, eq, "documentation"), "This is a documentation test");
	/* Deployment: Node A ⊃ Device A -assigned-> artifact Deploy A -realizes->
	 * Application Component A, which serves Application Service A, which
	 * serves Application Component C. */
	run(&x, "fail:id-1f437d1baf1944b19d669b6add1bee9f");
	assert_true(down(&x, "id-1ba328082bff4d548cc9e4114790251d"));
	assert_true(down(&x, "id-328546b2f6404a6796c5b9452f929449"));
	assert_true(down(&x, "id-73731aeb1efd469bb9a46dcebd504a9c"));
	assert_true(down(&x, "id-a25d1e0809a9423182b6514ba766c934"));
	assert_false(down(&x, "id-233b7a47b95f47d281e1e8f4611f9222"));
	assert_needs(&x, "id-1f437d1baf1944b19d669b6add1bee9f", "{1: id-624d866d7cad4da8923a3c0e327e6370}");
	assert_string_equal(name(&x, "id-624d866d7cad4da8923a3c0e327e6370"), "Node A");
	imp_free(&x);
}

/* ------------------------------------------------------------ places */

static uint32_t container(const imp *x, const char *local)
{
	return fo_graph_node_container(x->g, node(x, local));
}

static void placement(void **state)
{
	imp x;
	(void)state;
	assert_int_equal(imp_read(&x, DIR "placement-3.1.xml", NULL), FO_OK);
	/* In the first place, needing the second. */
	assert_int_equal(container(&x, "n"), node(&x, "ams"));
	assert_needs(&x, "n", "{1: fra}");
	assert_int_equal(container(&x, "rack"), node(&x, "dc1"));
	assert_int_equal(container(&x, "dc1"), node(&x, "ams"));
	assert_int_equal(container(&x, "app"), node(&x, "prod"));
	assert_int_equal(container(&x, "d2"), node(&x, "fra"));
	assert_string_equal(kind(&x, "dc1"), "site");
	assert_string_equal(kind(&x, "prod"), "other");
	/* A Node aggregating a Device: no dependency; the rack hosts it. */
	assert_needs(&x, "d", "{1: rack}");
	char *s = explain_text(x.m, 0);
	assert_contains(s, "  Grouping: 1 read; 1 node (grouping 1)\n");
	assert_contains(s, "  Aggregation: 4 read; 2 folded into the placement of its target; 1 folded "
			   "into a dependency; 1 skipped: aggregation: the part exists without the whole "
			   "(stretched cluster -> blade)\n");
	assert_contains(s, "  Composition: 2 read; 2 folded into the placement of its target\n");
	free(s);
	/* Destroying Amsterdam destroys the data centre and the rack in it,
	 * and the cluster; the blade the rack hosts is down; Frankfurt failing
	 * takes the cluster down too, and the shop it realizes. */
	run(&x, "destroy:ams");
	assert_true(fo_engine_flags(x.e, node(&x, "rack")) & FO_F_DESTROYED);
	assert_true(down(&x, "d"));
	assert_false(fo_engine_flags(x.e, node(&x, "d")) & FO_F_DESTROYED);
	assert_true(fo_engine_flags(x.e, node(&x, "n")) & FO_F_DESTROYED);
	assert_true(down(&x, "app"));
	assert_false(down(&x, "d2"));
	run(&x, "fail:fra");
	assert_true(down(&x, "n"));
	assert_true(down(&x, "app"));
	assert_false(fo_engine_flags(x.e, node(&x, "n")) & FO_F_DESTROYED);
	imp_free(&x);
}

/* ------------------------------------------------------------ 2.1 */

static void v21(void **state)
{
	imp x;
	(void)state;
	assert_int_equal(imp_read(&x, DIR "small-2.1.xml", NULL), FO_OK);
	assert_summary(&x, DIR "small-2.1.xml (archimate): 19 objects: 7 nodes, 8 folded, 4 skipped "
			   "(--explain-import)\n");
	char *s = explain_text(x.m, 0);
	assert_contains(s, "  Network: 1 read; 1 node (network 1)\n");
	assert_contains(s, "  InfrastructureService: 1 read; 1 node (service 1)\n");
	assert_contains(s, "  Junction: 1 read; 1 folded into the dependencies of the elements that "
			   "need it\n");
	assert_contains(s, "  UsedByRelationship: 4 read; 1 folded into a dependency through a junction; "
			   "1 skipped: an end is not imported");
	assert_contains(s, "  RealisationRelationship: 1 read; 1 folded into a dependency\n");
	assert_contains(s, "  SpecialisationRelationship: 1 read; 1 skipped: specialization");
	assert_contains(s, "  AssignmentRelationship: 1 read; 1 folded into the placement of its target\n");
	free(s);
	assert_string_equal(name(&x, "srv"), "Server");
	assert_string_equal(kind(&x, "dc"), "site");
	assert_string_equal(prop(&x, "srv", "Operating system"), "Linux");
	/* 2.1 placed things in a Location by assignment. */
	assert_int_equal(fo_graph_node_container(x.g, node(&x, "srv")), node(&x, "dc"));
	assert_needs(&x, "db", "{1: srv}");
	assert_needs(&x, "isvc", "{1: db}");
	/* A 2.1 Junction is an And junction: Billing needs the service and
	 * the LAN. */
	assert_needs(&x, "app", "{1: isvc} {1: lan} {1: data}");
	run(&x, "fail:lan");
	assert_true(down(&x, "app"));
	run(&x, "destroy:dc");
	assert_true(down(&x, "app"));
	assert_int_equal(count_down(&x), 5); /* all but the LAN and the data */
	imp_free(&x);

	assert_int_equal(imp_read(&x, DIR "small-2.1.xml", "infer-nesting", "1", NULL), FO_OK);
	assert_needs(&x, "data", "{1: srv}");
	assert_string_equal(prop(&x, "data", "inferred"),
			    "needs srv 'Server': drawn inside it in the view 'Deployment'");
	imp_free(&x);
}

/* ------------------------------------------------------------ encodings */

static void windows_1252(void **state)
{
	imp x;
	(void)state;
	assert_int_equal(imp_read(&x, DIR "windows-1252.xml", NULL), FO_OK);
	/* e9, 80, 96: é, €, – in UTF-8. */
	assert_string_equal(name(&x, "EAID_host"), "Serveur caf\xc3\xa9 \xe2\x82\xac \xe2\x80\x93 1");
	assert_needs(&x, "EAID_app", "{1: EAID_host}");
	imp_free(&x);

	/* Columns count characters of the declared encoding. */
	assert_int_equal(imp_read(&x, DIR "windows-1252-error.xml", NULL), FO_EINPUT);
	assert_diag(&x, DIR "windows-1252-error.xml:5:43: error: unknown element type 'Serveur'\n");
	imp_free(&x);
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void refused_encodings(void **state)
{
	imp x;
	char path[] = "/tmp/fallout-test-archimate-XXXXXX";
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	close(fd);

	assert_int_equal(imp_read(&x, DIR "shift-jis.xml", NULL), FO_EINPUT);
	assert_diag(&x, DIR "shift-jis.xml:1:31: error: unsupported encoding 'Shift_JIS': fallout reads "
			"ArchiMate files in UTF-8, US-ASCII, windows-1252, ISO-8859-1 or ISO-8859-15\n");
	imp_free(&x);

	/* UTF-16LE with a byte order mark. */
	const char *ascii = "<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" identifier=\"m\"/>";
	unsigned char u16[512] = { 0xFF, 0xFE };
	size_t n = 2;
	for (const char *p = ascii; *p; p++) {
		u16[n++] = (unsigned char)*p;
		u16[n++] = 0;
	}
	write_file(path, u16, n);
	assert_int_equal(imp_read(&x, path, NULL), FO_EINPUT);
	char *s = diag_text(x.d);
	assert_contains(s, ":1:1: error: UTF-16 or UTF-32 text: fallout reads ArchiMate files in UTF-8");
	free(s);
	imp_free(&x);

	/* Bytes windows-1252 leaves undefined: located (iconv would not say where). */
	const char *undef = "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<model xmlns="
			    "\"http://www.opengroup.org/xsd/archimate/3.0/\" identifier=\"m\">"
			    "<name>\x8d\x81</name></model>";
	write_file(path, undef, strlen(undef));
	assert_int_equal(imp_read(&x, path, NULL), FO_EINPUT);
	s = diag_text(x.d);
	assert_contains(s, ":2:81: error: byte 0x8D is no windows-1252 character (the file says it is "
			   "windows-1252)\n");
	assert_contains(s, ":2:82: error: byte 0x81 is no windows-1252 character");
	free(s);
	imp_free(&x);

	/* Declared UTF-8 (or nothing), bytes of windows-1252. */
	const char *latin = "<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" "
			    "identifier=\"m\"><name>caf\xe9</name></model>";
	write_file(path, latin, strlen(latin));
	assert_int_equal(imp_read(&x, path, NULL), FO_EINPUT);
	s = diag_text(x.d);
	assert_contains(s, "error: invalid UTF-8");
	free(s);
	imp_free(&x);
	unlink(path);
}

/* ------------------------------------------------------------ junctions */

static void junctions(void **state)
{
	imp x;
	(void)state;
	assert_int_equal(imp_read(&x, DIR "junctions-3.1.xml", NULL), FO_OK);
	assert_summary(&x, DIR "junctions-3.1.xml (archimate): 47 objects: 14 nodes, 31 folded, "
			   "2 skipped (--explain-import)\n");
	char *s = explain_text(x.m, 0);
	assert_contains(s, "  AndJunction: 3 read; 1 node (junction 1); 2 folded into the dependencies "
			   "of the elements that need it\n");
	assert_contains(s, "  OrJunction: 7 read; 6 folded into 1-of-n groups of the elements that need "
			   "it; 1 skipped: not on a dependency path (idle)\n");
	free(s);
	/* Or: one of the two services; And: both hosts of each. */
	assert_needs(&x, "app", "{1: s1 s2}");
	assert_needs(&x, "s1", "{1: h1} {1: h2}");
	/* An Or of an Or is one group. */
	assert_needs(&x, "chain", "{1: a b c}");
	/* An And inside an Or becomes a node needing both. */
	assert_needs(&x, "mixed", "{1: a andM}");
	assert_string_equal(kind(&x, "andM"), "other");
	assert_needs(&x, "andM", "{1: b} {1: c}");
	/* Two Or junctions feeding each other: resolved once. */
	assert_needs(&x, "loop", "{1: a}");

	run(&x, "fail:h1");
	assert_true(down(&x, "s1"));
	assert_false(down(&x, "app"));
	assert_true(fo_engine_flags(x.e, node(&x, "app")) & FO_F_AT_RISK);
	run(&x, "fail:h1 fail:h3");
	assert_true(down(&x, "app"));
	run(&x, "fail:b");
	assert_true(down(&x, "andM"));
	assert_false(down(&x, "mixed"));
	run(&x, "fail:a fail:c");
	assert_true(down(&x, "mixed"));
	assert_false(down(&x, "chain"));
	imp_free(&x);
}

/* A chain of Or junctions deeper than the limit is refused, located. */
static void junction_limit(void **state)
{
	imp x;
	char path[] = "/tmp/fallout-test-archimate-XXXXXX";
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	assert_non_null(fp);
	fprintf(fp, "<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" "
		    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" identifier=\"m\">\n"
		    "<elements>\n<element identifier=\"app\" xsi:type=\"ApplicationComponent\"/>\n"
		    "<element identifier=\"h\" xsi:type=\"Node\"/>\n");
	for (int i = 0; i < 1100; i++)
		fprintf(fp, "<element identifier=\"j%d\" xsi:type=\"OrJunction\"/>\n", i);
	fprintf(fp, "</elements>\n<relationships>\n"
		    "<relationship identifier=\"r\" source=\"j0\" target=\"app\" xsi:type=\"Serving\"/>\n");
	for (int i = 1; i < 1100; i++)
		fprintf(fp, "<relationship identifier=\"r%d\" source=\"j%d\" target=\"j%d\" "
			    "xsi:type=\"Serving\"/>\n", i, i, i - 1);
	fprintf(fp, "<relationship identifier=\"rh\" source=\"h\" target=\"j1099\" "
		    "xsi:type=\"Serving\"/>\n</relationships>\n</model>\n");
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(imp_read(&x, path, NULL), FO_ELIMIT);
	char *s = diag_text(x.d);
	assert_contains(s, ":1107:1: error: junctions chained more than 1000 deep (fallout's limit)\n");
	free(s);
	assert_int_equal(fo_model_node_count(x.m), 0); /* refused before anything was added */
	imp_free(&x);
	unlink(path);
}

/* ------------------------------------------------------------ languages */

static void languages(void **state)
{
	imp x;
	(void)state;
	/* Default: the language of the model's first name (French). */
	assert_int_equal(imp_read(&x, DIR "languages-3.1.xml", NULL), FO_OK);
	assert_string_equal(name(&x, "srv"), "Serveur");
	assert_string_equal(name(&x, "app"), "Paie");   /* fr-CA for fr */
	assert_string_equal(name(&x, "blank"), "Spare"); /* a blank name is none */
	assert_string_equal(name(&x, "anon"), "(none)");
	assert_string_equal(name(&x, "q"), "Baie \"A\" \\ <b> \xe6\x9c\xba\xe6\x9f\x9c");
	assert_string_equal(prop(&x, "srv", "salle"), "Salle 1");
	assert_string_equal(prop(&x, "srv", "documentation"), "The only one");
	assert_string_equal(kind(&x, "q"), "host");
	imp_free(&x);

	assert_int_equal(imp_read(&x, DIR "languages-3.1.xml", "lang", "en", NULL), FO_OK);
	assert_string_equal(name(&x, "srv"), "Server");
	assert_string_equal(name(&x, "app"), "Payroll"); /* en-GB for en */
	assert_string_equal(prop(&x, "srv", "room"), "Room 1");
	imp_free(&x);

	/* A language nobody wrote: the first name. */
	assert_int_equal(imp_read(&x, DIR "languages-3.1.xml", "lang", "de", NULL), FO_OK);
	assert_string_equal(name(&x, "srv"), "Server");
	imp_free(&x);

	assert_int_equal(imp_read(&x, DIR "languages-3.1.xml", "infer-nesting", "yes", NULL), FO_EINPUT);
	assert_diag(&x, DIR "languages-3.1.xml: error: option infer-nesting: 'yes' is neither 1 nor 0\n");
	assert_int_equal(fo_model_node_count(x.m), 0);
	imp_free(&x);
}

/* ------------------------------------------------------------ errors */

static void errors_all_in_one_run(void **state)
{
	imp x;
	(void)state;
	assert_int_equal(imp_read(&x, DIR "errors-3.1.xml", NULL), FO_EINPUT);
	assert_diag(&x,
		    DIR "errors-3.1.xml:8:39: error: unknown element type 'Server'\n"
		    DIR "errors-3.1.xml:9:26: error: duplicate identifier 'a': first defined at line 7, column 5\n"
		    DIR "errors-3.1.xml:10:5: error: <element> without identifier\n"
		    DIR "errors-3.1.xml:11:5: error: <element> without xsi:type\n"
		    DIR "errors-3.1.xml:12:39: error: unknown element type 'Network' (an ArchiMate 2.1 type; this file is 3.x)\n"
		    DIR "errors-3.1.xml:15:42: error: property of 'e': no property definition 'nope'\n"
		    DIR "errors-3.1.xml:20:54: error: relationship 'r1': target 'ghost' is no element or relationship of the file\n"
		    DIR "errors-3.1.xml:21:43: error: relationship 'r2': source 'phantom' is no element or relationship of the file\n"
		    DIR "errors-3.1.xml:22:67: error: unknown relationship type 'Uses'\n"
		    DIR "errors-3.1.xml:23:67: error: unknown relationship type 'UsedByRelationship' (an ArchiMate 2.1 type; this file is 3.x)\n"
		    DIR "errors-3.1.xml:24:31: error: duplicate identifier 'b': first defined at line 8, column 5\n"
		    DIR "errors-3.1.xml:29:43: error: view box: elementRef 'missing' is no element of the file\n");
	/* Nothing was added to the model. */
	assert_int_equal(fo_model_node_count(x.m), 0);
	assert_int_equal(fo_model_group_count(x.m), 0);
	/* Stable codes. */
	assert_string_equal(code_at(x.d, 8), "unknown-type");
	assert_string_equal(code_at(x.d, 9), "duplicate-id");
	assert_string_equal(code_at(x.d, 10), "missing-attribute");
	assert_string_equal(code_at(x.d, 15), "unknown-reference");
	assert_string_equal(code_at(x.d, 20), "unknown-reference");
	imp_free(&x);
}

static void error_paths(void **state)
{
	imp x;
	(void)state;
	assert_int_equal(imp_read(&x, DIR "bad-namespace.xml", NULL), FO_EINPUT);
	assert_diag(&x, DIR "bad-namespace.xml:3:1: error: not an ArchiMate exchange file: the root element "
			"is <model> in the namespace 'http://www.opengroup.org/xsd/archimate/3.1/'; expected "
			"<model> in the namespace http://www.opengroup.org/xsd/archimate/3.0/ (3.0, 3.1) or "
			"http://www.opengroup.org/xsd/archimate (2.1)\n");
	assert_string_equal(fo_diag_get(x.d, 0)->code, "not-archimate");
	imp_free(&x);

	assert_int_equal(imp_read(&x, "samples/quickstart.xml", NULL), FO_EINPUT);
	char *s = diag_text(x.d);
	assert_contains(s, "error: not an ArchiMate exchange file: the root element is <inventory> in no "
			   "namespace");
	free(s);
	imp_free(&x);

	/* A DOCTYPE is refused before libxml2 reads it: no entity is expanded
	 * and nothing is loaded. */
	assert_int_equal(imp_read(&x, DIR "doctype.xml", NULL), FO_EINPUT);
	assert_diag(&x, DIR "doctype.xml:2:1: error: DOCTYPE is not allowed: ArchiMate exchange files "
			"take no DTD\n");
	assert_string_equal(fo_diag_get(x.d, 0)->code, "doctype");
	imp_free(&x);

	assert_int_equal(imp_read(&x, DIR "truncated.xml", NULL), FO_EINPUT);
	assert_diag(&x, DIR "truncated.xml:30:11: error: unexpected end of file in a start tag: "
			"<elements> from line 23 is not closed\n");
	imp_free(&x);

	assert_int_equal(imp_read(&x, DIR "no-such-file.xml", NULL), FO_EIO);
	s = diag_text(x.d);
	assert_contains(s, "no-such-file.xml: error: cannot open: No such file or directory");
	free(s);
	imp_free(&x);
}

static void hostile_generated(void **state)
{
	imp x;
	char path[] = "/tmp/fallout-test-archimate-XXXXXX";
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	close(fd);

	write_file(path, "", 0);
	assert_int_equal(imp_read(&x, path, NULL), FO_EINPUT);
	char *s = diag_text(x.d);
	assert_contains(s, ":1:1: error: empty document: an ArchiMate exchange file has a <model> root element\n");
	free(s);
	imp_free(&x);

	/* Nesting deeper than the parser's limit: refused by the pre-scanner. */
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" identifier=\"m\">");
	for (int i = 0; i < 300; i++)
		fputs("<a>", fp);
	fclose(fp);
	assert_int_equal(imp_read(&x, path, NULL), FO_ELIMIT);
	s = diag_text(x.d);
	assert_contains(s, "error: elements nested more than 256 deep (the XML parser's limit)\n");
	free(s);
	imp_free(&x);

	/* Undeclared entity: a located XML error, nothing expanded. */
	const char *ent = "<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" identifier=\"m\">\n"
			  "<name>&xxe;</name></model>\n";
	write_file(path, ent, strlen(ent));
	assert_int_equal(imp_read(&x, path, NULL), FO_EINPUT);
	s = diag_text(x.d);
	assert_contains(s, ":2:");
	assert_contains(s, "Entity 'xxe' not defined");
	free(s);
	imp_free(&x);

	/* A prefixed root and hostile identifiers and names. */
	const char *pre =
		"<?xml version=\"1.0\"?>\n<a:model xmlns:a=\"http://www.opengroup.org/xsd/archimate/3.0/\" "
		"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" identifier=\"m\">\n"
		"<a:elements><a:element identifier=\"x&quot;&lt;&#10;\\\" xsi:type=\"a:Node\">"
		"<a:name>\xe6\x9c\xba&#10;\"</a:name></a:element></a:elements></a:model>\n";
	write_file(path, pre, strlen(pre));
	assert_int_equal(imp_read(&x, path, NULL), FO_OK);
	assert_string_equal(name(&x, "x\"<\n\\"), "\xe6\x9c\xba\n\"");
	imp_free(&x);
	unlink(path);
}

/* ------------------------------------------------------------ sniff */

static void sniff(void **state)
{
	char buf[65536];
	(void)state;
	const char *files[] = { SURANCE, ALLTYPES, DIR "small-2.1.xml", DIR "windows-1252.xml" };
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		FILE *fp = fopen(files[i], "rb");
		assert_non_null(fp);
		size_t n = fread(buf, 1, sizeof buf, fp);
		fclose(fp);
		assert_int_equal(fo_archimate_sniff(buf, n), 1);
		/* Cut before the namespace is known: not sure. */
		assert_int_equal(fo_archimate_sniff(buf, 60), 0);
	}
	const char *yes[] = {
		"<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\">",
		"\xef\xbb\xbf<!-- c --><?pi x?>\n <model identifier='m' xmlns='http://www.opengroup.org/xsd/archimate'>",
		"<a:model xmlns:b=\"x\" xmlns:a=\"http://www.opengroup.org/xsd/archimate/3.0/\">",
	};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		assert_int_equal(fo_archimate_sniff(yes[i], strlen(yes[i])), 1);
	const char *no[] = {
		"",
		"<inventory>",
		"<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.1/\">",
		"<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/",
		"<model xmlns:a=\"http://www.opengroup.org/xsd/archimate/3.0/\">",
		"<a:model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\">",
		"<models xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\">",
		"<!DOCTYPE model><model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\">",
		"<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">",
		"{\"kind\": \"List\"}",
	};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		assert_int_equal(fo_archimate_sniff(no[i], strlen(no[i])), 0);
	assert_int_equal(fo_archimate_sniff(NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(archisurance_counts),
		cmocka_unit_test(archisurance_facts),
		cmocka_unit_test(archisurance_infer_nesting),
		cmocka_unit_test(alltypes),
		cmocka_unit_test(placement),
		cmocka_unit_test(v21),
		cmocka_unit_test(windows_1252),
		cmocka_unit_test(refused_encodings),
		cmocka_unit_test(junctions),
		cmocka_unit_test(junction_limit),
		cmocka_unit_test(languages),
		cmocka_unit_test(errors_all_in_one_run),
		cmocka_unit_test(error_paths),
		cmocka_unit_test(hostile_generated),
		cmocka_unit_test(sniff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
