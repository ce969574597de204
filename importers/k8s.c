/*
 * k8s.c — the mapping half of the Kubernetes importer (fo_k8s.h,
 * docs/importers/k8s.md): the objects k8s_load.c read, all inputs of one
 * cluster at once, into the import model.
 *
 *   Node          host node/NAME in zone/Z (topology.kubernetes.io/zone, else
 *                 failure-domain.beta.kubernetes.io/zone), zone/Z in
 *                 region/R; without a zone label a node is its own failure
 *                 domain (in its region when it has one)
 *   Pod           pod/NS/NAME located in its node (spec.nodeName), needing
 *                 its PVCs; only Running pods: the others are not capacity
 *   Deployment    app, needing K of the running pods of its ReplicaSets
 *   StatefulSet   app, K of its pods
 *   DaemonSet     service (per-node infrastructure), K of its pods
 *   ReplicaSet    folded into its Deployment; an app when it has none
 *   PDB           sets K: minAvailable, or replicas - maxUnavailable,
 *                 percentages of the desired replicas rounded up as the
 *                 disruption controller does; no PDB: K = 1
 *   Service       service, needing 1 of the running pods its selector
 *                 matches (same namespace); without a selector, 1 of what its
 *                 Endpoints name (pods, nodes, node addresses)
 *   PVC / PV      storage; a PVC needs its PV, a zonal PV sits in its zone
 *   Endpoints, EndpointSlice, Namespace: folded; StorageClass and every
 *   other kind: skipped with the reason. Every object is counted.
 *
 * Maps from strings to objects are jansson objects (its hash table): one
 * less hash table in the tree, and the keys are copied once.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"
#include "fo_k8s.h"
#include "k8s_int.h"

enum kk {
	K_OTHER = 0,
	K_NODE,
	K_POD,
	K_DEPLOY,
	K_RS,
	K_STS,
	K_DS,
	K_SVC,
	K_EP,
	K_EPS,
	K_PDB,
	K_PVC,
	K_PV,
	K_SC,
	K_NS,
};

static const struct {
	const char *kind;
	enum kk k;
} KINDS[] = {
	{ "Node", K_NODE },
	{ "Pod", K_POD },
	{ "Deployment", K_DEPLOY },
	{ "ReplicaSet", K_RS },
	{ "StatefulSet", K_STS },
	{ "DaemonSet", K_DS },
	{ "Service", K_SVC },
	{ "Endpoints", K_EP },
	{ "EndpointSlice", K_EPS },
	{ "PodDisruptionBudget", K_PDB },
	{ "PersistentVolumeClaim", K_PVC },
	{ "PersistentVolume", K_PV },
	{ "StorageClass", K_SC },
	{ "Namespace", K_NS },
};

/* What the mapping knows of one object. */
typedef struct kinfo {
	enum kk k;
	const char *kind, *ns, *name; /* borrowed from the object */
	int skip;          /* duplicate or invalid: counted, not mapped */
	int running;       /* a pod that is capacity */
	uint32_t node;     /* model node, FO_NONE before/without */
	long wl;           /* pod: its workload's object index, -1 */
	long next;         /* pod: next member of the same workload, -1 */
	long head;         /* workload: first member pod, -1 */
	long nodeobj;      /* pod: its node's object, -1 */
	unsigned long need; /* workload: K from a PDB (0 = none) */
	const char *pdb;   /* workload: the PDB that set K */
	int folded;        /* RS folded into its Deployment, PDB/EP used */
} kinfo;

typedef struct kmap {
	k8s_set *s;
	kinfo *in;
	json_t *byname;   /* "Kind\x1fns\x1fname" -> object index */
	json_t *labels;   /* "ns\x1fkey\x1fvalue" -> [pod object indices] */
	json_t *nodeaddr; /* node address -> node object index */
	json_t *hosts;    /* kubernetes.io/hostname label -> node object index */
	json_t *slices;   /* "ns\x1fservice" -> [EndpointSlice object indices] */
	json_t *zones;    /* zone -> region or "" (created zone nodes) */
	json_t *regions;  /* region -> 1 */
	json_t *warned;   /* one warning per missing owner */
	char *srcfile;    /* the current source's file name (owned copy) */
	char *buf;        /* scratch for ids and keys */
	size_t bufcap;
} kmap;

/* ------------------------------------------------------------ helpers */

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static json_t *jget2(json_t *o, const char *a, const char *b)
{
	return json_object_get(json_object_get(o, a), b);
}

static const char *jstr2(json_t *o, const char *a, const char *b)
{
	return json_string_value(jget2(o, a, b));
}

/* A name, namespace or label value fallout can put in an id: 1..253 bytes,
 * no '/', no control character (Kubernetes allows far less; hostile input
 * may hold anything, and ids must stay unambiguous). */
static int valid_name(const char *s)
{
	size_t n = 0;
	if (!s || !*s)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
		if (*p < 0x20 || *p == 0x7f || *p == '/')
			return 0;
	return n <= 253;
}

static int valid_text(const char *s)
{
	if (!s || !*s)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return strlen(s) <= 253;
}

/* printf into the map's scratch buffer; NULL on ENOMEM. */
static const char *fmt(kmap *km, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(kmap *km, const char *f, ...)
{
	va_list ap;
	int n;
	va_start(ap, f);
	n = vsnprintf(km->buf, km->bufcap, f, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if ((size_t)n >= km->bufcap) {
		size_t cap = (size_t)n + 64;
		char *b = realloc(km->buf, cap);
		if (!b)
			return NULL;
		km->buf = b;
		km->bufcap = cap;
		va_start(ap, f);
		vsnprintf(km->buf, km->bufcap, f, ap);
		va_end(ap);
	}
	return km->buf;
}

static long map_get(json_t *map, const char *key)
{
	json_t *v = json_object_get(map, key);
	return v ? (long)json_integer_value(v) : -1;
}

/* "items[12] Pod ns/name" for messages (static-size buffer of the caller). */
static const char *describe(kmap *km, size_t i, char *out, size_t cap)
{
	const k8s_obj *o = &km->s->objs[i];
	const kinfo *k = &km->in[i];
	char a[FO_DIAG_SHORT_BUF], b[FO_DIAG_SHORT_BUF], c[FO_DIAG_SHORT_BUF];
	char where[32] = "";
	const char *kind = fo_diag_shorten(k->kind ? k->kind : "object", c);
	if (o->item >= 0)
		snprintf(where, sizeof where, "items[%ld] ", o->item);
	/* out holds 3 shortened strings: never cut inside a UTF-8 sequence. */
	if (k->ns)
		snprintf(out, cap, "%s%s %s/%s", where, kind, fo_diag_shorten(k->ns, a),
			 fo_diag_shorten(k->name ? k->name : "?", b));
	else
		snprintf(out, cap, "%s%s %s", where, kind, fo_diag_shorten(k->name ? k->name : "?", b));
	return out;
}

/* Position for the model: only objects of the source's own file have one
 * that means something there (a directory's files do not). */
static fo_pos mpos(kmap *km, size_t i)
{
	const k8s_obj *o = &km->s->objs[i];
	if (km->srcfile && strcmp(km->s->files[o->file], km->srcfile) == 0)
		return o->pos;
	return (fo_pos){ 0, 0 };
}

static void warn_obj(kmap *km, size_t i, const char *code, const char *msg)
{
	char d[4 * FO_DIAG_SHORT_BUF];
	const k8s_obj *o = &km->s->objs[i];
	fo_k8s__warn(km->s, o->file, o->pos, code, "%s: %s", describe(km, i, d, sizeof d), msg);
}

/* The controlling owner reference (controller: true), or NULL. */
static json_t *controller_of(json_t *o)
{
	json_t *refs = jget2(o, "metadata", "ownerReferences");
	size_t i;
	json_t *r;
	json_array_foreach(refs, i, r) if (json_is_true(json_object_get(r, "controller"))) return r;
	return NULL;
}

/* ------------------------------------------------------------ selectors */

static const char *label_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(jget2(o, "metadata", "labels"), key));
}

/* A map selector (Service spec.selector, matchLabels). */
static int match_labels(json_t *pod, json_t *sel)
{
	const char *key;
	json_t *v;
	json_object_foreach(sel, key, v)
	{
		const char *pv = label_of(pod, key);
		if (!pv || !json_is_string(v) || strcmp(pv, json_string_value(v)) != 0)
			return 0;
	}
	return 1;
}

/* A LabelSelector: matchLabels AND matchExpressions (In, NotIn, Exists,
 * DoesNotExist). An unknown operator matches nothing (warned by caller). */
static int match_selector(json_t *pod, json_t *sel, int *bad)
{
	json_t *ml = json_object_get(sel, "matchLabels"), *me = json_object_get(sel, "matchExpressions");
	size_t i, j;
	json_t *e, *v;
	if (ml && !match_labels(pod, ml))
		return 0;
	json_array_foreach(me, i, e)
	{
		const char *key = jstr(e, "key"), *op = jstr(e, "operator");
		const char *pv = key ? label_of(pod, key) : NULL;
		int in = 0;
		if (!key || !op) {
			*bad = 1;
			return 0;
		}
		json_array_foreach(json_object_get(e, "values"), j, v) if (pv && json_is_string(v) &&
									strcmp(pv, json_string_value(v)) == 0) in = 1;
		if (strcmp(op, "In") == 0) {
			if (!in)
				return 0;
		} else if (strcmp(op, "NotIn") == 0) {
			if (in)
				return 0;
		} else if (strcmp(op, "Exists") == 0) {
			if (!pv)
				return 0;
		} else if (strcmp(op, "DoesNotExist") == 0) {
			if (pv)
				return 0;
		} else {
			*bad = 1;
			return 0;
		}
	}
	return 1;
}

/* Candidate pods of namespace ns for a selector: the pods carrying its first
 * matchLabels pair (a label index), or every pod of ns when the selector has
 * none (the "ns\x1f" list). Borrowed array of object indices, or NULL. */
static json_t *candidates(kmap *km, const char *ns, json_t *ml)
{
	const char *key;
	json_t *v;
	json_object_foreach(ml, key, v)
	{
		if (!json_is_string(v))
			return NULL;
		const char *k = fmt(km, "%s\x1f%s\x1f%s", ns, key, json_string_value(v));
		return k ? json_object_get(km->labels, k) : NULL;
	}
	const char *k = fmt(km, "%s\x1f", ns);
	return k ? json_object_get(km->labels, k) : NULL;
}

static int index_add(kmap *km, const char *key, size_t i)
{
	json_t *a = json_object_get(km->labels, key);
	if (!a) {
		if (!(a = json_array()) || json_object_set_new(km->labels, key, a) != 0)
			return FO_ENOMEM;
	}
	return json_array_append_new(a, json_integer((json_int_t)i)) == 0 ? FO_OK : FO_ENOMEM;
}

/* ------------------------------------------------------------ pass 1 */

static enum kk kind_of(const char *kind)
{
	for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
		if (strcmp(kind, KINDS[i].kind) == 0)
			return KINDS[i].k;
	return K_OTHER;
}

static int cluster_scoped(enum kk k)
{
	return k == K_NODE || k == K_PV || k == K_SC || k == K_NS;
}

/* Kinds, names, duplicates; counts every object read. */
static int classify(kmap *km)
{
	k8s_set *s = km->s;
	fo_model *m = s->m;
	int err;
	for (size_t i = 0; i < s->nobjs; i++) {
		kinfo *k = &km->in[i];
		json_t *o = s->objs[i].o;
		k->node = FO_NONE;
		k->wl = k->next = k->head = k->nodeobj = -1;
		k->kind = jstr(o, "kind");
		if (!valid_text(k->kind)) {
			k->kind = "(no kind)";
			k->skip = 1;
			if ((err = fo_model_count_read(m, k->kind, 1)) != FO_OK ||
			    (err = fo_model_skip(m, k->kind, NULL, "no valid \"kind\"")) != FO_OK)
				return err;
			warn_obj(km, i, "k8s-kind", "no valid \"kind\": skipped");
			continue;
		}
		k->k = kind_of(k->kind);
		k->name = jstr2(o, "metadata", "name");
		if (!cluster_scoped(k->k)) {
			k->ns = jstr2(o, "metadata", "namespace");
			if (!k->ns)
				k->ns = "default"; /* where kubectl apply puts it */
		}
		if ((err = fo_model_count_read(m, k->kind, 1)) != FO_OK)
			return err;
		if (!valid_name(k->name) || (k->ns && !valid_name(k->ns))) {
			k->skip = 1;
			warn_obj(km, i, "k8s-name",
				 "metadata.name or namespace empty, longer than 253 bytes, or with '/' "
				 "or a control character: skipped");
			if ((err = fo_model_skip(m, k->kind, NULL, "invalid name")) != FO_OK)
				return err;
			continue;
		}
		const char *key = fmt(km, "%s\x1f%s\x1f%s", k->kind, k->ns ? k->ns : "", k->name);
		if (!key)
			return FO_ENOMEM;
		long prev = map_get(km->byname, key);
		if (prev >= 0) {
			const char *u1 = jstr2(s->objs[prev].o, "metadata", "uid");
			const char *u2 = jstr2(o, "metadata", "uid");
			k->skip = 1;
			if (u1 && u2 && strcmp(u1, u2) != 0)
				warn_obj(km, i, "k8s-duplicate",
					 "read twice with different uids: the first one is kept");
			if ((err = fo_model_skip(m, k->kind, k->name, "duplicate (read before)")) != FO_OK)
				return err;
			continue;
		}
		if (json_object_set_new(km->byname, key, json_integer((json_int_t)i)) != 0)
			return FO_ENOMEM;
	}
	return FO_OK;
}

static long lookup(kmap *km, const char *kind, const char *ns, const char *name)
{
	const char *key = fmt(km, "%s\x1f%s\x1f%s", kind, ns ? ns : "", name);
	return key ? map_get(km->byname, key) : -1;
}

/* ------------------------------------------------------------ nodes, zones */

static const char *zone_label(json_t *o)
{
	json_t *l = jget2(o, "metadata", "labels");
	const char *z = jstr(l, "topology.kubernetes.io/zone");
	return z ? z : jstr(l, "failure-domain.beta.kubernetes.io/zone");
}

static const char *region_label(json_t *o)
{
	json_t *l = jget2(o, "metadata", "labels");
	const char *r = jstr(l, "topology.kubernetes.io/region");
	return r ? r : jstr(l, "failure-domain.beta.kubernetes.io/region");
}

static int ensure_region(kmap *km, const char *region)
{
	uint32_t idx;
	int err;
	if (json_object_get(km->regions, region))
		return FO_OK;
	if (json_object_set_new(km->regions, region, json_true()) != 0)
		return FO_ENOMEM;
	const char *id = fmt(km, "region/%s", region);
	if (!id)
		return FO_ENOMEM;
	if ((err = fo_model_add_node(km->s->m, id, "region", region, NULL, 0, "region label",
				     (fo_pos){ 0, 0 }, &idx)) != FO_OK)
		return err;
	return FO_OK;
}

/* The zone node (created once), in its region when one is known. */
static int ensure_zone(kmap *km, const char *zone, const char *region)
{
	uint32_t idx;
	int err;
	if (json_object_get(km->zones, zone))
		return FO_OK;
	if (json_object_set_new(km->zones, zone, json_string(region ? region : "")) != 0)
		return FO_ENOMEM;
	const char *id = fmt(km, "zone/%s", zone);
	if (!id)
		return FO_ENOMEM;
	if ((err = fo_model_add_node(km->s->m, id, "zone", zone, NULL, 0, "zone label",
				     (fo_pos){ 0, 0 }, &idx)) != FO_OK)
		return err;
	if (region) {
		if ((err = ensure_region(km, region)) != FO_OK)
			return err;
		if (!(id = fmt(km, "region/%s", region)))
			return FO_ENOMEM;
		if ((err = fo_model_set_container_local(km->s->m, idx, id, (fo_pos){ 0, 0 })) != FO_OK)
			return err;
	}
	return FO_OK;
}

static int add_labels(kmap *km, uint32_t node, json_t *o)
{
	const char *key;
	json_t *v;
	int err;
	json_object_foreach(jget2(o, "metadata", "labels"), key, v)
	{
		if (!json_is_string(v))
			continue;
		const char *k = fmt(km, "label:%s", key);
		if (!k)
			return FO_ENOMEM;
		if ((err = fo_model_add_prop(km->s->m, node, k, json_string_value(v))) != FO_OK)
			return err;
	}
	return FO_OK;
}

static int map_nodes(kmap *km)
{
	k8s_set *s = km->s;
	fo_model *m = s->m;
	int err;
	for (size_t i = 0; i < s->nobjs; i++) {
		kinfo *k = &km->in[i];
		json_t *o = s->objs[i].o;
		if (k->skip || k->k != K_NODE)
			continue;
		const char *zone = zone_label(o), *region = region_label(o);
		if (zone && !valid_text(zone)) {
			warn_obj(km, i, "k8s-label", "zone label with a control character: ignored");
			zone = NULL;
		}
		if (region && !valid_text(region)) {
			warn_obj(km, i, "k8s-label", "region label with a control character: ignored");
			region = NULL;
		}
		if (zone && (err = ensure_zone(km, zone, region)) != FO_OK)
			return err;
		if (!zone && region && (err = ensure_region(km, region)) != FO_OK)
			return err;
		const char *id = fmt(km, "node/%s", k->name);
		if (!id)
			return FO_ENOMEM;
		if ((err = fo_model_add_node(m, id, "host", k->name, NULL, 0, "Node", mpos(km, i),
					     &k->node)) != FO_OK)
			return err;
		if (zone || region) {
			id = zone ? fmt(km, "zone/%s", zone) : fmt(km, "region/%s", region);
			if (!id)
				return FO_ENOMEM;
			if ((err = fo_model_set_container_local(m, k->node, id, mpos(km, i))) != FO_OK)
				return err;
		}
		if ((zone && (err = fo_model_add_prop(m, k->node, "zone", zone)) != FO_OK) ||
		    (region && (err = fo_model_add_prop(m, k->node, "region", region)) != FO_OK))
			return err;
		const char *pid = jstr2(o, "spec", "providerID");
		if (pid && valid_text(pid) && (err = fo_model_add_prop(m, k->node, "providerID", pid)) != FO_OK)
			return err;
		if ((err = add_labels(km, k->node, o)) != FO_OK)
			return err;
		const char *hn = label_of(o, "kubernetes.io/hostname");
		if (hn && json_object_set_new(km->hosts, hn, json_integer((json_int_t)i)) != 0)
			return FO_ENOMEM;
		/* Addresses, for Endpoints that name a node by IP only. */
		size_t j;
		json_t *a;
		json_array_foreach(jget2(o, "status", "addresses"), j, a)
		{
			const char *ip = jstr(a, "address");
			if (ip && json_object_set_new(km->nodeaddr, ip, json_integer((json_int_t)i)) != 0)
				return FO_ENOMEM;
		}
	}
	return FO_OK;
}

/* ------------------------------------------------------------ storage */

static int zone_key(const char *key)
{
	size_t n = strlen(key);
	return strcmp(key, "topology.kubernetes.io/zone") == 0 ||
	       strcmp(key, "failure-domain.beta.kubernetes.io/zone") == 0 ||
	       (n > 5 && strcmp(key + n - 5, "/zone") == 0); /* CSI: topology.ebs.csi.aws.com/zone */
}

/* A PV's zones from spec.nodeAffinity (In expressions on a zone key), else
 * its zone labels. Returns the array (caller's reference) of zone strings,
 * or of one "node:NAME" for a local volume pinned to a host. */
static json_t *pv_zones(json_t *o)
{
	json_t *out = json_array(), *seen = json_object(), *terms, *t, *e, *v;
	size_t i, j, l;
	if (!out || !seen) {
		json_decref(out);
		json_decref(seen);
		return NULL;
	}
	terms = json_object_get(json_object_get(jget2(o, "spec", "nodeAffinity"), "required"),
				"nodeSelectorTerms");
	json_array_foreach(terms, i, t) json_array_foreach(json_object_get(t, "matchExpressions"), j, e)
	{
		const char *key = jstr(e, "key"), *op = jstr(e, "operator");
		if (!key || !op || strcmp(op, "In") != 0)
			continue;
		int host = strcmp(key, "kubernetes.io/hostname") == 0;
		if (!zone_key(key) && !host)
			continue;
		json_array_foreach(json_object_get(e, "values"), l, v)
		{
			if (!json_is_string(v))
				continue;
			json_t *z = host ? json_sprintf("node:%s", json_string_value(v)) : json_copy(v);
			const char *zs = json_string_value(z);
			if (zs && !json_object_get(seen, zs) && json_object_set_new(seen, zs, json_true()) == 0)
				json_array_append(out, z);
			json_decref(z);
		}
	}
	if (json_array_size(out) == 0) {
		const char *z = zone_label(o);
		if (z) {
			/* Multi-zone GCE PDs: "us-central1-a__us-central1-b". */
			const char *p = z;
			while (*p) {
				const char *e2 = strstr(p, "__");
				size_t n = e2 ? (size_t)(e2 - p) : strlen(p);
				if (n)
					json_array_append_new(out, json_stringn(p, n));
				p += n + (e2 ? 2 : 0);
			}
		}
	}
	json_decref(seen);
	return out;
}

/* The node object a kubernetes.io/hostname value names (its label, else its name). */
static long node_by_hostname(kmap *km, const char *host)
{
	long n = map_get(km->hosts, host);
	return n >= 0 ? n : lookup(km, "Node", NULL, host);
}

static int map_storage(kmap *km)
{
	k8s_set *s = km->s;
	fo_model *m = s->m;
	int err;
	for (size_t i = 0; i < s->nobjs; i++) {
		kinfo *k = &km->in[i];
		json_t *o = s->objs[i].o;
		if (k->skip || k->k != K_PV)
			continue;
		const char *id = fmt(km, "pv/%s", k->name);
		if (!id)
			return FO_ENOMEM;
		if ((err = fo_model_add_node(m, id, "storage", k->name, NULL, 0, "PersistentVolume",
					     mpos(km, i), &k->node)) != FO_OK)
			return err;
		json_t *zs = pv_zones(o);
		if (!zs)
			return FO_ENOMEM;
		size_t n = json_array_size(zs), j;
		json_t *z;
		err = FO_OK;
		if (n == 1) {
			const char *zn = json_string_value(json_array_get(zs, 0));
			if (strncmp(zn, "node:", 5) == 0) {
				long nd = node_by_hostname(km, zn + 5);
				id = nd >= 0 ? fmt(km, "node/%s", km->in[nd].name) : fmt(km, "node/%s", zn + 5);
			} else if (valid_text(zn)) {
				err = ensure_zone(km, zn, region_label(o));
				id = fmt(km, "zone/%s", zn);
			} else {
				id = NULL;
			}
			if (err == FO_OK && id)
				err = fo_model_set_container_local(m, k->node, id, mpos(km, i));
			if (err == FO_OK && strncmp(zn, "node:", 5) != 0)
				err = fo_model_add_prop(m, k->node, "zone", zn);
		} else if (n > 1) {
			/* A regional volume: up while one of its zones is. */
			json_array_foreach(zs, j, z) if (err == FO_OK && valid_text(json_string_value(z)) &&
							 strncmp(json_string_value(z), "node:", 5) != 0)
				err = ensure_zone(km, json_string_value(z), region_label(o));
			if (err == FO_OK)
				err = fo_model_group_begin(m, k->node, FO_GROUP_REQUIRES, 1, mpos(km, i));
			json_array_foreach(zs, j, z)
			{
				const char *zn = json_string_value(z);
				if (err != FO_OK || !valid_text(zn) || strncmp(zn, "node:", 5) == 0)
					continue;
				if (!(id = fmt(km, "zone/%s", zn)))
					err = FO_ENOMEM;
				else
					err = fo_model_group_add_local(m, id, mpos(km, i));
			}
			if (err == FO_OK)
				err = fo_model_group_end(m);
		}
		json_decref(zs);
		if (err != FO_OK)
			return err;
	}
	for (size_t i = 0; i < s->nobjs; i++) {
		kinfo *k = &km->in[i];
		json_t *o = s->objs[i].o;
		if (k->skip || k->k != K_PVC)
			continue;
		const char *id = fmt(km, "pvc/%s/%s", k->ns, k->name);
		if (!id)
			return FO_ENOMEM;
		if ((err = fo_model_add_node(m, id, "storage", k->name, k->ns, 0, "PersistentVolumeClaim",
					     mpos(km, i), &k->node)) != FO_OK)
			return err;
		const char *vol = jstr2(o, "spec", "volumeName");
		if (vol && valid_name(vol)) {
			if (!(id = fmt(km, "pv/%s", vol)))
				return FO_ENOMEM;
			if ((err = fo_model_requires_local(m, k->node, FO_GROUP_REQUIRES, id, mpos(km, i))) !=
			    FO_OK)
				return err;
		} else {
			warn_obj(km, i, "k8s-unbound", "not bound to a volume (no spec.volumeName)");
		}
	}
	return FO_OK;
}

/* ------------------------------------------------------------ pods */

static const char *phase_reason(const char *phase)
{
	if (!phase)
		return "no status.phase (not capacity)";
	if (strcmp(phase, "Succeeded") == 0)
		return "phase Succeeded (not capacity)";
	if (strcmp(phase, "Failed") == 0)
		return "phase Failed (not capacity)";
	if (strcmp(phase, "Pending") == 0)
		return "phase Pending (not capacity)";
	return "phase not Running (not capacity)";
}

/* The workload object of a pod through its controller owner, or -1. */
static long workload_of(kmap *km, size_t i)
{
	kinfo *k = &km->in[i];
	json_t *c = controller_of(km->s->objs[i].o);
	const char *kind = jstr(c, "kind"), *name = jstr(c, "name");
	long w;
	if (!kind || !name)
		return -1;
	if (strcmp(kind, "ReplicaSet") == 0) {
		long rs = lookup(km, "ReplicaSet", k->ns, name);
		if (rs < 0 || km->in[rs].skip)
			goto missing;
		json_t *dc = controller_of(km->s->objs[rs].o);
		const char *dk = jstr(dc, "kind"), *dn = jstr(dc, "name");
		if (dk && dn && strcmp(dk, "Deployment") == 0) {
			w = lookup(km, "Deployment", k->ns, dn);
			if (w >= 0 && !km->in[w].skip)
				return w;
		}
		return rs; /* a ReplicaSet of its own (or its Deployment is not here) */
	}
	if (strcmp(kind, "StatefulSet") == 0 || strcmp(kind, "DaemonSet") == 0 ||
	    strcmp(kind, "Deployment") == 0) {
		w = lookup(km, kind, k->ns, name);
		if (w >= 0 && !km->in[w].skip)
			return w;
		goto missing;
	}
	return -1; /* Node (static pods), ConfigMap, Job, a CRD: no workload */
missing: {
	const char *key = fmt(km, "%s\x1f%s\x1f%s", kind, k->ns, name);
	if (key && !json_object_get(km->warned, key)) {
		char msg[400], a[FO_DIAG_SHORT_BUF], b[FO_DIAG_SHORT_BUF];
		json_object_set_new(km->warned, key, json_true());
		snprintf(msg, sizeof msg,
			 "its controller %s %s is not in the input: the pod belongs to no workload",
			 fo_diag_shorten(kind, b), fo_diag_shorten(name, a));
		warn_obj(km, i, "k8s-owner-missing", msg);
	}
	return -1;
}
}

static int map_pods(kmap *km)
{
	k8s_set *s = km->s;
	fo_model *m = s->m;
	int err;
	for (size_t i = 0; i < s->nobjs; i++) {
		kinfo *k = &km->in[i];
		json_t *o = s->objs[i].o;
		if (k->skip || k->k != K_POD)
			continue;
		const char *phase = jstr2(o, "status", "phase");
		const char *nodename = jstr2(o, "spec", "nodeName");
		/* Every pod of a namespace, and by label, for selectors (PDBs
		 * select pods that are not running too: they name the controller). */
		const char *key;
		json_t *v;
		if (!(key = fmt(km, "%s\x1f", k->ns)) || (err = index_add(km, key, i)) != FO_OK)
			return err == FO_OK ? FO_ENOMEM : err;
		json_object_foreach(jget2(o, "metadata", "labels"), key, v)
		{
			if (!json_is_string(v))
				continue;
			const char *ik = fmt(km, "%s\x1f%s\x1f%s", k->ns, key, json_string_value(v));
			if (!ik || (err = index_add(km, ik, i)) != FO_OK)
				return ik ? err : FO_ENOMEM;
		}
		k->wl = workload_of(km, i);
		if (!phase || strcmp(phase, "Running") != 0) {
			if ((err = fo_model_skip(m, "Pod", k->name, phase_reason(phase))) != FO_OK)
				return err;
			continue;
		}
		if (!nodename || !valid_name(nodename)) {
			if ((err = fo_model_skip(m, "Pod", k->name, "not scheduled (no spec.nodeName)")) !=
			    FO_OK)
				return err;
			continue;
		}
		k->running = 1;
		k->nodeobj = lookup(km, "Node", NULL, nodename);
		const char *id = fmt(km, "pod/%s/%s", k->ns, k->name);
		if (!id)
			return FO_ENOMEM;
		if ((err = fo_model_add_node(m, id, "pod", k->name, k->ns, 0, "Pod", mpos(km, i),
					     &k->node)) != FO_OK)
			return err;
		if (!(id = fmt(km, "node/%s", nodename)))
			return FO_ENOMEM;
		if ((err = fo_model_set_container_local(m, k->node, id, mpos(km, i))) != FO_OK ||
		    (err = fo_model_add_prop(m, k->node, "node", nodename)) != FO_OK)
			return err;
		json_t *c = controller_of(o);
		if (c && jstr(c, "kind") && jstr(c, "name")) {
			const char *ow = fmt(km, "%s/%s", jstr(c, "kind"), jstr(c, "name"));
			if (!ow)
				return FO_ENOMEM;
			if ((err = fo_model_add_prop(m, k->node, "owner", ow)) != FO_OK)
				return err;
		} else {
			/* ConfigMap-owned installer pods have no controller: name the first owner. */
			json_t *r = json_array_get(jget2(o, "metadata", "ownerReferences"), 0);
			if (r && jstr(r, "kind") && jstr(r, "name")) {
				const char *ow = fmt(km, "%s/%s", jstr(r, "kind"), jstr(r, "name"));
				if (!ow || (err = fo_model_add_prop(m, k->node, "owner", ow)) != FO_OK)
					return ow ? err : FO_ENOMEM;
			}
		}
		if ((err = add_labels(km, k->node, o)) != FO_OK)
			return err;
		/* Its PVCs: each needed. */
		size_t j;
		json_t *vol;
		json_array_foreach(jget2(o, "spec", "volumes"), j, vol)
		{
			const char *claim = jstr2(vol, "persistentVolumeClaim", "claimName");
			if (!claim || !valid_name(claim))
				continue;
			if (!(id = fmt(km, "pvc/%s/%s", k->ns, claim)))
				return FO_ENOMEM;
			if ((err = fo_model_requires_local(m, k->node, FO_GROUP_REQUIRES, id, mpos(km, i))) !=
			    FO_OK)
				return err;
		}
		if (k->wl >= 0) {
			k->next = km->in[k->wl].head;
			km->in[k->wl].head = (long)i;
		}
	}
	return FO_OK;
}

/* ------------------------------------------------------------ PDBs */

/* int-or-string: *pct = 1 for "50%". Returns 0 when v is neither. */
static int int_or_percent(json_t *v, long *out, int *pct)
{
	*pct = 0;
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0 || json_integer_value(v) > INT_MAX)
			return 0;
		*out = (long)json_integer_value(v);
		return 1;
	}
	const char *s = json_string_value(v);
	if (!s || !*s)
		return 0;
	char *end;
	long x = strtol(s, &end, 10);
	if (end == s || x < 0 || x > INT_MAX)
		return 0;
	if (*end == '%' && end[1] == '\0') {
		*pct = 1;
		*out = x;
		return 1;
	}
	if (*end == '\0') {
		*out = x;
		return 1;
	}
	return 0;
}

/* The desired replicas of a workload (a PDB's percentages are of these). */
static long desired(kmap *km, long w)
{
	json_t *o = km->s->objs[w].o;
	if (km->in[w].k == K_DS) {
		json_t *d = jget2(o, "status", "desiredNumberScheduled");
		if (json_is_integer(d))
			return (long)json_integer_value(d);
		long n = 0;
		for (long p = km->in[w].head; p >= 0; p = km->in[p].next)
			n++;
		return n;
	}
	json_t *r = jget2(o, "spec", "replicas");
	if (json_is_integer(r) && json_integer_value(r) >= 0 && json_integer_value(r) <= INT_MAX)
		return (long)json_integer_value(r);
	return 1; /* the API's default */
}

/* K of a PDB for a workload of `expected` desired replicas, as the
 * disruption controller computes desiredHealthy (kubernetes/kubernetes
 * pkg/controller/disruption/disruption.go: GetScaledValueFromIntOrPercent
 * with roundUp true for both fields); -1 when the PDB is unreadable. */

static long pdb_k(json_t *spec, long expected)
{
	json_t *mn = json_object_get(spec, "minAvailable"), *mx = json_object_get(spec, "maxUnavailable");
	long v;
	int pct;
	if (mx && !json_is_null(mx)) {
		if (!int_or_percent(mx, &v, &pct))
			return -1;
		if (pct)
			v = (v * expected + 99) / 100;
		long k = expected - v;
		return k < 0 ? 0 : k;
	}
	if (mn && !json_is_null(mn)) {
		if (!int_or_percent(mn, &v, &pct))
			return -1;
		if (pct)
			v = (v * expected + 99) / 100;
		return v;
	}
	return -1;
}

static int map_pdbs(kmap *km)
{
	k8s_set *s = km->s;
	fo_model *m = s->m;
	int err;
	for (size_t i = 0; i < s->nobjs; i++) {
		kinfo *k = &km->in[i];
		json_t *o = s->objs[i].o;
		if (k->skip || k->k != K_PDB)
			continue;
		json_t *spec = json_object_get(o, "spec");
		json_t *sel = json_object_get(spec, "selector");
		if (pdb_k(spec, 1) < 0) {
			warn_obj(km, i, "k8s-pdb",
				 "neither minAvailable nor maxUnavailable is a count or a percentage: "
				 "ignored");
			if ((err = fo_model_skip(m, k->kind, k->name, "unreadable budget")) != FO_OK)
				return err;
			continue;
		}
		/* policy/v1: a null selector selects nothing, {} every pod. */
		json_t *cand = json_is_object(sel) ? candidates(km, k->ns, json_object_get(sel, "matchLabels"))
						   : NULL;
		size_t j, used = 0;
		json_t *pi;
		int bad = 0;
		json_array_foreach(cand, j, pi)
		{
			size_t p = (size_t)json_integer_value(pi);
			long w = km->in[p].wl;
			if (w < 0 || !match_selector(s->objs[p].o, sel, &bad))
				continue;
			kinfo *wk = &km->in[w];
			if (wk->pdb == k->name)
				continue; /* done for this workload */
			long kk = pdb_k(spec, desired(km, w));
			if (kk < 1)
				kk = 1; /* tolerating every pod down still means: down with none */
			if ((unsigned long)kk > wk->need)
				wk->need = (unsigned long)kk;
			wk->pdb = k->name;
			used++;
		}
		if (bad)
			warn_obj(km, i, "k8s-selector",
				 "a matchExpressions entry without key or with an unknown operator "
				 "matches nothing");
		if (used)
			err = fo_model_count_folded(m, k->kind, "the K of the workloads it selects");
		else
			err = fo_model_skip(m, k->kind, k->name, "selects no pod of a workload");
		if (err != FO_OK)
			return err;
	}
	return FO_OK;
}

/* ------------------------------------------------------------ workloads */

static const char *zone_of_pod(kmap *km, long p, char *buf, size_t cap)
{
	long n = km->in[p].nodeobj;
	if (n < 0) {
		snprintf(buf, cap, "node:%s", jstr2(km->s->objs[p].o, "spec", "nodeName"));
		return buf;
	}
	const char *z = zone_label(km->s->objs[n].o);
	if (z && valid_text(z))
		return z;
	snprintf(buf, cap, "node:%s", km->in[n].name);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct spread {
	size_t workloads, single; /* with running pods; in one zone */
	json_t *names;            /* the first few single-zone ones */
} spread;

static int map_workloads(kmap *km, spread *sp)
{
	k8s_set *s = km->s;
	fo_model *m = s->m;
	int err = FO_OK;
	/* ReplicaSets of a Deployment fold into it. */
	for (size_t i = 0; i < s->nobjs; i++) {
		kinfo *k = &km->in[i];
		if (k->skip || k->k != K_RS)
			continue;
		json_t *dc = controller_of(s->objs[i].o);
		const char *dk = jstr(dc, "kind"), *dn = jstr(dc, "name");
		if (dk && dn && strcmp(dk, "Deployment") == 0) {
			long d = lookup(km, "Deployment", k->ns, dn);
			if (d >= 0 && !km->in[d].skip) {
				k->folded = 1;
				if ((err = fo_model_count_folded(m, "ReplicaSet", "its Deployment")) != FO_OK)
					return err;
			}
		}
	}
	for (size_t i = 0; i < s->nobjs; i++) {
		kinfo *k = &km->in[i];
		json_t *o = s->objs[i].o;
		const char *word, *kind;
		int spreadkind;
		if (k->skip)
			continue;
		switch (k->k) {
		case K_DEPLOY: word = "deployment"; kind = "app"; spreadkind = 0; break;
		case K_STS: word = "statefulset"; kind = "app"; spreadkind = 1; break;
		case K_DS: word = "daemonset"; kind = "service"; spreadkind = 2; break;
		case K_RS:
			if (k->folded)
				continue;
			word = "replicaset"; kind = "app"; spreadkind = 2;
			break;
		default: continue;
		}
		long want = desired(km, (long)i);
		size_t n = 0;
		for (long p = k->head; p >= 0; p = km->in[p].next)
			n++;
		if (want == 0 && n == 0) {
			if ((err = fo_model_skip(m, k->kind, k->name, "scaled to zero (no replicas)")) != FO_OK)
				return err;
			continue;
		}
		const char *id = fmt(km, "%s/%s/%s", word, k->ns, k->name);
		if (!id)
			return FO_ENOMEM;
		if ((err = fo_model_add_node(m, id, kind, k->name, k->ns, 0, k->kind, mpos(km, i),
					     &k->node)) != FO_OK)
			return err;
		char num[32];
		snprintf(num, sizeof num, "%ld", want);
		if ((err = fo_model_add_prop(m, k->node, "replicas", num)) != FO_OK)
			return err;
		if ((err = add_labels(km, k->node, o)) != FO_OK)
			return err;
		if (n == 0) {
			warn_obj(km, (size_t)i, "k8s-no-pods",
				 "no running pod in the input: it depends on nothing here");
			continue;
		}
		unsigned long kk = k->need ? k->need : 1;
		if (kk > n) {
			char msg[200];
			snprintf(msg, sizeof msg,
				 "its disruption budget wants %lu pods up but %zu are running: it needs all %zu",
				 kk, n, n);
			warn_obj(km, (size_t)i, "k8s-below-budget", msg);
			kk = n;
		}
		snprintf(num, sizeof num, "%lu", kk);
		if ((err = fo_model_add_prop(m, k->node, "needs", num)) != FO_OK)
			return err;
		if (km->in[i].pdb && (err = fo_model_add_prop(m, k->node, "pdb", km->in[i].pdb)) != FO_OK)
			return err;
		/* Members in read order. */
		uint32_t *members = malloc(n * sizeof *members);
		const char **zs = malloc(n * sizeof *zs);
		char (*zb)[300] = malloc(n * sizeof *zb);
		if (!members || !zs || !zb) {
			free(members), free(zs), free(zb);
			return FO_ENOMEM;
		}
		size_t j = 0;
		for (long p = k->head; p >= 0; p = km->in[p].next, j++) {
			zs[j] = zone_of_pod(km, p, zb[j], sizeof zb[j]);
			members[j] = km->in[p].node;
		}
		err = fo_model_group_begin(m, k->node, FO_GROUP_REQUIRES, kk, mpos(km, i));
		for (j = 0; j < n && err == FO_OK; j++)
			err = fo_model_group_add_node(m, members[n - 1 - j], mpos(km, i));
		if (err == FO_OK)
			err = fo_model_group_end(m);
		/* Zone spread: the distinct zones (failure domains) of its pods. */
		size_t nz = 0;
		if (err == FO_OK) {
			qsort(zs, n, sizeof *zs, cmp_str);
			size_t len = 0;
			for (j = 0; j < n; j++)
				if (j == 0 || strcmp(zs[j], zs[j - 1]) != 0)
					nz++, len += strlen(zs[j]) + 1;
			char *list = malloc(len + 1), *w = list;
			if (!list) {
				err = FO_ENOMEM;
			} else {
				for (j = 0; j < n; j++)
					if (j == 0 || strcmp(zs[j], zs[j - 1]) != 0)
						w += sprintf(w, "%s%s", w == list ? "" : ",", zs[j]);
				*w = '\0';
				err = fo_model_add_prop(m, k->node, "zones", list);
				free(list);
			}
		}
		free(members), free(zs), free(zb);
		if (err != FO_OK)
			return err;
		snprintf(num, sizeof num, "%zu", nz);
		if ((err = fo_model_add_prop(m, k->node, "zone-count", num)) != FO_OK)
			return err;
		if (spreadkind < 2) {
			sp[spreadkind].workloads++;
			if (nz == 1) {
				sp[spreadkind].single++;
				if (json_array_size(sp[spreadkind].names) < 3)
					json_array_append_new(sp[spreadkind].names,
							       json_sprintf("%s/%s", k->ns, k->name));
			}
		}
	}
	return FO_OK;
}

/* ------------------------------------------------------------ services */

/* One endpoint of a selector-less Service: a pod or node by targetRef, or
 * a node by address; added to the Service's group (opened on the first). */
static int endpoint_member(kmap *km, size_t svc, json_t *t, const char *ip, int *added)
{
	kinfo *k = &km->in[svc];
	const char *tk = jstr(t, "kind"), *tn = jstr(t, "name");
	long o = -1;
	int err;
	if (tk && tn && strcmp(tk, "Pod") == 0)
		o = lookup(km, "Pod", jstr(t, "namespace") ? jstr(t, "namespace") : k->ns, tn);
	else if (tk && tn && strcmp(tk, "Node") == 0)
		o = lookup(km, "Node", NULL, tn);
	else if (!t && ip)
		o = map_get(km->nodeaddr, ip);
	if (o < 0 || km->in[o].skip || km->in[o].node == FO_NONE)
		return FO_OK;
	if (!*added && (err = fo_model_group_begin(km->s->m, k->node, FO_GROUP_REQUIRES, 1,
						   mpos(km, svc))) != FO_OK)
		return err;
	*added = 1;
	return fo_model_group_add_node(km->s->m, km->in[o].node, mpos(km, svc));
}

/* A selector-less Service's members: what its Endpoints name (ready
 * addresses), else what its EndpointSlices name (endpoints not marked
 * ready: false). */
static int service_from_endpoints(kmap *km, size_t svc, int *added)
{
	k8s_set *s = km->s;
	kinfo *k = &km->in[svc];
	long ep = lookup(km, "Endpoints", k->ns, k->name);
	size_t i, j, q;
	json_t *sub, *a, *idx;
	int err = FO_OK;
	*added = 0;
	if (ep >= 0 && !km->in[ep].skip) {
		json_array_foreach(json_object_get(s->objs[ep].o, "subsets"), i, sub)
			json_array_foreach(json_object_get(sub, "addresses"), j, a) if (err == FO_OK)
				err = endpoint_member(km, svc, json_object_get(a, "targetRef"), jstr(a, "ip"),
						      added);
	} else {
		const char *key = fmt(km, "%s\x1f%s", k->ns, k->name);
		if (!key)
			return FO_ENOMEM;
		json_array_foreach(json_object_get(km->slices, key), q, idx)
		{
			json_t *o = s->objs[json_integer_value(idx)].o;
			json_array_foreach(json_object_get(o, "endpoints"), i, a)
			{
				if (json_is_false(jget2(a, "conditions", "ready")))
					continue;
				const char *ip = json_string_value(json_array_get(json_object_get(a, "addresses"), 0));
				if (err == FO_OK)
					err = endpoint_member(km, svc, json_object_get(a, "targetRef"), ip, added);
			}
		}
	}
	if (err == FO_OK && *added)
		err = fo_model_group_end(s->m);
	return err;
}

/* Endpoints confirm a selector: the pods they name (ready or not) should be
 * the running pods the selector matches. A difference is a warning (the
 * dump was taken while pods changed, or labels were edited by hand); the
 * selector is what fallout uses. */
static int confirm_endpoints(kmap *km, size_t svc, json_t *cand, json_t *sel)
{
	k8s_set *s = km->s;
	kinfo *k = &km->in[svc];
	long ep = lookup(km, "Endpoints", k->ns, k->name);
	json_t *named, *sub, *a, *pi;
	size_t i, j, matched = 0, listed = 0, missing = 0;
	static const char *const lists[2] = { "addresses", "notReadyAddresses" };
	if (ep < 0 || km->in[ep].skip)
		return FO_OK;
	if (!(named = json_object()))
		return FO_ENOMEM;
	json_array_foreach(json_object_get(s->objs[ep].o, "subsets"), i, sub) for (int l = 0; l < 2; l++)
		json_array_foreach(json_object_get(sub, lists[l]), j, a)
	{
		json_t *t = json_object_get(a, "targetRef");
		const char *tk = jstr(t, "kind"), *tn = jstr(t, "name");
		if (tk && tn && strcmp(tk, "Pod") == 0 && !json_object_get(named, tn)) {
			if (json_object_set_new(named, tn, json_true()) != 0) {
				json_decref(named);
				return FO_ENOMEM;
			}
			listed++;
		}
	}
	json_array_foreach(cand, j, pi)
	{
		size_t p = (size_t)json_integer_value(pi);
		if (!km->in[p].running || !match_labels(s->objs[p].o, sel))
			continue;
		matched++;
		if (!json_object_get(named, km->in[p].name))
			missing++;
	}
	json_decref(named);
	if (missing || matched != listed) {
		char msg[300];
		snprintf(msg, sizeof msg,
			 "its selector matches %zu running pods, its Endpoints name %zu pods (%zu of the "
			 "first not among the second): the selector is used",
			 matched, listed, missing);
		warn_obj(km, svc, "k8s-endpoints", msg);
	}
	return FO_OK;
}

static int map_services(kmap *km)
{
	k8s_set *s = km->s;
	fo_model *m = s->m;
	int err;
	for (size_t i = 0; i < s->nobjs; i++) {
		const char *svc = km->in[i].k == K_EPS && !km->in[i].skip
					  ? label_of(s->objs[i].o, "kubernetes.io/service-name")
					  : NULL;
		json_t *a;
		if (!svc)
			continue;
		const char *key = fmt(km, "%s\x1f%s", km->in[i].ns, svc);
		if (!key)
			return FO_ENOMEM;
		if (!(a = json_object_get(km->slices, key)) &&
		    (!(a = json_array()) || json_object_set_new(km->slices, key, a) != 0))
			return FO_ENOMEM;
		if (json_array_append_new(a, json_integer((json_int_t)i)) != 0)
			return FO_ENOMEM;
	}
	for (size_t i = 0; i < s->nobjs; i++) {
		kinfo *k = &km->in[i];
		json_t *o = s->objs[i].o;
		if (k->skip)
			continue;
		if (k->k == K_EP || k->k == K_EPS) {
			const char *svc = k->k == K_EP ? k->name : label_of(o, "kubernetes.io/service-name");
			long sv = svc ? lookup(km, "Service", k->ns, svc) : -1;
			if (sv >= 0 && !km->in[sv].skip &&
			    !(jstr2(s->objs[sv].o, "spec", "type") &&
			      strcmp(jstr2(s->objs[sv].o, "spec", "type"), "ExternalName") == 0))
				err = fo_model_count_folded(m, k->kind, "its Service");
			else
				err = fo_model_skip(m, k->kind, k->name, "no Service of that name");
			if (err != FO_OK)
				return err;
			continue;
		}
		if (k->k != K_SVC)
			continue;
		const char *type = jstr2(o, "spec", "type");
		if (type && strcmp(type, "ExternalName") == 0) {
			if ((err = fo_model_skip(m, "Service", k->name,
						 "ExternalName (a name outside the cluster)")) != FO_OK)
				return err;
			continue;
		}
		const char *id = fmt(km, "service/%s/%s", k->ns, k->name);
		if (!id)
			return FO_ENOMEM;
		if ((err = fo_model_add_node(m, id, "service", k->name, k->ns, 0, "Service", mpos(km, i),
					     &k->node)) != FO_OK)
			return err;
		if (type && (err = fo_model_add_prop(m, k->node, "type", type)) != FO_OK)
			return err;
		json_t *sel = jget2(o, "spec", "selector");
		int added = 0;
		if (json_is_object(sel) && json_object_size(sel) > 0) {
			json_t *cand = candidates(km, k->ns, sel);
			size_t j;
			json_t *pi;
			json_array_foreach(cand, j, pi)
			{
				size_t p = (size_t)json_integer_value(pi);
				if (!km->in[p].running || !match_labels(s->objs[p].o, sel))
					continue;
				if (!added && (err = fo_model_group_begin(m, k->node, FO_GROUP_REQUIRES, 1,
									  mpos(km, i))) != FO_OK)
					return err;
				added = 1;
				if ((err = fo_model_group_add_node(m, km->in[p].node, mpos(km, i))) != FO_OK)
					return err;
			}
			if (added && (err = fo_model_group_end(m)) != FO_OK)
				return err;
			if (!added)
				warn_obj(km, i, "k8s-no-pods",
					 "its selector matches no running pod: it depends on nothing here");
			if ((err = confirm_endpoints(km, i, cand, sel)) != FO_OK)
				return err;
		} else {
			if ((err = service_from_endpoints(km, i, &added)) != FO_OK)
				return err;
			if ((err = fo_model_add_prop(m, k->node, "selector", "none")) != FO_OK)
				return err;
			if (!added)
				warn_obj(km, i, "k8s-no-pods",
					 "no selector, and its Endpoints (or EndpointSlices) name nothing in "
					 "the input: it depends on nothing here");
		}
	}
	return FO_OK;
}

/* ------------------------------------------------------------ the rest */

static int map_rest(kmap *km)
{
	k8s_set *s = km->s;
	fo_model *m = s->m;
	int err = FO_OK;
	for (size_t i = 0; i < s->nobjs && err == FO_OK; i++) {
		kinfo *k = &km->in[i];
		if (k->skip)
			continue;
		switch (k->k) {
		case K_NS:
			err = fo_model_count_folded(m, "Namespace", "the tenant of its objects");
			break;
		case K_SC:
			err = fo_model_skip(m, "StorageClass", k->name,
					    "a template for volumes (no failure semantics)");
			break;
		case K_OTHER:
			err = fo_model_skip(m, k->kind, k->name, "kind not imported");
			break;
		default:
			break;
		}
	}
	for (size_t i = 0; i < s->nskipped_files && err == FO_OK; i++) {
		if ((err = fo_model_count_read(m, "file", 1)) == FO_OK)
			err = fo_model_skip(m, "file", s->skipped_files[i], "not .yaml, .yml or .json");
	}
	return err;
}

static int report_spread(kmap *km, spread *sp)
{
	static const char *words[2] = { "Deployments", "StatefulSets" };
	for (int t = 0; t < 2; t++) {
		if (!sp[t].single)
			continue;
		char few[300] = "";
		size_t j;
		json_t *v;
		json_array_foreach(sp[t].names, j, v)
		{
			char a[FO_DIAG_SHORT_BUF];
			size_t l = strlen(few);
			snprintf(few + l, sizeof few - l, "%s%s", j ? ", " : "",
				 fo_diag_shorten(json_string_value(v), a));
		}
		fo_diag_add_code(km->s->d, FO_SEV_WARNING, "k8s-single-zone", km->srcfile, 0, 0, NULL,
			     "%zu of %zu %s have every running pod in one zone (%s%s): one zone "
			     "failure stops each of them (node props zones, zone-count)",
			     sp[t].single, sp[t].workloads, words[t], few,
			     sp[t].single > json_array_size(sp[t].names) ? ", ..." : "");
	}
	return FO_OK;
}

static int map_all(k8s_set *s)
{
	kmap km;
	spread sp[2] = { { 0, 0, NULL }, { 0, 0, NULL } };
	int err = FO_ENOMEM;

	memset(&km, 0, sizeof km);
	memset(sp, 0, sizeof sp);
	km.s = s;
	{
		const char *sf = fo_model_source_file(s->m, fo_model_source_current(s->m));
		if (sf && !(km.srcfile = strdup(sf)))
			goto done;
	}
	km.in = calloc(s->nobjs ? s->nobjs : 1, sizeof *km.in);
	km.byname = json_object();
	km.labels = json_object();
	km.nodeaddr = json_object();
	km.hosts = json_object();
	km.slices = json_object();
	km.zones = json_object();
	km.regions = json_object();
	km.warned = json_object();
	sp[0].names = json_array();
	sp[1].names = json_array();
	km.bufcap = 256;
	km.buf = malloc(km.bufcap);
	if (!km.in || !km.byname || !km.labels || !km.nodeaddr || !km.hosts || !km.slices || !km.zones || !km.regions ||
	    !km.warned || !sp[0].names || !sp[1].names || !km.buf)
		goto done;
	if ((err = classify(&km)) != FO_OK || (err = map_nodes(&km)) != FO_OK ||
	    (err = map_storage(&km)) != FO_OK || (err = map_pods(&km)) != FO_OK ||
	    (err = map_pdbs(&km)) != FO_OK || (err = map_workloads(&km, sp)) != FO_OK ||
	    (err = map_services(&km)) != FO_OK || (err = map_rest(&km)) != FO_OK ||
	    (err = report_spread(&km, sp)) != FO_OK)
		goto done;
done:
	free(km.in);
	free(km.buf);
	free(km.srcfile);
	json_decref(km.byname);
	json_decref(km.labels);
	json_decref(km.nodeaddr);
	json_decref(km.hosts);
	json_decref(km.slices);
	json_decref(km.zones);
	json_decref(km.regions);
	json_decref(km.warned);
	json_decref(sp[0].names);
	json_decref(sp[1].names);
	return err;
}

/* ------------------------------------------------------------ entry points */

static size_t option_size(fo_model *m, const char *key, size_t def)
{
	const char *v = fo_model_option(m, key);
	char *end;
	if (!v)
		return def;
	unsigned long long x = strtoull(v, &end, 10);
	if (end == v || *end || x == 0)
		return def;
	return (size_t)x;
}

int fo_k8s_read_paths(fo_model *m, const char *const *paths, size_t n)
{
	k8s_set s;
	int err = FO_OK;

	if (!m || (!paths && n))
		return FO_EINVAL;
	memset(&s, 0, sizeof s);
	s.m = m;
	s.d = fo_model_diag(m);
	s.max_bytes = option_size(m, "max-bytes", (size_t)1 << 30);
	s.max_depth = option_size(m, "max-depth", 128);
	s.max_files = option_size(m, "max-files", 100000);
	s.max_dir_depth = option_size(m, "max-dir-depth", 32);
	if (!(s.docs = json_array()))
		return FO_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		err = fo_k8s__load(&s, paths[i]);
		if (err != FO_OK && err != FO_EINPUT)
			break;
	}
	if (s.status != FO_OK)
		err = s.status;
	else if (s.errors)
		err = FO_EINPUT;
	else
		err = map_all(&s);
	for (size_t i = 0; i < s.nfiles; i++)
		free(s.files[i]);
	free(s.files);
	for (size_t i = 0; i < s.nskipped_files; i++)
		free(s.skipped_files[i]);
	free(s.skipped_files);
	free(s.objs);
	json_decref(s.docs);
	return err;
}

int fo_k8s_read(fo_model *m, const char *path)
{
	return fo_k8s_read_paths(m, &path, 1);
}

/* ------------------------------------------------------------ sniffing */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int sniff_json(const char *h, size_t n, size_t i)
{
	int depth = 0, api = 0, other = 0;
	while (i < n) {
		char c = h[i];
		if (c == '"') {
			size_t st = ++i;
			while (i < n && h[i] != '"')
				i += h[i] == '\\' ? 2 : 1;
			if (i >= n)
				break;
			size_t len = i - st;
			i++;
			if (depth == 1) {
				size_t j = i;
				while (j < n && is_space(h[j]))
					j++;
				if (j < n && h[j] == ':') {
#define KEYIS(w) (len == sizeof(w) - 1 && memcmp(h + st, w, len) == 0)
					if (KEYIS("apiVersion"))
						api = 1;
					else if (KEYIS("kind") || KEYIS("items") || KEYIS("metadata") ||
						 KEYIS("spec"))
						other = 1;
#undef KEYIS
				}
			}
			if (api && other)
				return 1;
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']')
			depth--;
		if (depth <= 0 && i > 0 && (c == '}' || c == ']'))
			return 0;
		i++;
	}
	return api && other;
}

static int sniff_yaml(const char *h, size_t n, size_t i)
{
	int api = 0, other = 0, started = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && h[e] != '\n')
			e++;
		size_t len = e - i;
		const char *l = h + i;
		if (len >= 3 && memcmp(l, "---", 3) == 0) {
			if (started && (api || other))
				break; /* the first document only */
			started = 1;
		} else if (len && l[0] != '#' && !is_space(l[0]) && l[0] != '-') {
#define LINEIS(w) (len >= sizeof(w) - 1 && memcmp(l, w, sizeof(w) - 1) == 0)
			started = 1;
			if (LINEIS("apiVersion:"))
				api = 1;
			else if (LINEIS("kind:") || LINEIS("items:") || LINEIS("metadata:") || LINEIS("spec:"))
				other = 1;
#undef LINEIS
		}
		if (api && other)
			return 1;
		i = e + 1;
	}
	return api && other;
}

int fo_k8s_sniff(const char *head, size_t n)
{
	size_t i = 0;
	if (!head)
		return 0;
	if (n >= 3 && (unsigned char)head[0] == 0xef && (unsigned char)head[1] == 0xbb &&
	    (unsigned char)head[2] == 0xbf)
		i = 3;
	while (i < n && is_space(head[i]))
		i++;
	if (i >= n)
		return 0;
	if (head[i] == '{')
		return sniff_json(head, n, i);
	if (head[i] == '[' || head[i] == '<')
		return 0;
	return sniff_yaml(head, n, i);
}
