/*
 * fo_risk.h — exact analyses of a fault tree's top event: minimal cut sets
 * (which combinations of events make it happen), its probability under
 * independent events, and the importance of each event.
 *
 * One code path for both front ends: anything that can be said as an fo_ft
 * (an app of an inventory, an Open-PSA MEF tree). The work is done on
 * decision diagrams (risk/fo_dd.h): a BDD of the top event, and a ZBDD of its
 * minimal cut sets, so counts are exact however many sets there are, and
 * listing costs only what is listed. Meaning, conventions (non-coherent
 * trees) and limits: docs/risk.md.
 *
 * Not thread-safe: one fo_risk per thread. The tree is borrowed and must
 * outlive the fo_risk.
 */
#ifndef FO_RISK_H
#define FO_RISK_H

#include <stddef.h>
#include <stdint.h>

#include "../graphs/fo_diag.h"
#include "../graphs/fo_ft.h"

typedef struct fo_risk_opts {
	/* Bytes the decision diagrams may use (nodes, unique tables, caches).
	 * 0: the default, FO_RISK_MEM_DEFAULT. Past it: FO_ELIMIT with a
	 * message on the diag naming the limit and what was being built. */
	size_t mem_limit;
	/* Cut sets: 0 computes every minimal cut set; K > 0 only those of at
	 * most K events (exact: the sets of order <= K of the full family, not
	 * an approximation of them), which is what makes very large trees
	 * tractable. */
	uint32_t max_order;
} fo_risk_opts;

#define FO_RISK_MEM_DEFAULT ((size_t)4 << 30)

typedef struct fo_risk fo_risk;

/* Prepares the analyses of ft's top (ft borrowed). Cheap: the diagrams are
 * built on first use by the calls below. opts NULL: defaults. diag (may be
 * NULL) receives the located explanation of FO_ELIMIT and FO_EINVAL.
 * *out owned by the caller: fo_risk_free. Returns FO_OK, FO_ENOMEM,
 * FO_EINVAL (no top). */
int fo_risk_new(fo_risk **out, const fo_ft *ft, const fo_risk_opts *opts, fo_diag *diag);
void fo_risk_free(fo_risk *r);

/* ---- Minimal cut sets ------------------------------------------------ */

typedef struct fo_cutsets fo_cutsets;

/* Computes the family of minimal cut sets of the top (orders <= the
 * opts' max_order if set). *out owned by the caller: fo_cutsets_free.
 * Returns FO_OK, FO_ENOMEM, FO_ELIMIT (memory limit; diag says so). */
int fo_risk_cutsets(fo_risk *r, fo_cutsets **out);
void fo_cutsets_free(fo_cutsets *cs);

/* Exact number of sets, in decimal (borrowed, valid while cs lives): any
 * size, e.g. "82000000000". */
const char *fo_cutsets_count(const fo_cutsets *cs);
/* The same as a double (rounded; for ratios and sorting). */
double fo_cutsets_count_f(const fo_cutsets *cs);
/* Largest order present (0: no set, i.e. the top cannot happen, or the top
 * is certain: see fo_cutsets_certain). */
uint32_t fo_cutsets_max_order(const fo_cutsets *cs);
/* Exact number of sets of exactly `order` events, in decimal ("0" when
 * none). Borrowed, valid while cs lives. */
const char *fo_cutsets_order_count(const fo_cutsets *cs, uint32_t order);
/* 1 when the top happens with no event at all (a CONST true reaches it):
 * the empty set is then the one minimal cut set. */
int fo_cutsets_certain(const fo_cutsets *cs);

typedef enum fo_cutsets_sort {
	/* Order ascending, then lexicographic by event numbers (the inventory's
	 * document order; the MEF file's order of definition). */
	FO_CUTSETS_BY_ORDER = 0,
	/* Probability descending (the product of the events' p), then as
	 * above; needs every event's p (FO_EINVAL otherwise). */
	FO_CUTSETS_BY_PROB,
} fo_cutsets_sort;

/* Calls fn for the first `top` sets in `sort` order (top 0: all), each as
 * its event numbers, ascending (borrowed for the call), its order and its
 * probability (NaN when some p is unknown). fn returning non-zero stops
 * the listing (not an error). Cost: output-sensitive, about O(listed x
 * order x depth) for BY_ORDER; BY_PROB is a best-first search bounded by
 * `top` as well. Returns FO_OK, FO_ENOMEM, FO_EINVAL. */
typedef int (*fo_cutsets_fn)(void *arg, const uint32_t *events, uint32_t order, double p);
int fo_cutsets_list(const fo_cutsets *cs, fo_cutsets_sort sort, size_t top, fo_cutsets_fn fn,
		    void *arg);

/* ---- Probability and importance --------------------------------------- */

/* Exact probability of the top under independent events (Shannon
 * expansion over the BDD; linear in its size). FO_EINVAL (diag names the
 * event) when an event of the top's cone has an unknown p. */
int fo_risk_probability(fo_risk *r, double *out);

/* Minimal-cut-set upper bound 1 - prod(1 - P(cs)) and rare-event
 * approximation sum P(cs): approximations for comparison only (docs/risk.md);
 * computed on the ZBDD without listing. */
int fo_risk_probability_mcub(fo_risk *r, double *out);
int fo_risk_probability_rare(fo_risk *r, double *out);

/* Importance of one event for the top (Q = P(top), Q1 = P(top | event
 * happens), Q0 = P(top | event does not happen)). */
typedef struct fo_importance {
	uint32_t event;
	double p;              /* the event's probability */
	double q1, q0;         /* P(top | e), P(top | not e) */
	double birnbaum;       /* Q1 - Q0 */
	double fussell_vesely; /* (Q - Q0) / Q; 0 when Q = 0 */
	double raw;            /* risk achievement worth Q1 / Q (inf when Q = 0 < Q1) */
	double rrw;            /* risk reduction worth Q / Q0 (inf when Q0 = 0 < Q) */
} fo_importance;

/* One entry per event in the top's cone (events outside it have no
 * influence and are left out), by event number. *out owned by the caller
 * (free()). Linear in the BDD size for all events together. Returns FO_OK,
 * FO_ENOMEM, FO_ELIMIT, FO_EINVAL (unknown p, as above). */
int fo_risk_importance(fo_risk *r, fo_importance **out, size_t *n);

/* Statistics of the diagrams built so far, for reports and benchmarks. */
typedef struct fo_risk_stats {
	size_t bdd_nodes;   /* nodes of the top's BDD */
	size_t zbdd_nodes;  /* nodes of the cut-set ZBDD (0 if not built) */
	size_t peak_bytes;  /* peak memory of the diagram manager */
	uint32_t events;    /* events in the top's cone */
} fo_risk_stats;
void fo_risk_stats_get(const fo_risk *r, fo_risk_stats *out);

#endif
