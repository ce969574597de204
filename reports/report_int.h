/*
 * report_int.h — internals shared by the writers of reports/ (not installed,
 * not part of the API): a growable string buffer and the UTF-8 and escaping
 * helpers every output format needs.
 *
 * Ids and names come from an inventory and are hostile text: every writer
 * escapes them for its own syntax. The UTF-8 decoder here is strict (no
 * overlong forms, no surrogates, nothing above U+10FFFF) so each writer can
 * decide what to do with a byte that is not text; libxml2 only hands us valid
 * UTF-8, but the builder API accepts any bytes.
 */
#ifndef FO_REPORT_INT_H
#define FO_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../analyzer/fo_engine.h"

/* A NUL-terminated, growable string. Caller-owned struct: start zeroed (or
 * fo_sbuf__init), free with fo_sbuf__dispose. An allocation failure sets `oom`
 * and turns later appends into no-ops, so a writer checks once at the end. */
typedef struct fo_sbuf {
	char *p;
	size_t len, cap;
	int oom;
} fo_sbuf;

void fo_sbuf__init(fo_sbuf *b);
void fo_sbuf__dispose(fo_sbuf *b);
void fo_sbuf__clear(fo_sbuf *b);
void fo_sbuf__putn(fo_sbuf *b, const char *s, size_t n);
void fo_sbuf__puts(fo_sbuf *b, const char *s);
void fo_sbuf__putc(fo_sbuf *b, char c);
void fo_sbuf__printf(fo_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text so far ("" when empty or after a failed allocation); borrowed. */
const char *fo_sbuf__str(const fo_sbuf *b);
/* Hands the text over: the caller frees it with free(); NULL if oom. The
 * buffer is left empty. */
char *fo_sbuf__take(fo_sbuf *b);

/* Decodes one UTF-8 sequence at s (s[0] != 0). Returns its length (1..4) and
 * the code point, or 0 when s does not start a valid, shortest-form sequence
 * of a Unicode scalar value (the caller then treats s[0] as a raw byte). */
size_t fo_report__utf8(const unsigned char *s, uint32_t *cp);

/* Appends s escaped like fo_diag_fputs_escaped (\n, \r, \t, \\, \xNN for other
 * control bytes and DEL), so that an id always prints on one line; also the
 * C1 controls U+0080..U+009F, as \xc2\xNN (fo_diag_fputs_escaped does not). */
void fo_report__esc(fo_sbuf *b, const char *s);

/* A JSON string (RFC 8259): quote, backslash and every control character
 * escaped; U+2028/U+2029 too, so the document is also a valid JavaScript
 * literal; bytes that are not UTF-8 become U+FFFD. NULL gives null. */
void fo_report__json_str(fo_sbuf *b, const char *s);

/* Terminal columns taken by UTF-8 text: East Asian wide and fullwidth
 * characters count 2, combining marks 0, a byte that is not UTF-8 counts 1.
 * Used to align text columns that hold Chinese names. */
size_t fo_report__width(const char *s);

/* Appends the state of a node with its qualifiers, as reports print it:
 * "down (failed)", "down (destroyed, lost)", "degraded, at-risk", "up". */
void fo_report__state(fo_sbuf *b, unsigned flags);

/* The apps hit, as a partition: each app in exactly one of the four
 * classes, so the counts add up to the apps hit. `lost` counts the apps
 * that need lost data (all of them down). Start zeroed. */
typedef struct fo_appcounts {
	size_t hit, down, lost, deg_only, risk_only, deg_risk;
} fo_appcounts;

/* The texts below are written into a caller's buffer of this size (no
 * allocation: writers that print straight to a stream cannot fail here). */
#define FO_APPCOUNTS_TEXT 256

/* Counts one app hit, of engine flags f (not 0), needing lost data or not. */
void fo_report__count_app(fo_appcounts *c, unsigned f, int needs_lost);

/* "2 hit = 2 down (1 needs lost data) + 0 degraded only + 0 at-risk only +
 * 0 degraded and at-risk": every term always, so the sum is visible. */
void fo_report__partition(char buf[FO_APPCOUNTS_TEXT], const fo_appcounts *c);

/* "12 down (2 need lost data), 120 degraded only": the classes that are not
 * empty ("none" when all are), for per-tenant lines, remainders and titles. */
void fo_report__nonzero(char buf[FO_APPCOUNTS_TEXT], const fo_appcounts *c);

/* Appends one CSV field (RFC 4180): escaped like fo_report__esc (so one line,
 * no control character), quoted when it holds a comma or quote; a text a
 * spreadsheet would run as a formula gets a leading apostrophe (CSV
 * injection). NULL appends nothing (an empty field). O(strlen(s)). */
void fo_report__csv_field(fo_sbuf *b, const char *s);

/* fo_report__csv_field written to fp (nothing when out of memory: the
 * caller's stream check reports the failure). O(strlen(s)). */
void fo_report__csv_put(FILE *fp, const char *s);

/* Natural order of two ids or tenants: digit runs compare by value (t2
 * before t10, app-9 before app-10), other bytes bytewise; a total order
 * (t01 and t1, equal as numbers, are ordered bytewise). Used wherever a text
 * output sorts names (docs/output-formats.md). O(strlen). */
int fo_report__natcmp(const char *a, const char *b);

/* The nodes that need lost data after the engine's last run (lostdata.c,
 * rule in docs/semantics.md): lost, or with a requires or located group left
 * with fewer than K members free of lost data. Caller-owned struct, filled
 * by fo_report__lostdeps, freed by fo_report__lostdeps_dispose. */
typedef struct fo_lostdeps {
	uint32_t *rep; /* per node: a lost node it needs, or FO_NONE; NULL
			* (nothing needs lost data) when nothing is lost */
	size_t nlost;  /* lost nodes */
	size_t napps;  /* apps that need lost data (lost apps included) */
} fo_lostdeps;

/* imp: the impacted nodes of the run (fo_engine_impacted), or any ascending
 * list that holds its lost nodes (the order decides which lost node each
 * node records). Returns FO_OK or FO_ENOMEM
 * (out then empty). O(k + memberships of the k impacted nodes) plus
 * O(nodes + groups) zeroed memory when a node is lost. */
int fo_report__lostdeps(fo_lostdeps *out, const fo_engine *e, const uint32_t *imp, size_t nimp);
void fo_report__lostdeps_dispose(fo_lostdeps *d);

/* The lost node that v needs (FO_NONE: none). O(1). */
static inline uint32_t fo_report__lost_rep(const fo_lostdeps *d, uint32_t v)
{
	return d->rep ? d->rep[v] : FO_NONE;
}

#endif
