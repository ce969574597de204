/*
 * fo_api.h — the JSON API of `fallout serve` (docs/serve.md) as a pure
 * function: a method and a request target ("/api/whatif?fail=a&fail=b") in,
 * a status, a content type and body bytes out. No socket here: the HTTP
 * server (fo_serve.h) calls fo_api_handle from its worker threads, and the
 * unit tests call it directly.
 *
 * Threads: one fo_api serves any number of threads at once. The graph is
 * shared read-only; each request that needs states borrows an engine from a
 * pool (at most `engines` exist; a request waits for one when all are
 * busy); diagrams are drawn one at a time (Graphviz is not thread-safe);
 * the SPOF structure of the whole graph is computed on first use, once, and
 * kept.
 */
#ifndef FO_API_H
#define FO_API_H

#include <stddef.h>
#include <stdint.h>

#include "../graphs/fo_graph.h"

/* Limits of docs/serve.md, "Safety". */
#define FO_API_MAX_QUERY 8192   /* bytes of a query string: 414 beyond */
#define FO_API_MAX_IDS 1000     /* fail + destroy ids of one request */
#define FO_API_MAX_SEARCH 200   /* bytes of a search text */
#define FO_API_MAX_PAGE 1000    /* limit of a page */
#define FO_API_MAX_RESULTS 100  /* limit of a search */

/* The headers every response carries (docs/serve.md, "The page"). */
#define FO_API_CSP                                                                        \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

typedef struct fo_api fo_api;

typedef struct fo_api_opts {
	const char *source;  /* what was loaded, for /api/info "file" (copied);
			      * NULL: the graph's file */
	unsigned engines;    /* engines at most (one per worker); 0 = 1 */
} fo_api_opts;

/* Prepares the API over g (borrowed: g must outlive the API and stay
 * unchanged): the counts of /api/info, a tenant index per node, and the
 * lowercased id and name arenas of the search. *out owned by the caller
 * (fo_api_free). Returns FO_OK, FO_EINVAL, FO_ENOMEM. O(nodes + bytes of
 * the ids and names); no engine is created yet. */
int fo_api_new(fo_api **out, const fo_graph *g, const fo_api_opts *o);
/* Frees the API and its engines; no request may be running. */
void fo_api_free(fo_api *a);

/* One response. body is malloc'd and owned by the response
 * (fo_api_response_dispose, or taken over by setting it to NULL). */
typedef struct fo_api_response {
	int status;                /* HTTP status */
	const char *content_type;  /* static */
	const char *disposition;   /* static Content-Disposition, or NULL */
	const char *allow;         /* static Allow (405), or NULL */
	char *body;
	size_t len;
} fo_api_response;

void fo_api_response_dispose(fo_api_response *r);

/* Answers one request: method ("GET", "HEAD", anything else is 405) and the
 * request target as received, not decoded (path, then '?' and the query).
 * Fills *r (zeroed by the caller or disposed) with the answer, an error
 * answer included (4xx, 5xx: the JSON error of docs/serve.md). For HEAD the
 * body is the GET's; the server sends only its length. Returns FO_OK, or
 * FO_ENOMEM when not even the error answer could be built (*r then empty:
 * the caller answers 500 by itself). Safe from any number of threads.
 * Cost: the endpoint's (docs/serve.md); a search is one memmem pass over the
 * ids and names, a what-if O(impacted log impacted). */
int fo_api_handle(fo_api *a, const char *method, const char *target, fo_api_response *r);

/* Builds the JSON error of docs/serve.md into *r: {"error":{"status":N,
 * "code":CODE,"message":MESSAGE}} (message escaped). For the server's own
 * refusals (413). Returns FO_OK or FO_ENOMEM. */
int fo_api_error(fo_api_response *r, int status, const char *code, const char *message);

/* ------------------------------------------------------- query strings */

/* One decoded parameter: key and value NUL-terminated, valid UTF-8 without
 * NUL bytes (borrowed from the fo_api_query). */
typedef struct fo_api_param {
	const char *key;
	const char *value;
} fo_api_param;

typedef struct fo_api_query {
	fo_api_param *v; /* in order, repeats kept */
	size_t n;
	char *buf;       /* the decoded text (internal) */
} fo_api_query;

/* Decodes an application/x-www-form-urlencoded query (s, len bytes, without
 * the '?'): pairs split at '&', key and value at the first '=' (no '=': an
 * empty value), '+' is a space, %XX a byte; empty pairs are skipped. On
 * FO_OK *q owns the parameters (fo_api_query_dispose). FO_EINPUT when the
 * query is malformed: a '%' not followed by two hex digits, a decoded text
 * that is not UTF-8 or holds a NUL byte; *why (static) says which. FO_ENOMEM.
 * O(len). */
int fo_api_query_parse(fo_api_query *q, const char *s, size_t len, const char **why);
void fo_api_query_dispose(fo_api_query *q);

#endif
