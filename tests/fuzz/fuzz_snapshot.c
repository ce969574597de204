/*
 * fuzz_snapshot.c — libFuzzer harness of the snapshot store
 * (graphs/fo_snapshot.h): fuzzed bytes are a database file (seeds are real
 * snapshots that libFuzzer mutates: damaged pages, rows, schema), read the
 * ways the CLI reads one: `db list`, loading every snapshot (`whatif
 * DB@LABEL`), `db reports`, and `db report ID` (report.json rebuilt from the
 * stored rows).
 *
 * Checks: no crash, leak or undefined behaviour; every failure carries an
 * error with a message naming the database; a loaded snapshot gives a graph
 * whose reports pass fz_check_outputs; a rebuilt report.json is well-formed
 * JSON. A failure must also be one of the documented codes for a damaged
 * file (FO_EINPUT, FO_EIO; FO_ENOTFOUND where a label or id is looked up);
 * FALLOUT_FUZZ_STRICT=0 relaxes that. The loader refuses text that is not
 * UTF-8, so text and CSV outputs are checked as for XML input. Run and
 * reproduce: tests/fuzz/README.md.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../graphs/fo_error.h"
#include "../../graphs/fo_snapshot.h"
#include "../../reports/fo_batchreport.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Snapshots and reports beyond this many are not read: each read is a
 * separate open of the database, and a few show the paths. */
#define MAX_READS 4

static fo_diag *new_diag(void)
{
	fo_diag *d = NULL;
	if (fo_diag_new(&d, 0) != FO_OK)
		fz_fail("fo_diag_new");
	return d;
}

/* A failure: an error with a message about the database; under strict, a
 * documented code. */
static void failed(const char *what, int err, fo_diag *d, const char *path, int notfound_ok)
{
	fz_check_diag_located(what, d, path, 0);
	if (fz_strict() && err != FO_EINPUT && err != FO_EIO &&
	    !(notfound_ok && err == FO_ENOTFOUND))
		fz_fail("%s: %s (strict: FO_EINPUT or FO_EIO expected): %s", what,
			fo_strerror(err), fo_diag_get(d, 0)->msg);
}

static int on_head(void *p, const fo_snapshot_report_info *m)
{
	fo_batchreport_info info = { m->title, m->inventory, m->input, m->scenarios_file, NULL,
				     NULL };
	return fo_batchreport_json_head(p, &info);
}

static int on_run(void *p, uint64_t seq, const char *scenario, const char *whatif, size_t len)
{
	return fo_batchreport_json_run(p, (size_t)seq, scenario, whatif, len);
}

/* `db report ID`: report.json from the stored rows, as cmd_db.c does. */
static void read_report(const char *path, int64_t id)
{
	fo_snapshot_report_info *info = NULL;
	fo_diag *d = new_diag();
	char *spof = NULL, *buf = NULL;
	size_t spof_len = 0, len = 0;
	FILE *fp = open_memstream(&buf, &len);
	int err;

	if (!fp)
		fz_fail("open_memstream: %s", strerror(errno));
	err = fo_snapshot_report_read(path, id, on_head, on_run, fp, &info, &spof, &spof_len, d);
	if (err == FO_OK)
		err = fo_batchreport_json_tail(fp, (size_t)info->runs, spof, spof_len);
	if (fclose(fp) != 0)
		fz_fail("fclose of the memory stream failed");
	if (err > 0)
		fz_fail("db report: a writer into memory failed (%d)", err);
	if (err < 0)
		failed("db report", err, d, path, 1);
	else
		fz_check_json("db report (report.json)", buf, len);
	free(buf);
	free(spof);
	fo_snapshot_report_info_free(info, info ? 1 : 0);
	fo_diag_free(d);
}

static void load(const char *path, const char *label, uint32_t seed)
{
	fo_diag *d = new_diag();
	fo_graph *g = NULL;
	int err = fo_snapshot_load(&g, path, label, d);

	if (err == FO_OK)
		fz_check_outputs(g, seed, 0);
	else if (g)
		fz_fail("snapshot load: %s, but a graph was returned", fo_strerror(err));
	else
		failed("snapshot load", err, d, path, 1);
	fo_graph_free(g);
	fo_diag_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fz_path("snapshot", ".db");
	uint32_t seed = fz_hash(data, size);
	fo_snapshot_info *v = NULL;
	fo_snapshot_report_info *rv = NULL;
	size_t nv = 0, nrv = 0;
	fo_diag *d;
	int err;

	fz_unlink_db(path);
	fz_write(path, data, size);
	(void)fo_snapshot_is_db(path);

	d = new_diag();
	if ((err = fo_snapshot_list(&v, &nv, path, d)) != FO_OK) {
		failed("db list", err, d, path, 0);
		if (v || nv)
			fz_fail("db list: %s, but entries were returned", fo_strerror(err));
	}
	fo_diag_free(d);
	load(path, NULL, seed);
	for (size_t i = 0; i < nv && i < MAX_READS; i++) {
		if (!v[i].label)
			fz_fail("db list: entry %zu has no label", i);
		load(path, v[i].label, seed);
	}
	fo_snapshot_list_free(v, nv);

	d = new_diag();
	if ((err = fo_snapshot_reports(&rv, &nrv, path, d)) != FO_OK) {
		failed("db reports", err, d, path, 0);
		if (rv || nrv)
			fz_fail("db reports: %s, but entries were returned", fo_strerror(err));
	}
	fo_diag_free(d);
	for (size_t i = 0; i < nrv && i < MAX_READS; i++)
		read_report(path, rv[i].id);
	/* An id that is not listed: FO_ENOTFOUND, or the damage found. */
	read_report(path, nrv ? rv[nrv - 1].id + 1 : 1);
	fo_snapshot_report_info_free(rv, nrv);
	fz_unlink_db(path);
	return 0;
}
