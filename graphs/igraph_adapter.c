/*
 * igraph_adapter.c — the only place where fallout meets igraph.
 *
 * igraph's default error handler aborts the process, which a library must
 * never do: we install igraph_error_handler_ignore (once, process-wide) and
 * translate every igraph error code into FO_EGRAPH / FO_ENOMEM here, using
 * IGRAPH_FINALLY so igraph's own objects are destroyed on every path.
 */
#include "fo_cycles.h"

#include <igraph.h>
#include <stdlib.h>
#include <string.h>

#include "fo_error.h"

static int translate(igraph_error_t e)
{
	if (e == IGRAPH_SUCCESS)
		return FO_OK;
	return e == IGRAPH_ENOMEM ? FO_ENOMEM : FO_EGRAPH;
}

static void install_handlers(void)
{
	/* Idempotent; igraph keeps one handler per thread when built with TLS. */
	igraph_set_error_handler(igraph_error_handler_ignore);
	igraph_set_warning_handler(igraph_warning_handler_ignore);
}

void fo_sccs_dispose(fo_sccs *s)
{
	if (!s)
		return;
	free(s->off);
	free(s->nodes);
	memset(s, 0, sizeof *s);
}

/* Builds the igraph of hard dependencies (owner -> member) and returns the
 * strong-component membership of each node. */
static igraph_error_t sccs_membership(const fo_graph *g, igraph_vector_int_t *membership,
				      igraph_integer_t *ncomp, igraph_vector_bool_t *selfloop)
{
	fo_graph_view v;
	igraph_vector_int_t edges;
	igraph_t ig;

	fo_graph_view_get(g, &v);
	IGRAPH_VECTOR_INT_INIT_FINALLY(&edges, 0);
	for (uint32_t gi = 0; gi < v.groups; gi++) {
		if (!fo_group_type_is_hard((fo_group_type)v.group_type[gi]))
			continue;
		uint32_t owner = v.group_owner[gi];
		for (uint32_t m = v.member_off[gi]; m < v.member_off[gi + 1]; m++) {
			if (v.members[m] == owner) {
				VECTOR(*selfloop)[owner] = 1;
				continue;
			}
			IGRAPH_CHECK(igraph_vector_int_push_back(&edges, owner));
			IGRAPH_CHECK(igraph_vector_int_push_back(&edges, v.members[m]));
		}
	}
	IGRAPH_CHECK(igraph_create(&ig, &edges, v.nodes, IGRAPH_DIRECTED));
	IGRAPH_FINALLY(igraph_destroy, &ig);
	IGRAPH_CHECK(igraph_connected_components(&ig, membership, NULL, ncomp, IGRAPH_STRONG));
	igraph_destroy(&ig);
	igraph_vector_int_destroy(&edges);
	IGRAPH_FINALLY_CLEAN(2);
	return IGRAPH_SUCCESS;
}

int fo_graph_cycles(const fo_graph *g, fo_sccs *out)
{
	int err = FO_OK;
	igraph_vector_int_t membership;
	igraph_vector_bool_t selfloop;
	igraph_integer_t ncomp = 0;
	uint32_t n = fo_graph_node_count(g);
	uint32_t *size = NULL, *first = NULL, *slot = NULL;
	int have_m = 0, have_s = 0;

	memset(out, 0, sizeof *out);
	install_handlers();
	if ((err = translate(igraph_vector_int_init(&membership, n))) < 0)
		goto done;
	have_m = 1;
	if ((err = translate(igraph_vector_bool_init(&selfloop, n))) < 0)
		goto done;
	have_s = 1;
	if ((err = translate(sccs_membership(g, &membership, &ncomp, &selfloop))) < 0)
		goto done;

	size = calloc((size_t)ncomp + 1, sizeof *size);
	first = malloc(((size_t)ncomp + 1) * sizeof *first);
	slot = malloc(((size_t)ncomp + 1) * sizeof *slot);
	if (!size || !first || !slot) {
		err = FO_ENOMEM;
		goto done;
	}
	for (uint32_t i = 0; i < n; i++)
		size[VECTOR(membership)[i]]++;
	/* A component is cyclic when it has 2+ nodes or a self-loop. Number the
	 * cyclic components in order of their smallest node. */
	size_t count = 0, total = 0;
	for (igraph_integer_t c = 0; c <= ncomp; c++)
		slot[c] = UINT32_MAX;
	for (uint32_t i = 0; i < n; i++) {
		igraph_integer_t c = VECTOR(membership)[i];
		if (slot[c] != UINT32_MAX || !(size[c] > 1 || VECTOR(selfloop)[i]))
			continue;
		slot[c] = (uint32_t)count;
		first[count++] = (uint32_t)c;
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
		igraph_integer_t c = VECTOR(membership)[i];
		if (slot[c] != UINT32_MAX)
			out->nodes[size[c]++] = i;
	}
done:
	if (err < 0)
		fo_sccs_dispose(out);
	if (have_m)
		igraph_vector_int_destroy(&membership);
	if (have_s)
		igraph_vector_bool_destroy(&selfloop);
	free(size);
	free(first);
	free(slot);
	return err;
}
