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
#include "fo_model.h"

typedef struct fo_inventory_opts {
	/* Also validate against the embedded XSD (importers/inventory-v1.xsd).
	 * The reader checks every rule of the XSD itself, with better messages
	 * (docs/inventory-format.md), so this only adds libxml2's validator
	 * text and roughly one more pass of CPU; `fallout check` no longer sets
	 * it. Kept for programs that want the validator's verdict. */
	int validate_schema;
	/* The file's name in diagnostics and fo_graph_file(); NULL: `path`, or
	 * "<stdin>" for "-". Lets a caller load a copy under the original name. */
	const char *name;
	/* fo_inventory_read: keep the input for columns but do not compute its
	 * sha256 (about 6 ms per MB); fo_inventory_input_sha256 is then "". */
	int no_sha256;
	/* Threads: 0 = the default, a second thread for the graph builder once
	 * FO_INVENTORY_THREAD_AT bytes have been read (so small inputs never
	 * start one); 1 = one thread; 2 = the second thread from the start.
	 * The result is the same either way, diagnostics and their order
	 * included (fo_builder_start_thread, docs/importer.md "Two threads"). */
	int threads;
} fo_inventory_opts;

/* Bytes read before the default starts the builder's thread. */
#define FO_INVENTORY_THREAD_AT (4u << 20)

/* What one read of an inventory leaves to the caller (fo_inventory_read):
 * the sha256 of the bytes parsed, and the input kept open so that columns
 * of later diagnostics can be found without opening the path again
 * (docs/importer.md, "One read"). */
typedef struct fo_inventory_input fo_inventory_input;

/* Loads `path` ("-" = standard input, named "<stdin>" in diagnostics),
 * reading it exactly once, front to back: a pipe, a FIFO or /dev/fd/N work
 * as a file does. opts may be NULL (defaults). On FO_OK, *out is a new graph
 * owned by the caller (fo_graph_free); otherwise *out is NULL. Diagnostics
 * are appended to diag (borrowed), located FILE:LINE:COL with columns in
 * characters.
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

/* fo_inventory_load, and also, when `input` is not NULL and the load
 * succeeded, *input: a new handle owned by the caller
 * (fo_inventory_input_free) with the sha256 of the bytes parsed, computed
 * while reading them, and the input kept open (its descriptor, or for a
 * non-regular input an unnamed temporary file holding a copy of its bytes:
 * disk, not memory). *input is NULL on failure. Same errors and complexity
 * as fo_inventory_load; the hash adds about 6 ms per MB, which is why
 * fo_inventory_load (input NULL) does not compute it. */
int fo_inventory_read(fo_graph **out, fo_inventory_input **input, const char *path,
		      const fo_inventory_opts *opts, fo_diag *diag);

/* The sha256 of exactly the bytes that were parsed, 64 lowercase hex
 * digits (borrowed, alive as long as in). O(1). */
const char *fo_inventory_input_sha256(const fo_inventory_input *in);

/* The file's name in diagnostics (opts->name, path, or "<stdin>");
 * borrowed. O(1). */
const char *fo_inventory_input_name(const fo_inventory_input *in);

/* Fills in the column of every stored diag entry for in's name that has a
 * line but no column (using its hint, else the line's first non-blank
 * column), for diagnostics added after loading, such as `fallout check`
 * warnings. The bytes come from the kept input (never from the path again):
 * a regular file through its open descriptor, unless it changed since it was
 * opened (its columns then stay 0: they would point into other bytes);
 * anything else from its copy. Returns FO_OK or FO_EINVAL (NULL argument).
 * O(file size up to the last line needed), memory O(diagnostics). */
int fo_inventory_input_locate(fo_inventory_input *in, fo_diag *diag);

/* Closes the kept input and frees the handle; NULL is a no-op. */
void fo_inventory_input_free(fo_inventory_input *in);

/* Reads `path` ("-": standard input) into the model's current source
 * (fo_model_source_begin called by the caller): the same reader as
 * fo_inventory_load, every node, property, container, group and copy going
 * to the model instead of a builder, with the same diagnostics, located in
 * opts->name or else the current source's file name, on fo_model_diag(m).
 * Every node is counted as read with its kind as source type. As in
 * fo_inventory_read, a document read to its end returns FO_OK even with
 * errors on the diag (fo_model_build then resolves it, reports the rest,
 * and fails: one run says everything); FO_EINPUT says the read stopped
 * early (not well-formed, refused by the scanner), so that its references
 * are not resolved. The builder's errors (unknown references, duplicate
 * ids, bad min) are fo_model_build's, for a strict source.
 * opts may be NULL; opts->threads, opts->no_sha256 do not apply.
 * Returns FO_OK, FO_EINPUT, FO_EIO, FO_ENOMEM, FO_ELIMIT, FO_EINVAL (NULL
 * argument, no source begun). O(document size). */
int fo_inventory_read_model(fo_model *m, const char *path, const fo_inventory_opts *opts);

/* 1 when the first n bytes of a file are surely an inventory: after an
 * optional UTF-8 BOM, the XML declaration, comments and processing
 * instructions, the root element is <inventory> with no prefix and no
 * default namespace; 0 otherwise (fo_import.h). Cut bytes are fine; no
 * allocation. O(n). */
int fo_inventory_sniff(const char *head, size_t n);

/* Failure data (docs/inventory-format.md, "Failure data"). A number is
 * written [+-]?(D+(.D*)?|.D+)([eE][+-]?D+)? with D a decimal digit, blanks
 * around it tolerated (the schema's xs:double without INF and NaN).
 * fo_inventory_number: FO_OK and *out, or FO_EINPUT (not such a number, or
 * beyond a double's range). O(strlen(s)). */
int fo_inventory_number(const char *s, double *out);

/* The probability that a node is down from the texts of its p, mtbf and
 * mttr attributes (NULL: absent): p, else mttr / (mtbf + mttr); -1 when
 * none is given, or when what is given is not valid failure data (the
 * inventory reader refuses such a file; other sources may hold anything in
 * properties of those names). O(length of the texts). */
double fo_inventory_failure_p(const char *p, const char *mtbf, const char *mttr);

/* The embedded XSD text (NUL-terminated), for `fallout check --print-schema`. */
const char *fo_inventory_schema(void);

#endif
