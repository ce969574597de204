/*
 * terraform_rules.c — the Terraform importer's per-type table: which kind
 * each resource type becomes, which attributes it keeps as properties (an
 * allow-list: states hold passwords), which ids index it, and its rule:
 * placement into zone/region nodes and runtime dependencies found by
 * attribute references by id. Creation-order dependencies (depends_on,
 * dependencies) are checked and kept as a property, or as soft
 * dependencies with the option depends-on=degrades.
 * Every rule is documented in docs/importers/terraform.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../graphs/fo_error.h"
#include "terraform_int.h"

#define TF_GENERIC "resource" /* the kind of a type without a rule */

enum { TAG_SUBNET = 1, TAG_TARGETS, TAG_ZONES, TAG_NEED, TAG_SOFT };

typedef void (*tf_fn)(tf_ctx *c, tf_res *r);

typedef struct tf_rule {
	const char *type;
	const char *kind;  /* NULL: folded into another node */
	const char *into;  /* folded: into what (the summary's words) */
	uint8_t cls;       /* id class its id/arn/self_link index */
	const char *key2;  /* one more attribute indexed in cls */
	const char *const *keep;
	tf_fn fn;
} tf_rule;

static const fo_pos NOPOS = { 0, 0 };

/* -------------------------------------------------------------- helpers */

void tf__count(tf_ctx *c, const char *type)
{
	uint32_t slot;
	if (tf__map_get(&c->map, TF_C_COUNT, type, strlen(type), &slot)) {
		c->types[slot].n++;
		return;
	}
	if (c->ntypes == c->captypes) {
		size_t cap = c->captypes ? c->captypes * 2 : 32;
		tf_typecount *t = realloc(c->types, cap * sizeof *t);
		if (!t) {
			tf__status(c, FO_ENOMEM);
			return;
		}
		c->types = t;
		c->captypes = cap;
	}
	c->types[c->ntypes] = (tf_typecount){ type, 1 };
	tf__status(c, tf__map_put(&c->map, TF_C_COUNT, type, strlen(type), (uint32_t)c->ntypes, NULL));
	c->ntypes++;
}

static void link_add(tf_ctx *c, uint32_t owner, uint32_t member, uint8_t tag, uint32_t k)
{
	if (owner == FO_NONE || member == FO_NONE || owner == member)
		return;
	if (c->nlinks == c->caplinks) {
		size_t cap = c->caplinks ? c->caplinks * 2 : 256;
		tf_link *l = realloc(c->links, cap * sizeof *l);
		if (!l) {
			tf__status(c, FO_ENOMEM);
			return;
		}
		c->links = l;
		c->caplinks = cap;
	}
	c->links[c->nlinks] = (tf_link){ owner, member, (uint32_t)c->nlinks, k ? k : 1, tag,
					 tag == TAG_NEED || tag == TAG_SOFT, tag == TAG_SOFT };
	c->nlinks++;
}

/* A node the importer makes (zone/, region/, ref/, .../standby), once per
 * id: the id is kept in ctx.names. FO_NONE on failure. */
static uint32_t made_node(tf_ctx *c, const char *prefix, const char *name, size_t nlen,
			  const char *kind, const char *stype, int *created)
{
	size_t pl = strlen(prefix);
	char *id = malloc(pl + nlen + 1);
	uint32_t node;
	if (created)
		*created = 0;
	if (!id) {
		tf__status(c, FO_ENOMEM);
		return FO_NONE;
	}
	memcpy(id, prefix, pl);
	memcpy(id + pl, name, nlen);
	id[pl + nlen] = '\0';
	if (tf__map_get(&c->map, TF_C_NODE, id, pl + nlen, &node)) {
		free(id);
		return node;
	}
	int found = fo_model_lookup_local(c->m, id, &node) == FO_OK;
	if (c->nnames == c->capnames) {
		size_t cap = c->capnames ? c->capnames * 2 : 32;
		char **nn = realloc(c->names, cap * sizeof *nn);
		if (!nn) {
			free(id);
			tf__status(c, FO_ENOMEM);
			return FO_NONE;
		}
		c->names = nn;
		c->capnames = cap;
	}
	c->names[c->nnames++] = id;
	if (found) {
		/* Made by an earlier source of the same prefix (another state of
		 * the same estate): one zone, one placeholder. */
		tf__status(c, tf__map_put(&c->map, TF_C_NODE, id, pl + nlen, node, NULL));
		return node;
	}
	char *label = strndup(name, nlen);
	if (!label) {
		tf__status(c, FO_ENOMEM);
		return FO_NONE;
	}
	int err = fo_model_add_node(c->m, id, kind, label, NULL, 0, stype, NOPOS, &node);
	free(label);
	if (tf__status(c, err) != FO_OK)
		return FO_NONE;
	if (tf__status(c, tf__map_put(&c->map, TF_C_NODE, id, pl + nlen, node, NULL)) != FO_OK)
		return FO_NONE;
	if (created)
		*created = 1;
	return node;
}

static const char *provider_of(const char *type)
{
	if (!strncmp(type, "aws_", 4))
		return "aws";
	if (!strncmp(type, "google_", 7))
		return "google";
	if (!strncmp(type, "azurerm_", 8))
		return "azurerm";
	if (!strncmp(type, "tencentcloud_", 13))
		return "tencentcloud";
	return "";
}

/* The region of a zone by each cloud's naming: AWS us-east-1a → us-east-1,
 * GCP us-central1-a → us-central1, Tencent ap-guangzhou-3 → ap-guangzhou.
 * Returns the region's length in zone, 0 when the name has no such shape. */
static size_t region_len(const char *prov, const char *z)
{
	size_t n = strlen(z);
	if (!strcmp(prov, "aws")) {
		if (n >= 3 && z[n - 1] >= 'a' && z[n - 1] <= 'z' && z[n - 2] >= '0' && z[n - 2] <= '9')
			return n - 1;
	} else if (!strcmp(prov, "google")) {
		if (n >= 3 && z[n - 2] == '-' && z[n - 1] >= 'a' && z[n - 1] <= 'z')
			return n - 2;
	} else if (!strcmp(prov, "tencentcloud")) {
		const char *d = strrchr(z, '-');
		if (d && d > z && d[1] && strspn(d + 1, "0123456789") == strlen(d + 1))
			return (size_t)(d - z);
	}
	return 0;
}

/* A name usable inside an importer-made id: else an error naming where. */
static int name_ok(tf_ctx *c, const tf_res *r, const char *attr, const char *v, size_t len)
{
	const char *why = tf__bad_id(v, len);
	if (!why && len + 16 <= TF_ID_MAX)
		return 1;
	char sb[FO_DIAG_SHORT_BUF];
	tf__diag(c, FO_SEV_ERROR, "terraform-resource", 0, 0,
		 "%s.%s (%s): the value cannot name a node: %s", r->path, attr,
		 fo_diag_shorten(r->addr, sb), why ? why : "it is too long");
	return 0;
}

static uint32_t region_node(tf_ctx *c, const tf_res *r, const char *attr, const char *region,
			    size_t len)
{
	if (!name_ok(c, r, attr, region, len))
		return FO_NONE;
	int created;
	uint32_t n = made_node(c, "region/", region, len, "region", "region", &created);
	c->regions += created;
	return n;
}

/* zone/NAME, in region/REGION when the name says it. */
static uint32_t zone_node(tf_ctx *c, const tf_res *r, const char *attr, const char *zone)
{
	size_t len = strlen(zone);
	if (!name_ok(c, r, attr, zone, len))
		return FO_NONE;
	int created;
	uint32_t z = made_node(c, "zone/", zone, len, "zone", "zone", &created);
	if (z == FO_NONE || !created)
		return z;
	c->zones++;
	size_t rl = region_len(provider_of(r->type), zone);
	if (rl) {
		uint32_t reg = region_node(c, r, attr, zone, rl);
		if (reg != FO_NONE)
			tf__status(c, fo_model_set_parent(c->m, z, reg));
	}
	return z;
}

/* Azure zones are numbers within a location: zone/eastus-1 in region/eastus. */
static uint32_t az_zone_node(tf_ctx *c, const tf_res *r, const char *loc, const char *zone)
{
	char buf[TF_ID_MAX + 1];
	if (!loc) {
		char sb[FO_DIAG_SHORT_BUF];
		tf__diag(c, FO_SEV_WARNING, "terraform-zone", 0, 0,
			 "%s (%s): zone \"%.20s\" without a location: not placed", r->path,
			 fo_diag_shorten(r->addr, sb), zone);
		return FO_NONE;
	}
	int n = snprintf(buf, sizeof buf, "%s-%s", loc, zone);
	if (n < 0 || (size_t)n >= sizeof buf)
		return FO_NONE;
	if (!name_ok(c, r, "zone", buf, (size_t)n))
		return FO_NONE;
	int created;
	uint32_t z = made_node(c, "zone/", buf, (size_t)n, "zone", "zone", &created);
	if (z != FO_NONE && created) {
		c->zones++;
		uint32_t reg = region_node(c, r, "location", loc, strlen(loc));
		if (reg != FO_NONE)
			tf__status(c, fo_model_set_parent(c->m, z, reg));
	}
	return z;
}

static void place(tf_ctx *c, const tf_res *r, uint32_t container)
{
	if (r->node != FO_NONE && container != FO_NONE)
		tf__status(c, fo_model_set_parent(c->m, r->node, container));
}

static void place_zone_attr(tf_ctx *c, tf_res *r, const char *attr)
{
	const char *z = tf__str(r->attrs, attr);
	if (z)
		place(c, r, zone_node(c, r, attr, z));
}

static void place_region_attr(tf_ctx *c, tf_res *r, const char *attr)
{
	const char *reg = tf__str(r->attrs, attr);
	if (reg)
		place(c, r, region_node(c, r, attr, reg, strlen(reg)));
}

/* The record of class cls whose id is value, or UINT32_MAX. */
static uint32_t find(tf_ctx *c, uint8_t cls, const char *value)
{
	uint32_t ri;
	if (value && tf__map_get(&c->map, cls, value, strlen(value), &ri))
		return ri;
	return UINT32_MAX;
}

/* The node a reference by id names: the resource of class cls; else a
 * placeholder node ref/VALUE (kind `kind`) and a located warning. */
static uint32_t ref_node(tf_ctx *c, const tf_res *r, uint8_t cls, const char *value,
			 const char *attr, const char *kind)
{
	uint32_t ri = find(c, cls, value), earlier;
	char sb[FO_DIAG_SHORT_BUF], vb[FO_DIAG_SHORT_BUF];
	if (ri != UINT32_MAX && c->res[ri].node != FO_NONE)
		return c->res[ri].node;
	size_t len = strlen(value);
	if (tf__map_get(&c->map, TF_C_EARLIER, value, len, &earlier))
		return earlier; /* a resource of an earlier state of this prefix */
	if (!name_ok(c, r, attr, value, len))
		return FO_NONE;
	const char *vs = fo_diag_shorten(value, vb);
	tf__diag(c, FO_SEV_WARNING, "dangling-reference", 0, 0,
		 "%s.%s (%s): \"%s\" is not a resource of this file; the placeholder node "
		 "ref/%s stands for it", r->path, attr, fo_diag_shorten(r->addr, sb), vs, vs);
	int created;
	uint32_t n = made_node(c, "ref/", value, len, kind, "missing", &created);
	c->placeholders += created;
	return n;
}

/* The node a folded record belongs to (a listener's load balancer), or
 * FO_NONE with a warning: the record is then dropped. */
static uint32_t owner_node(tf_ctx *c, const tf_res *r, uint8_t cls, const char *attr)
{
	const char *v = tf__str(r->attrs, attr);
	uint32_t ri = find(c, cls, v);
	char sb[FO_DIAG_SHORT_BUF], vb[FO_DIAG_SHORT_BUF];
	if (ri != UINT32_MAX && c->res[ri].node != FO_NONE)
		return c->res[ri].node;
	tf__diag(c, FO_SEV_WARNING, "dangling-reference", 0, 0,
		 "%s.%s (%s): \"%s\" is not a resource of this file; what this %s says "
		 "is dropped", r->path, attr, fo_diag_shorten(r->addr, sb),
		 v ? fo_diag_shorten(v, vb) : "(none)", r->type);
	return FO_NONE;
}

static void need(tf_ctx *c, tf_res *r, uint32_t owner, uint8_t tag, uint32_t k, uint8_t cls,
		 const char *value, const char *attr, const char *kind)
{
	if (value && *value)
		link_add(c, owner, ref_node(c, r, cls, value, attr, kind), tag, k);
}

/* owner needs each string of the array attr (or the one string). Returns
 * how many. */
static size_t need_list(tf_ctx *c, tf_res *r, uint32_t owner, uint8_t tag, uint32_t k,
			uint8_t cls, const json_t *arr, const char *attr, const char *kind)
{
	size_t i, n = 0;
	json_t *v;
	char ap[160];
	if (json_is_string(arr)) {
		need(c, r, owner, tag, k, cls, json_string_value(arr), attr, kind);
		return 1;
	}
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || !json_string_length(v))
			continue;
		snprintf(ap, sizeof ap, "%s[%zu]", attr, i);
		need(c, r, owner, tag, k, cls, json_string_value(v), ap, kind);
		n++;
	}
	return n;
}

/* Sets the k of the links added since `from` (K-of-n once n is known). */
static void set_k(tf_ctx *c, size_t from, long long k)
{
	size_t n = c->nlinks - from;
	if (k < 1)
		k = 1;
	if ((unsigned long long)k > n)
		k = (long long)n;
	for (size_t i = from; i < c->nlinks; i++)
		c->links[i].k = (uint32_t)k;
}

static const char *after_slash(const char *s)
{
	const char *p = strrchr(s, '/');
	return p ? p + 1 : s;
}

/* owner needs k of the zones named in the array (after a URL's last '/'). */
static size_t need_zones(tf_ctx *c, tf_res *r, const json_t *arr, const char *attr,
			 const char *azloc, long long k)
{
	size_t i, from = c->nlinks;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || !json_string_length(v))
			continue;
		const char *z = after_slash(json_string_value(v));
		uint32_t zn = azloc ? az_zone_node(c, r, azloc, z) : zone_node(c, r, attr, z);
		link_add(c, r->node, zn, TAG_ZONES, 1);
	}
	set_k(c, from, k);
	return c->nlinks - from;
}

/* A database that fails over between zones: it needs 1 of its primary zone
 * and the others; when the state does not say where the standby is, a node
 * ADDRESS/standby stands for it (in the region, zone unknown). */
static void db_multi_zone(tf_ctx *c, tf_res *r, uint32_t primary, const uint32_t *others,
			  size_t nothers, uint32_t region, const char *standby_note)
{
	if (r->node == FO_NONE)
		return;
	place(c, r, region);
	size_t from = c->nlinks;
	link_add(c, r->node, primary, TAG_ZONES, 1);
	for (size_t i = 0; i < nothers; i++)
		link_add(c, r->node, others[i], TAG_ZONES, 1);
	if (nothers == 0) {
		int created;
		uint32_t sb = made_node(c, r->addr, "/standby", 8, "db", r->type, &created);
		if (sb == FO_NONE || !created)
			return;
		tf__status(c, fo_model_node_set_name(c->m, sb, NULL));
		tf__status(c, fo_model_add_prop(c->m, sb, "zone", standby_note));
		if (region != FO_NONE)
			tf__status(c, fo_model_set_parent(c->m, sb, region));
		link_add(c, r->node, sb, TAG_ZONES, 1);
	}
	set_k(c, from, 1);
}

/* The region node of a zone node's name, by the type's cloud. */
static uint32_t region_of_zone(tf_ctx *c, tf_res *r, const char *zone)
{
	size_t rl = zone ? region_len(provider_of(r->type), zone) : 0;
	return rl ? region_node(c, r, "availability_zone", zone, rl) : FO_NONE;
}

/* ----------------------------------------------------------------- rules */

static void fn_zone(tf_ctx *c, tf_res *r)
{
	place_zone_attr(c, r, "availability_zone");
}

static void fn_gcp_region(tf_ctx *c, tf_res *r)
{
	place_region_attr(c, r, "region");
}

static void fn_location(tf_ctx *c, tf_res *r)
{
	const char *loc = tf__str(r->attrs, "location");
	if (loc)
		place(c, r, region_node(c, r, "location", loc, strlen(loc)));
}

/* aws_instance, tencentcloud_instance: in its zone, needs its subnet. */
static void fn_instance(tf_ctx *c, tf_res *r)
{
	place_zone_attr(c, r, "availability_zone");
	need(c, r, r->node, TAG_SUBNET, 1, TF_C_SUBNET, tf__str(r->attrs, "subnet_id"), "subnet_id",
	     "network");
}

/* aws_lb / aws_alb: 1 of its subnets (an ALB/NLB spans zones). */
static void fn_aws_lb(tf_ctx *c, tf_res *r)
{
	const json_t *subnets = json_object_get(r->attrs, "subnets");
	if (json_array_size(subnets)) {
		need_list(c, r, r->node, TAG_SUBNET, 1, TF_C_SUBNET, subnets, "subnets", "network");
		return;
	}
	size_t i;
	json_t *m;
	char ap[64];
	json_array_foreach(json_object_get(r->attrs, "subnet_mapping"), i, m) {
		snprintf(ap, sizeof ap, "subnet_mapping[%zu].subnet_id", i);
		need(c, r, r->node, TAG_SUBNET, 1, TF_C_SUBNET, tf__str(m, "subnet_id"), ap,
		     "network");
	}
}

/* aws_elb (classic): 1 of its subnets or zones, and 1 of its instances. */
static void fn_aws_elb(tf_ctx *c, tf_res *r)
{
	if (!need_list(c, r, r->node, TAG_SUBNET, 1, TF_C_SUBNET, json_object_get(r->attrs, "subnets"),
		       "subnets", "network"))
		need_zones(c, r, json_object_get(r->attrs, "availability_zones"),
			   "availability_zones", NULL, 1);
	need_list(c, r, r->node, TAG_TARGETS, 1, TF_C_INSTANCE, json_object_get(r->attrs, "instances"),
		  "instances", "vm");
}

/* aws_lb_listener (folded): its load balancer needs each target group of
 * its default actions. */
static void fn_aws_listener(tf_ctx *c, tf_res *r)
{
	uint32_t lb = owner_node(c, r, TF_C_LB, "load_balancer_arn");
	size_t i, j, k;
	json_t *a, *f, *tg;
	char ap[160];
	if (lb == FO_NONE)
		return;
	json_array_foreach(json_object_get(r->attrs, "default_action"), i, a) {
		snprintf(ap, sizeof ap, "default_action[%zu].target_group_arn", i);
		need(c, r, lb, TAG_NEED, 1, TF_C_TG, tf__str(a, "target_group_arn"), ap,
		     "target-group");
		json_array_foreach(json_object_get(a, "forward"), j, f) {
			json_array_foreach(json_object_get(f, "target_group"), k, tg) {
				const char *arn = tf__str(tg, "arn");
				if (!arn || (tf__str(a, "target_group_arn") &&
					     !strcmp(arn, tf__str(a, "target_group_arn"))))
					continue;
				snprintf(ap, sizeof ap,
					 "default_action[%zu].forward[%zu].target_group[%zu].arn", i,
					 j, k);
				need(c, r, lb, TAG_NEED, 1, TF_C_TG, arn, ap, "target-group");
			}
		}
	}
}

/* aws_lb_target_group_attachment (folded): its target group needs 1 of
 * its targets. */
static void fn_aws_tg_attachment(tf_ctx *c, tf_res *r)
{
	uint32_t tg = owner_node(c, r, TF_C_TG, "target_group_arn");
	if (tg != FO_NONE)
		need(c, r, tg, TAG_TARGETS, 1, TF_C_INSTANCE, tf__str(r->attrs, "target_id"),
		     "target_id", "vm");
}

/* aws_autoscaling_group: K = min_size of its subnets (or zones); its
 * target groups count it among their targets. */
static void fn_aws_asg(tf_ctx *c, tf_res *r)
{
	long long k = tf__int(r->attrs, "min_size", 1);
	size_t from = c->nlinks;
	if (need_list(c, r, r->node, TAG_ZONES, 1, TF_C_SUBNET,
		      json_object_get(r->attrs, "vpc_zone_identifier"), "vpc_zone_identifier",
		      "network"))
		set_k(c, from, k);
	else
		need_zones(c, r, json_object_get(r->attrs, "availability_zones"),
			   "availability_zones", NULL, k);
	size_t i;
	json_t *arn;
	char ap[64];
	json_array_foreach(json_object_get(r->attrs, "target_group_arns"), i, arn) {
		if (!json_is_string(arn))
			continue;
		snprintf(ap, sizeof ap, "target_group_arns[%zu]", i);
		uint32_t tg = ref_node(c, r, TF_C_TG, json_string_value(arn), ap, "target-group");
		link_add(c, tg, r->node, TAG_TARGETS, 1);
	}
}

/* aws_nat_gateway: needs its subnet, sits in the subnet's zone. */
static void fn_aws_nat(tf_ctx *c, tf_res *r)
{
	const char *sid = tf__str(r->attrs, "subnet_id");
	need(c, r, r->node, TAG_NEED, 1, TF_C_SUBNET, sid, "subnet_id", "network");
	uint32_t si = find(c, TF_C_SUBNET, sid);
	if (si != UINT32_MAX) {
		const char *z = tf__str(c->res[si].attrs, "availability_zone");
		if (z)
			place(c, r, zone_node(c, &c->res[si], "availability_zone", z));
	}
}

static void route_add(tf_ctx *c, uint32_t rt, uint32_t nat)
{
	if (nat == FO_NONE)
		return;
	if (c->nroutes == c->caproutes) {
		size_t cap = c->caproutes ? c->caproutes * 2 : 32;
		tf_route *x = realloc(c->routes, cap * sizeof *x);
		if (!x) {
			tf__status(c, FO_ENOMEM);
			return;
		}
		c->routes = x;
		c->caproutes = cap;
	}
	c->routes[c->nroutes++] = (tf_route){ rt, nat };
}

/* aws_route_table (folded): its routes through NAT gateways. */
static void fn_aws_route_table(tf_ctx *c, tf_res *r)
{
	size_t i;
	json_t *rt;
	char ap[64];
	json_array_foreach(json_object_get(r->attrs, "route"), i, rt) {
		const char *nat = tf__str(rt, "nat_gateway_id");
		if (!nat)
			continue;
		snprintf(ap, sizeof ap, "route[%zu].nat_gateway_id", i);
		route_add(c, (uint32_t)(r - c->res), ref_node(c, r, TF_C_NAT, nat, ap, "network"));
	}
}

/* aws_route (folded): a route of its table through a NAT gateway. */
static void fn_aws_route(tf_ctx *c, tf_res *r)
{
	const char *nat = tf__str(r->attrs, "nat_gateway_id");
	if (!nat)
		return;
	const char *rtid = tf__str(r->attrs, "route_table_id");
	uint32_t rt = find(c, TF_C_RT, rtid);
	if (rt == UINT32_MAX) {
		char sb[FO_DIAG_SHORT_BUF], vb[FO_DIAG_SHORT_BUF];
		tf__diag(c, FO_SEV_WARNING, "dangling-reference", 0, 0,
			 "%s.route_table_id (%s): \"%s\" is not a resource of this file; the "
			 "route is dropped", r->path, fo_diag_shorten(r->addr, sb),
			 rtid ? fo_diag_shorten(rtid, vb) : "(none)");
		return;
	}
	route_add(c, rt, ref_node(c, r, TF_C_NAT, nat, "nat_gateway_id", "network"));
}

static void fn_aws_rt_assoc(tf_ctx *c, tf_res *r)
{
	if (!tf__str(r->attrs, "subnet_id"))
		return; /* a gateway association: no subnet */
	if (c->nassocs == c->capassocs) {
		size_t cap = c->capassocs ? c->capassocs * 2 : 32;
		uint32_t *x = realloc(c->assocs, cap * sizeof *x);
		if (!x) {
			tf__status(c, FO_ENOMEM);
			return;
		}
		c->assocs = x;
		c->capassocs = cap;
	}
	c->assocs[c->nassocs++] = (uint32_t)(r - c->res);
}

/* aws_volume_attachment / tencentcloud_cbs_storage_attachment (folded):
 * the instance needs the volume. */
static void fn_attach(tf_ctx *c, tf_res *r, const char *vol_attr)
{
	uint32_t inst = owner_node(c, r, TF_C_INSTANCE, "instance_id");
	if (inst != FO_NONE)
		need(c, r, inst, TAG_NEED, 1, TF_C_VOLUME, tf__str(r->attrs, vol_attr), vol_attr,
		     "storage");
}

static void fn_aws_volume_attachment(tf_ctx *c, tf_res *r)
{
	fn_attach(c, r, "volume_id");
}

static void fn_tc_cbs_attachment(tf_ctx *c, tf_res *r)
{
	fn_attach(c, r, "storage_id");
}

/* aws_db_instance: multi_az = 1 of 2 zones (the standby's zone is the one
 * other zone of its subnet group, when there is exactly one), else in its
 * zone. */
static void fn_aws_rds(tf_ctx *c, tf_res *r)
{
	const char *pz = tf__str(r->attrs, "availability_zone");
	if (!tf__bool(r->attrs, "multi_az")) {
		place_zone_attr(c, r, "availability_zone");
		return;
	}
	if (!pz)
		return;
	uint32_t primary = zone_node(c, r, "availability_zone", pz);
	const char *others[8];
	size_t no = 0, i;
	int many = 0;
	uint32_t sg = find(c, TF_C_DBSUBNETGROUP, tf__str(r->attrs, "db_subnet_group_name"));
	json_t *sid;
	if (sg != UINT32_MAX) {
		json_array_foreach(json_object_get(c->res[sg].attrs, "subnet_ids"), i, sid) {
			uint32_t s = json_is_string(sid) ? find(c, TF_C_SUBNET, json_string_value(sid))
							 : UINT32_MAX;
			const char *z = s != UINT32_MAX ? tf__str(c->res[s].attrs, "availability_zone")
							: NULL;
			if (!z) {
				many = 1; /* a subnet whose zone is unknown */
				continue;
			}
			size_t j;
			for (j = 0; j < no && strcmp(others[j], z); j++)
				;
			if (j == no && strcmp(z, pz)) {
				if (no < 8)
					others[no++] = z;
				else
					many = 1;
			}
		}
	}
	uint32_t region = region_of_zone(c, r, pz);
	if (no == 1 && !many) {
		uint32_t oz = zone_node(c, &c->res[sg], "availability_zone", others[0]);
		db_multi_zone(c, r, primary, &oz, 1, region, NULL);
	} else {
		db_multi_zone(c, r, primary, NULL, 0, region,
			      "unknown: another zone of the DB subnet group");
	}
}

static void fn_aws_rds_cluster(tf_ctx *c, tf_res *r)
{
	need_zones(c, r, json_object_get(r->attrs, "availability_zones"), "availability_zones",
		   NULL, 1);
}

/* aws_rds_cluster_instance: in its zone; its cluster needs 1 of them. */
static void fn_aws_rds_cluster_instance(tf_ctx *c, tf_res *r)
{
	place_zone_attr(c, r, "availability_zone");
	uint32_t cl = owner_node(c, r, TF_C_DBCLUSTER, "cluster_identifier");
	link_add(c, cl, r->node, TAG_TARGETS, 1);
}

/* google_compute_instance: in its zone, needs its subnetworks. */
static void fn_gcp_instance(tf_ctx *c, tf_res *r)
{
	size_t i;
	json_t *ni;
	char ap[64];
	place_zone_attr(c, r, "zone");
	json_array_foreach(json_object_get(r->attrs, "network_interface"), i, ni) {
		snprintf(ap, sizeof ap, "network_interface[%zu].subnetwork", i);
		need(c, r, r->node, TAG_NEED, 1, TF_C_SUBNET, tf__str(ni, "subnetwork"), ap,
		     "network");
	}
}

static void fn_gcp_mig(tf_ctx *c, tf_res *r)
{
	place_zone_attr(c, r, "zone");
}

/* google_compute_region_instance_group_manager: K = target_size of its
 * zones. */
static void fn_gcp_rmig(tf_ctx *c, tf_res *r)
{
	place_region_attr(c, r, "region");
	need_zones(c, r, json_object_get(r->attrs, "distribution_policy_zones"),
		   "distribution_policy_zones", NULL, tf__int(r->attrs, "target_size", 1));
}

/* google_compute_(region_)backend_service: 1 of its backends' groups. */
static void fn_gcp_backend(tf_ctx *c, tf_res *r)
{
	size_t i;
	json_t *b;
	char ap[64];
	json_array_foreach(json_object_get(r->attrs, "backend"), i, b) {
		snprintf(ap, sizeof ap, "backend[%zu].group", i);
		need(c, r, r->node, TAG_TARGETS, 1, TF_C_IG, tf__str(b, "group"), ap, "service");
	}
}

/* google_sql_database_instance: REGIONAL = 1 of its zone and the
 * secondary zone; ZONAL = in its zone. */
static void fn_gcp_sql(tf_ctx *c, tf_res *r)
{
	const json_t *s = tf__block(r->attrs, "settings");
	const json_t *lp = tf__block(s, "location_preference");
	const char *pz = tf__str(lp, "zone");
	const char *sz = tf__str(lp, "secondary_zone");
	const char *at = tf__str(s, "availability_type");
	if (!pz)
		pz = tf__str(r->attrs, "gce_zone");
	if (at && !strcmp(at, "REGIONAL") && pz) {
		uint32_t primary = zone_node(c, r, "settings[0].location_preference[0].zone", pz);
		uint32_t oz = sz ? zone_node(c, r, "settings[0].location_preference[0].secondary_zone",
					     sz)
				 : FO_NONE;
		uint32_t region = region_of_zone(c, r, pz);
		if (oz != FO_NONE && oz != primary)
			db_multi_zone(c, r, primary, &oz, 1, region, NULL);
		else
			db_multi_zone(c, r, primary, NULL, 0, region,
				      "unknown: another zone of the region");
		return;
	}
	if (pz)
		place(c, r, zone_node(c, r, "settings[0].location_preference[0].zone", pz));
	else
		place_region_attr(c, r, "region");
}

/* google_storage_bucket: regional when its location is a region
 * ("us-central1"); multi-region locations ("US", "EU") are not placed. */
static void fn_gcp_bucket(tf_ctx *c, tf_res *r)
{
	const char *loc = tf__str(r->attrs, "location");
	if (!loc || !strchr(loc, '-'))
		return;
	char low[128];
	size_t n = strlen(loc);
	if (n >= sizeof low)
		return;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)(loc[i] >= 'A' && loc[i] <= 'Z' ? loc[i] - 'A' + 'a' : loc[i]);
	place(c, r, region_node(c, r, "location", low, n));
}

/* Azure VMs: zone "1" (or zones ["1"]) within the location, else in the
 * location (region). */
static void fn_az_vm(tf_ctx *c, tf_res *r)
{
	const char *loc = tf__str(r->attrs, "location");
	const char *z = tf__str(r->attrs, "zone");
	const json_t *zs = json_object_get(r->attrs, "zones");
	if (!z && json_array_size(zs) == 1 && json_is_string(json_array_get(zs, 0)))
		z = json_string_value(json_array_get(zs, 0));
	if (z && *z)
		place(c, r, az_zone_node(c, r, loc, z));
	else
		fn_location(c, r);
}

/* Azure scale sets: K = instances of their zones. */
static void fn_az_vmss(tf_ctx *c, tf_res *r)
{
	const char *loc = tf__str(r->attrs, "location");
	long long k = tf__int(r->attrs, "instances", -1);
	if (k < 0)
		k = tf__int(tf__block(r->attrs, "sku"), "capacity", 1);
	fn_location(c, r);
	if (loc)
		need_zones(c, r, json_object_get(r->attrs, "zones"), "zones", loc, k);
}

/* Azure flexible servers: zone-redundant HA = 1 of 2 zones. */
static void fn_az_flex(tf_ctx *c, tf_res *r)
{
	const char *loc = tf__str(r->attrs, "location");
	const char *z = tf__str(r->attrs, "zone");
	const json_t *ha = tf__block(r->attrs, "high_availability");
	const char *mode = tf__str(ha, "mode");
	const char *sz = tf__str(ha, "standby_availability_zone");
	if (!loc)
		return;
	uint32_t region = region_node(c, r, "location", loc, strlen(loc));
	if (z && mode && !strcmp(mode, "ZoneRedundant")) {
		uint32_t primary = az_zone_node(c, r, loc, z);
		uint32_t oz = sz ? az_zone_node(c, r, loc, sz) : FO_NONE;
		if (oz != FO_NONE && oz != primary)
			db_multi_zone(c, r, primary, &oz, 1, region, NULL);
		else
			db_multi_zone(c, r, primary, NULL, 0, region,
				      "unknown: another zone of the location");
		return;
	}
	place(c, r, z ? az_zone_node(c, r, loc, z) : region);
}

/* tencentcloud_mysql_instance: slave_deploy_mode 1 (multi-AZ) = 1 of its
 * zone and its slaves' zones; else in its zone. */
static void fn_tc_mysql(tf_ctx *c, tf_res *r)
{
	const char *pz = tf__str(r->attrs, "availability_zone");
	if (!pz)
		return;
	if (tf__int(r->attrs, "slave_deploy_mode", 0) != 1) {
		place_zone_attr(c, r, "availability_zone");
		return;
	}
	uint32_t primary = zone_node(c, r, "availability_zone", pz), others[2];
	size_t no = 0;
	static const char *const attrs[2] = { "first_slave_zone", "second_slave_zone" };
	for (int i = 0; i < 2; i++) {
		const char *z = tf__str(r->attrs, attrs[i]);
		uint32_t zn = z ? zone_node(c, r, attrs[i], z) : FO_NONE;
		if (zn != FO_NONE && zn != primary && (no == 0 || others[0] != zn))
			others[no++] = zn;
	}
	db_multi_zone(c, r, primary, others, no, region_of_zone(c, r, pz),
		      "unknown: slave_deploy_mode 1 without slave zones");
}

/* tencentcloud_clb_attachment (folded): its CLB needs 1 of the targets. */
static void fn_tc_clb_attachment(tf_ctx *c, tf_res *r)
{
	uint32_t clb = owner_node(c, r, TF_C_CLB, "clb_id");
	size_t i;
	json_t *t;
	char ap[64];
	if (clb == FO_NONE)
		return;
	json_array_foreach(json_object_get(r->attrs, "targets"), i, t) {
		snprintf(ap, sizeof ap, "targets[%zu].instance_id", i);
		need(c, r, clb, TAG_TARGETS, 1, TF_C_INSTANCE, tf__str(t, "instance_id"), ap, "vm");
	}
}

/* tencentcloud_as_scaling_group: K = min_size of its subnets. */
static void fn_tc_asg(tf_ctx *c, tf_res *r)
{
	size_t from = c->nlinks;
	need_list(c, r, r->node, TAG_ZONES, 1, TF_C_SUBNET, json_object_get(r->attrs, "subnet_ids"),
		  "subnet_ids", "network");
	set_k(c, from, tf__int(r->attrs, "min_size", 1));
}

/* ------------------------------------------------------------- the table */

static const char *const K_VM[] = { "id", "availability_zone", "instance_type", "zone",
				    "machine_type", "size", "vm_size", "location",
				    "instance_state", NULL };
static const char *const K_NET[] = { "id", "availability_zone", "cidr_block", "region",
				     "location", "ip_cidr_range", "connectivity_type", NULL };
static const char *const K_LB[] = { "id", "load_balancer_type", "internal", "location",
				    "port", "protocol", "target_type", "network_type",
				    "load_balancing_scheme", NULL };
static const char *const K_DB[] = { "id", "availability_zone", "availability_zones", "engine",
				    "engine_version", "instance_class", "multi_az",
				    "database_version", "region", "location", "sku_name",
				    "zone", "slave_deploy_mode", "first_slave_zone",
				    "second_slave_zone", "mem_size", "cluster_identifier", NULL };
static const char *const K_STORE[] = { "id", "bucket", "region", "location", "account_tier",
				       "account_replication_type", "storage_class",
				       "availability_zone", "size", "type", NULL };
static const char *const K_GROUP[] = { "id", "min_size", "max_size", "desired_capacity",
				       "target_size", "zone", "region", "location", "instances",
				       "availability_zones", "zones", NULL };
static const char *const K_ID[] = { "id", NULL };

static const tf_rule RULES[] = {
	/* AWS */
	{ "aws_instance", "vm", NULL, TF_C_INSTANCE, NULL, K_VM, fn_instance },
	{ "aws_subnet", "network", NULL, TF_C_SUBNET, NULL, K_NET, fn_zone },
	{ "aws_default_subnet", "network", NULL, TF_C_SUBNET, NULL, K_NET, fn_zone },
	{ "aws_vpc", "network", NULL, 0, NULL, K_NET, NULL },
	{ "aws_default_vpc", "network", NULL, 0, NULL, K_NET, NULL },
	{ "aws_ebs_volume", "storage", NULL, TF_C_VOLUME, NULL, K_STORE, fn_zone },
	{ "aws_volume_attachment", NULL, "its instance", 0, NULL, NULL, fn_aws_volume_attachment },
	{ "aws_lb", "lb", NULL, TF_C_LB, NULL, K_LB, fn_aws_lb },
	{ "aws_alb", "lb", NULL, TF_C_LB, NULL, K_LB, fn_aws_lb },
	{ "aws_elb", "lb", NULL, TF_C_LB, NULL, K_LB, fn_aws_elb },
	{ "aws_lb_listener", NULL, "its load balancer", 0, NULL, NULL, fn_aws_listener },
	{ "aws_alb_listener", NULL, "its load balancer", 0, NULL, NULL, fn_aws_listener },
	{ "aws_lb_target_group", "target-group", NULL, TF_C_TG, NULL, K_LB, NULL },
	{ "aws_alb_target_group", "target-group", NULL, TF_C_TG, NULL, K_LB, NULL },
	{ "aws_lb_target_group_attachment", NULL, "its target group", 0, NULL, NULL,
	  fn_aws_tg_attachment },
	{ "aws_alb_target_group_attachment", NULL, "its target group", 0, NULL, NULL,
	  fn_aws_tg_attachment },
	{ "aws_autoscaling_group", "service", NULL, 0, NULL, K_GROUP, fn_aws_asg },
	{ "aws_nat_gateway", "network", NULL, TF_C_NAT, NULL, K_NET, fn_aws_nat },
	{ "aws_route_table", NULL, "the subnets routed through it", TF_C_RT, NULL, NULL,
	  fn_aws_route_table },
	{ "aws_default_route_table", NULL, "the subnets routed through it", TF_C_RT, NULL, NULL,
	  fn_aws_route_table },
	{ "aws_route", NULL, "its route table", 0, NULL, NULL, fn_aws_route },
	{ "aws_route_table_association", NULL, "its subnet", 0, NULL, NULL, fn_aws_rt_assoc },
	{ "aws_db_instance", "db", NULL, 0, NULL, K_DB, fn_aws_rds },
	{ "aws_db_subnet_group", TF_GENERIC, NULL, TF_C_DBSUBNETGROUP, "name", K_ID, NULL },
	{ "aws_rds_cluster", "db", NULL, TF_C_DBCLUSTER, "cluster_identifier", K_DB,
	  fn_aws_rds_cluster },
	{ "aws_rds_cluster_instance", "db", NULL, 0, NULL, K_DB, fn_aws_rds_cluster_instance },
	{ "aws_s3_bucket", "storage", NULL, 0, NULL, K_STORE, fn_gcp_region },
	/* GCP */
	{ "google_compute_instance", "vm", NULL, TF_C_INSTANCE, NULL, K_VM, fn_gcp_instance },
	{ "google_compute_subnetwork", "network", NULL, TF_C_SUBNET, NULL, K_NET, fn_gcp_region },
	{ "google_compute_network", "network", NULL, 0, NULL, K_NET, NULL },
	{ "google_compute_instance_group_manager", "service", NULL, TF_C_IG, "instance_group",
	  K_GROUP, fn_gcp_mig },
	{ "google_compute_region_instance_group_manager", "service", NULL, TF_C_IG,
	  "instance_group", K_GROUP, fn_gcp_rmig },
	{ "google_compute_backend_service", "lb", NULL, 0, NULL, K_LB, fn_gcp_backend },
	{ "google_compute_region_backend_service", "lb", NULL, 0, NULL, K_LB, fn_gcp_backend },
	{ "google_sql_database_instance", "db", NULL, 0, NULL, K_DB, fn_gcp_sql },
	{ "google_storage_bucket", "storage", NULL, 0, NULL, K_STORE, fn_gcp_bucket },
	/* Azure */
	{ "azurerm_linux_virtual_machine", "vm", NULL, TF_C_INSTANCE, NULL, K_VM, fn_az_vm },
	{ "azurerm_windows_virtual_machine", "vm", NULL, TF_C_INSTANCE, NULL, K_VM, fn_az_vm },
	{ "azurerm_virtual_machine", "vm", NULL, TF_C_INSTANCE, NULL, K_VM, fn_az_vm },
	{ "azurerm_linux_virtual_machine_scale_set", "service", NULL, 0, NULL, K_GROUP,
	  fn_az_vmss },
	{ "azurerm_windows_virtual_machine_scale_set", "service", NULL, 0, NULL, K_GROUP,
	  fn_az_vmss },
	{ "azurerm_virtual_machine_scale_set", "service", NULL, 0, NULL, K_GROUP, fn_az_vmss },
	{ "azurerm_orchestrated_virtual_machine_scale_set", "service", NULL, 0, NULL, K_GROUP,
	  fn_az_vmss },
	{ "azurerm_lb", "lb", NULL, 0, NULL, K_LB, fn_location },
	{ "azurerm_mssql_server", "db", NULL, 0, NULL, K_DB, fn_location },
	{ "azurerm_sql_server", "db", NULL, 0, NULL, K_DB, fn_location },
	{ "azurerm_mysql_server", "db", NULL, 0, NULL, K_DB, fn_location },
	{ "azurerm_postgresql_server", "db", NULL, 0, NULL, K_DB, fn_location },
	{ "azurerm_cosmosdb_account", "db", NULL, 0, NULL, K_DB, fn_location },
	{ "azurerm_postgresql_flexible_server", "db", NULL, 0, NULL, K_DB, fn_az_flex },
	{ "azurerm_mysql_flexible_server", "db", NULL, 0, NULL, K_DB, fn_az_flex },
	{ "azurerm_storage_account", "storage", NULL, 0, NULL, K_STORE, fn_location },
	{ "azurerm_virtual_network", "network", NULL, 0, NULL, K_NET, fn_location },
	{ "azurerm_subnet", "network", NULL, TF_C_SUBNET, NULL, K_NET, NULL },
	/* Tencent Cloud */
	{ "tencentcloud_instance", "vm", NULL, TF_C_INSTANCE, NULL, K_VM, fn_instance },
	{ "tencentcloud_subnet", "network", NULL, TF_C_SUBNET, NULL, K_NET, fn_zone },
	{ "tencentcloud_vpc", "network", NULL, 0, NULL, K_NET, NULL },
	{ "tencentcloud_mysql_instance", "db", NULL, 0, NULL, K_DB, fn_tc_mysql },
	{ "tencentcloud_clb_instance", "lb", NULL, TF_C_CLB, NULL, K_LB, NULL },
	{ "tencentcloud_clb_attachment", NULL, "its load balancer", 0, NULL, NULL,
	  fn_tc_clb_attachment },
	{ "tencentcloud_as_scaling_group", "service", NULL, 0, NULL, K_GROUP, fn_tc_asg },
	{ "tencentcloud_cos_bucket", "storage", NULL, 0, NULL, K_STORE, NULL },
	{ "tencentcloud_cbs_storage", "storage", NULL, TF_C_VOLUME, NULL, K_STORE, fn_zone },
	{ "tencentcloud_cbs_storage_attachment", NULL, "its instance", 0, NULL, NULL,
	  fn_tc_cbs_attachment },
};

/* ------------------------------------------------------------ properties */

/* A scalar (or a list of scalars, joined with ", ") as text into buf;
 * NULL for objects, nulls and empty strings. */
static const char *prop_text(const json_t *v, char *buf, size_t cap)
{
	if (json_is_string(v))
		return json_string_length(v) ? json_string_value(v) : NULL;
	if (json_is_integer(v)) {
		snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		snprintf(buf, cap, "%g", json_real_value(v));
		return buf;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	if (json_is_array(v) && json_array_size(v)) {
		size_t i, off = 0;
		json_t *x;
		char one[64];
		buf[0] = '\0';
		json_array_foreach(v, i, x) {
			const char *s = json_is_array(x) ? NULL : prop_text(x, one, sizeof one);
			if (!s)
				return NULL;
			int n = snprintf(buf + off, cap - off, "%s%s", i ? ", " : "", s);
			if (n < 0 || (size_t)n >= cap - off)
				return NULL; /* too long to be a useful property */
			off += (size_t)n;
		}
		return buf;
	}
	return NULL;
}

static void add_props(tf_ctx *c, tf_res *r)
{
	char buf[512];
	const json_t *tags = json_object_get(r->attrs, "tags");
	if (r->rule && r->rule->keep)
		for (const char *const *k = r->rule->keep; *k; k++) {
			const char *v = prop_text(json_object_get(r->attrs, *k), buf, sizeof buf);
			if (v)
				tf__status(c, fo_model_add_prop(c->m, r->node, *k, v));
		}
	/* Tencent and GCP call them tags/labels too; only the Name is kept. */
	const char *name = tf__str(tags, "Name");
	if (name)
		tf__status(c, fo_model_add_prop(c->m, r->node, "tags.Name", name));
	if (r->tainted)
		tf__status(c, fo_model_add_prop(c->m, r->node, "status", "tainted"));
}

/* ------------------------------------------------------- creation order */

static uint32_t dep_find(tf_ctx *c, const char *s, size_t len, int *by_base)
{
	uint32_t ri;
	*by_base = 1;
	if (tf__map_get(&c->map, TF_C_BASE, s, len, &ri))
		return ri;
	*by_base = 0;
	if (tf__map_get(&c->map, TF_C_ADDR, s, len, &ri))
		return ri;
	return UINT32_MAX;
}

/* depends_on / dependencies: each address must be in the file (else a
 * located warning); kept as the "depends_on" property, or as soft
 * dependencies on every instance it names (depends-on=degrades). */
static void deps_of(tf_ctx *c, tf_res *r)
{
	size_t i, total = 0;
	json_t *d;
	char *joined = NULL, *tmp = NULL;
	char sb[FO_DIAG_SHORT_BUF], db[FO_DIAG_SHORT_BUF];
	if (!r->deps || c->depends == TF_DEPS_IGNORE)
		return;
	json_array_foreach(r->deps, i, d) {
		if (!json_is_string(d)) {
			tf__diag(c, FO_SEV_ERROR, "terraform-resource", 0, 0,
				 "%s.%s[%zu] (%s): not a string", r->path, r->deps_key, i,
				 fo_diag_shorten(r->addr, sb));
			continue;
		}
		const char *s = json_string_value(d);
		size_t len = json_string_length(d);
		if (len >= 2 && !strcmp(s + len - 2, ".*"))
			len -= 2; /* v3: every instance */
		int by_base;
		uint32_t ri = dep_find(c, s, len, &by_base);
		if (ri == UINT32_MAX && r->modlen) {
			/* Relative to the containing module (show -json of 1.x). */
			free(tmp);
			tmp = malloc(r->modlen + len);
			if (!tmp) {
				tf__status(c, FO_ENOMEM);
				break;
			}
			memcpy(tmp, r->addr, r->modlen);
			memcpy(tmp + r->modlen, s, len);
			ri = dep_find(c, tmp, r->modlen + len, &by_base);
		}
		if (ri == UINT32_MAX) {
			tf__diag(c, FO_SEV_WARNING, "dangling-reference", 0, 0,
				 "%s.%s[%zu] (%s): depends on %s, which is not in the file "
				 "(creation order only: no dependency is made)", r->path,
				 r->deps_key, i, fo_diag_shorten(r->addr, sb),
				 fo_diag_shorten(s, db));
		} else if (c->depends == TF_DEPS_DEGRADES && r->node != FO_NONE) {
			for (uint32_t x = ri; x != UINT32_MAX;
			     x = by_base ? c->res[x].next_base : UINT32_MAX)
				link_add(c, r->node, c->res[x].node, TAG_SOFT, 1);
		}
		if (c->depends == TF_DEPS_PROPS && r->node != FO_NONE) {
			char *nj = realloc(joined, total + len + 3);
			if (!nj) {
				tf__status(c, FO_ENOMEM);
				break;
			}
			joined = nj;
			if (total) {
				memcpy(joined + total, ", ", 2);
				total += 2;
			}
			memcpy(joined + total, s, len);
			total += len;
			joined[total] = '\0';
		}
	}
	if (joined)
		tf__status(c, fo_model_add_prop(c->m, r->node, "depends_on", joined));
	free(joined);
	free(tmp);
}

/* ----------------------------------------------------------------- build */

static int route_cmp(const void *a, const void *b)
{
	const tf_route *x = a, *y = b;
	if (x->rt != y->rt)
		return x->rt < y->rt ? -1 : 1;
	return x->nat < y->nat ? -1 : x->nat > y->nat;
}

static int link_cmp(const void *a, const void *b)
{
	const tf_link *x = a, *y = b;
	if (x->owner != y->owner)
		return x->owner < y->owner ? -1 : 1;
	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	if (x->member != y->member)
		return x->member < y->member ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Private subnets: an associated route table with a route through a NAT
 * gateway makes the subnet need that gateway. */
static void assocs(tf_ctx *c)
{
	if (c->nroutes)
		qsort(c->routes, c->nroutes, sizeof *c->routes, route_cmp);
	for (size_t i = 0; i < c->nassocs; i++) {
		tf_res *a = &c->res[c->assocs[i]];
		const char *rtid = tf__str(a->attrs, "route_table_id");
		uint32_t rt = find(c, TF_C_RT, rtid);
		if (rt == UINT32_MAX) {
			char sb[FO_DIAG_SHORT_BUF], vb[FO_DIAG_SHORT_BUF];
			tf__diag(c, FO_SEV_WARNING, "dangling-reference", 0, 0,
				 "%s.route_table_id (%s): \"%s\" is not a resource of this file; "
				 "the association is dropped", a->path,
				 fo_diag_shorten(a->addr, sb), rtid ? fo_diag_shorten(rtid, vb) : "(none)");
			continue;
		}
		uint32_t subnet = FO_NONE;
		size_t lo = 0, hi = c->nroutes;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (c->routes[mid].rt < rt)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t j = lo; j < c->nroutes && c->routes[j].rt == rt; j++) {
			if (subnet == FO_NONE)
				subnet = ref_node(c, a, TF_C_SUBNET, tf__str(a->attrs, "subnet_id"),
						  "subnet_id", "network");
			link_add(c, subnet, c->routes[j].nat, TAG_NEED, 1);
		}
	}
}

static void emit(tf_ctx *c)
{
	if (c->nlinks)
		qsort(c->links, c->nlinks, sizeof *c->links, link_cmp);
	for (size_t a = 0; a < c->nlinks && c->err == FO_OK;) {
		size_t b = a + 1;
		while (b < c->nlinks && c->links[b].owner == c->links[a].owner &&
		       c->links[b].tag == c->links[a].tag)
			b++;
		const tf_link *l = &c->links[a];
		if (l->each) {
			for (size_t i = a; i < b; i++) {
				if (i > a && c->links[i].member == c->links[i - 1].member)
					continue;
				fo_group_type t = l->soft ? FO_GROUP_DEGRADES : FO_GROUP_REQUIRES;
				if (tf__status(c, fo_model_group_begin(c->m, l->owner, t, 1, NOPOS)) ||
				    tf__status(c, fo_model_group_add_node(c->m, c->links[i].member,
									   NOPOS)) ||
				    tf__status(c, fo_model_group_end(c->m)))
					return;
			}
		} else {
			uint32_t distinct = 0;
			for (size_t i = a; i < b; i++)
				distinct += i == a || c->links[i].member != c->links[i - 1].member;
			uint32_t k = l->k < distinct ? l->k : distinct;
			if (tf__status(c, fo_model_group_begin(c->m, l->owner, FO_GROUP_REQUIRES, k,
							       NOPOS)))
				return;
			for (size_t i = a; i < b; i++)
				if ((i == a || c->links[i].member != c->links[i - 1].member) &&
				    tf__status(c, fo_model_group_add_node(c->m, c->links[i].member,
									   NOPOS)))
					return;
			if (tf__status(c, fo_model_group_end(c->m)))
				return;
		}
		a = b;
	}
}

static void index_ids(tf_ctx *c, tf_res *r, uint32_t ri)
{
	const tf_rule *ru = r->rule;
	static const char *const keys[] = { "id", "arn", "self_link" };
	if (!ru || !ru->cls || !r->attrs)
		return;
	for (size_t i = 0; i < 4; i++) {
		const char *k = i < 3 ? keys[i] : ru->key2;
		const json_t *v = k ? json_object_get(r->attrs, k) : NULL;
		if (json_is_string(v) && json_string_length(v))
			tf__status(c, tf__map_put(&c->map, ru->cls, json_string_value(v),
						  json_string_length(v), ri, NULL));
	}
}

/* Sources read before this one with the same prefix are states of the same
 * estate (a network state and an application state): their resources'
 * cloud ids (the "id" property) answer this file's references. */
static void index_earlier(tf_ctx *c)
{
	uint32_t cur = fo_model_source_current(c->m);
	const char *prefix = fo_model_source_prefix(c->m, cur);
	size_t n = fo_model_node_count(c->m);
	for (uint32_t i = 0; i < n && c->err == FO_OK; i++) {
		fo_model_node nd;
		fo_model_node_get(c->m, i, &nd);
		if (nd.source == cur || strcmp(fo_model_source_format(c->m, nd.source), "terraform") ||
		    strcmp(fo_model_source_prefix(c->m, nd.source), prefix))
			continue;
		for (size_t p = 0; p < nd.nprops; p++) {
			if (strcmp(nd.props[p].key, "id"))
				continue;
			/* Copied: the model's strings move as it grows. */
			char *v = strdup(nd.props[p].value);
			if (!v || tf__map_put(&c->map, TF_C_EARLIER, v, strlen(v), i, NULL) != FO_OK) {
				free(v);
				tf__status(c, FO_ENOMEM);
				return;
			}
			if (c->nnames == c->capnames) {
				size_t cap = c->capnames ? c->capnames * 2 : 32;
				char **nn = realloc(c->names, cap * sizeof *nn);
				if (!nn) {
					free(v);
					tf__status(c, FO_ENOMEM);
					return;
				}
				c->names = nn;
				c->capnames = cap;
			}
			c->names[c->nnames++] = v;
		}
	}
}

/* An earlier state of this prefix made a placeholder ref/ID for the cloud
 * id of r: the placeholder is r (same-as, merged at build). */
static void alias_placeholder(tf_ctx *c, const tf_res *r)
{
	const char *id = tf__str(r->attrs, "id");
	uint32_t node;
	if (!id || strlen(id) > TF_ID_MAX)
		return;
	const char *prefix = fo_model_source_prefix(c->m, fo_model_source_current(c->m));
	size_t pl = prefix ? strlen(prefix) : 0;
	char *ref = malloc(pl + 6 + strlen(id)), *me = malloc(pl + 2 + r->addrlen);
	if (!ref || !me) {
		free(ref);
		free(me);
		tf__status(c, FO_ENOMEM);
		return;
	}
	sprintf(ref, "%s%sref/%s", pl ? prefix : "", pl ? ":" : "", id);
	sprintf(me, "%s%s%s", pl ? prefix : "", pl ? ":" : "", r->addr);
	if (fo_model_lookup(c->m, ref, &node) == FO_OK)
		tf__status(c, fo_model_alias(c->m, ref, me, c->file, NOPOS));
	free(ref);
	free(me);
}

void tf__build(tf_ctx *c)
{
	char sb[FO_DIAG_SHORT_BUF];
	int joined = fo_model_source_current(c->m) > 0;
	if (joined)
		index_earlier(c);
	for (size_t i = 0; i < sizeof RULES / sizeof *RULES; i++)
		if (tf__status(c, tf__map_put(&c->map, TF_C_TYPE, RULES[i].type,
					      strlen(RULES[i].type), (uint32_t)i, NULL)))
			return;
	/* Addresses first: depends_on may name a later resource. */
	for (size_t i = 0; i < c->nres && c->err == FO_OK; i++) {
		tf_res *r = &c->res[i];
		uint32_t old, rule;
		tf__count(c, r->type);
		if (r->bad)
			continue;
		tf__status(c, tf__map_put(&c->map, TF_C_ADDR, r->addr, r->addrlen, (uint32_t)i, &old));
		if (old != UINT32_MAX) {
			tf__diag(c, FO_SEV_ERROR, "duplicate-id", 0, 0,
				 "%s: the address %s is already the one of %s", r->path,
				 fo_diag_shorten(r->addr, sb), c->res[old].path);
			r->bad = 1;
			continue;
		}
		tf__status(c, tf__map_put(&c->map, TF_C_BASE, r->addr, r->baselen, (uint32_t)i, &old));
		if (old != UINT32_MAX) {
			r->next_base = c->res[old].next_base;
			c->res[old].next_base = (uint32_t)i;
		}
		if (tf__map_get(&c->map, TF_C_TYPE, r->type, strlen(r->type), &rule))
			r->rule = &RULES[rule];
	}
	/* Nodes, in document order, and the id index. */
	for (size_t i = 0; i < c->nres && c->err == FO_OK; i++) {
		tf_res *r = &c->res[i];
		if (r->bad)
			continue;
		if (r->data) {
			tf__status(c, fo_model_skip(c->m, r->type, r->addr,
						    "data source (read by Terraform, not managed)"));
			continue;
		}
		index_ids(c, r, (uint32_t)i);
		if (r->rule && !r->rule->kind) {
			r->folded = 1;
			tf__status(c, fo_model_count_folded(c->m, r->type, r->rule->into));
			continue;
		}
		const json_t *tags = json_object_get(r->attrs, "tags");
		const char *name = tf__str(tags, "Name");
		if (!name)
			name = tf__str(r->attrs, "name");
		if (name && tf__bad_id(name, strlen(name)))
			name = NULL; /* a name with control characters: the id says it */
		if (tf__status(c, fo_model_add_node(c->m, r->addr, r->rule ? r->rule->kind : TF_GENERIC,
						    name, NULL, 0, r->type, NOPOS, &r->node)))
			return;
		add_props(c, r);
		if (joined && r->rule && r->rule->cls)
			alias_placeholder(c, r);
	}
	/* Rules, then creation order, then private subnets' NAT gateways. */
	for (size_t i = 0; i < c->nres && c->err == FO_OK; i++) {
		tf_res *r = &c->res[i];
		if (!r->bad && !r->data && r->rule && r->rule->fn && r->attrs)
			r->rule->fn(c, r);
	}
	/* Folded records too: their dangling addresses are warned. */
	for (size_t i = 0; i < c->nres && c->err == FO_OK; i++)
		if (c->res[i].node != FO_NONE || c->res[i].folded)
			deps_of(c, &c->res[i]);
	if (c->err == FO_OK)
		assocs(c);
	if (c->err == FO_OK)
		emit(c);
	for (size_t i = 0; i < c->ntypes && c->err == FO_OK; i++)
		tf__status(c, fo_model_count_read(c->m, c->types[i].type, c->types[i].n));
}
