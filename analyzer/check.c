/*
 * check.c — design warnings for `fallout check` (fo_check.h).
 */
#include "fo_check.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_cycles.h"
#include "../graphs/fo_error.h"
#include "../graphs/fo_suggest.h"
#include "fo_spof.h"

/* The id of node v shortened for a message (fo_diag_shorten). */
static const char *sid(const fo_graph *g, uint32_t v, char buf[FO_DIAG_SHORT_BUF])
{
	return fo_diag_shorten(fo_graph_node_id(g, v), buf);
}

/* Writes up to 12 ids of list (each shortened) into buf as
 * "a, b, c... (N more)". */
static void list_ids(const fo_graph *g, const uint32_t *list, size_t n, char *buf, size_t size)
{
	size_t used = 0, shown = 0;
	char sb[FO_DIAG_SHORT_BUF];
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *id = sid(g, list[i], sb);
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

/* A node of an undocumented kind: its kind word, the node, and (once
 * merged by word) how many nodes have that word. */
typedef struct kind_use {
	const char *word;
	uint32_t node;
	size_t count;
} kind_use;

static int cmp_use(const void *pa, const void *pb)
{
	const kind_use *a = pa, *b = pb;
	int c = strcmp(a->word, b->word);
	return c ? c : (a->node > b->node) - (a->node < b->node);
}

static int cmp_node(const void *pa, const void *pb)
{
	const kind_use *a = pa, *b = pb;
	return (a->node > b->node) - (a->node < b->node);
}

/* One warning per distinct undocumented kind word, at its first node, with
 * the nearest documented kind when one is close. Kinds stay open (a kind of
 * one's own is allowed), hence a warning. O(k log k) for k such nodes, one
 * suggestion per distinct word. */
static int unknown_kinds(const fo_graph *g, fo_diag *diag, fo_check_stats *st)
{
	uint32_t n = fo_graph_node_count(g);
	size_t k = 0, w = 0;
	kind_use *u;
	char sb[FO_DIAG_SHORT_BUF];

	for (uint32_t v = 0; v < n; v++)
		k += fo_graph_node_kind(g, v) == FO_KIND_OTHER;
	if (!k)
		return FO_OK;
	if (!(u = malloc(k * sizeof *u)))
		return FO_ENOMEM;
	for (uint32_t v = 0, i = 0; v < n; v++)
		if (fo_graph_node_kind(g, v) == FO_KIND_OTHER)
			u[i++] = (kind_use){ fo_graph_node_kind_word(g, v), v, 1 };
	/* By word then node: each word's first node leads its run. */
	qsort(u, k, sizeof *u, cmp_use);
	for (size_t i = 0; i < k; i++) {
		if (w && strcmp(u[i].word, u[w - 1].word) == 0)
			u[w - 1].count++;
		else
			u[w++] = u[i];
	}
	qsort(u, w, sizeof *u, cmp_node); /* warnings in document order */
	for (size_t i = 0; i < w; i++) {
		const char *near = fo_suggest_kind(u[i].word);
		size_t c = u[i].count;
		st->unknown_kinds++;
		if (near)
			fo_diag_add_code(diag, FO_SEV_WARNING, "unknown-kind", fo_graph_file(g),
					 fo_graph_node_line(g, u[i].node), 0, "kind=",
					 "unknown kind '%s' (%zu %s); did you mean '%s'?",
					 fo_diag_shorten(u[i].word, sb), c, c == 1 ? "node" : "nodes", near);
		else
			fo_diag_add_code(diag, FO_SEV_WARNING, "unknown-kind", fo_graph_file(g),
					 fo_graph_node_line(g, u[i].node), 0, "kind=",
					 "unknown kind '%s' (%zu %s): not a documented kind, analysed as a generic node",
					 fo_diag_shorten(u[i].word, sb), c, c == 1 ? "node" : "nodes");
	}
	free(u);
	return FO_OK;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(const char *const *)a, y = (uintptr_t)*(const char *const *)b;
	return (x > y) - (x < y);
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
	char members[1200], causes[1200], sb[FO_DIAG_SHORT_BUF];
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
	fo_diag_add_code(diag, FO_SEV_WARNING, "shared-fate", fo_graph_file(g),
			 info->line ? info->line : fo_graph_node_line(g, info->owner), 0, NULL,
			 "redundancy on paper only: '%s' %s %u of {%s}, but %s '%s' fails %s of them at once",
			 sid(g, info->owner, sb), group_word(info->type), info->k, members,
		    k == 1 ? "one failure of" : "a failure of any of", causes,
		    info->k == 1 ? "all" : "too many");
	free(c);
	return FO_OK;
}

/* The fail sets shared fate reads (fo_spof_compute_shared_fate), computed
 * on a second thread while the caller's thread finds the other warnings:
 * the pass only reads the graph, which is immutable, and adds nothing to the
 * diag, so the warnings and their order are those of one thread. */
typedef struct spof_job {
	const fo_graph *g;
	fo_spof *spof;
	int err;
} spof_job;

static void *spof_thread(void *arg)
{
	spof_job *j = arg;
	j->err = fo_spof_compute_shared_fate(&j->spof, j->g);
	return NULL;
}

int fo_check_warnings(const fo_graph *g, fo_diag *diag, fo_check_stats *st)
{
	int err = FO_OK;
	fo_sccs sccs = { 0, NULL, NULL };
	uint32_t *depth = NULL, *causes = NULL;
	fo_spof *spof = NULL;
	spof_job job = { g, NULL, FO_OK };
	pthread_t th;
	int threaded = 0;
	const char *file = fo_graph_file(g);
	uint32_t n = fo_graph_node_count(g), ng = fo_graph_group_count(g);
	char buf[1200], sb[FO_DIAG_SHORT_BUF], sb2[FO_DIAG_SHORT_BUF];

	memset(st, 0, sizeof *st);
	/* No thread to be had: the pass runs below, on this one. */
	threaded = pthread_create(&th, NULL, spof_thread, &job) == 0;
	st->nodes = n;
	st->dependencies = fo_graph_member_count(g);

	/* Tenants: count the distinct tenant strings. The graph interns them
	 * (one pointer per distinct word), so the pointers are sorted and
	 * deduplicated first, and only the few left are compared as strings:
	 * a million strcmp-sorted strings cost seconds. Correct whether or
	 * not the strings are interned. */
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
		qsort(t, nt, sizeof *t, cmp_ptr);
		size_t nu = 0;
		for (size_t i = 0; i < nt; i++)
			if (i == 0 || t[i] != t[i - 1])
				t[nu++] = t[i];
		qsort(t, nu, sizeof *t, cmp_str);
		for (size_t i = 0; i < nu; i++)
			st->tenants += i == 0 || strcmp(t[i], t[i - 1]) != 0;
		free(t);
	}

	if ((err = unknown_kinds(g, diag, st)) < 0 || (err = fo_graph_cycles(g, &sccs)) < 0)
		goto done;
	for (size_t c = 0; c < sccs.count; c++) {
		const uint32_t *mem = sccs.nodes + sccs.off[c];
		size_t len = sccs.off[c + 1] - sccs.off[c];
		list_ids(g, mem, len, buf, sizeof buf);
		st->cycles++;
		if (len == 1)
			fo_diag_add_code(diag, FO_SEV_WARNING, "cycle", file, fo_graph_node_line(g, mem[0]),
					 0, NULL, "dependency cycle: '%s' depends on itself; it cannot cold-start",
					 buf);
		else
			fo_diag_add_code(diag, FO_SEV_WARNING, "cycle", file, fo_graph_node_line(g, mem[0]),
					 0, NULL, "dependency cycle of %zu nodes: {%s}; they cannot cold-start",
					 len, buf);
	}

	for (uint32_t v = 0; v < n; v++) {
		const uint32_t *mo;
		if (fo_graph_node_kind(g, v) == FO_KIND_APP || fo_graph_node_memberof(g, v, &mo))
			continue;
		st->unused++;
		fo_diag_add_code(diag, FO_SEV_WARNING, "unused", file, fo_graph_node_line(g, v), 0, NULL,
				 "nothing depends on '%s' (kind %s), and it is not an app",
				 sid(g, v, sb), fo_graph_node_kind_word(g, v));
	}

	if ((err = depths(g, &depth)) < 0)
		goto done;
	if (threaded) {
		pthread_join(th, NULL);
		threaded = 0;
	} else {
		spof_thread(&job);
	}
	spof = job.spof;
	job.spof = NULL;
	if ((err = job.err) < 0)
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
		fo_diag_add_code(diag, FO_SEV_WARNING, "doubtful-redundancy", file,
				 info.line ? info.line : fo_graph_node_line(g, info.owner), 0, NULL,
				 "redundancy is doubtful: '%s' %s %u of {%s}, all located in '%s' (kind %s)",
				 sid(g, info.owner, sb), group_word(info.type), info.k, buf, sid(g, c, sb2),
				 fo_graph_node_kind_word(g, c));
	}
done:
	if (threaded)
		pthread_join(th, NULL);
	fo_spof_free(job.spof);
	fo_sccs_dispose(&sccs);
	fo_spof_free(spof);
	free(causes);
	free(depth);
	return err;
}
