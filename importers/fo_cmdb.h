/*
 * fo_cmdb.h — the CMDB reader: CSV list exports of ServiceNow's cmdb_ci
 * (configuration items) and cmdb_rel_ci (relationships) tables, parsed
 * with libcsv. Column names, class → kind table, relationship directions,
 * options and the id scheme: docs/importers/cmdb.md.
 */
#ifndef FO_IMPORTERS_CMDB_H
#define FO_IMPORTERS_CMDB_H

#include <stddef.h>

#include "fo_model.h"

/* Reads one CSV table at `path` ("-": standard input) into the model's
 * current source (begun by the caller; its file names the diagnostics).
 * The header row says which table it is: parent, child and type columns
 * make a relationship table, anything else with a sys_id or name column a
 * CI table. The two tables of one export are two inputs with the same
 * source prefix, the CI table first (relationships name CIs by sys_id, or
 * by name when the CIs have no sys_id column). Options (fo_model_option):
 * cluster-k, encoding, relation:TYPE (docs/importers/cmdb.md). Every problem
 * is reported on fo_model_diag(m) located FILE:LINE:COL (lines counted
 * through quoted newlines), all of them in one run. Returns FO_OK;
 * FO_EINPUT (errors on the diag; the model must not be built); FO_EIO;
 * FO_ENOMEM; FO_ELIMIT (a field, a row or the table over the limits below:
 * on the diag). O(file size) time; memory O(rows of one table's names and
 * of the Members rows) besides the model. */
int fo_cmdb_read(fo_model *m, const char *path);

/* 1 when the first n bytes (maybe cut anywhere) surely start a CMDB CSV
 * export: after an optional UTF-8 byte order mark, a complete first line
 * whose comma-separated names (quoted or not, any case) include sys_id, or
 * parent, child and type. 0 otherwise. No allocation; O(n). */
int fo_cmdb_sniff(const char *head, size_t n);

/* fallout's limits on one table. */
#define FO_CMDB_MAX_FIELD (1024u * 1024u) /* bytes in one field */
#define FO_CMDB_MAX_COLUMNS 4096u          /* fields in one row */
#define FO_CMDB_MAX_ROWS 10000000u         /* rows after the header */

#endif
