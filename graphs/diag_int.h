/*
 * diag_int.h — graphs-private: what the graph builder's worker thread needs
 * from the diagnostics context (graph.c, "Worker thread"). Not installed.
 */
#ifndef FO_GRAPHS_DIAG_INT_H
#define FO_GRAPHS_DIAG_INT_H

#include "fo_diag.h"

/* Calls fn(ctx) at the start of every add to d (fo_diag_add*), before the
 * entry is counted, except for adds made by fn itself; fn NULL removes the
 * hook. The builder uses it to put the diagnostics of its worker thread in
 * the order one thread would have added them. O(1). */
void fo_diag__set_hook(fo_diag *d, void (*fn)(void *ctx), void *ctx);

/* The cap d was created with (0 = unlimited). O(1). */
size_t fo_diag__cap(const fo_diag *d);

/* Appends src's stored entries to dst in order, as fo_diag_add_code would
 * (dst's cap and hook apply: the hook is not called), counts the entries src
 * counted but did not store as counted and dropped in dst, and empties src
 * (its counters too). O(entries). */
void fo_diag__move(fo_diag *dst, fo_diag *src);

#endif
