/*
 * fuzz_graphml.c — libFuzzer harness of the GraphML reader
 * (importers/fo_graphml.h) and writer (reports/fo_graphml.h): bytes → one
 * GraphML source of an import model → fo_model_build.
 *
 * Checks beyond "no crash, no leak, no undefined behaviour":
 *  - a failed read returns FO_EINPUT or FO_ELIMIT with every stored error
 *    located FILE:LINE:COL in the file read, and builds nothing;
 *  - a built graph goes through the what-if outputs (fz_check_outputs);
 *  - the writer's GraphML of that graph reads back, without a diagnostic,
 *    into a graph with the same nodes and groups, whose GraphML is the
 *    same bytes (the round trip the tests check on real inventories).
 * Run and reproduce: tests/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../graphs/fo_error.h"
#include "../../importers/fo_graphml.h"
#include "../../importers/fo_model.h"
#include "../../reports/fo_graphml.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads path as one GraphML source (prefix NULL: graphml's; "" for none).
 * Returns the status; *g the graph when built. */
static int import(fo_graph **g, const char *path, const char *name, const char *prefix,
		  fo_diag **diag)
{
	fo_model *m = NULL;
	int err;

	*g = NULL;
	if (fo_diag_new(diag, 0) != FO_OK || fo_model_new(&m, *diag) != FO_OK ||
	    fo_model_source_begin(m, name, "graphml", prefix, 0, NULL) != FO_OK)
		fz_fail("setting up the model");
	err = fo_graphml_read(m, path);
	if (err == FO_OK)
		err = fo_model_build(m, g);
	fo_model_free(m);
	return err;
}

static char *write_mem(const fo_graph *g, size_t *len)
{
	fz_membuf mb;
	FILE *fp = fz_mb_open(&mb);
	fz_mb_close(&mb, "graphml write", fo_graphml_write(fp, g, NULL));
	*len = mb.len;
	return mb.buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fz_path("input", ".graphml");
	fo_graph *g = NULL, *back = NULL;
	fo_diag *diag = NULL, *diag2 = NULL;
	int err;

	fz_write(path, data, size);
	err = import(&g, path, "fuzz.graphml", NULL, &diag);
	if (err != FO_OK) {
		if (g)
			fz_fail("import: %s, but a graph was returned", fo_strerror(err));
		if (err != FO_EINPUT && err != FO_ELIMIT)
			fz_fail("import: unexpected %s", fo_strerror(err));
		fz_check_diag_located("graphml", diag, "fuzz.graphml", 1);
		fo_diag_free(diag);
		return 0;
	}
	fz_check_outputs(g, fz_hash(data, size), 1);

	size_t len, len2;
	char *out = write_mem(g, &len);
	const char *wpath = fz_path("written", ".graphml");
	fz_write(wpath, (const uint8_t *)out, len);
	err = import(&back, wpath, "written.graphml", "", &diag2);
	if (err != FO_OK || fo_diag_count(diag2))
		fz_fail("the writer's GraphML does not read back cleanly (%s, %zu diagnostics)",
			fo_strerror(err), fo_diag_count(diag2));
	if (fo_graph_node_count(back) != fo_graph_node_count(g) ||
	    fo_graph_group_count(back) != fo_graph_group_count(g) ||
	    fo_graph_member_count(back) != fo_graph_member_count(g))
		fz_fail("read back: %u nodes, %u groups, %zu members instead of %u, %u, %zu",
			fo_graph_node_count(back), fo_graph_group_count(back),
			fo_graph_member_count(back), fo_graph_node_count(g), fo_graph_group_count(g),
			fo_graph_member_count(g));
	for (uint32_t v = 0; v < fo_graph_node_count(g); v++)
		if (strcmp(fo_graph_node_id(back, v), fo_graph_node_id(g, v)))
			fz_fail("read back: node %u is '%s', not '%s'", v, fo_graph_node_id(back, v),
				fo_graph_node_id(g, v));
	char *out2 = write_mem(back, &len2);
	if (len2 != len || memcmp(out, out2, len))
		fz_fail("the GraphML of the graph read back differs from the first");
	free(out);
	free(out2);
	fo_graph_free(back);
	fo_graph_free(g);
	fo_diag_free(diag2);
	fo_diag_free(diag);
	return 0;
}
