/*
 * fo_report.h — the results of a scenario as text, JSON or CSV, and the
 * explanation of one node's state.
 *
 * The formats are contracts, documented byte for byte in
 * docs/output-formats.md: the same graph and scenario always give the same
 * bytes. Ids, names and tenants are hostile text; every writer escapes them
 * for its syntax (text: C-style escapes so that one record is one line; JSON:
 * RFC 8259 string escapes; CSV: RFC 4180 quoting).
 */
#ifndef FO_REPORT_H
#define FO_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "../analyzer/fo_engine.h"

typedef enum fo_format {
	FO_FORMAT_TEXT = 0,
	FO_FORMAT_JSON = 1,
	FO_FORMAT_CSV = 2,
} fo_format;

/* Writes the results of the engine's last run to fp. `sc` must be the
 * scenario that run evaluated (its ids are listed as given, duplicates
 * dropped). TEXT: a summary line, then the apps that are not up grouped by
 * tenant; `all` adds a table of every impacted node. JSON: the document of
 * `whatif --format json`. CSV: a header and one row per impacted node (`all`
 * is implied). Nothing is kept after the call; fp is not closed.
 * Returns FO_OK, FO_EINVAL (bad format, NULL argument, scenario node out of
 * range), FO_ENOMEM, or FO_EIO when writing to fp failed.
 * O(nodes / 8 + k log k) for k impacted nodes. */
int fo_report_whatif(FILE *fp, fo_engine *e, const fo_scenario *sc, fo_format fmt, int all);

/* Options of fo_report_whatif_with; zeroed = the defaults. */
typedef struct fo_whatif_opts {
	int all;    /* text: add the table of every impacted node */
	size_t top; /* text: the first `top` tenants in order of impact, the
		     * others summed up on one line; 0 = every tenant. JSON
		     * and CSV always list everything. */
} fo_whatif_opts;

/* fo_report_whatif with options (o NULL: the defaults). TEXT: a summary line
 * whose app counts partition the apps hit; the apps grouped by tenant,
 * tenants ranked by impact (docs/output-formats.md); then lost data and
 * at-risk data (last copy standing), never cut by `top`. Same errors and
 * cost as fo_report_whatif, plus O(nodes + groups) zeroed memory when data
 * is lost (to find the apps that need it). */
int fo_report_whatif_with(FILE *fp, fo_engine *e, const fo_scenario *sc, fo_format fmt,
			  const fo_whatif_opts *o);

/* Writes the impacted nodes of the last run as CSV rows of a batch, one per
 * node in document order: scenario,id,kind,tenant,tier,state,flags,cause,
 * root (flags: the words failed, destroyed, lost, degraded, at-risk that
 * apply, space-separated; cause and root empty for the scenario's own
 * nodes). `header` != 0 writes the header line first. RFC 4180 with CRLF,
 * spreadsheet formulas defused as in the whatif CSV. Returns FO_OK, FO_EINVAL,
 * FO_ENOMEM, FO_EIO. O(k log k) for k impacted nodes. */
int fo_report_impacts_csv(FILE *fp, fo_engine *e, const char *scenario, int header);

/* Writes s as a JSON string literal (RFC 8259; the escaping of every JSON
 * document fallout writes); NULL writes null. Returns FO_OK, FO_ENOMEM or
 * FO_EIO. O(strlen(s)). */
int fo_report_json_string(FILE *fp, const char *s);

/* Explains the state of `node` after the last run (docs/output-formats.md,
 * "whatif --why"): every reason for it — each group of the node for which a
 * rule holds, those involving lost data first — and below each the cause
 * chain of its member to its root, one line per step, with the arithmetic of
 * each group ("needs 1 of {pay-gz, pay-sh}: 1 up (pay-gz down)"). One reason
 * prints as "X is STATE: REASON" and the chain, as before; an up node gives
 * "X is up", a scenario node "X failed (scenario)". Returns FO_OK, FO_EINVAL
 * (node out of range), FO_ENOMEM or FO_EIO. O(nodes) to find the lost nodes
 * (plus O(nodes + groups) zeroed memory when some are lost), then
 * O(reasons × chain length × members listed), lists abbreviated to a few
 * members each. */
int fo_report_why(FILE *fp, const fo_engine *e, uint32_t node);

#endif
