/*
 * fo_graph.h — the dependency graph: node table, interned ids, dependency
 * groups, and the builder that importers fill.
 *
 * Every dependency is a group "owner needs K of these n members" (see
 * docs/semantics.md). A graph is built once by an fo_builder and is immutable
 * afterwards; it is stored in flat arrays (one string arena, CSR adjacency from
 * each dependency to the groups it is a member of), so it can be shared by any
 * number of engines and is freed in a handful of calls.
 *
 * Node and group handles are dense indices: nodes 0..fo_graph_node_count()-1 in
 * document order, groups sorted by owner. FO_NONE means "no node/group".
 */
#ifndef FO_GRAPH_H
#define FO_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "fo_diag.h"

#define FO_NONE UINT32_MAX
#define FO_ID_MAX 1024 /* bytes in an id */

typedef enum fo_group_type {
	FO_GROUP_REQUIRES = 0, /* hard: <requires> */
	FO_GROUP_LOCATED = 1,  /* hard: located in a container, 1 of 1 */
	FO_GROUP_COPIES = 2,   /* hard: the node's copies, 1 of n */
	FO_GROUP_DEGRADES = 3, /* soft: <degrades> */
} fo_group_type;

/* Kinds with their own meaning and drawing; any other word is FO_KIND_OTHER. */
typedef enum fo_kind {
	FO_KIND_OTHER = 0,
	FO_KIND_REGION, FO_KIND_ZONE, FO_KIND_SITE, FO_KIND_ROOM, FO_KIND_POWER,
	FO_KIND_COOLING, FO_KIND_NETWORK, FO_KIND_RACK, FO_KIND_HOST, FO_KIND_VM,
	FO_KIND_STORAGE, FO_KIND_CDN, FO_KIND_DB, FO_KIND_LB, FO_KIND_DNS,
	FO_KIND_QUEUE, FO_KIND_SERVICE, FO_KIND_APP, FO_KIND_DATASET,
	FO_KIND__COUNT
} fo_kind;

/* Canonical word of a known kind ("vm"); "other" for FO_KIND_OTHER. */
const char *fo_kind_name(fo_kind k);
/* Parses a kind word, resolving vendor aliases (cvm/ec2/ecs/gce → vm,
 * cos/s3/oss/gcs/blob → storage). Unknown words give FO_KIND_OTHER. */
fo_kind fo_kind_parse(const char *word);
/* The i-th vendor alias word ("cvm", ...), NULL past the last. O(1). */
const char *fo_kind_alias(size_t i);

typedef struct fo_pos {
	unsigned long line; /* 1-based, 0 = unknown */
	unsigned long col;  /* 1-based, 0 = unknown */
} fo_pos;

typedef struct fo_prop {
	const char *key;
	const char *value;
} fo_prop;

typedef struct fo_graph fo_graph;
typedef struct fo_builder fo_builder;

/* ---------------------------------------------------------------- builder */

/* Starts a graph. `diag` (borrowed, must outlive the builder) receives every
 * semantic error, located in `file` (copied; may be NULL). Errors do not stop
 * the builder: it keeps going so that one run reports every problem, and
 * fo_builder_finish then fails. *out owned by the caller: fo_builder_free. */
int fo_builder_new(fo_builder **out, fo_diag *diag, const char *file);
void fo_builder_free(fo_builder *b);

/* Pre-sizes the builder for `nodes` more nodes, `groups` more groups and
 * `members` more group members (hints: more or fewer may follow), so that
 * loading a graph of known size (a snapshot) does not grow its arrays and
 * id table step by step. Returns FO_OK, FO_ENOMEM, FO_ELIMIT (a count over
 * 2^32 - 1) or FO_EINVAL. O(nodes + members). */
int fo_builder_reserve(fo_builder *b, size_t nodes, size_t groups, size_t members);

/* From now on, a second thread runs this builder's calls, queued with
 * copies of their strings, while the caller goes on (reading XML). Every
 * result is that of one thread: the same return values, node indices,
 * graph, and diagnostics in the same order (the worker's are moved into
 * diag before the caller adds an entry of its own, and by finish). A
 * failure of the worker (FO_ENOMEM, FO_ELIMIT) is returned by a later call
 * and by fo_builder_finish. Only the caller's thread may use the builder
 * and its diag meanwhile; fo_builder_finish and fo_builder_free end the
 * thread. Returns FO_OK (also when no thread can be created: one thread
 * then does it all), FO_ENOMEM or FO_EINVAL. O(1); the calls that read the
 * builder's state (fo_builder_reserve, the *_node variants) wait for the
 * worker to catch up. Design: docs/importer.md, "Two threads". */
int fo_builder_start_thread(fo_builder *b);

/* Inventory name (copied). */
int fo_builder_set_name(fo_builder *b, const char *name);

/* Adds a node. All strings are copied; name/tenant may be NULL; tier 0 = none.
 * kind is the word as written (aliases are resolved here). A duplicate, empty
 * or over-long id is reported on diag; the node is still created (so the
 * reader can go on) but not findable by id. *out receives the node index.
 * Amortised O(len(id)). */
int fo_builder_add_node(fo_builder *b, const char *id, const char *kind,
			const char *name, const char *tenant, unsigned tier,
			fo_pos pos, uint32_t *out);

/* A free-form property of node (key and value copied). */
int fo_builder_add_prop(fo_builder *b, uint32_t node, const char *key, const char *value);

/* node is located in the node `parent` (nested element). */
int fo_builder_set_parent(fo_builder *b, uint32_t node, uint32_t parent);
/* node is located in the node with id `container_id` (flat `in=` attribute),
 * resolved at finish; pos locates the attribute for errors. */
int fo_builder_set_container(fo_builder *b, uint32_t node, const char *container_id, fo_pos pos);

/* Opens a requires- or degrades-group of `owner` needing k members (k = 0:
 * the default, 1). Members are added with fo_builder_group_add, then
 * fo_builder_group_end checks 1 <= k <= n. One group is open at a time. */
int fo_builder_group_begin(fo_builder *b, uint32_t owner, fo_group_type type,
			   unsigned long k, fo_pos pos);
int fo_builder_group_add(fo_builder *b, const char *member_id, fo_pos pos);
/* The same with the member given by node index (< nodes added so far):
 * exactly what fo_builder_group_add with that node's id does, without
 * looking the id up when every node added so far is findable by its id.
 * FO_EINVAL for an index not yet added. O(1) then, else O(len(id)). */
int fo_builder_group_add_node(fo_builder *b, uint32_t member, fo_pos pos);
int fo_builder_group_end(fo_builder *b);

/* owner keeps a copy of its data on `holder_id`; all copies of an owner form
 * one 1-of-n group. */
int fo_builder_add_copy(fo_builder *b, uint32_t owner, const char *holder_id, fo_pos pos);
/* The same with the holder given by node index, as fo_builder_group_add_node. */
int fo_builder_add_copy_node(fo_builder *b, uint32_t owner, uint32_t holder, fo_pos pos);

/* Resolves every reference (forward references are fine), reports unknown
 * references at their own position, repeated members and containment cycles,
 * and compiles the flat arrays. On success *out is a new graph owned by the
 * caller (fo_graph_free). Returns FO_EINPUT if this builder or its diag
 * recorded any error since fo_builder_new (nothing is built then).
 * The builder is spent either way: only fo_builder_free may follow.
 * O(nodes + members) after the hash lookups. */
int fo_builder_finish(fo_builder *b, fo_graph **out);

/* ------------------------------------------------------------------ graph */

void fo_graph_free(fo_graph *g);

uint32_t fo_graph_node_count(const fo_graph *g);
uint32_t fo_graph_group_count(const fo_graph *g);
/* Total number of group members (dependencies, counted per member). */
size_t fo_graph_member_count(const fo_graph *g);
/* Bytes the graph holds: the struct, the file name, the string arena, the id
 * table and every array, each counted at the size it is allocated with
 * (fo_builder_finish trims what the builder allocated ahead). malloc's own
 * bookkeeping is not included. O(1). */
size_t fo_graph_memory(const fo_graph *g);
/* Inventory name, or NULL. Borrowed. */
const char *fo_graph_name(const fo_graph *g);
/* File the graph was read from, or NULL. Borrowed. */
const char *fo_graph_file(const fo_graph *g);

/* Looks an id up: FO_OK and *out = node, or FO_ENOTFOUND. O(len(id)). */
int fo_graph_lookup(const fo_graph *g, const char *id, uint32_t *out);

/* Node attributes; strings borrowed for the graph's lifetime. */
const char *fo_graph_node_id(const fo_graph *g, uint32_t n);
const char *fo_graph_node_name(const fo_graph *g, uint32_t n);   /* NULL if none */
const char *fo_graph_node_label(const fo_graph *g, uint32_t n);  /* name, else id */
const char *fo_graph_node_kind_word(const fo_graph *g, uint32_t n); /* canonical */
fo_kind fo_graph_node_kind(const fo_graph *g, uint32_t n);
const char *fo_graph_node_tenant(const fo_graph *g, uint32_t n); /* NULL if none */
unsigned fo_graph_node_tier(const fo_graph *g, uint32_t n);      /* 0 = none */
uint32_t fo_graph_node_container(const fo_graph *g, uint32_t n); /* FO_NONE = none */
unsigned long fo_graph_node_line(const fo_graph *g, uint32_t n);
/* Free-form properties in document order: *out borrowed. */
size_t fo_graph_node_props(const fo_graph *g, uint32_t n, const fo_prop **out);

/* Groups owned by node n are [first, first+count). */
void fo_graph_node_groups(const fo_graph *g, uint32_t n, uint32_t *first, uint32_t *count);
/* Groups node n is a member of (its dependents' groups): *out borrowed. */
size_t fo_graph_node_memberof(const fo_graph *g, uint32_t n, const uint32_t **out);
/* Nodes located directly in n: *out borrowed. */
size_t fo_graph_node_children(const fo_graph *g, uint32_t n, const uint32_t **out);

typedef struct fo_group_info {
	uint32_t owner;
	fo_group_type type;
	uint32_t k;
	uint32_t n;
	const uint32_t *members; /* n members, borrowed */
	unsigned long line;      /* where it was written; 0 if implicit */
} fo_group_info;
void fo_graph_group(const fo_graph *g, uint32_t group, fo_group_info *out);

/* True for requires, located and copies groups. */
static inline int fo_group_type_is_hard(fo_group_type t) { return t != FO_GROUP_DEGRADES; }

/*
 * Read-only view of the compiled arrays, for hot loops (the propagation engine
 * walks millions of edges; a function call per edge would dominate). Valid for
 * the graph's lifetime; never written through. Layout (CSR):
 *   groups owned by v:        [owned_off[v], owned_off[v+1])
 *   groups v is a member of:  memberof[memberof_off[v] .. memberof_off[v+1])
 *   members of group g:       members[member_off[g] .. member_off[g+1])
 *   nodes located in v:       child[child_off[v] .. child_off[v+1])
 */
typedef struct fo_graph_view {
	uint32_t nodes;
	uint32_t groups;
	const uint32_t *owned_off;
	const uint32_t *memberof_off;
	const uint32_t *memberof;
	const uint32_t *group_owner;
	const uint8_t *group_type;
	const uint32_t *group_k;
	const uint32_t *member_off;
	const uint32_t *members;
	const uint32_t *child_off;
	const uint32_t *child;
	const uint32_t *container;
} fo_graph_view;
void fo_graph_view_get(const fo_graph *g, fo_graph_view *out);

/* 1 when the n bytes at p are strict UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF); NUL bytes count as text (a caller
 * that refuses them checks for them). The one UTF-8 check of text fallout
 * did not write itself: the compiled image's arena, a snapshot's rows, the
 * server's query parameters. O(n), ASCII runs 8 bytes at a time. */
int fo_graph_blob_utf8_ok(const unsigned char *p, size_t n);

#endif
