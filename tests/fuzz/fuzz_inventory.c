/*
 * fuzz_inventory.c — libFuzzer harness of the inventory reader
 * (importers/fo_inventory.h): bytes → fo_inventory_load, twice (without and
 * with XSD validation, as `whatif` and `check` read a file).
 *
 * Checks beyond "no crash, no leak, no undefined behaviour":
 *  - a failed load returns no graph, and every stored error is located
 *    FILE:LINE:COL in the file that was read;
 *  - validation only adds errors: a file valid with the schema is valid
 *    without it;
 *  - a loaded graph goes through a what-if of nodes picked by the input's
 *    hash, and every report of it is checked (fz_check_outputs): JSON
 *    well-formed and UTF-8, text and CSV valid UTF-8, DOT read back by
 *    cgraph, SPOF in three formats.
 * Run and reproduce: tests/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>

#include "../../graphs/fo_error.h"
#include "../../importers/fo_inventory.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loads path; returns the status after checking the failure contract. */
static int load(fo_graph **g, const char *path, int schema)
{
	fo_inventory_opts o = { schema, "fuzz.xml", 0, 0 };
	fo_diag *diag = NULL;
	int err;

	*g = NULL;
	if (fo_diag_new(&diag, 0) != FO_OK)
		fz_fail("fo_diag_new");
	err = fo_inventory_load(g, path, &o, diag);
	if (err != FO_OK) {
		if (*g)
			fz_fail("load (schema %d): %s, but a graph was returned", schema,
				fo_strerror(err));
		if (err != FO_EINPUT && err != FO_ELIMIT)
			fz_fail("load (schema %d): unexpected %s", schema, fo_strerror(err));
		fz_check_diag_located(schema ? "load with schema" : "load", diag, "fuzz.xml", 1);
	}
	fo_diag_free(diag);
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fz_path("inventory", ".xml");
	fo_graph *g = NULL, *gs = NULL;
	int err, errs;

	fz_write(path, data, size);
	err = load(&g, path, 0);
	errs = load(&gs, path, 1);
	if (errs == FO_OK && err != FO_OK)
		fz_fail("valid with the schema but not without it (%s)", fo_strerror(err));
	if (g)
		fz_check_outputs(g, fz_hash(data, size), 1);
	fo_graph_free(gs);
	fo_graph_free(g);
	return 0;
}
