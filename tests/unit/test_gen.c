/*
 * test_gen.c — the synthetic inventory generator (generators/fo_gen.h): the
 * output loads and validates against the embedded XSD with no error, has
 * exactly N nodes, about five dependencies per node, every layer and every
 * kind of dependency, the counts fo_gen_count announces; it is byte-identical
 * for a seed and differs for another; the representative ids exist and their
 * blast radii are ordered site > room > rack > host, with a site near 45 %.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "analyzer/fo_check.h"
#include "analyzer/fo_engine.h"
#include "generators/fo_gen.h"
#include "graphs/fo_error.h"
#include "importers/fo_inventory.h"
#include "helpers/golden.h"

/* The three templates (docs/gen.md): tiny below 1000, mid below 20000, big. */
static const uint64_t sizes[] = { 100, 999, 1000, 5000, 20000 };
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* Generates into a temporary file and loads it (schema validated). */
static fo_graph *gen_load(uint64_t n, uint64_t seed, fo_diag **diag_out)
{
	char path[] = "/tmp/fallout-test-gen-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "wb");
	assert_non_null(fp);
	fo_gen_opts o = { n, seed };
	assert_int_equal(fo_gen_write(fp, &o), FO_OK);
	assert_int_equal(fclose(fp), 0);
	fo_diag *diag = NULL;
	fo_graph *g = NULL;
	fo_inventory_opts io = { 1, NULL, 0, 0 };
	assert_int_equal(fo_diag_new(&diag, 20), FO_OK);
	int err = fo_inventory_load(&g, path, &io, diag);
	if (err != FO_OK)
		fo_diag_print(diag, stderr);
	unlink(path);
	assert_int_equal(err, FO_OK);
	assert_int_equal(fo_diag_errors(diag), 0);
	*diag_out = diag;
	return g;
}

static void loads_with_exact_counts(void **state)
{
	(void)state;
	for (size_t i = 0; i < NSIZES; i++) {
		uint64_t n = sizes[i];
		fo_diag *diag;
		fo_graph *g = gen_load(n, 7, &diag);
		fo_gen_opts o = { n, 7 };
		fo_gen_counts c;
		assert_int_equal(fo_gen_count(&c, &o), FO_OK);
		assert_int_equal(fo_graph_node_count(g), n);
		assert_int_equal(c.nodes, n);
		assert_int_equal(c.regions + c.zones + c.sites + c.facilities + c.rooms + c.racks +
					 c.hosts + c.vms + c.pools + c.core_services + c.leaf_services +
					 c.replicas + c.apps + c.datasets,
				 n);
		/* about five dependencies per node; the smallest worlds are
		 * mostly plant (docs/gen.md: 2.6 at N = 100) */
		double per = (double)fo_graph_member_count(g) / (double)n;
		if (per < (n >= 500 ? 3.5 : 2.0) || per > 6.5)
			fail_msg("N=%llu: %.2f dependencies per node", (unsigned long long)n, per);
		/* the counts by kind are those announced */
		uint64_t k[FO_KIND__COUNT] = { 0 };
		for (uint32_t v = 0; v < n; v++)
			k[fo_graph_node_kind(g, v)]++;
		assert_int_equal(k[FO_KIND_REGION], c.regions);
		assert_int_equal(k[FO_KIND_SITE], c.sites);
		assert_int_equal(k[FO_KIND_ROOM], c.rooms);
		assert_int_equal(k[FO_KIND_RACK], c.racks);
		assert_int_equal(k[FO_KIND_HOST], c.hosts);
		assert_int_equal(k[FO_KIND_VM], c.vms);
		assert_int_equal(k[FO_KIND_STORAGE], c.storage_pools);
		assert_int_equal(k[FO_KIND_APP], c.apps);
		assert_int_equal(k[FO_KIND_DATASET], c.datasets);
		assert_true(c.apps >= 1 && c.datasets >= 1 && c.tenants >= 1);
		/* `fallout check`: no error (warnings are design remarks) */
		fo_check_stats st;
		assert_int_equal(fo_check_warnings(g, diag, &st), FO_OK);
		assert_int_equal(fo_diag_errors(diag), 0);
		assert_int_equal(st.apps, c.apps);
		assert_int_equal(st.cycles, 0);
		fo_graph_free(g);
		fo_diag_free(diag);
	}
}

static void every_layer_and_dependency(void **state)
{
	(void)state;
	static const uint64_t ns[] = { 100, 20000 };
	for (size_t t = 0; t < 2; t++) {
		fo_diag *diag;
		fo_graph *g = gen_load(ns[t], 1, &diag);
		uint32_t n = fo_graph_node_count(g);
		uint64_t kinds[FO_KIND__COUNT] = { 0 };
		int k_of_n = 0, soft = 0, copies = 0, located = 0, svc_svc = 0, app_app = 0;
		int chinese = 0, amp = 0;
		for (uint32_t v = 0; v < n; v++) {
			kinds[fo_graph_node_kind(g, v)]++;
			const char *name = fo_graph_node_name(g, v);
			if (name && strstr(name, "微信支付"))
				chinese = 1;
			if (name && strstr(name, "Acme & Co"))
				amp = 1;
		}
		for (uint32_t gi = 0; gi < fo_graph_group_count(g); gi++) {
			fo_group_info gr;
			fo_graph_group(g, gi, &gr);
			fo_kind ok = fo_graph_node_kind(g, gr.owner);
			if (gr.type == FO_GROUP_REQUIRES && gr.n > 1 && gr.k > 1 && gr.k < gr.n)
				k_of_n = 1;
			soft |= gr.type == FO_GROUP_DEGRADES;
			copies |= gr.type == FO_GROUP_COPIES && gr.n >= 2;
			located |= gr.type == FO_GROUP_LOCATED;
			for (uint32_t m = 0; m < gr.n && gr.type == FO_GROUP_REQUIRES; m++) {
				fo_kind mk = fo_graph_node_kind(g, gr.members[m]);
				if (ok == FO_KIND_SERVICE && (mk == FO_KIND_SERVICE || mk == FO_KIND_DNS ||
							      mk == FO_KIND_QUEUE))
					svc_svc = 1;
				if (ok == FO_KIND_APP && mk == FO_KIND_APP)
					app_app = 1;
			}
		}
		static const fo_kind want[] = {
			FO_KIND_REGION, FO_KIND_ZONE, FO_KIND_SITE, FO_KIND_POWER, FO_KIND_COOLING,
			FO_KIND_NETWORK, FO_KIND_ROOM, FO_KIND_RACK, FO_KIND_HOST, FO_KIND_VM,
			FO_KIND_LB, FO_KIND_DB, FO_KIND_CDN, FO_KIND_STORAGE, FO_KIND_SERVICE,
			FO_KIND_APP, FO_KIND_DATASET,
		};
		for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
			if (!kinds[want[i]])
				fail_msg("N=%u: no node of kind %s", n, fo_kind_name(want[i]));
		assert_true(k_of_n && soft && copies && located && svc_svc);
		if (n >= 1000) {
			assert_true(app_app);
			assert_true(chinese && amp);
		}
		fo_graph_free(g);
		fo_diag_free(diag);
	}
}

static void deterministic_by_seed(void **state)
{
	(void)state;
	gold_capture a, b, c;
	fo_gen_opts o = { 20000, 42 };
	assert_int_equal(fo_gen_write(gold_open(&a), &o), FO_OK);
	assert_int_equal(fo_gen_write(gold_open(&b), &o), FO_OK);
	o.seed = 43;
	assert_int_equal(fo_gen_write(gold_open(&c), &o), FO_OK);
	gold_close(&a);
	gold_close(&b);
	gold_close(&c);
	assert_true(a.len > 1000000);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	assert_true(a.len != c.len || memcmp(a.buf, c.buf, a.len) != 0);
	gold_free(&a);
	gold_free(&b);
	gold_free(&c);
}

static size_t radius(fo_engine *e, const fo_graph *g, const char *id)
{
	uint32_t v;
	if (fo_graph_lookup(g, id, &v) != FO_OK)
		fail_msg("representative '%s' does not exist", id);
	fo_scenario sc = { &v, 1, NULL, 0 };
	const uint32_t *im;
	assert_int_equal(fo_engine_run(e, &sc), FO_OK);
	return fo_engine_impacted(e, &im);
}

static void representatives(void **state)
{
	(void)state;
	static const uint64_t ns[] = { 100, 5000, 20000 };
	static const fo_kind kind[FO_GEN_LAYER_COUNT] = {
		FO_KIND_REGION, FO_KIND_SITE, FO_KIND_COOLING, FO_KIND_ROOM, FO_KIND_RACK,
		FO_KIND_HOST, FO_KIND_VM, FO_KIND_STORAGE, FO_KIND_OTHER, FO_KIND_SERVICE,
		FO_KIND_APP, FO_KIND_DATASET,
	};
	for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
		fo_gen_opts o = { ns[t], 3 };
		fo_diag *diag;
		fo_graph *g = gen_load(ns[t], 3, &diag);
		fo_engine *e = NULL;
		size_t r[FO_GEN_LAYER_COUNT];
		assert_int_equal(fo_engine_new(&e, g), FO_OK);
		for (int l = 0; l < FO_GEN_LAYER_COUNT; l++) {
			char id[64];
			uint32_t v;
			assert_int_equal(fo_gen_representative(id, sizeof id, &o, l), FO_OK);
			r[l] = radius(e, g, id);
			assert_int_equal(fo_graph_lookup(g, id, &v), FO_OK);
			if (kind[l] != FO_KIND_OTHER)
				assert_int_equal(fo_graph_node_kind(g, v), kind[l]);
		}
		double n = (double)ns[t];
		assert_true(r[FO_GEN_REGION] > r[FO_GEN_SITE]);
		assert_true(r[FO_GEN_SITE] >= r[FO_GEN_COOLING]);
		assert_true(r[FO_GEN_COOLING] > r[FO_GEN_ROOM]);
		assert_true(r[FO_GEN_ROOM] > r[FO_GEN_RACK]);
		assert_true(r[FO_GEN_RACK] > r[FO_GEN_HOST]);
		assert_true(r[FO_GEN_HOST] > r[FO_GEN_VM]);
		assert_true(r[FO_GEN_CORE_SERVICE] > r[FO_GEN_LEAF_SERVICE]);
		assert_true(r[FO_GEN_HOST] < 100 && r[FO_GEN_RACK] < 100 && r[FO_GEN_APP] < 100);
		if (ns[t] >= 5000) {
			/* one campus: a large share, but redundancy keeps most up */
			if (r[FO_GEN_SITE] < 0.35 * n || r[FO_GEN_SITE] > 0.60 * n)
				fail_msg("N=%.0f: a site failure impacts %zu nodes", n, r[FO_GEN_SITE]);
			assert_true(r[FO_GEN_COOLING] > 0.9 * (double)r[FO_GEN_SITE]);
			assert_true(r[FO_GEN_ROOM] < 0.15 * n);
			assert_true(r[FO_GEN_STORAGE] > r[FO_GEN_HOST]);
		}
		fo_engine_free(e);
		fo_graph_free(g);
		fo_diag_free(diag);
	}
}

static void bad_arguments(void **state)
{
	(void)state;
	fo_gen_opts o = { FO_GEN_MIN_NODES - 1, 1 };
	fo_gen_counts c;
	char id[64];
	FILE *fp = fopen("/dev/null", "wb");
	assert_non_null(fp);
	assert_int_equal(fo_gen_write(fp, &o), FO_EINVAL);
	assert_int_equal(fo_gen_write(fp, NULL), FO_EINVAL);
	assert_int_equal(fo_gen_count(&c, &o), FO_EINVAL);
	o.nodes = (uint64_t)FO_GEN_MAX_NODES + 1;
	assert_int_equal(fo_gen_write(fp, &o), FO_EINVAL);
	o.nodes = 0;
	assert_int_equal(fo_gen_representative(id, sizeof id, &o, FO_GEN_SITE), FO_EINVAL);
	o.nodes = 1000;
	assert_int_equal(fo_gen_write(NULL, &o), FO_EINVAL);
	assert_int_equal(fo_gen_representative(id, sizeof id, &o, FO_GEN_LAYER_COUNT), FO_EINVAL);
	assert_int_equal(fo_gen_representative(id, 4, &o, FO_GEN_SITE), FO_ELIMIT);
	assert_int_equal(fo_gen_representative(id, sizeof id, &o, FO_GEN_SITE), FO_OK);
	assert_string_equal(id, "r1-z1-s1");
	assert_int_equal(fo_gen_representative(id, sizeof id, &o, FO_GEN_APP), FO_OK);
	assert_string_equal(id, "app-t1-1");
	assert_string_equal(fo_gen_layer_name(FO_GEN_COOLING), "cooling");
	assert_null(fo_gen_layer_name(FO_GEN_LAYER_COUNT));
	fclose(fp);
	/* A full disk is an I/O error. */
	if ((fp = fopen("/dev/full", "wb")) != NULL) {
		assert_int_equal(fo_gen_write(fp, &o), FO_EIO);
		fclose(fp);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_with_exact_counts),
		cmocka_unit_test(every_layer_and_dependency),
		cmocka_unit_test(deterministic_by_seed),
		cmocka_unit_test(representatives),
		cmocka_unit_test(bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
