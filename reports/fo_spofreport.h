/*
 * fo_spofreport.h — the results of the single-point-of-failure analysis
 * (analyzer/fo_spof.h) as text, JSON or CSV: per app its single points of
 * failure and of data loss, the blast-radius ranking, and the redundancy
 * groups that share one fate. The formats are contracts (docs/spof.md);
 * `fallout spof` prints them and `fallout report` embeds the JSON.
 */
#ifndef FO_SPOFREPORT_H
#define FO_SPOFREPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../analyzer/fo_spof.h"
#include "../graphs/fo_graph.h"

typedef enum fo_spofreport_format {
	FO_SPOFREPORT_TEXT = 0,
	FO_SPOFREPORT_JSON = 1,
	FO_SPOFREPORT_CSV = 2,
} fo_spofreport_format;

/* What a report shows: the apps (by tenant, untenanted last, then document
 * order) and the ranking rows. Fill with fo_spofreport_select; the arrays
 * are owned by the struct (fo_spofreport_dispose); g and s are borrowed. */
typedef struct fo_spofreport {
	const fo_graph *g;
	const fo_spof *s;
	uint32_t *apps;
	size_t napps;
	const fo_spof_rank **rows; /* borrowed from s */
	size_t nrows;              /* rows shown */
	size_t ranked;             /* rows eligible (before --top) */
	unsigned long top;         /* 0 = every row */
	/* Order-2 failure sets (fo_spofreport_pairs): per shown app i,
	 * npairs[i] pairs of node indices in pairs[i] (2 each, ascending),
	 * or pairs[i] NULL with npairs[i] 0 when not computed for that app
	 * (not tier 1), or npairs[i] SIZE_MAX when the app's tree or its
	 * diagrams went over a limit (said instead of its pairs). Both arrays
	 * NULL until computed. Owned. */
	uint32_t **pairs;
	size_t *npairs;
	size_t pairs_apps;         /* apps they were computed for */
	size_t pairs_eligible;     /* apps they would be computed for without a limit */
} fo_spofreport;

/* Selects the apps (app = FO_NONE for all, else that app only) and the
 * ranking rows: nodes of `kind` (NULL = any; a known kind or alias matches
 * by canonical kind, any other word the kind as written), in the app's fail
 * set when app is given, the first `top` (0 = all). g and s must outlive r.
 * Returns FO_OK, FO_EINVAL, FO_ENOMEM. O(nodes log nodes). */
int fo_spofreport_select(fo_spofreport *r, const fo_graph *g, const fo_spof *s, uint32_t app,
			 const char *kind, unsigned long top);
void fo_spofreport_dispose(fo_spofreport *r);

/* Computes the order-2 failure sets (reports/fo_riskreport.h,
 * fo_riskreport_pairs: two nodes whose joint failure takes the app down,
 * neither alone) of the selected apps of tier 1, or of every selected app
 * when `all` (spof --app): of the first max_apps of them in the report's
 * order (0: every one), since each costs a decision diagram (a million-node
 * inventory has tens of thousands of tier-1 apps). The writers then print
 * them: text a section "Pairs" (at most 10 per app, the count of the rest,
 * and how many apps were left out), JSON members "pairs" (every pair) and
 * "pairs_apps". Returns FO_OK, FO_ENOMEM, FO_ELIMIT. */
int fo_spofreport_pairs(fo_spofreport *r, int all, size_t max_apps);

/* Apps whose pairs fo_spofreport_pairs computes by default. */
#define FO_SPOFREPORT_PAIR_APPS 10

/* Writes r to fp (not closed) in fmt: TEXT and JSON include the shared-fate
 * groups, CSV has the SPOF and ranking records. Returns FO_OK, FO_EINVAL,
 * FO_ENOMEM, FO_EIO (writing failed). O(sum of the shown sets + groups'
 * shared-fate work). */
int fo_spofreport_write(FILE *fp, const fo_spofreport *r, fo_spofreport_format fmt);

/* The word of a group type as reports print it: "requires", "copies",
 * "located". Static string. */
const char *fo_spofreport_group_word(fo_group_type t);

#endif
