/*
 * check.c — design warnings for `fallout check` (fo_check.h).
 */
#include "fo_check.h"

#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_cycles.h"
#include "../graphs/fo_error.h"
#include "fo_spof.h"

/* Appends up to `max` ids of list to buf as "a, b, c … (N more)". */
static void list_ids(const fo_graph *g, const uint32_t *list, size_t n, char *buf, size_t size)
{
	size_t used = 0, shown = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *id = fo_graph_node_id(g, list[i]);
		size_t len = strlen(id);
		if (used + len + 2 + 24 >= size || shown == 12)
			break;
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", id);
		shown++;
	}
	if (shown < n)
		snprintf(buf + used, size - used, "%s... (%zu more)", shown ? ", " : "", n - shown);
}

/* Depth of every node in the containment forest; roots have depth 0.
 * Iterative, O(nodes): each node's depth is computed once. */
static int depths(const fo_graph *g, uint32_t **out)
{
	uint32_t n = fo_graph_node_count(g);
	uint32_t *d = malloc((n ? n : 1) * sizeof *d), *stack = NULL;
	if (!d)
		return FO_ENOMEM;
	memset(d, 0xff, (n ? n : 1) * sizeof *d);
	if (!(stack = malloc((n ? n : 1) * sizeof *stack))) {
		free(d);
		return FO_ENOMEM;
	}
	for (uint32_t v = 0; v < n; v++) {
		size_t top = 0;
		uint32_t x = v;
		while (x != FO_NONE && d[x] == UINT32_MAX) {
			stack[top++] = x;
			x = fo_graph_node_container(g, x);
		}
		uint32_t base = x == FO_NONE ? 0 : d[x] + 1;
		while (top)
			d[stack[--top]] = base++;
	}
	free(stack);
	*out = d;
	return FO_OK;
}

static uint32_t lca(const fo_graph *g, const uint32_t *depth, uint32_t a, uint32_t b)
{
	while (a != FO_NONE && b != FO_NONE && a != b) {
		if (depth[a] >= depth[b])
			a = fo_graph_node_container(g, a);
		else
			b = fo_graph_node_container(g, b);
	}
	return a == b ? a : FO_NONE;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *group_word(fo_group_type t)
{
	switch (t) {
	case FO_GROUP_DEGRADES: return "degrades";
	case FO_GROUP_COPIES: return "copies";
	default: return "requires";
	}
}

/* Shared fate of a redundant hard group (docs/spof.md): the nearest nodes
 * whose failure alone fells it. Regions are left out, as for doubtful
 * redundancy; a group whose only cause is the common container already
 * named by the doubtful-redundancy warning (`container`) is not repeated. */
static int shared_fate(const fo_graph *g, const fo_spof *spof, uint32_t gi,
		       const fo_group_info *info, uint32_t container, fo_diag *diag,
		       fo_check_stats *st)
{
	uint32_t *c = NULL;
	size_t nc = 0, k = 0;
	char members[1200], causes[1200];
	int err = fo_spof_shared_fate(spof, gi, &c, &nc);
	if (err < 0)
		return err;
	for (size_t i = 0; i < nc; i++)
		if (fo_graph_node_kind(g, c[i]) != FO_KIND_REGION)
			c[k++] = c[i];
	if (k == 0 || (k == 1 && c[0] == container)) {
		free(c);
		return FO_OK;
	}
	st->shared_fate++;
	list_ids(g, info->members, info->n, members, sizeof members);
	list_ids(g, c, k, causes, sizeof causes);
	fo_diag_add(diag, FO_SEV_WARNING, fo_graph_file(g),
		    info->line ? info->line : fo_graph_node_line(g, info->owner), 0, NULL,
		    "redundancy on paper only: '%s' %s %u of {%s}, but %s '%s' fails %s of them at once",
		    fo_graph_node_id(g, info->owner), group_word(info->type), info->k, members,
		    k == 1 ? "one failure of" : "a failure of any of", causes,
		    info->k == 1 ? "all" : "too many");
	free(c);
	return FO_OK;
}

int fo_check_warnings(const fo_graph *g, fo_diag *diag, fo_check_stats *st)
{
	int err = FO_OK;
	fo_sccs sccs = { 0, NULL, NULL };
	uint32_t *depth = NULL, *causes = NULL;
	fo_spof *spof = NULL;
	const char *file = fo_graph_file(g);
	uint32_t n = fo_graph_node_count(g), ng = fo_graph_group_count(g);
	char buf[1200];

	memset(st, 0, sizeof *st);
	st->nodes = n;
	st->dependencies = fo_graph_member_count(g);

	/* Tenants: sort the tenant strings and count the distinct ones. */
	{
		const char **t = malloc((n ? n : 1) * sizeof *t);
		size_t nt = 0;
		if (!t) {
			err = FO_ENOMEM;
			goto done;
		}
		for (uint32_t v = 0; v < n; v++) {
			if (fo_graph_node_kind(g, v) == FO_KIND_APP)
				st->apps++;
			if (fo_graph_node_tenant(g, v))
				t[nt++] = fo_graph_node_tenant(g, v);
		}
		qsort(t, nt, sizeof *t, cmp_str);
		for (size_t i = 0; i < nt; i++)
			st->tenants += i == 0 || strcmp(t[i], t[i - 1]) != 0;
		free(t);
	}

	if ((err = fo_graph_cycles(g, &sccs)) < 0)
		goto done;
	for (size_t c = 0; c < sccs.count; c++) {
		const uint32_t *mem = sccs.nodes + sccs.off[c];
		size_t len = sccs.off[c + 1] - sccs.off[c];
		list_ids(g, mem, len, buf, sizeof buf);
		st->cycles++;
		if (len == 1)
			fo_diag_add(diag, FO_SEV_WARNING, file, fo_graph_node_line(g, mem[0]), 0, NULL,
				    "dependency cycle: '%s' depends on itself; it cannot cold-start", buf);
		else
			fo_diag_add(diag, FO_SEV_WARNING, file, fo_graph_node_line(g, mem[0]), 0, NULL,
				    "dependency cycle of %zu nodes: {%s}; they cannot cold-start", len, buf);
	}

	for (uint32_t v = 0; v < n; v++) {
		const uint32_t *mo;
		if (fo_graph_node_kind(g, v) == FO_KIND_APP || fo_graph_node_memberof(g, v, &mo))
			continue;
		st->unused++;
		fo_diag_add(diag, FO_SEV_WARNING, file, fo_graph_node_line(g, v), 0, NULL,
			    "nothing depends on '%s' (kind %s), and it is not an app",
			    fo_graph_node_id(g, v), fo_graph_node_kind_word(g, v));
	}

	if ((err = depths(g, &depth)) < 0 || (err = fo_spof_compute(&spof, g)) < 0)
		goto done;
	for (uint32_t gi = 0; gi < ng; gi++) {
		fo_group_info info;
		fo_graph_group(g, gi, &info);
		if (info.n < 2)
			continue;
		st->groups++;
		uint32_t c = info.members[0];
		for (uint32_t i = 1; i < info.n && c != FO_NONE; i++)
			c = lca(g, depth, c, info.members[i]);
		/* The common container may be a member itself (a in b, group {a, b}). */
		for (uint32_t i = 0; c != FO_NONE && i < info.n; i++)
			if (info.members[i] == c)
				c = fo_graph_node_container(g, c);
		if (c == FO_NONE || fo_graph_node_kind(g, c) == FO_KIND_REGION)
			c = FO_NONE;
		if ((err = shared_fate(g, spof, gi, &info, c, diag, st)) < 0)
			goto done;
		if (c == FO_NONE)
			continue;
		st->shared++;
		list_ids(g, info.members, info.n, buf, sizeof buf);
		fo_diag_add(diag, FO_SEV_WARNING, file, info.line ? info.line : fo_graph_node_line(g, info.owner), 0,
			    NULL, "redundancy is doubtful: '%s' %s %u of {%s}, all located in '%s' (kind %s)",
			    fo_graph_node_id(g, info.owner), group_word(info.type), info.k, buf,
			    fo_graph_node_id(g, c), fo_graph_node_kind_word(g, c));
	}
done:
	fo_sccs_dispose(&sccs);
	fo_spof_free(spof);
	free(causes);
	free(depth);
	return err;
}
