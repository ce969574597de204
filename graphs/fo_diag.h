/*
 * fo_diag.h — diagnostics context: the located error and warning messages
 * produced while reading and checking an inventory.
 *
 * A context collects entries "FILE:LINE:COL: severity: message" in the order
 * they were added. It stores at most `cap` entries but keeps counting past the
 * cap, so a tool can print "… and 1234 more". Messages may contain hostile text
 * (ids with newlines or control characters): fo_diag_print escapes them so one
 * diagnostic is always one line.
 */
#ifndef FO_DIAG_H
#define FO_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef enum fo_severity {
	FO_SEV_ERROR = 0,
	FO_SEV_WARNING = 1,
} fo_severity;

typedef struct fo_diag_entry {
	fo_severity sev;
	const char *file;   /* may be NULL: no location */
	unsigned long line; /* 1-based; 0 = no line */
	unsigned long col;  /* 1-based; 0 = unknown (see hint) */
	const char *hint;   /* NULL, or text to find on `line` to locate the column */
	const char *msg;
	/* A stable code naming the kind of problem ("unknown-reference"; the
	 * list is in docs/inventory-format.md), or NULL for a diagnostic that
	 * has none. Static text, never freed by the context. */
	const char *code;
} fo_diag_entry;

typedef struct fo_diag fo_diag;

/* Creates a context keeping at most `cap` entries (0 = unlimited).
 * *out is owned by the caller: free with fo_diag_free. */
int fo_diag_new(fo_diag **out, size_t cap);
void fo_diag_free(fo_diag *d);

/* Adds an entry; file and hint are copied (may be NULL). printf-style message.
 * Returns FO_OK, or FO_ENOMEM (the entry is then counted but not stored). */
int fo_diag_add(fo_diag *d, fo_severity sev, const char *file, unsigned long line,
		unsigned long col, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* fo_diag_add with a stable code (static text, borrowed for the context's
 * lifetime; NULL = none). fo_diag_vadd_code takes a va_list. */
int fo_diag_add_code(fo_diag *d, fo_severity sev, const char *code, const char *file,
		     unsigned long line, unsigned long col, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
int fo_diag_vadd_code(fo_diag *d, fo_severity sev, const char *code, const char *file,
		      unsigned long line, unsigned long col, const char *hint, const char *fmt,
		      va_list ap) __attribute__((format(printf, 8, 0)));

/* Counters include entries dropped by the cap. */
size_t fo_diag_errors(const fo_diag *d);
size_t fo_diag_warnings(const fo_diag *d);
/* Stored entries, in insertion order; borrowed until the next add or free. */
size_t fo_diag_count(const fo_diag *d);
/* Entries counted but not stored (the cap, or memory). */
size_t fo_diag_dropped(const fo_diag *d);
/* The stored entries' indices in print order (fo_diag_print): by file in
 * order of first appearance, then line, column, insertion. *out malloc'd
 * (free()), NULL when there are none. Returns FO_OK or FO_ENOMEM.
 * O(entries log entries + entries x files). */
int fo_diag_order(const fo_diag *d, size_t **out);
const fo_diag_entry *fo_diag_get(const fo_diag *d, size_t i);
/* Sets the column of stored entry i (used by readers that locate columns lazily). */
void fo_diag_set_col(fo_diag *d, size_t i, unsigned long col);

/* Prints the stored entries, one line each: "FILE:LINE:COL: error: msg"
 * (parts without a value are omitted), control characters escaped; then, if the
 * cap dropped entries, one line saying how many. Returns FO_OK or FO_EIO. */
int fo_diag_print(const fo_diag *d, FILE *fp);

/* Ids quoted in messages are shortened so that one diagnostic stays
 * readable (docs/inventory-format.md, "Errors and warnings"): s itself when
 * it has at most FO_DIAG_SHORT_MAX bytes, else its first bytes up to that
 * (never cutting a UTF-8 sequence) and "..." copied into buf. O(strlen(s)). */
#define FO_DIAG_SHORT_MAX 80
#define FO_DIAG_SHORT_BUF (FO_DIAG_SHORT_MAX + 4)
const char *fo_diag_shorten(const char *s, char buf[FO_DIAG_SHORT_BUF]);

/* Writes `s` to fp escaping bytes < 0x20, 0x7f, the C1 controls U+0080..U+009F
 * (as two \xNN) and backslash C-style (\n, \t,
 * \\, \xNN); UTF-8 text passes through. Used for every id printed on one line. */
void fo_diag_fputs_escaped(const char *s, FILE *fp);

#endif
