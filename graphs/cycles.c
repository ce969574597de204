/*
 * cycles.c — dependency cycles (fo_cycles.h): the strongly connected
 * components of the hard-dependency graph, by Tarjan's algorithm run
 * iteratively over the graph's own CSR arrays.
 *
 * It used to go through igraph, which first copies every edge into a
 * graph of its own and indexes it (two sorts of the 5 million edges of the
 * 1M-node generated inventory: about 2 s, twice per `fallout check`, which
 * also computes SPOFs). Walking the CSR arrays in place takes a fraction of
 * that, and needs no error translation. The explicit stack keeps the depth
 * of the dependency chains off the C stack.
 */
#include "fo_cycles.h"

#include <stdlib.h>
#include <string.h>

#include "fo_error.h"

void fo_sccs_dispose(fo_sccs *s)
{
	if (!s)
		return;
	free(s->off);
	free(s->nodes);
	memset(s, 0, sizeof *s);
}

/* One frame of the walk: node v, and where it is in its edges (group gi of
 * its owned groups, member mi of that group). */
typedef struct frame {
	uint32_t v, gi, mi;
} frame;

/* Tarjan: comp[v] = the component of v (numbered as found), selfloop[v]
 * set for a node that depends on itself. *ncomp = number of components.
 * O(nodes + members); memory 4 arrays of nodes. */
static int tarjan(const fo_graph_view *g, uint32_t *comp, uint8_t *selfloop, uint32_t *ncomp)
{
	uint32_t n = g->nodes, next = 0, nc = 0;
	size_t nn = n ? n : 1, top = 0, sp = 0;
	uint32_t *index = malloc(nn * sizeof *index), *low = malloc(nn * sizeof *low);
	uint32_t *stack = malloc(nn * sizeof *stack);
	frame *call = malloc(nn * sizeof *call);
	int err = FO_OK;

	if (!index || !low || !stack || !call) {
		err = FO_ENOMEM;
		goto done;
	}
	/* index UINT32_MAX: not visited; comp UINT32_MAX: still on the stack. */
	memset(index, 0xff, nn * sizeof *index);
	memset(comp, 0xff, nn * sizeof *comp);
	for (uint32_t root = 0; root < n; root++) {
		if (index[root] != UINT32_MAX)
			continue;
		call[top++] = (frame){ root, g->owned_off[root], 0 };
		index[root] = low[root] = next++;
		stack[sp++] = root;
		while (top) {
			frame *f = &call[top - 1];
			uint32_t v = f->v, w = UINT32_MAX;
			/* The next edge v -> w of a hard group owned by v. */
			while (f->gi < g->owned_off[v + 1]) {
				uint32_t gi = f->gi;
				if (!fo_group_type_is_hard((fo_group_type)g->group_type[gi]) ||
				    g->member_off[gi] + f->mi >= g->member_off[gi + 1]) {
					f->gi++;
					f->mi = 0;
					continue;
				}
				w = g->members[g->member_off[gi] + f->mi++];
				if (w == v) {
					selfloop[v] = 1;
					w = UINT32_MAX;
					continue;
				}
				if (index[w] == UINT32_MAX)
					break; /* descend */
				if (comp[w] == UINT32_MAX && index[w] < low[v])
					low[v] = index[w]; /* w is on the stack */
				w = UINT32_MAX;
			}
			if (w != UINT32_MAX) {
				call[top++] = (frame){ w, g->owned_off[w], 0 };
				index[w] = low[w] = next++;
				stack[sp++] = w;
				continue;
			}
			/* v is done: a root pops its component. */
			if (low[v] == index[v]) {
				uint32_t x;
				do {
					x = stack[--sp];
					comp[x] = nc;
				} while (x != v);
				nc++;
			}
			top--;
			if (top && low[v] < low[call[top - 1].v])
				low[call[top - 1].v] = low[v];
		}
	}
	*ncomp = nc;
done:
	free(index);
	free(low);
	free(stack);
	free(call);
	return err;
}

int fo_graph_cycles(const fo_graph *g, fo_sccs *out)
{
	int err = FO_OK;
	fo_graph_view v;
	uint32_t ncomp = 0;
	uint32_t n = fo_graph_node_count(g);
	size_t nn = n ? n : 1;
	uint32_t *membership = malloc(nn * sizeof *membership);
	uint8_t *selfloop = calloc(nn, 1);
	uint32_t *size = NULL, *first = NULL, *slot = NULL;

	memset(out, 0, sizeof *out);
	fo_graph_view_get(g, &v);
	if (!membership || !selfloop) {
		err = FO_ENOMEM;
		goto done;
	}
	if ((err = tarjan(&v, membership, selfloop, &ncomp)) < 0)
		goto done;

	size = calloc((size_t)ncomp + 1, sizeof *size);
	first = malloc(((size_t)ncomp + 1) * sizeof *first);
	slot = malloc(((size_t)ncomp + 1) * sizeof *slot);
	if (!size || !first || !slot) {
		err = FO_ENOMEM;
		goto done;
	}
	for (uint32_t i = 0; i < n; i++)
		size[membership[i]]++;
	/* A component is cyclic when it has 2+ nodes or a self-loop. Number the
	 * cyclic components in order of their smallest node. */
	size_t count = 0, total = 0;
	for (uint32_t c = 0; c <= ncomp; c++)
		slot[c] = UINT32_MAX;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = membership[i];
		if (slot[c] != UINT32_MAX || !(size[c] > 1 || selfloop[i]))
			continue;
		slot[c] = (uint32_t)count;
		first[count++] = c;
		total += size[c];
	}
	out->count = count;
	out->off = malloc((count + 1) * sizeof *out->off);
	out->nodes = malloc((total ? total : 1) * sizeof *out->nodes);
	if (!out->off || !out->nodes) {
		err = FO_ENOMEM;
		goto done;
	}
	out->off[0] = 0;
	for (size_t k = 0; k < count; k++)
		out->off[k + 1] = out->off[k] + size[first[k]];
	/* Reuse size[] as a fill cursor per cyclic component. */
	for (size_t k = 0; k < count; k++)
		size[first[k]] = out->off[k];
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = membership[i];
		if (slot[c] != UINT32_MAX)
			out->nodes[size[c]++] = i;
	}
done:
	if (err < 0)
		fo_sccs_dispose(out);
	free(membership);
	free(selfloop);
	free(size);
	free(first);
	free(slot);
	return err;
}
