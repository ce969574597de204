/*
 * fuzz_terraform.c — libFuzzer harness of the Terraform importer
 * (importers/fo_terraform.h): bytes → fo_terraform_sniff and
 * fo_terraform_read into an import model (the option depends-on picked by
 * the input's hash), then fo_model_build.
 *
 * Checks beyond "no crash, no leak, no undefined behaviour":
 *  - a failed read returns one of the documented codes and stores at least
 *    one error, each naming the file (JSON errors carry LINE:COL; semantic
 *    ones a JSON path in the text, so no line is demanded);
 *  - a read that succeeds never leaves an error on the diag;
 *  - read twice as two states of one prefix (by the input's hash), the
 *    second read succeeds like the first;
 *  - a built graph goes through a what-if of nodes picked by the input's
 *    hash, and every report of it is checked (fz_check_outputs).
 * Run and reproduce: tests/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>

#include "../../graphs/fo_error.h"
#include "../../importers/fo_model.h"
#include "../../importers/fo_terraform.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fz_path("state", ".tfstate");
	uint32_t h = fz_hash(data, size);
	fo_diag *diag = NULL;
	fo_model *m = NULL;
	fo_graph *g = NULL;
	int err;

	/* Sniffing a head must be safe at any length, cut anywhere. */
	(void)fo_terraform_sniff((const char *)data, size < 65536 ? size : 65536);
	(void)fo_terraform_sniff((const char *)data, size / 2);

	fz_write(path, data, size);
	if (fo_diag_new(&diag, 0) != FO_OK || fo_model_new(&m, diag) != FO_OK)
		fz_fail("fo_diag_new/fo_model_new");
	if (fo_model_source_begin(m, "fuzz.tfstate", "terraform", "tf", 0, NULL) != FO_OK)
		fz_fail("fo_model_source_begin");
	if (h & 1)
		fo_model_set_option(m, "depends-on", (h & 2) ? "degrades" : "ignore");
	err = fo_terraform_read(m, path);
	/* A read that succeeds leaves no error; the second read below adds
	 * the repeated addresses' duplicate-id errors, which the model says
	 * as each node is added. */
	if (err == FO_OK && fo_diag_errors(diag))
		fz_fail("read succeeded with %zu errors on the diag", fo_diag_errors(diag));
	if (err == FO_OK && (h & 4)) {
		/* The same file again as a second state of the prefix: the join
		 * (earlier ids, reused zones, placeholders aliased) runs; the
		 * repeated addresses are the model's duplicate-id errors. */
		if (fo_model_source_begin(m, "fuzz2.tfstate", "terraform", "tf", 0, NULL) != FO_OK)
			fz_fail("fo_model_source_begin (second)");
		err = fo_terraform_read(m, path);
		if (err != FO_OK)
			fz_fail("the second read of a file read once failed: %s", fo_strerror(err));
	}
	if (err != FO_OK) {
		if (err != FO_EINPUT && err != FO_ELIMIT)
			fz_fail("read: unexpected %s", fo_strerror(err));
		fz_check_diag_located("read", diag, "fuzz.tfstate", 0);
	} else {
		err = fo_model_build(m, &g);
		if (err != FO_OK && err != FO_EINPUT && err != FO_ELIMIT)
			fz_fail("build: unexpected %s", fo_strerror(err));
		if (err != FO_OK && g)
			fz_fail("build failed (%s) but returned a graph", fo_strerror(err));
		if (g)
			fz_check_outputs(g, h, 1);
	}
	fo_graph_free(g);
	fo_model_free(m);
	fo_diag_free(diag);
	return 0;
}
