/*
 * fo_import.h — the one import path: which reader reads an input (detected
 * from its content, or forced with a format word), and how one or several
 * inputs become one graph (docs/importers.md, "Detection" and "Several
 * inputs").
 *
 * One fallout XML inventory, no mapping file: fo_inventory_load exactly, as
 * fast and with the same diagnostics. Anything else goes through an import
 * model (fo_model.h): each input is a source with its format and id prefix,
 * read by its format's reader, then mapped (fo_mapfile.h), resolved across all
 * sources and built through the one graph builder.
 *
 * Detection reads the first FO_IMPORT_HEAD bytes of an input and asks each
 * reader's sniff function whether they are surely its format; a UTF-16 BOM
 * is decoded first (the readers refuse or decode it themselves). Standard
 * input and other inputs that cannot be read twice (pipes, FIFOs,
 * /dev/fd/N) are first copied into an unnamed temporary file, on disk, so
 * that they can be sniffed and then read; they keep their name ("<stdin>")
 * in diagnostics.
 */
#ifndef FO_IMPORT_H
#define FO_IMPORT_H

#include <stddef.h>

#include "../graphs/fo_diag.h"
#include "../graphs/fo_graph.h"
#include "fo_inventory.h"
#include "fo_model.h"

/* The mapping file (fo_mapfile.h); C11 allows the typedef twice. */
typedef struct fo_mapfile fo_mapfile;

/* Bytes of an input that detection looks at. */
#define FO_IMPORT_HEAD (64u << 10)

/* One format: a row of the readers' table (importers/import.c). */
typedef struct fo_import_format {
	const char *word;   /* --from word: "fallout", "k8s", ... */
	const char *prefix; /* default id prefix ("" for none) */
	int strict;         /* a dangling reference is an error, not a warning */
	/* Reads path into the model's current source (fo_model.h). */
	int (*read)(fo_model *m, const char *path);
	/* 1 when the first n bytes (maybe cut mid-token) are surely this
	 * format; 0 otherwise. No allocation. */
	int (*sniff)(const char *head, size_t n);
} fo_import_format;

/* Every format word, in the order of docs/importers.md, NULL-terminated:
 * the words --from accepts, whether or not this build has their reader.
 * Static. */
const char *const *fo_import_words(void);

/* The row for word, or NULL when this build has no reader for it (an
 * unknown word, or a format whose reader is not built in). Static. O(rows). */
const fo_import_format *fo_import_format_for(const char *word);

/* The format whose sniff claims the n bytes at head (a UTF-16 BOM decoded
 * first), or NULL when none does. Static. O(rows * n). */
const fo_import_format *fo_import_sniff(const char *head, size_t n);

typedef struct fo_import_opts {
	/* A format word (fo_import_words) for every input; NULL: detect each. */
	const char *from;
	/* The mapping file (borrowed), or NULL. */
	const fo_mapfile *map;
	/* The fallout reader's options (its `name` is ignored with several
	 * inputs: each keeps its own). */
	fo_inventory_opts inventory;
	/* Go through the model even for one fallout XML (so that
	 * fo_model_explain can say what was read). */
	int want_model;
} fo_import_opts;

/* Detects the format of the input at path ("-": standard input) as
 * fo_import_load does: *out is the row, or NULL when the input cannot be
 * opened (the reader that reads it will say why). A directory is a
 * Kubernetes dump when this build reads those. Content no reader claims is
 * left to the fallout XML reader when it is XML, blank, or not text (its
 * messages say what is wrong with it: an empty file, a truncated
 * inventory, binary data); other text is an error on diag ("cannot tell
 * the format of FILE: use --from FMT", FO_EINPUT). Reads at most
 * FO_IMPORT_HEAD bytes; a non-regular input is consumed (use
 * fo_import_load for it). Returns FO_OK, FO_EINPUT, FO_ENOMEM. */
int fo_import_detect(const fo_import_format **out, const char *path, fo_diag *diag);

/* Loads paths[0..n-1] into one graph. opts may be NULL (detect, no map,
 * default reader options). On FO_OK *out is a new graph owned by the caller
 * (fo_graph_free); else NULL. model_out (may be NULL) receives the model
 * the graph was built from, owned by the caller (fo_model_free) for
 * fo_model_summary and fo_model_explain — also on FO_EINPUT once the model
 * exists — or NULL on the fast path (one fallout XML inventory).
 * Errors (all on diag, located): FO_EINVAL (no input, an unknown or
 * unbuilt format word, "-" twice), FO_EINPUT (undetectable input, invalid
 * input: every error of every input in one run), FO_EIO, FO_ENOMEM,
 * FO_ELIMIT. O(total input size); memory O(graph). */
int fo_import_load(fo_graph **out, const char *const *paths, size_t n,
		   const fo_import_opts *opts, fo_diag *diag, fo_model **model_out);

/* fo_import_load for one input that also keeps, on the fast path, the
 * fallout reader's input handle (fo_inventory_read: sha256 and columns of
 * later diagnostics) in *input (owned by the caller; NULL on the model
 * path or on failure). */
int fo_import_read(fo_graph **out, fo_inventory_input **input, const char *path,
		   const fo_import_opts *opts, fo_diag *diag, fo_model **model_out);

#endif
