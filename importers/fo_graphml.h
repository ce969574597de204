/*
 * fo_graphml.h — the GraphML reader (yEd, Gephi, networkx, igraph, Neo4j
 * APOC exports, and fallout's own GraphML writer): nodes become nodes,
 * edges dependencies, nested graphs containment. What maps to what, the
 * options and the id scheme: docs/importers/graphml.md.
 */
#ifndef FO_IMPORTERS_GRAPHML_H
#define FO_IMPORTERS_GRAPHML_H

#include <stddef.h>

#include "fo_model.h"

/* Reads the GraphML document at `path` ("-": standard input) into the
 * model's current source (begun by the caller with fo_model_source_begin;
 * its file names the diagnostics). Node ids are GraphML's node ids (the
 * model adds the source prefix). Options (fo_model_option): kind-key,
 * name-key, tenant-key, tier-key, edge-type-key, direction, undirected,
 * kind (docs/importers/graphml.md). Every problem is reported on
 * fo_model_diag(m) located FILE:LINE:COL, all of them in one run, through
 * the hardened XML input of the inventory reader (no DTD, no entity, no
 * network, size and depth limits). Returns FO_OK; FO_EINPUT (errors on the
 * diag: the model may hold part of the document and must not be built);
 * FO_EIO; FO_ENOMEM; FO_ELIMIT (more keys than GRAPHML_MAX_KEYS: on the
 * diag). O(document size) time; memory O(keys + edges) besides the model. */
int fo_graphml_read(fo_model *m, const char *path);

/* 1 when the first n bytes of a document (maybe cut anywhere) are surely
 * GraphML: after an optional UTF-8 byte order mark, the XML declaration,
 * comments and processing instructions, the root element is <graphml>
 * (any prefix). 0 otherwise. No allocation; O(n). */
int fo_graphml_sniff(const char *head, size_t n);

/* Keys (<key>) one document may declare: fallout's limit. */
#define FO_GRAPHML_MAX_KEYS 10000u

#endif
