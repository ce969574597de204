/*
 * lostdata.c — which nodes cannot come back without data that is lost
 * (report_int.h; the rule is in docs/semantics.md, "Needing lost data").
 *
 * A repair brings back what failed or burnt; it cannot bring back data whose
 * every copy holder was destroyed. The reports say, for each app that is
 * down, whether it needs such data, so that a reviewer does not conclude
 * that rebuilding a server brings an app back when its data is gone.
 *
 * The rule is a least fixed point of the same shape as "down": a node needs
 * lost data when it is lost, or when one of its requires or located groups
 * has fewer than K members that do not need lost data. It is computed by a
 * worklist from the lost nodes with one counter per group, so the cost is
 * O(impacted nodes + their memberships) plus the zeroed arrays, which are
 * only allocated when something is lost. Each node that needs lost data
 * also records one lost node it needs (its "lost root": the lost node at
 * the end of the chain of groups that tipped, found breadth-first from the
 * lost nodes in document order), for a one-word mention in a table.
 */
#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"
#include "report_int.h"

int fo_report__lostdeps(fo_lostdeps *out, const fo_engine *e, const uint32_t *imp, size_t nimp)
{
	const fo_graph *g = fo_engine_graph(e);
	size_t head = 0, tail = 0;
	uint32_t *count = NULL, *queue = NULL;
	int err = FO_OK;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < nimp; i++)
		if (fo_engine_flags(e, imp[i]) & FO_F_LOST)
			out->nlost++;
	if (out->nlost == 0)
		return FO_OK;
	out->rep = malloc((size_t)fo_graph_node_count(g) * sizeof *out->rep);
	count = calloc((size_t)fo_graph_group_count(g) + 1, sizeof *count);
	/* every node queued needs lost data, so is impacted; but the caller
	 * may pass the lost nodes only */
	queue = malloc((size_t)fo_graph_node_count(g) * sizeof *queue);
	if (!out->rep || !count || !queue) {
		err = FO_ENOMEM;
		goto done;
	}
	/* FO_NONE is all ones: "needs no lost data" for every node. */
	memset(out->rep, 0xff, (size_t)fo_graph_node_count(g) * sizeof *out->rep);
	for (size_t i = 0; i < nimp; i++)
		if (fo_engine_flags(e, imp[i]) & FO_F_LOST) {
			out->rep[imp[i]] = imp[i];
			queue[tail++] = imp[i];
		}
	while (head < tail) {
		uint32_t x = queue[head++];
		const uint32_t *of;
		size_t nof = fo_graph_node_memberof(g, x, &of);
		for (size_t i = 0; i < nof; i++) {
			fo_group_info gr;
			fo_graph_group(g, of[i], &gr);
			/* Copies make a node lost only through destroyed or lost
			 * holders (the engine's rule); a holder that is merely
			 * down still has the data on its disks. */
			if (gr.type != FO_GROUP_REQUIRES && gr.type != FO_GROUP_LOCATED)
				continue;
			if (++count[of[i]] <= gr.n - gr.k || out->rep[gr.owner] != FO_NONE)
				continue;
			/* fewer than K members are free of lost data: the owner is
			 * down (such members are down) and needs lost data */
			out->rep[gr.owner] = out->rep[x];
			queue[tail++] = gr.owner;
		}
	}
	for (size_t i = 0; i < tail; i++)
		out->napps += fo_graph_node_kind(g, queue[i]) == FO_KIND_APP;
done:
	free(count);
	free(queue);
	if (err < 0)
		fo_report__lostdeps_dispose(out);
	return err;
}

void fo_report__lostdeps_dispose(fo_lostdeps *d)
{
	free(d->rep);
	memset(d, 0, sizeof *d);
}
