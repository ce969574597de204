/*
 * fo_scenarios.h — reads a scenario file (format v1, docs/scenarios-format.md):
 * a named list of scenarios, each a set of failed and destroyed nodes,
 * resolved against a graph.
 *
 * The reader is the inventory's: libxml2's streaming xmlTextReader over a
 * file descriptor opened here, every byte first seen by the pre-scanner
 * (scan.h), which refuses a DOCTYPE (so no entity is ever declared or
 * expanded), NUL bytes, foreign encodings and excessive depth; no network,
 * no XInclude, no XML_PARSE_HUGE. Every problem is reported on the diag
 * context as FILE:LINE:COL, all of them in one run.
 *
 * The scenarios are not fo_scenario values (that type belongs to the engine,
 * in analyzer/, which importers do not include): the accessors give the
 * node arrays, from which a caller fills an fo_scenario in O(1).
 */
#ifndef FO_SCENARIOS_H
#define FO_SCENARIOS_H

#include <stddef.h>
#include <stdint.h>

#include "../graphs/fo_diag.h"
#include "../graphs/fo_graph.h"

typedef struct fo_scenarios fo_scenarios;

/* Loads `path` ("-" = standard input, "<stdin>" in diagnostics; a pipe, a
 * FIFO or /dev/fd/N work as a file does: the input is read exactly once) and
 * resolves every reference against g (borrowed; only read during the call).
 * On FO_OK *out is owned by the caller (fo_scenarios_free); otherwise *out
 * is NULL and diag says why. Errors: FO_EINPUT (invalid document, unknown
 * node, duplicate or missing scenario name, empty scenario...), FO_EIO,
 * FO_ENOMEM, FO_EINVAL (NULL argument). O(document size). */
int fo_scenarios_load(fo_scenarios **out, const char *path, const fo_graph *g, fo_diag *diag);

/* Reads `path` once, as fo_scenarios_load does, without a graph: every
 * error but unknown nodes is reported; the references are kept as written
 * for fo_scenarios_bind. The node accessors of the result give 0 nodes and
 * *out NULL; names, lines and the digest are there. Ownership and errors as
 * fo_scenarios_load. O(document size). */
int fo_scenarios_read(fo_scenarios **out, const char *path, fo_diag *diag);

/* A new set, s resolved against g (both borrowed; s may come from
 * fo_scenarios_read or fo_scenarios_load, and may be bound again to another
 * graph): the same scenarios, names, lines and digest. Every unknown node is
 * reported on diag as FILE:LINE:COL ("scenario 'N': unknown node 'X'"). On
 * FO_OK *out is owned by the caller (fo_scenarios_free), otherwise NULL.
 * Errors: FO_EINPUT (unknown nodes), FO_ENOMEM, FO_EINVAL. No I/O.
 * O(scenarios + references). */
int fo_scenarios_bind(fo_scenarios **out, const fo_scenarios *s, const fo_graph *g,
		      fo_diag *diag);

void fo_scenarios_free(fo_scenarios *s);

/* The file's name in diagnostics (path, or "<stdin>"); borrowed. O(1). */
const char *fo_scenarios_file(const fo_scenarios *s);

/* The sha256 of exactly the bytes read (64 lowercase hex digits; borrowed,
 * alive as long as s). O(1). */
const char *fo_scenarios_sha256(const fo_scenarios *s);

/* The name= of <scenarios>, or NULL. Borrowed. */
const char *fo_scenarios_name(const fo_scenarios *s);
size_t fo_scenarios_count(const fo_scenarios *s);
/* Scenario i (0 <= i < count), in document order: its name (borrowed), the
 * line of its <scenario> tag, and its failed / destroyed nodes in document
 * order (*out borrowed; duplicates kept, as the engine accepts them). */
const char *fo_scenarios_scenario_name(const fo_scenarios *s, size_t i);
unsigned long fo_scenarios_line(const fo_scenarios *s, size_t i);
size_t fo_scenarios_fail(const fo_scenarios *s, size_t i, const uint32_t **out);
size_t fo_scenarios_destroy(const fo_scenarios *s, size_t i, const uint32_t **out);

/* The embedded XSD (importers/scenarios-v1.xsd), NUL-terminated. */
const char *fo_scenarios_schema(void);

#endif
