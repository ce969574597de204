/*
 * fuzz_k8s.c — libFuzzer harness of the Kubernetes importer
 * (importers/fo_k8s.h): bytes → a file read by fo_k8s_read into an import
 * model (JSON when they start with '{' or '[', else YAML), then
 * fo_model_build, and on success a what-if with every report
 * (fz_check_outputs). The sniffer sees the same bytes.
 *
 * Checks beyond "no crash, no leak, no undefined behaviour":
 *  - a failed read returns FO_EINPUT or FO_ELIMIT (never FO_EIO on a file
 *    that exists), adds no node to the model, and every stored error names
 *    the file that was read;
 *  - the sniffer answers 0 or 1;
 *  - a built graph's reports are well-formed (fz_check_outputs).
 * Run and reproduce: tests/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>

#include "../../graphs/fo_error.h"
#include "../../importers/fo_k8s.h"
#include "../../importers/fo_model.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fz_path("k8s", ".yaml");
	fo_diag *diag = NULL;
	fo_model *m = NULL;
	fo_graph *g = NULL;
	int err, s;

	s = fo_k8s_sniff((const char *)data, size < 65536 ? size : 65536);
	if (s != 0 && s != 1)
		fz_fail("fo_k8s_sniff returned %d", s);
	fz_write(path, data, size);
	if (fo_diag_new(&diag, 0) != FO_OK || fo_model_new(&m, diag) != FO_OK ||
	    fo_model_source_begin(m, path, "k8s", "k8s", 0, NULL) != FO_OK)
		fz_fail("setting up the model");
	err = fo_k8s_read(m, path);
	if (err != FO_OK) {
		if (err != FO_EINPUT && err != FO_ELIMIT)
			fz_fail("fo_k8s_read: unexpected %s", fo_strerror(err));
		if (fo_model_node_count(m) != 0)
			fz_fail("fo_k8s_read failed (%s) but added %zu nodes", fo_strerror(err),
				fo_model_node_count(m));
		/* JSON's semantic errors name the item instead of a line. */
		fz_check_diag_located("fo_k8s_read", diag, path, 0);
	} else if (fo_model_build(m, &g) == FO_OK) {
		fz_check_outputs(g, fz_hash(data, size), 1);
	}
	fo_graph_free(g);
	fo_model_free(m);
	fo_diag_free(diag);
	return 0;
}
