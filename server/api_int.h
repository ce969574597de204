/*
 * api_int.h — internals of the API shared by the server module (not installed).
 */
#ifndef FO_API_INT_H
#define FO_API_INT_H

#include <stddef.h>
#include <stdint.h>

#include "../graphs/fo_graph.h"

/* Match ranks of /api/search, best first (docs/serve.md). */
enum {
	FO_SEARCH_ID_EXACT = 0,
	FO_SEARCH_ID_PREFIX,
	FO_SEARCH_NAME_PREFIX,
	FO_SEARCH_ID_SUBSTRING,
	FO_SEARCH_NAME_SUBSTRING,
};

/* The search index: every id and every name lowercased (ASCII letters
 * only), each followed by a NUL, in node order, so that one memmem pass over
 * an arena finds every node whose text contains the query (a query holds
 * no NUL, so a hit never spans two nodes). */
typedef struct fo_search {
	char *ids, *names;       /* the arenas (malloc'd) */
	size_t *idoff, *nameoff; /* node v's text starts at off[v]; off[n] = arena size */
	uint32_t n;
} fo_search;

typedef struct fo_search_hit {
	uint32_t node;
	int rank;
} fo_search_hit;

/* Builds the index of g. Returns FO_OK or FO_ENOMEM (s then empty).
 * O(bytes of ids and names). */
int fo_search__init(fo_search *s, const fo_graph *g);
void fo_search__dispose(fo_search *s);

/* The best `limit` matches of q (qlen bytes, no NUL, 1 <= qlen) into out
 * (room for limit hits), best first: rank, then apps before other nodes,
 * then shorter ids, then document order. *total counts every matching
 * node. Returns the number of hits written. O(arena bytes + matches * limit)
 * worst case, no allocation. */
size_t fo_search__run(const fo_search *s, const fo_graph *g, const char *q, size_t qlen,
		      fo_search_hit *out, size_t limit, size_t *total);

#endif
