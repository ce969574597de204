/*
 * test_cmdb.c — the CMDB CSV reader (importers/fo_cmdb.h): a small estate
 * exported as ServiceNow's cmdb_ci and cmdb_rel_ci lists
 * (tests/importers/cmdb/, two data centers, ESX hosts in a 3-member
 * cluster, VMs, a web tier of two, a database, apps) with the facts a user
 * checks by hand through the engine; each relationship type's direction;
 * every error path located FILE:LINE:COL (lines counted through quoted
 * newlines); encodings; limits; the sniffer.
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
#include "importers/fo_cmdb.h"
#include "importers/fo_model.h"
#include "analyzer/fo_engine.h"

#define CI "tests/importers/cmdb/estate-cmdb_ci.csv"
#define REL "tests/importers/cmdb/estate-cmdb_rel_ci.csv"

/* ------------------------------------------------------------ helpers */

static char tmpdir[64];

static int setup_tmp(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/fo-test-cmdb-XXXXXX");
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
	static char path[4][512];
	static int turn;
	char *p = path[turn++ % 4];
	snprintf(p, 512, "%s/%s", tmpdir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return p;
}

typedef struct rd {
	fo_diag *d;
	fo_model *m;
	fo_graph *g;
	int err, built;
	char *text;
	char *explain;
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

/* Reads each path (names[i] in diagnostics) as a source of prefix "cmdb"
 * with the options "key=value" (NULL-ended, for every source); stops at
 * the first failing read; builds when all succeed. */
static void read_files(rd *r, const char *const *paths, const char *const *names,
		       const char *const *opts)
{
	memset(r, 0, sizeof *r);
	assert_int_equal(fo_diag_new(&r->d, 0), FO_OK);
	assert_int_equal(fo_model_new(&r->m, r->d), FO_OK);
	for (size_t f = 0; paths[f]; f++) {
		assert_int_equal(fo_model_source_begin(r->m, names[f], "cmdb", NULL, 0, NULL), FO_OK);
		for (size_t i = 0; opts && opts[i]; i++) {
			char k[128];
			const char *eq = strchr(opts[i], '=');
			assert_non_null(eq);
			snprintf(k, sizeof k, "%.*s", (int)(eq - opts[i]), opts[i]);
			assert_int_equal(fo_model_set_option(r->m, k, eq + 1), FO_OK);
		}
		if ((r->err = fo_cmdb_read(r->m, paths[f])) != FO_OK)
			break;
	}
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

static void read_estate(rd *r, const char *const *opts)
{
	static const char *const paths[] = { CI, REL, NULL };
	static const char *const names[] = { "cmdb_ci.csv", "cmdb_rel_ci.csv", NULL };
	read_files(r, paths, names, opts);
}

/* One CI table and one relationship table written inline. */
static void read_two(rd *r, const char *ci, const char *rel, const char *const *opts)
{
	const char *paths[3] = { write_tmp("ci.csv", ci, strlen(ci)), NULL, NULL };
	static const char *const names[] = { "ci.csv", "rel.csv", NULL };
	if (rel)
		paths[1] = write_tmp("rel.csv", rel, strlen(rel));
	read_files(r, paths, names, opts);
}

static void read_one(rd *r, const char *text, size_t len, const char *const *opts)
{
	const char *paths[2] = { write_tmp("t.csv", text, len), NULL };
	static const char *const names[] = { "t.csv", NULL };
	read_files(r, paths, names, opts);
}

static void rd_free(rd *r)
{
	fo_graph_free(r->g);
	fo_model_free(r->m);
	fo_diag_free(r->d);
	free(r->text);
	free(r->explain);
}

/* The node named `name` (the first; aborts the test when none). */
static uint32_t named(const fo_graph *g, const char *name)
{
	for (uint32_t v = 0; v < fo_graph_node_count(g); v++)
		if (fo_graph_node_name(g, v) && !strcmp(fo_graph_node_name(g, v), name))
			return v;
	fail_msg("no node named '%s'", name);
	return FO_NONE;
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

/* The groups of node v: "type k/n: NAME NAME | ..." (names, else ids). */
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
			fprintf(fp, " %s", fo_graph_node_label(g, gi.members[j]));
	}
	fclose(fp);
	return buf;
}

/* Names of the nodes down after failing (and destroying) the named nodes
 * "fail:NAME" / "destroy:NAME" separated by '|', document order, '|'. */
static char *down_after(const fo_graph *g, const char *scenario)
{
	uint32_t fail[8], destroy[8];
	size_t nf = 0, nd = 0;
	char *copy = strdup(scenario), *save = NULL;
	assert_non_null(copy);
	for (char *t = strtok_r(copy, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		if (!strncmp(t, "fail:", 5))
			fail[nf++] = named(g, t + 5);
		else if (!strncmp(t, "destroy:", 8))
			destroy[nd++] = named(g, t + 8);
		else
			fail_msg("bad scenario word '%s'", t);
	}
	free(copy);
	fo_engine *e = NULL;
	fo_scenario sc = { fail, nf, destroy, nd };
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	int first = 1;
	for (uint32_t v = 0; v < fo_graph_node_count(g); v++)
		if (fo_engine_flags(e, v) & FO_F_DOWN) {
			fprintf(fp, "%s%s", first ? "" : "|", fo_graph_node_label(g, v));
			first = 0;
		}
	fclose(fp);
	fo_engine_free(e);
	return buf;
}

#define ASSERT_GROUPS(g, name, want)                       \
	do {                                               \
		char *s_ = groups_of((g), named((g), (name))); \
		assert_string_equal(s_, (want));           \
		free(s_);                                  \
	} while (0)

#define ASSERT_DOWN(g, scenario, want)                \
	do {                                          \
		char *s_ = down_after((g), (scenario)); \
		assert_string_equal(s_, (want));      \
		free(s_);                             \
	} while (0)

/* ------------------------------------------------------------ the estate */

/* What was read, each CI's fields, and the summary accounting for every
 * row of both tables. */
static void estate_read(void **state)
{
	rd r;
	(void)state;
	read_estate(&r, NULL);
	assert_int_equal(r.err, FO_OK);
	assert_int_equal(r.built, FO_OK);
	assert_string_equal(r.text, "");
	const fo_graph *g = r.g;
	assert_int_equal(fo_graph_node_count(g), 21);
	uint32_t fra = named(g, "FRA1 Data Center");
	assert_string_equal(fo_graph_node_id(g, fra), "cmdb:293ab58dff6acb22424905bae65f49ff");
	assert_string_equal(fo_graph_node_kind_word(g, fra), "site");
	assert_string_equal(prop(g, fra, "location"), "Frankfurt am Main – Hanauer Landstraße");
	assert_string_equal(prop(g, fra, "install_status"), "Installed");
	assert_null(prop(g, fra, "u_rack")); /* empty: no prop */
	uint32_t esx = named(g, "esx-fra-01");
	assert_string_equal(fo_graph_node_kind_word(g, esx), "host");
	assert_string_equal(prop(g, esx, "u_rack"), "Rack F12\nU 10-11");
	assert_int_equal(fo_graph_node_container(g, esx), fra);
	uint32_t shop = named(g, "Online Shop");
	assert_string_equal(fo_graph_node_kind_word(g, shop), "app");
	assert_string_equal(fo_graph_node_tenant(g, shop), "Acme Retail, Inc.");
	assert_int_equal(fo_graph_node_tier(g, shop), 1);
	uint32_t pay = named(g, "Payments API \"v2\"");
	assert_string_equal(fo_graph_node_kind_word(g, pay), "app");
	assert_int_equal(fo_graph_node_tier(g, pay), 2);
	assert_string_equal(fo_graph_node_kind_word(g, named(g, "shop-tomcat-1")), "service");
	assert_string_equal(fo_graph_node_kind_word(g, named(g, "orders-db")), "db");
	assert_string_equal(fo_graph_node_kind_word(g, named(g, "shop-lb")), "lb");
	assert_string_equal(fo_graph_node_kind_word(g, named(g, "vm-db-01")), "vm");
	assert_string_equal(fo_graph_node_kind_word(g, named(g, "san-fra-01")), "storage");
	assert_string_equal(fo_graph_node_kind_word(g, named(g, "sw-fra-core")), "network");
	assert_string_equal(fo_graph_node_kind_word(g, named(g, "FRA vSphere Cluster")), "cluster");
	assert_non_null(strstr(r.explain, "cmdb_ci.csv (cmdb, ids cmdb:…): 21 objects read, 21 nodes, 0 folded, 0 skipped\n"));
	assert_non_null(strstr(r.explain, "  cmdb_ci_esx_server: 4 read; 4 nodes (host 4)\n"));
	assert_non_null(strstr(r.explain, "cmdb_rel_ci.csv (cmdb, ids cmdb:…): 31 objects read, 0 nodes, 26 folded, 5 skipped\n"));
	assert_non_null(strstr(r.explain,
		"  cmdb_rel_ci: 31 read; 8 folded into containment; 13 folded into a dependency; "
		"4 skipped: relationship type with no failure semantics (esx-fra-01 -> sw-fra-core, "
		"esx-fra-02 -> sw-fra-core, esx-fra-03 -> sw-fra-core, …); 1 skipped: unknown "
		"relationship type (say what it means: option relation:TYPE) (orders-db -> "
		"nightly-batch); 5 folded into a cluster's K-of-n group\n"));
	rd_free(&r);
}

/* Each relationship type's direction (docs/importers/cmdb.md). */
static void estate_directions(void **state)
{
	rd r;
	(void)state;
	read_estate(&r, NULL);
	assert_int_equal(r.built, FO_OK);
	const fo_graph *g = r.g;
	/* Members: the cluster needs 1 (cluster-k's default) of its members. */
	ASSERT_GROUPS(g, "FRA vSphere Cluster", "requires 1/3: esx-fra-01 esx-fra-02 esx-fra-03");
	ASSERT_GROUPS(g, "Shop web tier", "requires 1/2: shop-tomcat-1 shop-tomcat-2");
	/* Runs on, Hosted on, Depends on, Uses: the parent needs the child. */
	ASSERT_GROUPS(g, "vm-web-01", "requires 1/1: FRA vSphere Cluster");
	ASSERT_GROUPS(g, "nightly-batch", "requires 1/1: lnx-ams-batch");
	ASSERT_GROUPS(g, "Online Shop", "requires 1/1: shop-lb | requires 1/1: orders-db");
	ASSERT_GROUPS(g, "Payments API \"v2\"", "requires 1/1: orders-db | requires 1/1: nightly-batch");
	/* Provides storage for: the child (the VM) needs the parent. */
	ASSERT_GROUPS(g, "vm-db-01", "requires 1/1: FRA vSphere Cluster | requires 1/1: san-fra-01");
	/* Contains: the child is located in the parent. */
	ASSERT_GROUPS(g, "shop-lb", "located 1/1: FRA1 Data Center | requires 1/1: Shop web tier");
	/* Connects to, Managed by: nothing. */
	ASSERT_GROUPS(g, "sw-fra-core", "located 1/1: FRA1 Data Center");
	ASSERT_GROUPS(g, "esx-fra-01", "located 1/1: FRA1 Data Center");
	rd_free(&r);
}

/* What fails, by the engine. */
static void estate_impact(void **state)
{
	static const char *const k2[] = { "cluster-k=2", NULL };
	rd r;
	(void)state;
	read_estate(&r, NULL);
	assert_int_equal(r.built, FO_OK);
	const fo_graph *g = r.g;
	/* Two of three ESX hosts: the cluster holds. */
	ASSERT_DOWN(g, "fail:esx-fra-01|fail:esx-fra-02", "esx-fra-01|esx-fra-02");
	/* All three: the cluster, its VMs, what runs on them, both apps. */
	ASSERT_DOWN(g, "fail:esx-fra-01|fail:esx-fra-02|fail:esx-fra-03",
		    "esx-fra-01|esx-fra-02|esx-fra-03|FRA vSphere Cluster|vm-web-01|vm-db-01|"
		    "shop-tomcat-1|orders-db|Online Shop|Payments API \"v2\"");
	/* The Amsterdam host: one web server of two; the shop stays up. */
	ASSERT_DOWN(g, "fail:esx-ams-01", "esx-ams-01|vm-web-02|shop-tomcat-2");
	/* The batch host: the batch job and the API that uses it. */
	ASSERT_DOWN(g, "fail:lnx-ams-batch", "lnx-ams-batch|nightly-batch|Payments API \"v2\"");
	/* The storage array: the database VM and everything on it. */
	ASSERT_DOWN(g, "fail:san-fra-01", "san-fra-01|vm-db-01|orders-db|Online Shop|Payments API \"v2\"");
	/* Losing Frankfurt: everything there and what needs it; the web tier
	 * keeps its Amsterdam server, but the load balancer was in Frankfurt. */
	ASSERT_DOWN(g, "destroy:FRA1 Data Center",
		    "FRA1 Data Center|esx-fra-01|esx-fra-02|esx-fra-03|FRA vSphere Cluster|san-fra-01|"
		    "sw-fra-core|vm-web-01|vm-db-01|shop-tomcat-1|shop-lb|orders-db|"
		    "Online Shop|Payments API \"v2\"");
	rd_free(&r);
	/* cluster-k=2, for every cluster: two hosts down take the vSphere
	 * cluster down, and the web tier now needs both its servers. */
	read_estate(&r, k2);
	assert_int_equal(r.built, FO_OK);
	ASSERT_GROUPS(r.g, "FRA vSphere Cluster", "requires 2/3: esx-fra-01 esx-fra-02 esx-fra-03");
	ASSERT_DOWN(r.g, "fail:esx-fra-01|fail:esx-fra-02",
		    "esx-fra-01|esx-fra-02|FRA vSphere Cluster|vm-web-01|vm-db-01|"
		    "shop-tomcat-1|Shop web tier|shop-lb|orders-db|Online Shop|Payments API \"v2\"");
	rd_free(&r);
}

/* ------------------------------------------------------------ rules */

#define CI_HEAD "sys_id,name,sys_class_name\n"

/* relation:TYPE says what a type means (or overrides a built-in one); a
 * second Contains keeps its meaning as a dependency; a self-relationship
 * and a row without a child are skipped; sys_id columns of the
 * relationship table are preferred to names. */
static void relation_options(void **state)
{
	static const char ci[] = CI_HEAD
		"1,a,cmdb_ci_linux_server\n2,b,cmdb_ci_ip_switch\n3,c,cmdb_ci_datacenter\n4,d,cmdb_ci_datacenter\n";
	static const char rel[] = "parent,type,child,parent.sys_id,child.sys_id\n"
		"a,Connects to::Connected by,b,,\n"
		"x,Depends on::Used by,y,2,1\n"
		"c,Contains::Contained by,a,,\n"
		"d,Contains::Contained by,a,,\n"
		"a,Runs on::Runs,a,,\n"
		"a,Runs on::Runs,,,\n"
		"b,Managed by::Manages,a,,\n";
	static const char *const opts[] = { "relation:connects to::connected by=parent-degrades",
					    "relation:managed by::manages=skip", NULL };
	rd r;
	(void)state;
	read_two(&r, ci, rel, opts);
	assert_int_equal(r.built, FO_OK);
	ASSERT_GROUPS(r.g, "a", "located 1/1: c | degrades 1/1: b | requires 1/1: d");
	ASSERT_GROUPS(r.g, "b", "requires 1/1: a");
	assert_string_equal(r.text,
		"rel.csv:5:3: warning: '1' is contained by a CI already: it needs '4' as a dependency, not as its container\n"
		"rel.csv:7:17: warning: relationship without a child: skipped\n");
	assert_non_null(strstr(r.explain, "skipped: self-relationship (a -> a)"));
	assert_non_null(strstr(r.explain, "skipped: relationship type skipped by option (b -> a)"));
	rd_free(&r);
	/* A bad value: an error at the type's cell. */
	static const char *const bad[] = { "relation:runs on::runs=sideways", NULL };
	read_two(&r, ci, "parent,type,child\na,Runs on::Runs,b\n", bad);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "rel.csv:2:3: error: option relation:runs on::runs='sideways': parent-needs-child, "
				    "child-needs-parent, parent-degrades, child-degrades, contains, members or skip\n");
	rd_free(&r);
}

/* Virtualized by, and a display-value export of classes (labels, not
 * table names): kinds from the labels. */
static void virtualized_and_labels(void **state)
{
	rd r;
	(void)state;
	read_two(&r, "sys_id,name,class\nv1,vm-1,VMware Virtual Machine Instance\nh1,esx-1,ESX Server\n"
		     "a1,shop,Business Application\nd1,db-1,MSSQL Server\n",
		 "parent,type,child\nvm-1,Virtualized by::Virtualizes,esx-1\nshop,Depends on::Used by,db-1\n", NULL);
	assert_int_equal(r.built, FO_OK);
	assert_string_equal(r.text, "");
	assert_string_equal(fo_graph_node_kind_word(r.g, named(r.g, "vm-1")), "vm");
	assert_string_equal(fo_graph_node_kind_word(r.g, named(r.g, "esx-1")), "host");
	assert_string_equal(fo_graph_node_kind_word(r.g, named(r.g, "shop")), "app");
	assert_string_equal(fo_graph_node_kind_word(r.g, named(r.g, "db-1")), "db");
	ASSERT_GROUPS(r.g, "vm-1", "requires 1/1: esx-1");
	ASSERT_DOWN(r.g, "fail:esx-1", "vm-1|esx-1");
	rd_free(&r);
}

/* Without a sys_id column names are ids: a repeated name is a located
 * warning and its second CI is skipped. With sys_ids, a relationship that
 * names two CIs of the same name is a located warning and skipped. */
static void names(void **state)
{
	rd r;
	(void)state;
	read_two(&r, "name,class\nweb,Linux Server\ndb,MySQL Instance\nweb,Windows Server\n",
		 "parent,type,child\ndb,Runs on::Runs,web\n", NULL);
	assert_int_equal(r.built, FO_OK);
	assert_string_equal(r.text, "ci.csv:4:1: warning: a CI named 'web' is at line 2 already: without a sys_id column names identify CIs, so this one is skipped\n");
	assert_int_equal(fo_graph_node_count(r.g), 2);
	assert_string_equal(fo_graph_node_id(r.g, 0), "cmdb:web");
	assert_string_equal(fo_graph_node_kind_word(r.g, 0), "host");
	assert_string_equal(fo_graph_node_kind_word(r.g, 1), "db");
	ASSERT_GROUPS(r.g, "db", "requires 1/1: web");
	rd_free(&r);

	read_two(&r, CI_HEAD "s1,web,cmdb_ci_linux_server\ns2,web,cmdb_ci_linux_server\ns3,db,cmdb_ci_db_instance\n",
		 "parent,type,child\ndb,Runs on::Runs,web\ndb,Depends on::Used by,s1\n", NULL);
	assert_int_equal(r.built, FO_OK);
	assert_string_equal(r.text, "rel.csv:2:18: warning: child 'web' names 2 CIs (lines 2 and 3 of their table): the relationship is skipped; export the sys_id columns\n");
	ASSERT_GROUPS(r.g, "db", "requires 1/1: web");
	assert_string_equal(fo_graph_node_id(r.g, 0), "cmdb:s1");
	rd_free(&r);
}

/* A relationship to a CI no table defines: the model's located warning; from
 * one: said here. Members of an unknown cluster likewise. */
static void dangling(void **state)
{
	rd r;
	(void)state;
	read_two(&r, CI_HEAD "1,a,cmdb_ci_linux_server\n",
		 "parent,type,child\na,Runs on::Runs,ghost\nnobody,Runs on::Runs,a\nclu,Members::Member of,a\n", NULL);
	assert_int_equal(r.built, FO_OK);
	assert_string_equal(r.text,
		"rel.csv:2:17: warning: 'cmdb:1' needs 'cmdb:ghost', which no input defines: dropped\n"
		"rel.csv:3:1: warning: 'nobody' is no CI of the CI table read before: the relationship is skipped\n"
		"rel.csv:4:24: warning: cluster 'clu' is no CI of the CI table read before: its Members rows are skipped\n");
	rd_free(&r);
}

/* ------------------------------------------------------------ errors */

/* Every row's problem in one run, lines counted through quoted newlines
 * (CRLF, LF and a lone CR each end a line). */
static void errors_located(void **state)
{
	static const char doc[] =
		"sys_id,name,sys_class_name,tier,Name\r\n"
		"1,\"two\nlines\",cmdb_ci_linux_server,2,\r\n"
		",nameless,cmdb_ci_linux_server,,\n"
		"3,short\r"
		"4,tiered,x,high,\n"
		"5,ok,cmdb_ci_linux_server,,\n";
	rd r;
	(void)state;
	read_one(&r, doc, sizeof doc - 1, NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text,
		"t.csv:1:33: error: column 'Name' twice in the header row (first is column 2)\n"
		"t.csv:4:1: error: CI without a sys_id\n"
		"t.csv:5:1: error: 2 fields in this row, 5 in the header row: CI short\n"
		"t.csv:6:12: warning: CI '4': tier 'high' does not start with a whole number from 1 to 1000000: no tier\n");
	rd_free(&r);
}

static void malformed(void **state)
{
	rd r;
	(void)state;
	/* A quote inside an unquoted field: at the quote. */
	read_one(&r, CI_HEAD "1,we\"b,x\n", strlen(CI_HEAD "1,we\"b,x\n"), NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "t.csv:2:5: error: malformed CSV: a quote inside an unquoted field, or text after a closing quote (a quote in a field is written \"\")\n");
	rd_free(&r);
	/* Not closed: at the field's start. */
	read_one(&r, CI_HEAD "1,web,x\n2,\"db,x\n3,y,z\n", strlen(CI_HEAD "1,web,x\n2,\"db,x\n3,y,z\n"), NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "t.csv:3:3: error: a quoted field is not closed before the end of the file\n");
	rd_free(&r);
	/* Neither table. */
	read_one(&r, "host,ip\nweb,10.0.0.1\n", strlen("host,ip\nweb,10.0.0.1\n"), NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "t.csv:1:1: error: the header row names neither a CI table (a sys_id or name column: cmdb_ci) nor a relationship table (parent, child and type columns: cmdb_rel_ci)\n");
	rd_free(&r);
	/* Empty. */
	read_one(&r, "", 0, NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "t.csv:1:1: error: empty file: a CMDB export starts with a header row (sys_id,name,sys_class_name,... or parent,type,child)\n");
	rd_free(&r);
}

static void encodings(void **state)
{
	rd r;
	(void)state;
	/* windows-1252 bytes: refused with the option's name, at the field. */
	static const char w[] = CI_HEAD "1,Z\xfcrich \x80 1,cmdb_ci_datacenter\n";
	read_one(&r, w, sizeof w - 1, NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "t.csv:2:3: error: invalid UTF-8 (byte 0xFC, character 2 of the field): CMDB exports are read as UTF-8; for a windows-1252 export give the option encoding=windows-1252\n");
	rd_free(&r);
	/* With the option: transcoded. */
	static const char *const cp[] = { "encoding=windows-1252", NULL };
	read_one(&r, w, sizeof w - 1, cp);
	assert_int_equal(r.built, FO_OK);
	assert_string_equal(fo_graph_node_name(r.g, 0), "Zürich € 1");
	rd_free(&r);
	/* A byte windows-1252 leaves undefined. */
	read_one(&r, CI_HEAD "1,a\x81,x\n", strlen(CI_HEAD "1,a\x81,x\n"), cp);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "t.csv:2:3: error: byte 0x81 (character 2 of the field) is not windows-1252\n");
	rd_free(&r);
	/* A UTF-8 byte order mark is accepted; positions count from after it. */
	static const char bom[] = "\xEF\xBB\xBF" CI_HEAD "1,\"a\"x,y\n";
	read_one(&r, bom, sizeof bom - 1, NULL);
	assert_string_equal(r.text, "t.csv:2:6: error: malformed CSV: a quote inside an unquoted field, or text after a closing quote (a quote in a field is written \"\")\n");
	rd_free(&r);
	/* UTF-16. */
	read_one(&r, "\xFF\xFEs\0y\0", 6, NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "t.csv:1:1: error: UTF-16 byte order mark: CMDB exports are read as UTF-8 (export the list as CSV, not as Unicode text)\n");
	rd_free(&r);
	read_one(&r, "s\0y\0", 4, NULL);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "t.csv:1:2: error: NUL byte: not a text file (UTF-16? CMDB exports are read as UTF-8)\n");
	rd_free(&r);
	/* Bad options. */
	static const char *const bad[] = { "encoding=latin9", "cluster-k=two", NULL };
	read_one(&r, CI_HEAD, strlen(CI_HEAD), bad);
	assert_int_equal(r.err, FO_EINPUT);
	assert_string_equal(r.text, "t.csv: error: option encoding='latin9': utf-8 or windows-1252\n"
				    "t.csv: error: option cluster-k='two': a whole number (0: every member)\n");
	rd_free(&r);
}

static void limits(void **state)
{
	rd r;
	(void)state;
	size_t n = FO_CMDB_MAX_FIELD + 64, len = 0;
	char *doc = malloc(n + 64);
	assert_non_null(doc);
	len += (size_t)sprintf(doc, CI_HEAD "1,");
	memset(doc + len, 'a', FO_CMDB_MAX_FIELD + 8);
	len += FO_CMDB_MAX_FIELD + 8;
	len += (size_t)sprintf(doc + len, ",x\n");
	read_one(&r, doc, len, NULL);
	assert_int_equal(r.err, FO_ELIMIT);
	assert_string_equal(r.text, "t.csv:2:3: error: a field longer than 1048576 bytes (fallout's limit)\n");
	rd_free(&r);
	free(doc);
	/* Too many columns in one row. */
	n = 2 * (FO_CMDB_MAX_COLUMNS + 2) + 64;
	doc = malloc(n);
	assert_non_null(doc);
	len = (size_t)sprintf(doc, "sys_id");
	for (unsigned i = 0; i <= FO_CMDB_MAX_COLUMNS; i++)
		doc[len++] = ',';
	doc[len++] = '\n';
	read_one(&r, doc, len, NULL);
	assert_int_equal(r.err, FO_ELIMIT);
	assert_string_equal(r.text, "t.csv:1:4103: error: more than 4096 fields in one row (fallout's limit)\n");
	rd_free(&r);
	free(doc);
}

static void sniff(void **state)
{
	(void)state;
	static const char ci[] = "\xEF\xBB\xBF\"sys_id\",\"name\",\"sys_class_name\"\r\n\"1\"";
	static const char rel[] = "\"parent\",\"type\",\"child\"\n";
	assert_int_equal(fo_cmdb_sniff(ci, sizeof ci - 1), 1);
	assert_int_equal(fo_cmdb_sniff(rel, sizeof rel - 1), 1);
	assert_int_equal(fo_cmdb_sniff("Parent , Child,TYPE\n", 20), 1);
	assert_int_equal(fo_cmdb_sniff("parent,child\n", 13), 0);         /* no type */
	assert_int_equal(fo_cmdb_sniff("name,class\n", 11), 0);           /* no sys_id */
	assert_int_equal(fo_cmdb_sniff("sys_id,name", 11), 0);            /* line not complete */
	assert_int_equal(fo_cmdb_sniff("<graphml>\n", 10), 0);
	assert_int_equal(fo_cmdb_sniff("{\"sys_id\": 1}\n", 14), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(estate_read),
		cmocka_unit_test(estate_directions),
		cmocka_unit_test(estate_impact),
		cmocka_unit_test(relation_options),
		cmocka_unit_test(virtualized_and_labels),
		cmocka_unit_test(names),
		cmocka_unit_test(dangling),
		cmocka_unit_test(errors_located),
		cmocka_unit_test(malformed),
		cmocka_unit_test(encodings),
		cmocka_unit_test(limits),
		cmocka_unit_test(sniff),
	};
	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
