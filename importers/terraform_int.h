/*
 * terraform_int.h — what the Terraform importer's two files share:
 * terraform.c reads the formats into resource records, terraform_rules.c
 * turns them into nodes, placement and dependencies. Private to importers/.
 */
#ifndef FO_TERRAFORM_INT_H
#define FO_TERRAFORM_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "fo_model.h"

#define TF_MAX_BYTES ((size_t)1 << 30) /* default of option max-bytes */
#define TF_MAX_MODULE_DEPTH 64         /* nested modules */
#define TF_MAX_FLAT_DEPTH 32           /* segments of a v3 flat-map key */
#define TF_ID_MAX 900                  /* bytes of a local id (FO_ID_MAX less room) */

enum { TF_FMT_NONE, TF_FMT_SHOW, TF_FMT_PLAN, TF_FMT_V4, TF_FMT_V3 };
enum { TF_DEPS_PROPS, TF_DEPS_DEGRADES, TF_DEPS_IGNORE };

/* Classes of the id index: a reference names a cloud id of one class. */
enum {
	TF_C_ADDR = 1, /* exact address → resource */
	TF_C_BASE,     /* address without its instance key → first resource */
	TF_C_TYPE,     /* resource type → rule */
	TF_C_COUNT,    /* resource type → slot in ctx.types */
	TF_C_NODE,     /* importer-made id (zone/, region/, ref/) → node */
	TF_C_SUBNET,
	TF_C_INSTANCE,
	TF_C_LB,
	TF_C_TG,
	TF_C_NAT,
	TF_C_RT,
	TF_C_VOLUME,
	TF_C_DBSUBNETGROUP,
	TF_C_DBCLUSTER,
	TF_C_IG, /* GCP instance groups (a MIG's instance_group URL) */
	TF_C_CLB,
	TF_C_EARLIER, /* cloud id of an earlier state of this prefix → node */
};

typedef struct tf_ent {
	const char *s; /* borrowed: the document, a record, or ctx.names */
	size_t len;
	uint64_t h;
	uint32_t val;
	uint8_t cls;
} tf_ent;

typedef struct tf_map {
	tf_ent *e;
	size_t cap, n;
} tf_map;

struct tf_rule;

/* One resource instance as read. */
typedef struct tf_res {
	char *addr;          /* owned */
	char *path;          /* owned: JSON path, for messages */
	size_t addrlen, baselen, modlen; /* modlen: "module.a." prefix */
	const char *type;    /* borrowed from the document */
	json_t *attrs;       /* borrowed (NULL: none) */
	json_t *deps;        /* borrowed array of addresses (NULL: none) */
	const char *deps_key;
	const struct tf_rule *rule; /* NULL: a generic resource */
	uint32_t node;       /* FO_NONE: no node (data, folded, bad) */
	uint32_t next_base;  /* next record with the same base address */
	unsigned data : 1, bad : 1, folded : 1, tainted : 1;
} tf_res;

/* "owner needs member", grouped by (owner, tag) when emitted. */
enum {
	TF_T_ONE = 0,  /* one group per (owner, tag): k of its members */
	TF_T_EACH = 1, /* each link its own group of one */
};
typedef struct tf_link {
	uint32_t owner, member, seq;
	uint32_t k;
	uint8_t tag;   /* group identity within an owner */
	uint8_t each;  /* TF_T_EACH */
	uint8_t soft;  /* degrades rather than requires */
} tf_link;

typedef struct tf_route {
	uint32_t rt; /* route table record */
	uint32_t nat; /* NAT gateway node */
} tf_route;

typedef struct tf_typecount {
	const char *type;
	size_t n;
} tf_typecount;

typedef struct tf_ctx {
	fo_model *m;
	fo_diag *d;
	char *file; /* owned copy */
	tf_res *res;
	size_t nres, capres;
	tf_map map;
	tf_link *links;
	size_t nlinks, caplinks;
	tf_route *routes;
	size_t nroutes, caproutes;
	uint32_t *assocs;
	size_t nassocs, capassocs;
	tf_typecount *types;
	size_t ntypes, captypes;
	char **names; /* importer-made ids, owned */
	size_t nnames, capnames;
	json_t *prior; /* a plan's prior_state: address → values (owned) */
	json_t **owned;
	size_t nowned, capowned;
	int depends;
	int err;       /* first failure other than input errors */
	size_t errors; /* input errors reported */
	size_t zones, regions, placeholders;
} tf_ctx;

void tf__diag(tf_ctx *c, fo_severity sev, const char *code, unsigned long line,
	      unsigned long col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int tf__status(tf_ctx *c, int err);
int tf__map_get(const tf_map *mp, uint8_t cls, const char *s, size_t len, uint32_t *out);
int tf__map_put(tf_map *mp, uint8_t cls, const char *s, size_t len, uint32_t val, uint32_t *old);
const char *tf__str(const json_t *o, const char *key);
int tf__bool(const json_t *o, const char *key);
long long tf__int(const json_t *o, const char *key, long long def);
const json_t *tf__block(const json_t *o, const char *key);
const char *tf__bad_id(const char *s, size_t len);
json_t *tf__unflatten(tf_ctx *c, const json_t *flat, const char *path);

/* Counts one object of `type` read (summed per type, given to the model
 * at the end: one fo_model_count_read per type). */
void tf__count(tf_ctx *c, const char *type);
/* Steps 2 and 3 (terraform_rules.c): nodes, placement, dependencies. */
void tf__build(tf_ctx *c);

#endif
