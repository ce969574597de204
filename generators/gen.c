/*
 * gen.c — synthetic inventories of any size (fo_gen.h, docs/gen.md).
 *
 * The world is planned from N alone (counts per layer, all O(1) numbers),
 * then written in one streaming pass: every id is a formula of indices and
 * every "random" choice is a hash of (seed, purpose, index), so nothing is
 * remembered and any reference can be written before or after its target.
 *
 * Plan. Four sites (r1-z1-s1, r1-z2-s1, r2-z1-s1, r2-z2-s1) share the
 * physical plant 40:25:20:15. A site's plant is cut into *chunks* of C racks
 * in one room; every pool is C members, one per rack of its chunk (VM slot j
 * of each rack, or storage host j), needing K of C, so a rack failure never
 * takes a pool down. Rooms hold P chunks. The template (C, K, hosts and VMs
 * per rack) grows with N in three steps; the number of chunks is chosen so
 * that the plant is about 45 % of the nodes. Services and tenants fill the
 * rest, the last tenant sized so that the count is exactly N.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fo_gen.h"
#include "../graphs/fo_error.h"

#define NSITES 4
#define WBUF (256u * 1024u)

/* Share of the chunks of each site, in percent; site s is in region
 * s / 2 + 1, zone s % 2 + 1. */
static const unsigned site_weight[NSITES] = { 40, 25, 20, 15 };

static const char *const region_name[2] = { "South China 华南", "East China 华东" };
static const char *const site_name[NSITES] = {
	"Qingyuan campus 清远", "Shaoguan campus 韶关", "Wuhu campus 芜湖", "Nantong campus 南通",
};

/* Core services: name and kind, by number (wrapping, with a suffix). */
static const struct { const char *name, *kind; } core_kind[] = {
	{ "DNS", "dns" }, { "IAM 身份认证", "service" }, { "config", "service" },
	{ "message queue", "queue" }, { "metrics", "service" }, { "KMS", "service" },
	{ "image registry", "service" }, { "scheduler", "service" }, { "billing 计费", "service" },
	{ "logging", "service" }, { "service mesh", "service" }, { "feature flags", "service" },
	{ "secrets", "service" }, { "rate limiter", "service" }, { "tracing", "service" },
	{ "search index", "service" },
};
#define NCORE_NAMES (sizeof core_kind / sizeof core_kind[0])

/* Tenants' display names, by tenant number; some need escaping. */
static const char *const tenant_name[] = {
	"Acme & Co", "微信支付 WeChat Pay", "Globex", "美团外卖", "Initech", "字节跳动",
	"O'Reilly <Media>", "京东物流", "Hooli", "\"Quoted\" Ltd", "阿里巴巴", "Umbrella",
	"小红书", "Soylent", "哔哩哔哩", "Wayne Enterprises", "拼多多", "Stark Industries",
};
#define NTENANT_NAMES (sizeof tenant_name / sizeof tenant_name[0])

enum role { R_LB, R_DB, R_CDN, R_STOR };
static const char *const role_word[] = { "lb", "db", "cdn", "stor" };
static const char *const role_kind[] = { "lb", "db", "cdn", "storage" };

/* Hash tags: one per kind of choice. */
enum tag {
	T_APP = 1, T_APP2, T_LEAF, T_CORE_REP, T_LEAF_REP, T_DATASET, T_TENANTS, T_HOME, T_APP_LB,
};

typedef struct plan {
	uint64_t n, seed;
	unsigned c, k;           /* racks per chunk = pool members; pools need k of c */
	unsigned hc, hs, v;      /* compute and storage hosts per rack, VMs per compute host */
	unsigned nlb, ndb, ncdn; /* VM slots per rack by role (hc * v in all) */
	uint64_t p;              /* chunks per room */
	uint64_t chunks[NSITES], chunk0[NSITES + 1], rooms[NSITES];
	uint64_t tc;             /* chunks in all */
	uint64_t ncore, nleaf, nrep;
	uint64_t rest;           /* apps + datasets */
} plan;

static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15u;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static uint64_t hash(const plan *p, uint64_t tag, uint64_t x)
{
	return mix(p->seed ^ mix((tag << 56) ^ mix(x)));
}

static int plan_make(plan *p, const fo_gen_opts *o)
{
	if (!o || o->nodes < FO_GEN_MIN_NODES || o->nodes > FO_GEN_MAX_NODES)
		return FO_EINVAL;
	memset(p, 0, sizeof *p);
	p->n = o->nodes;
	p->seed = o->seed;
	if (p->n < 1000) {
		p->c = 1, p->k = 1, p->hc = 1, p->hs = 1, p->v = 3;
	} else if (p->n < 20000) {
		p->c = 3, p->k = 1, p->hc = 4, p->hs = 2, p->v = 2;
	} else {
		p->c = 6, p->k = 4, p->hc = 12, p->hs = 4, p->v = 2;
	}
	unsigned slots = p->hc * p->v;
	p->ndb = slots / 8 ? slots / 8 : 1;
	p->ncdn = slots / 12 ? slots / 12 : 1;
	p->nlb = slots - p->ndb - p->ncdn;
	uint64_t per_chunk = (uint64_t)p->c * (1 + p->hc + p->hs + slots) + slots + p->hs;
	uint64_t want = p->n * 45 / 100 / per_chunk;
	if (want < NSITES)
		want = NSITES;
	p->tc = 0;
	for (unsigned s = 0; s < NSITES; s++) {
		p->chunks[s] = want * site_weight[s] / 100;
		if (!p->chunks[s])
			p->chunks[s] = 1;
		p->chunk0[s] = p->tc;
		p->tc += p->chunks[s];
	}
	p->chunk0[NSITES] = p->tc;
	p->p = p->tc / 32;
	p->p = p->p < 1 ? 1 : p->p > 8 ? 8 : p->p;
	uint64_t rooms = 0;
	for (unsigned s = 0; s < NSITES; s++)
		rooms += p->rooms[s] = (p->chunks[s] + p->p - 1) / p->p;
	p->ncore = 1;
	for (uint64_t x = p->n / 100; x > 1 && p->ncore < 16; x /= 2)
		p->ncore++;
	p->nleaf = p->n / 250 > 2 ? p->n / 250 : 2;
	p->nrep = 3 * p->nleaf - p->nleaf / 12;
	/* regions, zones, and per site: 2 feeds, site, net, 3 chillers, plant */
	uint64_t fixed = 2 + NSITES + NSITES * 8 + rooms + p->tc * per_chunk + p->ncore * 5 +
			 p->nleaf + p->nrep;
	if (fixed + 2 > p->n)
		return FO_EINVAL; /* cannot happen for n >= FO_GEN_MIN_NODES */
	p->rest = p->n - fixed;
	return FO_OK;
}

/* Where a chunk is: its site, its room (1-based) and its place in the room. */
typedef struct loc {
	unsigned s;
	uint64_t room, cr;
} loc;

static loc chunk_loc(const plan *p, uint64_t gc)
{
	unsigned s = 0;
	while (s + 1 < NSITES && gc >= p->chunk0[s + 1])
		s++;
	uint64_t ci = gc - p->chunk0[s];
	return (loc){ s, ci / p->p + 1, ci % p->p };
}

static unsigned role_slots(const plan *p, enum role r)
{
	return r == R_LB ? p->nlb : r == R_DB ? p->ndb : r == R_CDN ? p->ncdn : p->hs;
}

/* A chunk of site s chosen by h. */
static uint64_t chunk_in_site(const plan *p, unsigned s, uint64_t h)
{
	return p->chunk0[s] + h % p->chunks[s];
}

/* The tenants' sizes: a splitmix64 stream. Tenant sizes are mostly 1..12
 * apps, one tenant in 16 has 30..329; a tenant has a dataset per three apps.
 * The last tenant takes exactly what is left of `rest`. */
typedef struct tenants {
	uint64_t state, left;
} tenants;

static void tenants_next(tenants *ts, uint64_t *apps, uint64_t *datasets)
{
	uint64_t r = mix(ts->state += 0x9e3779b97f4a7c15u);
	uint64_t a = r % 16 == 0 ? 30 + (r >> 8) % 300 : 1 + (r >> 8) % 12, d = (a + 2) / 3;
	if (a + d > ts->left) {
		d = ts->left / 4 ? ts->left / 4 : ts->left > 1;
		a = ts->left - d;
	}
	ts->left -= a + d;
	*apps = a;
	*datasets = d;
}

static void tenants_init(tenants *ts, const plan *p)
{
	ts->state = hash(p, T_TENANTS, 0);
	ts->left = p->rest;
}

/* ----------------------------------------------------------------- output */

typedef struct wr {
	FILE *fp;
	char *buf;
	size_t len;
	int err;
	uint64_t nodes;
} wr;

static void w_flush(wr *w)
{
	if (w->len && !w->err && fwrite(w->buf, 1, w->len, w->fp) != w->len)
		w->err = FO_EIO;
	w->len = 0;
}

/* Every piece written is far smaller than the buffer. */
static void w_mem(wr *w, const char *s, size_t n)
{
	if (w->len + n > WBUF)
		w_flush(w);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* Only for string literals: sizeof of anything else is wrong. */
#define W(w, lit) w_mem((w), "" lit, sizeof(lit) - 1)

static void w_str(wr *w, const char *s)
{
	w_mem(w, s, strlen(s));
}

static void w_u(wr *w, uint64_t v)
{
	char t[24];
	int i = sizeof t;
	do
		t[--i] = (char)('0' + v % 10);
	while (v /= 10);
	w_mem(w, t + i, sizeof t - (size_t)i);
}

/* Attribute text, escaped (docs/inventory-format.md, "Ids and text"). */
static void w_esc(wr *w, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': W(w, "&amp;"); break;
		case '<': W(w, "&lt;"); break;
		case '>': W(w, "&gt;"); break;
		case '"': W(w, "&quot;"); break;
		case '\'': W(w, "&apos;"); break;
		default: w_mem(w, s, 1);
		}
	}
}

static void w_ind(wr *w, unsigned depth)
{
	static const char sp[] = "                                ";
	w_mem(w, sp, 2 * depth < sizeof sp - 1 ? 2 * depth : sizeof sp - 1);
}

/* ------------------------------------------------------------------- ids */

static void w_zone(wr *w, unsigned s)
{
	W(w, "r");
	w_u(w, s / 2 + 1);
	W(w, "-z");
	w_u(w, s % 2 + 1);
}

static void w_site(wr *w, unsigned s)
{
	w_zone(w, s);
	W(w, "-s1");
}

static void w_room(wr *w, unsigned s, uint64_t room)
{
	w_site(w, s);
	W(w, "-room");
	w_u(w, room);
}

static void w_rack(wr *w, unsigned s, uint64_t room, uint64_t rack)
{
	w_room(w, s, room);
	W(w, "-rack");
	w_u(w, rack);
}

static void w_host(wr *w, unsigned s, uint64_t room, uint64_t rack, uint64_t h)
{
	w_rack(w, s, room, rack);
	W(w, "-h");
	w_u(w, h);
}

static void w_vm(wr *w, unsigned s, uint64_t room, uint64_t rack, uint64_t h, uint64_t vm)
{
	w_host(w, s, room, rack, h);
	W(w, "-vm");
	w_u(w, vm);
}

static void w_pool(wr *w, unsigned s, uint64_t room, enum role r, uint64_t num)
{
	w_room(w, s, room);
	W(w, "-");
	w_str(w, role_word[r]);
	W(w, "-");
	w_u(w, num);
}

/* Pool `slot` of role r in global chunk gc. */
static void w_pool_at(wr *w, const plan *p, uint64_t gc, enum role r, uint64_t slot)
{
	loc l = chunk_loc(p, gc);
	w_pool(w, l.s, l.room, r, l.cr * role_slots(p, r) + slot + 1);
}

static void w_core(wr *w, uint64_t c)
{
	W(w, "svc-core-");
	w_u(w, c);
}

static void w_leaf(wr *w, uint64_t l)
{
	W(w, "svc-");
	w_u(w, l);
}

static void w_app(wr *w, uint64_t t, uint64_t j)
{
	W(w, "app-t");
	w_u(w, t);
	W(w, "-");
	w_u(w, j);
}

static void w_dataset(wr *w, uint64_t t, uint64_t k)
{
	W(w, "ds-t");
	w_u(w, t);
	W(w, "-");
	w_u(w, k);
}

/* <node id="...: the caller writes the id, then node_mid ends the id. */
static void node_open(wr *w, unsigned depth)
{
	w_ind(w, depth);
	W(w, "<node id=\"");
	w->nodes++;
}

static void node_kind(wr *w, const char *kind)
{
	W(w, "\" kind=\"");
	w_str(w, kind);
	W(w, "\"");
}

static void node_name(wr *w, const char *name)
{
	W(w, " name=\"");
	w_esc(w, name);
	W(w, "\"");
}

static void node_close(wr *w, unsigned depth)
{
	w_ind(w, depth);
	W(w, "</node>\n");
}

/* One-member dependencies: the caller writes the id between begin and end. */
static void req_begin(wr *w, unsigned depth)
{
	w_ind(w, depth);
	W(w, "<requires ref=\"");
}

static void deg_begin(wr *w, unsigned depth)
{
	w_ind(w, depth);
	W(w, "<degrades ref=\"");
}

static void copy_begin(wr *w, unsigned depth)
{
	w_ind(w, depth);
	W(w, "<copy ref=\"");
}

static void ref_end(wr *w)
{
	W(w, "\"/>\n");
}

static void group_begin(wr *w, unsigned depth, unsigned k)
{
	w_ind(w, depth);
	W(w, "<requires min=\"");
	w_u(w, k);
	W(w, "\">");
}

static void member_begin(wr *w)
{
	W(w, "<ref id=\"");
}

static void member_end(wr *w)
{
	W(w, "\"/>");
}

static void group_end(wr *w)
{
	W(w, "</requires>\n");
}

/* requires 1 of the site's two utility feeds */
static void w_feeds(wr *w, unsigned s, unsigned depth)
{
	group_begin(w, depth, 1);
	member_begin(w);
	w_site(w, s);
	W(w, "-power-a");
	member_end(w);
	member_begin(w);
	w_site(w, s);
	W(w, "-power-b");
	member_end(w);
	group_end(w);
}

static void w_req_net(wr *w, unsigned s, unsigned depth)
{
	req_begin(w, depth);
	w_site(w, s);
	W(w, "-net");
	ref_end(w);
}

/* -------------------------------------------------------------- physical */

/* The VM slot of a lb, db or cdn pool slot. */
static unsigned vm_slot(const plan *p, enum role r, unsigned slot)
{
	return r == R_LB ? slot : r == R_DB ? p->nlb + slot : p->nlb + p->ndb + slot;
}

static void write_chunk_racks(wr *w, const plan *p, unsigned s, uint64_t room, uint64_t cr)
{
	for (unsigned rk = 0; rk < p->c; rk++) {
		uint64_t rack = cr * p->c + rk + 1;
		node_open(w, 5);
		w_rack(w, s, room, rack);
		node_kind(w, "rack");
		W(w, ">\n");
		for (unsigned h = 1; h <= p->hc + p->hs; h++) {
			node_open(w, 6);
			w_host(w, s, room, rack, h);
			node_kind(w, "host");
			if (h > p->hc)
				W(w, " role=\"storage\"");
			W(w, ">\n");
			w_feeds(w, s, 7);
			w_req_net(w, s, 7);
			for (unsigned vm = 1; h <= p->hc && vm <= p->v; vm++) {
				unsigned slot = (h - 1) * p->v + (vm - 1);
				node_open(w, 7);
				w_vm(w, s, room, rack, h, vm);
				node_kind(w, "vm");
				W(w, "><degrades ref=\""); /* boot volumes */
				w_pool(w, s, room, R_STOR, cr * p->hs + slot % p->hs + 1);
				W(w, "\"/></node>\n");
			}
			node_close(w, 6);
		}
		node_close(w, 5);
	}
}

static void write_chunk_pools(wr *w, const plan *p, unsigned s, uint64_t room, uint64_t cr)
{
	for (enum role r = R_LB; r <= R_STOR; r++) {
		for (unsigned slot = 0; slot < role_slots(p, r); slot++) {
			node_open(w, 5);
			w_pool(w, s, room, r, cr * role_slots(p, r) + slot + 1);
			node_kind(w, role_kind[r]);
			W(w, ">\n");
			group_begin(w, 6, p->k);
			for (unsigned rk = 0; rk < p->c; rk++) {
				uint64_t rack = cr * p->c + rk + 1;
				member_begin(w);
				if (r == R_STOR) {
					w_host(w, s, room, rack, p->hc + 1 + slot);
				} else {
					unsigned vs = vm_slot(p, r, slot);
					w_vm(w, s, room, rack, vs / p->v + 1, vs % p->v + 1);
				}
				member_end(w);
			}
			group_end(w);
			node_close(w, 5);
		}
	}
}

static void write_site(wr *w, const plan *p, unsigned s)
{
	node_open(w, 3);
	w_site(w, s);
	node_kind(w, "site");
	node_name(w, site_name[s]);
	W(w, ">\n");
	node_open(w, 4);
	w_site(w, s);
	W(w, "-net");
	node_kind(w, "network");
	W(w, ">\n");
	w_feeds(w, s, 5);
	node_close(w, 4);
	for (unsigned c = 1; c <= 3; c++) {
		node_open(w, 4);
		w_site(w, s);
		W(w, "-chiller-");
		w_u(w, c);
		node_kind(w, "cooling");
		W(w, " name=\"chiller ");
		w_u(w, c);
		W(w, "\">\n");
		w_feeds(w, s, 5);
		node_close(w, 4);
	}
	node_open(w, 4);
	w_site(w, s);
	W(w, "-cooling");
	node_kind(w, "cooling");
	node_name(w, "chilled-water plant");
	W(w, ">\n");
	group_begin(w, 5, 2);
	for (unsigned c = 1; c <= 3; c++) {
		member_begin(w);
		w_site(w, s);
		W(w, "-chiller-");
		w_u(w, c);
		member_end(w);
	}
	group_end(w);
	node_close(w, 4);
	for (uint64_t room = 1; room <= p->rooms[s]; room++) {
		uint64_t first = (room - 1) * p->p, end = first + p->p;
		if (end > p->chunks[s])
			end = p->chunks[s];
		node_open(w, 4);
		w_room(w, s, room);
		node_kind(w, "room");
		W(w, ">\n");
		req_begin(w, 5);
		w_site(w, s);
		W(w, "-cooling");
		ref_end(w);
		w_feeds(w, s, 5);
		w_req_net(w, s, 5);
		for (uint64_t cr = 0; cr < end - first; cr++)
			write_chunk_racks(w, p, s, room, cr);
		for (uint64_t cr = 0; cr < end - first; cr++)
			write_chunk_pools(w, p, s, room, cr);
		node_close(w, 4);
	}
	node_close(w, 3);
}

static void write_plant(wr *w, const plan *p)
{
	for (unsigned s = 0; s < NSITES; s++) {
		if (s % 2 == 0) {
			node_open(w, 1);
			W(w, "r");
			w_u(w, s / 2 + 1);
			node_kind(w, "region");
			node_name(w, region_name[s / 2]);
			W(w, ">\n");
			/* The utility feeds come from the regional grid, outside
			 * the sites: a site's A and B feeds share no container. */
			for (unsigned t = s; t < s + 2; t++) {
				for (int f = 0; f < 2; f++) {
					node_open(w, 2);
					w_site(w, t);
					w_str(w, f ? "-power-b" : "-power-a");
					node_kind(w, "power");
					w_str(w, f ? " name=\"utility feed B\"/>\n"
						   : " name=\"utility feed A\"/>\n");
				}
			}
		}
		node_open(w, 2);
		w_zone(w, s);
		node_kind(w, "zone");
		W(w, ">\n");
		write_site(w, p, s);
		node_close(w, 2);
		if (s % 2 == 1)
			node_close(w, 1);
	}
}

/* -------------------------------------------------------------- services */

/* A replica in site s: requires a lb pool and a db pool of one chunk. */
static void write_replica(wr *w, const plan *p, uint64_t h, unsigned s)
{
	uint64_t gc = chunk_in_site(p, s, h);
	W(w, "\" kind=\"service\">\n");
	req_begin(w, 2);
	w_pool_at(w, p, gc, R_LB, (h >> 20) % p->nlb);
	ref_end(w);
	req_begin(w, 2);
	w_pool_at(w, p, gc, R_DB, (h >> 40) % p->ndb);
	ref_end(w);
	node_close(w, 1);
}

static void write_services(wr *w, const plan *p)
{
	for (uint64_t c = 1; c <= p->ncore; c++) {
		node_open(w, 1);
		w_core(w, c);
		node_kind(w, core_kind[(c - 1) % NCORE_NAMES].kind);
		W(w, " name=\"");
		w_esc(w, core_kind[(c - 1) % NCORE_NAMES].name);
		if (c > NCORE_NAMES) {
			W(w, " ");
			w_u(w, c);
		}
		W(w, "\">\n");
		group_begin(w, 2, 2);
		for (unsigned s = 0; s < NSITES; s++) {
			member_begin(w);
			w_core(w, c);
			W(w, "-");
			w_zone(w, s);
			member_end(w);
		}
		group_end(w);
		if (c >= 2) {
			deg_begin(w, 2);
			w_core(w, 1);
			ref_end(w);
		}
		if (c >= 3 && c % 2) {
			req_begin(w, 2);
			w_core(w, 2);
			ref_end(w);
		}
		node_close(w, 1);
		for (unsigned s = 0; s < NSITES; s++) {
			node_open(w, 1);
			w_core(w, c);
			W(w, "-");
			w_zone(w, s);
			write_replica(w, p, hash(p, T_CORE_REP, c * NSITES + s), s);
		}
	}
	for (uint64_t l = 1; l <= p->nleaf; l++) {
		uint64_t h = hash(p, T_LEAF, l);
		unsigned n = l % 12 ? 3 : 2, k = n == 3 && l % 20 == 0 ? 2 : 1, z0 = h % NSITES;
		node_open(w, 1);
		w_leaf(w, l);
		node_kind(w, "service");
		W(w, ">\n");
		group_begin(w, 2, k);
		for (unsigned i = 0; i < n; i++) {
			member_begin(w);
			w_leaf(w, l);
			W(w, "-");
			w_zone(w, (z0 + i) % NSITES);
			member_end(w);
		}
		group_end(w);
		uint64_t core = 1 + (h >> 8) % p->ncore;
		req_begin(w, 2);
		w_core(w, core);
		ref_end(w);
		if (p->ncore >= 2) {
			uint64_t other = 1 + (h >> 24) % p->ncore;
			if (other == core)
				other = core % p->ncore + 1;
			deg_begin(w, 2);
			w_core(w, other);
			ref_end(w);
		}
		if (l >= 4 && l % 4 == 0) {
			req_begin(w, 2);
			w_leaf(w, l / 4);
			ref_end(w);
		}
		if (l >= 2) {
			deg_begin(w, 2);
			w_leaf(w, l / 2);
			ref_end(w);
		}
		node_close(w, 1);
		for (unsigned i = 0; i < n; i++) {
			node_open(w, 1);
			w_leaf(w, l);
			W(w, "-");
			w_zone(w, (z0 + i) % NSITES);
			write_replica(w, p, hash(p, T_LEAF_REP, l * NSITES + i), (z0 + i) % NSITES);
		}
	}
}

/* --------------------------------------------------------------- tenants */

/* A tenant's home site, drawn with the sites' weights: all its apps run
 * there (tier 1 apps also in a second site), so a site failure takes whole
 * tenants down rather than a few apps of every tenant. */
static unsigned tenant_home(const plan *p, uint64_t t)
{
	uint64_t x = hash(p, T_HOME, t) % 100, sum = 0;
	unsigned s = 0;
	while (s + 1 < NSITES && x >= (sum += site_weight[s]))
		s++;
	return s;
}

/* The lb pool of app i (global index) of a tenant at home in site s, as a
 * global chunk and a slot. */
static void app_lb(const plan *p, unsigned s, uint64_t i, uint64_t *gc, uint64_t *slot)
{
	uint64_t h = hash(p, T_APP_LB, i);
	*gc = chunk_in_site(p, s, h);
	*slot = (h >> 40) % p->nlb;
}

static void write_app(wr *w, const plan *p, uint64_t t, unsigned home, uint64_t j, uint64_t a,
		      uint64_t d, uint64_t i)
{
	uint64_t h = hash(p, T_APP, i), h2 = hash(p, T_APP2, i), gc, slot;
	unsigned tier = h % 10 < 2 ? 1 : h % 10 < 6 ? 2 : 3;
	app_lb(p, home, i, &gc, &slot);
	node_open(w, 1);
	w_app(w, t, j);
	W(w, "\" kind=\"app\" tenant=\"t");
	w_u(w, t);
	W(w, "\" tier=\"");
	w_u(w, tier);
	W(w, "\"");
	if (j % 4 == 1) {
		W(w, " name=\"");
		w_esc(w, tenant_name[t % NTENANT_NAMES]);
		W(w, " app ");
		w_u(w, j);
		W(w, "\"");
	}
	W(w, ">\n");
	uint64_t dslot = (h >> 8) % p->ndb;
	if (tier == 1) {
		/* Tier 1 runs in two sites: 1 of 2 lb pools, 1 of 2 databases. */
		unsigned s2 = (home + 1 + (unsigned)(h2 % 3)) % NSITES;
		uint64_t gc2 = chunk_in_site(p, s2, h2 >> 8), slot2 = (h2 >> 32) % p->nlb;
		group_begin(w, 2, 1);
		member_begin(w);
		w_pool_at(w, p, gc, R_LB, slot);
		member_end(w);
		member_begin(w);
		w_pool_at(w, p, gc2, R_LB, slot2);
		member_end(w);
		group_end(w);
		group_begin(w, 2, 1);
		member_begin(w);
		w_pool_at(w, p, gc, R_DB, dslot);
		member_end(w);
		member_begin(w);
		w_pool_at(w, p, gc2, R_DB, (h2 >> 48) % p->ndb);
		member_end(w);
		group_end(w);
	} else {
		req_begin(w, 2);
		w_pool_at(w, p, gc, R_LB, slot);
		ref_end(w);
		req_begin(w, 2);
		w_pool_at(w, p, gc, R_DB, dslot);
		ref_end(w);
	}
	uint64_t l1 = 1 + (h >> 16) % p->nleaf, l2 = 1 + (h >> 40) % p->nleaf;
	if (l2 == l1)
		l2 = l1 % p->nleaf + 1;
	req_begin(w, 2);
	w_leaf(w, l1);
	ref_end(w);
	req_begin(w, 2);
	w_leaf(w, l2);
	ref_end(w);
	req_begin(w, 2);
	w_core(w, 1 + (h2 >> 16) % p->ncore);
	ref_end(w);
	if (d) {
		req_begin(w, 2);
		w_dataset(w, t, 1 + (j - 1) * d / a);
		ref_end(w);
	}
	if (j % 4 != 1) { /* the tenant's back end: every fourth app */
		req_begin(w, 2);
		w_app(w, t, j - (j - 1) % 4);
		ref_end(w);
	}
	deg_begin(w, 2);
	w_pool_at(w, p, gc, R_CDN, (h >> 56) % p->ncdn);
	ref_end(w);
	if (h2 & 1) {
		uint64_t l3 = 1 + (h2 >> 24) % p->nleaf;
		if (l3 != l1 && l3 != l2) {
			deg_begin(w, 2);
			w_leaf(w, l3);
			ref_end(w);
		}
	}
	node_close(w, 1);
}

/* Dataset k of tenant t (a apps from global index i0, d datasets): a copy
 * near its first app (in the tenant's home site s0) and one in another site;
 * three copies in three sites for three datasets in four; for one in 50 the
 * second copy is in the home site too: the backups that burn with the
 * primary. */
static void write_dataset(wr *w, const plan *p, uint64_t t, unsigned s0, uint64_t k, uint64_t a,
			  uint64_t d, uint64_t i0)
{
	uint64_t j0 = ((k - 1) * a + d - 1) / d, h = hash(p, T_DATASET, i0 + j0), gc, slot;
	app_lb(p, s0, i0 + j0, &gc, &slot);
	unsigned s2 = (s0 + 1 + (unsigned)(h % 3)) % NSITES, r = (unsigned)((h >> 24) % 100);
	uint64_t slot1 = (h >> 8) % p->hs, gc2 = chunk_in_site(p, s2, h >> 32), slot2 = (h >> 16) % p->hs;
	if (r < 2) {
		uint64_t same = chunk_in_site(p, s0, h >> 32);
		if (same != gc || slot2 != slot1)
			gc2 = same, s2 = s0;
	}
	node_open(w, 1);
	w_dataset(w, t, k);
	W(w, "\" kind=\"dataset\" tenant=\"t");
	w_u(w, t);
	W(w, "\">\n");
	copy_begin(w, 2);
	w_pool_at(w, p, gc, R_STOR, slot1);
	ref_end(w);
	copy_begin(w, 2);
	w_pool_at(w, p, gc2, R_STOR, slot2);
	ref_end(w);
	if (r >= 25 && s2 != s0) {
		unsigned s3 = (s2 + 1) % NSITES;
		while (s3 == s0 || s3 == s2)
			s3 = (s3 + 1) % NSITES;
		copy_begin(w, 2);
		w_pool_at(w, p, chunk_in_site(p, s3, h >> 40), R_STOR, (h >> 52) % p->hs);
		ref_end(w);
	}
	node_close(w, 1);
}

static void write_tenants(wr *w, const plan *p)
{
	tenants ts;
	uint64_t i = 0, a, d;
	tenants_init(&ts, p);
	for (uint64_t t = 1; ts.left; t++) {
		unsigned home = tenant_home(p, t);
		tenants_next(&ts, &a, &d);
		for (uint64_t j = 1; j <= a; j++)
			write_app(w, p, t, home, j, a, d, i + j - 1);
		for (uint64_t k = 1; k <= d; k++)
			write_dataset(w, p, t, home, k, a, d, i);
		i += a;
	}
}

/* ----------------------------------------------------------------- public */

int fo_gen_write(FILE *fp, const fo_gen_opts *o)
{
	plan p;
	wr w = { fp, NULL, 0, FO_OK, 0 };
	int err;

	if (!fp)
		return FO_EINVAL;
	if ((err = plan_make(&p, o)) < 0)
		goto done;
	if (!(w.buf = malloc(WBUF))) {
		err = FO_ENOMEM;
		goto done;
	}
	W(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<!-- Generated by fallout gen (docs/gen.md): nodes ");
	w_u(&w, p.n);
	W(&w, ", seed ");
	w_u(&w, p.seed);
	W(&w, ". -->\n<inventory name=\"gen-");
	w_u(&w, p.n);
	W(&w, "-s");
	w_u(&w, p.seed);
	W(&w, "\" version=\"1\">\n");
	write_plant(&w, &p);
	write_services(&w, &p);
	write_tenants(&w, &p);
	W(&w, "</inventory>\n");
	w_flush(&w);
	if (!w.err && fflush(fp) != 0)
		w.err = FO_EIO;
	err = w.err;
done:
	free(w.buf);
	return err;
}

int fo_gen_count(fo_gen_counts *out, const fo_gen_opts *o)
{
	plan p;
	tenants ts;
	int err;
	uint64_t a, d;

	if (!out)
		return FO_EINVAL;
	if ((err = plan_make(&p, o)) < 0)
		return err;
	memset(out, 0, sizeof *out);
	out->nodes = p.n;
	out->regions = 2;
	out->zones = out->sites = NSITES;
	out->facilities = NSITES * 7;
	for (unsigned s = 0; s < NSITES; s++)
		out->rooms += p.rooms[s];
	out->racks = p.tc * p.c;
	out->hosts = out->racks * (p.hc + p.hs);
	out->vms = out->racks * p.hc * p.v;
	out->storage_pools = p.tc * p.hs;
	out->pools = p.tc * (p.hc * p.v + p.hs);
	out->core_services = p.ncore;
	out->leaf_services = p.nleaf;
	out->replicas = p.ncore * NSITES + p.nrep;
	tenants_init(&ts, &p);
	while (ts.left) {
		tenants_next(&ts, &a, &d);
		out->apps += a;
		out->datasets += d;
		out->tenants++;
	}
	return FO_OK;
}

const char *fo_gen_layer_name(fo_gen_layer layer)
{
	static const char *const names[FO_GEN_LAYER_COUNT] = {
		"region", "site", "cooling", "room", "rack", "host", "vm", "storage",
		"core-service", "leaf-service", "app", "dataset",
	};
	return (unsigned)layer < FO_GEN_LAYER_COUNT ? names[layer] : NULL;
}

int fo_gen_representative(char *out, size_t size, const fo_gen_opts *o, fo_gen_layer layer)
{
	plan p;
	char buf[64];
	int err, n = 0;

	if (!out || (unsigned)layer >= FO_GEN_LAYER_COUNT)
		return FO_EINVAL;
	if ((err = plan_make(&p, o)) < 0)
		return err;
	switch (layer) {
	case FO_GEN_REGION: n = snprintf(buf, sizeof buf, "r1"); break;
	case FO_GEN_SITE: n = snprintf(buf, sizeof buf, "r1-z1-s1"); break;
	case FO_GEN_COOLING: n = snprintf(buf, sizeof buf, "r1-z1-s1-cooling"); break;
	case FO_GEN_ROOM: n = snprintf(buf, sizeof buf, "r1-z1-s1-room1"); break;
	case FO_GEN_RACK: n = snprintf(buf, sizeof buf, "r1-z1-s1-room1-rack1"); break;
	case FO_GEN_HOST: n = snprintf(buf, sizeof buf, "r1-z1-s1-room1-rack1-h1"); break;
	case FO_GEN_VM: n = snprintf(buf, sizeof buf, "r1-z1-s1-room1-rack1-h1-vm1"); break;
	case FO_GEN_STORAGE: n = snprintf(buf, sizeof buf, "r1-z1-s1-room1-stor-1"); break;
	case FO_GEN_CORE_SERVICE:
		n = snprintf(buf, sizeof buf, "svc-core-%llu", (unsigned long long)p.ncore);
		break;
	case FO_GEN_LEAF_SERVICE:
		n = snprintf(buf, sizeof buf, "svc-%llu", (unsigned long long)p.nleaf);
		break;
	case FO_GEN_APP: n = snprintf(buf, sizeof buf, "app-t1-1"); break;
	case FO_GEN_DATASET: n = snprintf(buf, sizeof buf, "ds-t1-1"); break;
	default: return FO_EINVAL;
	}
	if (n < 0 || (size_t)n >= size)
		return FO_ELIMIT;
	memcpy(out, buf, (size_t)n + 1);
	return FO_OK;
}
