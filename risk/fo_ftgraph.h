/*
 * fo_ftgraph.h — an inventory's app as a fault tree: the rules of
 * docs/semantics.md written as gates over one basic event per node of the
 * app's dependency cone, so that the analyses of risk/fo_risk.h answer
 * "which sets of failures take this app down" with exactly the meaning of
 * `whatif`. The translation (cycles included) is in docs/risk.md.
 */
#ifndef FO_FTGRAPH_H
#define FO_FTGRAPH_H

#include <stdint.h>

#include "../graphs/fo_diag.h"
#include "../graphs/fo_graph.h"
#include "../graphs/fo_ft.h"

typedef enum fo_ftg_event {
	/* The app is down when the events' nodes fail (whatif --fail). */
	FO_FTG_DOWN = 0,
	/* The app needs lost data when the events' nodes are destroyed
	 * (whatif --destroy; "needs lost data" of docs/semantics.md). */
	FO_FTG_LOST,
} fo_ftg_event;

typedef struct fo_ftg_opts {
	fo_ftg_event event;
} fo_ftg_opts;

/* Builds the fault tree of `app` (any node; usually an app) in g (borrowed
 * for the call). One basic event per node whose failure (destruction for
 * LOST) can matter to the top, named by the node's id, ref = the node, p =
 * fo_ftgraph_node_p; nodes outside the cone get no event. The tree's name
 * is the app's id. *out owned by the caller: fo_ft_free. Returns FO_OK,
 * FO_ENOMEM, FO_EINVAL, FO_ELIMIT (diag, which may be NULL, says which
 * limit). O(cone + its memberships) when the cone has no cycle; a cycle is
 * unfolded, at worst exponentially, up to a work limit (FO_ELIMIT). */
int fo_ftgraph_build(const fo_graph *g, uint32_t app, const fo_ftg_opts *opts, fo_ft **out,
		     fo_diag *diag);

/* The probability that node n is down from the inventory's failure data
 * (its own p, or mtbf/mttr, else its kind's default: docs/inventory-format.md),
 * or -1 when the inventory gives none. O(properties of n). */
double fo_ftgraph_node_p(const fo_graph *g, uint32_t n);

#endif
