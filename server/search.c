/*
 * search.c — /api/search over a million ids in one pass: the ids and the
 * names lowercased once into two arenas at start-up, each query lowercased
 * and found with memmem (glibc's two-way search, several GB/s), the best
 * few kept in a small sorted array.
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "../graphs/fo_error.h"

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int build(char **arena, size_t **off, const fo_graph *g, int names)
{
	uint32_t n = fo_graph_node_count(g);
	size_t total = 0;
	for (uint32_t v = 0; v < n; v++) {
		const char *s = names ? fo_graph_node_name(g, v) : fo_graph_node_id(g, v);
		total += (s ? strlen(s) : 0) + 1;
	}
	if (!(*arena = malloc(total + 1)) || !(*off = malloc(((size_t)n + 1) * sizeof **off)))
		return FO_ENOMEM;
	size_t at = 0;
	for (uint32_t v = 0; v < n; v++) {
		const char *s = names ? fo_graph_node_name(g, v) : fo_graph_node_id(g, v);
		(*off)[v] = at;
		for (; s && *s; s++)
			(*arena)[at++] = lower(*s);
		(*arena)[at++] = '\0';
	}
	(*off)[n] = at;
	return FO_OK;
}

int fo_search__init(fo_search *s, const fo_graph *g)
{
	memset(s, 0, sizeof *s);
	s->n = fo_graph_node_count(g);
	if (build(&s->ids, &s->idoff, g, 0) < 0 || build(&s->names, &s->nameoff, g, 1) < 0) {
		fo_search__dispose(s);
		return FO_ENOMEM;
	}
	return FO_OK;
}

void fo_search__dispose(fo_search *s)
{
	free(s->ids);
	free(s->names);
	free(s->idoff);
	free(s->nameoff);
	memset(s, 0, sizeof *s);
}

typedef struct topk {
	fo_search_hit *v;
	size_t n, cap;
	const fo_search *s;
	const fo_graph *g;
} topk;

/* a before b in the results. */
static int better(const topk *t, fo_search_hit a, fo_search_hit b)
{
	if (a.rank != b.rank)
		return a.rank < b.rank;
	int aa = fo_graph_node_kind(t->g, a.node) == FO_KIND_APP;
	int ba = fo_graph_node_kind(t->g, b.node) == FO_KIND_APP;
	if (aa != ba)
		return aa;
	size_t al = t->s->idoff[a.node + 1] - t->s->idoff[a.node];
	size_t bl = t->s->idoff[b.node + 1] - t->s->idoff[b.node];
	if (al != bl)
		return al < bl;
	return a.node < b.node;
}

/* Keeps h if it is among the best cap so far: O(cap) when kept, O(1) when
 * worse than the last kept. */
static void offer(topk *t, fo_search_hit h)
{
	if (!t->cap)
		return;
	if (t->n == t->cap && !better(t, h, t->v[t->n - 1]))
		return;
	size_t i = t->n < t->cap ? t->n++ : t->n - 1;
	while (i > 0 && better(t, h, t->v[i - 1])) {
		t->v[i] = t->v[i - 1];
		i--;
	}
	t->v[i] = h;
}

size_t fo_search__run(const fo_search *s, const fo_graph *g, const char *q, size_t qlen,
		      fo_search_hit *out, size_t limit, size_t *total)
{
	char lq[256];
	topk t = { out, 0, limit, s, g };
	*total = 0;
	if (!qlen || qlen >= sizeof lq)
		return 0;
	for (size_t i = 0; i < qlen; i++)
		lq[i] = lower(q[i]);
	lq[qlen] = '\0';

	/* Ids: each node's first hit decides exact, prefix or substring. */
	size_t end = s->idoff[s->n], at = 0;
	uint32_t v = 0;
	while (at < end) {
		const char *h = memmem(s->ids + at, end - at, lq, qlen);
		if (!h)
			break;
		size_t p = (size_t)(h - s->ids);
		while (s->idoff[v + 1] <= p)
			v++;
		int rank;
		size_t idlen = s->idoff[v + 1] - s->idoff[v] - 1;
		if (p == s->idoff[v])
			rank = idlen == qlen ? FO_SEARCH_ID_EXACT : FO_SEARCH_ID_PREFIX;
		else if (s->nameoff[v + 1] - s->nameoff[v] - 1 >= qlen &&
			 memcmp(s->names + s->nameoff[v], lq, qlen) == 0)
			rank = FO_SEARCH_NAME_PREFIX;
		else
			rank = FO_SEARCH_ID_SUBSTRING;
		(*total)++;
		offer(&t, (fo_search_hit){ v, rank });
		at = s->idoff[v + 1];
	}

	/* Names, for the nodes whose id did not match. */
	end = s->nameoff[s->n];
	at = 0;
	v = 0;
	while (at < end) {
		const char *h = memmem(s->names + at, end - at, lq, qlen);
		if (!h)
			break;
		size_t p = (size_t)(h - s->names);
		while (s->nameoff[v + 1] <= p)
			v++;
		at = s->nameoff[v + 1];
		if (memmem(s->ids + s->idoff[v], s->idoff[v + 1] - s->idoff[v] - 1, lq, qlen))
			continue;
		(*total)++;
		offer(&t, (fo_search_hit){ v, p == s->nameoff[v] ? FO_SEARCH_NAME_PREFIX
								: FO_SEARCH_NAME_SUBSTRING });
	}
	return t.n;
}
