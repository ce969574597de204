/*
 * fuzz_mapfile.c — libFuzzer harness of the mapping file (importers/
 * fo_mapfile.h): bytes → fo_mapfile_load; a map that loads is applied to a
 * fixed import model of three sources (facilities with zones, a Terraform
 * state, a Kubernetes dump; ids and properties with quotes, backslashes,
 * '<', newlines and Chinese text), its prefixes and options asked for as the
 * CLI does, then the model is built and explained.
 *
 * Checks beyond "no crash, no leak, no undefined behaviour":
 *  - a failed load returns no map, and every stored error is located
 *    FILE:LINE:COL in the map file;
 *  - apply returns FO_OK or FO_EINPUT (with an error on the diag), and every
 *    diagnostic it adds about the map file is located there;
 *  - the model builds (FO_OK, or FO_EINPUT with errors), and what
 *    --explain-import prints is valid UTF-8.
 * Run and reproduce: tests/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../graphs/fo_error.h"
#include "../../importers/fo_mapfile.h"
#include "../../importers/fo_model.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const fo_pos P0 = { 0, 0 };

static void ok(const char *what, int err)
{
	if (err != FO_OK)
		fz_fail("%s: %s", what, fo_strerror(err));
}

static uint32_t node(fo_model *m, const char *id, const char *kind, const char *type,
		     const char *const *props)
{
	uint32_t v;
	ok("fo_model_add_node", fo_model_add_node(m, id, kind, NULL, NULL, 0, type, P0, &v));
	for (size_t i = 0; props && props[i]; i += 2)
		ok("fo_model_add_prop", fo_model_add_prop(m, v, props[i], props[i + 1]));
	return v;
}

/* Begins a source as the CLI does with a map: its prefix, then its
 * options. */
static void source(fo_model *m, const fo_mapfile *map, const char *file, const char *format,
		   int strict)
{
	const char *prefix = fo_mapfile_source_prefix(map, file, format);
	ok("fo_model_source_begin",
	   fo_model_source_begin(m, file, format, prefix ? prefix : strict ? "" : NULL, strict, NULL));
	ok("fo_mapfile_begin_source", fo_mapfile_begin_source(map, m));
}

static void fixed_model(fo_model *m, const fo_mapfile *map)
{
	static const char *const zone_b[] = { "name", "us-east-1b", NULL };
	static const char *const vm0[] = { "id", "i-0", "availability_zone", "us-east-1b", "tags.Name",
					   "web \"0\"\n<中文>", NULL };
	static const char *const vm1[] = { "id", "i-1", "availability_zone", "us-east-1c", NULL };
	static const char *const n0[] = { "topology.kubernetes.io/zone", "us-east-1b", "providerID",
					  "aws:///us-east-1b/i-0", "namespace", "a\\b", NULL };
	static const char *const n1[] = { "topology.kubernetes.io/zone", "us-east-1c", "providerID",
					  "aws:///us-east-1c/i-1", NULL };
	static const char *const pod[] = { "namespace", "shop", "labels.app", "Web", NULL };
	uint32_t z, v, p[3], d;

	source(m, map, "site/facilities.xml", "fallout", 1);
	z = node(m, "zone-b", "zone", "node", zone_b);
	v = node(m, "zone-c", "zone", "node", NULL);
	node(m, "q\"uote\\<x>\n中文", "host", "node", NULL);
	ok("fo_model_set_parent", fo_model_set_parent(m, v, z));

	source(m, map, "states/prod.tfstate", "terraform", 0);
	v = node(m, "aws_instance.web[0]", "vm", "aws_instance", vm0);
	node(m, "aws_instance.web[\"b\"]", "vm", "aws_instance", vm1);
	node(m, "aws_iam_role.r", "iam", "aws_iam_role", NULL);
	ok("requires", fo_model_requires_local(m, v, FO_GROUP_DEGRADES, "aws_iam_role.r", P0));

	source(m, map, "cluster.json", "k8s", 0);
	node(m, "node/n0", "host", "Node", n0);
	node(m, "node/n1", "host", "Node", n1);
	for (int i = 0; i < 3; i++) {
		char id[32];
		snprintf(id, sizeof id, "pod/shop/web-%d", i);
		p[i] = node(m, id, "service", "Pod", pod);
		ok("requires", fo_model_requires_local(m, p[i], FO_GROUP_REQUIRES, i ? "node/n1" : "node/n0", P0));
	}
	d = node(m, "deployment/shop/web", "service", "Deployment", pod);
	ok("fo_model_group_begin", fo_model_group_begin(m, d, FO_GROUP_REQUIRES, 1, P0));
	for (int i = 0; i < 3; i++)
		ok("fo_model_group_add_node", fo_model_group_add_node(m, p[i], P0));
	ok("fo_model_group_end", fo_model_group_end(m));
}

/* Every diagnostic about the map file from index `first` has a line and a
 * column. */
static void check_located(const char *what, const fo_diag *d, size_t first, const char *path)
{
	for (size_t i = first; i < fo_diag_count(d); i++) {
		const fo_diag_entry *e = fo_diag_get(d, i);
		if (!e->msg || !*e->msg)
			fz_fail("%s: a diagnostic without a message", what);
		if (e->file && !strcmp(e->file, path) && (!e->line || !e->col))
			fz_fail("%s: '%s' is not located (%lu:%lu)", what, e->msg, e->line, e->col);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fz_path("map", ".xml");
	fo_mapfile *map = NULL;
	fo_diag *diag = NULL;
	fo_model *m = NULL;
	fo_graph *g = NULL;
	int err;

	fz_write(path, data, size);
	if (fo_diag_new(&diag, 0) != FO_OK)
		fz_fail("fo_diag_new");
	err = fo_mapfile_load(&map, path, diag);
	if (err != FO_OK) {
		if (map)
			fz_fail("map load: %s, but a map was returned", fo_strerror(err));
		if (err != FO_EINPUT && err != FO_ELIMIT)
			fz_fail("map load: unexpected %s", fo_strerror(err));
		fz_check_diag_located("map load", diag, path, 1);
		fo_diag_free(diag);
		return 0;
	}
	if (fo_diag_errors(diag))
		fz_fail("map load: FO_OK with errors on the diag");
	ok("fo_model_new", fo_model_new(&m, diag));
	fixed_model(m, map);
	size_t first = fo_diag_count(diag), errors = fo_diag_errors(diag);
	err = fo_mapfile_apply(map, m);
	if (err != FO_OK && err != FO_EINPUT)
		fz_fail("map apply: unexpected %s", fo_strerror(err));
	if ((err == FO_EINPUT) != (fo_diag_errors(diag) > errors))
		fz_fail("map apply: %s with %zu new errors", fo_strerror(err), fo_diag_errors(diag) - errors);
	check_located("map apply", diag, first, path);
	fo_mapfile_free(map); /* the model keeps nothing of the map's */
	err = fo_model_build(m, &g);
	if (err != FO_OK && err != FO_EINPUT)
		fz_fail("build: unexpected %s", fo_strerror(err));
	if ((err == FO_OK) != (g != NULL))
		fz_fail("build: %s and %s graph", fo_strerror(err), g ? "a" : "no");
	fz_membuf ex;
	ok("fo_model_explain", fo_model_explain(m, fz_mb_open(&ex)));
	fz_mb_close(&ex, "explain", FO_OK);
	fz_check_utf8("explain", ex.buf, ex.len);
	free(ex.buf);
	fo_graph_free(g);
	fo_model_free(m);
	fo_diag_free(diag);
	return 0;
}
