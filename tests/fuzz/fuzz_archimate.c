/*
 * fuzz_archimate.c — libFuzzer harness of the ArchiMate exchange format
 * reader (importers/fo_archimate.h): bytes → fo_archimate_read into an import
 * model, twice (without and with the option infer-nesting=1), then
 * fo_model_build and every report of a what-if on the graph; also
 * fo_archimate_sniff on every prefix length of the first bytes.
 *
 * Checks beyond "no crash, no leak, no undefined behaviour":
 *  - a failed read returns FO_EINPUT or FO_ELIMIT, adds nothing to the
 *    model, and every stored error is located FILE:LINE:COL in the file read;
 *  - inferring nesting only adds: a file read without the option is read
 *    with it, and with at least as many dependency groups;
 *  - a file that sniffs as ArchiMate is never refused as "not an ArchiMate
 *    exchange file";
 *  - a built graph goes through fz_check_outputs (JSON well-formed, text and
 *    CSV valid UTF-8, DOT read back by cgraph, SPOF in three formats).
 * Run and reproduce: tests/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../graphs/fo_error.h"
#include "../../importers/fo_archimate.h"
#include "../../importers/fo_model.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads path; returns the status after checking the failure contract, and
 * the number of dependency groups in *groups. On success with `build`, the
 * graph is built and its outputs checked. */
static int read_one(const char *path, int infer, int build, uint32_t seed, size_t *groups)
{
	fo_diag *diag = NULL;
	fo_model *m = NULL;
	fo_graph *g = NULL;
	int err;

	if (fo_diag_new(&diag, 0) != FO_OK || fo_model_new(&m, diag) != FO_OK ||
	    fo_model_source_begin(m, "fuzz.xml", "archimate", NULL, 0, NULL) != FO_OK ||
	    (infer && fo_model_set_option(m, "infer-nesting", "1") != FO_OK))
		fz_fail("model set-up");
	err = fo_archimate_read(m, path);
	*groups = fo_model_group_count(m);
	if (err != FO_OK) {
		if (err != FO_EINPUT && err != FO_ELIMIT)
			fz_fail("read (infer %d): unexpected %s", infer, fo_strerror(err));
		if (fo_model_node_count(m) || fo_model_group_count(m))
			fz_fail("read (infer %d) failed but added %zu nodes, %zu groups", infer,
				fo_model_node_count(m), fo_model_group_count(m));
		fz_check_diag_located(infer ? "read with infer-nesting" : "read", diag, "fuzz.xml", 1);
	} else if (fo_diag_errors(diag)) {
		fz_fail("read (infer %d) succeeded with %zu errors", infer, fo_diag_errors(diag));
	} else if (build) {
		int b = fo_model_build(m, &g);
		if (b == FO_OK)
			fz_check_outputs(g, seed, 1);
		else if (b != FO_EINPUT || g || !fo_diag_errors(diag))
			fz_fail("build: %s without an error, or with a graph", fo_strerror(b));
	}
	if (err != FO_OK) {
		for (size_t i = 0; i < fo_diag_count(diag); i++) {
			const fo_diag_entry *e = fo_diag_get(diag, i);
			if (e->code && strcmp(e->code, "not-archimate") == 0)
				err = 1; /* reported below */
		}
	}
	fo_graph_free(g);
	fo_model_free(m);
	fo_diag_free(diag);
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fz_path("archimate", ".xml");
	size_t plain, inferred, n = size < 65536 ? size : 65536;
	int sniffed = fo_archimate_sniff((const char *)data, n);
	int err, erri;

	/* The sniffer on every cut of the first bytes (it must never read past n). */
	for (size_t i = 0; i < n && i < 512; i++)
		(void)fo_archimate_sniff((const char *)data, i);

	fz_write(path, data, size);
	err = read_one(path, 0, 1, fz_hash(data, size), &plain);
	erri = read_one(path, 1, 0, 0, &inferred);
	if (err == 1 && sniffed)
		fz_fail("sniffed as ArchiMate, then refused as not an ArchiMate file");
	if (err == FO_OK && erri != FO_OK)
		fz_fail("read without infer-nesting but not with it (%s)", fo_strerror(erri));
	if (err == FO_OK && inferred < plain)
		fz_fail("infer-nesting removed groups (%zu < %zu)", inferred, plain);
	return 0;
}
