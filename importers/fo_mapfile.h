/*
 * fo_mapfile.h — the mapping file (`--map FILE`, docs/mapping-format.md):
 * how imported objects become fallout nodes where an importer's defaults are
 * not what the estate means. XML (<map version="1">, no namespace), with an
 * XSD (importers/map-v1.xsd, embedded), every error located FILE:LINE:COL.
 *
 * Named fo_mapfile, not fo_map: reports/fo_map.h (the impact map) owns the
 * fo_map type, fo_map_free and the FO_MAP_H guard in the same library.
 *
 * Use, around the import model (fo_model.h):
 *   fo_mapfile_load          reads and checks the file once;
 *   fo_mapfile_source_prefix per input, the prefix to give
 *                            fo_model_source_begin (NULL: the default);
 *   fo_mapfile_begin_source  after fo_model_source_begin: the source's
 *                            importer options (<option>);
 *   fo_mapfile_apply         after every source is read, before
 *                            fo_model_build: kinds, tenants, tiers, names,
 *                            placement, K-of-n, drops, same-as (aliases).
 *
 * Threading: a loaded map is read-only; several threads may use one map at a
 * time with different models.
 */
#ifndef FO_MAPFILE_H
#define FO_MAPFILE_H

#include <stddef.h>

#include "../graphs/fo_diag.h"
#include "fo_model.h"

typedef struct fo_mapfile fo_mapfile;

/* Reads `path` ("-" = standard input, "<stdin>" in diagnostics) through the
 * hardened XML input of the inventory (no DTD, no entities, no network,
 * depth and size limits), checks it against the embedded XSD and by its own
 * rules, and reports every problem on diag (borrowed) as FILE:LINE:COL, all
 * in one run. On FO_OK *out is owned by the caller (fo_mapfile_free);
 * otherwise *out is NULL. Errors: FO_EINPUT, FO_EIO, FO_ENOMEM, FO_EINVAL
 * (NULL argument). O(file size). */
int fo_mapfile_load(fo_mapfile **out, const char *path, fo_diag *diag);
void fo_mapfile_free(fo_mapfile *map);

/* The file's name in diagnostics (borrowed). */
const char *fo_mapfile_file(const fo_mapfile *map);

/* Rules (<rule> and top-level <same>) and <source> elements read. */
size_t fo_mapfile_rule_count(const fo_mapfile *map);
size_t fo_mapfile_source_count(const fo_mapfile *map);

/* The prefix the map gives an input read from `file` in `format`: the
 * prefix= of the first <source> that matches and has one, or NULL (the
 * importer's default). Borrowed from map. O(sources). */
const char *fo_mapfile_source_prefix(const fo_mapfile *map, const char *file,
				     const char *format);

/* Sets the current source's options (fo_model_set_option) from every
 * matching <source>'s <option>s, in document order (a later one replaces an
 * earlier one of the same name). FO_OK, FO_ENOMEM, FO_EINVAL. O(sources +
 * options). */
int fo_mapfile_begin_source(const fo_mapfile *map, fo_model *m);

/* Rewrites the model by the map's rules, in document order (a rule sees
 * what earlier rules did). Warnings (a rule, <same> or <source> that matched
 * nothing; templates undefined on some nodes; values without a table entry;
 * containers no source defines) and errors (a template giving a bad kind or
 * tier, K larger than a group) go to the model's diag, located in the map
 * file. FO_OK, FO_EINPUT (errors were added), FO_ENOMEM, FO_EINVAL. The
 * model copies what it keeps: map may be freed before m. O(rules x nodes +
 * groups + join sides x log(join sides)). */
int fo_mapfile_apply(const fo_mapfile *map, fo_model *m);

/* The embedded XSD (importers/map-v1.xsd), NUL-terminated. */
const char *fo_mapfile_schema(void);

#endif
