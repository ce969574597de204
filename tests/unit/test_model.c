/*
 * test_model.c — the import model (importers/fo_model.h): prefixes, local
 * and global references across sources, dangling references (warnings in
 * imported sources, errors with suggestions in strict ones), K clamped
 * when members are missing, repeated members, duplicate ids across files,
 * same-as merges, drops, containment loops, options, and what explain and
 * the summary line say.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "graphs/fo_diag.h"
#include "graphs/fo_error.h"
#include "graphs/fo_graph.h"
#include "importers/fo_model.h"
#include "analyzer/fo_engine.h"
#include "helpers/fixture.h"

static const fo_pos P0 = { 0, 0 };

/* Every stored diag line, "FILE:LINE:COL: severity: msg", joined by '\n'. */
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

/* facilities (strict, no prefix): a zone with a host; cluster (imported,
 * prefix k8s): a node placed in the zone by global id, two pods on it, a
 * deployment needing 2 of 3 pods where pod-c is never defined. */
static void two_sources(fo_model *m)
{
	uint32_t zone, host, node, a, b, dep;
	assert_int_equal(fo_model_source_begin(m, "fac.xml", "fallout", "", 1, NULL), FO_OK);
	assert_int_equal(fo_model_add_node(m, "zone-b", "zone", "Zone B", NULL, 0, "node",
					   (fo_pos){ 3, 5 }, &zone), FO_OK);
	assert_int_equal(fo_model_add_node(m, "host-1", "host", NULL, NULL, 0, "node",
					   (fo_pos){ 4, 7 }, &host), FO_OK);
	assert_int_equal(fo_model_set_parent(m, host, zone), FO_OK);

	assert_int_equal(fo_model_source_begin(m, "c.json", "k8s", NULL, 0, NULL), FO_OK);
	assert_string_equal(fo_model_source_prefix(m, 1), "k8s");
	assert_int_equal(fo_model_count_read(m, "Node", 1), FO_OK);
	assert_int_equal(fo_model_add_node(m, "node/n1", "host", NULL, NULL, 0, "Node", P0, &node), FO_OK);
	assert_int_equal(fo_model_set_container_global(m, node, "zone-b", P0), FO_OK);
	assert_int_equal(fo_model_count_read(m, "Pod", 4), FO_OK);
	assert_int_equal(fo_model_add_node(m, "pod/ns/a", "service", NULL, "ns", 0, "Pod", P0, &a), FO_OK);
	assert_int_equal(fo_model_add_node(m, "pod/ns/b", "service", NULL, "ns", 0, "Pod", P0, &b), FO_OK);
	assert_int_equal(fo_model_requires_local(m, a, FO_GROUP_REQUIRES, "node/n1", P0), FO_OK);
	assert_int_equal(fo_model_requires_local(m, b, FO_GROUP_REQUIRES, "node/n1", P0), FO_OK);
	assert_int_equal(fo_model_skip(m, "Pod", "ns/pending-1", "pending pod"), FO_OK);
	assert_int_equal(fo_model_skip(m, "Pod", "ns/pending-2", "pending pod"), FO_OK);
	assert_int_equal(fo_model_count_read(m, "Deployment", 1), FO_OK);
	assert_int_equal(fo_model_add_node(m, "deployment/ns/web", "app", "web", "ns", 0, "Deployment",
					   P0, &dep), FO_OK);
	assert_int_equal(fo_model_group_begin(m, dep, FO_GROUP_REQUIRES, 2, P0), FO_OK);
	assert_int_equal(fo_model_group_add_local(m, "pod/ns/a", P0), FO_OK);
	assert_int_equal(fo_model_group_add_node(m, b, P0), FO_OK);
	assert_int_equal(fo_model_group_add_local(m, "pod/ns/c", P0), FO_OK);
	assert_int_equal(fo_model_group_add_local(m, "pod/ns/a", P0), FO_OK); /* repeated */
	assert_int_equal(fo_model_group_end(m), FO_OK);
	assert_int_equal(fo_model_count_read(m, "ReplicaSet", 1), FO_OK);
	assert_int_equal(fo_model_count_folded(m, "ReplicaSet", "its Deployment"), FO_OK);
}

static void joins_sources(void **state)
{
	fo_diag *d = NULL;
	fo_model *m = NULL;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	(void)state;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_model_new(&m, d), FO_OK);
	two_sources(m);
	assert_int_equal(fo_model_build(m, &g), FO_OK);
	assert_string_equal(fo_graph_file(g), "fac.xml + c.json");
	assert_int_equal(fo_graph_node_count(g), 6);
	uint32_t node = fx_id(g, "k8s:node/n1"), dep = fx_id(g, "k8s:deployment/ns/web");
	assert_int_equal(fo_graph_node_container(g, node), fx_id(g, "zone-b"));
	/* 2 of 3 with pod-c undefined: 2 of the 2 left, said once. */
	uint32_t first, count;
	fo_graph_node_groups(g, dep, &first, &count);
	assert_int_equal(count, 1);
	fo_group_info gi;
	fo_graph_group(g, first, &gi);
	assert_int_equal(gi.k, 2);
	assert_int_equal(gi.n, 2);
	assert_int_equal(fo_diag_errors(d), 0);
	assert_int_equal(fo_diag_warnings(d), 1);
	char *t = diag_text(d);
	assert_non_null(strstr(t, "c.json: warning: 'k8s:deployment/ns/web' needs 'k8s:pod/ns/c', which no input defines: dropped"));
	free(t);
	/* The zone of the facilities takes the cluster's app down. */
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "fail:zone-b"), FO_OK);
	assert_true(fx_flags(e, "k8s:deployment/ns/web") & FO_F_DOWN);
	fo_engine_free(e);

	t = explain_text(m, 1);
	assert_string_equal(t, "c.json (k8s): 7 objects: 4 nodes, 1 folded, 2 skipped; 1 dangling reference (--explain-import)\n");
	free(t);
	t = explain_text(m, 0);
	assert_non_null(strstr(t, "fac.xml (fallout): 0 objects read, 2 nodes, 0 folded, 0 skipped\n"));
	assert_non_null(strstr(t, "c.json (k8s, ids k8s:…): 7 objects read, 4 nodes, 1 folded, 2 skipped, 1 dangling reference\n"));
	assert_non_null(strstr(t, "  Pod: 4 read; 2 nodes (service 2); 2 skipped: pending pod (ns/pending-1, ns/pending-2)\n"));
	assert_non_null(strstr(t, "  ReplicaSet: 1 read; 1 folded into its Deployment\n"));
	free(t);
	fo_graph_free(g);
	fo_model_free(m);
	fo_diag_free(d);
}

/* In a strict source an unknown reference is an error with a suggestion,
 * a repeated member an error, and nothing is built. */
static void strict_errors(void **state)
{
	fo_diag *d = NULL;
	fo_model *m = NULL;
	fo_graph *g = (fo_graph *)1;
	uint32_t a;
	(void)state;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_model_new(&m, d), FO_OK);
	assert_int_equal(fo_model_source_begin(m, "a.xml", "fallout", "", 1, NULL), FO_OK);
	assert_int_equal(fo_model_add_node(m, "payments", "app", NULL, NULL, 0, "node", (fo_pos){ 2, 3 }, &a), FO_OK);
	assert_int_equal(fo_model_add_node(m, "db-main", "db", NULL, NULL, 0, "node", (fo_pos){ 3, 3 }, NULL), FO_OK);
	assert_int_equal(fo_model_group_begin(m, a, FO_GROUP_REQUIRES, 1, (fo_pos){ 4, 5 }), FO_OK);
	assert_int_equal(fo_model_group_add_local(m, "db-mian", (fo_pos){ 4, 19 }), FO_OK);
	assert_int_equal(fo_model_group_end(m), FO_OK);
	assert_int_equal(fo_model_group_begin(m, a, FO_GROUP_REQUIRES, 1, (fo_pos){ 5, 5 }), FO_OK);
	assert_int_equal(fo_model_group_add_local(m, "db-main", (fo_pos){ 5, 20 }), FO_OK);
	assert_int_equal(fo_model_group_add_local(m, "db-main", (fo_pos){ 5, 40 }), FO_OK);
	assert_int_equal(fo_model_group_end(m), FO_OK);
	assert_int_equal(fo_model_group_begin(m, a, FO_GROUP_REQUIRES, 3, (fo_pos){ 6, 5 }), FO_OK);
	assert_int_equal(fo_model_group_add_local(m, "db-main", (fo_pos){ 6, 20 }), FO_OK);
	assert_int_equal(fo_model_group_end(m), FO_OK);
	/* Copies are resolved with the rest, whatever else is wrong. */
	assert_int_equal(fo_model_add_copy_local(m, a, "cos-gx", (fo_pos){ 7, 11 }), FO_OK);
	assert_int_equal(fo_model_add_copy_local(m, a, "db-main", (fo_pos){ 8, 11 }), FO_OK);
	assert_int_equal(fo_model_add_copy_local(m, a, "db-main", (fo_pos){ 9, 11 }), FO_OK);
	assert_int_equal(fo_model_add_node(m, "db-main", "db", NULL, NULL, 0, "node", (fo_pos){ 10, 3 }, NULL), FO_OK);
	assert_int_equal(fo_model_build(m, &g), FO_EINPUT);
	assert_null(g);
	char *t = diag_text(d);
	assert_non_null(strstr(t, "a.xml:7:11: error: unknown copy holder 'cos-gx'"));
	assert_non_null(strstr(t, "a.xml:9:11: error: repeated copy holder 'db-main'"));
	assert_non_null(strstr(t, "a.xml:10:3: error: duplicate id 'db-main' (first defined at line 3)"));
	assert_non_null(strstr(t, "a.xml:4:19: error: unknown reference 'db-mian'; did you mean 'db-main'?"));
	assert_non_null(strstr(t, "a.xml:5:40: error: repeated member 'db-main' in one group"));
	assert_non_null(strstr(t, "a.xml:6:5: error: bad min: needs 3 of 1 members"));
	free(t);
	fo_model_free(m);
	fo_diag_free(d);
}

/* The same id in two files: an error at the second, naming the first. */
static void duplicate_across_files(void **state)
{
	fo_diag *d = NULL;
	fo_model *m = NULL;
	fo_graph *g = NULL;
	(void)state;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_model_new(&m, d), FO_OK);
	assert_int_equal(fo_model_source_begin(m, "a.xml", "fallout", "", 1, NULL), FO_OK);
	assert_int_equal(fo_model_add_node(m, "tf:x", "vm", NULL, NULL, 0, "node", (fo_pos){ 7, 3 }, NULL), FO_OK);
	assert_int_equal(fo_model_source_begin(m, "s.tfstate", "terraform", "tf", 0, NULL), FO_OK);
	assert_int_equal(fo_model_add_node(m, "x", "vm", NULL, NULL, 0, "aws_instance", P0, NULL), FO_OK);
	assert_int_equal(fo_model_build(m, &g), FO_EINPUT);
	char *t = diag_text(d);
	assert_non_null(strstr(t, "s.tfstate: error: duplicate id 'tf:x' (first defined at a.xml:7)"));
	free(t);
	fo_model_free(m);
	fo_diag_free(d);
}

/* same-as merges a cluster node into the VM it runs on: references to
 * either reach the VM, which gains the node's props and placement. */
static void aliases_merge(void **state)
{
	fo_diag *d = NULL;
	fo_model *m = NULL;
	fo_graph *g = NULL;
	uint32_t vm, node, pod, z;
	(void)state;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_model_new(&m, d), FO_OK);
	assert_int_equal(fo_model_source_begin(m, "s.tfstate", "terraform", "tf", 0, NULL), FO_OK);
	assert_int_equal(fo_model_add_node(m, "aws_instance.w[0]", "vm", "worker 0", NULL, 0, "aws_instance", P0, &vm), FO_OK);
	assert_int_equal(fo_model_source_begin(m, "c.json", "k8s", NULL, 0, NULL), FO_OK);
	assert_int_equal(fo_model_add_node(m, "zone/z1", "zone", NULL, NULL, 0, "zone", P0, &z), FO_OK);
	assert_int_equal(fo_model_add_node(m, "node/n1", "host", NULL, NULL, 0, "Node", P0, &node), FO_OK);
	assert_int_equal(fo_model_add_prop(m, node, "providerID", "aws:///z1/i-1"), FO_OK);
	assert_int_equal(fo_model_set_parent(m, node, z), FO_OK);
	assert_int_equal(fo_model_add_node(m, "pod/p", "service", NULL, NULL, 0, "Pod", P0, &pod), FO_OK);
	assert_int_equal(fo_model_requires_local(m, pod, FO_GROUP_REQUIRES, "node/n1", P0), FO_OK);
	assert_int_equal(fo_model_alias(m, "k8s:node/n1", "tf:aws_instance.w[0]", "map.xml", (fo_pos){ 9, 3 }), FO_OK);
	assert_int_equal(fo_model_alias(m, "k8s:node/n9", "tf:aws_instance.w[0]", "map.xml", (fo_pos){ 10, 3 }), FO_OK);
	assert_int_equal(fo_model_build(m, &g), FO_OK);
	assert_int_equal(fo_graph_node_count(g), 3);
	uint32_t gvm = fx_id(g, "tf:aws_instance.w[0]");
	assert_int_equal(fo_graph_lookup(g, "k8s:node/n1", &z), FO_ENOTFOUND);
	assert_int_equal(fo_graph_node_container(g, gvm), fx_id(g, "k8s:zone/z1"));
	const fo_prop *props;
	assert_int_equal(fo_graph_node_props(g, gvm, &props), 1);
	assert_string_equal(props[0].key, "providerID");
	uint32_t first, count;
	fo_group_info gi;
	fo_graph_node_groups(g, fx_id(g, "k8s:pod/p"), &first, &count);
	assert_int_equal(count, 1);
	fo_graph_group(g, first, &gi);
	assert_int_equal(gi.members[0], gvm);
	char *t = diag_text(d);
	assert_non_null(strstr(t, "map.xml:10:3: warning: same-as names 'k8s:node/n9', which no input defines: ignored"));
	free(t);
	t = explain_text(m, 0);
	assert_non_null(strstr(t, "  Node: created; 1 merged by same-as\n"));
	assert_non_null(strstr(t, "same-as: 2 declared, 1 merged\n"));
	free(t);
	fo_graph_free(g);
	fo_model_free(m);
	fo_diag_free(d);
}

/* A dropped node is counted as skipped; references to it are dangling
 * warnings in an imported source, errors in a strict one. */
static void drops(void **state)
{
	fo_diag *d = NULL;
	fo_model *m = NULL;
	fo_graph *g = NULL;
	uint32_t role, inst, app;
	(void)state;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_model_new(&m, d), FO_OK);
	assert_int_equal(fo_model_source_begin(m, "s.tfstate", "terraform", "tf", 0, NULL), FO_OK);
	assert_int_equal(fo_model_count_read(m, "aws_iam_role", 1), FO_OK);
	assert_int_equal(fo_model_add_node(m, "aws_iam_role.r", "iam", NULL, NULL, 0, "aws_iam_role", P0, &role), FO_OK);
	assert_int_equal(fo_model_add_node(m, "aws_instance.i", "vm", NULL, NULL, 0, "aws_instance", P0, &inst), FO_OK);
	assert_int_equal(fo_model_requires_local(m, inst, FO_GROUP_DEGRADES, "aws_iam_role.r", P0), FO_OK);
	assert_int_equal(fo_model_node_drop(m, role, "dropped by map.xml:3"), FO_OK);
	assert_int_equal(fo_model_build(m, &g), FO_OK);
	assert_int_equal(fo_graph_node_count(g), 1);
	char *t = diag_text(d);
	assert_non_null(strstr(t, "'tf:aws_instance.i' degrades without 'tf:aws_iam_role.r', which the mapping file dropped: dropped"));
	free(t);
	t = explain_text(m, 0);
	assert_non_null(strstr(t, "  aws_iam_role: 1 read; 1 skipped: dropped by map.xml:3 (tf:aws_iam_role.r)\n"));
	free(t);
	fo_graph_free(g);
	fo_model_free(m);
	fo_diag_free(d);

	g = NULL;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_model_new(&m, d), FO_OK);
	assert_int_equal(fo_model_source_begin(m, "a.xml", "fallout", "", 1, NULL), FO_OK);
	assert_int_equal(fo_model_add_node(m, "x", "host", NULL, NULL, 0, "node", (fo_pos){ 2, 3 }, &inst), FO_OK);
	assert_int_equal(fo_model_add_node(m, "app", "app", NULL, NULL, 0, "node", (fo_pos){ 3, 3 }, &app), FO_OK);
	assert_int_equal(fo_model_requires_local(m, app, FO_GROUP_REQUIRES, "x", (fo_pos){ 3, 30 }), FO_OK);
	assert_int_equal(fo_model_node_drop(m, inst, "dropped by map.xml:3"), FO_OK);
	assert_int_equal(fo_model_build(m, &g), FO_EINPUT);
	t = diag_text(d);
	assert_non_null(strstr(t, "a.xml:3:30: error: unknown reference 'x' (dropped by the mapping file)"));
	free(t);
	fo_model_free(m);
	fo_diag_free(d);
}

/* K above the members left is clamped, with a warning on the group. */
static void k_clamped(void **state)
{
	fo_diag *d = NULL;
	fo_model *m = NULL;
	fo_graph *g = NULL;
	uint32_t lb, a;
	(void)state;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_model_new(&m, d), FO_OK);
	assert_int_equal(fo_model_source_begin(m, "s.tfstate", "terraform", "tf", 0, NULL), FO_OK);
	assert_int_equal(fo_model_add_node(m, "aws_autoscaling_group.g", "service", NULL, NULL, 0, "aws_autoscaling_group", P0, &lb), FO_OK);
	assert_int_equal(fo_model_add_node(m, "zone/a", "zone", NULL, NULL, 0, "zone", P0, &a), FO_OK);
	assert_int_equal(fo_model_group_begin(m, lb, FO_GROUP_REQUIRES, 2, P0), FO_OK);
	assert_int_equal(fo_model_group_add_node(m, a, P0), FO_OK);
	assert_int_equal(fo_model_group_add_local(m, "zone/b", P0), FO_OK);
	assert_int_equal(fo_model_group_add_local(m, "zone/c", P0), FO_OK);
	assert_int_equal(fo_model_group_end(m), FO_OK);
	assert_int_equal(fo_model_build(m, &g), FO_OK);
	fo_group_info gi;
	fo_graph_group(g, 0, &gi);
	assert_int_equal(gi.k, 1);
	assert_int_equal(gi.n, 1);
	char *t = diag_text(d);
	assert_non_null(strstr(t, "'tf:aws_autoscaling_group.g' needs 2 of 3, but only 1 are defined: needs 1 of 1"));
	free(t);
	assert_int_equal(fo_diag_warnings(d), 3);
	fo_graph_free(g);
	fo_model_free(m);
	fo_diag_free(d);
}

/* In an imported source a holder named twice is kept once, silently. */
static void copies_deduped(void **state)
{
	fo_diag *d = NULL;
	fo_model *m = NULL;
	fo_graph *g = NULL;
	uint32_t h, ds;
	(void)state;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_model_new(&m, d), FO_OK);
	assert_int_equal(fo_model_source_begin(m, "m.xml", "archimate", NULL, 0, NULL), FO_OK);
	assert_int_equal(fo_model_add_node(m, "h", "host", NULL, NULL, 0, "Node", P0, &h), FO_OK);
	assert_int_equal(fo_model_add_node(m, "d", "dataset", NULL, NULL, 0, "DataObject", P0, &ds), FO_OK);
	assert_int_equal(fo_model_add_copy_node(m, ds, h, P0), FO_OK);
	assert_int_equal(fo_model_add_copy_local(m, ds, "h", P0), FO_OK);
	assert_int_equal(fo_model_build(m, &g), FO_OK);
	assert_int_equal(fo_diag_count(d), 0);
	uint32_t first, count;
	fo_group_info gi;
	fo_graph_node_groups(g, fx_id(g, "archimate:d"), &first, &count);
	assert_int_equal(count, 1);
	fo_graph_group(g, first, &gi);
	assert_int_equal(gi.type, FO_GROUP_COPIES);
	assert_int_equal(gi.n, 1);
	fo_graph_free(g);
	fo_model_free(m);
	fo_diag_free(d);
}

static void containment_loop(void **state)
{
	fo_diag *d = NULL;
	fo_model *m = NULL;
	fo_graph *g = NULL;
	uint32_t a, b;
	(void)state;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_model_new(&m, d), FO_OK);
	assert_int_equal(fo_model_source_begin(m, "g.graphml", "graphml", NULL, 0, NULL), FO_OK);
	assert_int_equal(fo_model_add_node(m, "a", "site", NULL, NULL, 0, "node", (fo_pos){ 2, 1 }, &a), FO_OK);
	assert_int_equal(fo_model_add_node(m, "b", "room", NULL, NULL, 0, "node", (fo_pos){ 3, 1 }, &b), FO_OK);
	assert_int_equal(fo_model_set_container_local(m, a, "b", (fo_pos){ 2, 9 }), FO_OK);
	assert_int_equal(fo_model_set_container_local(m, b, "a", (fo_pos){ 3, 9 }), FO_OK);
	assert_int_equal(fo_model_build(m, &g), FO_EINPUT);
	char *t = diag_text(d);
	assert_non_null(strstr(t, "g.graphml:2:9: error: node 'graphml:a' is located in itself through a containment loop"));
	free(t);
	fo_model_free(m);
	fo_diag_free(d);
}

static void options_and_errors(void **state)
{
	fo_diag *d = NULL;
	fo_model *m = NULL;
	uint32_t v;
	(void)state;
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_model_new(&m, d), FO_OK);
	assert_null(fo_model_option(m, "x"));
	assert_int_equal(fo_model_set_option(m, "x", "1"), FO_EINVAL); /* no source yet */
	assert_int_equal(fo_model_add_node(m, "a", "vm", NULL, NULL, 0, "t", P0, &v), FO_EINVAL);
	assert_int_equal(fo_model_source_begin(m, "x.graphml", "graphml", NULL, 0, NULL), FO_OK);
	assert_int_equal(fo_model_set_option(m, "kind-key", "type"), FO_OK);
	assert_int_equal(fo_model_set_option(m, "kind-key", "Type"), FO_OK);
	assert_string_equal(fo_model_option(m, "kind-key"), "Type");
	assert_int_equal(fo_model_add_node(m, "a", "Bad Kind", NULL, NULL, 0, "t", (fo_pos){ 1, 2 }, &v), FO_OK);
	assert_int_equal(fo_model_add_node(m, "", "vm", NULL, NULL, 0, "t", (fo_pos){ 1, 3 }, NULL), FO_OK);
	assert_int_equal(fo_model_lookup_local(m, "a", &v), FO_OK);
	assert_int_equal(fo_model_lookup(m, "graphml:a", &v), FO_OK);
	assert_int_equal(fo_model_node_set_kind(m, v, "Not A Word"), FO_EINVAL);
	assert_int_equal(fo_diag_errors(d), 2); /* the kind; the empty local id */
	fo_model_node node;
	fo_model_node_get(m, v, &node);
	assert_string_equal(node.id, "graphml:a");
	assert_string_equal(node.source_type, "t");
	/* An empty group is dropped silently in an imported source. */
	assert_int_equal(fo_model_group_begin(m, v, FO_GROUP_REQUIRES, 0, P0), FO_OK);
	assert_int_equal(fo_model_group_end(m), FO_OK);
	assert_int_equal(fo_model_group_count(m), 0);
	fo_model_free(m);
	fo_diag_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(joins_sources),
		cmocka_unit_test(strict_errors),
		cmocka_unit_test(duplicate_across_files),
		cmocka_unit_test(aliases_merge),
		cmocka_unit_test(drops),
		cmocka_unit_test(k_clamped),
		cmocka_unit_test(copies_deduped),
		cmocka_unit_test(containment_loop),
		cmocka_unit_test(options_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
