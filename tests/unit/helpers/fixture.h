/*
 * fixture.h — builds small graphs for unit tests from a compact text.
 *
 * One statement per line ('#' starts a comment):
 *   N id [kind] [tenant=T] [tier=K] [name=NAME]   declare a node (kind: service)
 *   a > b                 a requires b
 *   a > 2: b c d          a requires 2 of {b, c, d}
 *   a ~> b / a ~> 1: b c  a degrades on b / on 1 of {b, c}
 *   a @ b                 a is located in b
 *   a copy b c            a keeps copies on b and c
 * Nodes are created in order of first mention (declared or not), so node
 * indices are predictable: the first id mentioned is node 0.
 */
#ifndef FO_TEST_FIXTURE_H
#define FO_TEST_FIXTURE_H

#include "graphs/fo_diag.h"
#include "graphs/fo_graph.h"
#include "analyzer/fo_engine.h"

/* Builds a graph; returns the builder's status. *out owned by the caller.
 * diag may be NULL (errors are then printed to stderr). */
int fx_graph(fo_graph **out, const char *spec, fo_diag *diag);

/* Node index of id, or aborts the test. */
uint32_t fx_id(const fo_graph *g, const char *id);

/* Runs a scenario given as space-separated ids: "fail:a fail:b destroy:c". */
int fx_run(fo_engine *e, const char *scenario);

/* Flags of node `id` after the last run. */
unsigned fx_flags(const fo_engine *e, const char *id);

#endif
