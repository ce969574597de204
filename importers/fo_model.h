/*
 * fo_model.h — the import model: what every importer (ArchiMate, Kubernetes,
 * Terraform, GraphML, CMDB, and fallout's own XML when it is joined with
 * others) writes into, before one graph is built from it.
 *
 * A builder (fo_graph.h) takes one file and resolves its references at the
 * end; a model takes several sources, each with its own file name, format,
 * and id prefix, keeps every node and reference with where it came from,
 * lets a mapping file (fo_mapfile.h) rewrite it, and then resolves references
 * across all sources at once (fo_model_build). From there on it is the one
 * code path of the XML reader: the model feeds a single fo_builder.
 *
 * Ids and prefixes. Each source has a prefix ("k8s", "tf", ...; "" for
 * fallout XML). fo_model_add_node and the *_local reference calls take the
 * id as the source knows it and store "PREFIX:ID" (or ID when the prefix is
 * empty); the *_global calls take an id as written in the joined graph
 * (another source's node, a zone of facilities.xml). docs/importers.md
 * lists every importer's prefix and id scheme.
 *
 * Resolution (fo_model_build). A reference to an id no source defined is:
 *   - in a strict source (fallout XML): an error, as the XML reader says it;
 *   - in an imported source: a warning "dangling-reference" at its position,
 *     naming the source object, and the member is dropped; a group that
 *     loses members keeps min(k, members left) (said in the warning), and
 *     a group left empty is dropped.
 * A member repeated in one group is kept once (parallel edges of GraphML,
 * a pod listed twice). An id defined twice is an error "duplicate-id" at
 * the second definition, naming the first.
 *
 * Positions. fo_pos {line, col} in the current source's file; {0, 0} when
 * the format gives none (JSON values): messages then name the object
 * ("items[12] Pod ns/name") in their text.
 *
 * Threading: a model is used by one thread at a time. Memory: every string
 * is copied into the model's arena; nothing given is borrowed after return.
 */
#ifndef FO_MODEL_H
#define FO_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "../graphs/fo_diag.h"
#include "../graphs/fo_graph.h"

typedef struct fo_model fo_model;

/* *out: a new empty model owned by the caller (fo_model_free). diag
 * (borrowed, must outlive the model) receives what fo_model_build and the
 * mapping find. FO_OK, FO_ENOMEM or FO_EINVAL. */
int fo_model_new(fo_model **out, fo_diag *diag);
void fo_model_free(fo_model *m);

/* The diag context given to fo_model_new (borrowed): importers add their own
 * located errors and warnings there, with fo_model_source_file as file. */
fo_diag *fo_model_diag(const fo_model *m);

/* ---------------------------------------------------------------- sources */

/* Starts a source: every node and reference added until the next
 * fo_model_source_begin belongs to it. `file` is its name in diagnostics
 * (copied); `format` the importer's word ("k8s", "terraform", "archimate",
 * "graphml", "cmdb", "fallout"); `prefix` its id prefix (copied; "" for
 * none; NULL: the format's default, see docs/importers.md). `strict`: a
 * dangling reference is an error (fallout XML) rather than a warning.
 * *out (may be NULL) receives the source's index. O(1). */
int fo_model_source_begin(fo_model *m, const char *file, const char *format,
			  const char *prefix, int strict, uint32_t *out);

/* Options of the current source that its importer reads (set by the CLI
 * from flags such as --infer-nesting, and by the mapping file's <option>s
 * for that source): key and value copied; a later set replaces. A reader's
 * options are documented on its page of docs/importers/. */
int fo_model_set_option(fo_model *m, const char *key, const char *value);
/* The current source's value for key, or NULL (borrowed until the same
 * key is set again). O(options). */
const char *fo_model_option(const fo_model *m, const char *key);

size_t fo_model_source_count(const fo_model *m);
/* Borrowed for the model's lifetime (they never move). */
const char *fo_model_source_file(const fo_model *m, uint32_t source);
const char *fo_model_source_format(const fo_model *m, uint32_t source);
const char *fo_model_source_prefix(const fo_model *m, uint32_t source);
/* The current source (the last begun); FO_NONE before the first. */
uint32_t fo_model_source_current(const fo_model *m);

/* Records that the current source read `n` more objects of `source_type`
 * (e.g. "Pod", "aws_instance", "ApplicationComponent"), whether they became
 * nodes or not: the summary accounts for every object read. O(1) amortised. */
int fo_model_count_read(fo_model *m, const char *source_type, size_t n);

/* Records that one object of `source_type` (name or id in `what`, may be
 * NULL) was not imported, and why (`reason`, short and static-like: "data
 * source", "no failure semantics", "pending pod"). Counted per (type,
 * reason) for --explain-import; `what` is kept for the first few of each.
 * Never silent: every object read is a node, a skip, or folded into
 * another node (fo_model_count_folded). */
int fo_model_skip(fo_model *m, const char *source_type, const char *what,
		  const char *reason);

/* Records that the importer itself warned of n references to objects that
 * no input defines (a Terraform id it made a placeholder for), so that the
 * summary's dangling count covers them too; the model counts those it
 * drops at build by itself. O(1). */
int fo_model_count_dangling(fo_model *m, size_t n);

/* Records that one object of `source_type` became part of another node
 * rather than a node of its own (a ReplicaSet folded into its Deployment,
 * an Endpoints object into its Service, a listener into its load
 * balancer), and `into` says what (static-like text). */
int fo_model_count_folded(fo_model *m, const char *source_type, const char *into);

/* ------------------------------------------------------------------ nodes */

/* Adds a node to the current source. id as the source knows it (the prefix
 * is added); kind a fallout kind word or vendor alias ("vm", "app", ...;
 * any lowercase word is kept as an "other" kind); name, tenant may be NULL;
 * tier 0 = none; source_type the object's type in its format ("Pod",
 * "aws_instance"), for the summary and the mapping file. *out (may be NULL)
 * receives the node's index. Amortised O(len(strings)). */
int fo_model_add_node(fo_model *m, const char *id, const char *kind, const char *name,
		      const char *tenant, unsigned tier, const char *source_type,
		      fo_pos pos, uint32_t *out);

/* A free-form property of node (copied). Importers keep what a user would
 * check by hand (labels, zone, provider id) and never secrets (Terraform
 * values are read through a per-type list, never wholesale). The mapping
 * file's match-prop selects on these. */
int fo_model_add_prop(fo_model *m, uint32_t node, const char *key, const char *value);

/* Finds a node by its full id (with prefix): FO_OK and *out, or
 * FO_ENOTFOUND. O(len(id)). */
int fo_model_lookup(const fo_model *m, const char *full_id, uint32_t *out);
/* Finds a node of the current source by its local id (prefix added). */
int fo_model_lookup_local(const fo_model *m, const char *id, uint32_t *out);

/* node is located in parent (an index of this model). */
int fo_model_set_parent(fo_model *m, uint32_t node, uint32_t parent);
/* node is located in the node with this id: local (prefix added) or global
 * (as written). A later call replaces an earlier one. */
int fo_model_set_container_local(fo_model *m, uint32_t node, const char *id, fo_pos pos);
int fo_model_set_container_global(fo_model *m, uint32_t node, const char *id, fo_pos pos);

/* ----------------------------------------------------------- dependencies */

/* Opens a group of `owner` (FO_GROUP_REQUIRES or FO_GROUP_DEGRADES) needing
 * k of its members (k = 0: all of them, decided at fo_model_group_end — the
 * XML's "min" absent means 1 for a single ref, so the XML reader passes 1
 * explicitly). One group is open at a time; members by local or global id,
 * or by index. An empty group at end is dropped silently (the importer
 * found nothing to depend on). */
int fo_model_group_begin(fo_model *m, uint32_t owner, fo_group_type type, unsigned long k,
			 fo_pos pos);
int fo_model_group_add_local(fo_model *m, const char *id, fo_pos pos);
int fo_model_group_add_global(fo_model *m, const char *id, fo_pos pos);
int fo_model_group_add_node(fo_model *m, uint32_t member, fo_pos pos);
int fo_model_group_end(fo_model *m);

/* Shorthand: owner needs `id` (local), a group of one. */
int fo_model_requires_local(fo_model *m, uint32_t owner, fo_group_type type, const char *id,
			    fo_pos pos);

/* owner keeps a copy of its data on holder (local id / index). */
int fo_model_add_copy_local(fo_model *m, uint32_t owner, const char *holder_id, fo_pos pos);
int fo_model_add_copy_node(fo_model *m, uint32_t owner, uint32_t holder, fo_pos pos);

/* The inventory's name (the first source that sets one wins). */
int fo_model_set_name(fo_model *m, const char *name);

/* ----------------------------------------- what the mapping file rewrites */

typedef struct fo_model_node {
	const char *id;          /* full id, prefix included */
	const char *kind;        /* as given or mapped */
	const char *name;        /* NULL if none */
	const char *tenant;      /* NULL if none */
	unsigned tier;
	const char *source_type;
	uint32_t source;
	fo_pos pos;
	size_t nprops;
	const fo_prop *props;    /* borrowed until the next change to the model */
	int dropped;             /* fo_model_node_drop was called */
} fo_model_node;

size_t fo_model_node_count(const fo_model *m);
/* Fills *out (strings borrowed until the model changes). O(1). */
void fo_model_node_get(const fo_model *m, uint32_t node, fo_model_node *out);
/* Setters (strings copied; NULL clears name/tenant). O(len). */
int fo_model_node_set_kind(fo_model *m, uint32_t node, const char *kind);
int fo_model_node_set_name(fo_model *m, uint32_t node, const char *name);
int fo_model_node_set_tenant(fo_model *m, uint32_t node, const char *tenant);
int fo_model_node_set_tier(fo_model *m, uint32_t node, unsigned tier);
/* Removes node from the graph to be built, counted as skipped with
 * `reason` (a mapping rule's text). References to it are then dangling and
 * dropped with a warning — except in strict sources, where they are errors. */
int fo_model_node_drop(fo_model *m, uint32_t node, const char *reason);

/* Declares that `id` and `same_as` (full ids) are one thing: at build, the
 * node `id` is merged into `same_as` (its references point there; its
 * dependencies and props are added to it; same_as keeps its own kind, name,
 * tenant, tier and container, taking id's where it has none). pos locates
 * the declaration (the mapping file) for errors: either id undefined is a
 * warning and the declaration is ignored. */
int fo_model_alias(fo_model *m, const char *id, const char *same_as, const char *file, fo_pos pos);

typedef struct fo_model_group {
	uint32_t owner;
	fo_group_type type;
	unsigned long k;  /* 0 = all */
	size_t n;         /* members as added (before resolution) */
	fo_pos pos;
} fo_model_group;

size_t fo_model_group_count(const fo_model *m);
void fo_model_group_get(const fo_model *m, uint32_t group, fo_model_group *out);
/* The i-th member's full id (borrowed until the model changes). */
const char *fo_model_group_member(const fo_model *m, uint32_t group, size_t i);
/* Sets k (0 = all); checked against the members left at build. */
int fo_model_group_set_k(fo_model *m, uint32_t group, unsigned long k);

/* ------------------------------------------------------------------ build */

/* Resolves every reference across all sources (above), merges aliases,
 * checks containment cycles, and builds the graph through one fo_builder.
 * On FO_OK *out is a new graph owned by the caller (fo_graph_free); its file
 * is the only source's file, or the sources' names joined with " + ".
 * FO_EINPUT when diag has errors (from importers or here): nothing built.
 * The model is unchanged but for the statistics (fo_model_explain).
 * O(nodes + members) after hashing. */
int fo_model_build(fo_model *m, fo_graph **out);

/* Writes what the import did, per source: objects read per source type and
 * the kinds they became, folded and skipped objects with reasons (and the
 * first few of each), dangling references, aliases merged, dropped by the
 * mapping. Text for --explain-import. Valid after fo_model_build. */
int fo_model_explain(const fo_model *m, FILE *fp);

/* One line per imported (non-fallout) source, for stderr:
 * "FILE (k8s): 1,234 objects: 456 nodes, 700 folded, 78 skipped; 3 dangling
 * references (--explain-import)". Nothing for fallout XML sources. */
int fo_model_summary(const fo_model *m, FILE *fp);

#endif
