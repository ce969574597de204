/*
 * fo_riskreport.h — the results of the risk analyses (risk/fo_risk.h) as
 * text, JSON or CSV: the minimal failure sets of one fault tree (`fallout
 * cutsets`) and the availability of one or more trees with the importance of
 * their events (`fallout availability`, the batch report). The formats are
 * contracts: docs/output-formats.md ("cutsets", "availability").
 *
 * Event names are hostile text (inventory ids, MEF names): escaped for each
 * format (text: fo_diag escaping, one line; JSON strings; CSV fields).
 */
#ifndef FO_RISKREPORT_H
#define FO_RISKREPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../graphs/fo_diag.h"
#include "../graphs/fo_ft.h"
#include "../graphs/fo_graph.h"
#include "../risk/fo_risk.h"

typedef enum fo_riskreport_format {
	FO_RISKREPORT_TEXT = 0,
	FO_RISKREPORT_JSON = 1,
	FO_RISKREPORT_CSV = 2,
} fo_riskreport_format;

/* Minutes in a year of 365.25 days, for "minutes down per year". */
#define FO_RISKREPORT_YEAR_MINUTES 525960.0

/* What the header of a report says about the tree. */
typedef struct fo_riskreport_src {
	const char *input;  /* the inventory's name, else its file; the MEF file */
	const char *event;  /* "down" or "lost" for an inventory, NULL for MEF */
	const fo_graph *g;  /* the inventory (kinds of the events' nodes), or NULL */
} fo_riskreport_src;

/* Writes the cut sets cs of ft (both borrowed) in fmt: the exact count, the
 * count per order, and the first `top` sets (0: all) in `sort` order with
 * their probability when every event's p is known. max_order: the bound the
 * sets were computed with (0: none), said in the header. Returns FO_OK,
 * FO_EINVAL (BY_PROB with an unknown p: the caller checks first), FO_ENOMEM,
 * FO_EIO. Cost: O(orders + listed sets x order) on top of the listing. */
int fo_riskreport_cutsets(FILE *fp, const fo_riskreport_src *src, const fo_ft *ft,
			  const fo_cutsets *cs, uint32_t max_order, fo_cutsets_sort sort, size_t top,
			  fo_riskreport_format fmt);

/* How the probability of one tree was obtained. */
typedef enum fo_riskreport_method {
	FO_RISKREPORT_EXACT = 0, /* the BDD (fo_risk_probability) */
	FO_RISKREPORT_RARE,      /* rare-event approximation, sum of P(cut set) */
	FO_RISKREPORT_MCUB,      /* minimal cut set upper bound */
} fo_riskreport_method;

/* One tree's availability: its probability and (may be NULL when not
 * computed, e.g. with an approximation) its events' importance, in any
 * order; fo_riskreport_rank_importance sorts them into the hardening
 * order. Everything borrowed. */
typedef struct fo_riskreport_avail {
	const fo_ft *ft;
	double q;                  /* P(top) */
	const fo_importance *imp;  /* NULL: not computed */
	size_t nimp;
	unsigned tier;             /* the app's tier (0: none or MEF) */
	const char *tenant;        /* the app's tenant, or NULL */
	/* Events of the top's cone without failure data (the batch report
	 * lists such apps; q is then NaN and imp NULL). 0 for the writers of
	 * this module, which the command calls only on complete data. */
	size_t missing;
	/* 1 when the app's decision diagrams went over the memory limit given
	 * to fo_riskreport_apps_compute (q is then NaN and imp NULL): the batch
	 * report says so for that app instead of failing. 0 otherwise. */
	int over_limit;
} fo_riskreport_avail;

/* Sorts imp into the hardening order: Fussell-Vesely descending (the share
 * of the unavailability that involves the event; RRW ranks the same), then
 * Birnbaum descending, then RAW descending, then event number. O(n log n). */
void fo_riskreport_rank_importance(fo_importance *imp, size_t n);

/* Nines of availability for P(down) q: -log10(q) (inf when q = 0). */
double fo_riskreport_nines(double q);

/* Writes the availability of n trees (apps in the caller's order) in fmt,
 * with at most `top` importance rows per tree (0: all; JSON and CSV too, so
 * that a pipe gets what the text shows). Returns FO_OK, FO_EINVAL, FO_EIO. */
int fo_riskreport_availability(FILE *fp, const fo_riskreport_src *src,
			       const fo_riskreport_avail *a, size_t n, fo_riskreport_method method,
			       size_t top, fo_riskreport_format fmt);

/* The word of a method as the outputs print it: "exact", "rare-event",
 * "mcub". Static string. */
const char *fo_riskreport_method_word(fo_riskreport_method m);

/* The availability of several apps of one inventory, owned (the batch
 * report's section). */
typedef struct fo_riskreport_apps {
	fo_riskreport_avail *a; /* n entries, in the order of the apps given */
	size_t n;
	fo_ft **fts;            /* owned trees and importance arrays */
	fo_importance **imps;
} fo_riskreport_apps;

/* When some node of g has failure data (fo_ftgraph_node_p >= 0), fills
 * out with the availability (exact, with ranked importance) of each of
 * the napps apps (down); an app whose cone lacks data for some node gets
 * `missing` > 0 instead, and an app whose decision diagrams need more than
 * mem_limit bytes (0: FO_RISKREPORT_APPS_MEM) gets `over_limit` = 1 (a BDD
 * can be exponential in its cone: this bounds the time a report spends on
 * one app). Without failure data, out->n = 0. Returns FO_OK, FO_ENOMEM,
 * FO_ELIMIT (a fault tree over the translation's limit; diag, may be NULL,
 * says so). Dispose either way. Cost: one BDD per app, each bounded by
 * mem_limit. */
#define FO_RISKREPORT_APPS_MEM ((size_t)256 << 20)
int fo_riskreport_apps_compute(fo_riskreport_apps *out, const fo_graph *g, const uint32_t *apps,
			       size_t napps, size_t mem_limit, fo_diag *diag);
void fo_riskreport_apps_dispose(fo_riskreport_apps *x);

/* The order-2 failure sets of `app` in g (both borrowed): the pairs of
 * nodes whose joint failure (lost: destruction) takes it down while
 * neither alone does (those are its single points of failure). *out
 * malloc'd (free()): 2 * *n node indices, each pair ascending, pairs in
 * ascending order. Returns FO_OK, FO_ENOMEM, FO_ELIMIT (the decision
 * diagrams' memory limit; diag, may be NULL, says so), FO_EINVAL. Cost:
 * the app's fault tree and a ZBDD bounded to order 2. */
int fo_riskreport_pairs(const fo_graph *g, uint32_t app, int lost, uint32_t **out, size_t *n,
			fo_diag *diag);

#endif
