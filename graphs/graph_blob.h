/*
 * graph_blob.h — the compiled image of an fo_graph (private to graphs/: the
 * snapshot store writes it beside a snapshot's rows and reads it back
 * instead of rebuilding; docs/snapshots.md, "Compiled copy").
 *
 * An image is a head (FO_GRAPH_BLOB_HEAD 64-bit counts) and the graph's
 * arrays, in the order of enum fo_graph_blob_array, each as it is in memory
 * (native byte order: the layout word says which) — except the properties,
 * which hold pointers into the string arena in memory and are stored as
 * pairs of uint32 arena offsets. No pointer is ever stored. The member-of
 * and children lists are not stored either (only their offsets): they are
 * the transposes of the groups and the containers, and filling them from
 * those costs less than reading them and proving they are. Reading one back
 * is: fo_graph_blob_alloc from the head (sizes every array), fill each array
 * with the bytes stored, fo_graph_blob_seal (validates everything a hostile
 * image could get wrong, then turns the property offsets into pointers).
 */
#ifndef FO_GRAPH_BLOB_H
#define FO_GRAPH_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "fo_graph.h"

/* The image format: bumped whenever an array is added, removed, reordered
 * or changes meaning. */
#define FO_GRAPH_BLOB_FORMAT 1

/* The head's counts, in this order. */
enum fo_graph_blob_head_field {
	FO_BLOB_NODES, FO_BLOB_GROUPS, FO_BLOB_MEMBERS, FO_BLOB_CHILDREN, FO_BLOB_PROPS,
	FO_BLOB_ARENA, FO_BLOB_SLOTS, FO_BLOB_IDS_USED, FO_BLOB_NAME_OFF,
	FO_GRAPH_BLOB_HEAD
};

/* The arrays, in image order. */
enum fo_graph_blob_array {
	FO_BLOB_ID_OFF, FO_BLOB_LABEL_OFF, FO_BLOB_KIND_OFF, FO_BLOB_TENANT_OFF, FO_BLOB_TIER,
	FO_BLOB_CONTAINER, FO_BLOB_LINE, FO_BLOB_KIND, FO_BLOB_OWNED_OFF, FO_BLOB_MEMBEROF_OFF,
	FO_BLOB_CHILD_OFF, FO_BLOB_PROP_OFF, FO_BLOB_PROPS_A,
	FO_BLOB_GROUP_OWNER, FO_BLOB_GROUP_K, FO_BLOB_MEMBER_OFF, FO_BLOB_MEMBERS_A,
	FO_BLOB_GROUP_LINE, FO_BLOB_GROUP_TYPE, FO_BLOB_ARENA_A, FO_BLOB_ID_SLOTS,
	FO_GRAPH_BLOB_ARRAYS
};

/* One array of an image: `bytes` bytes at p. */
typedef struct fo_graph_blob_part {
	void *p;
	uint64_t bytes;
} fo_graph_blob_part;

/* This build's layout identity, stored with every image and compared on
 * read: the byte order, the sizes of the stored element types and the id
 * hash function (the id table's slots keep hashes: the word holds the hash
 * of a fixed text, so any change to the function changes it), e.g.
 * "le u32 u8 slot8 hash 1a2b3c4d", into buf. O(1). */
#define FO_GRAPH_BLOB_LAYOUT_MAX 64
void fo_graph_blob_layout(char buf[FO_GRAPH_BLOB_LAYOUT_MAX]);

/* The head of g's image. O(1). */
void fo_graph_blob_head(const fo_graph *g, uint64_t head[FO_GRAPH_BLOB_HEAD]);

/* The byte size of each array of an image with this head, into bytes[]
 * (sums checked: FO_ELIMIT when a count is beyond what a graph can hold,
 * e.g. nodes >= 2^32, arena > 2^32, slots not 0 or a power of two).
 * *total (may be NULL) receives their sum. O(1). */
int fo_graph_blob_sizes(const uint64_t head[FO_GRAPH_BLOB_HEAD],
			uint64_t bytes[FO_GRAPH_BLOB_ARRAYS], uint64_t *total);

/* g's arrays, in image order, into parts[] (borrowed from g, valid while g
 * lives), except FO_BLOB_PROPS_A, which is written into prop_offs (caller's:
 * 2 * head[FO_BLOB_PROPS] uint32, may be NULL when there are none) as the
 * arena offsets of each key and value. O(props). */
void fo_graph_blob_parts(const fo_graph *g, uint32_t *prop_offs,
			 fo_graph_blob_part parts[FO_GRAPH_BLOB_ARRAYS]);

/* A new graph sized by head, whose arrays the caller fills: parts[i].p
 * receives parts[i].bytes bytes (the property array is filled with its
 * stored offsets). file (copied, may be NULL) is its fo_graph_file. *out
 * is owned by the caller (fo_graph_free), not usable before
 * fo_graph_blob_seal succeeds. FO_ENOMEM, FO_ELIMIT (as sizes). */
int fo_graph_blob_alloc(fo_graph **out, const uint64_t head[FO_GRAPH_BLOB_HEAD],
			const char *file, fo_graph_blob_part parts[FO_GRAPH_BLOB_ARRAYS]);

/* Validates a filled graph, so that no accessor of fo_graph.h and no walk
 * the engine or a report makes can read out of bounds or loop, whatever the
 * bytes: strings NUL-terminated inside the arena, every offset in bounds,
 * each CSR offset array starting at 0, monotone and ending at its count,
 * every node and group index in range, each group's owner the node whose
 * range holds it, 1 <= k <= n, no member twice in a group, the member-of
 * and children offsets those of the groups and containers (the lists are
 * filled here, as fo_builder_finish fills them), containment
 * without a cycle, the id table a valid open-addressing table (an empty
 * slot left, values in range); then turns the property offsets into
 * pointers. FO_OK, FO_EINPUT (*why: static text naming what is wrong) or
 * FO_ENOMEM. O(nodes + members + props + slots + arena bytes). */
int fo_graph_blob_seal(fo_graph *g, const char **why);

/* A hint that the block of `bytes` at p (malloc'd, not yet written) be
 * backed by huge pages (Linux transparent huge pages, where the system
 * allows them on request), so that filling it takes few page faults.
 * Blocks under 2 MiB (one huge page) are left alone. Never fails; allocates nothing. */
void fo_graph_blob_hint_huge(void *p, size_t bytes);

/* Prefaulting the arrays of an image being read (graphs/hugepage.c): a
 * thread that has the kernel back parts[count-1], parts[count-2], ... with
 * memory while the caller writes parts[0], parts[1], ... and reports each
 * part it starts with fo_graph_blob_prefault_reached; the thread stops
 * where the caller has got to. It never writes the arrays' bytes (only
 * MADV_POPULATE_WRITE), so their content is the caller's alone. Only a
 * hint: start returns 1 with *out (stop it with
 * fo_graph_blob_prefault_stop before the arrays are freed), or 0 with *out
 * NULL when the image is small (under 64 MiB) or no thread could be
 * started; the two other calls accept NULL. parts is copied (at most
 * FO_BLOB_PREFAULT_MAX). O(1) for the caller. */
#define FO_BLOB_PREFAULT_MAX (FO_GRAPH_BLOB_ARRAYS + 4)
typedef struct fo_blob_prefault fo_blob_prefault;
int fo_graph_blob_prefault_start(fo_blob_prefault **out, const fo_graph_blob_part *parts,
				 int count);
void fo_graph_blob_prefault_reached(fo_blob_prefault *pf, int part);
void fo_graph_blob_prefault_stop(fo_blob_prefault *pf);

/* fo_graph_blob_utf8_ok: declared in fo_graph.h (the server checks query text with it too). */

#endif
