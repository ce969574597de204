/*
 * fo_inventory.h — reads an inventory XML (format v1, docs/inventory-format.md)
 * into a graph.
 *
 * The reader is libxml2's streaming xmlTextReader over a file descriptor this
 * library opened itself: memory grows with the graph, not with the document.
 * Input is hostile until parsed: a DOCTYPE is an error, no entity is expanded,
 * no external resource is ever loaded, XML_PARSE_HUGE is never set. Every
 * problem is reported on the diag context as FILE:LINE:COL, and all semantic
 * errors of a file are reported in one run.
 */
#ifndef FO_INVENTORY_H
#define FO_INVENTORY_H

#include "../graphs/fo_diag.h"
#include "../graphs/fo_graph.h"

typedef struct fo_inventory_opts {
	/* Also validate against the embedded XSD (importers/inventory-v1.xsd);
	 * `fallout check` sets it. Costs roughly one more pass of CPU. */
	int validate_schema;
	/* The file's name in diagnostics and fo_graph_file(); NULL: `path`, or
	 * "<stdin>" for "-". Lets a caller load a copy under the original name. */
	const char *name;
} fo_inventory_opts;

/* Loads `path` ("-" = standard input, named "<stdin>" in diagnostics).
 * opts may be NULL (defaults). On FO_OK, *out is a new graph owned by the
 * caller (fo_graph_free); otherwise *out is NULL. Diagnostics are appended to
 * diag (borrowed), located FILE:LINE:COL with columns in characters.
 * Errors: FO_EINPUT (the document is invalid: diag holds every error),
 * FO_EIO (cannot open or read: diag holds the reason), FO_ENOMEM, FO_ELIMIT
 * (more than 2^32 - 2 nodes or members), FO_EINVAL (a NULL argument).
 * Safe to call from several threads at once. The first call installs, for
 * the whole process, a libxml2 external entity loader that refuses every
 * request made during a fallout read and passes the others to the loader
 * that was there before (docs/importer.md).
 * O(document size) time; memory O(graph), not O(document). */
int fo_inventory_load(fo_graph **out, const char *path, const fo_inventory_opts *opts,
		      fo_diag *diag);

/* Fills in the column of every stored diag entry for the file named `name`
 * (NULL: `path`) that has a line but no column (using its hint, else the
 * line's first non-blank column), by one sequential re-read of `path`. For
 * diagnostics added after loading, such as `fallout check` warnings.
 * "-" (stdin cannot be re-read) is a no-op. Returns FO_OK, FO_EINVAL or
 * FO_EIO. O(file size up to the last line needed). */
int fo_inventory_locate(const char *path, const char *name, fo_diag *diag);

/* The embedded XSD text (NUL-terminated), for `fallout check --print-schema`. */
const char *fo_inventory_schema(void);

#endif
