/*
 * fuzz_cmdb.c — libFuzzer harness of the CMDB CSV reader
 * (importers/fo_cmdb.h): a fixed CI table (four CIs, two with the same
 * name), then the input bytes as a second table of the same source prefix
 * (so a relationship table resolves against the first by sys_id and by
 * name), then fo_model_build.
 *
 * Checks beyond "no crash, no leak, no undefined behaviour": a failed read
 * returns FO_EINPUT or FO_ELIMIT with every stored error located
 * FILE:LINE:COL in the input's file and builds nothing; a built graph goes
 * through the what-if outputs (fz_check_outputs).
 * Run and reproduce: tests/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../graphs/fo_error.h"
#include "../../importers/fo_cmdb.h"
#include "../../importers/fo_model.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char ci_table[] =
	"sys_id,name,sys_class_name,company,business_criticality\n"
	"s1,dc,cmdb_ci_datacenter,,\n"
	"s2,web,cmdb_ci_linux_server,Acme,\n"
	"s3,web,cmdb_ci_linux_server,Acme,\n"
	"s4,shop,cmdb_ci_business_app,Acme,1 - most critical\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char cipath[4096];
	const char *path;
	fo_diag *diag = NULL;
	fo_model *m = NULL;
	fo_graph *g = NULL;
	int err;

	/* fz_path's storage is static: the first path is copied. */
	snprintf(cipath, sizeof cipath, "%s", fz_path("ci", ".csv"));
	path = fz_path("input", ".csv");
	fz_write(cipath, (const uint8_t *)ci_table, sizeof ci_table - 1);
	fz_write(path, data, size);
	if (fo_diag_new(&diag, 0) != FO_OK || fo_model_new(&m, diag) != FO_OK ||
	    fo_model_source_begin(m, "ci.csv", "cmdb", NULL, 0, NULL) != FO_OK)
		fz_fail("setting up the model");
	if ((err = fo_cmdb_read(m, cipath)) != FO_OK)
		fz_fail("the fixed CI table: %s", fo_strerror(err));
	if (fo_model_source_begin(m, "fuzz.csv", "cmdb", NULL, 0, NULL) != FO_OK)
		fz_fail("setting up the model");
	err = fo_cmdb_read(m, path);
	if (err == FO_OK)
		err = fo_model_build(m, &g);
	if (err != FO_OK) {
		if (g)
			fz_fail("import: %s, but a graph was returned", fo_strerror(err));
		if (err != FO_EINPUT && err != FO_ELIMIT)
			fz_fail("import: unexpected %s", fo_strerror(err));
		fz_check_diag_located("cmdb", diag, "fuzz.csv", 1);
	} else {
		fz_check_outputs(g, fz_hash(data, size), 1);
	}
	fo_graph_free(g);
	fo_model_free(m);
	fo_diag_free(diag);
	return 0;
}
