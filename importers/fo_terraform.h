/*
 * fo_terraform.h — the Terraform importer: state and plan JSON into the
 * import model (fo_model.h). docs/importers/terraform.md says what is read,
 * how each resource type maps, what is skipped, and the id scheme.
 *
 * Formats, told apart by their top-level keys (never by the file name):
 *   - `terraform show -json` of a state: format_version + values;
 *   - `terraform show -json` of a plan: format_version + planned_values
 *     (the planned values, with prior_state filling what they leave
 *     unknown);
 *   - raw state version 4 (Terraform >= 0.12): version 4 + resources;
 *   - raw state version 3 (Terraform <= 0.11): version 3 + modules, with
 *     flat-map attributes ("subnets.#").
 * UTF-8 with or without a BOM; UTF-16LE/BE with a BOM (converted with
 * glibc's iconv). Anything else is refused with a located error.
 *
 * Ids: the resource instance address as Terraform prints it
 * (`module.db.aws_db_instance.this[0]`, `aws_instance.x["a.b"]`); nodes the
 * importer adds: `zone/NAME`, `region/NAME`, `ref/CLOUD-ID` (a placeholder
 * for an id referenced but absent from the file, with a warning) and
 * `ADDRESS/standby` (the standby of a multi-AZ database whose zone the state
 * does not say). The model adds the source prefix ("tf:").
 *
 * Options (fo_model_option):
 *   depends-on = props (default: kept as the node's "depends_on" property)
 *              | degrades (soft dependencies) | ignore;
 *   max-bytes  = the file size limit in bytes (default 1 GiB).
 */
#ifndef FO_TERRAFORM_H
#define FO_TERRAFORM_H

#include <stddef.h>

#include "fo_model.h"

/* Reads the Terraform file `path` into m's current source (the caller has
 * called fo_model_source_begin). Every error and warning goes to
 * fo_model_diag(m), located in fo_model_source_file(m, current): invalid
 * JSON as LINE:COL with jansson's message; semantic problems with the
 * resource address and the JSON path in the text. All problems of the file
 * are reported in one run. Returns FO_OK (warnings possible), FO_EINPUT
 * (errors on diag; the model then holds a partial source the caller
 * discards), FO_EIO, FO_ENOMEM or FO_ELIMIT (the size limit, also on diag).
 * Nothing of `values` is copied wholesale: each resource type keeps an
 * allow-list of attributes as properties. O(file size) time and memory
 * (the parsed document is held while reading). */
int fo_terraform_read(fo_model *m, const char *path);

/* 1 when the first n bytes of a file (n <= 64 KiB, maybe cut mid-token)
 * are surely Terraform JSON: a top-level object with a "terraform_version",
 * "format_version" + "values"/"planned_values", or "lineage"/"serial" key
 * among the keys seen so far (after a UTF-8 or UTF-16 BOM). 0 otherwise.
 * No allocation; O(n). */
int fo_terraform_sniff(const char *head, size_t n);

#endif
