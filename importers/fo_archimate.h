/*
 * fo_archimate.h — the ArchiMate Model Exchange File Format reader (The Open
 * Group; versions 3.0 and 3.1 in the namespace
 * http://www.opengroup.org/xsd/archimate/3.0/, and 2.1 in
 * http://www.opengroup.org/xsd/archimate), as Archi, Sparx EA and Visual
 * Paradigm export it. docs/importers/archimate.md says what is read, how each
 * element and relationship type maps, what is skipped and why, the options
 * and the id scheme.
 */
#ifndef FO_ARCHIMATE_H
#define FO_ARCHIMATE_H

#include <stddef.h>

#include "fo_model.h"

/* Largest file read, in bytes (the document is parsed into a tree, which
 * takes several times its size in memory): FO_ELIMIT above it. */
#define FO_ARCHIMATE_MAX_BYTES (256u * 1024u * 1024u)

/* Reads the exchange file at `path` ("-": standard input) into the model's
 * current source (fo_model_source_begin was called with the file's name,
 * "archimate" and the prefix). Elements become nodes whose local id is their
 * `identifier`; relationships become dependencies; junctions become K-of-n
 * groups. Options (fo_model_option): "lang" (the language of names and
 * property values; default: that of the model's first <name>) and
 * "infer-nesting" ("1": diagram nesting becomes dependencies flagged with
 * the prop "inferred"; "0" or absent: not).
 *
 * Every problem is reported on fo_model_diag(m), located FILE:LINE:COL with
 * the source's file name, all of them in one run; nothing is added to the
 * model unless the whole file is read without error. Returns FO_OK,
 * FO_EINPUT (errors on the diag), FO_EIO (cannot open or read), FO_ENOMEM,
 * or FO_ELIMIT (the file is larger than FO_ARCHIMATE_MAX_BYTES, nested deeper
 * or with more attributes, comments or processing instructions than the XML
 * reader's limits, or junctions chained deeper than the documented limit;
 * also on the diag).
 * Time O(file size + relationships x junction chain), memory O(file size). */
int fo_archimate_read(fo_model *m, const char *path);

/* 1 when the first n bytes of a document (n <= 64 KiB, possibly cut
 * mid-token) surely are an exchange file: its root element is `model` in one
 * of the two namespaces above (declared on the root, as a default or a
 * prefixed namespace). 0 otherwise, or when the bytes end before that is
 * known. No allocation; O(n). */
int fo_archimate_sniff(const char *head, size_t n);

#endif
