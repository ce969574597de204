/*
 * fo_gen.h — synthetic inventories at hyperscale, for benchmarks and tests.
 *
 * fo_gen_write streams a realistic inventory in format v1
 * (docs/inventory-format.md) with exactly N nodes, deterministic for a seed:
 * two regions of two zones, one site per zone (one campus holds about 40 % of
 * everything), utility feeds and chillers in K-of-n groups, rooms, racks,
 * hosts, VMs, pools of VMs (load balancers, databases, CDN edges) and of
 * storage hosts, core and leaf services replicated across zones, and the apps
 * and datasets of many tenants; about five dependencies per node. The model,
 * the id scheme and the measured speed are in docs/gen.md.
 *
 * Memory is O(1) whatever N: every id and reference is computed from indices,
 * nothing is kept. The output is a pure function of (nodes, seed).
 */
#ifndef FO_GEN_H
#define FO_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FO_GEN_MIN_NODES 100u
/* fallout's graphs hold at most 2^32 - 2 nodes. */
#define FO_GEN_MAX_NODES 4000000000u

typedef struct fo_gen_opts {
	uint64_t nodes; /* exact node count, FO_GEN_MIN_NODES..FO_GEN_MAX_NODES */
	uint64_t seed;  /* any value; the CLI's default is 1 */
} fo_gen_opts;

/* The layers a benchmark fails one node of. */
typedef enum fo_gen_layer {
	FO_GEN_REGION = 0,
	FO_GEN_SITE,
	FO_GEN_COOLING,      /* a site's chilled-water plant */
	FO_GEN_ROOM,
	FO_GEN_RACK,
	FO_GEN_HOST,
	FO_GEN_VM,
	FO_GEN_STORAGE,      /* a storage pool */
	FO_GEN_CORE_SERVICE, /* a platform service many services and apps need */
	FO_GEN_LEAF_SERVICE, /* a service only apps need */
	FO_GEN_APP,
	FO_GEN_DATASET,
	FO_GEN_LAYER_COUNT
} fo_gen_layer;

/* Per-layer node counts of the inventory fo_gen_write writes for opts. */
typedef struct fo_gen_counts {
	uint64_t nodes; /* the sum of all below = opts->nodes */
	uint64_t regions, zones, sites;
	uint64_t facilities; /* utility feeds, chillers, cooling plants, site networks */
	uint64_t rooms, racks, hosts, vms;
	uint64_t pools;      /* lb, db and cdn pools of VMs, storage pools of hosts */
	uint64_t storage_pools;
	uint64_t core_services, leaf_services, replicas;
	uint64_t apps, datasets, tenants;
} fo_gen_counts;

/* Writes the inventory for *o to fp (borrowed; not closed, flushed). fp
 * should be opened for binary or text output; fallout buffers the output
 * itself in 256 KiB blocks. Returns FO_OK; FO_EINVAL (NULL argument, nodes
 * out of range); FO_ENOMEM; FO_EIO (a write failed: the output is then
 * truncated, the caller discards it). O(nodes) time, O(1) memory. */
int fo_gen_write(FILE *fp, const fo_gen_opts *o);

/* Fills *out with the layer counts of the inventory for *o without writing
 * it. Returns FO_OK or FO_EINVAL. O(tenants) time (about nodes / 25). */
int fo_gen_count(fo_gen_counts *out, const fo_gen_opts *o);

/* Writes into out (size bytes, NUL-terminated; 64 bytes always suffice) the
 * id of a representative node of `layer` in the inventory for *o: a node of
 * the largest site (r1-z1-s1) for the physical layers, a core service that
 * no other core service requires, a leaf service no other service needs,
 * the first app and dataset of tenant t1. The node exists in that
 * inventory. Returns FO_OK, FO_EINVAL (bad layer, NULL, nodes out of range)
 * or FO_ELIMIT (size too small). O(1). */
int fo_gen_representative(char *out, size_t size, const fo_gen_opts *o, fo_gen_layer layer);

/* "region", "site", "cooling", "room", "rack", "host", "vm", "storage",
 * "core-service", "leaf-service", "app", "dataset"; NULL for a bad layer. */
const char *fo_gen_layer_name(fo_gen_layer layer);

#endif
