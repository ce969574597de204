/*
 * fo_mapping.h — the mapping file (`--map FILE`, docs/mapping-format.md): how
 * imported objects become fallout nodes where an importer's defaults are not
 * what the estate means. XML, with an XSD (importers/mapping-v1.xsd, embedded),
 * every error located FILE:LINE:COL.
 *
 * Named fo_mapping, not fo_map: fo_map is the impact map of reports/.
 *
 * Contract (implemented in importers/mapping.c):
 *   fo_mapping_load   reads and checks a mapping file; FO_EINPUT with every
 *                 located error on diag, FO_EIO, FO_ENOMEM.
 *   fo_mapping_begin_source  after fo_model_source_begin: sets the source's
 *                 prefix and options from the file's <source> rules.
 *   fo_mapping_apply  after every source is read, before fo_model_build:
 *                 kinds, tenants, tiers, names, placement, K-of-n, drops,
 *                 same-as declarations (fo_model_alias).
 */
#ifndef FO_MAPPING_H
#define FO_MAPPING_H

#include "../graphs/fo_diag.h"
#include "fo_model.h"

typedef struct fo_mapping fo_mapping;

/* Loads path into *out (owned by the caller: fo_mapping_free); NULL on error.
 * diag (borrowed) receives every located error. O(file size). */
int fo_mapping_load(fo_mapping **out, const char *path, fo_diag *diag);
void fo_mapping_free(fo_mapping *map);

/* The prefix the map gives a source read from `file` in `format`, or NULL
 * (the importer's default). Borrowed from map. */
const char *fo_mapping_source_prefix(const fo_mapping *map, const char *file, const char *format);

/* Sets the current source's options from the map (fo_model_set_option). */
int fo_mapping_begin_source(const fo_mapping *map, fo_model *m);

/* Rewrites the model by the map's rules; warnings (a rule that matched
 * nothing) and errors go to the model's diag. FO_OK, FO_ENOMEM, FO_EINPUT. */
int fo_mapping_apply(const fo_mapping *map, fo_model *m);

/* The embedded XSD, NUL-terminated. */
const char *fo_mapping_schema(void);

#endif
