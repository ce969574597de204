/*
 * test_k8s.c — the Kubernetes importer (importers/fo_k8s.h), on the real
 * files of tests/importers/k8s/ (an OpenShift 4 cluster on AWS: two JSON
 * Lists, and the must-gather directory they come from, extracted from its
 * tar.xz into a temporary directory) and on small files written here:
 * every mapping rule, every error path with its location, hostile input,
 * and the sniffer.
 *
 * Facts a user would check by hand on the real cluster: 6 nodes in two
 * zones of one region, 183 running pods, 45 of 57 Deployments with every
 * pod in one zone, the etcd quorum guard needing 2 of its 3 pods of which 2
 * sit in us-east-1b (so failing that zone takes it down, failing us-east-1c
 * does not), and the same graph from the JSON Lists as from the directory.
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

#include "analyzer/fo_engine.h"
#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"
#include "graphs/fo_graph.h"
#include "importers/fo_k8s.h"
#include "importers/fo_model.h"

#define K8S_DIR "tests/importers/k8s/"
#define INFRA K8S_DIR "ocp-aws-us-east-1.infra.list.json"
#define PODS K8S_DIR "ocp-aws-us-east-1.pods.list.json"
#define TARXZ K8S_DIR "ocp-aws-us-east-1.must-gather-subset.tar.xz"

/* ------------------------------------------------------------ helpers */

static char tmpdir[64];

static int rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		char p[4096];
		if (!d)
			return -1;
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof p, "%s/%s", path, e->d_name);
			rm_rf(p);
		}
		closedir(d);
		return rmdir(path);
	}
	return unlink(path);
}

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/fo-test-k8s-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	rm_rf(tmpdir);
	return 0;
}

/* tmpdir/name (static buffer: one at a time). */
static const char *tmp_path(const char *name)
{
	static char path[512];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	return path;
}

static const char *write_tmp(const char *name, const char *data)
{
	const char *path = tmp_path(name);
	char dir[512];
	snprintf(dir, sizeof dir, "%s", path);
	for (char *p = dir + strlen(tmpdir) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0700);
			*p = '/';
		}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, strlen(data), f), strlen(data));
	assert_int_equal(fclose(f), 0);
	return path;
}

typedef struct run {
	fo_diag *d;
	fo_model *m;
	fo_graph *g;
	int err;       /* of the read */
	int build_err; /* of fo_model_build, when the read succeeded */
	char *diag;    /* every diagnostic printed */
} run;

static char *diag_text(const fo_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	fo_diag_print(d, fp);
	fclose(fp);
	assert_non_null(buf);
	return buf;
}

/* Reads n paths as one source named `file` (NULL: the first path), with
 * options "key=value" (NULL-terminated, may be NULL), then builds. */
static void read_opts(run *r, const char *file, const char *const *paths, size_t n,
		      const char *const *opts)
{
	memset(r, 0, sizeof *r);
	assert_int_equal(fo_diag_new(&r->d, 0), FO_OK);
	assert_int_equal(fo_model_new(&r->m, r->d), FO_OK);
	assert_int_equal(fo_model_source_begin(r->m, file ? file : paths[0], "k8s", "k8s", 0, NULL),
			 FO_OK);
	for (; opts && *opts; opts++) {
		char k[64];
		const char *eq = strchr(*opts, '=');
		snprintf(k, sizeof k, "%.*s", (int)(eq - *opts), *opts);
		assert_int_equal(fo_model_set_option(r->m, k, eq + 1), FO_OK);
	}
	size_t nodes_before = fo_model_node_count(r->m);
	r->err = fo_k8s_read_paths(r->m, paths, n);
	if (r->err == FO_OK) {
		r->build_err = fo_model_build(r->m, &r->g);
	} else {
		/* Nothing written on error. */
		assert_int_equal(fo_model_node_count(r->m), nodes_before);
		r->build_err = r->err;
	}
	r->diag = diag_text(r->d);
	if (getenv("FO_TEST_VERBOSE"))
		fprintf(stderr, "--- %s\n%s", paths[0], r->diag);
}

static void read1(run *r, const char *path)
{
	read_opts(r, NULL, &path, 1, NULL);
}

static void read_text(run *r, const char *name, const char *text)
{
	read1(r, write_tmp(name, text));
}

static void run_free(run *r)
{
	fo_graph_free(r->g);
	fo_model_free(r->m);
	fo_diag_free(r->d);
	free(r->diag);
	memset(r, 0, sizeof *r);
}

static void must_have(const run *r, const char *sub)
{
	if (!strstr(r->diag, sub))
		fail_msg("expected a diagnostic with \"%s\"; got:\n%s", sub, r->diag);
}

static uint32_t node(const fo_graph *g, const char *id)
{
	uint32_t n;
	if (fo_graph_lookup(g, id, &n) != FO_OK)
		fail_msg("no node '%s'", id);
	return n;
}

static int has_node(const fo_graph *g, const char *id)
{
	uint32_t n;
	return fo_graph_lookup(g, id, &n) == FO_OK;
}

static const char *container(const fo_graph *g, const char *id)
{
	uint32_t c = fo_graph_node_container(g, node(g, id));
	return c == FO_NONE ? "" : fo_graph_node_id(g, c);
}

static const char *prop(const fo_graph *g, const char *id, const char *key)
{
	const fo_prop *p;
	size_t n = fo_graph_node_props(g, node(g, id), &p);
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].key, key) == 0)
			return p[i].value;
	return NULL;
}

/* The one requires group of id: "K of N: m1 m2 ..." with members sorted,
 * or "" when it has none. Static buffer. */
static const char *needs(const fo_graph *g, const char *id)
{
	static char out[8192];
	uint32_t first, count, found = 0;
	fo_graph_node_groups(g, node(g, id), &first, &count);
	out[0] = '\0';
	for (uint32_t i = first; i < first + count; i++) {
		fo_group_info gi;
		fo_graph_group(g, i, &gi);
		if (gi.type != FO_GROUP_REQUIRES)
			continue;
		assert_int_equal(found++, 0);
		const char *ids[512];
		assert_true(gi.n <= 512);
		for (uint32_t j = 0; j < gi.n; j++)
			ids[j] = fo_graph_node_id(g, gi.members[j]);
		/* sort */
		for (uint32_t a = 1; a < gi.n; a++)
			for (uint32_t b = a; b > 0 && strcmp(ids[b - 1], ids[b]) > 0; b--) {
				const char *t = ids[b];
				ids[b] = ids[b - 1];
				ids[b - 1] = t;
			}
		int len = snprintf(out, sizeof out, "%u of %u:", gi.k, gi.n);
		for (uint32_t j = 0; j < gi.n; j++)
			len += snprintf(out + len, sizeof out - (size_t)len, " %s", ids[j]);
	}
	return out;
}

/* A canonical text of the whole graph: one line per node (id, kind, name,
 * tenant, container, groups with K and sorted members), lines sorted. Two
 * imports give the same graph when they give the same text. */
static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *canon(const fo_graph *g)
{
	uint32_t n = fo_graph_node_count(g);
	char **lines = calloc(n, sizeof *lines);
	size_t total = 0;
	assert_non_null(lines);
	for (uint32_t i = 0; i < n; i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);
		uint32_t c = fo_graph_node_container(g, i), first, count;
		const char *id = fo_graph_node_id(g, i);
		fprintf(fp, "%s %s name=%s tenant=%s in=%s", id, fo_graph_node_kind_word(g, i),
			fo_graph_node_name(g, i) ? fo_graph_node_name(g, i) : "",
			fo_graph_node_tenant(g, i) ? fo_graph_node_tenant(g, i) : "",
			c == FO_NONE ? "" : fo_graph_node_id(g, c));
		fo_graph_node_groups(g, i, &first, &count);
		for (uint32_t j = first; j < first + count; j++) {
			fo_group_info gi;
			fo_graph_group(g, j, &gi);
			if (gi.type == FO_GROUP_LOCATED)
				continue;
			fprintf(fp, " [%d %u of", (int)gi.type, gi.k);
			const char **ids = calloc(gi.n ? gi.n : 1, sizeof *ids);
			for (uint32_t q = 0; q < gi.n; q++)
				ids[q] = fo_graph_node_id(g, gi.members[q]);
			qsort(ids, gi.n, sizeof *ids, cmp_line);
			for (uint32_t q = 0; q < gi.n; q++)
				fprintf(fp, " %s", ids[q]);
			free(ids);
			fprintf(fp, "]");
		}
		const fo_prop *p;
		size_t np = fo_graph_node_props(g, i, &p);
		for (size_t q = 0; q < np; q++)
			fprintf(fp, " %s=%s", p[q].key, p[q].value);
		fclose(fp);
		lines[i] = buf;
		total += len + 1;
	}
	qsort(lines, n, sizeof *lines, cmp_line);
	char *out = malloc(total + 1), *w = out;
	assert_non_null(out);
	for (uint32_t i = 0; i < n; i++) {
		w += sprintf(w, "%s\n", lines[i]);
		free(lines[i]);
	}
	*w = '\0';
	free(lines);
	return out;
}

/* The state of id after failing the given ids. */
static fo_state state_after(const fo_graph *g, const char *id, const char *const *fail, size_t n)
{
	fo_engine *e;
	uint32_t f[8];
	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++)
		f[i] = node(g, fail[i]);
	fo_scenario sc = { f, n, NULL, 0 };
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);
	fo_state s = fo_engine_state(e, node(g, id));
	fo_engine_free(e);
	return s;
}

/* ------------------------------------------------------------ the real cluster */

static const char *const REAL[] = { INFRA, PODS };

static void real_cluster_from_json_lists(void **state)
{
	(void)state;
	run r;
	read_opts(&r, "ocp.json", REAL, 2, NULL);
	assert_int_equal(r.err, FO_OK);
	assert_int_equal(r.build_err, FO_OK);
	const fo_graph *g = r.g;

	/* 6 nodes, 4 in us-east-1b and 2 in us-east-1c, both zones in us-east-1. */
	assert_string_equal(container(g, "k8s:zone/us-east-1b"), "k8s:region/us-east-1");
	assert_string_equal(container(g, "k8s:zone/us-east-1c"), "k8s:region/us-east-1");
	assert_string_equal(container(g, "k8s:node/ip-10-0-187-218.ec2.internal"), "k8s:zone/us-east-1b");
	assert_string_equal(container(g, "k8s:node/ip-10-0-195-177.ec2.internal"), "k8s:zone/us-east-1c");
	assert_string_equal(fo_graph_node_kind_word(g, node(g, "k8s:node/ip-10-0-195-177.ec2.internal")),
			    "host");
	assert_string_equal(prop(g, "k8s:node/ip-10-0-129-220.ec2.internal", "providerID"),
			    "aws:///us-east-1b/i-04c3029e207ee2de8");
	size_t zb = 0, zc = 0, hosts = 0, pods = 0, apps = 0;
	for (uint32_t i = 0; i < fo_graph_node_count(g); i++) {
		uint32_t c = fo_graph_node_container(g, i);
		const char *k = fo_graph_node_kind_word(g, i);
		if (strcmp(k, "host") == 0) {
			hosts++;
			zb += strcmp(fo_graph_node_id(g, c), "k8s:zone/us-east-1b") == 0;
			zc += strcmp(fo_graph_node_id(g, c), "k8s:zone/us-east-1c") == 0;
		}
		if (strncmp(fo_graph_node_id(g, i), "k8s:pod/", 8) == 0)
			pods++;
		if (strcmp(k, "app") == 0)
			apps++;
	}
	assert_int_equal(hosts, 6);
	assert_int_equal(zb, 4);
	assert_int_equal(zc, 2);
	/* 239 pods, 56 Succeeded (installer and pruner pods): 183 running. */
	assert_int_equal(pods, 183);
	/* 57 Deployments and 2 StatefulSets. */
	assert_int_equal(apps, 59);

	/* A pod on its node, tenant its namespace, owned as read. */
	const char *etcd1 = "k8s:pod/openshift-etcd/etcd-ip-10-0-187-218.ec2.internal";
	assert_string_equal(container(g, etcd1), "k8s:node/ip-10-0-187-218.ec2.internal");
	assert_string_equal(fo_graph_node_tenant(g, node(g, etcd1)), "openshift-etcd");
	assert_string_equal(prop(g, etcd1, "owner"), "Node/ip-10-0-187-218.ec2.internal");
	assert_string_equal(prop(g, etcd1, "label:app"), "etcd");
	/* Owner kinds of the 183 running pods, unknown ones (a CRD) accepted:
	 * DaemonSet 87, ReplicaSet 75, Node 12 (static pods), StatefulSet 5,
	 * CatalogSource 4; the 56 ConfigMap-owned installer pods all Succeeded. */
	static const char *const owners[] = { "DaemonSet/", "ReplicaSet/", "Node/", "StatefulSet/",
					      "CatalogSource/", "ConfigMap/" };
	static const size_t want[] = { 87, 75, 12, 5, 4, 0 };
	size_t got[6] = { 0 };
	for (uint32_t i = 0; i < fo_graph_node_count(g); i++) {
		const fo_prop *p;
		size_t np = fo_graph_node_props(g, i, &p);
		for (size_t q = 0; q < np; q++)
			for (size_t o = 0; o < 6; o++)
				if (strcmp(p[q].key, "owner") == 0 &&
				    strncmp(p[q].value, owners[o], strlen(owners[o])) == 0)
					got[o]++;
	}
	for (size_t o = 0; o < 6; o++)
		if (got[o] != want[o])
			fail_msg("%zu running pods owned by %s, expected %zu", got[o], owners[o], want[o]);

	/* The etcd quorum guard: 3 replicas, PDB maxUnavailable 1: needs 2 of 3,
	 * and 2 of its pods are in us-east-1b. */
	const char *guard = "k8s:deployment/openshift-etcd/etcd-quorum-guard";
	assert_string_equal(fo_graph_node_kind_word(g, node(g, guard)), "app");
	assert_non_null(strstr(needs(g, guard), "2 of 3:"));
	assert_string_equal(prop(g, guard, "pdb"), "etcd-quorum-guard");
	assert_string_equal(prop(g, guard, "zones"), "us-east-1b,us-east-1c");
	const char *zone_b[] = { "k8s:zone/us-east-1b" }, *zone_c[] = { "k8s:zone/us-east-1c" };
	assert_int_equal(state_after(g, guard, zone_b, 1), FO_STATE_DOWN);
	/* Failing us-east-1c leaves 2 of 3: up, but one failure from down. */
	assert_int_equal(state_after(g, guard, zone_c, 1), FO_STATE_AT_RISK);
	/* The etcd Service (1 of the 3 static etcd pods) survives either zone;
	 * the members behind the quorum are 2 of 3 in us-east-1b. */
	assert_string_equal(needs(g, "k8s:service/openshift-etcd/etcd"),
			    "1 of 3: k8s:pod/openshift-etcd/etcd-ip-10-0-187-218.ec2.internal "
			    "k8s:pod/openshift-etcd/etcd-ip-10-0-189-142.ec2.internal "
			    "k8s:pod/openshift-etcd/etcd-ip-10-0-195-177.ec2.internal");
	assert_int_equal(state_after(g, etcd1, zone_b, 1), FO_STATE_DOWN);
	/* The apiserver Service: selector-less "kubernetes", 1 of the 3
	 * masters its Endpoints name by IP. */
	assert_string_equal(needs(g, "k8s:service/default/kubernetes"),
			    "1 of 3: k8s:node/ip-10-0-187-218.ec2.internal "
			    "k8s:node/ip-10-0-189-142.ec2.internal k8s:node/ip-10-0-195-177.ec2.internal");

	/* router-default: 2 replicas, maxUnavailable "50%" rounded up to 1: needs 1. */
	assert_non_null(strstr(needs(g, "k8s:deployment/openshift-ingress/router-default"), "1 of 2:"));
	/* image-registry: minAvailable 1 of 2. */
	assert_non_null(strstr(needs(g, "k8s:deployment/openshift-image-registry/image-registry"),
			       "1 of 2:"));
	/* alertmanager-main: a StatefulSet of 3, no PDB: 1 of 3. */
	assert_non_null(strstr(needs(g, "k8s:statefulset/openshift-monitoring/alertmanager-main"),
			       "1 of 3:"));
	/* A DaemonSet: per-node infrastructure, kind service, 1 of its 6 pods. */
	assert_string_equal(
		fo_graph_node_kind_word(g, node(g, "k8s:daemonset/openshift-dns/dns-default")), "service");
	assert_non_null(strstr(needs(g, "k8s:daemonset/openshift-dns/dns-default"), "1 of 6:"));
	/* A scaled-to-zero DaemonSet is skipped, an ExternalName Service too. */
	assert_false(has_node(g, "k8s:daemonset/openshift-machine-api/machine-api-termination-handler"));
	assert_false(has_node(g, "k8s:service/default/openshift"));

	/* 45 of the 57 Deployments have every running pod in one zone: the
	 * count a user sees on stderr, and the zone-count prop of each. */
	size_t deploys = 0, single = 0;
	for (uint32_t i = 0; i < fo_graph_node_count(g); i++) {
		const char *id = fo_graph_node_id(g, i);
		if (strncmp(id, "k8s:deployment/", 15) != 0)
			continue;
		deploys++;
		single += strcmp(prop(g, id, "zone-count"), "1") == 0;
	}
	assert_int_equal(deploys, 57);
	assert_int_equal(single, 45);
	must_have(&r, "warning: 45 of 57 Deployments have every running pod in one zone");
	/* No other warning: every reference of the cluster resolves. */
	assert_int_equal(fo_diag_warnings(r.d), 1); /* Endpoints agree with every selector */
	assert_int_equal(fo_diag_errors(r.d), 0);
	run_free(&r);
}

/* Every object read is accounted for: 311 + 239 objects. */
static void real_cluster_summary(void **state)
{
	(void)state;
	run r;
	char *buf = NULL;
	size_t len = 0;
	read_opts(&r, "ocp.json", REAL, 2, NULL);
	assert_int_equal(r.build_err, FO_OK);
	FILE *fp = open_memstream(&buf, &len);
	assert_int_equal(fo_model_explain(r.m, fp), FO_OK);
	fclose(fp);
	if (getenv("FO_TEST_VERBOSE"))
		fprintf(stderr, "%s", buf);
	assert_non_null(strstr(buf, "550 objects read, 345 nodes, 148 folded, 60 skipped"));
	assert_non_null(strstr(buf, "Pod: 239 read; 183 nodes (pod 183); 56 skipped: phase Succeeded"));
	assert_non_null(strstr(buf, "ReplicaSet: 63 read; 63 folded into its Deployment"));
	assert_non_null(strstr(buf, "PodDisruptionBudget: 8 read; 8 folded"));
	assert_non_null(strstr(buf, "Endpoints: 77 read; 77 folded into its Service"));
	free(buf);
	run_free(&r);
}

/* The pods file alone: pods on nodes no input defines (dangling, warned by
 * the model), owners missing (warned once each), no workload. */
static void real_pods_alone(void **state)
{
	(void)state;
	run r;
	read1(&r, PODS);
	assert_int_equal(r.err, FO_OK);
	assert_int_equal(r.build_err, FO_OK);
	must_have(&r, "its controller ReplicaSet etcd-quorum-guard-85b4c88c96 is not in the input");
	assert_false(has_node(r.g, "k8s:deployment/openshift-etcd/etcd-quorum-guard"));
	run_free(&r);
}

/* The two Lists as two sources of one prefix (one fo_k8s_read each): the
 * ids agree, so every pod finds its node across the sources; but each read
 * maps only its own objects, so the Deployments of the first find no pods
 * of the second (said): a split cluster is read by one fo_k8s_read_paths. */
static void real_two_sources_same_ids(void **state)
{
	(void)state;
	fo_diag *d;
	fo_model *m;
	fo_graph *g = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_model_new(&m, d), FO_OK);
	assert_int_equal(fo_model_source_begin(m, INFRA, "k8s", "k8s", 0, NULL), FO_OK);
	assert_int_equal(fo_k8s_read(m, INFRA), FO_OK);
	assert_int_equal(fo_model_source_begin(m, PODS, "k8s", "k8s", 0, NULL), FO_OK);
	assert_int_equal(fo_k8s_read(m, PODS), FO_OK);
	assert_int_equal(fo_model_build(m, &g), FO_OK);
	char *text = diag_text(d);
	assert_null(strstr(text, "which no input defines")); /* every node/... resolves */
	assert_non_null(strstr(text, "Deployment openshift-etcd/etcd-quorum-guard: no running pod in "
				     "the input: it depends on nothing here"));
	assert_string_equal(container(g, "k8s:pod/openshift-etcd/etcd-ip-10-0-187-218.ec2.internal"),
			    "k8s:node/ip-10-0-187-218.ec2.internal");
	free(text);
	fo_graph_free(g);
	fo_model_free(m);
	fo_diag_free(d);
}

/* The same objects twice (the infra list given twice): read once,
 * duplicates counted as skipped, the same graph. */
static void duplicates_read_once(void **state)
{
	(void)state;
	run a, b;
	const char *const twice[] = { INFRA, PODS, INFRA };
	read_opts(&a, "ocp.json", REAL, 2, NULL);
	read_opts(&b, "ocp.json", twice, 3, NULL);
	assert_int_equal(b.build_err, FO_OK);
	char *ca = canon(a.g), *cb = canon(b.g);
	assert_string_equal(ca, cb);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	fo_model_explain(b.m, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "861 objects read"));
	assert_non_null(strstr(buf, "duplicate (read before)"));
	free(buf);
	free(ca);
	free(cb);
	run_free(&a);
	run_free(&b);
}

/* The must-gather directory gives the same graph as the JSON Lists: same
 * nodes, kinds, names, tenants, containers, groups and props. It has two
 * more objects: the files `timestamp` and `version`, skipped and counted. */
static void real_must_gather_same_graph(void **state)
{
	(void)state;
	char cmd[1024];
	const char *dir = tmp_path("mg");
	mkdir(dir, 0700);
	snprintf(cmd, sizeof cmd, "tar -xJf %s -C %s", TARXZ, dir);
	assert_int_equal(system(cmd), 0);
	run a, b;
	read_opts(&a, "ocp.json", REAL, 2, NULL);
	read_opts(&b, NULL, &dir, 1, NULL);
	assert_int_equal(b.err, FO_OK);
	assert_int_equal(b.build_err, FO_OK);
	char *ca = canon(a.g), *cb = canon(b.g);
	assert_string_equal(ca, cb);
	must_have(&b, "warning: 45 of 57 Deployments have every running pod in one zone");
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	fo_model_explain(b.m, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "552 objects read, 345 nodes, 148 folded, 62 skipped"));
	assert_non_null(strstr(buf, "file: 2 read; 2 skipped: not .yaml, .yml or .json"));
	free(buf);
	free(ca);
	free(cb);
	run_free(&a);
	run_free(&b);
}

/* ------------------------------------------------------------ mapping rules */

/* Topology labels: GA wins over beta, beta alone works, a node without a
 * zone label is its own failure domain (in its region if it has one). */
static void zones_from_labels(void **state)
{
	(void)state;
	run r;
	read_text(&r, "zones.yaml",
		  "apiVersion: v1\nkind: NodeList\nitems:\n"
		  "- metadata:\n    name: ga\n    labels:\n"
		  "      topology.kubernetes.io/zone: eastus2-1\n"
		  "      topology.kubernetes.io/region: eastus2\n"
		  "      failure-domain.beta.kubernetes.io/zone: old-zone\n"
		  "- metadata:\n    name: beta\n    labels:\n"
		  "      failure-domain.beta.kubernetes.io/zone: us-central1-a\n"
		  "      failure-domain.beta.kubernetes.io/region: us-central1\n"
		  "- metadata:\n    name: do\n    labels:\n"
		  "      topology.kubernetes.io/region: sfo2\n"
		  "- metadata:\n    name: metal\n");
	assert_int_equal(r.build_err, FO_OK);
	assert_string_equal(container(r.g, "k8s:node/ga"), "k8s:zone/eastus2-1");
	assert_string_equal(container(r.g, "k8s:zone/eastus2-1"), "k8s:region/eastus2");
	assert_false(has_node(r.g, "k8s:zone/old-zone"));
	assert_string_equal(container(r.g, "k8s:node/beta"), "k8s:zone/us-central1-a");
	assert_string_equal(container(r.g, "k8s:zone/us-central1-a"), "k8s:region/us-central1");
	assert_string_equal(container(r.g, "k8s:node/do"), "k8s:region/sfo2");
	assert_string_equal(container(r.g, "k8s:node/metal"), "");
	assert_string_equal(fo_graph_node_kind_word(r.g, node(r.g, "k8s:zone/eastus2-1")), "zone");
	assert_string_equal(fo_graph_node_kind_word(r.g, node(r.g, "k8s:region/eastus2")), "region");
	run_free(&r);
}

/* A small cluster with every construct, as one YAML stream. */
static const char CLUSTER[] =
	"apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n  labels:\n"
	"    topology.kubernetes.io/zone: z1\n"
	"status:\n  addresses:\n  - {type: InternalIP, address: 10.0.0.1}\n"
	"---\n"
	"apiVersion: v1\nkind: Node\nmetadata:\n  name: n2\n  labels:\n"
	"    topology.kubernetes.io/zone: z2\n"
	"---\n"
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
	"spec: {replicas: 7}\n"
	"---\n"
	"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-abc\n  namespace: shop\n"
	"  ownerReferences:\n  - {kind: Deployment, name: web, controller: true}\n"
	"---\n"
	"apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\n"
	"spec:\n  minAvailable: 50%\n  selector:\n    matchLabels: {app: web}\n"
	"    matchExpressions:\n    - {key: tier, operator: In, values: [front]}\n"
	"---\n"
	"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: shop}\n"
	"spec: {replicas: 3}\n"
	"---\n"
	"apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: db, namespace: shop}\n"
	"spec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: db}\n"
	"---\n"
	"apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
	"spec:\n  selector: {app: web}\n"
	"---\n"
	"apiVersion: v1\nkind: Endpoints\nmetadata: {name: web, namespace: shop}\n"
	"subsets:\n- addresses:\n  - {ip: 10.1.0.1, targetRef: {kind: Pod, name: web-1}}\n"
	"  notReadyAddresses:\n  - {ip: 10.1.0.2, targetRef: {kind: Pod, name: web-2}}\n"
	"---\n"
	"apiVersion: v1\nkind: Service\nmetadata: {name: sliced, namespace: shop}\n"
	"---\n"
	"apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: sliced-x1\n"
	"  namespace: shop\n  labels: {kubernetes.io/service-name: sliced}\n"
	"endpoints:\n- addresses: [10.0.0.1]\n"
	"- addresses: [10.2.0.9]\n  targetRef: {kind: Pod, name: db-1}\n"
	"- addresses: [10.2.0.8]\n  conditions: {ready: false}\n  targetRef: {kind: Pod, name: db-2}\n"
	"---\n"
	"apiVersion: v1\nkind: Service\nmetadata: {name: ext, namespace: shop}\n"
	"spec: {type: ExternalName, externalName: example.com}\n"
	"---\n"
	"apiVersion: v1\nkind: Service\nmetadata: {name: manual, namespace: shop}\nspec: {}\n"
	"---\n"
	"apiVersion: v1\nkind: Endpoints\nmetadata: {name: manual, namespace: shop}\n"
	"subsets:\n- addresses:\n  - ip: 10.0.0.1\n  - ip: 10.9.9.9\n"
	"---\n"
	"apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-db-0}\n"
	"spec:\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n"
	"      - matchExpressions:\n"
	"        - {key: topology.ebs.csi.aws.com/zone, operator: In, values: [z1]}\n"
	"---\n"
	"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data-db-0, namespace: shop}\n"
	"spec: {volumeName: pv-db-0}\n"
	"---\n"
	"apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-local}\n"
	"spec:\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n"
	"      - matchExpressions:\n"
	"        - {key: kubernetes.io/hostname, operator: In, values: [n2]}\n"
	"---\n"
	"apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv-regional\n"
	"  labels: {topology.kubernetes.io/zone: z1__z2}\n"
	"---\n"
	"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: waiting, namespace: shop}\n"
	"spec: {}\n"
	"---\n"
	"apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"
	"---\n"
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: shop}\n"
	"---\n"
	/* web: 7 pods; 3 running on n1, 1 running on n2, 1 pending, 1 failed,
	 * one running without the tier label (still the Deployment's) */
	"apiVersion: v1\nkind: List\nitems:\n"
	"- kind: Pod\n  metadata:\n    name: web-1\n    namespace: shop\n"
	"    labels: {app: web, tier: front}\n"
	"    ownerReferences: [{kind: ReplicaSet, name: web-abc, controller: true}]\n"
	"  spec: {nodeName: n1}\n  status: {phase: Running}\n"
	"- kind: Pod\n  metadata:\n    name: web-2\n    namespace: shop\n"
	"    labels: {app: web, tier: front}\n"
	"    ownerReferences: [{kind: ReplicaSet, name: web-abc, controller: true}]\n"
	"  spec: {nodeName: n1}\n  status: {phase: Running}\n"
	"- kind: Pod\n  metadata:\n    name: web-3\n    namespace: shop\n"
	"    labels: {app: web, tier: front}\n"
	"    ownerReferences: [{kind: ReplicaSet, name: web-abc, controller: true}]\n"
	"  spec: {nodeName: n1}\n  status: {phase: Running}\n"
	"- kind: Pod\n  metadata:\n    name: web-4\n    namespace: shop\n"
	"    labels: {app: web, tier: front}\n"
	"    ownerReferences: [{kind: ReplicaSet, name: web-abc, controller: true}]\n"
	"  spec: {nodeName: n2}\n  status: {phase: Running}\n"
	"- kind: Pod\n  metadata:\n    name: web-5\n    namespace: shop\n"
	"    labels: {app: web}\n"
	"    ownerReferences: [{kind: ReplicaSet, name: web-abc, controller: true}]\n"
	"  spec: {nodeName: n2}\n  status: {phase: Running}\n"
	"- kind: Pod\n  metadata:\n    name: web-6\n    namespace: shop\n"
	"    labels: {app: web, tier: front}\n"
	"    ownerReferences: [{kind: ReplicaSet, name: web-abc, controller: true}]\n"
	"  status: {phase: Pending}\n"
	"- kind: Pod\n  metadata:\n    name: web-7\n    namespace: shop\n"
	"    labels: {app: web, tier: front}\n"
	"    ownerReferences: [{kind: ReplicaSet, name: web-abc, controller: true}]\n"
	"  spec: {nodeName: n2}\n  status: {phase: Failed}\n"
	"- kind: Pod\n  metadata:\n    name: db-0\n    namespace: shop\n    labels: {app: db}\n"
	"    ownerReferences: [{kind: StatefulSet, name: db, controller: true}]\n"
	"  spec:\n    nodeName: n1\n    volumes:\n    - name: data\n"
	"      persistentVolumeClaim: {claimName: data-db-0}\n"
	"  status: {phase: Running}\n"
	"- kind: Pod\n  metadata:\n    name: db-1\n    namespace: shop\n    labels: {app: db}\n"
	"    ownerReferences: [{kind: StatefulSet, name: db, controller: true}]\n"
	"  spec: {nodeName: n2}\n  status: {phase: Running}\n"
	"- kind: Pod\n  metadata:\n    name: db-2\n    namespace: shop\n    labels: {app: db}\n"
	"    ownerReferences: [{kind: StatefulSet, name: db, controller: true}]\n"
	"  spec: {nodeName: n2}\n  status: {phase: Running}\n";

static void mapping_rules(void **state)
{
	(void)state;
	run r;
	read_text(&r, "cluster.yaml", CLUSTER);
	assert_int_equal(r.err, FO_OK);
	assert_int_equal(r.build_err, FO_OK);
	const fo_graph *g = r.g;
	/* web: minAvailable 50% of 7 desired = 3.5, rounded up: 4 of the 5
	 * running pods (pending and failed ones are not capacity). */
	assert_string_equal(needs(g, "k8s:deployment/shop/web"),
			    "4 of 5: k8s:pod/shop/web-1 k8s:pod/shop/web-2 k8s:pod/shop/web-3 "
			    "k8s:pod/shop/web-4 k8s:pod/shop/web-5");
	assert_string_equal(fo_graph_node_tenant(g, node(g, "k8s:deployment/shop/web")), "shop");
	assert_string_equal(prop(g, "k8s:deployment/shop/web", "zones"), "z1,z2");
	assert_string_equal(prop(g, "k8s:deployment/shop/web", "zone-count"), "2");
	assert_false(has_node(g, "k8s:pod/shop/web-6"));
	assert_false(has_node(g, "k8s:replicaset/shop/web-abc"));
	/* Losing n1 (3 pods) leaves 2 of 4: down; losing n2 leaves 3 < 4: down. */
	const char *n1[] = { "k8s:node/n1" };
	assert_int_equal(state_after(g, "k8s:deployment/shop/web", n1, 1), FO_STATE_DOWN);
	/* db: maxUnavailable 1 of 3 replicas: 2 of 3. */
	assert_string_equal(needs(g, "k8s:statefulset/shop/db"),
			    "2 of 3: k8s:pod/shop/db-0 k8s:pod/shop/db-1 k8s:pod/shop/db-2");
	/* Service: 1 of the running pods its selector matches. */
	assert_string_equal(needs(g, "k8s:service/shop/web"),
			    "1 of 5: k8s:pod/shop/web-1 k8s:pod/shop/web-2 k8s:pod/shop/web-3 "
			    "k8s:pod/shop/web-4 k8s:pod/shop/web-5");
	/* Without a selector: what its Endpoints name (here a node by IP; the
	 * unknown address is nothing of the input). */
	assert_string_equal(needs(g, "k8s:service/shop/manual"), "1 of 1: k8s:node/n1");
	assert_false(has_node(g, "k8s:service/shop/ext"));
	/* Or what its EndpointSlices name (not-ready endpoints left out). */
	assert_string_equal(needs(g, "k8s:service/shop/sliced"), "1 of 2: k8s:node/n1 k8s:pod/shop/db-1");
	/* Storage: pod -> PVC -> PV, and the PV in its zone (a CSI key). */
	assert_string_equal(needs(g, "k8s:pvc/shop/data-db-0"), "1 of 1: k8s:pv/pv-db-0");
	assert_string_equal(container(g, "k8s:pv/pv-db-0"), "k8s:zone/z1");
	/* A local volume sits on its node; a regional one needs 1 of its zones. */
	assert_string_equal(container(g, "k8s:pv/pv-local"), "k8s:node/n2");
	assert_string_equal(needs(g, "k8s:pv/pv-regional"), "1 of 2: k8s:zone/z1 k8s:zone/z2");
	must_have(&r, "PersistentVolumeClaim shop/waiting: not bound to a volume (no spec.volumeName)");
	const char *z1[] = { "k8s:zone/z1" };
	assert_int_equal(state_after(g, "k8s:pod/shop/db-0", z1, 1), FO_STATE_DOWN);
	assert_int_equal(state_after(g, "k8s:pod/shop/db-1", z1, 1), FO_STATE_UP);
	/* The summary accounts for each object. */
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	fo_model_explain(r.m, fp);
	fclose(fp);
	if (getenv("FO_TEST_VERBOSE"))
		fprintf(stderr, "%s", buf);
	assert_non_null(strstr(buf, "Pod: 10 read; 8 nodes (pod 8); 1 skipped: phase Pending (not capacity) (web-6); 1 skipped: phase Failed (not capacity) (web-7)"));
	assert_non_null(strstr(buf, "ConfigMap: 1 read; 1 skipped: kind not imported (cfg)"));
	assert_non_null(strstr(buf, "Namespace: 1 read; 1 folded"));
	assert_non_null(strstr(buf, "Endpoints: 2 read; 2 folded into its Service"));
	/* Endpoints confirm a selector; a difference is said. */
	must_have(&r, "Service shop/web: its selector matches 5 running pods, its Endpoints name 2 "
		      "pods (3 of the first not among the second): the selector is used");
	free(buf);
	run_free(&r);
}

/* PDB arithmetic as the disruption controller does it. */
static void pdb_rounding(void **state)
{
	(void)state;
	static const struct {
		const char *spec;
		int replicas, running;
		const char *k;
	} cases[] = {
		{ "minAvailable: 50%", 7, 7, "4 of 7" },  /* 3.5 rounded up */
		{ "maxUnavailable: 50%", 3, 3, "1 of 3" }, /* 1.5 unavailable rounded up to 2 */
		{ "maxUnavailable: 1", 3, 3, "2 of 3" },
		{ "maxUnavailable: \"34%\"", 3, 3, "1 of 3" }, /* 1.02 -> 2 unavailable */
		{ "minAvailable: 0", 2, 2, "1 of 2" },       /* tolerating all: still needs one */
		{ "maxUnavailable: 5", 2, 2, "1 of 2" },
		{ "minAvailable: 3", 3, 2, "2 of 2" },       /* below its budget: needs all */
		{ "minAvailable: \"100%\"", 2, 2, "2 of 2" },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		char text[4096];
		int len = snprintf(text, sizeof text,
				   "kind: Deployment\napiVersion: apps/v1\nmetadata: {name: w, namespace: n}\n"
				   "spec: {replicas: %d}\n---\n"
				   "kind: ReplicaSet\napiVersion: apps/v1\nmetadata:\n  name: w-1\n  namespace: n\n"
				   "  ownerReferences: [{kind: Deployment, name: w, controller: true}]\n---\n"
				   "kind: PodDisruptionBudget\napiVersion: policy/v1\n"
				   "metadata: {name: p, namespace: n}\n"
				   "spec:\n  %s\n  selector: {matchLabels: {app: w}}\n",
				   cases[c].replicas, cases[c].spec);
		for (int p = 0; p < cases[c].running; p++)
			len += snprintf(text + len, sizeof text - (size_t)len,
					"---\nkind: Pod\napiVersion: v1\n"
					"metadata:\n  name: w-%d\n  namespace: n\n  labels: {app: w}\n"
					"  ownerReferences: [{kind: ReplicaSet, name: w-1, controller: true}]\n"
					"spec: {nodeName: n1}\nstatus: {phase: Running}\n",
					p);
		run r;
		read_text(&r, "pdb.yaml", text);
		assert_int_equal(r.build_err, FO_OK);
		const char *got = needs(r.g, "k8s:deployment/n/w");
		if (strncmp(got, cases[c].k, strlen(cases[c].k)) != 0)
			fail_msg("%s with %d replicas: %s, expected %s", cases[c].spec, cases[c].replicas,
				 got, cases[c].k);
		if (cases[c].running < cases[c].replicas)
			must_have(&r, "wants 3 pods up but 2 are running: it needs all 2");
		run_free(&r);
	}
	/* An unreadable budget is ignored with a warning, K stays 1. */
	run r;
	read_text(&r, "pdb-bad.yaml",
		  "kind: StatefulSet\napiVersion: apps/v1\nmetadata: {name: s, namespace: n}\n"
		  "spec: {replicas: 2}\n---\n"
		  "kind: PodDisruptionBudget\napiVersion: policy/v1\nmetadata: {name: p, namespace: n}\n"
		  "spec: {minAvailable: lots, selector: {}}\n---\n"
		  "kind: PodList\napiVersion: v1\nitems:\n"
		  "- metadata: {name: s-0, namespace: n, ownerReferences: [{kind: StatefulSet, name: s, "
		  "controller: true}]}\n  spec: {nodeName: x}\n  status: {phase: Running}\n"
		  "- metadata: {name: s-1, namespace: n, ownerReferences: [{kind: StatefulSet, name: s, "
		  "controller: true}]}\n  spec: {nodeName: x}\n  status: {phase: Running}\n");
	assert_int_equal(r.err, FO_OK);
	must_have(&r, "pdb-bad.yaml:6:1: warning: PodDisruptionBudget n/p: neither minAvailable nor "
		      "maxUnavailable is a count or a percentage: ignored");
	/* Items of a <Kind>List take its kind; the node x is not in the input. */
	assert_string_equal(needs(r.g, "k8s:statefulset/n/s"), "1 of 2: k8s:pod/n/s-0 k8s:pod/n/s-1");
	must_have(&r, "is located in 'k8s:node/x', which no input defines: dropped");
	run_free(&r);
}

/* ------------------------------------------------------------ errors */

static void json_syntax_error_located(void **state)
{
	(void)state;
	run r;
	read_text(&r, "bad.json", "{\"apiVersion\": \"v1\",\n \"kind\": \"List\",\n \"items\": [1,]\n}\n");
	assert_int_equal(r.err, FO_EINPUT);
	must_have(&r, "bad.json:3:14: error: JSON: ");
	run_free(&r);
	/* Duplicate keys are refused (kubectl never writes them). */
	read_text(&r, "dup.json", "{\"kind\": \"Node\", \"kind\": \"Pod\"}");
	assert_int_equal(r.err, FO_EINPUT);
	must_have(&r, "duplicate object key");
	run_free(&r);
	/* Invalid UTF-8 is refused by jansson. */
	read_text(&r, "utf8.json", "{\"kind\": \"Node\", \"metadata\": {\"name\": \"\xff\"}}");
	assert_int_equal(r.err, FO_EINPUT);
	must_have(&r, "utf8.json:1:");
	run_free(&r);
}

static void json_semantic_errors_name_the_item(void **state)
{
	(void)state;
	run r;
	read_text(&r, "items.json",
		  "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"kind\":\"Node\",\"metadata\":"
		  "{\"name\":\"a\"}}, 7, \"x\"]}");
	assert_int_equal(r.err, FO_EINPUT);
	must_have(&r, "items.json: error: items[1] is a number, not an object");
	must_have(&r, "items.json: error: items[2] is a string, not an object");
	assert_int_equal(fo_diag_errors(r.d), 2); /* all errors in one run */
	run_free(&r);
	/* A bad name is a warning naming the object, and the object is skipped. */
	read_text(&r, "names.json",
		  "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":["
		  "{\"kind\":\"Node\",\"metadata\":{\"name\":\"a/b\"}},"
		  "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"line\\nbreak\"}},"
		  "{\"kind\":\"Node\",\"metadata\":{}}]}");
	assert_int_equal(r.err, FO_OK);
	must_have(&r, "items[0] Node a/b: metadata.name or namespace empty");
	must_have(&r, "items[1] Pod line\\nbreak/p: metadata.name");
	must_have(&r, "items[2] Node ?: metadata.name");
	assert_int_equal(fo_model_node_count(r.m), 0);
	run_free(&r);
	/* A name too long for an id: skipped, quoted shortened in the message. */
	char text[1024];
	int n = snprintf(text, sizeof text, "{\"kind\":\"Node\",\"metadata\":{\"name\":\"");
	memset(text + n, 'x', 300);
	snprintf(text + n + 300, sizeof text - (size_t)n - 300, "\"}}");
	read_text(&r, "long.json", text);
	assert_int_equal(r.err, FO_OK);
	char want[200];
	memset(want, 'x', 80);
	snprintf(want + 80, sizeof want - 80, "...: metadata.name or namespace");
	must_have(&r, want);
	run_free(&r);
}

static void wrong_top_level(void **state)
{
	(void)state;
	static const struct {
		const char *name, *text, *msg;
	} cases[] = {
		{ "arr.json", "[{\"kind\":\"Node\"}]", "arr.json: error: the top level is an array" },
		{ "str.json", "\"hello\"", "str.json:1:7: error: JSON: '[' or '{' expected" },
		{ "nokind.json", "{\"apiVersion\":\"v1\",\"metadata\":{}}",
		  "nokind.json: error: no \"kind\" at the top level" },
		{ "kindnum.json", "{\"kind\":3}", "\"kind\" is a number, not a string" },
		{ "noitems.json", "{\"kind\":\"PodList\"}", "a PodList without \"items\"" },
		{ "itemsobj.json", "{\"kind\":\"List\",\"items\":{}}",
		  "a List's \"items\" is an object, not an array" },
		{ "seq.yaml", "- a\n- b\n", "seq.yaml:1:1: error: the top level is an array" },
		{ "scalar.yaml", "---\nhello\n", "scalar.yaml:2:1: error: the top level is a string" },
		{ "utf16.json", "\xff\xfe{\0}\0", "utf16.json:1:1: error: UTF-16 or UTF-32" },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		run r;
		read_text(&r, cases[c].name, cases[c].text);
		assert_int_equal(r.err, FO_EINPUT);
		must_have(&r, cases[c].msg);
		run_free(&r);
	}
}

static void yaml_errors_located(void **state)
{
	(void)state;
	run r;
	/* A tab where indentation is expected. */
	read_text(&r, "tab.yaml", "apiVersion: v1\nkind: Node\nmetadata:\n\tname: x\n");
	assert_int_equal(r.err, FO_EINPUT);
	must_have(&r, "tab.yaml:4:1: error: YAML: found character that cannot start any token");
	run_free(&r);
	/* An unclosed flow mapping in the second document: the first is fine,
	 * but nothing is imported. */
	read_text(&r, "flow.yaml",
		  "kind: Node\nmetadata: {name: a}\n---\nkind: Node\nmetadata: {name: b\n");
	assert_int_equal(r.err, FO_EINPUT);
	must_have(&r, "flow.yaml:6:1: error: YAML: did not find expected ',' or '}'");
	assert_int_equal(fo_model_node_count(r.m), 0);
	run_free(&r);
	/* A complex key. */
	read_text(&r, "key.yaml", "? [a, b]\n: c\n");
	assert_int_equal(r.err, FO_EINPUT);
	must_have(&r, "key.yaml:1:3: error: YAML: a mapping key that is not a scalar");
	run_free(&r);
	/* An alias to nothing. */
	read_text(&r, "alias.yaml", "kind: Node\nmetadata: *nothing\n");
	assert_int_equal(r.err, FO_EINPUT);
	must_have(&r, "alias.yaml:2:11: error: YAML: alias *nothing names no anchor");
	run_free(&r);
	/* Invalid UTF-8 (libyaml's reader). */
	read_text(&r, "bytes.yaml", "kind: Node\nmetadata: {name: \"\xc3\x28\"}\n");
	assert_int_equal(r.err, FO_EINPUT);
	must_have(&r, "bytes.yaml:");
	must_have(&r, "invalid");
	run_free(&r);
}

static void yaml_positions_and_aliases(void **state)
{
	(void)state;
	run r;
	/* A small alias is fine (shared values); the objects carry positions. */
	read_text(&r, "ok.yaml",
		  "apiVersion: v1\nkind: NodeList\nitems:\n"
		  "- metadata:\n    name: a\n    labels: &l {topology.kubernetes.io/zone: z9}\n"
		  "- metadata:\n    name: b\n    labels: *l\n"
		  "- metadata:\n    name: bad/name\n");
	assert_int_equal(r.err, FO_OK);
	assert_string_equal(container(r.g, "k8s:node/a"), "k8s:zone/z9");
	assert_string_equal(container(r.g, "k8s:node/b"), "k8s:zone/z9");
	must_have(&r, "ok.yaml:10:3: warning: items[2] Node bad/name: metadata.name");
	assert_int_equal(fo_graph_node_line(r.g, node(r.g, "k8s:node/b")), 7);
	run_free(&r);
}

/* Billion laughs: each level doubles by aliases, 2^30 nodes if expanded. */
static void yaml_alias_bomb_refused(void **state)
{
	(void)state;
	char text[8192];
	int len = snprintf(text, sizeof text, "a0: &a0 [x, x]\n");
	for (int i = 1; i <= 30; i++)
		len += snprintf(text + len, sizeof text - (size_t)len, "a%d: &a%d [*a%d, *a%d]\n", i, i,
				i - 1, i - 1);
	run r;
	read_text(&r, "bomb.yaml", text);
	assert_int_equal(r.err, FO_ELIMIT);
	must_have(&r, "error: YAML aliases expand this document to more than 1048576 nodes");
	run_free(&r);
}

static void limits(void **state)
{
	(void)state;
	run r;
	/* Nesting. */
	char deep[2048];
	size_t n = 0;
	deep[n++] = 'x', deep[n++] = ':', deep[n++] = ' ';
	for (int i = 0; i < 200; i++)
		deep[n++] = '[';
	deep[n] = '\0';
	const char *path = write_tmp("deep.yaml", deep);
	read1(&r, path);
	assert_int_equal(r.err, FO_ELIMIT);
	must_have(&r, "deep.yaml:1:131: error: YAML nesting deeper than 128 levels (option max-depth)");
	run_free(&r);
	/* JSON nesting is bounded by jansson (2048). */
	char *jdeep = malloc(5001);
	memset(jdeep, '[', 5000);
	jdeep[5000] = '\0';
	read_text(&r, "deep.json", jdeep);
	free(jdeep);
	assert_int_equal(r.err, FO_EINPUT);
	must_have(&r, "maximum parsing depth");
	run_free(&r);
	/* Size, by option. */
	const char *opts[] = { "max-bytes=100", NULL };
	path = write_tmp("big.json", "{\"kind\":\"List\",\"items\":[                                   "
				     "                                                            ]}");
	read_opts(&r, NULL, &path, 1, opts);
	assert_int_equal(r.err, FO_ELIMIT);
	must_have(&r, "big.json: error: 121 bytes: larger than the limit of 100 bytes (option max-bytes)");
	run_free(&r);
	/* Missing file. */
	path = tmp_path("missing.json");
	read1(&r, path);
	assert_int_equal(r.err, FO_EIO);
	must_have(&r, "missing.json: error: cannot open: No such file or directory");
	run_free(&r);
}

static void directories(void **state)
{
	(void)state;
	run r;
	write_tmp("d/a/nodes.yaml", "kind: Node\nmetadata: {name: n1}\n");
	write_tmp("d/b/notes.txt", "not kubernetes");
	write_tmp("d/b/other.yaml", "foo: bar\n");
	write_tmp("d/b/seq.yml", "- 1\n- 2\n");
	write_tmp("d/c/broken.json", "{\"kind\":");
	write_tmp("outside.yaml", "kind: Node\nmetadata: {name: secret}\n");
	char link[512], target[512];
	snprintf(target, sizeof target, "%s/outside.yaml", tmpdir);
	snprintf(link, sizeof link, "%s/d/escape.yaml", tmpdir);
	assert_int_equal(symlink(target, link), 0);
	snprintf(target, sizeof target, "%s/d/a/nodes.yaml", tmpdir);
	snprintf(link, sizeof link, "%s/d/inside.yaml", tmpdir);
	assert_int_equal(symlink(target, link), 0);
	snprintf(target, sizeof target, "%s/d", tmpdir);
	snprintf(link, sizeof link, "%s/d/loop", tmpdir);
	assert_int_equal(symlink(target, link), 0);
	const char *dir = tmp_path("d");
	read1(&r, dir);
	/* The broken file is an error located in it; everything else was read. */
	assert_int_equal(r.err, FO_EINPUT);
	must_have(&r, "d/c/broken.json:1:8: error: JSON: unexpected token near end of file");
	must_have(&r, "d/b/other.yaml:1:1: warning: not a Kubernetes object (no \"kind\"): skipped");
	must_have(&r, "d/b/seq.yml:1:1: warning: the top level is an array, not a Kubernetes object: skipped");
	must_have(&r, "d/escape.yaml: warning: a symbolic link out of the directory: not followed");
	must_have(&r, "d/loop: warning: a symbolic link to a directory or a special file: not followed");
	run_free(&r);
	unlink(tmp_path("d/c/broken.json"));
	dir = tmp_path("d/");
	read1(&r, dir);
	assert_int_equal(r.err, FO_OK);
	/* The in-tree symlink reads nodes.yaml again: a duplicate, counted. */
	assert_true(has_node(r.g, "k8s:node/n1"));
	assert_false(has_node(r.g, "k8s:node/secret"));
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	fo_model_explain(r.m, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "file: 1 read; 1 skipped: not .yaml, .yml or .json (b/notes.txt)"));
	assert_non_null(strstr(buf, "Node: 2 read; 1 node (host 1); 1 skipped: duplicate (read before)"));
	free(buf);
	run_free(&r);
	/* Depth. */
	const char *opts[] = { "max-dir-depth=2", NULL };
	write_tmp("e/1/2/3/deep.yaml", "kind: Node\nmetadata: {name: n1}\n");
	dir = tmp_path("e");
	read_opts(&r, NULL, &dir, 1, opts);
	assert_int_equal(r.err, FO_ELIMIT);
	must_have(&r, "e/1/2/3: error: directories nested deeper than 2 levels");
	run_free(&r);
}

/* Hostile but valid names: quotes, backslash, '<', Chinese: kept as they
 * are in ids and names (every output escapes them). */
static void hostile_names_kept(void **state)
{
	(void)state;
	run r;
	read_text(&r, "hostile.json",
		  "{\"kind\":\"List\",\"items\":["
		  "{\"kind\":\"Node\",\"metadata\":{\"name\":\"n\\\"<q>\\\\\",\"labels\":"
		  "{\"topology.kubernetes.io/zone\":\"区域-1\"}}},"
		  "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"服务\",\"namespace\":\"ns'x\"},"
		  "\"spec\":{\"nodeName\":\"n\\\"<q>\\\\\"},\"status\":{\"phase\":\"Running\"}}]}");
	assert_int_equal(r.build_err, FO_OK);
	assert_string_equal(container(r.g, "k8s:node/n\"<q>\\"), "k8s:zone/区域-1");
	assert_string_equal(container(r.g, "k8s:pod/ns'x/服务"), "k8s:node/n\"<q>\\");
	run_free(&r);
}

/* ------------------------------------------------------------ sniffing */

static void sniff(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int want;
	} cases[] = {
		{ "{\"apiVersion\": \"v1\", \"items\": [", 1 },
		{ "\xef\xbb\xbf  {\n \"kind\": \"List\", \"apiVersion\": \"v1\"", 1 },
		{ "{\"metadata\": {\"apiVersion\": 1}, \"kind\": \"x\"", 0 },  /* nested key */
		{ "{\"apiVersion\": \"v1\"", 0 },                              /* not enough yet */
		{ "{\"format_version\": \"1.0\", \"values\": {}}", 0 },        /* terraform */
		{ "{\"version\": 4, \"resources\": []}", 0 },
		{ "---\napiVersion: v1\nitems:\n- apiVersion: v1\n", 1 },
		{ "# comment\napiVersion: apps/v1\nkind: Deployment\n", 1 },
		{ "  apiVersion: v1\n  kind: Node\n", 0 },                      /* indented */
		{ "<?xml version=\"1.0\"?><inventory/>", 0 },
		{ "sys_id,name,class\n", 0 },
		{ "", 0 },
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
		if (fo_k8s_sniff(cases[c].text, strlen(cases[c].text)) != cases[c].want)
			fail_msg("sniff case %zu: expected %d", c, cases[c].want);
	/* The real files' first 64 KiB. */
	const char *files[] = { INFRA, PODS };
	for (size_t i = 0; i < 2; i++) {
		char buf[65536];
		FILE *f = fopen(files[i], "rb");
		assert_non_null(f);
		size_t n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		assert_int_equal(fo_k8s_sniff(buf, n), 1);
		/* Cut anywhere: never a crash, and 0 or 1. */
		for (size_t k = 0; k < 200; k++)
			assert_true(fo_k8s_sniff(buf, k) == 0 || fo_k8s_sniff(buf, k) == 1);
	}
	assert_int_equal(fo_k8s_sniff(NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_cluster_from_json_lists),
		cmocka_unit_test(real_cluster_summary),
		cmocka_unit_test(real_pods_alone),
		cmocka_unit_test(real_two_sources_same_ids),
		cmocka_unit_test(duplicates_read_once),
		cmocka_unit_test(real_must_gather_same_graph),
		cmocka_unit_test(zones_from_labels),
		cmocka_unit_test(mapping_rules),
		cmocka_unit_test(pdb_rounding),
		cmocka_unit_test(json_syntax_error_located),
		cmocka_unit_test(json_semantic_errors_name_the_item),
		cmocka_unit_test(wrong_top_level),
		cmocka_unit_test(yaml_errors_located),
		cmocka_unit_test(yaml_positions_and_aliases),
		cmocka_unit_test(yaml_alias_bomb_refused),
		cmocka_unit_test(limits),
		cmocka_unit_test(directories),
		cmocka_unit_test(hostile_names_kept),
		cmocka_unit_test(sniff),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
