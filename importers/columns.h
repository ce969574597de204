/*
 * columns.h — importers-private: fills in the columns of diagnostics that
 * were recorded with a line and a hint but no column (see fo_diag.h).
 *
 * libxml2 stores no column for elements and attributes, and the builder
 * reports some errors with col = 0 and a hint (the id it could not resolve,
 * "in=", ...). Once reading is done, one sequential re-read of the file finds
 * each hint on its line; that keeps memory bounded by the diagnostics, not by
 * the document (no table of line offsets is kept while reading).
 */
#ifndef FO_IMPORTERS_COLUMNS_H
#define FO_IMPORTERS_COLUMNS_H

#include <stddef.h>

#include "../graphs/fo_diag.h"

/* For every stored entry i >= first of d whose file equals `file`, with
 * line > 0 and col == 0, sets the column by reading the file through `fd`
 * (pread from offset 0; fd's own offset is not moved):
 *   hint "<elem"    the '<' of the first "<elem" on the line;
 *   hint "attr="    the first attribute named attr (a blank or the ':' of a
 *                   prefix before the name, then optional blanks and '=');
 *   any other hint  the first character after the quote of "hint" or 'hint',
 *                   else the first occurrence of the hint;
 *   no hint, or not found: the first non-blank character of the line.
 * Only the first 1 MiB of a line is searched. Columns count characters.
 * Entries on lines past the end of the file keep col 0. Read errors leave
 * the remaining columns unknown; nothing is reported. O(file size). */
void fo_columns__resolve(fo_diag *d, size_t first, const char *file, int fd);

#endif
