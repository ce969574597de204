/*
 * test_map.c — the impact map (reports/fo_map.h): every scope node lands in
 * exactly one item, and two nodes share a box exactly when their keys
 * (nearest open container, kind, and for apps tenant and tier) are equal,
 * checked against a naive recomputation on the samples and on generated
 * inventories; the automatic level keeps the budget and is the finest that
 * does; links carry the causes and the groups that held; --expand and
 * --collapse; a deep containment chain; bad arguments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/fo_engine.h"
#include "generators/fo_gen.h"
#include "graphs/fo_error.h"
#include "helpers/fixture.h"
#include "helpers/rfix.h"
#include "importers/fo_inventory.h"
#include "reports/fo_map.h"

typedef struct world {
	fo_graph *g;
	fo_engine *e;
	uint8_t *in;
	uint32_t *scope;
	size_t n;
} world;

/* The impact scope as fo_render takes it: impacted nodes and the
 * containers around them. */
static void world_scope(world *w)
{
	uint32_t nodes = fo_graph_node_count(w->g);
	free(w->in);
	free(w->scope);
	w->in = calloc(nodes ? nodes : 1, 1);
	w->scope = malloc((nodes ? nodes : 1) * sizeof *w->scope);
	assert_non_null(w->in);
	assert_non_null(w->scope);
	for (uint32_t v = 0; v < nodes; v++)
		if (fo_engine_flags(w->e, v))
			for (uint32_t x = v; x != FO_NONE && !w->in[x]; x = fo_graph_node_container(w->g, x))
				w->in[x] = 1;
	w->n = 0;
	for (uint32_t v = 0; v < nodes; v++)
		if (w->in[v])
			w->scope[w->n++] = v;
}

static void world_load(world *w, const char *path, const char *scenario)
{
	fo_diag *d = NULL;
	memset(w, 0, sizeof *w);
	assert_int_equal(fo_diag_new(&d, 0), FO_OK);
	assert_int_equal(fo_inventory_load(&w->g, path, NULL, d), FO_OK);
	fo_diag_free(d);
	assert_int_equal(fo_engine_new(&w->e, w->g), FO_OK);
	assert_int_equal(fx_run(w->e, scenario), FO_OK);
	world_scope(w);
}

/* A generated inventory of `nodes` nodes with `layer`'s representative
 * failed. */
static void world_gen(world *w, uint64_t nodes, fo_gen_layer layer)
{
	char path[] = "/tmp/fallout-test-map-XXXXXX", id[64], scen[80];
	fo_gen_opts go = { nodes, 1 };
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	assert_non_null(fp);
	assert_int_equal(fo_gen_write(fp, &go), FO_OK);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(fo_gen_representative(id, sizeof id, &go, layer), FO_OK);
	snprintf(scen, sizeof scen, "fail:%s", id);
	world_load(w, path, scen);
	unlink(path);
}

static void world_free(world *w)
{
	free(w->in);
	free(w->scope);
	fo_engine_free(w->e);
	fo_graph_free(w->g);
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Checks a map against the rules, recomputed naively per node:
 * - every scope node has an item; item totals add up to the scope;
 * - a cluster item is an open container with drawn contents, a single item
 *   is its node, a box holds nodes of its kind whose nearest cluster
 *   container is the box's home;
 * - two nodes in boxes share one exactly when (home, kind, tenant, tier)
 *   are equal (tenant and tier for apps as the box says);
 * - link counts: a link of a map (not nodes) stands for causes, so the
 *   non-containment counts add up to at most the impacted nodes plus the
 *   members of groups that held. */
static void check_map(const world *w, const fo_map *m)
{
	uint32_t *count = calloc(m->nitems ? m->nitems : 1, sizeof *count);
	assert_non_null(count);
	for (size_t i = 0; i < w->n; i++) {
		uint32_t v = w->scope[i], it = m->item_of[v];
		assert_true(it < m->nitems);
		count[it]++;
		const fo_map_item *x = &m->items[it];
		if (x->node != FO_NONE && !x->cluster) {
			assert_int_equal(x->node, v);
			assert_int_equal(x->total, 1);
		} else if (x->cluster) {
			assert_int_equal(x->node, v);
		} else {
			assert_string_equal(x->kind, fo_graph_node_kind_word(w->g, v));
		}
		/* the home is a cluster item's node (or the top), and an
		 * ancestor of v */
		if (x->home != FO_NONE) {
			assert_true(m->items[m->item_of[x->home]].cluster);
			int found = 0;
			for (uint32_t y = fo_graph_node_container(w->g, v); y != FO_NONE && !found;
			     y = fo_graph_node_container(w->g, y))
				found = y == x->home;
			assert_true(found);
			/* and the nearest one: nothing between is a cluster */
			for (uint32_t y = fo_graph_node_container(w->g, v); y != x->home;
			     y = fo_graph_node_container(w->g, y))
				assert_false(m->items[m->item_of[y]].cluster);
		}
	}
	size_t total = 0;
	for (size_t i = 0; i < m->nitems; i++) {
		const fo_map_item *x = &m->items[i];
		if (!x->cluster)
			assert_int_equal(count[i], x->total);
		total += x->total;
		uint32_t sum = 0;
		for (int c = 0; c < FO_MAP_CAT_COUNT; c++)
			sum += x->count[c];
		assert_int_equal(sum, x->total);
	}
	assert_int_equal(total, w->n);
	/* boxes: distinct keys */
	for (size_t i = 0; i < m->nitems; i++)
		for (size_t j = i + 1; j < m->nitems && m->nitems < 400; j++) {
			const fo_map_item *a = &m->items[i], *b = &m->items[j];
			if (a->node != FO_NONE || b->node != FO_NONE)
				continue;
			assert_false(a->home == b->home && !strcmp(a->kind, b->kind) &&
				     str_eq(a->tenant, b->tenant) && a->tier == b->tier);
		}
	/* links: between distinct items, with positive counts */
	for (size_t l = 0; l < m->nlinks; l++) {
		assert_true(m->links[l].from < m->nitems);
		assert_true(m->links[l].to < m->nitems);
		assert_true(m->links[l].from != m->links[l].to);
		assert_true(m->links[l].count > 0);
	}
	free(count);
}

static void check_causes(const world *w, const fo_map *m)
{
	/* a map's links stand for causes: each impacted node gives at most
	 * one, so the causes of impacted nodes bound the counts */
	size_t impacted = 0, causes = 0;
	for (size_t i = 0; i < w->n; i++)
		impacted += fo_engine_flags(w->e, w->scope[i]) != 0;
	for (size_t l = 0; l < m->nlinks; l++)
		if (m->links[l].cat != FO_MAP_UP)
			causes += m->links[l].count;
	assert_true(causes <= impacted);
}

static void tencent_levels(void **state)
{
	(void)state;
	world w;
	world_load(&w, "samples/tencent-gz-2023.xml", "fail:gz-cooling");
	size_t prev = 0;
	for (int level = FO_MAP_LEVEL_MIN; level <= 7; level++) {
		fo_map *m = NULL;
		fo_map_opts o = { 0 };
		o.level = level;
		assert_int_equal(fo_map_build(&m, w.e, w.in, w.scope, w.n, &o), FO_OK);
		check_map(&w, m);
		check_causes(&w, m);
		/* finer levels never have fewer items: the rule the automatic
		 * choice's binary search relies on */
		assert_true(m->nitems >= prev);
		prev = m->nitems;
		if (level < 0)
			for (size_t i = 0; i < m->nitems; i++)
				assert_false(m->items[i].cluster);
		fo_map_free(m);
	}
	/* nodes: one item per node */
	fo_map *m = NULL;
	fo_map_opts o = { 0 };
	o.nodes = 1;
	assert_int_equal(fo_map_build(&m, w.e, w.in, w.scope, w.n, &o), FO_OK);
	check_map(&w, m);
	assert_int_equal(m->nitems, w.n);
	fo_map_free(m);
	world_free(&w);
}

/* The apps of the coarse map: boxed per tenant and tier at level -1, per
 * tenant at -2, per state only at -3. */
static void app_boxes(void **state)
{
	(void)state;
	world w;
	world_load(&w, "samples/tencent-gz-2023.xml", "fail:gz-cooling");
	uint32_t pay = fx_id(w.g, "wechat-pay"), chat = fx_id(w.g, "wechat-chat");
	uint32_t mail = fx_id(w.g, "qq-mail");
	int levels[] = { -1, -2, -3 };
	for (int i = 0; i < 3; i++) {
		fo_map *m = NULL;
		fo_map_opts o = { 0 };
		o.level = levels[i];
		assert_int_equal(fo_map_build(&m, w.e, w.in, w.scope, w.n, &o), FO_OK);
		const fo_map_item *p = &m->items[m->item_of[pay]];
		assert_int_equal(p->node, FO_NONE);
		assert_string_equal(p->kind, "app");
		if (levels[i] == -1) {
			assert_string_equal(p->tenant, "wechat");
			assert_int_equal(p->tier, 1);
			/* wechat-chat is tier 1 too, qq-mail another tenant */
			assert_int_equal(m->item_of[chat], m->item_of[pay]);
			assert_int_not_equal(m->item_of[mail], m->item_of[pay]);
		} else if (levels[i] == -2) {
			assert_string_equal(p->tenant, "wechat");
			assert_int_equal(p->tier, 0);
			assert_int_not_equal(m->item_of[mail], m->item_of[pay]);
		} else {
			assert_null(p->tenant);
			assert_int_equal(m->item_of[mail], m->item_of[pay]);
		}
		fo_map_free(m);
	}
	world_free(&w);
}

/* The quickstart: wechat-pay needs 1 of {pay-gz, pay-sh}; the cooling takes
 * pay-gz down, the group holds with pay-sh: the item of wechat-pay says
 * so. */
static void held_groups(void **state)
{
	(void)state;
	fo_graph *g = NULL;
	fo_engine *e = NULL;
	assert_int_equal(rfix_quickstart(&g), FO_OK);
	assert_int_equal(fo_engine_new(&e, g), FO_OK);
	assert_int_equal(fx_run(e, "fail:gz3-cooling"), FO_OK);
	world w = { g, e, NULL, NULL, 0 };
	world_scope(&w);
	/* pay-sh is up; put it in, as fo_render's spares do */
	uint32_t sh = fx_id(g, "pay-sh"), wp = fx_id(g, "wechat-pay");
	for (uint32_t x = sh; x != FO_NONE && !w.in[x]; x = fo_graph_node_container(g, x))
		w.in[x] = 1;
	w.n = 0;
	for (uint32_t v = 0; v < fo_graph_node_count(g); v++)
		if (w.in[v])
			w.scope[w.n++] = v;
	fo_map *m = NULL;
	fo_map_opts o = { 0 };
	o.nodes = 1;
	assert_int_equal(fo_map_build(&m, e, w.in, w.scope, w.n, &o), FO_OK);
	check_map(&w, m);
	const fo_map_item *x = &m->items[m->item_of[wp]];
	assert_int_equal(x->held, 1);
	assert_int_equal(x->held_left, 1);
	assert_int_equal(x->held_n, 2);
	assert_int_equal(x->held_k, 1);
	/* detail nodes: every dependency is a link, pay-sh's included */
	int from_sh = 0;
	for (size_t l = 0; l < m->nlinks; l++)
		from_sh += m->links[l].from == m->item_of[sh] && m->links[l].to == m->item_of[wp];
	assert_int_equal(from_sh, 1);
	fo_map_free(m);
	/* a map: causes only; into wechat-pay, one line standing for one
	 * dependency, from pay-gz's item (its cause), pay-sh's not counted */
	o.nodes = 0;
	o.level = 10;
	assert_int_equal(fo_map_build(&m, e, w.in, w.scope, w.n, &o), FO_OK);
	int into = 0;
	for (size_t l = 0; l < m->nlinks; l++)
		if (m->links[l].to == m->item_of[wp]) {
			into++;
			assert_int_equal(m->links[l].from, m->item_of[fx_id(g, "pay-gz")]);
			assert_int_equal(m->links[l].count, 1);
		}
	assert_int_equal(into, 1);
	fo_map_free(m);
	world_free(&w);
}

static void expand_and_collapse(void **state)
{
	(void)state;
	world w;
	world_load(&w, "samples/tencent-gz-2023.xml", "fail:gz-cooling");
	uint32_t hall = fx_id(w.g, "gz-hall-1"), rack = fx_id(w.g, "gz-rack-1a");
	fo_map *m = NULL;
	fo_map_opts o = { 0 };
	o.level = -1; /* no clusters at all... */
	o.expand = &hall; /* ...but the hall, opened */
	o.nexpand = 1;
	assert_int_equal(fo_map_build(&m, w.e, w.in, w.scope, w.n, &o), FO_OK);
	check_map(&w, m);
	assert_true(m->items[m->item_of[hall]].cluster);
	/* its ancestors are clusters; what is directly in it is drawn as
	 * itself (a rack with contents: a cluster too) */
	assert_true(m->items[m->item_of[fx_id(w.g, "gz-dc")]].cluster);
	assert_true(m->items[m->item_of[rack]].cluster);
	fo_map_free(m);

	/* collapse vm in a drawing of nodes: the VMs are boxes per host
	 * pool, everything else drawn as itself */
	const char *const kinds[] = { "vm", NULL };
	memset(&o, 0, sizeof o);
	o.nodes = 1;
	o.collapse = kinds;
	assert_int_equal(fo_map_build(&m, w.e, w.in, w.scope, w.n, &o), FO_OK);
	check_map(&w, m);
	for (size_t i = 0; i < w.n; i++) {
		uint32_t v = w.scope[i];
		const fo_map_item *x = &m->items[m->item_of[v]];
		if (!strcmp(fo_graph_node_kind_word(w.g, v), "vm"))
			assert_true(x->node == FO_NONE || x->total == 1);
		else
			assert_int_equal(x->node, v);
	}
	fo_map_free(m);
	world_free(&w);
}

/* Generated inventories: the automatic level keeps the budget, is the
 * finest that does, and the rules hold at every size tried. */
static void generated_auto(void **state)
{
	(void)state;
	const struct {
		uint64_t nodes;
		fo_gen_layer layer;
	} cases[] = {
		{ 2000, FO_GEN_SITE }, { 2000, FO_GEN_RACK }, { 20000, FO_GEN_COOLING },
		{ 20000, FO_GEN_CORE_SERVICE },
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		world w;
		world_gen(&w, cases[c].nodes, cases[c].layer);
		fo_map *m = NULL;
		fo_map_opts o = { 0 };
		assert_int_equal(fo_map_build_auto(&m, w.e, w.in, w.scope, w.n, &o, 150), FO_OK);
		check_map(&w, m);
		check_causes(&w, m);
		assert_true(m->nitems <= 150);
		if (m->level < 64) {
			/* one level finer breaks the budget */
			fo_map *f = NULL;
			o.level = m->level + 1;
			assert_int_equal(fo_map_build(&f, w.e, w.in, w.scope, w.n, &o), FO_OK);
			check_map(&w, f);
			if (f->nitems <= 150) /* only when nothing finer exists */
				assert_true(f->nitems == m->nitems);
			fo_map_free(f);
		}
		/* at most FO_MAP_TENANTS named tenants */
		const char *seen[FO_MAP_TENANTS + 1];
		size_t nseen = 0;
		for (size_t i = 0; i < m->nitems; i++) {
			const char *t = m->items[i].tenant;
			if (!t || t == fo_map_other_tenants)
				continue;
			size_t k = 0;
			while (k < nseen && strcmp(seen[k], t))
				k++;
			if (k == nseen) {
				assert_true(nseen < FO_MAP_TENANTS);
				seen[nseen++] = t;
			}
		}
		fo_map_free(m);
		world_free(&w);
	}
}

/* 300 nested containers: resolved without recursion, and the map of the
 * chain stays within budget. */
static void deep_chain(void **state)
{
	(void)state;
	char *spec = malloc(300 * 32);
	size_t n = 0;
	world w = { 0 };
	assert_non_null(spec);
	for (int i = 0; i < 300; i++)
		n += (size_t)sprintf(spec + n, "c%d @ c%d\n", i, i + 1);
	assert_int_equal(fx_graph(&w.g, spec, NULL), FO_OK);
	free(spec);
	assert_int_equal(fo_engine_new(&w.e, w.g), FO_OK);
	assert_int_equal(fx_run(w.e, "fail:c0"), FO_OK);
	world_scope(&w);
	assert_int_equal(w.n, 301);
	fo_map *m = NULL;
	fo_map_opts o = { 0 };
	assert_int_equal(fo_map_build_auto(&m, w.e, w.in, w.scope, w.n, &o, 150), FO_OK);
	check_map(&w, m);
	assert_true(m->nitems <= 150);
	fo_map_free(m);
	world_free(&w);
}

static void bad_arguments(void **state)
{
	(void)state;
	world w;
	world_load(&w, "samples/quickstart.xml", "fail:gz3-cooling");
	fo_map *m = (fo_map *)&w; /* must be reset */
	fo_map_opts o = { 0 };
	assert_int_equal(fo_map_build(NULL, w.e, w.in, w.scope, w.n, &o), FO_EINVAL);
	assert_int_equal(fo_map_build(&m, w.e, NULL, w.scope, w.n, &o), FO_EINVAL);
	/* a node outside the scope's byte array */
	uint32_t out = 0;
	while (w.in[out])
		out++;
	assert_int_equal(fo_map_build(&m, w.e, w.in, &out, 1, &o), FO_EINVAL);
	assert_null(m);
	fo_map_free(NULL);
	world_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tencent_levels),
		cmocka_unit_test(app_boxes),
		cmocka_unit_test(held_groups),
		cmocka_unit_test(expand_and_collapse),
		cmocka_unit_test(generated_auto),
		cmocka_unit_test(deep_chain),
		cmocka_unit_test(bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
