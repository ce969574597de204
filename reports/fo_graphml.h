/*
 * fo_graphml.h — the graph (and, optionally, a scenario's impact) as
 * GraphML, for yEd, Gephi, networkx and igraph: `fallout convert --to
 * graphml` and `fallout render --format graphml`. The document's shape is
 * in docs/importers/graphml.md ("Writing GraphML"); fallout's own GraphML
 * reader (importers/fo_graphml.h) reads it back into the same graph.
 */
#ifndef FO_REPORTS_GRAPHML_H
#define FO_REPORTS_GRAPHML_H

#include <stdio.h>

#include "../analyzer/fo_engine.h"
#include "../graphs/fo_graph.h"

/* Writes g to fp (not closed) as one GraphML document, UTF-8: keys declared
 * with attr.name and attr.type; one <node> per node (GraphML ids n0, n1, ...
 * in document order, the fallout id in the data key "fallout.id") with its
 * kind, name, display label, tenant, tier, container and properties; one
 * directed <edge> per member of every group, from the owner to the member,
 * with the group's type, index, k and n. Every text is escaped (quotes, <,
 * &, control characters as character references; bytes that are not UTF-8
 * and characters XML 1.0 cannot carry become U+FFFD). e (may be NULL; its
 * graph must be g): each node also gets the last run's state, flags, cause
 * and root. The same graph and run always give the same bytes.
 * Returns FO_OK, FO_EINVAL (fp or g NULL, e over another graph), FO_ENOMEM
 * or FO_EIO (writing failed). O(nodes + members + props log props). */
int fo_graphml_write(FILE *fp, const fo_graph *g, const fo_engine *e);

#endif
